//! SQLCipher plumbing: opening with a key, encrypting a plaintext database in place, encrypted
//! backups, and the status of a database file.

use crate::keys::{self, DbKey, FileKind};
use crate::{fsperm, Result, Store, StoreError};
use rusqlite::{params, Connection, ErrorCode, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Hears how far the encryption of a plaintext database got: `(bytes written, bytes total)`.
pub type MigrationProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// `path` with `suffix` appended to its file name.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Opens `path` with `key` and checks that the key opens it: a wrong key (or a file that is
/// not a database) is [`StoreError::WrongKey`], never a crash. The one keyed way to a client
/// database file: every connection the client crates open goes through here, or through
/// [`open_unkeyed`] for the plaintext files that are about to be encrypted.
pub fn open_connection(path: &Path, key: &DbKey) -> Result<Connection> {
    let conn = Connection::open(path)?;
    apply_key(&conn, key, path)?;
    Ok(conn)
}

/// A connection without a key: plaintext databases of earlier releases (to encrypt them),
/// benchmarks' plaintext baseline, and [`probe_kind`].
pub(crate) fn open_unkeyed(path: &Path) -> Result<Connection> {
    Ok(Connection::open(path)?)
}

/// Whether the (non-empty) file at `path` is a plaintext or an SQLCipher database, asked
/// through SQLite (see [`keys::file_kind`] for why never through a plain file handle): a
/// connection without a key reads the schema of a plaintext file and fails with
/// `SQLITE_NOTADB` on an encrypted one. Nothing is written.
pub(crate) fn probe_kind(path: &Path) -> Result<FileKind> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    quiet_pragma(&conn, "PRAGMA cipher_log_level = NONE");
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(FileKind::Plaintext),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Ok(FileKind::Encrypted)
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs a pragma whose answer (if any) does not matter.
fn quiet_pragma(conn: &Connection, sql: &str) {
    let _ = conn.prepare(sql).and_then(|mut st| {
        let mut rows = st.query([])?;
        while rows.next()?.is_some() {}
        Ok(())
    });
}

fn apply_key(conn: &Connection, key: &DbKey, path: &Path) -> Result<()> {
    // A wrong key is reported as `WrongKey`; SQLCipher's own log line on stderr would only
    // confuse a CLI user.
    quiet_pragma(conn, "PRAGMA cipher_log_level = NONE");
    let lit = key.sqlcipher_literal();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", lit.as_str()))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(StoreError::WrongKey {
                path: path.to_path_buf(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates the database's folder (0700 for folders created here, and for Fudao's own data
/// folder).
pub(crate) fn prepare_dir(path: &Path) -> Result<()> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    fsperm::create_private_dir(dir)?;
    if dir == crate::own_data_dir() {
        fsperm::restrict_dir(dir)?;
    }
    Ok(())
}

/// The database, its WAL and shared-memory files, and its key file: 0600.
pub(crate) fn restrict_db_files(path: &Path) -> Result<()> {
    for p in [
        path.to_path_buf(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
        sibling(path, "-journal"),
        keys::key_file_path(path),
    ] {
        fsperm::restrict_file(&p)?;
    }
    Ok(())
}

/// Finishes or undoes an encryption that was interrupted (power loss, kill): the plaintext
/// original is `<db>.plaintext` while the encrypted copy is swapped in.
pub(crate) fn recover_interrupted(path: &Path) -> Result<()> {
    let old = sibling(path, ".plaintext");
    let tmp = sibling(path, ".encrypting");
    if old.exists() {
        if keys::file_kind(path)? == FileKind::Missing {
            // Crashed between the two renames: the original goes back; encryption restarts.
            std::fs::rename(&old, path).map_err(|e| StoreError::io(path, e))?;
        } else {
            // The encrypted copy is in place (it was verified before the swap).
            fsperm::shred_and_remove(&old)?;
        }
    }
    for p in [tmp.clone(), sibling(&tmp, "-journal")] {
        if p.exists() {
            fsperm::shred_and_remove(&p)?;
        }
    }
    Ok(())
}

/// Row counts of every table, to compare a copy with its original.
fn table_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names
        .into_iter()
        .map(|n| {
            let c: i64 =
                conn.query_row(&format!("SELECT COUNT(*) FROM \"{n}\""), [], |r| r.get(0))?;
            Ok((n, c))
        })
        .collect()
}

/// Encrypts the plaintext database at `path` with `key`: an encrypted copy is written beside
/// it (`sqlcipher_export`), checked (`PRAGMA integrity_check`, row counts of every table), then
/// swapped in; the original is overwritten and removed only after that.
pub(crate) fn encrypt_in_place(
    path: &Path,
    key: &DbKey,
    progress: Option<MigrationProgress>,
) -> Result<()> {
    let tmp = sibling(path, ".encrypting");
    let old = sibling(path, ".plaintext");
    fsperm::shred_and_remove(&tmp)?;
    let total = std::fs::metadata(path)
        .map_err(|e| StoreError::io(path, e))?
        .len();
    let (counts, user_version) = {
        let conn = open_unkeyed(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Everything in the WAL goes into the main file first.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let counts = table_counts(&conn)?;
        let uv: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        fsperm::touch_private(&tmp)?;
        let lit = key.sqlcipher_literal();
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![tmp.to_string_lossy(), lit.as_str()],
        )?;
        if let Some(cb) = progress.clone() {
            let probe = tmp.clone();
            conn.progress_handler(
                20_000,
                Some(move || {
                    let done = std::fs::metadata(&probe).map(|m| m.len()).unwrap_or(0);
                    cb(done.min(total), total);
                    false
                }),
            );
        }
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.progress_handler(0, None::<fn() -> bool>);
        conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {uv}; DETACH DATABASE encrypted;"
        ))?;
        (counts, uv)
    };
    // Verify the copy before touching the original.
    {
        let c = open_connection(&tmp, key)?;
        let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Migration(format!("integrity_check: {check}")));
        }
        let got = table_counts(&c)?;
        if got != counts {
            return Err(StoreError::Migration(format!(
                "row counts differ: {counts:?} → {got:?}"
            )));
        }
        let uv: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if uv != user_version {
            return Err(StoreError::Migration(format!(
                "user_version {user_version} → {uv}"
            )));
        }
    }
    if let Some(cb) = &progress {
        cb(total, total);
    }
    // Swap: original aside, copy in, original overwritten and removed.
    std::fs::rename(path, &old).map_err(|e| StoreError::io(path, e))?;
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    for p in [
        old.clone(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
        sibling(&tmp, "-journal"),
    ] {
        fsperm::shred_and_remove(&p)?;
    }
    Ok(())
}

