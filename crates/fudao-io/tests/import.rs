//! Import of messy real-world firm lists. Fixtures are generated here (xlsx, csv) or
//! committed (`fixtures/firms_legacy.xls`, made by `fixtures/make_xls.py`).

use chrono::NaiveDate;
use fudao_core::model::{QualificationKind, Stage};
use fudao_core::uscc;
use fudao_io::import::{read_firms, ImportSheet, RowError};
use fudao_io::{Field, IoError};
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

fn code(area: &str, body: &str) -> String {
    uscc::compose("91", area, body).expect("valid parts")
}

/// The code with its last character replaced, and the character validation expects.
fn bad_check(area: &str, body: &str) -> (String, char) {
    let good = code(area, body);
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    let bad = format!("{}{wrong}", &good[..17]);
    let expected = good.chars().last().unwrap();
    (bad, expected)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn err(s: &ImportSheet, row: u32) -> Vec<&RowError> {
    s.errors.iter().filter(|e| e.row == row).collect()
}

fn row(s: &ImportSheet, row: u32) -> &fudao_core::patch::ImportRow {
    s.rows
        .iter()
        .find(|r| r.row == row)
        .unwrap_or_else(|| panic!("row {row} not imported; errors: {:#?}", s.errors))
}

struct Messy {
    a: String,
    b: String,
    bad: (String, char),
    d: String,
    e: String,
    f: String,
    g: String,
    h: String,
}

fn messy() -> Messy {
    Messy {
        a: code("370102", "MA3C0A01"),
        b: code("370103", "MA3C0A02"),
        bad: bad_check("370112", "MA3C0A03"),
        d: code("370102", "MA3C0A04"),
        e: code("370102", "MA3C0A05"),
        f: code("370102", "MA3C0A06"),
        g: code("370114", "MA3C0A07"),
        h: code("370114", "MA3C0A08"),
    }
}

/// A sheet as a district office sends it: merged title, a unit line, header synonyms with
/// full-width brackets and a line break, serial and text dates, units in cells, a blank row,
/// a vertically merged district, bad rows, a 合计 row and a footer.
fn write_messy_xlsx(path: &Path, m: &Messy) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("摸底表").unwrap();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    ws.merge_range(0, 0, 0, 18, "历下区科技型企业融资需求摸底表", &bold)
        .unwrap();
    ws.write(1, 0, "填报单位：历下区科学技术局").unwrap();
    ws.write(1, 16, "单位：万元").unwrap();
    let headers = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属区县",
        "所属行业",
        "成立日期",
        "注册资本（万元）",
        "从业人数\n（人）",
        "研发人员数",
        "主营业务收入",
        "研发投入（元）",
        "是否高新技术企业",
        "专精特新",
        "融资需求（万元）",
        "融资用途",
        "融资期限（月）",
        "联系人",
        "联系电话",
        "企业规模",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(2, c as u16, *h, &bold).unwrap();
    }
    // Row 4: serial date, text with separators, phone as a number.
    let r = 3;
    ws.write(r, 0, 1).unwrap();
    ws.write(r, 1, "济南量子科技有限公司").unwrap();
    ws.write(r, 2, m.a.as_str()).unwrap();
    ws.write(r, 3, "历下区").unwrap();
    ws.write(r, 4, "I65 软件和信息技术服务业").unwrap();
    ws.write_number_with_format(r, 5, 43529.0, &date).unwrap();
    ws.write(r, 6, "1,000").unwrap();
    ws.write(r, 7, 120).unwrap();
    ws.write(r, 8, 35).unwrap();
    ws.write(r, 9, "1,234.5").unwrap();
    ws.write(r, 10, 2_500_000).unwrap();
    ws.write(r, 11, "是").unwrap();
    ws.write(r, 12, "省级").unwrap();
    ws.write(r, 13, 500).unwrap();
    ws.write(r, 14, "购置研发设备").unwrap();
    ws.write(r, 15, 12).unwrap();
    ws.write(r, 16, "张三").unwrap();
    ws.write(r, 17, 13_800_000_000.0).unwrap();
    ws.write(r, 18, "小型").unwrap();
    // Row 5: text date in Chinese, units in cells.
    let r = 4;
    ws.write(r, 0, 2).unwrap();
    ws.write(r, 1, "济南泉城软件有限公司").unwrap();
    ws.write(r, 2, format!(" {} ", m.b.to_lowercase())).unwrap();
    ws.write(r, 3, "市中区").unwrap();
    ws.write(r, 4, "制造业").unwrap();
    ws.write(r, 5, "2019年3月5日").unwrap();
    ws.write(r, 6, "500万元").unwrap();
    ws.write(r, 7, "12人").unwrap();
    ws.write(r, 8, 3).unwrap();
    ws.write(r, 9, "800").unwrap();
    ws.write(r, 10, "-").unwrap();
    ws.write(r, 11, "否").unwrap();
    ws.write(r, 12, "国家级专精特新“小巨人”").unwrap();
    ws.write(r, 16, "李四").unwrap();
    ws.write(r, 17, "0531-88889999").unwrap();
    ws.write(r, 18, "微型").unwrap();
    // Row 6 blank. Row 7: wrong check character.
    let r = 6;
    ws.write(r, 0, 3).unwrap();
    ws.write(r, 1, "济南校验码错误有限公司").unwrap();
    ws.write(r, 2, m.bad.0.as_str()).unwrap();
    ws.write(r, 3, "历城区").unwrap();
    ws.write(r, 7, 10).unwrap();
    // Row 8: unparsable count.
    let r = 7;
    ws.write(r, 0, 4).unwrap();
    ws.write(r, 1, "济南人数不明有限公司").unwrap();
    ws.write(r, 2, m.d.as_str()).unwrap();
    ws.write(r, 7, "很多").unwrap();
    // Row 9: impossible date and an unparsable amount.
    let r = 8;
    ws.write(r, 0, 5).unwrap();
    ws.write(r, 1, "济南日期错误有限公司").unwrap();
    ws.write(r, 2, m.e.as_str()).unwrap();
    ws.write(r, 5, "2019-13-45").unwrap();
    ws.write(r, 9, "一千万").unwrap();
    // Row 10: duplicate of row 4.
    let r = 9;
    ws.write(r, 0, 6).unwrap();
    ws.write(r, 1, "济南量子科技有限公司（重复）").unwrap();
    ws.write(r, 2, m.a.as_str()).unwrap();
    // Row 11: no name.
    let r = 10;
    ws.write(r, 0, 7).unwrap();
    ws.write(r, 2, m.f.as_str()).unwrap();
    ws.write(r, 7, 8).unwrap();
    // Rows 12–13: district merged over both rows; text dates in two more forms.
    ws.write(11, 0, 8).unwrap();
    ws.write(11, 1, "济南章丘甲有限公司").unwrap();
    ws.write(11, 2, m.g.as_str()).unwrap();
    ws.merge_range(11, 3, 12, 3, "章丘区", &Format::new())
        .unwrap();
    ws.write(11, 5, "2019.3.5").unwrap();
    ws.write(11, 9, 100).unwrap();
    ws.write(12, 0, 9).unwrap();
    ws.write(12, 1, "济南章丘乙有限公司").unwrap();
    ws.write(12, 2, m.h.as_str()).unwrap();
    ws.write(12, 5, "20190305").unwrap();
    ws.write(12, 9, 200).unwrap();
    // Row 14: total; row 15: footer.
    ws.merge_range(13, 0, 13, 1, "合  计", &Format::new())
        .unwrap();
    ws.write(13, 9, 2334.5).unwrap();
    ws.write(13, 13, 500).unwrap();
    ws.write(14, 0, "填表人：王五　　联系电话：0531-12345678")
        .unwrap();
    wb.save(path).unwrap();
}

fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn messy_xlsx_reports_every_bad_row_and_reads_every_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "摸底表.xlsx");
    let m = messy();
    write_messy_xlsx(&path, &m);
    let s = read_firms(&path, None).unwrap();

    assert_eq!(s.sheet_name, "摸底表");
    assert_eq!(s.header_row, 3);
    assert_eq!(s.unknown_columns, ["企业规模"]);
    assert_eq!(
        s.total_rows,
        9,
        "rows 4,5,7,8,9,10,11,12,13: {:#?} {:#?}",
        s.errors,
        s.rows.iter().map(|r| r.row).collect::<Vec<_>>()
    );
    assert_eq!(
        s.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        [4, 5, 12, 13]
    );
    assert_eq!(
        s.rejected_rows().into_iter().collect::<Vec<_>>(),
        [7, 8, 9, 10, 11]
    );

    // Row 7: the check character, naming the expected one.
    let e7 = err(&s, 7);
    assert_eq!(e7.len(), 1);
    assert_eq!(e7[0].column, "统一社会信用代码");
    assert_eq!(e7[0].value, m.bad.0);
    let expected = format!("第18位校验码应为“{}”", m.bad.1);
    assert!(e7[0].message.zh.contains(&expected), "{}", e7[0].message.zh);

    let e8 = err(&s, 8);
    assert_eq!(e8.len(), 1);
    assert_eq!(e8[0].column, "从业人数（人）");
    assert_eq!(e8[0].message.zh, "“很多”不是有效的非负整数");

    let e9 = err(&s, 9);
    assert_eq!(e9.len(), 2, "{e9:#?}");
    assert_eq!(e9[0].column, "成立日期");
    assert!(e9[0].message.zh.starts_with("“2019-13-45”不是有效日期"));
    assert_eq!(e9[1].column, "主营业务收入");
    assert!(e9[1].message.zh.starts_with("“一千万”不是有效的金额"));
    assert!(e9[1].message.en.contains("'一千万' is not a valid amount"));

    let e10 = err(&s, 10);
    assert_eq!(e10.len(), 1);
    assert_eq!(e10[0].column, "统一社会信用代码");
    assert_eq!(
        e10[0].message.zh,
        format!("统一社会信用代码“{}”与第4行重复", m.a)
    );

    let e11 = err(&s, 11);
    assert_eq!(e11.len(), 1);
    assert_eq!(e11[0].column, "企业名称");
    assert_eq!(e11[0].field, "name");
    assert_eq!(e11[0].message.zh, "企业名称不能为空");

    // Row 4.
    let r4 = row(&s, 4);
    let f = &r4.firm;
    assert_eq!(f.uscc, m.a);
    assert_eq!(f.name.as_deref(), Some("济南量子科技有限公司"));
    assert_eq!(f.district.as_deref(), Some("370102"));
    assert_eq!(f.industry.as_deref(), Some("I65"));
    assert_eq!(f.founded, Some(d(2019, 3, 5)));
    assert_eq!(f.registered_capital, Some(10_000_000));
    assert_eq!((f.staff, f.tech_staff), (Some(120), Some(35)));
    assert_eq!(f.revenue, Some(12_345_000), "万元 from the 单位 line");
    assert_eq!(f.rd_expense, Some(2_500_000), "元 from the header");
    assert_eq!(f.year, None);
    let kinds: Vec<_> = f.qualifications.iter().map(|q| q.kind).collect();
    assert_eq!(
        kinds,
        [
            QualificationKind::HighTech,
            QualificationKind::SrdiProvincial
        ]
    );
    assert_eq!(f.contact_name.as_deref(), Some("张三"));
    assert_eq!(f.contact_phone.as_deref(), Some("13800000000"));
    let need = r4.need.as_ref().unwrap();
    assert_eq!(need.amount, 5_000_000);
    assert_eq!(need.purpose.as_deref(), Some("购置研发设备"));
    assert_eq!(need.term_months, Some(12));
    assert_eq!(r4.headers["staff"], "从业人数（人）");
    assert_eq!(r4.headers["need_amount"], "融资需求（万元）");
    assert_eq!(r4.column("tech_staff"), "研发人员数");

    // Row 5.
    let f = &row(&s, 5).firm;
    assert_eq!(f.uscc, m.b, "lower case and spaces normalised");
    assert_eq!(f.industry.as_deref(), Some("C"));
    assert_eq!(f.founded, Some(d(2019, 3, 5)));
    assert_eq!(f.registered_capital, Some(5_000_000));
    assert_eq!(f.staff, Some(12));
    assert_eq!(f.rd_expense, None, "'-' means no value");
    assert_eq!(f.revenue, Some(8_000_000));
    assert_eq!(f.revoked, [QualificationKind::HighTech]);
    assert_eq!(
        f.qualifications.iter().map(|q| q.kind).collect::<Vec<_>>(),
        [QualificationKind::SrdiLittleGiant]
    );
    assert!(row(&s, 5).need.is_none());

    // Rows 12–13 share the merged district; dates in two more forms.
    for r in [12, 13] {
        let f = &row(&s, r).firm;
        assert_eq!(f.district.as_deref(), Some("370114"), "row {r}");
        assert_eq!(f.founded, Some(d(2019, 3, 5)), "row {r}");
    }
    assert_eq!(row(&s, 13).firm.revenue, Some(2_000_000));

    let staff_col = s.columns.iter().find(|c| c.field == Field::Staff).unwrap();
    assert_eq!(staff_col.letter, "H");
}

