//! The sync driver: push the outbox, report conflict resolutions, pull pages, refresh the
//! conflict list. Resumable: each step is committed locally before the next, so an
//! interrupted sync continues where it stopped.

use crate::client::{Client, ClientError};
use crate::protocol::*;
use crate::replica::LocalReplica;
use std::sync::Arc;

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
    /// More conflicts are open on the server than the [`MAX_LOCAL_CONFLICTS`] kept locally.
    pub open_conflicts_more: bool,
    pub resolutions_reported: usize,
}

/// Open conflicts a sync keeps locally at most: the oldest ones (a teammate can make any
/// number; each page is bounded, the list must be too).
pub const MAX_LOCAL_CONFLICTS: usize = MAX_CONFLICTS_UNPAGED;

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
    /// At most this many pulled pages are applied in one local transaction (with the last
    /// one's cursor) during a long pull; 1 applies each page on its own.
    pub pull_batch_pages: usize,
    /// Conflicts asked for a page of the open conflicts (the server lowers it to
    /// [`MAX_CONFLICT_PAGE`]).
    pub conflict_page: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 500,
            pull_limit: 1000,
            pull_batch_pages: 8,
            conflict_page: MAX_CONFLICT_PAGE,
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

/// Pulls and applies pages until the server has no more. The pages are fetched one after
/// the other on another task, up to [`SyncOptions::pull_batch_pages`] ahead of the apply.
/// The pages already received when the apply is free (at most `pull_batch_pages`) are applied
/// in one local transaction with the last one's cursor ([`LocalReplica::apply_pages`]): each
/// later transaction would otherwise rewrite the same index pages (every page written is
/// encrypted again in an encrypted store), and the apply never waits for a batch to fill.
/// A page is applied only after the pages before it and their cursor have committed, so an
/// interruption anywhere resumes from the stored cursor (re-pulling at most one batch).
/// Pages received and not yet applied hold at most [`PULL_AHEAD_MIB`] of response bytes
/// (plus the one page being received), whatever the server sends.
pub async fn pull_all<R: LocalReplica>(
    client: &Client,
    replica: &R,
    opts: SyncOptions,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let cursor = replica.cursor().map_err(local)?;
    let max = opts.pull_batch_pages.max(1);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Fetched>(max);
    // One permit a MiB of the pages received and not yet applied.
    let budget = Arc::new(tokio::sync::Semaphore::new(PULL_AHEAD_MIB));
    let fetcher = {
        let (client, limit) = (client.clone(), opts.pull_limit);
        tokio::spawn(async move {
            let mut cursor = cursor;
            loop {
                let r = client
                    .pull_sized(&PullRequest {
                        cursor: cursor.clone(),
                        limit,
                    })
                    .await;
                let (r, more, permit) = match r {
                    Ok((p, bytes)) => {
                        cursor = Some(p.next_cursor.clone());
                        let mib = bytes.div_ceil(1 << 20).clamp(1, PULL_AHEAD_MIB);
                        let Ok(permit) = budget.clone().acquire_many_owned(mib as u32).await else {
                            return;
                        };
                        let more = p.more;
                        (Ok(p), more, Some(permit))
                    }
                    Err(e) => (Err(e), false, None),
                };
                if tx.send((r, permit)).await.is_err() || !more {
                    return;
                }
            }
        })
    };
    // The fetching task ends with this function, whichever way it returns.
    struct AbortOnDrop(tokio::task::AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let _fetcher = AbortOnDrop(fetcher.abort_handle());
    let mut batch: Vec<PullResponse> = Vec::with_capacity(max);
    // The budget the batch's pages hold, given back once they are applied.
    let mut held = Vec::with_capacity(max);
    loop {
        let (first, permit) = rx
            .recv()
            .await
            .ok_or_else(|| ClientError::Protocol("pull task ended early".into()))?;
        let first = first?;
        held.extend(permit);
        let mut more = first.more;
        batch.push(first);
        while more && batch.len() < max {
            match rx.try_recv() {
                Ok((page, permit)) => {
                    let page = page?;
                    held.extend(permit);
                    more = page.more;
                    batch.push(page);
                }
                Err(_) => break,
            }
        }
        replica.apply_pages(&batch).map_err(local)?;
        held.clear();
        report.pages += batch.len();
        report.pulled += batch.iter().map(|p| p.changes.len()).sum::<usize>();
        progress(Progress::Pulled {
            done: report.pulled,
            more,
        });
        batch.clear();
        if !more {
            return Ok(());
        }
    }
}

/// Most response bytes, in MiB, of the pulled pages received and not yet applied
/// ([`pull_all`]): eight pages of [`MAX_PULL_PAGE_BYTES`].
pub const PULL_AHEAD_MIB: usize = 8 * (MAX_PULL_PAGE_BYTES >> 20);

/// A page as fetched, with the share of the budget it holds until it is applied.
type Fetched = (
    Result<PullResponse, ClientError>,
    Option<tokio::sync::OwnedSemaphorePermit>,
);

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
    let (open, more) = open_conflicts(client, opts.conflict_page).await?;
    report.open_conflicts = open.len();
    report.open_conflicts_more = more;
    replica.store_conflicts(&open).map_err(local)?;
    Ok(report)
}

/// The open conflicts, oldest first, page by page, at most [`MAX_LOCAL_CONFLICTS`]; whether
/// more are open. A server from before paging answers the whole list at once.
pub async fn open_conflicts(
    client: &Client,
    page: u32,
) -> Result<(Vec<Conflict>, bool), SyncError> {
    let mut all: Vec<Conflict> = Vec::new();
    let mut after = None;
    loop {
        let list = client.conflicts_page(after, page.max(1)).await?;
        // A page that names a next one holds at least one conflict, and its `next` moves on;
        // a server that breaks either (broken or hostile) ends the list, so every loop adds
        // a conflict and the cap bounds the loop.
        let more = !list.conflicts.is_empty() && list.next.is_some_and(|n| Some(n) != after);
        all.extend(list.conflicts);
        if all.len() >= MAX_LOCAL_CONFLICTS {
            let over = more || all.len() > MAX_LOCAL_CONFLICTS;
            all.truncate(MAX_LOCAL_CONFLICTS);
            return Ok((all, over));
        }
        if !more {
            return Ok((all, false));
        }
        after = list.next;
    }
}
