//! Backup and restore of the local database: a consistent copy encrypted with the database's
//! key (or a passphrase, to move to another machine), and a restore that checks the backup
//! before it replaces anything and keeps the replaced file.

use crate::{OpsError, Result};
use fudao_store::keys::{file_kind, FileKind};
use fudao_store::Store;
use std::path::Path;

/// Where an existing backup file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// An existing file is an error (the CLI: the file must not exist).
    Refuse,
    /// The user confirmed replacing it (the app's save dialog asked).
    Replace,
}

/// Writes a consistent copy of the database to `dest`, encrypted with the database's key or,
/// with `passphrase`, with that passphrase; never with the sync token. Returns its size, telling
/// `progress` the bytes written and the size expected (about ten times a second); `None` when
/// `progress` returned false and the backup stopped (nothing is left at `dest`; a replaced file
/// is already gone).
pub fn backup_with(
    s: &Store,
    dest: &Path,
    passphrase: Option<&str>,
    existing: Existing,
    progress: &mut fudao_store::BackupProgress<'_>,
) -> Result<Option<u64>> {
    if existing == Existing::Replace && dest.exists() {
        std::fs::remove_file(dest).map_err(|e| OpsError::Io {
            path: dest.to_path_buf(),
            detail: e.to_string(),
        })?;
    }
    if !s.backup_with_progress(dest, passphrase, progress)? {
        return Ok(None);
    }
    Ok(Some(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0)))
}

/// The bytes of the backup at `src`, once it is known to be a Fudao database that this
/// database's key opens (a plaintext backup of an older version is accepted: it is encrypted
/// when opened).
pub fn check_backup(current: &Store, src: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(src).map_err(|e| OpsError::Io {
        path: src.to_path_buf(),
        detail: e.to_string(),
    })?;
    match file_kind(src)? {
        FileKind::Missing => Err(OpsError::NotABackup {
            path: src.to_path_buf(),
        }),
        FileKind::Encrypted => {
            let opens = current
                .key()
                .is_some_and(|k| fudao_store::open_connection(src, k).is_ok());
            if opens {
                Ok(bytes)
            } else {
                Err(OpsError::BackupWrongKey {
                    path: src.to_path_buf(),
                })
            }
        }
        _ => Ok(bytes),
    }
}

/// Replaces the database file of `current` (at `path`) with `backup` (from [`check_backup`]):
/// closes the connection, keeps the current file as `<name>.db.before-restore`, writes the
/// backup owner-only and opens it with the same key.
pub fn restore(current: Store, path: &Path, backup: &[u8]) -> Result<Store> {
    let (key, origin, secrets) = (
        current.key().cloned(),
        current.key_origin(),
        std::sync::Arc::clone(current.secrets()),
    );
    // Dropping the store closes its connection (and checkpoints the WAL).
    drop(current);
    let io = |p: &Path, e: std::io::Error| OpsError::Io {
        path: p.to_path_buf(),
        detail: e.to_string(),
    };
    let keep = path.with_extension("db.before-restore");
    if path.exists() {
        std::fs::copy(path, &keep).map_err(|e| io(&keep, e))?;
        fudao_store::fsperm::restrict_file(&keep)?;
    }
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(path.with_extension(ext));
    }
    fudao_store::fsperm::write_private(path, backup)?;
    let s = match (key, origin) {
        (Some(k), Some(o)) => Store::open_unlocked(path, &k, o, secrets)?,
        _ => Store::open_plaintext(path)?,
    };
    let _ = fudao_store::fsperm::restrict_file(path);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::{EntityKind, Firm};
    use fudao_store::DbKey;
    use uuid::Uuid;

    /// A backup told to go on to the end; its size.
    fn backup(s: &Store, dest: &Path, passphrase: Option<&str>, existing: Existing) -> Result<u64> {
        Ok(backup_with(s, dest, passphrase, existing, &mut |_, _| true)?.unwrap_or(0))
    }

    fn firm(n: &str) -> Firm {
        let uscc = fudao_core::uscc::compose("91", "370102", n).unwrap();
        Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司")
    }

    #[test]
    fn a_backup_restores_over_later_changes_and_keeps_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fudao.db");
        let mut s = Store::open_with_key(&path, &DbKey::test_key()).unwrap();
        s.put(&firm("MA3C4QXY")).unwrap();
        let dest = dir.path().join("backup.db");
        let size = backup(&s, &dest, None, Existing::Refuse).unwrap();
        assert!(size > 0);
        assert!(
            backup(&s, &dest, None, Existing::Refuse).is_err(),
            "never overwrites unasked"
        );
        assert!(backup(&s, &dest, None, Existing::Replace).unwrap() > 0);
        s.put(&firm("MA3C4QXW")).unwrap();
        let bytes = check_backup(&s, &dest).unwrap();
        let s = restore(s, &path, &bytes).unwrap();
        assert_eq!(s.count(EntityKind::Firm).unwrap(), 1);
        assert!(path.with_extension("db.before-restore").exists());
    }

    #[test]
    fn a_file_that_is_no_database_or_another_keys_backup_is_refused_before_anything_changes() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open_with_key(dir.path().join("a.db"), &DbKey::test_key()).unwrap();
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, "").unwrap();
        let e = check_backup(&s, &empty).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::RestoreNotADatabase);
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "不是数据库，只是一段文字").unwrap();
        let e = check_backup(&s, &text).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::RestoreWrongKey);
        let other = Store::open_with_key(dir.path().join("b.db"), &DbKey::random()).unwrap();
        let dest = dir.path().join("other.db");
        backup(&other, &dest, None, Existing::Refuse).unwrap();
        let e = check_backup(&s, &dest).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::RestoreWrongKey);
    }
}
