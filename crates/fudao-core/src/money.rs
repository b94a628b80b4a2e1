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

/// How many decimals (0 or 2) a column of amounts needs in 万元 so that every amount of it
/// prints with one format: none when all are whole 万 under [`fmt_wan`]'s rounding, else two
/// (`[10_670_000, 179_900, 125_000]` → "1,067.00", "17.99", "12.50", never "1,067" beside
/// "17.99" and "12.5").
pub fn wan_decimals(amounts: impl IntoIterator<Item = Yuan>) -> usize {
    let fractional = amounts
        .into_iter()
        .any(|y| !((y.unsigned_abs() as u128 * 100 + 5_000) / 10_000).is_multiple_of(100));
    if fractional {
        2
    } else {
        0
    }
}

/// An amount in 万元 with exactly `decimals` decimals (at most 2), rounded half away from
/// zero, thousands separated, no unit: `fmt_wan_fixed(10_670_000, 2)` → `"1,067.00"`. With
/// [`wan_decimals`] over its column, every amount of the column prints alike.
pub fn fmt_wan_fixed(yuan: Yuan, decimals: usize) -> String {
    let decimals = decimals.min(2);
    let scale = 10u128.pow(decimals as u32);
    let units = (yuan.unsigned_abs() as u128 * scale + 5_000) / 10_000;
    let mut s = group_thousands(&(units / scale).to_string());
    if decimals > 0 {
        s.push_str(&format!(".{:0width$}", units % scale, width = decimals));
    }
    if yuan < 0 && units > 0 {
        s.insert(0, '-');
    }
    s
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
    fn a_column_of_amounts_prints_whole_or_with_two_decimals_throughout() {
        // 1,067万, 17.99万, 12.5万: two decimals for all three.
        let col = [10_670_000, 179_900, 125_000];
        assert_eq!(wan_decimals(col), 2);
        let cells: Vec<String> = col.iter().map(|&y| fmt_wan_fixed(y, 2)).collect();
        assert_eq!(cells, ["1,067.00", "17.99", "12.50"]);
        // Whole 万 only: no decimals; a tenth among them: two for all.
        assert_eq!(wan_decimals([5_000_000, 12_000_000]), 0);
        assert_eq!(fmt_wan_fixed(12_000_000, 0), "1,200");
        assert_eq!(wan_decimals([5_000_000, 55_000]), 2);
        assert_eq!(fmt_wan_fixed(5_000_000, 2), "500.00");
        assert_eq!(fmt_wan_fixed(5_000_000, 1), "500.0");
        assert_eq!(wan_decimals(std::iter::empty()), 0);
        // 49元 rounds to 0.00万 (whole); 50元 to 0.01万.
        assert_eq!(wan_decimals([49]), 0);
        assert_eq!(wan_decimals([50]), 2);
        // Rounding and sign as fmt_wan: 0.125万 → 0.13; −1.5万 with two decimals.
        assert_eq!(fmt_wan_fixed(1_250, 2), "0.13");
        assert_eq!(fmt_wan_fixed(-15_000, 2), "-1.50");
        assert_eq!(fmt_wan_fixed(-1, 2), "0.00");
        // A whole or two-decimal amount alone prints as fmt_wan does.
        for y in [0, 49, 50, 5_100, 12_345_600, -1_500_000, 999_999_999] {
            assert_eq!(fmt_wan_fixed(y, wan_decimals([y])), fmt_wan(y), "{y}");
        }
    }

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
