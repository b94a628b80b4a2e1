//! Firm search: Chinese substring (two-character queries are the common case), USCC prefix and
//! pinyin initials.
//!
//! SQLite's FTS5 trigram tokenizer cannot serve two-character queries, so the store keeps its
//! own gram index (`firm_gram`, schema 6): every bigram of the lower-cased name and of its
//! pinyin initials, end marks (last character + U+0001) and start marks (U+0002 + the first two
//! characters), each with the firm's integer key and its *sort key* (`sk`: the name's length
//! and its first four pinyin initials, see [`sort_key`]). A gram's entries are therefore stored
//! in the order the ranking wants, so a broad one- or two-character query (公司: every firm)
//! takes its first page and its count from the index alone ([`top_names`]), reading the names
//! of the page only. Longer queries intersect the grams' entries and verify each candidate by
//! substring against the covering index `firm_search`.

use crate::{Result, Store};
use fudao_core::text::{normalize_query, pinyin_initials};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::cmp::Ordering;
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

/// Marks the end of an indexed string in `firm_gram` (its last character followed by this one),
/// so that a one-character query finds every occurrence through a range of the index, the last
/// character of a name (and a one-character name) included.
pub(crate) const END: char = '\u{1}';

/// Marks the start of an indexed string: this character and the string's first two characters
/// (or its only character and [`END`]). The prefix matches of a query are the entries of its
/// start mark.
pub(crate) const START: char = '\u{2}';

/// Bigrams, end mark and start mark of one indexed string, appended to `out`.
fn grams_into(out: &mut Vec<String>, s: &str) {
    let chars: Vec<char> = s.chars().take(MAX_INDEXED_CHARS).collect();
    out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
    if let Some(last) = chars.last() {
        out.push(format!("{last}{END}"));
    }
    match chars.as_slice() {
        [] => {}
        [a] => out.push(format!("{START}{a}{END}")),
        [a, b, ..] => out.push(format!("{START}{a}{b}")),
    }
}

/// Every gram indexed for a firm name, sorted and deduplicated.
fn firm_grams(name: &str) -> Vec<String> {
    let head: String = name.chars().take(MAX_INDEXED_CHARS).collect();
    let mut g = vec![];
    grams_into(&mut g, &head.to_lowercase());
    grams_into(&mut g, &pinyin_initials(&head));
    g.sort();
    g.dedup();
    g
}

/// One character of the initials in [`sort_key`]: `0` for none, an order-keeping code for
/// digits and letters, and a shared code (after which packing stops) for anything else.
const SK_BASE: i64 = 40;
/// The weight of the name's length in [`sort_key`] (`SK_BASE⁴`).
const SK_LEN_UNIT: i64 = SK_BASE * SK_BASE * SK_BASE * SK_BASE;
/// Longer names share one length in the sort key (their order is then settled by the names).
const SK_MAX_LEN: i64 = 255;

/// The firm's place in the ranking within a rank class, coarsened to an integer: the name's
/// length in characters (capped at 255) and its first four pinyin initials. If firm A ranks
/// before firm B within a class (shorter name, then initials, then name, then id) then
/// `sort_key(A) <= sort_key(B)`; equal keys are settled by comparing the names.
pub(crate) fn sort_key(name: &str, initials: &str) -> i64 {
    let len = (name.chars().count() as i64).min(SK_MAX_LEN);
    let mut packed = 0;
    let mut bytes = initials.bytes();
    let mut stopped = false;
    for _ in 0..4 {
        let code = if stopped {
            0
        } else {
            match bytes.next() {
                None => 0,
                Some(b @ b'0'..=b'9') => 2 + i64::from(b - b'0'),
                Some(b @ b'a'..=b'z') => 13 + i64::from(b - b'a'),
                // Any other byte: a code between its neighbours' in byte order, shared by
                // several bytes, so nothing after it may refine the order.
                Some(b) => {
                    stopped = true;
                    if b < b'0' {
                        1
                    } else if b < b'a' {
                        12
                    } else {
                        39
                    }
                }
            }
        };
        packed = packed * SK_BASE + code;
    }
    len * SK_LEN_UNIT + packed
}

/// The sort key and grams of a firm name.
fn index_entries(name: &str) -> (i64, Vec<String>) {
    (sort_key(name, &pinyin_initials(name)), firm_grams(name))
}

/// What the index holds for a firm before a write: its key and the name its grams were made
/// from. `None` for a firm without grams (no row yet, or a tombstone).
#[derive(Debug, Clone)]
pub(crate) struct Indexed {
    key: i64,
    name: String,
}

/// Reads what the index holds for firm `id`, before its row is written. `fresh`: the firm has
/// no row (nothing to read).
pub(crate) fn indexed(conn: &Connection, id: Uuid, fresh: bool) -> Result<Option<Indexed>> {
    if fresh {
        return Ok(None);
    }
    let row: Option<(i64, Option<String>, bool)> = conn
        .prepare_cached("SELECT key, name, deleted FROM firm WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(key, name, deleted)| {
        (!deleted).then(|| Indexed {
            key,
            name: name.unwrap_or_default(),
        })
    }))
}

/// One entry of `firm_gram`: `(gram, sk, firm_key)`, ordered as the table's primary key
/// (SQLite compares TEXT with memcmp, which is the byte order of `String`).
type Entry = (String, i64, i64);

