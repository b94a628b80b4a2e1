//! Reading a sheet into a plain grid of values, whatever the file format.

use crate::limits::{
    check_text, Budget, Limit, Over, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_HTML_COLSPAN,
    MAX_MERGES, MAX_XML_BYTES, MAX_XML_RUN,
};
use crate::IoError;
use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

mod html;
#[cfg(test)]
mod tests;
mod text;
mod xlsx;

use html::{html_grid, looks_like_html};
pub(crate) use text::decode_text;
use text::delimited_grid;
use xlsx::{datetime_value, scan_zip, xlsx_grid, xlsx_merges, XlsxFail, ZipInfo};

/// One cell's value, format-independent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A spreadsheet error value such as `#REF!`.
    Error(String),
}

impl Value {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    /// The value as the user would read it in the cell.
    pub(crate) fn display(&self) -> String {
        self.text().into_owned()
    }

    /// [`Value::display`] without copying text cells.
    pub(crate) fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Text(s) => Cow::Borrowed(s),
            Value::Number(n) => Cow::Owned(crate::cells::number_text(*n)),
            Value::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Value::Error(e) => Cow::Borrowed(e),
        }
    }
}

/// A merged region, absolute 0-based inclusive coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub r1: u32,
    pub c1: u32,
    pub r2: u32,
    pub c2: u32,
}

/// A sheet as rows of values. `rows[i]` is absolute sheet row `first_row + i` (0-based), and
/// `rows[i][j]` absolute column `j` (every row starts at column A).
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    pub sheet_name: String,
    pub first_row: u32,
    pub rows: Vec<Vec<Value>>,
    pub merges: Vec<Merge>,
    /// Text decoded as UTF-8 although some bytes were not: those show as U+FFFD.
    pub lossy: bool,
}

impl Grid {
    pub(crate) fn get(&self, abs_row: u32, col: u32) -> &Value {
        static EMPTY: Value = Value::Empty;
        abs_row
            .checked_sub(self.first_row)
            .and_then(|i| self.rows.get(i as usize))
            .and_then(|r| r.get(col as usize))
            .unwrap_or(&EMPTY)
    }

    pub(crate) fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    pub(crate) fn end_row(&self) -> u32 {
        self.first_row + self.rows.len() as u32
    }
}

/// The kinds of file recognised by content (not by extension: offices rename files freely).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Ole,
    Text,
}

fn sniff(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else {
        Kind::Text
    }
}

/// A workbook opened for reading: its sheet names and a way to load one of them.
pub(crate) enum Book {
    /// A workbook; for .xlsx also what the archive scan found (merged cells by sheet part,
    /// so the sheet's XML is not parsed a second time for them).
    Sheets(Box<Sheets<Cursor<Vec<u8>>>>, Option<ZipInfo>),
    Text(Grid),
}

fn too_large(path: &Path, (limit, found, r, c): Over) -> IoError {
    let at = match limit {
        Limit::Rows | Limit::Columns | Limit::Cells | Limit::CellChars => Some((r, c)),
        _ => None,
    };
    IoError::TooLarge {
        path: path.to_path_buf(),
        limit,
        found,
        at,
    }
}

pub(crate) fn open(path: &Path) -> Result<Book, IoError> {
    let io = |source| IoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(path, (Limit::FileSize, size, 0, 0)));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    {
        use std::io::Read;
        // The file may have grown since: read one byte past the bound at most.
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path, (Limit::FileSize, bytes.len() as u64, 0, 0)));
    }
    let bad = |detail: String| IoError::Spreadsheet {
        path: path.to_path_buf(),
        detail,
    };
    match sniff(&bytes) {
        Kind::Ole => {
            check_cfb(&bytes).map_err(|e| {
                bad(format!(
                    "文件结构已损坏，请在 Excel/WPS 中打开并另存为 .xlsx 后再导入 (damaged compound file: {e})"
                ))
            })?;
            let xls = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::XlsError| bad(e.to_string()))?;
            Ok(Book::Sheets(Box::new(Sheets::Xls(xls)), None))
        }
        Kind::Zip => {
            // Every XML part is streamed once, counting, before any parser sees it.
            let info = scan_zip(&bytes).map_err(|(l, n)| too_large(path, (l, n, 0, 0)))?;
            let rs = Cursor::new(bytes);
            match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(rs.clone()) {
                Ok(x) => Ok(Book::Sheets(Box::new(Sheets::Xlsx(x)), Some(info))),
                Err(xlsx_err) => calamine::open_workbook_auto_from_rs(rs)
                    .map(|s| Book::Sheets(Box::new(s), None))
                    .map_err(|_| bad(xlsx_err.to_string())),
            }
        }
        Kind::Text => {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (text, lossy) = decode_text(bytes);
            let mut grid = if looks_like_html(&text) {
                html_grid(&text, name).map_err(|o| too_large(path, o))?
            } else {
                if text.contains('\0') {
                    return Err(bad(
                        "不是文本或电子表格文件 (binary file of unknown format)".into(),
                    ));
                }
                delimited_grid(&text, name).map_err(|o| too_large(path, o))?
            };
            grid.lossy = lossy;
            clamp_merges(&mut grid).map_err(|o| too_large(path, o))?;
            Ok(Book::Text(grid))
        }
    }
}

