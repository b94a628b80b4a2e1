//! One hand-built data set; every expected figure is worked out in the comments.
//!
//! Period P = 2026-04-01 … 2026-06-30 (91 days). Previous period = 2025-12-31 … 2026-03-31
//! (also 91 days). today = 2026-07-15; follow-up window 90 days, so a need raised on or
//! after 2026-04-16 (90 days before today) and still open is pending, one raised on or
//! before 2026-04-15 counts.
//!
//! Teams T1 (历下一队, coach C1) and T2 (高新二队, coach C2).
//! Firms: F1 T1/C1 on the first-loan list, first loan 2026-05-10
//!        F2 T1/C1 on the list, no date but disbursed needs
//!        F3 T2/C2 on the list, only a disbursement dated 2026-03-31 (before P, ≤ to)
//!        F4 T2/C2 not on the list
//!        F5 T1/C1 on the list, first loan 2026-08-01 (after P: not counted)

use super::*;
use crate::model::{NeedStatus, Outcome, Ruling, VisitMode};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}
const T1: u128 = 1;
const T2: u128 = 2;
const C1: u128 = 11;
const C2: u128 = 12;
const F1: u128 = 101;
const F2: u128 = 102;
const F3: u128 = 103;
const F4: u128 = 104;
const F5: u128 = 105;

fn team(n: u128, name: &str) -> Team {
    Team {
        id: id(n),
        name: name.into(),
        focus: String::new(),
        lead_id: None,
    }
}

fn firm(n: u128, t: u128, c: u128, listed: bool, first: Option<NaiveDate>) -> Firm {
    let mut f = Firm::new(id(n), "91350100M000100Y43", &format!("企业{n}"));
    f.team_id = Some(id(t));
    f.coach_id = Some(id(c));
    f.first_loan_list = listed;
    f.first_loan_date = first;
    f
}

fn visit(n: u128, firm: u128, t: Option<u128>, date: NaiveDate, coaches: &[u128]) -> Visit {
    Visit {
        id: id(n),
        firm_id: id(firm),
        team_id: t.map(id),
        date,
        coach_ids: coaches.iter().map(|c| id(*c)).collect(),
        mode: VisitMode::OnSite,
        notes: String::new(),
        findings: String::new(),
        tasks: vec![],
    }
}

