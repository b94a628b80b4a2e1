//! Applying a pulled page: each change in one transaction with the cursor, unsynced local
//! edits re-applied on top, and the follow-ups a pulled rating calls for.

use super::*;
use crate::search::DeferredIndex;

/// The stored version of a row, if the row exists (one cached statement per kind).
fn local_version(conn: &Connection, kind: EntityKind, id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT version FROM {} WHERE id = ?1",
            kind.as_str()
        ))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Whether the local table of `kind` has no row at all.
fn kind_is_empty(conn: &Connection, kind: EntityKind) -> Result<bool> {
    Ok(!conn
        .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {})", kind.as_str()))?
        .query_row([], |r| r.get::<_, bool>(0))?)
}

/// What is known about the local tables when a page starts.
struct PageState {
    /// Any local edit pending at all? When not, the per-row look-up of pending edits is
    /// skipped.
    has_outbox: bool,
    /// Kinds whose table was empty when the page started: a page lists each row once, so
    /// every row of such a kind is new and needs no look-up (the initial sync).
    empty: Vec<EntityKind>,
}

/// Applies one pulled row. The firm search index's changes are collected in `index` and
/// written when the page's transaction ends ([`DeferredIndex::flush`]).
fn apply_change(
    store: &Store,
    c: &Change,
    page: &PageState,
    index: &mut DeferredIndex,
) -> Result<()> {
    let conn = store.connection();
    let id = c.row_id.to_string();
    let version = if page.empty.contains(&c.kind) {
        None
    } else {
        local_version(conn, c.kind, &id)?
    };
    if let Some(v) = version {
        if v >= c.version && v > 0 {
            return Ok(()); // already have this version (or newer)
        }
    }
    let Value::Object(server_doc) = &c.data else {
        return Err(StoreError::Corrupt {
            kind: c.kind.as_str(),
            id,
            detail: "pulled data is not an object".into(),
        });
    };
    // Unsynced local edits stay on top of the server's state.
    let pending = if page.has_outbox {
        pending_for(conn, c.kind, c.row_id)?
    } else {
        Vec::new()
    };
    let mut deleted = c.deleted;
    let merged;
    let doc = if pending.is_empty() {
        server_doc
    } else {
        let mut d = server_doc.clone();
        for (op, fields) in pending {
            match op.as_str() {
                "delete" => deleted = true,
                _ => {
                    deleted = false;
                    for (k, v) in fields {
                        d.insert(k, v);
                    }
                }
            }
        }
        merged = d;
        &merged
    };
    let at = c.updated_at.to_rfc3339();
    let mut ctx = sync_ctx(store, &at, c.updated_by);
    ctx.deferred_index = Some(std::cell::RefCell::new(std::mem::take(index)));
    let written = write_change(store, c, &ctx, doc, version, deleted);
    if let Some(d) = ctx.deferred_index.take() {
        *index = d.into_inner();
    }
    written
}

/// The audit entries and the row write of [`apply_change`].
fn write_change(
    store: &Store,
    c: &Change,
    ctx: &Ctx,
    doc: &Map<String, Value>,
    version: Option<i64>,
    deleted: bool,
) -> Result<()> {
    let conn = store.connection();
    if version.is_none() {
        rows::audit(conn, ctx, c.kind, c.row_id, "_created", None, None)?;
    } else if let Some((old, _, was_deleted)) = rows::load_raw(conn, c.kind, c.row_id)? {
        let mut keys: Vec<&String> = old.keys().chain(doc.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (o, n) = (old.get(k), doc.get(k));
            if o != n {
                rows::audit(conn, ctx, c.kind, c.row_id, k, o, n)?;
            }
        }
        if was_deleted != deleted {
            rows::audit(
                conn,
                ctx,
                c.kind,
                c.row_id,
                "_deleted",
                Some(&Value::Bool(was_deleted)),
                Some(&Value::Bool(deleted)),
            )?;
        }
    }
    let team = c.team_id.map(|t| t.to_string());
    rows::write_row(
        conn,
        c.kind,
        c.row_id,
        team.as_deref(),
        doc,
        Some(c.version),
        deleted,
        version.is_none(),
        ctx,
    )
}

/// Crash points for fault tests of real client processes, from `FUDAO_FAILPOINT`:
/// `client_exit_mid_page:N` ends the process half-way through applying the N-th pulled page
/// (inside its transaction); `client_exit_before_ack:N` ends it when the N-th push answer
/// has arrived but before it is recorded. Exit status 75. Unset in normal use.
pub(super) mod failpoint {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    fn configured(name: &str) -> Option<usize> {
        static FP: OnceLock<Option<(String, usize)>> = OnceLock::new();
        let (n, at) = FP
            .get_or_init(|| {
                let v = std::env::var("FUDAO_FAILPOINT").ok()?;
                let (n, at) = v.split_once(':')?;
                Some((n.to_string(), at.parse().ok()?))
            })
            .as_ref()?;
        (n == name).then_some(*at)
    }

    /// Counts calls of `name`; true on the configured one.
    pub fn hit(name: &str) -> bool {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        match configured(name) {
            Some(at) => CALLS.fetch_add(1, Ordering::SeqCst) + 1 == at,
            None => false,
        }
    }

    pub fn exit() -> ! {
        eprintln!("FUDAO_FAILPOINT: exiting");
        std::process::exit(75)
    }
}

