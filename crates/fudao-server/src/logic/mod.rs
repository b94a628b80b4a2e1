//! The protocol semantics, written once against [`Tx`]: authorization of every row, field
//! merge with conflict records, tombstones, idempotent mutations, paged pulls, and the
//! administrative writes that publish teams, users and the product catalogue.

use crate::storage::*;
use chrono::{DateTime, Utc};
use fudao_core::model::{Entity, EntityKind, Feedback, Firm, Need, Role, Team, User, Visit};
use fudao_core::plan::Plan;
use fudao_core::product::Product;
use fudao_sync::*;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

mod admin;
mod pull;
pub use admin::*;
pub use pull::*;

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
            public_url: None,
        }
    }
}

/// Hex SHA-256.
pub fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn rejected(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> MutationResult {
    MutationResult::rejected(code, zh, en)
}

/// A push naming a device that belongs to another user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceRefused;

/// The idempotency scope of a caller: its team, or `global`.
fn actor_scope(actor: &Actor) -> String {
    scope_of(actor.team_id)
}

/// Applies a batch of mutations in one transaction. Returns one outcome per mutation.
///
/// The device must belong to the caller. A mutation whose `device_seq` is further ahead of
/// the device's highest accepted one than [`MAX_PUSH_MUTATIONS`] is refused
/// ([`ErrorCode::DeviceSeqJump`]): a stamp that far ahead would make the device's later edits look
/// older and be skipped. Lower sequence numbers (reordered delivery) are accepted.
pub fn push(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    mutations: &[Mutation],
    now: DateTime<Utc>,
) -> Result<std::result::Result<Vec<MutationOutcome>, DeviceRefused>> {
    let mut claimed: Vec<String> = mutations
        .iter()
        .filter_map(|m| m.team_id.or(actor.team_id))
        .map(|t| t.to_string())
        .collect();
    claimed.sort();
    claimed.dedup();
    tx.lock_scopes(&claimed)?;
    let mut device = match tx.get_device(device_id)? {
        Some(d) if d.user_id != actor.user_id => return Ok(Err(DeviceRefused)),
        Some(d) => d,
        None => DeviceRecord {
            user_id: actor.user_id,
            max_seq: None,
        },
    };
    let before = device.clone();
    let mut out = Vec::with_capacity(mutations.len());
    for m in mutations {
        out.push(push_one(tx, actor, device_id, &mut device, m, now)?);
    }
    if device != before || before.max_seq.is_none() {
        tx.put_device(device_id, &device, now)?;
    }
    Ok(Ok(out))
}

fn push_one(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    device: &mut DeviceRecord,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Result<MutationOutcome> {
    let hash = sha256_hex(&m.canonical());
    let scope = actor_scope(actor);
    if let Some(prev) = tx.get_mutation(m.mutation_id)? {
        // Idempotency is scoped: only the pusher, its team, or an administrator learn the
        // original answer; anyone else is refused and learns nothing about it.
        let own = prev.user_id == actor.user_id.to_string()
            || actor.role == Role::Admin
            || prev.scope.as_deref() == Some(scope.as_str());
        if !own {
            return Ok(MutationOutcome {
                mutation_id: m.mutation_id,
                duplicate: false,
                result: rejected(
                    ErrorCode::MutationIdTaken,
                    "修改编号已被占用，已拒绝；请重新生成编号",
                    "this mutation id is taken; generate a new one",
                ),
            });
        }
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
                ErrorCode::PayloadMismatch,
                "同一修改编号已提交过不同内容，已拒绝",
                "this mutation id was already used with a different payload",
            ),
        });
    }
    let result = match device.max_seq {
        Some(max) if m.device_seq > max.saturating_add(MAX_PUSH_MUTATIONS as i64) => rejected(
            ErrorCode::DeviceSeqJump,
            format!(
                "设备序号{}超前于已接受的最大序号{}太多（最多{}），已拒绝",
                m.device_seq, max, MAX_PUSH_MUTATIONS
            ),
            format!(
                "device_seq {} is too far ahead of the highest accepted {} (at most {} ahead)",
                m.device_seq, max, MAX_PUSH_MUTATIONS
            ),
        ),
        _ => {
            device.max_seq = Some(device.max_seq.unwrap_or(0).max(m.device_seq));
            apply(tx, actor, device_id, m, now)?
        }
    };
    tx.put_mutation(
        m.mutation_id,
        device_id,
        actor.user_id,
        &hash,
        &to_json(&result),
        &scope,
        now,
    )?;
    Ok(MutationOutcome {
        mutation_id: m.mutation_id,
        duplicate: false,
        result,
    })
}

