//! Programme KPIs for the whole city, a team or a coach over any period (see
//! `shared/domain.md`, "KPIs"). Pure: the caller passes the rows and `today`.
//!
//! Definitions (period `[from, to]`, both days included):
//! * **Coached firms**: distinct firms with ≥ 1 visit dated in the period. **Growth** compares
//!   with the previous period of equal length, `[from − n, from − 1]` where `n` is the number
//!   of days in the period: `(this − previous) / previous`, `None` when previous is 0.
//! * **Reasonable-need satisfaction rate**: among needs *raised in the period* and ruled
//!   reasonable, the denominator holds those that are closed (closed status, a closing date,
//!   or marked met by the coach) or were raised more than `follow_up_days` (default 90) before
//!   `today`; the numerator holds those of the denominator that are met (`disbursed`, or
//!   marked met by the coach). The amount ratio is the sum of disbursed outcomes over the sum of
//!   requested amounts of the same denominator set. Unmet needs of the denominator are grouped
//!   by their `unmet_reason` (`None` ⇒ "not recorded").
//! * **Satisfaction rate**: (满意 + 基本满意) / feedback dated in the period.
//! * **First-loan rate**: firms on the 首贷培植名单 that got their first loan (a
//!   `first_loan_date` on or before `to`, or a disbursement to any of their needs dated on or
//!   before `to`) / firms on the list.
//! * **Loans by product kind and by institution**: outcomes (disbursements) dated in the
//!   period, of needs in scope. **Credit-loan share**: outcomes flagged `credit` over all
//!   outcomes of loan needs dated in the period, by count and by amount.
//! * **Teams**: the teams in scope and the coached firms of each (a visit counts for its own
//!   `team_id`, else for its firm's team).
//!
//! Scope: a team scope takes rows whose `team_id` (else the firm's team) is the team; a coach
//! scope takes visits the coach took part in (`coach_ids`) and the needs, feedback and list
//! membership of the firms assigned to the coach (`Firm::coach_id`).

use crate::error::Msg;
use crate::model::{Feedback, FinancingKind, Firm, Need, ReasonCode, Satisfaction, Team, Visit};
use crate::money::Yuan;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Whose KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    City,
    Team(Uuid),
    Coach(Uuid),
}

/// The default follow-up window: a reasonable need still open this many days after it was
/// raised counts in the satisfaction rate's denominator.
pub const DEFAULT_FOLLOW_UP_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KpiParams {
    pub scope: Scope,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub follow_up_days: i64,
}

impl KpiParams {
    pub fn new(scope: Scope, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Self {
        KpiParams {
            scope,
            from,
            to,
            today,
            follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
        }
    }
}

/// The rows the KPIs are computed from (typically everything the store holds).
#[derive(Debug, Clone, Copy, Default)]
pub struct KpiData<'a> {
    pub teams: &'a [Team],
    pub firms: &'a [Firm],
    pub needs: &'a [Need],
    pub visits: &'a [Visit],
    pub feedback: &'a [Feedback],
}

/// An exact fraction; `percent` is for display only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    /// `100 · numerator / denominator`, rounded to two decimals.
    pub percent: f64,
}

impl Rate {
    /// `None` when the denominator is 0.
    pub fn of(numerator: i64, denominator: i64) -> Option<Rate> {
        (denominator != 0).then(|| Rate {
            numerator,
            denominator,
            percent: ((numerator as f64) * 10_000.0 / (denominator as f64)).round() / 100.0,
        })
    }
    /// Display form, e.g. `75%` or `33.33%`.
    pub fn display(&self) -> String {
        let p = self.percent;
        if (p - p.round()).abs() < 1e-9 {
            format!("{}%", p.round() as i64)
        } else {
            format!("{p:.2}%")
        }
    }
}

/// An exact average (e.g. coached firms per team); `value` is for display only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Average {
    pub numerator: i64,
    pub denominator: i64,
    /// `numerator / denominator`, rounded to two decimals.
    pub value: f64,
}

impl Average {
    /// `None` when the denominator is 0.
    pub fn of(numerator: i64, denominator: i64) -> Option<Average> {
        (denominator != 0).then(|| Average {
            numerator,
            denominator,
            value: ((numerator as f64) * 100.0 / (denominator as f64)).round() / 100.0,
        })
    }
}

