//! Layout analysis: the header row(s), the sheet's unit, and which column is which field.

use super::mapping::header_key;
use super::{column_letter, ColumnChoice, ColumnMap};
use crate::cells;
use crate::fields::{self, Field, Kind, Quality, Unit};
use crate::grid::{Grid, Merge, Value};
use crate::IoError;
use fudao_core::{uscc, Msg};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) struct Column {
    pub(super) col: u32,
    pub(super) header: String,
    pub(super) field: Field,
    pub(super) unit: Option<Unit>,
    pub(super) year: Option<i32>,
    pub(super) mapped: bool,
    /// A 主营业务收入 column that also fills revenue: the sheet has no revenue column.
    pub(super) also_revenue: bool,
}

pub(super) struct Layout {
    pub(super) header_row: u32,
    pub(super) data_start: u32,
    pub(super) columns: Vec<Column>,
    pub(super) unknown: Vec<String>,
    pub(super) notes: Vec<Msg>,
    /// 序号 columns: their numbers alone do not make a row.
    pub(super) seq_cols: BTreeSet<u32>,
}

const HEADER_SCAN_ROWS: u32 = 20;

/// Values of header-area cells with merged regions filled.
pub(super) struct HeaderView<'a> {
    pub(super) grid: &'a Grid,
    pub(super) fill: HashMap<(u32, u32), (u32, u32)>,
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

