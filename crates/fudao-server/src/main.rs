//! `fudao-server`: the central sync server and its administration commands.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use fudao_core::model::Role;
use fudao_server::{auth, logic, AppState, ServerConfig, Storage};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "fudao-server",
    version,
    about = "辅导助手同步服务器 / Fudao sync server"
)]
struct Cli {
    /// Database: sqlite:PATH (embedded default) or postgres://user@host:port/db
    #[arg(long, env = "FUDAO_DB", default_value = "sqlite:fudao-server.db")]
    db: String,
    /// Who runs an administration command, for the audit (default: the OS user).
    #[arg(long, global = true)]
    actor: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the sync API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: String,
        /// PEM certificate chain; with --tls-key the server speaks HTTPS (rustls).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Largest request body in bytes (after decompression), 64 KiB – 256 MiB.
        #[arg(long, default_value_t = 8 * 1024 * 1024,
              value_parser = clap::value_parser!(u64).range(64 * 1024..=256 * 1024 * 1024))]
        max_body: u64,
        /// Token lifetime in days, 1–365.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
        token_days: i64,
        /// Open connections at most, 16–100000.
        #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(16..=100_000))]
        max_connections: u64,
        /// Seconds a client has to send a request's headers (and the TLS handshake), 1–300.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
        header_timeout: u64,
        /// Seconds a request may take before it is answered 408, 1–3600.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        request_timeout: u64,
        /// Serve plain HTTP on a non-loopback address (passwords and tokens travel in clear
        /// text: only behind a TLS-terminating proxy on a trusted network).
        #[arg(long)]
        insecure_http: bool,
        /// Public address of the firm-facing feedback page printed on plans as a QR code
        /// (e.g. https://fudao.example.cn); published to clients at login and by /v1/me.
        /// Without it plans carry no code.
        #[arg(long, value_parser = parse_public_url)]
        public_url: Option<String>,
    },
    /// Copy the SQLite database to FILE while the server may run (online backup API).
    /// PostgreSQL: use pg_dump (docs/sync.md).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Teams (辅导队).
    Team {
        #[command(subcommand)]
        cmd: TeamCmd,
    },
    /// Users and their passwords.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// The financial product catalogue.
    Catalog {
        #[command(subcommand)]
        cmd: CatalogCmd,
    },
}

#[derive(Subcommand)]
enum TeamCmd {
    Add {
        name: String,
        #[arg(long, default_value = "")]
        focus: String,
    },
    List,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password comes from FUDAO_PASSWORD or a prompt.
    Add {
        username: String,
        #[arg(long)]
        team: Option<String>,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Display name (defaults to the user name).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Move a user to another team and/or change their role (effective on their next request).
    Set {
        username: String,
        /// New team (name or id); `--no-team` for administrators.
        #[arg(long, conflicts_with = "no_team")]
        team: Option<String>,
        #[arg(long)]
        no_team: bool,
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
    },
    /// Disable a user and revoke their tokens.
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    /// Set a new password (FUDAO_PASSWORD or prompt) and revoke the user's tokens.
    Passwd {
        username: String,
    },
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Publish a JSON array of products; products missing from the file are withdrawn.
    Publish { file: PathBuf },
}

fn parse_public_url(s: &str) -> std::result::Result<String, String> {
    fudao_server::feedback_page::parse_public_url(s)
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role `{s}` (coach | lead | admin)"))
}

fn read_password(username: &str) -> Result<String> {
    let p = if let Ok(p) = std::env::var("FUDAO_PASSWORD") {
        if p.is_empty() {
            bail!("FUDAO_PASSWORD 为空 / FUDAO_PASSWORD is empty");
        }
        p
    } else {
        let p = rpassword::prompt_password(format!("{username} 的密码 / password: "))?;
        let again = rpassword::prompt_password("再次输入 / repeat: ")?;
        if p != again {
            bail!("两次输入的密码不一致 / the passwords differ");
        }
        p
    };
    auth::check_new_password(&p).map_err(anyhow::Error::msg)?;
    Ok(p)
}

/// The administrator named in the audit: `--actor`, else the OS user.
fn admin_actor(given: Option<String>) -> String {
    match given
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
    {
        Some(a) => format!("admin:{a}"),
        None => {
            let user = std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "unknown".into());
            format!("os:{user}")
        }
    }
}

