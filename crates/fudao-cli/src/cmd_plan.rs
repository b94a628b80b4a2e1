//! catalog and plan commands: the product catalogue, and 一企一策 plans drafted, stored and
//! rendered to PDF — one firm or all of them in parallel.

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::{anyhow, bail, Context};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use fudao_core::product::Catalog;
use fudao_ops::plans;
use fudao_store::Store;
use std::path::{Path, PathBuf};

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
            let fudao_ops::catalog::Imported {
                version,
                added,
                updated,
                unchanged,
                not_in_file: untouched,
            } = fudao_ops::catalog::import(&mut s, &incoming)?;
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

/// The notice printed when plans carry no feedback code because this device does not know
/// the server's public address.
pub const NO_CODE_NOTE: &str = "提示：本机尚不知道服务器的公开评价地址（请运行 fudao login / fudao sync），方案未印满意度评价二维码 / note: this device does not know the server's public feedback address yet (run `fudao login` / `fudao sync`); the plan carries no feedback QR code";

fn redraft_of(redraft: bool) -> plans::Redraft {
    if redraft {
        plans::Redraft::Recompose
    } else {
        plans::Redraft::KeepLatest
    }
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
    let d = plans::draft(&mut s, firm.id, today, redraft_of(redraft))?;
    let p = plans::printable(&mut s, d.plan.id, today)?;
    let size = plans::save_pdf(None, &p, path)?;
    let (plan, url, changed) = (p.plan, p.feedback_url, d.stored);
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

fn plan_all(
    ctx: &Ctx,
    team: Option<&str>,
    dir: &Path,
    today: NaiveDate,
    redraft: bool,
    progress: bool,
) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    let team_id = team
        .map(|t| crate::cmd_data::resolve_team(&s, t))
        .transpose()?
        .map(|t| t.id);
    let pb = out::progress(0, "生成方案 (plans)");
    // --progress without a terminal: a count line about every 5 %.
    let lines = progress && pb.is_hidden();
    let on_done = |n: usize, total: usize| {
        if pb.length() != Some(total as u64) {
            pb.set_length(total as u64);
        }
        pb.inc(1);
        if lines && (n.is_multiple_of((total / 20).max(1)) || n == total) {
            eprintln!("生成方案 (plans) {n}/{total}");
        }
    };
    let batch = plans::Batch {
        team_id,
        dir,
        today,
        redraft: redraft_of(redraft),
    };
    let summary = plans::render_all(&mut s, &batch, &on_done)?;
    pb.finish_and_clear();
    if !summary.feedback_codes {
        eprintln!("{NO_CODE_NOTE}");
    }
    if ctx.json {
        out::print_json(&summary)?;
    } else {
        println!(
            "方案生成完成 (done): {} 家企业 (firms), 成功 (ok) {}, 失败 (failed) {}; 新保存方案 (plans stored) {}; {} 线程 (threads), 用时 (time) {:.2}s ({:.1} 份/秒 plans/s), 每份 (per plan) 中位 {:.1} ms / 最长 {:.1} ms, 中位 {:.0} KB / 最大 {:.0} KB, 共 (total) {:.1} MB → {}",
            summary.firms,
            summary.succeeded,
            summary.failed,
            summary.plans_stored,
            summary.threads,
            summary.seconds,
            summary.plans_per_second,
            summary.ms_median,
            summary.ms_max,
            summary.bytes_median as f64 / 1024.0,
            summary.bytes_max as f64 / 1024.0,
            summary.bytes as f64 / 1_048_576.0,
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
    let plans = plans::plans_of(&s, firm.id)?;
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
    let p = match plans::confirm_latest(&mut s, &firm, today) {
        Err(fudao_ops::OpsError::NoPlan { .. }) => bail!(
            "{} 暂无方案，请先生成 (no plan yet: run `fudao plan {} --out FILE.pdf`)",
            firm.name,
            firm.uscc
        ),
        Err(e @ fudao_ops::OpsError::Plan(_)) => {
            bail!("{e}；修改请用 --redraft 生成新版本 (use --redraft for a new version)")
        }
        r => r?,
    };
    if ctx.json {
        out::print_json(&p)?;
    } else {
        println!("方案 {} 已确认 (confirmed) {}", p.number, today);
    }
    Ok(Outcome::Ok)
}
