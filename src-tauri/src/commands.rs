//! Tauri commands: parse the arguments, call one library function, map the errors.
//! No business rules live here or in the UI.

use crate::dto::{self, merge_into, parse_id, to_dto, to_dtos, EnumOption};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use fudao_core::model::{self as core, Entity};
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Where file dialogs go when no native dialog can be shown. The WebDriver e2e suite cannot
/// drive GTK's file chooser, so it starts the app with `FUDAO_E2E_SAVE_DIR` (save dialogs write
/// there under their suggested name) and `FUDAO_E2E_OPEN_FILE` (open dialogs pick that file).
/// Both are unset in normal use and the native dialogs show.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct DialogOverride {
    pub save_dir: Option<String>,
    pub open_file: Option<String>,
}

impl DialogOverride {
    pub fn from_env() -> DialogOverride {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        DialogOverride {
            save_dir: var("FUDAO_E2E_SAVE_DIR"),
            open_file: var("FUDAO_E2E_OPEN_FILE"),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn dialog_override() -> AppResult<DialogOverride> {
    Ok(DialogOverride::from_env())
}

/// What the app is connected to.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    /// The database file in use (`FUDAO_DB` overrides the default).
    pub db_path: String,
    pub firms: u32,
    pub needs: u32,
    pub visits: u32,
    /// Local changes not yet synchronised.
    pub outbox: u32,
}

impl AppInfo {
    /// The figures of the store at `db_path`.
    pub fn of(s: &fudao_store::Store, db_path: String) -> AppResult<Self> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path,
            firms: s.count(core::EntityKind::Firm)? as u32,
            needs: s.count(core::EntityKind::Need)? as u32,
            visits: s.count(core::EntityKind::Visit)? as u32,
            outbox: s.outbox_len()? as u32,
        })
    }
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> AppResult<AppInfo> {
    let db_path = state.db_path.display().to_string();
    state.with_store(move |s| AppInfo::of(s, db_path)).await
}

/// Every labelled value the forms offer, with bilingual labels (from the domain library).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Vocabulary {
    pub stage: Vec<EnumOption>,
    pub qualification_kind: Vec<EnumOption>,
    /// Short names of the designations (科小, 高企, …) for narrow cells.
    pub qualification_short: Vec<EnumOption>,
    pub financing_kind: Vec<EnumOption>,
    pub need_status: Vec<EnumOption>,
    pub reason_code: Vec<EnumOption>,
    pub visit_mode: Vec<EnumOption>,
    pub satisfaction: Vec<EnumOption>,
    pub feedback_source: Vec<EnumOption>,
    pub plan_status: Vec<EnumOption>,
    pub role: Vec<EnumOption>,
    /// Jinan's districts (GB/T 2260 code → name).
    pub district: Vec<EnumOption>,
    /// GB/T 4754 sections (letter → name).
    pub industry: Vec<EnumOption>,
}

#[tauri::command]
#[specta::specta]
pub fn vocabulary() -> Vocabulary {
    use fudao_core::region::{INDUSTRY_SECTIONS, JINAN_DISTRICTS};
    Vocabulary {
        stage: dto::Stage::options(),
        qualification_kind: dto::QualificationKind::options(),
        qualification_short: core::QualificationKind::ALL
            .iter()
            .map(|q| EnumOption {
                key: q.key().to_string(),
                zh: q.short_zh().to_string(),
                en: q.short_en().to_string(),
            })
            .collect(),
        financing_kind: dto::FinancingKind::options(),
        need_status: dto::NeedStatus::options(),
        reason_code: dto::ReasonCode::options(),
        visit_mode: dto::VisitMode::options(),
        satisfaction: dto::Satisfaction::options(),
        feedback_source: dto::FeedbackSource::options(),
        plan_status: dto::PlanStatus::options(),
        role: dto::Role::options(),
        district: JINAN_DISTRICTS
            .iter()
            .map(|(code, name)| EnumOption {
                key: code.to_string(),
                zh: name.to_string(),
                en: name.to_string(),
            })
            .collect(),
        industry: INDUSTRY_SECTIONS
            .iter()
            .map(|(letter, zh, en)| EnumOption {
                key: letter.to_string(),
                zh: zh.to_string(),
                en: en.to_string(),
            })
            .collect(),
    }
}

