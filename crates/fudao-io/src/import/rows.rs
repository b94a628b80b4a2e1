//! Reading data rows: skipping blank, total, footer and repeated header rows, one patch per
//! good row, the sheet's notes.

use super::cell::RowParts;
use super::layout::{analyze, Column, Layout};
use super::mapping::header_key;
use super::values::approximation;
use super::{column_letter, ColumnInfo, ColumnMap, ImportSheet, RowError, RowWarning};
use crate::cells::is_placeholder;
use crate::fields::{self, Field, Kind};
use crate::grid::{Grid, Value};
use crate::IoError;
use fudao_core::model::{Qualification, QualificationKind, YearFinancials};
use fudao_core::money::Yuan;
use fudao_core::patch::{ColumnHeaders, FirmPatch, ImportRow, NeedPatch};
use fudao_core::{FieldError, Msg};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Reads a grid; `Ok(None)` if it has no recognisable header.
pub(super) fn read_grid(grid: &Grid, map: &ColumnMap) -> Result<Option<ImportSheet>, IoError> {
    Ok(analyze(grid, map)?.map(|layout| Reader::new(grid, layout).run()))
}

pub(super) struct Reader<'a> {
    pub(super) grid: &'a Grid,
    pub(super) layout: Layout,
    pub(super) headers: ColumnHeaders,
    /// Data cells covered by a vertical merge → the merge's top-left cell.
    pub(super) fill: HashMap<(u32, u32), (u32, u32)>,
    pub(super) uscc_col: Option<usize>,
    pub(super) name_col: Option<usize>,
    pub(super) seen: HashMap<String, u32>,
    pub(super) rows: Vec<ImportRow>,
    pub(super) errors: Vec<RowError>,
    pub(super) warnings: Vec<RowWarning>,
    /// Cells holding bytes that were not valid UTF-8 (0-based row, column).
    pub(super) garbled: Vec<(u32, u32)>,
    pub(super) total_rows: usize,
    pub(super) skipped_labels: Vec<(u32, String)>,
    pub(super) zones: BTreeSet<String>,
    pub(super) free_industries: BTreeSet<String>,
    /// District and industry texts repeat down a sheet: parse each distinct text once.
    pub(super) district_cache: HashMap<String, Result<Option<String>, Msg>>,
    pub(super) industry_cache: HashMap<String, Option<String>>,
}

impl<'a> Reader<'a> {
    fn new(grid: &'a Grid, layout: Layout) -> Self {
        let mut headers = BTreeMap::new();
        for col in &layout.columns {
            let key = match col.year {
                Some(y) if col.field.is_figure() => format!("{}@{y}", col.field.key()),
                _ => col.field.key().to_string(),
            };
            headers.entry(key).or_insert_with(|| col.header.clone());
            if col.field.is_figure() {
                headers.insert(col.field.key().to_string(), col.header.clone());
            }
            if col.also_revenue {
                let key = Field::Revenue.key();
                if let Some(y) = col.year {
                    headers.insert(format!("{key}@{y}"), col.header.clone());
                }
                headers.insert(key.to_string(), col.header.clone());
            }
            let alias = match col.field.kind() {
                _ if col.field.is_figure() => Some("financials"),
                Kind::Qual(_) | Kind::Srdi => Some("qualifications"),
                _ if matches!(col.field, Field::ContactName | Field::ContactPhone) => {
                    Some("contacts")
                }
                _ if matches!(
                    col.field,
                    Field::InventionPatents
                        | Field::UtilityModels
                        | Field::Designs
                        | Field::SoftwareCopyrights
                ) =>
                {
                    Some("ip")
                }
                _ => None,
            };
            if let Some(a) = alias {
                headers
                    .entry(a.to_string())
                    .or_insert_with(|| col.header.clone());
            }
        }
        let mut fill = HashMap::new();
        for m in &grid.merges {
            if m.r2 < layout.data_start || m.r2 == m.r1 {
                continue;
            }
            for r in m.r1.max(layout.data_start)..=m.r2.min(m.r1 + 100_000) {
                if r != m.r1 {
                    fill.insert((r, m.c1), (m.r1, m.c1));
                }
            }
        }
        let uscc_col = layout.columns.iter().position(|c| c.field == Field::Uscc);
        let name_col = layout.columns.iter().position(|c| c.field == Field::Name);
        Reader {
            grid,
            layout,
            headers: ColumnHeaders::from(headers),
            fill,
            uscc_col,
            name_col,
            seen: HashMap::new(),
            rows: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            garbled: Vec::new(),
            total_rows: 0,
            skipped_labels: Vec::new(),
            zones: BTreeSet::new(),
            free_industries: BTreeSet::new(),
            district_cache: HashMap::new(),
            industry_cache: HashMap::new(),
        }
    }

