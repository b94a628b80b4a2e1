//! Writing tables to `.xlsx` (bold frozen header, column widths, number formats) and `.csv`
//! (UTF-8 with BOM, so Excel opens the Chinese correctly).
//!
//! [`write_xlsx`] / [`write_csv`] take any [`Sheet`]; [`firms_sheet`] and [`needs_sheet`] build
//! the standard firm and need tables. The firm table uses headers the importer recognises, so
//! an exported file can be edited and imported again.

use crate::IoError;
use chrono::{Datelike, NaiveDate};
use fudao_core::model::{Firm, Need, Qualification, QualificationKind, QualityItem};
use fudao_core::money::Yuan;
use fudao_core::region;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};
use std::path::Path;

/// How a column's cells are formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// Amounts: cells hold [`Cell::Yuan`], shown in 万元 with two decimals (`#,##0.00`).
    Wan,
    Integer,
    /// Ratios: cells hold [`Cell::Number`] (0.125 shows as `12.50%`).
    Percent,
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub header: String,
    /// Width in Excel character units.
    pub width: f64,
    pub kind: ColumnKind,
}

impl ColumnSpec {
    pub fn new(header: impl Into<String>, width: f64, kind: ColumnKind) -> Self {
        ColumnSpec {
            header: header.into(),
            width,
            kind,
        }
    }
}

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// An amount in 元; written in 万元 in [`ColumnKind::Wan`] columns.
    Yuan(Yuan),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
    fn opt_yuan(v: Option<Yuan>) -> Cell {
        v.map_or(Cell::Empty, Cell::Yuan)
    }
    fn opt_int(v: Option<u32>) -> Cell {
        v.map_or(Cell::Empty, |n| Cell::Int(n as i64))
    }
    fn opt_date(v: Option<NaiveDate>) -> Cell {
        v.map_or(Cell::Empty, Cell::Date)
    }
}

/// A table to write: one worksheet in `.xlsx`, one file in `.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<Vec<Cell>>,
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> IoError {
    IoError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Excel's rules for sheet names: ≤ 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str, i: usize) -> String {
    let s: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let s = s.trim_matches('\'').to_string();
    if s.trim().is_empty() {
        format!("Sheet{}", i + 1)
    } else {
        s
    }
}

/// Writes sheets to an `.xlsx` workbook. Text cells are written as strings in the text
/// number format (`@`), never as formulas, so `=1+1` stays the text `=1+1`. Bold, shaded, frozen header row with an autofilter,
/// the given column widths, `#,##0.00` for 万元, `0` for integers, `0.00%` for percentages and
/// `yyyy-mm-dd` for dates.
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) -> Result<(), IoError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let wan = Format::new().set_num_format("#,##0.00");
    let int = Format::new().set_num_format("0");
    let pct = Format::new().set_num_format("0.00%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    for (i, sheet) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.name, i))
            .map_err(|e| write_err(path, e))?;
        for (c, spec) in sheet.columns.iter().enumerate() {
            let c = c as u16;
            ws.set_column_width(c, spec.width)
                .map_err(|e| write_err(path, e))?;
            ws.write_string_with_format(0, c, &spec.header, &header)
                .map_err(|e| write_err(path, e))?;
        }
        ws.set_row_height(0, 30).map_err(|e| write_err(path, e))?;
        ws.set_freeze_panes(1, 0).map_err(|e| write_err(path, e))?;
        if !sheet.columns.is_empty() {
            ws.autofilter(
                0,
                0,
                sheet.rows.len() as u32,
                sheet.columns.len() as u16 - 1,
            )
            .map_err(|e| write_err(path, e))?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let kind = sheet.columns.get(c).map_or(ColumnKind::Text, |s| s.kind);
                let c = c as u16;
                let res = match (cell, kind) {
                    (Cell::Empty, _) => continue,
                    (Cell::Text(s), _) => ws.write_string_with_format(r, c, s, &text),
                    (Cell::Yuan(y), ColumnKind::Wan) => {
                        ws.write_number_with_format(r, c, *y as f64 / 10_000.0, &wan)
                    }
                    (Cell::Yuan(y), _) => ws.write_number_with_format(r, c, *y as f64, &int),
                    (Cell::Int(n), ColumnKind::Percent) => {
                        ws.write_number_with_format(r, c, *n as f64, &pct)
                    }
                    (Cell::Int(n), _) => ws.write_number_with_format(r, c, *n as f64, &int),
                    (Cell::Number(x), ColumnKind::Percent) => {
                        ws.write_number_with_format(r, c, *x, &pct)
                    }
                    (Cell::Number(x), ColumnKind::Wan) => {
                        ws.write_number_with_format(r, c, *x, &wan)
                    }
                    (Cell::Number(x), _) => ws.write_number(r, c, *x),
                    (Cell::Date(d), _) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .map_err(|e| write_err(path, e))?;
                        ws.write_datetime_with_format(r, c, &dt, &date)
                    }
                };
                res.map_err(|e| write_err(path, e))?;
            }
        }
    }
    wb.save(path).map_err(|e| write_err(path, e))
}

