//! 工作台: KPI cards (fudao_core::kpi), follow-ups due and overdue, draft plans.

use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_core::model::{Feedback, Visit};
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

// The card and row types are the use case's own (`fudao-ops` derives `specta::Type` with the
// `specta` feature).
pub use fudao_ops::home::{DraftPlan, FollowUp, KpiCards};

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

/// One row of the 工作台's 不满意 list, as the UI shows it.
fn unsatisfied_row(u: fudao_ops::feedback::Unsatisfied) -> AppResult<UnsatisfiedFeedback> {
    let f = u.feedback;
    Ok(UnsatisfiedFeedback {
        feedback_id: f.id,
        firm_id: f.firm_id,
        firm_name: u.firm_name,
        date: f.date,
        source: crate::dto::to_dto(&f.source)?,
        need_met: f.need_met,
        comment: f.comment,
        follow_up_created: u.follow_up_created,
    })
}

/// 不满意 ratings whose 回访 follow-up is not done ([`fudao_ops::feedback::unsatisfied`]).
pub fn unsatisfied_feedback(
    feedback: &[Feedback],
    visits: &[Visit],
    firm_name: impl Fn(Uuid) -> String,
) -> AppResult<Vec<UnsatisfiedFeedback>> {
    fudao_ops::feedback::unsatisfied(feedback, visits, firm_name, fudao_ops::home::MAX_ROWS)
        .into_iter()
        .map(unsatisfied_row)
        .collect()
}

#[tauri::command]
#[specta::specta]
pub async fn home_overview(state: State<'_, AppState>) -> AppResult<HomeOverview> {
    let today = chrono::Local::now().date_naive();
    state.with_store(move |s| overview(s, today)).await
}

/// The 工作台 as of `today` ([`fudao_ops::home::overview`]).
pub fn overview(s: &fudao_store::Store, today: NaiveDate) -> AppResult<HomeOverview> {
    let o = fudao_ops::home::overview(s, today)?;
    Ok(HomeOverview {
        today: o.today,
        kpi: o.kpi,
        follow_ups: o.follow_ups,
        follow_ups_overdue: o.follow_ups_overdue,
        follow_ups_due_soon: o.follow_ups_due_soon,
        draft_plans: o.draft_plans,
        unsatisfied_feedback: o
            .unsatisfied_feedback
            .into_iter()
            .map(unsatisfied_row)
            .collect::<AppResult<_>>()?,
    })
}