    fn cell(&self, r: u32, col: &Column) -> &'a Value {
        let v = self.grid.get(r, col.col);
        if v.is_empty() && col.field.fills_down() {
            if let Some(&(r0, c0)) = self.fill.get(&(r, col.col)) {
                return self.grid.get(r0, c0);
            }
        }
        v
    }

    fn run(mut self) -> ImportSheet {
        let grid = self.grid;
        if grid.lossy {
            for (i, row) in grid.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if matches!(v, Value::Text(t) if t.contains('\u{FFFD}')) {
                        self.garbled.push((grid.first_row + i as u32, c as u32));
                    }
                }
            }
        }
        for r in self.layout.data_start..grid.end_row() {
            let raw = &grid.rows[(r - grid.first_row) as usize];
            // Non-empty cells, not counting 序号 numbers: how many, and the first.
            let mut count = 0usize;
            let mut first: Option<(u32, &Value)> = None;
            for (c, v) in raw.iter().enumerate() {
                if v.is_empty() || (self.layout.seq_cols.contains(&(c as u32)) && is_seq_value(v)) {
                    continue;
                }
                count += 1;
                first.get_or_insert((c as u32, v));
            }
            let Some(first) = first else {
                continue;
            };
            if count == 1 && self.is_seq_only(first) {
                continue;
            }
            // The first non-empty cell of the whole row (序号 columns included: 合计 is often
            // written there, merged across).
            let first_text: String = match raw.iter().find(|v| !v.is_empty()) {
                Some(Value::Text(t)) => t.chars().filter(|c| !c.is_whitespace()).collect(),
                _ => String::new(),
            };
            if ["合计", "总计", "小计", "共计", "累计", "汇总", "总数"]
                .iter()
                .any(|w| first_text.starts_with(w))
                || (count <= 2 && first_text.starts_with("合"))
            {
                continue;
            }
            let key_empty = self.key_empty(r);
            if key_empty {
                let footer = [
                    "注",
                    "说明",
                    "备注",
                    "填表",
                    "填报",
                    "制表",
                    "审核",
                    "负责人",
                    "联系人",
                    "日期",
                    "单位负责人",
                    "统计",
                    "数据来源",
                    "附",
                    "报送",
                ]
                .iter()
                .any(|w| first_text.starts_with(w));
                if footer || count == 1 {
                    if !footer {
                        self.skipped_labels.push((r + 1, first_text));
                    }
                    continue;
                }
            }
            if self.is_repeated_header(r) {
                continue;
            }
            self.total_rows += 1;
            self.read_row(r);
        }
        self.finish()
    }

    /// Only a 序号 column (or nothing recognisable but a number in the first column) is
    /// filled: a numbered template row.
    fn is_seq_only(&self, (col, v): (u32, &Value)) -> bool {
        matches!(v, Value::Number(_))
            && !self
                .layout
                .columns
                .iter()
                .any(|c| c.col == col && c.field != Field::Seq)
    }

    fn key_empty(&self, r: u32) -> bool {
        let empty = |i: Option<usize>| {
            i.is_none_or(|i| {
                let v = self.grid.get(r, self.layout.columns[i].col);
                v.is_empty() || matches!(v, Value::Text(t) if is_placeholder(t))
            })
        };
        empty(self.uscc_col) && empty(self.name_col)
    }

    fn is_repeated_header(&self, r: u32) -> bool {
        let Some(i) = self.uscc_col.or(self.name_col) else {
            return false;
        };
        let col = &self.layout.columns[i];
        match self.grid.get(r, col.col) {
            // Cheap test first: only text with no digits can be a header.
            Value::Text(t) if !t.bytes().any(|b| b.is_ascii_digit()) => {
                if col.mapped {
                    header_key(t) == header_key(&col.header)
                } else {
                    fields::match_header(&fields::normalize_header(t))
                        .is_some_and(|(f, _, _)| f == col.field)
                }
            }
            _ => false,
        }
    }

    fn error(&self, errs: &mut Vec<RowError>, r: u32, col: &Column, v: &Value, message: Msg) {
        errs.push(RowError {
            row: r + 1,
            column: col.header.clone(),
            field: col.field.key().to_string(),
            value: v.display(),
            message,
        });
    }

    fn read_row(&mut self, r: u32) {
        let mut errs: Vec<RowError> = Vec::new();
        let mut warns: Vec<RowWarning> = Vec::new();
        let (parts, uscc_value) = self.read_cells(r, &mut errs, &mut warns);
        self.check_keys(r, uscc_value.as_deref(), &parts.p, &mut errs);
        if !errs.is_empty() {
            errs.sort_by_key(|e| {
                self.layout
                    .columns
                    .iter()
                    .find(|c| c.header == e.column)
                    .map(|c| c.col)
                    .unwrap_or(0)
            });
            self.errors.extend(errs);
            return;
        }
        let (firm, need) = assemble(parts, uscc_value.unwrap_or_default());
        self.warnings.extend(warns);
        self.rows.push(ImportRow {
            row: r + 1,
            firm,
            need,
            headers: self.headers.clone(),
        });
    }

    /// Reads the row's cells: the parts of its patch and its USCC; bad cells go to `errs`,
    /// values read leniently to `warns`.
    fn read_cells(
        &mut self,
        r: u32,
        errs: &mut Vec<RowError>,
        warns: &mut Vec<RowWarning>,
    ) -> (RowParts, Option<String>) {
        let mut parts = RowParts::default();
        let mut uscc_value: Option<String> = None;

        let columns = std::mem::take(&mut self.layout.columns);
        for col in &columns {
            let v = self.cell(r, col);
            if v.is_empty() {
                continue;
            }
            if let Value::Error(e) = v {
                self.error(
                    errs,
                    r,
                    col,
                    v,
                    Msg::new(
                        format!("单元格是错误值 {e}，请改为实际数值"),
                        format!("the cell holds the error value {e}; enter the actual value"),
                    ),
                );
                continue;
            }
            if self.grid.lossy && matches!(v, Value::Text(t) if t.contains('\u{FFFD}')) {
                self.error(
                    errs,
                    r,
                    col,
                    v,
                    Msg::new(
                        format!(
                            "{}列的单元格含有无法识别的字节（文件按 UTF-8 读取，此处不是有效的 UTF-8，显示为 �），请在原文件中改正后再导入",
                            column_letter(col.col)
                        ),
                        format!(
                            "the cell in column {} holds bytes that are not valid UTF-8 (the file was read as UTF-8; they show as �): correct it in the file and import again",
                            column_letter(col.col)
                        ),
                    ),
                );
                continue;
            }
            let res = self.read_cell(col, v, &mut parts);
            match res {
                Ok(Some(code)) => uscc_value = Some(code),
                Ok(None) => {
                    if let Some(w) = approximation(r, col, v) {
                        warns.push(w);
                    }
                }
                Err(m) => self.error(errs, r, col, v, m),
            }
        }
        self.layout.columns = columns;
        (parts, uscc_value)
    }

    /// The key fields: a USCC present and not seen in an earlier row, a name where the sheet
    /// has a name column.
    fn check_keys(
        &mut self,
        r: u32,
        uscc_value: Option<&str>,
        p: &FirmPatch,
        errs: &mut Vec<RowError>,
    ) {
        let uscc_header = self
            .uscc_col
            .map(|i| self.layout.columns[i].header.clone())
            .unwrap_or_else(|| "统一社会信用代码".into());
        match uscc_value {
            Some(code) => {
                if let Some(first) = self.seen.get(code) {
                    errs.push(RowError {
                        row: r + 1,
                        column: uscc_header.clone(),
                        field: "uscc".into(),
                        value: code.to_string(),
                        message: Msg::new(
                            format!("统一社会信用代码“{code}”与第{first}行重复"),
                            format!("USCC {code} duplicates row {first}"),
                        ),
                    });
                } else {
                    self.seen.insert(code.to_string(), r + 1);
                }
            }
            None if !errs.iter().any(|e| e.field == "uscc") => {
                let m = FieldError::required("uscc", "统一社会信用代码").message;
                errs.push(RowError {
                    row: r + 1,
                    column: uscc_header,
                    field: "uscc".into(),
                    value: String::new(),
                    message: m,
                });
            }
            None => {}
        }
        if let Some(i) = self.name_col {
            if p.name.is_none() && !errs.iter().any(|e| e.field == "name") {
                errs.push(RowError {
                    row: r + 1,
                    column: self.layout.columns[i].header.clone(),
                    field: "name".into(),
                    value: String::new(),
                    message: FieldError::required("name", "企业名称").message,
                });
            }
        }
    }
}

