//! 同步, the client side: log in, log out (revoking the token, at the next contact when
//! offline), push and pull, resolve a conflict. The CLI (`fudao login|logout|sync|conflicts`)
//! and the app's 同步 screen call these; each shell brings its runtime, progress display and
//! error wording.

use crate::{OpsError, Result};
use fudao_store::sync::{Keep, Session};
use fudao_store::Store;
use fudao_sync::client::{
    revoke_tokens, Client, ClientError, PendingRevoke, Retry, PENDING_REVOKE_KEY,
};
use fudao_sync::engine::{self, Progress, SyncError, SyncOptions, SyncReport};
use fudao_sync::{LoginResponse, Me};
use std::time::Duration;
use uuid::Uuid;

/// One quick try, for calls that must not keep the user waiting.
pub const QUICK: Retry = Retry {
    attempts: 1,
    base_delay: Duration::from_millis(50),
    max_delay: Duration::from_millis(50),
};

/// How long revoking the tokens of earlier offline logouts may take in all.
const REVOKE_BUDGET: Duration = Duration::from_secs(3);

fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// The tokens still to revoke on their server (logouts while offline).
pub fn pending_revokes(s: &Store) -> Result<Vec<PendingRevoke>> {
    Ok(s.meta_get(PENDING_REVOKE_KEY)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// Revokes the tokens of earlier offline logouts (one quick try each, at most 3 s in all);
/// keeps those whose server cannot be reached.
pub async fn flush_revokes(s: &Store) -> Result<()> {
    let pending = pending_revokes(s)?;
    if pending.is_empty() {
        return Ok(());
    }
    let all = pending.clone();
    let left = tokio::time::timeout(REVOKE_BUDGET, revoke_tokens(pending, QUICK))
        .await
        .unwrap_or(all);
    if left.is_empty() {
        s.meta_delete(PENDING_REVOKE_KEY)?;
    } else {
        s.meta_set(PENDING_REVOKE_KEY, &json_text(&left))?;
    }
    Ok(())
}

/// One database holds one user's replica: another user's unsynced edits would be pushed in
/// the new user's name, and their team's rows would stay on the device. A login as `next` is
/// refused once the database has synced (or has edits to push) for another user.
pub fn check_replica(s: &Store, next: &Me) -> Result<()> {
    let Some(prev) = s.session()? else {
        return Ok(());
    };
    let synced = s.outbox_len()? > 0 || s.meta_get(fudao_store::sync::keys::CURSOR)?.is_some();
    if prev.user.user_id != next.user_id && synced {
        return Err(OpsError::OtherReplica {
            holder: prev.user.username,
            user: next.username.clone(),
        });
    }
    Ok(())
}

/// Logs in (never on a demo database), revokes earlier offline logouts' tokens, and stores the
/// session unless the database is another user's replica ([`check_replica`]).
pub async fn login(
    s: &mut Store,
    client: &Client,
    username: &str,
    password: &str,
) -> Result<LoginResponse> {
    s.refuse_if_demo()?;
    let r = client
        .login(username.trim(), password, s.device_id())
        .await?;
    flush_revokes(s).await?;
    check_replica(s, &r.user)?;
    s.set_session(&Session {
        server: client.base_url().to_string(),
        token: r.token.clone(),
        user: r.user.clone(),
    })?;
    Ok(r)
}

/// Forgets the session here first (even offline), then revokes its token on the server; a
/// token whose server cannot be reached is revoked at the next contact. `None` when not logged
/// in, else whether the server revoked the token now.
pub async fn logout(s: &mut Store) -> Result<Option<bool>> {
    let Some(session) = s.session()? else {
        return Ok(None);
    };
    let mut pending = pending_revokes(s)?;
    pending.push(PendingRevoke {
        server: session.server,
        token: session.token.clone(),
    });
    s.meta_set(PENDING_REVOKE_KEY, &json_text(&pending))?;
    s.clear_session()?;
    flush_revokes(s).await?;
    Ok(Some(
        !pending_revokes(s)?.iter().any(|p| p.token == session.token),
    ))
}

/// The session and its client for a sync, with the session's user as the actor of what the
/// sync writes; `None` when not logged in. A demo database is refused.
pub fn start(s: &mut Store) -> Result<Option<(Session, Client)>> {
    s.refuse_if_demo()?;
    let Some(session) = s.session()? else {
        return Ok(None);
    };
    s.set_actor(Some(session.user.user_id));
    let client = Client::new(&session.server)?.with_token(session.token.clone());
    Ok(Some((session, client)))
}

/// Pushes local changes and pulls the server's; after a sync, revokes earlier offline
/// logouts' tokens and keeps the session's copy of the user current (the public feedback
/// address, role or team may have changed since login).
pub async fn run(
    s: &mut Store,
    session: &Session,
    client: &Client,
    opts: SyncOptions,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport> {
    let report = engine::sync(client, &*s, opts, on_progress).await?;
    let more = if report.open_conflicts_more { "1" } else { "0" };
    s.meta_set(fudao_store::sync::keys::CONFLICTS_MORE, more)?;
    flush_revokes(s).await?;
    if let Ok(me) = client.me().await {
        if me != session.user {
            s.set_session(&Session {
                user: me,
                ..session.clone()
            })?;
        }
    }
    Ok(report)
}

/// Resolves a conflict here as the signed-in user; the resolution goes to the server at the
/// next sync.
pub fn resolve_conflict(
    s: &mut Store,
    id: Uuid,
    keep: Keep,
) -> Result<fudao_store::sync::LocalConflict> {
    if let Some(sess) = s.session()? {
        s.set_actor(Some(sess.user.user_id));
    }
    Ok(s.resolve_conflict(id, keep)?)
}

impl From<ClientError> for OpsError {
    fn from(e: ClientError) -> Self {
        OpsError::Sync(SyncError::Client(e))
    }
}

/// Where the client's sync stands: who is logged in, when it last synced, what waits.
#[derive(Debug, Clone)]
pub struct SyncState {
    pub session: Option<Session>,
    pub last_sync: Option<String>,
    /// Edits not yet pushed.
    pub outbox: u64,
    pub open_conflicts: usize,
    /// The last sync found more open conflicts on the server than are kept here (the oldest
    /// `fudao_sync::engine::MAX_LOCAL_CONFLICTS`).
    pub open_conflicts_more: bool,
    /// A demo database: local only, login and sync are refused.
    pub demo: bool,
}

/// Where the client's sync stands.
pub fn state(s: &Store) -> Result<SyncState> {
    Ok(SyncState {
        session: s.session()?,
        last_sync: s.meta_get(fudao_store::sync::keys::LAST_SYNC)?,
        outbox: s.outbox_len()?,
        open_conflicts: s.conflicts(true)?.len(),
        open_conflicts_more: s
            .meta_get(fudao_store::sync::keys::CONFLICTS_MORE)?
            .is_some_and(|v| v == "1"),
        demo: s.is_demo()?,
    })
}

/// The conflicts (open ones only, or all), each with the name of the firm it is about: the
/// firm itself, or the firm of the need or visit; `None` for other rows or rows gone.
pub fn conflicts_by_firm(
    s: &Store,
    open_only: bool,
) -> Result<Vec<(fudao_store::sync::LocalConflict, Option<String>)>> {
    use fudao_core::model::{EntityKind, Firm, Need, Visit};
    let firm_name = |id: Uuid| -> Result<Option<String>> { Ok(s.get::<Firm>(id)?.map(|f| f.name)) };
    let mut out = vec![];
    for c in s.conflicts(open_only)? {
        let k = &c.conflict;
        let name = match k.kind {
            EntityKind::Firm => firm_name(k.row_id)?,
            EntityKind::Need => match s.get::<Need>(k.row_id)? {
                Some(n) => firm_name(n.firm_id)?,
                None => None,
            },
            EntityKind::Visit => match s.get::<Visit>(k.row_id)? {
                Some(v) => firm_name(v.firm_id)?,
                None => None,
            },
            _ => None,
        };
        out.push((c, name));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::{Firm, Role};

    fn me(username: &str) -> Me {
        Me {
            user_id: Uuid::now_v7(),
            username: username.into(),
            name: "辅导员".into(),
            role: Role::Coach,
            team_id: None,
            public_url: None,
        }
    }

    fn logged_in(server: &str, user: Me) -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.set_session(&Session {
            server: server.into(),
            token: "t-1".into(),
            user,
        })
        .unwrap();
        s
    }

    #[test]
    fn a_database_with_edits_for_one_user_refuses_a_login_as_another() {
        let wang = me("wang");
        let mut s = logged_in("http://127.0.0.1:9", wang.clone());
        check_replica(&s, &me("li")).expect("nothing synced or edited yet");
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        s.put(&Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司"))
            .unwrap();
        assert!(s.outbox_len().unwrap() > 0);
        let e = check_replica(&s, &me("li")).unwrap_err();
        assert!(
            matches!(&e, OpsError::OtherReplica { holder, user } if holder == "wang" && user == "li"),
            "{e:?}"
        );
        assert!(e.to_string().contains("--db"));
        check_replica(&s, &wang).expect("the same user logs in again");
    }

    #[test]
    fn an_offline_logout_forgets_the_session_and_keeps_the_token_to_revoke() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(rt.block_on(logout(&mut s)).unwrap(), None);
        assert!(
            start(&mut s).unwrap().is_none(),
            "no sync without a session"
        );
        let wang = me("wang");
        let mut s = logged_in("http://127.0.0.1:9", wang.clone());
        let (session, _client) = start(&mut s).unwrap().expect("logged in");
        assert_eq!(session.user, wang);
        assert_eq!(s.actor(), Some(wang.user_id), "the sync writes as the user");
        assert_eq!(rt.block_on(logout(&mut s)).unwrap(), Some(false));
        assert!(s.session().unwrap().is_none());
        let pending = pending_revokes(&s).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].token, "t-1");
    }

    #[test]
    fn a_conflict_is_named_after_the_firm_of_its_need_and_the_state_counts_it() {
        use fudao_sync::replica::LocalReplica;
        use fudao_sync::{Conflict, ConflictType};
        let mut s = Store::open_in_memory().unwrap();
        let uscc = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
        let f = Firm::new(Uuid::now_v7(), &uscc, "济南量子科技有限公司");
        s.put(&f).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut n = crate::records::blank_need(&f, today);
        n.amount = 1_000_000;
        s.put(&n).unwrap();
        let conflict = |kind, row_id| Conflict {
            id: Uuid::now_v7(),
            conflict_type: ConflictType::Field,
            kind,
            row_id,
            team_id: None,
            field: "amount".into(),
            base: serde_json::json!(1),
            server: serde_json::json!(2),
            incoming: serde_json::json!(3),
            mutation_id: Uuid::now_v7(),
            device_id: Uuid::now_v7(),
            user_id: None,
            created_at: chrono::Utc::now(),
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        };
        s.store_conflicts(&[
            conflict(fudao_core::model::EntityKind::Need, n.id),
            conflict(fudao_core::model::EntityKind::Need, Uuid::now_v7()),
        ])
        .unwrap();
        let named = conflicts_by_firm(&s, true).unwrap();
        let mut names: Vec<_> = named.into_iter().map(|(_, name)| name).collect();
        names.sort();
        assert_eq!(names, vec![None, Some(f.name.clone())]);
        let st = state(&s).unwrap();
        assert_eq!(st.open_conflicts, 2);
        assert!(st.session.is_none() && !st.demo);
        assert!(st.outbox >= 2, "the firm and the need wait to be pushed");
        // What the last sync said of the conflicts it could not keep.
        assert!(!st.open_conflicts_more);
        s.meta_set(fudao_store::sync::keys::CONFLICTS_MORE, "1")
            .unwrap();
        assert!(state(&s).unwrap().open_conflicts_more);
        s.meta_set(fudao_store::sync::keys::CONFLICTS_MORE, "0")
            .unwrap();
        assert!(!state(&s).unwrap().open_conflicts_more);
    }
}
