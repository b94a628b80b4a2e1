//! 导入: read a firm list (`fudao_io::import::read_firms_mapped`), show what was recognised
//! and what is wrong, check it against the database without writing (`Store::import_rows` dry
//! run), then import for real. The user may assign a field to a column whose header was not
//! recognised ([`ColumnMapping`]); the preview and the import then read it like a recognised
//! column.

use crate::dto::Msg;
use crate::error::AppResult;
use crate::jobs;
use crate::state::AppState;
use fudao_io::import::{ColumnChoice, ColumnMap};
use fudao_io::Field;
use fudao_ops::import::{import_firms, ImportRequest, Imported};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tauri::{AppHandle, State};

/// A recognised column.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ImportColumn {
    pub letter: String,
    pub header: String,
    /// The field it fills (`uscc`, `staff`, …) and its label.
    pub field: String,
    pub field_label: Msg,
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// The user assigned the field (a [`ColumnMapping`]); the header was not recognised.
    pub mapped: bool,
}

/// The user's choice for one column: read the column headed `header` as `field` (a key of
/// [`ImportResult::mappable_fields`]), or `ignore` it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ColumnMapping {
    pub header: String,
    pub field: String,
}

/// A field a column can be mapped to.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FieldOption {
    pub key: String,
    pub label: Msg,
}

/// One problem in one row.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ImportProblem {
    pub row: u32,
    pub column: String,
    pub value: String,
    pub message: Msg,
}

/// A good row, as it will be imported.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ImportRowView {
    pub row: u32,
    pub uscc: String,
    pub name: Option<String>,
    pub district: Option<String>,
    pub staff: Option<u32>,
    pub has_need: bool,
}

/// What importing the file would do (dry run) or did.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ImportResult {
    pub file: String,
    pub sheet: String,
    pub header_row: u32,
    pub columns: Vec<ImportColumn>,
    /// Header texts of columns that were not recognised (ignored).
    pub unknown_columns: Vec<String>,
    pub notes: Vec<Msg>,
    pub total_rows: u32,
    /// The first good rows (at most 200).
    pub preview: Vec<ImportRowView>,
    /// Problems found reading the file and checking against the database.
    pub problems: Vec<ImportProblem>,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub needs_created: u32,
    pub needs_updated: u32,
    /// Whether anything was written.
    pub committed: bool,
    /// The user cancelled the import: nothing was written.
    pub cancelled: bool,
    /// The fields an unrecognised column can be mapped to, in form order.
    pub mappable_fields: Vec<FieldOption>,
}

const PREVIEW_ROWS: usize = 200;

fn column_map(mapping: &[ColumnMapping]) -> AppResult<ColumnMap> {
    let mut map = ColumnMap::new();
    for m in mapping {
        let choice = ColumnChoice::parse(&m.field).map_err(fudao_ops::OpsError::from)?;
        map.set(&m.header, choice);
    }
    Ok(map)
}

/// The choices of a column mapping, with their labels.
pub fn mappable_fields() -> Vec<FieldOption> {
    Field::mappable()
        .map(|f| FieldOption {
            key: f.key().to_string(),
            label: Msg {
                zh: f.label_zh().to_string(),
                en: f.label_en().to_string(),
            },
        })
        .collect()
}

/// Reads `path` and imports it (or only checks it, with `dry_run`).
pub fn run(
    s: &mut fudao_store::Store,
    path: &Path,
    dry_run: bool,
    today: chrono::NaiveDate,
) -> AppResult<ImportResult> {
    run_mapped(s, path, &[], dry_run, today)
}

/// [`run`] with the user's column mapping.
pub fn run_mapped(
    s: &mut fudao_store::Store,
    path: &Path,
    mapping: &[ColumnMapping],
    dry_run: bool,
    today: chrono::NaiveDate,
) -> AppResult<ImportResult> {
    run_mapped_with(s, path, mapping, dry_run, today, &mut |_, _| true)
}

