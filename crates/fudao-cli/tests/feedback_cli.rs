//! `fudao feedback add|list` and the satisfaction breakdown of `fudao kpi` and `fudao export
//! kpi`, run as a coach would: the real binary on a `fudao demo` database, offline.

mod common;

use calamine::{open_workbook, Reader, Xlsx};
use common::fudao;
use serde_json::Value;
use std::path::Path;

const TODAY: &str = "2026-11-26";

fn json(db: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let o = fudao(db, &a);
    assert!(
        o.status.success(),
        "fudao {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn kpi(db: &Path) -> Value {
    json(
        db,
        &[
            "kpi",
            "--from",
            "2026-01-01",
            "--to",
            TODAY,
            "--today",
            TODAY,
        ],
    )
}

/// (count, satisfied, basic, unsatisfied) of one source in a KPI report; zeros when absent.
fn source(k: &Value, key: &str) -> (i64, i64, i64, i64) {
    k["satisfaction"]["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["source"] == key)
        .map(|g| {
            let n = |f: &str| g[f].as_i64().unwrap();
            (n("count"), n("satisfied"), n("basic"), n("unsatisfied"))
        })
        .unwrap_or_default()
}

#[test]
fn paper_and_phone_feedback_count_by_source_and_unsatisfied_asks_a_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = fudao(&db, &["demo", "--firms", "20", "--today", TODAY]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let firms = json(&db, &["firm", "list", "--limit", "100"]);
    let firm = firms
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !f["coach_id"].is_null())
        .expect("a demo firm with a coach");
    let uscc = firm["uscc"].as_str().unwrap();
    let before = kpi(&db);
    let visits_before = json(&db, &["visit", "list", uscc])
        .as_array()
        .unwrap()
        .len();
    let listed_before = json(&db, &["feedback", "list", uscc])
        .as_array()
        .unwrap()
        .len();

    // 不满意 on paper: stored with its source, and a 回访 task for the firm's coach.
    let added = json(
        &db,
        &[
            "feedback",
            "add",
            uscc,
            "--rating",
            "不满意",
            "--need-met",
            "no",
            "--comment",
            "<script>alert(1)</script> 放款太慢",
            "--source",
            "paper",
            "--date",
            "2026-11-20",
        ],
    );
    assert_eq!(added["feedback"]["source"], "paper");
    assert_eq!(added["feedback"]["rating"], "unsatisfied");
    assert_eq!(added["feedback"]["need_met"], false);
    assert_eq!(added["feedback"]["team_id"], firm["team_id"]);
    let task = &added["follow_up"]["tasks"][0];
    assert_eq!(task["due"], "2026-11-27");
    assert!(!task["owner"].as_str().unwrap().is_empty());
    assert_eq!(added["follow_up"]["coach_ids"][0], firm["coach_id"]);
    let visits = json(&db, &["visit", "list", uscc]);
    assert_eq!(visits.as_array().unwrap().len(), visits_before + 1);

    // 满意 by phone: no follow-up.
    let added = json(
        &db,
        &[
            "feedback",
            "add",
            uscc,
            "--rating",
            "满意",
            "--need-met",
            "是",
            "--source",
            "phone",
            "--date",
            "2026-11-21",
        ],
    );
    assert!(added["follow_up"].is_null());
    assert_eq!(
        json(&db, &["visit", "list", uscc])
            .as_array()
            .unwrap()
            .len(),
        visits_before + 1
    );

    // Listed newest first, the comment kept verbatim (it is data, shown as text).
    let list = json(&db, &["feedback", "list", uscc]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), listed_before + 2);
    assert_eq!(list[0]["date"], "2026-11-21");
    assert_eq!(list[1]["comment"], "<script>alert(1)</script> 放款太慢");
    let text = fudao(&db, &["feedback", "list", uscc]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("纸质评价"));

    // The KPI: paper +1 (不满意), phone +1 (满意); need met yes +1, no +1.
    let after = kpi(&db);
    let (b, a) = (source(&before, "paper"), source(&after, "paper"));
    assert_eq!(a, (b.0 + 1, b.1, b.2, b.3 + 1));
    let (b, a) = (source(&before, "phone"), source(&after, "phone"));
    assert_eq!(a, (b.0 + 1, b.1 + 1, b.2, b.3));
    let nm = |k: &Value, f: &str| k["satisfaction"]["need_met"][f].as_i64().unwrap();
    assert_eq!(nm(&after, "yes"), nm(&before, "yes") + 1);
    assert_eq!(nm(&after, "no"), nm(&before, "no") + 1);
    // The sources and the teams each add up to the total.
    let s = &after["satisfaction"];
    let total = s["feedback_ids"].as_array().unwrap().len() as i64;
    for key in ["by_source", "by_team"] {
        let sum: i64 = s[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, total, "{key}");
    }

    // The workbook's satisfaction sheet agrees with the JSON.
    let file = dir.path().join("kpi.xlsx");
    let o = fudao(
        &db,
        &[
            "export",
            "kpi",
            file.to_str().unwrap(),
            "--from",
            "2026-01-01",
            "--to",
            TODAY,
            "--today",
            TODAY,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let sheet = wb.worksheet_range("满意度 satisfaction").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).unwrap().to_string();
    assert_eq!(cell(1, 0), "合计 total");
    assert_eq!(cell(1, 2), total.to_string());
    let row_of = |group: &str, name: &str| {
        (1..sheet.height() as u32)
            .find(|&r| cell(r, 0) == group && cell(r, 1).starts_with(name))
            .unwrap_or_else(|| panic!("no row {group} {name}"))
    };
    let r = row_of("来源 source", "纸质评价");
    let paper = source(&after, "paper");
    assert_eq!(cell(r, 2), paper.0.to_string());
    assert_eq!(cell(r, 5), paper.3.to_string());
    for t in s["by_team"].as_array().unwrap() {
        let r = row_of("辅导队 team", t["name"].as_str().unwrap());
        assert_eq!(cell(r, 2), t["count"].to_string());
    }
    let r = row_of("需求是否满足 need met", "是");
    assert_eq!(cell(r, 2), nm(&after, "yes").to_string());
    let detail = wb.worksheet_range("评价明细 feedback").unwrap();
    assert_eq!(detail.height() as i64 - 1, total);
    let has_comment = detail
        .rows()
        .any(|row| row[5] == "<script>alert(1)</script> 放款太慢");
    assert!(has_comment);
}

#[test]
fn bad_feedback_input_exits_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(fudao(&db, &["demo", "--firms", "5", "--today", TODAY])
        .status
        .success());
    let firms = json(&db, &["firm", "list"]);
    let uscc = firms[0]["uscc"].as_str().unwrap().to_string();
    let count = || json(&db, &["feedback", "list"]).as_array().unwrap().len();
    let n = count();
    let long = "慢".repeat(501);
    for (args, needle) in [
        (vec!["--rating", "很好", "--source", "paper"], "--rating"),
        (vec!["--rating", "满意", "--source", "fax"], "--source"),
        // The QR page records its own; a coach cannot claim it.
        (vec!["--rating", "满意", "--source", "qr"], "--source"),
        (
            vec![
                "--rating",
                "满意",
                "--source",
                "paper",
                "--need-met",
                "maybe",
            ],
            "--need-met",
        ),
        (
            vec![
                "--rating",
                "满意",
                "--source",
                "paper",
                "--comment",
                long.as_str(),
            ],
            "comment",
        ),
    ] {
        let mut a = vec!["feedback", "add", uscc.as_str()];
        a.extend(args);
        let o = fudao(&db, &a);
        assert_eq!(o.status.code(), Some(1), "{a:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{a:?}: {err}");
    }
    let o = fudao(
        &db,
        &[
            "feedback",
            "add",
            "没有这家企业",
            "--rating",
            "满意",
            "--source",
            "paper",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(count(), n);
}
