//! Reading single cell texts as people type them into spreadsheets: dates in every common
//! Chinese form, yes/no words, placeholders for "nothing", numbers in scientific notation.

use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;

/// [`fudao_core::text::to_half_width`] without copying text that has no full-width
/// characters (the common case).
pub(crate) fn half_width(s: &str) -> Cow<'_, str> {
    if s.chars()
        .any(|c| c == '\u{3000}' || ('\u{FF01}'..='\u{FF5E}').contains(&c))
    {
        Cow::Owned(fudao_core::text::to_half_width(s))
    } else {
        Cow::Borrowed(s.trim())
    }
}

/// Renders a spreadsheet number as the user sees it: integers without `.0`, otherwise up to
/// six decimals without trailing zeros (so `0.1 + 0.2` reads `0.3`).
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let s = format!("{n:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Cell texts that mean "no value" (`-`, `/`, `—`, `N/A`, `不详`, `暂无` …).
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    let dash = |c: char| {
        matches!(
            c,
            '-' | '—' | '–' | '－' | '/' | '／' | '\\' | '、' | '*' | '＊' | '.' | '。'
        )
    };
    let Some(first) = t.chars().next() else {
        return true;
    };
    if dash(first) {
        return t.chars().all(dash);
    }
    // Only words starting with these can be placeholders: skip the rest cheaply.
    if !matches!(first, 'n' | 'N' | '#' | '不' | '未' | '暂' | '空' | '待') {
        return false;
    }
    // The longest word below is 9 bytes; skip the lower-casing for anything longer.
    t.len() <= 9
        && matches!(
            t.to_ascii_lowercase().as_str(),
            "n/a"
                | "na"
                | "#n/a"
                | "null"
                | "none"
                | "nil"
                | "不详"
                | "未知"
                | "暂无"
                | "空"
                | "未填"
                | "待定"
                | "待补充"
        )
}

/// Yes/no as written in Chinese forms: `是/否`, `有/无`, `√/×`, `Y/N`, `1/0`, `true/false`,
/// `已认定/未认定` and phrases that start with 是/否 (`是（2023年）`).
pub fn parse_bool_text(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "有" | "√" | "Y" | "1" => return Some(true),
        "否" | "无" | "×" | "N" | "0" => return Some(false),
        _ => {}
    }
    let t = half_width(s);
    let t = t.trim();
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "是" | "有" | "√" | "✓" | "✔" | "y" | "yes" | "1" | "true" | "对" | "已认定" | "已入库"
        | "已获得" | "已取得" | "已纳入" | "在库" | "入库" | "认定" | "符合" | "已建立"
        | "已建" => return Some(true),
        "否" | "无" | "×" | "✗" | "✘" | "x" | "n" | "no" | "0" | "false" | "不是" | "没有"
        | "未认定" | "未入库" | "未获得" | "未取得" | "未纳入" | "不符合" | "未建立" | "未建" => {
            return Some(false)
        }
        _ => {}
    }
    let first = t.chars().next()?;
    let rest: String = t.chars().skip(1).collect();
    let rest = rest.trim();
    let bracketed =
        rest.is_empty() || rest.starts_with(['(', '[', '【', '，', ',', ' ', ':', '：']);
    match first {
        '是' | '有' | '√' if bracketed => Some(true),
        '否' | '无' | '×' if bracketed => Some(false),
        _ => None,
    }
}

/// Converts an Excel serial day number (1900 date system) to a date.
pub fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts the non-existent 1900-02-29 as day 60.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// How a plain number in a date column is read: `20190305` → 2019-03-05, `2019` → 2019-01-01
/// (a year alone), anything else in range → an Excel serial day.
pub fn date_from_number(n: f64) -> Option<NaiveDate> {
    if n.fract() == 0.0 {
        let i = n as i64;
        if (19_000_101..=21_001_231).contains(&i) {
            return ymd(
                (i / 10_000) as i32,
                (i / 100 % 100) as u32,
                (i % 100) as u32,
            );
        }
        if (1900..=2100).contains(&i) {
            return ymd(i as i32, 1, 1);
        }
    }
    if (10_000.0..80_000.0).contains(&n) {
        return date_from_serial(n);
    }
    None
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a date as typed: `2019-03-05`, `2019/3/5`, `2019.3.5`, `2019年3月5日`, `20190305`,
/// `2019-03-05 00:00:00`, `2019-03-05T08:00:00`, `2019年3月` / `2019.03` / `2019-3`
/// (first of the month), `2019年` (1 January), and `3/5/2019` (Excel's US format). Full-width
/// digits are accepted. Returns `None` for anything else, including impossible dates.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    // Fast path: ISO `2019-03-05`.
    let b = s.trim().as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| b[r].iter().fold(0, |a, d| a * 10 + (d - b'0') as u32))
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return ymd(y as i32, m, d);
        }
    }
    let t = half_width(s);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    // Drop a time part; otherwise ignore inner spaces (`2019 年 3 月 5 日`).
    let owned: String;
    let t = if t.contains(':') || t.contains('T') {
        t.split(['T', ' ']).next().unwrap_or(t)
    } else {
        owned = t.chars().filter(|c| !c.is_whitespace()).collect();
        &owned
    };
    let t = t.trim_end_matches(['日', '号']);
    if t.chars().all(|c| c.is_ascii_digit()) {
        return match t.len() {
            8 => ymd(
                t[..4].parse().ok()?,
                t[4..6].parse().ok()?,
                t[6..].parse().ok()?,
            ),
            6 if t.starts_with("19") || t.starts_with("20") => {
                ymd(t[..4].parse().ok()?, t[4..].parse().ok()?, 1)
            }
            4 => ymd(t.parse().ok()?, 1, 1),
            5 => date_from_serial(t.parse().ok()?),
            _ => None,
        };
    }
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月', '_'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty()
        || parts.len() > 3
        || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match (parts[0].len(), nums.as_slice()) {
        (4, [y, m, d]) => ymd(*y as i32, *m, *d),
        (4, [y, m]) => ymd(*y as i32, *m, 1),
        (4, [y]) => ymd(*y as i32, 1, 1),
        // US m/d/yyyy as Excel writes it in CSV on an English system.
        (1 | 2, [m, d, y]) if parts[2].len() == 4 => ymd(*y as i32, *m, *d),
        _ => None,
    }
}