/// What (re)indexing firm `key` after its row was written with `name` changes in `firm_gram`:
/// the entries to delete and those to insert (`deleted`: a tombstone, which has no grams).
/// `before` is what [`indexed`] read before the write: its grams go, except those the new name
/// keeps (nothing changes when the name did not change).
fn index_changes(
    key: i64,
    name: &str,
    deleted: bool,
    before: Option<&Indexed>,
    del: &mut Vec<Entry>,
    ins: &mut Vec<Entry>,
) {
    let new = (!deleted).then(|| index_entries(name));
    let old = before.map(|b| (b.key, index_entries(&b.name)));
    let keep = |g: &String, other: Option<&(i64, Vec<String>)>, sk: i64| {
        other.is_some_and(|(osk, og)| *osk == sk && og.binary_search(g).is_ok())
    };
    if let Some((okey, (sk, grams))) = &old {
        for g in grams {
            if *okey != key || !keep(g, new.as_ref(), *sk) {
                del.push((g.clone(), *sk, *okey));
            }
        }
    }
    if let Some((sk, grams)) = new {
        let old_entries = old.as_ref().filter(|(k, _)| *k == key).map(|(_, e)| e);
        for g in grams {
            if !keep(&g, old_entries, sk) {
                ins.push((g, sk, key));
            }
        }
    }
}

/// Deletes then inserts index entries, with one cached statement each.
fn apply_changes(conn: &Connection, del: &[Entry], ins: &[Entry]) -> Result<()> {
    if !del.is_empty() {
        let mut st = conn.prepare_cached(
            "DELETE FROM firm_gram WHERE gram = ?1 AND sk = ?2 AND firm_key = ?3",
        )?;
        for (g, sk, key) in del {
            st.execute(params![g, sk, key])?;
        }
    }
    // A bulk write's entries go INSERT_CHUNK to a statement: one step, reset and statement
    // setup for many rows instead of one each.
    let mut chunks = ins.chunks_exact(INSERT_CHUNK);
    if ins.len() >= INSERT_CHUNK {
        let mut st = conn.prepare_cached(insert_chunk_sql())?;
        for chunk in &mut chunks {
            for (i, (g, sk, key)) in chunk.iter().enumerate() {
                st.raw_bind_parameter(3 * i + 1, g)?;
                st.raw_bind_parameter(3 * i + 2, sk)?;
                st.raw_bind_parameter(3 * i + 3, key)?;
            }
            st.raw_execute()?;
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut st = conn.prepare_cached(
            "INSERT OR IGNORE INTO firm_gram (gram, sk, firm_key) VALUES (?1, ?2, ?3)",
        )?;
        for (g, sk, key) in rest {
            st.execute(params![g, sk, key])?;
        }
    }
    Ok(())
}

/// Index entries inserted by one statement in a bulk write (3 parameters each, far below
/// SQLite's limit of 32,766).
const INSERT_CHUNK: usize = 64;

/// `INSERT OR IGNORE` of [`INSERT_CHUNK`] index entries, built once.
fn insert_chunk_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let rows: Vec<String> = (0..INSERT_CHUNK)
            .map(|i| format!("(?{}, ?{}, ?{})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        format!(
            "INSERT OR IGNORE INTO firm_gram (gram, sk, firm_key) VALUES {}",
            rows.join(", ")
        )
    })
}

/// (Re)indexes firm `key` after its row was written with `name` (`deleted`: a tombstone, which
/// has no grams). `before` is what [`indexed`] read before the write: its grams are removed
/// (only those that changed; nothing is written when the name did not change).
///
/// The one index-maintenance function of a single write: the row writer calls it on every
/// firm write outside a bulk import (which defers the same changes, [`DeferredIndex`]).
pub(crate) fn index_firm(
    conn: &Connection,
    key: i64,
    name: &str,
    deleted: bool,
    before: Option<&Indexed>,
) -> Result<()> {
    let (mut del, mut ins) = (vec![], vec![]);
    index_changes(key, name, deleted, before, &mut del, &mut ins);
    apply_changes(conn, &del, &ins)
}

/// A firm written during a bulk import, whose index entries are not written yet.
#[derive(Debug, Clone)]
struct Pending {
    key: i64,
    /// What `firm_gram` held for the firm before the import first wrote it.
    before: Option<Indexed>,
    /// The firm's name and tombstone flag as last written.
    name: String,
    deleted: bool,
}

/// Index maintenance of a bulk write (an import), deferred to the end of its transaction:
/// the row writer records each firm it writes ([`DeferredIndex::record`]), and
/// [`DeferredIndex::flush`] then writes every change at once, sorted by the index's key, so
/// that the B-tree is filled in order (full pages, each visited once) instead of ~30 random
/// inserts a firm. A firm written twice (the same USCC twice in a sheet) is indexed once, from
/// what the index held before its first write to its last name: the same entries as writing
/// them row by row. Searches inside the transaction would not see the pending entries; the
/// import runs none.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeferredIndex {
    firms: std::collections::HashMap<Uuid, Pending>,
}

impl DeferredIndex {
    /// Whether firm `id` was already written in this bulk write (then what the index holds
    /// for it needs no reading: it is the `before` of its first write).
    pub(crate) fn has(&self, id: Uuid) -> bool {
        self.firms.contains_key(&id)
    }

