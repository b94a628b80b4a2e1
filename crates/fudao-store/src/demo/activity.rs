//! A firm's history: visits, financing needs and feedback.

use super::pools::*;
use super::DemoSummary;
use crate::{Result, Writer};
use chrono::{Days, NaiveDate};
use fudao_core::model::*;
use fudao_core::money::WAN;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// Who and when: the firm's team and coach, and the days its history spans.
pub(super) struct History<'a> {
    pub(super) team_id: Uuid,
    pub(super) coach: &'a User,
    pub(super) since: NaiveDate,
    pub(super) today: NaiveDate,
}

/// Visits: 0–4 in the last 18 months; most firms visited at least once. Returns how many.
pub(super) fn visits(
    w: &Writer<'_>,
    rng: &mut ChaCha8Rng,
    f: &Firm,
    h: &History<'_>,
    sum: &mut DemoSummary,
) -> Result<usize> {
    let History {
        team_id,
        coach,
        since,
        today,
    } = *h;
    let n_visits = if rng.random_bool(0.85) {
        rng.random_range(1..=4)
    } else {
        0
    };
    for _ in 0..n_visits {
        let date = day_between(rng, since, today);
        let due = date
            .checked_add_days(Days::new(rng.random_range(7..45)))
            .unwrap_or(date);
        let v = Visit {
            id: uuid(rng, date),
            firm_id: f.id,
            team_id: Some(team_id),
            date,
            coach_ids: vec![coach.id],
            mode: *[
                VisitMode::OnSite,
                VisitMode::OnSite,
                VisitMode::Phone,
                VisitMode::Online,
            ]
            .choose(rng)
            .unwrap_or(&VisitMode::OnSite),
            notes: format!("与{}座谈，了解企业经营与融资情况。", f.contacts[0].title),
            findings: FINDINGS.choose(rng).unwrap_or(&FINDINGS[0]).to_string(),
            tasks: vec![FollowUpTask {
                title: TASKS.choose(rng).unwrap_or(&TASKS[0]).to_string(),
                owner: coach.name.clone(),
                due,
                done: due < today && rng.random_bool(0.7),
            }],
        };
        w.put(&v)?;
        sum.visits += 1;
    }
    Ok(n_visits)
}

/// Needs: 0–2, in every status; a disbursed loan marks the firm as having borrowed.
pub(super) fn needs(
    w: &Writer<'_>,
    rng: &mut ChaCha8Rng,
    f: &mut Firm,
    h: &History<'_>,
    sum: &mut DemoSummary,
) -> Result<()> {
    let (team_id, since, today) = (h.team_id, h.since, h.today);
    let n_needs = if rng.random_bool(0.6) {
        rng.random_range(1..=2)
    } else {
        0
    };
    for _ in 0..n_needs {
        let n = draw_need(rng, f, team_id, since, today);
        if f.first_loan_list
            && n.status == NeedStatus::Disbursed
            && n.kind == FinancingKind::Loan
            && f.first_loan_date.is_none()
        {
            f.first_loan_date = n.closed_on;
        }
        // A loan disbursed: the firm has borrowed from a bank now.
        if n.kind == FinancingKind::Loan && !n.outcomes.is_empty() {
            f.ever_borrowed = Some(true);
        }
        w.put(&n)?;
        sum.needs += 1;
    }
    Ok(())
}

/// Feedback from most visited firms; `(i, n_visits)`: the firm's index and its visits.
pub(super) fn feedback(
    w: &Writer<'_>,
    rng: &mut ChaCha8Rng,
    f: &Firm,
    h: &History<'_>,
    (i, n_visits): (usize, usize),
    sum: &mut DemoSummary,
) -> Result<()> {
    let (team_id, since, today) = (h.team_id, h.since, h.today);
    if n_visits > 0 && rng.random_bool(0.7) {
        let fb = Feedback {
            id: uuid(rng, today),
            firm_id: f.id,
            team_id: Some(team_id),
            date: day_between(rng, since, today),
            rating: if rng.random_bool(0.8) {
                Satisfaction::Satisfied
            } else if rng.random_bool(0.8) {
                Satisfaction::Basic
            } else {
                Satisfaction::Unsatisfied
            },
            comment: ["辅导及时，帮助很大", "希望加快审批进度", "产品对接精准", ""][i % 4]
                .to_string(),
            source: [
                FeedbackSource::Qr,
                FeedbackSource::Qr,
                FeedbackSource::Paper,
                FeedbackSource::Phone,
                FeedbackSource::Visit,
            ][i % 5],
            need_met: [Some(true), Some(true), Some(false), None][(i / 5) % 4],
            plan_id: None,
            plan_version: None,
        };
        w.put(&fb)?;
        sum.feedback += 1;
    }
    Ok(())
}

