//! catalog and plan commands: the product catalogue, and 一企一策 plans drafted, stored and
//! rendered to PDF — one firm or all of them in parallel.

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::{anyhow, bail, Context};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use fudao_core::feedback_link::FeedbackLink;
use fudao_core::model::{Firm, Need, PlanStatus, Team, User, Visit};
use fudao_core::plan::{compose_plan, to_document, Plan, PlanInput};
use fudao_core::product::{Catalog, Product};
use fudao_store::{Source, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use uuid::Uuid;

use fudao_ops::catalog::{META_PUBLISHED, META_VERSION};

#[derive(Subcommand)]
pub enum CatalogCmd {
    /// 列出金融产品 (list the product catalogue; --json prints the whole catalogue)
    List,
    /// 导入产品目录 (import a catalogue JSON file: validates, bumps the version, upserts products)
    Import { file: PathBuf },
}

/// The catalogue held in the store, or the built-in one (`fudao_ops::catalog::load`: a bad
/// `catalog_version` is an error).
pub fn load_catalog(s: &Store) -> anyhow::Result<Catalog> {
    Ok(fudao_ops::catalog::load(s)?)
}

pub fn catalog(ctx: &Ctx, cmd: CatalogCmd) -> anyhow::Result<Outcome> {
    match cmd {
        CatalogCmd::List => {
            let s = ctx.open()?;
            let c = load_catalog(&s)?;
            if ctx.json {
                out::print_json(&c)?;
                return Ok(Outcome::Ok);
            }
            println!(
                "产品目录 (catalogue) 第{}版 (version {}), 发布于 (published) {}, {} 个产品 (products)",
                c.version,
                c.version,
                c.published,
                c.products.len()
            );
            let mut t = out::table(&[
                "编码 code",
                "机构 institution",
                "产品 product",
                "类型 kind",
                "额度 amount",
                "价格 price",
                "期限 term",
                "担保 collateral",
                "政策支持 subsidy",
            ]);
            for p in &c.products {
                t.add_row(vec![
                    format!("{}{}", p.code, if p.active { "" } else { " (停用)" }),
                    p.institution.clone(),
                    p.name.clone(),
                    p.kind.label_zh().to_string(),
                    p.amount_text(),
                    p.rate_text(),
                    p.term_text(),
                    p.collateral_text(),
                    p.subsidy_text(),
                ]);
            }
            println!("{t}");
            Ok(Outcome::Ok)
        }
        CatalogCmd::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("读取文件失败 (cannot read) {}", file.display()))?;
            let incoming = Catalog::from_json(&text)
                .with_context(|| format!("产品目录无效 (invalid catalogue) {}", file.display()))?;
            let mut s = ctx.open()?;
            let current = load_catalog(&s)?;
            let stored: HashMap<Uuid, Product> = s
                .list::<Product>()?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
            let version = incoming.version.max(current.version + 1);
            let (mut added, mut updated, mut unchanged) = (0usize, 0usize, 0usize);
            s.write(Source::Local, |w| {
                for p in &incoming.products {
                    match stored.get(&p.id) {
                        Some(old) if old == p => unchanged += 1,
                        Some(_) => {
                            w.put(p)?;
                            updated += 1;
                        }
                        None => {
                            w.put(p)?;
                            added += 1;
                        }
                    }
                }
                Ok(())
            })?;
            s.meta_set(META_VERSION, &version.to_string())?;
            s.meta_set(META_PUBLISHED, &incoming.published.to_string())?;
            let untouched = stored
                .keys()
                .filter(|id| !incoming.products.iter().any(|p| p.id == **id))
                .count();
            if ctx.json {
                out::print_json(&serde_json::json!({
                    "version": version, "added": added, "updated": updated,
                    "unchanged": unchanged, "not_in_file": untouched
                }))?;
            } else {
                println!(
                    "产品目录已导入 (catalogue imported): 第{version}版 (version {version}); 新增 (added) {added}, 更新 (updated) {updated}, 未变 (unchanged) {unchanged}; 文件中没有的产品保留不变 (kept, not in file) {untouched}"
                );
            }
            Ok(Outcome::Ok)
        }
    }
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub cmd: Option<PlanCmd>,
    /// 企业 (firm: USCC, id or unique name)
    pub firm: Option<String>,
    /// 输出 PDF 文件 (output PDF file)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 为所有企业生成方案 (plans for every firm, in parallel)
    #[arg(long, conflicts_with = "firm")]
    pub all: bool,
    /// 只处理该辅导队的企业 (with --all: only this team's firms; name or id)
    #[arg(long, requires = "all")]
    pub team: Option<String>,
    /// 输出目录 (with --all: output directory, one PDF per firm)
    #[arg(long, requires = "all")]
    pub out_dir: Option<PathBuf>,
    /// 显示进度 (with --all: print progress to stderr even when it is not a terminal; a terminal always shows a bar)
    #[arg(long, requires = "all")]
    pub progress: bool,
    /// 按最新数据重新编制草稿 (recompose the draft from current data; a confirmed plan gets a new version)
    #[arg(long)]
    pub redraft: bool,
    /// 以此日期为“今天” (treat this date as today, YYYY-MM-DD)
    #[arg(long)]
    pub today: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// 列出企业的方案版本 (list a firm's plan versions)
    List { firm: String },
    /// 确认最新草稿 (confirm the latest draft; it becomes immutable)
    Confirm {
        firm: String,
        #[arg(long)]
        today: Option<NaiveDate>,
    },
}

