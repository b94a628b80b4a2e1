//! The protocol semantics, written once against [`Tx`]: authorization of every row, field
//! merge with conflict records, tombstones, idempotent mutations, paged pulls, and the
//! administrative writes that publish teams, users and the product catalogue.

use crate::storage::*;
use chrono::{DateTime, Utc};
use fudao_core::model::{EntityKind, Feedback, Firm, Need, Role, Team, User, Visit};
use fudao_sync::*;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
}

impl Actor {
    pub fn from_user(u: &User) -> Self {
        Actor {
            user_id: u.id,
            username: u.username.clone(),
            role: u.role,
            team_id: u.team_id,
        }
    }
    /// The change-sequence scopes this caller may read.
    pub fn scopes(&self, tx: &mut dyn Tx) -> Result<Vec<String>> {
        match (self.role, self.team_id) {
            (Role::Admin, _) => tx.list_scopes(),
            (_, Some(t)) => Ok(vec![GLOBAL_SCOPE.to_string(), t.to_string()]),
            (_, None) => Ok(vec![GLOBAL_SCOPE.to_string()]),
        }
    }
    /// Whether rows of `team` (None = city-wide) are visible to this caller.
    pub fn can_see(&self, team: Option<Uuid>) -> bool {
        self.role == Role::Admin || team.is_none() || team == self.team_id
    }
    pub fn me(&self, name: &str) -> Me {
        Me {
            user_id: self.user_id,
            username: self.username.clone(),
            name: name.to_string(),
            role: self.role,
            team_id: self.team_id,
        }
    }
}

/// Hex SHA-256.
pub fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn rejected(code: &str, zh: impl Into<String>, en: impl Into<String>) -> MutationResult {
    MutationResult::rejected(code, zh, en)
}

/// Applies a batch of mutations in one transaction. Returns one outcome per mutation.
pub fn push(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    mutations: &[Mutation],
    now: DateTime<Utc>,
) -> Result<Vec<MutationOutcome>> {
    let mut claimed: Vec<String> = mutations
        .iter()
        .filter_map(|m| m.team_id.or(actor.team_id))
        .map(|t| t.to_string())
        .collect();
    claimed.sort();
    claimed.dedup();
    tx.lock_scopes(&claimed)?;
    let mut out = Vec::with_capacity(mutations.len());
    for m in mutations {
        out.push(push_one(tx, actor, device_id, m, now)?);
    }
    Ok(out)
}

