//! PostgreSQL backend (tokio-postgres with a deadpool pool). Transactions run on a blocking
//! thread and drive the async driver with the runtime handle, so the protocol logic is shared
//! with the SQLite backend. Change sequences: the per-scope counter row is updated (and so
//! row-locked) inside the writing transaction, so sequence numbers of one team commit in
//! order and a reader can never see seq n+1 without seq n.

use crate::schema::schema_v1;
use crate::sqlite::{conflict_parts, RawRow, PULL_COLS};
use crate::storage::*;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use fudao_core::model::{EntityKind, Team};
use fudao_sync::Conflict;
use serde_json::Value;
use std::str::FromStr;
use tokio::runtime::Handle;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;

/// Numbered schema migrations (see [`crate::sqlite::MIGRATIONS`]): entry `i` brings the
/// database to version `i + 1`; applied in one transaction under an advisory lock.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

const V1: &str = schema_v1!(
    int = "BIGINT",
    bool = "BOOLEAN",
    false = "FALSE",
    serial_key = "BIGSERIAL PRIMARY KEY",
    insert_global =
        "INSERT INTO scope_seq(scope, seq) VALUES ('global', 0) ON CONFLICT DO NOTHING;",
);

const V2: &str = r#"
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, max_seq BIGINT, created_at TEXT NOT NULL
);
INSERT INTO devices(device_id, user_id, max_seq, created_at)
    SELECT device_id, min(user_id), NULL, min(at) FROM mutations GROUP BY device_id
    ON CONFLICT DO NOTHING;
INSERT INTO devices(device_id, user_id, max_seq, created_at)
    SELECT device_id, min(user_id), NULL, min(created_at) FROM tokens GROUP BY device_id
    ON CONFLICT DO NOTHING;
ALTER TABLE mutations ADD COLUMN scope TEXT;
ALTER TABLE audit ADD COLUMN actor TEXT;
CREATE TABLE login_limits (
    key TEXT PRIMARY KEY, count BIGINT NOT NULL, window_start TEXT NOT NULL, next_at TEXT NOT NULL
);
CREATE TABLE security_log (
    id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL
);
"#;

/// Version 3: rows found by the firm they belong to (see [`crate::sqlite::MIGRATIONS`]).
const V3: &str = r#"
CREATE INDEX rows_firm ON rows(kind, ((data::jsonb) ->> 'firm_id'));
"#;

pub struct PgBackend {
    pool: Pool,
    handle: Handle,
}

impl PgBackend {
    /// Connects and migrates the schema to the latest version. Call from within a tokio
    /// runtime.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_at(url, None).await
    }

    /// Connects and migrates the schema to version `upto` (`None`: the latest). TLS when
    /// the URL asks for it (`sslmode=require|verify-ca|verify-full`, see [`crate::pgtls`]).
    pub async fn open_at(url: &str, upto: Option<usize>) -> Result<Self> {
        let (url, tls) = crate::pgtls::split_sslmode(url)?;
        let cfg = tokio_postgres::Config::from_str(&url)?;
        let mc = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let mgr = match tls {
            None => Manager::from_config(cfg, NoTls, mc),
            Some(t) => Manager::from_config(cfg, t, mc),
        };
        let pool = Pool::builder(mgr)
            .max_size(32)
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let mut client = pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let t = client.transaction().await?;
        // Several servers may start at once against one database: the second waits for the
        // lock and then finds the migrations applied.
        t.execute("SELECT pg_advisory_xact_lock(704231)", &[])
            .await?;
        t.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .await?;
        let current: i64 = t
            .query_one(
                "SELECT coalesce(max(version), 0)::BIGINT FROM schema_version",
                &[],
            )
            .await?
            .get(0);
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
            t.batch_execute(sql).await?;
            t.execute(
                "INSERT INTO schema_version(version, applied_at) VALUES ($1, $2)",
                &[&version, &time_str(Utc::now())],
            )
            .await?;
            tracing::info!(version, "server database migrated");
        }
        t.commit().await?;
        Ok(PgBackend {
            pool,
            handle: Handle::current(),
        })
    }
}

impl Backend for PgBackend {
    fn transact_dyn(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let h = &self.handle;
        let mut client = h
            .block_on(self.pool.get())
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let txn = h.block_on(client.transaction())?;
        let mut tx = PgTx { t: &txn, h };
        f(&mut tx)?;
        h.block_on(txn.commit())?;
        Ok(())
    }
    fn name(&self) -> &'static str {
        "postgres"
    }
    fn backup(&self, _to: &std::path::Path) -> Result<()> {
        Err(StoreError::Conflict(
            "PostgreSQL: back up with pg_dump (see docs/sync.md)".into(),
        ))
    }
}

