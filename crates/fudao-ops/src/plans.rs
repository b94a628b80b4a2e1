//! 一企一策 plans: draft (or refresh) a firm's plan from its current data, confirm it, print it
//! with the firm's feedback code, and render the plans of many firms in one batch.
//!
//! Composition lives in `fudao_core::plan`, rendering in `fudao_pdf`; this module decides what
//! is stored (a plan only when it is new or changed), which feedback link a print carries, and
//! where the PDF goes (owner-only, like the database).

use crate::{catalog, OpsError, Result};
use chrono::NaiveDate;
use fudao_core::feedback_link::FeedbackLink;
use fudao_core::model::{EntityKind, Firm, Need, Team, User, Visit};
use fudao_core::plan::{compose_plan, to_document, Plan, PlanInput};
use fudao_core::product::Catalog;
use fudao_store::{Source, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use uuid::Uuid;

/// The plans of one firm, newest version first.
pub fn plans_of(s: &Store, firm_id: Uuid) -> Result<Vec<Plan>> {
    let mut v: Vec<Plan> = s.children_of_firm(firm_id)?;
    v.sort_by_key(|p| std::cmp::Reverse(p.version));
    Ok(v)
}

/// The firm's latest plan, if any.
pub fn latest(s: &Store, firm_id: Uuid) -> Result<Option<Plan>> {
    Ok(plans_of(s, firm_id)?.into_iter().next())
}

/// The plan with this id.
pub fn get(s: &Store, id: Uuid) -> Result<Plan> {
    s.get::<Plan>(id)?.ok_or_else(|| {
        StoreError::NotFound {
            kind: EntityKind::Plan,
            key: id.to_string(),
        }
        .into()
    })
}

fn firm(s: &Store, id: Uuid) -> Result<Firm> {
    s.get::<Firm>(id)?.ok_or_else(|| {
        StoreError::NotFound {
            kind: EntityKind::Firm,
            key: id.to_string(),
        }
        .into()
    })
}

/// Team and coach names printed on a firm's plan, `""` when not assigned.
fn names(
    firm: &Firm,
    teams: &HashMap<Uuid, Team>,
    users: &HashMap<Uuid, User>,
) -> (String, String) {
    let team = firm
        .team_id
        .and_then(|t| teams.get(&t))
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let coach = firm
        .coach_id
        .and_then(|u| users.get(&u))
        .map(|u| u.name.clone())
        .unwrap_or_default();
    (team, coach)
}

fn by_id<E: fudao_core::model::Entity>(v: Vec<E>) -> HashMap<Uuid, E> {
    v.into_iter().map(|e| (e.id(), e)).collect()
}

/// What to do with a firm that has a plan already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redraft {
    /// Print the latest plan as it is (the CLI's `fudao plan` without `--redraft`).
    KeepLatest,
    /// Recompose from current data: a draft is refreshed in place (the coach's rewrites kept),
    /// a confirmed plan gets a new draft version (the app's 生成方案, `--redraft`).
    Recompose,
}

/// The firm's plan for `today`: the latest one kept, or composed from the firm's data.
/// Returns the plan and whether it is new or changed (and must be stored).
#[allow(clippy::too_many_arguments)]
fn compose(
    firm: &Firm,
    needs: &[Need],
    visits: &[Visit],
    latest: Option<&Plan>,
    names: (&str, &str),
    catalog: &Catalog,
    today: NaiveDate,
    redraft: Redraft,
) -> (Plan, bool) {
    match latest {
        Some(p) if redraft == Redraft::KeepLatest => (p.clone(), false),
        _ => {
            let p = compose_plan(&PlanInput {
                firm,
                needs,
                visits,
                team_name: names.0,
                coach_name: names.1,
                catalog,
                today,
                previous: latest,
            });
            let changed = latest != Some(&p);
            (p, changed)
        }
    }
}

/// A firm's plan as drafted: stored only when it is new or changed.
#[derive(Debug, Clone)]
pub struct Drafted {
    pub plan: Plan,
    pub stored: bool,
}

