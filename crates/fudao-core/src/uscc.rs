//! 统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).
//!
//! 18 characters: 1 registering authority, 2 entity type, 3–8 GB/T 2260 area code,
//! 9–17 organisation code (GB 11714, with its own check character at 17), 18 check character.

use crate::error::FieldError;
use crate::text::to_half_width;

/// The 31-character alphabet (no I, O, S, V, Z); a character's value is its index.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Why a code is not a valid USCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    Empty,
    Length(usize),
    InvalidChar {
        pos: usize,
        ch: char,
    },
    /// Position 17: the organisation-code (GB 11714) check failed.
    OrgCheck {
        expected: char,
        found: char,
    },
    /// Position 18: the USCC check character failed.
    Check {
        expected: char,
        found: char,
    },
}

impl UsccError {
    /// The error as a field error on `field`, bilingual, naming the expected character.
    pub fn to_field_error(&self, field: &str) -> FieldError {
        let (code, zh, en) = match self {
            UsccError::Empty => ("required", "统一社会信用代码不能为空".to_string(), "USCC is required".to_string()),
            UsccError::Length(n) => (
                "uscc.length",
                format!("统一社会信用代码应为18位，实际为{n}位"),
                format!("USCC must have 18 characters, got {n}"),
            ),
            UsccError::InvalidChar { pos, ch } => (
                "uscc.char",
                format!("统一社会信用代码第{pos}位字符“{ch}”无效（不使用 I、O、S、V、Z）"),
                format!("USCC character {pos} '{ch}' is not allowed (I, O, S, V, Z are never used)"),
            ),
            UsccError::OrgCheck { expected, found } => (
                "uscc.org_check",
                format!("统一社会信用代码第17位（组织机构代码校验位）应为“{expected}”，实际为“{found}”"),
                format!("USCC character 17 (organisation-code check) should be '{expected}', found '{found}'"),
            ),
            UsccError::Check { expected, found } => (
                "uscc.check",
                format!("统一社会信用代码第18位校验码应为“{expected}”，实际为“{found}”"),
                format!("USCC check character (18) should be '{expected}', found '{found}'"),
            ),
        };
        FieldError::new(field, code, zh, en)
    }
}

impl std::fmt::Display for UsccError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_field_error("uscc").message)
    }
}

impl std::error::Error for UsccError {}

/// Trims, converts full-width characters to half-width, removes inner spaces and hyphens,
/// and upper-cases.
pub fn normalize(input: &str) -> String {
    to_half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

fn char_of(v: u32) -> char {
    ALPHABET.as_bytes()[v as usize] as char
}

/// The GB 11714 check character for the 8-character organisation-code body.
fn org_check_char(body: &[u32]) -> char {
    let sum: u32 = body.iter().zip(ORG_WEIGHTS).map(|(v, w)| v * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    }
}

/// The check character (position 18) for the first 17 characters.
/// Returns `None` if any of them is outside the alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let vals: Option<Vec<u32>> = first17.chars().map(value).collect();
    let vals = vals?;
    if vals.len() != 17 {
        return None;
    }
    let sum: u32 = vals.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    Some(char_of((31 - sum % 31) % 31))
}

/// Validates an already-normalised code. Returns the code on success.
pub fn validate(code: &str) -> Result<(), UsccError> {
    if code.is_empty() {
        return Err(UsccError::Empty);
    }
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length(chars.len()));
    }
    let mut vals = Vec::with_capacity(18);
    for (i, &ch) in chars.iter().enumerate() {
        match value(ch) {
            Some(v) => vals.push(v),
            None => return Err(UsccError::InvalidChar { pos: i + 1, ch }),
        }
    }
    // Organisation code (positions 9–17): body 9–16 uses digits and letters; its check at 17.
    // A letter in the body maps to its value in the 0–35 Latin scheme of GB 11714.
    let org_body: Vec<u32> = chars[8..16]
        .iter()
        .map(|c| c.to_digit(36).unwrap_or(0))
        .collect();
    let expected_org = org_check_char(&org_body);
    if chars[16] != expected_org {
        return Err(UsccError::OrgCheck {
            expected: expected_org,
            found: chars[16],
        });
    }
    let sum: u32 = vals[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let expected = char_of((31 - sum % 31) % 31);
    if chars[17] != expected {
        return Err(UsccError::Check {
            expected,
            found: chars[17],
        });
    }
    Ok(())
}

/// Normalises then validates; returns the normalised code.
pub fn parse(input: &str) -> Result<String, UsccError> {
    let code = normalize(input);
    validate(&code)?;
    Ok(code)
}

/// The GB/T 2260 area code (positions 3–8) of a normalised code, if long enough.
pub fn area_code(code: &str) -> Option<&str> {
    code.get(2..8)
}

/// Builds a valid USCC from a registration prefix (`91`), a 6-digit area code and an
/// 8-character organisation body by computing both check characters. Used for synthetic data.
pub fn compose(prefix2: &str, area6: &str, org_body8: &str) -> Option<String> {
    if prefix2.len() != 2 || area6.len() != 6 || org_body8.len() != 8 {
        return None;
    }
    let body: Vec<u32> = org_body8
        .chars()
        .map(|c| c.to_digit(36).unwrap_or(0))
        .collect();
    let org_check = org_check_char(&body);
    let first17 = format!("{prefix2}{area6}{org_body8}{org_check}");
    let check = check_char(&first17)?;
    Some(format!("{first17}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_codes_validate() {
        for code in ["91350100M000100Y43", "91110000802100433B"] {
            assert_eq!(validate(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn normalises_full_width_and_case() {
        assert_eq!(
            parse("　９１３５０１００ｍ０００１００ｙ４３ ").unwrap(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn names_the_expected_check_character() {
        assert_eq!(
            validate("91350100M000100Y44"),
            Err(UsccError::Check {
                expected: '3',
                found: '4'
            })
        );
        let e = validate("91350100M000100Y44")
            .unwrap_err()
            .to_field_error("uscc");
        assert!(e.message.zh.contains("应为“3”"), "{}", e.message.zh);
    }

    #[test]
    fn org_check_is_verified() {
        // Change position 17 and recompute 18 so only the organisation check fails.
        let first16 = "91350100M000100Y";
        let bad17 = format!("{first16}5");
        let check = check_char(&bad17).unwrap();
        let code = format!("{bad17}{check}");
        assert_eq!(
            validate(&code),
            Err(UsccError::OrgCheck {
                expected: '4',
                found: '5'
            })
        );
    }

    #[test]
    fn rejects_bad_length_and_chars() {
        assert_eq!(validate("9135"), Err(UsccError::Length(4)));
        assert_eq!(
            validate("91350100M000100O43"),
            Err(UsccError::InvalidChar { pos: 16, ch: 'O' })
        );
        assert_eq!(validate(""), Err(UsccError::Empty));
    }

    #[test]
    fn compose_round_trips() {
        let code = compose("91", "370102", "MA3C1234").unwrap();
        assert_eq!(validate(&code), Ok(()));
        assert_eq!(area_code(&code), Some("370102"));
    }
}
