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
    /// A workbook; for .xlsx also the file bytes, to find merged cells without a second XML
    /// parse of the sheet.
    Sheets(Box<Sheets<Cursor<Vec<u8>>>>, Option<Vec<u8>>),
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
            Ok(Book::Sheets(Box::new(Sheets::Xls(xls)), None))
        }
        Kind::Zip => {
            let rs = Cursor::new(bytes);
            match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(rs.clone()) {
                Ok(x) => Ok(Book::Sheets(
                    Box::new(Sheets::Xlsx(x)),
                    Some(rs.into_inner()),
                )),
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
            Book::Sheets(s, bytes) => {
                let bad = |detail: String| IoError::Spreadsheet {
                    path: path.to_path_buf(),
                    detail,
                };
                if let Sheets::Xlsx(x) = s.as_mut() {
                    let mut grid = xlsx_grid(x, name).map_err(|e| bad(e.to_string()))?;
                    grid.merges = match bytes.as_deref().and_then(|b| xlsx_merges(b, name)) {
                        Some(m) => m,
                        None => x
                            .merge_cells_by_sheet_name(name)
                            .unwrap_or_default()
                            .into_iter()
                            .map(merge_of)
                            .collect(),
                    };
                    return Ok(grid);
                }
                let range = s.worksheet_range(name).map_err(|e| bad(e.to_string()))?;
                let merges = match s.as_mut() {
                    Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
                    _ => Vec::new(),
                };
                Ok(range_grid(range, merges, name))
            }
        }
    }
}

fn merge_of(d: calamine::Dimensions) -> Merge {
    Merge {
        r1: d.start.0,
        c1: d.start.1,
        r2: d.end.0,
        c2: d.end.1,
    }
}

/// Streams an .xlsx sheet's cells straight into a grid (no intermediate `Range`).
fn xlsx_grid(
    x: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
) -> Result<Grid, calamine::XlsxError> {
    let mut reader = x.worksheet_cells_reader(name)?;
    let mut rows: Vec<Vec<Value>> = Vec::new();
    while let Some(cell) = reader.next_cell()? {
        let v = convert_ref(cell.get_value());
        if v.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r > 2_000_000 || c > 16_384 {
            continue;
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, Value::Empty);
        }
        row[c] = v;
    }
    Ok(Grid {
        sheet_name: name.to_string(),
        first_row: 0,
        rows,
        merges: Vec::new(),
    })
}

fn convert_ref(d: &calamine::DataRef<'_>) -> Value {
    use calamine::DataRef as D;
    match d {
        D::Empty => Value::Empty,
        D::SharedString(s) => text_value(s),
        D::String(s) => text_value(s),
        D::Int(i) => Value::Number(*i as f64),
        D::Float(f) => Value::Number(*f),
        D::Bool(b) => Value::Bool(*b),
        D::DateTime(dt) => datetime_value(dt),
        D::DateTimeIso(s) | D::DurationIso(s) => text_value(s),
        D::Error(e) => Value::Error(format!("{e}")),
    }
}

fn datetime_value(dt: &calamine::ExcelDateTime) -> Value {
    // Time-only or duration formats would give 1899/1900 dates: keep the number.
    match dt.as_datetime() {
        Some(t) if dt.is_datetime() && dt.as_f64() >= 1.0 => Value::Date(t.date()),
        _ => Value::Number(dt.as_f64()),
    }
}

/// Finds the merged regions of an .xlsx sheet by scanning the tail of its XML for
/// `<mergeCell ref="A1:C1"/>`, avoiding a second full XML parse. `None` if the sheet's part
/// cannot be located (the caller then asks calamine).
fn xlsx_merges(bytes: &[u8], sheet: &str) -> Option<Vec<Merge>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut read = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let workbook = read("xl/workbook.xml")?;
    let rels = read("xl/_rels/workbook.xml.rels")?;
    let rid = workbook.split("<sheet ").skip(1).find_map(|el| {
        let el = &el[..el.find('>')?];
        (xml_unescape(&attr(el, "name")?) == sheet)
            .then(|| attr(el, "r:id"))
            .flatten()
    })?;
    let target = rels.split("<Relationship ").skip(1).find_map(|el| {
        let el = &el[..el.find('>')?];
        (attr(el, "Id")? == rid)
            .then(|| attr(el, "Target"))
            .flatten()
    })?;
    let part = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let xml = read(&part)?;
    let tail = match xml.rfind("sheetData>") {
        Some(i) => &xml[i..],
        None => &xml[..],
    };
    let mut merges = Vec::new();
    for el in tail.split("mergeCell ").skip(1) {
        let el = &el[..el.find('>').unwrap_or(el.len())];
        let Some(r) = attr(el, "ref") else { continue };
        let (a, b) = r.split_once(':').unwrap_or((r.as_str(), r.as_str()));
        if let (Some((r1, c1)), Some((r2, c2))) = (cell_ref(a), cell_ref(b)) {
            merges.push(Merge { r1, c1, r2, c2 });
        }
    }
    Some(merges)
}

/// The value of `name="…"` in an element's attribute text.
fn attr(el: &str, name: &str) -> Option<String> {
    let mut rest = el;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = &rest[i + name.len()..];
        if before_ok {
            if let Some(v) = after.strip_prefix("=\"") {
                return v.find('"').map(|j| v[..j].to_string());
            }
        }
        rest = after;
    }
    None
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `B12` → (11, 1), 0-based.
fn cell_ref(a: &str) -> Option<(u32, u32)> {
    let a = a.trim().trim_start_matches('$');
    let split = a.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() {
        return None;
    }
    let mut col = 0u32;
    for ch in letters.chars() {
        if !ch.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + (ch.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
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
        merges: merges.into_iter().map(merge_of).collect(),
    }
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
    fn finds_xlsx_merges_without_calamine() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let f = rust_xlsxwriter::Format::new();
        wb.add_worksheet().set_name("说明").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("A&B 名单").unwrap();
        ws.merge_range(0, 0, 0, 3, "标题", &f).unwrap();
        ws.merge_range(4, 2, 6, 2, "历下区", &f).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(
            xlsx_merges(&bytes, "A&B 名单"),
            Some(vec![
                Merge {
                    r1: 0,
                    c1: 0,
                    r2: 0,
                    c2: 3
                },
                Merge {
                    r1: 4,
                    c1: 2,
                    r2: 6,
                    c2: 2
                },
            ])
        );
        assert_eq!(xlsx_merges(&bytes, "说明"), Some(vec![]));
        assert_eq!(xlsx_merges(&bytes, "无此表"), None);
    }

    #[test]
    fn cell_refs_and_attributes() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("$AB$12"), Some((11, 27)));
        assert_eq!(cell_ref("12"), None);
        assert_eq!(
            attr(r#"<sheet name="a&amp;b" sheetId="1" r:id="rId3""#, "r:id").as_deref(),
            Some("rId3")
        );
        assert_eq!(
            attr(r#"<x sheetId="1" Id="rId2""#, "Id").as_deref(),
            Some("rId2")
        );
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