/// Expands numbers in scientific notation (`1.38E+10`, as Excel writes long numbers into CSV)
/// to plain digits; other text is returned unchanged.
pub fn expand_scientific(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    let has_exp = t.contains(['e', 'E'])
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-');
    if has_exp {
        if let Ok(v) = t.parse::<f64>() {
            if v.is_finite() {
                return number_text(v).into();
            }
        }
    }
    s.into()
}

/// A four-digit year between 1949 and 2100 in text such as `2024`, `2024年`, `2024年度`.
pub fn parse_year_text(s: &str) -> Option<i32> {
    let t = half_width(s);
    let t = t.trim().trim_end_matches("年度").trim_end_matches('年');
    let t = t.strip_suffix(".0").unwrap_or(t);
    let y: i32 = t.parse().ok()?;
    (1949..=2100).contains(&y).then_some(y)
}

/// A year stated in a column header: `2024年营业收入`, `营业收入（2023年度）`, `2024营收`.
pub(crate) fn year_in_header(h: &str) -> Option<i32> {
    let chars: Vec<char> = h.chars().collect();
    for i in 0..chars.len().saturating_sub(3) {
        let w = &chars[i..i + 4];
        if !w.iter().all(char::is_ascii_digit) {
            continue;
        }
        let before_ok = i == 0 || !chars[i - 1].is_ascii_digit();
        let after_ok = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if before_ok && after_ok {
            let y: i32 = w.iter().collect::<String>().parse().ok()?;
            if (1990..=2100).contains(&y) {
                return Some(y);
            }
        }
    }
    None
}

/// Checks that a parsed date is in the range the store accepts.
pub(crate) fn date_in_range(d: NaiveDate) -> bool {
    (1949..=2100).contains(&d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_all_common_forms() {
        for s in [
            "2019/3/5",
            "2019年3月5日",
            "2019-03-05",
            "2019.3.5",
            "20190305",
            "2019-03-05 00:00:00",
            "2019-03-05T08:30:00",
            "２０１９年３月５日",
            "3/5/2019",
            "2019年03月05号",
            "2019 年 3 月 5 日",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2019, 3, 5)), "{s}");
        }
        assert_eq!(parse_date_text("2019年3月"), Some(d(2019, 3, 1)));
        assert_eq!(parse_date_text("2019.03"), Some(d(2019, 3, 1)));
        assert_eq!(parse_date_text("2019"), Some(d(2019, 1, 1)));
        assert_eq!(parse_date_text("43529"), Some(d(2019, 3, 5)));
        assert_eq!(parse_date_text("2019-02-30"), None);
        assert_eq!(parse_date_text("去年"), None);
        assert_eq!(parse_date_text("2019-3-5-1"), None);
    }

    #[test]
    fn serials_and_numbers() {
        assert_eq!(date_from_serial(43529.0), Some(d(2019, 3, 5)));
        assert_eq!(date_from_serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(date_from_serial(59.0), Some(d(1900, 2, 28)));
        assert_eq!(date_from_number(20190305.0), Some(d(2019, 3, 5)));
        assert_eq!(date_from_number(2019.0), Some(d(2019, 1, 1)));
        assert_eq!(date_from_number(43529.75), Some(d(2019, 3, 5)));
        assert_eq!(date_from_number(12.0), None);
    }

    #[test]
    fn yes_no_words() {
        for s in [
            "是",
            "有",
            "√",
            "Y",
            "y",
            "1",
            "TRUE",
            "已认定",
            "是（2023年）",
            "是,省级",
        ] {
            assert_eq!(parse_bool_text(s), Some(true), "{s}");
        }
        for s in ["否", "无", "×", "N", "0", "false", "未认定", "否（已过期）"] {
            assert_eq!(parse_bool_text(s), Some(false), "{s}");
        }
        for s in ["是非", "有限公司", "maybe", "2"] {
            assert_eq!(parse_bool_text(s), None, "{s}");
        }
    }

    #[test]
    fn placeholders_numbers_years() {
        assert!(is_placeholder("—"));
        assert!(is_placeholder(" / "));
        assert!(is_placeholder("N/A"));
        assert!(!is_placeholder("0"));
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1234.5), "1234.5");
        assert_eq!(expand_scientific("1.38E+10"), "13800000000");
        assert_eq!(expand_scientific("E座"), "E座");
        assert_eq!(parse_year_text("2024年度"), Some(2024));
        assert_eq!(parse_year_text("2024.0"), Some(2024));
        assert_eq!(parse_year_text("24"), None);
        assert_eq!(year_in_header("2023年营业收入"), Some(2023));
        assert_eq!(year_in_header("营业收入(2024年度)"), Some(2024));
        assert_eq!(year_in_header("营业收入"), None);
        assert_eq!(year_in_header("12345"), None);
    }
}
