//! Fudao's local store: one SQLite file per user profile.
//!
//! Every entity is kept as its full JSON document (`data`) in a table named after its
//! [`EntityKind`], next to a few columns derived from it for indexing (USCC, name, firm id …)
//! and the sync metadata (`version`, `deleted`). See `docs/store.md` for why.
//!
//! Every edit goes through [`Store::put`] / [`Store::delete`] (or a [`Writer`] inside
//! [`Store::write`]), which writes — in one transaction — the row, one audit entry per changed
//! top-level field, and one outbox entry carrying only the changed fields, for sync.

pub mod demo;
mod error;
pub mod feedback;
pub mod import;
pub mod kpi;
pub mod list;
mod migrations;
mod rows;
pub mod search;
pub mod sync;

pub use error::StoreError;
pub use import::{ImportOptions, ImportReport, RowRejection, RowWarning};
pub use rows::{AuditEntry, PutOutcome, Source};
pub use search::FirmHit;

use chrono::{SecondsFormat, Utc};
use fudao_core::model::{Entity, EntityKind, Firm, Need, User, Visit};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Schema version this build understands.
pub const SCHEMA_VERSION: u32 = migrations::MIGRATIONS.len() as u32;

/// Who is writing, from which device, and how.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub device_id: Uuid,
    pub user_id: Option<Uuid>,
    pub at: String,
    pub source: Source,
}

/// The local database.
pub struct Store {
    conn: Connection,
    device_id: Uuid,
    actor: Option<Uuid>,
    path: Option<PathBuf>,
}

/// The default database path: `$FUDAO_DB`, else `<platform data dir>/fudao/fudao.db`.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FUDAO_DB") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("fudao").join("fudao.db")
}

pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating if needed) the database at `path`, backing it up and migrating it if it
    /// has an older schema. Refuses a database written by a newer version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                    path: dir.to_path_buf(),
                    source: e,
                })?;
            }
        }
        let conn = Connection::open(path)?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A fresh in-memory database (tests, dry runs).
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if path.is_some() {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let mut store = Store {
            conn,
            device_id: Uuid::nil(),
            actor: None,
            path,
        };
        store.migrate()?;
        store.device_id = store.ensure_device_id()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let current: u32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        if current > 0 {
            self.backup_before_migration(current)?;
        }
        let tx = self.conn.transaction()?;
        for (i, sql) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(current as usize)
        {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn backup_before_migration(&self, from: u32) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let stamp = Utc::now().format("%Y%m%dT%H%M%S");
        let backup = path.with_extension(format!("v{from}-{stamp}.bak"));
        self.backup_to(&backup)
    }

    /// Writes a consistent copy of the database to `dest` (which must not exist).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let dest_str = dest.to_string_lossy().to_string();
        self.conn.execute("VACUUM INTO ?1", params![dest_str])?;
        Ok(())
    }

    fn ensure_device_id(&self) -> Result<Uuid> {
        if let Some(v) = self.meta_get("device_id")? {
            if let Ok(id) = Uuid::parse_str(&v) {
                return Ok(id);
            }
        }
        let id = Uuid::now_v7();
        self.meta_set("device_id", &id.to_string())?;
        Ok(id)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    /// Sets the user recorded as the author of subsequent edits.
    pub fn set_actor(&mut self, user: Option<Uuid>) {
        self.actor = user;
    }

    pub fn actor(&self) -> Option<Uuid> {
        self.actor
    }

    /// Direct access for crate-internal modules (sync) and read-only diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn ctx(&self, source: Source) -> Ctx {
        Ctx {
            device_id: self.device_id,
            user_id: self.actor,
            at: now_rfc3339(),
            source,
        }
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Whether this database holds generated demo data (`fudao demo` marks it): such a database
    /// is local only and never logs in or syncs.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.meta_get(demo::META_DEMO)?.is_some())
    }

    /// [`StoreError::DemoDatabase`] when this is a demo database: call before logging in or
    /// syncing.
    pub fn refuse_if_demo(&self) -> Result<()> {
        if self.is_demo()? {
            return Err(StoreError::DemoDatabase);
        }
        Ok(())
    }

    pub fn meta_delete(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    // ----------------------------------------------------------------------------------------
    // Writing

    /// Runs `f` in one transaction: everything it writes commits together or not at all.
    pub fn write<T>(
        &mut self,
        source: Source,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let ctx = self.ctx(source);
        let tx = self.conn.transaction()?;
        let w = Writer { conn: &tx, ctx };
        let out = f(&w)?;
        tx.commit()?;
        Ok(out)
    }

    /// Validates and stores one entity (insert or update) as a local user edit.
    pub fn put<E: Entity>(&mut self, e: &E) -> Result<PutOutcome> {
        self.write(Source::Local, |w| w.put(e))
    }

    /// Marks an entity deleted (a tombstone, so the deletion syncs).
    pub fn delete<E: Entity>(&mut self, id: Uuid) -> Result<bool> {
        self.write(Source::Local, |w| w.delete(E::KIND, id))
    }

    // ----------------------------------------------------------------------------------------
    // Reading

    pub fn get<E: Entity>(&self, id: Uuid) -> Result<Option<E>> {
        rows::get(&self.conn, id)
    }

    /// All live (not deleted) rows of a kind.
    pub fn list<E: Entity>(&self) -> Result<Vec<E>> {
        rows::query(&self.conn, "deleted = 0", [])
    }

    pub fn count(&self, kind: EntityKind) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE deleted = 0", kind.as_str());
        Ok(self.conn.query_row(&sql, [], |r| r.get(0))?)
    }

    pub fn firm_by_uscc(&self, uscc: &str) -> Result<Option<Firm>> {
        let code = fudao_core::uscc::normalize(uscc);
        Ok(
            rows::query::<Firm, _>(&self.conn, "deleted = 0 AND uscc = ?1", [code])?
                .into_iter()
                .next(),
        )
    }

    pub fn needs_of_firm(&self, firm_id: Uuid) -> Result<Vec<Need>> {
        let mut v: Vec<Need> = rows::query(
            &self.conn,
            "deleted = 0 AND firm_id = ?1",
            [firm_id.to_string()],
        )?;
        v.sort_by(|a, b| a.raised_on.cmp(&b.raised_on).then(a.id.cmp(&b.id)));
        Ok(v)
    }

    pub fn visits_of_firm(&self, firm_id: Uuid) -> Result<Vec<Visit>> {
        let mut v: Vec<Visit> = rows::query(
            &self.conn,
            "deleted = 0 AND firm_id = ?1",
            [firm_id.to_string()],
        )?;
        v.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
        Ok(v)
    }

    /// Rows of kind `E` whose `firm_id` is `firm_id` (needs, visits, plans, feedback).
    pub fn children_of_firm<E: Entity>(&self, firm_id: Uuid) -> Result<Vec<E>> {
        rows::query(
            &self.conn,
            "deleted = 0 AND firm_id = ?1",
            [firm_id.to_string()],
        )
    }

    /// Resolves what a user typed to name a firm: an id, a USCC, an exact name, or a name
    /// fragment that matches exactly one firm.
    pub fn find_firm(&self, key: &str) -> Result<Firm> {
        let key = key.trim();
        if let Ok(id) = Uuid::parse_str(key) {
            if let Some(f) = self.get::<Firm>(id)? {
                return Ok(f);
            }
        }
        if let Some(f) = self.firm_by_uscc(key)? {
            return Ok(f);
        }
        let exact: Vec<Firm> = rows::query(&self.conn, "deleted = 0 AND name = ?1", [key])?;
        if exact.len() == 1 {
            return Ok(exact.into_iter().next().unwrap_or_else(|| unreachable!()));
        }
        let hits = self.search_firms(key, 11)?;
        let names: Vec<String> = hits
            .iter()
            .map(|h| format!("{} {}", h.uscc, h.name))
            .collect();
        match hits.len() {
            0 => Err(StoreError::NotFound {
                kind: EntityKind::Firm,
                key: key.to_string(),
            }),
            1 => self
                .get::<Firm>(hits[0].id)?
                .ok_or_else(|| StoreError::NotFound {
                    kind: EntityKind::Firm,
                    key: key.to_string(),
                }),
            _ => Err(StoreError::Ambiguous {
                key: key.to_string(),
                candidates: names,
            }),
        }
    }

    /// Makes `coach` (or nobody) the coach of the firms `ids`, in one transaction; a firm follows
    /// its new coach into the coach's team. Returns how many firms changed; ids of firms that
    /// do not exist (or were deleted) are skipped. An unknown coach is an error, before any
    /// change.
    pub fn assign_coach(&mut self, ids: &[Uuid], coach: Option<Uuid>) -> Result<usize> {
        let team = match coach {
            Some(c) => {
                self.get::<User>(c)?
                    .ok_or_else(|| StoreError::NotFound {
                        kind: EntityKind::User,
                        key: c.to_string(),
                    })?
                    .team_id
            }
            None => None,
        };
        self.write(Source::Local, |w| {
            let mut changed = 0;
            for &id in ids {
                let Some(mut f) = w.get::<Firm>(id)? else {
                    continue;
                };
                if f.coach_id == coach && (team.is_none() || f.team_id == team) {
                    continue;
                }
                f.coach_id = coach;
                if team.is_some() {
                    f.team_id = team;
                }
                w.put(&f)?;
                changed += 1;
            }
            Ok(changed)
        })
    }

    /// Change history of one row, newest first.
    pub fn audit_of(&self, kind: EntityKind, id: Uuid) -> Result<Vec<AuditEntry>> {
        rows::audit_of(&self.conn, kind, id)
    }

    /// Number of local changes waiting to be synced.
    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?)
    }
}

/// Writes inside one transaction (see [`Store::write`]).
pub struct Writer<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) ctx: Ctx,
}

impl Writer<'_> {
    /// Validates and stores `e`; records audit entries and an outbox entry for changed fields.
    pub fn put<E: Entity>(&self, e: &E) -> Result<PutOutcome> {
        e.validate().map_err(StoreError::Validation)?;
        rows::put_value(
            self.conn,
            &self.ctx,
            E::KIND,
            e.id(),
            e.team_id(),
            serde_json::to_value(e)?,
        )
    }

    pub fn get<E: Entity>(&self, id: Uuid) -> Result<Option<E>> {
        rows::get(self.conn, id)
    }

    pub fn firm_by_uscc(&self, uscc: &str) -> Result<Option<Firm>> {
        Ok(
            rows::query::<Firm, _>(self.conn, "deleted = 0 AND uscc = ?1", [uscc])?
                .into_iter()
                .next(),
        )
    }

    pub fn children_of_firm<E: Entity>(&self, firm_id: Uuid) -> Result<Vec<E>> {
        rows::query(
            self.conn,
            "deleted = 0 AND firm_id = ?1",
            [firm_id.to_string()],
        )
    }

    pub fn delete(&self, kind: EntityKind, id: Uuid) -> Result<bool> {
        rows::delete(self.conn, &self.ctx, kind, id)
    }

    pub fn connection(&self) -> &Connection {
        self.conn
    }
}

#[cfg(test)]
mod tests;
