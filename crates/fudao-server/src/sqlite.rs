//! SQLite backend (rusqlite, bundled). One connection behind a mutex: SQLite has a single
//! writer anyway, and `BEGIN IMMEDIATE` makes every transaction a writer, so change
//! sequences commit in order by construction.

use crate::storage::*;
use chrono::{DateTime, Utc};
use fudao_core::model::{EntityKind, Team};
use fudao_sync::Conflict;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::sync::Mutex;
use uuid::Uuid;

/// Numbered schema migrations: entry `i` brings the database to version `i + 1`. Never edit a
/// shipped migration; add one. Version 1 is the schema of the first release (written with
/// `IF NOT EXISTS`, so a database made before versions were recorded adopts it unchanged).
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

use crate::schema::schema_v1;

const V1: &str = schema_v1!(
    int = "INTEGER",
    bool = "INTEGER",
    false = "0",
    serial_key = "INTEGER PRIMARY KEY",
    insert_global = "INSERT OR IGNORE INTO scope_seq(scope, seq) VALUES ('global', 0);",
);

/// Version 2: devices bound to users, idempotency records scoped to a team, the audit names
/// its actor, login limiter state, security log.
const V2: &str = r#"
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, max_seq INTEGER, created_at TEXT NOT NULL
);
INSERT OR IGNORE INTO devices(device_id, user_id, max_seq, created_at)
    SELECT device_id, min(user_id), NULL, min(at) FROM mutations GROUP BY device_id;
INSERT OR IGNORE INTO devices(device_id, user_id, max_seq, created_at)
    SELECT device_id, min(user_id), NULL, min(created_at) FROM tokens GROUP BY device_id;
ALTER TABLE mutations ADD COLUMN scope TEXT;
ALTER TABLE audit ADD COLUMN actor TEXT;
CREATE TABLE login_limits (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, window_start TEXT NOT NULL, next_at TEXT NOT NULL
);
CREATE TABLE security_log (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL
);
"#;

/// Version 3: rows found by the firm they belong to (the feedback page closes a link at the
/// coach's next visit of the firm).
const V3: &str = r#"
CREATE INDEX rows_firm ON rows(kind, json_extract(data, '$.firm_id'));
"#;

/// Applies the migrations after the database's recorded version, up to `upto` (all when
/// `None`), in one `IMMEDIATE` transaction (a second process waits for the write lock and
/// then finds the work done).
pub fn migrate(conn: &Connection, upto: Option<usize>) -> Result<()> {
    let txn = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    txn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let current: i64 = txn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    let target = upto.unwrap_or(MIGRATIONS.len()).min(MIGRATIONS.len());
    for (i, sql) in MIGRATIONS.iter().enumerate().take(target) {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        txn.execute_batch(sql)?;
        txn.execute(
            "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)",
            params![version, time_str(Utc::now())],
        )?;
        tracing::info!(version, "server database migrated");
    }
    txn.commit()?;
    Ok(())
}

pub struct SqliteBackend {
    conn: Mutex<Connection>,
}

impl SqliteBackend {
    pub fn open(path: &str) -> Result<Self> {
        Self::open_at(path, None)
    }

    /// Opens the database and migrates it to version `upto` (`None`: the latest).
    pub fn open_at(path: &str, upto: Option<usize>) -> Result<Self> {
        let conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&conn, upto)?;
        Ok(SqliteBackend {
            conn: Mutex::new(conn),
        })
    }
}

impl Backend for SqliteBackend {
    fn transact_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        // A panic in an earlier transaction poisons the mutex; the connection itself is fine
        // (the transaction was rolled back when its guard dropped).
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let txn =
            rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)?;
        let mut tx = SqliteTx { c: &txn };
        f(&mut tx)?;
        txn.commit()?;
        Ok(())
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn backup(&self, to: &std::path::Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists; choose a new file",
                to.display()
            )));
        }
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut dst = Connection::open(to)?;
        {
            // Online backup: copies pages in steps; writers in other processes may continue.
            let b = rusqlite::backup::Backup::new(&conn, &mut dst)?;
            b.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        }
        let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(StoreError::Corrupt(format!("backup integrity check: {ok}")));
        }
        Ok(())
    }
}

struct SqliteTx<'a> {
    c: &'a Connection,
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        kind: r.get(0)?,
        row_id: r.get(1)?,
        team_id: r.get(2)?,
        seq: r.get(3)?,
        version: r.get(4)?,
        deleted: r.get::<_, i64>(5)? != 0,
        data: r.get(6)?,
        stamps: r.get(7)?,
        updated_at: r.get(8)?,
        updated_by: r.get(9)?,
    })
}

