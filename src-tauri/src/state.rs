//! The single store handle shared by all commands. Database work runs on a blocking thread,
//! never on the UI thread; one writer connection behind a mutex.

use crate::error::{AppError, AppResult};
use fudao_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct AppState {
    store: Arc<Mutex<Result<Store, AppError>>>,
    pub db_path: PathBuf,
    /// The firm list's matching ids (see `firms`).
    pub list_cache: Arc<crate::firms::ListCache>,
}

impl AppState {
    /// Opens the database at `path`; a failure is kept and reported by every command.
    pub fn open(path: PathBuf) -> Self {
        let store = Store::open(&path).map_err(AppError::from);
        Self {
            store: Arc::new(Mutex::new(store)),
            db_path: path,
            list_cache: Arc::default(),
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
            let head = std::fs::read(&src).map_err(|e| io_error(&src, e))?;
            if !head.starts_with(b"SQLite format 3\0") {
                return Err(AppError::new(
                    "restore.not_a_database",
                    format!(
                        "{} 不是金融辅导工作台的数据备份，请选择以 .db 结尾的备份文件",
                        src.display()
                    ),
                    format!(
                        "{} is not a Fudao database backup; choose a .db backup file",
                        src.display()
                    ),
                ));
            }
            let mut guard = store
                .lock()
                .map_err(|_| AppError::internal("store lock poisoned"))?;
            // Dropping the store closes its connection (and checkpoints the WAL).
            *guard = Err(AppError::internal("restoring"));
            let keep = path.with_extension("db.before-restore");
            if path.exists() {
                std::fs::copy(&path, &keep).map_err(|e| io_error(&keep, e))?;
            }
            for ext in ["db-wal", "db-shm"] {
                let _ = std::fs::remove_file(path.with_extension(ext));
            }
            std::fs::write(&path, &head).map_err(|e| io_error(&path, e))?;
            *guard = Store::open(&path).map_err(AppError::from);
            cache.clear();
            guard.as_ref().map(|_| ()).map_err(Clone::clone)
        })
        .await
        .map_err(AppError::internal)?
    }
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> AppError {
    AppError::new(
        "io",
        format!(
            "无法访问 {}（{e}），请检查文件夹权限和磁盘空间",
            path.display()
        ),
        format!(
            "cannot access {} ({e}); check folder permissions and disk space",
            path.display()
        ),
    )
}
