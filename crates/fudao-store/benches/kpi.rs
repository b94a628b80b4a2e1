//! KPIs of 工作台 and 团队 from the store at 10,000 and 100,000 demo firms (databases cached
//! under the target dir): the slim rows (`Store::kpi_rows`, the one loader of the CLI and the
//! app) and the reports (`fudao_core::kpi::compute` for the city and the year's months,
//! `compute_per_coach` for every user), against the former path at 10k (whole documents
//! deserialized, one `compute` per coach). Targets: ≤ 300 ms at 10k, ≤ 1 s at 100k.
//! Prints; never fails on time. `FUDAO_BENCH_KPI_FIRMS=10000` runs one size only.

mod common;

use chrono::{Datelike, NaiveDate};
use common::{cpu, demo_db, ms, today};
use fudao_core::kpi::{compute, compute_per_coach, KpiParams, KpiRows, Scope};
use fudao_core::model::{Feedback, Firm, Need, Team, User, Visit};
use fudao_store::Store;
use std::time::Instant;

fn months(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut v = vec![];
    let mut start = from;
    while start <= to {
        let next = start.checked_add_months(chrono::Months::new(1)).unwrap();
        v.push((start, (next - chrono::Days::new(1)).min(to)));
        start = next;
    }
    v
}

/// What 团队 computes: per coach, the city, every month.
fn team_view(rows: &KpiRows, users: &[User]) -> usize {
    let (from, to) = (
        NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap(),
        today(),
    );
    let data = rows.data();
    let ids: Vec<_> = users.iter().map(|u| u.id).collect();
    let per = compute_per_coach(&data, &ids, KpiParams::new(Scope::City, from, to, today()));
    let city = compute(&data, KpiParams::new(Scope::City, from, to, today()));
    let mut n = per.len() + city.coached_firms.current.count;
    for (a, b) in months(from, to) {
        n += compute(&data, KpiParams::new(Scope::City, a, b, today()))
            .coached_firms
            .current
            .count;
    }
    n
}

fn run(s: &Store, firms: usize, old: bool) {
    let (t, c) = (Instant::now(), cpu());
    let rows = s.kpi_rows().unwrap();
    let users: Vec<User> = s.list().unwrap();
    let load = t.elapsed();
    let load_cpu = cpu() - c;
    let t2 = Instant::now();
    let (from, to) = (
        NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap(),
        today(),
    );
    let home = compute(&rows.data(), KpiParams::new(Scope::City, from, to, today()));
    let home_t = t2.elapsed();
    let t3 = Instant::now();
    let c3 = cpu();
    let n = team_view(&rows, &users);
    let team_t = t3.elapsed();
    let team_cpu = cpu() - c3;
    println!(
        "  {firms:>6} firms: slim rows {:7.1} ms; 工作台 = rows + city {:7.1} ms; 团队 = rows + {} coaches + city + months {:7.1} ms ({} coached, {n})",
        ms(load),
        ms(load + home_t),
        users.len(),
        ms(load + team_t),
        home.coached_firms.current.count,
    );
    println!(
        "  {firms:>6} firms, CPU time: slim rows {:7.1} ms; 团队 = rows + coaches + city + months {:7.1} ms",
        ms(load_cpu),
        ms(load_cpu + team_cpu)
    );
    if old {
        // The former path: whole documents, one pass over every row per coach.
        let (t, c) = (Instant::now(), cpu());
        let teams: Vec<Team> = s.list().unwrap();
        let f: Vec<Firm> = s.list().unwrap();
        let nd: Vec<Need> = s.list().unwrap();
        let v: Vec<Visit> = s.list().unwrap();
        let fb: Vec<Feedback> = s.list().unwrap();
        let full = KpiRows::from_entities(&teams, &f, &nd, &v, &fb);
        let load = t.elapsed();
        let load_cpu = cpu() - c;
        let data = full.data();
        let (t2, c2) = (Instant::now(), cpu());
        for u in &users {
            compute(&data, KpiParams::new(Scope::Coach(u.id), from, to, today()));
        }
        println!(
            "  {firms:>6} firms, before: whole documents {:7.1} ms (cpu {:7.1}); 团队's per-coach loop {:7.1} ms (cpu {:7.1})",
            ms(load),
            ms(load_cpu),
            ms(t2.elapsed()),
            ms(cpu() - c2)
        );
    }
}

fn main() {
    let sizes: Vec<usize> = match std::env::var("FUDAO_BENCH_KPI_FIRMS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(n) => vec![n],
        None => vec![10_000, 100_000],
    };
    println!("KPIs (targets: 团队 ≤ 300 ms at 10k, ≤ 1 s at 100k)");
    for n in sizes {
        let s = demo_db(n);
        run(&s, n, n <= 10_000);
    }
}
