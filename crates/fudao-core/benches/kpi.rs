//! The 团队 screen's KPIs (what `fudao_ops::team::overview_of` computes once the slim rows are
//! read: `compute_per_coach` for every user, `compute` for the city, and the month series of
//! the period) over synthetic slim rows built in memory (no database: fudao-store's `kpi`
//! bench measures the loading), at 10,000 and 100,000 firms, for the year to date (`today`
//! 26 November: eleven months). `before`: the month series as one `compute` per month (the
//! former path); `after`: `compute_by_month`. Targets for the screen, loading included:
//! ≤ 300 ms at 10k, ≤ 1 s at 100k. Prints wall and CPU time (best of the runs) and checks that
//! both paths give the same figures; never fails on time. `FUDAO_BENCH_KPI_FIRMS=10000` runs
//! one size only, `FUDAO_BENCH_RUNS` sets the runs (3).

use chrono::{Days, NaiveDate};
use fudao_core::kpi::{
    compute, compute_by_month, compute_per_coach, months_of, KpiFeedback, KpiFirm, KpiNeed,
    KpiOutcome, KpiParams, KpiRows, KpiTeam, KpiVisit, Scope,
};
use fudao_core::model::{FeedbackSource, FinancingKind, NeedStatus, ReasonCode, Satisfaction};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// CPU time of this thread.
fn cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// A small deterministic generator (xorshift), enough for synthetic rows.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    fn uuid(&mut self) -> Uuid {
        Uuid::from_u64_pair(self.next(), self.next())
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Rows shaped like the demo's: a team per 60 firms (at most 200) of a lead and three
/// coaches, 0–4 visits and 0–2 needs a firm over the last 18 months, feedback on a third.
fn synthetic(firms: usize) -> (KpiRows, Vec<Uuid>) {
    let mut r = Rng(0x5eed_f0da_0000_0001 ^ firms as u64);
    let day = |r: &mut Rng| today() - Days::new(r.below(540));
    let n_teams = (firms / 60).clamp(2, 200);
    let mut rows = KpiRows::default();
    let mut users: Vec<Uuid> = vec![];
    let mut coaches_of: Vec<Vec<Uuid>> = vec![];
    for t in 0..n_teams {
        let team = KpiTeam {
            id: r.uuid(),
            name: format!("辅导{}队", t + 1),
        };
        let mut coaches = vec![];
        for _ in 0..4 {
            let id = r.uuid();
            users.push(id);
            coaches.push(id);
        }
        coaches_of.push(coaches);
        rows.teams.push(team);
    }
    for _ in 0..firms {
        let t = r.below(n_teams as u64) as usize;
        let team_id = rows.teams[t].id;
        let coach_id = (!r.chance(10)).then(|| r.pick(&coaches_of[t]));
        let listed = r.chance(20);
        let firm = KpiFirm {
            id: r.uuid(),
            team_id: Some(team_id),
            coach_id,
            first_loan_list: listed,
            first_loan_date: (listed && r.chance(30)).then(|| day(&mut r)),
        };
        let visits = if r.chance(85) { 1 + r.below(4) } else { 0 };
        for _ in 0..visits {
            let mut coach_ids = vec![coach_id.unwrap_or_else(|| r.pick(&coaches_of[t]))];
            if r.chance(30) {
                coach_ids.push(r.pick(&coaches_of[t]));
            }
            rows.visits.push(KpiVisit {
                firm_id: firm.id,
                team_id: r.chance(90).then_some(team_id),
                date: day(&mut r),
                coach_ids,
            });
        }
        let needs = if r.chance(60) { 1 + r.below(2) } else { 0 };
        for _ in 0..needs {
            let raised_on = day(&mut r);
            let status = r.pick(NeedStatus::ALL);
            let outcomes = if status == NeedStatus::Disbursed || r.chance(10) {
                vec![KpiOutcome {
                    institution: format!("银行{}", r.below(12)),
                    amount: 100_000 * (1 + r.below(50) as i64),
                    date: raised_on + Days::new(r.below(120)),
                    credit: r.chance(40),
                    product_kind: ["信用贷", "抵押贷", ""][r.below(3) as usize].to_string(),
                }]
            } else {
                vec![]
            };
            rows.needs.push(KpiNeed {
                id: r.uuid(),
                firm_id: firm.id,
                team_id: r.chance(90).then_some(team_id),
                amount: 100_000 * (1 + r.below(80) as i64),
                kind: r.pick(FinancingKind::ALL),
                raised_on,
                reasonable: [Some(true), Some(true), Some(false), None][r.below(4) as usize],
                status,
                outcomes,
                met_by_coach: r.chance(10),
                closed_on: r.chance(30).then(|| raised_on + Days::new(r.below(90))),
                unmet_reason: r.chance(50).then(|| r.pick(ReasonCode::ALL)),
            });
        }
        if r.chance(33) {
            rows.feedback.push(KpiFeedback {
                id: r.uuid(),
                firm_id: firm.id,
                team_id: r.chance(50).then_some(team_id),
                date: day(&mut r),
                rating: r.pick(Satisfaction::ALL),
                source: r.pick(FeedbackSource::ALL),
                need_met: [Some(true), Some(false), None][r.below(3) as usize],
            });
        }
        rows.firms.push(firm);
    }
    (rows, users)
}