/// A count with the ids behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub count: usize,
    pub ids: Vec<Uuid>,
}

impl Counted {
    fn from_set(s: BTreeSet<Uuid>) -> Self {
        Counted {
            count: s.len(),
            ids: s.into_iter().collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoachedFirms {
    pub current: Counted,
    pub previous: Counted,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// `(current − previous) / previous`.
    pub growth: Option<Rate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: Option<ReasonCode>,
    pub label: Msg,
    pub count: usize,
    pub need_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedSatisfaction {
    pub rate: Option<Rate>,
    /// Needs in the numerator (met).
    pub met_need_ids: Vec<Uuid>,
    /// Needs in the denominator.
    pub counted_need_ids: Vec<Uuid>,
    /// Reasonable needs raised in the period not yet counted (open and within the window).
    pub pending_need_ids: Vec<Uuid>,
    /// Disbursed / requested over the denominator set, in 元.
    pub amount_ratio: Option<Rate>,
    pub requested: Yuan,
    pub disbursed: Yuan,
    pub unmet_reasons: Vec<ReasonCount>,
    pub follow_up_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackSatisfaction {
    pub rate: Option<Rate>,
    pub satisfied: usize,
    pub basic: usize,
    pub unsatisfied: usize,
    pub feedback_ids: Vec<Uuid>,
    pub firm_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstLoan {
    pub rate: Option<Rate>,
    pub listed: Counted,
    pub got_first_loan: Counted,
}

/// Disbursements grouped by a key (product kind or institution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanGroup {
    pub key: String,
    pub count: usize,
    pub amount: Yuan,
    pub need_ids: Vec<Uuid>,
    pub firm_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreditShare {
    pub by_count: Option<Rate>,
    pub by_amount: Option<Rate>,
    pub credit_need_ids: Vec<Uuid>,
    pub loan_need_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamCoached {
    pub team_id: Uuid,
    pub name: String,
    pub coached_firms: usize,
    pub firm_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Teams {
    pub count: usize,
    pub per_team: Vec<TeamCoached>,
    /// Coached firms per team (the numerator counts a firm once per team that visited it).
    pub coached_per_team: Option<Average>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiReport {
    pub params: KpiParams,
    pub coached_firms: CoachedFirms,
    pub need_satisfaction: NeedSatisfaction,
    pub satisfaction: FeedbackSatisfaction,
    pub first_loan: FirstLoan,
    pub loans_by_kind: Vec<LoanGroup>,
    pub loans_by_institution: Vec<LoanGroup>,
    pub credit_share: CreditShare,
    pub teams: Teams,
}

struct Ctx<'a> {
    p: KpiParams,
    firms: HashMap<Uuid, &'a Firm>,
}

impl<'a> Ctx<'a> {
    fn firm_team(&self, firm_id: Uuid) -> Option<Uuid> {
        self.firms.get(&firm_id).and_then(|f| f.team_id)
    }
    fn firm_coach(&self, firm_id: Uuid) -> Option<Uuid> {
        self.firms.get(&firm_id).and_then(|f| f.coach_id)
    }
    fn in_period(&self, d: NaiveDate) -> bool {
        self.p.from <= d && d <= self.p.to
    }
    fn visit_team(&self, v: &Visit) -> Option<Uuid> {
        v.team_id.or_else(|| self.firm_team(v.firm_id))
    }
    fn visit_in_scope(&self, v: &Visit) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => self.visit_team(v) == Some(t),
            Scope::Coach(c) => v.coach_ids.contains(&c),
        }
    }
    /// Needs and feedback: own team, else the firm's; for a coach, the firm's coach.
    fn row_in_scope(&self, team: Option<Uuid>, firm_id: Uuid) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => team.or_else(|| self.firm_team(firm_id)) == Some(t),
            Scope::Coach(c) => self.firm_coach(firm_id) == Some(c),
        }
    }
    fn firm_in_scope(&self, f: &Firm) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => f.team_id == Some(t),
            Scope::Coach(c) => f.coach_id == Some(c),
        }
    }
}

fn coached_between(ctx: &Ctx, visits: &[Visit], from: NaiveDate, to: NaiveDate) -> BTreeSet<Uuid> {
    visits
        .iter()
        .filter(|v| from <= v.date && v.date <= to && ctx.visit_in_scope(v))
        .map(|v| v.firm_id)
        .collect()
}

/// Computes every KPI for the scope and period.
pub fn compute(data: &KpiData, p: KpiParams) -> KpiReport {
    let ctx = Ctx {
        p,
        firms: data.firms.iter().map(|f| (f.id, f)).collect(),
    };

    // ---- Coached firms and growth ----
    let days = (p.to - p.from).num_days() + 1;
    let prev_to = p.from - Duration::days(1);
    let prev_from = p.from - Duration::days(days.max(1));
    let cur = coached_between(&ctx, data.visits, p.from, p.to);
    let prev = coached_between(&ctx, data.visits, prev_from, prev_to);
    let growth = Rate::of(cur.len() as i64 - prev.len() as i64, prev.len() as i64);
    let coached_firms = CoachedFirms {
        current: Counted::from_set(cur.clone()),
        previous: Counted::from_set(prev),
        previous_from: prev_from,
        previous_to: prev_to,
        growth,
    };

    // ---- Reasonable-need satisfaction ----
    let scoped_needs: Vec<&Need> = data
        .needs
        .iter()
        .filter(|n| ctx.row_in_scope(n.team_id, n.firm_id))
        .collect();
    let mut counted = vec![];
    let mut pending = vec![];
    for n in scoped_needs.iter().filter(|n| ctx.in_period(n.raised_on) && n.is_reasonable() == Some(true)) {
        let closed = n.status.is_closed() || n.closed_on.is_some() || n.met_by_coach;
        let overdue = (p.today - n.raised_on).num_days() > p.follow_up_days;
        if closed || overdue {
            counted.push(*n);
        } else {
            pending.push(n.id);
        }
    }
    let met: Vec<Uuid> = counted.iter().filter(|n| n.is_met()).map(|n| n.id).collect();
    let requested: Yuan = counted.iter().map(|n| n.amount).sum();
    let disbursed: Yuan = counted.iter().map(|n| n.disbursed_amount()).sum();
    let mut reasons: BTreeMap<Option<ReasonCode>, Vec<Uuid>> = BTreeMap::new();
    for n in counted.iter().filter(|n| !n.is_met()) {
        reasons.entry(n.unmet_reason).or_default().push(n.id);
    }
    let mut unmet_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, ids)| ReasonCount {
            reason,
            label: match reason {
                Some(r) => Msg::new(r.label_zh(), r.label_en()),
                None => Msg::new("未填写原因", "not recorded"),
            },
            count: ids.len(),
            need_ids: ids,
        })
        .collect();
    unmet_reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    let need_satisfaction = NeedSatisfaction {
        rate: Rate::of(met.len() as i64, counted.len() as i64),
        met_need_ids: met,
        counted_need_ids: counted.iter().map(|n| n.id).collect(),
        pending_need_ids: pending,
        amount_ratio: Rate::of(disbursed, requested),
        requested,
        disbursed,
        unmet_reasons,
        follow_up_days: p.follow_up_days,
    };

