//! Value parsers: amounts, counts, dates, yes/no, qualifications, stages, districts,
//! industries, terms, and the warning for an approximate value.

use super::column_letter;
use super::layout::Column;
use super::RowWarning;
use crate::cells::{self, is_placeholder, parse_bool_text};
use crate::fields::{Kind, Unit};
use crate::grid::Value;
use chrono::NaiveDate;
use fudao_core::model::{FinancingKind, QualificationKind, Stage};
use fudao_core::money::{self, DefaultUnit, Yuan};
use fudao_core::patch::FirmPatch;
use fudao_core::{region, Msg};
use std::collections::BTreeMap;

/// Jinan's functional zones, written where a district is expected; they are not GB/T 2260
/// divisions, so they become tags.
const FUNCTIONAL_ZONES: &[&str] = &[
    "高新区",
    "济南高新区",
    "高新技术产业开发区",
    "济南高新技术产业开发区",
    "先行区",
    "起步区",
    "新旧动能转换起步区",
    "新旧动能转换先行区",
    "南部山区",
    "南山",
    "南山区",
    "莱芜高新区",
    "章丘经济开发区",
    "经济开发区",
    "济南新旧动能转换起步区",
];

#[derive(Default)]
pub(super) struct QualState {
    pub(super) held: Option<bool>,
    pub(super) obtained: Option<NaiveDate>,
    pub(super) number: String,
}

/// A warning when a count, amount or term cell was read as its number although it is written
/// as an approximation (`约500人`, `500人左右`, `近300万`, `一年左右`).
pub(super) fn approximation(r: u32, col: &Column, v: &Value) -> Option<RowWarning> {
    let Value::Text(t) = v else {
        return None;
    };
    if t.is_ascii() || !matches!(col.field.kind(), Kind::Amount | Kind::Count | Kind::Term) {
        return None;
    }
    let hw = cells::half_width(t);
    let trimmed = hw
        .trim()
        .trim_end_matches('期')
        .trim_end_matches("以内")
        .trim();
    if strip_approx(trimmed) == trimmed {
        return None;
    }
    let (zh, en) = match col.field.kind() {
        Kind::Count => {
            let n = read_count(v).ok()??;
            (format!("{n}"), format!("{n}"))
        }
        Kind::Amount => {
            let y = read_amount(v, col.unit).ok()??;
            let w = money::fmt_wan_unit(y);
            (w.clone(), w)
        }
        Kind::Term => {
            let m = read_term(v, col.unit).ok()?;
            (format!("{m}个月"), format!("{m} months"))
        }
        _ => return None,
    };
    let letter = column_letter(col.col);
    let row = r + 1;
    Some(RowWarning {
        row,
        letter: letter.clone(),
        column: col.header.clone(),
        field: col.field.key().to_string(),
        value: t.clone(),
        message: Msg::new(
            format!(
                "第{row}行{letter}列“{}”的“{t}”是约数，已按 {zh} 导入，请核实",
                col.header
            ),
            format!(
                "row {row}, column {letter} '{}': '{t}' is an approximation, imported as {en}; please check",
                col.header
            ),
        ),
    })
}

fn strip_approx(t: &str) -> &str {
    t.trim()
        .trim_start_matches(['约', '近', '超', '逾'])
        .trim_start_matches("大约")
        .trim_end_matches("左右")
        .trim_end_matches(['余', '多'])
        .trim()
}

/// Exact decimal `[-]digits[.digits]` times `mult`, rounded half away from zero to whole 元.
/// `None` for anything else (separators, units, full-width digits: the general parser's job).
fn plain_decimal(t: &str, mult: i128) -> Option<Yuan> {
    let (neg, num) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty()
        || int.len() > 15
        || frac.len() > 12
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = |s: &str| s.bytes().fold(0i128, |a, d| a * 10 + (d - b'0') as i128);
    let scale = 10i128.pow(frac.len() as u32);
    let v = ((digits(int) * scale + digits(frac)) * mult + scale / 2) / scale;
    i64::try_from(if neg { -v } else { v }).ok()
}