fn outcome(inst: &str, kind: &str, wan: i64, date: NaiveDate, credit: bool) -> Outcome {
    Outcome {
        institution: inst.into(),
        product: String::new(),
        amount: wan * 10_000,
        rate_bp: None,
        date,
        credit,
        product_kind: kind.into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn need(
    n: u128,
    firm: u128,
    t: u128,
    wan: i64,
    raised: NaiveDate,
    reasonable: Option<bool>,
    status: NeedStatus,
    outcomes: Vec<Outcome>,
) -> Need {
    Need {
        id: id(n),
        firm_id: id(firm),
        team_id: Some(id(t)),
        amount: wan * 10_000,
        purpose: String::new(),
        term_months: None,
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: raised,
        ruling: reasonable.map(|r| Ruling {
            reasonable: r,
            reason: (!r).then_some(ReasonCode::Speculative),
            note: String::new(),
        }),
        status,
        outcomes,
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    }
}

fn feedback(n: u128, firm: u128, t: u128, date: NaiveDate, rating: Satisfaction) -> Feedback {
    Feedback {
        id: id(n),
        firm_id: id(firm),
        team_id: Some(id(t)),
        date,
        rating,
        comment: String::new(),
        source: FeedbackSource::Unrecorded,
        need_met: None,
        plan_id: None,
        plan_version: None,
    }
}

struct Set {
    teams: Vec<Team>,
    firms: Vec<Firm>,
    needs: Vec<Need>,
    visits: Vec<Visit>,
    feedback: Vec<Feedback>,
}

impl Set {
    fn data(&self) -> KpiData<'_> {
        let rows = KpiRows::from_entities(
            &self.teams,
            &self.firms,
            &self.needs,
            &self.visits,
            &self.feedback,
        );
        // Leaked so the borrowed view can outlive this call (tests only).
        Box::leak(Box::new(rows)).data()
    }
}

fn set() -> Set {
    use NeedStatus::*;
    let teams = vec![team(T1, "历下一队"), team(T2, "高新二队")];
    let firms = vec![
        firm(F1, T1, C1, true, Some(d(2026, 5, 10))),
        firm(F2, T1, C1, true, None),
        firm(F3, T2, C2, true, None),
        firm(F4, T2, C2, false, None),
        firm(F5, T1, C1, true, Some(d(2026, 8, 1))),
    ];
    let visits = vec![
        visit(201, F1, Some(T1), d(2026, 4, 10), &[C1]),
        visit(202, F1, Some(T1), d(2026, 5, 10), &[C1]), // same firm again
        visit(203, F2, Some(T1), d(2026, 6, 30), &[C1]), // last day of P
        visit(204, F3, Some(T2), d(2026, 4, 1), &[C2]),  // first day of P
        visit(205, F4, Some(T2), d(2026, 7, 1), &[C2]),  // after P
        visit(206, F1, Some(T1), d(2026, 3, 31), &[C1]), // previous period, last day
        visit(207, F3, None, d(2025, 12, 31), &[C2, C1]), // previous, first day; team from firm
        visit(208, F4, Some(T2), d(2025, 12, 30), &[C2]), // before the previous period
    ];
    let mut needs = vec![
        // N1: reasonable, disbursed → counted, met. 信用贷 100万 by 齐鲁银行 in P.
        need(
            301,
            F1,
            T1,
            100,
            d(2026, 4, 12),
            Some(true),
            Disbursed,
            vec![outcome("齐鲁银行", "信用贷", 100, d(2026, 5, 20), true)],
        ),
        // N2: reasonable, partly met (closed) → counted, not met; 120万 知识产权质押贷.
        need(
            302,
            F2,
            T1,
            200,
            d(2026, 4, 20),
            Some(true),
            PartlyMet,
            vec![outcome(
                "济南农商行",
                "知识产权质押贷",
                120,
                d(2026, 6, 15),
                false,
            )],
        ),
        // N3: reasonable, open, raised 101 days before today → counted, not met, no reason.
        need(303, F3, T2, 50, d(2026, 4, 5), Some(true), Raised, vec![]),
        // N4: reasonable, open, 75 days → pending.
        need(304, F3, T2, 30, d(2026, 5, 1), Some(true), Matching, vec![]),
        // N5: reasonable, marked met by the coach (equity) → counted, met.
        need(305, F4, T2, 300, d(2026, 6, 1), Some(true), Raised, vec![]),
        // N6: unreasonable → excluded.
        need(306, F4, T2, 500, d(2026, 4, 2), Some(false), Unmet, vec![]),
        // N7: no ruling yet → excluded.
        need(307, F1, T1, 20, d(2026, 4, 3), None, Raised, vec![]),
        // N8: raised before P → excluded from the rate; its disbursement is in P.
        need(
            308,
            F2,
            T1,
            80,
            d(2026, 3, 15),
            Some(true),
            Disbursed,
            vec![outcome("齐鲁银行", "信用贷", 80, d(2026, 4, 2), true)],
        ),
        // N9: reasonable, unmet, closed → counted, not met (insufficient collateral).
        need(309, F4, T2, 40, d(2026, 4, 20), Some(true), Unmet, vec![]),
        // N10: reasonable, open, exactly 90 days old → still pending.
        need(310, F3, T2, 10, d(2026, 4, 16), Some(true), Applied, vec![]),
        // N11: no ruling; disbursed 2026-03-31, before P: not a loan of P, but F3's first loan.
        need(
            311,
            F3,
            T2,
            50,
            d(2026, 3, 1),
            None,
            Disbursed,
            vec![outcome("齐鲁银行", "信用贷", 50, d(2026, 3, 31), true)],
        ),
    ];
    needs[1].unmet_reason = Some(ReasonCode::InsufficientCollateral);
    needs[4].met_by_coach = true;
    needs[4].kind = FinancingKind::Equity;
    needs[8].unmet_reason = Some(ReasonCode::InsufficientCollateral);
    needs[8].closed_on = Some(d(2026, 5, 30));
    let feedback = vec![
        feedback(401, F1, T1, d(2026, 4, 20), Satisfaction::Satisfied),
        feedback(402, F2, T1, d(2026, 5, 1), Satisfaction::Basic),
        feedback(403, F3, T2, d(2026, 6, 30), Satisfaction::Unsatisfied),
        feedback(404, F4, T2, d(2026, 7, 1), Satisfaction::Satisfied), // after P
    ];
    Set {
        teams,
        firms,
        needs,
        visits,
        feedback,
    }
}

fn params(scope: Scope) -> KpiParams {
    KpiParams::new(scope, d(2026, 4, 1), d(2026, 6, 30), d(2026, 7, 15))
}

fn ids(v: &[u128]) -> Vec<Uuid> {
    v.iter().map(|n| id(*n)).collect()
}

#[test]
fn city_kpis_worked_by_hand() {
    let s = set();
    let r = compute(&s.data(), params(Scope::City));

    // Coached: P {F1, F2, F3} = 3 (V5 after P); previous {F1, F3} = 2 (V8 before it).
    // Growth (3 − 2) / 2 = 50 %.
    assert_eq!(r.coached_firms.current.ids, ids(&[F1, F2, F3]));
    assert_eq!(r.coached_firms.previous.ids, ids(&[F1, F3]));
    assert_eq!(
        (r.coached_firms.previous_from, r.coached_firms.previous_to),
        (d(2025, 12, 31), d(2026, 3, 31))
    );
    let g = r.coached_firms.growth.unwrap();
    assert_eq!((g.numerator, g.denominator, g.percent), (1, 2, 50.0));

    // Needs: counted {N1, N2, N3, N5, N9} = 5, met {N1, N5} = 2 → 40 %.
    // Pending {N4, N10}.
    let n = &r.need_satisfaction;
    assert_eq!(n.counted_need_ids, ids(&[301, 302, 303, 305, 309]));
    assert_eq!(n.met_need_ids, ids(&[301, 305]));
    assert_eq!(n.pending_need_ids, ids(&[304, 310]));
    let rate = n.rate.unwrap();
    assert_eq!(
        (rate.numerator, rate.denominator, rate.percent),
        (2, 5, 40.0)
    );
    // Amount: requested 100+200+50+300+40 = 690万; disbursed 100+120 = 220万 → 31.88 %.
    assert_eq!((n.requested, n.disbursed), (6_900_000, 2_200_000));
    assert_eq!(n.amount_ratio.unwrap().percent, 31.88);
    // Unmet: insufficient collateral {N2, N9}, not recorded {N3}.
    assert_eq!(n.unmet_reasons.len(), 2);
    assert_eq!(
        n.unmet_reasons[0].reason,
        Some(ReasonCode::InsufficientCollateral)
    );
    assert_eq!(n.unmet_reasons[0].need_ids, ids(&[302, 309]));
    assert_eq!(n.unmet_reasons[1].reason, None);
    assert_eq!(n.unmet_reasons[1].count, 1);
    assert_eq!(n.unmet_reasons[1].label.zh, "未填写原因");

    // Feedback in P: 满意, 基本满意, 不满意 → 2/3 = 66.67 % (FB4 after P).
    let f = &r.satisfaction;
    assert_eq!((f.satisfied, f.basic, f.unsatisfied), (1, 1, 1));
    let fr = f.rate.unwrap();
    assert_eq!((fr.numerator, fr.denominator, fr.percent), (2, 3, 66.67));
    assert_eq!(fr.display(), "66.67%");

    // First loan: listed {F1, F2, F3, F5}; got {F1 (date), F2 (disbursed), F3 (2026-03-31)}
    // → 3/4 = 75 %; F5's first loan is after P.
    assert_eq!(r.first_loan.listed.ids, ids(&[F1, F2, F3, F5]));
    assert_eq!(r.first_loan.got_first_loan.ids, ids(&[F1, F2, F3]));
    assert_eq!(r.first_loan.rate.unwrap().percent, 75.0);

    // Loans in P: 信用贷 N1 100 + N8 80 = 180万 (2); 知识产权质押贷 N2 120万 (1).
    // N11's disbursement (2026-03-31) is outside P.
    assert_eq!(r.loans_by_kind.len(), 2);
    assert_eq!(r.loans_by_kind[0].key, "信用贷");
    assert_eq!(
        (r.loans_by_kind[0].count, r.loans_by_kind[0].amount),
        (2, 1_800_000)
    );
    assert_eq!(r.loans_by_kind[0].need_ids, ids(&[301, 308]));
    assert_eq!(r.loans_by_kind[1].key, "知识产权质押贷");
    assert_eq!(r.loans_by_institution[0].key, "齐鲁银行");
    assert_eq!(r.loans_by_institution[0].amount, 1_800_000);
    assert_eq!(r.loans_by_institution[0].firm_ids, ids(&[F1, F2]));
    assert_eq!(
        (
            r.loans_by_institution[1].key.as_str(),
            r.loans_by_institution[1].amount
        ),
        ("济南农商行", 1_200_000)
    );
    // Credit share: 2 of 3 loan disbursements; 180 of 300万 = 60 %.
    let c = &r.credit_share;
    assert_eq!(c.by_count.unwrap().percent, 66.67);
    assert_eq!(
        (
            c.by_amount.unwrap().numerator,
            c.by_amount.unwrap().denominator
        ),
        (1_800_000, 3_000_000)
    );
    assert_eq!(c.by_amount.unwrap().percent, 60.0);

    // Teams: T1 coached {F1, F2}, T2 {F3} → 2 teams, 3/2 = 1.5 per team.
    assert_eq!(r.teams.count, 2);
    assert_eq!(r.teams.per_team[0].name, "历下一队");
    assert_eq!(r.teams.per_team[0].firm_ids, ids(&[F1, F2]));
    assert_eq!(r.teams.per_team[1].coached_firms, 1);
    assert_eq!(r.teams.coached_per_team.unwrap().value, 1.5);
}

#[test]
fn team_kpis_worked_by_hand() {
    let s = set();
    let r = compute(&s.data(), params(Scope::Team(id(T1))));
    // T1 coached: P {F1, F2}; previous {F1} (V7 belongs to F3's team T2) → +100 %.
    assert_eq!(r.coached_firms.current.count, 2);
    assert_eq!(r.coached_firms.previous.ids, ids(&[F1]));
    assert_eq!(r.coached_firms.growth.unwrap().percent, 100.0);
    // T1 needs: N1 met, N2 not → 1/2.
    assert_eq!(r.need_satisfaction.counted_need_ids, ids(&[301, 302]));
    assert_eq!(r.need_satisfaction.rate.unwrap().percent, 50.0);
    // T1 feedback: 满意 + 基本满意 → 2/2.
    assert_eq!(r.satisfaction.rate.unwrap().percent, 100.0);
    // T1 list: F1, F2, F5 → got F1, F2 → 2/3.
    let fl = r.first_loan.rate.unwrap();
    assert_eq!((fl.numerator, fl.denominator), (2, 3));
    assert_eq!(r.teams.count, 1);
    // T2: no previous growth base issue: P {F3}, previous {F3 (V7 via the firm's team)} → 0 %.
    let r2 = compute(&s.data(), params(Scope::Team(id(T2))));
    assert_eq!(r2.coached_firms.growth.unwrap().percent, 0.0);
    // T2 loans in P: none (N11 was before P) → no credit share.
    assert!(r2.loans_by_kind.is_empty());
    assert_eq!(r2.credit_share.by_count, None);
    // T2 needs: N3, N5, N9 counted, N5 met → 1/3.
    let nr = r2.need_satisfaction.rate.unwrap();
    assert_eq!((nr.numerator, nr.denominator, nr.percent), (1, 3, 33.33));
}

#[test]
fn coach_kpis_worked_by_hand() {
    let s = set();
    let r = compute(&s.data(), params(Scope::Coach(id(C1))));
    // C1's visits in P: F1, F2; previous: V6 F1 and the joint V7 F3 → 2 vs 2 → 0 %.
    assert_eq!(r.coached_firms.current.ids, ids(&[F1, F2]));
    assert_eq!(r.coached_firms.previous.ids, ids(&[F1, F3]));
    assert_eq!(r.coached_firms.growth.unwrap().numerator, 0);
    // Needs of C1's firms (F1, F2, F5): N1 met, N2 not → 50 %.
    assert_eq!(r.need_satisfaction.rate.unwrap().percent, 50.0);
    // Teams seen through C1's visits: T1 only.
    assert_eq!(r.teams.per_team.len(), 1);
    assert_eq!(r.teams.per_team[0].team_id, id(T1));
}

#[test]
fn empty_denominators_give_none_and_window_is_configurable() {
    let s = set();
    let mut p = params(Scope::City);
    p.from = d(2020, 1, 1);
    p.to = d(2020, 3, 31);
    let r = compute(&s.data(), p);
    assert_eq!(r.coached_firms.current.count, 0);
    assert_eq!(r.coached_firms.growth, None);
    assert_eq!(r.need_satisfaction.rate, None);
    assert_eq!(r.need_satisfaction.amount_ratio, None);
    assert_eq!(r.satisfaction.rate, None);
    assert_eq!(r.credit_share.by_amount, None);
    // No listed firm had its first loan by 2020-03-31.
    assert_eq!(r.first_loan.rate.unwrap().numerator, 0);
    // A 30-day window makes N4 (75 days) and N10 (90 days) count: 2/7.
    let mut p = params(Scope::City);
    p.follow_up_days = 30;
    let r = compute(&s.data(), p);
    assert!(r.need_satisfaction.pending_need_ids.is_empty());
    let rate = r.need_satisfaction.rate.unwrap();
    assert_eq!((rate.numerator, rate.denominator), (2, 7));
    // Serialises for --json.
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["params"]["scope"]["kind"], "city");
    assert_eq!(j["need_satisfaction"]["rate"]["denominator"], 7);
}