/// The device's user: the one editing now, else the stored login's.
fn device_user(store: &Store) -> Result<Option<Uuid>> {
    if let Some(u) = store.actor() {
        return Ok(Some(u));
    }
    Ok(match store.meta_get(keys::USER)? {
        Some(s) => Some(serde_json::from_str::<Me>(&s)?.user_id),
        None => None,
    })
}

/// A 不满意 rating given on the firm-facing page (source QR) has no recording device: the
/// device of the firm's coach creates its 回访 follow-up (as `fudao feedback add` does for
/// a hand-recorded one) when it pulls the rating. The ids of the page's feedback rows are
/// kept until the last page of the pull is applied, so that a follow-up another device of
/// the coach made already (a later row of the stream) is here first; the follow-up's id is
/// derived from the rating's, so a re-pull or a second device adds nothing. Nothing on a
/// device without a user, or for firms of another coach.
fn pulled_feedback_follow_ups(store: &Store, page: &PullResponse) -> Result<()> {
    let mut ids: Vec<Uuid> = match store.meta_get(keys::PULLED_FEEDBACK)? {
        Some(s) => serde_json::from_str(&s)?,
        None => Vec::new(),
    };
    ids.extend(
        page.changes
            .iter()
            .filter(|c| c.kind == EntityKind::Feedback && !c.deleted)
            .map(|c| c.row_id),
    );
    if page.more {
        if !ids.is_empty() {
            store.meta_set(keys::PULLED_FEEDBACK, &serde_json::to_string(&ids)?)?;
        }
        return Ok(());
    }
    store.meta_delete(keys::PULLED_FEEDBACK)?;
    let Some(me) = device_user(store)? else {
        return Ok(());
    };
    ids.sort();
    ids.dedup();
    let w = crate::Writer {
        conn: store.connection(),
        ctx: store.ctx(Source::Local),
    };
    for id in ids {
        let Some(fb) = w.get::<Feedback>(id)? else {
            continue;
        };
        if fb.source != fudao_core::model::FeedbackSource::Qr {
            continue; // a hand-recorded rating got its follow-up where it was recorded
        }
        let Some(firm) = w.get::<Firm>(fb.firm_id)? else {
            continue;
        };
        if firm.coach_id != Some(me) {
            continue;
        }
        w.feedback_follow_up(&fb, &firm, None)?;
    }
    Ok(())
}

pub(super) fn apply_page(
    store: &Store,
    page: &PullResponse,
    fail_after: Option<usize>,
) -> Result<()> {
    apply_pages(store, std::slice::from_ref(page), fail_after)
}

/// Applies consecutive pulled pages in one transaction with the last one's cursor: the same
/// rows, audit entries and follow-ups as applying each page in turn, all or nothing.
/// `fail_after` injects a failure after that many rows of the batch (tests).
pub(super) fn apply_pages(
    store: &Store,
    pages: &[PullResponse],
    fail_after: Option<usize>,
) -> Result<()> {
    let conn = store.connection();
    let Some(last) = pages.last() else {
        return Ok(());
    };
    if pages.iter().any(|p| p.changes.len() > 100) {
        // A large page touches several indexes at random places (names, firm ids, search
        // bigrams): the page cache must hold them, or most of the time goes to evicting and
        // re-reading pages (each one decrypted again in an encrypted file). A file store's
        // connection already has 128 MiB (`Store::init`); this no longer lowers it to 64 MiB,
        // which made a 10,000-firm team's initial sync re-read (and decrypt) its pages.
        // Checkpoint the WAL every 64 MB instead of every 4 MB: each checkpoint waits for
        // two fsyncs, and an initial sync of a team writes a few hundred MB.
        conn.pragma_update(None, "wal_autocheckpoint", 16384)?;
    }
    let tx = conn.unchecked_transaction()?;
    let mut row = 0;
    for page in pages {
        let crash_at = failpoint::hit("client_exit_mid_page").then_some(page.changes.len() / 2);
        let mut kinds: Vec<EntityKind> = page.changes.iter().map(|c| c.kind).collect();
        kinds.sort_by_key(|k| k.as_str());
        kinds.dedup();
        let mut state = PageState {
            has_outbox: conn.query_row("SELECT EXISTS (SELECT 1 FROM outbox)", [], |r| r.get(0))?,
            empty: Vec::new(),
        };
        for k in kinds {
            if kind_is_empty(conn, k)? {
                state.empty.push(k);
            }
        }
        // The firms' search grams are written once at the end of the page, in the index's
        // order (as an import does), instead of ~30 random inserts a firm.
        let mut index = DeferredIndex::default();
        for (i, c) in page.changes.iter().enumerate() {
            if crash_at == Some(i) {
                failpoint::exit();
            }
            if fail_after == Some(row) {
                return Err(StoreError::Io {
                    path: std::path::PathBuf::from("<injected failure>"),
                    source: std::io::Error::other("injected failure while applying a pulled page"),
                });
            }
            row += 1;
            apply_change(store, c, &state, &mut index)?;
        }
        // The page's search-index entries, before anything else reads or writes them.
        index.flush(conn)?;
        pulled_feedback_follow_ups(store, page)?;
    }
    store.meta_set(keys::CURSOR, &last.next_cursor)?;
    store.meta_set(keys::LAST_SYNC, &crate::now_rfc3339())?;
    tx.commit()?;
    Ok(())
}