    /// Records that firm `id` (key `key`) was written with `name`; `before` is what the index
    /// held before the write, read only if the firm was not yet recorded.
    pub(crate) fn record(
        &mut self,
        id: Uuid,
        key: i64,
        name: String,
        deleted: bool,
        before: Option<Indexed>,
    ) {
        match self.firms.entry(id) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let p = e.get_mut();
                p.key = key;
                p.name = name;
                p.deleted = deleted;
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Pending {
                    key,
                    before,
                    name,
                    deleted,
                });
            }
        }
    }

    /// Writes every recorded change: deletions, then insertions, each in the index's order.
    pub(crate) fn flush(self, conn: &Connection) -> Result<()> {
        let (mut del, mut ins) = (vec![], Vec::with_capacity(self.firms.len() * 32));
        for p in self.firms.into_values() {
            index_changes(
                p.key,
                &p.name,
                p.deleted,
                p.before.as_ref(),
                &mut del,
                &mut ins,
            );
        }
        del.sort_unstable();
        ins.sort_unstable();
        ins.dedup();
        apply_changes(conn, &del, &ins)
    }
}

/// Builds the gram index of every live firm from scratch (migration 6).
pub(crate) fn rebuild_index(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM firm_gram", [])?;
    let firms: Vec<(i64, String)> = conn
        .prepare("SELECT key, name FROM firm WHERE deleted = 0 ORDER BY key")?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?
        .collect::<Result<_, _>>()?;
    let (mut del, mut ins) = (vec![], Vec::with_capacity(firms.len() * 32));
    for (key, name) in firms {
        index_changes(key, &name, false, None, &mut del, &mut ins);
    }
    ins.sort_unstable();
    ins.dedup();
    apply_changes(conn, &del, &ins)
}

