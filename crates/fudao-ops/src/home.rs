//! 工作台: KPI cards (fudao_core::kpi), follow-ups due and overdue, draft plans, and the
//! 不满意 ratings whose 回访 is open.

use crate::error::Result;
use crate::feedback::{unsatisfied, Unsatisfied};
use chrono::{Datelike, NaiveDate};
use fudao_core::kpi::{compute, KpiParams, Scope};
use fudao_core::model::{Satisfaction, Visit};
use fudao_core::money::Yuan;
use fudao_store::Store;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How far ahead a follow-up task counts as "due soon".
const DUE_WINDOW_DAYS: i64 = 14;
/// How many rows each list of the 工作台 holds.
pub const MAX_ROWS: usize = 50;

/// Headline KPIs for the year to date.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FollowUp {
    pub firm_id: Uuid,
    pub firm_name: String,
    pub title: String,
    pub owner: String,
    pub due: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftPlan {
    pub plan_id: Uuid,
    pub firm_id: Uuid,
    pub firm_name: String,
    pub number: String,
    pub created_on: NaiveDate,
}

/// The 工作台 as of a day.
#[derive(Debug, Clone)]
pub struct Overview {
    pub today: NaiveDate,
    pub kpi: KpiCards,
    /// Open follow-up tasks overdue or due within 14 days, soonest first (at most 50).
    pub follow_ups: Vec<FollowUp>,
    pub follow_ups_overdue: u32,
    pub follow_ups_due_soon: u32,
    /// Draft plans, newest first (at most 50).
    pub draft_plans: Vec<DraftPlan>,
    /// 不满意 ratings whose follow-up is not done, newest first (at most 50).
    pub unsatisfied_feedback: Vec<Unsatisfied>,
}

/// The year-to-date KPI cards from the slim rows of `fudao kpi` (the one loader; kept by the
/// store for 团队 while nothing is written).
fn kpi_cards(s: &Store, today: NaiveDate) -> Result<KpiCards> {
    let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let r = compute(
        &s.kpi_rows_cached()?.data(),
        KpiParams::new(Scope::City, from, today, today),
    );
    let ns = &r.need_satisfaction;
    Ok(KpiCards {
        from,
        to: today,
        coached_firms: r.coached_firms.current.count as u32,
        need_satisfaction_pct: ns.rate.as_ref().map(|x| x.percent),
        requested: ns.requested,
        disbursed: ns.disbursed,
        feedback_satisfaction_pct: r.satisfaction.rate.as_ref().map(|x| x.percent),
        first_loan_pct: r.first_loan.rate.as_ref().map(|x| x.percent),
    })
}

/// Open tasks overdue or due within [`DUE_WINDOW_DAYS`], soonest first.
fn follow_ups(visits: &[Visit], today: NaiveDate, name: impl Fn(Uuid) -> String) -> Vec<FollowUp> {
    let mut out: Vec<FollowUp> = visits
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
    out.sort_by_key(|f| f.due);
    out
}

