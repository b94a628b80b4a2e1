//! The 专精特新 and 高企 inputs of the firm model are importable: main-business revenue (which
//! fills revenue too, with a note, when the sheet has no revenue column), 总收入, R&D in China,
//! R&D institution level, quality-management items, awards, basic conditions; bad values are
//! refused naming the row and column.

use fudao_core::model::{Firm, QualityItem, RdInstitutionLevel};
use fudao_core::uscc;
use fudao_io::import::{read_firms, ImportSheet, RowError};
use fudao_io::Field;
use uuid::Uuid;

fn code(body: &str) -> String {
    uscc::compose("91", "370102", body).expect("valid parts")
}

fn read_csv(name: &str, text: &str) -> ImportSheet {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    read_firms(&path, None).unwrap()
}

fn errors_at(s: &ImportSheet, row: u32) -> Vec<&RowError> {
    s.errors.iter().filter(|e| e.row == row).collect()
}

fn field_of(s: &ImportSheet, header: &str) -> Field {
    s.columns
        .iter()
        .find(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column {header}: {:?}", s.columns))
        .field
}

#[test]
fn revenue_and_main_business_revenue_are_read_apart() {
    let a = code("MA3C0D01");
    let s = read_csv(
        "both.csv",
        &format!("企业名称,统一社会信用代码,营业收入（万元）,主营业务收入（万元）,年度\n甲公司,{a},1000,850,2024\n"),
    );
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    assert_eq!(field_of(&s, "营业收入（万元）"), Field::Revenue);
    assert_eq!(
        field_of(&s, "主营业务收入（万元）"),
        Field::MainBusinessRevenue
    );
    let p = &s.rows[0].firm;
    assert_eq!(p.revenue, Some(10_000_000));
    assert_eq!(p.main_business_revenue, Some(8_500_000));
    assert!(
        !s.notes.iter().any(|n| n.zh.contains("同时作为营业收入")),
        "{:?}",
        s.notes
    );
    let mut firm = Firm::new(Uuid::nil(), &a, "甲公司");
    p.apply(&mut firm, 2000);
    let y = firm.financials.iter().find(|y| y.year == 2024).unwrap();
    assert_eq!(
        (y.revenue, y.main_business_revenue),
        (Some(10_000_000), Some(8_500_000))
    );
}

#[test]
fn main_business_revenue_alone_fills_revenue_with_a_note_naming_the_column() {
    let a = code("MA3C0D02");
    let s = read_csv(
        "only.csv",
        &format!(
            "企业名称,统一社会信用代码,2023年主营业务收入（万元）,2024年主营业务收入（万元）\n\
             甲公司,{a},700,850\n"
        ),
    );
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let years: Vec<(Field, Option<i32>)> = s.columns.iter().map(|c| (c.field, c.year)).collect();
    assert_eq!(
        years[2..],
        [
            (Field::MainBusinessRevenue, Some(2023)),
            (Field::MainBusinessRevenue, Some(2024))
        ]
    );
    // One note per column, naming its letter and header, in both languages.
    let notes: Vec<&fudao_core::Msg> = s
        .notes
        .iter()
        .filter(|n| n.zh.contains("同时作为营业收入导入"))
        .collect();
    assert_eq!(notes.len(), 2, "{:?}", s.notes);
    assert!(
        notes[0].zh.contains("C列“2023年主营业务收入（万元）”"),
        "{}",
        notes[0].zh
    );
    assert!(
        notes[1]
            .en
            .contains("column D '2024年主营业务收入（万元）'")
            && notes[1].en.contains("also imported as revenue"),
        "{}",
        notes[1].en
    );
    let r = &s.rows[0];
    let p = &r.firm;
    // The latest year is the main year; the other goes to other_years.
    assert_eq!(p.year, Some(2024));
    assert_eq!(
        (p.revenue, p.main_business_revenue),
        (Some(8_500_000), Some(8_500_000))
    );
    assert_eq!(p.other_years.len(), 1);
    assert_eq!(p.other_years[0].year, 2023);
    assert_eq!(p.other_years[0].revenue, Some(7_000_000));
    assert_eq!(p.other_years[0].main_business_revenue, Some(7_000_000));
    // A store warning about revenue names the column the figure came from.
    assert_eq!(r.column("revenue"), "2024年主营业务收入（万元）");
    let mut firm = Firm::new(Uuid::nil(), &a, "甲公司");
    p.apply(&mut firm, 2000);
    let y23 = firm.financials.iter().find(|y| y.year == 2023).unwrap();
    assert_eq!(
        (y23.revenue, y23.main_business_revenue),
        (Some(7_000_000), Some(7_000_000))
    );
}

#[test]
fn every_srdi_and_high_tech_input_is_imported_and_applied() {
    let a = code("MA3C0D03");
    let b = code("MA3C0D04");
    let headers = [
        "企业名称",
        "统一社会信用代码",
        "年度",
        "营业收入（万元）",
        "总收入（收入总额-不征税收入）（万元）",
        "境内研发费用（万元）",
        "其他Ⅰ类知识产权",
        "研发机构级别",
        "质量管理",
        "是否拥有高价值Ⅰ类知识产权",
        "自主研发Ⅰ类知识产权",
        "近两年新增股权融资（万元）",
        "国家科技奖获奖年度",
        "国家科技奖排名",
        "省级科技奖获奖年度",
        "省级科技奖排名",
        "创客中国500强年度",
        "主导制定标准年度",
        "是否属于国家重点支持的高新技术领域",
        "高企创新能力评价得分",
        "居民企业",
        "属于限制类或淘汰类",
        "发生重大安全、质量、环境事故",
        "列入经营异常名录或严重失信名单",
        "研发费用辅助账",
        "最近审计年度",
    ];
    let row_a = [
        "甲公司",
        &a,
        "2024",
        "5000",
        "5100",
        "300",
        "2",
        "省级工程技术研究中心、市级企业技术中心",
        "ISO9001认证、自主品牌；参与制定行业标准",
        "否",
        "是",
        "6500",
        "2023年",
        "4",
        "2024",
        "2",
        "2022年度",
        "2021",
        "是",
        "78",
        "是",
        "否",
        "否",
        "否",
        "建了一半",
        "2024",
    ];
    let row_b = [
        "乙公司",
        &b,
        "2024",
        "",
        "",
        "",
        "",
        "无",
        "无",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ];
    let text = [headers.join(","), row_a.join(","), row_b.join(",")].join("\n") + "\n";
    let s = read_csv("all.csv", &text);
    assert!(s.unknown_columns.is_empty(), "{:?}", s.unknown_columns);
    assert_eq!(s.columns.len(), headers.len());
    // `建了一半` is not a yes/no answer: the row is refused naming the column; `已建立` is.
    let e = errors_at(&s, 2);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column, "研发费用辅助账");
    let s = read_csv("all.csv", &text.replace("建了一半", "已建立"));
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let expected = [
        Field::Name,
        Field::Uscc,
        Field::Year,
        Field::Revenue,
        Field::TotalIncome,
        Field::RdExpenseDomestic,
        Field::OtherClass1Ip,
        Field::RdInstitutionLevel,
        Field::QualityItems,
        Field::HighValueClass1Ip,
        Field::OwnClass1Ip,
        Field::NewEquity2y,
        Field::NationalAwardYear,
        Field::NationalAwardRank,
        Field::ProvincialAwardYear,
        Field::ProvincialAwardRank,
        Field::MakerChinaTop500Year,
        Field::LedStandardYear,
        Field::HitechField,
        Field::InnovationScore,
        Field::Resident,
        Field::RestrictedCategory,
        Field::SeriousIncident,
        Field::DishonestListed,
        Field::RdSubLedger,
        Field::AuditedYear,
    ];
    let got: Vec<Field> = s.columns.iter().map(|c| c.field).collect();
    assert_eq!(got, expected);

    let mut firm = Firm::new(Uuid::nil(), &a, "甲公司");
    s.rows[0].firm.apply(&mut firm, 2000);
    let y = firm.financials.iter().find(|y| y.year == 2024).unwrap();
    assert_eq!(y.revenue, Some(50_000_000));
    assert_eq!(y.total_income, Some(51_000_000));
    assert_eq!(y.rd_expense_domestic, Some(3_000_000));
    assert_eq!(y.main_business_revenue, None);
    assert_eq!(firm.ip.other_class1, 2);
    let f = &firm.facts;
    // Of several institutions the highest level counts.
    assert_eq!(f.rd_institution_level, Some(RdInstitutionLevel::Provincial));
    assert_eq!(
        f.quality_items,
        Some(vec![
            QualityItem::CertifiedQms,
            QualityItem::OwnBrand,
            QualityItem::Standards
        ])
    );
    assert_eq!(
        (f.high_value_class1_ip, f.own_class1_ip),
        (Some(false), Some(true))
    );
    assert_eq!(f.new_equity_2y, Some(65_000_000));
    assert_eq!(
        (f.national_award_year, f.national_award_rank),
        (Some(2023), Some(4))
    );
    assert_eq!(
        (f.provincial_award_year, f.provincial_award_rank),
        (Some(2024), Some(2))
    );
    assert_eq!(f.maker_china_top500_year, Some(2022));
    assert_eq!(f.led_standard_year, Some(2021));
    assert_eq!((f.hitech_field, f.innovation_score), (Some(true), Some(78)));
    assert_eq!(
        (
            f.resident,
            f.restricted_category,
            f.serious_incident,
            f.dishonest_listed
        ),
        (Some(true), Some(false), Some(false), Some(false))
    );
    assert_eq!((f.rd_sub_ledger, f.audited_year), (Some(true), Some(2024)));

    // 无 records "none" for the level and the items; blank cells leave the facts unknown.
    let mut firm_b = Firm::new(Uuid::nil(), &b, "乙公司");
    s.rows[1].firm.apply(&mut firm_b, 2000);
    let f = &firm_b.facts;
    assert_eq!(
        f.rd_institution_level,
        Some(RdInstitutionLevel::NoInstitution)
    );
    assert_eq!(f.quality_items, Some(vec![]));
    assert_eq!((f.resident, f.innovation_score), (None, None));
}

