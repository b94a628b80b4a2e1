//! The single store handle shared by all commands. Database work runs on a blocking thread,
//! never on the UI thread; one writer connection behind a mutex.

use crate::error::{AppError, AppResult};
use fudao_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct AppState {
    store: Arc<Mutex<Result<Store, AppError>>>,
    pub db_path: PathBuf,
}

impl AppState {
    /// Opens the database at `path`; a failure is kept and reported by every command.
    pub fn open(path: PathBuf) -> Self {
        let store = Store::open(&path).map_err(AppError::from);
        Self {
            store: Arc::new(Mutex::new(store)),
            db_path: path,
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

    /// Replaces the open database (after a restore). The old connection is closed first.
    pub async fn reopen(&self) -> AppResult<()> {
        let store = Arc::clone(&self.store);
        let path = self.db_path.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| AppError::internal("store lock poisoned"))?;
            *guard = Err(AppError::internal("reopening"));
            *guard = Store::open(&path).map_err(AppError::from);
            guard.as_ref().map(|_| ()).map_err(Clone::clone)
        })
        .await
        .map_err(AppError::internal)?
    }
}