    // ---- Feedback satisfaction ----
    let fb: Vec<&Feedback> = data
        .feedback
        .iter()
        .filter(|f| ctx.in_period(f.date) && ctx.row_in_scope(f.team_id, f.firm_id))
        .collect();
    let count_of = |s: Satisfaction| fb.iter().filter(|f| f.rating == s).count();
    let (sat, basic, unsat) = (
        count_of(Satisfaction::Satisfied),
        count_of(Satisfaction::Basic),
        count_of(Satisfaction::Unsatisfied),
    );
    let satisfaction = FeedbackSatisfaction {
        rate: Rate::of((sat + basic) as i64, fb.len() as i64),
        satisfied: sat,
        basic,
        unsatisfied: unsat,
        feedback_ids: fb.iter().map(|f| f.id).collect(),
        firm_ids: fb.iter().map(|f| f.firm_id).collect::<BTreeSet<_>>().into_iter().collect(),
    };

    // ---- First-loan rate ----
    let listed: BTreeSet<Uuid> = data
        .firms
        .iter()
        .filter(|f| f.first_loan_list && ctx.firm_in_scope(f))
        .map(|f| f.id)
        .collect();
    let disbursed_firms: BTreeSet<Uuid> = data
        .needs
        .iter()
        .filter(|n| n.outcomes.iter().any(|o| o.date <= p.to))
        .map(|n| n.firm_id)
        .collect();
    let got: BTreeSet<Uuid> = listed
        .iter()
        .copied()
        .filter(|id| {
            ctx.firms[id].first_loan_date.is_some_and(|d| d <= p.to) || disbursed_firms.contains(id)
        })
        .collect();
    let first_loan = FirstLoan {
        rate: Rate::of(got.len() as i64, listed.len() as i64),
        listed: Counted::from_set(listed),
        got_first_loan: Counted::from_set(got),
    };