pub(super) fn read_amount(v: &Value, unit: Option<Unit>) -> Result<Option<Yuan>, Msg> {
    let bad = |t: &str| {
        Msg::new(
            format!("“{t}”不是有效的金额（例：1,234.5、500万元）"),
            format!("'{t}' is not a valid amount (e.g. 1,234.5 or 500万元)"),
        )
    };
    let text = match v {
        // Plain numbers need no text parsing: scale by the unit and round to whole 元.
        Value::Number(n) if n.is_finite() && n.abs() < 1e12 => {
            let mult = match unit.unwrap_or(Unit::Wan) {
                Unit::Yuan => 1.0,
                Unit::Thousand => 1_000.0,
                Unit::Wan | Unit::Months | Unit::Years => 10_000.0,
                Unit::Yi => 100_000_000.0,
            };
            return Ok(Some((n * mult).round() as Yuan));
        }
        Value::Number(n) => cells::number_text(*n),
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            if t.trim() == "无" {
                return Ok(Some(0));
            }
            if unit != Some(Unit::Thousand) {
                let mult = match unit.unwrap_or(Unit::Wan) {
                    Unit::Yuan => 1,
                    Unit::Yi => 100_000_000,
                    _ => 10_000,
                };
                if let Some(y) = plain_decimal(t.trim(), mult) {
                    return Ok(Some(y));
                }
            }
            let t = if t.is_ascii() {
                t.trim()
            } else {
                strip_approx(t)
            };
            cells::expand_scientific(t).into_owned()
        }
        other => return Err(bad(&other.display())),
    };
    let hw = cells::half_width(&text);
    let explicit = hw.trim_end().ends_with(['元', '万', '亿']);
    let parsed = if explicit {
        money::parse_amount(&hw, DefaultUnit::Wan)
    } else {
        match unit.unwrap_or(Unit::Wan) {
            Unit::Yuan => money::parse_amount(&hw, DefaultUnit::Yuan),
            Unit::Wan => money::parse_amount(&hw, DefaultUnit::Wan),
            Unit::Yi => money::parse_amount(&format!("{hw}亿"), DefaultUnit::Yuan),
            Unit::Thousand => money::parse_amount(&hw, DefaultUnit::Wan).map(|w| {
                if w >= 0 {
                    (w + 5) / 10
                } else {
                    (w - 5) / 10
                }
            }),
            Unit::Months | Unit::Years => money::parse_amount(&hw, DefaultUnit::Wan),
        }
    };
    parsed.map(Some).ok_or_else(|| bad(&v.display()))
}

pub(super) fn read_count(v: &Value) -> Result<Option<u32>, Msg> {
    let bad = |t: &str| {
        Msg::new(
            format!("“{t}”不是有效的非负整数"),
            format!("'{t}' is not a whole non-negative number"),
        )
    };
    match v {
        Value::Number(n) => {
            if n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64 {
                Ok(Some(*n as u32))
            } else {
                Err(bad(&v.display()))
            }
        }
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            let tt = t.trim();
            if matches!(tt, "无" | "没有" | "暂无专利") {
                return Ok(Some(0));
            }
            if !tt.is_empty() && tt.len() <= 9 && tt.bytes().all(|b| b.is_ascii_digit()) {
                return tt.parse().map(Some).map_err(|_| bad(t));
            }
            money::parse_count(&cells::expand_scientific(strip_approx(t)))
                .map(Some)
                .ok_or_else(|| bad(t))
        }
        other => Err(bad(&other.display())),
    }
}

pub(super) fn read_date(v: &Value) -> Result<Option<NaiveDate>, Msg> {
    let d = match v {
        Value::Date(d) => Some(*d),
        Value::Number(n) => cells::date_from_number(*n),
        Value::Text(t) => {
            if is_placeholder(t) {
                return Ok(None);
            }
            cells::parse_date_text(t)
        }
        _ => None,
    };
    let t = v.display();
    match d {
        Some(d) if cells::date_in_range(d) => Ok(Some(d)),
        Some(d) => Err(Msg::new(
            format!("日期“{t}”（{d}）不在合理范围（1949–2100年）"),
            format!("date '{t}' ({d}) is outside 1949–2100"),
        )),
        None => Err(Msg::new(
            format!("“{t}”不是有效日期（可写作 2019-03-05、2019/3/5、2019年3月5日、2019.3.5 或 20190305）"),
            format!("'{t}' is not a valid date (use 2019-03-05, 2019/3/5, 2019年3月5日, 2019.3.5 or 20190305)"),
        )),
    }
}