fn looks_like_uscc_prefix(q: &str) -> bool {
    q.len() >= 2
        && q.chars().next().is_some_and(|c| c.is_ascii_digit())
        && q.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The one text search over firms, shared by `fudao firm search` ([`Store::search_firms`]) and
/// the app's 企业 list ([`Store::firm_id_page`]): what a query becomes in SQL.
///
/// - A USCC prefix (starts with a digit, all alphanumeric) is a range over the `uscc` index,
///   in code order.
/// - Anything else selects candidates through the gram index `firm_gram` (every bigram of the
///   query must be indexed for the firm; a one-character query is a range of bigrams starting
///   with it), verifies each by substring of the lower-cased name or of the pinyin initials,
///   and ranks them: exact match, then prefix, then substring; then shorter names, then pinyin
///   order. One- and two-character queries without other filters rank from the index alone
///   ([`top_names`]).
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

    /// Whether [`top_names`] serves this query (when no other filter applies).
    pub(crate) fn index_only(&self) -> Option<&str> {
        match self {
            TextQuery::Name(q) if q.chars().count() <= 2 => Some(q),
            _ => None,
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
                    format!("SELECT firm_key FROM firm_gram WHERE gram >= {lo} AND gram < {hi}")
                } else {
                    grams
                        .into_iter()
                        .map(|g| {
                            format!(
                                "SELECT firm_key FROM firm_gram WHERE gram = {}",
                                p(SqlValue::Text(g))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" INTERSECT ")
                };
                let q = p(SqlValue::Text(q.clone()));
                sql.push_str(&format!(
                    " AND f.key IN ({cands}) AND (instr(lower(f.name), {q}) > 0 OR instr(f.initials, {q}) > 0)"
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

/// The rank class of a match of `q`: 0 exact (name or initials), 1 prefix, 2 substring.
fn class<T>(q: &str, c: &Candidate<T>) -> u8 {
    let lower = c.name.to_lowercase();
    if lower == q || c.initials == q {
        0
    } else if lower.starts_with(q) || c.initials.starts_with(q) {
        1
    } else {
        2
    }
}

/// The order within a rank class: shorter names, then pinyin order (initials, name), then id.
fn within_class<T>(a: &(usize, Candidate<T>), b: &(usize, Candidate<T>)) -> Ordering {
    (a.0, &a.1.initials, &a.1.name, &a.1.id).cmp(&(b.0, &b.1.initials, &b.1.name, &b.1.id))
}

/// Sorts the matches of the name query `q` (normalized) best first: exact match of the name or
/// of its pinyin initials, then prefix, then substring; then shorter names, then pinyin order
/// (initials, name), then id. Every candidate is ranked (done in Rust rather than by SQLite's
/// sorter: several times faster over tens of thousands of matches).
#[cfg(test)]
pub(crate) fn rank<T>(q: &str, cands: Vec<Candidate<T>>) -> Vec<Candidate<T>> {
    rank_top(q, cands, usize::MAX)
}

/// The best `n` of the matches of `q`, in [`rank`]'s order, without sorting the rest.
pub(crate) fn rank_top<T>(q: &str, cands: Vec<Candidate<T>>, n: usize) -> Vec<Candidate<T>> {
    let mut keyed: Vec<(u8, (usize, Candidate<T>))> = cands
        .into_iter()
        .map(|c| (class(q, &c), (c.name.chars().count(), c)))
        .collect();
    let cmp = |a: &(u8, (usize, Candidate<T>)), b: &(u8, (usize, Candidate<T>))| {
        a.0.cmp(&b.0).then_with(|| within_class(&a.1, &b.1))
    };
    if n == 0 {
        return vec![];
    }
    if n < keyed.len() {
        keyed.select_nth_unstable_by(n - 1, cmp);
        keyed.truncate(n);
    }
    keyed.sort_unstable_by(cmp);
    keyed.into_iter().map(|(_, (_, c))| c).collect()
}

/// What a search result shows besides its name: the firm's USCC and district.
pub(crate) struct Shown {
    pub uscc: String,
    pub district: Option<String>,
}

/// The candidate row of a firm by key, from the covering index `firm_search`.
pub(crate) const CANDIDATE_SQL: &str =
    "SELECT id, name, initials, uscc, district FROM firm INDEXED BY firm_search WHERE key = ?1";

/// The head of the app's list query for a text query alone (its conditions follow, see
/// [`TextQuery::push_where`]): the id, name and initials of the matches, from `firm_search`.
pub(crate) const LIST_SELECT: &str =
    "SELECT f.id, f.name, f.initials FROM firm f INDEXED BY firm_search WHERE f.deleted = 0";

/// The head of `fudao firm search`'s query for a name of three characters or more.
pub(crate) const CLI_SELECT: &str = "SELECT f.id, f.uscc, f.name, f.district, f.initials FROM firm f INDEXED BY firm_search WHERE f.deleted = 0";

/// The candidate row of firm `key`, from the covering index (never the firm's row: since
/// migration 9 the index holds the id too).
fn candidate(conn: &Connection, key: i64) -> Result<Candidate<Shown>> {
    let mut stmt = conn.prepare_cached(CANDIDATE_SQL)?;
    Ok(stmt.query_row([key], |r| {
        Ok(Candidate {
            id: r.get(0)?,
            name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            initials: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            extra: Shown {
                uscc: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                district: r.get(4)?,
            },
        })
    })?)
}

/// The firms of one rank class taken from `sorted` ((sort key, firm key) in order, firms to
/// skip left out) until `need` are taken and every firm sharing the last one's sort key is
/// in; then ranked exactly within the class and cut to `need`.
fn take_class(
    conn: &Connection,
    sorted: impl Iterator<Item = Result<(i64, i64)>>,
    need: usize,
    out: &mut Vec<Candidate<Shown>>,
) -> Result<()> {
    if need == 0 {
        return Ok(());
    }
    let mut keys = vec![];
    let mut boundary = None;
    for item in sorted {
        let (sk, key) = item?;
        if boundary.is_some_and(|b| b != sk) {
            break;
        }
        keys.push(key);
        if keys.len() == need {
            boundary = Some(sk);
        }
    }
    let mut cands: Vec<(usize, Candidate<Shown>)> = keys
        .into_iter()
        .map(|k| candidate(conn, k).map(|c| (c.name.chars().count(), c)))
        .collect::<Result<_>>()?;
    cands.sort_unstable_by(within_class);
    out.extend(cands.into_iter().take(need).map(|(_, c)| c));
    Ok(())
}

/// The (sort key, firm key) entries of one gram, or of every gram in `[lo, hi)`.
fn entries(conn: &Connection, lo: &str, hi: Option<&str>) -> Result<Vec<(i64, i64)>> {
    let mut v = vec![];
    match hi {
        None => {
            let mut st =
                conn.prepare_cached("SELECT sk, firm_key FROM firm_gram WHERE gram = ?1")?;
            let mut rows = st.query([lo])?;
            while let Some(r) = rows.next()? {
                v.push((r.get(0)?, r.get(1)?));
            }
        }
        Some(hi) => {
            let mut st = conn.prepare_cached(
                "SELECT sk, firm_key FROM firm_gram WHERE gram >= ?1 AND gram < ?2",
            )?;
            let mut rows = st.query([lo, hi])?;
            while let Some(r) = rows.next()? {
                v.push((r.get(0)?, r.get(1)?));
            }
        }
    }
    Ok(v)
}

/// A set of firm keys (dense small integers).
#[derive(Default)]
struct KeySet(Vec<u64>);

impl KeySet {
    fn insert(&mut self, k: i64) -> bool {
        let k = k.max(0) as usize;
        if k / 64 >= self.0.len() {
            self.0.resize(k / 64 + 1, 0);
        }
        let (w, b) = (k / 64, 1u64 << (k % 64));
        let new = self.0[w] & b == 0;
        self.0[w] |= b;
        new
    }
    fn contains(&self, k: i64) -> bool {
        let k = k.max(0) as usize;
        self.0
            .get(k / 64)
            .is_some_and(|w| w & (1u64 << (k % 64)) != 0)
    }
}

/// The best `n` matches of a one- or two-character name query `q` (normalized) in [`rank`]'s
/// order, and how many firms match in all, from the gram index alone: the names of only the
/// firms of the returned page (and of the few candidates of an exact match, and of the firms
/// tied with the page's last one on the sort key) are read.
///
/// - The matches are the firms with an entry for the query (a two-character query is one gram;
///   one character is every gram starting with it): no candidate needs verifying, and a
///   two-character count is a count of one index range.
/// - Prefix matches (class 1) are the entries of the query's start mark; exact matches
///   (class 0) are among them with a name no longer than the query, or have the query as their
///   initials (the `firm_initials` index).
/// - Within a class, entries come in sort-key order, so a class is cut after `n` firms and
///   the firms sharing the last one's sort key.
pub(crate) fn top_names(
    conn: &Connection,
    q: &str,
    n: usize,
) -> Result<(usize, Vec<Candidate<Shown>>)> {
    let qlen = q.chars().count();
    debug_assert!(qlen == 1 || qlen == 2, "{q}");
    let upper = |s: &str| format!("{s}{}", char::MAX);
    let start = format!("{START}{q}");
    let start_hi = upper(&start);
    let mut starts = entries(conn, &start, (qlen == 1).then_some(start_hi.as_str()))?;
    starts.sort_unstable();
    starts.dedup();
    let mut in_starts = KeySet::default();
    for &(_, k) in &starts {
        in_starts.insert(k);
    }

    // Class 0: exact matches.
    let mut exact_keys: Vec<i64> = starts
        .iter()
        .take_while(|(sk, _)| *sk < (qlen as i64 + 1) * SK_LEN_UNIT)
        .map(|&(_, k)| k)
        .collect();
    {
        let mut st = conn.prepare_cached("SELECT key FROM firm WHERE initials = ?1")?;
        let rows = st.query_map([q], |r| r.get::<_, i64>(0))?;
        for k in rows {
            let k = k?;
            if in_starts.contains(k) {
                exact_keys.push(k);
            }
        }
    }
    exact_keys.sort_unstable();
    exact_keys.dedup();
    let mut exact: Vec<(usize, Candidate<Shown>)> = vec![];
    let mut is_exact = KeySet::default();
    for k in exact_keys {
        let c = candidate(conn, k)?;
        if class(q, &c) == 0 {
            is_exact.insert(k);
            exact.push((c.name.chars().count(), c));
        }
    }
    exact.sort_unstable_by(within_class);
    let mut out: Vec<Candidate<Shown>> = exact.into_iter().take(n).map(|(_, c)| c).collect();

    // Class 1: prefix matches, in sort-key order.
    let need = n - out.len();
    take_class(
        conn,
        starts
            .iter()
            .filter(|(_, k)| !is_exact.contains(*k))
            .map(|&e| Ok(e)),
        need,
        &mut out,
    )?;

    // Class 2: the other matches; and the count.
    let total;
    let need = n - out.len();
    if qlen == 2 {
        total = conn
            .prepare_cached("SELECT count(*) FROM firm_gram WHERE gram = ?1")?
            .query_row([q], |r| r.get::<_, i64>(0))? as usize;
        if need > 0 {
            // The gram's entries in index order: (sk, firm_key).
            let mut st = conn.prepare_cached(
                "SELECT sk, firm_key FROM firm_gram WHERE gram = ?1 ORDER BY sk, firm_key",
            )?;
            let rows = st
                .query_map([q], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
                .map(|r| r.map_err(crate::StoreError::from))
                .filter(|r| !matches!(r, Ok((_, k)) if in_starts.contains(*k)));
            take_class(conn, rows, need, &mut out)?;
        }
    } else {
        let hi = upper(q);
        let mut seen = KeySet::default();
        let mut rest = vec![];
        let mut count = 0;
        for (sk, k) in entries(conn, q, Some(&hi))? {
            if seen.insert(k) {
                count += 1;
                if !in_starts.contains(k) {
                    rest.push((sk, k));
                }
            }
        }
        total = count;
        if need > 0 {
            if need < rest.len() {
                rest.select_nth_unstable(need - 1);
                let boundary = rest[need - 1].0;
                rest.retain(|(sk, _)| *sk <= boundary);
            }
            rest.sort_unstable();
            take_class(conn, rest.into_iter().map(Ok), need, &mut out)?;
        }
    }
    Ok((total, out))
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
        let conn = self.connection();
        let hit_of = |c: Candidate<Shown>| {
            (
                FirmHit {
                    id: Uuid::parse_str(&c.id).unwrap_or_default(),
                    uscc: c.extra.uscc,
                    name: c.name,
                    district: c.extra.district,
                    matched: "name",
                },
                c.initials,
            )
        };
        let hits: Vec<(FirmHit, String)> = if let Some(q) = tq.index_only() {
            top_names(conn, q, limit)?
                .1
                .into_iter()
                .map(hit_of)
                .collect()
        } else {
            let mut args = vec![];
            let mut sql = String::from(CLI_SELECT);
            tq.push_where(&mut sql, &mut args);
            if let Some(order) = tq.sql_order() {
                // A USCC prefix: the `firm_uscc` index serves the range.
                sql = sql.replace(" INDEXED BY firm_search", "");
                args.push(SqlValue::Integer(limit as i64));
                sql.push_str(&format!(" ORDER BY {order} LIMIT ?{}", args.len()));
            }
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    initials: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    extra: Shown {
                        uscc: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        district: r.get(3)?,
                    },
                })
            })?;
            let cands: Vec<Candidate<Shown>> = rows.collect::<Result<_, _>>()?;
            match &tq {
                TextQuery::Name(q) => rank_top(q, cands, limit),
                TextQuery::Uscc(_) => cands,
            }
            .into_iter()
            .map(hit_of)
            .collect()
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::{EntityKind, Firm};
    use std::path::Path;

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
                "SELECT count(*) FROM firm_gram WHERE firm_key = (SELECT key FROM firm WHERE id = ?1)",
                [f.id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n > 50, "the head of the name is indexed: {n}");
        // Bigrams of the head and of its initials, plus one end and one start mark each.
        assert!(n <= 2 * MAX_INDEXED_CHARS as i64 + 2, "{n} grams");
        // The head of the name is still found.
        assert_eq!(s.search_firms("济南", 5).unwrap().len(), 1);
    }

    #[test]
    fn the_sort_key_never_contradicts_the_ranking() {
        let names = [
            "光",
            "山东追光",
            "济南光电有限公司",
            "A光",
            "a光",
            "（光）",
            "1光",
            "光1",
            "济南光",
            "济南光电",
            "济南光电集团",
            "ABC科技",
            "abc科技",
            "山东ＡＢ科技",
            "泉城博远食品科技",
        ];
        let mut all: Vec<(usize, String, String)> = names
            .iter()
            .map(|n| (n.chars().count(), pinyin_initials(n), n.to_string()))
            .collect();
        all.sort();
        for w in all.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(
                sort_key(&a.2, &a.1) <= sort_key(&b.2, &b.1),
                "{} ranks before {} but has a larger sort key",
                a.2,
                b.2
            );
        }
        // Initials in byte order, whatever the characters.
        for (a, b) in [
            ("ab", "ab0"),
            ("a", "a!"),
            ("a!", "a0"),
            ("a9", "aa"),
            ("az", "a~"),
        ] {
            assert!(sort_key("xx", a) <= sort_key("xx", b), "{a} {b}");
        }
        assert!(
            sort_key("xx", "zz") < sort_key("xxx", "aa"),
            "shorter names first"
        );
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
    fn a_renamed_firm_is_found_by_its_new_name_only() {
        let mut s = Store::open_in_memory().unwrap();
        let mut f = put_firms(&mut s, &["山东追光".to_string()]).remove(0);
        let before: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM firm_gram", [], |r| r.get(0))
            .unwrap();
        f.name = "济南量子".into();
        s.put(&f).unwrap();
        assert!(list_names(&s, "追光").is_empty());
        assert!(list_names(&s, "sd").is_empty());
        assert_eq!(list_names(&s, "量子"), ["济南量子"]);
        assert_eq!(list_names(&s, "jn"), ["济南量子"]);
        // No gram of the old name is left behind.
        let after: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM firm_gram", [], |r| r.get(0))
            .unwrap();
        assert_eq!(after, before, "same length: as many grams");
        let stale: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM firm_gram WHERE gram IN ('追光', 'sd')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stale, 0);
    }

    /// Every match of `q` among `names`, ranked by the full ranking: what a page must agree with.
    fn brute_force(s: &Store, q: &str) -> Vec<Uuid> {
        let q = normalize_query(q);
        let cands = s
            .list::<Firm>()
            .unwrap()
            .into_iter()
            .filter_map(|f| {
                let initials = pinyin_initials(&f.name);
                (f.name.to_lowercase().contains(&q) || initials.contains(&q)).then(|| Candidate {
                    id: f.id.to_string(),
                    name: f.name.clone(),
                    initials,
                    extra: f.id,
                })
            })
            .collect();
        rank(&q, cands).into_iter().map(|c| c.extra).collect()
    }

    #[test]
    fn a_broad_query_s_pages_equal_the_full_ranking() {
        let mut s = Store::open_in_memory().unwrap();
        // Many names of the same length and the same first initials (ties on the sort key),
        // exact and prefix matches of the name and of the initials, names in capitals.
        let heads = ["泉城", "济南", "山东", "大明湖", "公司", "高新", "gs", "GS"];
        let mids = ["博远", "光电", "量子", "食品", "科技", "数据", "环保"];
        let mut names: Vec<String> = vec![];
        for (i, h) in heads.iter().enumerate() {
            for (j, m) in mids.iter().enumerate() {
                for k in 0..12 {
                    let tail = ["有限公司", "科技有限公司", "公司", "集团"][(i + j + k) % 4];
                    names.push(format!("{h}{m}{k}{tail}"));
                }
            }
        }
        names.extend(["公司", "公", "司", "冠森", "gs", "公司科技", "Gs光电"].map(String::from));
        put_firms(&mut s, &names);
        for q in ["公司", "公", "司", "gs", "g", "科技", "GS", "济南", "光电"] {
            let full = brute_force(&s, q);
            assert!(!full.is_empty(), "{q}");
            let filter = crate::list::FirmFilter {
                query: q.into(),
                ..Default::default()
            };
            for (offset, limit) in [(0, 1), (0, 20), (0, 50), (17, 30), (100, 50), (0, 5000)] {
                let page = s.firm_id_page(&filter, offset, limit).unwrap();
                assert_eq!(page.total, full.len(), "total of {q}");
                let want: Vec<Uuid> = full.iter().skip(offset).take(limit).copied().collect();
                assert_eq!(page.ids, want, "{q} page {offset}+{limit}");
            }
            let hits: Vec<Uuid> = s
                .search_firms(q, 20)
                .unwrap()
                .iter()
                .map(|h| h.id)
                .collect();
            assert_eq!(
                hits,
                full.iter().take(20).copied().collect::<Vec<_>>(),
                "{q}"
            );
            assert_eq!(s.firm_ids(&filter).unwrap(), full, "{q}");
        }
    }

    /// Writes what `s` holds into a new plaintext file at schema `version` (2 to 5), laid out
    /// as those releases wrote it: the firm table keyed by its text id, and the bigram index
    /// `(gram, firm_id)` (with end marks from schema 3).
    fn downgrade(s: &Store, path: &Path, version: usize) {
        {
            let old = rusqlite::Connection::open(path).unwrap();
            let tx = old.unchecked_transaction().unwrap();
            for sql in &crate::migrations::MIGRATIONS[..version] {
                tx.execute_batch(sql).unwrap();
            }
            tx.pragma_update(None, "user_version", version as u32)
                .unwrap();
            tx.commit().unwrap();
        }
        let c = s.connection();
        c.execute("ATTACH DATABASE ?1 AS old", [path.to_str().unwrap()])
            .unwrap();
        let tables: Vec<String> = c
            .prepare("SELECT name FROM old.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('firm', 'firm_gram')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let cols = "id, team_id, data, version, deleted, updated_at, updated_by, uscc, name, initials, district, industry, coach_id, first_loan_list";
        // Releases before schema 13 stored documents as JSON text.
        let text_cols = cols.replace("data", "fudao_doc(data)");
        c.execute_batch(&format!(
            "INSERT INTO old.firm ({cols}) SELECT {text_cols} FROM main.firm ORDER BY key;"
        ))
        .unwrap();
        let end_marks = if version >= 3 {
            ""
        } else {
            " AND substr(g.gram, 2, 1) <> char(1)"
        };
        c.execute_batch(&format!(
            "INSERT INTO old.firm_gram (gram, firm_id) SELECT g.gram, f.id FROM main.firm_gram g \
             JOIN main.firm f ON f.key = g.firm_key WHERE substr(g.gram, 1, 1) <> char(2){end_marks};"
        ))
        .unwrap();
        for t in tables {
            let cols: Vec<String> = c
                .prepare(&format!("PRAGMA old.table_info({t})"))
                .unwrap()
                .query_map([], |r| r.get(1))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let text_cols: Vec<String> = cols
                .iter()
                .map(|c| match c.as_str() {
                    "data" if t != "conflicts" => "fudao_doc(data)".to_string(),
                    "fields" if t == "outbox" => "fudao_doc(fields)".to_string(),
                    _ => c.clone(),
                })
                .collect();
            let (cols, text_cols) = (cols.join(", "), text_cols.join(", "));
            c.execute_batch(&format!(
                "INSERT INTO old.{t} ({cols}) SELECT {text_cols} FROM main.{t};"
            ))
            .unwrap();
        }
        c.execute_batch("DETACH DATABASE old").unwrap();
    }

    #[test]
    fn migration_rebuilds_the_index_of_a_version_2_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        let mut s = Store::open_in_memory().unwrap();
        put_firms(&mut s, &["山东追光".to_string(), "光".to_string()]);
        downgrade(&s, &path, 2);
        let s = Store::open_plaintext(&path).unwrap();
        assert_eq!(list_names(&s, "光"), ["光", "山东追光"]);
        assert_eq!(list_names(&s, "g").len(), 2);
    }

    /// The query plan of `sql` (its `detail` lines), with every parameter bound to `arg`.
    fn plan(s: &Store, sql: &str, args: &[SqlValue]) -> Vec<String> {
        s.connection()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migration_9_puts_the_id_in_the_search_index_so_no_search_reads_a_firm_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v8.db");
        let mut names: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "济南{}光电{i:03}科技有限公司",
                    ["量子", "追光", "博远"][i % 3]
                )
            })
            .collect();
        names.extend(["光电", "济南光电", "jn光电"].map(String::from));
        let queries = [
            "光电",
            "光",
            "南量子",
            "jngd",
            "量子光电",
            "jnlz",
            "91370",
            "子光电00",
        ];
        let results = |s: &Store| -> Vec<(Vec<Uuid>, Vec<FirmHit>)> {
            queries
                .iter()
                .map(|q| {
                    let f = crate::list::FirmFilter {
                        query: q.to_string(),
                        ..Default::default()
                    };
                    (s.firm_ids(&f).unwrap(), s.search_firms(q, 20).unwrap())
                })
                .collect()
        };
        let before = {
            let mut s = Store::open_plaintext(&path).unwrap();
            put_firms(&mut s, &names);
            results(&s)
        };
        assert!(before
            .iter()
            .all(|(ids, hits)| !ids.is_empty() && !hits.is_empty()));
        // Back to schema 8: the search index without the id.
        crate::downgrade_file(&path, 8).unwrap();
        let s = Store::open_plaintext(&path).unwrap();
        let version: u32 = s
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::SCHEMA_VERSION);
        let cols: Vec<String> = s
            .connection()
            .prepare("SELECT name FROM pragma_index_info('firm_search') ORDER BY seqno")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            cols,
            ["key", "deleted", "initials", "name", "uscc", "district", "id"]
        );
        assert_eq!(results(&s), before, "the same results, in the same order");

        // The statements of a search read the gram index and the covering index only: the
        // page's candidates (`candidate`), the verified matches of the app's list and of
        // `fudao firm search` (three characters or more).
        let covering = |sql: &str, args: &[SqlValue]| {
            let p = plan(&s, sql, args);
            assert!(
                p.iter().any(|d| d.contains("COVERING INDEX firm_search")),
                "{sql}: {p:?}"
            );
            assert!(
                !p.iter()
                    .any(|d| d.contains("SEARCH f USING INTEGER PRIMARY KEY")
                        || d.contains("SCAN f")),
                "{sql}: {p:?}"
            );
        };
        covering(CANDIDATE_SQL, &[SqlValue::Integer(1)]);
        for select in [LIST_SELECT, CLI_SELECT] {
            let mut sql = select.to_string();
            let mut args = vec![];
            TextQuery::parse("南量子")
                .unwrap()
                .push_where(&mut sql, &mut args);
            covering(&sql, &args);
        }
    }

    /// Every row of every table a sync reads or writes, as text.
    fn synced_rows(s: &Store) -> Vec<String> {
        let mut out = vec![];
        for kind in EntityKind::ALL {
            for (id, version, deleted, data) in s.raw_rows(kind).unwrap() {
                out.push(format!("{kind:?} {id} {version} {deleted} {data}"));
            }
        }
        let mut st = s
            .connection()
            .prepare("SELECT seq, mutation_id, kind, row_id, team_id, base_version, op, fudao_doc(fields), created_at, user_id FROM outbox ORDER BY seq")
            .unwrap();
        let rows = st
            .query_map([], |r| {
                let mut v = vec![];
                for i in 0..10 {
                    v.push(format!("{:?}", r.get_ref(i)?));
                }
                Ok(v.join("|"))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
        out
    }

    #[test]
    fn a_migrated_demo_database_finds_the_same_firms_and_syncs_the_same_rows() {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::generate(
            &mut s,
            &crate::demo::DemoOptions {
                firms: 400,
                seed: 9,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        // Local edits waiting in the outbox, a rename and a deleted firm.
        let firms: Vec<Firm> = s.list().unwrap();
        let mut renamed = firms[3].clone();
        renamed.name = "济南追光量子科技有限公司".into();
        s.put(&renamed).unwrap();
        s.delete::<Firm>(firms[5].id).unwrap();
        assert!(s.outbox_len().unwrap() >= 2);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        downgrade(&s, &path, 5);
        let mut m = Store::open_plaintext(&path).unwrap();
        let version: u32 = m
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::SCHEMA_VERSION);

        // Same firms, in the same row order, under the same keys; the same index.
        let keys = |s: &Store| -> Vec<(i64, String)> {
            s.connection()
                .prepare("SELECT key, id FROM firm ORDER BY key")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(keys(&m), keys(&s));
        let grams = |s: &Store| -> Vec<(String, i64, i64)> {
            s.connection()
                .prepare("SELECT gram, sk, firm_key FROM firm_gram ORDER BY 1, 2, 3")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(grams(&m), grams(&s));

        // Same search results.
        let mut queries: Vec<String> = [
            "公司",
            "科技",
            "济南",
            "光",
            "司",
            "jn",
            "追光量子",
            "91370",
        ]
        .map(String::from)
        .to_vec();
        for f in firms.iter().step_by(37) {
            let chars: Vec<char> = f.name.chars().collect();
            queries.push(chars[2..4].iter().collect());
            queries.push(chars[1..4].iter().collect());
            queries.push(pinyin_initials(&f.name).chars().take(3).collect());
        }
        queries.push(firms[5].name.clone());
        for q in &queries {
            let filter = crate::list::FirmFilter {
                query: q.clone(),
                ..Default::default()
            };
            assert_eq!(
                m.firm_ids(&filter).unwrap(),
                s.firm_ids(&filter).unwrap(),
                "{q}"
            );
            assert_eq!(
                m.search_firms(q, 10).unwrap(),
                s.search_firms(q, 10).unwrap(),
                "{q}"
            );
        }
        assert!(
            m.firm_ids(&crate::list::FirmFilter {
                query: firms[5].name.clone(),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .all(|id| *id != firms[5].id),
            "the deleted firm stays out"
        );

        // Same rows to sync, and the same outbox.
        assert_eq!(synced_rows(&m), synced_rows(&s));
        // The KPI columns filled by the migration equal those the row writer writes.
        let (a, b) = (m.kpi_rows().unwrap(), s.kpi_rows().unwrap());
        assert!(!a.needs.is_empty() && !a.visits.is_empty() && !a.feedback.is_empty());
        assert_eq!(a.firms, b.firms);
        assert_eq!(a.needs, b.needs);
        assert_eq!(a.visits, b.visits);
        assert_eq!(a.feedback, b.feedback);
        // A later edit queues the same change on both.
        for st in [&mut s, &mut m] {
            let mut f: Firm = st.get(firms[7].id).unwrap().unwrap();
            f.name = "泉城光电新材料有限公司".into();
            f.staff = Some(42);
            st.put(&f).unwrap();
            assert_eq!(list_names(st, "光电新材")[0], "泉城光电新材料有限公司");
        }
        let last = |s: &Store| -> (String, String) {
            s.connection()
                .query_row(
                    "SELECT row_id, fudao_doc(fields) FROM outbox ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        assert_eq!(last(&m), last(&s));
        assert_eq!(grams(&m), grams(&s));
    }
}