/// Drafts (or keeps, or refreshes) the plan of the firm with id `firm_id` and stores it when
/// it is new or changed. A bad `catalog_version` is an error ([`catalog::load`]).
pub fn draft(s: &mut Store, firm_id: Uuid, today: NaiveDate, redraft: Redraft) -> Result<Drafted> {
    let firm = firm(s, firm_id)?;
    let needs = s.needs_of_firm(firm.id)?;
    let visits = s.visits_of_firm(firm.id)?;
    let previous = latest(s, firm.id)?;
    let team = match firm.team_id {
        Some(t) => s.get::<Team>(t)?.map(|t| t.name).unwrap_or_default(),
        None => String::new(),
    };
    let coach = match firm.coach_id {
        Some(u) => s.get::<User>(u)?.map(|u| u.name).unwrap_or_default(),
        None => String::new(),
    };
    let catalog = catalog::load(s)?;
    let (plan, stored) = compose(
        &firm,
        &needs,
        &visits,
        previous.as_ref(),
        (&team, &coach),
        &catalog,
        today,
        redraft,
    );
    if stored {
        s.put(&plan)?;
    }
    Ok(Drafted { plan, stored })
}

/// Confirms the draft plan with id `plan_id` (it can no longer be edited; changes go into a new
/// version).
pub fn confirm(s: &mut Store, plan_id: Uuid, today: NaiveDate) -> Result<Plan> {
    let mut p = get(s, plan_id)?;
    p.confirm(today)?;
    s.put(&p)?;
    Ok(p)
}

/// Confirms the firm's latest plan, which must be a draft; a firm without a plan is an error.
pub fn confirm_latest(s: &mut Store, firm: &Firm, today: NaiveDate) -> Result<Plan> {
    let Some(latest) = latest(s, firm.id)? else {
        return Err(OpsError::NoPlan {
            firm: firm.name.clone(),
            uscc: firm.uscc.clone(),
        });
    };
    confirm(s, latest.id, today)
}

/// Replaces a section's narrative (empty text restores the generated one). Drafts only.
pub fn edit_section(
    s: &mut Store,
    plan_id: Uuid,
    key: fudao_core::plan::SectionKey,
    text: &str,
) -> Result<Plan> {
    let mut p = get(s, plan_id)?;
    p.edit_section(key, text)?;
    s.put(&p)?;
    Ok(p)
}

/// The server's public address for the feedback page, when this device knows it (from login
/// or sync). Feedback links made from here on are credited to the logged-in user.
pub fn public_url(s: &mut Store) -> Result<Option<String>> {
    let Some(session) = s.session()? else {
        return Ok(None);
    };
    let Some(public) = session
        .user
        .public_url
        .clone()
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(None);
    };
    s.set_actor(Some(session.user.user_id));
    Ok(Some(public))
}

/// The feedback link printed on `plan` today (made, or reused for this plan version, and queued
/// for sync), when this device knows the server's public address; `None` otherwise.
pub fn feedback_url(s: &mut Store, plan: &Plan, today: NaiveDate) -> Result<Option<String>> {
    let Some(public) = public_url(s)? else {
        return Ok(None);
    };
    let link = s.feedback_link_for_plan(
        plan.firm_id,
        plan.id,
        plan.version,
        plan.confirmed_on.unwrap_or(plan.created_on),
        today,
        &rand::random(),
    )?;
    Ok(Some(link.url(&public)))
}

/// A plan ready to print: the plan and the feedback link it carries (if any).
#[derive(Debug, Clone)]
pub struct Printable {
    pub plan: Plan,
    pub feedback_url: Option<String>,
}

/// The plan with id `plan_id` and the feedback link its print carries today.
pub fn printable(s: &mut Store, plan_id: Uuid, today: NaiveDate) -> Result<Printable> {
    let plan = get(s, plan_id)?;
    let feedback_url = feedback_url(s, &plan, today)?;
    Ok(Printable { plan, feedback_url })
}

/// The plan's PDF, with the feedback QR code and short link when `feedback_url` is known.
pub fn render(
    renderer: Option<&fudao_pdf::Renderer>,
    plan: &Plan,
    feedback_url: Option<&str>,
) -> Result<Vec<u8>> {
    let mut doc = to_document(plan);
    if let Some(u) = feedback_url {
        doc.add_feedback_code(u);
    }
    match renderer {
        Some(r) => r.render(&doc),
        None => fudao_pdf::render(&doc),
    }
    .map_err(|e| OpsError::Pdf {
        plan: plan.number.clone(),
        detail: e.to_string(),
    })
}

/// Writes `bytes` to `path` (creating its folder), owner-only: a plan holds a firm's finances,
/// like the database.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| OpsError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)?;
    fudao_store::fsperm::restrict_file(path)?;
    Ok(())
}

