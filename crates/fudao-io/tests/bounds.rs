//! Import tells the truth and stays bounded: approximations are imported with a warning naming
//! the row and column, a UTF-8 file with a bad byte is read as UTF-8 with the bad cell
//! reported, hostile spans and sizes are clamped or refused with the limit named.
//! (The process-level bounds — time and peak memory of `fudao import` — are tested in
//! fudao-cli's `hostile_import`.)

use fudao_core::uscc;
use fudao_io::import::read_firms;
use fudao_io::limits::{self, Limit};
use fudao_io::IoError;
use std::path::PathBuf;

fn code(body: &str) -> String {
    uscc::compose("91", "370102", body).unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn approximations_are_imported_with_a_warning_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c, d) = (
        code("MA3C0A01"),
        code("MA3C0A02"),
        code("MA3C0A03"),
        code("MA3C0A04"),
    );
    let csv = format!(
        "企业名称,统一社会信用代码,从业人数,营业收入（万元）\n\
         甲公司,{a},约500人,1200\n\
         乙公司,{b},500人左右,近300万\n\
         丙公司,{c},120,5百万\n\
         丁公司,{d},88人,3000\n"
    );
    let p = write(&dir, "approx.csv", csv);
    let s = read_firms(&p, None).unwrap();
    let rows: Vec<u32> = s.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, [2, 3, 5], "{:#?}", s.errors);
    assert_eq!(s.rows[0].firm.staff, Some(500));
    assert_eq!(s.rows[1].firm.staff, Some(500));
    assert_eq!(s.rows[1].firm.revenue, Some(3_000_000));
    let w: Vec<(u32, &str, &str)> = s
        .warnings
        .iter()
        .map(|w| (w.row, w.letter.as_str(), w.value.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            (2, "C", "约500人"),
            (3, "C", "500人左右"),
            (3, "D", "近300万")
        ]
    );
    let m = &s.warnings[0].message;
    assert!(
        m.zh.contains("第2行C列“从业人数”") && m.zh.contains("按 500 导入"),
        "{}",
        m.zh
    );
    assert!(
        m.en.contains("row 2, column C") && m.en.contains("approximation"),
        "{}",
        m.en
    );
    assert!(
        s.warnings[2].message.zh.contains("300万元"),
        "{}",
        s.warnings[2].message.zh
    );
    // "5百万" is not read leniently: refused, naming the row and column.
    assert_eq!(s.errors.len(), 1);
    assert_eq!(
        (s.errors[0].row, s.errors[0].column.as_str()),
        (4, "营业收入（万元）")
    );
    assert!(s.errors[0].message.zh.contains("“5百万”"));
    // Exact values give no warning.
    assert!(s.warnings.iter().all(|w| w.row != 5));
}

#[test]
fn utf8_file_with_one_bad_byte_imports_as_utf8_reporting_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (code("MA3C0B01"), code("MA3C0B02"), code("MA3C0B03"));
    let mut bytes = format!(
        "企业名称,统一社会信用代码,所属区县,备注说明\n济南甲科技有限公司,{a},历下区,无\n济南乙"
    )
    .into_bytes();
    bytes.push(0xFF);
    bytes.extend_from_slice(
        format!("科技有限公司,{b},市中区,无\n济南丙科技有限公司,{c},槐荫区,无\n").as_bytes(),
    );
    assert!(std::str::from_utf8(&bytes).is_err());
    let p = write(&dir, "bad-byte.csv", &bytes);
    let s = read_firms(&p, None).unwrap();
    assert_eq!(s.header_row, 1, "the header reads as UTF-8");
    let names: Vec<&str> = s
        .rows
        .iter()
        .filter_map(|r| r.firm.name.as_deref())
        .collect();
    assert_eq!(names, ["济南甲科技有限公司", "济南丙科技有限公司"]);
    assert_eq!(s.errors.len(), 1, "{:#?}", s.errors);
    let e = &s.errors[0];
    assert_eq!(
        (e.row, e.column.as_str(), e.field.as_str()),
        (3, "企业名称", "name")
    );
    assert!(
        e.message.zh.contains("A列") && e.message.zh.contains("UTF-8"),
        "{}",
        e.message.zh
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.zh.contains("1 个单元格含有无效字节") && n.zh.contains("A3")),
        "{:#?}",
        s.notes
    );
}

