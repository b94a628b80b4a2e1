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

use crate::cells::{self, is_placeholder, parse_bool_text};
use crate::fields::{self, Field, Kind, Quality, Unit};
use crate::grid::{self, Grid, Merge, Value};
use crate::limits::MAX_NAME_CHARS;
use crate::IoError;
use chrono::{Datelike, NaiveDate};
use fudao_core::model::{FinancingKind, Qualification, QualificationKind, Stage, YearFinancials};
use fudao_core::money::{self, DefaultUnit, Yuan};
use fudao_core::patch::{ColumnHeaders, FirmPatch, ImportRow, NeedPatch};
use fudao_core::{region, uscc, FieldError, Msg};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// What a [`ColumnMap`] does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnChoice {
    /// Read the column as this field, exactly as if its header named the field.
    Field(Field),
    /// Ignore the column, even if its header was recognised.
    Ignore,
}

impl ColumnChoice {
    /// The key of the "ignore this column" choice.
    pub const IGNORE_KEY: &'static str = "ignore";

    /// Parses a choice: `ignore` (or nothing) ignores the column, a field key
    /// ([`Field::key`], e.g. `staff`, `q.high_tech`) assigns that field.
    pub fn parse(key: &str) -> Result<ColumnChoice, IoError> {
        let k = key.trim();
        if k.is_empty() || k.eq_ignore_ascii_case(Self::IGNORE_KEY) {
            return Ok(ColumnChoice::Ignore);
        }
        match Field::from_key(k) {
            Some(f) if f != Field::Seq => Ok(ColumnChoice::Field(f)),
            _ => Err(IoError::UnknownField { key: k.to_string() }),
        }
    }

    /// The choice's key: the field key, or `ignore`.
    pub fn key(self) -> &'static str {
        match self {
            ColumnChoice::Field(f) => f.key(),
            ColumnChoice::Ignore => Self::IGNORE_KEY,
        }
    }
}

/// The caller's choices for columns, by header text as the sheet shows it (as in
/// [`ImportSheet::unknown_columns`] and [`ColumnInfo::header`]; a two-row header is
/// `group/sub`). Headers are compared ignoring spaces, line breaks and full-/half-width.
///
/// A mapped column is read exactly like a recognised one: units and years in its header,
/// every cell validated. Mapping two columns to one field (or a column to a field another
/// column already fills) is an [`IoError::MappingConflict`]; a header the sheet does not have
/// is an [`IoError::MappedHeaderMissing`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(String, ColumnChoice)>,
}

impl ColumnMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the choice for `header`, replacing an earlier choice for the same header.
    pub fn set(&mut self, header: &str, choice: ColumnChoice) -> &mut Self {
        let key = header_key(header);
        match self.entries.iter_mut().find(|(h, _)| header_key(h) == key) {
            Some(e) => *e = (header.trim().to_string(), choice),
            None => self.entries.push((header.trim().to_string(), choice)),
        }
        self
    }

    /// Builder form of [`set`](ColumnMap::set).
    pub fn with(mut self, header: &str, choice: ColumnChoice) -> Self {
        self.set(header, choice);
        self
    }

    /// Parses `HEADER=FIELD` (as given on the command line; the last `=` separates them, so a
    /// header may contain `=`) and adds it.
    pub fn add_arg(&mut self, arg: &str) -> Result<&mut Self, IoError> {
        let (header, key) = arg
            .rsplit_once('=')
            .filter(|(h, _)| !h.trim().is_empty())
            .ok_or_else(|| IoError::BadMapping {
                arg: arg.to_string(),
            })?;
        let choice = ColumnChoice::parse(key)?;
        Ok(self.set(header, choice))
    }

    /// The choice for a header, if any.
    pub fn get(&self, header: &str) -> Option<ColumnChoice> {
        if self.entries.is_empty() {
            return None;
        }
        let key = header_key(header);
        self.entries
            .iter()
            .find(|(h, _)| header_key(h) == key)
            .map(|(_, c)| *c)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnChoice)> {
        self.entries.iter().map(|(h, c)| (h.as_str(), *c))
    }
}

/// A header reduced for comparing with a [`ColumnMap`] entry: half-width, no whitespace.
fn header_key(h: &str) -> String {
    fudao_core::text::to_half_width(h)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
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
        return read_grid(&g, map)?.ok_or_else(|| no_header(&g));
    }
    let mut first_grid = None;
    for name in &names {
        let g = book.load(name, path)?;
        if let Some(sheet) = read_grid(&g, map)? {
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

// ---------------------------------------------------------------------------------------------
// Layout: header rows and columns

struct Column {
    col: u32,
    header: String,
    field: Field,
    unit: Option<Unit>,
    year: Option<i32>,
    mapped: bool,
}

struct Layout {
    header_row: u32,
    data_start: u32,
    columns: Vec<Column>,
    unknown: Vec<String>,
    notes: Vec<Msg>,
    /// 序号 columns: their numbers alone do not make a row.
    seq_cols: BTreeSet<u32>,
}

const HEADER_SCAN_ROWS: u32 = 20;

/// Values of header-area cells with merged regions filled.
struct HeaderView<'a> {
    grid: &'a Grid,
    fill: HashMap<(u32, u32), (u32, u32)>,
}

impl<'a> HeaderView<'a> {
    fn new(grid: &'a Grid, until: u32) -> Self {
        let mut fill = HashMap::new();
        for m in &grid.merges {
            if m.r1 > until || (m.r2 - m.r1 + 1) as u64 * (m.c2 - m.c1 + 1) as u64 > 5_000 {
                continue;
            }
            for r in m.r1..=m.r2.min(until) {
                for c in m.c1..=m.c2 {
                    if (r, c) != (m.r1, m.c1) {
                        fill.insert((r, c), (m.r1, m.c1));
                    }
                }
            }
        }
        HeaderView { grid, fill }
    }

    fn text(&self, r: u32, c: u32) -> String {
        let v = match self.grid.get(r, c) {
            Value::Empty => match self.fill.get(&(r, c)) {
                Some(&(r0, c0)) => self.grid.get(r0, c0),
                None => &Value::Empty,
            },
            v => v,
        };
        clean_header(&v.display())
    }
}

fn clean_header(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '\n' && *c != '\r')
        .collect::<String>()
        .trim()
        .to_string()
}

