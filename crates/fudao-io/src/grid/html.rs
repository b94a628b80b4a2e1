//! HTML tables saved with an .xls name.

use super::*;

pub(super) fn looks_like_html(text: &str) -> bool {
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
pub(super) fn find_cell(s: &str) -> Option<usize> {
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
pub(super) fn attr_num(attrs: &str, name: &str) -> u32 {
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
pub(super) fn html_text(s: &str) -> String {
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