/// Firms by Chinese name fragment, USCC prefix or pinyin initials.
#[tauri::command]
#[specta::specta]
pub async fn search_firms(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> AppResult<Vec<dto::FirmHit>> {
    state
        .with_store(move |s| to_dtos(&s.search_firms(&query, limit as usize)?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn get_firm(state: State<'_, AppState>, id: String) -> AppResult<dto::Firm> {
    let id = parse_id(&id)?;
    state
        .with_store(move |s| to_dto(&fudao_ops::records::firm(s, id)?))
        .await
}

/// A blank firm to fill in (not stored until saved).
#[tauri::command]
#[specta::specta]
pub fn new_firm() -> AppResult<dto::Firm> {
    to_dto(&core::Firm::new(Uuid::now_v7(), "", ""))
}

/// Field-level problems of an unsaved firm, for inline messages while typing.
#[tauri::command]
#[specta::specta]
pub fn check_firm(firm: dto::Firm) -> AppResult<Vec<dto::FieldError>> {
    let f: core::Firm = merge_into(&core::Firm::new(firm.id, "", ""), &firm)?;
    Ok(f.validate()
        .err()
        .map(|v| v.0.into_iter().map(dto::FieldError::from).collect())
        .unwrap_or_default())
}

/// Cross-field consistency warnings of a firm as edited (financial years or qualifications
/// before founding, niche years over the firm's age, stage vs revenue, a 高企 certificate holder
/// failing the conditions): shown on the 概况 form; they never block saving.
#[tauri::command]
#[specta::specta]
pub fn firm_warnings(firm: dto::Firm) -> AppResult<Vec<dto::FieldError>> {
    let f: core::Firm = merge_into(&core::Firm::new(firm.id, "", ""), &firm)?;
    Ok(fudao_core::consistency::check_firm(&f, today())
        .into_iter()
        .map(dto::FieldError::from)
        .collect())
}

/// Creates or updates a firm. Invalid fields come back as a `validation` error whose
/// `details` name each field.
#[tauri::command]
#[specta::specta]
pub async fn save_firm(state: State<'_, AppState>, firm: dto::Firm) -> AppResult<dto::Firm> {
    state
        .with_store(move |s| {
            let base = s
                .get::<core::Firm>(firm.id)?
                .unwrap_or_else(|| core::Firm::new(firm.id, "", ""));
            let merged: core::Firm = merge_into(&base, &firm)?;
            to_dto(&fudao_ops::records::save_firm(s, merged)?.0)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn needs_of_firm(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<Vec<dto::Need>> {
    let id = parse_id(&firm_id)?;
    state
        .with_store(move |s| to_dtos(&s.needs_of_firm(id)?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn visits_of_firm(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<Vec<dto::Visit>> {
    let id = parse_id(&firm_id)?;
    state
        .with_store(move |s| to_dtos(&s.visits_of_firm(id)?))
        .await
}

/// A blank financing need for a firm (not stored until saved).
#[tauri::command]
#[specta::specta]
pub async fn new_need(state: State<'_, AppState>, firm_id: String) -> AppResult<dto::Need> {
    let firm_id = parse_id(&firm_id)?;
    state
        .with_store(move |s| {
            let firm = fudao_ops::records::firm(s, firm_id)?;
            to_dto(&fudao_ops::records::blank_need(&firm, today()))
        })
        .await
}

/// Saves an edited record: overlaid on the stored one (keys the mirror does not know are
/// kept), or new; `save` writes it with its defaults (`fudao_ops::records`, `fudao_ops::visits`).
/// Returns it as stored.
fn save_record<C, D>(
    s: &mut fudao_store::Store,
    id: Uuid,
    edited: &D,
    save: fn(&mut fudao_store::Store, C) -> fudao_ops::Result<C>,
) -> AppResult<D>
where
    C: Entity + Serialize + serde::de::DeserializeOwned,
    D: Serialize + serde::de::DeserializeOwned,
{
    let merged = match s.get::<C>(id)? {
        Some(base) => merge_into(&base, edited)?,
        None => to_dto::<_, C>(edited)?,
    };
    to_dto(&save(s, merged)?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_need(state: State<'_, AppState>, need: dto::Need) -> AppResult<dto::Need> {
    state
        .with_store(move |s| save_record(s, need.id, &need, fudao_ops::records::save_need))
        .await
}

/// A blank visit to a firm dated today (not stored until saved).
#[tauri::command]
#[specta::specta]
pub async fn new_visit(state: State<'_, AppState>, firm_id: String) -> AppResult<dto::Visit> {
    let firm_id = parse_id(&firm_id)?;
    state
        .with_store(move |s| {
            let firm = fudao_ops::records::firm(s, firm_id)?;
            // Credited to the acting user, else the firm's coach (as `fudao visit add`).
            to_dto(&fudao_ops::visits::blank_visit(s, &firm, today()))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn save_visit(state: State<'_, AppState>, visit: dto::Visit) -> AppResult<dto::Visit> {
    state
        .with_store(move |s| save_record(s, visit.id, &visit, fudao_ops::visits::save_visit))
        .await
}

/// The change history of a firm from the audit trail, newest first.
#[tauri::command]
#[specta::specta]
pub async fn firm_history(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<Vec<dto::AuditEntry>> {
    let id = parse_id(&firm_id)?;
    state
        .with_store(move |s| {
            let mut v = s.audit_of(core::EntityKind::Firm, id)?;
            v.reverse();
            to_dtos(&v)
        })
        .await
}

/// What a backup wrote.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct BackupDone {
    /// The copy's size in bytes (0 when cancelled).
    pub bytes: u64,
    /// The user cancelled it: no file was left.
    pub cancelled: bool,
}

/// Writes a consistent copy of the database to `path` (chosen in a save dialog), with its
/// progress as `job-progress` events (job `backup`, KiB) and `cancel_job("backup")` to stop it.
#[tauri::command]
#[specta::specta]
pub async fn backup_db(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> AppResult<BackupDone> {
    let dest = std::path::PathBuf::from(&path);
    let done = state
        .with_store(move |s| {
            let mut job = crate::jobs::Job::start(crate::jobs::BACKUP, Some(app));
            let written = fudao_ops::backup::backup_with(
                s,
                &dest,
                None,
                fudao_ops::backup::Existing::Replace,
                &mut |done, total| job.progress((done >> 10) as usize, (total >> 10) as usize),
            )?;
            Ok(BackupDone {
                bytes: written.unwrap_or(0),
                cancelled: written.is_none(),
            })
        })
        .await;
    crate::mem::release_free_memory_soon();
    done
}

/// Replaces the database with a backup (the current file is kept as `.before-restore`).
#[tauri::command]
#[specta::specta]
pub async fn restore_db(state: State<'_, AppState>, path: String) -> AppResult<()> {
    state.restore_from(std::path::PathBuf::from(path)).await
}

/// Whether the database is open, or what the unlock screen must ask for (the UI asks first).
#[tauri::command]
#[specta::specta]
pub async fn db_lock_state(state: State<'_, AppState>) -> AppResult<crate::state::DbLock> {
    state.lock_state()
}

/// Unlocks the database with the passphrase typed on the unlock screen, or protects a new key with it.
#[tauri::command]
#[specta::specta]
pub async fn unlock_db(
    state: State<'_, AppState>,
    passphrase: String,
) -> AppResult<crate::state::DbLock> {
    // argon2id takes a moment: off the UI thread.
    let unlock = state.unlocker();
    tauri::async_runtime::spawn_blocking(move || unlock(passphrase))
        .await
        .map_err(AppError::internal)?
}
