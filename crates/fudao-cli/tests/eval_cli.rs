//! `fudao eval`, `fudao kpi` and `fudao export kpi`, run as a user would: the real binary on a
//! `fudao demo` database.

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-26";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fudao"));
    c.env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX);
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run fudao")
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let o = run(db, &a);
    assert!(
        o.status.success(),
        "fudao {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

/// A demo database in a temporary directory (kept alive by the returned guard).
fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = run(&db, &["demo", "--firms", "60", "--today", TODAY]);
    assert!(
        o.status.success(),
        "demo: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (dir, db)
}

fn first_uscc(db: &Path) -> String {
    let all = json(db, &["eval", "--all", "--today", TODAY]);
    all["rows"][0]["uscc"].as_str().unwrap().to_string()
}

#[test]
fn eval_one_firm_json_and_tables() {
    let (_d, db) = demo_db();
    let uscc = first_uscc(&db);
    let e = json(&db, &["eval", &uscc, "--today", TODAY]);
    assert_eq!(e["uscc"], uscc.as_str());
    assert_eq!(e["today"], TODAY);
    // 科小: three indicators whose points add up to the total when it is decided.
    let t = &e["tech_sme"];
    let inds = t["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 3);
    if let Some(total) = t["total"].as_u64() {
        let sum: u64 = inds.iter().map(|i| i["points"].as_u64().unwrap()).sum();
        assert_eq!(sum, total);
    }
    assert!(["qualifies", "does_not_qualify", "cannot_tell"]
        .contains(&t["verdict"]["verdict"].as_str().unwrap()));
    assert_eq!(t["rule_set"]["document"], "国科发政〔2022〕43号");
    // 高企: nine items, each citing art. 11.
    let items = e["high_tech"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    for i in items {
        assert!(
            i["cite"]
                .as_str()
                .unwrap()
                .starts_with("国科发火〔2016〕32号 第十一条"),
            "{i}"
        );
    }
    // Risk: twelve factors whose points add up to the score.
    let r = &e["risk"];
    let pts: u64 = r["factors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["points"].as_u64())
        .sum();
    assert_eq!(pts, r["score"].as_u64().unwrap());
    assert!(["A", "B", "C", "D"].contains(&r["grade"].as_str().unwrap()));

    // Human-readable: the tables cite the clauses.
    let o = run(&db, &["eval", &uscc, "--today", TODAY]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for needle in [
        "科技型中小企业",
        "国科发政〔2022〕43号 第七条（二）",
        "高新技术企业",
        "国科发火〔2016〕32号 第十一条（五）",
        "专精特新",
        "风险评分",
        "依据 clause",
    ] {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }
}

#[test]
fn eval_all_summarises_every_firm() {
    let (_d, db) = demo_db();
    let s = json(&db, &["eval", "--all", "--today", TODAY]);
    assert_eq!(s["firms"], 60);
    assert_eq!(s["rows"].as_array().unwrap().len(), 60);
    for d in ["tech_sme", "high_tech", "srdi"] {
        let c = &s[d];
        let n = c["qualifies"].as_u64().unwrap()
            + c["does_not_qualify"].as_u64().unwrap()
            + c["cannot_tell"].as_u64().unwrap();
        assert_eq!(n, 60, "{d}");
        // The summary agrees with the rows.
        let q = s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r[d] == "qualifies")
            .count() as u64;
        assert_eq!(q, c["qualifies"].as_u64().unwrap(), "{d}");
    }
    let grades: u64 = s["risk_grades"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(grades, 60);
    // Same date, same answer.
    assert_eq!(json(&db, &["eval", "--all", "--today", TODAY]), s);
    let o = run(&db, &["eval", "--all", "--today", TODAY]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("科技型中小企业 Tech SME") && text.contains("风险等级 grade"),
        "{text}"
    );
}

#[test]
fn eval_errors_exit_1() {
    let (_d, db) = demo_db();
    let o = run(&db, &["eval", "不存在的企业名称XYZ"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!o.stderr.is_empty());
    // Neither FIRM nor --all: usage error.
    assert_eq!(run(&db, &["eval"]).status.code(), Some(1));
    // Both: usage error.
    assert_eq!(run(&db, &["eval", "x", "--all"]).status.code(), Some(1));
}

fn kpi(db: &Path, extra: &[&str]) -> Value {
    let mut a = vec![
        "kpi",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--today",
        TODAY,
    ];
    a.extend_from_slice(extra);
    json(db, &a)
}

#[test]
fn kpi_city_and_teams_are_consistent() {
    let (_d, db) = demo_db();
    let city = kpi(&db, &[]);
    assert_eq!(city["params"]["scope"]["kind"], "city");
    let coached = &city["coached_firms"]["current"];
    assert_eq!(
        coached["count"].as_u64().unwrap() as usize,
        coached["ids"].as_array().unwrap().len()
    );
    // Previous period of equal length: 2025-07-04 … 2025-12-31 (181 days).
    assert_eq!(city["coached_firms"]["previous_from"], "2025-07-04");
    assert_eq!(city["coached_firms"]["previous_to"], "2025-12-31");
    let n = &city["need_satisfaction"];
    if let Some(rate) = n["rate"].as_object() {
        assert_eq!(
            rate["numerator"].as_u64().unwrap() as usize,
            n["met_need_ids"].as_array().unwrap().len()
        );
        assert_eq!(
            rate["denominator"].as_u64().unwrap() as usize,
            n["counted_need_ids"].as_array().unwrap().len()
        );
    }
    let unmet: u64 = n["unmet_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        unmet as usize,
        n["counted_need_ids"].as_array().unwrap().len()
            - n["met_need_ids"].as_array().unwrap().len()
    );
    // Each team's own report agrees with the city's per-team table, and the teams' needs
    // add up to the city's.
    let mut counted = 0;
    for t in city["teams"]["per_team"].as_array().unwrap() {
        let id = t["team_id"].as_str().unwrap();
        let tr = kpi(&db, &["--team", id]);
        assert_eq!(tr["params"]["scope"]["id"], id);
        assert_eq!(tr["coached_firms"]["current"]["count"], t["coached_firms"]);
        counted += tr["need_satisfaction"]["counted_need_ids"]
            .as_array()
            .unwrap()
            .len();
        // by team name too
        let by_name = kpi(&db, &["--team", t["name"].as_str().unwrap()]);
        assert_eq!(by_name["coached_firms"], tr["coached_firms"]);
    }
    assert_eq!(counted, n["counted_need_ids"].as_array().unwrap().len());

    let o = run(
        &db,
        &[
            "kpi",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--today",
            TODAY,
        ],
    );
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("合理需求满足率") && text.contains("首贷率") && text.contains("满意率"),
        "{text}"
    );
}

#[test]
fn kpi_argument_errors_exit_1() {
    let (_d, db) = demo_db();
    assert_eq!(
        run(&db, &["kpi", "--from", "2026-07-01", "--to", "2026-06-30"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&db, &["kpi", "--team", "没有这个队"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&db, &["kpi", "--coach", "nobody-at-all"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&db, &["kpi", "--from", "yesterday"]).status.code(),
        Some(1)
    );
}

#[test]
fn export_kpi_workbook() {
    let (d, db) = demo_db();
    let file = d.path().join("kpi.xlsx");
    let o = run(
        &db,
        &[
            "export",
            "kpi",
            file.to_str().unwrap(),
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--today",
            TODAY,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(
        names,
        [
            "概览 overview",
            "未满足原因 unmet",
            "产品类型 by kind",
            "金融机构 by lender",
            "辅导队 teams",
            "满意度 satisfaction",
            "需求明细 needs",
            "评价明细 feedback"
        ]
    );
    let overview = wb.worksheet_range("概览 overview").unwrap();
    assert_eq!(
        overview.get_value((0, 0)).unwrap().to_string(),
        "指标 indicator"
    );
    let city = kpi(&db, &[]);
    // Row 1 is the scope; row 2 holds the coached-firm count.
    assert_eq!(
        overview.get_value((2, 1)).unwrap().to_string(),
        city["coached_firms"]["current"]["count"].to_string()
    );
    let needs = wb.worksheet_range("需求明细 needs").unwrap();
    assert_eq!(
        needs.height() - 1,
        city["need_satisfaction"]["counted_need_ids"]
            .as_array()
            .unwrap()
            .len()
    );
    // Only .xlsx is accepted.
    let bad = d.path().join("kpi.csv");
    assert_eq!(
        run(&db, &["export", "kpi", bad.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn a_new_years_rule_file_is_data() {
    let (d, db) = demo_db();
    let uscc = first_uscc(&db);
    // The 2022 rules (国科发政〔2022〕43号, in force since mid-2022), re-issued for 2027 with a
    // stricter top R&D band (6 % → 60 %).
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/rules/tech_sme-2022.json"
    ))
    .unwrap();
    let next = text
        .replace("\"year\": 2022", "\"year\": 2027")
        .replace(
            "\"effective_from\": \"2022-06-01\"",
            "\"effective_from\": \"2027-01-01\"",
        )
        .replace(
            "{ \"min_pct\": 6, \"points\": 50 }",
            "{ \"min_pct\": 60, \"points\": 50 }",
        );
    let file = d.path().join("tech_sme-2027.json");
    std::fs::write(&file, next).unwrap();
    let f = file.to_str().unwrap();
    let old = json(&db, &["eval", &uscc, "--today", "2026-12-31", "--rules", f]);
    assert_eq!(old["tech_sme"]["rule_set"]["year"], 2022);
    let new = json(&db, &["eval", &uscc, "--today", "2027-01-01", "--rules", f]);
    assert_eq!(new["tech_sme"]["rule_set"]["year"], 2027);
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "{\"meta\": 1}").unwrap();
    assert_eq!(
        run(&db, &["eval", &uscc, "--rules", bad.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn srdi_inputs_set_with_firm_set_drive_the_computed_score() {
    let (_d, db) = demo_db();
    let uscc = first_uscc(&db);
    let o = run(
        &db,
        &[
            "firm",
            "set",
            &uscc,
            "facts.rd_institution_level=provincial",
            "facts.digital_level=2",
            "facts.quality_items=[\"certified_qms\"]",
            "facts.key_field_product=true",
            "facts.srdi_feature_points=10",
            "facts.independent_legal_person=true",
            "financials.2025.main_business_revenue=5950万",
            "financials.2025.total_income=7200万",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let e = json(&db, &["eval", &uscc, "--today", TODAY]);
    let inds = e["srdi"]["score"]["indicators"].as_array().unwrap();
    let pts = |k: &str| {
        inds.iter()
            .find(|i| i["key"] == k)
            .map(|i| i["points"].as_u64().unwrap())
            .unwrap()
    };
    assert_eq!(pts("rd_institution"), 8);
    assert_eq!(pts("digital"), 3);
    assert_eq!(pts("quality"), 3);
    assert_eq!(pts("key_field"), 5);
    assert_eq!(pts("feature"), 10);
    // 总收入 is now recorded: the 高企 high-tech revenue share is decided on it.
    let ht = e["high_tech"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "high_tech_revenue")
        .unwrap()
        .clone();
    assert!(
        ht["missing"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| !m["zh"].as_str().unwrap().contains("总收入")),
        "{ht}"
    );
}
