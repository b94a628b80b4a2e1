//! Column mapping: the user assigns a field to a column whose header is not recognised (or
//! ignores a recognised one), and the column is read exactly like a recognised one.

use fudao_core::model::QualificationKind;
use fudao_core::uscc;
use fudao_io::import::{read_firms, read_firms_mapped, ColumnChoice, ColumnMap};
use fudao_io::{field_of_header, Field, IoError};
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

fn code(body: &str) -> String {
    uscc::compose("91", "370102", body).expect("valid parts")
}

fn staff(h: &str) -> ColumnMap {
    ColumnMap::new().with(h, ColumnChoice::Field(Field::Staff))
}

/// A CSV whose staff and revenue headers no synonym covers.
fn write_csv(dir: &Path, name: &str, rows: &[(&str, &str, &str, &str)], extra: &str) -> PathBuf {
    let path = dir.join(name);
    let mut text =
        format!("统一社会信用代码,企业名称,在岗职工（人）,2024年营收额（千元）{extra}\n");
    for (c, n, s, r) in rows {
        text.push_str(&format!(
            "{c},{n},{s},\"{r}\"{}\n",
            if extra.is_empty() { "" } else { ",3" }
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_headers_used_here_are_really_unrecognised() {
    for h in [
        "在岗职工（人）",
        "2024年营收额（千元）",
        "企业识别码",
        "认定证书号码",
    ] {
        assert_eq!(
            field_of_header(h),
            None,
            "{h} is recognised; pick another header"
        );
    }
}

#[test]
fn a_mapped_column_is_read_like_a_recognised_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (code("MA3C0M01"), code("MA3C0M02"));
    let path = write_csv(
        dir.path(),
        "m.csv",
        &[
            (&a, "济南映射甲有限公司", "120人", "1,234.5"),
            (&b, "济南映射乙有限公司", "35", "800"),
        ],
        "",
    );

    // Without a mapping both columns are ignored.
    let plain = read_firms(&path, None).unwrap();
    assert_eq!(
        plain.unknown_columns,
        ["在岗职工（人）", "2024年营收额（千元）"]
    );
    assert_eq!(plain.rows[0].firm.staff, None);
    assert_eq!(plain.rows[0].firm.revenue, None);

    let map = staff("在岗职工（人）").with(
        "2024年营收额（千元）",
        ColumnChoice::parse("revenue").unwrap(),
    );
    let s = read_firms_mapped(&path, None, &map).unwrap();
    assert!(s.unknown_columns.is_empty(), "{:?}", s.unknown_columns);
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let staff_col = s.columns.iter().find(|c| c.field == Field::Staff).unwrap();
    assert_eq!(staff_col.header, "在岗职工（人）");
    assert_eq!(staff_col.letter, "C");
    assert!(staff_col.mapped);
    let rev = s
        .columns
        .iter()
        .find(|c| c.field == Field::Revenue)
        .unwrap();
    assert!(rev.mapped);
    // Unit and year come from the header, as for a recognised column.
    assert_eq!(rev.unit, Some(fudao_io::Unit::Thousand));
    assert_eq!(rev.year, Some(2024));
    assert!(
        !s.columns
            .iter()
            .find(|c| c.field == Field::Uscc)
            .unwrap()
            .mapped
    );

    let first = &s.rows[0].firm;
    assert_eq!(first.staff, Some(120));
    assert_eq!(first.revenue, Some(1_234_500), "千元 × 1000");
    assert_eq!(first.year, Some(2024));
    assert_eq!(s.rows[1].firm.staff, Some(35));
    assert_eq!(s.rows[1].firm.revenue, Some(800_000));
    // The row remembers which header filled the field (the store's audit names it).
    assert_eq!(
        s.rows[0].headers.get("staff").map(String::as_str),
        Some("在岗职工（人）")
    );
}

#[test]
fn bad_values_in_a_mapped_column_are_row_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (code("MA3C0M11"), code("MA3C0M12"), code("MA3C0M13"));
    let path = write_csv(
        dir.path(),
        "bad.csv",
        &[
            (&a, "济南甲有限公司", "十二人", "100"),
            (&b, "济南乙有限公司", "12.5", "100"),
            (&c, "济南丙有限公司", "40", "一百"),
        ],
        "",
    );
    let map =
        staff("在岗职工（人）").with("2024年营收额（千元）", ColumnChoice::Field(Field::Revenue));
    let s = read_firms_mapped(&path, None, &map).unwrap();
    assert!(s.rows.is_empty(), "{:#?}", s.rows);
    assert_eq!(s.errors.len(), 3, "{:#?}", s.errors);
    let e = &s.errors[0];
    assert_eq!((e.row, e.field.as_str()), (2, "staff"));
    assert_eq!(e.column, "在岗职工（人）");
    assert_eq!(e.value, "十二人");
    assert!(e.message.zh.contains("十二人"), "{}", e.message.zh);
    assert_eq!((s.errors[1].row, s.errors[1].field.as_str()), (3, "staff"));
    assert_eq!(
        (s.errors[2].row, s.errors[2].field.as_str()),
        (4, "revenue")
    );
    assert_eq!(s.errors[2].column, "2024年营收额（千元）");
    assert!(s.errors[2].message.zh.contains("“一百”不是有效的金额"));
}

#[test]
fn mapping_onto_a_field_another_column_fills_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let a = code("MA3C0M21");
    let path = write_csv(
        dir.path(),
        "conflict.csv",
        &[(&a, "济南甲有限公司", "12", "100")],
        ",从业人数",
    );
    let err = read_firms_mapped(&path, None, &staff("在岗职工（人）")).unwrap_err();
    match &err {
        IoError::MappingConflict {
            field,
            year,
            columns,
        } => {
            assert_eq!(*field, Field::Staff);
            assert_eq!(*year, None);
            assert_eq!(columns[0], ("C".to_string(), "在岗职工（人）".to_string()));
            assert_eq!(columns[1], ("E".to_string(), "从业人数".to_string()));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let m = err.message();
    assert!(
        m.zh.contains("C列“在岗职工（人）”")
            && m.zh.contains("E列“从业人数”")
            && m.zh.contains("从业人数"),
        "{}",
        m.zh
    );
    assert!(
        m.en.contains("'在岗职工（人）'") && m.en.contains("'从业人数'") && m.en.contains("Staff"),
        "{}",
        m.en
    );

    // Two mapped columns for one field conflict too.
    let both =
        staff("在岗职工（人）").with("2024年营收额（千元）", ColumnChoice::Field(Field::Staff));
    let path2 = write_csv(
        dir.path(),
        "c2.csv",
        &[(&a, "济南甲有限公司", "12", "100")],
        "",
    );
    assert!(matches!(
        read_firms_mapped(&path2, None, &both),
        Err(IoError::MappingConflict { .. })
    ));

    // Ignoring the recognised column resolves it: the mapped column fills the field.
    let resolved = staff("在岗职工（人）").with("从业人数", ColumnChoice::Ignore);
    let s = read_firms_mapped(&path, None, &resolved).unwrap();
    assert_eq!(s.rows[0].firm.staff, Some(12));
    assert!(s.unknown_columns.contains(&"从业人数".to_string()));
    assert!(s
        .unknown_columns
        .contains(&"2024年营收额（千元）".to_string()));
}

#[test]
fn a_mapped_header_missing_from_the_sheet_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = code("MA3C0M31");
    let path = write_csv(
        dir.path(),
        "x.csv",
        &[(&a, "济南甲有限公司", "12", "100")],
        "",
    );
    let err = read_firms_mapped(&path, None, &staff("职工总人数")).unwrap_err();
    assert!(
        matches!(&err, IoError::MappedHeaderMissing { header, .. } if header == "职工总人数"),
        "{err:?}"
    );
    let m = err.message();
    assert!(
        m.zh.contains("没有表头为“职工总人数”的列") && m.zh.contains("在岗职工（人）"),
        "{}",
        m.zh
    );
    assert!(m.en.contains("no column headed '职工总人数'"), "{}", m.en);
    // Spaces and full-width characters do not matter when matching headers.
    let s = read_firms_mapped(&path, None, &staff(" 在岗职工(人) ")).unwrap();
    assert_eq!(s.rows[0].firm.staff, Some(12));
}

#[test]
fn column_map_arguments_parse_or_say_what_is_valid() {
    let mut m = ColumnMap::new();
    m.add_arg("在岗职工=staff").unwrap();
    m.add_arg("a=b=q.high_tech").unwrap();
    m.add_arg("备注二=ignore").unwrap();
    assert_eq!(m.get("在岗职工"), Some(ColumnChoice::Field(Field::Staff)));
    assert_eq!(m.get("a=b"), Some(ColumnChoice::Field(Field::HighTech)));
    assert_eq!(m.get("备注二"), Some(ColumnChoice::Ignore));
    // A later choice for the same header replaces the earlier one.
    m.add_arg("在岗职工=tech_staff").unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(
        m.get("在岗职工"),
        Some(ColumnChoice::Field(Field::TechStaff))
    );

    let e = m.add_arg("在岗职工=stafff").unwrap_err();
    assert!(matches!(&e, IoError::UnknownField { key } if key == "stafff"));
    let msg = e.message();
    assert!(msg.en.contains("no field 'stafff'"), "{}", msg.en);
    assert!(
        msg.en.contains("staff") && msg.en.contains("need_amount") && msg.en.contains("ignore")
    );
    assert!(
        !msg.en.contains("seq"),
        "序号 is not assignable: {}",
        msg.en
    );
    assert!(matches!(
        ColumnChoice::parse("seq"),
        Err(IoError::UnknownField { .. })
    ));
    assert!(matches!(
        m.add_arg("staff"),
        Err(IoError::BadMapping { .. })
    ));
    assert!(matches!(
        m.add_arg("=staff"),
        Err(IoError::BadMapping { .. })
    ));
    assert!(m.add_arg("x=staff").unwrap().get("x").is_some());
}

#[test]
fn xlsx_mapped_key_and_qualification_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.xlsx");
    let (a, b) = (code("MA3C0M41"), code("MA3C0M42"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("名单").unwrap();
    for (c, h) in ["企业名称", "企业识别码", "认定证书号码", "高新技术企业"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "济南证号甲有限公司").unwrap();
    ws.write_string(1, 1, &a).unwrap();
    ws.write_string(1, 2, "GR202237000123").unwrap();
    ws.write_string(1, 3, "是").unwrap();
    ws.write_string(2, 0, "济南证号乙有限公司").unwrap();
    ws.write_string(2, 1, &b).unwrap();
    ws.write_string(2, 2, "不清楚").unwrap();
    wb.save(&path).unwrap();

    // Unmapped, no column holds the USCC: every row lacks its key.
    let plain = read_firms(&path, None).unwrap();
    assert!(plain.rows.is_empty());
    assert!(plain.errors.iter().all(|e| e.field == "uscc"));

    let map = ColumnMap::new()
        .with("企业识别码", ColumnChoice::Field(Field::Uscc))
        // Qualification columns may repeat (a yes/no column and a certificate number column).
        .with("认定证书号码", ColumnChoice::Field(Field::HighTech));
    let s = read_firms_mapped(&path, Some("名单"), &map).unwrap();
    assert_eq!(s.rows.len(), 1, "{:#?}", s.errors);
    let q = &s.rows[0].firm.qualifications;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].kind, QualificationKind::HighTech);
    assert_eq!(q[0].number, "GR202237000123");
    assert_eq!(s.rows[0].firm.uscc, a);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(
        (
            s.errors[0].row,
            s.errors[0].field.as_str(),
            s.errors[0].column.as_str()
        ),
        (3, "q.high_tech", "认定证书号码")
    );
}
