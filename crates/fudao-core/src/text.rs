//! Text normalisation and pinyin initials for search.

use pinyin::ToPinyin;

/// Converts full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to their
/// half-width forms, and trims surrounding white space.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Lower-case pinyin initials of a Chinese name: `济南量子科技` → `jnlzkj`.
/// ASCII letters and digits are kept (lower-cased); other characters are dropped.
pub fn pinyin_initials(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (c, py) in s.chars().zip(s.to_pinyin()) {
        match py {
            Some(p) => out.push_str(p.first_letter()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    out
}

/// Normalises a free-text search query: half-width, lower-case ASCII, no inner spaces.
pub fn normalize_query(q: &str) -> String {
    to_half_width(q)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width() {
        assert_eq!(
            to_half_width("　９１３５０１００Ｍ０００１００Ｙ４３ "),
            "91350100M000100Y43"
        );
        assert_eq!(to_half_width("（万元）"), "(万元)");
    }

    #[test]
    fn initials() {
        assert_eq!(pinyin_initials("济南量子科技有限公司"), "jnlzkjyxgs");
        assert_eq!(pinyin_initials("山东AI研究院"), "sdaiyjy");
        assert_eq!(normalize_query(" ＪＮ lz "), "jnlz");
    }
}
