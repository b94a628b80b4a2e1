//! The client side of sync: the outbox as protocol mutations, push acknowledgements, pulled
//! pages applied with their cursor in one transaction (re-applying unsynced local edits on
//! top), and the local copy of conflicts with their resolution.
//!
//! Nothing here talks to the network: `fudao_sync::engine` drives it through
//! [`fudao_sync::replica::LocalReplica`], implemented for [`Store`] below.

use crate::codec::Doc;
use crate::rows::{self, parse_doc, Source};
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

mod pull;
use pull::*;

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
    /// "1" when the last sync found more open conflicts on the server than it keeps here.
    pub const CONFLICTS_MORE: &str = "sync_conflicts_more";
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
        deferred_index: None,
        kpi_writes: std::sync::Arc::clone(&store.kpi_writes),
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

    /// Applies pages in one transaction but fails after `fail_after` rows of the batch (tests
    /// of crash safety): nothing of any of the pages, nor their cursor, is kept.
    #[doc(hidden)]
    pub fn apply_pages_failing_after(
        &self,
        pages: &[PullResponse],
        fail_after: usize,
    ) -> Result<()> {
        apply_pages(self, pages, Some(fail_after))
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
                    r.get::<_, Doc>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, v, d, data)| {
                let doc = parse_doc(kind, &id, data)?;
                Ok((parse_uuid(&id)?, v, d, doc))
            })
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
            Ok((r.get::<_, String>(0)?, r.get::<_, Doc>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(op, f)| Ok((op, parse_doc(kind, &id.to_string(), f)?)))
        .collect()
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
                    r.get::<_, Doc>(7)?,
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
                    fields: fields
                        .into_text()
                        .map_err(|e| bad(&e))
                        .and_then(|t| serde_json::from_str(&t).map_err(|e| bad(&e.to_string())))?,
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

    fn apply_pages(&self, pages: &[PullResponse]) -> Result<()> {
        apply_pages(self, pages, None)
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
        let open: std::collections::HashSet<String> =
            conflicts.iter().map(|c| c.id.to_string()).collect();
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
mod tests;
