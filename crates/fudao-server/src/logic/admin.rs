//! The administrative writes that publish teams, users and the product catalogue, and the
//! audit events of them.

use super::*;

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
    actor: &str,
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
                actor: Some(actor.to_string()),
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

/// The administrator's write of a team document (its row in its own scope).
fn write_team(
    tx: &mut dyn Tx,
    id: Uuid,
    data: Map<String, Value>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    server_write(
        tx,
        EntityKind::Team,
        id,
        Some(id),
        data,
        false,
        None,
        actor,
        now,
    )
}

/// The administrator's write of a user document (in its team's scope).
fn write_user(tx: &mut dyn Tx, u: &User, actor: &str, now: DateTime<Utc>) -> Result<bool> {
    server_write(
        tx,
        EntityKind::User,
        u.id,
        u.team_id,
        as_map(u),
        false,
        None,
        actor,
        now,
    )
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
    actor: &str,
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
    event(tx, actor, "team.add", &t.name, &t.id.to_string(), now)?;
    write_team(tx, t.id, as_map(&t), actor, now)?;
    Ok(t)
}

#[allow(clippy::too_many_arguments)]
pub fn add_user(
    tx: &mut dyn Tx,
    actor: &str,
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
    event(
        tx,
        actor,
        "user.add",
        &u.username,
        &format!("role {}, team {}", u.role.key(), opt(u.team_id)),
        now,
    )?;
    write_user(tx, &u, actor, now)?;
    if let (Some(mut t), Role::Lead) = (team, role) {
        if t.lead_id.is_none() {
            t.lead_id = Some(u.id);
            write_team(tx, t.id, as_map(&t), actor, now)?;
        }
    }
    Ok(u)
}

/// Enables or disables a user; disabling revokes every token at once.
pub fn set_active(
    tx: &mut dyn Tx,
    actor: &str,
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
    let action = if active {
        "user.enable"
    } else {
        "user.disable"
    };
    let detail = if active { "" } else { "all tokens revoked" };
    event(tx, actor, action, &rec.user.username, detail, now)?;
    write_user(tx, &rec.user, actor, now)?;
    Ok(rec.user)
}

/// Moves a user to another team (`Some(None)`: no team) and/or gives them another role.
/// Takes effect on the user's next request: scope and role are read from the user record
/// on every call, so a moved user at once stops pulling and writing the old team's rows.
/// A lead who leaves a team or stops being a lead is removed as that team's lead.
pub fn update_user(
    tx: &mut dyn Tx,
    actor: &str,
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
    event(
        tx,
        actor,
        "user.set",
        &rec.user.username,
        &format!(
            "role {}, team {} (was team {})",
            rec.user.role.key(),
            opt(rec.user.team_id),
            opt(old_team)
        ),
        now,
    )?;
    write_user(tx, &rec.user, actor, now)?;
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
                    write_team(tx, old, data, actor, now)?;
                }
            }
        }
    }
    if let (Some(new), Role::Lead) = (rec.user.team_id, rec.user.role) {
        if let Some(mut data) = lead_of(tx, new)? {
            if data.get("lead_id").is_none_or(Value::is_null) {
                data.insert("lead_id".into(), id);
                write_team(tx, new, data, actor, now)?;
            }
        }
    }
    Ok(rec.user)
}

/// Sets a new password hash and revokes the user's tokens.
pub fn set_password(
    tx: &mut dyn Tx,
    actor: &str,
    username: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> std::result::Result<(), AdminError> {
    let mut rec = tx
        .user_by_name(username)?
        .ok_or_else(|| AdminError::NoUser(username.to_string()))?;
    rec.password_hash = password_hash;
    tx.update_user(&rec)?;
    tx.revoke_user_tokens(rec.user.id)?;
    event(
        tx,
        actor,
        "user.passwd",
        &rec.user.username,
        "password changed, all tokens revoked",
        now,
    )?;
    Ok(())
}

/// Replaces the product catalogue: every product in `products` is written (ids from the
/// `id` field, or derived from the name), products no longer listed become tombstones.
/// Returns (written or changed, removed).
pub fn publish_catalog(
    tx: &mut dyn Tx,
    actor: &str,
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
        if let Err(MutationResult::Rejected { message, .. }) =
            check_row(EntityKind::Product, id, &m)
        {
            return Err(AdminError::Invalid(format!(
                "第{}项 / item {}: {message}",
                i + 1,
                i + 1
            )));
        }
        if !seen.insert(id) {
            return Err(AdminError::Invalid(format!("duplicate product {id}")));
        }
        if server_write(
            tx,
            EntityKind::Product,
            id,
            None,
            m,
            false,
            None,
            actor,
            now,
        )? {
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
                actor,
                now,
            )?;
            removed += 1;
        }
    }
    event(
        tx,
        actor,
        "catalog.publish",
        "products",
        &format!("{changed} written, {removed} withdrawn"),
        now,
    )?;
    Ok((changed, removed))
}

fn opt(u: Option<Uuid>) -> String {
    u.map(|u| u.to_string()).unwrap_or_else(|| "-".into())
}

/// Records a security event (administration, password change, token revocation).
pub fn event(
    tx: &mut dyn Tx,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.insert_event(&SecurityEvent {
        at: now,
        actor: actor.to_string(),
        action: action.to_string(),
        target: target.to_string(),
        detail: detail.to_string(),
    })
}
