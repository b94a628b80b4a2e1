//! 导入: a firm list read from a spreadsheet (`fudao_io::import`) and imported into the store
//! (`Store::import_rows_with`), or only checked against it (a dry run, the app's preview).
//!
//! New firms are assigned to the acting user (the one logged in on this replica) as coach, in
//! the CLI as in the app; the CLI used to leave them unassigned when it had an acting user.

use crate::Result;
use chrono::NaiveDate;
use fudao_core::Msg;
use fudao_io::import::{read_firms_mapped, ColumnMap, ImportSheet};
use fudao_store::{ImportOptions, ImportReport, Store};
use std::path::Path;
use uuid::Uuid;

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub file: &'a Path,
    /// The sheet's name; the first sheet when `None`.
    pub sheet: Option<&'a str>,
    /// The user's choices for columns whose headers are not recognised.
    pub columns: &'a ColumnMap,
    /// Import nothing if any row is bad.
    pub strict: bool,
    /// Check against the store without writing.
    pub dry_run: bool,
    /// The team new firms join.
    pub team_id: Option<Uuid>,
    pub today: NaiveDate,
}

/// One problem of one row, from reading the file or from checking it against the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub row: u32,
    pub column: String,
    /// The cell's text (empty when the problem is the record's, not one cell's).
    pub value: String,
    pub message: Msg,
}

/// What reading and importing the file found and did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub sheet: ImportSheet,
    pub report: ImportReport,
    /// The problems of reading and of checking, by row.
    pub problems: Vec<Problem>,
}

impl Imported {
    /// The rows with problems, each once, in order.
    pub fn bad_rows(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.problems.iter().map(|p| p.row).collect();
        v.dedup();
        v
    }
}

/// Reads the file and imports its good rows (or checks them, with `dry_run`), calling
/// `on_row(rows done, rows)` before each row it writes; `false` stops the import with nothing
/// written (`report.cancelled`).
pub fn import_firms(
    s: &mut Store,
    r: &ImportRequest,
    on_row: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Imported> {
    let sheet = read(r)?;
    import_sheet(s, sheet, r, on_row)
}

/// Reads the request's file (its sheet, its column mapping). A shell that must not open the
/// database for a file it cannot read (the CLI) calls this first, then [`import_sheet`].
pub fn read(r: &ImportRequest) -> Result<ImportSheet> {
    Ok(read_firms_mapped(r.file, r.sheet, r.columns)?)
}

/// [`import_firms`] of a sheet already read with [`read`].
pub fn import_sheet(
    s: &mut Store,
    sheet: ImportSheet,
    r: &ImportRequest,
    on_row: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Imported> {
    let total = sheet.rows.len();
    let report = s.import_rows_with(
        &sheet.rows,
        sheet.errors.len(),
        &ImportOptions {
            strict: r.strict,
            dry_run: r.dry_run,
            team_id: r.team_id,
            coach_id: s.actor(),
            today: r.today,
        },
        &mut |done| on_row(done, total),
    )?;
    let mut problems: Vec<Problem> = sheet
        .errors
        .iter()
        .map(|e| Problem {
            row: e.row,
            column: e.column.clone(),
            value: e.value.clone(),
            message: e.message.clone(),
        })
        .chain(report.rejected.iter().map(|e| Problem {
            row: e.row,
            column: e.column.clone(),
            value: String::new(),
            message: e.message.clone(),
        }))
        .collect();
    problems.sort_by_key(|p| p.row);
    Ok(Imported {
        sheet,
        report,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::{EntityKind, Firm};

    fn file(dir: &Path) -> std::path::PathBuf {
        let good = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let path = dir.join("firms.csv");
        std::fs::write(
            &path,
            format!("统一社会信用代码,企业名称,职工总数\n91370102XXXXXXXX,济南坏码科技有限公司,5\n{good},济南量子科技有限公司,12\n"),
        )
        .unwrap();
        path
    }

    fn request<'a>(path: &'a Path, columns: &'a ColumnMap, dry_run: bool) -> ImportRequest<'a> {
        ImportRequest {
            file: path,
            sheet: None,
            columns,
            strict: false,
            dry_run,
            team_id: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        }
    }

    #[test]
    fn a_preview_writes_nothing_and_the_commit_credits_new_firms_to_the_acting_user() {
        // The CLI used to leave new firms without a coach when a user was acting; the app
        // assigned them to that user.
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path());
        let columns = ColumnMap::new();
        let mut s = Store::open_in_memory().unwrap();
        let me = Uuid::now_v7();
        s.set_actor(Some(me));
        let dry = import_firms(&mut s, &request(&path, &columns, true), &mut |_, _| true).unwrap();
        assert!(!dry.report.committed);
        assert_eq!(dry.report.created, 1);
        assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
        assert_eq!(dry.bad_rows(), [2]);
        assert_eq!(dry.problems[0].value, "91370102XXXXXXXX");
        let done =
            import_firms(&mut s, &request(&path, &columns, false), &mut |_, _| true).unwrap();
        assert!(done.report.committed);
        let firms: Vec<Firm> = s.list().unwrap();
        assert_eq!(firms.len(), 1);
        assert_eq!(firms[0].coach_id, Some(me));
    }

    #[test]
    fn a_cancelled_import_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path());
        let columns = ColumnMap::new();
        let mut s = Store::open_in_memory().unwrap();
        let r = import_firms(&mut s, &request(&path, &columns, false), &mut |_, _| false).unwrap();
        assert!(r.report.cancelled && !r.report.committed);
        assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    }
}
