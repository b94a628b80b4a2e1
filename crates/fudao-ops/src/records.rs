//! The records a coach keeps — firms, financing needs (融资需求) — with the defaults and
//! clean-ups every shell applies the same way before writing them.

use crate::{OpsError, Result};
use chrono::NaiveDate;
use fudao_core::model::{
    EntityKind, Feedback, FinancingKind, Firm, Need, NeedStatus, Ruling, Team, User, Visit,
};
use fudao_core::FieldError;
use fudao_store::{PutOutcome, Store, StoreError};
use uuid::Uuid;

/// The firm with this id.
pub fn firm(s: &Store, id: Uuid) -> Result<Firm> {
    s.get::<Firm>(id)?.ok_or_else(|| {
        StoreError::NotFound {
            kind: EntityKind::Firm,
            key: id.to_string(),
        }
        .into()
    })
}

/// The team with this id or name.
pub fn find_team(s: &Store, key: &str) -> Result<Team> {
    s.list::<Team>()?
        .into_iter()
        .find(|t| t.id.to_string() == key || t.name == key)
        .ok_or_else(|| {
            OpsError::invalid(
                format!("未找到辅导队“{key}”"),
                format!("no such team: '{key}'"),
            )
        })
}

/// The user with this id, username or name.
pub fn find_user(s: &Store, key: &str) -> Result<User> {
    s.list::<User>()?
        .into_iter()
        .find(|u| u.id.to_string() == key || u.username == key || u.name == key)
        .ok_or_else(|| {
            OpsError::invalid(
                format!("未找到用户“{key}”"),
                format!("no such user: '{key}'"),
            )
        })
}

/// Which firms to list.
#[derive(Debug, Clone, Default)]
pub struct FirmQuery {
    pub team_id: Option<Uuid>,
    /// A GB/T 2260 district code.
    pub district: Option<String>,
    /// Only firms on the 首贷培植 list.
    pub first_loan: bool,
    pub limit: usize,
}

/// The firms the query matches, at most `limit`.
pub fn list_firms(s: &Store, q: &FirmQuery) -> Result<Vec<Firm>> {
    Ok(s.list::<Firm>()?
        .into_iter()
        .filter(|f| q.team_id.is_none() || f.team_id == q.team_id)
        .filter(|f| q.district.is_none() || f.district == q.district)
        .filter(|f| !q.first_loan || f.first_loan_list)
        .take(q.limit)
        .collect())
}

/// Cross-field warnings of a firm and its dated history (needs, visits, feedback) as of
/// `today`; they never block saving.
pub fn firm_warnings(s: &Store, f: &Firm, today: NaiveDate) -> Result<Vec<FieldError>> {
    let needs: Vec<Need> = s.children_of_firm(f.id)?;
    let visits: Vec<Visit> = s.children_of_firm(f.id)?;
    let feedback: Vec<Feedback> = s.children_of_firm(f.id)?;
    Ok(fudao_core::consistency::check_firm_and_history(
        f, &needs, &visits, &feedback, today,
    ))
}

/// Saves a firm, new or edited: its USCC normalised (`91370102 ma3c…` → `91370102MA3C…`) and
/// its name trimmed, then validated and stored with its outbox entry.
pub fn save_firm(s: &mut Store, mut f: Firm) -> Result<(Firm, PutOutcome)> {
    f.uscc = fudao_core::uscc::normalize(&f.uscc);
    f.name = f.name.trim().to_string();
    let o = s.put(&f)?;
    Ok((f, o))
}

/// A blank financing need of the firm raised `today` (a loan, just raised); not stored until
/// saved.
pub fn blank_need(firm: &Firm, today: NaiveDate) -> Need {
    Need {
        id: Uuid::now_v7(),
        firm_id: firm.id,
        team_id: firm.team_id,
        amount: 0,
        purpose: String::new(),
        term_months: None,
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: today,
        ruling: None,
        status: NeedStatus::Raised,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    }
}