/// Renders the plan to `path`. Returns the PDF's size in bytes.
pub fn save_pdf(
    renderer: Option<&fudao_pdf::Renderer>,
    p: &Printable,
    path: &Path,
) -> Result<usize> {
    let bytes = render(renderer, &p.plan, p.feedback_url.as_deref())?;
    write_private(path, &bytes)?;
    Ok(bytes.len())
}

/// A firm of a batch whose plan could not be made.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub uscc: String,
    pub name: String,
    pub error: String,
}

/// What a batch did.
#[derive(Debug, Clone, Serialize)]
pub struct BatchSummary {
    pub firms: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub plans_stored: usize,
    pub threads: usize,
    pub seconds: f64,
    pub plans_per_second: f64,
    pub bytes: u64,
    /// Per plan, end to end (compose, lay out, render, write): median and maximum, ms.
    pub ms_median: f64,
    pub ms_max: f64,
    /// PDF size per plan: median and maximum, bytes.
    pub bytes_median: u64,
    pub bytes_max: u64,
    pub out_dir: PathBuf,
    pub failures: Vec<Failure>,
    /// Whether the plans carry feedback codes (this device knows the server's public address).
    #[serde(skip)]
    pub feedback_codes: bool,
}

/// A batch of plans: every firm, or one team's.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    pub team_id: Option<Uuid>,
    pub dir: &'a Path,
    pub today: NaiveDate,
    pub redraft: Redraft,
}

/// A filename-safe name for a firm's plan: USCC and name.
pub fn file_stem(f: &Firm) -> String {
    let name: String = f
        .name
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .take(40)
        .collect();
    format!("{}_{}", f.uscc, name)
}

/// Everything a batch reads, read up front: the store's connection stays on this thread.
struct BatchData {
    firms: Vec<Firm>,
    needs: HashMap<Uuid, Vec<Need>>,
    visits: HashMap<Uuid, Vec<Visit>>,
    plans: HashMap<Uuid, Plan>,
    teams: HashMap<Uuid, Team>,
    users: HashMap<Uuid, User>,
    catalog: Catalog,
    public: Option<String>,
    open_links: HashMap<(Uuid, u32), FeedbackLink>,
}

fn batch_data(s: &mut Store, b: &Batch) -> Result<BatchData> {
    let mut firms: Vec<Firm> = s.list()?;
    if let Some(t) = b.team_id {
        firms.retain(|f| f.team_id == Some(t));
    }
    firms.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    if firms.is_empty() {
        return Err(OpsError::invalid("没有符合条件的企业", "no firms to plan"));
    }
    let mut needs: HashMap<Uuid, Vec<Need>> = HashMap::new();
    for n in s.list::<Need>()? {
        needs.entry(n.firm_id).or_default().push(n);
    }
    let mut visits: HashMap<Uuid, Vec<Visit>> = HashMap::new();
    for v in s.list::<Visit>()? {
        visits.entry(v.firm_id).or_default().push(v);
    }
    let mut plans: HashMap<Uuid, Plan> = HashMap::new();
    for p in s.list::<Plan>()? {
        match plans.get(&p.firm_id) {
            Some(q) if q.version >= p.version => {}
            _ => {
                plans.insert(p.firm_id, p);
            }
        }
    }
    // Feedback links: the open ones already printed, by plan version; new ones are made by the
    // workers and stored with the drafts.
    let open_links = s
        .list::<FeedbackLink>()?
        .into_iter()
        .filter(|l| l.is_open_on(b.today))
        .map(|l| ((l.plan_id, l.plan_version), l))
        .collect();
    Ok(BatchData {
        firms,
        needs,
        visits,
        plans,
        teams: by_id(s.list::<Team>()?),
        users: by_id(s.list::<User>()?),
        catalog: catalog::load(s)?,
        public: public_url(s)?,
        open_links,
    })
}

/// What one worker made for one firm: the plan to store (new or changed), the feedback link
/// to store (new), the PDF's size.
type Made = (Option<Plan>, Option<FeedbackLink>, u64);

