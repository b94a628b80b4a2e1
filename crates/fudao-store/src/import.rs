//! Transactional import of parsed spreadsheet rows (see `fudao_core::patch`).
//!
//! Rows are upserted by USCC: a firm already in the store is updated (only the cells the sheet
//! filled), a new one is created. A financing-need amount updates the firm's open need of the
//! same kind, or creates one. Everything happens in ONE transaction: an interrupted import
//! (even `kill -9`) leaves the database exactly as it was.

use crate::{Result, Source, Store, StoreError};
use chrono::{Datelike, NaiveDate};
use fudao_core::model::{Entity, Firm, Need};
use fudao_core::patch::{ImportRow, NeedPatch};
use fudao_core::{Msg, ValidationErrors};
use serde::Serialize;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Import nothing if any row is rejected.
    pub strict: bool,
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// Team and coach that new firms belong to.
    pub team_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    /// The date used for new needs and the default year of figures (`today.year() - 1`).
    pub today: NaiveDate,
}

/// One rejected row: sheet row number, column header and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowRejection {
    pub row: u32,
    pub column: String,
    pub message: Msg,
}

/// A row that was imported but whose record is inconsistent (see
/// `fudao_core::consistency`): sheet row, column header (or field key when the sheet has no
/// such column), the field, a stable code and the bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowWarning {
    pub row: u32,
    pub column: String,
    pub field: String,
    pub code: String,
    pub message: Msg,
}

/// The result of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub needs_created: usize,
    pub needs_updated: usize,
    pub rejected: Vec<RowRejection>,
    /// Imported rows whose record contradicts itself (financial years before founding, …).
    pub warnings: Vec<RowWarning>,
    /// Whether anything was written (false for dry runs, failed strict imports and cancelled
    /// imports).
    pub committed: bool,
    /// The caller's `on_row` asked to stop ([`Store::import_rows_with`]): nothing was written.
    pub cancelled: bool,
    /// Where the time went (for benchmarks; not part of the report's JSON).
    #[serde(skip)]
    pub timings: ImportTimings,
}

/// Time spent in [`Store::import_rows`], by phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportTimings {
    /// Validating records and checking their consistency.
    pub validate: Duration,
    /// Everything else before the commit: looking firms up, writing rows, audit, outbox and
    /// search index entries.
    pub write: Duration,
    /// The commit (writing the WAL to disk, and the checkpoint it may run).
    pub commit: Duration,
}

/// Reports each field error of a row as a rejection, in the sheet's column for the field.
fn reject(
    report: &mut ImportReport,
    row: u32,
    errs: ValidationErrors,
    column: impl Fn(&str) -> String,
) {
    report
        .rejected
        .extend(errs.0.into_iter().map(|e| RowRejection {
            row,
            column: column(&e.field),
            message: e.message,
        }));
}

impl Store {
    /// Imports parsed rows in one transaction. Rows rejected here (validation, duplicate USCC)
    /// are reported; the rest are written unless `strict` (then nothing is) or `dry_run`.
    /// `prior_rejections` are rows the parser already rejected: in strict mode they also
    /// prevent any write.
    pub fn import_rows(
        &mut self,
        rows: &[ImportRow],
        prior_rejections: usize,
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_rows_with(rows, prior_rejections, opts, &mut |_| true)
    }

    /// As [`Store::import_rows`], calling `on_row(rows done)` before each row: a long import
    /// shows its progress, and `false` stops it with nothing written (the one transaction is
    /// rolled back; the report says `cancelled`).
    pub fn import_rows_with(
        &mut self,
        rows: &[ImportRow],
        prior_rejections: usize,
        opts: &ImportOptions,
        on_row: &mut dyn FnMut(usize) -> bool,
    ) -> Result<ImportReport> {
        // The schema's one foreign key is the search index's reference to its firm, and the
        // import writes each firm row before its index entries: checking the reference costs
        // a lookup in the firm table per index entry (about 30 per firm). Checks are switched
        // off for the import's transaction (SQLite only accepts this outside a transaction)
        // and back on after it, whatever happened.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let report = self.import_rows_in_tx(rows, prior_rejections, opts, on_row);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        report
    }