/// A row as read from either backend, before parsing.
pub(crate) struct RawRow {
    pub kind: String,
    pub row_id: String,
    pub team_id: Option<String>,
    pub seq: i64,
    pub version: i64,
    pub deleted: bool,
    pub data: String,
    pub stamps: String,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl RawRow {
    pub fn parse(self) -> Result<RowState> {
        Ok(RowState {
            kind: parse_kind(&self.kind)?,
            row_id: parse_uuid(&self.row_id)?,
            team_id: self.team_id.as_deref().map(parse_uuid).transpose()?,
            seq: self.seq,
            version: self.version,
            deleted: self.deleted,
            data: parse_json(&self.data)?,
            stamps: parse_json(&self.stamps)?,
            updated_at: parse_time(&self.updated_at)?,
            updated_by: self.updated_by.as_deref().map(parse_uuid).transpose()?,
        })
    }
    /// The row as pulled: its data checked to be JSON but not parsed into a document.
    pub fn pulled(self) -> Result<PulledChange> {
        Ok(PulledChange {
            seq: self.seq,
            kind: parse_kind(&self.kind)?,
            row_id: parse_uuid(&self.row_id)?,
            team_id: self.team_id.as_deref().map(parse_uuid).transpose()?,
            version: self.version,
            deleted: self.deleted,
            data: serde_json::value::RawValue::from_string(self.data)
                .map_err(|e| StoreError::Corrupt(format!("json: {e}")))?,
            updated_at: parse_time(&self.updated_at)?,
            updated_by: self.updated_by.as_deref().map(parse_uuid).transpose()?,
        })
    }
}

const ROW_COLS: &str =
    "kind, row_id, team_id, seq, version, deleted, data, stamps, updated_at, updated_by";
/// [`ROW_COLS`] without the stamps (pulls do not need them; parsing them is costly).
pub(crate) const PULL_COLS: &str =
    "kind, row_id, team_id, seq, version, deleted, data, '{}', updated_at, updated_by";
const CONFLICT_COLS: &str = "id, ctype, kind, row_id, team_id, field, base, server, incoming, mutation_id, device_id, user_id, created_at, resolved_at, resolved_by, resolution";

fn conflict_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 16]> {
    let mut out: [Option<String>; 16] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(out)
}

pub(crate) fn conflict_parts(p: [Option<String>; 16]) -> Result<Conflict> {
    let s = |i: usize| p[i].as_deref().unwrap_or("");
    conflict_from_parts(
        s(0),
        s(1),
        s(2),
        s(3),
        p[4].as_deref(),
        s(5),
        s(6),
        s(7),
        s(8),
        s(9),
        s(10),
        p[11].as_deref(),
        s(12),
        p[13].as_deref(),
        p[14].as_deref(),
        p[15].as_deref(),
    )
}

fn opt_uuid(u: Option<Uuid>) -> Option<String> {
    u.map(|u| u.to_string())
}

