//! Deterministic, realistic synthetic data for demos, tests and benchmarks.
//!
//! Everything is derived from a seed: the same `(firms, seed, today)` always produces the same
//! database content (ids included). All names and codes are synthetic.
//!
//! Demo data is **local only**: it is written with [`Source::Demo`], which never enters the
//! sync outbox, and the database is marked with the [`META_DEMO`] meta row, so `fudao login`,
//! `fudao sync` and the app's 同步 refuse it ([`Store::refuse_if_demo`]).
//!
//! The records are coherent (`fudao_core::consistency` finds nothing): no financial year or
//! qualification before the founding date, niche-market years within the firm's age, early-stage
//! firms below 1亿 of revenue, 高企 certificate holders meeting the conditions — except a few
//! deliberate at-risk holders, tagged [`AT_RISK_TAG`], whose high-tech revenue share has fallen
//! below 60 % (their only warning is the certificate-holder one).

use crate::{Result, Source, Store};
use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod activity;
mod firms;
mod pools;
mod teams;
#[cfg(test)]
mod tests;

/// Meta key marking a database as holding demo data (value: how it was generated).
pub const META_DEMO: &str = "demo";

/// Tag of the deliberate at-risk 高企 certificate holders.
pub const AT_RISK_TAG: &str = "演示：高企复审风险";

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub firms: usize,
    pub seed: u64,
    /// "Today" for the generated history (visits and needs happen in the 18 months before).
    pub today: NaiveDate,
}

/// What was generated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DemoSummary {
    pub teams: usize,
    pub users: usize,
    pub firms: usize,
    pub needs: usize,
    pub visits: usize,
    pub feedback: usize,
    pub products: usize,
}

/// Firms written per transaction by [`generate`].
const FIRMS_PER_TRANSACTION: usize = 2_000;

/// Generates demo data into `store`: the catalogue, teams and users in one transaction, then the
/// firms with their needs, visits, plans and feedback in transactions of
/// [`FIRMS_PER_TRANSACTION`] firms.
pub fn generate(store: &mut Store, opts: &DemoOptions) -> Result<DemoSummary> {
    generate_in_chunks(store, opts, FIRMS_PER_TRANSACTION)
}

/// What the generator's steps share: today, the start of the history, the seed.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    today: NaiveDate,
    /// 18 months before today: the history (visits, needs, feedback) starts here.
    start: NaiveDate,
    seed: u64,
}

fn generate_in_chunks(store: &mut Store, opts: &DemoOptions, chunk: usize) -> Result<DemoSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let today = opts.today;
    let start = today.checked_sub_days(Days::new(540)).unwrap_or(today);
    let ctx = Ctx {
        today,
        start,
        seed: opts.seed,
    };
    let mut sum = DemoSummary::default();
    let n_teams = (opts.firms / 60).clamp(2, 200);
    store.meta_set(
        META_DEMO,
        &format!("firms={} seed={} today={}", opts.firms, opts.seed, today),
    )?;

    let teams = store.write(Source::Demo, |w| {
        teams::catalogue_and_teams(w, &mut rng, start, n_teams, &mut sum)
    })?;

    // Firms in chunks, one transaction each: a single transaction over 100,000 firms grew the
    // WAL past 1.4 GB; committed chunks let SQLite checkpoint and reuse it.
    let mut used_names = std::collections::HashSet::new();
    let mut used_codes: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut next = 0;
    while next < opts.firms {
        let end = (next + chunk.max(1)).min(opts.firms);
        store.write(Source::Demo, |w| {
            for i in next..end {
                let (team, district, coaches) = &teams[i % teams.len()];
                let coach = &coaches[1 + rng.random_range(0..coaches.len() - 1)];
                let fname = firms::firm_name(&mut rng, &mut used_names, i);
                let Some(code) = firms::firm_code(&mut rng, &mut used_codes, district) else {
                    continue;
                };
                let mut f = firms::firm(&mut rng, &ctx, i, district, &code, &fname);
                f.team_id = Some(team.id);
                f.coach_id = Some(coach.id);
                // The history (visits, needs, feedback) starts 18 months ago, or at the
                // founding date for a younger firm.
                let history = activity::History {
                    team_id: team.id,
                    coach,
                    since: start.max(f.founded.unwrap_or(start)),
                    today,
                };
                let n_visits = activity::visits(w, &mut rng, &f, &history, &mut sum)?;
                activity::needs(w, &mut rng, &mut f, &history, &mut sum)?;
                activity::feedback(w, &mut rng, &f, &history, (i, n_visits), &mut sum)?;
                w.put(&f)?;
                sum.firms += 1;
            }
            Ok(())
        })?;
        next = end;
    }
    Ok(sum)
}
