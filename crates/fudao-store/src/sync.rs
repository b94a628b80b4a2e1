//! The client side of sync: the outbox as protocol mutations, push acknowledgements, pulled
//! pages applied with their cursor in one transaction (re-applying unsynced local edits on
//! top), and the local copy of conflicts with their resolution.
//!
//! Nothing here talks to the network: `fudao_sync::engine` drives it through
//! [`fudao_sync::replica::LocalReplica`], implemented for [`Store`] below.

use crate::rows::{self, Source};
use crate::{Ctx, Result, Store, StoreError};
use fudao_core::model::{Entity, EntityKind, Feedback, Firm, Need, Visit};
use fudao_core::{FieldError, ValidationErrors};
use fudao_sync::replica::LocalReplica;
use fudao_sync::{
    Change, Conflict, ConflictType, Me, Mutation, MutationOutcome, MutationResult, Op,
    PullResponse, Resolution,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Meta keys owned by sync.
pub mod keys {
    pub const SERVER: &str = "sync_server";
    pub const TOKEN: &str = "sync_token";
    pub const USER: &str = "sync_user";
    pub const CURSOR: &str = "sync_cursor";
    pub const LAST_SYNC: &str = "sync_last";
    /// Pulled feedback rows (JSON list of ids) whose 不满意 follow-up is decided when the
    /// last page of the pull has been applied.
    pub const PULLED_FEEDBACK: &str = "sync_pulled_feedback";
}

/// The stored login: server URL, bearer token and who it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub server: String,
    pub token: String,
    pub user: Me,
}

/// A conflict as kept locally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalConflict {
    #[serde(flatten)]
    pub conflict: Conflict,
    /// `open` or `resolved`.
    pub status: String,
    /// `mine`, `theirs`, `value`, or `elsewhere` (resolved on another device).
    pub resolution: Option<String>,
}

/// What to keep when resolving a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Keep {
    /// The value that was not applied (this or another device's edit).
    Mine,
    /// The server's value.
    Theirs,
    /// A new value for the field.
    Value(Value),
}

/// A mutation the server refused, kept so that nothing is silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedMutation {
    pub mutation_id: String,
    pub kind: String,
    pub row_id: String,
    pub op: String,
    pub fields: String,
    pub code: String,
    pub message: String,
    pub rejected_at: String,
}

fn sync_ctx(store: &Store, at: &str, user: Option<Uuid>) -> Ctx {
    Ctx {
        device_id: store.device_id(),
        user_id: user,
        at: at.to_string(),
        source: Source::Sync,
    }
}

fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt {
        kind: "outbox",
        id: s.to_string(),
        detail: e.to_string(),
    })
}

impl Store {
    // ------------------------------------------------------------------------------------
    // Session

    /// Stores the login (server URL, token, user) and records the user as the author of
    /// later edits. The token goes to the OS keystore when the database key came from one;
    /// otherwise it is kept in the (encrypted) database.
    pub fn set_session(&mut self, s: &Session) -> Result<()> {
        let in_keystore = self.token_to_keystore(&s.token)?;
        let tx = self.connection().unchecked_transaction()?;
        self.meta_set(keys::SERVER, &s.server)?;
        if in_keystore {
            self.meta_delete(keys::TOKEN)?;
        } else {
            self.meta_set(keys::TOKEN, &s.token)?;
        }
        self.meta_set(keys::USER, &serde_json::to_string(&s.user)?)?;
        tx.commit()?;
        self.set_actor(Some(s.user.user_id));
        Ok(())
    }

    /// `Ok(true)` when the keystore took the token.
    fn token_to_keystore(&self, token: &str) -> Result<bool> {
        let Some(path) = self.path() else {
            return Ok(false);
        };
        match self.secrets().set(&crate::keys::token_account(path), token) {
            Ok(()) => Ok(true),
            Err(crate::keys::KeyStoreError::Unavailable(_)) => Ok(false),
            Err(e) => Err(StoreError::Keystore(e)),
        }
    }

    fn token_from_keystore(&self) -> Result<Option<String>> {
        let Some(path) = self.path() else {
            return Ok(None);
        };
        match self.secrets().get(&crate::keys::token_account(path)) {
            Ok(t) => Ok(t.map(|t| t.as_str().to_string())),
            Err(crate::keys::KeyStoreError::Unavailable(_)) => Ok(None),
            Err(e) => Err(StoreError::Keystore(e)),
        }
    }

    /// A token an older version kept in the database moves to the keystore, if one answers.
    pub(crate) fn move_token_to_keystore(&mut self) -> Result<()> {
        if let Some(token) = self.meta_get(keys::TOKEN)? {
            if self.token_to_keystore(&token)? {
                self.meta_delete(keys::TOKEN)?;
            }
        }
        Ok(())
    }