fn plan_firm(
    d: &BatchData,
    b: &Batch,
    renderer: &fudao_pdf::Renderer,
    firm: &Firm,
) -> Result<Made> {
    let (team, coach) = names(firm, &d.teams, &d.users);
    let (plan, changed) = compose(
        firm,
        d.needs.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
        d.visits.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
        d.plans.get(&firm.id),
        (&team, &coach),
        &d.catalog,
        b.today,
        b.redraft,
    );
    let (url, new_link) = match &d.public {
        None => (None, None),
        Some(p) => match d.open_links.get(&(plan.id, plan.version)) {
            Some(l) => (Some(l.url(p)), None),
            None => {
                let l = FeedbackLink::new(
                    &rand::random(),
                    plan.firm_id,
                    firm.team_id,
                    plan.id,
                    plan.version,
                    plan.confirmed_on.unwrap_or(plan.created_on),
                    b.today,
                );
                (Some(l.url(p)), Some(l))
            }
        },
    };
    let path = b.dir.join(format!("{}.pdf", file_stem(firm)));
    let bytes = render(Some(renderer), &plan, url.as_deref())?;
    write_private(&path, &bytes)?;
    Ok((changed.then_some(plan), new_link, bytes.len() as u64))
}

/// A lock a worker left poisoned.
fn poisoned<T>(_: T) -> OpsError {
    OpsError::invalid("内部错误：工作线程异常", "a worker thread panicked")
}

/// The text of a worker's panic.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    format!(
        "内部错误 (internal error): {}",
        p.downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| p.downcast_ref::<&str>().copied())
            .unwrap_or("panic")
    )
}

/// Drafts (as [`Redraft`] says) and renders the plan of every firm of the batch into
/// `dir/<USCC>_<name>.pdf`, on all cores; stores the new or changed plans and new feedback links
/// in one transaction. One bad firm (an error, even a panic) never stops the batch: it is listed
/// in [`BatchSummary::failures`]. `on_done(done, firms)` is called after each firm.
pub fn render_all(
    s: &mut Store,
    b: &Batch,
    on_done: &(dyn Fn(usize, usize) + Sync),
) -> Result<BatchSummary> {
    let started = Instant::now();
    let d = batch_data(s, b)?;
    std::fs::create_dir_all(b.dir).map_err(|e| OpsError::Io {
        path: b.dir.to_path_buf(),
        detail: e.to_string(),
    })?;
    let renderer = fudao_pdf::Renderer::new().map_err(|e| OpsError::Pdf {
        plan: String::new(),
        detail: e.to_string(),
    })?;
    let firms = &d.firms;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(firms.len());
    let done = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let times: Mutex<Vec<f64>> = Mutex::new(Vec::with_capacity(firms.len()));
    let results: Mutex<Vec<(usize, Result<Made, String>)>> =
        Mutex::new(Vec::with_capacity(firms.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(firm) = firms.get(i) else { break };
                let t0 = Instant::now();
                let work = || plan_firm(&d, b, &renderer, firm);
                let r = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                    Ok(Ok(v)) => Ok(v),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(p) => Err(panic_text(p.as_ref())),
                };
                if let Ok(mut g) = times.lock() {
                    g.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
                if let Ok(mut g) = results.lock() {
                    g.push((i, r));
                }
                on_done(done.fetch_add(1, Ordering::Relaxed) + 1, firms.len());
            });
        }
    });
    let mut results = results.into_inner().map_err(poisoned)?;
    results.sort_by_key(|(i, _)| *i);
    let mut failures = vec![];
    let (mut to_store, mut links, mut sizes) = (vec![], vec![], vec![]);
    for (i, r) in results {
        match r {
            Ok((plan, link, size)) => {
                sizes.push(size);
                to_store.extend(plan);
                links.extend(link);
            }
            Err(error) => failures.push(Failure {
                uscc: firms[i].uscc.clone(),
                name: firms[i].name.clone(),
                error,
            }),
        }
    }
    let stored = store_batch(s, firms, &to_store, &links, &mut failures)?;
    let mut times = times.into_inner().map_err(poisoned)?;
    times.sort_by(f64::total_cmp);
    let bytes = sizes.iter().sum();
    sizes.sort_unstable();
    let secs = started.elapsed().as_secs_f64();
    let round = |x: f64| (x * 10.0).round() / 10.0;
    Ok(BatchSummary {
        ms_median: round(times.get(times.len() / 2).copied().unwrap_or(0.0)),
        ms_max: round(times.last().copied().unwrap_or(0.0)),
        bytes_median: sizes.get(sizes.len() / 2).copied().unwrap_or(0),
        bytes_max: sizes.last().copied().unwrap_or(0),
        firms: firms.len(),
        succeeded: firms.len() - failures.len(),
        failed: failures.len(),
        plans_stored: stored,
        threads,
        seconds: (secs * 1000.0).round() / 1000.0,
        plans_per_second: (firms.len() as f64 / secs * 10.0).round() / 10.0,
        bytes,
        out_dir: b.dir.to_path_buf(),
        failures,
        feedback_codes: d.public.is_some(),
    })
}

