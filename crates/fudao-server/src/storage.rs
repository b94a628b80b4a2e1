//! Storage behind one trait ([`Tx`]): every server operation runs as one transaction on a
//! blocking thread, against SQLite (rusqlite) or PostgreSQL (tokio-postgres). The protocol
//! logic in [`crate::logic`] is written once against [`Tx`].

use chrono::{DateTime, Utc};
use fudao_core::model::{EntityKind, Team, User};
use fudao_sync::Conflict;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("postgres pool: {0}")]
    Pool(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    #[error("invalid database URL `{0}`: use sqlite:PATH or postgres://…")]
    BadUrl(String),
    #[error("worker thread failed: {0}")]
    Join(String),
    #[error("the database schema is at version {found}, newer than this server knows ({known}); upgrade the server")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("TLS: {0}")]
    Tls(String),
}

impl StoreError {
    /// Transient failures worth retrying the whole transaction for (PostgreSQL deadlock,
    /// serialization failure, a concurrent insert of the same mutation id; SQLite busy).
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Postgres(e) => e.code().is_some_and(|c| {
                let c = c.code();
                c == "40P01" || c == "40001" || c == "23505"
            }),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DatabaseBusy
            }
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Who last changed a field: the row version, the device and its device sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldStamp {
    pub v: i64,
    pub d: Uuid,
    pub s: i64,
}

/// The stamp key recording who deleted (or undeleted) a row.
pub const DELETED_STAMP: &str = "_deleted";

/// A row as the server keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowState {
    pub kind: EntityKind,
    pub row_id: Uuid,
    pub team_id: Option<Uuid>,
    pub seq: i64,
    pub version: i64,
    pub deleted: bool,
    pub data: Map<String, Value>,
    pub stamps: BTreeMap<String, FieldStamp>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
}

/// A pulled row: [`fudao_sync::Change`] with the row's data kept as the stored JSON text, so
/// that a pull never parses and re-serialises the documents it serves. Serialises to the same
/// JSON as `Change` (same fields, same order): the wire format does not change.
#[derive(Debug, Serialize)]
pub struct PulledChange {
    pub seq: i64,
    pub kind: EntityKind,
    pub row_id: Uuid,
    pub team_id: Option<Uuid>,
    pub version: i64,
    pub deleted: bool,
    pub data: Box<serde_json::value::RawValue>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
}

/// A page of a pull as served: [`fudao_sync::PullResponse`] with [`PulledChange`]s.
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    pub next_cursor: String,
    pub more: bool,
}

impl RowState {
    pub fn scope(&self) -> String {
        scope_of(self.team_id)
    }
}

/// The change-sequence scope of a row: its team, or [`fudao_sync::GLOBAL_SCOPE`].
pub fn scope_of(team: Option<Uuid>) -> String {
    team.map(|t| t.to_string())
        .unwrap_or_else(|| fudao_sync::GLOBAL_SCOPE.to_string())
}

/// One accepted field change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub mutation_id: Option<Uuid>,
    pub kind: EntityKind,
    pub row_id: Uuid,
    pub version: i64,
    pub field: String,
    pub old: Value,
    pub new: Value,
    /// Who made the change, by name: the pushing user's name, or the administrator (OS user
    /// or `--actor`) of a server-side command.
    pub actor: Option<String>,
}

/// A processed mutation (the idempotency record).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMutation {
    pub hash: String,
    pub result: String,
    /// The user who pushed it.
    pub user_id: String,
    /// The pushing user's team scope when it was pushed (`None` for records from before
    /// schema version 2).
    pub scope: Option<String>,
}

/// A device, bound to the user who first logged in with it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRecord {
    pub user_id: Uuid,
    /// The highest `device_seq` accepted from the device (`None`: not known, for devices
    /// recorded before schema version 2).
    pub max_seq: Option<i64>,
}

/// Login limiter state of one key (a user name at an address, or an address).
#[derive(Debug, Clone, PartialEq)]
pub struct LimitRecord {
    /// Attempts counted (failed or under way) since `window_start`.
    pub count: i64,
    /// When counting started (address keys) or the last attempt (user keys).
    pub window_start: DateTime<Utc>,
    /// No attempt is let through before this time.
    pub next_at: DateTime<Utc>,
}

/// A security-relevant action (administration, password change, token revocation) and who
/// did it.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityEvent {
    pub at: DateTime<Utc>,
    /// `os:NAME` / `--actor` value for server commands, `user:NAME` for API calls.
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    pub user_id: Uuid,
    /// The device the token was issued to; pushes must name it.
    pub device_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

/// One storage transaction. Implemented by the SQLite and PostgreSQL backends.
pub trait Tx {
    /// Locks the change-sequence counters of `scopes` (sorted, to avoid deadlocks) until the
    /// transaction ends.
    fn lock_scopes(&mut self, scopes: &[String]) -> Result<()>;
    /// Allocates the next change sequence number of `scope`. The counter row stays locked
    /// until commit, so sequence numbers of one scope commit in order.
    fn next_seq(&mut self, scope: &str) -> Result<i64>;
    fn ensure_scope(&mut self, scope: &str) -> Result<()>;
    fn list_scopes(&mut self) -> Result<Vec<String>>;

