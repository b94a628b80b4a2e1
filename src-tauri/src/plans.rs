//! 一企一策 commands: draft (compose) a plan from the firm's data, edit its narrative
//! sections, confirm it, and render it to PDF. Composition lives in `fudao_core::plan`,
//! rendering in `fudao_pdf`.

use crate::dto::{self, parse_id, to_dto, Msg};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_core::plan::{summary, Plan, SectionKey};
use fudao_core::product::Catalog;
use fudao_ops::plans;
use fudao_store::Store;
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

/// One narrative section of a plan.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PlanSection {
    pub key: String,
    /// The printed heading, e.g. `一、企业概况`.
    pub heading: String,
    /// The printed text: the coach's rewrite if any, else the generated text.
    pub text: String,
    /// The coach rewrote this section.
    pub edited: bool,
}

/// A plan as the app shows it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PlanView {
    pub id: Uuid,
    pub firm_id: Uuid,
    pub number: String,
    pub version: u32,
    pub status: dto::PlanStatus,
    pub created_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub sections: Vec<PlanSection>,
    pub summary: Msg,
}

fn view(p: &Plan) -> AppResult<PlanView> {
    let s = summary(p);
    Ok(PlanView {
        id: p.id,
        firm_id: p.firm_id,
        number: p.number.clone(),
        version: p.version,
        status: to_dto(&p.status)?,
        created_on: p.created_on,
        confirmed_on: p.confirmed_on,
        sections: SectionKey::ALL
            .iter()
            .map(|k| PlanSection {
                key: k.key().to_string(),
                heading: k.heading().to_string(),
                text: p.content.text(*k).to_string(),
                edited: p.content.edits.contains_key(k),
            })
            .collect(),
        summary: Msg { zh: s.zh, en: s.en },
    })
}

/// The product catalogue synced into the store, or the built-in one when there is none (a bad
/// `catalog_version` is an error, as in the CLI).
pub(crate) fn catalog(s: &Store) -> AppResult<Catalog> {
    Ok(fudao_ops::catalog::load(s)?)
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The firm's latest plan, if any.
#[tauri::command]
#[specta::specta]
pub async fn latest_plan(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<Option<PlanView>> {
    let id = parse_id(&firm_id)?;
    state
        .with_store(move |s| plans::latest(s, id)?.as_ref().map(view).transpose())
        .await
}

/// Composes a draft plan from the firm's current data and stores it. A draft is refreshed in
/// place (the coach's rewrites kept); a confirmed plan gets a new draft version.
#[tauri::command]
#[specta::specta]
pub async fn draft_plan(state: State<'_, AppState>, firm_id: String) -> AppResult<PlanView> {
    let firm_id = parse_id(&firm_id)?;
    let today = today();
    state
        .with_store(move |s| {
            view(&plans::draft(s, firm_id, today, plans::Redraft::Recompose)?.plan)
        })
        .await
}

/// Replaces a section's narrative (empty text restores the generated one). Drafts only.
#[tauri::command]
#[specta::specta]
pub async fn edit_plan_section(
    state: State<'_, AppState>,
    plan_id: String,
    section: String,
    text: String,
) -> AppResult<PlanView> {
    let id = parse_id(&plan_id)?;
    let key = SectionKey::parse(&section)
        .ok_or_else(|| AppError::invalid_argument("section", &section))?;
    state
        .with_store(move |s| view(&plans::edit_section(s, id, key, &text)?))
        .await
}

/// Confirms a draft plan (it can no longer be edited; changes go into a new version).
#[tauri::command]
#[specta::specta]
pub async fn confirm_plan(state: State<'_, AppState>, plan_id: String) -> AppResult<PlanView> {
    let id = parse_id(&plan_id)?;
    let today = today();
    state
        .with_store(move |s| view(&plans::confirm(s, id, today)?))
        .await
}

/// The note shown when plans carry no feedback code (the server's public address is not
/// known on this device yet).
pub fn no_code_note() -> Msg {
    Msg {
        zh: "本机尚不知道服务器的公开评价地址（请登录并同步），打印的方案不带满意度评价二维码和短链接"
            .into(),
        en: "This device does not know the server's public feedback address yet (log in and sync); printed plans carry no feedback QR code or short link"
            .into(),
    }
}

#[cfg(test)]
pub fn feedback_url_for_test(s: &mut Store, plan: &Plan) -> AppResult<Option<String>> {
    Ok(plans::feedback_url(s, plan, today())?)
}

/// What a printed plan carries for the firm's feedback.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PlanFeedbackCode {
    /// The short link the QR code encodes; `None` when this device does not know the
    /// server's public address.
    pub url: Option<String>,
    /// Why the plan carries no code (when `url` is `None`).
    pub note: Option<Msg>,
}

/// The feedback link the printed plan carries (the same one the PDF encodes), or the note
/// that it carries none.
#[tauri::command]
#[specta::specta]
pub async fn plan_feedback_code(
    state: State<'_, AppState>,
    plan_id: String,
) -> AppResult<PlanFeedbackCode> {
    let id = parse_id(&plan_id)?;
    state
        .with_store(move |s| {
            let url = plans::printable(s, id, today())?.feedback_url;
            Ok(PlanFeedbackCode {
                note: url.is_none().then(no_code_note),
                url,
            })
        })
        .await
}

/// The plan's PDF, with the feedback QR code and short link when `feedback_url` is known.
pub fn render(p: &Plan, feedback_url: Option<&str>) -> AppResult<Vec<u8>> {
    Ok(plans::render(None, p, feedback_url)?)
}

/// The plan and the feedback link its print carries.
async fn printable(state: &AppState, id: Uuid) -> AppResult<plans::Printable> {
    state
        .with_store(move |s| Ok(plans::printable(s, id, today())?))
        .await
}

/// One page of the plan's preview.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PreviewPage {
    /// Size of the image in pixels.
    pub width: u32,
    pub height: u32,
    /// Size of the page in PDF points (A4: 595 × 842); the UI sizes the image from it.
    pub width_pt: f32,
    pub height_pt: f32,
    /// The page as a PNG, base64-encoded.
    pub png: String,
}

