//! 一企一策 commands: draft (compose) a plan from the firm's data, edit its narrative
//! sections, confirm it, and render it to PDF. Composition lives in `fudao_core::plan`,
//! rendering in `fudao_pdf`.

use crate::dto::{self, parse_id, to_dto, Msg};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_core::model::{Firm, Team, User};
use fudao_core::plan::{compose_plan, summary, to_document, Plan, PlanInput, SectionKey};
use fudao_core::product::Catalog;
use fudao_store::Store;
use fudao_sync::ErrorCode;
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

fn plan_error(e: fudao_core::plan::PlanError) -> AppError {
    use fudao_core::plan::PlanError;
    let code = match e {
        PlanError::NotDraft { .. } => ErrorCode::PlanNotDraft,
        PlanError::UnknownProduct(_) => ErrorCode::PlanUnknownProduct,
        PlanError::NotConfirmed(_) => ErrorCode::PlanNotConfirmed,
    };
    let text = e.to_string();
    AppError::new(code, text.clone(), text)
}

fn latest(s: &Store, firm_id: Uuid) -> AppResult<Option<Plan>> {
    let mut v: Vec<Plan> = s.children_of_firm(firm_id)?;
    v.sort_by_key(|p| std::cmp::Reverse(p.version));
    Ok(v.into_iter().next())
}

fn get_plan(s: &Store, id: Uuid) -> AppResult<Plan> {
    s.get::<Plan>(id)?.ok_or_else(|| {
        fudao_store::StoreError::NotFound {
            kind: fudao_core::model::EntityKind::Plan,
            key: id.to_string(),
        }
        .into()
    })
}

/// The product catalogue synced into the store, or the built-in one when there is none (a bad
/// `catalog_version` is an error, as in the CLI).
pub(crate) fn catalog(s: &Store) -> AppResult<Catalog> {
    Ok(fudao_ops::catalog::load(s)?)
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
        .with_store(move |s| latest(s, id)?.as_ref().map(view).transpose())
        .await
}

/// Composes a draft plan from the firm's current data and stores it. A draft is refreshed in
/// place (the coach's rewrites kept); a confirmed plan gets a new draft version.
#[tauri::command]
#[specta::specta]
pub async fn draft_plan(state: State<'_, AppState>, firm_id: String) -> AppResult<PlanView> {
    let firm_id = parse_id(&firm_id)?;
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| {
            let firm = s.get::<Firm>(firm_id)?.ok_or_else(|| {
                AppError::from(fudao_store::StoreError::NotFound {
                    kind: fudao_core::model::EntityKind::Firm,
                    key: firm_id.to_string(),
                })
            })?;
            let needs = s.needs_of_firm(firm_id)?;
            let visits = s.visits_of_firm(firm_id)?;
            let previous = latest(s, firm_id)?;
            let team = match firm.team_id {
                Some(t) => s.get::<Team>(t)?.map(|t| t.name).unwrap_or_default(),
                None => String::new(),
            };
            let coach = match firm.coach_id {
                Some(u) => s.get::<User>(u)?.map(|u| u.name).unwrap_or_default(),
                None => String::new(),
            };
            let catalog = catalog(s)?;
            let plan = compose_plan(&PlanInput {
                firm: &firm,
                needs: &needs,
                visits: &visits,
                team_name: &team,
                coach_name: &coach,
                catalog: &catalog,
                today,
                previous: previous.as_ref(),
            });
            s.put(&plan)?;
            view(&plan)
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
        .with_store(move |s| {
            let mut p = get_plan(s, id)?;
            p.edit_section(key, &text).map_err(plan_error)?;
            s.put(&p)?;
            view(&p)
        })
        .await
}

/// Confirms a draft plan (it can no longer be edited; changes go into a new version).
#[tauri::command]
#[specta::specta]
pub async fn confirm_plan(state: State<'_, AppState>, plan_id: String) -> AppResult<PlanView> {
    let id = parse_id(&plan_id)?;
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| {
            let mut p = get_plan(s, id)?;
            p.confirm(today).map_err(plan_error)?;
            s.put(&p)?;
            view(&p)
        })
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

/// The feedback link printed on `plan` (made, or reused for this plan version, and queued
/// for sync), when this device knows the server's public address (from login or sync).
fn feedback_url(s: &mut Store, plan: &Plan) -> AppResult<Option<String>> {
    let Some(session) = s.session()? else {
        return Ok(None);
    };
    let Some(public) = session
        .user
        .public_url
        .clone()
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(None);
    };
    s.set_actor(Some(session.user.user_id));
    let link = s.feedback_link_for_plan(
        plan.firm_id,
        plan.id,
        plan.version,
        plan.confirmed_on.unwrap_or(plan.created_on),
        chrono::Local::now().date_naive(),
        &rand::random(),
    )?;
    Ok(Some(link.url(&public)))
}

#[cfg(test)]
pub fn feedback_url_for_test(s: &mut Store, plan: &Plan) -> AppResult<Option<String>> {
    feedback_url(s, plan)
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
            let plan = get_plan(s, id)?;
            let url = feedback_url(s, &plan)?;
            Ok(PlanFeedbackCode {
                note: url.is_none().then(no_code_note),
                url,
            })
        })
        .await
}

/// The plan's PDF, with the feedback QR code and short link when `feedback_url` is known.
pub fn render(p: &Plan, feedback_url: Option<&str>) -> AppResult<Vec<u8>> {
    let mut doc = to_document(p);
    if let Some(u) = feedback_url {
        doc.add_feedback_code(u);
    }
    fudao_pdf::render(&doc).map_err(|e| {
        let text = e.to_string();
        AppError::new(
            ErrorCode::Pdf,
            format!("无法生成PDF：{text}"),
            format!("could not produce the PDF: {text}"),
        )
    })
}

/// The plan rendered to PDF (for the in-app preview).
#[tauri::command]
#[specta::specta]
pub async fn plan_pdf(state: State<'_, AppState>, plan_id: String) -> AppResult<Vec<u8>> {
    let id = parse_id(&plan_id)?;
    let (plan, url) = state
        .with_store(move |s| {
            let plan = get_plan(s, id)?;
            let url = feedback_url(s, &plan)?;
            Ok((plan, url))
        })
        .await?;
    tauri::async_runtime::spawn_blocking(move || render(&plan, url.as_deref()))
        .await
        .map_err(AppError::internal)?
}

/// Renders the plan and writes the PDF to `path` (chosen in a save dialog). Returns its size.
#[tauri::command]
#[specta::specta]
pub async fn save_plan_pdf(
    state: State<'_, AppState>,
    plan_id: String,
    path: String,
) -> AppResult<u32> {
    let id = parse_id(&plan_id)?;
    let (plan, url) = state
        .with_store(move |s| {
            let plan = get_plan(s, id)?;
            let url = feedback_url(s, &plan)?;
            Ok((plan, url))
        })
        .await?;
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = render(&plan, url.as_deref())?;
        std::fs::write(&path, &bytes).map_err(|e| {
            AppError::new(
                ErrorCode::Io,
                format!("无法写入 {path}（{e}），请换一个文件夹或检查磁盘空间"),
                format!("cannot write {path} ({e}); choose another folder or check disk space"),
            )
        })?;
        // A plan holds a firm's finances: owner-only, like the database.
        fudao_store::fsperm::restrict_file(std::path::Path::new(&path))?;
        Ok(bytes.len() as u32)
    })
    .await
    .map_err(AppError::internal)?
}