#[test]
fn html_spans_are_clamped_to_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let a = code("MA3C0C01");
    let html = format!(
        "<html><table><tr><td colspan=\"2000000000\" rowspan=100000>济南名单</td></tr>\
         <tr><th>企业名称</th><th>统一社会信用代码</th></tr>\
         <tr><td>济南甲公司</td><td>{a}</td></tr></table></html>"
    );
    let p = write(&dir, "spans.xls", html);
    let s = read_firms(&p, None).unwrap();
    assert_eq!(s.rows.len(), 1, "{:#?}", s.errors);
    assert_eq!(s.rows[0].firm.uscc, a);
}

#[test]
fn names_over_the_limit_are_rejected_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (code("MA3C0D01"), code("MA3C0D02"));
    let long = "长".repeat(limits::MAX_NAME_CHARS + 1);
    let p = write(
        &dir,
        "long.csv",
        format!("企业名称,统一社会信用代码\n{long},{a}\n济南短名公司,{b}\n"),
    );
    let s = read_firms(&p, None).unwrap();
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].row, 2);
    assert!(
        s.errors[0].message.zh.contains("101 个字，超过上限 100"),
        "{}",
        s.errors[0].message.zh
    );
}

fn too_large(
    r: Result<fudao_io::import::ImportSheet, IoError>,
) -> (Limit, u64, Option<(u32, u32)>, String) {
    match r {
        Err(e @ IoError::TooLarge { .. }) => {
            let m = e.message();
            let IoError::TooLarge {
                limit, found, at, ..
            } = e
            else {
                unreachable!()
            };
            (limit, found, at, format!("{} / {}", m.zh, m.en))
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn sizes_are_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // A value in column ALM (the 1,001st).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(4, limits::MAX_COLUMNS as u16, "x").unwrap();
    let p = dir.path().join("wide.xlsx");
    wb.save(&p).unwrap();
    let (limit, _, at, msg) = too_large(read_firms(&p, None));
    assert_eq!(
        (limit, at),
        (Limit::Columns, Some((4, limits::MAX_COLUMNS)))
    );
    assert!(
        msg.contains("第5行ALM列") && msg.contains("1000 列"),
        "{msg}"
    );

    // A cell longer than Excel allows (rust_xlsxwriter refuses to write one: CSV here).
    let long = "x".repeat(limits::MAX_CELL_CHARS + 1);
    let p = write(&dir, "cell.csv", format!("企业名称,备注\n甲,{long}\n"));
    let (limit, found, at, msg) = too_large(read_firms(&p, None));
    assert_eq!((limit, found, at), (Limit::CellChars, 32_768, Some((1, 1))));
    assert!(msg.contains("第2行B列") && msg.contains("32767"), "{msg}");

    // More cells than the bound: 6,000 rows × 1,000 columns of commas and values.
    let row = "1,".repeat(999) + "1\n";
    let p = write(&dir, "cells.csv", row.repeat(6_100));
    let (limit, _, _, msg) = too_large(read_firms(&p, None));
    assert_eq!(limit, Limit::Cells);
    assert!(msg.contains("6000000") && msg.contains("拆分"), "{msg}");
}

/// Found by the fuzz target: a mutated `.xls` whose sector chain loops made calamine allocate
/// 4 GiB and abort the process. The fixture is `firms_legacy.xls` with the directory's FAT
/// entry pointing to itself (before: abort after 7 s at 2.1 GB under a 3 GB cap). Now refused
/// as damaged.
#[test]
fn fuzz_regression_xls_with_a_looping_sector_chain() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz_cfb_loop.xls");
    let started = std::time::Instant::now();
    match read_firms(&path, None) {
        Err(IoError::Spreadsheet { detail, .. }) => {
            assert!(detail.contains("damaged compound file"), "{detail}")
        }
        other => panic!("expected a damaged-file error, got {other:?}"),
    }
    assert!(started.elapsed().as_secs() < 5);
}