pub(super) fn read_bool(v: &Value) -> Result<Option<bool>, Msg> {
    let b = match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) if *n == 1.0 => Some(true),
        Value::Number(n) if *n == 0.0 => Some(false),
        Value::Text(t) if is_placeholder(t) => return Ok(None),
        Value::Text(t) => parse_bool_text(t),
        _ => None,
    };
    let t = v.display();
    b.map(Some).ok_or_else(|| {
        Msg::new(
            format!("“{t}”应为“是”或“否”"),
            format!("'{t}' should be 是 (yes) or 否 (no)"),
        )
    })
}

/// A qualification cell: yes/no, the date obtained, or a certificate / registration number.
pub(super) fn read_qualification(
    v: &Value,
    kind: QualificationKind,
    quals: &mut BTreeMap<QualificationKind, QualState>,
) -> Result<(), Msg> {
    let st = quals.entry(kind).or_default();
    match v {
        Value::Bool(b) => st.held = Some(*b),
        Value::Date(d) => {
            st.held = Some(true);
            st.obtained = Some(*d);
        }
        Value::Number(n) if *n == 1.0 || *n == 0.0 => st.held = Some(*n == 1.0),
        Value::Number(n) => match cells::date_from_number(*n) {
            Some(d)
                if n.fract() == 0.0 && *n < 100_000.0
                    || (19_000_101.0..=21_001_231.0).contains(n) =>
            {
                st.held = Some(true);
                st.obtained = Some(d);
            }
            _ => {
                st.held = Some(true);
                st.number = cells::number_text(*n);
            }
        },
        Value::Text(t) => {
            let t = t.trim();
            if is_placeholder(t) {
                return Ok(());
            }
            if let Some(b) = parse_bool_text(t) {
                st.held = Some(b);
                if b {
                    if let Some(d) = embedded_date(t) {
                        st.obtained = Some(d);
                    }
                }
            } else if let Some(d) = cells::parse_date_text(t) {
                st.held = Some(true);
                st.obtained = Some(d);
            } else if looks_like_number(t) {
                st.held = Some(true);
                st.number = fudao_core::text::to_half_width(t).to_ascii_uppercase();
            } else if t.contains("已")
                || t.contains(kind.label_zh())
                || t.contains("认定")
                || t.contains("入库")
            {
                st.held = Some(true);
                if let Some(d) = embedded_date(t) {
                    st.obtained = Some(d);
                }
            } else {
                return Err(Msg::new(
                    format!("“{t}”无法识别为{}情况（应为 是/否、取得日期或证书编号）", kind.label_zh()),
                    format!("'{t}' is not a {} status (use 是/否, the date obtained or the certificate number)", kind.label_en()),
                ));
            }
        }
        Value::Empty | Value::Error(_) => {}
    }
    Ok(())
}