/// The exact amount in 万元 as plain decimal text (`12_345` 元 → `1.2345`), no separators.
fn wan_text(y: Yuan) -> String {
    let neg = y < 0;
    let a = y.unsigned_abs();
    let int = a / 10_000;
    let frac = a % 10_000;
    let mut s = if frac == 0 {
        int.to_string()
    } else {
        let f = format!("{frac:04}");
        format!("{int}.{}", f.trim_end_matches('0'))
    };
    if neg {
        s.insert(0, '-');
    }
    s
}

fn csv_cell(cell: &Cell, kind: ColumnKind) -> String {
    match (cell, kind) {
        (Cell::Empty, _) => String::new(),
        (Cell::Text(s), _) => csv_text(s),
        (Cell::Yuan(y), ColumnKind::Wan) => wan_text(*y),
        (Cell::Yuan(y), _) => y.to_string(),
        (Cell::Int(n), ColumnKind::Percent) => format!("{}%", n * 100),
        (Cell::Int(n), _) => n.to_string(),
        (Cell::Number(x), ColumnKind::Percent) => {
            format!("{}%", crate::cells::number_text(x * 100.0))
        }
        (Cell::Number(x), _) => crate::cells::number_text(*x),
        (Cell::Date(d), _) => d.format("%Y-%m-%d").to_string(),
    }
}

/// A text cell as written to CSV. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, so that Excel and WPS show it as text instead of evaluating it as
/// a formula (OWASP "CSV injection"); the csv writer then quotes it where needed. Only text
/// cells are escaped: amounts, counts and percentages are written by this crate as plain
/// numbers (a negative amount `-12.5` is a number, not a formula, and stays as it is).
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Writes one sheet as CSV: UTF-8 with BOM, comma-separated, amounts in 万元 as exact plain
/// decimals, dates as `yyyy-mm-dd`.
pub fn write_csv(path: &Path, sheet: &Sheet) -> Result<(), IoError> {
    let mut buf: Vec<u8> = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(sheet.columns.iter().map(|c| c.header.as_str()))
            .map_err(|e| write_err(path, e))?;
        for row in &sheet.rows {
            let rec: Vec<String> = sheet
                .columns
                .iter()
                .enumerate()
                .map(|(i, spec)| row.get(i).map_or(String::new(), |c| csv_cell(c, spec.kind)))
                .collect();
            w.write_record(&rec).map_err(|e| write_err(path, e))?;
        }
        w.flush().map_err(|e| write_err(path, e))?;
    }
    std::fs::write(path, buf).map_err(|e| write_err(path, e))
}

fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "是" } else { "否" })
}

fn opt_yes_no(b: Option<bool>) -> Cell {
    b.map_or(Cell::Empty, yes_no)
}

fn opt_year(y: Option<i32>) -> Cell {
    y.map_or(Cell::Empty, |y| Cell::Int(y as i64))
}

/// Quality-management items as the importer reads them back: labels joined by 、, `无` for
/// none recorded as none.
fn quality_cell(items: Option<&[QualityItem]>) -> Cell {
    match items {
        None => Cell::Empty,
        Some([]) => Cell::text("无"),
        Some(items) => Cell::text(
            items
                .iter()
                .map(|q| q.label_zh())
                .collect::<Vec<_>>()
                .join("、"),
        ),
    }
}

/// A qualification as one cell the importer reads back: the date obtained, else the
/// certificate number, else 是.
fn qual_cell(q: Option<&Qualification>) -> Cell {
    match q {
        None => Cell::Empty,
        Some(q) => match (q.obtained, q.number.is_empty()) {
            (Some(d), _) => Cell::Date(d),
            (None, false) => Cell::Text(q.number.clone()),
            (None, true) => Cell::text("是"),
        },
    }
}

fn industry_text(code: &str) -> String {
    match region::industry_name(code) {
        Some(name) => format!("{code} {name}"),
        None => code.to_string(),
    }
}

/// The firm table, latest year's figures, headers the importer recognises.
pub fn firms_sheet(firms: &[Firm]) -> Sheet {
    Sheet {
        name: "企业名单".into(),
        columns: firm_columns(),
        rows: firms.iter().map(firm_row).collect(),
    }
}

