//! 满意度评价: recording a rating a coach took on paper, by phone or in person (`fudao feedback
//! add`, the app's feedback form), and the 不满意 ratings whose 回访 is still open (工作台).

use crate::error::Result;
use chrono::NaiveDate;
use fudao_core::model::{Feedback, FeedbackSource, Firm, Satisfaction, Visit};
use fudao_core::{FieldError, ValidationErrors};
use fudao_store::feedback::RecordedFeedback;
use fudao_store::{Store, StoreError};
use std::collections::HashMap;
use uuid::Uuid;

/// The sources a coach may record by hand (QR ratings come from the firm-facing page).
pub const HAND_SOURCES: [FeedbackSource; 3] = [
    FeedbackSource::Paper,
    FeedbackSource::Phone,
    FeedbackSource::Visit,
];

/// A rating as the coach enters it.
#[derive(Debug, Clone)]
pub struct FeedbackForm {
    pub firm_id: Uuid,
    pub date: NaiveDate,
    pub rating: Satisfaction,
    /// Was the financing need met? `None`: not asked / no answer.
    pub need_met: Option<bool>,
    pub comment: String,
    pub source: FeedbackSource,
}

/// Records a hand-taken rating as the signed-in coach (else anonymously): the firm's team is
/// stamped on it, and a 不满意 rating also stores the 回访 follow-up
/// ([`Store::record_feedback`]). A QR or unrecorded source is refused as a field error.
pub fn record(s: &mut Store, form: FeedbackForm) -> Result<RecordedFeedback> {
    if !HAND_SOURCES.contains(&form.source) {
        let mut e = ValidationErrors::default();
        e.push(FieldError::new(
            "source",
            "invalid",
            format!(
                "评价来源“{}”不能手工登记，可选 纸质评价 | 电话评价 | 走访面评",
                form.source.label_zh()
            ),
            format!(
                "source '{}' cannot be recorded by hand; one of paper, phone, in person",
                form.source.label_en()
            ),
        ));
        return Err(StoreError::Validation(e).into());
    }
    if let Some(sess) = s.session()? {
        s.set_actor(Some(sess.user.user_id));
    }
    let firm = s.get::<Firm>(form.firm_id)?;
    Ok(s.record_feedback(Feedback {
        id: Uuid::now_v7(),
        firm_id: form.firm_id,
        team_id: firm.and_then(|f| f.team_id),
        date: form.date,
        rating: form.rating,
        comment: form.comment,
        source: form.source,
        need_met: form.need_met,
        plan_id: None,
        plan_version: None,
    })?)
}

/// A 不满意 rating whose 回访 follow-up is not done yet (需回访的不满意评价).
#[derive(Debug, Clone)]
pub struct Unsatisfied {
    pub feedback: Feedback,
    pub firm_name: String,
    /// The 回访 follow-up visit exists on this device (its task is open).
    pub follow_up_created: bool,
}

/// 不满意 ratings whose 回访 follow-up (the visit with [`Feedback::follow_up_id`]) is not
/// done: no such visit here yet, or one with an open task. Newest first, at most `max`.
pub fn unsatisfied(
    feedback: &[Feedback],
    visits: &[Visit],
    firm_name: impl Fn(Uuid) -> String,
    max: usize,
) -> Vec<Unsatisfied> {
    let by_id: HashMap<Uuid, &Visit> = visits.iter().map(|v| (v.id, v)).collect();
    let mut out: Vec<Unsatisfied> = feedback
        .iter()
        .filter(|f| f.rating == Satisfaction::Unsatisfied)
        .filter_map(|f| {
            let visit = by_id.get(&f.follow_up_id());
            if visit.is_some_and(|v| v.tasks.iter().all(|t| t.done)) {
                return None;
            }
            Some(Unsatisfied {
                feedback: f.clone(),
                firm_name: firm_name(f.firm_id),
                follow_up_created: visit.is_some(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.feedback
            .date
            .cmp(&a.feedback.date)
            .then(b.feedback.id.cmp(&a.feedback.id))
    });
    out.truncate(max);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OpsError;

    fn setup() -> (Store, Firm) {
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let mut f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        f.team_id = Some(Uuid::now_v7());
        s.put(&f).unwrap();
        (s, f)
    }

    fn form(f: &Firm, rating: Satisfaction, source: FeedbackSource) -> FeedbackForm {
        FeedbackForm {
            firm_id: f.id,
            date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            rating,
            need_met: Some(false),
            comment: "放款慢".into(),
            source,
        }
    }

    #[test]
    fn an_unsatisfied_rating_is_stored_with_the_firms_team_and_a_follow_up_until_done() {
        let (mut s, f) = setup();
        let r = record(
            &mut s,
            form(&f, Satisfaction::Unsatisfied, FeedbackSource::Phone),
        )
        .unwrap();
        assert_eq!(r.feedback.team_id, f.team_id);
        assert_eq!(s.feedback_list(Some(f.id)).unwrap()[0].id, r.feedback.id);
        let visit = r.follow_up.expect("不满意 stores the 回访");
        let open = |s: &Store| {
            unsatisfied(
                &s.list::<Feedback>().unwrap(),
                &s.list::<Visit>().unwrap(),
                |_| "企业".into(),
                50,
            )
        };
        let rows = open(&s);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].follow_up_created);
        assert_eq!(rows[0].firm_name, "企业");
        let mut v: Visit = s.get(visit.id).unwrap().unwrap();
        v.tasks.iter_mut().for_each(|t| t.done = true);
        s.put(&v).unwrap();
        assert!(open(&s).is_empty(), "a done 回访 leaves the list");
    }

    #[test]
    fn a_satisfied_rating_has_no_follow_up_and_a_qr_source_is_refused() {
        let (mut s, f) = setup();
        let r = record(
            &mut s,
            form(&f, Satisfaction::Satisfied, FeedbackSource::Paper),
        )
        .unwrap();
        assert!(r.follow_up.is_none());
        let e = record(
            &mut s,
            form(&f, Satisfaction::Satisfied, FeedbackSource::Qr),
        )
        .unwrap_err();
        assert!(
            matches!(e, OpsError::Store(StoreError::Validation(ref v)) if v.0[0].field == "source"),
            "{e:?}"
        );
        assert_eq!(s.feedback_list(Some(f.id)).unwrap().len(), 1);
    }
}