/// The month series' figures (coached firms, visits, disbursed, rate in basis points).
type Series = Vec<(usize, usize, i64, Option<i64>)>;

/// What the overview computes, with the month series the former way (`compute` per month) or
/// in one pass; returns the series.
fn overview(rows: &KpiRows, users: &[Uuid], from: NaiveDate, one_pass: bool) -> Series {
    let data = rows.data();
    let p = KpiParams::new(Scope::City, from, today(), today());
    std::hint::black_box(compute_per_coach(&data, users, p));
    std::hint::black_box(compute(&data, p));
    if one_pass {
        compute_by_month(&data, p)
            .into_iter()
            .map(|m| {
                (
                    m.coached_firms,
                    m.visits,
                    m.disbursed,
                    m.need_satisfaction.map(|r| (r.percent * 100.0) as i64),
                )
            })
            .collect()
    } else {
        months_of(from, today())
            .into_iter()
            .map(|(a, b)| {
                let r = compute(&data, KpiParams::new(Scope::City, a, b, today()));
                let visits = rows.visits.iter().filter(|v| a <= v.date && v.date <= b);
                (
                    r.coached_firms.current.count,
                    visits.count(),
                    r.need_satisfaction.disbursed,
                    r.need_satisfaction.rate.map(|r| (r.percent * 100.0) as i64),
                )
            })
            .collect()
    }
}

fn main() {
    let sizes: Vec<usize> = match std::env::var("FUDAO_BENCH_KPI_FIRMS") {
        Ok(v) => vec![v.parse().expect("FUDAO_BENCH_KPI_FIRMS: a number of firms")],
        Err(_) => vec![10_000, 100_000],
    };
    let runs: usize = std::env::var("FUDAO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for firms in sizes {
        let (rows, users) = synthetic(firms);
        println!(
            "{firms} firms: {} needs, {} visits, {} feedback, {} users",
            rows.needs.len(),
            rows.visits.len(),
            rows.feedback.len(),
            users.len()
        );
        let mut series = vec![];
        for (label, one_pass) in [("before", false), ("after", true)] {
            let (mut wall, mut cpu_best) = (Duration::MAX, Duration::MAX);
            let mut s = vec![];
            for _ in 0..runs {
                let (t, c) = (Instant::now(), cpu());
                s = overview(&rows, &users, from, one_pass);
                wall = wall.min(t.elapsed());
                cpu_best = cpu_best.min(cpu() - c);
            }
            assert_eq!(s.len(), 11);
            series.push(s);
            println!(
                "  团队 KPIs {label:>6}: {:7.1} ms wall, {:7.1} ms CPU (best of {runs})",
                wall.as_secs_f64() * 1e3,
                cpu_best.as_secs_f64() * 1e3
            );
        }
        assert_eq!(series[0], series[1], "the month series differ");
    }
}