fn score_row(view: &HeaderView, r: u32, width: u32, map: &ColumnMap) -> (u32, bool) {
    let mut seen = BTreeSet::new();
    let mut score = 0;
    let mut key = false;
    for c in 0..width {
        let t = view.text(r, c);
        if t.is_empty() {
            continue;
        }
        let found = match map.get(&t) {
            Some(ColumnChoice::Field(f)) => Some((f, Quality::Exact, 0)),
            Some(ColumnChoice::Ignore) => None,
            None if t.chars().count() > 40 => None,
            None => fields::match_header(&fields::normalize_header(&t)),
        };
        if let Some((f, q, _)) = found {
            if f == Field::Seq || !seen.insert(f) {
                continue;
            }
            score += if q == Quality::Contains { 1 } else { 2 };
            key |= matches!(f, Field::Uscc | Field::Name);
        }
    }
    (score, key)
}

/// A horizontal merge lying in row `r` only, narrower than the used width (not a title).
fn group_merges(grid: &Grid, r: u32, used: u32) -> Vec<Merge> {
    grid.merges
        .iter()
        .filter(|m| m.r1 == r && m.r2 == r && m.c2 > m.c1 && (m.c2 - m.c1 + 1) < used.max(2))
        .copied()
        .collect()
}

/// The sheet's layout; `Ok(None)` if it has no recognisable header row.
fn analyze(grid: &Grid, map: &ColumnMap) -> Result<Option<Layout>, IoError> {
    let width = grid.width() as u32;
    if width == 0 {
        return Ok(None);
    }
    let scan_end = grid.end_row().min(grid.first_row + HEADER_SCAN_ROWS);
    let view = HeaderView::new(grid, scan_end + 1);
    let mut best: Option<(u32, u32)> = None;
    for r in grid.first_row..scan_end {
        let (score, key) = score_row(&view, r, width, map);
        if key && score >= 2 && best.is_none_or(|(_, s)| score > s) {
            best = Some((r, score));
        }
    }
    let Some((h, _)) = best else {
        return Ok(None);
    };

    // Used width of the header row: the span of its non-empty cells.
    let used = (0..width)
        .filter(|&c| !view.text(h, c).is_empty())
        .map(|c| c + 1)
        .max()
        .unwrap_or(width);
    let mut header_rows = vec![h];
    if h > grid.first_row && !group_merges(grid, h - 1, used).is_empty() {
        header_rows.insert(0, h - 1);
    }
    if h + 1 < grid.end_row() && !group_merges(grid, h, used).is_empty() {
        let sub = score_row(&view, h + 1, width, map).0;
        let has_key_value =
            (0..width).any(|c| uscc::validate(&uscc::normalize(&view.text(h + 1, c))).is_ok());
        if !has_key_value && (sub > 0 || year_row(&view, h + 1, width)) {
            header_rows.push(h + 1);
        }
    }
    let last_header = *header_rows.last().unwrap_or(&h);

    // A `单位：万元` line in the title rows sets the default money unit.
    let mut sheet_unit = None;
    'title: for r in grid.first_row..header_rows[0] {
        for c in 0..width {
            let t = view.text(r, c);
            if t.contains("单位") {
                if let Some(u) = fields::unit_in(&t, false) {
                    sheet_unit = Some(u);
                    break 'title;
                }
            }
        }
    }

    let mut candidates: Vec<(Column, Quality, usize)> = Vec::new();
    let mut unknown = Vec::new();
    let mut notes = Vec::new();
    let mut seq_cols = BTreeSet::new();
    let mut all_headers: Vec<String> = Vec::new();
    let mut mapped_seen: BTreeSet<String> = BTreeSet::new();
    for c in 0..width {
        let mut texts: Vec<String> = Vec::new();
        for &r in &header_rows {
            let t = view.text(r, c);
            if !t.is_empty() && !texts.contains(&t) {
                texts.push(t);
            }
        }
        if texts.is_empty() {
            continue;
        }
        let header = texts.join("/");
        all_headers.push(header.clone());
        let choice = map.get(&header);
        if choice.is_some() {
            mapped_seen.insert(header_key(&header));
        }
        let combined: String = texts.concat();
        let found = match choice {
            // A mapped column outranks any recognised column for the same field; a second
            // column for it is a conflict (below), never silently dropped.
            Some(ColumnChoice::Field(f)) => Some((f, Quality::Exact, usize::MAX)),
            Some(ColumnChoice::Ignore) => None,
            None => texts
                .iter()
                .rev()
                .chain(std::iter::once(&combined))
                .find_map(|t| fields::match_header(&fields::normalize_header(t))),
        };
        let Some((field, quality, rank)) = found else {
            unknown.push(header);
            continue;
        };
        if field == Field::Seq {
            seq_cols.insert(c);
            continue;
        }
        let unit = texts
            .iter()
            .rev()
            .find_map(|t| fields::unit_in(t, false))
            .or(if field.kind() == Kind::Amount {
                sheet_unit
            } else {
                None
            });
        let year = if field.is_figure() {
            texts.iter().rev().find_map(|t| cells::year_in_header(t))
        } else {
            None
        };
        candidates.push((
            Column {
                col: c,
                header,
                field,
                unit,
                year,
                mapped: matches!(choice, Some(ColumnChoice::Field(_))),
            },
            quality,
            rank,
        ));
    }

    if let Some((header, _)) = map
        .iter()
        .find(|(h, _)| !mapped_seen.contains(&header_key(h)))
    {
        return Err(IoError::MappedHeaderMissing {
            header: header.to_string(),
            sheet: grid.sheet_name.clone(),
            available: all_headers,
        });
    }
    // A mapped column may not share its field (and year) with another column.
    for (col, _, _) in candidates.iter().filter(|(c, _, _)| c.mapped) {
        if matches!(col.field.kind(), Kind::Qual(_) | Kind::Srdi) {
            continue;
        }
        if let Some((other, _, _)) = candidates
            .iter()
            .find(|(o, _, _)| o.col != col.col && o.field == col.field && o.year == col.year)
        {
            let (first, second) = if other.col < col.col {
                (other, col)
            } else {
                (col, other)
            };
            return Err(IoError::MappingConflict {
                field: col.field,
                year: col.year,
                columns: [
                    (column_letter(first.col), first.header.clone()),
                    (column_letter(second.col), second.header.clone()),
                ],
            });
        }
    }

    // One column per field (per year for figures); qualification columns may repeat.
    let mut chosen: BTreeMap<(Field, Option<i32>), usize> = BTreeMap::new();
    for (i, (col, q, rank)) in candidates.iter().enumerate() {
        if matches!(col.field.kind(), Kind::Qual(_) | Kind::Srdi) {
            continue;
        }
        let key = (col.field, col.year);
        match chosen.get(&key) {
            Some(&j) => {
                let (_, qj, rj) = &candidates[j];
                if (q, rank) > (qj, rj) {
                    chosen.insert(key, i);
                }
            }
            None => {
                chosen.insert(key, i);
            }
        }
    }
    let keep: BTreeSet<usize> = chosen.values().copied().collect();
    let mut columns = Vec::new();
    for (i, (col, _, _)) in candidates.into_iter().enumerate() {
        let multi = matches!(col.field.kind(), Kind::Qual(_) | Kind::Srdi);
        if multi || keep.contains(&i) {
            columns.push(col);
        } else {
            notes.push(Msg::new(
                format!(
                    "“{}”列与另一列同为“{}”，已忽略此列",
                    col.header,
                    col.field.label_zh()
                ),
                format!(
                    "column '{}' duplicates another {} column and was ignored",
                    col.header,
                    col.field.key()
                ),
            ));
            unknown.push(col.header);
        }
    }
    for col in &columns {
        if col.field.kind() == Kind::Amount && col.unit.is_none() {
            notes.push(Msg::new(
                format!("“{}”列未注明单位，按万元读取", col.header),
                format!(
                    "column '{}' states no unit; read as 万元 (10,000 yuan)",
                    col.header
                ),
            ));
        }
    }
    Ok(Some(Layout {
        header_row: last_header,
        data_start: last_header + 1,
        columns,
        unknown,
        notes,
        seq_cols,
    }))
}

