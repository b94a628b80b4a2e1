//! Firm search: Chinese substring (two-character queries are the common case), USCC prefix and
//! pinyin initials.
//!
//! SQLite's FTS5 trigram tokenizer cannot serve two-character queries, so the store keeps its
//! own bigram index (`firm_gram`): every bigram of the lower-cased name and of its pinyin
//! initials. A query's first bigram selects candidates through the index; each candidate is then
//! verified by substring and ranked (prefix matches first, then shorter names).

use crate::{Result, Store};
use fudao_core::text::{normalize_query, pinyin_initials};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

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
    let initials = pinyin_initials(&head);
    grams.extend(bigrams(&initials));
    for s in [&lower, &initials] {
        if let Some(last) = s.chars().last() {
            grams.push(format!("{last}{END}"));
        }
    }
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

/// Marks the end of an indexed string in `firm_gram` (its last character followed by this one),
/// so that a one-character query finds every occurrence through a range of the index, the last
/// character of a name (and a one-character name) included.
pub(crate) const END: char = '\u{1}';

/// The one text search over firms, shared by `fudao firm search` ([`Store::search_firms`]) and
/// the app's 企业 list ([`Store::firm_ids`]): what a query becomes in SQL.
///
/// - A USCC prefix (starts with a digit, all alphanumeric) is a range over the `uscc` index,
///   in code order.
/// - Anything else selects candidates through the bigram index `firm_gram` (every bigram of the
///   query must be indexed for the firm; a one-character query is a range of bigrams starting
///   with it), verifies each by substring of the lower-cased name or of the pinyin initials,
///   and ranks **all** of them: exact match, then prefix, then substring; then shorter names,
///   then pinyin order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextQuery {
    Uscc(String),
    Name(String),
}

impl TextQuery {
    /// `None` for an empty query (matches everything).
    pub(crate) fn parse(raw: &str) -> Option<TextQuery> {
        let q = normalize_query(raw);
        if q.is_empty() {
            None
        } else if looks_like_uscc_prefix(&q) {
            Some(TextQuery::Uscc(q.to_uppercase()))
        } else {
            Some(TextQuery::Name(q))
        }
    }

