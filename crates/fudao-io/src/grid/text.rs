//! Delimited text (CSV, TSV …): decoding, the delimiter, the fields.

use super::*;

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
pub(super) fn head(s: &str, max: usize) -> &str {
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
pub(super) fn detect_delimiter(text: &str) -> u8 {
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

pub(super) fn count_outside_quotes(line: &str, d: char) -> usize {
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
pub(super) const MAX_FIELDS: usize = 16_384;

/// One pass over delimited text, before the csv reader builds any record: refuses a value
/// past [`MAX_COLUMNS`] or a record of more than [`MAX_FIELDS`] fields (the csv reader would
/// hold every field's bounds of a huge line at once).
pub(super) fn check_fields(text: &str, delim: u8) -> Result<(), Over> {
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
pub(super) fn unescape_csv(f: &str) -> &str {
    match f.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => f,
    }
}
