//! 工作台: KPI cards (fudao_core::kpi), follow-ups due and overdue, draft plans.

use crate::dto::Yuan;
use crate::error::AppResult;
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use fudao_core::kpi::{compute, KpiParams, Scope};
use fudao_core::model::{Feedback, PlanStatus, Visit};
use fudao_core::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tauri::State;
use uuid::Uuid;

/// How far ahead a follow-up task counts as "due soon".
const DUE_WINDOW_DAYS: i64 = 14;
const MAX_ROWS: usize = 50;

/// Headline KPIs for the year to date.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct KpiCards {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub coached_firms: u32,
    /// Financing-need satisfaction rate, percent (None when nothing counts yet).
    pub need_satisfaction_pct: Option<f64>,
    pub requested: Yuan,
    pub disbursed: Yuan,
    pub feedback_satisfaction_pct: Option<f64>,
    pub first_loan_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FollowUp {
    pub firm_id: Uuid,
    pub firm_name: String,
    pub title: String,
    pub owner: String,
    pub due: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct DraftPlan {
    pub plan_id: Uuid,
    pub firm_id: Uuid,
    pub firm_name: String,
    pub number: String,
    pub created_on: NaiveDate,
}

/// A 不满意 rating whose 回访 follow-up is not done yet (需回访的不满意评价).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct UnsatisfiedFeedback {
    pub feedback_id: Uuid,
    pub firm_id: Uuid,
    pub firm_name: String,
    pub date: NaiveDate,
    pub source: crate::dto::FeedbackSource,
    pub need_met: Option<bool>,
    /// The firm's comment, as plain text (the UI never renders it as HTML).
    pub comment: String,
    /// The 回访 follow-up visit exists on this device (its task is open).
    pub follow_up_created: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct HomeOverview {
    pub today: NaiveDate,
    pub kpi: KpiCards,
    /// Open follow-up tasks overdue or due within 14 days, soonest first (at most 50).
    pub follow_ups: Vec<FollowUp>,
    pub follow_ups_overdue: u32,
    pub follow_ups_due_soon: u32,
    pub draft_plans: Vec<DraftPlan>,
    /// 不满意 ratings whose follow-up is not done, newest first (at most 50).
    pub unsatisfied_feedback: Vec<UnsatisfiedFeedback>,
}

/// 不满意 ratings whose 回访 follow-up (the visit with [`Feedback::follow_up_id`]) is not
/// done: no such visit here yet, or one with an open task. Newest first, at most 50.
pub fn unsatisfied_feedback(
    feedback: &[Feedback],
    visits: &[Visit],
    firm_name: impl Fn(Uuid) -> String,
) -> AppResult<Vec<UnsatisfiedFeedback>> {
    let by_id: HashMap<Uuid, &Visit> = visits.iter().map(|v| (v.id, v)).collect();
    let mut out = Vec::new();
    for f in feedback
        .iter()
        .filter(|f| f.rating == fudao_core::model::Satisfaction::Unsatisfied)
    {
        let visit = by_id.get(&f.follow_up_id());
        if visit.is_some_and(|v| v.tasks.iter().all(|t| t.done)) {
            continue;
        }
        out.push(UnsatisfiedFeedback {
            feedback_id: f.id,
            firm_id: f.firm_id,
            firm_name: firm_name(f.firm_id),
            date: f.date,
            source: crate::dto::to_dto(&f.source)?,
            need_met: f.need_met,
            comment: f.comment.clone(),
            follow_up_created: visit.is_some(),
        });
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then(b.feedback_id.cmp(&a.feedback_id)));
    out.truncate(MAX_ROWS);
    Ok(out)
}

#[tauri::command]
#[specta::specta]
pub async fn home_overview(state: State<'_, AppState>) -> AppResult<HomeOverview> {
    let today = chrono::Local::now().date_naive();
    state.with_store(move |s| overview(s, today)).await
}

/// The 工作台 as of `today`.
pub fn overview(s: &fudao_store::Store, today: NaiveDate) -> AppResult<HomeOverview> {
    // The KPIs from the slim rows of `fudao kpi` (the one loader); the follow-ups and
    // drafts below need the visits' tasks and the firms' names.
    let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let r = compute(
        &s.kpi_rows()?.data(),
        KpiParams::new(Scope::City, from, today, today),
    );
    let visits: Vec<Visit> = s.list()?;
    let names = s.firm_names()?;
    let name = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
    let mut follow_ups: Vec<FollowUp> = visits
        .iter()
        .flat_map(|v| v.tasks.iter().map(move |t| (v, t)))
        .filter(|(_, t)| !t.done && (t.due - today).num_days() <= DUE_WINDOW_DAYS)
        .map(|(v, t)| FollowUp {
            firm_id: v.firm_id,
            firm_name: name(v.firm_id),
            title: t.title.clone(),
            owner: t.owner.clone(),
            due: t.due,
            overdue: t.due < today,
        })
        .collect();
    follow_ups.sort_by_key(|f| f.due);
    let overdue = follow_ups.iter().filter(|f| f.overdue).count() as u32;
    let due_soon = follow_ups.len() as u32 - overdue;
    follow_ups.truncate(MAX_ROWS);
    let mut draft_plans: Vec<DraftPlan> = s
        .list::<Plan>()?
        .into_iter()
        .filter(|p| p.status == PlanStatus::Draft)
        .map(|p| DraftPlan {
            plan_id: p.id,
            firm_id: p.firm_id,
            firm_name: name(p.firm_id),
            number: p.number,
            created_on: p.created_on,
        })
        .collect();
    draft_plans.sort_by_key(|p| std::cmp::Reverse(p.created_on));
    draft_plans.truncate(MAX_ROWS);
    let feedback: Vec<Feedback> = s.list()?;
    let unsatisfied = unsatisfied_feedback(&feedback, &visits, name)?;
    let ns = &r.need_satisfaction;
    Ok(HomeOverview {
        today,
        kpi: KpiCards {
            from,
            to: today,
            coached_firms: r.coached_firms.current.count as u32,
            need_satisfaction_pct: ns.rate.as_ref().map(|x| x.percent),
            requested: ns.requested,
            disbursed: ns.disbursed,
            feedback_satisfaction_pct: r.satisfaction.rate.as_ref().map(|x| x.percent),
            first_loan_pct: r.first_loan.rate.as_ref().map(|x| x.percent),
        },
        follow_ups,
        follow_ups_overdue: overdue,
        follow_ups_due_soon: due_soon,
        draft_plans,
        unsatisfied_feedback: unsatisfied,
    })
}