pub fn plan(ctx: &Ctx, a: PlanArgs) -> anyhow::Result<Outcome> {
    let today = a.today.unwrap_or_else(crate::cmd_data::today);
    match a.cmd {
        Some(PlanCmd::List { firm }) => return list(ctx, &firm),
        Some(PlanCmd::Confirm { firm, today: t }) => {
            return confirm(ctx, &firm, t.unwrap_or(today))
        }
        None => {}
    }
    if a.all {
        let dir = a
            .out_dir
            .ok_or_else(|| anyhow!("--all 需要 --out-dir (--all needs --out-dir DIR)"))?;
        return plan_all(ctx, a.team.as_deref(), &dir, today, a.redraft, a.progress);
    }
    let firm = a.firm.ok_or_else(|| {
        anyhow!("请指定企业或 --all (name a firm, or use --all): fudao plan FIRM --out FILE.pdf")
    })?;
    let out_path = a
        .out
        .ok_or_else(|| anyhow!("请用 --out 指定 PDF 文件 (give the PDF file with --out)"))?;
    plan_one(ctx, &firm, &out_path, today, a.redraft)
}

/// Plans of one firm, newest version first.
fn plans_of(s: &Store, firm_id: Uuid) -> anyhow::Result<Vec<Plan>> {
    let mut v: Vec<Plan> = s.children_of_firm(firm_id)?;
    v.sort_by_key(|p| std::cmp::Reverse(p.version));
    Ok(v)
}

/// Team and coach names for a firm, `""` when not assigned.
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

/// Draft (when needed) the plan for one firm's data. Returns the plan and whether it is new
/// or changed (and must be stored).
#[allow(clippy::too_many_arguments)]
fn draft(
    firm: &Firm,
    needs: &[Need],
    visits: &[Visit],
    latest: Option<&Plan>,
    team: &str,
    coach: &str,
    catalog: &Catalog,
    today: NaiveDate,
    redraft: bool,
) -> (Plan, bool) {
    match latest {
        Some(p) if !redraft => (p.clone(), false),
        _ => {
            let p = compose_plan(&PlanInput {
                firm,
                needs,
                visits,
                team_name: team,
                coach_name: coach,
                catalog,
                today,
                previous: latest,
            });
            let changed = latest != Some(&p);
            (p, changed)
        }
    }
}

/// The notice printed when plans carry no feedback code because this device does not know
/// the server's public address.
pub const NO_CODE_NOTE: &str = "提示：本机尚不知道服务器的公开评价地址（请运行 fudao login / fudao sync），方案未印满意度评价二维码 / note: this device does not know the server's public feedback address yet (run `fudao login` / `fudao sync`); the plan carries no feedback QR code";

/// The server's public address for the feedback page, when this device knows it.
fn public_url(s: &Store) -> anyhow::Result<Option<String>> {
    Ok(s.session()?
        .and_then(|ss| ss.user.public_url)
        .filter(|u| !u.trim().is_empty()))
}

