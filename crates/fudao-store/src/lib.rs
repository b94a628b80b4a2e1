//! Fudao's local store: one SQLite file per user profile.
//!
//! Every entity is kept as its full JSON document (`data`) in a table named after its
//! [`EntityKind`], next to a few columns derived from it for indexing (USCC, name, firm id …)
//! and the sync metadata (`version`, `deleted`). See `docs/store.md` for why.
//!
//! Every edit goes through [`Store::put`] / [`Store::delete`] (or a [`Writer`] inside
//! [`Store::write`]), which writes — in one transaction — the row, one audit entry per changed
//! top-level field, and one outbox entry carrying only the changed fields, for sync.

pub mod backups;
pub mod codec;
pub mod demo;
mod encrypt;
mod error;
pub mod feedback;
pub mod fsperm;
pub mod import;
pub mod keys;
pub mod kpi;
pub mod list;
mod migrations;
#[doc(hidden)]
pub use migrations::downgrade_file;
mod rows;
pub mod search;
pub mod sync;
mod workbench;

pub use encrypt::{db_status, open_connection, BackupProgress, DbStatus, MigrationProgress};
pub use error::StoreError;
pub use import::{ImportOptions, ImportReport, ImportTimings, RowRejection, RowWarning};
pub use keys::{DbKey, KeyOrigin, KeyRing};
pub use rows::{AuditEntry, PutOutcome, Source};
pub use search::FirmHit;

use chrono::{SecondsFormat, Utc};
use fudao_core::model::{Entity, EntityKind, Firm, Need, User, Visit};
use keys::{KeyStore, NoKeyStore, OsKeyStore};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// Set during a bulk write (an import): the search index's changes are collected here and
    /// written at the end of the transaction, in the index's order (`search::DeferredIndex`).
    pub deferred_index: Option<std::cell::RefCell<search::DeferredIndex>>,
    /// The store's count of rows written to the KPI rows' tables (`Store::kpi_stamp`).
    pub kpi_writes: Arc<std::sync::atomic::AtomicU64>,
}

/// The local database.
pub struct Store {
    conn: Connection,
    device_id: Uuid,
    actor: Option<Uuid>,
    path: Option<PathBuf>,
    /// The SQLCipher key; `None` for in-memory and (benchmarks, tests) plaintext files.
    key: Option<DbKey>,
    key_origin: Option<KeyOrigin>,
    /// Where the sync token is kept: the keystore the key came from, else the database.
    secrets: Arc<dyn KeyStore>,
    /// The last KPI rows read, with the data stamp they were read at (`Store::kpi_rows_cached`).
    kpi_cache: std::sync::Mutex<Option<kpi::CachedRows>>,
    /// Rows this connection wrote to the tables the KPI rows come from (`Store::kpi_stamp`).
    pub(crate) kpi_writes: Arc<std::sync::atomic::AtomicU64>,
}

/// The default database path: `$FUDAO_DB`, else `<platform data dir>/fudao/fudao.db`.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FUDAO_DB") {
        return PathBuf::from(p);
    }
    own_data_dir().join("fudao.db")
}

/// Fudao's own folder in the platform's per-user data directory (`…/fudao`). Only this
/// folder is made private (0700) when it exists already; a folder the user chose for the
/// database (`FUDAO_DB`, `--db`) keeps its mode: it may be shared, even `/tmp`.
pub fn own_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("fudao")
}

pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating if needed) the encrypted database at `path`, with the key from
    /// `FUDAO_DB_KEY` or the OS keystore (see [`keys`]); backs it up and migrates it if it has
    /// an older schema, and encrypts a plaintext database in place. Refuses a database written
    /// by a newer version. Without a key it fails with [`StoreError::KeyNeeded`] or
    /// [`StoreError::Locked`], which name the ways to give one.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let ring = KeyRing::from_env(Arc::new(OsKeyStore))?;
        Self::open_with_keyring(path, &ring, None)
    }

    /// Opens with the key `ring` finds (or makes, for a database not yet encrypted). The sync
    /// token goes to the ring's keystore when the key came from it. `progress` hears about the
    /// encryption of a plaintext database.
    pub fn open_with_keyring(
        path: impl AsRef<Path>,
        ring: &KeyRing,
        progress: Option<MigrationProgress>,
    ) -> Result<Self> {
        let path = path.as_ref();
        encrypt::prepare_dir(path)?;
        encrypt::recover_interrupted(path)?;
        let (key, origin) = ring.resolve(path)?;
        let secrets: Arc<dyn KeyStore> = if origin == KeyOrigin::Keystore {
            Arc::clone(&ring.keystore)
        } else {
            Arc::new(NoKeyStore)
        };
        let mut s = Self::open_keyed(path, key, origin, progress)?;
        s.secrets = secrets;
        s.move_token_to_keystore()?;
        Ok(s)
    }

    /// Opens the database at `path` with `key` (no keystore, no environment). The sync token
    /// stays in the (encrypted) database.
    pub fn open_with_key(path: impl AsRef<Path>, key: &DbKey) -> Result<Self> {
        let path = path.as_ref();
        encrypt::prepare_dir(path)?;
        encrypt::recover_interrupted(path)?;
        Self::open_keyed(path, key.clone(), KeyOrigin::Given, None)
    }

    /// Opens `path` with a key already found, keeping the sync token in `secrets` (a second
    /// connection to an open database; reopening after a restore).
    pub fn open_unlocked(
        path: impl AsRef<Path>,
        key: &DbKey,
        origin: KeyOrigin,
        secrets: Arc<dyn KeyStore>,
    ) -> Result<Self> {
        let path = path.as_ref();
        encrypt::prepare_dir(path)?;
        encrypt::recover_interrupted(path)?;
        let mut s = Self::open_keyed(path, key.clone(), origin, None)?;
        s.secrets = secrets;
        Ok(s)
    }

    /// A second connection to this database, with the same key and token keystore.
    pub fn reopen(&self) -> Result<Self> {
        let path = self.path.as_deref().ok_or_else(|| {
            StoreError::Migration(
                "内存数据库无法再次打开 (an in-memory database cannot be reopened)".into(),
            )
        })?;
        match (&self.key, self.key_origin) {
            (Some(k), Some(o)) => Self::open_unlocked(path, k, o, Arc::clone(&self.secrets)),
            _ => Self::open_plaintext(path),
        }
    }

    fn open_keyed(
        path: &Path,
        key: DbKey,
        origin: KeyOrigin,
        progress: Option<MigrationProgress>,
    ) -> Result<Self> {
        if keys::file_kind(path)? == keys::FileKind::Plaintext {
            encrypt::encrypt_in_place(path, &key, progress)?;
        }
        fsperm::touch_private(path)?;
        encrypt::restrict_db_files(path)?;
        let conn = open_connection(path, &key)?;
        let mut s = Self::init(conn, Some(path.to_path_buf()))?;
        s.key = Some(key);
        s.key_origin = Some(origin);
        encrypt::restrict_db_files(path)?;
        Ok(s)
    }

    /// Opens a plain (unencrypted) SQLite file, as releases before encryption wrote them.
    /// Tests build pre-encryption databases with it and benchmarks measure the cost of
    /// encryption against it; the product never calls it.
    #[doc(hidden)]
    pub fn open_plaintext(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        encrypt::prepare_dir(path)?;
        let conn = encrypt::open_unkeyed(path)?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A fresh in-memory database (tests, dry runs): nothing is at rest, so no key.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        codec::register_functions(&conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if path.is_some() {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // Up to 128 MiB of decrypted pages (allocated as used; SQLite's default is 2 MiB):
            // with SQLCipher every page read from the file is decrypted and its HMAC checked
            // again (about 23 µs of CPU a page on the 2-core benchmark machine, 3× a plaintext
            // read), so the pages a search walks should stay in the cache. At 100,000 firms
            // they are about 80 MB: the gram index (60 MB), the covering index `firm_search`
            // (14 MB), the firms' id index (5 MB) and `firm_initials` (3 MB); see
            // docs/store.md.
            conn.pragma_update(None, "cache_size", -131072)?;
        }
        let mut store = Store {
            conn,
            device_id: Uuid::nil(),
            actor: None,
            path,
            key: None,
            key_origin: None,
            secrets: Arc::new(NoKeyStore),
            kpi_cache: std::sync::Mutex::default(),
            kpi_writes: Arc::default(),
        };
        store.migrate()?;
        store.device_id = store.ensure_device_id()?;
        Ok(store)
    }

    /// Whether the file is encrypted (false for in-memory and plaintext stores).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Where the key came from (`None`: not encrypted).
    pub fn key_origin(&self) -> Option<KeyOrigin> {
        self.key_origin
    }

    /// The key of this database (to reopen it on a second connection).
    pub fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    /// The keystore that holds the sync token (a [`NoKeyStore`] when the token is in the
    /// database).
    pub fn secrets(&self) -> &Arc<dyn KeyStore> {
        &self.secrets
    }

    /// Re-encrypts the database with `new` (SQLCipher `PRAGMA rekey`). The caller keeps the
    /// new key (keystore, key file, environment) — see `fudao db rekey`.
    pub fn rekey(&mut self, new: &DbKey) -> Result<()> {
        if self.key.is_none() {
            return Err(StoreError::Migration(
                "只能为已加密的数据库更换密钥 (only an encrypted database can be rekeyed)".into(),
            ));
        }
        // SQLCipher rewrites every page; in WAL mode the WAL would keep old-key frames, so
        // rekey in rollback-journal mode.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        let lit = new.sqlcipher_literal();
        let res = self
            .conn
            .execute_batch(&format!("PRAGMA rekey = \"{}\";", lit.as_str()));
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        res?;
        self.key = Some(new.clone());
        Ok(())
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
            for (_, after) in migrations::AFTER
                .iter()
                .filter(|(v, _)| *v == (i + 1) as u32)
            {
                after(&tx)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        }
        tx.commit()?;
        if current > 0 {
            let rewrote = migrations::VACUUM_AFTER.iter().any(|v| *v > current);
            self.vacuum_if_worth_it(rewrote)?;
            // The older pre-migration copies go (`backups`). A copy that cannot be removed
            // now is tried again after the next migration; it never stops the store opening.
            if let Some(path) = &self.path {
                let _ = backups::prune(path);
            }
        }
        Ok(())
    }

    /// Gives the pages a migration freed back to the file system (`VACUUM`) when they are a
    /// tenth of the file or more: migration 6 drops the text-keyed bigram index (about a
    /// quarter of a database) and rewrites the firm table, migration 7 rewrites the needs,
    /// visits and feedback. `always` after a migration of [`migrations::VACUUM_AFTER`]. Once per
    /// upgrade; an in-memory store is left alone.
    fn vacuum_if_worth_it(&self, always: bool) -> Result<()> {
        if self.path.is_none() {
            return Ok(());
        }
        let free: i64 = self
            .conn
            .pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        let pages: i64 = self
            .conn
            .pragma_query_value(None, "page_count", |r| r.get(0))?;
        if always || (pages > 0 && free * 10 >= pages) {
            self.conn.execute_batch("VACUUM")?;
            // In WAL mode VACUUM writes the whole database to the WAL: copy it back now rather
            // than leave a WAL the size of the database for the first reads to go through.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    fn backup_before_migration(&self, from: u32) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let stamp = Utc::now().format("%Y%m%dT%H%M%S").to_string();
        self.backup_to(&backups::backup_path(path, from, &stamp))
    }

    /// Writes a consistent copy of the database to `dest` (which must not exist), encrypted
    /// with the same key, mode 0600, without the sync token.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        encrypt::backup(self, dest, None, None).map(|_| ())
    }

    /// [`Store::backup_to`] (or, with `passphrase`, [`Store::backup_with_passphrase`]) telling
    /// `progress` the bytes written and the size expected, about ten times a second; when it
    /// returns false the backup stops, nothing is left at `dest`, and the result is `false`.
    pub fn backup_with_progress(
        &self,
        dest: &Path,
        passphrase: Option<&str>,
        progress: &mut BackupProgress<'_>,
    ) -> Result<bool> {
        if passphrase.is_some_and(|p| p.chars().count() < 8) {
            return Err(StoreError::WeakPassphrase);
        }
        encrypt::backup(self, dest, passphrase, Some(progress))
    }

    /// As [`Store::backup_to`], encrypted with `passphrase` instead (SQLCipher 4's own
    /// passphrase key derivation), to move the data to another machine.
    pub fn backup_with_passphrase(&self, dest: &Path, passphrase: &str) -> Result<()> {
        if passphrase.chars().count() < 8 {
            return Err(StoreError::WeakPassphrase);
        }
        encrypt::backup(self, dest, Some(passphrase), None).map(|_| ())
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
            deferred_index: None,
            kpi_writes: Arc::clone(&self.kpi_writes),
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

    /// SQLite's query plan of `sql` (the `detail` of each `EXPLAIN QUERY PLAN` line): which
    /// table or index a query reads, for tests and diagnostics.
    pub fn query_plan(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(3))?;
        Ok(lines.collect::<rusqlite::Result<_>>()?)
    }

    pub fn count(&self, kind: EntityKind) -> Result<u64> {
        // Live firms are counted from their smallest index (`uscc, id` of live firms, 6 MB at
        // 100,000 firms; the planner picks the 14 MB `firm_search`): 工作台's first figure.
        let sql = match kind {
            EntityKind::Firm => {
                "SELECT COUNT(*) FROM firm INDEXED BY firm_uscc_live WHERE deleted = 0".to_string()
            }
            _ => format!("SELECT COUNT(*) FROM {} WHERE deleted = 0", kind.as_str()),
        };
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

    /// [`Writer::put`] of an entity the caller has just validated (an import validates each
    /// row once, to report its errors by column).
    pub(crate) fn put_validated<E: Entity>(&self, e: &E) -> Result<PutOutcome> {
        rows::put_value(
            self.conn,
            &self.ctx,
            E::KIND,
            e.id(),
            e.team_id(),
            serde_json::to_value(e)?,
        )
    }

    /// Stores a validated entity whose id was just made (`Uuid::now_v7()`): no stored version
    /// to diff against, and, for a firm, the caller has found no live firm with its USCC in
    /// this transaction.
    pub(crate) fn insert_validated<E: Entity>(&self, e: &E) -> Result<PutOutcome> {
        rows::insert_new(
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
