//! Recording a firm's satisfaction feedback (满意度评价) on this device.

use crate::{Result, Store, StoreError};
use fudao_core::model::{EntityKind, Feedback, Firm, User, Visit};
use uuid::Uuid;

/// What [`Store::record_feedback`] stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedFeedback {
    pub feedback: Feedback,
    /// The 回访 visit with its follow-up task, stored for a 不满意 rating.
    pub follow_up: Option<Visit>,
}

impl Store {
    /// Stores a rating given on paper, by phone or in person as a local edit (audit trail and
    /// sync outbox, like any other row). The firm must exist; the row takes the firm's team
    /// when it has none. A 不满意 rating also stores, in the same transaction, a 回访 visit
    /// holding a follow-up task for the firm's coach (else the signed-in user), due
    /// [`fudao_core::model::FEEDBACK_FOLLOW_UP_DAYS`] days after the feedback: this device
    /// records the rating, so the follow-up is created once, here.
    pub fn record_feedback(&mut self, mut fb: Feedback) -> Result<RecordedFeedback> {
        let actor = self.actor();
        self.write(crate::Source::Local, |w| {
            let firm: Firm = w.get(fb.firm_id)?.ok_or_else(|| StoreError::NotFound {
                kind: EntityKind::Firm,
                key: fb.firm_id.to_string(),
            })?;
            if fb.team_id.is_none() {
                fb.team_id = firm.team_id;
            }
            w.put(&fb)?;
            let coach_id = firm.coach_id.or(actor);
            let coach_name = match coach_id {
                Some(id) => w.get::<User>(id)?.map(|u| u.name).unwrap_or_default(),
                None => String::new(),
            };
            let follow_up = fb.follow_up(Uuid::now_v7(), coach_id, &coach_name);
            if let Some(v) = &follow_up {
                w.put(v)?;
            }
            Ok(RecordedFeedback {
                feedback: fb,
                follow_up,
            })
        })
    }

    /// The feedback of one firm (or of every firm), newest first.
    pub fn feedback_list(&self, firm_id: Option<Uuid>) -> Result<Vec<Feedback>> {
        let mut v: Vec<Feedback> = match firm_id {
            Some(id) => self.children_of_firm(id)?,
            None => self.list()?,
        };
        v.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use fudao_core::model::{FeedbackSource, Role, Satisfaction, Team};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A team, its coach 李辅导 and one firm assigned to the coach.
    fn setup() -> (Store, Firm, User) {
        let mut s = Store::open_in_memory().unwrap();
        let team = Team {
            id: Uuid::now_v7(),
            name: "历下一队".into(),
            focus: String::new(),
            lead_id: None,
        };
        s.put(&team).unwrap();
        let coach = User {
            id: Uuid::now_v7(),
            username: "li".into(),
            name: "李辅导".into(),
            institution: String::new(),
            phone: String::new(),
            team_id: Some(team.id),
            role: Role::Coach,
            active: true,
        };
        s.put(&coach).unwrap();
        let code = fudao_core::uscc::compose("91", "370102", "MA3C0001").unwrap();
        let mut f = Firm::new(Uuid::now_v7(), &code, "济南量子科技有限公司");
        f.team_id = Some(team.id);
        f.coach_id = Some(coach.id);
        s.put(&f).unwrap();
        (s, f, coach)
    }

    fn fb(firm: &Firm, rating: Satisfaction, date: NaiveDate) -> Feedback {
        Feedback {
            id: Uuid::now_v7(),
            firm_id: firm.id,
            team_id: None,
            date,
            rating,
            comment: "<b>审批太慢</b>".into(),
            source: FeedbackSource::Phone,
            need_met: Some(false),
            plan_id: None,
            plan_version: None,
        }
    }

    #[test]
    fn unsatisfied_feedback_is_stored_with_a_follow_up_for_the_coach() {
        let (mut s, f, coach) = setup();
        let outbox = s.outbox_len().unwrap();
        let r = s
            .record_feedback(fb(&f, Satisfaction::Unsatisfied, d(2026, 5, 4)))
            .unwrap();
        assert_eq!(r.feedback.team_id, f.team_id);
        let stored: Feedback = s.get(r.feedback.id).unwrap().unwrap();
        assert_eq!(stored, r.feedback);
        assert_eq!(stored.comment, "<b>审批太慢</b>");
        // Audited and queued for sync: the feedback row and the follow-up visit.
        assert_eq!(s.outbox_len().unwrap(), outbox + 2);
        assert!(!s
            .audit_of(EntityKind::Feedback, stored.id)
            .unwrap()
            .is_empty());
        let visits = s.visits_of_firm(f.id).unwrap();
        assert_eq!(visits.len(), 1);
        let v = &visits[0];
        assert_eq!(Some(v), r.follow_up.as_ref());
        assert!(v.notes.starts_with("回访"));
        assert_eq!(v.coach_ids, [coach.id]);
        assert_eq!(v.tasks.len(), 1);
        assert_eq!(v.tasks[0].owner, "李辅导");
        assert_eq!(v.tasks[0].due, d(2026, 5, 11));
        assert!(!v.tasks[0].done);
    }

    #[test]
    fn other_ratings_make_no_follow_up_and_list_newest_first() {
        let (mut s, f, _) = setup();
        let a = s
            .record_feedback(fb(&f, Satisfaction::Satisfied, d(2026, 3, 1)))
            .unwrap();
        let b = s
            .record_feedback(fb(&f, Satisfaction::Basic, d(2026, 6, 1)))
            .unwrap();
        assert_eq!(a.follow_up, None);
        assert_eq!(b.follow_up, None);
        assert!(s.visits_of_firm(f.id).unwrap().is_empty());
        let ids: Vec<Uuid> = s
            .feedback_list(Some(f.id))
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(ids, [b.feedback.id, a.feedback.id]);
        assert_eq!(s.feedback_list(Some(Uuid::now_v7())).unwrap(), vec![]);
        assert_eq!(s.feedback_list(None).unwrap().len(), 2);
    }

    #[test]
    fn unknown_firm_and_long_comment_write_nothing() {
        let (mut s, f, _) = setup();
        let outbox = s.outbox_len().unwrap();
        let mut other = f.clone();
        other.id = Uuid::now_v7();
        let e = s
            .record_feedback(fb(&other, Satisfaction::Unsatisfied, d(2026, 5, 4)))
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
        let mut long = fb(&f, Satisfaction::Unsatisfied, d(2026, 5, 4));
        long.comment = "慢".repeat(501);
        let e = s.record_feedback(long).unwrap_err();
        assert_eq!(e.code(), "validation");
        assert!(e.to_string().contains("comment"), "{e}");
        assert_eq!(s.outbox_len().unwrap(), outbox);
        assert!(s.visits_of_firm(f.id).unwrap().is_empty());
    }
}
