//! The KPI report: exact rates and averages, counts and groupings, as the UI and the export
//! show them.

use super::*;

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
    pub(super) fn from_set(s: BTreeSet<Uuid>) -> Self {
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
    /// One entry per source that has feedback in the period, in `FeedbackSource::ALL` order.
    pub by_source: Vec<SourceRatings>,
    /// One entry per team that has feedback in the period (no team last), by team name.
    pub by_team: Vec<TeamRatings>,
    /// The firms' answers to "was the financing need met?".
    pub need_met: NeedMetAnswers,
}

/// Ratings counted within one group of feedback.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Ratings {
    pub count: usize,
    pub satisfied: usize,
    pub basic: usize,
    pub unsatisfied: usize,
    /// (满意 + 基本满意) / count.
    pub rate: Option<Rate>,
}

impl Ratings {
    pub(super) fn of<'f>(fb: impl IntoIterator<Item = &'f KpiFeedback>) -> Ratings {
        let mut r = Ratings::default();
        for f in fb {
            r.count += 1;
            match f.rating {
                Satisfaction::Satisfied => r.satisfied += 1,
                Satisfaction::Basic => r.basic += 1,
                Satisfaction::Unsatisfied => r.unsatisfied += 1,
            }
        }
        r.rate = Rate::of((r.satisfied + r.basic) as i64, r.count as i64);
        r
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRatings {
    pub source: FeedbackSource,
    pub label: Msg,
    #[serde(flatten)]
    pub ratings: Ratings,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamRatings {
    /// `None` for feedback of firms without a team.
    pub team_id: Option<Uuid>,
    pub name: String,
    #[serde(flatten)]
    pub ratings: Ratings,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NeedMetAnswers {
    pub yes: usize,
    pub no: usize,
    pub unanswered: usize,
    /// yes / (yes + no).
    pub rate: Option<Rate>,
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
