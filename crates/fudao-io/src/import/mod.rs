//! Reading firm lists: one [`ImportRow`] per good data row, one [`RowError`] per bad cell.
//!
//! What is handled, in order:
//! 1. the file type is recognised by content (`.xlsx`, `.xls`, `.ods`, HTML tables saved as
//!    `.xls`, delimited text with any of `,` `\t` `;` `|`), text in UTF-8 (BOM or not),
//!    UTF-16 (BOM) or GBK/GB18030;
//! 2. the sheet: the one named, else the first visible sheet that has a firm-list header;
//! 3. the header row is found by scoring header synonyms in the first rows (title rows above
//!    are skipped; a `单位：万元` line there sets the default unit); merged header cells are
//!    filled, and a two-row header (a merged group over sub-columns) is read as one;
//! 4. each header is matched to a [`Field`] (synonyms, brackets, `是否…`, years and units in
//!    the header), unknown columns are reported and ignored — unless the caller's
//!    [`ColumnMap`] assigns a field to the header (or ignores a recognised one), see
//!    [`read_firms_mapped`];
//! 5. data rows: blank rows, 合计/小计 rows, footers (注：…, 填表人…), group label rows and
//!    repeated header rows are skipped; vertically merged cells of categorical columns
//!    (district, industry, year, qualifications …) apply to every row they span;
//! 6. every cell is parsed; a bad cell gives a [`RowError`] (row, column header, reason naming
//!    the value) and rejects its row; other rows continue.

mod cell;
mod facts;
mod layout;
mod mapping;
mod rows;
mod values;

pub use mapping::{ColumnChoice, ColumnMap};

use crate::fields::{Field, Unit};
use crate::grid::{self, Grid, Value};
use crate::IoError;
use fudao_core::patch::ImportRow;
use fudao_core::Msg;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The outcome of reading one sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSheet {
    pub sheet_name: String,
    /// 1-based row number of the (last) header row.
    pub header_row: u32,
    /// The recognised columns, in sheet order.
    pub columns: Vec<ColumnInfo>,
    /// Good rows, in sheet order.
    pub rows: Vec<ImportRow>,
    /// Problems, in sheet order; a row with any error is not in `rows`.
    pub errors: Vec<RowError>,
    /// Values of good rows that were read leniently (`约500人` read as 500), in sheet order:
    /// imported, but the user should check them.
    pub warnings: Vec<RowWarning>,
    /// Header texts of columns that were ignored (unknown, or a second column for a field).
    pub unknown_columns: Vec<String>,
    /// Assumptions made and things skipped, for the user to check (e.g. a unit assumed).
    pub notes: Vec<Msg>,
    /// Data rows considered: good rows plus rejected rows (blank, total and footer rows are
    /// not counted).
    pub total_rows: usize,
}

impl ImportSheet {
    /// Sheet row numbers of the rejected rows.
    pub fn rejected_rows(&self) -> BTreeSet<u32> {
        self.errors.iter().map(|e| e.row).collect()
    }
}

/// A recognised column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnInfo {
    /// Column letter(s) as the spreadsheet shows them (`A`, `AB`).
    pub letter: String,
    /// Header text as written (two header rows are joined with `/`).
    pub header: String,
    pub field: Field,
    /// Unit stated by the header (or the sheet's `单位：` line), if any.
    pub unit: Option<Unit>,
    /// Year stated by the header for yearly figures (`2023年营业收入`).
    pub year: Option<i32>,
    /// The field was assigned by the caller's [`ColumnMap`], not recognised from the header.
    pub mapped: bool,
}
/// One problem in one cell (or one row, for a missing or duplicate key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based sheet row number as the user sees it.
    pub row: u32,
    /// The column header text as written in the sheet.
    pub column: String,
    /// The field key (`uscc`, `staff`, `need_amount` …).
    pub field: String,
    /// The cell text as the user sees it (empty for a missing value).
    pub value: String,
    /// Reason, naming the bad value, in Chinese and English.
    pub message: Msg,
}

/// A value that was imported but read leniently: an approximation (`约500人`, `500人左右`,
/// `近300万`) taken as its number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowWarning {
    /// 1-based sheet row number as the user sees it.
    pub row: u32,
    /// Column letter(s) as the spreadsheet shows them.
    pub letter: String,
    /// The column header text as written in the sheet.
    pub column: String,
    /// The field key.
    pub field: String,
    /// The cell text as written.
    pub value: String,
    /// What was imported, naming the sheet row and column, in Chinese and English.
    pub message: Msg,
}

impl std::fmt::Display for RowWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行 “{}”：{}", self.row, self.column, self.message)
    }
}

/// Reads the firm list in `path`. `sheet` selects a sheet by name (or 1-based number); by
/// default the first visible sheet with a firm-list header is read.
pub fn read_firms(path: &Path, sheet: Option<&str>) -> Result<ImportSheet, IoError> {
    read_firms_mapped(path, sheet, &ColumnMap::default())
}

/// [`read_firms`] with the caller's column choices: columns whose headers `map` names are
/// read as the field it assigns (or ignored), the others are recognised as usual.
pub fn read_firms_mapped(
    path: &Path,
    sheet: Option<&str>,
    map: &ColumnMap,
) -> Result<ImportSheet, IoError> {
    let mut book = grid::open(path)?;
    let names = book.sheet_names();
    if let Some(wanted) = sheet {
        let name = names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.trim() == wanted.trim()))
            .or_else(|| {
                wanted
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| names.get(i))
            })
            .cloned()
            .ok_or_else(|| IoError::SheetNotFound {
                wanted: wanted.to_string(),
                available: names.clone(),
            })?;
        let g = book.load(&name, path)?;
        return rows::read_grid(&g, map)?.ok_or_else(|| no_header(&g));
    }
    let mut first_grid = None;
    for name in &names {
        let g = book.load(name, path)?;
        if let Some(sheet) = rows::read_grid(&g, map)? {
            return Ok(sheet);
        }
        first_grid.get_or_insert(g);
    }
    Err(match first_grid {
        Some(g) => no_header(&g),
        None => IoError::NoHeader(Msg::new(
            "文件中没有工作表或数据",
            "the file has no sheet or data",
        )),
    })
}

fn no_header(g: &Grid) -> IoError {
    let seen: Vec<String> = g
        .rows
        .iter()
        .take(5)
        .flat_map(|r| r.iter().filter(|v| !v.is_empty()).map(Value::display))
        .take(12)
        .collect();
    IoError::NoHeader(Msg::new(
        format!(
            "工作表“{}”中没有找到表头：前几行应有“统一社会信用代码”和“企业名称”等列名。看到的内容：{}",
            g.sheet_name,
            seen.join("、")
        ),
        format!(
            "no header row found in sheet '{}': the first rows should name columns such as \
             统一社会信用代码 (USCC) and 企业名称 (name). Found: {}",
            g.sheet_name,
            seen.join(", ")
        ),
    ))
}
/// Spreadsheet column letters: 0 → `A`, 27 → `AB`.
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}
