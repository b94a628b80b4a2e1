//! `fudao login`, `fudao sync`, `fudao conflicts list|resolve`: the client side of
//! offline-first sync (see docs/sync.md).

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use fudao_store::sync::{Keep, Session};
use fudao_sync::client::{revoke_tokens, Client, ClientError, PendingRevoke, Retry};
use fudao_sync::engine::{self, Progress, SyncError, SyncOptions};
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

/// Meta key of the tokens still to revoke on their server (logouts while offline).
const PENDING_REVOKE: &str = fudao_sync::client::PENDING_REVOKE_KEY;

fn pending_revokes(store: &fudao_store::Store) -> anyhow::Result<Vec<PendingRevoke>> {
    Ok(store
        .meta_get(PENDING_REVOKE)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// Revokes the tokens of earlier offline logouts, now that a server is reachable; keeps the
/// ones whose server still cannot be reached.
fn flush_revokes(store: &fudao_store::Store, rt: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let pending = pending_revokes(store)?;
    if pending.is_empty() {
        return Ok(());
    }
    let quick = Retry {
        attempts: 1,
        base_delay: std::time::Duration::from_millis(50),
        max_delay: std::time::Duration::from_millis(50),
    };
    let left = rt.block_on(revoke_tokens(pending, quick));
    if left.is_empty() {
        store.meta_delete(PENDING_REVOKE)?;
    } else {
        store.meta_set(PENDING_REVOKE, &serde_json::to_string(&left)?)?;
    }
    Ok(())
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
    let Some(session) = store.session()? else {
        if ctx.json {
            out::print_json(&serde_json::json!({"logged_out": false, "revoked": false}))?;
        } else {
            println!("本机未登录 / not logged in on this database");
        }
        return Ok(Outcome::Ok);
    };
    let mut pending = pending_revokes(&store)?;
    pending.push(PendingRevoke {
        server: session.server.clone(),
        token: session.token.clone(),
    });
    // Forget locally first: whatever happens next, this device no longer holds the session.
    store.meta_set(PENDING_REVOKE, &serde_json::to_string(&pending)?)?;
    store.clear_session()?;
    let rt = runtime()?;
    flush_revokes(&store, &rt)?;
    let revoked = !pending_revokes(&store)?
        .iter()
        .any(|p| p.token == session.token);
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
    let rt = runtime()?;
    let r = rt
        .block_on(client.login(&a.user, &pw, store.device_id()))
        .map_err(explain)?;
    flush_revokes(&store, &rt)?;
    // One database holds one user's replica: another user's unsynced edits would be pushed
    // in the new user's name, and their team's rows would stay on the device.
    if let Some(prev) = store.session()? {
        let synced =
            store.outbox_len()? > 0 || store.meta_get(fudao_store::sync::keys::CURSOR)?.is_some();
        if prev.user.user_id != r.user.user_id && synced {
            bail!(
                "此数据库已用于用户 {} 的同步，请为 {} 另用一个数据库（--db）/ this database is {}'s replica; use another database (--db) for {}",
                prev.user.username,
                r.user.username,
                prev.user.username,
                r.user.username
            );
        }
    }
    store.set_session(&Session {
        server: client.base_url().to_string(),
        token: r.token,
        user: r.user.clone(),
    })?;
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
    store.refuse_if_demo()?;
    let Some(session) = store.session()? else {
        bail!("尚未登录，请先运行 fudao login --server URL --user 用户名 / not logged in: run `fudao login --server URL --user NAME` first");
    };
    store.set_actor(Some(session.user.user_id));
    let client = Client::new(&session.server)?.with_token(session.token.clone());
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
        ..SyncOptions::default()
    };
    let mut on_progress = |p: Progress| match p {
        Progress::Pushed { done } => bar.set_message(format!("上传 (push) {done}")),
        Progress::Pulled { done, more } => bar.set_message(format!(
            "下载 (pull) {done}{}",
            if more { " …" } else { "" }
        )),
    };
    let rt = runtime()?;
    let result = rt.block_on(engine::sync(&client, &store, opts, &mut on_progress));
    if result.is_ok() {
        flush_revokes(&store, &rt)?;
        // The server's public feedback address (and role/team) may have changed since login.
        if let Ok(me) = rt.block_on(client.me()) {
            if me != session.user {
                store.set_session(&Session {
                    user: me,
                    ..session.clone()
                })?;
            }
        }
    }
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(SyncError::Client(e)) => return Err(explain(e)),
        Err(e) => return Err(anyhow::Error::new(e)),
    };
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
            "resolutions_reported": report.resolutions_reported,
        }))?;
    } else {
        println!(
            "同步完成：上传{}条（新冲突{}，被拒{}），下载{}条，待解决冲突{}个 / synced: {} pushed ({} new conflicts, {} rejected), {} pulled, {} open conflicts",
            report.pushed, report.conflicts, report.rejected, report.pulled, report.open_conflicts,
            report.pushed, report.conflicts, report.rejected, report.pulled, report.open_conflicts
        );
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
            if let Some(s) = store.session()? {
                store.set_actor(Some(s.user.user_id));
            }
            let c = store.resolve_conflict(id, keep)?;
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
