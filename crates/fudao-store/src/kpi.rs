//! The rows the KPIs are computed from ([`fudao_core::kpi`]), read as slim rows in SQL: the
//! columns the row writer keeps beside each document (migration 7 added those the KPIs need),
//! never a document parsed. The one loader of the CLI's `fudao kpi` and the app's 工作台 and
//! 团队.

use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use fudao_core::kpi::{KpiFeedback, KpiFirm, KpiNeed, KpiOutcome, KpiRows, KpiTeam, KpiVisit};
use rusqlite::types::ValueRef;
use rusqlite::Row;
use serde::de::{value::StrDeserializer, DeserializeOwned, IntoDeserializer};
use uuid::Uuid;

/// Reads typed values out of one row, naming the row when a value is not what it should be.
/// Column 0 is the row's id, read again only to name the row in an error.
struct Cols<'r, 's> {
    kind: &'static str,
    row: &'r Row<'s>,
}

impl<'r, 's> Cols<'r, 's> {
    fn new(kind: &'static str, row: &'r Row<'s>) -> Result<Self> {
        Ok(Cols { kind, row })
    }

    fn corrupt(&self, col: usize, detail: impl std::fmt::Display) -> StoreError {
        let id = match self.row.get_ref(0) {
            Ok(ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
            Ok(other) => format!("{other:?}"),
            Err(e) => e.to_string(),
        };
        StoreError::Corrupt {
            kind: self.kind,
            id,
            detail: format!("column {col}: {detail}"),
        }
    }

    /// The column's text as bytes (`None` for NULL), unchecked for UTF-8: for values parsed
    /// as ASCII (ids, dates), whose parsers refuse anything else.
    fn bytes(&self, col: usize) -> Result<Option<&'r [u8]>> {
        match self.row.get_ref(col)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => Ok(Some(t)),
            other => Err(self.corrupt(col, format!("not text: {other:?}"))),
        }
    }

    fn text(&self, col: usize) -> Result<Option<&'r str>> {
        self.bytes(col)?
            .map(|t| std::str::from_utf8(t).map_err(|e| self.corrupt(col, e)))
            .transpose()
    }

    fn required<T>(&self, col: usize, v: Option<T>) -> Result<T> {
        v.ok_or_else(|| self.corrupt(col, "missing"))
    }

    fn id(&self) -> Result<Uuid> {
        let id = self.uuid(0)?;
        self.required(0, id)
    }

    fn uuid(&self, col: usize) -> Result<Option<Uuid>> {
        self.bytes(col)?
            .map(|t| Uuid::try_parse_ascii(t).map_err(|e| self.corrupt(col, e)))
            .transpose()
    }

    /// An ISO date (`YYYY-MM-DD`, as the row writer stores dates), read without chrono's
    /// general parser; anything else goes to it (and its error).
    fn date(&self, col: usize) -> Result<Option<NaiveDate>> {
        let Some(t) = self.bytes(col)? else {
            return Ok(None);
        };
        if let Some(d) = iso_date(t) {
            return Ok(Some(d));
        }
        let text = std::str::from_utf8(t).map_err(|e| self.corrupt(col, e))?;
        text.parse::<NaiveDate>()
            .map(Some)
            .map_err(|e| self.corrupt(col, e))
    }

    /// An enum stored as its serde string.
    fn key<T: DeserializeOwned>(&self, col: usize) -> Result<Option<T>> {
        self.text(col)?
            .map(|t| {
                let d: StrDeserializer<'_, serde::de::value::Error> = t.into_deserializer();
                T::deserialize(d).map_err(|e| self.corrupt(col, e))
            })
            .transpose()
    }

    /// A JSON value stored as JSON text.
    fn json<T: DeserializeOwned>(&self, col: usize) -> Result<Option<T>> {
        self.text(col)?
            .map(|t| serde_json::from_str(t).map_err(|e| self.corrupt(col, e)))
            .transpose()
    }

    fn int(&self, col: usize) -> Result<Option<i64>> {
        Ok(self.row.get(col)?)
    }

    fn flag(&self, col: usize) -> Result<Option<bool>> {
        Ok(self.int(col)?.map(|v| v != 0))
    }
}

