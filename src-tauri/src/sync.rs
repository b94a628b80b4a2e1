//! 同步: login, sync now (with progress events), conflicts side by side, outbox size and
//! whether the server can be reached. The same library calls as `fudao login` / `fudao sync`
//! / `fudao conflicts`: `fudao_sync::client::Client`, `fudao_sync::engine::sync` and the
//! store's session, conflict and outbox functions.
//!
//! Sync runs on its own connection to the database file (SQLite WAL allows it), so the rest of
//! the app stays usable while it talks to the server.

use crate::dto::Msg;
use crate::error::{AppError, AppResult};
use crate::jobs;
use crate::state::AppState;
use fudao_store::sync::Keep;
use fudao_store::Store;
use fudao_sync::client::{Client, ClientError};
use fudao_sync::engine::{Progress, SyncError, SyncOptions};
use fudao_sync::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;
use tauri::{AppHandle, State};
use tauri_specta::Event;
use uuid::Uuid;

/// Where sync stands, from the local database alone (no network).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SyncStatus {
    pub logged_in: bool,
    pub server: Option<String>,
    pub user_name: Option<String>,
    pub username: Option<String>,
    /// Role key of the logged-in user.
    pub role: Option<String>,
    /// RFC 3339 time of the last successful pull.
    pub last_sync: Option<String>,
    /// Local changes not yet sent.
    pub outbox: u32,
    pub open_conflicts: u32,
    /// The last sync found more open conflicts on the server than are kept here (the oldest
    /// 10,000).
    pub open_conflicts_more: bool,
    /// A demo database (`fudao demo`): local only, login and sync are refused.
    pub demo: bool,
}

pub fn status_of(s: &Store) -> AppResult<SyncStatus> {
    let st = fudao_ops::sync::state(s)?;
    let session = st.session;
    Ok(SyncStatus {
        logged_in: session.is_some(),
        server: session.as_ref().map(|x| x.server.clone()),
        user_name: session.as_ref().map(|x| x.user.name.clone()),
        username: session.as_ref().map(|x| x.user.username.clone()),
        role: session.as_ref().map(|x| x.user.role.key().to_string()),
        last_sync: st.last_sync,
        outbox: st.outbox as u32,
        open_conflicts: st.open_conflicts as u32,
        open_conflicts_more: st.open_conflicts_more,
        demo: st.demo,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    state.with_store(|s| status_of(s)).await
}

/// Maps a client error to the one error shape, saying what to do next.
fn client_error(e: ClientError) -> AppError {
    let (code, zh, en) = match &e {
        ClientError::Network { .. } => (
            ErrorCode::Offline,
            "无法连接同步服务器，本地数据未改动，请检查网络后再同步",
            "cannot reach the sync server; local data is unchanged — check the network and sync again",
        ),
        ClientError::Unauthorized(_) => (
            ErrorCode::Unauthorized,
            "用户名或密码不正确，或登录已失效，请重新登录",
            "wrong user name or password, or the session expired — log in again",
        ),
        ClientError::UpgradeRequired(_) => (
            ErrorCode::UpgradeRequired,
            "本程序版本过旧，请升级后再同步；未同步的修改已保留",
            "this version is too old for the server — upgrade, then sync; unsynced changes are kept",
        ),
        ClientError::BadUrl(_) => (
            ErrorCode::BadUrl,
            "服务器地址无效，请输入以 http:// 或 https:// 开头的地址",
            "invalid server address — enter one starting with http:// or https://",
        ),
        ClientError::TooLarge { .. } => (
            ErrorCode::TooLarge,
            "服务器的响应过大，同步已中止，本地数据未改动，请联系管理员",
            "the server's response is too large; sync stopped with local data unchanged — contact your administrator",
        ),
        _ => (
            ErrorCode::Sync,
            "同步服务器拒绝了请求，请稍后重试或联系管理员",
            "the sync server refused the request — try again later or contact your administrator",
        ),
    };
    AppError::new(code, format!("{zh}（{e}）"), format!("{en} ({e})"))
}

/// Maps a sync use case's error: the client's and the engine's say what to do next.
fn ops_error(e: fudao_ops::OpsError) -> AppError {
    match e {
        fudao_ops::OpsError::Sync(SyncError::Client(c)) => client_error(c),
        fudao_ops::OpsError::Sync(other) => AppError::new(
            ErrorCode::Sync,
            format!("同步未完成，本地数据已保留，请重试（{other}）"),
            format!("sync did not finish; local data is kept — try again ({other})"),
        ),
        other => other.into(),
    }
}

/// Refuses `http://` to another machine unless the user confirmed it: the password and the
/// token would travel in clear text. The UI asks on the code `cleartext_http`.
pub(crate) fn refuse_cleartext(client: &Client, allow_cleartext: bool) -> AppResult<()> {
    match client.cleartext_warning() {
        Some(w) if !allow_cleartext => Err(AppError::new(
            CLEARTEXT_HTTP,
            format!("{}。确认要继续吗？", w.zh),
            format!("{}. Continue anyway?", w.en),
        )),
        _ => Ok(()),
    }
}

/// The error code of a login refused until the user confirms a clear-text connection.
pub const CLEARTEXT_HTTP: ErrorCode = ErrorCode::CleartextHttp;

fn runtime() -> AppResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AppError::internal)
}