/// Told, while a backup is written, the bytes written so far and about how many the copy will
/// hold (the database's pages); returns false to stop (the partial copy is removed).
pub type BackupProgress<'a> = dyn FnMut(u64, u64) -> bool + Send + 'a;

/// How often a backup's progress is told (and its cancel looked at).
const BACKUP_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Writes a copy of `store` to `dest`: with the store's own key, or with `passphrase`; never
/// with the sync token. With `progress`, a second thread tells it the size of the copy as it
/// grows (the export is one SQL statement) and interrupts the export when it returns false:
/// then nothing is left at `dest` and the result is `Ok(false)`.
pub(crate) fn backup(
    store: &Store,
    dest: &Path,
    passphrase: Option<&str>,
    progress: Option<&mut BackupProgress<'_>>,
) -> Result<bool> {
    if dest.exists() {
        return Err(StoreError::io(
            dest,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "backup file exists"),
        ));
    }
    let secret = match (passphrase, store.key()) {
        (Some(p), _) => zeroize::Zeroizing::new(p.to_string()),
        (None, Some(k)) => k.sqlcipher_literal(),
        // In-memory and plaintext stores back up as they are.
        (None, None) => zeroize::Zeroizing::new(String::new()),
    };
    let conn = store.connection();
    fsperm::touch_private(dest)?;
    let total: u64 = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64;
    let finished = std::sync::atomic::AtomicBool::new(false);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let interrupt = conn.get_interrupt_handle();
    let export = || -> Result<()> {
        conn.execute(
            "ATTACH DATABASE ?1 AS backup KEY ?2",
            params![dest.to_string_lossy(), secret.as_str()],
        )?;
        let uv: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let exported = conn
            .query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))
            .map_err(StoreError::from)
            .and_then(|_| {
                conn.execute_batch(&format!(
                    "PRAGMA backup.user_version = {uv};
                     DELETE FROM backup.meta WHERE key = '{}';",
                    crate::sync::keys::TOKEN
                ))
                .map_err(StoreError::from)
            });
        conn.execute_batch("DETACH DATABASE backup")?;
        exported
    };
    let result = std::thread::scope(|scope| {
        let watcher = progress.map(|tell| {
            let (finished, stopped, interrupt) = (&finished, &stopped, &interrupt);
            scope.spawn(move || {
                use std::sync::atomic::Ordering::SeqCst;
                let mut go_on = tell(0, total);
                while go_on && !finished.load(SeqCst) {
                    std::thread::park_timeout(BACKUP_TICK);
                    let done = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
                    go_on = finished.load(SeqCst) || tell(done.min(total), total);
                }
                if !go_on {
                    // Stop the export, and again until it returns: an interrupt that falls
                    // between two of its statements is a no-op. Whatever it was doing, the
                    // copy is then removed below.
                    stopped.store(true, SeqCst);
                    while !finished.load(SeqCst) {
                        interrupt.interrupt();
                        std::thread::park_timeout(std::time::Duration::from_millis(10));
                    }
                }
            })
        });
        let r = export();
        finished.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(w) = watcher {
            w.thread().unpark();
            let _ = w.join();
        }
        r
    });
    let stopped = stopped.load(std::sync::atomic::Ordering::SeqCst);
    if result.is_err() || stopped {
        // A cancelled export may have been interrupted between statements: the DETACH too.
        let _ = conn.execute_batch("DETACH DATABASE backup");
        let _ = std::fs::remove_file(dest);
        let _ = std::fs::remove_file(sibling(dest, "-journal"));
    }
    if stopped {
        return Ok(false);
    }
    result?;
    fsperm::restrict_file(dest)?;
    Ok(true)
}

/// What a database file is, without opening it (no key needed).
#[derive(Debug, Clone, Serialize)]
pub struct DbStatus {
    pub path: PathBuf,
    pub exists: bool,
    pub encrypted: bool,
    pub kind: FileKind,
    pub size_bytes: u64,
    /// Unix mode bits, e.g. `0o600` (`None` elsewhere or when missing).
    pub mode: Option<String>,
    /// A passphrase-wrapped key file sits beside the database.
    pub key_file: bool,
    /// An encryption that was interrupted left the plaintext original beside the database.
    pub plaintext_leftover: bool,
}

pub fn db_status(path: &Path) -> Result<DbStatus> {
    let kind = keys::file_kind(path)?;
    Ok(DbStatus {
        path: path.to_path_buf(),
        exists: path.exists(),
        encrypted: kind == FileKind::Encrypted,
        kind,
        size_bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        mode: fsperm::mode(path).map(|m| format!("{m:o}")),
        key_file: keys::key_file_path(path).exists(),
        plaintext_leftover: sibling(path, ".plaintext").exists(),
    })
}