    /// Whether the sync token is kept in the OS keystore (rather than in the database).
    pub fn token_in_keystore(&self) -> Result<bool> {
        Ok(self.meta_get(keys::TOKEN)?.is_none() && self.token_from_keystore()?.is_some())
    }

    pub fn session(&self) -> Result<Option<Session>> {
        let token = match self.meta_get(keys::TOKEN)? {
            Some(t) => Some(t),
            None if self.meta_get(keys::USER)?.is_some() => self.token_from_keystore()?,
            None => None,
        };
        let (Some(server), Some(token), Some(user)) = (
            self.meta_get(keys::SERVER)?,
            token,
            self.meta_get(keys::USER)?,
        ) else {
            return Ok(None);
        };
        Ok(Some(Session {
            server,
            token,
            user: serde_json::from_str(&user)?,
        }))
    }

    /// Forgets the token (the server URL and sync position are kept).
    pub fn clear_session(&mut self) -> Result<()> {
        if let Some(path) = self.path() {
            match self.secrets().delete(&crate::keys::token_account(path)) {
                Ok(()) | Err(crate::keys::KeyStoreError::Unavailable(_)) => {}
                Err(e) => return Err(StoreError::Keystore(e)),
            }
        }
        self.meta_delete(keys::TOKEN)
    }

    // ------------------------------------------------------------------------------------
    // Conflicts and rejections

    /// Local conflicts, oldest first; `open_only` hides resolved ones.
    pub fn conflicts(&self, open_only: bool) -> Result<Vec<LocalConflict>> {
        list_conflicts(self.connection(), open_only)
    }

    /// Resolves a conflict: `Mine` / `Value` write the value again as an ordinary local edit
    /// (queued for sync, based on the row's current version), `Theirs` keeps the server's.
    /// The resolution itself is reported to the server at the next sync.
    pub fn resolve_conflict(&mut self, id: Uuid, keep: Keep) -> Result<LocalConflict> {
        let ctx = self.ctx(Source::Local);
        let conn = self.connection();
        let tx = conn.unchecked_transaction()?;
        let all = list_conflicts(conn, false)?;
        let Some(mut lc) = all.into_iter().find(|c| c.conflict.id == id) else {
            return Err(not_found_conflict(id));
        };
        if lc.status != "open" {
            return Ok(lc);
        }
        let c = lc.conflict.clone();
        let resolution = match (&keep, c.conflict_type) {
            (Keep::Theirs, _) => Resolution::Theirs,
            (Keep::Mine, ConflictType::Field) | (Keep::Value(_), ConflictType::Field) => {
                let value = match &keep {
                    Keep::Value(v) => v.clone(),
                    _ => c.incoming.clone(),
                };
                let (mut doc, _, deleted) = rows::load_raw(conn, c.kind, c.row_id)?
                    .ok_or_else(|| not_found_row(c.kind, c.row_id))?;
                if deleted {
                    return Err(StoreError::Validation(ValidationErrors(vec![
                        FieldError::new(
                            &c.field,
                            "deleted",
                            "该记录已被删除，无法采用此值",
                            "the row has been deleted; the value cannot be applied",
                        ),
                    ])));
                }
                doc.insert(c.field.clone(), value);
                check_doc(c.kind, &doc)?;
                let team = team_of(conn, c.kind, c.row_id)?;
                rows::put_value(conn, &ctx, c.kind, c.row_id, team, Value::Object(doc))?;
                if matches!(keep, Keep::Value(_)) {
                    Resolution::Value
                } else {
                    Resolution::Mine
                }
            }
            (_, ConflictType::EditDeleted) => {
                // Bring the row back with the edit that was not applied.
                let (mut doc, _, _) = rows::load_raw(conn, c.kind, c.row_id)?
                    .ok_or_else(|| not_found_row(c.kind, c.row_id))?;
                let incoming = match &keep {
                    Keep::Value(v) => v.clone(),
                    _ => c.incoming.clone(),
                };
                if let Value::Object(m) = incoming {
                    for (k, v) in m {
                        doc.insert(k, v);
                    }
                }
                check_doc(c.kind, &doc)?;
                let team = team_of(conn, c.kind, c.row_id)?;
                rows::put_value(conn, &ctx, c.kind, c.row_id, team, Value::Object(doc))?;
                Resolution::Mine
            }
            (_, ConflictType::DeleteEdited) => {
                rows::delete(conn, &ctx, c.kind, c.row_id)?;
                Resolution::Mine
            }
        };
        conn.execute(
            "UPDATE conflicts SET status = 'resolved', resolution = ?2, resolved_at = ?3, reported = 0 WHERE id = ?1",
            params![id.to_string(), resolution.as_str(), ctx.at],
        )?;
        tx.commit()?;
        lc.status = "resolved".into();
        lc.resolution = Some(resolution.as_str().to_string());
        Ok(lc)
    }

