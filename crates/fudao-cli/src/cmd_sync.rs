//! `fudao login`, `fudao sync`, `fudao conflicts list|resolve`: the client side of
//! offline-first sync (see docs/sync.md).

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use fudao_ops::OpsError;
use fudao_store::sync::Keep;
use fudao_sync::client::{Client, ClientError};
use fudao_sync::engine::{Progress, SyncError, SyncOptions};
use std::io::IsTerminal;
use uuid::Uuid;

#[derive(Args)]
pub struct LoginArgs {
    /// 同步服务器地址 (server URL), e.g. https://fudao.example.cn
    #[arg(long)]
    pub server: String,
    /// 用户名 (user name); the password comes from FUDAO_PASSWORD or a prompt
    #[arg(long)]
    pub user: String,
}

#[derive(Args)]
pub struct SyncArgs {
    /// 每页拉取条数 (rows per pulled page)
    #[arg(long, default_value_t = 1000)]
    pub page: u32,
    /// 每个本地事务最多写入的已下载页数 (at most this many pulled pages applied in one local
    /// transaction; 1 = page by page)
    #[arg(long, default_value_t = SyncOptions::default().pull_batch_pages as u32, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub pull_batch: u32,
}

#[derive(Subcommand)]
pub enum ConflictsCmd {
    /// 列出冲突 (list open conflicts; --all includes resolved ones)
    List {
        #[arg(long)]
        all: bool,
    },
    /// 解决冲突 (resolve: --keep mine | theirs | a JSON value)
    Resolve {
        id: String,
        #[arg(long)]
        keep: String,
    },
}

/// Two workers: the next pull page downloads and decodes while the current one is applied.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("FUDAO_PASSWORD") {
        return Ok(p);
    }
    Ok(rpassword::prompt_password("密码 (password): ")?)
}

fn warn_cleartext(client: &Client) {
    if let Some(m) = client.cleartext_warning() {
        eprintln!("{} / {}", m.zh, m.en);
    }
}

/// `fudao logout`: revokes the session's token on the server, then forgets it locally. When
/// the server cannot be reached the token is forgotten locally all the same and revoked at
/// the next contact (`fudao login` or `fudao sync`).
pub fn logout(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let mut store = ctx.open()?;
    if store.session()?.is_none() {
        if ctx.json {
            out::print_json(&serde_json::json!({"logged_out": false, "revoked": false}))?;
        } else {
            println!("本机未登录 / not logged in on this database");
        }
        return Ok(Outcome::Ok);
    }
    let revoked = runtime()?
        .block_on(fudao_ops::sync::logout(&mut store))?
        .unwrap_or(false);
    if ctx.json {
        out::print_json(&serde_json::json!({"logged_out": true, "revoked": revoked}))?;
    } else if revoked {
        println!(
            "已退出登录，服务器上的令牌已注销 / logged out; the token is revoked on the server"
        );
    } else {
        println!("已在本机退出登录；服务器暂时无法连接，下次连接时注销令牌 / logged out on this device; the server cannot be reached, the token will be revoked at the next contact");
    }
    Ok(Outcome::Ok)
}

pub fn login(ctx: &Ctx, a: LoginArgs) -> anyhow::Result<Outcome> {
    let mut store = ctx.open()?;
    // Demo data is local only: refuse before asking for a password.
    store.refuse_if_demo()?;
    let pw = password()?;
    let client = Client::new(&a.server)?;
    warn_cleartext(&client);
    let r = runtime()?
        .block_on(fudao_ops::sync::login(&mut store, &client, &a.user, &pw))
        .map_err(explain_ops)?;
    if ctx.json {
        out::print_json(&r.user)?;
    } else {
        println!(
            "已登录 {}（{}），令牌已保存到本地数据库，有效期至 {} / logged in; token stored locally until {}",
            r.user.name,
            r.user.role.label_zh(),
            r.expires_at.format("%Y-%m-%d"),
            r.expires_at.format("%Y-%m-%d")
        );
    }
    Ok(Outcome::Ok)
}

/// [`explain`] for a use case's errors.
fn explain_ops(e: OpsError) -> anyhow::Error {
    match e {
        OpsError::Sync(SyncError::Client(c)) => explain(c),
        other => anyhow::Error::new(other),
    }
}

/// Adds what to do next to client errors.
fn explain(e: ClientError) -> anyhow::Error {
    let hint = match &e {
        ClientError::Unauthorized(_) => "请运行 fudao login 重新登录 / run `fudao login` again",
        ClientError::UpgradeRequired(_) => "请安装新版本；未同步的修改已保留 / install the new version; unsynced changes are kept",
        ClientError::Network { .. } => "本地数据未改动，稍后再运行 fudao sync / local data is unchanged; run `fudao sync` again later",
        ClientError::Api { error, .. } if error.code == fudao_sync::ErrorCode::DeviceMismatch => "此数据库是另一位用户的副本，请另用一个数据库（--db）/ this database is another user's replica; use another database (--db)",
        _ => "",
    };
    if hint.is_empty() {
        anyhow::Error::new(e)
    } else {
        anyhow::Error::new(e).context(hint)
    }
}