/// A sub-header row made of years (`2023年`, `2024年`) under a merged group.
fn year_row(view: &HeaderView, r: u32, width: u32) -> bool {
    (0..width).any(|c| {
        let t = view.text(r, c);
        !t.is_empty() && t.chars().count() <= 8 && cells::year_in_header(&t).is_some()
    })
}

// ---------------------------------------------------------------------------------------------
// Rows

/// Reads a grid; `Ok(None)` if it has no recognisable header.
fn read_grid(grid: &Grid, map: &ColumnMap) -> Result<Option<ImportSheet>, IoError> {
    Ok(analyze(grid, map)?.map(|layout| Reader::new(grid, layout).run()))
}

struct Reader<'a> {
    grid: &'a Grid,
    layout: Layout,
    headers: ColumnHeaders,
    /// Data cells covered by a vertical merge → the merge's top-left cell.
    fill: HashMap<(u32, u32), (u32, u32)>,
    uscc_col: Option<usize>,
    name_col: Option<usize>,
    seen: HashMap<String, u32>,
    rows: Vec<ImportRow>,
    errors: Vec<RowError>,
    warnings: Vec<RowWarning>,
    /// Cells holding bytes that were not valid UTF-8 (0-based row, column).
    garbled: Vec<(u32, u32)>,
    total_rows: usize,
    skipped_labels: Vec<(u32, String)>,
    zones: BTreeSet<String>,
    free_industries: BTreeSet<String>,
    /// District and industry texts repeat down a sheet: parse each distinct text once.
    district_cache: HashMap<String, Result<Option<String>, Msg>>,
    industry_cache: HashMap<String, Option<String>>,
}

