//! The link a printed plan carries to the firm-facing feedback page (扫码评价).
//!
//! A [`FeedbackLink`] binds a random, unguessable token to one firm and one version of its
//! plan. It is created on the device that prints the plan (also offline) and synchronised like
//! any other row of the firm's team; the server serves `GET/POST {public_url}/f/{token}` for
//! it. The row's id is derived from the token ([`FeedbackLink::id_for`]), so the server finds
//! the link of a token with one key lookup and a pushed row cannot carry someone else's token
//! under another id.

use crate::error::{FieldError, ValidationErrors};
use crate::model::{Entity, EntityKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Random bytes in a token: 128 bits.
pub const TOKEN_BYTES: usize = 16;
/// Characters of a token: 128 bits in base32 (RFC 4648 alphabet, lower case, no padding).
pub const TOKEN_CHARS: usize = 26;
/// Days a link stays open after it is issued (the plan printed).
pub const LINK_VALID_DAYS: i64 = 180;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Namespace of the link ids derived from tokens (UUIDv5-style, SHA-1 free: see `id_for`).
const LINK_NAMESPACE: u128 = 0x6f1c_2d8a_5b3e_4f70_9a1d_0c4b_7e62_f315;

/// Encodes random bytes as a token (base32, lower case, no padding).
pub fn encode_token(bytes: &[u8; TOKEN_BYTES]) -> String {
    let mut out = String::with_capacity(TOKEN_CHARS);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Whether `s` has the shape of a token (26 characters of the base32 alphabet). Checked before
/// any lookup, so that arbitrary text never reaches the database.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_CHARS && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// A feedback link printed on a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackLink {
    /// Always [`FeedbackLink::id_for`] of the token.
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub plan_id: Uuid,
    pub plan_version: u32,
    /// The plan's date, shown on the page.
    pub plan_date: NaiveDate,
    /// The secret part of the URL.
    pub token: String,
    /// Last day the page accepts a rating ([`LINK_VALID_DAYS`] after the link was issued).
    pub expires: NaiveDate,
}

impl FeedbackLink {
    /// A new link for a plan version dated `plan_date`, issued (printed) on `issued`, from
    /// fresh random bytes (the caller draws them from a cryptographic generator).
    pub fn new(
        random: &[u8; TOKEN_BYTES],
        firm_id: Uuid,
        team_id: Option<Uuid>,
        plan_id: Uuid,
        plan_version: u32,
        plan_date: NaiveDate,
        issued: NaiveDate,
    ) -> Self {
        let token = encode_token(random);
        FeedbackLink {
            id: Self::id_for(&token),
            firm_id,
            team_id,
            plan_id,
            plan_version,
            plan_date,
            token,
            expires: issued.max(plan_date) + chrono::Duration::days(LINK_VALID_DAYS),
        }
    }

    /// The row id of a token's link: a name-based UUID (version 8 layout) over the token, so
    /// the id reveals nothing about the token without it.
    pub fn id_for(token: &str) -> Uuid {
        Self::derived(token, 1)
    }

    /// The id of the feedback row the page writes for a token: one row per token, so a second
    /// submission replaces the first.
    pub fn feedback_id_for(token: &str) -> Uuid {
        Self::derived(token, 2)
    }

    fn derived(token: &str, purpose: u8) -> Uuid {
        // FNV-1a 128 over namespace, purpose and token: not a secret (the token is), only a
        // stable, well-spread key.
        let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        let prime: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
        for b in LINK_NAMESPACE
            .to_be_bytes()
            .into_iter()
            .chain([purpose])
            .chain(token.bytes())
        {
            h ^= u128::from(b);
            h = h.wrapping_mul(prime);
        }
        uuid::Builder::from_custom_bytes(h.to_be_bytes()).into_uuid()
    }

    /// The page's address under the server's public URL.
    pub fn url(&self, public_url: &str) -> String {
        format!("{}/f/{}", public_url.trim_end_matches('/'), self.token)
    }

    /// Whether the page still accepts a rating on `today`.
    pub fn is_open_on(&self, today: NaiveDate) -> bool {
        today <= self.expires
    }
}

impl Entity for FeedbackLink {
    const KIND: EntityKind = EntityKind::FeedbackLink;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if !is_token(&self.token) {
            e.push(FieldError::new(
                "token",
                "invalid",
                format!("评价链接令牌须为{TOKEN_CHARS}位小写base32字符"),
                format!("the link token must be {TOKEN_CHARS} lower-case base32 characters"),
            ));
        } else if self.id != Self::id_for(&self.token) {
            e.push(FieldError::new(
                "id",
                "mismatch",
                "评价链接编号与令牌不符",
                "the link id does not belong to its token",
            ));
        }
        use chrono::Datelike;
        if self.expires < self.plan_date || self.expires.year() > 2100 {
            e.push(FieldError::new(
                "expires",
                "out_of_range",
                "评价链接的截止日期须在方案日期之后",
                "the link must expire after the plan date",
            ));
        }
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tokens_are_128_bit_base32() {
        assert_eq!(encode_token(&[0; 16]), "a".repeat(26));
        // 0xff.. → all ones: 25 full groups of 5 bits, then 3 bits padded with zeros (11100).
        let t = encode_token(&[0xff; 16]);
        assert_eq!(&t[..25], "7".repeat(25));
        assert_eq!(&t[25..], "4");
        let mut b = [0u8; 16];
        b[0] = 0b0000_1000; // first group = 00001, second 000 + 00
        assert!(encode_token(&b).starts_with("baa"));
        assert!(is_token(&t));
        assert!(!is_token("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        assert!(!is_token(&"a".repeat(25)));
        assert!(!is_token("aaaaaaaaaaaaaaaaaaaaaaaa<>"));
    }

    #[test]
    fn link_ids_follow_the_token_and_validation_checks_them() {
        let l = FeedbackLink::new(
            &[7; 16],
            Uuid::from_u128(1),
            Some(Uuid::from_u128(2)),
            Uuid::from_u128(3),
            2,
            d(2026, 5, 4),
            d(2026, 5, 1),
        );
        assert_eq!(l.id, FeedbackLink::id_for(&l.token));
        assert_ne!(l.id, FeedbackLink::feedback_id_for(&l.token));
        assert_ne!(
            FeedbackLink::id_for(&encode_token(&[8; 16])),
            FeedbackLink::id_for(&l.token)
        );
        assert_eq!(l.expires, d(2026, 10, 31));
        assert_eq!(l.validate(), Ok(()));
        assert_eq!(
            l.url("https://fk.example.cn/"),
            format!("https://fk.example.cn/f/{}", l.token)
        );
        assert!(l.is_open_on(d(2026, 5, 4)));
        // Printed long after the plan's date: open 180 days from the print.
        let late = FeedbackLink::new(
            &[7; 16],
            l.firm_id,
            l.team_id,
            l.plan_id,
            2,
            d(2026, 5, 4),
            d(2027, 1, 1),
        );
        assert_eq!(late.expires, d(2027, 6, 30));
        assert_eq!(late.validate(), Ok(()));
        assert!(l.is_open_on(d(2026, 10, 31)));
        assert!(!l.is_open_on(d(2026, 11, 1)));

        let mut other = l.clone();
        other.id = Uuid::from_u128(9);
        let e = other.validate().unwrap_err();
        assert_eq!(e.fields().collect::<Vec<_>>(), ["id"]);
        let mut bad = l.clone();
        bad.token = "<script>".into();
        assert_eq!(
            bad.validate().unwrap_err().fields().collect::<Vec<_>>(),
            ["token"]
        );
        let mut long = l;
        long.expires = d(2026, 5, 3);
        assert_eq!(
            long.validate().unwrap_err().fields().collect::<Vec<_>>(),
            ["expires"]
        );
    }
}