pub(super) fn clean_header(s: &str) -> String {
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
pub(super) fn analyze(grid: &Grid, map: &ColumnMap) -> Result<Option<Layout>, IoError> {
    let width = grid.width() as u32;
    if width == 0 {
        return Ok(None);
    }
    let scan_end = grid.end_row().min(grid.first_row + HEADER_SCAN_ROWS);
    let view = HeaderView::new(grid, scan_end + 1);
    let Some(header_rows) = find_header_rows(grid, &view, (width, scan_end), map) else {
        return Ok(None);
    };
    let last_header = header_rows[header_rows.len() - 1];
    let sheet_unit = sheet_unit(grid, &view, width, header_rows[0]);
    let mut found = Candidates::default();
    found.read(&view, width, &header_rows, map, sheet_unit);
    check_mapping(grid, map, &found)?;
    let Candidates {
        candidates,
        mut unknown,
        seq_cols,
        ..
    } = found;
    let mut notes = Vec::new();
    let mut columns = choose_columns(candidates, &mut unknown, &mut notes);
    main_business_fills_revenue(&mut columns, &mut notes);
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

/// The header row (best-scoring row naming the USCC or the name among the first rows), with
/// a group row above or a sub-header row (fields or years) below when merges say so.
fn find_header_rows(
    grid: &Grid,
    view: &HeaderView,
    (width, scan_end): (u32, u32),
    map: &ColumnMap,
) -> Option<Vec<u32>> {
    let mut best: Option<(u32, u32)> = None;
    for r in grid.first_row..scan_end {
        let (score, key) = score_row(view, r, width, map);
        if key && score >= 2 && best.is_none_or(|(_, s)| score > s) {
            best = Some((r, score));
        }
    }
    let (h, _) = best?;

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
        let sub = score_row(view, h + 1, width, map).0;
        let has_key_value =
            (0..width).any(|c| uscc::validate(&uscc::normalize(&view.text(h + 1, c))).is_ok());
        if !has_key_value && (sub > 0 || year_row(view, h + 1, width)) {
            header_rows.push(h + 1);
        }
    }
    Some(header_rows)
}

/// A `单位：万元` line in the title rows sets the default money unit.
fn sheet_unit(grid: &Grid, view: &HeaderView, width: u32, first_header: u32) -> Option<Unit> {
    let mut sheet_unit = None;
    'title: for r in grid.first_row..first_header {
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

    sheet_unit
}

/// The columns whose headers name a field, with the match quality and rank; the others.
#[derive(Default)]
struct Candidates {
    candidates: Vec<(Column, Quality, usize)>,
    unknown: Vec<String>,
    seq_cols: BTreeSet<u32>,
    all_headers: Vec<String>,
    /// Headers (as [`header_key`]) the caller's map names that the sheet has.
    mapped_seen: BTreeSet<String>,
}

impl Candidates {
    fn read(
        &mut self,
        view: &HeaderView,
        width: u32,
        header_rows: &[u32],
        map: &ColumnMap,
        sheet_unit: Option<Unit>,
    ) {
        for c in 0..width {
            let mut texts: Vec<String> = Vec::new();
            for &r in header_rows {
                let t = view.text(r, c);
                if !t.is_empty() && !texts.contains(&t) {
                    texts.push(t);
                }
            }
            if texts.is_empty() {
                continue;
            }
            let header = texts.join("/");
            self.all_headers.push(header.clone());
            let choice = map.get(&header);
            if choice.is_some() {
                self.mapped_seen.insert(header_key(&header));
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
                self.unknown.push(header);
                continue;
            };
            if field == Field::Seq {
                self.seq_cols.insert(c);
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
            self.candidates.push((
                Column {
                    col: c,
                    header,
                    field,
                    unit,
                    year,
                    mapped: matches!(choice, Some(ColumnChoice::Field(_))),
                    also_revenue: false,
                },
                quality,
                rank,
            ));
        }
    }
}

/// Every header the map names is in the sheet; a mapped column shares its field (and year)
/// with no other column.
fn check_mapping(grid: &Grid, map: &ColumnMap, found: &Candidates) -> Result<(), IoError> {
    if let Some((header, _)) = map
        .iter()
        .find(|(h, _)| !found.mapped_seen.contains(&header_key(h)))
    {
        return Err(IoError::MappedHeaderMissing {
            header: header.to_string(),
            sheet: grid.sheet_name.clone(),
            available: found.all_headers.clone(),
        });
    }
    // A mapped column may not share its field (and year) with another column.
    for (col, _, _) in found.candidates.iter().filter(|(c, _, _)| c.mapped) {
        if matches!(col.field.kind(), Kind::Qual(_) | Kind::Srdi) {
            continue;
        }
        if let Some((other, _, _)) = found
            .candidates
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
    Ok(())
}

/// One column per field (per year for figures), the best match; qualification columns may
/// repeat. A dropped column is noted and listed as unknown.
fn choose_columns(
    candidates: Vec<(Column, Quality, usize)>,
    unknown: &mut Vec<String>,
    notes: &mut Vec<Msg>,
) -> Vec<Column> {
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
    columns
}

/// A sub-header row made of years (`2023年`, `2024年`) under a merged group.
fn year_row(view: &HeaderView, r: u32, width: u32) -> bool {
    (0..width).any(|c| {
        let t = view.text(r, c);
        !t.is_empty() && t.chars().count() <= 8 && cells::year_in_header(&t).is_some()
    })
}

/// Without any revenue (营业收入) column, the 主营业务收入 columns fill revenue too, each with a
/// note naming the column: main-business revenue is part of revenue, so this is an
/// approximation the user should know of.
fn main_business_fills_revenue(columns: &mut [Column], notes: &mut Vec<Msg>) {
    if columns.iter().any(|c| c.field == Field::Revenue) {
        return;
    }
    for col in columns
        .iter_mut()
        .filter(|c| c.field == Field::MainBusinessRevenue)
    {
        col.also_revenue = true;
        let letter = column_letter(col.col);
        notes.push(Msg::new(
            format!(
                "注意：表中没有“营业收入”列，{letter}列“{}”的主营业务收入同时作为营业收入导入，请核实（营业收入通常大于主营业务收入）",
                col.header
            ),
            format!(
                "warning: the sheet has no revenue (营业收入) column, so column {letter} '{}' (main-business revenue) is also imported as revenue; please check (revenue is usually larger than main-business revenue)",
                col.header
            ),
        ));
    }
}