#[test]
fn two_row_header_with_years_zones_and_free_industries() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "two-level.xlsx");
    let a = code("370102", "MA3C0B01");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 1, 0, "企业名称", &f).unwrap();
    ws.merge_range(0, 1, 1, 1, "统一社会信用代码", &f).unwrap();
    ws.merge_range(0, 2, 0, 3, "营业收入（万元）", &f).unwrap();
    ws.merge_range(0, 4, 0, 5, "研发费用（万元）", &f).unwrap();
    ws.merge_range(0, 6, 1, 6, "所在区域", &f).unwrap();
    ws.merge_range(0, 7, 1, 7, "行业", &f).unwrap();
    for (c, y) in [(2, "2023年"), (3, "2024年"), (4, "2023年"), (5, "2024年")] {
        ws.write(1, c, y).unwrap();
    }
    ws.write(2, 0, "济南高新量子有限公司").unwrap();
    ws.write(2, 1, a.as_str()).unwrap();
    ws.write(2, 2, 100).unwrap();
    ws.write(2, 3, 150).unwrap();
    ws.write(2, 4, 10).unwrap();
    ws.write(2, 5, 12.5).unwrap();
    ws.write(2, 6, "高新区").unwrap();
    ws.write(2, 7, "新一代信息技术").unwrap();
    wb.save(&path).unwrap();

    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.header_row, 2);
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let r = &s.rows[0];
    assert_eq!(r.row, 3);
    let p = &r.firm;
    assert_eq!(p.year, Some(2024));
    assert_eq!(p.revenue, Some(1_500_000));
    assert_eq!(p.rd_expense, Some(125_000));
    assert_eq!(p.other_years.len(), 1);
    assert_eq!(p.other_years[0].year, 2023);
    assert_eq!(p.other_years[0].revenue, Some(1_000_000));
    assert_eq!(p.other_years[0].rd_expense, Some(100_000));
    assert_eq!(p.district, None);
    assert_eq!(p.tags, ["高新区", "新一代信息技术"]);
    assert_eq!(r.headers["revenue@2023"], "营业收入（万元）/2023年");
    assert!(s.notes.iter().any(|n| n.zh.contains("高新区")));
    let firm = p.new_firm(uuid::Uuid::nil(), 2022);
    assert_eq!(
        firm.financials
            .iter()
            .map(|y| (y.year, y.revenue))
            .collect::<Vec<_>>(),
        [(2023, Some(1_000_000)), (2024, Some(1_500_000))]
    );
}