/// The 工作台 as of `today`. It reads only what it shows (migration 10's columns): the visits
/// with an open task due within the window, the 不满意 ratings and their follow-up visits, the
/// draft plans and the names of those rows' firms. The KPI cards come from the slim rows.
pub fn overview(s: &Store, today: NaiveDate) -> Result<Overview> {
    let kpi = kpi_cards(s, today)?;
    let until = today + chrono::Duration::days(DUE_WINDOW_DAYS);
    let due_visits = s.visits_with_open_tasks_due_by(until, MAX_ROWS)?;
    let drafts = s.draft_plans()?;
    let feedback = s.feedback_rated(Satisfaction::Unsatisfied)?;
    let mut follow_up_visits = Vec::new();
    for f in &feedback {
        follow_up_visits.extend(s.get::<Visit>(f.follow_up_id())?);
    }
    let names = s.firm_names_of(
        due_visits
            .iter()
            .map(|v| v.firm_id)
            .chain(drafts.iter().map(|p| p.firm_id))
            .chain(feedback.iter().map(|f| f.firm_id)),
    )?;
    let name = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
    let mut follow_ups = follow_ups(&due_visits, today, name);
    follow_ups.truncate(MAX_ROWS);
    let (overdue, due_soon) = s.open_tasks_due_by(today, until)?;
    let mut draft_plans: Vec<DraftPlan> = drafts
        .into_iter()
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
    Ok(Overview {
        today,
        kpi,
        follow_ups,
        follow_ups_overdue: overdue,
        follow_ups_due_soon: due_soon,
        draft_plans,
        unsatisfied_feedback: unsatisfied(&feedback, &follow_up_visits, name, MAX_ROWS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::{Firm, FollowUpTask, VisitMode};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn the_workbench_lists_open_tasks_due_within_two_weeks_soonest_first() {
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        s.put(&f).unwrap();
        let task = |title: &str, due: NaiveDate, done: bool| FollowUpTask {
            title: title.into(),
            owner: "张三".into(),
            due,
            done,
        };
        s.put(&Visit {
            id: Uuid::now_v7(),
            firm_id: f.id,
            team_id: None,
            date: day(1),
            coach_ids: vec![],
            mode: VisitMode::Phone,
            notes: String::new(),
            findings: String::new(),
            tasks: vec![
                task("soon", day(20), false),
                task("late", day(2), false),
                task("far", day(30), false),
                task("done", day(3), true),
            ],
        })
        .unwrap();
        let o = overview(&s, day(10)).unwrap();
        let titles: Vec<&str> = o.follow_ups.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, ["late", "soon"]);
        assert_eq!((o.follow_ups_overdue, o.follow_ups_due_soon), (1, 1));
        assert!(o.follow_ups[0].overdue);
        assert_eq!(o.follow_ups[0].firm_name, "济南量子科技有限公司");
        assert_eq!(o.kpi.from, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(o.kpi.to, day(10));
        assert!(o.draft_plans.is_empty() && o.unsatisfied_feedback.is_empty());
    }

    /// The 工作台 as it was computed before migration 10 (every visit, rating, plan and firm
    /// name read and filtered in Rust): the oracle of the indexed reads.
    fn overview_by_full_scan(s: &Store, today: NaiveDate) -> Overview {
        let visits: Vec<Visit> = s.list().unwrap();
        let names = s.firm_names().unwrap();
        let name = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
        let mut follow_ups = follow_ups(&visits, today, name);
        let overdue = follow_ups.iter().filter(|f| f.overdue).count() as u32;
        let due_soon = follow_ups.len() as u32 - overdue;
        follow_ups.truncate(MAX_ROWS);
        let mut draft_plans: Vec<DraftPlan> = s
            .list::<fudao_core::plan::Plan>()
            .unwrap()
            .into_iter()
            .filter(|p| p.status == fudao_core::model::PlanStatus::Draft)
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
        let feedback: Vec<fudao_core::model::Feedback> = s.list().unwrap();
        Overview {
            today,
            kpi: kpi_cards(s, today).unwrap(),
            follow_ups,
            follow_ups_overdue: overdue,
            follow_ups_due_soon: due_soon,
            draft_plans,
            unsatisfied_feedback: unsatisfied(&feedback, &visits, name, MAX_ROWS),
        }
    }

    #[test]
    fn the_workbench_read_through_its_indexes_equals_the_full_scan() {
        for seed in [3, 11] {
            let mut s = Store::open_in_memory().unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
            fudao_store::demo::generate(
                &mut s,
                &fudao_store::demo::DemoOptions {
                    firms: 400,
                    seed,
                    today,
                },
            )
            .unwrap();
            // Draft plans of a few firms, one of them confirmed afterwards.
            let firms: Vec<fudao_core::model::Firm> = s.list().unwrap();
            for f in firms.iter().take(4) {
                crate::plans::draft(&mut s, f.id, today, crate::plans::Redraft::Recompose).unwrap();
            }
            crate::plans::confirm_latest(&mut s, &firms[0], today).unwrap();
            for day in [today, today + chrono::Duration::days(40)] {
                let fast = overview(&s, day).unwrap();
                let full = overview_by_full_scan(&s, day);
                assert!(
                    !fast.follow_ups.is_empty() && !fast.unsatisfied_feedback.is_empty(),
                    "the demo has follow-ups and 不满意 ratings to compare (seed {seed})"
                );
                assert_eq!(fast.draft_plans.len(), 3, "seed {seed}");
                assert!(
                    fast.follow_ups_overdue + fast.follow_ups_due_soon > MAX_ROWS as u32,
                    "more open tasks than the list shows, so the cut-off is exercised"
                );
                assert_eq!(
                    format!("{fast:?}"),
                    format!("{full:?}"),
                    "seed {seed}, {day}"
                );
            }
        }
    }
}
