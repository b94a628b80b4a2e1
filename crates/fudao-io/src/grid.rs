//! Reading a sheet into a plain grid of values, whatever the file format.

use crate::IoError;
use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use std::io::Cursor;
use std::path::Path;

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
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Number(n) => crate::cells::number_text(*n),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Error(e) => e.clone(),
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
    Sheets(Box<Sheets<Cursor<Vec<u8>>>>),
    Text(Grid),
}

pub(crate) fn open(path: &Path) -> Result<Book, IoError> {
    let bytes = std::fs::read(path).map_err(|source| IoError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |detail: String| IoError::Spreadsheet {
        path: path.to_path_buf(),
        detail,
    };
    match sniff(&bytes) {
        Kind::Ole => {
            let xls = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::XlsError| bad(e.to_string()))?;
            Ok(Book::Sheets(Box::new(Sheets::Xls(xls))))
        }
        Kind::Zip => {
            let rs = Cursor::new(bytes);
            match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(rs.clone()) {
                Ok(x) => Ok(Book::Sheets(Box::new(Sheets::Xlsx(x)))),
                Err(xlsx_err) => calamine::open_workbook_auto_from_rs(rs)
                    .map(|s| Book::Sheets(Box::new(s)))
                    .map_err(|_| bad(xlsx_err.to_string())),
            }
        }
        Kind::Text => {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = decode_text(&bytes);
            if looks_like_html(&text) {
                return Ok(Book::Text(crate::grid::html_grid(&text, name)));
            }
            if text.contains('\0') {
                return Err(bad(
                    "不是文本或电子表格文件 (binary file of unknown format)".into(),
                ));
            }
            Ok(Book::Text(delimited_grid(&text, name)))
        }
    }
}

impl Book {
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Sheets(s) => s
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
            Book::Text(g) => Ok(g.clone()),
            Book::Sheets(s) => {
                let bad = |detail: String| IoError::Spreadsheet {
                    path: path.to_path_buf(),
                    detail,
                };
                let range = s.worksheet_range(name).map_err(|e| bad(e.to_string()))?;
                let merges = match s.as_mut() {
                    Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
                    Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
                    _ => Vec::new(),
                };
                Ok(range_grid(range, merges, name))
            }
        }
    }
}

fn range_grid(range: calamine::Range<Data>, merges: Vec<calamine::Dimensions>, name: &str) -> Grid {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::with_capacity(range.height());
    for r in range.rows() {
        let mut row = Vec::with_capacity(first_col as usize + r.len());
        row.resize(first_col as usize, Value::Empty);
        row.extend(r.iter().map(convert));
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    Grid {
        sheet_name: name.to_string(),
        first_row,
        rows,
        merges: merges
            .into_iter()
            .map(|d| Merge {
                r1: d.start.0,
                c1: d.start.1,
                r2: d.end.0,
                c2: d.end.1,
            })
            .collect(),
    }
}

fn convert(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => text_value(s),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => {
            // Time-only or duration formats would give 1899/1900 dates: keep the number.
            match dt.as_datetime() {
                Some(t) if dt.is_datetime() && dt.as_f64() >= 1.0 => Value::Date(t.date()),
                _ => Value::Number(dt.as_f64()),
            }
        }
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

/// Decodes text files: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
/// otherwise GB18030 (a superset of GBK and GB2312, what Chinese Excel saves as CSV).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            text.into_owned()
        }
    }
}

/// Picks the delimiter that splits the first lines most consistently.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, d as char))
            .collect();
        // The delimiter giving the largest number of fields that most lines agree on.
        let mut freq = std::collections::HashMap::new();
        for c in counts.iter().filter(|c| **c > 0) {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let score = freq
            .iter()
            .map(|(n, lines)| lines * 1000 + n)
            .max()
            .unwrap_or(0);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == d && !quoted {
            n += 1;
        }
    }
    n
}