    // ---- Loans by kind / institution, credit share ----
    let mut by_kind: BTreeMap<String, LoanGroup> = BTreeMap::new();
    let mut by_inst: BTreeMap<String, LoanGroup> = BTreeMap::new();
    let (mut credit_n, mut loan_n, mut credit_amt, mut loan_amt) = (0i64, 0i64, 0i64, 0i64);
    let (mut credit_ids, mut loan_ids) = (BTreeSet::new(), BTreeSet::new());
    for n in &scoped_needs {
        for o in n.outcomes.iter().filter(|o| ctx.in_period(o.date)) {
            let kind = if o.product_kind.trim().is_empty() {
                "未分类".to_string()
            } else {
                o.product_kind.trim().to_string()
            };
            for (map, key) in [(&mut by_kind, kind), (&mut by_inst, o.institution.trim().to_string())] {
                let g = map.entry(key.clone()).or_insert_with(|| LoanGroup {
                    key,
                    count: 0,
                    amount: 0,
                    need_ids: vec![],
                    firm_ids: vec![],
                });
                g.count += 1;
                g.amount += o.amount;
                if !g.need_ids.contains(&n.id) {
                    g.need_ids.push(n.id);
                }
                if !g.firm_ids.contains(&n.firm_id) {
                    g.firm_ids.push(n.firm_id);
                }
            }
            if n.kind == FinancingKind::Loan {
                loan_n += 1;
                loan_amt += o.amount;
                loan_ids.insert(n.id);
                if o.credit {
                    credit_n += 1;
                    credit_amt += o.amount;
                    credit_ids.insert(n.id);
                }
            }
        }
    }
    let sort_groups = |m: BTreeMap<String, LoanGroup>| {
        let mut v: Vec<LoanGroup> = m.into_values().collect();
        v.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.key.cmp(&b.key)));
        v
    };
    let credit_share = CreditShare {
        by_count: Rate::of(credit_n, loan_n),
        by_amount: Rate::of(credit_amt, loan_amt),
        credit_need_ids: credit_ids.into_iter().collect(),
        loan_need_ids: loan_ids.into_iter().collect(),
    };

    // ---- Teams ----
    let mut per: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    let team_ids: Vec<Uuid> = match p.scope {
        Scope::City => data.teams.iter().map(|t| t.id).collect(),
        Scope::Team(t) => vec![t],
        Scope::Coach(_) => vec![],
    };
    for t in &team_ids {
        per.entry(*t).or_default();
    }
    for v in data
        .visits
        .iter()
        .filter(|v| ctx.in_period(v.date) && ctx.visit_in_scope(v))
    {
        if let Some(t) = ctx.visit_team(v) {
            per.entry(t).or_default().insert(v.firm_id);
        }
    }
    let names: HashMap<Uuid, &str> = data.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let per_team: Vec<TeamCoached> = per
        .into_iter()
        .map(|(team_id, firms)| TeamCoached {
            team_id,
            name: names.get(&team_id).map(|s| s.to_string()).unwrap_or_default(),
            coached_firms: firms.len(),
            firm_ids: firms.into_iter().collect(),
        })
        .collect();
    let sum: usize = per_team.iter().map(|t| t.coached_firms).sum();
    let teams = Teams {
        count: per_team.len(),
        coached_per_team: Average::of(sum as i64, per_team.len() as i64),
        per_team,
    };

    KpiReport {
        params: p,
        coached_firms,
        need_satisfaction,
        satisfaction,
        first_loan,
        loans_by_kind: sort_groups(by_kind),
        loans_by_institution: sort_groups(by_inst),
        credit_share,
        teams,
    }
}