/// Whether a JSON value is "empty" (what serde may leave out when serialising a default).
fn is_empty_json(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

fn row_refused(
    code: ErrorCode,
    kind: EntityKind,
    row_id: Uuid,
    field: &str,
    zh: &str,
    en: &str,
) -> MutationResult {
    let (fz, fe) = if field.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("字段“{field}”"), format!(" field `{field}`"))
    };
    rejected(
        code,
        format!("{}（{row_id}）{fz}：{zh}", kind.label_zh()),
        format!("{} {row_id}{fe}: {en}", kind.as_str()),
    )
}

fn typed_check<T: Entity>(
    row_id: Uuid,
    data: &Map<String, Value>,
) -> std::result::Result<(), MutationResult> {
    let kind = T::KIND;
    let t: T = serde_json::from_value(Value::Object(data.clone())).map_err(|e| {
        let e = e.to_string();
        row_refused(
            ErrorCode::InvalidRow,
            kind,
            row_id,
            "",
            &format!("格式不正确（{e}）"),
            &format!("invalid row ({e})"),
        )
    })?;
    if let Ok(Value::Object(known)) = serde_json::to_value(&t) {
        if let Some((k, _)) = data
            .iter()
            .find(|(k, v)| !known.contains_key(k.as_str()) && !is_empty_json(v))
        {
            return Err(row_refused(
                ErrorCode::InvalidRow,
                kind,
                row_id,
                k,
                "不是该类记录的字段",
                "is not a field of this kind of row",
            ));
        }
    }
    t.validate().map_err(|errs| {
        let first = errs.0.first();
        let field = first.map(|f| f.field.clone()).unwrap_or_default();
        let (zh, en) = first
            .map(|f| (f.message.zh.clone(), f.message.en.clone()))
            .unwrap_or_default();
        row_refused(ErrorCode::InvalidRow, kind, row_id, &field, &zh, &en)
    })
}

/// Checks a row as it would be stored, before anything is written: the size of each field
/// and of the row, the entity's shape (no unknown fields) and its own validation rules
/// (`Entity::validate`, the rules every client applies before storing), so that no client
/// ever pulls a row it cannot read.
pub fn check_row(
    kind: EntityKind,
    row_id: Uuid,
    data: &Map<String, Value>,
) -> std::result::Result<(), MutationResult> {
    let mut total = 2usize;
    for (k, v) in data {
        let len = serde_json::to_string(v).map_or(usize::MAX, |t| t.len());
        total = total.saturating_add(len.saturating_add(k.len() + 4));
        if k.len() > 64 || len > MAX_FIELD_BYTES {
            return Err(row_refused(
                ErrorCode::RowTooLarge,
                kind,
                row_id,
                &k.chars().take(64).collect::<String>(),
                &format!("超过{}KB的上限", MAX_FIELD_BYTES / 1024),
                &format!("larger than the limit of {} KiB", MAX_FIELD_BYTES / 1024),
            ));
        }
        if SHORT_TEXT_FIELDS.contains(&k.as_str()) {
            if let Some(t) = v.as_str() {
                let n = t.chars().count();
                if n > MAX_SHORT_TEXT_CHARS {
                    return Err(row_refused(
                        ErrorCode::RowTooLarge,
                        kind,
                        row_id,
                        k,
                        &format!("{n}个字符，超过{MAX_SHORT_TEXT_CHARS}个字符的上限"),
                        &format!("{n} characters, more than the limit of {MAX_SHORT_TEXT_CHARS}"),
                    ));
                }
            }
        }
    }
    if total > MAX_ROW_BYTES {
        return Err(row_refused(
            ErrorCode::RowTooLarge,
            kind,
            row_id,
            "",
            &format!("整条记录超过{}KB的上限", MAX_ROW_BYTES / 1024),
            &format!(
                "the row is larger than the limit of {} KiB",
                MAX_ROW_BYTES / 1024
            ),
        ));
    }
    match kind {
        EntityKind::Firm => typed_check::<Firm>(row_id, data),
        EntityKind::Need => typed_check::<Need>(row_id, data),
        EntityKind::Visit => typed_check::<Visit>(row_id, data),
        EntityKind::Feedback => typed_check::<Feedback>(row_id, data),
        EntityKind::Plan => typed_check::<Plan>(row_id, data),
        EntityKind::FeedbackLink => {
            typed_check::<fudao_core::feedback_link::FeedbackLink>(row_id, data)
        }
        EntityKind::Team => typed_check::<Team>(row_id, data),
        EntityKind::User => typed_check::<User>(row_id, data),
        EntityKind::Product => typed_check::<Product>(row_id, data),
    }
}

