//! Migration 10 (the 工作台's columns and indexes): a schema-9 file gets `visit.open_due` and
//! `plan.status` backfilled exactly as the row writer fills them, and the 工作台's reads and
//! counts go through their indexes instead of scanning the tables.

use chrono::NaiveDate;
use fudao_core::model::{Firm, Need, PlanStatus, Visit};
use fudao_core::plan::{compose_plan, PlanInput};
use fudao_core::product::builtin_catalog;
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn column<T: rusqlite::types::FromSql>(s: &Store, sql: &str) -> Vec<(String, T)> {
    s.connection()
        .prepare(sql)
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn plan_of(s: &Store, sql: &str) -> String {
    s.query_plan(sql).unwrap().join("; ")
}

#[test]
fn migration_10_backfills_the_workbench_columns_as_the_row_writer_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v9.db");
    let (open_due, status) = {
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 120,
                seed: 5,
                today: today(),
            },
        )
        .unwrap();
        // A visit with several tasks, done and open, and one whose `done` is missing.
        let firms: Vec<Firm> = s.list().unwrap();
        let mut v: Visit = s.list::<Visit>().unwrap().remove(0);
        let task = |due: u32, done: bool| fudao_core::model::FollowUpTask {
            title: format!("task {due}"),
            owner: "张三".into(),
            due: NaiveDate::from_ymd_opt(2026, 12, due).unwrap(),
            done,
        };
        v.tasks = vec![task(20, false), task(3, true), task(9, false)];
        s.put(&v).unwrap();
        // Plans: two drafts, one confirmed.
        let cat = builtin_catalog();
        for (i, f) in firms.iter().take(3).enumerate() {
            let needs: Vec<Need> = s.children_of_firm(f.id).unwrap();
            let mut p = compose_plan(&PlanInput {
                firm: f,
                needs: &needs,
                visits: &[],
                team_name: "辅导队",
                coach_name: "辅导员",
                catalog: &cat,
                today: today(),
                previous: None,
            });
            if i == 0 {
                p.status = PlanStatus::Confirmed;
                p.confirmed_on = Some(today());
            }
            s.put(&p).unwrap();
        }
        let open_due: Vec<(String, Option<String>)> = column(
            &s,
            "SELECT id, open_due || ' ' || open_dues FROM visit ORDER BY id",
        );
        assert!(open_due.iter().any(|(id, d)| *id == v.id.to_string()
            && d.as_deref() == Some(r#"2026-12-09 ["2026-12-09","2026-12-20"]"#)));
        let status: Vec<(String, Option<String>)> =
            column(&s, "SELECT id, status FROM plan ORDER BY id");
        assert_eq!(status.len(), 3);
        assert_eq!(
            status
                .iter()
                .filter(|(_, s)| s.as_deref() == Some("draft"))
                .count(),
            2
        );
        (open_due, status)
    };
    // Back to schema 9.
    fudao_store::downgrade_file(&path, 9).unwrap();
    let s = Store::open_plaintext(&path).unwrap();
    assert_eq!(
        column::<Option<String>>(
            &s,
            "SELECT id, open_due || ' ' || open_dues FROM visit ORDER BY id"
        ),
        open_due
    );
    assert_eq!(
        column::<Option<String>>(&s, "SELECT id, status FROM plan ORDER BY id"),
        status
    );
    assert_eq!(s.draft_plans().unwrap().len(), 2);
    // The counts and the 工作台's reads use the new indexes.
    for (sql, index) in [
        (
            "SELECT COUNT(*) FROM visit, json_each(visit.open_dues) AS d WHERE visit.deleted = 0 AND visit.open_due IS NOT NULL AND visit.open_due <= '2026-12-10' AND d.value <= '2026-12-10'",
            "COVERING INDEX visit_live",
        ),
        ("SELECT COUNT(*) FROM need WHERE deleted = 0", "need_live"),
        ("SELECT COUNT(*) FROM visit WHERE deleted = 0", "visit_live"),
        (
            "SELECT id, data FROM visit WHERE deleted = 0 AND open_due IS NOT NULL AND open_due <= '2026-12-10'",
            "visit_live (open_due>? AND open_due<?)",
        ),
        (
            "SELECT id, data FROM feedback WHERE deleted = 0 AND rating = 'unsatisfied'",
            "feedback_rating (rating=?)",
        ),
        (
            "SELECT id, data FROM plan WHERE deleted = 0 AND status = 'draft'",
            "plan_status (status=?)",
        ),
    ] {
        let plan = plan_of(&s, sql);
        assert!(plan.contains(index), "{sql}: {plan}");
    }
    // What the new indexes must not take over: the KPI loaders and whole lists scan their
    // table in row order, and a firm's needs, visits and ratings are found by `firm_id`.
    for (table, kpi_columns) in [
        ("need", "id, firm_id, amount, outcomes"),
        ("visit", "id, firm_id, date, coach_ids"),
        ("feedback", "id, firm_id, date, rating"),
    ] {
        for sql in [
            format!("SELECT {kpi_columns} FROM {table} WHERE deleted = 0 ORDER BY rowid"),
            format!("SELECT id, data FROM {table} WHERE deleted = 0 ORDER BY rowid"),
        ] {
            let plan = plan_of(&s, &sql);
            assert_eq!(plan, format!("SCAN {table}"), "{sql}");
        }
        let sql = format!(
            "SELECT id, data FROM {table} WHERE deleted = 0 AND firm_id = 'x' ORDER BY rowid"
        );
        let plan = plan_of(&s, &sql);
        assert!(plan.contains("(firm_id=?)"), "{sql}: {plan}");
    }
}