    fn get_mutation(&mut self, id: Uuid) -> Result<Option<StoredMutation>>;
    #[allow(clippy::too_many_arguments)]
    fn put_mutation(
        &mut self,
        id: Uuid,
        device_id: Uuid,
        user_id: Uuid,
        hash: &str,
        result: &str,
        scope: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// The device record, locked until the transaction ends.
    fn get_device(&mut self, id: Uuid) -> Result<Option<DeviceRecord>>;
    fn put_device(&mut self, id: Uuid, d: &DeviceRecord, at: DateTime<Utc>) -> Result<()>;

    /// Login limiter state of `key`, locked until the transaction ends.
    fn get_limit(&mut self, key: &str) -> Result<Option<LimitRecord>>;
    fn put_limit(&mut self, key: &str, r: &LimitRecord) -> Result<()>;
    fn delete_limit(&mut self, key: &str) -> Result<()>;
    /// Forgets limiter keys whose last attempt is older than `before`.
    fn prune_limits(&mut self, before: DateTime<Utc>) -> Result<()>;

    fn insert_event(&mut self, e: &SecurityEvent) -> Result<()>;
    /// Every security event, oldest first.
    fn events(&mut self) -> Result<Vec<SecurityEvent>>;
    /// The schema version the database is at.
    fn schema_version(&mut self) -> Result<i64>;

    fn get_row(&mut self, kind: EntityKind, row_id: Uuid) -> Result<Option<RowState>>;
    fn put_row(&mut self, row: &RowState) -> Result<()>;
    /// Rows of `scope` with `seq > after`, in sequence order, at most `limit`. For pulls: the
    /// rows come as served, their data unparsed and without their field stamps.
    fn rows_after(&mut self, scope: &str, after: i64, limit: i64) -> Result<Vec<PulledChange>>;
    fn rows_of_kind(&mut self, kind: EntityKind) -> Result<Vec<RowState>>;
    /// The rows of `kind` whose data names `firm_id` (live and deleted), by row id. Indexed
    /// from schema version 3.
    fn rows_of_firm(&mut self, kind: EntityKind, firm_id: Uuid) -> Result<Vec<RowState>>;

    fn insert_audit(&mut self, e: &AuditEntry) -> Result<()>;
    /// The value `field` had at `version`: the `old` value of its first audited change after
    /// `version` (`Null` if none).
    fn value_at(
        &mut self,
        kind: EntityKind,
        row_id: Uuid,
        field: &str,
        version: i64,
    ) -> Result<Value>;
    fn audit_count(&mut self) -> Result<i64>;

    fn insert_conflict(&mut self, c: &Conflict) -> Result<()>;
    fn get_conflict(&mut self, id: Uuid) -> Result<Option<Conflict>>;
    fn update_conflict(&mut self, c: &Conflict) -> Result<()>;
    /// Open conflicts in the given team scopes (`None` = all), oldest first (creation time,
    /// then id), after the conflict `after` names (in that order), at most `limit`.
    fn open_conflicts(
        &mut self,
        scopes: Option<&[String]>,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Conflict>>;

    fn insert_team(&mut self, t: &Team) -> Result<()>;
    fn list_teams(&mut self) -> Result<Vec<Team>>;
    fn find_team(&mut self, name_or_id: &str) -> Result<Option<Team>>;

    fn insert_user(&mut self, u: &UserRecord) -> Result<()>;
    fn update_user(&mut self, u: &UserRecord) -> Result<()>;
    fn user_by_name(&mut self, username: &str) -> Result<Option<UserRecord>>;
    fn user_by_id(&mut self, id: Uuid) -> Result<Option<UserRecord>>;

    fn insert_token(
        &mut self,
        hash: &str,
        user_id: Uuid,
        device_id: Uuid,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()>;
    fn get_token(&mut self, hash: &str) -> Result<Option<TokenRecord>>;
    fn revoke_token(&mut self, hash: &str) -> Result<()>;
    fn revoke_user_tokens(&mut self, user_id: Uuid) -> Result<()>;
}

/// A work item run inside one transaction.
pub type Work<R> = Box<dyn FnOnce(&mut dyn Tx) -> Result<R> + Send>;

/// A storage backend: runs a closure inside one transaction, committing on `Ok`.
pub trait Backend: Send + Sync + 'static {
    /// Runs `f` in a transaction on the calling (blocking) thread.
    fn transact_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    fn name(&self) -> &'static str;
    /// A consistent copy of the database to `to`, taken while the server runs (SQLite's
    /// online backup API). PostgreSQL deployments use `pg_dump` instead.
    fn backup(&self, to: &std::path::Path) -> Result<()>;
}

/// Shared handle to a backend, usable from async code.
#[derive(Clone)]
pub struct Storage {
    backend: Arc<dyn Backend>,
}

impl Storage {
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Storage { backend }
    }

    /// Opens `sqlite:PATH` or `postgres://…` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_at(url, None).await
    }