#[test]
fn gbk_csv_with_title_row_and_synonyms() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "gbk.csv");
    let a = code("370105", "MA3C0C01");
    let b = code("370105", "MA3C0C02");
    let text = format!(
        "天桥区企业名单（2025年）,,,,,,\r\n\
         单位名称,信用代码,区县,注册日期,\"营业收入(万元)\",是否首贷,年份,发明专利\r\n\
         济南天桥甲有限公司,{a},天桥,2019.3.5,\"1,234.5\",√,2024,3\r\n\
         ,,,,,,\r\n\
         济南天桥乙有限公司,{b},天桥区,2020/1/2,abc,Y,2024,无\r\n\
         合计,,,,\"1,234.5\",,,3\r\n"
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really GBK");
    std::fs::write(&path, &bytes).unwrap();

    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.header_row, 2);
    assert_eq!(s.total_rows, 2);
    assert_eq!(s.rows.len(), 1);
    let p = &s.rows[0].firm;
    assert_eq!(s.rows[0].row, 3);
    assert_eq!(p.name.as_deref(), Some("济南天桥甲有限公司"));
    assert_eq!(p.district.as_deref(), Some("370105"));
    assert_eq!(p.founded, Some(d(2019, 3, 5)));
    assert_eq!(p.revenue, Some(12_345_000));
    assert_eq!(p.first_loan_list, Some(true));
    assert_eq!(p.ever_borrowed, Some(false));
    assert_eq!(p.year, Some(2024));
    assert_eq!(p.invention_patents, Some(3));
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].row, 5);
    assert_eq!(s.errors[0].column, "营业收入(万元)");
    assert!(s.errors[0].message.zh.starts_with("“abc”不是有效的金额"));
}