/// What a user says about a new need.
#[derive(Debug, Clone)]
pub struct NewNeed {
    /// Yuan.
    pub amount: i64,
    pub purpose: String,
    pub term_months: Option<u32>,
    pub kind: FinancingKind,
    pub collateral: Vec<String>,
    pub raised_on: NaiveDate,
    pub status: NeedStatus,
    pub ruling: Option<Ruling>,
}

/// Records a new need of the firm (validated and stored with its outbox entry).
pub fn add_need(s: &mut Store, firm: &Firm, new: NewNeed) -> Result<Need> {
    let n = Need {
        amount: new.amount,
        purpose: new.purpose,
        term_months: new.term_months,
        kind: new.kind,
        collateral: new.collateral,
        status: new.status,
        ruling: new.ruling,
        ..blank_need(firm, new.raised_on)
    };
    save_need(s, n)
}

/// Saves a need, new or edited. A new need belongs to its firm's team (the firm must exist).
pub fn save_need(s: &mut Store, mut n: Need) -> Result<Need> {
    if s.get::<Need>(n.id)?.is_none() {
        n.team_id = firm(s, n.firm_id)?.team_id;
    }
    s.put(&n)?;
    Ok(n)
}

/// Edits a stored firm: the firm with this id, USCC or name, changed by `edit` (a patch the
/// shell parsed), then saved like any firm (normalised, validated, with its outbox entry).
/// Returns the saved firm and the fields that changed.
pub fn edit_firm<E: From<OpsError>>(
    s: &mut Store,
    key: &str,
    edit: impl FnOnce(&Firm) -> std::result::Result<Firm, E>,
) -> std::result::Result<(Firm, PutOutcome), E> {
    let f = s.find_firm(key).map_err(OpsError::from)?;
    let updated = edit(&f)?;
    Ok(save_firm(s, updated)?)
}

/// Edits a stored need: the need with this id, changed by `edit` (a patch the shell parsed),
/// then validated and stored with its outbox entry. Returns the saved need and the fields
/// that changed.
pub fn edit_need<E: From<OpsError>>(
    s: &mut Store,
    id: Uuid,
    edit: impl FnOnce(&Need) -> std::result::Result<Need, E>,
) -> std::result::Result<(Need, PutOutcome), E> {
    let n: Need = s.get(id).map_err(OpsError::from)?.ok_or_else(|| {
        OpsError::from(StoreError::NotFound {
            kind: EntityKind::Need,
            key: id.to_string(),
        })
    })?;
    let updated = edit(&n)?;
    let o = s.put(&updated).map_err(OpsError::from)?;
    Ok((updated, o))
}