/// Jinan's functional zones, written where a district is expected; they are not GB/T 2260
/// divisions, so they become tags.
const FUNCTIONAL_ZONES: &[&str] = &[
    "高新区",
    "济南高新区",
    "高新技术产业开发区",
    "济南高新技术产业开发区",
    "先行区",
    "起步区",
    "新旧动能转换起步区",
    "新旧动能转换先行区",
    "南部山区",
    "南山",
    "南山区",
    "莱芜高新区",
    "章丘经济开发区",
    "经济开发区",
    "济南新旧动能转换起步区",
];

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
        let mut p = FirmPatch::default();
        let mut years: BTreeMap<Option<i32>, YearFinancials> = BTreeMap::new();
        let mut quals: BTreeMap<QualificationKind, QualState> = BTreeMap::new();
        let mut need_amount: Option<Yuan> = None;
        let mut need = NeedPatch::default();
        let mut uscc_value: Option<String> = None;
        let mut warns: Vec<RowWarning> = Vec::new();

        let columns = std::mem::take(&mut self.layout.columns);
        for col in &columns {
            let v = self.cell(r, col);
            if v.is_empty() {
                continue;
            }
            if let Value::Error(e) = v {
                self.error(
                    &mut errs,
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
                    &mut errs,
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
            let res = self.read_cell(
                col,
                v,
                &mut p,
                &mut years,
                &mut quals,
                &mut need,
                &mut need_amount,
            );
            match res {
                Ok(Some(code)) => uscc_value = Some(code),
                Ok(None) => {
                    if let Some(w) = approximation(r, col, v) {
                        warns.push(w);
                    }
                }
                Err(m) => self.error(&mut errs, r, col, v, m),
            }
        }
        self.layout.columns = columns;

        // Key fields.
        let uscc_header = self
            .uscc_col
            .map(|i| self.layout.columns[i].header.clone())
            .unwrap_or_else(|| "统一社会信用代码".into());
        match &uscc_value {
            Some(code) => {
                if let Some(first) = self.seen.get(code) {
                    errs.push(RowError {
                        row: r + 1,
                        column: uscc_header.clone(),
                        field: "uscc".into(),
                        value: code.clone(),
                        message: Msg::new(
                            format!("统一社会信用代码“{code}”与第{first}行重复"),
                            format!("USCC {code} duplicates row {first}"),
                        ),
                    });
                } else {
                    self.seen.insert(code.clone(), r + 1);
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

        p.uscc = uscc_value.unwrap_or_default();
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
        self.warnings.extend(warns);
        self.rows.push(ImportRow {
            row: r + 1,
            firm: p,
            need,
            headers: self.headers.clone(),
        });
    }

    /// Parses one non-empty cell into the patch. Returns the normalised USCC for the USCC cell.
    #[allow(clippy::too_many_arguments)]
    fn read_cell(
        &mut self,
        col: &Column,
        v: &Value,
        p: &mut FirmPatch,
        years: &mut BTreeMap<Option<i32>, YearFinancials>,
        quals: &mut BTreeMap<QualificationKind, QualState>,
        need: &mut NeedPatch,
        need_amount: &mut Option<Yuan>,
    ) -> Result<Option<String>, Msg> {
        // Only text-reading branches need the cell as text (numbers are formatted lazily).
        let text = match col.field.kind() {
            Kind::Date | Kind::Amount | Kind::Count | Kind::Bool | Kind::Qual(_) | Kind::Srdi => {
                std::borrow::Cow::Borrowed("")
            }
            _ => v.text(),
        };
        let t = text.trim();
        match col.field.kind() {
            Kind::Ignore => {}
            Kind::Uscc => {
                let raw = t.trim_start_matches(['\'', '`', '‘']);
                // Already clean (the common case): skip normalising.
                let code = if raw.len() == 18
                    && raw
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                {
                    raw.to_string()
                } else {
                    uscc::normalize(raw)
                };
                uscc::validate(&code).map_err(|e| e.to_field_error("uscc").message)?;
                return Ok(Some(code));
            }
            Kind::Text | Kind::Phone => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                let s = match col.field {
                    Field::ContactPhone => cells::expand_scientific(t).into_owned(),
                    // A name wrapped inside its cell: the line break is not part of it.
                    Field::Name => t.lines().map(str::trim).collect(),
                    _ => t.to_string(),
                };
                if col.field == Field::Name {
                    let n = s.chars().count();
                    if n > MAX_NAME_CHARS {
                        return Err(Msg::new(
                            format!("企业名称有 {n} 个字，超过上限 {MAX_NAME_CHARS} 个字；请核对该单元格是否只填了企业名称"),
                            format!("the firm name has {n} characters, over the limit of {MAX_NAME_CHARS}; check that the cell holds only the firm's name"),
                        ));
                    }
                }
                let slot = match col.field {
                    Field::Name => &mut p.name,
                    Field::Address => &mut p.address,
                    Field::ListingBoard => &mut p.listing_board,
                    Field::ContactName => &mut p.contact_name,
                    Field::ContactPhone => &mut p.contact_phone,
                    Field::Notes => &mut p.notes,
                    Field::NeedPurpose => &mut need.purpose,
                    _ => return Ok(None),
                };
                *slot = Some(s);
            }
            Kind::District => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                let parsed = match self.district_cache.get(t) {
                    Some(r) => r.clone(),
                    None => {
                        let r = parse_district(t);
                        self.district_cache.insert(t.to_string(), r.clone());
                        r
                    }
                };
                match parsed? {
                    Some(code) => p.district = Some(code),
                    None => {
                        let zone = functional_zone(t).unwrap_or_default();
                        self.zones.insert(zone.to_string());
                        p.tags.push(zone.to_string());
                    }
                }
            }
            Kind::Industry => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                let code = match self.industry_cache.get(t) {
                    Some(c) => c.clone(),
                    None => {
                        let c = industry_code(t);
                        self.industry_cache.insert(t.to_string(), c.clone());
                        c
                    }
                };
                match code {
                    Some(code) => p.industry = Some(code),
                    None => {
                        self.free_industries.insert(t.to_string());
                        p.tags.push(t.to_string());
                    }
                }
            }
            Kind::Date => {
                let Some(d) = read_date(v)? else {
                    return Ok(None);
                };
                match col.field {
                    Field::Founded => p.founded = Some(d),
                    Field::FirstLoanDate => p.first_loan_date = Some(d),
                    Field::NeedRaisedOn => need.raised_on = Some(d),
                    _ => {}
                }
            }
            Kind::Amount => {
                let Some(y) = read_amount(v, col.unit)? else {
                    return Ok(None);
                };
                if col.field == Field::NeedAmount {
                    if y < 0 {
                        let t = v.display();
                        return Err(Msg::new(
                            format!("融资需求金额“{t}”不能为负数"),
                            format!("financing need '{t}' must not be negative"),
                        ));
                    }
                    if y > 0 {
                        *need_amount = Some(y);
                    }
                    return Ok(None);
                }
                if col.field == Field::RegisteredCapital {
                    p.registered_capital = Some(y);
                    return Ok(None);
                }
                let fy = years.entry(col.year).or_insert_with(|| YearFinancials {
                    year: col.year.unwrap_or(0),
                    ..Default::default()
                });
                let slot = match col.field {
                    Field::Revenue => &mut fy.revenue,
                    Field::RdExpense => &mut fy.rd_expense,
                    Field::TotalCost => &mut fy.total_cost,
                    Field::TotalAssets => &mut fy.total_assets,
                    Field::Liabilities => &mut fy.liabilities,
                    Field::NetProfit => &mut fy.net_profit,
                    Field::HighTechRevenue => &mut fy.high_tech_revenue,
                    Field::BillsReceivable => &mut fy.bills_receivable,
                    _ => return Ok(None),
                };
                *slot = Some(y);
            }
            Kind::Count => {
                let Some(n) = read_count(v)? else {
                    return Ok(None);
                };
                let slot = match col.field {
                    Field::Staff => &mut p.staff,
                    Field::TechStaff => &mut p.tech_staff,
                    Field::HighTalents => &mut p.high_talents,
                    Field::InventionPatents => &mut p.invention_patents,
                    Field::UtilityModels => &mut p.utility_models,
                    Field::Designs => &mut p.designs,
                    Field::SoftwareCopyrights => &mut p.software_copyrights,
                    _ => return Ok(None),
                };
                *slot = Some(n);
            }
            Kind::Year => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                let y = match v {
                    Value::Date(d) => Some(d.year()),
                    _ => cells::parse_year_text(t),
                };
                p.year = Some(y.ok_or_else(|| {
                    Msg::new(
                        format!("年度“{t}”无效，应为四位年份（如 2024）"),
                        format!("year '{t}' is not a four-digit year such as 2024"),
                    )
                })?);
            }
            Kind::Bool => {
                let Some(b) = read_bool(v)? else {
                    return Ok(None);
                };
                match col.field {
                    Field::FirstLoanList => p.first_loan_list = Some(b),
                    Field::EverBorrowed => p.ever_borrowed = Some(b),
                    Field::Whitelist => p.whitelist = Some(b),
                    Field::ListingReserve => p.listing_reserve = Some(b),
                    _ => {}
                }
            }
            Kind::Qual(kind) => read_qualification(v, kind, quals)?,
            Kind::Srdi => read_srdi(v, quals, p)?,
            Kind::Stage => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                p.stage = Some(parse_stage(t).ok_or_else(|| {
                    Msg::new(
                        format!("发展阶段“{t}”无法识别（应为 种子期、初创期、成长期 或 成熟期）"),
                        format!("stage '{t}' is not one of 种子期 (seed), 初创期 (start-up), 成长期 (growth), 成熟期 (mature)"),
                    )
                })?);
            }
            Kind::Tags => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                p.tags.extend(
                    t.split([',', '，', '、', ';', '；', '/', '|', '\n', ' ', '　'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            }
            Kind::Term => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                need.term_months = Some(read_term(v, col.unit)?);
            }
            Kind::Financing => {
                if is_placeholder(t) {
                    return Ok(None);
                }
                need.kind = Some(parse_fin_kind(t).ok_or_else(|| {
                    Msg::new(
                        format!("融资方式“{t}”无法识别（应为 贷款、股权融资、融资担保、保险 或 债券/票据）"),
                        format!("financing kind '{t}' is not one of loan, equity, guarantee, insurance, bond"),
                    )
                })?);
            }
        }
        Ok(None)
    }

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