#[test]
fn utf8_bom_csv_and_utf16_tab_text() {
    let dir = tempfile::tempdir().unwrap();
    let a = code("370124", "MA3C0D01");
    let body = format!("企业名称,统一社会信用代码,成立日期\n济南平阴甲有限公司,{a},2019-03-05\n");
    let p1 = tmp(&dir, "bom.csv");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(body.as_bytes());
    std::fs::write(&p1, bytes).unwrap();
    let s = read_firms(&p1, None).unwrap();
    assert_eq!(s.rows.len(), 1, "{:#?}", s.errors);
    assert_eq!(s.rows[0].firm.founded, Some(d(2019, 3, 5)));
    assert_eq!(s.rows[0].firm.uscc, a);

    // Excel's "Unicode text": UTF-16LE with BOM, tab-separated, saved as .xls by some users.
    let p2 = tmp(&dir, "unicode.xls");
    let tsv = body.replace(',', "\t");
    let mut u16 = vec![0xFF, 0xFE];
    for unit in tsv.encode_utf16() {
        u16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&p2, u16).unwrap();
    let s = read_firms(&p2, None).unwrap();
    assert_eq!(s.rows.len(), 1, "{:#?}", s.errors);
    assert_eq!(s.rows[0].firm.name.as_deref(), Some("济南平阴甲有限公司"));
}

#[test]
fn html_table_saved_as_xls() {
    let dir = tempfile::tempdir().unwrap();
    let a = code("370126", "MA3C0E01");
    let html = format!(
        "<html><head><meta charset=\"utf-8\"></head><body><table border=1>\
         <tr><td colspan=\"3\">商河县企业名单</td></tr>\
         <tr><th>企业名称</th><th>统一社会信用代码</th><th>从业人数</th></tr>\
         <tr><td>商河甲&amp;乙有限公司</td><td>{a}</td><td>15</td></tr>\
         </table></body></html>"
    );
    let path = tmp(&dir, "export.xls");
    std::fs::write(&path, html).unwrap();
    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.header_row, 2);
    assert_eq!(s.rows.len(), 1, "{:#?}", s.errors);
    assert_eq!(s.rows[0].firm.name.as_deref(), Some("商河甲&乙有限公司"));
    assert_eq!(s.rows[0].firm.staff, Some(15));
}

#[test]
fn legacy_xls_fixture() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/firms_legacy.xls");
    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.sheet_name, "企业名单");
    assert_eq!(s.header_row, 2);
    assert_eq!(s.total_rows, 4);
    assert_eq!(s.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 4]);

    let p = &s.rows[0].firm;
    assert_eq!(p.uscc, "91370102MA3C00011F");
    assert_eq!(p.name.as_deref(), Some("济南甲科技有限公司"));
    assert_eq!(p.district.as_deref(), Some("370102"));
    assert_eq!(p.founded, Some(d(2019, 3, 5)));
    assert_eq!(p.registered_capital, Some(5_000_000), "header says 元");
    assert_eq!((p.staff, p.tech_staff), (Some(50), Some(10)));
    assert_eq!(p.revenue, Some(12_345_000));
    assert_eq!(p.qualifications[0].kind, QualificationKind::HighTech);
    assert_eq!(p.first_loan_list, Some(true));
    assert_eq!(s.rows[0].need.as_ref().map(|n| n.amount), Some(2_000_000));

    let p = &s.rows[1].firm;
    assert_eq!(p.district.as_deref(), Some("370103"), "市中 → 市中区");
    assert_eq!(p.founded, Some(d(2020, 6, 1)));
    assert_eq!(p.registered_capital, Some(3_000_000));
    assert_eq!(p.staff, Some(30));
    assert_eq!(p.revoked, [QualificationKind::HighTech]);
    assert_eq!(p.first_loan_list, Some(false));
    assert!(s.rows[1].need.is_none());

    let bad = "91370112MA3C000380";
    let expected = match uscc::validate(bad) {
        Err(uscc::UsccError::Check { expected, .. }) => expected,
        other => panic!("{other:?}"),
    };
    assert_eq!(s.errors.len(), 2, "{:#?}", s.errors);
    assert_eq!(s.errors[0].row, 5);
    assert_eq!(s.errors[0].column, "社会信用代码");
    assert!(s.errors[0]
        .message
        .zh
        .contains(&format!("应为“{expected}”")));
    assert_eq!(s.errors[1].row, 6);
    assert_eq!(s.errors[1].column, "职工人数");
    assert_eq!(s.errors[1].message.zh, "“五十”不是有效的非负整数");
    // The need column states no unit: the assumption is reported.
    assert!(s
        .notes
        .iter()
        .any(|n| n.zh == "“融资金额”列未注明单位，按万元读取"));
}