/// A date inside a phrase: `是（2022年12月1日认定）`, `已认定 2021-11-30`.
fn embedded_date(t: &str) -> Option<NaiveDate> {
    let hw = cells::half_width(t);
    let start = hw.find(|c: char| c.is_ascii_digit())?;
    let rest = &hw[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日')))
        .unwrap_or(rest.len());
    let d = cells::parse_date_text(&rest[..end])?;
    // A bare year is not a date obtained.
    (rest[..end].chars().filter(|c| c.is_ascii_digit()).count() > 4).then_some(d)
}

fn looks_like_number(t: &str) -> bool {
    let hw = cells::half_width(t);
    let alnum = hw.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let digits = hw.chars().filter(char::is_ascii_digit).count();
    alnum >= 6 && digits >= 4 && hw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// 专精特新 level: 国家级/小巨人 → little giant, 省级 → provincial, 是 → provincial,
/// 否 → neither, 市级 → a tag (no such designation in the model).
pub(super) fn read_srdi(
    v: &Value,
    quals: &mut BTreeMap<QualificationKind, QualState>,
    p: &mut FirmPatch,
) -> Result<(), Msg> {
    let t = v.display();
    let t = t.trim();
    if is_placeholder(t) {
        return Ok(());
    }
    if t.contains("小巨人") || t.contains("国家") {
        let st = quals.entry(QualificationKind::SrdiLittleGiant).or_default();
        st.held = Some(true);
        st.obtained = embedded_date(t);
        return Ok(());
    }
    if t.contains('省') {
        let st = quals.entry(QualificationKind::SrdiProvincial).or_default();
        st.held = Some(true);
        st.obtained = embedded_date(t);
        return Ok(());
    }
    if t.contains('市') {
        p.tags.push("市级专精特新".to_string());
        return Ok(());
    }
    if let Value::Date(d) = v {
        let st = quals.entry(QualificationKind::SrdiProvincial).or_default();
        st.held = Some(true);
        st.obtained = Some(*d);
        return Ok(());
    }
    match read_bool(v) {
        Ok(Some(true)) => {
            quals.entry(QualificationKind::SrdiProvincial).or_default().held = Some(true);
            Ok(())
        }
        Ok(Some(false)) => {
            for k in [QualificationKind::SrdiProvincial, QualificationKind::SrdiLittleGiant] {
                let st = quals.entry(k).or_default();
                if st.held.is_none() {
                    st.held = Some(false);
                }
            }
            Ok(())
        }
        _ => Err(Msg::new(
            format!("专精特新“{t}”无法识别（应为 省级、国家级（小巨人）、是 或 否）"),
            format!("专精特新 (SRDI) '{t}' is not one of 省级 (provincial), 国家级/小巨人 (national), 是, 否"),
        )),
    }
}

pub(super) fn parse_stage(t: &str) -> Option<Stage> {
    Stage::parse(t).or_else(|| {
        let pairs = [
            ("种子", Stage::Seed),
            ("初创", Stage::Startup),
            ("创业", Stage::Startup),
            ("成长", Stage::Growth),
            ("成熟", Stage::Mature),
        ];
        pairs.iter().find(|(w, _)| t.contains(w)).map(|(_, s)| *s)
    })
}

pub(super) fn parse_fin_kind(t: &str) -> Option<FinancingKind> {
    FinancingKind::parse(t).or_else(|| {
        let pairs = [
            ("贷", FinancingKind::Loan),
            ("信贷", FinancingKind::Loan),
            ("授信", FinancingKind::Loan),
            ("股权", FinancingKind::Equity),
            ("投资", FinancingKind::Equity),
            ("风投", FinancingKind::Equity),
            ("担保", FinancingKind::Guarantee),
            ("保险", FinancingKind::Insurance),
            ("债", FinancingKind::Bond),
            ("票据", FinancingKind::Bond),
        ];
        // The kind named first in the text wins (`贷款、股权` → loan).
        pairs
            .iter()
            .filter_map(|(w, k)| t.find(w).map(|i| (i, *k)))
            .min_by_key(|(i, _)| *i)
            .map(|(_, k)| k)
    })
}

/// A Jinan district or county code; `Ok(None)` for a functional zone (kept as a tag).
pub(super) fn parse_district(t: &str) -> Result<Option<String>, Msg> {
    let key: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(code) = region::district_code(&key) {
        return Ok(Some(code.to_string()));
    }
    if functional_zone(&key).is_some() {
        return Ok(None);
    }
    Err(Msg::new(
        format!("区县“{t}”不是济南市的区县（如 历下区、市中区、章丘区、平阴县）"),
        format!("'{t}' is not a district or county of Jinan (e.g. 历下区, 章丘区)"),
    ))
}

pub(super) fn functional_zone(t: &str) -> Option<&'static str> {
    let key: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    FUNCTIONAL_ZONES
        .iter()
        .find(|z| key == **z || key.ends_with(*z) || key.starts_with(*z))
        .copied()
}

/// Industry: a GB/T 4754 code at the start (`C3911`, `C 制造业`) is kept as written; a
/// Chinese section name gives its letter.
pub(super) fn industry_code(t: &str) -> Option<String> {
    let hw = cells::half_width(t);
    let token: String = hw
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if !token.is_empty() {
        let mut chars = token.chars();
        let letter_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        let rest_digits = chars.all(|c| c.is_ascii_digit());
        if letter_ok
            && rest_digits
            && token.len() <= 5
            && region::industry_section(&token).is_some()
        {
            return Some(token);
        }
    }
    region::industry_from_text(&hw).map(str::to_string)
}

fn chinese_number(s: &str) -> Option<f64> {
    let map = [
        ("半", 0.5),
        ("一", 1.0),
        ("两", 2.0),
        ("二", 2.0),
        ("三", 3.0),
        ("四", 4.0),
        ("五", 5.0),
        ("六", 6.0),
        ("七", 7.0),
        ("八", 8.0),
        ("九", 9.0),
        ("十", 10.0),
        ("十二", 12.0),
        ("十八", 18.0),
        ("二十四", 24.0),
        ("三十六", 36.0),
    ];
    map.iter().find(|(w, _)| *w == s).map(|(_, n)| *n)
}

/// A term in months: `12`, `12个月`, `1年`, `一年期`, `半年`, `3年`; a bare number is in the
/// header's unit, else ≤ 5 means years (nobody asks for a 3-month "期限" without saying so)
/// and larger means months.
pub(super) fn read_term(v: &Value, unit: Option<Unit>) -> Result<u32, Msg> {
    let t = v.display();
    let bad = || {
        Msg::new(
            format!("期限“{t}”无法识别（例：12、12个月、1年）"),
            format!("term '{t}' is not understood (e.g. 12, 12个月, 1年)"),
        )
    };
    let hw = cells::half_width(&t);
    let s = hw
        .trim()
        .trim_end_matches('期')
        .trim_end_matches("以内")
        .trim();
    let s = strip_approx(s);
    let (num, u) = if let Some(n) = s.strip_suffix("个月").or_else(|| s.strip_suffix('月')) {
        (n, Some(Unit::Months))
    } else if let Some(n) = s.strip_suffix('年') {
        (n, Some(Unit::Years))
    } else {
        (s, None)
    };
    let n: f64 = match num.trim().parse::<f64>() {
        Ok(n) => n,
        Err(_) => chinese_number(num.trim()).ok_or_else(bad)?,
    };
    if !(n > 0.0 && n <= 600.0) {
        return Err(bad());
    }
    let unit = u
        .or(unit)
        .unwrap_or(if n <= 5.0 { Unit::Years } else { Unit::Months });
    let months = if unit == Unit::Years { n * 12.0 } else { n };
    if months.fract() != 0.0 {
        return Err(bad());
    }
    Ok(months as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn amounts_with_units() {
        let n = |x: f64| Value::Number(x);
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(
            read_amount(&n(1234.5), Some(Unit::Wan)),
            Ok(Some(12_345_000))
        );
        assert_eq!(read_amount(&n(1234.5), Some(Unit::Yuan)), Ok(Some(1235)));
        assert_eq!(read_amount(&t("1,234.5"), None), Ok(Some(12_345_000)));
        assert_eq!(
            read_amount(&t("500万元"), Some(Unit::Yuan)),
            Ok(Some(5_000_000))
        );
        assert_eq!(
            read_amount(&t("1.5"), Some(Unit::Yi)),
            Ok(Some(150_000_000))
        );
        assert_eq!(
            read_amount(&t("1.5"), Some(Unit::Thousand)),
            Ok(Some(1_500))
        );
        assert_eq!(
            read_amount(&t("约300万"), Some(Unit::Yuan)),
            Ok(Some(3_000_000))
        );
        assert_eq!(read_amount(&t("-"), None), Ok(None));
        assert_eq!(
            read_amount(&t("-12.5"), Some(Unit::Wan)),
            Ok(Some(-125_000))
        );
        let e = read_amount(&t("三百万"), None).unwrap_err();
        assert!(e.zh.contains("“三百万”不是有效的金额"), "{}", e.zh);
    }

    #[test]
    fn plain_decimals_are_exact() {
        assert_eq!(plain_decimal("1234.5", 10_000), Some(12_345_000));
        assert_eq!(
            plain_decimal("0.00005", 10_000),
            Some(1),
            "half rounds away from zero"
        );
        assert_eq!(plain_decimal("-12.34567", 10_000), Some(-123_457));
        assert_eq!(plain_decimal("7", 1), Some(7));
        assert_eq!(plain_decimal("1,234", 1), None);
        assert_eq!(plain_decimal("12万", 1), None);
        assert_eq!(plain_decimal(".", 1), None);
        assert_eq!(plain_decimal("1.2.3", 1), None);
        // The fast path agrees with the general parser.
        for t in ["0.1", "99999.9999", "3.14159", "100", "-0.5"] {
            assert_eq!(
                plain_decimal(t, 10_000),
                money::parse_amount(t, DefaultUnit::Wan),
                "{t}"
            );
        }
    }

    #[test]
    fn counts_terms_kinds() {
        assert_eq!(read_count(&Value::Text("12人".into())), Ok(Some(12)));
        assert_eq!(read_count(&Value::Number(12.0)), Ok(Some(12)));
        assert_eq!(read_count(&Value::Text("无".into())), Ok(Some(0)));
        assert!(read_count(&Value::Number(12.5)).is_err());
        assert!(read_count(&Value::Text("十二".into())).is_err());
        let term = |s: &str, u| read_term(&Value::Text(s.into()), u);
        assert_eq!(term("12个月", None), Ok(12));
        assert_eq!(term("1年", None), Ok(12));
        assert_eq!(term("一年期", None), Ok(12));
        assert_eq!(term("半年", None), Ok(6));
        assert_eq!(term("3", None), Ok(36));
        assert_eq!(term("24", None), Ok(24));
        assert_eq!(term("3", Some(Unit::Months)), Ok(3));
        assert_eq!(term("2", Some(Unit::Years)), Ok(24));
        assert!(term("长期", None).is_err());
        assert_eq!(parse_fin_kind("银行贷款"), Some(FinancingKind::Loan));
        assert_eq!(parse_fin_kind("股权融资"), Some(FinancingKind::Equity));
        assert_eq!(parse_fin_kind("贷款、股权"), Some(FinancingKind::Loan));
        assert_eq!(parse_fin_kind("担保"), Some(FinancingKind::Guarantee));
        assert_eq!(parse_fin_kind("众筹"), None);
        assert_eq!(parse_stage("成长期"), Some(Stage::Growth));
        assert_eq!(parse_stage("growth"), Some(Stage::Growth));
        assert_eq!(industry_code("C3911 计算机制造"), Some("C3911".into()));
        assert_eq!(industry_code("制造业"), Some("C".into()));
        assert_eq!(industry_code("i"), Some("I".into()));
        assert_eq!(industry_code("新一代信息技术"), None);
    }

    #[test]
    fn qualification_cells() {
        let mut q = BTreeMap::new();
        read_qualification(
            &Value::Text("GR202237000123".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        read_qualification(
            &Value::Text("2022年12月1日".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        let st = &q[&QualificationKind::HighTech];
        assert_eq!(st.held, Some(true));
        assert_eq!(st.number, "GR202237000123");
        assert_eq!(st.obtained, NaiveDate::from_ymd_opt(2022, 12, 1));
        let mut q = BTreeMap::new();
        read_qualification(
            &Value::Text("是（2021-11-30认定）".into()),
            QualificationKind::HighTech,
            &mut q,
        )
        .unwrap();
        assert_eq!(
            q[&QualificationKind::HighTech].obtained,
            NaiveDate::from_ymd_opt(2021, 11, 30)
        );
        let e = read_qualification(
            &Value::Text("不清楚".into()),
            QualificationKind::TechSme,
            &mut q,
        )
        .unwrap_err();
        assert!(
            e.zh.contains("“不清楚”无法识别为科技型中小企业情况"),
            "{}",
            e.zh
        );
    }
}