/// [`run_mapped`] calling `on_row(rows done, rows)` before each row it writes; `false` stops
/// the import with nothing written (`cancelled`).
pub fn run_mapped_with(
    s: &mut fudao_store::Store,
    path: &Path,
    mapping: &[ColumnMapping],
    dry_run: bool,
    today: chrono::NaiveDate,
    on_row: &mut dyn FnMut(usize, usize) -> bool,
) -> AppResult<ImportResult> {
    let columns = column_map(mapping)?;
    let req = ImportRequest {
        file: path,
        sheet: None,
        columns: &columns,
        strict: false,
        dry_run,
        team_id: None,
        today,
    };
    let Imported {
        sheet,
        report,
        problems,
    } = import_firms(s, &req, on_row)?;
    let problems = problems
        .into_iter()
        .map(|p| ImportProblem {
            row: p.row,
            column: p.column,
            value: p.value,
            message: p.message.into(),
        })
        .collect();
    Ok(ImportResult {
        file: path.display().to_string(),
        sheet: sheet.sheet_name.clone(),
        header_row: sheet.header_row,
        columns: sheet
            .columns
            .iter()
            .map(|c| ImportColumn {
                letter: c.letter.clone(),
                header: c.header.clone(),
                field: c.field.key().to_string(),
                field_label: Msg {
                    zh: c.field.label_zh().to_string(),
                    en: c.field.label_en().to_string(),
                },
                unit: c.unit.map(|u| u.label_zh().to_string()),
                year: c.year,
                mapped: c.mapped,
            })
            .collect(),
        unknown_columns: sheet.unknown_columns.clone(),
        // Values read leniently (`约500人`) first, each naming its row and column; then the
        // imported rows whose record contradicts itself (fudao_core::consistency), by row.
        notes: sheet
            .warnings
            .iter()
            .map(|w| Msg::from(w.message.clone()))
            .chain(sheet.notes.iter().cloned().map(Msg::from))
            .chain(report.warnings.iter().map(|w| Msg {
                zh: format!("第{}行「{}」：{}", w.row, w.column, w.message.zh),
                en: format!("row {}, column '{}': {}", w.row, w.column, w.message.en),
            }))
            .collect(),
        total_rows: sheet.total_rows as u32,
        preview: sheet
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|r| ImportRowView {
                row: r.row,
                uscc: r.firm.uscc.clone(),
                name: r.firm.name.clone(),
                district: r.firm.district.clone(),
                staff: r.firm.staff,
                has_need: r.need.is_some(),
            })
            .collect(),
        problems,
        created: report.created as u32,
        updated: report.updated as u32,
        unchanged: report.unchanged as u32,
        needs_created: report.needs_created as u32,
        needs_updated: report.needs_updated as u32,
        committed: report.committed,
        cancelled: report.cancelled,
        mappable_fields: mappable_fields(),
    })
}

/// [`run_mapped`] on the app's store, for the two commands below. The commit is a job:
/// `job-progress` events count the rows written, and `cancel_job("import")` stops it with
/// nothing written.
async fn import_file(
    app: Option<AppHandle>,
    state: State<'_, AppState>,
    path: String,
    mapping: Option<Vec<ColumnMapping>>,
    dry_run: bool,
) -> AppResult<ImportResult> {
    let today = chrono::Local::now().date_naive();
    let mapping = mapping.unwrap_or_default();
    let mut job = (!dry_run).then(|| jobs::Job::start(jobs::IMPORT, app));
    state
        .with_store(move |s| {
            run_mapped_with(
                s,
                Path::new(&path),
                &mapping,
                dry_run,
                today,
                &mut |done, total| job.as_mut().is_none_or(|j| j.progress(done, total)),
            )
        })
        .await
}

/// Reads the file and checks it against the database without writing anything. `mapping`
/// assigns fields to columns whose headers were not recognised.
#[tauri::command]
#[specta::specta]
pub async fn import_preview(
    state: State<'_, AppState>,
    path: String,
    mapping: Option<Vec<ColumnMapping>>,
) -> AppResult<ImportResult> {
    let r = import_file(None, state, path, mapping, true).await;
    crate::mem::release_free_memory_soon();
    r
}

/// Imports the good rows of the file (rows with problems are skipped and listed), with the
/// same `mapping` as the preview.
#[tauri::command]
#[specta::specta]
pub async fn import_commit(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    mapping: Option<Vec<ColumnMapping>>,
) -> AppResult<ImportResult> {
    let r = import_file(Some(app), state, path, mapping, false).await;
    crate::mem::release_free_memory_soon();
    r
}