    /// Appends the query's conditions on the firm table aliased `f` to a WHERE clause (with
    /// ` AND …`), numbering its parameters after those already in `args`.
    pub(crate) fn push_where(&self, sql: &mut String, args: &mut Vec<SqlValue>) {
        let mut p = |v: SqlValue| {
            args.push(v);
            format!("?{}", args.len())
        };
        match self {
            TextQuery::Uscc(code) => {
                let a = p(SqlValue::Text(code.clone()));
                sql.push_str(&format!(" AND f.uscc >= {a} AND f.uscc < {a} || '~'"));
            }
            TextQuery::Name(q) => {
                let chars: Vec<char> = q.chars().collect();
                let grams: Vec<String> = if chars.len() >= 2 {
                    let mut g: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
                    g.sort();
                    g.dedup();
                    g
                } else {
                    vec![]
                };
                let cands = if grams.is_empty() {
                    // Every bigram starting with the character, the end mark included.
                    let lo = p(SqlValue::Text(q.clone()));
                    let hi = p(SqlValue::Text(format!("{q}{}", char::MAX)));
                    format!("SELECT firm_id FROM firm_gram WHERE gram >= {lo} AND gram < {hi}")
                } else {
                    grams
                        .into_iter()
                        .map(|g| {
                            format!(
                                "SELECT firm_id FROM firm_gram WHERE gram = {}",
                                p(SqlValue::Text(g))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" INTERSECT ")
                };
                let q = p(SqlValue::Text(q.clone()));
                sql.push_str(&format!(
                    " AND f.id IN ({cands}) AND (instr(lower(f.name), {q}) > 0 OR instr(f.initials, {q}) > 0)"
                ));
            }
        }
    }

    /// The SQL order of the matches of a USCC prefix (code order); `None` for a name query,
    /// whose matches [`rank`] orders.
    pub(crate) fn sql_order(&self) -> Option<&'static str> {
        match self {
            TextQuery::Uscc(_) => Some("f.uscc, f.id"),
            TextQuery::Name(_) => None,
        }
    }
}

/// A candidate of a name query, with what ranks it.
pub(crate) struct Candidate<T> {
    pub id: String,
    pub name: String,
    pub initials: String,
    pub extra: T,
}

/// Sorts the matches of the name query `q` (normalized) best first: exact match of the name or
/// of its pinyin initials, then prefix, then substring; then shorter names, then pinyin order
/// (initials, name), then id. Every candidate is ranked (done in Rust rather than by SQLite's
/// sorter: several times faster over tens of thousands of matches).
pub(crate) fn rank<T>(q: &str, cands: Vec<Candidate<T>>) -> Vec<Candidate<T>> {
    let mut keyed: Vec<(u8, usize, Candidate<T>)> = cands
        .into_iter()
        .map(|c| {
            let lower = c.name.to_lowercase();
            let class = if lower == q || c.initials == q {
                0
            } else if lower.starts_with(q) || c.initials.starts_with(q) {
                1
            } else {
                2
            };
            (class, c.name.chars().count(), c)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| {
        (a.0, a.1, &a.2.initials, &a.2.name, &a.2.id).cmp(&(
            b.0,
            b.1,
            &b.2.initials,
            &b.2.name,
            &b.2.id,
        ))
    });
    keyed.into_iter().map(|(_, _, c)| c).collect()
}

impl Store {
    /// Finds firms by Chinese name fragment, USCC prefix or pinyin initials: the best `limit`
    /// of all matches, ranked as [`TextQuery`] says.
    pub fn search_firms(&self, query: &str, limit: usize) -> Result<Vec<FirmHit>> {
        let Some(tq) = TextQuery::parse(query) else {
            return Ok(vec![]);
        };
        if limit == 0 {
            return Ok(vec![]);
        }
        let mut args = vec![];
        let mut sql = String::from(
            "SELECT f.id, f.uscc, f.name, f.district, f.initials FROM firm f WHERE f.deleted = 0",
        );
        tq.push_where(&mut sql, &mut args);
        if let Some(order) = tq.sql_order() {
            args.push(SqlValue::Integer(limit as i64));
            sql.push_str(&format!(" ORDER BY {order} LIMIT ?{}", args.len()));
        }
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            Ok((
                hit(r, "name")?,
                r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            ))
        })?;
        let mut hits: Vec<(FirmHit, String)> = rows.collect::<Result<_, _>>()?;
        if let TextQuery::Name(q) = &tq {
            let cands = hits
                .into_iter()
                .map(|(h, initials)| Candidate {
                    id: h.id.to_string(),
                    name: h.name.clone(),
                    initials,
                    extra: h,
                })
                .collect();
            hits = rank(q, cands)
                .into_iter()
                .take(limit)
                .map(|c| (c.extra, c.initials))
                .collect();
        }
        Ok(hits
            .into_iter()
            .map(|(mut h, initials)| {
                match &tq {
                    TextQuery::Uscc(_) => h.matched = "uscc",
                    TextQuery::Name(q) => {
                        if !h.name.to_lowercase().contains(q.as_str())
                            && initials.contains(q.as_str())
                        {
                            h.matched = "initials";
                        }
                    }
                }
                h
            })
            .collect())
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
        // Bigrams of the head and of its initials, plus one end mark each.
        assert!(n <= 2 * MAX_INDEXED_CHARS as i64, "{n} bigrams");
        // The head of the name is still found.
        assert_eq!(s.search_firms("济南", 5).unwrap().len(), 1);
    }

    fn put_firms(s: &mut Store, names: &[String]) -> Vec<Firm> {
        let mut out = vec![];
        s.write(crate::Source::Local, |w| {
            for (i, n) in names.iter().enumerate() {
                let code =
                    fudao_core::uscc::compose("91", "370102", &format!("MA{:06}", i + 1)).unwrap();
                let f = Firm::new(Uuid::now_v7(), &code, n);
                w.put(&f)?;
                out.push(f);
            }
            Ok(())
        })
        .unwrap();
        out
    }