#[test]
fn sheet_selection_and_missing_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "two-sheets.xlsx");
    let a = code("370102", "MA3C0F01");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("填表说明").unwrap();
    ws.write(0, 0, "请按模板填写，金额单位为万元").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("数据").unwrap();
    ws.write(0, 0, "企业名称").unwrap();
    ws.write(0, 1, "统一社会信用代码").unwrap();
    ws.write(1, 0, "济南甲有限公司").unwrap();
    ws.write(1, 1, a.as_str()).unwrap();
    wb.save(&path).unwrap();

    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.sheet_name, "数据");
    assert_eq!(s.rows.len(), 1);
    assert_eq!(read_firms(&path, Some("2")).unwrap().sheet_name, "数据");
    match read_firms(&path, Some("Sheet9")) {
        Err(IoError::SheetNotFound { available, .. }) => {
            assert_eq!(available, ["填表说明", "数据"])
        }
        other => panic!("{other:?}"),
    }
    match read_firms(&path, Some("填表说明")) {
        Err(IoError::NoHeader(m)) => {
            assert!(m.zh.contains("没有找到表头"), "{}", m.zh);
            assert!(m.zh.contains("请按模板填写"), "{}", m.zh);
        }
        other => panic!("{other:?}"),
    }
    let missing = dir.path().join("nope.xlsx");
    assert!(matches!(
        read_firms(&missing, None),
        Err(IoError::Io { .. })
    ));
}

#[test]
fn stage_terms_kinds_and_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "needs.csv");
    let a = code("370113", "MA3C0G01");
    let b = code("370113", "MA3C0G02");
    let text = format!(
        "企业名称,统一社会信用代码,发展阶段,融资金额（万元）,融资方式,期限,需求提出日期,标签,从业人数\n\
         长清甲有限公司,{a},成长期,300,银行贷款,1年,2025-10-08,重点、首贷,N/A\n\
         长清乙有限公司,{b},壮年期,0,众筹,长期,2025-10-08,,\n"
    );
    std::fs::write(&path, text).unwrap();
    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.rows.len(), 1);
    let r = &s.rows[0];
    assert_eq!(r.firm.stage, Some(Stage::Growth));
    assert_eq!(r.firm.tags, ["重点", "首贷"]);
    assert_eq!(r.firm.staff, None, "N/A is no value");
    let n = r.need.as_ref().unwrap();
    assert_eq!(n.amount, 3_000_000);
    assert_eq!(n.kind, Some(fudao_core::model::FinancingKind::Loan));
    assert_eq!(n.term_months, Some(12));
    assert_eq!(n.raised_on, Some(d(2025, 10, 8)));
    let cols: Vec<&str> = s.errors.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(cols, ["发展阶段", "融资方式", "期限"]);
    assert!(s.errors.iter().all(|e| e.row == 3));
}

