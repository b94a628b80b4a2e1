//! Recording a firm's satisfaction feedback (满意度评价) on this device.

use crate::{Result, Store, StoreError, Writer};
use fudao_core::feedback_link::FeedbackLink;
use fudao_core::model::{EntityKind, Feedback, Firm, Satisfaction, User, Visit};
use uuid::Uuid;

/// What [`Store::record_feedback`] stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedFeedback {
    pub feedback: Feedback,
    /// The 回访 visit with its follow-up task, stored for a 不满意 rating.
    pub follow_up: Option<Visit>,
}

impl Writer<'_> {
    /// Stores, as a local edit, the follow-up a 不满意 rating asks of the firm's coach
    /// (else `fallback_coach`): a 回访 visit holding one task, with the id
    /// [`Feedback::follow_up_id`]. Used by [`Store::record_feedback`] and when pulled QR
    /// feedback is applied. Exactly once per rating: nothing is stored when the visit row
    /// exists already (also when it was deleted since), or for any other rating.
    pub fn feedback_follow_up(
        &self,
        fb: &Feedback,
        firm: &Firm,
        fallback_coach: Option<Uuid>,
    ) -> Result<Option<Visit>> {
        if fb.rating != Satisfaction::Unsatisfied {
            return Ok(None);
        }
        let id = fb.follow_up_id();
        if crate::rows::load_raw(self.conn, EntityKind::Visit, id)?.is_some() {
            return Ok(None);
        }
        let coach_id = firm.coach_id.or(fallback_coach);
        let coach_name = match coach_id {
            Some(id) => self.get::<User>(id)?.map(|u| u.name).unwrap_or_default(),
            None => String::new(),
        };
        let mut fb = fb.clone();
        if fb.team_id.is_none() {
            fb.team_id = firm.team_id;
        }
        let follow_up = fb.follow_up(id, coach_id, &coach_name);
        if let Some(v) = &follow_up {
            self.put(v)?;
        }
        Ok(follow_up)
    }
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
            let follow_up = w.feedback_follow_up(&fb, &firm, actor)?;
            Ok(RecordedFeedback {
                feedback: fb,
                follow_up,
            })
        })
    }

    /// The feedback link printed on version `plan_version` of plan `plan_id` of `firm_id`
    /// (dated `plan_date`), on `today`: the one stored before (a reprint carries the same
    /// code) while it is open, else a new one made from
    /// `random` (16 bytes from a cryptographic generator) and stored as a local edit of the
    /// firm's team, so it reaches the server at the next sync.
    pub fn feedback_link_for_plan(
        &mut self,
        firm_id: Uuid,
        plan_id: Uuid,
        plan_version: u32,
        plan_date: chrono::NaiveDate,
        today: chrono::NaiveDate,
        random: &[u8; fudao_core::feedback_link::TOKEN_BYTES],
    ) -> Result<FeedbackLink> {
        let existing: Vec<FeedbackLink> = self.children_of_firm(firm_id)?;
        if let Some(l) = existing
            .into_iter()
            .find(|l| l.plan_id == plan_id && l.plan_version == plan_version && l.is_open_on(today))
        {
            return Ok(l);
        }
        self.write(crate::Source::Local, |w| {
            let firm: Firm = w.get(firm_id)?.ok_or_else(|| StoreError::NotFound {
                kind: EntityKind::Firm,
                key: firm_id.to_string(),
            })?;
            let link = FeedbackLink::new(
                random,
                firm_id,
                firm.team_id,
                plan_id,
                plan_version,
                plan_date,
                today,
            );
            w.put(&link)?;
            Ok(link)
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
    use fudao_core::model::{FeedbackSource, Role, Team};

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
    fn a_plan_version_keeps_one_feedback_link_queued_for_sync() {
        let (mut s, f, _) = setup();
        let outbox = s.outbox_len().unwrap();
        let plan = Uuid::now_v7();
        let a = s
            .feedback_link_for_plan(f.id, plan, 1, d(2026, 5, 4), d(2026, 5, 4), &[1; 16])
            .unwrap();
        assert_eq!(a.team_id, f.team_id);
        assert_eq!(a.firm_id, f.id);
        assert_eq!(s.outbox_len().unwrap(), outbox + 1);
        // A reprint of the same version carries the same token; another version a new one.
        let again = s
            .feedback_link_for_plan(f.id, plan, 1, d(2026, 5, 4), d(2026, 5, 9), &[2; 16])
            .unwrap();
        assert_eq!(again, a);
        // Once expired, a reprint gets a new link.
        let later = s
            .feedback_link_for_plan(f.id, plan, 1, d(2026, 5, 4), d(2027, 5, 4), &[4; 16])
            .unwrap();
        assert_ne!(later.token, a.token);
        assert_eq!(later.expires, d(2027, 10, 31));
        let v2 = s
            .feedback_link_for_plan(f.id, plan, 2, d(2026, 5, 9), d(2026, 5, 9), &[2; 16])
            .unwrap();
        assert_ne!(v2.token, a.token);
        assert_eq!(s.outbox_len().unwrap(), outbox + 3);
        let stored: FeedbackLink = s.get(a.id).unwrap().unwrap();
        assert_eq!(stored, a);
        let e = s
            .feedback_link_for_plan(
                Uuid::now_v7(),
                plan,
                1,
                d(2026, 5, 4),
                d(2026, 5, 4),
                &[3; 16],
            )
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
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
