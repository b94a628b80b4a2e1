//! Small text helpers shared by the section composers: missing values, money, ratios, years.

use super::*;

pub(super) fn non_empty(s: &str) -> String {
    if s.trim().is_empty() {
        MISSING.to_string()
    } else {
        s.trim().to_string()
    }
}

pub(super) fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string())
        .unwrap_or_else(|| MISSING.to_string())
}

/// An amount of a table column in 万元 with the column's decimals ([`wan_decimals`]).
pub(super) fn wan_fixed_opt(v: Option<Yuan>, decimals: usize) -> String {
    v.map(|y| fmt_wan_fixed(y, decimals))
        .unwrap_or_else(|| MISSING.to_string())
}

pub(super) fn wan_unit_opt(v: Option<Yuan>) -> String {
    v.map(fmt_wan_unit).unwrap_or_else(|| MISSING.to_string())
}

/// A firm's measured ratio, always with two decimals ("68.00%" beside "51.99%"); thresholds
/// keep their own form ("不低于5%").
pub(super) fn pct(num: Yuan, den: Yuan) -> Option<String> {
    (den > 0).then(|| crate::eval::num::fmt_ratio(num, den))
}

/// The years a financial table or chart shows, as its title says them ("2025年", "2023–2025年",
/// "2022、2025年"): never "近三年" over fewer years or old ones.
pub(super) fn years_span(years: &[FinYear]) -> String {
    let mut ys: Vec<i32> = years.iter().map(|y| y.year).collect();
    ys.sort_unstable();
    ys.dedup();
    let consecutive = ys.windows(2).all(|w| w[1] == w[0] + 1);
    match ys.as_slice() {
        [] => String::new(),
        [y] => format!("{y}年"),
        [a, .., b] if consecutive => format!("{a}–{b}年"),
        _ => format!(
            "{}年",
            ys.iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

pub(super) fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// A date written YYYY-MM-DD in a text, with what stands around it: up to four characters
/// before ("有效期至") and two after ("到期", "起…").
pub(super) struct DateInText {
    pub date: NaiveDate,
    pub before: String,
    pub after: String,
}

/// Every YYYY-MM-DD date in `text` (not one inside a longer run of digits), in order.
pub(super) fn dates_in(text: &str) -> Vec<DateInText> {
    let c: Vec<char> = text.chars().collect();
    (0..c.len().saturating_sub(9))
        .filter(|&i| i == 0 || !c[i - 1].is_ascii_digit())
        .filter_map(|i| {
            let s: String = c[i..i + 10].iter().collect();
            let date = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?;
            Some(DateInText {
                date,
                before: c[i.saturating_sub(4)..i].iter().collect(),
                after: c[i + 10..(i + 12).min(c.len())].iter().collect(),
            })
        })
        .collect()
}

/// Whether two texts share a run of five or more characters ("研发费用辅助账", "科技型中小企业";
/// "知识产权" alone is not one subject).
pub(super) fn share_a_run(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    a.windows(5).any(|w| b.windows(5).any(|x| x == w))
}
