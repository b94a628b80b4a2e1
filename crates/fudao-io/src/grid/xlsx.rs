//! .xlsx: cells streamed into a grid; merged cells and size limits from one scan of the archive.

use super::*;

pub(super) enum XlsxFail {
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
pub(super) fn xlsx_grid(
    x: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
) -> Result<Grid, XlsxFail> {
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

pub(super) fn convert_ref(d: &calamine::DataRef<'_>) -> Value {
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

pub(super) fn datetime_value(dt: &calamine::ExcelDateTime) -> Value {
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
pub(super) fn skipped_part(name: &str) -> bool {
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
pub(super) fn scan_zip(bytes: &[u8]) -> Result<ZipInfo, (Limit, u64)> {
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
pub(super) struct XmlScan {
    /// Bytes since the last `<` or `>`.
    run: u64,
    in_tag: bool,
    /// The start of the current tag (at most 256 bytes).
    tag: Vec<u8>,
    pub(super) merges: Vec<Merge>,
}

impl XmlScan {
    pub(super) fn feed(&mut self, chunk: &[u8], sheet: bool) -> Result<(), (Limit, u64)> {
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
pub(super) fn xlsx_merges(info: &ZipInfo, sheet: &str) -> Option<Vec<Merge>> {
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
pub(super) fn attr(el: &str, name: &str) -> Option<String> {
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

pub(super) fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `B12` → (11, 1), 0-based.
pub(super) fn cell_ref(a: &str) -> Option<(u32, u32)> {
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