/// The firm table's columns: the importer's own headers (kept in sync by a test).
fn firm_columns() -> Vec<ColumnSpec> {
    use ColumnKind::*;
    vec![
        ColumnSpec::new("统一社会信用代码", 22.0, Text),
        ColumnSpec::new("企业名称", 34.0, Text),
        ColumnSpec::new("所属区县", 10.0, Text),
        ColumnSpec::new("地址", 30.0, Text),
        ColumnSpec::new("所属行业", 26.0, Text),
        ColumnSpec::new("成立日期", 12.0, Date),
        ColumnSpec::new("注册资本（万元）", 14.0, Wan),
        ColumnSpec::new("从业人数", 10.0, Integer),
        ColumnSpec::new("科技人员", 10.0, Integer),
        ColumnSpec::new("高层次人才", 10.0, Integer),
        ColumnSpec::new("年度", 8.0, Integer),
        ColumnSpec::new("营业收入（万元）", 14.0, Wan),
        ColumnSpec::new("研发费用（万元）", 14.0, Wan),
        ColumnSpec::new("成本费用总额（万元）", 14.0, Wan),
        ColumnSpec::new("资产总额（万元）", 14.0, Wan),
        ColumnSpec::new("负债总额（万元）", 14.0, Wan),
        ColumnSpec::new("净利润（万元）", 14.0, Wan),
        ColumnSpec::new("高新技术产品（服务）收入（万元）", 16.0, Wan),
        ColumnSpec::new("应收票据（万元）", 12.0, Wan),
        ColumnSpec::new("主营业务收入（万元）", 14.0, Wan),
        ColumnSpec::new("总收入（万元）", 14.0, Wan),
        ColumnSpec::new("境内研发费用（万元）", 14.0, Wan),
        ColumnSpec::new("发明专利", 9.0, Integer),
        ColumnSpec::new("实用新型", 9.0, Integer),
        ColumnSpec::new("外观设计", 9.0, Integer),
        ColumnSpec::new("软件著作权", 10.0, Integer),
        ColumnSpec::new("其他Ⅰ类知识产权", 10.0, Integer),
        ColumnSpec::new("高新技术企业", 14.0, Text),
        ColumnSpec::new("科技型中小企业", 20.0, Text),
        ColumnSpec::new("专精特新", 16.0, Text),
        ColumnSpec::new("瞪羚企业", 10.0, Text),
        ColumnSpec::new("独角兽企业", 10.0, Text),
        ColumnSpec::new("制造业单项冠军", 12.0, Text),
        ColumnSpec::new("首贷培植名单", 10.0, Text),
        ColumnSpec::new("首贷日期", 12.0, Date),
        ColumnSpec::new("是否有贷款记录", 10.0, Text),
        ColumnSpec::new("白名单", 8.0, Text),
        ColumnSpec::new("上市后备企业", 10.0, Text),
        ColumnSpec::new("拟上市板块", 12.0, Text),
        ColumnSpec::new("发展阶段", 10.0, Text),
        ColumnSpec::new("从事细分市场年限", 10.0, Integer),
        ColumnSpec::new("数字化水平等级", 10.0, Integer),
        ColumnSpec::new("特色化指标得分", 10.0, Integer),
        ColumnSpec::new("具有独立法人资格", 10.0, Text),
        ColumnSpec::new("主导产品属于关键领域", 12.0, Text),
        ColumnSpec::new("研发机构级别", 10.0, Text),
        ColumnSpec::new("质量管理", 30.0, Text),
        ColumnSpec::new("拥有高价值Ⅰ类知识产权", 12.0, Text),
        ColumnSpec::new("拥有自主研发Ⅰ类知识产权", 12.0, Text),
        ColumnSpec::new("近两年新增股权融资（万元）", 14.0, Wan),
        ColumnSpec::new("国家科技奖获奖年度", 10.0, Integer),
        ColumnSpec::new("国家科技奖排名", 10.0, Integer),
        ColumnSpec::new("省级科技奖获奖年度", 10.0, Integer),
        ColumnSpec::new("省级科技奖排名", 10.0, Integer),
        ColumnSpec::new("创客中国500强年度", 10.0, Integer),
        ColumnSpec::new("主导制定标准年度", 10.0, Integer),
        ColumnSpec::new("属于国家重点支持的高新技术领域", 14.0, Text),
        ColumnSpec::new("高企创新能力评价得分", 10.0, Integer),
        ColumnSpec::new("居民企业", 8.0, Text),
        ColumnSpec::new("属于限制类或淘汰类", 10.0, Text),
        ColumnSpec::new("发生重大安全、质量、环境事故", 12.0, Text),
        ColumnSpec::new("列入经营异常名录或严重失信名单", 12.0, Text),
        ColumnSpec::new("研发费用辅助账", 10.0, Text),
        ColumnSpec::new("最近审计年度", 10.0, Integer),
        ColumnSpec::new("联系人", 10.0, Text),
        ColumnSpec::new("联系电话", 16.0, Text),
        ColumnSpec::new("标签", 24.0, Text),
        ColumnSpec::new("备注", 30.0, Text),
    ]
}