/// Whether `addr` only accepts connections from this machine.
fn is_loopback(addr: &std::net::SocketAddr) -> bool {
    addr.ip().is_loopback()
}

fn failpoint() -> Option<u64> {
    let v = std::env::var("FUDAO_FAILPOINT").ok()?;
    v.strip_prefix("exit_after_push_commit:")?.parse().ok()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Sets up logging to stderr: JSON lines when FUDAO_LOG_JSON=1, text otherwise.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if std::env::var("FUDAO_LOG_JSON").is_ok_and(|v| v == "1") {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}

/// `fudao-server backup`: copies a SQLite database (PostgreSQL uses pg_dump).
fn backup(db: &str, out: &std::path::Path) -> Result<()> {
    let Some(path) = db.strip_prefix("sqlite:") else {
        bail!("备份命令只适用于 SQLite；PostgreSQL 请用 pg_dump（见 docs/sync.md） / backup is for SQLite; back up PostgreSQL with pg_dump (see docs/sync.md)");
    };
    // Opened without migrating: a backup is what you take before an upgrade.
    let b = fudao_server::sqlite::SqliteBackend::open_at(path, Some(0))
        .with_context(|| format!("无法打开数据库 / cannot open database {path}"))?;
    use fudao_server::storage::Backend;
    b.backup(out)
        .with_context(|| format!("备份失败 / backup failed: {}", out.display()))?;
    println!("已备份 / backed up to {}", out.display());
    Ok(())
}

/// Reads the products of `catalog publish`: an array, or an object with a `products` array.
fn read_catalog_file(file: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("无法读取 / cannot read {}", file.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("不是有效的 JSON / not valid JSON: {}", file.display()))?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) => match o.remove("products") {
            Some(serde_json::Value::Array(a)) => a,
            _ => bail!("需要产品数组或 {{\"products\": [...]}} / expected an array of products"),
        },
        _ => bail!("需要产品数组 / expected an array of products"),
    };
    Ok(items)
}