/// The feedback link printed on `plan` today (made and queued for sync when new).
fn feedback_url(
    s: &mut Store,
    public: &str,
    plan: &Plan,
    today: NaiveDate,
) -> anyhow::Result<String> {
    let link = s.feedback_link_for_plan(
        plan.firm_id,
        plan.id,
        plan.version,
        plan.confirmed_on.unwrap_or(plan.created_on),
        today,
        &rand::random(),
    )?;
    Ok(link.url(public))
}

fn write_pdf(
    renderer: &fudao_pdf::Renderer,
    plan: &Plan,
    feedback_url: Option<&str>,
    path: &Path,
) -> anyhow::Result<usize> {
    let mut doc = to_document(plan);
    if let Some(u) = feedback_url {
        doc.add_feedback_code(u);
    }
    let bytes = renderer
        .render(&doc)
        .with_context(|| format!("生成 PDF 失败 (rendering failed) {}", plan.number))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, &bytes)
        .with_context(|| format!("写入文件失败 (cannot write) {}", path.display()))?;
    // A plan holds a firm's finances: owner-only, like the database.
    fudao_store::fsperm::restrict_file(path)?;
    Ok(bytes.len())
}

fn plan_one(
    ctx: &Ctx,
    key: &str,
    path: &Path,
    today: NaiveDate,
    redraft: bool,
) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    let firm = s.find_firm(key)?;
    let needs = s.needs_of_firm(firm.id)?;
    let visits = s.visits_of_firm(firm.id)?;
    let plans = plans_of(&s, firm.id)?;
    let teams = by_id(s.list::<Team>()?);
    let users = by_id(s.list::<User>()?);
    let (team, coach) = names(&firm, &teams, &users);
    let catalog = load_catalog(&s)?;
    let (plan, changed) = draft(
        &firm,
        &needs,
        &visits,
        plans.first(),
        &team,
        &coach,
        &catalog,
        today,
        redraft,
    );
    let renderer = fudao_pdf::Renderer::new()?;
    if changed {
        s.put(&plan)?;
    }
    let url = match public_url(&s)? {
        Some(p) => Some(feedback_url(&mut s, &p, &plan, today)?),
        None => None,
    };
    let size = write_pdf(&renderer, &plan, url.as_deref(), path)?;
    if url.is_none() {
        eprintln!("{NO_CODE_NOTE}");
    }
    if ctx.json {
        out::print_json(&serde_json::json!({
            "firm": firm.name, "uscc": firm.uscc, "plan": plan.number, "version": plan.version,
            "status": plan.status, "stored": changed, "file": path, "bytes": size,
            "feedback_url": url,
        }))?;
    } else {
        println!(
            "{} {}：方案 {}（第{}版，{}{}）→ {}（{} KB）",
            firm.uscc,
            firm.name,
            plan.number,
            plan.version,
            plan.status.label_zh(),
            if changed { "，已保存 saved" } else { "" },
            path.display(),
            size.div_ceil(1024)
        );
    }
    Ok(Outcome::Ok)
}

#[derive(Serialize)]
struct Failure {
    uscc: String,
    name: String,
    error: String,
}

#[derive(Serialize)]
struct BatchSummary {
    firms: usize,
    succeeded: usize,
    failed: usize,
    plans_stored: usize,
    threads: usize,
    seconds: f64,
    plans_per_second: f64,
    bytes: u64,
    /// Per plan, end to end (compose, lay out, render, write): median and maximum, ms.
    ms_median: f64,
    ms_max: f64,
    /// PDF size per plan: median and maximum, bytes.
    bytes_median: u64,
    bytes_max: u64,
    out_dir: PathBuf,
    failures: Vec<Failure>,
}

/// A filename-safe version of a firm name.
fn file_stem(f: &Firm) -> String {
    let name: String = f
        .name
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .take(40)
        .collect();
    format!("{}_{}", f.uscc, name)
}