/// Step 1 of [`apply`]: the checks that need only the mutation itself (kind, id, team
/// fields). Returns the team the mutation claims, if any, or the refusal.
fn claimed_team(m: &Mutation) -> std::result::Result<Option<Uuid>, MutationResult> {
    if matches!(
        m.kind,
        EntityKind::Team | EntityKind::User | EntityKind::Product
    ) {
        return Err(rejected(
            ErrorCode::ReadOnlyKind,
            format!("{}由服务器管理员维护，不能通过同步修改", m.kind.label_zh()),
            format!(
                "{} rows are managed on the server and cannot be pushed",
                m.kind.as_str()
            ),
        ));
    }
    if let Some(id) = m.fields.get("id") {
        if id.as_str() != Some(m.row_id.to_string().as_str()) {
            return Err(rejected(
                ErrorCode::InvalidRow,
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
                return Err(rejected(
                    ErrorCode::InvalidRow,
                    "辅导队编号无效",
                    "invalid team_id",
                ))
            }
        },
        Some(_) => {
            return Err(rejected(
                ErrorCode::InvalidRow,
                "辅导队编号无效",
                "invalid team_id",
            ))
        }
    };
    if let (Some(a), Some(b)) = (m.team_id, field_team) {
        if a != b {
            return Err(rejected(
                ErrorCode::InvalidRow,
                "修改中的辅导队不一致",
                "team_id of the mutation and of its fields differ",
            ));
        }
    }
    Ok(m.team_id.or(field_team))
}

/// Step 2 of [`apply`]: decides the row's team and whether the actor may write this
/// mutation there (role, team, feedback-link firm, base version). Returns the team or the
/// refusal.
fn admitted_team(
    tx: &mut dyn Tx,
    actor: &Actor,
    m: &Mutation,
    claimed: Option<Uuid>,
    current: Option<&RowState>,
) -> Result<std::result::Result<Uuid, MutationResult>> {
    let team = match current {
        Some(cur) => {
            if claimed.is_some() && claimed != cur.team_id {
                return Ok(Err(rejected(
                    ErrorCode::TeamChange,
                    "不能通过同步把记录转到其他辅导队",
                    "a row cannot be moved to another team by a push",
                )));
            }
            cur.team_id
        }
        None => claimed.or(actor.team_id),
    };
    let Some(team) = team else {
        return Ok(Err(rejected(
            ErrorCode::InvalidRow,
            "记录必须属于一个辅导队",
            "the row must belong to a team",
        )));
    };
    match actor.role {
        Role::Admin => {
            if tx.find_team(&team.to_string())?.is_none() {
                return Ok(Err(rejected(
                    ErrorCode::UnknownTeam,
                    "辅导队不存在",
                    "no such team",
                )));
            }
        }
        Role::Coach | Role::Lead => {
            if Some(team) != actor.team_id {
                return Ok(Err(rejected(
                    ErrorCode::Forbidden,
                    "只能修改本辅导队的数据",
                    "you may only change your own team's rows",
                )));
            }
            if actor.role == Role::Coach && m.op == Op::Delete && m.kind == EntityKind::Firm {
                return Ok(Err(rejected(
                    ErrorCode::Forbidden,
                    "辅导员不能删除企业，请联系队长",
                    "coaches cannot delete firms; ask the team lead",
                )));
            }
        }
    }
    if m.kind == EntityKind::FeedbackLink && m.op == Op::Put {
        // A feedback link names a firm of the row's own team: the page shows the firm's name
        // to whoever holds the token, so a link may not point into another team.
        let firm_id = m
            .fields
            .get("firm_id")
            .or_else(|| current.and_then(|c| c.data.get("firm_id")))
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok());
        let firm_ok = match firm_id {
            Some(f) => tx
                .get_row(EntityKind::Firm, f)?
                .is_some_and(|r| !r.deleted && r.team_id == Some(team)),
            None => false,
        };
        if !firm_ok {
            return Ok(Err(row_refused(
                ErrorCode::Forbidden,
                m.kind,
                m.row_id,
                "firm_id",
                "企业不存在或不属于本辅导队",
                "no such firm in the row's team",
            )));
        }
    }
    let current_version = current.map_or(0, |c| c.version);
    if m.base_version > current_version || m.base_version < 0 {
        return Ok(Err(row_refused(
            ErrorCode::BaseVersionAhead,
            m.kind,
            m.row_id,
            "",
            &format!(
                "修改所基于的版本{}不存在（服务器当前版本为{}），已拒绝；请先同步",
                m.base_version, current_version
            ),
            &format!(
                "base_version {} is not a version the server gave out (the row is at {}); refused, sync first",
                m.base_version, current_version
            ),
        )));
    }
    Ok(Ok(team))
}