/// `YYYY-MM-DD` of ASCII digits, a valid date; `None` for anything else.
fn iso_date(t: &[u8]) -> Option<NaiveDate> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        t[r].iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Runs `sql` and maps each row.
fn load<T>(
    store: &Store,
    kind: &'static str,
    sql: &str,
    f: impl Fn(&Cols) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = store.connection().prepare_cached(sql)?;
    let mut q = stmt.query([])?;
    let mut out = vec![];
    while let Some(r) = q.next()? {
        out.push(f(&Cols::new(kind, r)?)?);
    }
    Ok(out)
}

/// [`load`] of a query over a covering index (in the index's order) whose last column is the
/// rowid: the rows come back in the table's row order, as a table scan returns them. Sorting
/// here is cheaper than SQLite's `ORDER BY rowid`, which would copy every row into a sorter.
fn load_in_row_order<T>(
    store: &Store,
    kind: &'static str,
    sql: &str,
    rowid_col: usize,
    f: impl Fn(&Cols) -> Result<T>,
) -> Result<Vec<T>> {
    let mut keyed = load(store, kind, sql, |c| {
        Ok((c.required(rowid_col, c.int(rowid_col)?)?, f(c)?))
    })?;
    keyed.sort_unstable_by_key(|(rowid, _)| *rowid);
    Ok(keyed.into_iter().map(|(_, row)| row).collect())
}

// The needs, visits and ratings the KPIs read, from their covering indexes (migration 11), the
// rowid last.
const NEED_SQL: &str = "SELECT id, firm_id, team_id, amount, kind, raised_on, reasonable, \
    status, outcomes, met_by_coach, closed_on, unmet_reason, rowid \
    FROM need INDEXED BY need_kpi WHERE deleted = 0";
const VISIT_SQL: &str = "SELECT id, firm_id, team_id, date, coach_ids, rowid \
    FROM visit INDEXED BY visit_kpi WHERE deleted = 0";
const FEEDBACK_SQL: &str = "SELECT id, firm_id, team_id, date, rating, source, need_met, rowid \
    FROM feedback INDEXED BY feedback_kpi WHERE deleted = 0";

/// KPI rows with the stamp they were read at ([`Store::kpi_stamp`]).
pub(crate) type CachedRows = ((u64, i64), std::sync::Arc<KpiRows>);

/// Whether rows of `kind` are read by [`Store::kpi_rows`].
pub(crate) fn feeds_kpis(kind: fudao_core::model::EntityKind) -> bool {
    use fudao_core::model::EntityKind as K;
    matches!(kind, K::Team | K::Firm | K::Need | K::Visit | K::Feedback)
}