impl Book {
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Sheets(s, _) => s
                .sheets_metadata()
                .iter()
                .filter(|m| m.visible == calamine::SheetVisible::Visible)
                .map(|m| m.name.clone())
                .collect(),
            Book::Text(g) => vec![g.sheet_name.clone()],
        }
    }

    pub(crate) fn load(&mut self, name: &str, path: &Path) -> Result<Grid, IoError> {
        match self {
            Book::Text(g) => Ok(std::mem::take(g)),
            Book::Sheets(s, info) => {
                let bad = |detail: String| IoError::Spreadsheet {
                    path: path.to_path_buf(),
                    detail,
                };
                let mut grid = if let Sheets::Xlsx(x) = s.as_mut() {
                    let mut grid = match xlsx_grid(x, name) {
                        Ok(g) => g,
                        Err(XlsxFail::Calamine(e)) => return Err(bad(e.to_string())),
                        Err(XlsxFail::Over(o)) => return Err(too_large(path, o)),
                    };
                    grid.merges = match info.as_ref().and_then(|i| xlsx_merges(i, name)) {
                        Some(m) => m,
                        None => x
                            .merge_cells_by_sheet_name(name)
                            .unwrap_or_default()
                            .into_iter()
                            .map(merge_of)
                            .collect(),
                    };
                    grid
                } else {
                    let range = s.worksheet_range(name).map_err(|e| bad(e.to_string()))?;
                    let merges = match s.as_mut() {
                        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    range_grid(range, merges, name).map_err(|o| too_large(path, o))?
                };
                clamp_merges(&mut grid).map_err(|o| too_large(path, o))?;
                Ok(grid)
            }
        }
    }
}

/// Checks an OLE compound file (legacy `.xls`) with the `cfb` crate before calamine reads it:
/// calamine follows sector chains as they are written, so a chain that loops or points past
/// the file made it allocate without bound (found by fuzzing: 4 GiB from a 5 KB file). `cfb`
/// refuses sectors pointed to twice and chains returning to their start; every stream is
/// opened (its chain followed) and may be no longer than the file.
fn check_cfb(bytes: &[u8]) -> std::io::Result<()> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))?;
    let streams: Vec<std::path::PathBuf> = cf
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    for p in streams {
        let len = cf.open_stream(&p)?.len();
        if len > bytes.len() as u64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("stream {} claims {len} bytes", p.display()),
            ));
        }
    }
    Ok(())
}

/// Clamps merged regions to the grid's real size (the rows and columns that hold values) and
/// drops those outside it; refuses when they cover more than [`MAX_CELLS`] cells together.
fn clamp_merges(grid: &mut Grid) -> Result<(), Over> {
    let (h, w) = (grid.end_row(), grid.width() as u32);
    if h == 0 || w == 0 {
        grid.merges.clear();
        return Ok(());
    }
    grid.merges.retain_mut(|m| {
        if m.r1 > m.r2 || m.c1 > m.c2 || m.r1 >= h || m.c1 >= w {
            return false;
        }
        m.r2 = m.r2.min(h - 1);
        m.c2 = m.c2.min(w - 1);
        m.r2 > m.r1 || m.c2 > m.c1
    });
    let mut area = 0u64;
    for m in &grid.merges {
        area += (m.r2 - m.r1 + 1) as u64 * (m.c2 - m.c1 + 1) as u64;
        if area > MAX_CELLS {
            return Err((Limit::Merges, area, m.r1, m.c1));
        }
    }
    Ok(())
}

fn merge_of(d: calamine::Dimensions) -> Merge {
    Merge {
        r1: d.start.0,
        c1: d.start.1,
        r2: d.end.0,
        c2: d.end.1,
    }
}

fn range_grid(
    range: calamine::Range<Data>,
    merges: Vec<calamine::Dimensions>,
    name: &str,
) -> Result<Grid, Over> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut budget = Budget::default();
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let abs = first_row as usize + i;
        let Some(last) = r.iter().rposition(|d| !matches!(d, Data::Empty)) else {
            budget.row(abs, 0)?;
            rows.push(Vec::new());
            continue;
        };
        let len = first_col as usize + last + 1;
        budget.row(abs, len)?;
        let mut row = Vec::with_capacity(len);
        row.resize(first_col as usize, Value::Empty);
        for (j, d) in r[..=last].iter().enumerate() {
            if let Data::String(t) = d {
                check_text(t)
                    .map_err(|n| (Limit::CellChars, n, abs as u32, first_col + j as u32))?;
            }
            row.push(convert(d));
        }
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    Ok(Grid {
        sheet_name: name.to_string(),
        first_row,
        rows,
        merges: merges.into_iter().map(merge_of).collect(),
        lossy: false,
    })
}

fn convert(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => text_value(s),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => datetime_value(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => text_value(s),
        Data::Error(e) => Value::Error(format!("{e}")),
    }
}

fn text_value(s: &str) -> Value {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}');
    if t.is_empty() {
        Value::Empty
    } else if t.len() == s.len() {
        Value::Text(s.to_string())
    } else {
        Value::Text(t.to_string())
    }
}
