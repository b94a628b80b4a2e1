//! KPIs of 工作台 and 团队 from the store at 10,000 and 100,000 demo firms (databases cached
//! under the target dir): the slim rows (`Store::kpi_rows`, the one loader of the CLI and the
//! app) and the reports (`fudao_core::kpi::compute` for the city and the year's months,
//! `compute_per_coach` for every user), against the former path at 10k (whole documents
//! deserialized, one `compute` per coach). Targets: ≤ 300 ms at 10k, ≤ 1 s at 100k.
//! Prints; never fails on time. `FUDAO_BENCH_KPI_FIRMS=10000` runs one size only.

mod common;

use chrono::{Datelike, NaiveDate};
use common::{cpu, demo_db, ms, today};
use fudao_core::kpi::{compute, compute_by_month, compute_per_coach, KpiParams, KpiRows, Scope};
use fudao_core::model::{Feedback, Firm, Need, Team, User, Visit};
use fudao_store::Store;
use std::time::Instant;

/// What 团队 computes (as `fudao_ops::team::overview_of`): per coach, the city, the month
/// series; the time of each part is printed.
fn team_view(rows: &KpiRows, users: &[User]) -> usize {
    let (from, to) = (
        NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap(),
        today(),
    );
    let data = rows.data();
    let ids: Vec<_> = users.iter().map(|u| u.id).collect();
    let (t, c) = (Instant::now(), cpu());
    let per = compute_per_coach(&data, &ids, KpiParams::new(Scope::City, from, to, today()));
    let (per_t, per_c) = (t.elapsed(), cpu() - c);
    let (t, c) = (Instant::now(), cpu());
    let city = compute(&data, KpiParams::new(Scope::City, from, to, today()));
    let (city_t, city_c) = (t.elapsed(), cpu() - c);
    let (t, c) = (Instant::now(), cpu());
    let months = compute_by_month(&data, KpiParams::new(Scope::City, from, to, today()));
    let (months_t, months_c) = (t.elapsed(), cpu() - c);
    println!(
        "    parts, wall (CPU) ms: {} coaches {:.1} ({:.1}); city {:.1} ({:.1}); {} months {:.1} ({:.1})",
        ids.len(),
        ms(per_t),
        ms(per_c),
        ms(city_t),
        ms(city_c),
        months.len(),
        ms(months_t),
        ms(months_c)
    );
    per.len()
        + city.coached_firms.current.count
        + months.iter().map(|m| m.coached_firms).sum::<usize>()
}

fn run(s: &Store, firms: usize, old: bool) {
    let (t, c) = (Instant::now(), cpu());
    let rows = s.kpi_rows().unwrap();
    let users: Vec<User> = s.list().unwrap();
    let load = t.elapsed();
    println!(
        "    {} firms, {} needs, {} visits, {} ratings",
        rows.firms.len(),
        rows.needs.len(),
        rows.visits.len(),
        rows.feedback.len()
    );
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