#[test]
fn label_rows_repeated_headers_and_template_rows_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "semicolon.csv");
    let a = code("370104", "MA3C0H01");
    let b = code("370104", "MA3C0H02");
    let text = format!(
        "序号;企业名称;统一社会信用代码;从业人数\n\
         一、槐荫区;;;\n\
         1;\"槐荫甲\n有限公司\";{a};10\n\
         序号;企业名称;统一社会信用代码;从业人数\n\
         2;槐荫乙有限公司;{b};\"1,200\"\n\
         3;;;\n\
         4;;;\n\
         注：从业人数为年末数\n"
    );
    std::fs::write(&path, text).unwrap();
    let s = read_firms(&path, None).unwrap();
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    assert_eq!(s.total_rows, 2);
    assert_eq!(s.rows[0].row, 3);
    assert_eq!(s.rows[0].firm.name.as_deref(), Some("槐荫甲有限公司"));
    assert_eq!(s.rows[1].row, 5);
    assert_eq!(s.rows[1].firm.staff, Some(1200));
    assert!(
        s.notes
            .iter()
            .any(|n| n.zh == "第2行“一、槐荫区”不是企业数据，已跳过"),
        "{:#?}",
        s.notes
    );
}

#[test]
fn a_sheet_without_a_uscc_column_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "names.csv");
    std::fs::write(&path, "企业名称,从业人数\n济南甲有限公司,10\n").unwrap();
    let s = read_firms(&path, None).unwrap();
    assert_eq!(s.rows.len(), 0);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].column, "统一社会信用代码");
    assert_eq!(s.errors[0].message.zh, "统一社会信用代码不能为空");
    assert!(s
        .notes
        .iter()
        .any(|n| n.zh.contains("表中没有“统一社会信用代码”列")));
}

/// The 专精特新 score inputs are importable: niche years, digital level (1–4), 特色化 points
/// (0–15), independent legal person, key-field product; out-of-range values are refused
/// naming the row and column, and the patch sets the firm's facts.
#[test]
fn srdi_score_inputs_are_importable() {
    let dir = tempfile::tempdir().unwrap();
    let a = fudao_core::uscc::compose("91", "370102", "MA3C0B01").unwrap();
    let b = fudao_core::uscc::compose("91", "370102", "MA3C0B02").unwrap();
    let csv = format!(
        "企业名称,统一社会信用代码,从事细分市场年限,数字化水平等级,特色化指标得分,是否具有独立法人资格,主导产品属于关键领域\n\
         甲公司,{a},7,2,10,是,是\n\
         乙公司,{b},3,5,16,否,否\n"
    );
    let p = dir.path().join("srdi.csv");
    std::fs::write(&p, csv).unwrap();
    let s = fudao_io::import::read_firms(&p, None).unwrap();
    let mapped: Vec<Field> = s.columns.iter().map(|c| c.field).collect();
    for f in [
        Field::NicheYears,
        Field::DigitalLevel,
        Field::SrdiFeaturePoints,
        Field::IndependentLegalPerson,
        Field::KeyFieldProduct,
    ] {
        assert!(mapped.contains(&f), "{f:?} not recognised: {mapped:?}");
    }
    let r = &s.rows[0].firm;
    assert_eq!(
        (r.niche_years, r.digital_level, r.srdi_feature_points),
        (Some(7), Some(2), Some(10))
    );
    assert_eq!(
        (r.independent_legal_person, r.key_field_product),
        (Some(true), Some(true))
    );
    let mut firm = fudao_core::model::Firm::new(uuid::Uuid::nil(), &a, "甲公司");
    r.apply(&mut firm, 2025);
    assert_eq!(firm.facts.niche_years, Some(7));
    assert_eq!(firm.facts.digital_level, Some(2));
    assert_eq!(firm.facts.srdi_feature_points, Some(10));
    assert_eq!(firm.facts.independent_legal_person, Some(true));
    assert_eq!(firm.facts.key_field_product, Some(true));
    // Row 3: digital level 5 and 特色化 16 are out of range, each named.
    let errs: Vec<(u32, &str)> = s
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert!(errs.contains(&(3, "数字化水平等级")), "{:#?}", s.errors);
    assert!(errs.contains(&(3, "特色化指标得分")), "{:#?}", s.errors);
    let e = s
        .errors
        .iter()
        .find(|e| e.column == "数字化水平等级")
        .unwrap();
    assert!(
        e.message.zh.contains("1–4") && e.message.en.contains("out of range"),
        "{:?}",
        e.message
    );
}
