//! The sync driver: push the outbox, report conflict resolutions, pull pages, refresh the
//! conflict list. Resumable: each step is committed locally before the next, so an
//! interrupted sync continues where it stopped.

use crate::client::{Client, ClientError};
use crate::protocol::*;
use crate::replica::LocalReplica;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("本地数据库错误，同步已中止，本地数据未改动 / local database error, sync stopped and local data is unchanged: {0}")]
    Local(Box<dyn std::error::Error + Send + Sync>),
}

impl SyncError {
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            SyncError::Client(c) => c.code(),
            SyncError::Local(_) => crate::ErrorCode::LocalDb,
        }
    }
}

/// Figures of one sync run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub applied: usize,
    pub duplicates: usize,
    pub conflicts: usize,
    pub rejected: usize,
    pub pulled: usize,
    pub pages: usize,
    pub open_conflicts: usize,
    pub resolutions_reported: usize,
}

/// Progress events for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Pushed { done: usize },
    Pulled { done: usize, more: bool },
}

#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    pub push_batch: usize,
    pub pull_limit: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 500,
            pull_limit: 1000,
        }
    }
}

fn local<E: std::error::Error + Send + Sync + 'static>(e: E) -> SyncError {
    SyncError::Local(Box::new(e))
}

/// Pushes the outbox in batches until it is empty.
pub async fn push_all<R: LocalReplica>(
    client: &Client,
    replica: &R,
    opts: SyncOptions,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let device_id = replica.device_id().map_err(local)?;
    loop {
        let batch = replica.pending(opts.push_batch.max(1)).map_err(local)?;
        if batch.is_empty() {
            return Ok(());
        }
        let req = PushRequest {
            device_id,
            mutations: batch,
        };
        let resp = client.push(&req).await?;
        if resp.results.len() != req.mutations.len() {
            return Err(SyncError::Client(ClientError::Protocol(format!(
                "push answered {} results for {} mutations",
                resp.results.len(),
                req.mutations.len()
            ))));
        }
        replica
            .acknowledge(&req.mutations, &resp.results)
            .map_err(local)?;
        for o in &resp.results {
            report.pushed += 1;
            if o.duplicate {
                report.duplicates += 1;
            }
            match &o.result {
                MutationResult::Applied { .. } => report.applied += 1,
                MutationResult::Conflict { conflicts, .. } => {
                    report.applied += 1;
                    report.conflicts += conflicts.len();
                }
                MutationResult::Rejected { .. } => report.rejected += 1,
            }
        }
        progress(Progress::Pushed {
            done: report.pushed,
        });
    }
}

fn fetch(
    client: &Client,
    cursor: Option<String>,
    limit: u32,
) -> tokio::task::JoinHandle<Result<PullResponse, ClientError>> {
    let client = client.clone();
    tokio::spawn(async move { client.pull(&PullRequest { cursor, limit }).await })
}

/// Pulls and applies pages until the server has no more. The next page is requested (on
/// another task) while the current one is applied; it is applied only after the current
/// page and its cursor have committed, so an interruption anywhere resumes from the stored
/// cursor.
pub async fn pull_all<R: LocalReplica>(
    client: &Client,
    replica: &R,
    opts: SyncOptions,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let cursor = replica.cursor().map_err(local)?;
    let mut next = fetch(client, cursor, opts.pull_limit);
    loop {
        let page = (&mut next)
            .await
            .map_err(|e| ClientError::Protocol(format!("pull task failed: {e}")))??;
        if page.more {
            next = fetch(client, Some(page.next_cursor.clone()), opts.pull_limit);
        }
        if let Err(e) = replica.apply_page(&page) {
            next.abort();
            return Err(local(e));
        }
        report.pages += 1;
        report.pulled += page.changes.len();
        progress(Progress::Pulled {
            done: report.pulled,
            more: page.more,
        });
        if !page.more {
            return Ok(());
        }
    }
}

/// One full sync: push, report resolutions, pull, refresh conflicts.
pub async fn sync<R: LocalReplica>(
    client: &Client,
    replica: &R,
    opts: SyncOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    push_all(client, replica, opts, &mut report, progress).await?;
    for (id, resolution) in replica.pending_resolutions().map_err(local)? {
        match client.resolve_conflict(id, resolution).await {
            Ok(_) => {}
            // Already resolved elsewhere or no longer visible: nothing left to report.
            Err(ClientError::Api { status: 404, .. }) => {}
            Err(e) => return Err(e.into()),
        }
        replica.resolution_reported(id).map_err(local)?;
        report.resolutions_reported += 1;
    }
    pull_all(client, replica, opts, &mut report, progress).await?;
    let list = client.conflicts().await?;
    report.open_conflicts = list.conflicts.len();
    replica.store_conflicts(&list.conflicts).map_err(local)?;
    Ok(report)
}