/// The set's feedback gets sources and need-met answers, plus two more rows in P:
///
/// | id  | firm | team | date       | source     | rating   | need met |
/// |-----|------|------|------------|------------|----------|----------|
/// | 401 | F1   | T1   | 2026-04-20 | qr         | 满意     | yes      |
/// | 402 | F2   | T1   | 2026-05-01 | paper      | 基本满意 | —        |
/// | 403 | F3   | T2   | 2026-06-30 | paper      | 不满意   | no       |
/// | 404 | F4   | T2   | 2026-07-01 | phone      | 满意     | yes      | (after P)
/// | 405 | F4   | —    | 2026-06-01 | phone      | 满意     | yes      | (team from F4: T2)
/// | 406 | F2   | T1   | 2026-04-02 | unrecorded | 基本满意 | —        |
///
/// City, P: 5 rows (401, 402, 403, 405, 406): 满意 2, 基本 2, 不满意 1 → 4/5 = 80%.
/// By source: qr 1/1 = 100%; paper (402 基本, 403 不满意) 1/2 = 50%; phone (405) 1/1;
/// unrecorded (406) 1/1; visit absent. By team: 历下一队 T1 (401, 402, 406) 3/3 = 100%;
/// 高新二队 T2 (403, 405) 1/2 = 50%. Need met: yes 2 (401, 405), no 1 (403),
/// unanswered 2 → 2/3 = 66.67%.
/// Team T2, P: 403, 405 → paper 0/1 = 0%, phone 1/1; need met yes 1, no 1.
#[test]
fn satisfaction_by_source_team_and_need_met_worked_by_hand() {
    use FeedbackSource::*;
    let mut s = set();
    let answers = [
        (401, Qr, Some(true)),
        (402, Paper, None),
        (403, Paper, Some(false)),
        (404, Phone, Some(true)),
    ];
    for (n, src, met) in answers {
        let f = s.feedback.iter_mut().find(|f| f.id == id(n)).unwrap();
        f.source = src;
        f.need_met = met;
    }
    let mut f405 = feedback(405, F4, T2, d(2026, 6, 1), Satisfaction::Satisfied);
    f405.team_id = None;
    f405.source = Phone;
    f405.need_met = Some(true);
    let f406 = feedback(406, F2, T1, d(2026, 4, 2), Satisfaction::Basic);
    s.feedback.extend([f405, f406]);

    let r = compute(&s.data(), params(Scope::City)).satisfaction;
    assert_eq!(r.feedback_ids, ids(&[401, 402, 403, 405, 406]));
    assert_eq!((r.satisfied, r.basic, r.unsatisfied), (2, 2, 1));
    assert_eq!(r.rate.unwrap().percent, 80.0);
    let src: Vec<(FeedbackSource, usize, usize, f64)> = r
        .by_source
        .iter()
        .map(|g| {
            let rate = g.ratings.rate.unwrap();
            (
                g.source,
                g.ratings.count,
                rate.numerator as usize,
                rate.percent,
            )
        })
        .collect();
    assert_eq!(
        src,
        [
            (Qr, 1, 1, 100.0),
            (Paper, 2, 1, 50.0),
            (Phone, 1, 1, 100.0),
            (Unrecorded, 1, 1, 100.0)
        ]
    );
    assert_eq!(r.by_source[1].ratings.basic, 1);
    assert_eq!(r.by_source[1].ratings.unsatisfied, 1);
    assert_eq!(r.by_source[1].label.zh, "纸质评价");
    let teams: Vec<(Option<Uuid>, &str, usize, f64)> = r
        .by_team
        .iter()
        .map(|t| {
            (
                t.team_id,
                t.name.as_str(),
                t.ratings.count,
                t.ratings.rate.unwrap().percent,
            )
        })
        .collect();
    assert_eq!(
        teams,
        [
            (Some(id(T1)), "历下一队", 3, 100.0),
            (Some(id(T2)), "高新二队", 2, 50.0)
        ]
    );
    assert_eq!(
        (r.need_met.yes, r.need_met.no, r.need_met.unanswered),
        (2, 1, 2)
    );
    assert_eq!(r.need_met.rate.unwrap().percent, 66.67);

    let t2 = compute(&s.data(), params(Scope::Team(id(T2)))).satisfaction;
    assert_eq!(t2.feedback_ids, ids(&[403, 405]));
    let src: Vec<(FeedbackSource, f64)> = t2
        .by_source
        .iter()
        .map(|g| (g.source, g.ratings.rate.unwrap().percent))
        .collect();
    assert_eq!(src, [(Paper, 0.0), (Phone, 100.0)]);
    assert_eq!(
        (t2.need_met.yes, t2.need_met.no, t2.need_met.unanswered),
        (1, 1, 0)
    );

    let j = serde_json::to_value(compute(&s.data(), params(Scope::City))).unwrap();
    let by_source = &j["satisfaction"]["by_source"];
    assert_eq!(by_source[1]["source"], "paper");
    assert_eq!(by_source[1]["count"], 2);
    assert_eq!(by_source[1]["rate"]["numerator"], 1);
    assert_eq!(j["satisfaction"]["need_met"]["yes"], 2);
}