#[derive(Default)]
struct QualState {
    held: Option<bool>,
    obtained: Option<NaiveDate>,
    number: String,
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

// ---------------------------------------------------------------------------------------------
// Cell readers

/// A warning when a count, amount or term cell was read as its number although it is written
/// as an approximation (`约500人`, `500人左右`, `近300万`, `一年左右`).
fn approximation(r: u32, col: &Column, v: &Value) -> Option<RowWarning> {
    let Value::Text(t) = v else {
        return None;
    };
    if t.is_ascii() || !matches!(col.field.kind(), Kind::Amount | Kind::Count | Kind::Term) {
        return None;
    }
    let hw = cells::half_width(t);
    let trimmed = hw
        .trim()
        .trim_end_matches('期')
        .trim_end_matches("以内")
        .trim();
    if strip_approx(trimmed) == trimmed {
        return None;
    }
    let (zh, en) = match col.field.kind() {
        Kind::Count => {
            let n = read_count(v).ok()??;
            (format!("{n}"), format!("{n}"))
        }
        Kind::Amount => {
            let y = read_amount(v, col.unit).ok()??;
            let w = money::fmt_wan_unit(y);
            (w.clone(), w)
        }
        Kind::Term => {
            let m = read_term(v, col.unit).ok()?;
            (format!("{m}个月"), format!("{m} months"))
        }
        _ => return None,
    };
    let letter = column_letter(col.col);
    let row = r + 1;
    Some(RowWarning {
        row,
        letter: letter.clone(),
        column: col.header.clone(),
        field: col.field.key().to_string(),
        value: t.clone(),
        message: Msg::new(
            format!(
                "第{row}行{letter}列“{}”的“{t}”是约数，已按 {zh} 导入，请核实",
                col.header
            ),
            format!(
                "row {row}, column {letter} '{}': '{t}' is an approximation, imported as {en}; please check",
                col.header
            ),
        ),
    })
}

fn strip_approx(t: &str) -> &str {
    t.trim()
        .trim_start_matches(['约', '近', '超', '逾'])
        .trim_start_matches("大约")
        .trim_end_matches("左右")
        .trim_end_matches(['余', '多'])
        .trim()
}

/// Exact decimal `[-]digits[.digits]` times `mult`, rounded half away from zero to whole 元.
/// `None` for anything else (separators, units, full-width digits: the general parser's job).
fn plain_decimal(t: &str, mult: i128) -> Option<Yuan> {
    let (neg, num) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty()
        || int.len() > 15
        || frac.len() > 12
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = |s: &str| s.bytes().fold(0i128, |a, d| a * 10 + (d - b'0') as i128);
    let scale = 10i128.pow(frac.len() as u32);
    let v = ((digits(int) * scale + digits(frac)) * mult + scale / 2) / scale;
    i64::try_from(if neg { -v } else { v }).ok()
}

fn read_amount(v: &Value, unit: Option<Unit>) -> Result<Option<Yuan>, Msg> {
    let bad = |t: &str| {
        Msg::new(
            format!("“{t}”不是有效的金额（例：1,234.5、500万元）"),
            format!("'{t}' is not a valid amount (e.g. 1,234.5 or 500万元)"),
        )
    };
    let text = match v {
        // Plain numbers need no text parsing: scale by the unit and round to whole 元.
        Value::Number(n) if n.is_finite() && n.abs() < 1e12 => {
            let mult = match unit.unwrap_or(Unit::Wan) {
                Unit::Yuan => 1.0,
                Unit::Thousand => 1_000.0,
                Unit::Wan | Unit::Months | Unit::Years => 10_000.0,
                Unit::Yi => 100_000_000.0,
            };
            return Ok(Some((n * mult).round() as Yuan));
        }
        Value::Number(n) => cells::number_text(*n),
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            if t.trim() == "无" {
                return Ok(Some(0));
            }
            if unit != Some(Unit::Thousand) {
                let mult = match unit.unwrap_or(Unit::Wan) {
                    Unit::Yuan => 1,
                    Unit::Yi => 100_000_000,
                    _ => 10_000,
                };
                if let Some(y) = plain_decimal(t.trim(), mult) {
                    return Ok(Some(y));
                }
            }
            let t = if t.is_ascii() {
                t.trim()
            } else {
                strip_approx(t)
            };
            cells::expand_scientific(t).into_owned()
        }
        other => return Err(bad(&other.display())),
    };
    let hw = cells::half_width(&text);
    let explicit = hw.trim_end().ends_with(['元', '万', '亿']);
    let parsed = if explicit {
        money::parse_amount(&hw, DefaultUnit::Wan)
    } else {
        match unit.unwrap_or(Unit::Wan) {
            Unit::Yuan => money::parse_amount(&hw, DefaultUnit::Yuan),
            Unit::Wan => money::parse_amount(&hw, DefaultUnit::Wan),
            Unit::Yi => money::parse_amount(&format!("{hw}亿"), DefaultUnit::Yuan),
            Unit::Thousand => money::parse_amount(&hw, DefaultUnit::Wan).map(|w| {
                if w >= 0 {
                    (w + 5) / 10
                } else {
                    (w - 5) / 10
                }
            }),
            Unit::Months | Unit::Years => money::parse_amount(&hw, DefaultUnit::Wan),
        }
    };
    parsed.map(Some).ok_or_else(|| bad(&v.display()))
}