/// The row's patch and need from its parts: figures by year, qualifications held or revoked
/// (a 高企 certificate runs three years), a need only with an amount.
fn assemble(parts: RowParts, uscc: String) -> (FirmPatch, Option<NeedPatch>) {
    let RowParts {
        mut p,
        years,
        quals,
        need,
        need_amount,
    } = parts;
    p.uscc = uscc;
    finish_years(&mut p, years);
    for (kind, st) in quals {
        if st.held == Some(false) && st.obtained.is_none() && st.number.is_empty() {
            p.revoked.push(kind);
        } else {
            let expires = match (kind, st.obtained) {
                (QualificationKind::HighTech, Some(d)) => d
                    .checked_add_months(chrono::Months::new(36))
                    .and_then(|e| e.pred_opt()),
                _ => None,
            };
            p.qualifications.push(Qualification {
                kind,
                obtained: st.obtained,
                expires,
                number: st.number,
            });
        }
    }
    if p.first_loan_list == Some(true) && p.ever_borrowed.is_none() {
        p.ever_borrowed = Some(false);
    }
    let need = need_amount.map(|amount| NeedPatch { amount, ..need });
    (p, need)
}

impl Reader<'_> {
    fn finish(self) -> ImportSheet {
        let mut notes = self.layout.notes;
        if self.uscc_col.is_none() {
            notes.push(Msg::new(
                "表中没有“统一社会信用代码”列：企业按信用代码导入和更新，请补充该列",
                "the sheet has no USCC (统一社会信用代码) column: firms are imported and updated by USCC; add the column",
            ));
        }
        if self.name_col.is_none() {
            notes.push(Msg::new(
                "表中没有“企业名称”列：只能更新已有企业，新企业将因缺少名称而无法导入",
                "the sheet has no firm-name column: existing firms can be updated, new firms cannot be created",
            ));
        }
        if !self.zones.is_empty() {
            let z: Vec<&str> = self.zones.iter().map(String::as_str).collect();
            notes.push(Msg::new(
                format!(
                    "“{}”是功能区而非行政区县，已作为标签保存，所属区县未填",
                    z.join("、")
                ),
                format!(
                    "{} are functional zones, not districts: saved as tags, district left empty",
                    z.join(", ")
                ),
            ));
        }
        if !self.free_industries.is_empty() {
            let mut v: Vec<&str> = self.free_industries.iter().map(String::as_str).collect();
            let more = v.len().saturating_sub(8);
            v.truncate(8);
            let list = v.join("、") + if more > 0 { "…" } else { "" };
            notes.push(Msg::new(
                format!("行业“{list}”不是国民经济行业门类，已作为标签保存"),
                format!("industries '{list}' are not GB/T 4754 sections: saved as tags"),
            ));
        }
        if !self.garbled.is_empty() {
            let n = self.garbled.len();
            let mut at: Vec<String> = self
                .garbled
                .iter()
                .take(20)
                .map(|&(r, c)| format!("{}{}", column_letter(c), r + 1))
                .collect();
            if n > 20 {
                at.push("…".into());
            }
            notes.push(Msg::new(
                format!(
                    "文件按 UTF-8 读取，但有 {n} 个单元格含有无效字节（显示为 �）：{}。这些单元格所在的行如涉及已识别的列，已作为错误行列出",
                    at.join("、")
                ),
                format!(
                    "the file was read as UTF-8, but {n} cells hold invalid bytes (shown as �): {}. Rows where such a cell is in a recognised column are listed as errors",
                    at.join(", ")
                ),
            ));
        }
        for (row, text) in &self.skipped_labels {
            notes.push(Msg::new(
                format!("第{row}行“{text}”不是企业数据，已跳过"),
                format!("row {row} '{text}' is not a firm row and was skipped"),
            ));
        }
        ImportSheet {
            sheet_name: self.grid.sheet_name.clone(),
            header_row: self.layout.header_row + 1,
            columns: self
                .layout
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    letter: column_letter(c.col),
                    header: c.header.clone(),
                    field: c.field,
                    unit: c.unit,
                    year: c.year,
                    mapped: c.mapped,
                })
                .collect(),
            rows: self.rows,
            errors: self.errors,
            warnings: self.warnings,
            unknown_columns: self.layout.unknown,
            notes,
            total_rows: self.total_rows,
        }
    }
}