#[test]
fn per_coach_reports_equal_coach_scoped_compute() {
    let s = set();
    let data = s.data();
    let p = params(Scope::City);
    let coaches = [id(C1), id(C2), id(999)];
    let many = compute_per_coach(&data, &coaches, p);
    assert_eq!(many.len(), 3);
    for (c, r) in coaches.iter().zip(&many) {
        let one = compute(
            &data,
            KpiParams {
                scope: Scope::Coach(*c),
                ..p
            },
        );
        assert_eq!(&one, r, "coach {c}");
    }
    // Something to compare: the two coaches have coached firms and counted needs.
    assert!(many[0].coached_firms.current.count > 0);
    assert!(!many[1].need_satisfaction.counted_need_ids.is_empty());
    assert_eq!(many[2].coached_firms.current.count, 0);
}

/// Varied slim rows for the month series: two teams of two coaches, needs raised across 14
/// months in every status (closed, with a closing date, met by the coach, open within and
/// beyond the follow-up window, unruled, unreasonable), visits by one or two coaches with and
/// without their own team, and feedback.
fn varied_rows(seed: u64) -> KpiRows {
    let mut x = seed | 1;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let teams = [id(T1), id(T2)];
    let coaches = [[id(C1), id(C2)], [id(21), id(22)]];
    let start = d(2025, 11, 20);
    let mut rows = KpiRows {
        teams: vec![
            KpiTeam {
                id: teams[0],
                name: "一队".into(),
            },
            KpiTeam {
                id: teams[1],
                name: "二队".into(),
            },
        ],
        ..KpiRows::default()
    };
    for f in 0..60u128 {
        let t = next(2) as usize;
        let firm = KpiFirm {
            id: id(1000 + f),
            team_id: (next(10) > 0).then_some(teams[t]),
            coach_id: (next(5) > 0).then(|| coaches[t][next(2) as usize]),
            first_loan_list: next(3) == 0,
            first_loan_date: None,
        };
        for _ in 0..next(6) {
            let mut coach_ids = vec![coaches[t][next(2) as usize]];
            if next(3) == 0 {
                coach_ids.push(coaches[1 - t][next(2) as usize]);
            }
            rows.visits.push(KpiVisit {
                firm_id: firm.id,
                team_id: (next(3) > 0).then_some(teams[(t + next(4) as usize / 3) % 2]),
                date: start + Duration::days(next(430) as i64),
                coach_ids,
            });
        }
        for k in 0..next(5) as u128 {
            let raised_on = start + Duration::days(next(430) as i64);
            let status = NeedStatus::ALL[next(NeedStatus::ALL.len() as u64) as usize];
            rows.needs.push(KpiNeed {
                id: id(100_000 + f * 10 + k),
                firm_id: firm.id,
                team_id: (next(4) > 0).then_some(teams[t]),
                amount: (1 + next(90) as i64) * 10_000,
                kind: FinancingKind::ALL[next(FinancingKind::ALL.len() as u64) as usize],
                raised_on,
                reasonable: [Some(true), Some(true), Some(false), None][next(4) as usize],
                status,
                outcomes: (0..next(3))
                    .map(|_| KpiOutcome {
                        institution: "银行".into(),
                        amount: (1 + next(50) as i64) * 10_000,
                        date: raised_on + Duration::days(next(60) as i64),
                        credit: next(2) == 0,
                        product_kind: String::new(),
                    })
                    .collect(),
                met_by_coach: next(6) == 0,
                closed_on: (next(4) == 0).then(|| raised_on + Duration::days(30)),
                unmet_reason: None,
            });
        }
        if next(2) == 0 {
            rows.feedback.push(KpiFeedback {
                id: id(200_000 + f),
                firm_id: firm.id,
                team_id: None,
                date: start + Duration::days(next(430) as i64),
                rating: Satisfaction::ALL[next(3) as usize],
                source: FeedbackSource::ALL[next(FeedbackSource::ALL.len() as u64) as usize],
                need_met: [Some(true), Some(false), None][next(3) as usize],
            });
        }
        rows.firms.push(firm);
    }
    rows
}

