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