/// The sync's runtime: two workers, so the pull's fetching task downloads and decodes the
/// next pages while this thread applies the current ones (as the CLI does). On a
/// single-threaded runtime the fetch only runs while the apply waits for a page.
fn sync_runtime() -> AppResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(AppError::internal)
}

/// Logs in and stores the session in the local database.
#[tauri::command]
#[specta::specta]
pub async fn sync_login(
    state: State<'_, AppState>,
    server: String,
    username: String,
    password: String,
    allow_cleartext: bool,
) -> AppResult<SyncStatus> {
    state
        .with_store(move |s| {
            let client = Client::new(&server).map_err(client_error)?;
            refuse_cleartext(&client, allow_cleartext)?;
            runtime()?
                .block_on(fudao_ops::sync::login(s, &client, &username, &password))
                .map_err(ops_error)?;
            status_of(s)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_logout(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    state
        .with_store(|s| {
            // Forgotten here at once (even offline), revoked at the next contact.
            runtime()?.block_on(fudao_ops::sync::logout(s))?;
            status_of(s)
        })
        .await
}

/// Whether the server answers (one quick try); `false` when offline or not logged in.
#[tauri::command]
#[specta::specta]
pub async fn sync_online(state: State<'_, AppState>) -> AppResult<bool> {
    let server = state
        .with_store(|s| Ok(s.session()?.map(|x| x.server)))
        .await?;
    let Some(server) = server else {
        return Ok(false);
    };
    tauri::async_runtime::spawn_blocking(move || {
        let client = Client::new(&server)
            .map_err(client_error)?
            .with_retry(fudao_ops::sync::QUICK);
        let rt = runtime()?;
        Ok(rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(3), client.health()).await })
            .is_ok_and(|r| r.is_ok()))
    })
    .await
    .map_err(AppError::internal)?
}

/// Progress of a running sync, sent as the `sync-progress` event.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncProgress {
    /// `push` or `pull`.
    pub phase: String,
    pub done: u32,
    pub more: bool,
}

/// What a sync did.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SyncOutcome {
    pub pushed: u32,
    pub pulled: u32,
    pub new_conflicts: u32,
    pub rejected: u32,
    pub open_conflicts: u32,
    pub status: SyncStatus,
}

