//! The copies `Store::open` writes before migrating a database (`<stem>.v<N>-<timestamp>.bak`
//! beside it), and how many of them are kept.
//!
//! Each upgrade that migrates the schema writes one, as large as the database (≈ 0.9 GB at
//! 100,000 firms), and nothing removed them: a coach's disk filled with copies of ever older
//! data, and those written before the store was encrypted were plaintext. After a migration
//! succeeds, only the newest [`KEEP`] of the database's own pre-migration copies stay; a
//! plaintext one is overwritten before it is removed. Any other file is left alone.

use crate::fsperm::shred_and_remove;
use crate::{Result, StoreError};
use std::path::{Path, PathBuf};

/// How many pre-migration copies of a database are kept: the one written for the migration
/// that just succeeded and the one before it.
pub const KEEP: usize = 2;

/// The name of the pre-migration copy of `db` made at schema `from`, stamped `stamp`
/// (`%Y%m%dT%H%M%S`).
pub fn backup_path(db: &Path, from: u32, stamp: &str) -> PathBuf {
    db.with_extension(format!("v{from}-{stamp}.bak"))
}

/// The stamp of `name` when it is a pre-migration copy of the database whose file stem is
/// `stem`: `<stem>.v<digits>-<8 digits>T<6 digits>.bak`.
fn stamp_of<'a>(name: &'a str, stem: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(stem)?.strip_prefix(".v")?;
    let rest = rest.strip_suffix(".bak")?;
    let (version, stamp) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = digits(version)
        && stamp.len() == 15
        && digits(&stamp[..8])
        && &stamp[8..9] == "T"
        && digits(&stamp[9..]);
    well_formed.then_some(stamp)
}

/// Whether `path` starts as a plaintext SQLite file does.
fn is_plaintext(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Removes the pre-migration copies of `db` but the newest [`KEEP`] (by the stamp in their
/// names, then by name), overwriting plaintext ones first. Returns the paths removed.
pub fn prune(db: &Path) -> Result<Vec<PathBuf>> {
    let (Some(dir), Some(stem)) = (db.parent(), db.file_stem().and_then(|s| s.to_str())) else {
        return Ok(vec![]);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let entries = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
    let mut copies: Vec<(String, String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stamp = stamp_of(&name, stem)?.to_string();
            Some((stamp, name, e.path()))
        })
        .collect();
    copies.sort();
    let old = copies.len().saturating_sub(KEEP);
    let mut removed = vec![];
    for (_, _, path) in copies.into_iter().take(old) {
        if is_plaintext(&path) {
            shred_and_remove(&path)?;
        } else {
            std::fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
        }
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_databases_own_copies_are_recognised() {
        let stem = "fudao";
        assert_eq!(
            stamp_of("fudao.v10-20261204T192512.bak", stem),
            Some("20261204T192512")
        );
        assert_eq!(
            backup_path(Path::new("/x/fudao.db"), 7, "20261204T192512"),
            Path::new("/x/fudao.v7-20261204T192512.bak")
        );
        for other in [
            "fudao.db",
            "fudao.v10-20261204T192512.bak.tmp",
            "fudao.v-20261204T192512.bak",
            "fudao.v10-2026124T192512.bak",
            "fudao.v10-20261204X192512.bak",
            "fudao.vx-20261204T192512.bak",
            "fudao2.v10-20261204T192512.bak",
            "other.v10-20261204T192512.bak",
            "fudao.manual.bak",
        ] {
            assert_eq!(stamp_of(other, stem), None, "{other}");
        }
    }

    #[test]
    fn the_newest_copies_stay_and_plaintext_ones_are_overwritten_before_removal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("fudao.db");
        std::fs::write(&db, b"db").unwrap();
        let copy = |v: u32, stamp: &str, bytes: &[u8]| {
            let p = backup_path(&db, v, stamp);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let oldest = copy(4, "20261101T090000", b"SQLite format 3\0 plaintext rows");
        let older = copy(9, "20261201T090000", b"encrypted bytes");
        let prev = copy(10, "20261203T120000", b"encrypted bytes");
        let newest = copy(10, "20261204T192512", b"encrypted bytes");
        // A second name for the plaintext copy's bytes: what it holds after the prune.
        let witness = dir.path().join("witness");
        std::fs::hard_link(&oldest, &witness).unwrap();
        let others = [
            "other.v3-20261101T090000.bak",
            "fudao.manual.bak",
            "notes.txt",
        ]
        .map(|n| dir.path().join(n));
        for o in &others {
            std::fs::write(o, b"keep").unwrap();
        }
        let mut removed = prune(&db).unwrap();
        removed.sort();
        assert_eq!(removed, [oldest.clone(), older.clone()]);
        for gone in [&oldest, &older] {
            assert!(!gone.exists());
        }
        let left = std::fs::read(&witness).unwrap();
        assert!(!left.is_empty() && left.iter().all(|b| *b == 0));
        for kept in [&prev, &newest, &db].into_iter().chain(&others) {
            assert!(kept.exists(), "{}", kept.display());
        }
        // Nothing more to do.
        assert!(prune(&db).unwrap().is_empty());
    }
}
