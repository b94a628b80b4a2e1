//! Visits (走访) with their defaults: which coach a visit is credited to when none is named.

use crate::Result;
use chrono::NaiveDate;
use fudao_core::model::{Firm, FollowUpTask, Visit, VisitMode};
use fudao_store::Store;
use uuid::Uuid;

/// The coaches a visit is credited to when none is named: the acting user (the one logged in
/// on this replica), else the firm's coach, else nobody.
pub fn default_coaches(s: &Store, firm: &Firm) -> Vec<Uuid> {
    s.actor().or(firm.coach_id).into_iter().collect()
}

/// A blank on-site visit to the firm dated `today`, credited to [`default_coaches`]; not stored
/// until saved.
pub fn blank_visit(s: &Store, firm: &Firm, today: NaiveDate) -> Visit {
    Visit {
        id: Uuid::now_v7(),
        firm_id: firm.id,
        team_id: firm.team_id,
        date: today,
        coach_ids: default_coaches(s, firm),
        mode: VisitMode::OnSite,
        notes: String::new(),
        findings: String::new(),
        tasks: vec![],
    }
}

/// What a user says about a new visit.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub date: NaiveDate,
    pub mode: VisitMode,
    /// Empty: [`default_coaches`].
    pub coach_ids: Vec<Uuid>,
    pub notes: String,
    pub findings: String,
    pub tasks: Vec<FollowUpTask>,
}

/// Logs a visit to the firm (validated and stored with its outbox entry).
pub fn add_visit(s: &mut Store, firm: &Firm, new: NewVisit) -> Result<Visit> {
    let mut v = blank_visit(s, firm, new.date);
    if !new.coach_ids.is_empty() {
        v.coach_ids = new.coach_ids;
    }
    v.mode = new.mode;
    v.notes = new.notes;
    v.findings = new.findings;
    v.tasks = new.tasks;
    s.put(&v)?;
    Ok(v)
}

/// Saves a visit, new or edited. A new visit belongs to its firm's team and, when it names
/// no coach, is credited to [`default_coaches`] (as [`add_visit`]); the app used to store a new
/// visit without coaches as it was.
pub fn save_visit(s: &mut Store, mut v: Visit) -> Result<Visit> {
    if s.get::<Visit>(v.id)?.is_none() {
        let firm = crate::records::firm(s, v.firm_id)?;
        v.team_id = firm.team_id;
        if v.coach_ids.is_empty() {
            v.coach_ids = default_coaches(s, &firm);
        }
    }
    s.put(&v)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Store, Firm, Uuid, Uuid) {
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let mut f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        let firm_coach = Uuid::now_v7();
        f.coach_id = Some(firm_coach);
        s.put(&f).unwrap();
        (s, f, firm_coach, Uuid::now_v7())
    }

    fn new_visit(coach_ids: Vec<Uuid>) -> NewVisit {
        NewVisit {
            date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            mode: VisitMode::Phone,
            coach_ids,
            notes: "了解融资需求".into(),
            findings: String::new(),
            tasks: vec![],
        }
    }

    #[test]
    fn a_visit_is_credited_to_the_acting_user_before_the_firms_coach() {
        // The app used to credit the firm's coach even when another user logged the visit.
        let (mut s, f, firm_coach, me) = setup();
        assert_eq!(default_coaches(&s, &f), [firm_coach]);
        s.set_actor(Some(me));
        assert_eq!(default_coaches(&s, &f), [me]);
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(blank_visit(&s, &f, today).coach_ids, [me]);
        let v = add_visit(&mut s, &f, new_visit(vec![])).unwrap();
        assert_eq!(v.coach_ids, [me]);
        assert_eq!(s.get::<Visit>(v.id).unwrap().unwrap().coach_ids, [me]);
    }

    #[test]
    fn named_coaches_win_and_a_firm_without_coach_or_actor_gets_nobody() {
        let (mut s, mut f, _firm_coach, me) = setup();
        let other = Uuid::now_v7();
        s.set_actor(Some(me));
        let v = add_visit(&mut s, &f, new_visit(vec![other])).unwrap();
        assert_eq!(v.coach_ids, [other]);
        assert_eq!(v.mode, VisitMode::Phone);
        assert_eq!(v.team_id, f.team_id);
        s.set_actor(None);
        f.coach_id = None;
        assert!(default_coaches(&s, &f).is_empty());
    }

    #[test]
    fn a_new_visit_saved_without_coaches_gets_the_default_and_an_edit_keeps_none() {
        let (mut s, f, _firm_coach, me) = setup();
        s.set_actor(Some(me));
        let mut v = blank_visit(&s, &f, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        v.coach_ids.clear();
        v.notes = "电话回访".into();
        let saved = save_visit(&mut s, v).unwrap();
        assert_eq!(saved.coach_ids, [me]);
        let mut edited = saved.clone();
        edited.coach_ids.clear();
        let again = save_visit(&mut s, edited).unwrap();
        assert!(
            again.coach_ids.is_empty(),
            "an edit writes what the user chose"
        );
        assert_eq!(
            s.get::<Visit>(saved.id).unwrap().unwrap().coach_ids,
            Vec::<Uuid>::new()
        );
    }
}