/// One firm's row, in the order of [`firm_columns`].
fn firm_row(f: &Firm) -> Vec<Cell> {
    let y = f.latest_year();
    let contact = f.contacts.first();
    let srdi = if let Some(q) = f.qualification(QualificationKind::SrdiLittleGiant) {
        Cell::text(match q.obtained {
            Some(d) => format!("国家级（小巨人）{}", d.format("%Y-%m-%d")),
            None => "国家级（小巨人）".to_string(),
        })
    } else if let Some(q) = f.qualification(QualificationKind::SrdiProvincial) {
        Cell::text(match q.obtained {
            Some(d) => format!("省级 {}", d.format("%Y-%m-%d")),
            None => "省级".to_string(),
        })
    } else {
        Cell::Empty
    };
    vec![
        Cell::text(f.uscc.clone()),
        Cell::text(f.name.clone()),
        Cell::text(
            f.district
                .as_deref()
                .map(|d| region::district_name(d).unwrap_or(d).to_string())
                .unwrap_or_default(),
        ),
        Cell::text(f.address.clone().unwrap_or_default()),
        Cell::text(f.industry.as_deref().map(industry_text).unwrap_or_default()),
        Cell::opt_date(f.founded),
        Cell::opt_yuan(f.registered_capital),
        Cell::opt_int(f.staff),
        Cell::opt_int(f.tech_staff),
        Cell::opt_int(f.high_talents),
        y.map_or(Cell::Empty, |y| Cell::Int(y.year as i64)),
        Cell::opt_yuan(y.and_then(|y| y.revenue)),
        Cell::opt_yuan(y.and_then(|y| y.rd_expense)),
        Cell::opt_yuan(y.and_then(|y| y.total_cost)),
        Cell::opt_yuan(y.and_then(|y| y.total_assets)),
        Cell::opt_yuan(y.and_then(|y| y.liabilities)),
        Cell::opt_yuan(y.and_then(|y| y.net_profit)),
        Cell::opt_yuan(y.and_then(|y| y.high_tech_revenue)),
        Cell::opt_yuan(y.and_then(|y| y.bills_receivable)),
        Cell::opt_yuan(y.and_then(|y| y.main_business_revenue)),
        Cell::opt_yuan(y.and_then(|y| y.total_income)),
        Cell::opt_yuan(y.and_then(|y| y.rd_expense_domestic)),
        Cell::Int(f.ip.invention_patents as i64),
        Cell::Int(f.ip.utility_models as i64),
        Cell::Int(f.ip.designs as i64),
        Cell::Int(f.ip.software_copyrights as i64),
        Cell::Int(f.ip.other_class1 as i64),
        qual_cell(f.qualification(QualificationKind::HighTech)),
        qual_cell(f.qualification(QualificationKind::TechSme)),
        srdi,
        qual_cell(f.qualification(QualificationKind::Gazelle)),
        qual_cell(f.qualification(QualificationKind::Unicorn)),
        qual_cell(f.qualification(QualificationKind::SingleChampion)),
        yes_no(f.first_loan_list),
        Cell::opt_date(f.first_loan_date),
        opt_yes_no(f.ever_borrowed),
        yes_no(f.whitelist),
        yes_no(f.listing_reserve),
        Cell::text(f.listing_board.clone().unwrap_or_default()),
        Cell::text(f.stage.map(|s| s.label_zh()).unwrap_or_default()),
        Cell::opt_int(f.facts.niche_years),
        Cell::opt_int(f.facts.digital_level),
        Cell::opt_int(f.facts.srdi_feature_points),
        opt_yes_no(f.facts.independent_legal_person),
        opt_yes_no(f.facts.key_field_product),
        Cell::text(
            f.facts
                .rd_institution_level
                .map(|l| l.label_zh())
                .unwrap_or_default(),
        ),
        quality_cell(f.facts.quality_items.as_deref()),
        opt_yes_no(f.facts.high_value_class1_ip),
        opt_yes_no(f.facts.own_class1_ip),
        Cell::opt_yuan(f.facts.new_equity_2y),
        opt_year(f.facts.national_award_year),
        Cell::opt_int(f.facts.national_award_rank),
        opt_year(f.facts.provincial_award_year),
        Cell::opt_int(f.facts.provincial_award_rank),
        opt_year(f.facts.maker_china_top500_year),
        opt_year(f.facts.led_standard_year),
        opt_yes_no(f.facts.hitech_field),
        Cell::opt_int(f.facts.innovation_score),
        opt_yes_no(f.facts.resident),
        opt_yes_no(f.facts.restricted_category),
        opt_yes_no(f.facts.serious_incident),
        opt_yes_no(f.facts.dishonest_listed),
        opt_yes_no(f.facts.rd_sub_ledger),
        opt_year(f.facts.audited_year),
        Cell::text(contact.map(|c| c.name.clone()).unwrap_or_default()),
        Cell::text(contact.map(|c| c.phone.clone()).unwrap_or_default()),
        Cell::text(f.tags.join("、")),
        Cell::text(f.notes.clone()),
    ]
}

