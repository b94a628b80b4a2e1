//! Exact ratio arithmetic for rule decisions and their display.
//!
//! Every decision compares a ratio `num / den` with a threshold given in basis points
//! (1 bp = 0.01 %) by integer cross-multiplication in `i128`: `num · 10 000 ≥ bp · den`.
//! No floating point is involved, so 6.00 % is exactly 6 % and 5.99 % is below it.
//! Displayed percentages are *truncated* (never rounded up past a threshold the firm misses)
//! and displayed gaps are rounded *up* (a firm that misses never reads "short by 0").

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A percentage held exactly in basis points (1 bp = 0.01 %). In rule files it is written
/// as a plain percent number with at most two decimals: `6`, `5.5`, `0.01`, `-10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pct(pub i64);

impl Pct {
    pub const fn from_percent(p: i64) -> Self {
        Pct(p * 100)
    }
    pub fn bp(self) -> i64 {
        self.0
    }
    /// Parses `"5.5"` (percent, ≤ 2 decimals) exactly.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().trim_end_matches('%');
        let (neg, t) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        if i.is_empty() || f.len() > 2 || !i.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !f.bytes().all(|b| b.is_ascii_digit()) || i.len() > 12 {
            return None;
        }
        let int: i64 = i.parse().ok()?;
        let frac: i64 = if f.is_empty() {
            0
        } else {
            format!("{f:0<2}").parse().ok()?
        };
        let v = int * 100 + frac;
        Some(Pct(if neg { -v } else { v }))
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&fmt_bp(self.0))
    }
}

impl Serialize for Pct {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fmt_bp(self.0))
    }
}

impl<'de> Deserialize<'de> for Pct {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read the literal text of the number so that 5.5 is parsed as a decimal, not a float.
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => return Err(de::Error::custom("expected a percentage such as 5.5")),
        };
        Pct::parse(&text).ok_or_else(|| {
            de::Error::custom(format!(
                "invalid percentage {text}: use a percent with at most two decimals"
            ))
        })
    }
}

/// `num / den ≥ pct`, exactly. `den` must be positive.
pub fn ratio_ge(num: i64, den: i64, pct: Pct) -> bool {
    debug_assert!(den > 0);
    (num as i128) * 10_000 >= (pct.0 as i128) * (den as i128)
}

/// `num / den ≤ pct`, exactly. `den` must be positive.
pub fn ratio_le(num: i64, den: i64, pct: Pct) -> bool {
    debug_assert!(den > 0);
    (num as i128) * 10_000 <= (pct.0 as i128) * (den as i128)
}

/// `num / den > pct`, exactly.
pub fn ratio_gt(num: i64, den: i64, pct: Pct) -> bool {
    !ratio_le(num, den, pct)
}

/// The ratio in basis points, rounded toward −∞ (`den > 0`).
pub fn bp_floor(num: i64, den: i64) -> i64 {
    let n = (num as i128) * 10_000;
    n.div_euclid(den as i128) as i64
}

/// The ratio in basis points, rounded toward +∞ (`den > 0`).
pub fn bp_ceil(num: i64, den: i64) -> i64 {
    let n = (num as i128) * 10_000;
    let d = den as i128;
    (n.div_euclid(d) + i128::from(n.rem_euclid(d) != 0)) as i64
}

/// Smallest integer `x` with `x / den ≥ pct`, i.e. `⌈pct · den⌉` (`den > 0`).
pub fn min_numerator(den: i64, pct: Pct) -> i64 {
    let n = (pct.0 as i128) * (den as i128);
    let q = n.div_euclid(10_000) + i128::from(n.rem_euclid(10_000) != 0);
    q as i64
}

/// Smallest `k ≥ 0` with `(num + k) / (den + k) ≥ pct`: how many people to hire into the
/// numerator when every hire also raises the headcount (`pct < 100 %`, `den > 0`).
pub fn min_hires(num: i64, den: i64, pct: Pct) -> i64 {
    debug_assert!(den > 0 && pct.0 < 10_000);
    // (num + k)·10 000 ≥ pct·(den + k)  ⇔  k·(10 000 − pct) ≥ pct·den − 10 000·num
    let need = (pct.0 as i128) * (den as i128) - 10_000 * (num as i128);
    if need <= 0 {
        return 0;
    }
    let per = 10_000 - pct.0 as i128;
    (need / per + i128::from(need % per != 0)) as i64
}

/// Formats basis points as a percentage with up to two decimals: 600 → `6%`, 320 → `3.2%`,
/// 525 → `5.25%`, -1050 → `-10.5%`.
pub fn fmt_bp(bp: i64) -> String {
    format!("{}%", fmt_hundredths(bp))
}

