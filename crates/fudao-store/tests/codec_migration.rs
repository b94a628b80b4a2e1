//! Migration 13 (documents compressed against a dictionary per kind, `src/codec.rs`): a
//! schema-12 file, whose documents are JSON text, keeps every row as it was, reads and writes
//! on, and gives the space back; a damaged compressed row is reported by kind and id.

use chrono::NaiveDate;
use fudao_core::model::{EntityKind, Firm, Visit};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::{Store, StoreError};
use fudao_sync::replica::LocalReplica;
use fudao_sync::Mutation;
use serde_json::Value;
use uuid::Uuid;

type Rows = Vec<(EntityKind, Vec<(Uuid, i64, bool, Value)>)>;

fn every_row(s: &Store) -> (Rows, Vec<Mutation>) {
    let rows = EntityKind::ALL
        .iter()
        .map(|&k| (k, s.raw_rows(k).unwrap()))
        .collect();
    (rows, s.pending(1_000).unwrap())
}

/// How many of `table`'s documents are stored as text and as compressed blobs.
fn stored_as(s: &Store, table: &str) -> (i64, i64) {
    s.connection()
        .query_row(
            &format!(
                "SELECT count(*) FILTER (WHERE typeof(data) = 'text'), \
                 count(*) FILTER (WHERE typeof(data) = 'blob') FROM {table}"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn file_size(path: &std::path::Path) -> u64 {
    let wal = path.with_extension("db-wal");
    std::fs::metadata(path).unwrap().len() + std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}

#[test]
fn migration_13_compresses_every_document_and_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v12.db");
    let before = {
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 300,
                seed: 13,
                today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        // A local edit in the outbox and a deleted firm, as a coach's file has them.
        let firms: Vec<Firm> = s.list().unwrap();
        let mut f = firms[1].clone();
        f.notes = "走访后补充：企业计划明年申报专精特新".into();
        s.put(&f).unwrap();
        s.delete::<Firm>(firms[2].id).unwrap();
        let (rows, pending) = every_row(&s);
        assert_eq!(pending.len(), 2);
        (rows, pending)
    };
    // The file as schema 12 wrote it: every document JSON text.
    fudao_store::downgrade_file(&path, 12).unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("VACUUM").unwrap();
        for t in ["firm", "visit", "need", "feedback"] {
            let blobs: i64 = c
                .query_row(
                    &format!("SELECT count(*) FROM {t} WHERE typeof(data) <> 'text'"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(blobs, 0, "{t}");
        }
    }
    let size_12 = file_size(&path);

    let mut s = Store::open_plaintext(&path).unwrap();
    let version: u32 = s
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, fudao_store::SCHEMA_VERSION);
    assert_eq!(every_row(&s), before);
    for t in ["firm", "visit", "need", "feedback"] {
        let (text, blob) = stored_as(&s, t);
        assert!(blob > 0 && text == 0, "{t}: {text} text, {blob} compressed");
    }
    // Kinds without a dictionary stay JSON text, which SQL can still read.
    let (text, blob) = stored_as(&s, "team");
    assert!(text > 0 && blob == 0);
    // The space is given back (the documents are most of this file).
    let size_13 = file_size(&path);
    assert!(
        size_13 * 10 < size_12 * 7,
        "{size_12} bytes before, {size_13} after"
    );
    // Reads through SQL see the same documents.
    let names: Vec<String> = s
        .connection()
        .prepare("SELECT json_extract(fudao_doc(data), '$.name') FROM firm WHERE deleted = 0 ORDER BY key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let firms: Vec<Firm> = s.list().unwrap();
    assert_eq!(
        names,
        firms.iter().map(|f| f.name.clone()).collect::<Vec<_>>()
    );
    // And the store writes on: an edit is stored compressed and reads back.
    let mut f = firms[0].clone();
    f.notes = "迁移后的修改".into();
    s.put(&f).unwrap();
    assert_eq!(s.get::<Firm>(f.id).unwrap().unwrap().notes, "迁移后的修改");
    assert_eq!(stored_as(&s, "firm").0, 0);
    drop(s);
    // Opening again migrates nothing more.
    let s = Store::open_plaintext(&path).unwrap();
    assert_eq!(s.get::<Firm>(f.id).unwrap().unwrap().notes, "迁移后的修改");
}

#[test]
fn a_damaged_compressed_document_is_named_by_kind_and_id() {
    let mut s = Store::open_in_memory().unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 5,
            seed: 4,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        },
    )
    .unwrap();
    let visit = s.list::<Visit>().unwrap().remove(0);
    // A bit flipped in the middle of the stored frame.
    let mut blob: Vec<u8> = s
        .connection()
        .query_row(
            "SELECT data FROM visit WHERE id = ?1",
            [visit.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let mid = blob.len() / 2;
    blob[mid] ^= 0x10;
    s.connection()
        .execute(
            "UPDATE visit SET data = ?1 WHERE id = ?2",
            rusqlite::params![blob, visit.id.to_string()],
        )
        .unwrap();
    let typeof_: String = s
        .connection()
        .query_row(
            "SELECT typeof(data) FROM visit WHERE id = ?1",
            [visit.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(typeof_, "blob");
    match s.get::<Visit>(visit.id) {
        Err(StoreError::Corrupt { kind, id, .. }) => {
            assert_eq!((kind, id), ("visit", visit.id.to_string()));
        }
        other => panic!("{other:?}"),
    }
    // The other rows still read.
    assert!(s.list::<Firm>().unwrap().len() == 5);
}