fn read_count(v: &Value) -> Result<Option<u32>, Msg> {
    let bad = |t: &str| {
        Msg::new(
            format!("“{t}”不是有效的非负整数"),
            format!("'{t}' is not a whole non-negative number"),
        )
    };
    match v {
        Value::Number(n) => {
            if n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64 {
                Ok(Some(*n as u32))
            } else {
                Err(bad(&v.display()))
            }
        }
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            let tt = t.trim();
            if matches!(tt, "无" | "没有" | "暂无专利") {
                return Ok(Some(0));
            }
            if !tt.is_empty() && tt.len() <= 9 && tt.bytes().all(|b| b.is_ascii_digit()) {
                return tt.parse().map(Some).map_err(|_| bad(t));
            }
            money::parse_count(&cells::expand_scientific(strip_approx(t)))
                .map(Some)
                .ok_or_else(|| bad(t))
        }
        other => Err(bad(&other.display())),
    }
}

fn read_date(v: &Value) -> Result<Option<NaiveDate>, Msg> {
    let d = match v {
        Value::Date(d) => Some(*d),
        Value::Number(n) => cells::date_from_number(*n),
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            cells::parse_date_text(t)
        }
        _ => None,
    };
    let t = v.display();
    match d {
        Some(d) if cells::date_in_range(d) => Ok(Some(d)),
        Some(d) => Err(Msg::new(
            format!("日期“{t}”（{d}）不在合理范围（1949–2100年）"),
            format!("date '{t}' ({d}) is outside 1949–2100"),
        )),
        None => Err(Msg::new(
            format!("“{t}”不是有效日期（可写作 2019-03-05、2019/3/5、2019年3月5日、2019.3.5 或 20190305）"),
            format!("'{t}' is not a valid date (use 2019-03-05, 2019/3/5, 2019年3月5日, 2019.3.5 or 20190305)"),
        )),
    }
}

fn read_bool(v: &Value) -> Result<Option<bool>, Msg> {
    let b = match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) if *n == 1.0 => Some(true),
        Value::Number(n) if *n == 0.0 => Some(false),
        Value::Text(t) if is_placeholder(t) => return Ok(None),
        Value::Text(t) => parse_bool_text(t),
        _ => None,
    };
    let t = v.display();
    b.map(Some).ok_or_else(|| {
        Msg::new(
            format!("“{t}”应为“是”或“否”"),
            format!("'{t}' should be 是 (yes) or 否 (no)"),
        )
    })
}

/// A qualification cell: yes/no, the date obtained, or a certificate / registration number.
fn read_qualification(
    v: &Value,
    kind: QualificationKind,
    quals: &mut BTreeMap<QualificationKind, QualState>,
) -> Result<(), Msg> {
    let st = quals.entry(kind).or_default();
    match v {
        Value::Bool(b) => st.held = Some(*b),
        Value::Date(d) => {
            st.held = Some(true);
            st.obtained = Some(*d);
        }
        Value::Number(n) if *n == 1.0 || *n == 0.0 => st.held = Some(*n == 1.0),
        Value::Number(n) => match cells::date_from_number(*n) {
            Some(d)
                if n.fract() == 0.0 && *n < 100_000.0
                    || (19_000_101.0..=21_001_231.0).contains(n) =>
            {
                st.held = Some(true);
                st.obtained = Some(d);
            }
            _ => {
                st.held = Some(true);
                st.number = cells::number_text(*n);
            }
        },
        Value::Text(t) => {
            let t = t.trim();
            if is_placeholder(t) {
                return Ok(());
            }
            if let Some(b) = parse_bool_text(t) {
                st.held = Some(b);
                if b {
                    if let Some(d) = embedded_date(t) {
                        st.obtained = Some(d);
                    }
                }
            } else if let Some(d) = cells::parse_date_text(t) {
                st.held = Some(true);
                st.obtained = Some(d);
            } else if looks_like_number(t) {
                st.held = Some(true);
                st.number = fudao_core::text::to_half_width(t).to_ascii_uppercase();
            } else if t.contains("已")
                || t.contains(kind.label_zh())
                || t.contains("认定")
                || t.contains("入库")
            {
                st.held = Some(true);
                if let Some(d) = embedded_date(t) {
                    st.obtained = Some(d);
                }
            } else {
                return Err(Msg::new(
                    format!("“{t}”无法识别为{}情况（应为 是/否、取得日期或证书编号）", kind.label_zh()),
                    format!("'{t}' is not a {} status (use 是/否, the date obtained or the certificate number)", kind.label_en()),
                ));
            }
        }
        Value::Empty | Value::Error(_) => {}
    }
    Ok(())
}