pub(crate) fn delimited_grid(text: &str, name: String) -> Grid {
    let delim = detect_delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    // A malformed record (e.g. an unbalanced quote) ends the usable data; the csv crate is
    // lenient with quotes, so this is rare.
    while let Ok(true) = rdr.read_record(&mut rec) {
        let mut row: Vec<Value> = rec.iter().map(text_value).collect();
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    Grid {
        sheet_name: name,
        first_row: 0,
        rows,
        merges: Vec::new(),
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    head.trim_start().starts_with('<') && (head.contains("<table") || head.contains("<html"))
}

/// Some government systems export "xls" files that are really HTML tables. Reads the first
/// table's rows and cells, honouring `colspan` / `rowspan` as merged regions.
pub(crate) fn html_grid(text: &str, name: String) -> Grid {
    let lower = text.to_ascii_lowercase();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut merges = Vec::new();
    // Cells pushed down by an earlier rowspan: (row, col).
    let mut occupied = std::collections::HashSet::new();
    let table_end = lower.find("</table").unwrap_or(lower.len());
    let mut pos = lower.find("<table").unwrap_or(0);
    while let Some(tr) = lower[pos..table_end].find("<tr") {
        let row_start = pos + tr;
        let row_end = lower[row_start + 3..table_end]
            .find("<tr")
            .map(|i| row_start + 3 + i)
            .unwrap_or(table_end);
        let r = rows.len() as u32;
        let mut row = Vec::new();
        let mut col = 0u32;
        let mut cpos = row_start;
        while let Some(cell) = find_cell(&lower[cpos..row_end]) {
            let open = cpos + cell;
            let Some(gt) = lower[open..row_end].find('>') else {
                break;
            };
            let attrs = &lower[open..open + gt];
            let content_start = open + gt + 1;
            let content_end = find_cell(&lower[content_start..row_end])
                .map(|i| content_start + i)
                .unwrap_or(row_end);
            let close = lower[content_start..content_end]
                .find("</t")
                .map(|i| content_start + i)
                .unwrap_or(content_end);
            while occupied.contains(&(r, col)) {
                row.push(Value::Empty);
                col += 1;
            }
            let value = text_value(&html_text(&text[content_start..close]));
            let colspan = attr_num(attrs, "colspan").max(1);
            let rowspan = attr_num(attrs, "rowspan").max(1);
            if colspan > 1 || rowspan > 1 {
                merges.push(Merge {
                    r1: r,
                    c1: col,
                    r2: r + rowspan - 1,
                    c2: col + colspan - 1,
                });
                for dr in 0..rowspan {
                    for dc in 0..colspan {
                        if dr > 0 {
                            occupied.insert((r + dr, col + dc));
                        }
                    }
                }
            }
            row.push(value);
            for _ in 1..colspan {
                row.push(Value::Empty);
            }
            col += colspan;
            cpos = content_end;
        }
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
        pos = row_end;
        if row_end >= table_end {
            break;
        }
    }
    Grid {
        sheet_name: name,
        first_row: 0,
        rows,
        merges,
    }
}

fn find_cell(s: &str) -> Option<usize> {
    let td = s.find("<td");
    let th = s.find("<th");
    match (td, th) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn attr_num(attrs: &str, name: &str) -> u32 {
    let Some(i) = attrs.find(name) else {
        return 1;
    };
    let rest = attrs[i + name.len()..].trim_start_matches([' ', '=', '"', '\'']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(1)
}

/// Strips tags and decodes the common entities.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_utf8_and_gbk() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("企业名称".as_bytes());
        assert_eq!(decode_text(&b), "企业名称");
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,统一社会信用代码");
        assert_eq!(decode_text(&gbk), "企业名称,统一社会信用代码");
        let mut u16 = vec![0xFF, 0xFE];
        for unit in "名称\t代码".encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(&u16), "名称\t代码");
    }

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(detect_delimiter("a,b;c\n\"1,5\";2;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
    }

    #[test]
    fn reads_html_tables_with_spans() {
        let g = html_grid(
            "<html><table><tr><td colspan=2>标题</td></tr>\
             <tr><th>企业名称</th><th>区县</th></tr>\
             <tr><td>甲&amp;乙</td><td rowspan=\"2\">历下区</td></tr>\
             <tr><td>丙</td></tr></table></html>",
            "x".into(),
        );
        assert_eq!(g.rows.len(), 4);
        assert_eq!(g.rows[2][0], Value::Text("甲&乙".into()));
        assert_eq!(g.rows[3][0], Value::Text("丙".into()));
        assert_eq!(
            g.merges,
            [
                Merge {
                    r1: 0,
                    c1: 0,
                    r2: 0,
                    c2: 1
                },
                Merge {
                    r1: 2,
                    c1: 1,
                    r2: 3,
                    c2: 1
                }
            ]
        );
    }
}
