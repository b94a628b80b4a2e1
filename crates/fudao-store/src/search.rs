//! Firm search: Chinese substring (two-character queries are the common case), USCC prefix and
//! pinyin initials.
//!
//! SQLite's FTS5 trigram tokenizer cannot serve two-character queries, so the store keeps its
//! own bigram index (`firm_gram`): every bigram of the lower-cased name and of its pinyin
//! initials. A query's first bigram selects candidates through the index; each candidate is then
//! verified by substring and ranked (prefix matches first, then shorter names).

use crate::{Result, Store};
use fudao_core::text::{normalize_query, pinyin_initials};
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

/// How many candidates the index may yield before ranking.
const CANDIDATES: usize = 400;

/// Only the first characters of a name are indexed, so a pathological name (imports refuse
/// names over 100 characters, but sync and the forms are not bounded the same way) adds at
/// most this many bigrams, and as many of its pinyin initials. Real firm names are far
/// shorter; a query matching only past this point is not found.
pub const MAX_INDEXED_CHARS: usize = 100;

/// A search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmHit {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub district: Option<String>,
    /// How the query matched: `name`, `initials` or `uscc`.
    pub matched: &'static str,
}

fn bigrams(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().take(MAX_INDEXED_CHARS).collect();
    let mut v: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    v.sort();
    v.dedup();
    v
}

/// (Re)indexes one firm's name; called by the row writer on every firm write. `fresh`: the
/// firm had no row before this write, so it has no bigrams to remove (the initial sync).
pub(crate) fn index_firm(
    conn: &Connection,
    id: Uuid,
    name: &str,
    deleted: bool,
    fresh: bool,
) -> Result<()> {
    let id = id.to_string();
    if !fresh {
        conn.prepare_cached("DELETE FROM firm_gram WHERE firm_id = ?1")?
            .execute([&id])?;
    }
    if deleted {
        return Ok(());
    }
    let head: String = name.chars().take(MAX_INDEXED_CHARS).collect();
    let lower = head.to_lowercase();
    let mut grams = bigrams(&lower);
    grams.extend(bigrams(&pinyin_initials(&head)));
    grams.sort();
    grams.dedup();
    // One single-row INSERT per bigram on a cached statement: a multi-row INSERT (e.g. from
    // json_each) needs a statement journal because of the foreign key, and writing that
    // journal cost more than the statements saved.
    let mut ins =
        conn.prepare_cached("INSERT OR IGNORE INTO firm_gram (gram, firm_id) VALUES (?1, ?2)")?;
    for g in grams {
        ins.execute(params![g, id])?;
    }
    Ok(())
}

fn looks_like_uscc_prefix(q: &str) -> bool {
    q.len() >= 2
        && q.chars().next().is_some_and(|c| c.is_ascii_digit())
        && q.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Store {
    /// Finds firms by Chinese name fragment, USCC prefix or pinyin initials.
    pub fn search_firms(&self, query: &str, limit: usize) -> Result<Vec<FirmHit>> {
        let q = normalize_query(query);
        if q.is_empty() || limit == 0 {
            return Ok(vec![]);
        }
        let conn = self.connection();
        if looks_like_uscc_prefix(&q) {
            let upper = q.to_uppercase();
            let mut stmt = conn.prepare_cached(
                "SELECT id, uscc, name, district FROM firm WHERE deleted = 0 AND uscc >= ?1 AND uscc < ?1 || '~' ORDER BY uscc LIMIT ?2",
            )?;
            return collect(stmt.query_map(params![upper, limit as i64], |r| hit(r, "uscc"))?);
        }
        let chars = q.chars().count();
        let mut cands: Vec<(FirmHit, String)> = if chars >= 2 {
            let gram: String = q.chars().take(2).collect();
            let mut stmt = conn.prepare_cached(
                "SELECT f.id, f.uscc, f.name, f.district, f.initials FROM firm_gram g JOIN firm f ON f.id = g.firm_id \
                 WHERE g.gram = ?1 AND f.deleted = 0 AND (instr(lower(f.name), ?2) > 0 OR instr(f.initials, ?2) > 0) LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![gram, q, CANDIDATES as i64], |r| {
                Ok((hit(r, "name")?, r.get::<_, String>(4)?))
            })?;
            rows.collect::<Result<_, _>>()?
        } else {
            let mut stmt = conn.prepare_cached(
                "SELECT id, uscc, name, district, initials FROM firm WHERE deleted = 0 AND (instr(lower(name), ?1) > 0 OR instr(initials, ?1) > 0) LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![q, CANDIDATES as i64], |r| {
                Ok((hit(r, "name")?, r.get::<_, String>(4)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (h, initials) in cands.iter_mut() {
            if !h.name.to_lowercase().contains(&q) && initials.contains(&q) {
                h.matched = "initials";
            }
        }
        let rank = |h: &FirmHit, initials: &str| {
            let prefix = h.name.to_lowercase().starts_with(&q) || initials.starts_with(&q);
            (!prefix, h.name.chars().count(), h.name.clone())
        };
        cands.sort_by_cached_key(|(h, i)| rank(h, i));
        Ok(cands.into_iter().take(limit).map(|(h, _)| h).collect())
    }
}

fn hit(r: &rusqlite::Row<'_>, matched: &'static str) -> rusqlite::Result<FirmHit> {
    let id: String = r.get(0)?;
    Ok(FirmHit {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        uscc: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        district: r.get(3)?,
        matched,
    })
}

fn collect(rows: impl Iterator<Item = rusqlite::Result<FirmHit>>) -> Result<Vec<FirmHit>> {
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::Firm;

    #[test]
    fn bigrams_per_name_are_capped() {
        let mut s = Store::open_in_memory().unwrap();
        let code = fudao_core::uscc::compose("91", "370102", "MA3C0001").unwrap();
        // 20,000 distinct-ish characters: without the cap, tens of thousands of index rows.
        let name: String = (0..20_000u32)
            .map(|i| char::from_u32(0x4E00 + (i * 7) % 20_000).unwrap())
            .collect();
        let f = Firm::new(Uuid::now_v7(), &code, &format!("济南{name}"));
        s.put(&f).unwrap();
        let n: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM firm_gram WHERE firm_id = ?1",
                [f.id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n > 50, "the head of the name is indexed: {n}");
        assert!(n <= 2 * (MAX_INDEXED_CHARS as i64 - 1), "{n} bigrams");
        // The head of the name is still found.
        assert_eq!(s.search_firms("济南", 5).unwrap().len(), 1);
    }
}