pub fn sync(ctx: &Ctx, a: SyncArgs) -> anyhow::Result<Outcome> {
    let mut store = ctx.open()?;
    let Some((session, client)) = fudao_ops::sync::start(&mut store)? else {
        bail!("尚未登录，请先运行 fudao login --server URL --user 用户名 / not logged in: run `fudao login --server URL --user NAME` first");
    };
    warn_cleartext(&client);
    let bar = if std::io::stderr().is_terminal() && !ctx.json {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let opts = SyncOptions {
        pull_limit: a.page,
        pull_batch_pages: a.pull_batch as usize,
        ..SyncOptions::default()
    };
    let mut on_progress = |p: Progress| match p {
        Progress::Pushed { done } => bar.set_message(format!("上传 (push) {done}")),
        Progress::Pulled { done, more } => bar.set_message(format!(
            "下载 (pull) {done}{}",
            if more { " …" } else { "" }
        )),
    };
    let result = runtime()?.block_on(fudao_ops::sync::run(
        &mut store,
        &session,
        &client,
        opts,
        &mut on_progress,
    ));
    bar.finish_and_clear();
    let report = result.map_err(explain_ops)?;
    let rejected = store.rejected_mutations()?;
    if ctx.json {
        out::print_json(&serde_json::json!({
            "pushed": report.pushed,
            "duplicates": report.duplicates,
            "conflicts": report.conflicts,
            "rejected": report.rejected,
            "pulled": report.pulled,
            "pages": report.pages,
            "open_conflicts": report.open_conflicts,
            "open_conflicts_more": report.open_conflicts_more,
            "resolutions_reported": report.resolutions_reported,
        }))?;
    } else {
        println!(
            "同步完成：上传{}条（新冲突{}，被拒{}），下载{}条，待解决冲突{}个 / synced: {} pushed ({} new conflicts, {} rejected), {} pulled, {} open conflicts",
            report.pushed, report.conflicts, report.rejected, report.pulled, report.open_conflicts,
            report.pushed, report.conflicts, report.rejected, report.pulled, report.open_conflicts
        );
        if report.open_conflicts_more {
            println!(
                "服务器上还有更多待解决冲突，本机只保留最早的{} 个；解决后再同步可看到其余的 / more conflicts are open on the server: only the oldest {} are kept here; resolve them and sync again to see the rest",
                report.open_conflicts, report.open_conflicts
            );
        }
        if report.open_conflicts > 0 {
            println!("查看冲突 / review: fudao conflicts list");
        }
        for r in rejected.iter().rev().take(report.rejected) {
            eprintln!(
                "被拒 (rejected) {} {}: {} {}",
                r.kind, r.row_id, r.code, r.message
            );
        }
    }
    Ok(if report.rejected > 0 {
        Outcome::Partial
    } else {
        Outcome::Ok
    })
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

pub fn conflicts(ctx: &Ctx, cmd: ConflictsCmd) -> anyhow::Result<Outcome> {
    let mut store = ctx.open()?;
    match cmd {
        ConflictsCmd::List { all } => {
            let list = store.conflicts(!all)?;
            if ctx.json {
                out::print_json(&list)?;
                return Ok(Outcome::Ok);
            }
            if list.is_empty() {
                println!("没有待解决的冲突 / no open conflicts");
                return Ok(Outcome::Ok);
            }
            let mut t = out::table(&[
                "编号 id",
                "类型 kind",
                "记录 row",
                "字段 field",
                "原值 base",
                "服务器 theirs",
                "本方 mine",
                "状态 status",
            ]);
            for c in &list {
                let k = &c.conflict;
                t.add_row(vec![
                    k.id.to_string(),
                    k.kind.label_zh().to_string(),
                    k.row_id.to_string(),
                    if k.field.is_empty() {
                        k.conflict_type.as_str().to_string()
                    } else {
                        k.field.clone()
                    },
                    short(&k.base),
                    short(&k.server),
                    short(&k.incoming),
                    c.status.clone(),
                ]);
            }
            println!("{t}");
            Ok(Outcome::Ok)
        }
        ConflictsCmd::Resolve { id, keep } => {
            let id = Uuid::parse_str(id.trim()).context("冲突编号无效 / invalid conflict id")?;
            let keep = match keep.as_str() {
                "mine" => Keep::Mine,
                "theirs" => Keep::Theirs,
                other => Keep::Value(
                    serde_json::from_str(other)
                        .unwrap_or_else(|_| serde_json::Value::String(other.to_string())),
                ),
            };
            let c = fudao_ops::sync::resolve_conflict(&mut store, id, keep)?;
            if ctx.json {
                out::print_json(&c)?;
            } else {
                println!(
                    "冲突已解决（{}），将在下次 fudao sync 时提交 / resolved ({}); sent at the next `fudao sync`",
                    c.resolution.as_deref().unwrap_or(""),
                    c.resolution.as_deref().unwrap_or("")
                );
            }
            Ok(Outcome::Ok)
        }
    }
}
