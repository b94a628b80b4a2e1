//! The single store handle shared by all commands. Database work runs on a blocking thread,
//! never on the UI thread; one writer connection behind a mutex.

use crate::error::{AppError, AppResult};
use fudao_store::keys::{KdfParams, KeyStore, OsKeyStore};
use fudao_store::{DbKey, KeyOrigin, KeyRing, Store};
use fudao_sync::ErrorCode;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

pub struct AppState {
    store: Arc<Mutex<Result<Store, AppError>>>,
    /// How far the first open got while it runs on its own thread (see [`AppState::open`]).
    opening: Arc<Opening>,
    pub db_path: PathBuf,
    /// The firm list's matching ids (see `firms`).
    pub list_cache: Arc<crate::firms::ListCache>,
    /// Where the database key is looked for (the OS keystore; tests use an in-memory one).
    keystore: Arc<dyn KeyStore>,
    /// FUDAO_DB_KEY as read at start-up.
    env_key: Option<DbKey>,
}

/// Whether the database is open, or what the unlock screen must ask for.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DbLock {
    /// open, locked (type the passphrase), new_passphrase (choose one), or error.
    pub state: String,
    pub path: String,
    pub encrypted: bool,
    /// Where the key came from: env (FUDAO_DB_KEY), keystore or passphrase.
    pub key_origin: Option<String>,
    pub error: Option<AppError>,
    /// While `state` is "opening": KiB of the plaintext file encrypted so far and in all (both
    /// 0 while the file is opened or its schema upgraded, which report no progress).
    pub done_kib: u32,
    pub total_kib: u32,
}

/// The first open's progress, shared with the thread that opens (`AppState::open`).
#[derive(Default)]
struct Opening {
    active: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

/// Opens the database with the key `env_key` (FUDAO_DB_KEY), from `keystore`, or the key file
/// unwrapped with `passphrase`.
pub fn open_store(
    path: &Path,
    env_key: Option<DbKey>,
    keystore: &Arc<dyn KeyStore>,
    passphrase: Option<String>,
) -> Result<Store, AppError> {
    open_store_with(path, env_key, keystore, passphrase, None)
}

/// [`open_store`], telling `progress` how far the encryption of a plaintext file got.
fn open_store_with(
    path: &Path,
    env_key: Option<DbKey>,
    keystore: &Arc<dyn KeyStore>,
    passphrase: Option<String>,
    progress: Option<fudao_store::MigrationProgress>,
) -> Result<Store, AppError> {
    let ring = KeyRing {
        env_key,
        keystore: Arc::clone(keystore),
        passphrase: passphrase.map(Zeroizing::new),
        kdf: KdfParams::default(),
    };
    Ok(Store::open_with_keyring(path, &ring, progress)?)
}

fn lock_of(path: &Path, store: &Result<Store, AppError>) -> DbLock {
    let (state, encrypted, origin, error) = match store {
        Ok(s) => ("open", s.is_encrypted(), s.key_origin(), None),
        Err(e) if e.code == ErrorCode::Locked => ("locked", true, None, None),
        Err(e) if e.code == ErrorCode::KeyNeededNew => ("new_passphrase", false, None, None),
        Err(e) => ("error", false, None, Some(e.clone())),
    };
    DbLock {
        state: state.into(),
        path: path.display().to_string(),
        encrypted,
        key_origin: origin.map(|o| {
            match o {
                KeyOrigin::Env => "env",
                KeyOrigin::Keystore => "keystore",
                KeyOrigin::Passphrase => "passphrase",
                KeyOrigin::Given => "given",
            }
            .to_string()
        }),
        error,
        done_kib: 0,
        total_kib: 0,
    }
}

impl AppState {
    /// Opens the database at `path` with the key from FUDAO_DB_KEY or the OS keystore, on a
    /// thread of its own: the window starts meanwhile, `lock_state` answers "opening" (with the
    /// encryption's progress for a plaintext file) and every other command waits for the
    /// store. Encrypting a large plaintext file or upgrading its schema takes a while (≈ 45 s
    /// at 100,000 firms); the window shows it instead of not appearing. A failure (including
    /// "locked: type the passphrase") is kept and reported by every command until
    /// [`AppState::unlock`].
    pub fn open(path: PathBuf) -> Self {
        Self::open_in_background(path, DbKey::from_env(), Arc::new(OsKeyStore))
    }