struct PgTx<'a> {
    t: &'a deadpool_postgres::Transaction<'a>,
    h: &'a Handle,
}

type P<'a> = &'a (dyn ToSql + Sync);

/// Statements are prepared once per pooled connection (deadpool's statement cache): a
/// statement given as text would cost a round trip to prepare on every call.
impl PgTx<'_> {
    fn prepared(&self, sql: &str) -> Result<tokio_postgres::Statement> {
        Ok(self.h.block_on(self.t.prepare_cached(sql))?)
    }
    fn exec(&self, sql: &str, p: &[P<'_>]) -> Result<u64> {
        let st = self.prepared(sql)?;
        Ok(self.h.block_on(self.t.execute(&st, p))?)
    }
    fn opt(&self, sql: &str, p: &[P<'_>]) -> Result<Option<Row>> {
        let st = self.prepared(sql)?;
        Ok(self.h.block_on(self.t.query_opt(&st, p))?)
    }
    fn all(&self, sql: &str, p: &[P<'_>]) -> Result<Vec<Row>> {
        let st = self.prepared(sql)?;
        Ok(self.h.block_on(self.t.query(&st, p))?)
    }
}

const ROW_COLS: &str =
    "kind, row_id, team_id, seq, version, deleted, data, stamps, updated_at, updated_by";
const CONFLICT_COLS: &str = "id, ctype, kind, row_id, team_id, field, base, server, incoming, mutation_id, device_id, user_id, created_at, resolved_at, resolved_by, resolution";

fn raw(r: &Row) -> RawRow {
    RawRow {
        kind: r.get(0),
        row_id: r.get(1),
        team_id: r.get(2),
        seq: r.get(3),
        version: r.get(4),
        deleted: r.get(5),
        data: r.get(6),
        stamps: r.get(7),
        updated_at: r.get(8),
        updated_by: r.get(9),
    }
}

fn conflict(r: &Row) -> Result<Conflict> {
    let mut p: [Option<String>; 16] = Default::default();
    for (i, slot) in p.iter_mut().enumerate() {
        *slot = r.get(i);
    }
    conflict_parts(p)
}

fn ou(u: Option<Uuid>) -> Option<String> {
    u.map(|u| u.to_string())
}

impl Tx for PgTx<'_> {
    fn lock_scopes(&mut self, scopes: &[String]) -> Result<()> {
        let mut s: Vec<String> = scopes.to_vec();
        s.sort();
        s.dedup();
        for sc in &s {
            self.ensure_scope(sc)?;
        }
        self.all(
            "SELECT seq FROM scope_seq WHERE scope = ANY($1) ORDER BY scope FOR UPDATE",
            &[&s],
        )?;
        Ok(())
    }
    fn next_seq(&mut self, scope: &str) -> Result<i64> {
        self.ensure_scope(scope)?;
        let r = self
            .opt(
                "UPDATE scope_seq SET seq = seq + 1 WHERE scope = $1 RETURNING seq",
                &[&scope],
            )?
            .ok_or_else(|| StoreError::Corrupt(format!("scope {scope} missing")))?;
        Ok(r.get(0))
    }
    fn ensure_scope(&mut self, scope: &str) -> Result<()> {
        self.exec(
            "INSERT INTO scope_seq(scope, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING",
            &[&scope],
        )?;
        Ok(())
    }
    fn list_scopes(&mut self) -> Result<Vec<String>> {
        Ok(self
            .all("SELECT scope FROM scope_seq ORDER BY scope", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn get_mutation(&mut self, id: Uuid) -> Result<Option<StoredMutation>> {
        Ok(self
            .opt(
                "SELECT hash, result, user_id, scope FROM mutations WHERE mutation_id = $1",
                &[&id.to_string()],
            )?
            .map(|r| StoredMutation {
                hash: r.get(0),
                result: r.get(1),
                user_id: r.get(2),
                scope: r.get(3),
            }))
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
        self.exec(
            "INSERT INTO mutations(mutation_id, device_id, user_id, hash, result, scope, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&id.to_string(), &device_id.to_string(), &user_id.to_string(), &hash, &result, &scope, &time_str(at)],
        )?;
        Ok(())
    }

    fn get_device(&mut self, id: Uuid) -> Result<Option<DeviceRecord>> {
        self.opt(
            "SELECT user_id, max_seq FROM devices WHERE device_id = $1 FOR UPDATE",
            &[&id.to_string()],
        )?
        .map(|r| {
            Ok(DeviceRecord {
                user_id: parse_uuid(&r.get::<_, String>(0))?,
                max_seq: r.get(1),
            })
        })
        .transpose()
    }
    fn put_device(&mut self, id: Uuid, d: &DeviceRecord, at: DateTime<Utc>) -> Result<()> {
        self.exec(
            "INSERT INTO devices(device_id, user_id, max_seq, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id) DO UPDATE SET user_id = excluded.user_id, max_seq = excluded.max_seq",
            &[&id.to_string(), &d.user_id.to_string(), &d.max_seq, &time_str(at)],
        )?;
        Ok(())
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<LimitRecord>> {
        // A row must exist to be locked: without it, concurrent attempts on a new key would
        // all read "no attempts yet" (SELECT … FOR UPDATE locks nothing) and all go ahead.
        // The insert waits for a concurrent insert of the same key to commit.
        // Inserted as "no attempt for ages", which the limiter treats like no row.
        self.exec(
            "INSERT INTO login_limits(key, count, window_start, next_at)
             VALUES ($1, 0, '2000-01-01T00:00:00.000000Z', '2000-01-01T00:00:00.000000Z')
             ON CONFLICT (key) DO NOTHING",
            &[&key],
        )?;
        self.opt(
            "SELECT count, window_start, next_at FROM login_limits WHERE key = $1 FOR UPDATE",
            &[&key],
        )?
        .map(|r| {
            Ok(LimitRecord {
                count: r.get(0),
                window_start: parse_time(&r.get::<_, String>(1))?,
                next_at: parse_time(&r.get::<_, String>(2))?,
            })
        })
        .transpose()
    }
    fn put_limit(&mut self, key: &str, r: &LimitRecord) -> Result<()> {
        self.exec(
            "INSERT INTO login_limits(key, count, window_start, next_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET count = excluded.count,
               window_start = excluded.window_start, next_at = excluded.next_at",
            &[
                &key,
                &r.count,
                &time_str(r.window_start),
                &time_str(r.next_at),
            ],
        )?;
        Ok(())
    }
    fn delete_limit(&mut self, key: &str) -> Result<()> {
        self.exec("DELETE FROM login_limits WHERE key = $1", &[&key])?;
        Ok(())
    }
    fn prune_limits(&mut self, before: DateTime<Utc>) -> Result<()> {
        let b = time_str(before);
        self.exec(
            "DELETE FROM login_limits WHERE window_start < $1 AND next_at < $1",
            &[&b],
        )?;
        Ok(())
    }

    fn insert_event(&mut self, e: &SecurityEvent) -> Result<()> {
        self.exec(
            "INSERT INTO security_log(at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            &[&time_str(e.at), &e.actor, &e.action, &e.target, &e.detail],
        )?;
        Ok(())
    }
    fn events(&mut self) -> Result<Vec<SecurityEvent>> {
        self.all(
            "SELECT at, actor, action, target, detail FROM security_log ORDER BY id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(SecurityEvent {
                at: parse_time(&r.get::<_, String>(0))?,
                actor: r.get(1),
                action: r.get(2),
                target: r.get(3),
                detail: r.get(4),
            })
        })
        .collect()
    }
    fn schema_version(&mut self) -> Result<i64> {
        Ok(self
            .opt(
                "SELECT coalesce(max(version), 0)::BIGINT FROM schema_version",
                &[],
            )?
            .map(|r| r.get(0))
            .unwrap_or(0))
    }

    fn get_row(&mut self, kind: EntityKind, row_id: Uuid) -> Result<Option<RowState>> {
        self.opt(
            &format!("SELECT {ROW_COLS} FROM rows WHERE kind = $1 AND row_id = $2 FOR UPDATE"),
            &[&kind.as_str(), &row_id.to_string()],
        )?
        .map(|r| raw(&r).parse())
        .transpose()
    }
    fn put_row(&mut self, row: &RowState) -> Result<()> {
        self.exec(
            "INSERT INTO rows(kind, row_id, team_id, scope, seq, version, deleted, data, stamps, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (kind, row_id) DO UPDATE SET team_id = excluded.team_id, scope = excluded.scope,
               seq = excluded.seq, version = excluded.version, deleted = excluded.deleted,
               data = excluded.data, stamps = excluded.stamps, updated_at = excluded.updated_at,
               updated_by = excluded.updated_by",
            &[
                &row.kind.as_str(),
                &row.row_id.to_string(),
                &ou(row.team_id),
                &row.scope(),
                &row.seq,
                &row.version,
                &row.deleted,
                &to_json(&row.data),
                &to_json(&row.stamps),
                &time_str(row.updated_at),
                &ou(row.updated_by),
            ],
        )?;
        Ok(())
    }
    fn rows_after(&mut self, scope: &str, after: i64, limit: i64) -> Result<Vec<PulledChange>> {
        self.all(
            &format!(
                "SELECT {PULL_COLS} FROM rows WHERE scope = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            ),
            &[&scope, &after, &limit],
        )?
        .iter()
        .map(|r| raw(r).pulled())
        .collect()
    }
    fn rows_of_kind(&mut self, kind: EntityKind) -> Result<Vec<RowState>> {
        self.all(
            &format!("SELECT {ROW_COLS} FROM rows WHERE kind = $1 ORDER BY row_id"),
            &[&kind.as_str()],
        )?
        .iter()
        .map(|r| raw(r).parse())
        .collect()
    }

    fn rows_of_firm(&mut self, kind: EntityKind, firm_id: Uuid) -> Result<Vec<RowState>> {
        self.all(
            &format!(
                "SELECT {ROW_COLS} FROM rows WHERE kind = $1 AND ((data::jsonb) ->> 'firm_id') = $2 ORDER BY row_id"
            ),
            &[&kind.as_str(), &firm_id.to_string()],
        )?
        .iter()
        .map(|r| raw(r).parse())
        .collect()
    }

    fn insert_audit(&mut self, e: &AuditEntry) -> Result<()> {
        self.exec(
            "INSERT INTO audit(at, user_id, device_id, mutation_id, kind, row_id, version, field, old, new, actor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &time_str(e.at),
                &ou(e.user_id),
                &ou(e.device_id),
                &ou(e.mutation_id),
                &e.kind.as_str(),
                &e.row_id.to_string(),
                &e.version,
                &e.field,
                &to_json(&e.old),
                &to_json(&e.new),
                &e.actor,
            ],
        )?;
        Ok(())
    }
    fn value_at(
        &mut self,
        kind: EntityKind,
        row_id: Uuid,
        field: &str,
        version: i64,
    ) -> Result<Value> {
        match self.opt(
            "SELECT old FROM audit WHERE kind = $1 AND row_id = $2 AND field = $3 AND version > $4 ORDER BY version LIMIT 1",
            &[&kind.as_str(), &row_id.to_string(), &field, &version],
        )? {
            Some(r) => parse_json(&r.get::<_, String>(0)),
            None => Ok(Value::Null),
        }
    }
    fn audit_count(&mut self) -> Result<i64> {
        Ok(self
            .opt("SELECT count(*) FROM audit", &[])?
            .map(|r| r.get(0))
            .unwrap_or(0))
    }

    fn insert_conflict(&mut self, c: &Conflict) -> Result<()> {
        self.exec(
            &format!("INSERT INTO conflicts({CONFLICT_COLS}, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"),
            &[
                &c.id.to_string(),
                &c.conflict_type.as_str(),
                &c.kind.as_str(),
                &c.row_id.to_string(),
                &ou(c.team_id),
                &c.field,
                &to_json(&c.base),
                &to_json(&c.server),
                &to_json(&c.incoming),
                &c.mutation_id.to_string(),
                &c.device_id.to_string(),
                &ou(c.user_id),
                &time_str(c.created_at),
                &c.resolved_at.map(time_str),
                &ou(c.resolved_by),
                &c.resolution,
                &scope_of(c.team_id),
            ],
        )?;
        Ok(())
    }
    fn get_conflict(&mut self, id: Uuid) -> Result<Option<Conflict>> {
        self.opt(
            &format!("SELECT {CONFLICT_COLS} FROM conflicts WHERE id = $1"),
            &[&id.to_string()],
        )?
        .map(|r| conflict(&r))
        .transpose()
    }
    fn update_conflict(&mut self, c: &Conflict) -> Result<()> {
        self.exec(
            "UPDATE conflicts SET resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1",
            &[
                &c.id.to_string(),
                &c.resolved_at.map(time_str),
                &ou(c.resolved_by),
                &c.resolution,
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
        // The page starts after the named conflict's (created_at, id); `$1` NULL: every scope.
        let scopes: Option<Vec<String>> = scopes.map(<[String]>::to_vec);
        let after = after.map(|a| a.to_string());
        let limit = limit as i64;
        let rows = self.all(
            &format!(
                "SELECT {CONFLICT_COLS} FROM conflicts WHERE resolved_at IS NULL \
                 AND ($1::text[] IS NULL OR scope = ANY($1)) \
                 AND ($2::text IS NULL OR (created_at, id) > (SELECT created_at, id FROM conflicts WHERE id = $2)) \
                 ORDER BY created_at, id LIMIT $3"
            ),
            &[&scopes, &after, &limit],
        )?;
        rows.iter().map(conflict).collect()
    }

    fn insert_team(&mut self, t: &Team) -> Result<()> {
        self.exec(
            "INSERT INTO teams(id, name, data) VALUES ($1, $2, $3)",
            &[&t.id.to_string(), &t.name, &to_json(t)],
        )?;
        Ok(())
    }
    fn list_teams(&mut self) -> Result<Vec<Team>> {
        self.all("SELECT data FROM teams ORDER BY name", &[])?
            .iter()
            .map(|r| parse_json(&r.get::<_, String>(0)))
            .collect()
    }
    fn find_team(&mut self, name_or_id: &str) -> Result<Option<Team>> {
        self.opt(
            "SELECT data FROM teams WHERE name = $1 OR id = $1",
            &[&name_or_id],
        )?
        .map(|r| parse_json(&r.get::<_, String>(0)))
        .transpose()
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<()> {
        self.exec(
            "INSERT INTO users(id, username, data, password_hash) VALUES ($1, $2, $3, $4)",
            &[
                &u.user.id.to_string(),
                &u.user.username,
                &to_json(&u.user),
                &u.password_hash,
            ],
        )?;
        Ok(())
    }
    fn update_user(&mut self, u: &UserRecord) -> Result<()> {
        self.exec(
            "UPDATE users SET username = $2, data = $3, password_hash = $4 WHERE id = $1",
            &[
                &u.user.id.to_string(),
                &u.user.username,
                &to_json(&u.user),
                &u.password_hash,
            ],
        )?;
        Ok(())
    }
    fn user_by_name(&mut self, username: &str) -> Result<Option<UserRecord>> {
        self.opt(
            "SELECT data, password_hash FROM users WHERE username = $1",
            &[&username],
        )?
        .map(|r| {
            Ok(UserRecord {
                user: parse_json(&r.get::<_, String>(0))?,
                password_hash: r.get(1),
            })
        })
        .transpose()
    }
    fn user_by_id(&mut self, id: Uuid) -> Result<Option<UserRecord>> {
        self.opt(
            "SELECT data, password_hash FROM users WHERE id = $1",
            &[&id.to_string()],
        )?
        .map(|r| {
            Ok(UserRecord {
                user: parse_json(&r.get::<_, String>(0))?,
                password_hash: r.get(1),
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
        self.exec(
            "INSERT INTO tokens(hash, user_id, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&hash, &user_id.to_string(), &device_id.to_string(), &time_str(created), &time_str(expires)],
        )?;
        Ok(())
    }
    fn get_token(&mut self, hash: &str) -> Result<Option<TokenRecord>> {
        self.opt(
            "SELECT user_id, expires_at, revoked, device_id FROM tokens WHERE hash = $1",
            &[&hash],
        )?
        .map(|r| {
            Ok(TokenRecord {
                user_id: parse_uuid(&r.get::<_, String>(0))?,
                device_id: parse_uuid(&r.get::<_, String>(3))?,
                expires_at: parse_time(&r.get::<_, String>(1))?,
                revoked: r.get(2),
            })
        })
        .transpose()
    }
    fn revoke_token(&mut self, hash: &str) -> Result<()> {
        self.exec("UPDATE tokens SET revoked = TRUE WHERE hash = $1", &[&hash])?;
        Ok(())
    }
    fn revoke_user_tokens(&mut self, user_id: Uuid) -> Result<()> {
        self.exec(
            "UPDATE tokens SET revoked = TRUE WHERE user_id = $1",
            &[&user_id.to_string()],
        )?;
        Ok(())
    }
}
