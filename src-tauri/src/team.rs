//! 团队: the coaches, their caseload and KPIs month by month (`fudao_ops::team`), and the
//! KPI workbook (`fudao_ops::kpi`, the one the CLI's `fudao export kpi` writes).

use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_ops::kpi::KpiQuery;
use fudao_ops::team;
use fudao_store::Store;
use tauri::State;
use uuid::Uuid;

// The view types are the use case's own (`fudao-ops` derives `specta::Type` with the `specta`
// feature): no mirror to keep in step.
pub use fudao_ops::team::{Member, MemberKpi, MonthKpi, TeamOverview};

/// KPIs per coach and per month of the period (`from`..=`to`).
pub fn overview(
    s: &Store,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> AppResult<TeamOverview> {
    Ok(team::overview(s, from, to, today)?)
}

#[tauri::command]
#[specta::specta]
pub async fn team_overview(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<TeamOverview> {
    let today = chrono::Local::now().date_naive();
    let o = state
        .with_store(move |s| overview(s, from, to, today))
        .await;
    crate::mem::release_free_memory_soon();
    o
}

/// Writes the team KPIs of the period to an .xlsx file (chosen in a save dialog).
#[tauri::command]
#[specta::specta]
pub async fn export_team_kpi(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> AppResult<u32> {
    let today = chrono::Local::now().date_naive();
    let p = std::path::PathBuf::from(&path);
    state
        .with_store(move |s| {
            // The one KPI workbook (the CLI's `fudao export kpi` writes the same).
            fudao_ops::kpi::write_workbook(s, &KpiQuery::city(from, to, today), &p)?;
            fudao_store::fsperm::restrict_file(&p)?;
            Ok(std::fs::metadata(&p).map(|m| m.len() as u32).unwrap_or(0))
        })
        .await
}

/// Everyone in the local database, for coach selects.
#[tauri::command]
#[specta::specta]
pub async fn members(state: State<'_, AppState>) -> AppResult<Vec<Member>> {
    state.with_store(|s| Ok(team::members(s)?)).await
}

/// Assigns firms to a coach (or to nobody). Returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn assign_firms(
    state: State<'_, AppState>,
    firm_ids: Vec<Uuid>,
    coach_id: Option<Uuid>,
) -> AppResult<u32> {
    state
        .with_store(move |s| Ok(team::assign(s, &firm_ids, coach_id)? as u32))
        .await
}

/// Assigns every firm the list's query and filters match to a coach (or to nobody), in one
/// transaction. Returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn assign_matching(
    state: State<'_, AppState>,
    filter: crate::firms::FirmFilter,
    coach_id: Option<Uuid>,
) -> AppResult<u32> {
    let filter: fudao_store::list::FirmFilter = crate::dto::to_dto(&filter)?;
    state
        .with_store(move |s| Ok(team::assign_matching(s, &filter, coach_id)? as u32))
        .await
}