fn plan_all(
    ctx: &Ctx,
    team: Option<&str>,
    dir: &Path,
    today: NaiveDate,
    redraft: bool,
    progress: bool,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut s = ctx.open()?;
    let team_id = team
        .map(|t| crate::cmd_data::resolve_team(&s, t))
        .transpose()?
        .map(|t| t.id);
    let mut firms: Vec<Firm> = s.list()?;
    if let Some(t) = team_id {
        firms.retain(|f| f.team_id == Some(t));
    }
    firms.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    if firms.is_empty() {
        bail!("没有符合条件的企业 (no firms to plan)");
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建目录 (cannot create) {}", dir.display()))?;

    // Read everything up front: the store's connection stays on this thread.
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
    let teams = by_id(s.list::<Team>()?);
    let users = by_id(s.list::<User>()?);
    let catalog = load_catalog(&s)?;
    let renderer = fudao_pdf::Renderer::new()?;
    // Feedback links: the open ones already printed, by plan version; new ones are made by the
    // workers and stored with the drafts.
    let public = public_url(&s)?;
    let open_links: HashMap<(Uuid, u32), FeedbackLink> = s
        .list::<FeedbackLink>()?
        .into_iter()
        .filter(|l| l.is_open_on(today))
        .map(|l| ((l.plan_id, l.plan_version), l))
        .collect();
    if public.is_none() {
        eprintln!("{NO_CODE_NOTE}");
    }

    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(firms.len());
    let pb = out::progress(firms.len() as u64, "生成方案 (plans)");
    // --progress without a terminal: a count line about every 5 %.
    let lines = progress && pb.is_hidden();
    let step = (firms.len() / 20).max(1);
    let done = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let times: Mutex<Vec<f64>> = Mutex::new(Vec::with_capacity(firms.len()));
    #[allow(clippy::type_complexity)]
    let results: Mutex<
        Vec<(
            usize,
            Result<(Option<Plan>, Option<FeedbackLink>, u64), String>,
        )>,
    > = Mutex::new(Vec::with_capacity(firms.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(firm) = firms.get(i) else { break };
                let t0 = Instant::now();
                let work = || -> anyhow::Result<(Option<Plan>, Option<FeedbackLink>, u64)> {
                    let (team, coach) = names(firm, &teams, &users);
                    let (plan, changed) = draft(
                        firm,
                        needs.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
                        visits.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
                        plans.get(&firm.id),
                        &team,
                        &coach,
                        &catalog,
                        today,
                        redraft,
                    );
                    let (url, new_link) = match &public {
                        None => (None, None),
                        Some(p) => match open_links.get(&(plan.id, plan.version)) {
                            Some(l) => (Some(l.url(p)), None),
                            None => {
                                let l = FeedbackLink::new(
                                    &rand::random(),
                                    plan.firm_id,
                                    firm.team_id,
                                    plan.id,
                                    plan.version,
                                    plan.confirmed_on.unwrap_or(plan.created_on),
                                    today,
                                );
                                (Some(l.url(p)), Some(l))
                            }
                        },
                    };
                    let path = dir.join(format!("{}.pdf", file_stem(firm)));
                    let size = write_pdf(&renderer, &plan, url.as_deref(), &path)?;
                    Ok((changed.then_some(plan), new_link, size as u64))
                };
                // One bad firm never stops the batch, not even a panic.
                let r = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                    Ok(Ok(v)) => Ok(v),
                    Ok(Err(e)) => Err(format!("{e:#}")),
                    Err(p) => Err(format!(
                        "内部错误 (internal error): {}",
                        p.downcast_ref::<String>()
                            .map(String::as_str)
                            .or_else(|| p.downcast_ref::<&str>().copied())
                            .unwrap_or("panic")
                    )),
                };
                if let Ok(mut g) = times.lock() {
                    g.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
                if let Ok(mut g) = results.lock() {
                    g.push((i, r));
                }
                pb.inc(1);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if lines && (n.is_multiple_of(step) || n == firms.len()) {
                    eprintln!("生成方案 (plans) {n}/{}", firms.len());
                }
            });
        }
    });
    pb.finish_and_clear();

    let mut results = results
        .into_inner()
        .map_err(|_| anyhow!("worker thread poisoned the results"))?;
    results.sort_by_key(|(i, _)| *i);
    let mut failures = vec![];
    let mut to_store = vec![];
    let mut links = vec![];
    let mut bytes = 0u64;
    let mut sizes = vec![];
    for (i, r) in results {
        let f = &firms[i];
        match r {
            Ok((plan, link, size)) => {
                bytes += size;
                sizes.push(size);
                to_store.extend(plan);
                links.extend(link);
            }
            Err(e) => failures.push(Failure {
                uscc: f.uscc.clone(),
                name: f.name.clone(),
                error: e,
            }),
        }
    }
    // Store new drafts in one transaction; a plan the store rejects is a failure of its firm.
    let mut stored = 0usize;
    s.write(Source::Local, |w| {
        for p in &to_store {
            match w.put(p) {
                Ok(_) => stored += 1,
                Err(fudao_store::StoreError::Validation(e)) => {
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
        for l in &links {
            w.put(l)?;
        }
        Ok(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    let mut times = times
        .into_inner()
        .map_err(|_| anyhow!("worker thread poisoned the timings"))?;
    times.sort_by(f64::total_cmp);
    sizes.sort_unstable();
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let summary = BatchSummary {
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
        out_dir: dir.to_path_buf(),
        failures,
    };
    if ctx.json {
        out::print_json(&summary)?;
    } else {
        println!(
            "方案生成完成 (done): {} 家企业 (firms), 成功 (ok) {}, 失败 (failed) {}; 新保存方案 (plans stored) {}; {} 线程 (threads), 用时 (time) {:.2}s ({:.1} 份/秒 plans/s), 每份 (per plan) 中位 {:.1} ms / 最长 {:.1} ms, 中位 {:.0} KB / 最大 {:.0} KB, 共 (total) {:.1} MB → {}",
            summary.firms,
            summary.succeeded,
            summary.failed,
            summary.plans_stored,
            threads,
            secs,
            summary.plans_per_second,
            summary.ms_median,
            summary.ms_max,
            summary.bytes_median as f64 / 1024.0,
            summary.bytes_max as f64 / 1024.0,
            bytes as f64 / 1_048_576.0,
            dir.display()
        );
        for f in &summary.failures {
            eprintln!("  失败 (failed) {} {}: {}", f.uscc, f.name, f.error);
        }
    }
    Ok(if summary.failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Ok
    })
}

fn list(ctx: &Ctx, key: &str) -> anyhow::Result<Outcome> {
    let s = ctx.open()?;
    let firm = s.find_firm(key)?;
    let plans = plans_of(&s, firm.id)?;
    if ctx.json {
        out::print_json(&plans)?;
        return Ok(Outcome::Ok);
    }
    if plans.is_empty() {
        println!(
            "{} {} 暂无方案 (no plans yet): fudao plan {} --out FILE.pdf",
            firm.uscc, firm.name, firm.uscc
        );
        return Ok(Outcome::Ok);
    }
    let mut t = out::table(&[
        "方案编号 number",
        "版本 version",
        "状态 status",
        "编制日期 created",
        "确认日期 confirmed",
        "推荐产品 products",
        "行动项 actions",
    ]);
    for p in &plans {
        t.add_row(vec![
            p.number.clone(),
            p.version.to_string(),
            p.status.label_zh().to_string(),
            p.created_on.to_string(),
            out::opt(&p.confirmed_on),
            p.recommended().len().to_string(),
            p.content.actions.len().to_string(),
        ]);
    }
    println!("{} {}", firm.uscc, firm.name);
    println!("{t}");
    Ok(Outcome::Ok)
}

fn confirm(ctx: &Ctx, key: &str, today: NaiveDate) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    let firm = s.find_firm(key)?;
    let plans = plans_of(&s, firm.id)?;
    let Some(latest) = plans.first() else {
        bail!(
            "{} 暂无方案，请先生成 (no plan yet: run `fudao plan {} --out FILE.pdf`)",
            firm.name,
            firm.uscc
        );
    };
    if latest.status != PlanStatus::Draft {
        bail!(
            "最新方案 {} 已{}，无需确认；修改请用 --redraft 生成新版本 (the latest plan is already {}; use --redraft for a new version)",
            latest.number,
            latest.status.label_zh(),
            latest.status.label_en().to_lowercase()
        );
    }
    let mut p = latest.clone();
    p.confirm(today)?;
    s.put(&p)?;
    if ctx.json {
        out::print_json(&p)?;
    } else {
        println!("方案 {} 已确认 (confirmed) {}", p.number, today);
    }
    Ok(Outcome::Ok)
}
