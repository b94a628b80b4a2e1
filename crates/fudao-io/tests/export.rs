//! Export: the firm sheet re-imports to the same firms; the .xlsx has a bold frozen header
//! and number formats; the .csv has a BOM.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use fudao_core::model::{
    Contact, FinancingKind, Firm, Need, NeedStatus, Outcome, Qualification, QualificationKind,
    QualityItem, RdInstitutionLevel, ReasonCode, Ruling, Stage, YearFinancials,
};
use fudao_core::uscc;
use fudao_io::export::{self, Cell, ColumnKind, ColumnSpec, Sheet};
use fudao_io::import::read_firms;
use std::io::Read;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn full_firm() -> Firm {
    let mut f = Firm::new(
        Uuid::from_u128(1),
        &uscc::compose("91", "370102", "MA3CRT01").unwrap(),
        "济南量子科技（集团）有限公司",
    );
    f.district = Some("370102".into());
    f.address = Some("历下区经十路 9999 号".into());
    f.industry = Some("C3911".into());
    f.founded = Some(d(2015, 6, 18));
    f.registered_capital = Some(12_345_678);
    f.staff = Some(230);
    f.tech_staff = Some(61);
    f.high_talents = Some(4);
    f.financials.push(YearFinancials {
        year: 2025,
        revenue: Some(98_765_432),
        rd_expense: Some(6_543_210),
        total_cost: Some(80_000_001),
        total_assets: Some(150_000_000),
        liabilities: Some(60_000_000),
        net_profit: Some(-1_234_567),
        high_tech_revenue: Some(70_000_000),
        main_business_revenue: Some(90_000_000),
        total_income: Some(99_000_000),
        rd_expense_domestic: Some(6_000_000),
        ..Default::default()
    });
    f.ip.invention_patents = 7;
    f.ip.utility_models = 21;
    f.ip.designs = 2;
    f.ip.software_copyrights = 15;
    f.ip.other_class1 = 1;
    // The 专精特新 and 高企 inputs, every one set.
    f.facts.niche_years = Some(7);
    f.facts.digital_level = Some(2);
    f.facts.srdi_feature_points = Some(10);
    f.facts.independent_legal_person = Some(true);
    f.facts.key_field_product = Some(false);
    f.facts.rd_institution_level = Some(RdInstitutionLevel::Provincial);
    f.facts.quality_items = Some(vec![QualityItem::CertifiedQms, QualityItem::OwnBrand]);
    f.facts.high_value_class1_ip = Some(false);
    f.facts.own_class1_ip = Some(true);
    f.facts.new_equity_2y = Some(61_000_000);
    f.facts.national_award_year = Some(2023);
    f.facts.national_award_rank = Some(4);
    f.facts.provincial_award_year = Some(2024);
    f.facts.provincial_award_rank = Some(2);
    f.facts.maker_china_top500_year = Some(2022);
    f.facts.led_standard_year = Some(2021);
    f.facts.hitech_field = Some(true);
    f.facts.innovation_score = Some(78);
    f.facts.resident = Some(true);
    f.facts.restricted_category = Some(false);
    f.facts.serious_incident = Some(false);
    f.facts.dishonest_listed = Some(false);
    f.facts.rd_sub_ledger = Some(true);
    f.facts.audited_year = Some(2024);
    // In the importer's order (enum order), with what one cell carries.
    f.qualifications = vec![
        Qualification {
            kind: QualificationKind::TechSme,
            obtained: None,
            expires: None,
            number: "202537010200001234".into(),
        },
        Qualification {
            kind: QualificationKind::HighTech,
            obtained: Some(d(2023, 12, 7)),
            expires: Some(d(2026, 12, 6)),
            number: String::new(),
        },
        Qualification {
            kind: QualificationKind::SrdiProvincial,
            obtained: Some(d(2024, 6, 1)),
            expires: None,
            number: String::new(),
        },
        Qualification {
            kind: QualificationKind::Gazelle,
            obtained: None,
            expires: None,
            number: String::new(),
        },
    ];
    f.stage = Some(Stage::Growth);
    f.ever_borrowed = Some(false);
    f.first_loan_list = true;
    f.first_loan_date = Some(d(2025, 3, 1));
    f.whitelist = true;
    f.listing_reserve = true;
    f.listing_board = Some("北交所".into());
    f.contacts = vec![Contact {
        name: "张三".into(),
        phone: "13800000000".into(),
        ..Default::default()
    }];
    f.tags = vec!["重点".into(), "首贷".into()];
    f.notes = "2025年走访：计划扩产".into();
    f
}

fn sparse_firm() -> Firm {
    let mut f = Firm::new(
        Uuid::from_u128(2),
        &uscc::compose("91", "370126", "MA3CRT02").unwrap(),
        "商河县小微商贸有限公司",
    );
    f.district = Some("370126".into());
    f.industry = Some("F".into());
    f
}