/// A date inside a phrase: `是（2022年12月1日认定）`, `已认定 2021-11-30`.
fn embedded_date(t: &str) -> Option<NaiveDate> {
    let hw = cells::half_width(t);
    let start = hw.find(|c: char| c.is_ascii_digit())?;
    let rest = &hw[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日')))
        .unwrap_or(rest.len());
    let d = cells::parse_date_text(&rest[..end])?;
    // A bare year is not a date obtained.
    (rest[..end].chars().filter(|c| c.is_ascii_digit()).count() > 4).then_some(d)
}

fn looks_like_number(t: &str) -> bool {
    let hw = cells::half_width(t);
    let alnum = hw.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let digits = hw.chars().filter(char::is_ascii_digit).count();
    alnum >= 6 && digits >= 4 && hw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// 专精特新 level: 国家级/小巨人 → little giant, 省级 → provincial, 是 → provincial,
/// 否 → neither, 市级 → a tag (no such designation in the model).
fn read_srdi(
    v: &Value,
    quals: &mut BTreeMap<QualificationKind, QualState>,
    p: &mut FirmPatch,
) -> Result<(), Msg> {
    let t = v.display();
    let t = t.trim();
    if is_placeholder(t) {
        return Ok(());
    }
    if t.contains("小巨人") || t.contains("国家") {
        let st = quals.entry(QualificationKind::SrdiLittleGiant).or_default();
        st.held = Some(true);
        st.obtained = embedded_date(t);
        return Ok(());
    }
    if t.contains('省') {
        let st = quals.entry(QualificationKind::SrdiProvincial).or_default();
        st.held = Some(true);
        st.obtained = embedded_date(t);
        return Ok(());
    }
    if t.contains('市') {
        p.tags.push("市级专精特新".to_string());
        return Ok(());
    }
    if let Value::Date(d) = v {
        let st = quals.entry(QualificationKind::SrdiProvincial).or_default();
        st.held = Some(true);
        st.obtained = Some(*d);
        return Ok(());
    }
    match read_bool(v) {
        Ok(Some(true)) => {
            quals.entry(QualificationKind::SrdiProvincial).or_default().held = Some(true);
            Ok(())
        }
        Ok(Some(false)) => {
            for k in [QualificationKind::SrdiProvincial, QualificationKind::SrdiLittleGiant] {
                let st = quals.entry(k).or_default();
                if st.held.is_none() {
                    st.held = Some(false);
                }
            }
            Ok(())
        }
        _ => Err(Msg::new(
            format!("专精特新“{t}”无法识别（应为 省级、国家级（小巨人）、是 或 否）"),
            format!("专精特新 (SRDI) '{t}' is not one of 省级 (provincial), 国家级/小巨人 (national), 是, 否"),
        )),
    }
}

fn parse_stage(t: &str) -> Option<Stage> {
    Stage::parse(t).or_else(|| {
        let pairs = [
            ("种子", Stage::Seed),
            ("初创", Stage::Startup),
            ("创业", Stage::Startup),
            ("成长", Stage::Growth),
            ("成熟", Stage::Mature),
        ];
        pairs.iter().find(|(w, _)| t.contains(w)).map(|(_, s)| *s)
    })
}

fn parse_fin_kind(t: &str) -> Option<FinancingKind> {
    FinancingKind::parse(t).or_else(|| {
        let pairs = [
            ("贷", FinancingKind::Loan),
            ("信贷", FinancingKind::Loan),
            ("授信", FinancingKind::Loan),
            ("股权", FinancingKind::Equity),
            ("投资", FinancingKind::Equity),
            ("风投", FinancingKind::Equity),
            ("担保", FinancingKind::Guarantee),
            ("保险", FinancingKind::Insurance),
            ("债", FinancingKind::Bond),
            ("票据", FinancingKind::Bond),
        ];
        // The kind named first in the text wins (`贷款、股权` → loan).
        pairs
            .iter()
            .filter_map(|(w, k)| t.find(w).map(|i| (i, *k)))
            .min_by_key(|(i, _)| *i)
            .map(|(_, k)| k)
    })
}

/// A Jinan district or county code; `Ok(None)` for a functional zone (kept as a tag).
fn parse_district(t: &str) -> Result<Option<String>, Msg> {
    let key: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(code) = region::district_code(&key) {
        return Ok(Some(code.to_string()));
    }
    if functional_zone(&key).is_some() {
        return Ok(None);
    }
    Err(Msg::new(
        format!("区县“{t}”不是济南市的区县（如 历下区、市中区、章丘区、平阴县）"),
        format!("'{t}' is not a district or county of Jinan (e.g. 历下区, 章丘区)"),
    ))
}

fn functional_zone(t: &str) -> Option<&'static str> {
    let key: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    FUNCTIONAL_ZONES
        .iter()
        .find(|z| key == **z || key.ends_with(*z) || key.starts_with(*z))
        .copied()
}

/// Industry: a GB/T 4754 code at the start (`C3911`, `C 制造业`) is kept as written; a
/// Chinese section name gives its letter.
fn industry_code(t: &str) -> Option<String> {
    let hw = cells::half_width(t);
    let token: String = hw
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if !token.is_empty() {
        let mut chars = token.chars();
        let letter_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        let rest_digits = chars.all(|c| c.is_ascii_digit());
        if letter_ok
            && rest_digits
            && token.len() <= 5
            && region::industry_section(&token).is_some()
        {
            return Some(token);
        }
    }
    region::industry_from_text(&hw).map(str::to_string)
}

fn chinese_number(s: &str) -> Option<f64> {
    let map = [
        ("半", 0.5),
        ("一", 1.0),
        ("两", 2.0),
        ("二", 2.0),
        ("三", 3.0),
        ("四", 4.0),
        ("五", 5.0),
        ("六", 6.0),
        ("七", 7.0),
        ("八", 8.0),
        ("九", 9.0),
        ("十", 10.0),
        ("十二", 12.0),
        ("十八", 18.0),
        ("二十四", 24.0),
        ("三十六", 36.0),
    ];
    map.iter().find(|(w, _)| *w == s).map(|(_, n)| *n)
}

/// A term in months: `12`, `12个月`, `1年`, `一年期`, `半年`, `3年`; a bare number is in the
/// header's unit, else ≤ 5 means years (nobody asks for a 3-month "期限" without saying so)
/// and larger means months.
fn read_term(v: &Value, unit: Option<Unit>) -> Result<u32, Msg> {
    let t = v.display();
    let bad = || {
        Msg::new(
            format!("期限“{t}”无法识别（例：12、12个月、1年）"),
            format!("term '{t}' is not understood (e.g. 12, 12个月, 1年)"),
        )
    };
    let hw = cells::half_width(&t);
    let s = hw
        .trim()
        .trim_end_matches('期')
        .trim_end_matches("以内")
        .trim();
    let s = strip_approx(s);
    let (num, u) = if let Some(n) = s.strip_suffix("个月").or_else(|| s.strip_suffix('月')) {
        (n, Some(Unit::Months))
    } else if let Some(n) = s.strip_suffix('年') {
        (n, Some(Unit::Years))
    } else {
        (s, None)
    };
    let n: f64 = match num.trim().parse::<f64>() {
        Ok(n) => n,
        Err(_) => chinese_number(num.trim()).ok_or_else(bad)?,
    };
    if !(n > 0.0 && n <= 600.0) {
        return Err(bad());
    }
    let unit = u
        .or(unit)
        .unwrap_or(if n <= 5.0 { Unit::Years } else { Unit::Months });
    let months = if unit == Unit::Years { n * 12.0 } else { n };
    if months.fract() != 0.0 {
        return Err(bad());
    }
    Ok(months as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn amounts_with_units() {
        let n = |x: f64| Value::Number(x);
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(
            read_amount(&n(1234.5), Some(Unit::Wan)),
            Ok(Some(12_345_000))
        );
        assert_eq!(read_amount(&n(1234.5), Some(Unit::Yuan)), Ok(Some(1235)));
        assert_eq!(read_amount(&t("1,234.5"), None), Ok(Some(12_345_000)));
        assert_eq!(
            read_amount(&t("500万元"), Some(Unit::Yuan)),
            Ok(Some(5_000_000))
        );
        assert_eq!(
            read_amount(&t("1.5"), Some(Unit::Yi)),
            Ok(Some(150_000_000))
        );
        assert_eq!(
            read_amount(&t("1.5"), Some(Unit::Thousand)),
            Ok(Some(1_500))
        );
        assert_eq!(
            read_amount(&t("约300万"), Some(Unit::Yuan)),
            Ok(Some(3_000_000))
        );
        assert_eq!(read_amount(&t("-"), None), Ok(None));
        assert_eq!(
            read_amount(&t("-12.5"), Some(Unit::Wan)),
            Ok(Some(-125_000))
        );
        let e = read_amount(&t("三百万"), None).unwrap_err();
        assert!(e.zh.contains("“三百万”不是有效的金额"), "{}", e.zh);
    }

    #[test]
    fn plain_decimals_are_exact() {
        assert_eq!(plain_decimal("1234.5", 10_000), Some(12_345_000));
        assert_eq!(
            plain_decimal("0.00005", 10_000),
            Some(1),
            "half rounds away from zero"
        );
        assert_eq!(plain_decimal("-12.34567", 10_000), Some(-123_457));
        assert_eq!(plain_decimal("7", 1), Some(7));
        assert_eq!(plain_decimal("1,234", 1), None);
        assert_eq!(plain_decimal("12万", 1), None);
        assert_eq!(plain_decimal(".", 1), None);
        assert_eq!(plain_decimal("1.2.3", 1), None);
        // The fast path agrees with the general parser.
        for t in ["0.1", "99999.9999", "3.14159", "100", "-0.5"] {
            assert_eq!(
                plain_decimal(t, 10_000),
                money::parse_amount(t, DefaultUnit::Wan),
                "{t}"
            );
        }
    }

    #[test]
    fn counts_terms_kinds() {
        assert_eq!(read_count(&Value::Text("12人".into())), Ok(Some(12)));
        assert_eq!(read_count(&Value::Number(12.0)), Ok(Some(12)));
        assert_eq!(read_count(&Value::Text("无".into())), Ok(Some(0)));
        assert!(read_count(&Value::Number(12.5)).is_err());
        assert!(read_count(&Value::Text("十二".into())).is_err());
        let term = |s: &str, u| read_term(&Value::Text(s.into()), u);
        assert_eq!(term("12个月", None), Ok(12));
        assert_eq!(term("1年", None), Ok(12));
        assert_eq!(term("一年期", None), Ok(12));
        assert_eq!(term("半年", None), Ok(6));
        assert_eq!(term("3", None), Ok(36));
        assert_eq!(term("24", None), Ok(24));
        assert_eq!(term("3", Some(Unit::Months)), Ok(3));
        assert_eq!(term("2", Some(Unit::Years)), Ok(24));
        assert!(term("长期", None).is_err());
        assert_eq!(parse_fin_kind("银行贷款"), Some(FinancingKind::Loan));
        assert_eq!(parse_fin_kind("股权融资"), Some(FinancingKind::Equity));
        assert_eq!(parse_fin_kind("贷款、股权"), Some(FinancingKind::Loan));
        assert_eq!(parse_fin_kind("担保"), Some(FinancingKind::Guarantee));
        assert_eq!(parse_fin_kind("众筹"), None);
        assert_eq!(parse_stage("成长期"), Some(Stage::Growth));
        assert_eq!(parse_stage("growth"), Some(Stage::Growth));
        assert_eq!(industry_code("C3911 计算机制造"), Some("C3911".into()));
        assert_eq!(industry_code("制造业"), Some("C".into()));
        assert_eq!(industry_code("i"), Some("I".into()));
        assert_eq!(industry_code("新一代信息技术"), None);
    }

    #[test]
    fn qualification_cells() {
        let mut q = BTreeMap::new();
        read_qualification(
            &Value::Text("GR202237000123".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        read_qualification(
            &Value::Text("2022年12月1日".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        let st = &q[&QualificationKind::HighTech];
        assert_eq!(st.held, Some(true));
        assert_eq!(st.number, "GR202237000123");
        assert_eq!(st.obtained, NaiveDate::from_ymd_opt(2022, 12, 1));
        let mut q = BTreeMap::new();
        read_qualification(
            &Value::Text("是（2021-11-30认定）".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        assert_eq!(
            q[&QualificationKind::HighTech].obtained,
            NaiveDate::from_ymd_opt(2021, 11, 30)
        );
        let e = read_qualification(
            &Value::Text("不清楚".into()),
            QualificationKind::TechSme,
            &mut q,
        )
        .unwrap_err();
        assert!(
            e.zh.contains("“不清楚”无法识别为科技型中小企业情况"),
            "{}",
            e.zh
        );
    }
}