/// Formats basis points as percentage points without the sign: 80 → `0.8`.
pub fn fmt_pp(bp: i64) -> String {
    fmt_hundredths(bp)
}

fn fmt_hundredths(v: i64) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let (i, f) = (a / 100, a % 100);
    let mut s = if f == 0 {
        i.to_string()
    } else if f % 10 == 0 {
        format!("{i}.{}", f / 10)
    } else {
        format!("{i}.{f:02}")
    };
    if neg {
        s.insert(0, '-');
    }
    s
}

/// The ratio as a percentage for display, truncated to two decimals and always printed
/// with both (`den > 0`): a firm's figures read alike in a column ("68.00%" beside "51.99%").
/// Thresholds keep their own form ([`fmt_bp`]: "5%").
pub fn fmt_ratio(num: i64, den: i64) -> String {
    fmt_bp2(bp_floor(num, den))
}

/// Basis points as a percentage with exactly two decimals: 6800 → `68.00%`, 320 → `3.20%`,
/// -1050 → `-10.50%` (a firm's measured figure; see [`fmt_ratio`]).
pub fn fmt_bp2(bp: i64) -> String {
    let a = bp.unsigned_abs();
    format!(
        "{}{}.{:02}%",
        if bp < 0 { "-" } else { "" },
        a / 100,
        a % 100
    )
}

/// Percentage points by which `num / den` falls short of `pct`, rounded up (`den > 0`).
/// Zero or negative when the ratio reaches `pct`.
pub fn shortfall_bp(num: i64, den: i64, pct: Pct) -> i64 {
    pct.0 - bp_floor(num, den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percentages_exactly() {
        assert_eq!(Pct::parse("6"), Some(Pct(600)));
        assert_eq!(Pct::parse("5.5"), Some(Pct(550)));
        assert_eq!(Pct::parse("0.01"), Some(Pct(1)));
        assert_eq!(Pct::parse("-10"), Some(Pct(-1000)));
        assert_eq!(Pct::parse("5.25%"), Some(Pct(525)));
        assert_eq!(Pct::parse("5.255"), None);
        assert_eq!(Pct::parse("abc"), None);
        let p: Pct = serde_json::from_str("0.1").unwrap();
        assert_eq!(p, Pct(10));
        assert!(serde_json::from_str::<Pct>("0.001").is_err());
        assert_eq!(serde_json::to_string(&Pct(550)).unwrap(), "\"5.5%\"");
    }

    #[test]
    fn compares_at_the_edge() {
        // 6.00 % of sales
        assert!(ratio_ge(600, 10_000, Pct(600)));
        // 5.99 %
        assert!(!ratio_ge(599, 10_000, Pct(600)));
        // 1 yuan short of 6 % of 3 yuan... 0.18/3 = 6 %
        assert!(ratio_ge(6, 100, Pct::from_percent(6)));
        assert!(!ratio_ge(5_999_999, 100_000_000, Pct::from_percent(6)));
        assert!(ratio_le(40, 100, Pct::from_percent(40)));
        assert!(!ratio_le(41, 100, Pct::from_percent(40)));
        assert!(ratio_gt(7001, 10_000, Pct::from_percent(70)));
        assert!(!ratio_gt(7000, 10_000, Pct::from_percent(70)));
        // huge figures do not overflow
        assert!(ratio_ge(i64::MAX / 2, i64::MAX, Pct::from_percent(49)));
    }

    #[test]
    fn display_truncates_and_gaps_round_up() {
        assert_eq!(fmt_ratio(5_999, 100_000), "5.99%");
        assert_eq!(fmt_ratio(59_999, 1_000_000), "5.99%");
        assert_eq!(fmt_ratio(32, 1_000), "3.20%");
        assert_eq!(fmt_ratio(68, 100), "68.00%");
        assert_eq!(fmt_bp2(-1050), "-10.50%");
        assert_eq!(fmt_bp2(5), "0.05%");
        assert_eq!(fmt_ratio(-1, 3), "-33.34%");
        assert_eq!(shortfall_bp(59_999, 1_000_000, Pct(600)), 1);
        assert_eq!(fmt_pp(shortfall_bp(640_000, 20_000_000, Pct(400))), "0.8");
        assert_eq!(min_numerator(20_000_000, Pct(400)), 800_000);
        assert_eq!(min_numerator(101, Pct(1000)), 11);
        assert_eq!(bp_ceil(1, 3), 3334);
        assert_eq!(bp_floor(1, 3), 3333);
    }
}
