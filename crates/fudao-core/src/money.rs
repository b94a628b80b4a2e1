//! Amounts. Stored as integer 元 (`i64`); shown in 万元 (10,000 元), the unit of every amount
//! on Chinese forms. Parsing accepts what people type into spreadsheets.

/// Integer yuan (元).
pub type Yuan = i64;

pub const WAN: Yuan = 10_000;

/// Formats an amount in 万元 with up to two decimals and thousands separators, no unit:
/// `12_345_600` → `"1,234.56"`, `50_000` → `"5"`.
pub fn fmt_wan(yuan: Yuan) -> String {
    let neg = yuan < 0;
    let fen_of_wan = (yuan.unsigned_abs() as u128 * 100 + 5_000) / 10_000; // hundredths of 万, rounded
    let int = fen_of_wan / 100;
    let frac = fen_of_wan % 100;
    let mut s = group_thousands(&int.to_string());
    if frac != 0 {
        if frac.is_multiple_of(10) {
            s.push_str(&format!(".{}", frac / 10));
        } else {
            s.push_str(&format!(".{frac:02}"));
        }
    }
    if neg {
        s.insert(0, '-');
    }
    s
}

/// `fmt_wan` with the unit: `"1,234.56万元"`.
pub fn fmt_wan_unit(yuan: Yuan) -> String {
    format!("{}万元", fmt_wan(yuan))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The unit a bare number is in when the text names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultUnit {
    Yuan,
    Wan,
}

/// Parses an amount as typed in forms: `1,234.5`, `１２３４`, `500万`, `500万元`, `3亿`,
/// `12000元`, `¥1,000`. A bare number is in `default_unit`. Exact decimal arithmetic (no
/// floating point); the result is rounded to whole 元. Returns `None` for text that is not an
/// amount.
pub fn parse_amount(input: &str, default_unit: DefaultUnit) -> Option<Yuan> {
    let s = crate::text::to_half_width(input);
    let s = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .replace([',', ' ', '，'], "");
    if s.is_empty() {
        return None;
    }
    let (num, mult): (&str, i128) =
        if let Some(n) = s.strip_suffix("亿元").or_else(|| s.strip_suffix("亿")) {
            (n, 100_000_000)
        } else if let Some(n) = s.strip_suffix("万元").or_else(|| s.strip_suffix("万")) {
            (n, 10_000)
        } else if let Some(n) = s.strip_suffix("元") {
            (n, 1)
        } else {
            (
                s.as_str(),
                if default_unit == DefaultUnit::Wan {
                    10_000
                } else {
                    1
                },
            )
        };
    let (neg, num) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num),
    };
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    if int_part.len() > 15 || frac_part.len() > 12 {
        return None;
    }
    let int: i128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let scale = 10i128.pow(frac_part.len() as u32);
    let frac: i128 = if frac_part.is_empty() {
        0
    } else {
        frac_part.parse().ok()?
    };
    // value = (int + frac/scale) * mult, rounded half away from zero
    let numer = (int * scale + frac) * mult;
    let mut v = (numer + scale / 2) / scale;
    if neg {
        v = -v;
    }
    i64::try_from(v).ok()
}

/// Parses a count such as `120`, `120人`, `1,200`; rejects fractions and negatives.
pub fn parse_count(input: &str) -> Option<u32> {
    let s = crate::text::to_half_width(input).replace([',', ' '], "");
    let s = s.trim_end_matches(['人', '个', '项', '件', '名']);
    if let Some((i, f)) = s.split_once('.') {
        // Spreadsheets often render counts as 12.0
        if f.chars().all(|c| c == '0') {
            return i.parse().ok();
        }
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_wan() {
        assert_eq!(fmt_wan(12_345_600), "1,234.56");
        assert_eq!(fmt_wan(50_000), "5");
        assert_eq!(fmt_wan(55_000), "5.5");
        assert_eq!(fmt_wan(0), "0");
        assert_eq!(fmt_wan(-1_500_000), "-150");
        assert_eq!(fmt_wan_unit(2_000_000_000), "200,000万元");
    }

    #[test]
    fn parses_amounts() {
        use DefaultUnit::*;
        assert_eq!(parse_amount("1,234.5", Wan), Some(12_345_000));
        assert_eq!(parse_amount("500万元", Yuan), Some(5_000_000));
        assert_eq!(parse_amount("3亿", Wan), Some(300_000_000));
        assert_eq!(parse_amount("12000元", Wan), Some(12_000));
        assert_eq!(parse_amount("￥１，０００", Yuan), Some(1_000));
        assert_eq!(parse_amount("0.01", Wan), Some(100));
        assert_eq!(parse_amount("abc", Wan), None);
        assert_eq!(parse_amount("", Wan), None);
        assert_eq!(parse_amount("1.2.3", Wan), None);
    }

    #[test]
    fn parses_counts() {
        assert_eq!(parse_count("120人"), Some(120));
        assert_eq!(parse_count("1,200"), Some(1200));
        assert_eq!(parse_count("12.0"), Some(12));
        assert_eq!(parse_count("12.5"), None);
        assert_eq!(parse_count("-3"), None);
    }
}