    /// [`AppState::open`] with the environment's key (or why it is malformed) and the keystore
    /// given (tests).
    pub fn open_in_background(
        path: PathBuf,
        env_key: Result<Option<DbKey>, fudao_store::StoreError>,
        keystore: Arc<dyn KeyStore>,
    ) -> Self {
        // A malformed FUDAO_DB_KEY is reported, and nothing is looked up in the keystore.
        let (env_key, env_error, keystore): (_, _, Arc<dyn KeyStore>) = match env_key {
            Ok(k) => (k, None, keystore),
            Err(e) => (
                None,
                Some(AppError::from(e)),
                Arc::new(fudao_store::keys::NoKeyStore),
            ),
        };
        let state = Self::unopened(path, env_key, keystore);
        state.opening.active.store(true, Ordering::SeqCst);
        let store = Arc::clone(&state.store);
        let opening = Arc::clone(&state.opening);
        let (path, env_key, keystore) = (
            state.db_path.clone(),
            state.env_key.clone(),
            Arc::clone(&state.keystore),
        );
        let (held, wait) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("open-store".into())
            .spawn(move || {
                // Whatever happens here (a panic included), the state stops being "opening".
                struct Done(Arc<Opening>);
                impl Drop for Done {
                    fn drop(&mut self) {
                        self.0.active.store(false, Ordering::SeqCst);
                    }
                }
                let _done = Done(Arc::clone(&opening));
                let Ok(mut guard) = store.lock() else { return };
                // The store is ours until it is open: commands wait for it.
                let _ = held.send(());
                let progress: fudao_store::MigrationProgress = {
                    let opening = Arc::clone(&opening);
                    Arc::new(move |done, total| {
                        opening.done.store(done, Ordering::Relaxed);
                        opening.total.store(total, Ordering::Relaxed);
                    })
                };
                *guard = match env_error {
                    Some(e) => Err(e),
                    None => open_store_with(&path, env_key, &keystore, None, Some(progress)),
                };
                opening.active.store(false, Ordering::SeqCst);
                // What 工作台 shows first (`app_info`'s counts), read while the page loads, so
                // that the pages it reads are decrypted and cached when it asks (at 100,000
                // firms ≈ 15 MB of index pages, ≈ 90 ms cold, 5 ms warm).
                if let Ok(s) = guard.as_ref() {
                    let _ = crate::commands::AppInfo::of(s, path.display().to_string());
                }
                drop(guard);
                crate::mem::release_free_memory();
            });
        if spawned.is_ok() {
            let _ = wait.recv();
        } else {
            state.opening.active.store(false, Ordering::SeqCst);
        }
        state
    }

    /// The state before any open: the store answers "not open yet".
    fn unopened(path: PathBuf, env_key: Option<DbKey>, keystore: Arc<dyn KeyStore>) -> Self {
        Self {
            store: Arc::new(Mutex::new(Err(AppError::internal(
                "the database is not open",
            )))),
            opening: Arc::default(),
            db_path: path,
            list_cache: Arc::default(),
            keystore,
            env_key,
        }
    }

    /// Opens with an explicit environment key and keystore, on this thread (tests).
    pub fn open_with(path: PathBuf, env_key: Option<DbKey>, keystore: Arc<dyn KeyStore>) -> Self {
        let state = Self::unopened(path, env_key, keystore);
        let store = open_store(&state.db_path, state.env_key.clone(), &state.keystore, None);
        *state.store.lock().expect("a new mutex") = store;
        state
    }

    /// Whether the database is open, or what to ask for.
    pub fn lock_state(&self) -> AppResult<DbLock> {
        if self.opening.active.load(Ordering::SeqCst) {
            let kib =
                |a: &AtomicU64| u32::try_from(a.load(Ordering::Relaxed) / 1024).unwrap_or(u32::MAX);
            return Ok(DbLock {
                state: "opening".into(),
                path: self.db_path.display().to_string(),
                encrypted: false,
                key_origin: None,
                error: None,
                done_kib: kib(&self.opening.done),
                total_kib: kib(&self.opening.total),
            });
        }
        let guard = self
            .store
            .lock()
            .map_err(|_| AppError::internal("store lock poisoned"))?;
        Ok(lock_of(&self.db_path, &guard))
    }

    /// Opens the database with `passphrase` (unwrapping the key file, or — where no keystore
    /// answers and the database has no key yet — wrapping a new key with it). A wrong
    /// passphrase leaves the state as it was and is returned as the error. Blocking (argon2id):
    /// commands call [`AppState::unlocker`] on a blocking thread.
    pub fn unlock(&self, passphrase: String) -> AppResult<DbLock> {
        self.unlocker()(passphrase)
    }

    /// [`AppState::unlock`] as a `'static` closure, for a blocking thread.
    pub fn unlocker(&self) -> impl FnOnce(String) -> AppResult<DbLock> + Send + 'static {
        let store = Arc::clone(&self.store);
        let path = self.db_path.clone();
        let keystore = Arc::clone(&self.keystore);
        let env_key = self.env_key.clone();
        let cache = Arc::clone(&self.list_cache);
        move |passphrase| {
            let mut guard = store
                .lock()
                .map_err(|_| AppError::internal("store lock poisoned"))?;
            if guard.is_ok() {
                return Ok(lock_of(&path, &guard));
            }
            let opened = open_store(&path, env_key, &keystore, Some(passphrase))?;
            *guard = Ok(opened);
            cache.clear();
            Ok(lock_of(&path, &guard))
        }
    }

    /// Runs `f` with the store on a blocking thread.
    pub async fn with_store<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> AppResult<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| AppError::internal("store lock poisoned"))?;
            match guard.as_mut() {
                Ok(s) => f(s),
                Err(e) => Err(e.clone()),
            }
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Replaces the database file with the backup at `src`: closes the connection, keeps the
    /// current file as `<name>.before-restore`, copies the backup in and reopens it.
    pub async fn restore_from(&self, src: PathBuf) -> AppResult<()> {
        let store = Arc::clone(&self.store);
        let path = self.db_path.clone();
        let cache = Arc::clone(&self.list_cache);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| AppError::internal("store lock poisoned"))?;
            let current = guard.as_ref().map_err(Clone::clone)?;
            let backup = fudao_ops::backup::check_backup(current, &src)?;
            let current = std::mem::replace(&mut *guard, Err(AppError::internal("restoring")))?;
            *guard = fudao_ops::backup::restore(current, &path, &backup).map_err(AppError::from);
            cache.clear();
            guard.as_ref().map(|_| ()).map_err(Clone::clone)
        })
        .await
        .map_err(AppError::internal)?
    }
}