#[test]
fn level_and_item_variants_are_understood() {
    let rows = [
        ("国家级", "获得省级以上质量奖", RdInstitutionLevel::National),
        ("省级", "通过IATF16949认证", RdInstitutionLevel::Provincial),
        ("市级", "自有商标", RdInstitutionLevel::Municipal),
        ("区级", "拥有自主品牌", RdInstitutionLevel::Other),
        ("市级以下", "参与制修订标准", RdInstitutionLevel::Other),
        (
            "国家企业技术中心",
            "质量奖，ISO 9001",
            RdInstitutionLevel::National,
        ),
        ("未建立", "没有", RdInstitutionLevel::NoInstitution),
        ("provincial", "own_brand", RdInstitutionLevel::Provincial),
    ];
    let mut text = String::from("企业名称,统一社会信用代码,研发机构级别,质量管理\n");
    for (i, (level, items, _)) in rows.iter().enumerate() {
        let c = code(&format!("MA3C0E{:02}", i));
        text.push_str(&format!("公司{i},{c},{level},\"{items}\"\n"));
    }
    let s = read_csv("variants.csv", &text);
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let expected_items = [
        vec![QualityItem::QualityAward],
        vec![QualityItem::CertifiedQms],
        vec![QualityItem::OwnBrand],
        vec![QualityItem::OwnBrand],
        vec![QualityItem::Standards],
        vec![QualityItem::QualityAward, QualityItem::CertifiedQms],
        vec![],
        vec![QualityItem::OwnBrand],
    ];
    for ((r, (_, _, level)), items) in s.rows.iter().zip(&rows).zip(&expected_items) {
        assert_eq!(
            r.firm.facts.rd_institution_level,
            Some(*level),
            "row {}",
            r.row
        );
        assert_eq!(
            r.firm.facts.quality_items.as_ref(),
            Some(items),
            "row {}",
            r.row
        );
    }
}

