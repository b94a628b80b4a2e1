//! 团队: the people who can be assigned firms, the assignment of firms to a coach, and each
//! coach's caseload and KPIs (`fudao_core::kpi`) month by month.

use crate::{OpsError, Result};
use chrono::NaiveDate;
use fudao_core::kpi::{
    compute, compute_by_month, compute_per_coach, KpiParams, KpiReport, KpiRows, Rate, Scope,
};
use fudao_core::model::{Team, User};
use fudao_core::money::Yuan;
use fudao_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// A person who can be assigned firms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub team: String,
    pub active: bool,
}

/// Everyone in the local database, by team, then name (for coach selects).
pub fn members(s: &Store) -> Result<Vec<Member>> {
    let teams: HashMap<Uuid, String> = s
        .list::<Team>()?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut v: Vec<Member> = s
        .list::<User>()?
        .into_iter()
        .map(|u| Member {
            id: u.id,
            team: u
                .team_id
                .and_then(|t| teams.get(&t).cloned())
                .unwrap_or_default(),
            name: u.name,
            role: u.role.key().to_string(),
            active: u.active,
        })
        .collect();
    v.sort_by(|a, b| a.team.cmp(&b.team).then(a.name.cmp(&b.name)));
    Ok(v)
}

/// Assigns the firms to a coach (or to nobody), in one transaction. Returns how many changed.
pub fn assign(s: &mut Store, firm_ids: &[Uuid], coach: Option<Uuid>) -> Result<usize> {
    Ok(s.assign_coach(firm_ids, coach)?)
}

/// Assigns every firm the list's query and filters match to a coach (or to nobody), in one
/// transaction. Returns how many changed.
pub fn assign_matching(
    s: &mut Store,
    filter: &fudao_store::list::FirmFilter,
    coach: Option<Uuid>,
) -> Result<usize> {
    let ids = s.firm_ids(filter)?;
    assign(s, &ids, coach)
}

/// One coach's caseload and KPIs over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MemberKpi {
    /// `None` for firms without a coach.
    pub user_id: Option<Uuid>,
    pub name: String,
    /// Role key (`coach`, `lead`, `admin`).
    pub role: String,
    pub team: String,
    pub active: bool,
    /// Firms assigned to the coach.
    pub caseload: u32,
    pub coached_firms: u32,
    pub visits: u32,
    pub need_satisfaction_pct: Option<f64>,
    pub requested: Yuan,
    pub disbursed: Yuan,
    pub first_loan_pct: Option<f64>,
    pub feedback_satisfaction_pct: Option<f64>,
}

/// City-wide KPIs for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthKpi {
    /// `2026-03`.
    pub month: String,
    pub coached_firms: u32,
    pub visits: u32,
    pub disbursed: Yuan,
    pub need_satisfaction_pct: Option<f64>,
}

/// KPIs per coach and per month of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamOverview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub members: Vec<MemberKpi>,
    /// Firms nobody is assigned to.
    pub unassigned: u32,
    pub months: Vec<MonthKpi>,
    pub city: MemberKpi,
}

fn pct(r: &Option<Rate>) -> Option<f64> {
    r.as_ref().map(|r| r.percent)
}

fn member(r: &KpiReport, visits: u32, caseload: u32) -> MemberKpi {
    MemberKpi {
        user_id: None,
        name: String::new(),
        role: String::new(),
        team: String::new(),
        active: true,
        caseload,
        coached_firms: r.coached_firms.current.count as u32,
        visits,
        need_satisfaction_pct: pct(&r.need_satisfaction.rate),
        requested: r.need_satisfaction.requested,
        disbursed: r.need_satisfaction.disbursed,
        first_loan_pct: pct(&r.first_loan.rate),
        feedback_satisfaction_pct: pct(&r.satisfaction.rate),
    }
}

