//! The slim rows the KPIs are computed from, and their construction from full records.

use super::*;

/// The rows the KPIs are computed from (typically everything the store holds), as slim rows:
/// only the fields the KPIs read. A store reads them in SQL without loading whole documents;
/// [`KpiRows::from_entities`] builds them from full records.
#[derive(Debug, Clone, Copy, Default)]
pub struct KpiData<'a> {
    pub teams: &'a [KpiTeam],
    pub firms: Rows<'a, KpiFirm>,
    pub needs: Rows<'a, KpiNeed>,
    pub visits: Rows<'a, KpiVisit>,
    pub feedback: Rows<'a, KpiFeedback>,
}

/// Rows of one kind, borrowed: all of a slice, or some rows picked from one (a coach's share
/// in [`compute_per_coach`], without copying a row).
#[derive(Debug)]
pub enum Rows<'a, T> {
    All(&'a [T]),
    Picked(&'a [&'a T]),
}

impl<T> Clone for Rows<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Rows<'_, T> {}

impl<T> Default for Rows<'_, T> {
    fn default() -> Self {
        Rows::All(&[])
    }
}

impl<'a, T> Rows<'a, T> {
    pub fn iter(self) -> RowIter<'a, T> {
        match self {
            Rows::All(s) => RowIter {
                all: s.iter(),
                picked: [].iter(),
            },
            Rows::Picked(s) => RowIter {
                all: [].iter(),
                picked: s.iter(),
            },
        }
    }

    pub fn len(self) -> usize {
        match self {
            Rows::All(s) => s.len(),
            Rows::Picked(s) => s.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl<'a, T> From<&'a [T]> for Rows<'a, T> {
    fn from(s: &'a [T]) -> Self {
        Rows::All(s)
    }
}

impl<'a, T> IntoIterator for Rows<'a, T> {
    type Item = &'a T;
    type IntoIter = RowIter<'a, T>;
    fn into_iter(self) -> RowIter<'a, T> {
        self.iter()
    }
}

/// The rows of [`Rows`], in order.
pub struct RowIter<'a, T> {
    all: std::slice::Iter<'a, T>,
    picked: std::slice::Iter<'a, &'a T>,
}

impl<'a, T> Iterator for RowIter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        self.all.next().or_else(|| self.picked.next().copied())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.all.len() + self.picked.len();
        (n, Some(n))
    }
}

/// A team as the KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KpiTeam {
    pub id: Uuid,
    pub name: String,
}

/// A firm as the KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KpiFirm {
    pub id: Uuid,
    pub team_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub first_loan_list: bool,
    /// Only kept for firms on the list (the only ones whose date counts).
    pub first_loan_date: Option<NaiveDate>,
}

/// A disbursement as the KPIs see it (field names as in [`crate::model::Outcome`], so a
/// store can deserialize the `outcomes` array of a need document into these).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KpiOutcome {
    pub institution: String,
    pub amount: Yuan,
    pub date: NaiveDate,
    #[serde(default)]
    pub credit: bool,
    #[serde(default)]
    pub product_kind: String,
}

/// A financing need as the KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiNeed {
    pub id: Uuid,
    pub firm_id: Uuid,
    pub team_id: Option<Uuid>,
    pub amount: Yuan,
    pub kind: FinancingKind,
    pub raised_on: NaiveDate,
    /// The ruling's verdict, `None` before any ruling.
    pub reasonable: Option<bool>,
    pub status: NeedStatus,
    pub outcomes: Vec<KpiOutcome>,
    pub met_by_coach: bool,
    pub closed_on: Option<NaiveDate>,
    pub unmet_reason: Option<ReasonCode>,
}

impl KpiNeed {
    /// As [`Need::disbursed_amount`].
    pub fn disbursed_amount(&self) -> Yuan {
        self.outcomes.iter().map(|o| o.amount).sum()
    }
    /// As [`Need::is_met`].
    pub fn is_met(&self) -> bool {
        self.status == NeedStatus::Disbursed || self.met_by_coach
    }
}

/// A visit as the KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiVisit {
    pub firm_id: Uuid,
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    pub coach_ids: Vec<Uuid>,
}

/// A satisfaction rating as the KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiFeedback {
    pub id: Uuid,
    pub firm_id: Uuid,
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    pub rating: Satisfaction,
    pub source: FeedbackSource,
    pub need_met: Option<bool>,
}

impl From<&Team> for KpiTeam {
    fn from(t: &Team) -> Self {
        KpiTeam {
            id: t.id,
            name: t.name.clone(),
        }
    }
}

impl From<&Firm> for KpiFirm {
    fn from(f: &Firm) -> Self {
        KpiFirm {
            id: f.id,
            team_id: f.team_id,
            coach_id: f.coach_id,
            first_loan_list: f.first_loan_list,
            first_loan_date: f.first_loan_date.filter(|_| f.first_loan_list),
        }
    }
}

impl From<&Need> for KpiNeed {
    fn from(n: &Need) -> Self {
        KpiNeed {
            id: n.id,
            firm_id: n.firm_id,
            team_id: n.team_id,
            amount: n.amount,
            kind: n.kind,
            raised_on: n.raised_on,
            reasonable: n.is_reasonable(),
            status: n.status,
            outcomes: n
                .outcomes
                .iter()
                .map(|o| KpiOutcome {
                    institution: o.institution.clone(),
                    amount: o.amount,
                    date: o.date,
                    credit: o.credit,
                    product_kind: o.product_kind.clone(),
                })
                .collect(),
            met_by_coach: n.met_by_coach,
            closed_on: n.closed_on,
            unmet_reason: n.unmet_reason,
        }
    }
}

impl From<&Visit> for KpiVisit {
    fn from(v: &Visit) -> Self {
        KpiVisit {
            firm_id: v.firm_id,
            team_id: v.team_id,
            date: v.date,
            coach_ids: v.coach_ids.clone(),
        }
    }
}

impl From<&Feedback> for KpiFeedback {
    fn from(f: &Feedback) -> Self {
        KpiFeedback {
            id: f.id,
            firm_id: f.firm_id,
            team_id: f.team_id,
            date: f.date,
            rating: f.rating,
            source: f.source,
            need_met: f.need_met,
        }
    }
}

/// Owned slim rows (what a store loads); [`KpiRows::data`] borrows them for [`compute`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KpiRows {
    pub teams: Vec<KpiTeam>,
    pub firms: Vec<KpiFirm>,
    pub needs: Vec<KpiNeed>,
    pub visits: Vec<KpiVisit>,
    pub feedback: Vec<KpiFeedback>,
}

impl KpiRows {
    /// The slim rows of full records.
    pub fn from_entities(
        teams: &[Team],
        firms: &[Firm],
        needs: &[Need],
        visits: &[Visit],
        feedback: &[Feedback],
    ) -> KpiRows {
        KpiRows {
            teams: teams.iter().map(KpiTeam::from).collect(),
            firms: firms.iter().map(KpiFirm::from).collect(),
            needs: needs.iter().map(KpiNeed::from).collect(),
            visits: visits.iter().map(KpiVisit::from).collect(),
            feedback: feedback.iter().map(KpiFeedback::from).collect(),
        }
    }

    pub fn data(&self) -> KpiData<'_> {
        KpiData {
            teams: &self.teams,
            firms: Rows::All(&self.firms),
            needs: Rows::All(&self.needs),
            visits: Rows::All(&self.visits),
            feedback: Rows::All(&self.feedback),
        }
    }
}