/// Long because it is one match with one arm per subcommand, each a few lines of argument
/// handling around one logic call; the longer steps live in the helpers above.
#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_tracing();
    if let Cmd::Backup { out } = &cli.cmd {
        return backup(&cli.db, out);
    }
    let actor = admin_actor(cli.actor.clone());
    let storage = Storage::open(&cli.db)
        .await
        .with_context(|| format!("无法打开数据库 / cannot open database {}", redact(&cli.db)))?;
    let now = Utc::now();
    match cli.cmd {
        Cmd::Backup { .. } => unreachable!("handled above"),
        Cmd::Serve {
            listen,
            tls_cert,
            tls_key,
            max_body,
            token_days,
            max_connections,
            header_timeout,
            request_timeout,
            insecure_http,
            public_url,
        } => {
            let request_timeout = std::time::Duration::from_secs(request_timeout);
            let cfg = ServerConfig {
                max_body_bytes: max_body as usize,
                token_ttl: chrono::Duration::days(token_days),
                exit_after_push_commits: failpoint(),
                max_connections: max_connections as usize,
                header_timeout: std::time::Duration::from_secs(header_timeout),
                request_timeout,
                idle_timeout: (request_timeout + std::time::Duration::from_secs(30))
                    .max(std::time::Duration::from_secs(60)),
                public_url,
                ..ServerConfig::default()
            };
            let listener = std::net::TcpListener::bind(&listen)
                .with_context(|| format!("无法监听 / cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            if tls_cert.is_none() && !is_loopback(&addr) {
                if !insecure_http {
                    bail!(
                        "拒绝在非本机地址 {addr} 上以明文 HTTP 提供服务：请用 --tls-cert/--tls-key 启用 HTTPS，或在可信网络的 TLS 代理后面加 --insecure-http / refusing to serve plain HTTP on the non-loopback address {addr}: give --tls-cert and --tls-key, or --insecure-http behind a TLS-terminating proxy on a trusted network"
                    );
                }
                eprintln!("警告：在 {addr} 上以明文 HTTP 提供服务（--insecure-http），密码和令牌未加密 / WARNING: serving plain HTTP on {addr} (--insecure-http): passwords and tokens travel unencrypted");
                tracing::warn!(%addr, "serving plain HTTP on a non-loopback address (--insecure-http)");
            }
            let scheme = if tls_cert.is_some() { "https" } else { "http" };
            println!(
                "fudao-server listening on {scheme}://{addr} ({})",
                storage.backend_name()
            );
            std::io::stdout().flush()?;
            tracing::info!(%addr, backend = storage.backend_name(), "serving");
            let tls = tls_cert.zip(tls_key);
            fudao_server::serve(
                AppState::new(storage, cfg),
                listener,
                tls,
                shutdown_signal(),
            )
            .await?;
        }
        Cmd::Team {
            cmd: TeamCmd::Add { name, focus },
        } => {
            let t = storage
                .run(move |tx| Ok(logic::add_team(tx, &actor, &name, &focus, now)))
                .await??;
            println!("已创建辅导队 / team created: {} {}", t.name, t.id);
        }
        Cmd::Team { cmd: TeamCmd::List } => {
            for t in storage.run(|tx| tx.list_teams()).await? {
                println!("{}\t{}\t{}", t.id, t.name, t.focus);
            }
        }
        Cmd::User {
            cmd:
                UserCmd::Add {
                    username,
                    team,
                    role,
                    name,
                },
        } => {
            let pw = read_password(&username)?;
            let hash = auth::hash_password(&pw).map_err(anyhow::Error::msg)?;
            let u = storage
                .run(move |tx| {
                    Ok(logic::add_user(
                        tx,
                        &actor,
                        &username,
                        &name,
                        team.as_deref(),
                        role,
                        hash.clone(),
                        now,
                    ))
                })
                .await??;
            println!(
                "已创建用户 / user created: {} ({}) {}",
                u.username,
                u.role.label_zh(),
                u.id
            );
        }
        Cmd::User {
            cmd:
                UserCmd::Set {
                    username,
                    team,
                    no_team,
                    role,
                },
        } => {
            if team.is_none() && !no_team && role.is_none() {
                bail!("请给出 --team、--no-team 或 --role / give --team, --no-team or --role");
            }
            let u = storage
                .run(move |tx| {
                    let team = match (&team, no_team) {
                        (Some(t), _) => Some(Some(t.as_str())),
                        (None, true) => Some(None),
                        (None, false) => None,
                    };
                    Ok(logic::update_user(tx, &actor, &username, team, role, now))
                })
                .await??;
            println!(
                "已更新用户 / user updated: {} ({}) team {}",
                u.username,
                u.role.label_zh(),
                u.team_id
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into())
            );
        }
        Cmd::User {
            cmd: UserCmd::Disable { username },
        } => {
            let u = storage
                .run(move |tx| Ok(logic::set_active(tx, &actor, &username, false, now)))
                .await??;
            println!(
                "已停用并注销全部登录 / disabled and logged out: {}",
                u.username
            );
        }
        Cmd::User {
            cmd: UserCmd::Enable { username },
        } => {
            let u = storage
                .run(move |tx| Ok(logic::set_active(tx, &actor, &username, true, now)))
                .await??;
            println!("已启用 / enabled: {}", u.username);
        }
        Cmd::User {
            cmd: UserCmd::Passwd { username },
        } => {
            let pw = read_password(&username)?;
            let hash = auth::hash_password(&pw).map_err(anyhow::Error::msg)?;
            let name = username.clone();
            storage
                .run(move |tx| Ok(logic::set_password(tx, &actor, &name, hash.clone(), now)))
                .await??;
            println!("密码已更新，旧登录已注销 / password changed, sessions revoked: {username}");
        }
        Cmd::Catalog {
            cmd: CatalogCmd::Publish { file },
        } => {
            let items = read_catalog_file(&file)?;
            let (changed, removed) = storage
                .run(move |tx| Ok(logic::publish_catalog(tx, &actor, items.clone(), now)))
                .await??;
            println!("产品目录已发布：更新{changed}项，下架{removed}项 / catalogue published: {changed} written, {removed} withdrawn");
        }
    }
    Ok(())
}

/// Hides a password in a database URL for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(a)) if a > s => {
            let creds = &url[s + 3..a];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[a..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
