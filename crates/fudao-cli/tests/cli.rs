//! The `fudao` binary end to end: real processes on temporary databases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_fudao")
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FUDAO_DB")
        .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
        .output()
        .expect("run fudao")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(
        o.status.success(),
        "fudao {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(db, &a)).unwrap()
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("t.db");
    (d, p)
}

fn code(n: u32) -> String {
    fudao_core::uscc::compose("91", "370112", &format!("MA{n:06}")).unwrap()
}

#[test]
fn coach_workflow_add_firm_set_fields_need_visit_history() {
    let (_d, db) = temp_db();
    ok(&db, &["init"]);
    let c = code(1);
    // A validation error names the field and exits 1; nothing is stored.
    let o = run(
        &db,
        &[
            "firm",
            "add",
            "--uscc",
            &c,
            "--name",
            "济南量子科技有限公司",
            "staff=10",
            "tech_staff=20",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tech_staff") && err.contains("科技人员数（20）"),
        "{err}"
    );
    assert_eq!(json(&db, &["firm", "list"]).as_array().unwrap().len(), 0);
    // A wrong check character is named.
    let mut bad = c.clone();
    bad.pop();
    bad.push(if c.ends_with('0') { '1' } else { '0' });
    let o = run(
        &db,
        &["firm", "add", "--uscc", &bad, "--name", "错误代码企业"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("第18位校验码应为"));

    ok(
        &db,
        &[
            "firm",
            "add",
            "--uscc",
            &c.to_lowercase(),
            "--name",
            "济南量子科技有限公司",
            "staff=100",
            "tech_staff=20",
            "district=370112",
        ],
    );
    ok(
        &db,
        &[
            "firm",
            "set",
            "jnlz",
            "financials.2025.revenue=3000万",
            "ip.invention_patents=2",
            "first_loan_list=true",
        ],
    );
    let f = json(&db, &["firm", "show", &c]);
    assert_eq!(f["financials"][0]["year"], 2025);
    assert_eq!(f["financials"][0]["revenue"], 30_000_000);
    assert_eq!(f["ip"]["invention_patents"], 2);
    assert_eq!(f["first_loan_list"], true);
    // Every key that `firm show --json` prints can be set.
    ok(&db, &["firm", "set", &c, "notes=重点企业"]);
    let o = run(&db, &["firm", "set", &c, "no_such_field=1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("未知字段"));
    let o = run(&db, &["firm", "set", &c, "ip.no_such=1"]);
    assert_eq!(o.status.code(), Some(1));

    let n = json(
        &db,
        &[
            "need",
            "add",
            "量子",
            "--amount",
            "500",
            "--purpose",
            "研发投入",
            "--term",
            "12",
            "--reasonable",
            "yes",
        ],
    );
    assert_eq!(n["amount"], 5_000_000);
    assert_eq!(n["status"], "raised");
    let id = n["id"].as_str().unwrap().to_string();
    ok(&db, &["need", "set", &id, "status=matching"]);
    let needs = json(&db, &["need", "list", &c]);
    assert_eq!(needs[0]["status"], "matching");
    let o = run(&db, &["need", "add", &c, "--amount", "abc"]);
    assert_eq!(o.status.code(), Some(1));

    let v = json(
        &db,
        &[
            "visit",
            "add",
            &c,
            "--date",
            "2026-11-20",
            "--mode",
            "实地走访",
            "--findings",
            "研发费用未设辅助账",
            "--task",
            "建立研发辅助账@2026-12-20@王伟",
        ],
    );
    assert_eq!(v["tasks"][0]["due"], "2026-12-20");
    let o = run(
        &db,
        &[
            "visit",
            "add",
            &c,
            "--date",
            "2026-11-20",
            "--task",
            "无日期任务",
        ],
    );
    assert_eq!(o.status.code(), Some(1));

    let hist = json(&db, &["firm", "history", &c]);
    let fields: Vec<&str> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"financials") && fields.contains(&"notes") && fields.contains(&"_created"),
        "{fields:?}"
    );
    let human = ok(&db, &["firm", "show", &c]);
    assert!(
        human.contains("济南量子科技有限公司")
            && human.contains("研发投入")
            && human.contains("建立研发辅助账")
    );
}

#[test]
fn demo_search_and_exit_codes() {
    let (_d, db) = temp_db();
    let s = json(
        &db,
        &[
            "demo",
            "--firms",
            "150",
            "--seed",
            "3",
            "--today",
            "2026-11-26",
        ],
    );
    assert_eq!(s["firms"], 150);
    // Demo data only goes into an empty database.
    assert_eq!(run(&db, &["demo", "--firms", "5"]).status.code(), Some(1));
    let firms = json(&db, &["firm", "list", "--limit", "500"]);
    assert_eq!(firms.as_array().unwrap().len(), 150);
    let name = firms[0]["name"].as_str().unwrap();
    let two: String = name.chars().skip(2).take(2).collect();
    let hits = json(&db, &["firm", "search", &two]);
    assert!(hits
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["name"].as_str().unwrap().contains(&two)));
    assert!(!hits.as_array().unwrap().is_empty());
    let initials = fudao_core::text::pinyin_initials(name);
    let hits = json(&db, &["firm", "search", &initials[..4]]);
    assert!(!hits.as_array().unwrap().is_empty());
    // Unknown firm: exit 1 with a message naming it.
    let o = run(&db, &["firm", "show", "不存在的企业名"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不存在的企业名"));
    // Usage errors exit 1.
    assert_eq!(run(&db, &["firm", "frobnicate"]).status.code(), Some(1));

    // `fudao firm list | head -c 100`: the reader goes away early. No panic report.
    use std::io::Read;
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .args(["--json", "firm", "list", "--limit", "500"])
        .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here (stdout handle dropped).
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("panicked"),
        "no panic report on a closed pipe: {err}"
    );
    assert_eq!(
        o.status.code(),
        Some(141),
        "ends like a tool killed by SIGPIPE"
    );
}

#[test]
fn export_then_reimport_round_trips_without_duplicates() {
    let (d, db) = temp_db();
    json(
        &db,
        &[
            "demo",
            "--firms",
            "40",
            "--seed",
            "5",
            "--today",
            "2026-11-26",
        ],
    );
    let xlsx = d.path().join("firms.xlsx");
    let csv = d.path().join("firms.csv");
    ok(&db, &["export", "firms", xlsx.to_str().unwrap()]);
    ok(&db, &["export", "firms", csv.to_str().unwrap()]);
    ok(
        &db,
        &[
            "export",
            "needs",
            d.path().join("needs.xlsx").to_str().unwrap(),
        ],
    );
    assert_eq!(
        run(
            &db,
            &["export", "firms", d.path().join("x.pdf").to_str().unwrap()]
        )
        .status
        .code(),
        Some(1)
    );
    // Into a fresh database: all created.
    let (_d2, db2) = temp_db();
    let r = json(&db2, &["import", "firms", xlsx.to_str().unwrap()]);
    assert_eq!(r["created"], 40, "{r}");
    assert_eq!(r["rejected_rows"], 0, "{r}");
    // Again: nothing new.
    let r = json(&db2, &["import", "firms", csv.to_str().unwrap()]);
    assert_eq!(r["created"], 0, "{r}");
    assert_eq!(
        json(&db2, &["firm", "list", "--limit", "100"])
            .as_array()
            .unwrap()
            .len(),
        40
    );
}

fn write_messy_csv(path: &Path, good: u32) -> Vec<String> {
    let mut s = String::from("济南市历城区科技企业名单（2026年）,,,,,\n");
    s.push_str("单位名称,信用代码,从业人数,科技人员,营业收入（万元）,成立日期\n");
    let mut codes = vec![];
    for i in 0..good {
        let c = code(100 + i);
        s.push_str(&format!(
            "历城测试科技{i}有限公司,{c},120,30,\"1,234.5\",2019年3月5日\n"
        ));
        codes.push(c);
    }
    let mut bad = code(9000);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    s.push_str(&format!("校验码错误公司,{bad},50,5,100,2020/1/2\n"));
    s.push_str(&format!(
        "人数矛盾公司,{},10,20,100,2020-01-02\n",
        code(9001)
    ));
    s.push_str(",,,,,\n");
    s.push_str("合计,,,,,\n");
    std::fs::write(path, s).unwrap();
    codes
}

#[test]
fn messy_import_reports_every_bad_row_and_imports_the_good_ones() {
    let (d, db) = temp_db();
    let csv = d.path().join("messy.csv");
    write_messy_csv(&csv, 3);
    // Strict: nothing imported, exit 1.
    let o = run(&db, &["import", "firms", csv.to_str().unwrap(), "--strict"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json(&db, &["firm", "list"]).as_array().unwrap().len(), 0);
    // Dry run: report, nothing written.
    let o = run(
        &db,
        &[
            "--json",
            "import",
            "firms",
            csv.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&db, &["firm", "list"]).as_array().unwrap().len(), 0);
    // Normal: exit 2, good rows in, bad rows named with row number and column.
    let o = run(&db, &["import", "firms", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("第6行 [信用代码]"), "{err}");
    assert!(err.contains("第7行 [科技人员]"), "{err}");
    let firms = json(&db, &["firm", "list"]);
    assert_eq!(firms.as_array().unwrap().len(), 3);
    assert_eq!(firms[0]["financials"][0]["revenue"], 12_345_000);
    assert_eq!(firms[0]["founded"], "2019-03-05");
}

#[test]
fn killed_import_leaves_the_database_as_it_was() {
    let (d, db) = temp_db();
    ok(&db, &["init"]);
    ok(
        &db,
        &["firm", "add", "--uscc", &code(1), "--name", "已有企业"],
    );
    let csv = d.path().join("big.csv");
    let n = 20_000;
    write_messy_csv(&csv, n);
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .args(["import", "firms", csv.to_str().unwrap()])
        .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    let conn = rusqlite_check(&db);
    assert!(
        conn == 1 || conn == 1 + n as i64,
        "partial import visible: {conn} firms"
    );
}

/// Opens the database with the store (which checks integrity through migrations) and counts firms.
fn rusqlite_check(db: &Path) -> i64 {
    let s = fudao_store::Store::open_with_key(db, &fudao_store::DbKey::test_key()).unwrap();
    let ok: String = s
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    s.count(fudao_core::model::EntityKind::Firm).unwrap() as i64
}

/// A demo database is local only: `login` and `sync` refuse it with a bilingual message
/// (before asking for a password or touching the network), and nothing was queued.
/// `firm show` names a firm's consistency warnings, in --json under `warnings`.
#[test]
fn demo_database_refuses_sync_and_firm_show_names_warnings() {
    let (_d, db) = temp_db();
    json(
        &db,
        &[
            "demo",
            "--firms",
            "20",
            "--seed",
            "4",
            "--today",
            "2026-11-26",
        ],
    );
    for args in [
        &["login", "--server", "http://127.0.0.1:9", "--user", "t1c1"][..],
        &["sync"][..],
    ] {
        let o = run(&db, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("演示数据库") && err.contains("demo database"),
            "{args:?}: {err}"
        );
    }

    let firms = json(&db, &["firm", "list", "--limit", "50"]);
    let uscc = firms[0]["uscc"].as_str().unwrap().to_string();
    let shown = json(&db, &["firm", "show", &uscc, "--today", "2026-11-26"]);
    let untagged = !shown["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "演示：高企复审风险");
    if untagged {
        assert_eq!(
            shown["warnings"],
            serde_json::json!([]),
            "coherent demo firm"
        );
    }
    // Make the record contradict itself: founded after its financial years.
    ok(&db, &["firm", "set", &uscc, "founded=2026-01-05"]);
    let shown = json(&db, &["firm", "show", &uscc, "--today", "2026-11-26"]);
    let warnings = shown["warnings"].as_array().unwrap();
    let w = warnings
        .iter()
        .find(|w| w["code"] == "consistency.year_before_founding")
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert_eq!(w["field"], "financials");
    assert!(w["message"]["zh"].as_str().unwrap().contains("2026-01-05"));
    assert!(w["message"]["en"]
        .as_str()
        .unwrap()
        .contains("founding date"));
    let human = ok(&db, &["firm", "show", &uscc, "--today", "2026-11-26"]);
    assert!(
        human.contains("数据一致性警告") && human.contains("[financials]"),
        "{human}"
    );
    // The firm's history counts too: founded yesterday, its visits (most demo firms have
    // some in the last 18 months) are dated before founding.
    let mut history_warned = 0;
    for f in firms.as_array().unwrap().iter().take(6) {
        let uscc = f["uscc"].as_str().unwrap();
        ok(&db, &["firm", "set", uscc, "founded=2026-11-25"]);
        let shown = json(&db, &["firm", "show", uscc, "--today", "2026-11-26"]);
        let warnings = shown["warnings"].as_array().unwrap();
        if let Some(w) = warnings
            .iter()
            .find(|w| w["code"] == "consistency.visit_before_founding")
        {
            assert_eq!(w["field"], "visits");
            assert!(w["message"]["zh"].as_str().unwrap().contains("2026-11-25"));
            history_warned += 1;
        }
    }
    assert!(history_warned >= 2, "{history_warned} of 6 firms");
}
