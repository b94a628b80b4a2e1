//! 满意度评价: a firm's feedback, and the coach's form for a rating given on paper, by phone or
//! in person. Recording goes through the same store function as `fudao feedback add`
//! ([`fudao_store::Store::record_feedback`]): a 不满意 rating also stores the 回访 follow-up.

use crate::dto::{self, parse_id, to_dto, to_dtos};
use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_ops::feedback::FeedbackForm;
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

/// The app's feedback form.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FeedbackInput {
    pub firm_id: String,
    pub date: NaiveDate,
    pub rating: dto::Satisfaction,
    /// Was the financing need met? `None`: not asked / no answer.
    pub need_met: Option<bool>,
    pub comment: String,
    /// `paper`, `phone` or `visit`.
    pub source: dto::FeedbackSource,
}

/// What the form stored.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct RecordedFeedback {
    pub feedback: dto::Feedback,
    /// The 回访 visit with its task, stored for a 不满意 rating.
    pub follow_up: Option<dto::Visit>,
}

/// The feedback of a firm, newest first.
#[tauri::command]
#[specta::specta]
pub async fn feedback_of_firm(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<Vec<dto::Feedback>> {
    let id = parse_id(&firm_id)?;
    state
        .with_store(move |s| to_dtos(&s.feedback_list(Some(id))?))
        .await
}

/// Records a rating given on paper, by phone or in person (works offline; syncs like any
/// other edit).
#[tauri::command]
#[specta::specta]
pub async fn record_feedback(
    state: State<'_, AppState>,
    input: FeedbackInput,
) -> AppResult<RecordedFeedback> {
    let firm_id = parse_id(&input.firm_id)?;
    state.with_store(move |s| record(s, firm_id, input)).await
}

/// The body of [`record_feedback`] ([`fudao_ops::feedback::record`]), callable from tests.
pub fn record(
    s: &mut fudao_store::Store,
    firm_id: Uuid,
    input: FeedbackInput,
) -> AppResult<RecordedFeedback> {
    let r = fudao_ops::feedback::record(
        s,
        FeedbackForm {
            firm_id,
            date: input.date,
            rating: to_dto(&input.rating)?,
            need_met: input.need_met,
            comment: input.comment,
            source: to_dto(&input.source)?,
        },
    )?;
    Ok(RecordedFeedback {
        feedback: to_dto(&r.feedback)?,
        follow_up: r.follow_up.as_ref().map(to_dto).transpose()?,
    })
}