#[test]
fn bad_level_items_years_and_ranks_are_refused_naming_row_and_column() {
    let c = |i: u32| code(&format!("MA3C0F{i:02}"));
    let text = format!(
        "企业名称,统一社会信用代码,研发机构级别,质量管理,国家科技奖获奖年度,省级科技奖排名,高企创新能力评价得分\n\
         甲公司,{},很厉害,ISO9001,2023,1,80\n\
         乙公司,{},是,优秀,2023,1,80\n\
         丙公司,{},省级,无,去年,0,101\n\
         丁公司,{},市级,自主品牌,2022,3,60\n",
        c(1),
        c(2),
        c(3),
        c(4)
    );
    let s = read_csv("bad.csv", &text);
    // Only the good row is imported.
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.rows[0].row, 5);
    let e2 = errors_at(&s, 2);
    assert_eq!(e2.len(), 1, "{e2:#?}");
    assert_eq!(e2[0].column, "研发机构级别");
    assert_eq!(e2[0].field, "rd_institution_level");
    assert_eq!(e2[0].value, "很厉害");
    assert!(
        e2[0].message.zh.contains("研发机构级别“很厉害”无法识别")
            && e2[0]
                .message
                .zh
                .contains("国家级、省级、市级、市级以下 或 无"),
        "{}",
        e2[0].message.zh
    );
    assert!(
        e2[0]
            .message
            .en
            .contains("R&D institution level '很厉害' is not one of"),
        "{}",
        e2[0].message.en
    );
    assert_eq!(
        e2[0].to_string(),
        format!("第2行 “研发机构级别”：{}", e2[0].message)
    );
    // 是 says an institution exists but not its level: refused, as is an unknown item.
    let e3: Vec<(&str, &str)> = errors_at(&s, 3)
        .iter()
        .map(|e| (e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(e3, [("研发机构级别", "是"), ("质量管理", "优秀")]);
    let items = errors_at(&s, 3)[1];
    assert!(
        items.message.zh.contains("质量管理“优秀”无法识别")
            && items.message.en.contains("quality-management item '优秀'"),
        "{:?}",
        items.message
    );
    let e4 = errors_at(&s, 4);
    let cols: Vec<&str> = e4.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(
        cols,
        [
            "国家科技奖获奖年度",
            "省级科技奖排名",
            "高企创新能力评价得分"
        ]
    );
    assert!(
        e4[0].message.zh.contains("国家科技奖获奖年度“去年”无效")
            && e4[0].message.en.contains("not a four-digit year"),
        "{:?}",
        e4[0].message
    );
    assert!(
        e4[1].message.zh.contains("（应为1–99）"),
        "{}",
        e4[1].message.zh
    );
    assert!(
        e4[2]
            .message
            .en
            .contains("innovation score '101' is out of range (0–100)"),
        "{}",
        e4[2].message.en
    );
}

/// A high-tech field named in the cell means the firm is in one; headers that only mention
/// an R&D institution or quality management (a count, a certificate) are not taken for the
/// level or the item list.
#[test]
fn hitech_field_names_and_look_alike_headers() {
    let text = format!(
        "企业名称,统一社会信用代码,所属高新技术领域,研发机构数量,质量管理体系认证\n\
         甲公司,{},先进制造与自动化（智能装备）,2,是\n\
         乙公司,{},否,0,否\n\
         丙公司,{},人工智能,1,是\n",
        code("MA3C0G01"),
        code("MA3C0G02"),
        code("MA3C0G03")
    );
    let s = read_csv("fields.csv", &text);
    assert_eq!(field_of(&s, "所属高新技术领域"), Field::HitechField);
    assert_eq!(s.unknown_columns, ["研发机构数量", "质量管理体系认证"]);
    assert_eq!(s.rows[0].firm.facts.hitech_field, Some(true));
    assert_eq!(s.rows[1].firm.facts.hitech_field, Some(false));
    let e = errors_at(&s, 4);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column, "所属高新技术领域");
    assert!(
        e[0].message
            .zh
            .contains("“人工智能”应为“是”或“否”，或国家重点支持的高新技术领域之一")
            && e[0].message.en.contains("state-supported high-tech fields"),
        "{:?}",
        e[0].message
    );
}