    fn import_rows_in_tx(
        &mut self,
        rows: &[ImportRow],
        prior_rejections: usize,
        opts: &ImportOptions,
        on_row: &mut dyn FnMut(usize) -> bool,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let mut validate = Duration::ZERO;
        let mut report = ImportReport::default();
        let default_year = opts.today.year() - 1;
        let mut ctx = self.ctx(Source::Import);
        // The search index is written once at the end, sorted (see `search::DeferredIndex`).
        ctx.deferred_index = Some(Default::default());
        let tx = self.conn.transaction()?;
        let w = crate::Writer { conn: &tx, ctx };
        for (done, row) in rows.iter().enumerate() {
            if !on_row(done) {
                report.cancelled = true;
                break;
            }
            let (firm, is_new) = merged_firm(&w, row, opts, default_year)?;
            let t = Instant::now();
            let valid = firm.validate();
            validate += t.elapsed();
            if let Err(errs) = valid {
                reject(&mut report, row.row, errs, |f| row.column(f).to_string());
                continue;
            }
            // A new firm has a fresh id and no live firm holds its USCC (looked up above, in
            // this transaction): nothing to diff against, no duplicate to check.
            let put = if is_new {
                w.insert_validated(&firm)
            } else {
                w.put_validated(&firm)
            };
            let outcome = match put {
                Ok(o) => o,
                Err(StoreError::DuplicateUscc { uscc, existing }) => {
                    report.rejected.push(RowRejection {
                        row: row.row,
                        column: row.column("uscc").to_string(),
                        message: Msg::new(
                            format!("统一社会信用代码 {uscc} 已属于“{existing}”"),
                            format!("USCC {uscc} already belongs to '{existing}'"),
                        ),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            let t = Instant::now();
            for wn in fudao_core::consistency::check_firm(&firm, opts.today) {
                report.warnings.push(RowWarning {
                    row: row.row,
                    column: row.column(&wn.field).to_string(),
                    field: wn.field,
                    code: wn.code,
                    message: wn.message,
                });
            }
            validate += t.elapsed();
            if is_new {
                report.created += 1;
            } else if outcome.changed.is_empty() {
                report.unchanged += 1;
            } else {
                report.updated += 1;
            }
            if let Some(np) = &row.need {
                let (need, created) = merged_need(&w, np, &firm, is_new, opts.today)?;
                let t = Instant::now();
                let valid = need.validate();
                validate += t.elapsed();
                if let Err(errs) = valid {
                    reject(&mut report, row.row, errs, |f| {
                        row.need_column(f).to_string()
                    });
                    continue;
                }
                let o = if created {
                    w.insert_validated(&need)?
                } else {
                    w.put_validated(&need)?
                };
                if created {
                    report.needs_created += 1;
                } else if !o.changed.is_empty() {
                    report.needs_updated += 1;
                }
            }
        }
        let bad = prior_rejections + report.rejected.len();
        let commit = !(opts.dry_run || report.cancelled || (opts.strict && bad > 0));
        if commit {
            if let Some(index) = w.ctx.deferred_index {
                index.into_inner().flush(&tx)?;
            }
        }
        report.timings.validate = validate;
        report.timings.write = started.elapsed().saturating_sub(validate);
        // Dropping the transaction without committing rolls everything back; the counts then
        // describe what would have happened.
        if commit {
            let t = Instant::now();
            tx.commit()?;
            report.timings.commit = t.elapsed();
            report.committed = true;
        }
        Ok(report)
    }
}

/// The firm a row describes: the live firm with the row's USCC with the row's cells applied,
/// or a new firm in the import's team and coach. Also says whether it is new.
fn merged_firm(
    w: &crate::Writer<'_>,
    row: &ImportRow,
    opts: &ImportOptions,
    default_year: i32,
) -> Result<(Firm, bool)> {
    let existing = w.firm_by_uscc(&row.firm.uscc)?;
    let is_new = existing.is_none();
    let mut firm = match existing {
        Some(mut f) => {
            row.firm.apply(&mut f, default_year);
            f
        }
        None => {
            let mut f = row.firm.new_firm(Uuid::now_v7(), default_year);
            f.team_id = f.team_id.or(opts.team_id);
            f.coach_id = f.coach_id.or(opts.coach_id);
            f
        }
    };
    if firm.team_id.is_none() {
        firm.team_id = opts.team_id;
    }
    Ok((firm, is_new))
}

/// The need a row's financing-need cells describe: the firm's latest open need of that kind
/// with the cells applied, or a new need. Also says whether it is new.
fn merged_need(
    w: &crate::Writer<'_>,
    np: &NeedPatch,
    firm: &Firm,
    firm_is_new: bool,
    today: NaiveDate,
) -> Result<(Need, bool)> {
    // A firm created by this row has no needs yet.
    let open = if firm_is_new {
        None
    } else {
        w.children_of_firm::<Need>(firm.id)?
            .into_iter()
            .filter(|n| !n.status.is_closed() && np.kind.is_none_or(|k| k == n.kind))
            .max_by_key(|n| n.raised_on)
    };
    Ok(match open {
        Some(mut n) => {
            np.apply(&mut n);
            (n, false)
        }
        None => (np.new_need(Uuid::now_v7(), firm, today), true),
    })
}
