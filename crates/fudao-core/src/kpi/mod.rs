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
//! * **Satisfaction rate**: (满意 + 基本满意) / feedback dated in the period; also broken down
//!   by source (QR, paper, phone, in person, not recorded) and by team (the feedback's
//!   `team_id`, else its firm's), with the firms' answers to "was the financing need met?"
//!   counted (yes / no / not answered; the rate is yes / (yes + no)).
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
use crate::model::NeedStatus;
use crate::model::{
    Feedback, FeedbackSource, FinancingKind, Firm, Need, ReasonCode, Satisfaction, Team, Visit,
};
use crate::money::Yuan;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use uuid::Uuid;

mod compute;
mod months;
mod report;
mod rows;

pub use compute::*;
pub use months::*;
pub use report::*;
pub use rows::*;

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

#[cfg(test)]
mod tests;