fn push_one(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Result<MutationOutcome> {
    let hash = sha256_hex(&m.canonical());
    if let Some(prev) = tx.get_mutation(m.mutation_id)? {
        if prev.hash == hash {
            return Ok(MutationOutcome {
                mutation_id: m.mutation_id,
                duplicate: true,
                result: parse_json(&prev.result)?,
            });
        }
        return Ok(MutationOutcome {
            mutation_id: m.mutation_id,
            duplicate: false,
            result: rejected(
                codes::PAYLOAD_MISMATCH,
                "同一修改编号已提交过不同内容，已拒绝",
                "this mutation id was already used with a different payload",
            ),
        });
    }
    let result = apply(tx, actor, device_id, m, now)?;
    tx.put_mutation(
        m.mutation_id,
        device_id,
        actor.user_id,
        &hash,
        &to_json(&result),
        now,
    )?;
    Ok(MutationOutcome {
        mutation_id: m.mutation_id,
        duplicate: false,
        result,
    })
}

/// Checks that merged row data has the entity's shape.
pub fn check_shape(kind: EntityKind, data: &Map<String, Value>) -> std::result::Result<(), String> {
    let v = Value::Object(data.clone());
    let r = match kind {
        EntityKind::Firm => serde_json::from_value::<Firm>(v).map(|_| ()),
        EntityKind::Need => serde_json::from_value::<Need>(v).map(|_| ()),
        EntityKind::Visit => serde_json::from_value::<Visit>(v).map(|_| ()),
        EntityKind::Feedback => serde_json::from_value::<Feedback>(v).map(|_| ()),
        EntityKind::Team => serde_json::from_value::<Team>(v).map(|_| ()),
        EntityKind::User => serde_json::from_value::<User>(v).map(|_| ()),
        EntityKind::Plan | EntityKind::Product => Ok(()),
    };
    r.map_err(|e| e.to_string())
}

fn apply(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Result<MutationResult> {
    if matches!(
        m.kind,
        EntityKind::Team | EntityKind::User | EntityKind::Product
    ) {
        return Ok(rejected(
            codes::READ_ONLY_KIND,
            format!("{}由服务器管理员维护，不能通过同步修改", m.kind.label_zh()),
            format!(
                "{} rows are managed on the server and cannot be pushed",
                m.kind.as_str()
            ),
        ));
    }
    if let Some(id) = m.fields.get("id") {
        if id.as_str() != Some(m.row_id.to_string().as_str()) {
            return Ok(rejected(
                codes::INVALID_ROW,
                "记录编号与修改不一致",
                "the id field does not match row_id",
            ));
        }
    }
    let field_team = match m.fields.get("team_id") {
        None => None,
        Some(Value::Null) => None,
        Some(Value::String(s)) => match Uuid::parse_str(s) {
            Ok(u) => Some(u),
            Err(_) => {
                return Ok(rejected(
                    codes::INVALID_ROW,
                    "辅导队编号无效",
                    "invalid team_id",
                ))
            }
        },
        Some(_) => {
            return Ok(rejected(
                codes::INVALID_ROW,
                "辅导队编号无效",
                "invalid team_id",
            ))
        }
    };
    if let (Some(a), Some(b)) = (m.team_id, field_team) {
        if a != b {
            return Ok(rejected(
                codes::INVALID_ROW,
                "修改中的辅导队不一致",
                "team_id of the mutation and of its fields differ",
            ));
        }
    }
    let claimed = m.team_id.or(field_team);
    let current = tx.get_row(m.kind, m.row_id)?;
    let team = match &current {
        Some(cur) => {
            if claimed.is_some() && claimed != cur.team_id {
                return Ok(rejected(
                    codes::TEAM_CHANGE,
                    "不能通过同步把记录转到其他辅导队",
                    "a row cannot be moved to another team by a push",
                ));
            }
            cur.team_id
        }
        None => claimed.or(actor.team_id),
    };
    let Some(team) = team else {
        return Ok(rejected(
            codes::INVALID_ROW,
            "记录必须属于一个辅导队",
            "the row must belong to a team",
        ));
    };
    match actor.role {
        Role::Admin => {
            if tx.find_team(&team.to_string())?.is_none() {
                return Ok(rejected(
                    codes::UNKNOWN_TEAM,
                    "辅导队不存在",
                    "no such team",
                ));
            }
        }
        Role::Coach | Role::Lead => {
            if Some(team) != actor.team_id {
                return Ok(rejected(
                    codes::FORBIDDEN,
                    "只能修改本辅导队的数据",
                    "you may only change your own team's rows",
                ));
            }
            if actor.role == Role::Coach && m.op == Op::Delete && m.kind == EntityKind::Firm {
                return Ok(rejected(
                    codes::FORBIDDEN,
                    "辅导员不能删除企业，请联系队长",
                    "coaches cannot delete firms; ask the team lead",
                ));
            }
        }
    }
    let stamp_for = |v: i64| FieldStamp {
        v,
        d: device_id,
        s: m.device_seq,
    };
    let audit = |version: i64, field: &str, old: Value, new: Value| AuditEntry {
        at: now,
        user_id: Some(actor.user_id),
        device_id: Some(device_id),
        mutation_id: Some(m.mutation_id),
        kind: m.kind,
        row_id: m.row_id,
        version,
        field: field.to_string(),
        old,
        new,
    };
    let scope = team.to_string();

    match (m.op, current) {
        (Op::Put, None) => {
            let mut data = m.fields.clone();
            data.insert("id".into(), Value::String(m.row_id.to_string()));
            data.insert("team_id".into(), Value::String(team.to_string()));
            if let Err(e) = check_shape(m.kind, &data) {
                return Ok(invalid(e));
            }
            let stamps = data
                .keys()
                .map(|k| (k.clone(), stamp_for(1)))
                .collect::<BTreeMap<_, _>>();
            let row = RowState {
                kind: m.kind,
                row_id: m.row_id,
                team_id: Some(team),
                seq: tx.next_seq(&scope)?,
                version: 1,
                deleted: false,
                data,
                stamps,
                updated_at: now,
                updated_by: Some(actor.user_id),
            };
            for (k, v) in &row.data {
                tx.insert_audit(&audit(1, k, Value::Null, v.clone()))?;
            }
            tx.put_row(&row)?;
            Ok(MutationResult::Applied { version: 1 })
        }
        (Op::Put, Some(cur)) => {
            let mut row = cur.clone();
            let new_version = cur.version + 1;
            let mut audits = Vec::new();
            let mut pending_conflicts: Vec<(ConflictType, String, Value, Value)> = Vec::new();
            if cur.deleted {
                let del = cur.stamps.get(DELETED_STAMP).copied();
                if m.base_version >= cur.version {
                    // The device saw the delete and edits again: undelete.
                    row.deleted = false;
                    row.stamps
                        .insert(DELETED_STAMP.into(), stamp_for(new_version));
                    audits.push(audit(
                        new_version,
                        DELETED_STAMP,
                        Value::Bool(true),
                        Value::Bool(false),
                    ));
                } else if del.is_some_and(|d| d.d == device_id && d.s > m.device_seq) {
                    // An older edit of the device that later deleted the row: superseded.
                    return Ok(MutationResult::Applied {
                        version: cur.version,
                    });
                } else {
                    let c = ConflictType::EditDeleted;
                    let incoming = Value::Object(m.fields.clone());
                    return touch_with_conflicts(
                        tx,
                        row,
                        actor,
                        device_id,
                        m,
                        now,
                        vec![(c, String::new(), Value::Null, incoming)],
                    );
                }
            }
            for (f, v) in &m.fields {
                if f == "id" || f == "team_id" {
                    continue;
                }
                let old = row.data.get(f).cloned().unwrap_or(Value::Null);
                if &old == v {
                    continue;
                }
                match row.stamps.get(f) {
                    Some(st) if st.v > m.base_version && st.d != device_id => {
                        pending_conflicts.push((ConflictType::Field, f.clone(), old, v.clone()));
                    }
                    Some(st) if st.d == device_id && st.s > m.device_seq => {
                        // Superseded by a later edit of the same device (reordered delivery).
                    }
                    _ => {
                        audits.push(audit(new_version, f, old, v.clone()));
                        row.data.insert(f.clone(), v.clone());
                        row.stamps.insert(f.clone(), stamp_for(new_version));
                    }
                }
            }
            if audits.is_empty() && pending_conflicts.is_empty() {
                return Ok(MutationResult::Applied {
                    version: cur.version,
                });
            }
            if !audits.is_empty() {
                if let Err(e) = check_shape(m.kind, &row.data) {
                    return Ok(invalid(e));
                }
            }
            for a in &audits {
                tx.insert_audit(a)?;
            }
            if pending_conflicts.is_empty() {
                row.version = new_version;
                row.seq = tx.next_seq(&scope)?;
                row.updated_at = now;
                row.updated_by = Some(actor.user_id);
                tx.put_row(&row)?;
                Ok(MutationResult::Applied {
                    version: new_version,
                })
            } else {
                touch_with_conflicts(tx, row, actor, device_id, m, now, pending_conflicts)
            }
        }
        (Op::Delete, None) => Ok(MutationResult::Applied { version: 0 }),
        (Op::Delete, Some(cur)) if cur.deleted => Ok(MutationResult::Applied {
            version: cur.version,
        }),
        (Op::Delete, Some(cur)) => {
            let edited_elsewhere = cur
                .stamps
                .values()
                .any(|s| s.v > m.base_version && s.d != device_id);
            if edited_elsewhere {
                let server = Value::Object(cur.data.clone());
                return touch_with_conflicts(
                    tx,
                    cur,
                    actor,
                    device_id,
                    m,
                    now,
                    vec![(
                        ConflictType::DeleteEdited,
                        String::new(),
                        server,
                        Value::Null,
                    )],
                );
            }
            let mut row = cur;
            row.version += 1;
            row.deleted = true;
            row.stamps
                .insert(DELETED_STAMP.into(), stamp_for(row.version));
            row.seq = tx.next_seq(&scope)?;
            row.updated_at = now;
            row.updated_by = Some(actor.user_id);
            tx.insert_audit(&audit(
                row.version,
                DELETED_STAMP,
                Value::Bool(false),
                Value::Bool(true),
            ))?;
            tx.put_row(&row)?;
            Ok(MutationResult::Applied {
                version: row.version,
            })
        }
    }
}

fn invalid(e: String) -> MutationResult {
    MutationResult::Rejected {
        code: codes::INVALID_ROW.to_string(),
        message: fudao_core::Msg::new(format!("记录格式不正确：{e}"), format!("invalid row: {e}")),
    }
}

/// Writes `row` with a new version and sequence number (so every replica pulls the server's
/// state again) and records the conflicts.
fn touch_with_conflicts(
    tx: &mut dyn Tx,
    mut row: RowState,
    actor: &Actor,
    device_id: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
    pending: Vec<(ConflictType, String, Value, Value)>,
) -> Result<MutationResult> {
    row.version += 1;
    row.seq = tx.next_seq(&row.scope())?;
    row.updated_at = now;
    row.updated_by = Some(actor.user_id);
    tx.put_row(&row)?;
    let mut conflicts = Vec::with_capacity(pending.len());
    for (ctype, field, server, incoming) in pending {
        let base = if ctype == ConflictType::Field {
            tx.value_at(m.kind, m.row_id, &field, m.base_version)?
        } else {
            Value::Null
        };
        let c = Conflict {
            id: Uuid::now_v7(),
            conflict_type: ctype,
            kind: m.kind,
            row_id: m.row_id,
            team_id: row.team_id,
            field,
            base,
            server,
            incoming,
            mutation_id: m.mutation_id,
            device_id,
            user_id: Some(actor.user_id),
            created_at: now,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        };
        tx.insert_conflict(&c)?;
        conflicts.push(c);
    }
    Ok(MutationResult::Conflict {
        version: row.version,
        conflicts,
    })
}

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

/// Open conflicts visible to the caller.
pub fn conflicts(tx: &mut dyn Tx, actor: &Actor) -> Result<Vec<Conflict>> {
    if actor.role == Role::Admin {
        tx.open_conflicts(None)
    } else {
        let scopes = actor.scopes(tx)?;
        tx.open_conflicts(Some(&scopes))
    }
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

/// A server-side write (teams, users, catalogue): replaces the row's data, audits changed
/// fields and allocates a change sequence number. No-op when nothing changed.
#[allow(clippy::too_many_arguments)]
pub fn server_write(
    tx: &mut dyn Tx,
    kind: EntityKind,
    row_id: Uuid,
    team_id: Option<Uuid>,
    data: Map<String, Value>,
    deleted: bool,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let current = tx.get_row(kind, row_id)?;
    let version = current.as_ref().map_or(0, |c| c.version) + 1;
    let stamp = FieldStamp {
        v: version,
        d: Uuid::nil(),
        s: 0,
    };
    let mut stamps = current
        .as_ref()
        .map(|c| c.stamps.clone())
        .unwrap_or_default();
    let old_data = current.as_ref().map(|c| c.data.clone()).unwrap_or_default();
    let was_deleted = current.as_ref().is_some_and(|c| c.deleted);
    let mut changed = current.is_none() || was_deleted != deleted;
    let keys: std::collections::BTreeSet<&String> = old_data.keys().chain(data.keys()).collect();
    for k in keys {
        let old = old_data.get(k).cloned().unwrap_or(Value::Null);
        let new = data.get(k).cloned().unwrap_or(Value::Null);
        if old != new {
            changed = true;
            stamps.insert(k.clone(), stamp);
            tx.insert_audit(&AuditEntry {
                at: now,
                user_id: by,
                device_id: None,
                mutation_id: None,
                kind,
                row_id,
                version,
                field: k.clone(),
                old,
                new,
            })?;
        }
    }
    if !changed {
        return Ok(false);
    }
    if was_deleted != deleted {
        stamps.insert(DELETED_STAMP.into(), stamp);
    }
    let row = RowState {
        kind,
        row_id,
        team_id,
        seq: tx.next_seq(&scope_of(team_id))?,
        version,
        deleted,
        data,
        stamps,
        updated_at: now,
        updated_by: by,
    };
    tx.put_row(&row)?;
    Ok(true)
}

fn as_map<T: serde::Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Admin errors, shown by the `fudao-server` binary.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("辅导队“{0}”不存在 / no such team: {0}")]
    NoTeam(String),
    #[error("辅导队“{0}”已存在 / team already exists: {0}")]
    TeamExists(String),
    #[error("用户“{0}”不存在 / no such user: {0}")]
    NoUser(String),
    #[error("用户“{0}”已存在 / user already exists: {0}")]
    UserExists(String),
    #[error("数据无效 / invalid data: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn add_team(
    tx: &mut dyn Tx,
    name: &str,
    focus: &str,
    now: DateTime<Utc>,
) -> std::result::Result<Team, AdminError> {
    if tx.find_team(name)?.is_some() {
        return Err(AdminError::TeamExists(name.to_string()));
    }
    let t = Team {
        id: Uuid::now_v7(),
        name: name.trim().to_string(),
        focus: focus.to_string(),
        lead_id: None,
    };
    fudao_core::model::Entity::validate(&t).map_err(|e| AdminError::Invalid(e.to_string()))?;
    tx.insert_team(&t)?;
    tx.ensure_scope(&t.id.to_string())?;
    server_write(
        tx,
        EntityKind::Team,
        t.id,
        Some(t.id),
        as_map(&t),
        false,
        None,
        now,
    )?;
    Ok(t)
}

#[allow(clippy::too_many_arguments)]
pub fn add_user(
    tx: &mut dyn Tx,
    username: &str,
    name: &str,
    team: Option<&str>,
    role: Role,
    password_hash: String,
    now: DateTime<Utc>,
) -> std::result::Result<User, AdminError> {
    if tx.user_by_name(username)?.is_some() {
        return Err(AdminError::UserExists(username.to_string()));
    }
    let team = match team {
        Some(t) => Some(
            tx.find_team(t)?
                .ok_or_else(|| AdminError::NoTeam(t.to_string()))?,
        ),
        None => None,
    };
    let u = User {
        id: Uuid::now_v7(),
        username: username.trim().to_string(),
        name: if name.trim().is_empty() {
            username.to_string()
        } else {
            name.trim().to_string()
        },
        institution: String::new(),
        phone: String::new(),
        team_id: team.as_ref().map(|t| t.id),
        role,
        active: true,
    };
    fudao_core::model::Entity::validate(&u).map_err(|e| AdminError::Invalid(e.to_string()))?;
    tx.insert_user(&UserRecord {
        user: u.clone(),
        password_hash,
    })?;
    server_write(
        tx,
        EntityKind::User,
        u.id,
        u.team_id,
        as_map(&u),
        false,
        None,
        now,
    )?;
    if let (Some(mut t), Role::Lead) = (team, role) {
        if t.lead_id.is_none() {
            t.lead_id = Some(u.id);
            server_write(
                tx,
                EntityKind::Team,
                t.id,
                Some(t.id),
                as_map(&t),
                false,
                None,
                now,
            )?;
        }
    }
    Ok(u)
}

/// Enables or disables a user; disabling revokes every token at once.
pub fn set_active(
    tx: &mut dyn Tx,
    username: &str,
    active: bool,
    now: DateTime<Utc>,
) -> std::result::Result<User, AdminError> {
    let mut rec = tx
        .user_by_name(username)?
        .ok_or_else(|| AdminError::NoUser(username.to_string()))?;
    rec.user.active = active;
    tx.update_user(&rec)?;
    if !active {
        tx.revoke_user_tokens(rec.user.id)?;
    }
    server_write(
        tx,
        EntityKind::User,
        rec.user.id,
        rec.user.team_id,
        as_map(&rec.user),
        false,
        None,
        now,
    )?;
    Ok(rec.user)
}

/// Moves a user to another team (`Some(None)`: no team) and/or gives them another role.
/// Takes effect on the user's next request: scope and role are read from the user record
/// on every call, so a moved user at once stops pulling and writing the old team's rows.
/// A lead who leaves a team or stops being a lead is removed as that team's lead.
pub fn update_user(
    tx: &mut dyn Tx,
    username: &str,
    team: Option<Option<&str>>,
    role: Option<Role>,
    now: DateTime<Utc>,
) -> std::result::Result<User, AdminError> {
    let mut rec = tx
        .user_by_name(username)?
        .ok_or_else(|| AdminError::NoUser(username.to_string()))?;
    let old_team = rec.user.team_id;
    if let Some(t) = team {
        rec.user.team_id = match t {
            Some(t) => Some(
                tx.find_team(t)?
                    .ok_or_else(|| AdminError::NoTeam(t.to_string()))?
                    .id,
            ),
            None => None,
        };
    }
    if let Some(r) = role {
        rec.user.role = r;
    }
    fudao_core::model::Entity::validate(&rec.user)
        .map_err(|e| AdminError::Invalid(e.to_string()))?;
    tx.update_user(&rec)?;
    server_write(
        tx,
        EntityKind::User,
        rec.user.id,
        rec.user.team_id,
        as_map(&rec.user),
        false,
        None,
        now,
    )?;
    let lead_of = |tx: &mut dyn Tx, team: Uuid| -> Result<Option<Map<String, Value>>> {
        Ok(tx
            .get_row(EntityKind::Team, team)?
            .filter(|r| !r.deleted)
            .map(|r| r.data))
    };
    let id = Value::String(rec.user.id.to_string());
    if let Some(old) = old_team {
        if rec.user.team_id != Some(old) || rec.user.role != Role::Lead {
            if let Some(mut data) = lead_of(tx, old)? {
                if data.get("lead_id") == Some(&id) {
                    data.insert("lead_id".into(), Value::Null);
                    server_write(tx, EntityKind::Team, old, Some(old), data, false, None, now)?;
                }
            }
        }
    }
    if let (Some(new), Role::Lead) = (rec.user.team_id, rec.user.role) {
        if let Some(mut data) = lead_of(tx, new)? {
            if data.get("lead_id").is_none_or(Value::is_null) {
                data.insert("lead_id".into(), id);
                server_write(tx, EntityKind::Team, new, Some(new), data, false, None, now)?;
            }
        }
    }
    Ok(rec.user)
}

/// Sets a new password hash and revokes the user's tokens.
pub fn set_password(
    tx: &mut dyn Tx,
    username: &str,
    password_hash: String,
) -> std::result::Result<(), AdminError> {
    let mut rec = tx
        .user_by_name(username)?
        .ok_or_else(|| AdminError::NoUser(username.to_string()))?;
    rec.password_hash = password_hash;
    tx.update_user(&rec)?;
    tx.revoke_user_tokens(rec.user.id)?;
    Ok(())
}

/// Replaces the product catalogue: every product in `products` is written (ids from the
/// `id` field, or derived from the name), products no longer listed become tombstones.
/// Returns (written or changed, removed).
pub fn publish_catalog(
    tx: &mut dyn Tx,
    products: Vec<Value>,
    now: DateTime<Utc>,
) -> std::result::Result<(usize, usize), AdminError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut changed = 0;
    for (i, p) in products.into_iter().enumerate() {
        let Value::Object(mut m) = p else {
            return Err(AdminError::Invalid(format!(
                "第{}项不是对象 / item {} is not an object",
                i + 1,
                i + 1
            )));
        };
        let id = match m.get("id").and_then(Value::as_str) {
            Some(s) => Uuid::parse_str(s)
                .map_err(|_| AdminError::Invalid(format!("item {}: bad id {s}", i + 1)))?,
            None => {
                let name = m
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.trim().is_empty())
                    .ok_or_else(|| {
                        AdminError::Invalid(format!(
                            "第{}项缺少名称 / item {} has no name",
                            i + 1,
                            i + 1
                        ))
                    })?;
                Uuid::new_v5(
                    &Uuid::NAMESPACE_OID,
                    format!("fudao-product:{name}").as_bytes(),
                )
            }
        };
        m.insert("id".into(), Value::String(id.to_string()));
        if !seen.insert(id) {
            return Err(AdminError::Invalid(format!("duplicate product {id}")));
        }
        if server_write(tx, EntityKind::Product, id, None, m, false, None, now)? {
            changed += 1;
        }
    }
    let mut removed = 0;
    for row in tx.rows_of_kind(EntityKind::Product)? {
        if !row.deleted && !seen.contains(&row.row_id) {
            server_write(
                tx,
                EntityKind::Product,
                row.row_id,
                None,
                row.data,
                true,
                None,
                now,
            )?;
            removed += 1;
        }
    }
    Ok((changed, removed))
}