/// Every firm's name by id, for lists that show the firm of each row.
pub fn firm_names(s: &Store) -> Result<std::collections::HashMap<Uuid, String>> {
    Ok(s.list::<Firm>()?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

/// Every need with its firm's name (empty when the firm is gone), as exported.
pub fn needs_with_firm_names(s: &Store) -> Result<Vec<(Need, String)>> {
    let names = firm_names(s)?;
    Ok(s.list::<Need>()?
        .into_iter()
        .map(|n| {
            let name = names.get(&n.firm_id).cloned().unwrap_or_default();
            (n, name)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Store, Firm) {
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let mut f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        f.team_id = Some(Uuid::now_v7());
        s.put(&f).unwrap();
        (s, f)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_saved_firm_has_its_uscc_normalised_and_its_name_trimmed() {
        // The CLI's `firm add` used to store the USCC and name as typed, the app cleaned them.
        let (mut s, _) = setup();
        let uscc = fudao_core::uscc::compose("91", "370103", "MA3C4QXW").unwrap();
        let f = Firm::new(
            Uuid::now_v7(),
            &format!(" {} ", uscc.to_lowercase()),
            " 济南星河 ",
        );
        let (saved, _) = save_firm(&mut s, f).unwrap();
        assert_eq!(saved.uscc, uscc);
        assert_eq!(saved.name, "济南星河");
        assert_eq!(s.get::<Firm>(saved.id).unwrap().unwrap().uscc, uscc);
    }

    #[test]
    fn a_new_need_belongs_to_its_firms_team_whatever_the_form_said() {
        let (mut s, f) = setup();
        let mut n = blank_need(&f, today());
        n.amount = 5_000_000;
        n.team_id = None;
        let saved = save_need(&mut s, n).unwrap();
        assert_eq!(saved.team_id, f.team_id);
        let added = add_need(
            &mut s,
            &f,
            NewNeed {
                amount: 1_000_000,
                purpose: "流动资金".into(),
                term_months: Some(12),
                kind: FinancingKind::Loan,
                collateral: vec![],
                raised_on: today(),
                status: NeedStatus::Raised,
                ruling: None,
            },
        )
        .unwrap();
        assert_eq!((added.team_id, added.firm_id), (f.team_id, f.id));
        assert_eq!(s.needs_of_firm(f.id).unwrap().len(), 2);
    }

    #[test]
    fn a_need_of_an_unknown_firm_is_refused() {
        let (mut s, f) = setup();
        let mut n = blank_need(&f, today());
        n.amount = 100;
        n.firm_id = Uuid::now_v7();
        let e = save_need(&mut s, n).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::NotFound);
    }

    #[test]
    fn firms_are_listed_by_team_and_district_up_to_the_limit() {
        let (mut s, f) = setup();
        let uscc = fudao_core::uscc::compose("91", "370103", "MA3C4QXW").unwrap();
        let mut g = Firm::new(Uuid::now_v7(), &uscc, "济南星河科技有限公司");
        g.district = Some("370103".into());
        s.put(&g).unwrap();
        let all = FirmQuery {
            limit: 10,
            ..Default::default()
        };
        assert_eq!(list_firms(&s, &all).unwrap().len(), 2);
        let team = FirmQuery {
            team_id: f.team_id,
            ..all.clone()
        };
        assert_eq!(list_firms(&s, &team).unwrap()[0].id, f.id);
        let district = FirmQuery {
            district: Some("370103".into()),
            ..all.clone()
        };
        assert_eq!(list_firms(&s, &district).unwrap()[0].id, g.id);
        let one = FirmQuery { limit: 1, ..all };
        assert_eq!(list_firms(&s, &one).unwrap().len(), 1);
    }

    #[test]
    fn an_edited_firm_is_found_by_uscc_patched_normalised_and_reports_what_changed() {
        let (mut s, f) = setup();
        let (saved, o) = edit_firm(&mut s, &f.uscc, |old| {
            let mut g = old.clone();
            g.name = " 济南量子科技股份有限公司 ".into();
            Ok::<_, OpsError>(g)
        })
        .unwrap();
        assert_eq!(saved.name, "济南量子科技股份有限公司");
        assert_eq!(o.changed, vec!["name".to_string()]);
        assert_eq!(s.get::<Firm>(f.id).unwrap().unwrap().name, saved.name);
        let e = edit_firm(&mut s, "不存在的企业", |old| {
            Ok::<_, OpsError>(old.clone())
        })
        .unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::NotFound);
    }

    #[test]
    fn an_edited_need_is_stored_and_an_unknown_need_is_refused() {
        let (mut s, f) = setup();
        let mut n = blank_need(&f, today());
        n.amount = 1_000_000;
        let n = save_need(&mut s, n).unwrap();
        let (saved, o) = edit_need(&mut s, n.id, |old| {
            let mut m = old.clone();
            m.amount = 2_000_000;
            Ok::<_, OpsError>(m)
        })
        .unwrap();
        assert_eq!(saved.amount, 2_000_000);
        assert_eq!(o.changed, vec!["amount".to_string()]);
        assert_eq!(s.get::<Need>(n.id).unwrap().unwrap().amount, 2_000_000);
        let e =
            edit_need(&mut s, Uuid::now_v7(), |old| Ok::<_, OpsError>(old.clone())).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::NotFound);
    }

    #[test]
    fn needs_are_listed_with_their_firms_name() {
        let (mut s, f) = setup();
        let mut n = blank_need(&f, today());
        n.amount = 1_000_000;
        let n = save_need(&mut s, n).unwrap();
        assert_eq!(firm_names(&s).unwrap().get(&f.id), Some(&f.name));
        let rows = needs_with_firm_names(&s).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].0.id, rows[0].1.as_str()), (n.id, f.name.as_str()));
    }
}