/// Applies one pushed mutation: the checks run in [`claimed_team`] and [`admitted_team`],
/// then the write itself. Long because the write is one match over (op, current row), whose
/// four merge cases share the field-stamp and audit closures; splitting the arms would scatter
/// that shared state over helpers with nine arguments each.
fn apply(
    tx: &mut dyn Tx,
    actor: &Actor,
    device_id: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Result<MutationResult> {
    let claimed = match claimed_team(m) {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    let current = tx.get_row(m.kind, m.row_id)?;
    let team = match admitted_team(tx, actor, m, claimed, current.as_ref())? {
        Ok(t) => t,
        Err(r) => return Ok(r),
    };
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
        actor: Some(actor.username.clone()),
    };
    let scope = team.to_string();

    match (m.op, current) {
        (Op::Put, None) => {
            let mut data = m.fields.clone();
            data.insert("id".into(), Value::String(m.row_id.to_string()));
            data.insert("team_id".into(), Value::String(team.to_string()));
            if let Err(r) = check_row(m.kind, m.row_id, &data) {
                return Ok(r);
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
            // What the row would be with every incoming field: checked before anything is
            // applied or kept in a conflict record.
            let mut proposed = cur.data.clone();
            for (f, v) in &m.fields {
                if f != "id" && f != "team_id" {
                    proposed.insert(f.clone(), v.clone());
                }
            }
            if let Err(r) = check_row(m.kind, m.row_id, &proposed) {
                return Ok(r);
            }
            let mut row = cur.clone();
            let new_version = cur.version + 1;
            let mut audits = Vec::new();
            let mut pending_conflicts: Vec<(ConflictType, String, Value, Value)> = Vec::new();
            if cur.deleted {
                let del = cur.stamps.get(DELETED_STAMP).copied();
                // The device saw the delete when its base is at least the delete's version.
                let saw_delete =
                    del.map_or(m.base_version >= cur.version, |d| m.base_version >= d.v);
                if saw_delete {
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
                if let Err(r) = check_row(m.kind, m.row_id, &row.data) {
                    return Ok(r);
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