/// Pushes local changes and pulls the server's, on a second connection to the database.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> AppResult<SyncOutcome> {
    // A second connection with the same key (and the same keystore for the token).
    let store = state.with_store(|s| Ok(s.reopen()?)).await?;
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        let mut store = store;
        let Some((session, client)) = fudao_ops::sync::start(&mut store).map_err(ops_error)? else {
            return Err(AppError::new(
                ErrorCode::NotLoggedIn,
                "尚未登录同步服务器，请先填写服务器地址并登录",
                "not logged in to a sync server — enter its address and log in first",
            ));
        };
        let mut on_progress = |p: Progress| {
            let ev = match p {
                Progress::Pushed { done } => SyncProgress {
                    phase: "push".into(),
                    done: done as u32,
                    more: true,
                },
                Progress::Pulled { done, more } => SyncProgress {
                    phase: "pull".into(),
                    done: done as u32,
                    more,
                },
            };
            let _ = ev.emit(&app);
        };
        // `cancel_job("sync")` stops it at its next network wait. That is clean: each pushed
        // batch is acknowledged in its own transaction (a batch pushed again is a duplicate
        // the server recognises) and each batch of pulled pages commits with its last cursor,
        // so the next sync resumes where this one stopped.
        let job = jobs::Job::start(jobs::SYNC, None);
        let flag = job.flag();
        let r = sync_runtime()?.block_on(async {
            let mut run = std::pin::pin!(fudao_ops::sync::run(
                &mut store,
                &session,
                &client,
                SyncOptions::default(),
                &mut on_progress,
            ));
            loop {
                match tokio::time::timeout(Duration::from_millis(100), &mut run).await {
                    Ok(r) => return Some(r),
                    Err(_) if flag.load(std::sync::atomic::Ordering::Relaxed) => return None,
                    Err(_) => {}
                }
            }
        });
        drop(job);
        let Some(r) = r else {
            return Err(AppError::new(
                ErrorCode::SyncCancelled,
                "同步已取消：已交换的部分已保存，其余的下次同步时继续",
                "sync cancelled: what was already exchanged is kept; the rest continues at the next sync",
            ));
        };
        let r = r.map_err(ops_error)?;
        Ok(SyncOutcome {
            pushed: r.pushed as u32,
            pulled: r.pulled as u32,
            new_conflicts: r.conflicts as u32,
            rejected: r.rejected as u32,
            open_conflicts: r.open_conflicts as u32,
            status: status_of(&store)?,
        })
    })
    .await
    .map_err(AppError::internal)?;
    crate::mem::release_free_memory_soon();
    outcome
}

/// A conflict, side by side: the value both edits started from, mine and the server's.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ConflictView {
    pub id: Uuid,
    /// `edit_edit`, `edit_delete`, … (the server's conflict type).
    pub conflict_type: String,
    /// Entity kind key and label.
    pub kind: String,
    pub kind_label: Msg,
    pub row_id: Uuid,
    /// The record's name (firm name) when known.
    pub row_label: String,
    pub field: String,
    pub base: Value,
    pub mine: Value,
    pub theirs: Value,
    pub created_at: String,
    /// `open` or `resolved`.
    pub status: String,
    pub resolution: Option<String>,
}

fn conflict_views(s: &Store, open_only: bool) -> AppResult<Vec<ConflictView>> {
    let mut out = vec![];
    for (c, firm) in fudao_ops::sync::conflicts_by_firm(s, open_only)? {
        let k = &c.conflict;
        let row_label = firm.unwrap_or_default();
        out.push(ConflictView {
            id: k.id,
            conflict_type: k.conflict_type.as_str().to_string(),
            kind: k.kind.as_str().to_string(),
            kind_label: Msg {
                zh: k.kind.label_zh().to_string(),
                en: k.kind.as_str().to_string(),
            },
            row_id: k.row_id,
            row_label,
            field: k.field.clone(),
            base: k.base.clone(),
            mine: k.incoming.clone(),
            theirs: k.server.clone(),
            created_at: k.created_at.to_rfc3339(),
            status: c.status.clone(),
            resolution: c.resolution.clone(),
        });
    }
    Ok(out)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_conflicts(
    state: State<'_, AppState>,
    open_only: bool,
) -> AppResult<Vec<ConflictView>> {
    state
        .with_store(move |s| conflict_views(s, open_only))
        .await
}

/// Resolves a conflict locally (`keep`: `mine`, `theirs`, or `value` with `value`); the
/// resolution is sent to the server at the next sync.
#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: String,
    keep: String,
    value: Option<Value>,
) -> AppResult<Vec<ConflictView>> {
    let id = crate::dto::parse_id(&id)?;
    let keep = match (keep.as_str(), value) {
        ("mine", _) => Keep::Mine,
        ("theirs", _) => Keep::Theirs,
        ("value", Some(v)) => Keep::Value(v),
        _ => return Err(AppError::invalid_argument("keep", &keep)),
    };
    state
        .with_store(move |s| {
            fudao_ops::sync::resolve_conflict(s, id, keep)?;
            conflict_views(s, true)
        })
        .await
}