    /// Mutations the server refused (kept for the user to review).
    pub fn rejected_mutations(&self) -> Result<Vec<RejectedMutation>> {
        let mut st = self.connection().prepare(
            "SELECT mutation_id, kind, row_id, op, fields, code, message, rejected_at FROM rejected_mutations ORDER BY seq",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(RejectedMutation {
                    mutation_id: r.get(0)?,
                    kind: r.get(1)?,
                    row_id: r.get(2)?,
                    op: r.get(3)?,
                    fields: r.get(4)?,
                    code: r.get(5)?,
                    message: r.get(6)?,
                    rejected_at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Applies a page but fails after `fail_after` rows (tests of crash safety): the
    /// transaction is rolled back and nothing of the page, nor its cursor, is kept.
    #[doc(hidden)]
    pub fn apply_page_failing_after(&self, page: &PullResponse, fail_after: usize) -> Result<()> {
        apply_page(self, page, Some(fail_after))
    }

    /// The server version of a row as last pulled (0 = never synced).
    pub fn row_version(&self, kind: EntityKind, id: Uuid) -> Result<Option<(i64, bool)>> {
        Ok(self
            .connection()
            .query_row(
                &format!(
                    "SELECT version, deleted FROM {} WHERE id = ?1",
                    kind.as_str()
                ),
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Every row of a kind as (id, version, deleted, data JSON), for replica comparisons.
    pub fn raw_rows(&self, kind: EntityKind) -> Result<Vec<(Uuid, i64, bool, Value)>> {
        let mut st = self.connection().prepare(&format!(
            "SELECT id, version, deleted, data FROM {} ORDER BY id",
            kind.as_str()
        ))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, v, d, data)| Ok((parse_uuid(&id)?, v, d, serde_json::from_str(&data)?)))
            .collect()
    }
}

fn not_found_conflict(id: Uuid) -> StoreError {
    StoreError::Validation(ValidationErrors(vec![FieldError::new(
        "id",
        "not_found",
        format!("没有编号为 {id} 的冲突"),
        format!("no conflict {id}"),
    )]))
}

fn not_found_row(kind: EntityKind, id: Uuid) -> StoreError {
    StoreError::NotFound {
        kind,
        key: id.to_string(),
    }
}

fn team_of(conn: &Connection, kind: EntityKind, id: Uuid) -> Result<Option<Uuid>> {
    let t: Option<String> = conn
        .query_row(
            &format!("SELECT team_id FROM {} WHERE id = ?1", kind.as_str()),
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(t.and_then(|t| Uuid::parse_str(&t).ok()))
}

/// Validates a document of a kind the core knows.
fn check_doc(kind: EntityKind, doc: &Map<String, Value>) -> Result<()> {
    fn typed<E: Entity>(doc: &Map<String, Value>) -> Result<()> {
        let e: E = serde_json::from_value(Value::Object(doc.clone()))?;
        e.validate().map_err(StoreError::Validation)
    }
    match kind {
        EntityKind::Firm => typed::<Firm>(doc),
        EntityKind::Need => typed::<Need>(doc),
        EntityKind::Visit => typed::<Visit>(doc),
        EntityKind::Feedback => typed::<Feedback>(doc),
        EntityKind::FeedbackLink => typed::<fudao_core::feedback_link::FeedbackLink>(doc),
        _ => Ok(()),
    }
}

fn list_conflicts(conn: &Connection, open_only: bool) -> Result<Vec<LocalConflict>> {
    let sql = format!(
        "SELECT data, status, resolution FROM conflicts {} ORDER BY created_at, id",
        if open_only {
            "WHERE status = 'open'"
        } else {
            ""
        }
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(d, status, resolution)| {
            Ok(LocalConflict {
                conflict: serde_json::from_str(&d)?,
                status,
                resolution,
            })
        })
        .collect()
}

fn insert_conflict(conn: &Connection, c: &Conflict) -> Result<()> {
    conn.execute(
        "INSERT INTO conflicts(id, kind, row_id, field, created_at, data, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open')
         ON CONFLICT(id) DO NOTHING",
        params![
            c.id.to_string(),
            c.kind.as_str(),
            c.row_id.to_string(),
            c.field,
            c.created_at.to_rfc3339(),
            serde_json::to_string(c)?
        ],
    )?;
    Ok(())
}

/// Pending outbox entries of one row, oldest first: (op, fields).
fn pending_for(
    conn: &Connection,
    kind: EntityKind,
    id: Uuid,
) -> Result<Vec<(String, Map<String, Value>)>> {
    let mut st = conn.prepare_cached(
        "SELECT op, fields FROM outbox WHERE kind = ?1 AND row_id = ?2 ORDER BY seq",
    )?;
    let rows = st
        .query_map(params![kind.as_str(), id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(op, f)| Ok((op, serde_json::from_str(&f)?)))
        .collect()
}

/// The stored version of a row, if the row exists (one cached statement per kind).
fn local_version(conn: &Connection, kind: EntityKind, id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT version FROM {} WHERE id = ?1",
            kind.as_str()
        ))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Whether the local table of `kind` has no row at all.
fn kind_is_empty(conn: &Connection, kind: EntityKind) -> Result<bool> {
    Ok(!conn
        .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {})", kind.as_str()))?
        .query_row([], |r| r.get::<_, bool>(0))?)
}

/// What is known about the local tables when a page starts.
struct PageState {
    /// Any local edit pending at all? When not, the per-row look-up of pending edits is
    /// skipped.
    has_outbox: bool,
    /// Kinds whose table was empty when the page started: a page lists each row once, so
    /// every row of such a kind is new and needs no look-up (the initial sync).
    empty: Vec<EntityKind>,
}

/// Applies one pulled row.
fn apply_change(store: &Store, c: &Change, page: &PageState) -> Result<()> {
    let conn = store.connection();
    let id = c.row_id.to_string();
    let version = if page.empty.contains(&c.kind) {
        None
    } else {
        local_version(conn, c.kind, &id)?
    };
    if let Some(v) = version {
        if v >= c.version && v > 0 {
            return Ok(()); // already have this version (or newer)
        }
    }
    let Value::Object(server_doc) = &c.data else {
        return Err(StoreError::Corrupt {
            kind: c.kind.as_str(),
            id,
            detail: "pulled data is not an object".into(),
        });
    };
    // Unsynced local edits stay on top of the server's state.
    let pending = if page.has_outbox {
        pending_for(conn, c.kind, c.row_id)?
    } else {
        Vec::new()
    };
    let mut deleted = c.deleted;
    let merged;
    let doc = if pending.is_empty() {
        server_doc
    } else {
        let mut d = server_doc.clone();
        for (op, fields) in pending {
            match op.as_str() {
                "delete" => deleted = true,
                _ => {
                    deleted = false;
                    for (k, v) in fields {
                        d.insert(k, v);
                    }
                }
            }
        }
        merged = d;
        &merged
    };
    let at = c.updated_at.to_rfc3339();
    let ctx = sync_ctx(store, &at, c.updated_by);
    if version.is_none() {
        rows::audit(conn, &ctx, c.kind, c.row_id, "_created", None, None)?;
    } else if let Some((old, _, was_deleted)) = rows::load_raw(conn, c.kind, c.row_id)? {
        let mut keys: Vec<&String> = old.keys().chain(doc.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (o, n) = (old.get(k), doc.get(k));
            if o != n {
                rows::audit(conn, &ctx, c.kind, c.row_id, k, o, n)?;
            }
        }
        if was_deleted != deleted {
            rows::audit(
                conn,
                &ctx,
                c.kind,
                c.row_id,
                "_deleted",
                Some(&Value::Bool(was_deleted)),
                Some(&Value::Bool(deleted)),
            )?;
        }
    }
    let team = c.team_id.map(|t| t.to_string());
    rows::write_row(
        conn,
        c.kind,
        c.row_id,
        team.as_deref(),
        doc,
        Some(c.version),
        deleted,
        version.is_none(),
        &ctx,
    )
}

/// Crash points for fault tests of real client processes, from `FUDAO_FAILPOINT`:
/// `client_exit_mid_page:N` ends the process half-way through applying the N-th pulled page
/// (inside its transaction); `client_exit_before_ack:N` ends it when the N-th push answer
/// has arrived but before it is recorded. Exit status 75. Unset in normal use.
mod failpoint {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    fn configured(name: &str) -> Option<usize> {
        static FP: OnceLock<Option<(String, usize)>> = OnceLock::new();
        let (n, at) = FP
            .get_or_init(|| {
                let v = std::env::var("FUDAO_FAILPOINT").ok()?;
                let (n, at) = v.split_once(':')?;
                Some((n.to_string(), at.parse().ok()?))
            })
            .as_ref()?;
        (n == name).then_some(*at)
    }

    /// Counts calls of `name`; true on the configured one.
    pub fn hit(name: &str) -> bool {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        match configured(name) {
            Some(at) => CALLS.fetch_add(1, Ordering::SeqCst) + 1 == at,
            None => false,
        }
    }

    pub fn exit() -> ! {
        eprintln!("FUDAO_FAILPOINT: exiting");
        std::process::exit(75)
    }
}

/// The device's user: the one editing now, else the stored login's.
fn device_user(store: &Store) -> Result<Option<Uuid>> {
    if let Some(u) = store.actor() {
        return Ok(Some(u));
    }
    Ok(match store.meta_get(keys::USER)? {
        Some(s) => Some(serde_json::from_str::<Me>(&s)?.user_id),
        None => None,
    })
}

/// A 不满意 rating given on the firm-facing page (source QR) has no recording device: the
/// device of the firm's coach creates its 回访 follow-up (as `fudao feedback add` does for
/// a hand-recorded one) when it pulls the rating. The ids of the page's feedback rows are
/// kept until the last page of the pull is applied, so that a follow-up another device of
/// the coach made already (a later row of the stream) is here first; the follow-up's id is
/// derived from the rating's, so a re-pull or a second device adds nothing. Nothing on a
/// device without a user, or for firms of another coach.
fn pulled_feedback_follow_ups(store: &Store, page: &PullResponse) -> Result<()> {
    let mut ids: Vec<Uuid> = match store.meta_get(keys::PULLED_FEEDBACK)? {
        Some(s) => serde_json::from_str(&s)?,
        None => Vec::new(),
    };
    ids.extend(
        page.changes
            .iter()
            .filter(|c| c.kind == EntityKind::Feedback && !c.deleted)
            .map(|c| c.row_id),
    );
    if page.more {
        if !ids.is_empty() {
            store.meta_set(keys::PULLED_FEEDBACK, &serde_json::to_string(&ids)?)?;
        }
        return Ok(());
    }
    store.meta_delete(keys::PULLED_FEEDBACK)?;
    let Some(me) = device_user(store)? else {
        return Ok(());
    };
    ids.sort();
    ids.dedup();
    let w = crate::Writer {
        conn: store.connection(),
        ctx: store.ctx(Source::Local),
    };
    for id in ids {
        let Some(fb) = w.get::<Feedback>(id)? else {
            continue;
        };
        if fb.source != fudao_core::model::FeedbackSource::Qr {
            continue; // a hand-recorded rating got its follow-up where it was recorded
        }
        let Some(firm) = w.get::<Firm>(fb.firm_id)? else {
            continue;
        };
        if firm.coach_id != Some(me) {
            continue;
        }
        w.feedback_follow_up(&fb, &firm, None)?;
    }
    Ok(())
}

fn apply_page(store: &Store, page: &PullResponse, fail_after: Option<usize>) -> Result<()> {
    let conn = store.connection();
    let crash_at = failpoint::hit("client_exit_mid_page").then_some(page.changes.len() / 2);
    if page.changes.len() > 100 {
        // A large page touches several indexes at random places (names, firm ids, search
        // bigrams): with SQLite's default 2 MB page cache most of that time goes to evicting
        // and re-reading pages. 64 MB (a soft limit, only used as needed) for this
        // connection.
        conn.pragma_update(None, "cache_size", -65536)?;
        // Checkpoint the WAL every 64 MB instead of every 4 MB: each checkpoint waits for
        // two fsyncs, and an initial sync of a team writes a few hundred MB.
        conn.pragma_update(None, "wal_autocheckpoint", 16384)?;
    }
    let tx = conn.unchecked_transaction()?;
    let mut kinds: Vec<EntityKind> = page.changes.iter().map(|c| c.kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let mut state = PageState {
        has_outbox: conn.query_row("SELECT EXISTS (SELECT 1 FROM outbox)", [], |r| r.get(0))?,
        empty: Vec::new(),
    };
    for k in kinds {
        if kind_is_empty(conn, k)? {
            state.empty.push(k);
        }
    }
    for (i, c) in page.changes.iter().enumerate() {
        if crash_at == Some(i) {
            failpoint::exit();
        }
        if fail_after == Some(i) {
            return Err(StoreError::Io {
                path: std::path::PathBuf::from("<injected failure>"),
                source: std::io::Error::other("injected failure while applying a pulled page"),
            });
        }
        apply_change(store, c, &state)?;
    }
    pulled_feedback_follow_ups(store, page)?;
    store.meta_set(keys::CURSOR, &page.next_cursor)?;
    store.meta_set(keys::LAST_SYNC, &crate::now_rfc3339())?;
    tx.commit()?;
    Ok(())
}

impl LocalReplica for Store {
    type Error = StoreError;

    fn device_id(&self) -> Result<Uuid> {
        Ok(Store::device_id(self))
    }

    fn pending(&self, limit: usize) -> Result<Vec<Mutation>> {
        let mut st = self.connection().prepare_cached(
            "SELECT seq, mutation_id, kind, row_id, team_id, base_version, op, fields FROM outbox ORDER BY seq LIMIT ?1",
        )?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(seq, mid, kind, row, team, base, op, fields)| {
                let bad = |what: &str| StoreError::Corrupt {
                    kind: "outbox",
                    id: mid.clone(),
                    detail: what.to_string(),
                };
                Ok(Mutation {
                    mutation_id: parse_uuid(&mid)?,
                    device_seq: seq,
                    kind: EntityKind::parse(&kind).ok_or_else(|| bad("kind"))?,
                    row_id: parse_uuid(&row)?,
                    team_id: team.as_deref().map(parse_uuid).transpose()?,
                    base_version: base,
                    op: Op::parse(&op).ok_or_else(|| bad("op"))?,
                    fields: serde_json::from_str(&fields)?,
                })
            })
            .collect()
    }

    fn acknowledge(&self, sent: &[Mutation], outcomes: &[MutationOutcome]) -> Result<()> {
        if failpoint::hit("client_exit_before_ack") {
            failpoint::exit();
        }
        let conn = self.connection();
        let tx = conn.unchecked_transaction()?;
        let now = crate::now_rfc3339();
        for o in outcomes {
            match &o.result {
                MutationResult::Applied { .. } => {}
                MutationResult::Conflict { conflicts, .. } => {
                    for c in conflicts {
                        insert_conflict(conn, c)?;
                    }
                }
                MutationResult::Rejected { code, message } => {
                    let m = sent.iter().find(|m| m.mutation_id == o.mutation_id);
                    if let Some(m) = m {
                        conn.execute(
                            "INSERT OR REPLACE INTO rejected_mutations(mutation_id, seq, kind, row_id, op, fields, code, message, rejected_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            params![
                                m.mutation_id.to_string(),
                                m.device_seq,
                                m.kind.as_str(),
                                m.row_id.to_string(),
                                m.op.as_str(),
                                serde_json::to_string(&m.fields)?,
                                code,
                                message.to_string(),
                                now
                            ],
                        )?;
                    }
                }
            }
            conn.execute(
                "DELETE FROM outbox WHERE mutation_id = ?1",
                [o.mutation_id.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn cursor(&self) -> Result<Option<String>> {
        self.meta_get(keys::CURSOR)
    }

    fn apply_page(&self, page: &PullResponse) -> Result<()> {
        apply_page(self, page, None)
    }

    fn store_conflicts(&self, conflicts: &[Conflict]) -> Result<()> {
        let conn = self.connection();
        let tx = conn.unchecked_transaction()?;
        for c in conflicts {
            insert_conflict(conn, c)?;
        }
        // Open locally but no longer open on the server: resolved on another device.
        let open: Vec<String> = conflicts.iter().map(|c| c.id.to_string()).collect();
        let local_open: Vec<String> = {
            let mut st = conn.prepare("SELECT id FROM conflicts WHERE status = 'open'")?;
            let v = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            v
        };
        for id in local_open {
            if !open.contains(&id) {
                conn.execute(
                    "UPDATE conflicts SET status = 'resolved', resolution = 'elsewhere', reported = 1 WHERE id = ?1",
                    [id],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn pending_resolutions(&self) -> Result<Vec<(Uuid, Resolution)>> {
        let mut st = self.connection().prepare(
            "SELECT id, resolution FROM conflicts WHERE status = 'resolved' AND reported = 0 ORDER BY resolved_at",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (id, res) in rows {
            if let Some(r) = res.as_deref().and_then(Resolution::parse) {
                out.push((parse_uuid(&id)?, r));
            }
        }
        Ok(out)
    }

    fn resolution_reported(&self, id: Uuid) -> Result<()> {
        self.connection().execute(
            "UPDATE conflicts SET reported = 1 WHERE id = ?1",
            [id.to_string()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn firm(name: &str) -> Firm {
        let code = fudao_core::uscc::compose("91", "370102", "MA3C0009").unwrap();
        Firm::new(Uuid::now_v7(), &code, name)
    }

    fn change_of(f: &Firm, version: i64, seq: i64) -> Change {
        Change {
            seq,
            kind: EntityKind::Firm,
            row_id: f.id,
            team_id: f.team_id,
            version,
            deleted: false,
            data: serde_json::to_value(f).unwrap(),
            updated_at: Utc::now(),
            updated_by: None,
        }
    }

    fn change<E: Entity + serde::Serialize>(e: &E, version: i64, seq: i64) -> Change {
        Change {
            seq,
            kind: E::KIND,
            row_id: e.id(),
            team_id: e.team_id(),
            version,
            deleted: false,
            data: serde_json::to_value(e).unwrap(),
            updated_at: Utc::now(),
            updated_by: None,
        }
    }

    fn page(changes: Vec<Change>, more: bool) -> PullResponse {
        PullResponse {
            changes,
            next_cursor: format!("c{}", Uuid::now_v7()),
            more,
        }
    }

    /// A pulled 不满意 QR rating gives the firm's coach (this device's user) one 回访 visit
    /// with its task, decided after the pull's last page, once, queued for sync; nothing
    /// for other coaches' firms, other ratings, hand-recorded ratings, or a follow-up that
    /// another device made already.
    #[test]
    fn pulled_unsatisfied_qr_rating_makes_one_follow_up_on_the_coachs_device() {
        use chrono::NaiveDate;
        use fudao_core::model::{FeedbackSource, Role, Satisfaction, Team, User};
        let team = Team {
            id: Uuid::now_v7(),
            name: "历下一队".into(),
            focus: String::new(),
            lead_id: None,
        };
        let user = |name: &str, username: &str| User {
            id: Uuid::now_v7(),
            username: username.into(),
            name: name.into(),
            institution: String::new(),
            phone: String::new(),
            team_id: Some(team.id),
            role: Role::Coach,
            active: true,
        };
        let (coach, other) = (user("李辅导", "li"), user("王辅导", "wang"));
        let mut mine = firm("济南量子科技有限公司");
        mine.team_id = Some(team.id);
        mine.coach_id = Some(coach.id);
        let mut theirs = firm("济南光子科技有限公司");
        theirs.id = Uuid::now_v7();
        theirs.team_id = Some(team.id);
        theirs.coach_id = Some(other.id);
        let date = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        let fb = |f: &Firm, rating, source| Feedback {
            id: Uuid::now_v7(),
            firm_id: f.id,
            team_id: f.team_id,
            date,
            rating,
            comment: "<b>放款太慢</b>".into(),
            source,
            need_met: Some(false),
            plan_id: None,
            plan_version: None,
        };
        let qr_bad = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Qr);
        let qr_bad_done = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Qr);
        let qr_good = fb(&mine, Satisfaction::Satisfied, FeedbackSource::Qr);
        let paper_bad = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Paper);
        let theirs_bad = fb(&theirs, Satisfaction::Unsatisfied, FeedbackSource::Qr);
        // The follow-up of `qr_bad_done` was made on another device of the coach: it comes
        // later in the stream (next page).
        let done_elsewhere = qr_bad_done
            .follow_up(qr_bad_done.follow_up_id(), Some(coach.id), "李辅导")
            .unwrap();

        let pages = |v: i64| {
            vec![
                page(
                    vec![
                        change(&team, v, 1),
                        change(&coach, v, 2),
                        change(&other, v, 3),
                        change(&qr_bad, v, 4), // before its firm in the stream
                        change(&mine, v, 5),
                        change(&theirs, v, 6),
                        change(&qr_bad_done, v, 7),
                        change(&qr_good, v, 8),
                        change(&paper_bad, v, 9),
                        change(&theirs_bad, v, 10),
                    ],
                    true,
                ),
                page(vec![change(&done_elsewhere, v, 11)], false),
            ]
        };

        // A device without a user creates nothing.
        let anon = Store::open_in_memory().unwrap();
        for p in pages(1) {
            anon.apply_page(&p).unwrap();
        }
        assert_eq!(anon.outbox_len().unwrap(), 0);
        assert_eq!(
            anon.visits_of_firm(mine.id).unwrap(),
            vec![done_elsewhere.clone()]
        );

        let mut s = Store::open_in_memory().unwrap();
        s.set_session(&Session {
            server: "http://sync.test".into(),
            token: "t".into(),
            user: Me {
                user_id: coach.id,
                username: "li".into(),
                name: "李辅导".into(),
                role: Role::Coach,
                team_id: Some(team.id),
                public_url: None,
            },
        })
        .unwrap();
        let [first, last]: [PullResponse; 2] = pages(1).try_into().unwrap();
        s.apply_page(&first).unwrap();
        // Decided at the end of the pull, not mid-way.
        assert!(s.visits_of_firm(mine.id).unwrap().is_empty());
        assert_eq!(s.outbox_len().unwrap(), 0);
        s.apply_page(&last).unwrap();
        let check = |s: &Store| {
            let mut visits = s.visits_of_firm(mine.id).unwrap();
            visits.sort_by_key(|v| v.id);
            let mut want = vec![
                qr_bad
                    .follow_up(qr_bad.follow_up_id(), Some(coach.id), "李辅导")
                    .unwrap(),
                done_elsewhere.clone(),
            ];
            want.sort_by_key(|v| v.id);
            assert_eq!(visits, want);
            let made = s.get::<Visit>(qr_bad.follow_up_id()).unwrap().unwrap();
            assert!(made.notes.starts_with("回访"), "{}", made.notes);
            assert_eq!(made.tasks[0].owner, "李辅导");
            assert_eq!(
                made.tasks[0].due,
                NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
            );
            assert!(s.visits_of_firm(theirs.id).unwrap().is_empty());
            // Only the new follow-up is queued for sync.
            let p = s.pending(10).unwrap();
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].row_id, qr_bad.follow_up_id());
            assert_eq!(p[0].kind, EntityKind::Visit);
        };
        check(&s);
        // A re-pull (a newer version of every row, e.g. a replaced rating) adds nothing.
        for p in pages(2) {
            s.apply_page(&p).unwrap();
        }
        check(&s);
        // Once the coach deleted the follow-up, a re-pull does not bring it back.
        let mut s2 = s;
        s2.delete::<Visit>(qr_bad.follow_up_id()).unwrap();
        for p in pages(3) {
            s2.apply_page(&p).unwrap();
        }
        assert!(s2.get::<Visit>(qr_bad.follow_up_id()).unwrap().is_none());
    }

    #[test]
    fn outbox_becomes_mutations_and_ack_clears_it() {
        let mut s = Store::open_in_memory().unwrap();
        let mut f = firm("济南测试科技有限公司");
        s.put(&f).unwrap();
        f.staff = Some(9);
        s.put(&f).unwrap();
        let p = s.pending(10).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p[0].device_seq < p[1].device_seq);
        assert_eq!(
            p[1].fields,
            json!({"staff": 9}).as_object().cloned().unwrap()
        );
        assert_eq!(p[1].op, Op::Put);
        let outcomes: Vec<MutationOutcome> = p
            .iter()
            .map(|m| MutationOutcome {
                mutation_id: m.mutation_id,
                duplicate: false,
                result: MutationResult::Applied { version: 1 },
            })
            .collect();
        s.acknowledge(&p[..1], &outcomes[..1]).unwrap();
        assert_eq!(s.outbox_len().unwrap(), 1);
        s.acknowledge(&p, &outcomes).unwrap();
        assert_eq!(s.outbox_len().unwrap(), 0);
    }

    #[test]
    fn pulled_rows_keep_pending_local_edits_on_top_and_write_no_outbox() {
        let mut s = Store::open_in_memory().unwrap();
        let mut f = firm("济南测试科技有限公司");
        let server = f.clone();
        s.put(&f).unwrap();
        let p = s.pending(10).unwrap();
        let ok: Vec<_> = p
            .iter()
            .map(|m| MutationOutcome {
                mutation_id: m.mutation_id,
                duplicate: false,
                result: MutationResult::Applied { version: 1 },
            })
            .collect();
        s.acknowledge(&p, &ok).unwrap();
        f.notes = "本地未同步的备注".into();
        s.put(&f).unwrap();
        let mut remote = server.clone();
        remote.staff = Some(50);
        let page = PullResponse {
            changes: vec![change_of(&remote, 2, 7)],
            next_cursor: "{\"t\":7}".into(),
            more: false,
        };
        s.apply_page(&page).unwrap();
        let got: Firm = s.get(f.id).unwrap().unwrap();
        assert_eq!(got.staff, Some(50), "server change applied");
        assert_eq!(got.notes, "本地未同步的备注", "pending edit kept");
        assert_eq!(
            s.row_version(EntityKind::Firm, f.id).unwrap(),
            Some((2, false))
        );
        assert_eq!(s.outbox_len().unwrap(), 1, "applying a page queues nothing");
        assert_eq!(s.cursor().unwrap().as_deref(), Some("{\"t\":7}"));
        let audit = s.audit_of(EntityKind::Firm, f.id).unwrap();
        assert!(audit
            .iter()
            .any(|a| a.source == "sync" && a.field == "staff"));
    }

    #[test]
    fn failed_page_changes_nothing() {
        let s = Store::open_in_memory().unwrap();
        let a = firm("甲公司");
        let mut b = firm("乙公司");
        b.uscc = fudao_core::uscc::compose("91", "370102", "MA3C0010").unwrap();
        let page = PullResponse {
            changes: vec![change_of(&a, 1, 1), change_of(&b, 1, 2)],
            next_cursor: "{\"t\":2}".into(),
            more: false,
        };
        assert!(s.apply_page_failing_after(&page, 1).is_err());
        assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
        assert_eq!(s.cursor().unwrap(), None);
        let audits: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        assert_eq!(audits, 0);
        s.apply_page(&page).unwrap();
        assert_eq!(s.count(EntityKind::Firm).unwrap(), 2);
    }

    #[test]
    fn resolve_mine_queues_the_value_again() {
        let mut s = Store::open_in_memory().unwrap();
        let f = firm("冲突测试公司");
        s.apply_page(&PullResponse {
            changes: vec![change_of(&f, 3, 3)],
            next_cursor: "c".into(),
            more: false,
        })
        .unwrap();
        let c = Conflict {
            id: Uuid::now_v7(),
            conflict_type: ConflictType::Field,
            kind: EntityKind::Firm,
            row_id: f.id,
            team_id: None,
            field: "staff".into(),
            base: Value::Null,
            server: json!(10),
            incoming: json!(20),
            mutation_id: Uuid::now_v7(),
            device_id: s.device_id(),
            user_id: None,
            created_at: Utc::now(),
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        };
        s.store_conflicts(std::slice::from_ref(&c)).unwrap();
        assert_eq!(s.conflicts(true).unwrap().len(), 1);
        let r = s.resolve_conflict(c.id, Keep::Mine).unwrap();
        assert_eq!(r.status, "resolved");
        let got: Firm = s.get(f.id).unwrap().unwrap();
        assert_eq!(got.staff, Some(20));
        let p = s.pending(10).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].base_version, 3);
        assert_eq!(
            p[0].fields,
            json!({"staff": 20}).as_object().cloned().unwrap()
        );
        assert_eq!(
            s.pending_resolutions().unwrap(),
            vec![(c.id, Resolution::Mine)]
        );
        s.resolution_reported(c.id).unwrap();
        assert!(s.pending_resolutions().unwrap().is_empty());
        assert!(s.conflicts(true).unwrap().is_empty());
    }
}