/// Stores a batch's new drafts and links in one transaction; a plan the store rejects is a
/// failure of its firm. Returns how many plans were stored.
fn store_batch(
    s: &mut Store,
    firms: &[Firm],
    plans: &[Plan],
    links: &[FeedbackLink],
    failures: &mut Vec<Failure>,
) -> Result<usize> {
    let mut stored = 0usize;
    s.write(Source::Local, |w| {
        for p in plans {
            match w.put(p) {
                Ok(_) => stored += 1,
                Err(StoreError::Validation(e)) => {
                    let f = firms.iter().find(|f| f.id == p.firm_id);
                    failures.push(Failure {
                        uscc: f.map(|f| f.uscc.clone()).unwrap_or_default(),
                        name: f.map(|f| f.name.clone()).unwrap_or_default(),
                        error: format!("方案未保存 (plan not stored): {e}"),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        for l in links {
            w.put(l)?;
        }
        Ok(())
    })?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::PlanStatus;

    fn setup() -> (Store, Firm) {
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        s.put(&f).unwrap();
        (s, f)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_kept_plan_is_not_stored_again_and_a_refresh_of_unchanged_data_writes_nothing() {
        // The app used to store every draft it composed, the CLI only new or changed ones.
        let (mut s, f) = setup();
        let first = draft(&mut s, f.id, day(26), Redraft::KeepLatest).unwrap();
        assert!(first.stored);
        let outbox = s.outbox_len().unwrap();
        let kept = draft(&mut s, f.id, day(26), Redraft::KeepLatest).unwrap();
        assert!(!kept.stored);
        assert_eq!(kept.plan, first.plan);
        let again = draft(&mut s, f.id, day(26), Redraft::Recompose).unwrap();
        assert!(!again.stored, "nothing changed, nothing written");
        assert_eq!(s.outbox_len().unwrap(), outbox);
        assert_eq!(plans_of(&s, f.id).unwrap().len(), 1);
    }

    #[test]
    fn a_confirmed_plan_is_redrafted_as_a_new_version_and_confirming_twice_fails() {
        let (mut s, f) = setup();
        let d = draft(&mut s, f.id, day(20), Redraft::Recompose).unwrap();
        let c = confirm_latest(&mut s, &f, day(21)).unwrap();
        assert_eq!(c.id, d.plan.id);
        assert_eq!(c.status, PlanStatus::Confirmed);
        let e = confirm_latest(&mut s, &f, day(22)).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::PlanNotDraft);
        let v2 = draft(&mut s, f.id, day(26), Redraft::Recompose).unwrap();
        assert!(v2.stored);
        assert_eq!(v2.plan.version, 2);
        let versions: Vec<u32> = plans_of(&s, f.id)
            .unwrap()
            .iter()
            .map(|p| p.version)
            .collect();
        assert_eq!(versions, [2, 1]);
    }

    #[test]
    fn confirming_a_firm_without_a_plan_names_the_firm() {
        let (mut s, f) = setup();
        let e = confirm_latest(&mut s, &f, day(26)).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::NotFound);
        assert!(e.to_string().contains(&f.uscc), "{e}");
    }

    #[test]
    fn a_bad_catalogue_version_stops_the_draft() {
        // The app used to draft against the built-in version here.
        let (mut s, f) = setup();
        let p = fudao_core::product::builtin_catalog().products[0].clone();
        s.put(&p).unwrap();
        s.meta_set(catalog::META_VERSION, "x").unwrap();
        let e = draft(&mut s, f.id, day(26), Redraft::Recompose).unwrap_err();
        assert_eq!(e.code(), fudao_sync::ErrorCode::CatalogVersion);
        assert!(plans_of(&s, f.id).unwrap().is_empty());
    }

    #[test]
    fn no_public_address_means_no_feedback_link_and_nothing_queued() {
        let (mut s, f) = setup();
        let d = draft(&mut s, f.id, day(26), Redraft::Recompose).unwrap();
        let outbox = s.outbox_len().unwrap();
        let p = printable(&mut s, d.plan.id, day(26)).unwrap();
        assert_eq!(p.feedback_url, None);
        assert_eq!(s.outbox_len().unwrap(), outbox);
    }

    #[test]
    fn file_stems_drop_what_a_file_system_refuses() {
        let (_, mut f) = setup();
        f.name = "济南/量子 科技:有限*公司".into();
        assert_eq!(file_stem(&f), format!("{}_济南量子科技有限公司", f.uscc));
    }
}