/// One need of `f`, raised between `since` and `today`, in any status, with its ruling and,
/// when money was lent, the outcome.
fn draw_need(
    rng: &mut ChaCha8Rng,
    f: &Firm,
    team_id: Uuid,
    since: NaiveDate,
    today: NaiveDate,
) -> Need {
    let raised_on = day_between(rng, since, today);
    let status = *NeedStatus::ALL.choose(rng).unwrap_or(&NeedStatus::Raised);
    let amount = rng.random_range(1..=30) * 50 * WAN;
    let reasonable = rng.random_bool(0.88);
    let closed_on = status.is_closed().then(|| {
        day_between(
            rng,
            raised_on,
            today.max(raised_on.succ_opt().unwrap_or(raised_on)),
        )
    });
    let credit = rng.random_bool(0.4);
    let outcomes = if matches!(status, NeedStatus::Disbursed | NeedStatus::PartlyMet) {
        let part = if status == NeedStatus::PartlyMet {
            rng.random_range(30..90)
        } else {
            100
        };
        vec![Outcome {
            institution: INSTITUTIONS[rng.random_range(0..3)].to_string(),
            product: [
                "科技成果转化贷",
                "知识产权质押贷",
                "信用贷",
                "人才贷",
                "首贷通",
            ][rng.random_range(0..5)]
            .to_string(),
            amount: amount * part / 100,
            rate_bp: Some(rng.random_range(280..480)),
            date: closed_on.unwrap_or(today),
            credit,
            product_kind: if credit {
                "信用贷".into()
            } else {
                "知识产权质押贷".into()
            },
        }]
    } else {
        vec![]
    };
    Need {
        id: uuid(rng, raised_on),
        firm_id: f.id,
        team_id: Some(team_id),
        amount,
        purpose: PURPOSES.choose(rng).unwrap_or(&PURPOSES[0]).to_string(),
        term_months: Some(*[6, 12, 12, 24, 36].choose(rng).unwrap_or(&12)),
        kind: if rng.random_bool(0.85) {
            FinancingKind::Loan
        } else {
            *[
                FinancingKind::Equity,
                FinancingKind::Guarantee,
                FinancingKind::Insurance,
            ]
            .choose(rng)
            .unwrap_or(&FinancingKind::Equity)
        },
        collateral: if f.facts.real_estate_collateral == Some(true) {
            vec!["房产".into()]
        } else if f.ip.invention_patents > 0 {
            vec!["发明专利".into()]
        } else {
            vec![]
        },
        raised_on,
        ruling: Some(if reasonable {
            Ruling {
                reasonable: true,
                reason: None,
                note: String::new(),
            }
        } else {
            Ruling {
                reasonable: false,
                reason: Some(
                    *[
                        ReasonCode::OverCapacity,
                        ReasonCode::PurposeMismatch,
                        ReasonCode::Speculative,
                    ]
                    .choose(rng)
                    .unwrap_or(&ReasonCode::Other),
                ),
                note: "经评估不属于合理化融资需求".into(),
            }
        }),
        status,
        outcomes,
        met_by_coach: false,
        closed_on,
        unmet_reason: match status {
            NeedStatus::Unmet | NeedStatus::PartlyMet => Some(
                *[
                    ReasonCode::InsufficientCollateral,
                    ReasonCode::WeakFinancials,
                    ReasonCode::CreditRecord,
                    ReasonCode::PriceNotAccepted,
                ]
                .choose(rng)
                .unwrap_or(&ReasonCode::Other),
            ),
            NeedStatus::Withdrawn => Some(ReasonCode::FirmWithdrew),
            _ => None,
        },
    }
}