/// The financing-need table; each need comes with its firm's name.
pub fn needs_sheet(needs: &[(Need, String)]) -> Sheet {
    use ColumnKind::*;
    let columns = vec![
        ColumnSpec::new("企业名称", 34.0, Text),
        ColumnSpec::new("融资需求（万元）", 14.0, Wan),
        ColumnSpec::new("融资方式", 10.0, Text),
        ColumnSpec::new("融资用途", 24.0, Text),
        ColumnSpec::new("期限（月）", 9.0, Integer),
        ColumnSpec::new("提出日期", 12.0, Date),
        ColumnSpec::new("状态", 10.0, Text),
        ColumnSpec::new("合理性认定", 22.0, Text),
        ColumnSpec::new("已放款金额（万元）", 14.0, Wan),
        ColumnSpec::new("放款机构", 24.0, Text),
        ColumnSpec::new("办结日期", 12.0, Date),
        ColumnSpec::new("未满足原因", 18.0, Text),
    ];
    let rows = needs
        .iter()
        .map(|(n, firm_name)| {
            let ruling = match &n.ruling {
                None => "未认定".to_string(),
                Some(r) if r.reasonable => "合理".to_string(),
                Some(r) => match r.reason {
                    Some(code) => format!("不合理（{}）", code.label_zh()),
                    None => "不合理".to_string(),
                },
            };
            let mut institutions: Vec<&str> =
                n.outcomes.iter().map(|o| o.institution.as_str()).collect();
            institutions.dedup();
            vec![
                Cell::text(firm_name.clone()),
                Cell::Yuan(n.amount),
                Cell::text(n.kind.label_zh()),
                Cell::text(n.purpose.clone()),
                Cell::opt_int(n.term_months),
                Cell::Date(n.raised_on),
                Cell::text(n.status.label_zh()),
                Cell::text(ruling),
                if n.outcomes.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Yuan(n.disbursed_amount())
                },
                Cell::text(institutions.join("、")),
                Cell::opt_date(n.closed_on),
                Cell::text(n.unmet_reason.map(|r| r.label_zh()).unwrap_or_default()),
            ]
        })
        .collect();
    Sheet {
        name: "融资需求".into(),
        columns,
        rows,
    }
}

pub fn firms_xlsx(path: &Path, firms: &[Firm]) -> Result<(), IoError> {
    write_xlsx(path, &[firms_sheet(firms)])
}

pub fn firms_csv(path: &Path, firms: &[Firm]) -> Result<(), IoError> {
    write_csv(path, &firms_sheet(firms))
}

pub fn needs_xlsx(path: &Path, needs: &[(Need, String)]) -> Result<(), IoError> {
    write_xlsx(path, &[needs_sheet(needs)])
}

pub fn needs_csv(path: &Path, needs: &[(Need, String)]) -> Result<(), IoError> {
    write_csv(path, &needs_sheet(needs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_text_is_exact() {
        assert_eq!(wan_text(12_345), "1.2345");
        assert_eq!(wan_text(50_000), "5");
        assert_eq!(wan_text(-1_500_000), "-150");
        assert_eq!(wan_text(12_340_000), "1234");
        assert_eq!(wan_text(1), "0.0001");
    }

    #[test]
    fn firm_headers_are_recognised_by_the_importer() {
        for spec in firms_sheet(&[]).columns {
            let f = crate::fields::field_of_header(&spec.header);
            assert!(f.is_some(), "{} not recognised", spec.header);
        }
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_name("a/b:c", 0), "a_b_c");
        assert_eq!(sheet_name("", 2), "Sheet3");
        assert_eq!(sheet_name(&"长".repeat(40), 0).chars().count(), 31);
    }
}