fn round_trip(path: &std::path::Path) {
    let firms = vec![full_firm(), sparse_firm()];
    let s = read_firms(path, None).unwrap();
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    assert!(s.unknown_columns.is_empty(), "{:?}", s.unknown_columns);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.rows.len(), 2);
    for (row, original) in s.rows.iter().zip(&firms) {
        let back = row.firm.new_firm(original.id, 2000);
        assert_eq!(&back, original);
    }
    // Applying the export over the stored firm changes nothing.
    let mut stored = full_firm();
    s.rows[0].firm.apply(&mut stored, 2000);
    assert_eq!(stored, full_firm());
}

#[test]
fn firms_xlsx_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.xlsx");
    export::firms_xlsx(&path, &[full_firm(), sparse_firm()]).unwrap();
    round_trip(&path);

    // Number formats and values as Excel shows them.
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = wb.worksheet_range("企业名单").unwrap();
    assert_eq!(
        range.get((0, 6)),
        Some(&Data::String("注册资本（万元）".into()))
    );
    assert_eq!(range.get((1, 6)), Some(&Data::Float(1234.5678)));
    assert_eq!(
        range.get((1, 4)),
        Some(&Data::String("C3911 制造业".into()))
    );
    assert!(matches!(range.get((1, 5)), Some(Data::DateTime(_))));

    let xml = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{xml}"
    );
    assert!(xml.contains("<autoFilter"), "autofilter");
    assert!(
        xml.contains(r#"<col min="2" max="2" width="34.7109375" customWidth="1"/>"#),
        "{xml}"
    );
    let styles = zip_entry(&path, "xl/styles.xml");
    assert!(styles.contains(r##"formatCode="#,##0.00""##));
    assert!(
        styles.contains(r#"formatCode="yyyy\-mm\-dd""#)
            || styles.contains(r#"formatCode="yyyy-mm-dd""#),
        "{styles}"
    );
    assert!(styles.contains("<b/>"), "bold header");
}

#[test]
fn firms_csv_round_trips_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.csv");
    export::firms_csv(&path, &[full_firm(), sparse_firm()]).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("统一社会信用代码,企业名称,所属区县"));
    assert!(text.contains(",1234.5678,"), "exact 万元 amount");
    assert!(text.contains(",-123.4567,"), "negative profit");
    round_trip(&path);
}

fn zip_entry(path: &std::path::Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn need(amount: i64, status: NeedStatus) -> Need {
    Need {
        id: Uuid::from_u128(9),
        firm_id: Uuid::from_u128(1),
        team_id: None,
        amount,
        purpose: "流动资金".into(),
        term_months: Some(12),
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: d(2025, 9, 1),
        ruling: Some(Ruling {
            reasonable: false,
            reason: Some(ReasonCode::OverCapacity),
            note: String::new(),
        }),
        status,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    }
}

#[test]
fn needs_xlsx_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut disbursed = need(5_000_000, NeedStatus::Disbursed);
    disbursed.ruling = Some(Ruling {
        reasonable: true,
        reason: None,
        note: String::new(),
    });
    disbursed.outcomes.push(Outcome {
        institution: "济南农商银行".into(),
        product: "科技贷".into(),
        amount: 3_000_000,
        rate_bp: Some(365),
        date: d(2025, 10, 1),
        credit: true,
        product_kind: String::new(),
    });
    disbursed.closed_on = Some(d(2025, 10, 1));
    let needs = vec![
        (disbursed, "济南量子科技有限公司".to_string()),
        (
            need(1_234_500, NeedStatus::Raised),
            "商河县小微商贸有限公司".to_string(),
        ),
    ];
    let x = dir.path().join("needs.xlsx");
    export::needs_xlsx(&x, &needs).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook(&x).unwrap();
    let r = wb.worksheet_range("融资需求").unwrap();
    assert_eq!(
        r.get((0, 1)),
        Some(&Data::String("融资需求（万元）".into()))
    );
    assert_eq!(r.get((1, 1)), Some(&Data::Float(500.0)));
    assert_eq!(r.get((1, 6)), Some(&Data::String("已放款".into())));
    assert_eq!(r.get((1, 7)), Some(&Data::String("合理".into())));
    assert_eq!(r.get((1, 8)), Some(&Data::Float(300.0)));
    assert_eq!(r.get((1, 9)), Some(&Data::String("济南农商银行".into())));
    assert_eq!(
        r.get((2, 7)),
        Some(&Data::String("不合理（超出还款能力）".into()))
    );
    assert_eq!(
        r.get((2, 8)),
        Some(&Data::Empty),
        "no disbursement: blank, not 0"
    );

    let c = dir.path().join("needs.csv");
    export::needs_csv(&c, &needs).unwrap();
    let text = String::from_utf8(std::fs::read(&c).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("\u{feff}企业名称,融资需求（万元）,融资方式"));
    assert_eq!(
        lines[2],
        "商河县小微商贸有限公司,123.45,贷款,流动资金,12,2025-09-01,已提出,不合理（超出还款能力）,,,,"
    );
}

#[test]
fn generic_sheets_for_other_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpi.xlsx");
    let sheet = |name: &str| Sheet {
        name: name.into(),
        columns: vec![
            ColumnSpec::new("辅导队", 16.0, ColumnKind::Text),
            ColumnSpec::new("放款金额（万元）", 14.0, ColumnKind::Wan),
            ColumnSpec::new("走访企业数", 10.0, ColumnKind::Integer),
            ColumnSpec::new("满足率", 10.0, ColumnKind::Percent),
            ColumnSpec::new("统计日期", 12.0, ColumnKind::Date),
        ],
        rows: vec![vec![
            Cell::text("第一辅导队"),
            Cell::Yuan(123_456_789),
            Cell::Int(42),
            Cell::Number(0.875),
            Cell::Date(d(2026, 11, 26)),
        ]],
    };
    export::write_xlsx(&path, &[sheet("汇总"), sheet("明细/2026")]).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "明细_2026"]);
    let r = wb.worksheet_range("汇总").unwrap();
    assert_eq!(r.get((1, 1)), Some(&Data::Float(12345.6789)));
    assert_eq!(r.get((1, 3)), Some(&Data::Float(0.875)));
    let styles = zip_entry(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0.00%""#), "{styles}");

    let csv = dir.path().join("kpi.csv");
    export::write_csv(&csv, &sheet("汇总")).unwrap();
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(
        text.ends_with("第一辅导队,12345.6789,42,87.5%,2026-11-26\r\n"),
        "{text}"
    );
}