impl Tx for SqliteTx<'_> {
    fn lock_scopes(&mut self, _scopes: &[String]) -> Result<()> {
        // BEGIN IMMEDIATE already holds the database's single write lock.
        Ok(())
    }
    fn next_seq(&mut self, scope: &str) -> Result<i64> {
        self.ensure_scope(scope)?;
        Ok(self.c.query_row(
            "UPDATE scope_seq SET seq = seq + 1 WHERE scope = ?1 RETURNING seq",
            params![scope],
            |r| r.get(0),
        )?)
    }
    fn ensure_scope(&mut self, scope: &str) -> Result<()> {
        self.c.execute(
            "INSERT OR IGNORE INTO scope_seq(scope, seq) VALUES (?1, 0)",
            params![scope],
        )?;
        Ok(())
    }
    fn list_scopes(&mut self) -> Result<Vec<String>> {
        let mut st = self
            .c
            .prepare_cached("SELECT scope FROM scope_seq ORDER BY scope")?;
        let v = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(v)
    }

    fn get_mutation(&mut self, id: Uuid) -> Result<Option<StoredMutation>> {
        Ok(self
            .c
            .query_row(
                "SELECT hash, result, user_id, scope FROM mutations WHERE mutation_id = ?1",
                params![id.to_string()],
                |r| {
                    Ok(StoredMutation {
                        hash: r.get(0)?,
                        result: r.get(1)?,
                        user_id: r.get(2)?,
                        scope: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }
    fn put_mutation(
        &mut self,
        id: Uuid,
        device_id: Uuid,
        user_id: Uuid,
        hash: &str,
        result: &str,
        scope: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.c.execute(
            "INSERT INTO mutations(mutation_id, device_id, user_id, hash, result, scope, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id.to_string(), device_id.to_string(), user_id.to_string(), hash, result, scope, time_str(at)],
        )?;
        Ok(())
    }

    fn get_device(&mut self, id: Uuid) -> Result<Option<DeviceRecord>> {
        let r: Option<(String, Option<i64>)> = self
            .c
            .query_row(
                "SELECT user_id, max_seq FROM devices WHERE device_id = ?1",
                params![id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        r.map(|(u, m)| {
            Ok(DeviceRecord {
                user_id: parse_uuid(&u)?,
                max_seq: m,
            })
        })
        .transpose()
    }
    fn put_device(&mut self, id: Uuid, d: &DeviceRecord, at: DateTime<Utc>) -> Result<()> {
        self.c.execute(
            "INSERT INTO devices(device_id, user_id, max_seq, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(device_id) DO UPDATE SET user_id = excluded.user_id, max_seq = excluded.max_seq",
            params![id.to_string(), d.user_id.to_string(), d.max_seq, time_str(at)],
        )?;
        Ok(())
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<LimitRecord>> {
        let r: Option<(i64, String, String)> = self
            .c
            .query_row(
                "SELECT count, window_start, next_at FROM login_limits WHERE key = ?1",
                params![key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        r.map(|(count, w, n)| {
            Ok(LimitRecord {
                count,
                window_start: parse_time(&w)?,
                next_at: parse_time(&n)?,
            })
        })
        .transpose()
    }
    fn put_limit(&mut self, key: &str, r: &LimitRecord) -> Result<()> {
        self.c.execute(
            "INSERT INTO login_limits(key, count, window_start, next_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET count = excluded.count,
               window_start = excluded.window_start, next_at = excluded.next_at",
            params![key, r.count, time_str(r.window_start), time_str(r.next_at)],
        )?;
        Ok(())
    }
    fn delete_limit(&mut self, key: &str) -> Result<()> {
        self.c
            .execute("DELETE FROM login_limits WHERE key = ?1", params![key])?;
        Ok(())
    }
    fn prune_limits(&mut self, before: DateTime<Utc>) -> Result<()> {
        let b = time_str(before);
        self.c.execute(
            "DELETE FROM login_limits WHERE window_start < ?1 AND next_at < ?1",
            params![b],
        )?;
        Ok(())
    }

    fn insert_event(&mut self, e: &SecurityEvent) -> Result<()> {
        self.c.execute(
            "INSERT INTO security_log(at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![time_str(e.at), e.actor, e.action, e.target, e.detail],
        )?;
        Ok(())
    }
    fn events(&mut self) -> Result<Vec<SecurityEvent>> {
        let mut st = self
            .c
            .prepare("SELECT at, actor, action, target, detail FROM security_log ORDER BY id")?;
        let v = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        v.into_iter()
            .map(|(at, actor, action, target, detail)| {
                Ok(SecurityEvent {
                    at: parse_time(&at)?,
                    actor,
                    action,
                    target,
                    detail,
                })
            })
            .collect()
    }
    fn schema_version(&mut self) -> Result<i64> {
        Ok(self.c.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?)
    }

    fn get_row(&mut self, kind: EntityKind, row_id: Uuid) -> Result<Option<RowState>> {
        let mut st = self.c.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM rows WHERE kind = ?1 AND row_id = ?2"
        ))?;
        st.query_row(params![kind.as_str(), row_id.to_string()], row_from)
            .optional()?
            .map(RawRow::parse)
            .transpose()
    }
    fn put_row(&mut self, row: &RowState) -> Result<()> {
        let mut st = self.c.prepare_cached(
            "INSERT INTO rows(kind, row_id, team_id, scope, seq, version, deleted, data, stamps, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(kind, row_id) DO UPDATE SET team_id = excluded.team_id, scope = excluded.scope,
               seq = excluded.seq, version = excluded.version, deleted = excluded.deleted,
               data = excluded.data, stamps = excluded.stamps, updated_at = excluded.updated_at,
               updated_by = excluded.updated_by",
        )?;
        st.execute(params![
            row.kind.as_str(),
            row.row_id.to_string(),
            opt_uuid(row.team_id),
            row.scope(),
            row.seq,
            row.version,
            row.deleted as i64,
            to_json(&row.data),
            to_json(&row.stamps),
            time_str(row.updated_at),
            opt_uuid(row.updated_by),
        ])?;
        Ok(())
    }
    fn rows_after(&mut self, scope: &str, after: i64, limit: i64) -> Result<Vec<PulledChange>> {
        let mut st = self.c.prepare_cached(&format!(
            "SELECT {PULL_COLS} FROM rows WHERE scope = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))?;
        let raw = st
            .query_map(params![scope, after, limit], row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter().map(RawRow::pulled).collect()
    }
    fn rows_of_kind(&mut self, kind: EntityKind) -> Result<Vec<RowState>> {
        let mut st = self.c.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM rows WHERE kind = ?1 ORDER BY row_id"
        ))?;
        let raw = st
            .query_map(params![kind.as_str()], row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter().map(RawRow::parse).collect()
    }

    fn rows_of_firm(&mut self, kind: EntityKind, firm_id: Uuid) -> Result<Vec<RowState>> {
        let mut st = self.c.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM rows WHERE kind = ?1 AND json_extract(data, '$.firm_id') = ?2 ORDER BY row_id"
        ))?;
        let raw = st
            .query_map(params![kind.as_str(), firm_id.to_string()], row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter().map(RawRow::parse).collect()
    }

    fn insert_audit(&mut self, e: &AuditEntry) -> Result<()> {
        let mut st = self.c.prepare_cached(
            "INSERT INTO audit(at, user_id, device_id, mutation_id, kind, row_id, version, field, old, new, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        st.execute(params![
            time_str(e.at),
            opt_uuid(e.user_id),
            opt_uuid(e.device_id),
            opt_uuid(e.mutation_id),
            e.kind.as_str(),
            e.row_id.to_string(),
            e.version,
            e.field,
            to_json(&e.old),
            to_json(&e.new),
            e.actor,
        ])?;
        Ok(())
    }
    fn value_at(
        &mut self,
        kind: EntityKind,
        row_id: Uuid,
        field: &str,
        version: i64,
    ) -> Result<Value> {
        let old: Option<String> = self
            .c
            .query_row(
                "SELECT old FROM audit WHERE kind = ?1 AND row_id = ?2 AND field = ?3 AND version > ?4
                 ORDER BY version LIMIT 1",
                params![kind.as_str(), row_id.to_string(), field, version],
                |r| r.get(0),
            )
            .optional()?;
        old.map(|s| parse_json(&s))
            .transpose()
            .map(|v| v.unwrap_or(Value::Null))
    }
    fn audit_count(&mut self) -> Result<i64> {
        Ok(self
            .c
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?)
    }

    fn insert_conflict(&mut self, c: &Conflict) -> Result<()> {
        self.c.execute(
            &format!("INSERT INTO conflicts({CONFLICT_COLS}, scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"),
            params![
                c.id.to_string(),
                c.conflict_type.as_str(),
                c.kind.as_str(),
                c.row_id.to_string(),
                opt_uuid(c.team_id),
                c.field,
                to_json(&c.base),
                to_json(&c.server),
                to_json(&c.incoming),
                c.mutation_id.to_string(),
                c.device_id.to_string(),
                opt_uuid(c.user_id),
                time_str(c.created_at),
                c.resolved_at.map(time_str),
                opt_uuid(c.resolved_by),
                c.resolution,
                scope_of(c.team_id),
            ],
        )?;
        Ok(())
    }
    fn get_conflict(&mut self, id: Uuid) -> Result<Option<Conflict>> {
        self.c
            .query_row(
                &format!("SELECT {CONFLICT_COLS} FROM conflicts WHERE id = ?1"),
                params![id.to_string()],
                conflict_from,
            )
            .optional()?
            .map(conflict_parts)
            .transpose()
    }
    fn update_conflict(&mut self, c: &Conflict) -> Result<()> {
        self.c.execute(
            "UPDATE conflicts SET resolved_at = ?2, resolved_by = ?3, resolution = ?4 WHERE id = ?1",
            params![
                c.id.to_string(),
                c.resolved_at.map(time_str),
                opt_uuid(c.resolved_by),
                c.resolution
            ],
        )?;
        Ok(())
    }
    fn open_conflicts(
        &mut self,
        scopes: Option<&[String]>,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Conflict>> {
        // The scopes as a JSON array (`json_each`), so that the filter and the limit are both
        // in SQL; the page starts after the named conflict's (created_at, id).
        let scopes = scopes.map(|s| serde_json::to_string(s).unwrap_or_default());
        let mut st = self.c.prepare_cached(&format!(
            "SELECT {CONFLICT_COLS} FROM conflicts WHERE resolved_at IS NULL \
             AND (?1 IS NULL OR scope IN (SELECT value FROM json_each(?1))) \
             AND (?2 IS NULL OR (created_at, id) > (SELECT created_at, id FROM conflicts WHERE id = ?2)) \
             ORDER BY created_at, id LIMIT ?3"
        ))?;
        let rows = st
            .query_map(
                params![scopes, after.map(|a| a.to_string()), limit as i64],
                conflict_from,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(conflict_parts).collect()
    }

    fn insert_team(&mut self, t: &Team) -> Result<()> {
        self.c.execute(
            "INSERT INTO teams(id, name, data) VALUES (?1, ?2, ?3)",
            params![t.id.to_string(), t.name, to_json(t)],
        )?;
        Ok(())
    }
    fn list_teams(&mut self) -> Result<Vec<Team>> {
        let mut st = self
            .c
            .prepare_cached("SELECT data FROM teams ORDER BY name")?;
        let v = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        v.iter().map(|s| parse_json(s)).collect()
    }
    fn find_team(&mut self, name_or_id: &str) -> Result<Option<Team>> {
        let s: Option<String> = self
            .c
            .query_row(
                "SELECT data FROM teams WHERE name = ?1 OR id = ?1",
                params![name_or_id],
                |r| r.get(0),
            )
            .optional()?;
        s.map(|s| parse_json(&s)).transpose()
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<()> {
        self.c.execute(
            "INSERT INTO users(id, username, data, password_hash) VALUES (?1, ?2, ?3, ?4)",
            params![
                u.user.id.to_string(),
                u.user.username,
                to_json(&u.user),
                u.password_hash
            ],
        )?;
        Ok(())
    }
    fn update_user(&mut self, u: &UserRecord) -> Result<()> {
        self.c.execute(
            "UPDATE users SET username = ?2, data = ?3, password_hash = ?4 WHERE id = ?1",
            params![
                u.user.id.to_string(),
                u.user.username,
                to_json(&u.user),
                u.password_hash
            ],
        )?;
        Ok(())
    }
    fn user_by_name(&mut self, username: &str) -> Result<Option<UserRecord>> {
        let r: Option<(String, String)> = self
            .c
            .query_row(
                "SELECT data, password_hash FROM users WHERE username = ?1",
                params![username],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        r.map(|(d, h)| {
            Ok(UserRecord {
                user: parse_json(&d)?,
                password_hash: h,
            })
        })
        .transpose()
    }
    fn user_by_id(&mut self, id: Uuid) -> Result<Option<UserRecord>> {
        let r: Option<(String, String)> = self
            .c
            .query_row(
                "SELECT data, password_hash FROM users WHERE id = ?1",
                params![id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        r.map(|(d, h)| {
            Ok(UserRecord {
                user: parse_json(&d)?,
                password_hash: h,
            })
        })
        .transpose()
    }

    fn insert_token(
        &mut self,
        hash: &str,
        user_id: Uuid,
        device_id: Uuid,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        self.c.execute(
            "INSERT INTO tokens(hash, user_id, device_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, user_id.to_string(), device_id.to_string(), time_str(created), time_str(expires)],
        )?;
        Ok(())
    }
    fn get_token(&mut self, hash: &str) -> Result<Option<TokenRecord>> {
        let r: Option<(String, String, i64, String)> = self
            .c
            .query_row(
                "SELECT user_id, expires_at, revoked, device_id FROM tokens WHERE hash = ?1",
                params![hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        r.map(|(u, e, rv, d)| {
            Ok(TokenRecord {
                user_id: parse_uuid(&u)?,
                device_id: parse_uuid(&d)?,
                expires_at: parse_time(&e)?,
                revoked: rv != 0,
            })
        })
        .transpose()
    }
    fn revoke_token(&mut self, hash: &str) -> Result<()> {
        self.c.execute(
            "UPDATE tokens SET revoked = 1 WHERE hash = ?1",
            params![hash],
        )?;
        Ok(())
    }
    fn revoke_user_tokens(&mut self, user_id: Uuid) -> Result<()> {
        self.c.execute(
            "UPDATE tokens SET revoked = 1 WHERE user_id = ?1",
            params![user_id.to_string()],
        )?;
        Ok(())
    }
}