/// A 序号 cell's number (`12`, `12.0`, `(12)`): not data.
fn is_seq_value(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::Text(t) => {
            let t = t.trim().trim_matches(['(', ')', '（', '）', '.']);
            !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Puts yearly figures into the patch: figures without a header year go to the row's year
/// (or the caller's default); with header years, the latest becomes the main year when no
/// un-yeared figures exist.
fn finish_years(p: &mut FirmPatch, mut years: BTreeMap<Option<i32>, YearFinancials>) {
    let main = match years.remove(&None) {
        Some(m) => Some(m),
        None => {
            if p.year.is_none() {
                let latest = years.keys().next_back().copied().flatten();
                latest.and_then(|y| {
                    p.year = Some(y);
                    years.remove(&Some(y))
                })
            } else {
                p.year.and_then(|y| years.remove(&Some(y)))
            }
        }
    };
    if let Some(m) = main {
        p.revenue = m.revenue;
        p.rd_expense = m.rd_expense;
        p.total_cost = m.total_cost;
        p.total_assets = m.total_assets;
        p.liabilities = m.liabilities;
        p.net_profit = m.net_profit;
        p.high_tech_revenue = m.high_tech_revenue;
        p.bills_receivable = m.bills_receivable;
        p.main_business_revenue = m.main_business_revenue;
        p.total_income = m.total_income;
        p.rd_expense_domestic = m.rd_expense_domestic;
    }
    for (y, fy) in years {
        if let Some(y) = y {
            if Some(y) == p.year {
                // Same year as the row's year column: merge into the main figures.
                merge_opt(&mut p.revenue, fy.revenue);
                merge_opt(&mut p.rd_expense, fy.rd_expense);
                merge_opt(&mut p.total_cost, fy.total_cost);
                merge_opt(&mut p.total_assets, fy.total_assets);
                merge_opt(&mut p.liabilities, fy.liabilities);
                merge_opt(&mut p.net_profit, fy.net_profit);
                merge_opt(&mut p.high_tech_revenue, fy.high_tech_revenue);
                merge_opt(&mut p.bills_receivable, fy.bills_receivable);
                merge_opt(&mut p.main_business_revenue, fy.main_business_revenue);
                merge_opt(&mut p.total_income, fy.total_income);
                merge_opt(&mut p.rd_expense_domestic, fy.rd_expense_domestic);
            } else {
                p.other_years.push(YearFinancials { year: y, ..fy });
            }
        }
    }
}

fn merge_opt(dst: &mut Option<Yuan>, src: Option<Yuan>) {
    if src.is_some() {
        *dst = src;
    }
}
