//! End-to-end tests of `fudao catalog` and `fudao plan` on a `fudao demo` database: the real
//! binary, the real store, real PDFs checked with poppler's `pdftotext`.

use fudao_core::model::Firm;
use fudao_core::plan::{section_headings, Plan};
use fudao_store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-26";

mod common;
use common::fudao;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn demo_db(dir: &Path, firms: usize) -> PathBuf {
    let db = dir.join("demo.db");
    ok(&fudao(
        &db,
        &[
            "demo",
            "--firms",
            &firms.to_string(),
            "--seed",
            "7",
            "--today",
            TODAY,
        ],
    ));
    db
}

fn firms(db: &Path) -> Vec<Firm> {
    let mut v: Vec<Firm> = Store::open_with_key(db, &fudao_store::DbKey::test_key())
        .unwrap()
        .list()
        .unwrap();
    v.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    v
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(o.stdout).unwrap()
}

/// Text with the white space pdftotext inserts for layout removed.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn plan_for_one_firm_prints_every_section_and_is_stored_and_versioned() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 12);
    let all = firms(&db);
    // A firm with needs makes the richest plan; any firm must work.
    let firm = &all[0];
    let pdf = tmp.path().join("out/plan.pdf");
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains(&squeeze(&firm.name)), "firm name missing");
    assert!(text.contains(&firm.uscc), "USCC missing");
    for h in section_headings() {
        assert!(text.contains(h), "heading {h} missing");
    }
    assert!(text.contains("一企一策融资服务方案"));

    // Stored as version 1 draft; a second run re-renders the same plan.
    let list = ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]));
    let plans: Vec<Plan> = serde_json::from_str(&list).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].version, 1);
    assert_eq!(plans[0].firm_id, firm.id);
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let plans: Vec<Plan> =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]))).unwrap();
    assert_eq!(plans.len(), 1);

    // Confirm, then confirming again is refused; a redraft makes version 2.
    ok(&fudao(
        &db,
        &["plan", "confirm", &firm.uscc, "--today", TODAY],
    ));
    let again = fudao(&db, &["plan", "confirm", &firm.uscc]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("已确认"));
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--redraft",
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let plans: Vec<Plan> =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]))).unwrap();
    let versions: Vec<(u32, String)> = plans
        .iter()
        .map(|p| (p.version, p.status.key().to_string()))
        .collect();
    assert_eq!(
        versions,
        [(2, "draft".to_string()), (1, "confirmed".to_string())]
    );
    assert!(squeeze(&pdftotext(&pdf)).contains("第2版"));
}

#[test]
fn plan_all_renders_every_firm_and_isolates_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 20);
    // A firm whose name the font cannot print: rendering it must fail alone.
    {
        let mut s = Store::open_with_key(&db, &fudao_store::DbKey::test_key()).unwrap();
        let mut bad = firms(&db)[0].clone();
        bad.id = uuid::Uuid::from_u128(0xBAD);
        bad.uscc = "91370100MA3C00000X".into();
        bad.uscc_override = Some("测试用".into());
        bad.name = "济南\u{1F600}表情科技有限公司".into();
        s.put(&bad).unwrap();
    }
    let out_dir = tmp.path().join("plans");
    let o = fudao(
        &db,
        &[
            "--json",
            "plan",
            "--all",
            "--out-dir",
            out_dir.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["firms"], 21);
    assert_eq!(summary["succeeded"], 20);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["plans_stored"], 20);
    assert_eq!(summary["failures"][0]["uscc"], "91370100MA3C00000X");
    let pdfs = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    assert_eq!(pdfs, 20);
    // Every good firm's PDF names the firm.
    for f in firms(&db)
        .iter()
        .filter(|f| f.id != uuid::Uuid::from_u128(0xBAD))
        .take(3)
    {
        let stem: String = f
            .name
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(40)
            .collect();
        let path = out_dir.join(format!("{}_{}.pdf", f.uscc, stem));
        assert!(squeeze(&pdftotext(&path)).contains(&squeeze(&f.name)));
    }

    // --team limits the batch to one team's firms.
    let team = {
        let s = Store::open_with_key(&db, &fudao_store::DbKey::test_key()).unwrap();
        let teams: Vec<fudao_core::model::Team> = s.list().unwrap();
        teams[0].clone()
    };
    let expected = firms(&db)
        .iter()
        .filter(|f| f.team_id == Some(team.id))
        .count();
    let o = fudao(
        &db,
        &[
            "--json",
            "plan",
            "--all",
            "--team",
            &team.id.to_string(),
            "--out-dir",
            tmp.path().join("team").to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["firms"], expected as u64);
    // Plans already exist: nothing new is stored.
    assert_eq!(summary["plans_stored"], 0);
}

#[test]
fn catalog_list_and_import_bump_the_version() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 3);
    let c: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c["version"], 1);
    let n = c["products"].as_array().unwrap().len();
    assert!(n >= 25);
    let table = ok(&fudao(&db, &["catalog", "list"]));
    assert!(table.contains("知惠贷"));

    // Change one product's rate and add one; import.
    let mut cat = c.clone();
    let i = cat["products"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["code"] == "QLKC-XY-01")
        .unwrap();
    cat["products"][i]["rate_max_bp"] = serde_json::json!(490);
    let mut extra = cat["products"][1].clone();
    extra["id"] = serde_json::json!("0190f0f0-0000-7000-8000-000000000001");
    extra["code"] = serde_json::json!("TEST-NEW-01");
    cat["products"].as_array_mut().unwrap().push(extra);
    let file = tmp.path().join("cat.json");
    std::fs::write(&file, serde_json::to_string(&cat).unwrap()).unwrap();
    let r: serde_json::Value = serde_json::from_str(&ok(&fudao(
        &db,
        &["--json", "catalog", "import", file.to_str().unwrap()],
    )))
    .unwrap();
    assert_eq!(r["version"], 2);
    assert_eq!(r["added"], 1);
    assert_eq!(r["updated"], 1);
    assert_eq!(r["unchanged"], n as u64 - 1);
    let c2: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c2["version"], 2);
    assert_eq!(c2["products"].as_array().unwrap().len(), n + 1);

    // An invalid catalogue is refused with the bilingual reason, and nothing changes.
    cat["products"][0]["amount_min"] = serde_json::json!(999_999_999_999i64);
    std::fs::write(&file, serde_json::to_string(&cat).unwrap()).unwrap();
    let bad = fudao(&db, &["catalog", "import", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("额度下限"), "{err}");
    let c3: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c3["version"], 2);
}