/// OWASP CSV injection: text cells starting with = + - @, a tab or a carriage return are
/// escaped with a leading `'` in CSV; numbers (also negative ones) are written as numbers.
#[test]
fn csv_escapes_formula_text_but_not_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let hostile = [
        "=1+1",
        "+86 531 8888 6666",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\tx",
        "\rx",
    ];
    let sheet = Sheet {
        name: "t".into(),
        columns: vec![
            ColumnSpec::new("文本", 10.0, ColumnKind::Text),
            ColumnSpec::new("金额（万元）", 10.0, ColumnKind::Wan),
        ],
        rows: hostile
            .iter()
            .map(|t| vec![Cell::text(*t), Cell::Yuan(-125_000)])
            .chain(std::iter::once(vec![
                Cell::text("济南-历下"),
                Cell::Int(-3),
            ]))
            .collect(),
    };
    export::write_csv(&path, &sheet).unwrap();
    let text = String::from_utf8(std::fs::read(&path).unwrap()[3..].to_vec()).unwrap();
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    for (rec, t) in rows.iter().zip(hostile) {
        assert_eq!(rec[0], format!("'{t}"), "escaped");
        assert_eq!(&rec[1], "-12.5", "a negative amount stays a number");
    }
    assert_eq!(
        &rows[hostile.len()][0],
        "济南-历下",
        "a dash inside is harmless"
    );
    assert_eq!(&rows[hostile.len()][1], "-3");
    assert_eq!(export::csv_text("-2+3"), "'-2+3");
    assert_eq!(export::csv_text("企业"), "企业");
}

/// In .xlsx, text is written as a string cell in the text format, never as a formula.
#[test]
fn xlsx_keeps_formula_text_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let sheet = Sheet {
        name: "t".into(),
        columns: vec![ColumnSpec::new("文本", 10.0, ColumnKind::Text)],
        rows: ["=1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "+1"]
            .iter()
            .map(|t| vec![Cell::text(*t)])
            .collect(),
    };
    export::write_xlsx(&path, &[sheet]).unwrap();
    let xml = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<f>"), "no formula element: {xml}");
    assert_eq!(
        xml.matches(r#"t="s""#).count(),
        5,
        "header + 4 string cells: {xml}"
    );
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = wb.worksheet_range("t").unwrap();
    assert_eq!(range.get((1, 0)), Some(&Data::String("=1+1".into())));
    assert_eq!(
        range.get((2, 0)),
        Some(&Data::String("-2+3+cmd|' /C calc'!A0".into()))
    );
    let formulas = wb.worksheet_formula("t").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

/// A CSV export escaped for Excel reads back as written.
#[test]
fn escaped_csv_imports_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.csv");
    let mut f = sparse_firm();
    f.contacts = vec![Contact {
        name: "王五".into(),
        phone: "+86 531 8888 6666".into(),
        ..Default::default()
    }];
    export::firms_csv(&path, std::slice::from_ref(&f)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("'+86 531 8888 6666"), "{text}");
    let s = read_firms(&path, None).unwrap();
    assert_eq!(
        s.rows[0].firm.contact_phone.as_deref(),
        Some("+86 531 8888 6666")
    );
}
