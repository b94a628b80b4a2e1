//! The single store handle shared by all commands. Database work runs on a blocking thread,
//! never on the UI thread; one writer connection behind a mutex.

use crate::error::{AppError, AppResult};
use fudao_store::keys::{KdfParams, KeyStore, OsKeyStore};
use fudao_store::{DbKey, KeyOrigin, KeyRing, Store};
use fudao_sync::ErrorCode;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

pub struct AppState {
    store: Arc<Mutex<Result<Store, AppError>>>,
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
}

/// Opens the database with the key `env_key` (FUDAO_DB_KEY), from `keystore`, or the key file
/// unwrapped with `passphrase`.
pub fn open_store(
    path: &Path,
    env_key: Option<DbKey>,
    keystore: &Arc<dyn KeyStore>,
    passphrase: Option<String>,
) -> Result<Store, AppError> {
    let ring = KeyRing {
        env_key,
        keystore: Arc::clone(keystore),
        passphrase: passphrase.map(Zeroizing::new),
        kdf: KdfParams::default(),
    };
    Ok(Store::open_with_keyring(path, &ring, None)?)
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
    }
}

impl AppState {
    /// Opens the database at `path` with the key from FUDAO_DB_KEY or the OS keystore; a
    /// failure (including "locked: type the passphrase") is kept and reported by every
    /// command until [`AppState::unlock`].
    pub fn open(path: PathBuf) -> Self {
        let state = Self::open_with_keystore(path, Arc::new(OsKeyStore));
        state.warm_up();
        state
    }

    /// Reads what 工作台 shows first (`app_info`'s counts) on a background thread while the
    /// window starts, so that the pages it reads are decrypted and cached when the page asks
    /// (at 100,000 firms ≈ 15 MB of index pages, ≈ 90 ms cold, 5 ms warm). Holds the store for
    /// that long; the page's first command comes ≈ 0.5 s later.
    fn warm_up(&self) {
        let store = Arc::clone(&self.store);
        let path = self.db_path.display().to_string();
        let _ = std::thread::Builder::new()
            .name("warm-up".into())
            .spawn(move || {
                if let Ok(guard) = store.lock() {
                    if let Ok(s) = guard.as_ref() {
                        let _ = crate::commands::AppInfo::of(s, path);
                    }
                }
            });
    }

    fn open_with_keystore(path: PathBuf, keystore: Arc<dyn KeyStore>) -> Self {
        match DbKey::from_env() {
            Ok(env_key) => Self::open_with(path, env_key, keystore),
            Err(e) => {
                let mut s = Self::open_with(path, None, Arc::new(fudao_store::keys::NoKeyStore));
                s.store = Arc::new(Mutex::new(Err(e.into())));
                s
            }
        }
    }

    /// Opens with an explicit environment key and keystore (tests).
    pub fn open_with(path: PathBuf, env_key: Option<DbKey>, keystore: Arc<dyn KeyStore>) -> Self {
        let store = open_store(&path, env_key.clone(), &keystore, None);
        Self {
            store: Arc::new(Mutex::new(store)),
            db_path: path,
            list_cache: Arc::default(),
            keystore,
            env_key,
        }
    }

    /// Whether the database is open, or what to ask for.
    pub fn lock_state(&self) -> AppResult<DbLock> {
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