#[test]
fn the_month_series_equals_compute_run_on_each_month() {
    let scopes = [
        Scope::City,
        Scope::Team(id(T1)),
        Scope::Team(id(T2)),
        Scope::Coach(id(C1)),
        Scope::Coach(id(22)),
    ];
    // Whole months, cut months at both ends, one month, a period across the year's end; `today`
    // inside the period so that open needs of its last three months are pending.
    let periods = [
        (d(2026, 1, 1), d(2026, 12, 31), d(2026, 11, 26)),
        (d(2025, 12, 15), d(2026, 9, 10), d(2026, 7, 1)),
        (d(2026, 3, 5), d(2026, 3, 20), d(2026, 3, 25)),
        (d(2025, 11, 1), d(2027, 1, 31), d(2027, 2, 1)),
    ];
    let mut compared = (0, 0, 0);
    for seed in [7, 99, 2026] {
        let rows = varied_rows(seed);
        let data = rows.data();
        for scope in scopes {
            for (from, to, today) in periods {
                let p = KpiParams::new(scope, from, to, today);
                let series = compute_by_month(&data, p);
                let months = months_of(from, to);
                assert_eq!(
                    series.iter().map(|m| (m.from, m.to)).collect::<Vec<_>>(),
                    months
                );
                assert_eq!(series.first().map(|m| m.from), Some(from));
                assert_eq!(series.last().map(|m| m.to), Some(to));
                for m in &series {
                    let r = compute(&data, KpiParams::new(scope, m.from, m.to, today));
                    let n = &r.need_satisfaction;
                    assert_eq!(m.coached_firms, r.coached_firms.current.count, "{m:?}");
                    assert_eq!(m.counted_needs, n.counted_need_ids.len(), "{m:?}");
                    assert_eq!(m.met_needs, n.met_need_ids.len(), "{m:?}");
                    assert_eq!(m.requested, n.requested, "{m:?}");
                    assert_eq!(m.disbursed, n.disbursed, "{m:?}");
                    assert_eq!(m.need_satisfaction, n.rate, "{m:?}");
                    let visits = rows
                        .visits
                        .iter()
                        .filter(|v| m.from <= v.date && v.date <= m.to)
                        .filter(|v| match scope {
                            Scope::Coach(c) => v.coach_ids.contains(&c),
                            _ => true,
                        })
                        .count();
                    if !matches!(scope, Scope::Team(_)) {
                        assert_eq!(m.visits, visits, "{m:?}");
                    }
                    compared.0 += 1;
                    compared.1 += n.pending_need_ids.len();
                    compared.2 += n.counted_need_ids.len() - n.met_need_ids.len();
                }
            }
        }
    }
    // The data exercised every case: months compared, pending needs, unmet counted needs.
    assert!(compared.0 > 300, "{compared:?}");
    assert!(compared.1 > 0 && compared.2 > 0, "{compared:?}");
}

#[test]
fn months_of_cuts_the_first_and_last_month_to_the_period() {
    assert_eq!(
        months_of(d(2025, 12, 15), d(2026, 2, 3)),
        vec![
            (d(2025, 12, 15), d(2025, 12, 31)),
            (d(2026, 1, 1), d(2026, 1, 31)),
            (d(2026, 2, 1), d(2026, 2, 3)),
        ]
    );
    assert_eq!(
        months_of(d(2026, 3, 5), d(2026, 3, 5)),
        vec![(d(2026, 3, 5), d(2026, 3, 5))]
    );
    assert!(months_of(d(2026, 3, 6), d(2026, 3, 5)).is_empty());
}
