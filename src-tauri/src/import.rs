//! 导入: read a firm list (`fudao_io::import::read_firms`), show what was recognised and what
//! is wrong, check it against the database without writing (`Store::import_rows` dry run),
//! then import for real.

use crate::dto::Msg;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use fudao_io::import::{read_firms, ImportSheet};
use fudao_store::ImportOptions;
use serde::{Deserialize, Serialize};
use std::path::Path;
use tauri::State;

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
}

const PREVIEW_ROWS: usize = 200;

fn read(path: &Path) -> AppResult<ImportSheet> {
    read_firms(path, None).map_err(|e| {
        let m = e.message();
        AppError::new("import.read", m.zh, m.en)
    })
}

/// Reads `path` and imports it (or only checks it, with `dry_run`).
pub fn run(
    s: &mut fudao_store::Store,
    path: &Path,
    dry_run: bool,
    today: chrono::NaiveDate,
) -> AppResult<ImportResult> {
    let sheet = read(path)?;
    let report = s.import_rows(
        &sheet.rows,
        sheet.errors.len(),
        &ImportOptions {
            strict: false,
            dry_run,
            team_id: None,
            coach_id: s.actor(),
            today,
        },
    )?;
    let mut problems: Vec<ImportProblem> = sheet
        .errors
        .iter()
        .map(|e| ImportProblem {
            row: e.row,
            column: e.column.clone(),
            value: e.value.clone(),
            message: e.message.clone().into(),
        })
        .collect();
    problems.extend(report.rejected.iter().map(|r| ImportProblem {
        row: r.row,
        column: r.column.clone(),
        value: String::new(),
        message: r.message.clone().into(),
    }));
    problems.sort_by_key(|p| p.row);
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
                    en: c.field.key().to_string(),
                },
                unit: c.unit.map(|u| u.label_zh().to_string()),
                year: c.year,
            })
            .collect(),
        unknown_columns: sheet.unknown_columns.clone(),
        notes: sheet.notes.iter().cloned().map(Msg::from).collect(),
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
    })
}

/// Reads the file and checks it against the database without writing anything.
#[tauri::command]
#[specta::specta]
pub async fn import_preview(state: State<'_, AppState>, path: String) -> AppResult<ImportResult> {
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| run(s, Path::new(&path), true, today))
        .await
}

/// Imports the good rows of the file (rows with problems are skipped and listed).
#[tauri::command]
#[specta::specta]
pub async fn import_commit(state: State<'_, AppState>, path: String) -> AppResult<ImportResult> {
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| run(s, Path::new(&path), false, today))
        .await
}