/// The plan's PDF drawn as page images: what will be printed, rasterized in Rust (hayro), so
/// the web view needs no PDF engine of its own.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PlanPreview {
    pub pages: Vec<PreviewPage>,
}

/// The plan rendered to PDF and its pages drawn at `scale` pixels a point (the UI asks for
/// 1.25 × the screen's pixel ratio; clamped to 0.25–4).
#[tauri::command]
#[specta::specta]
pub async fn plan_preview(
    state: State<'_, AppState>,
    plan_id: String,
    scale: f32,
) -> AppResult<PlanPreview> {
    let p = printable(&state, parse_id(&plan_id)?).await?;
    let drawn = tauri::async_runtime::spawn_blocking(move || preview(&p, scale))
        .await
        .map_err(AppError::internal)?;
    crate::mem::release_free_memory_soon();
    drawn
}

pub(crate) fn preview(p: &plans::Printable, scale: f32) -> AppResult<PlanPreview> {
    use base64::Engine;
    let pdf = render(&p.plan, p.feedback_url.as_deref())?;
    let pages =
        fudao_pdf::raster::page_images(&pdf, scale).map_err(|e| fudao_ops::OpsError::Pdf {
            plan: p.plan.number.clone(),
            detail: e.to_string(),
        })?;
    Ok(PlanPreview {
        pages: pages
            .into_iter()
            .map(|i| PreviewPage {
                width: i.width,
                height: i.height,
                width_pt: i.width_pt,
                height_pt: i.height_pt,
                png: base64::engine::general_purpose::STANDARD.encode(&i.png),
            })
            .collect(),
    })
}

/// Renders the plan and writes the PDF to `path` (chosen in a save dialog). Returns its size.
#[tauri::command]
#[specta::specta]
pub async fn save_plan_pdf(
    state: State<'_, AppState>,
    plan_id: String,
    path: String,
) -> AppResult<u32> {
    let p = printable(&state, parse_id(&plan_id)?).await?;
    tauri::async_runtime::spawn_blocking(move || {
        Ok(plans::save_pdf(None, &p, std::path::Path::new(&path))? as u32)
    })
    .await
    .map_err(AppError::internal)?
}