    fn list_names(s: &Store, q: &str) -> Vec<String> {
        let ids = s
            .firm_ids(&crate::list::FirmFilter {
                query: q.into(),
                ..Default::default()
            })
            .unwrap();
        s.firm_rows(&ids)
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn every_candidate_is_ranked_exact_then_prefix_then_substring() {
        let mut s = Store::open_in_memory().unwrap();
        // 600 substring matches written first (more than any candidate cap), then a prefix
        // match and the exact match written last.
        let mut names: Vec<String> = (0..600)
            .map(|i| format!("历下区量子{i:03}号研究所"))
            .collect();
        names.push("量子通信研究院".into());
        names.push("量子".into());
        names.push("济南光电有限公司".into());
        put_firms(&mut s, &names);

        let hits = s.search_firms("量子", 3).unwrap();
        let got: Vec<&str> = hits.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(got, ["量子", "量子通信研究院", "历下区量子000号研究所"]);

        // The app's list: the same ranking, over every match, the count included.
        let list = list_names(&s, "量子");
        assert_eq!(list.len(), 602);
        assert_eq!(&list[..3], &got[..]);
        assert!(!list.contains(&"济南光电有限公司".to_string()));
        // Substring matches: shorter names first, then pinyin order; all of them are there.
        assert_eq!(list[2], "历下区量子000号研究所");
        assert_eq!(list[601], "历下区量子599号研究所");

        // Pinyin initials rank the same way: "lz" is the initials of 量子 (exact), a prefix of
        // 量子通信研究院's, a substring of the 600 others'.
        let hits = s.search_firms("lz", 2).unwrap();
        assert_eq!(hits[0].name, "量子");
        assert_eq!(hits[1].name, "量子通信研究院");
        assert_eq!(hits[0].matched, "initials");
        assert_eq!(list_names(&s, "lz").len(), 602);
    }

    #[test]
    fn one_and_three_character_queries_use_the_index_and_find_every_position() {
        let mut s = Store::open_in_memory().unwrap();
        let names: Vec<String> = ["光", "济南光电有限公司", "山东追光", "济南量子科技有限公司"]
            .map(String::from)
            .to_vec();
        put_firms(&mut s, &names);
        // One character: a one-character name, the middle and the very end of a name.
        assert_eq!(list_names(&s, "光"), ["光", "山东追光", "济南光电有限公司"]);
        assert_eq!(s.search_firms("光", 10).unwrap().len(), 3);
        // The last character of a name, and of its initials.
        assert_eq!(list_names(&s, "司").len(), 2);
        assert_eq!(
            list_names(&s, "g"),
            ["光", "山东追光", "济南光电有限公司", "济南量子科技有限公司"]
        );
        // Three characters: every bigram must hold, and the substring is verified.
        assert_eq!(list_names(&s, "南光电"), ["济南光电有限公司"]);
        assert!(list_names(&s, "南光量").is_empty());
        assert_eq!(list_names(&s, "jngd"), ["济南光电有限公司"]);
        // Deleting a firm removes it from both.
        let f = s.search_firms("追光", 1).unwrap()[0].id;
        s.delete::<Firm>(f).unwrap();
        assert_eq!(list_names(&s, "光"), ["光", "济南光电有限公司"]);
    }

    #[test]
    fn migration_adds_the_end_marks_of_existing_firms() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let mut s = Store::open(&path).unwrap();
            put_firms(&mut s, &["山东追光".to_string(), "光".to_string()]);
            // As a version-2 database wrote it: no end marks.
            s.connection()
                .execute_batch(
                    "DELETE FROM firm_gram WHERE gram LIKE '%' || char(1); \
                     DROP TABLE feedback_link; PRAGMA user_version = 2;",
                )
                .unwrap();
            assert!(list_names(&s, "光").is_empty());
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(list_names(&s, "光"), ["光", "山东追光"]);
        assert_eq!(list_names(&s, "g").len(), 2);
    }
}