/// KPIs per coach (by caseload, largest first, then name) and per month of the period
/// (`from`..=`to`, which must not be reversed).
pub fn overview(
    s: &Store,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<TeamOverview> {
    if from > to {
        return Err(OpsError::InvalidPeriod);
    }
    // The rows of `fudao kpi` (the one loader), and the users the coaches are.
    let crate::kpi::Loaded { rows, users, .. } = crate::kpi::load(s)?;
    Ok(overview_of(&rows, &users, from, to, today))
}

/// [`overview`] of rows already loaded (pure; `from` ≤ `to`): what the 团队 screen waits for
/// once the rows are read.
pub fn overview_of(
    rows: &KpiRows,
    users: &[User],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> TeamOverview {
    let data = rows.data();
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let params = KpiParams::new(Scope::City, from, to, today);
    // The per-coach reports (the larger half at a city's scale) on a second core, the city's
    // report and its months on this one: 团队 waits for both.
    std::thread::scope(|scope| {
        let per_coach = scope.spawn(|| compute_per_coach(&data, &ids, params));
        let city_r = compute(&data, params);
        let months = compute_by_month(&data, params);
        let reports = per_coach
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        assemble(rows, users, from, to, &reports, &city_r, months)
    })
}

/// The overview from its reports (one per user, in `users`' order, and the city's).
fn assemble(
    rows: &KpiRows,
    users: &[User],
    from: NaiveDate,
    to: NaiveDate,
    reports: &[KpiReport],
    city_r: &KpiReport,
    months: Vec<fudao_core::kpi::MonthKpis>,
) -> TeamOverview {
    let teams: HashMap<Uuid, &str> = rows.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut caseload: HashMap<Option<Uuid>, u32> = HashMap::new();
    for f in &rows.firms {
        *caseload.entry(f.coach_id).or_default() += 1;
    }
    let in_period = |d: NaiveDate, from: NaiveDate, to: NaiveDate| from <= d && d <= to;
    let mut visits_of: HashMap<Uuid, u32> = HashMap::new();
    for v in rows.visits.iter().filter(|v| in_period(v.date, from, to)) {
        for c in v.coach_ids.iter().collect::<BTreeSet<_>>() {
            *visits_of.entry(*c).or_default() += 1;
        }
    }
    let mut members: Vec<MemberKpi> = users
        .iter()
        .zip(reports)
        .map(|(u, r)| {
            let visits = visits_of.get(&u.id).copied().unwrap_or(0);
            MemberKpi {
                user_id: Some(u.id),
                name: u.name.clone(),
                role: u.role.key().to_string(),
                team: u
                    .team_id
                    .and_then(|t| teams.get(&t).map(|n| n.to_string()))
                    .unwrap_or_default(),
                active: u.active,
                ..member(r, visits, caseload.get(&Some(u.id)).copied().unwrap_or(0))
            }
        })
        .collect();
    members.sort_by(|a, b| b.caseload.cmp(&a.caseload).then(a.name.cmp(&b.name)));
    let visits_between = |from, to| {
        rows.visits
            .iter()
            .filter(|v| in_period(v.date, from, to))
            .count() as u32
    };
    let city = MemberKpi {
        name: "全市 / City".into(),
        ..member(city_r, visits_between(from, to), rows.firms.len() as u32)
    };
    let months = months
        .into_iter()
        .map(|m| MonthKpi {
            month: m.from.format("%Y-%m").to_string(),
            coached_firms: m.coached_firms as u32,
            visits: m.visits as u32,
            disbursed: m.disbursed,
            need_satisfaction_pct: pct(&m.need_satisfaction),
        })
        .collect();
    TeamOverview {
        from,
        to,
        members,
        unassigned: caseload.get(&None).copied().unwrap_or(0),
        months,
        city,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        let opts = fudao_store::demo::DemoOptions {
            firms: 30,
            seed: 3,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        };
        fudao_store::demo::generate(&mut s, &opts).unwrap();
        s
    }

    #[test]
    fn a_reversed_period_is_refused() {
        let s = demo();
        let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        let e = overview(&s, d(5), d(3), d(11)).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::InvalidPeriod);
    }

    #[test]
    fn months_cover_the_period_and_their_visits_add_up_to_the_citys() {
        let s = demo();
        let from = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let o = overview(&s, from, to, to).unwrap();
        assert_eq!(o.months.len(), 11);
        assert_eq!(o.months[0].month, "2026-01");
        assert_eq!(
            o.months.iter().map(|m| m.visits).sum::<u32>(),
            o.city.visits
        );
        assert_eq!(
            o.members.iter().map(|m| m.caseload).sum::<u32>() + o.unassigned,
            o.city.caseload
        );
        assert!(o.members.windows(2).all(|w| w[0].caseload >= w[1].caseload));
    }

    #[test]
    fn assigning_firms_moves_them_to_the_coach_and_counts_only_changes() {
        let mut s = demo();
        let coach = members(&s)
            .unwrap()
            .into_iter()
            .find(|m| m.role == "coach")
            .unwrap();
        let firms: Vec<fudao_core::model::Firm> = s.list().unwrap();
        let ids: Vec<Uuid> = firms.iter().take(3).map(|f| f.id).collect();
        let already = firms
            .iter()
            .take(3)
            .filter(|f| f.coach_id == Some(coach.id))
            .count();
        assert_eq!(assign(&mut s, &ids, Some(coach.id)).unwrap(), 3 - already);
        assert_eq!(assign(&mut s, &ids, Some(coach.id)).unwrap(), 0);
        let f: fudao_core::model::Firm = s.get(ids[0]).unwrap().unwrap();
        assert_eq!(f.coach_id, Some(coach.id));
    }
}