    /// Opens the database and migrates it to schema version `upto` (`None`: the latest).
    /// Older versions are for migration tests.
    pub async fn open_at(url: &str, upto: Option<usize>) -> Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let b = crate::sqlite::SqliteBackend::open_at(path, upto)?;
            Ok(Storage::new(Arc::new(b)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let b = crate::postgres::PgBackend::open_at(url, upto).await?;
            Ok(Storage::new(Arc::new(b)))
        } else {
            Err(StoreError::BadUrl(url.to_string()))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// See [`Backend::backup`].
    pub async fn backup(&self, to: std::path::PathBuf) -> Result<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.backend.backup(&to))
            .await
            .map_err(|e| StoreError::Join(e.to_string()))?
    }

    /// Runs `f` in one transaction on the calling thread, retrying transient failures.
    pub fn run_blocking<R, F>(&self, mut f: F) -> Result<R>
    where
        F: FnMut(&mut dyn Tx) -> Result<R>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut out = None;
            let r = self.backend.transact_dyn(&mut |tx| {
                out = Some(f(tx)?);
                Ok(())
            });
            match r {
                Ok(()) => {
                    return out.ok_or_else(|| StoreError::Corrupt("no result".into()));
                }
                Err(e) if e.is_retryable() && attempt < 5 => {
                    std::thread::sleep(std::time::Duration::from_millis(5 * attempt));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Runs `f` in one transaction on a blocking thread.
    pub async fn run<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnMut(&mut dyn Tx) -> Result<R> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.run_blocking(f))
            .await
            .map_err(|e| StoreError::Join(e.to_string()))?
    }
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("uuid {s}: {e}")))
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s}: {e}")))
}

pub(crate) fn parse_kind(s: &str) -> Result<EntityKind> {
    EntityKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("kind {s}")))
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(crate) fn time_str(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Reassembles a conflict from its stored columns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn conflict_from_parts(
    id: &str,
    ctype: &str,
    kind: &str,
    row_id: &str,
    team_id: Option<&str>,
    field: &str,
    base: &str,
    server: &str,
    incoming: &str,
    mutation_id: &str,
    device_id: &str,
    user_id: Option<&str>,
    created_at: &str,
    resolved_at: Option<&str>,
    resolved_by: Option<&str>,
    resolution: Option<&str>,
) -> Result<Conflict> {
    Ok(Conflict {
        id: parse_uuid(id)?,
        conflict_type: fudao_sync::ConflictType::parse(ctype)
            .ok_or_else(|| StoreError::Corrupt(format!("conflict type {ctype}")))?,
        kind: parse_kind(kind)?,
        row_id: parse_uuid(row_id)?,
        team_id: team_id.map(parse_uuid).transpose()?,
        field: field.to_string(),
        base: parse_json(base)?,
        server: parse_json(server)?,
        incoming: parse_json(incoming)?,
        mutation_id: parse_uuid(mutation_id)?,
        device_id: parse_uuid(device_id)?,
        user_id: user_id.map(parse_uuid).transpose()?,
        created_at: parse_time(created_at)?,
        resolved_at: resolved_at.map(parse_time).transpose()?,
        resolved_by: resolved_by.map(parse_uuid).transpose()?,
        resolution: resolution.map(str::to_string),
    })
}

#[cfg(test)]
mod pulled_change_tests {
    use super::*;

    /// A pulled row served from its stored text reads exactly as the `Change` it stands for.
    #[test]
    fn pulled_change_serialises_as_change() {
        let data: Map<String, Value> = serde_json::from_str(
            r#"{"id":"x","name":"济南\"引号\"科技","staff":20,"tags":["a"],"ratio":0.25,"n":null}"#,
        )
        .unwrap();
        let stored = serde_json::to_string(&data).unwrap();
        let at: DateTime<Utc> = "2026-11-26T08:30:00.123456Z".parse().unwrap();
        for (team, by) in [(None, None), (Some(Uuid::now_v7()), Some(Uuid::now_v7()))] {
            let change = fudao_sync::Change {
                seq: 7,
                kind: EntityKind::Firm,
                row_id: Uuid::now_v7(),
                team_id: team,
                version: 3,
                deleted: true,
                data: Value::Object(data.clone()),
                updated_at: at,
                updated_by: by,
            };
            let pulled = PulledChange {
                seq: change.seq,
                kind: change.kind,
                row_id: change.row_id,
                team_id: change.team_id,
                version: change.version,
                deleted: change.deleted,
                data: serde_json::value::RawValue::from_string(stored.clone()).unwrap(),
                updated_at: at,
                updated_by: by,
            };
            let page = |c| fudao_sync::PullResponse {
                changes: vec![c],
                next_cursor: "{\"t\":7}".into(),
                more: false,
            };
            let served = PullPage {
                changes: vec![pulled],
                next_cursor: "{\"t\":7}".into(),
                more: false,
            };
            assert_eq!(
                serde_json::to_string(&served).unwrap(),
                serde_json::to_string(&page(change.clone())).unwrap()
            );
            let back: fudao_sync::PullResponse =
                serde_json::from_str(&serde_json::to_string(&served).unwrap()).unwrap();
            assert_eq!(back, page(change));
        }
    }
}
