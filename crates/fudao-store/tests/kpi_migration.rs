//! Migration 11 (the KPI loader's covering indexes): a schema-10 file gets the indexes, the
//! slim rows read from them equal those of the whole documents, in row order, and the partial
//! indexes follow later writes and deletions.

use chrono::NaiveDate;
use fudao_core::kpi::KpiRows;
use fudao_core::model::{Feedback, Need, Visit};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;

fn full_rows(s: &Store) -> KpiRows {
    KpiRows::from_entities(
        &s.list().unwrap(),
        &s.list().unwrap(),
        &s.list().unwrap(),
        &s.list().unwrap(),
        &s.list().unwrap(),
    )
}

fn indexes(s: &Store) -> Vec<String> {
    s.connection()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE '%_kpi' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn migration_11_serves_the_kpi_rows_from_covering_indexes_that_follow_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.db");
    let before = {
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 150,
                seed: 11,
                today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        s.kpi_rows().unwrap()
    };
    assert!(!before.needs.is_empty() && !before.visits.is_empty() && !before.feedback.is_empty());
    // Back to schema 10.
    fudao_store::downgrade_file(&path, 10).unwrap();
    let mut s = Store::open_plaintext(&path).unwrap();
    assert_eq!(
        indexes(&s),
        ["feedback_kpi", "firm_kpi", "need_kpi", "visit_kpi"]
    );
    let after = s.kpi_rows().unwrap();
    assert_eq!(after, before);
    assert_eq!(after, full_rows(&s));

    // Later writes: a changed need, a deleted visit and a deleted rating leave the indexes
    // agreeing with the documents.
    let mut need: Need = s.list::<Need>().unwrap().remove(3);
    need.amount += 1_000_000;
    s.put(&need).unwrap();
    let visit: Visit = s.list::<Visit>().unwrap().remove(0);
    s.delete::<Visit>(visit.id).unwrap();
    let rating: Feedback = s.list::<Feedback>().unwrap().remove(0);
    s.delete::<Feedback>(rating.id).unwrap();
    let later = s.kpi_rows().unwrap();
    assert_eq!(later, full_rows(&s));
    assert_eq!(later.visits.len(), before.visits.len() - 1);
    assert_eq!(later.feedback.len(), before.feedback.len() - 1);
    assert!(later
        .needs
        .iter()
        .any(|n| n.id == need.id && n.amount == need.amount));

    // What the new indexes must not take over: a look-up by id keeps the primary key, the
    // counts keep the narrower `*_live` indexes (migration 10).
    for (sql, index) in [
        (
            "SELECT data FROM need WHERE id = 'x'",
            "sqlite_autoindex_need_1",
        ),
        (
            "SELECT data FROM visit WHERE id = 'x' AND deleted = 0",
            "sqlite_autoindex_visit_1",
        ),
        ("SELECT COUNT(*) FROM need WHERE deleted = 0", "need_live"),
        ("SELECT COUNT(*) FROM visit WHERE deleted = 0", "visit_live"),
    ] {
        let plan = s.query_plan(sql).unwrap();
        assert!(plan.join("; ").contains(index), "{sql}: {plan:?}");
    }
}