/// A row of `kind` is being written through the store whose count `writes` is: counted by the
/// one row writer (`rows::write_row`) before the statement runs, so a reader that takes the
/// stamp after this never keeps rows read before the write. A plan, an audit entry or the
/// outbox do not change the KPIs, so writing them keeps [`Store::kpi_rows_cached`]'s rows.
pub(crate) fn note_write(
    kind: fudao_core::model::EntityKind,
    writes: &std::sync::atomic::AtomicU64,
) {
    if feeds_kpis(kind) {
        writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Store {
    /// A number that changes whenever the database's data does: this connection's total
    /// changes and SQLite's data version (bumped by the commits of other connections, e.g. the
    /// app's sync on a second connection).
    pub fn data_stamp(&self) -> Result<(i64, i64)> {
        let c = self.connection();
        let changes: i64 = c.query_row("SELECT total_changes()", [], |r| r.get(0))?;
        let version: i64 = c.pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok((changes, version))
    }

    /// A number that changes whenever the KPI rows may have: the rows this connection wrote to
    /// their tables and SQLite's data version (bumped by the commits of every other
    /// connection, this process's or another's: the app's sync, the CLI beside the app).
    /// Writing a plan, which [`Store::data_stamp`] sees, does not change it.
    pub fn kpi_stamp(&self) -> Result<(u64, i64)> {
        // The count first: a write counted after this is seen by the next call.
        let writes = self.kpi_writes.load(std::sync::atomic::Ordering::SeqCst);
        let version: i64 = self
            .connection()
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok((writes, version))
    }

    /// [`Store::kpi_rows`], kept while the KPI rows are unchanged ([`Store::kpi_stamp`]):
    /// 工作台's KPI cards and 团队 read the same rows (at 100,000 firms ≈ 0.35–0.8 s to read,
    /// ≈ 80 MB to hold), so the second screen reuses the first one's until a firm, need, visit,
    /// rating or team is written.
    pub fn kpi_rows_cached(&self) -> Result<std::sync::Arc<KpiRows>> {
        let stamp = self.kpi_stamp()?;
        let mut guard = self
            .kpi_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, rows)) = guard.as_ref() {
            if *at == stamp {
                return Ok(std::sync::Arc::clone(rows));
            }
        }
        // Drop the stale rows before reading the new ones: never two copies held.
        *guard = None;
        let rows = std::sync::Arc::new(self.kpi_rows()?);
        *guard = Some((stamp, std::sync::Arc::clone(&rows)));
        Ok(rows)
    }

    /// Every live row the KPIs read, slim, in the store's row order.
    pub fn kpi_rows(&self) -> Result<KpiRows> {
        let teams = load(
            self,
            "team",
            "SELECT id, json_extract(data, '$.name') FROM team WHERE deleted = 0 ORDER BY rowid",
            |c| {
                Ok(KpiTeam {
                    id: c.id()?,
                    name: c.text(1)?.unwrap_or_default().to_string(),
                })
            },
        )?;
        // From the index `firm_kpi` (migration 8), in row order; the first-loan date only
        // counts for firms on the list.
        let firms = load(
            self,
            "firm",
            "SELECT id, team_id, coach_id, first_loan_list, first_loan_date \
             FROM firm INDEXED BY firm_kpi WHERE deleted = 0 ORDER BY key",
            |c| {
                let listed = c.flag(3)?.unwrap_or(false);
                Ok(KpiFirm {
                    id: c.id()?,
                    team_id: c.uuid(1)?,
                    coach_id: c.uuid(2)?,
                    first_loan_list: listed,
                    first_loan_date: if listed { c.date(4)? } else { None },
                })
            },
        )?;
        let needs = load_in_row_order(self, "need", NEED_SQL, 12, |c| {
            Ok(KpiNeed {
                id: c.id()?,
                firm_id: c.required(1, c.uuid(1)?)?,
                team_id: c.uuid(2)?,
                amount: c.required(3, c.int(3)?)?,
                kind: c.required(4, c.key(4)?)?,
                raised_on: c.required(5, c.date(5)?)?,
                reasonable: c.flag(6)?,
                status: c.required(7, c.key(7)?)?,
                outcomes: c.json::<Vec<KpiOutcome>>(8)?.unwrap_or_default(),
                met_by_coach: c.flag(9)?.unwrap_or(false),
                closed_on: c.date(10)?,
                unmet_reason: c.key(11)?,
            })
        })?;
        let visits = load_in_row_order(self, "visit", VISIT_SQL, 5, |c| {
            Ok(KpiVisit {
                firm_id: c.required(1, c.uuid(1)?)?,
                team_id: c.uuid(2)?,
                date: c.required(3, c.date(3)?)?,
                coach_ids: c.json::<Vec<Uuid>>(4)?.unwrap_or_default(),
            })
        })?;
        let feedback = load_in_row_order(self, "feedback", FEEDBACK_SQL, 7, |c| {
            Ok(KpiFeedback {
                id: c.id()?,
                firm_id: c.required(1, c.uuid(1)?)?,
                team_id: c.uuid(2)?,
                date: c.required(3, c.date(3)?)?,
                rating: c.required(4, c.key(4)?)?,
                source: c.key(5)?.unwrap_or_default(),
                need_met: c.flag(6)?,
            })
        })?;
        Ok(KpiRows {
            teams,
            firms,
            needs,
            visits,
            feedback,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{generate, DemoOptions};
    use crate::Store;
    use chrono::Datelike;
    use fudao_core::kpi::KpiRows;

    #[test]
    fn slim_rows_equal_the_rows_of_the_whole_documents() {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 300,
                seed: 5,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        let slim = s.kpi_rows().unwrap();
        let full = KpiRows::from_entities(
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
        );
        // Something of every kind to compare, the fields that are often empty included.
        assert_eq!(slim.firms.len(), 300);
        assert!(!slim.teams.is_empty() && !slim.visits.is_empty() && !slim.feedback.is_empty());
        assert!(slim.firms.iter().any(|f| f.first_loan_date.is_some()));
        assert!(slim.needs.iter().any(|n| !n.outcomes.is_empty()));
        assert!(slim.needs.iter().any(|n| n.reasonable == Some(false)));
        assert!(slim.needs.iter().any(|n| n.unmet_reason.is_some()));
        assert_eq!(slim.teams, full.teams);
        assert_eq!(slim.firms, full.firms);
        assert_eq!(slim.needs, full.needs);
        assert_eq!(slim.visits, full.visits);
        assert_eq!(slim.feedback, full.feedback);
    }

    /// The cached rows are the store's rows until anything is written, by this connection or
    /// another one.
    #[test]
    fn cached_rows_follow_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 30,
                seed: 5,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        let a = s.kpi_rows_cached().unwrap();
        let b = s.kpi_rows_cached().unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&a, &b),
            "unchanged data: the same rows"
        );
        assert_eq!(*a, s.kpi_rows().unwrap());
        // A write the KPIs do not read (a product, as a plan or an audit entry): the same rows.
        let mut product: fudao_core::product::Product =
            s.list::<fudao_core::product::Product>().unwrap().remove(0);
        product.name.push('X');
        s.put(&product).unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&a, &s.kpi_rows_cached().unwrap()),
            "a product written: the same rows"
        );
        // A write through this connection.
        let mut need: fudao_core::model::Need =
            s.list::<fudao_core::model::Need>().unwrap().remove(0);
        need.amount += 1;
        s.put(&need).unwrap();
        let c = s.kpi_rows_cached().unwrap();
        assert!(!std::sync::Arc::ptr_eq(&a, &c));
        assert_eq!(*c, s.kpi_rows().unwrap());
        assert!(c
            .needs
            .iter()
            .any(|n| n.id == need.id && n.amount == need.amount));
        // A write through another connection (as the app's sync makes).
        let mut other = Store::open_plaintext(&path).unwrap();
        let v: fudao_core::model::Visit =
            other.list::<fudao_core::model::Visit>().unwrap().remove(0);
        other.delete::<fudao_core::model::Visit>(v.id).unwrap();
        let d = s.kpi_rows_cached().unwrap();
        assert_eq!(d.visits.len(), c.visits.len() - 1);
        assert_eq!(*d, s.kpi_rows().unwrap());
    }

    /// A column the loader cannot read names the row and the column, whatever the column.
    #[test]
    fn a_bad_column_names_its_row() {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 20,
                seed: 5,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        let id: String = s
            .connection()
            .query_row("SELECT id FROM visit WHERE deleted = 0 LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        for (col, value) in [
            ("date", "2026-02-30"),
            ("firm_id", "not-a-uuid"),
            ("date", ""),
        ] {
            let c = s.connection();
            let saved: String = c
                .query_row(
                    &format!("SELECT {col} FROM visit WHERE id = ?1"),
                    [&id],
                    |r| r.get(0),
                )
                .unwrap();
            c.execute(
                &format!("UPDATE visit SET {col} = ?1 WHERE id = ?2"),
                [value, &id],
            )
            .unwrap();
            match s.kpi_rows() {
                Err(crate::StoreError::Corrupt {
                    kind,
                    id: named,
                    detail,
                }) => {
                    assert_eq!((kind, named.as_str()), ("visit", id.as_str()));
                    let n = if col == "date" { 3 } else { 1 };
                    assert!(detail.starts_with(&format!("column {n}:")), "{detail}");
                }
                other => panic!("{col} = {value:?}: {other:?}"),
            }
            c.execute(
                &format!("UPDATE visit SET {col} = ?1 WHERE id = ?2"),
                [&saved, &id],
            )
            .unwrap();
        }
        assert!(s.kpi_rows().is_ok());
    }

    #[test]
    fn the_quick_date_reader_agrees_with_chrono() {
        let mut d = chrono::NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while d.year_ce().1 < 2031 {
            let t = d.format("%Y-%m-%d").to_string();
            assert_eq!(super::iso_date(t.as_bytes()), Some(d), "{t}");
            d = d.succ_opt().unwrap();
        }
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-1-05",
            "2026/01/05",
            "２０２６-01-05",
            "2026-01-0x",
            "",
        ] {
            assert_eq!(super::iso_date(bad.as_bytes()), None, "{bad}");
        }
    }

    /// The loader reads only its covering indexes: no table page, so no document is decrypted.
    #[test]
    fn the_loader_reads_the_covering_indexes_only() {
        let s = Store::open_in_memory().unwrap();
        for (sql, index) in [
            (super::NEED_SQL, "need_kpi"),
            (super::VISIT_SQL, "visit_kpi"),
            (super::FEEDBACK_SQL, "feedback_kpi"),
        ] {
            let plan = s.query_plan(sql).unwrap();
            assert_eq!(
                plan,
                [format!(
                    "SCAN {} USING COVERING INDEX {index}",
                    &index[..index.len() - 4]
                )]
            );
        }
    }
}
