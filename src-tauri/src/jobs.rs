//! Long jobs (import, sync, backup): progress with a count, sent as the `job-progress` event, and a
//! cancel flag the UI sets with `cancel_job`. The jobs keep their logic where it is (the store's
//! import, the sync engine); they only check the flag at points where stopping is clean.

use crate::error::AppResult;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tauri::AppHandle;
use tauri_specta::Event;

/// The 导入 commit: rows written in one transaction (cancelled = nothing written).
pub const IMPORT: &str = "import";
/// 设置's backup: KiB written of the database's size (cancelled = no file left).
pub const BACKUP: &str = "backup";
/// 同步: push and pull in batches (cancelled = the batches already exchanged stay, the rest
/// waits for the next sync).
pub const SYNC: &str = "sync";

/// Progress of a long job: `done` of `total` (`total` 0 when not known in advance).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct JobProgress {
    /// `import`, `sync` or `backup` (whose `done` and `total` are KiB).
    pub job: String,
    pub done: u32,
    pub total: u32,
}

fn registry() -> &'static Mutex<HashMap<&'static str, Arc<AtomicBool>>> {
    static JOBS: OnceLock<Mutex<HashMap<&'static str, Arc<AtomicBool>>>> = OnceLock::new();
    JOBS.get_or_init(Default::default)
}

/// A running job: registered until dropped, so `cancel_job` can reach it.
pub struct Job {
    name: &'static str,
    flag: Arc<AtomicBool>,
    app: Option<AppHandle>,
    last: Option<std::time::Instant>,
}

impl Job {
    /// Registers `name` as running (a job of the same name started earlier stops being
    /// reachable). `app` receives the progress events (none in unit tests).
    pub fn start(name: &'static str, app: Option<AppHandle>) -> Job {
        let flag = Arc::new(AtomicBool::new(false));
        registry()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name, flag.clone());
        Job {
            name,
            flag,
            app,
            last: None,
        }
    }

    pub fn cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// The flag, for code that polls it from another task.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    /// Sends the progress (at most every 50 ms, and always the first and the last), and
    /// tells whether to go on.
    pub fn progress(&mut self, done: usize, total: usize) -> bool {
        let now = std::time::Instant::now();
        let due = done == 0
            || done >= total
            || self
                .last
                .is_none_or(|t| now.duration_since(t).as_millis() >= 50);
        if due {
            self.last = Some(now);
            if let Some(app) = &self.app {
                let _ = JobProgress {
                    job: self.name.to_string(),
                    done: done as u32,
                    total: total as u32,
                }
                .emit(app);
            }
        }
        !self.cancelled()
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        let mut jobs = registry().lock().unwrap_or_else(|e| e.into_inner());
        if jobs
            .get(self.name)
            .is_some_and(|f| Arc::ptr_eq(f, &self.flag))
        {
            jobs.remove(self.name);
        }
    }
}

/// Asks the running job `job` (`import`, `sync`) to stop; false when none is running.
pub fn cancel(job: &str) -> bool {
    match registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(job)
    {
        Some(f) => {
            f.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// Asks the running job `job` (`import`, `sync`) to stop at its next clean point. Returns
/// whether such a job was running.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(job: String) -> AppResult<bool> {
    Ok(cancel(&job))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_job_only_while_it_runs() {
        assert!(!cancel("test-job-a"), "nothing running yet");
        let mut job = Job::start("test-job-a", None);
        assert!(job.progress(0, 10));
        assert!(cancel("test-job-a"));
        assert!(job.cancelled());
        assert!(!job.progress(1, 10), "progress says stop once cancelled");
        drop(job);
        assert!(
            !cancel("test-job-a"),
            "a finished job is no longer reachable"
        );
        // A new run starts uncancelled.
        let job = Job::start("test-job-a", None);
        assert!(!job.cancelled());
    }
}
