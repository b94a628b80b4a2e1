//! `fudao import firms FILE --map HEADER=FIELD`: columns whose headers are not recognised are
//! read as the field the user names. Real processes on temporary databases.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::fudao as run;

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let o = run(db, &a);
    assert!(
        o.status.success(),
        "fudao {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn code(n: u32) -> String {
    fudao_core::uscc::compose("91", "370112", &format!("MA{n:06}")).unwrap()
}

fn write_csv(dir: &Path) -> (PathBuf, [String; 2]) {
    let (a, b) = (code(501), code(502));
    let path = dir.join("staff.csv");
    std::fs::write(
        &path,
        format!(
            "信用代码,单位名称,在岗职工（人）,微信群\n{a},历城映射甲有限公司,88,群1\n{b},历城映射乙有限公司,23人,群2\n"
        ),
    )
    .unwrap();
    (path, [a, b])
}

#[test]
fn map_flag_imports_an_unrecognised_column() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let (csv, [a, b]) = write_csv(d.path());
    let file = csv.to_str().unwrap();

    // Without --map the column is ignored, and the hint names the flag.
    let o = run(&db, &["import", "firms", file, "--dry-run"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("在岗职工（人）") && err.contains("--map"),
        "{err}"
    );

    let r = json(
        &db,
        &[
            "import",
            "firms",
            file,
            "--map",
            "在岗职工（人）=staff",
            "--map",
            "微信群=ignore",
        ],
    );
    assert_eq!(r["created"], 2, "{r}");
    assert_eq!(r["rejected_rows"], 0, "{r}");
    assert_eq!(r["unknown_columns"], serde_json::json!(["微信群"]), "{r}");
    let staff_col = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "staff")
        .unwrap_or_else(|| panic!("no staff column: {r}"));
    assert_eq!(staff_col["mapped"], true);
    assert_eq!(staff_col["letter"], "C");
    assert_eq!(json(&db, &["firm", "show", &a])["staff"], 88);
    assert_eq!(json(&db, &["firm", "show", &b])["staff"], 23);
}

#[test]
fn map_flag_errors_say_what_is_wrong() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let (csv, _) = write_csv(d.path());
    let file = csv.to_str().unwrap();
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();

    // An unknown field key: exit 1, the valid keys listed.
    let o = run(
        &db,
        &["import", "firms", file, "--map", "在岗职工（人）=employees"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("没有字段“employees”"), "{e}");
    assert!(
        e.contains("staff") && e.contains("tech_staff") && e.contains("ignore"),
        "{e}"
    );
    // Not HEADER=FIELD.
    let o = run(&db, &["import", "firms", file, "--map", "staff"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("表头=字段"), "{}", stderr(&o));
    // A header the file does not have.
    let o = run(
        &db,
        &["import", "firms", file, "--map", "职工人数合计=staff"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("没有表头为“职工人数合计”的列"), "{e}");
    // A field another column already fills: both columns named, nothing imported.
    let o = run(
        &db,
        &["import", "firms", file, "--map", "在岗职工（人）=name"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("C列“在岗职工（人）”") && e.contains("B列“单位名称”"),
        "{e}"
    );
    assert_eq!(
        json(&db, &["firm", "list"]).as_array().unwrap().len(),
        0,
        "nothing imported"
    );
}
