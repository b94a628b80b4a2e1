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

enum XlsxFail {
    Calamine(calamine::XlsxError),
    Over(Over),
}

impl From<calamine::XlsxError> for XlsxFail {
    fn from(e: calamine::XlsxError) -> Self {
        XlsxFail::Calamine(e)
    }
}

impl From<Over> for XlsxFail {
    fn from(o: Over) -> Self {
        XlsxFail::Over(o)
    }
}

/// Streams an .xlsx sheet's cells straight into a grid (no intermediate `Range`), within the
/// [`limits`](crate::limits).
fn xlsx_grid(x: &mut calamine::Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Grid, XlsxFail> {
    let mut reader = x.worksheet_cells_reader(name)?;
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut budget = Budget::default();
    while let Some(cell) = reader.next_cell()? {
        let v = convert_ref(cell.get_value());
        if v.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        budget.check_pos(r, c)?;
        if let Value::Text(t) = &v {
            check_text(t).map_err(|n| (Limit::CellChars, n, r as u32, c as u32))?;
        }
        if rows.len() <= r {
            budget.add((r + 1 - rows.len()) as u64, r, c)?;
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            budget.add((c + 1 - row.len()) as u64, r, c)?;
            row.resize(c + 1, Value::Empty);
        }
        row[c] = v;
    }
    Ok(Grid {
        sheet_name: name.to_string(),
        first_row: 0,
        rows,
        merges: Vec::new(),
        lossy: false,
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

/// What streaming an .xlsx archive found: merged regions by worksheet part, and the two
/// small parts that map sheet names to parts.
#[derive(Debug, Default)]
pub(crate) struct ZipInfo {
    merges: HashMap<String, Vec<Merge>>,
    workbook: Option<String>,
    rels: Option<String>,
}

/// Parts no reader decompresses (images, printer settings, macros): not counted.
fn skipped_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("/media/")
        || [
            ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin",
            ".wdp", ".svg",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Streams every part of a zip archive (in 64 KiB chunks, nothing kept but merged-cell
/// references) and refuses it past [`MAX_XML_BYTES`] in total, a stretch of more than
/// [`MAX_XML_RUN`] bytes between markup characters, or [`MAX_MERGES`] merged regions.
/// Counts what is really decompressed: sizes declared in the archive are not trusted.
fn scan_zip(bytes: &[u8]) -> Result<ZipInfo, (Limit, u64)> {
    use std::io::Read;
    let mut info = ZipInfo::default();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable archive: calamine reports it.
        return Ok(info);
    };
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if f.is_dir() || skipped_part(&name) {
            continue;
        }
        let keep = name == "xl/workbook.xml" || name == "xl/_rels/workbook.xml.rels";
        let sheet = name.starts_with("xl/worksheets/");
        let mut kept = Vec::new();
        let mut scan = XmlScan::default();
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            total += n as u64;
            if total > MAX_XML_BYTES {
                return Err((Limit::XmlSize, total));
            }
            scan.feed(&buf[..n], sheet)?;
            if keep {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        if sheet {
            info.merges.insert(name.clone(), scan.merges);
        }
        if keep {
            let s = String::from_utf8_lossy(&kept).into_owned();
            if name.ends_with(".rels") {
                info.rels = Some(s);
            } else {
                info.workbook = Some(s);
            }
        }
    }
    Ok(info)
}

/// The streaming check of one XML part; collects `<mergeCell ref="…"/>` in worksheets.
#[derive(Default)]
struct XmlScan {
    /// Bytes since the last `<` or `>`.
    run: u64,
    in_tag: bool,
    /// The start of the current tag (at most 256 bytes).
    tag: Vec<u8>,
    merges: Vec<Merge>,
}

impl XmlScan {
    fn feed(&mut self, chunk: &[u8], sheet: bool) -> Result<(), (Limit, u64)> {
        let mut last = 0usize;
        for i in memchr::memchr2_iter(b'<', b'>', chunk) {
            let len = self.run + (i - last) as u64;
            if len > MAX_XML_RUN {
                return Err((Limit::XmlRun, len));
            }
            if sheet && self.in_tag {
                self.capture(&chunk[last..i]);
                if chunk[i] == b'>' {
                    self.end_tag()?;
                }
            }
            self.in_tag = chunk[i] == b'<';
            self.tag.clear();
            self.run = 0;
            last = i + 1;
        }
        self.run += (chunk.len() - last) as u64;
        if self.run > MAX_XML_RUN {
            return Err((Limit::XmlRun, self.run));
        }
        if sheet && self.in_tag {
            self.capture(&chunk[last..]);
        }
        Ok(())
    }

    fn capture(&mut self, b: &[u8]) {
        let room = 256usize.saturating_sub(self.tag.len());
        self.tag.extend_from_slice(&b[..b.len().min(room)]);
    }

    fn end_tag(&mut self) -> Result<(), (Limit, u64)> {
        let tag = &self.tag;
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        if local != b"mergeCell" {
            return Ok(());
        }
        let Some(r) = std::str::from_utf8(tag).ok().and_then(|s| attr(s, "ref")) else {
            return Ok(());
        };
        let (a, b) = r.split_once(':').unwrap_or((r.as_str(), r.as_str()));
        if let (Some((r1, c1)), Some((r2, c2))) = (cell_ref(a), cell_ref(b)) {
            self.merges.push(Merge { r1, c1, r2, c2 });
            if self.merges.len() as u64 > MAX_MERGES {
                return Err((Limit::Merges, self.merges.len() as u64));
            }
        }
        Ok(())
    }
}

/// The merged regions of an .xlsx sheet, from the archive scan. `None` if the sheet's part
/// cannot be located (the caller then asks calamine).
fn xlsx_merges(info: &ZipInfo, sheet: &str) -> Option<Vec<Merge>> {
    let workbook = info.workbook.as_deref()?;
    let rels = info.rels.as_deref()?;
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
    info.merges.get(&part).cloned()
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

/// Decodes text files: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
/// otherwise GB18030 (a superset of GBK and GB2312, what Chinese Excel saves as CSV).
///
/// A file that is not valid UTF-8 is still read as UTF-8 when the whole of it says so: when
/// its valid multi-byte UTF-8 characters (three bytes or more: what Chinese text is made of,
/// and what GBK text almost never forms by chance) outnumber its invalid sequences four to
/// one. The invalid bytes then read as U+FFFD and the result is marked lossy (`true`), so that
/// the cells holding them can be reported.
pub(crate) fn decode_text(bytes: Vec<u8>) -> (String, bool) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, lossy) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), lossy);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return (s, false),
        Err(e) => e.into_bytes(),
    };
    let (mut wide, mut invalid) = (0u64, 0u64);
    for chunk in bytes.utf8_chunks() {
        wide += chunk.valid().chars().filter(|c| c.len_utf8() >= 3).count() as u64;
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    if wide >= 4 * invalid {
        (String::from_utf8_lossy(&bytes).into_owned(), true)
    } else {
        let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
        (text.into_owned(), false)
    }
}

/// At most the first `max` bytes of `s`, cut at a character boundary.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
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

pub(crate) fn delimited_grid(text: &str, name: String) -> Result<Grid, Over> {
    // The first lines decide the delimiter; a single huge line is not scanned four times.
    let delim = detect_delimiter(head(text, 64 * 1024));
    check_fields(text, delim)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut budget = Budget::default();
    // A malformed record (e.g. an unbalanced quote) ends the usable data; the csv crate is
    // lenient with quotes, so this is rare.
    while let Ok(true) = rdr.read_record(&mut rec) {
        let r = rows.len();
        // Checked before anything of the record's size is built.
        let len = (0..rec.len())
            .rev()
            .find(|&i| !rec[i].trim().is_empty())
            .map_or(0, |i| i + 1);
        budget.row(r, len)?;
        let mut row = Vec::with_capacity(len);
        for (c, f) in rec.iter().take(len).enumerate() {
            check_text(f).map_err(|n| (Limit::CellChars, n, r as u32, c as u32))?;
            row.push(text_value(unescape_csv(f)));
        }
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    Ok(Grid {
        sheet_name: name,
        first_row: 0,
        rows,
        merges: Vec::new(),
        lossy: false,
    })
}

/// Fields a delimited record may have, empty ones included (Excel's column count); beyond
/// [`MAX_COLUMNS`] only empty fields are allowed.
const MAX_FIELDS: usize = 16_384;

/// One pass over delimited text, before the csv reader builds any record: refuses a value
/// past [`MAX_COLUMNS`] or a record of more than [`MAX_FIELDS`] fields (the csv reader would
/// hold every field's bounds of a huge line at once).
fn check_fields(text: &str, delim: u8) -> Result<(), Over> {
    let (mut row, mut field) = (0usize, 0usize);
    let (mut filled, mut quoted) = (false, false);
    let over =
        |row: usize, field: usize| (Limit::Columns, field as u64 + 1, row as u32, field as u32);
    for &b in text.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if quoted {
            continue;
        } else if b == delim {
            field += 1;
            filled = false;
            if field >= MAX_FIELDS {
                return Err(over(row, field));
            }
            continue;
        } else if b == b'\n' {
            row += 1;
            field = 0;
            filled = false;
            continue;
        } else if matches!(b, b' ' | b'\r' | b'\t') {
            continue;
        }
        if !filled {
            filled = true;
            if field >= MAX_COLUMNS as usize {
                return Err(over(row, field));
            }
        }
    }
    Ok(())
}

/// Undoes the export's formula escaping ([`crate::export::csv_text`]): `'=…`, `'+…`, `'-…`,
/// `'@…` read back as written before export.
fn unescape_csv(f: &str) -> &str {
    match f.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => f,
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
/// table's rows and cells, honouring `colspan` / `rowspan` as merged regions. Spans are clamped
/// to the table's real size: `rowspan` to the rows below, `colspan` to the table's number of
/// cells (and to [`MAX_HTML_COLSPAN`], as browsers do). Only cells holding values are stored,
/// within the [`limits`](crate::limits).
pub(crate) fn html_grid(text: &str, name: String) -> Result<Grid, Over> {
    use memchr::memmem;
    let lower = text.to_ascii_lowercase();
    let table_start = lower.find("<table").unwrap_or(0);
    let table_end = lower[table_start..]
        .find("</table")
        .map_or(lower.len(), |i| table_start + i);
    let table_rows = memmem::find_iter(&lower.as_bytes()[table_start..table_end], b"<tr").count();
    // No real table is wider than the number of cells it has: a span past that covers
    // nothing but empty columns.
    let mut table_cells = 0u32;
    let mut p = table_start;
    while let Some(i) = find_cell(&lower[p..table_end]) {
        table_cells = table_cells.saturating_add(1);
        p += i + 3;
    }
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut merges = Vec::new();
    let mut budget = Budget::default();
    // Per column: the row (exclusive) down to which a rowspan from above occupies it.
    let mut busy: Vec<u32> = Vec::new();
    let mut pos = table_start;
    while let Some(tr) = lower[pos..table_end].find("<tr") {
        let row_start = pos + tr;
        let row_end = lower[row_start + 3..table_end]
            .find("<tr")
            .map_or(table_end, |i| row_start + 3 + i);
        let r = rows.len();
        budget.row(r, 0)?;
        let r32 = r as u32;
        let rows_left = (table_rows.saturating_sub(r)).max(1) as u32;
        let mut row: Vec<Value> = Vec::new();
        let mut col = 0usize;
        let mut cpos = row_start;
        while let Some(cell) = find_cell(&lower[cpos..row_end]) {
            let open = cpos + cell;
            let Some(gt) = lower[open..row_end].find('>') else {
                break;
            };
            let attrs = &lower[open..open + gt];
            let content_start = open + gt + 1;
            let content_end =
                find_cell(&lower[content_start..row_end]).map_or(row_end, |i| content_start + i);
            let close = lower[content_start..content_end]
                .find("</t")
                .map_or(content_end, |i| content_start + i);
            while busy.get(col).is_some_and(|&until| until > r32) {
                col += 1;
            }
            let value = text_value(&html_text(&text[content_start..close]));
            let room = (MAX_COLUMNS as usize).saturating_sub(col).max(1) as u32;
            let colspan = attr_num(attrs, "colspan")
                .clamp(1, MAX_HTML_COLSPAN.min(table_cells).min(room).max(1));
            let rowspan = attr_num(attrs, "rowspan").clamp(1, rows_left);
            if !value.is_empty() {
                budget.check_pos(r, col)?;
                if let Value::Text(t) = &value {
                    check_text(t).map_err(|n| (Limit::CellChars, n, r32, col as u32))?;
                }
                budget.add((col + 1 - row.len()) as u64, r, col)?;
                row.resize(col, Value::Empty);
                row.push(value);
            }
            if (colspan > 1 || rowspan > 1) && col < MAX_COLUMNS as usize {
                budget.add(1, r, col)?;
                merges.push(Merge {
                    r1: r32,
                    c1: col as u32,
                    r2: r32 + rowspan - 1,
                    c2: col as u32 + colspan - 1,
                });
                if rowspan > 1 {
                    let end = col + colspan as usize;
                    if busy.len() < end {
                        busy.resize(end, 0);
                    }
                    for b in &mut busy[col..end] {
                        *b = r32 + rowspan;
                    }
                }
            }
            col += colspan as usize;
            cpos = content_end;
        }
        rows.push(row);
        pos = row_end;
        if row_end >= table_end {
            break;
        }
    }
    Ok(Grid {
        sheet_name: name,
        first_row: 0,
        rows,
        merges,
        lossy: false,
    })
}

/// The next `<td` or `<th` tag (not `<thead`, `<tbody` …).
fn find_cell(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"<t") {
        let at = from + i;
        if matches!(b.get(at + 2), Some(b'd' | b'h'))
            && b.get(at + 3).is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// A span attribute's value (1 when absent or unreadable), saturating at `u32::MAX`.
fn attr_num(attrs: &str, name: &str) -> u32 {
    let Some(i) = attrs.find(name) else {
        return 1;
    };
    let rest = attrs[i + name.len()..].trim_start_matches([' ', '=', '"', '\'']);
    let digits = rest.bytes().take_while(u8::is_ascii_digit);
    let mut n = 0u64;
    let mut any = false;
    for d in digits {
        any = true;
        n = (n * 10 + (d - b'0') as u64).min(u32::MAX as u64);
    }
    if any {
        n as u32
    } else {
        1
    }
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
        assert_eq!(decode_text(b), ("企业名称".into(), false));
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,统一社会信用代码");
        assert_eq!(
            decode_text(gbk.into_owned()),
            ("企业名称,统一社会信用代码".into(), false)
        );
        let mut u16 = vec![0xFF, 0xFE];
        for unit in "名称\t代码".encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(u16), ("名称\t代码".into(), false));
    }

    #[test]
    fn one_bad_byte_keeps_utf8_and_gbk_stays_gbk() {
        let mut b = "企业名称,统一社会信用代码\n济南甲".as_bytes().to_vec();
        b.push(0xFF);
        b.extend_from_slice("科技有限公司,91370100MA3C5XK12B\n".as_bytes());
        let (text, lossy) = decode_text(b);
        assert!(lossy);
        assert!(
            text.starts_with("企业名称,统一社会信用代码\n济南甲\u{FFFD}科技"),
            "{text}"
        );
        // A GBK list with many Chinese characters (some pairs of which are valid UTF-8 by
        // chance) is still read as GBK.
        let sample = "企业名称,所属区县,从业人数\n济南历下区软件科技有限公司,历下区,约五百人\n\
                      山东章丘鼓风机股份有限公司,章丘区,三千\n济南高新区信息产业园管理公司,高新区,七十\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(sample);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(gbk.into_owned()), (sample.to_string(), false));
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
        let info = scan_zip(&bytes).unwrap();
        assert_eq!(
            xlsx_merges(&info, "A&B 名单"),
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
        assert_eq!(xlsx_merges(&info, "说明"), Some(vec![]));
        assert_eq!(xlsx_merges(&info, "无此表"), None);
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
    fn html_spans_are_clamped_and_cells_bounded() {
        // colspan 2e9 and rowspan 1e5 in a one-row table: clamped, nothing huge is built.
        let g = html_grid(
            "<table><tr><td colspan=\"2000000000\" rowspan=100000>企业名称</td><td>x</td></tr></table>",
            "x".into(),
        )
        .unwrap();
        assert_eq!(g.rows.len(), 1);
        assert_eq!(g.rows[0][2], Value::Text("x".into()));
        assert_eq!(
            g.merges,
            [Merge {
                r1: 0,
                c1: 0,
                r2: 0,
                c2: 1
            }]
        );
        // A value past the column limit is refused, naming where.
        let wide = format!("<table><tr>{}</tr></table>", "<td>a</td>".repeat(1001));
        let (limit, _, r, c) = html_grid(&wide, "x".into()).unwrap_err();
        assert_eq!((limit, r, c), (Limit::Columns, 0, MAX_COLUMNS));
        // <thead>/<tbody> are not cells.
        let g = html_grid(
            "<table><thead><tr><th>名称</th></tr></thead><tbody><tr><td>甲</td></tr></tbody></table>",
            "x".into(),
        )
        .unwrap();
        assert_eq!(g.rows[0], [Value::Text("名称".into())]);
        assert_eq!(g.rows[1], [Value::Text("甲".into())]);
        // A closing tag before the opening one does not upset the slicing.
        assert!(html_grid("</table><table><tr><td>a</td></tr>", "x".into()).is_ok());
    }

    #[test]
    fn clamps_merges_to_the_grid() {
        let mut g = Grid {
            sheet_name: "s".into(),
            first_row: 0,
            rows: vec![vec![Value::Text("a".into()), Value::Text("b".into())]; 3],
            merges: vec![
                Merge {
                    r1: 0,
                    c1: 0,
                    r2: 1_048_575,
                    c2: 16_383,
                },
                Merge {
                    r1: 5,
                    c1: 0,
                    r2: 9,
                    c2: 0,
                },
            ],
            lossy: false,
        };
        clamp_merges(&mut g).unwrap();
        assert_eq!(
            g.merges,
            [Merge {
                r1: 0,
                c1: 0,
                r2: 2,
                c2: 1
            }]
        );
    }

    #[test]
    fn zip_scan_refuses_long_runs_and_counts_merges() {
        let mut s = XmlScan::default();
        let chunk = vec![b' '; 600 * 1024];
        s.feed(b"<row>", true).unwrap();
        s.feed(&chunk, true).unwrap();
        assert_eq!(
            s.feed(&chunk, true).unwrap_err().0,
            Limit::XmlRun,
            "a run across chunks counts"
        );
        let mut s = XmlScan::default();
        s.feed(b"</sheetData><mergeCells count=\"1\"><merge", true)
            .unwrap();
        s.feed(b"Cell ref=\"B2:C4\"/></mergeCells>", true).unwrap();
        assert_eq!(
            s.merges,
            [Merge {
                r1: 1,
                c1: 1,
                r2: 3,
                c2: 2
            }]
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
        )
        .unwrap();
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
