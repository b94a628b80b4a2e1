//! 满意度评价: a firm's feedback, and the coach's form for a rating given on paper, by phone or
//! in person. Recording goes through the same store function as `fudao feedback add`
//! ([`fudao_store::Store::record_feedback`]): a 不满意 rating also stores the 回访 follow-up.

use crate::dto::{self, parse_id, to_dto, to_dtos};
use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use fudao_core::model::{self as core, FeedbackSource};
use fudao_core::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

/// The sources a coach may record by hand (QR ratings come from the firm-facing page).
pub const HAND_SOURCES: [FeedbackSource; 3] = [
    FeedbackSource::Paper,
    FeedbackSource::Phone,
    FeedbackSource::Visit,
];

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

/// The body of [`record_feedback`], callable from tests.
pub fn record(
    s: &mut fudao_store::Store,
    firm_id: Uuid,
    input: FeedbackInput,
) -> AppResult<RecordedFeedback> {
    let source: FeedbackSource = to_dto(&input.source)?;
    if !HAND_SOURCES.contains(&source) {
        let mut e = ValidationErrors::default();
        e.push(FieldError::new(
            "source",
            "invalid",
            format!(
                "评价来源“{}”不能手工登记，可选 纸质评价 | 电话评价 | 走访面评",
                source.label_zh()
            ),
            format!(
                "source '{}' cannot be recorded by hand; one of paper, phone, in person",
                source.label_en()
            ),
        ));
        return Err(e.into());
    }
    if let Some(sess) = s.session()? {
        s.set_actor(Some(sess.user.user_id));
    }
    let firm = s.get::<core::Firm>(firm_id)?;
    let r = s.record_feedback(core::Feedback {
        id: Uuid::now_v7(),
        firm_id,
        team_id: firm.and_then(|f| f.team_id),
        date: input.date,
        rating: to_dto(&input.rating)?,
        comment: input.comment,
        source,
        need_met: input.need_met,
        plan_id: None,
        plan_version: None,
    })?;
    Ok(RecordedFeedback {
        feedback: to_dto(&r.feedback)?,
        follow_up: r.follow_up.as_ref().map(to_dto).transpose()?,
    })
}
