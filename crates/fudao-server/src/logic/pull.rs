//! Paged pulls, the caller's open conflicts and their resolution.

use super::*;

/// Why a pull request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullError {
    BadCursor,
}

pub fn decode_cursor(c: Option<&str>) -> std::result::Result<BTreeMap<String, i64>, PullError> {
    match c {
        None | Some("") => Ok(BTreeMap::new()),
        Some(s) => {
            let m: BTreeMap<String, i64> =
                serde_json::from_str(s).map_err(|_| PullError::BadCursor)?;
            if m.len() > 100_000 || m.values().any(|v| *v < 0) {
                return Err(PullError::BadCursor);
            }
            Ok(m)
        }
    }
}

/// One page of changes in the caller's scopes after `cursor`.
pub fn pull(
    tx: &mut dyn Tx,
    actor: &Actor,
    cursor: Option<&str>,
    limit: u32,
) -> Result<std::result::Result<PullPage, PullError>> {
    let mut cur = match decode_cursor(cursor) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let limit = limit.clamp(1, MAX_PULL_LIMIT) as usize;
    let mut changes = Vec::new();
    let mut more = false;
    // The rows' JSON so far: the page ends once it passes MAX_PULL_PAGE_BYTES.
    let mut bytes = 0usize;
    for scope in actor.scopes(tx)? {
        let after = cur.get(&scope).copied().unwrap_or(0);
        let remaining = limit - changes.len();
        if remaining == 0 {
            if !tx.rows_after(&scope, after, 1)?.is_empty() {
                more = true;
                break;
            }
            continue;
        }
        let mut rows = tx.rows_after(&scope, after, remaining as i64 + 1)?;
        if rows.len() > remaining {
            rows.truncate(remaining);
            more = true;
        }
        if let Some(cut) = rows.iter().enumerate().position(|(i, r)| {
            bytes += r.data.get().len();
            bytes > MAX_PULL_PAGE_BYTES && changes.len() + i > 0
        }) {
            rows.truncate(cut);
            more = true;
        }
        if let Some(last) = rows.last() {
            cur.insert(scope.clone(), last.seq);
        }
        changes.extend(rows);
        if more {
            break;
        }
    }
    Ok(Ok(PullPage {
        changes,
        next_cursor: to_json(&cur),
        more,
    }))
}

/// Open conflicts visible to the caller, oldest first: the page after the conflict `after`
/// names, at most `limit` (clamped to 1..=[`MAX_CONFLICT_PAGE`], with `next` set when more
/// follow), or without `limit` the oldest [`MAX_CONFLICTS_UNPAGED`] (clients from before
/// paging).
pub fn conflicts(
    tx: &mut dyn Tx,
    actor: &Actor,
    after: Option<Uuid>,
    limit: Option<u32>,
) -> Result<ConflictList> {
    let scopes = if actor.role == Role::Admin {
        None
    } else {
        Some(actor.scopes(tx)?)
    };
    let Some(limit) = limit else {
        let conflicts = tx.open_conflicts(scopes.as_deref(), after, MAX_CONFLICTS_UNPAGED)?;
        return Ok(ConflictList {
            conflicts,
            next: None,
        });
    };
    let limit = limit.clamp(1, MAX_CONFLICT_PAGE) as usize;
    // One more than the page, to know whether another follows.
    let mut conflicts = tx.open_conflicts(scopes.as_deref(), after, limit + 1)?;
    let next = if conflicts.len() > limit {
        conflicts.truncate(limit);
        conflicts.last().map(|c| c.id)
    } else {
        None
    };
    Ok(ConflictList { conflicts, next })
}

/// Marks a conflict resolved. `None` when it does not exist or is not visible to the caller.
pub fn resolve(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: Uuid,
    resolution: Resolution,
    now: DateTime<Utc>,
) -> Result<Option<Conflict>> {
    let Some(mut c) = tx.get_conflict(id)? else {
        return Ok(None);
    };
    if !actor.can_see(c.team_id) {
        return Ok(None);
    }
    if c.resolved_at.is_none() {
        c.resolved_at = Some(now);
        c.resolved_by = Some(actor.user_id);
        c.resolution = Some(resolution.as_str().to_string());
        tx.update_conflict(&c)?;
    }
    Ok(Some(c))
}
