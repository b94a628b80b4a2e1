//! The one place where entity rows are read and written: JSON documents plus derived index
//! columns, audit entries and outbox entries.

use crate::codec::Doc;
use crate::{Ctx, Result, StoreError};
use fudao_core::model::{Entity, EntityKind};
use rusqlite::{params, Connection, OptionalExtension, Params};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Where a write came from (recorded in the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A user's edit in the app or CLI: audited and queued for sync.
    Local,
    /// A spreadsheet import: audited and queued for sync.
    Import,
    /// Synthetic demo data: audited, never queued (demo data is local only; a demo database
    /// refuses to log in or sync, see `Store::is_demo`).
    Demo,
    /// Applied from the server: audited, never queued.
    Sync,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "local",
            Source::Import => "import",
            Source::Demo => "demo",
            Source::Sync => "sync",
        }
    }

    /// Whether writes from this source are queued in the outbox for sync.
    pub fn queues(self) -> bool {
        matches!(self, Source::Local | Source::Import)
    }
}

/// What a put did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PutOutcome {
    pub created: bool,
    /// Top-level fields whose value changed (all fields for a new row).
    pub changed: Vec<String>,
}

/// One audited field change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub user_id: Option<String>,
    pub device_id: String,
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub source: String,
}

fn corrupt(kind: EntityKind, id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        kind: kind.as_str(),
        id: id.to_string(),
        detail: e.to_string(),
    }
}

pub(crate) fn get<E: Entity>(conn: &Connection, id: Uuid) -> Result<Option<E>> {
    let sql = format!(
        "SELECT data FROM {} WHERE id = ?1 AND deleted = 0",
        E::KIND.as_str()
    );
    let data: Option<Doc> = conn
        .query_row(&sql, [id.to_string()], |r| r.get(0))
        .optional()?;
    data.map(|d| parse_doc(E::KIND, &id.to_string(), d))
        .transpose()
}

/// Rows of `E` matching a WHERE clause over the kind's table.
pub(crate) fn query<E: Entity, P: Params>(
    conn: &Connection,
    where_sql: &str,
    p: P,
) -> Result<Vec<E>> {
    let sql = format!(
        "SELECT id, data FROM {} WHERE {where_sql} ORDER BY rowid",
        E::KIND.as_str()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, Doc>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, data) = row?;
        out.push(parse_doc(E::KIND, &id, data)?);
    }
    Ok(out)
}

/// A stored document with its version and tombstone flag.
pub(crate) type RawRow = (Map<String, Value>, i64, bool);

/// Current stored document, version and tombstone flag of a row (deleted rows included).
pub(crate) fn load_raw(conn: &Connection, kind: EntityKind, id: Uuid) -> Result<Option<RawRow>> {
    let sql = format!(
        "SELECT data, version, deleted FROM {} WHERE id = ?1",
        kind.as_str()
    );
    let row: Option<(Doc, i64, bool)> = conn
        .query_row(&sql, [id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((data, version, deleted)) => match parse_doc::<Value>(kind, &id.to_string(), data)? {
            Value::Object(m) => Ok(Some((m, version, deleted))),
            _ => Err(corrupt(kind, &id.to_string(), "not a JSON object")),
        },
    }
}

/// A stored document parsed, or the row named as damaged.
pub(crate) fn parse_doc<T: serde::de::DeserializeOwned>(
    kind: EntityKind,
    id: &str,
    doc: Doc,
) -> Result<T> {
    let text = doc.into_text().map_err(|e| corrupt(kind, id, e))?;
    serde_json::from_str(&text).map_err(|e| corrupt(kind, id, e))
}

fn str_field(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(|v| v.as_str()).map(str::to_string)
}

/// The due dates of a visit document's open follow-up tasks, in order (ISO dates order as
/// text): what migration 10 computes with `json_each`.
fn open_dues(m: &Map<String, Value>) -> Vec<&str> {
    let mut dues: Vec<&str> = m
        .get("tasks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| !t.get("done").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|t| t.get("due").and_then(Value::as_str))
        .collect();
    dues.sort_unstable();
    dues
}

/// The kinds of a firm document's qualifications, in order, as a JSON array: what migration 12
/// computes with `json_each`.
fn firm_quals(m: &Map<String, Value>) -> String {
    let kinds: Vec<&Value> = m
        .get("qualifications")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|q| q.get("kind").unwrap_or(&Value::Null))
        .collect();
    serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".to_string())
}

/// Index columns derived from a document: the only place that knows them.
fn index_columns(kind: EntityKind, m: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    let s = |k: &str| str_field(m, k).map(Value::String).unwrap_or(Value::Null);
    let v = |k: &str| m.get(k).cloned().unwrap_or(Value::Null);
    match kind {
        EntityKind::Firm => {
            let name = str_field(m, "name").unwrap_or_default();
            vec![
                ("uscc", s("uscc")),
                ("name", Value::String(name.clone())),
                (
                    "initials",
                    Value::String(fudao_core::text::pinyin_initials(&name)),
                ),
                ("district", s("district")),
                ("industry", s("industry")),
                ("coach_id", s("coach_id")),
                (
                    "first_loan_list",
                    Value::Bool(
                        m.get("first_loan_list")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    ),
                ),
                // For the KPIs (migration 8).
                ("first_loan_date", v("first_loan_date")),
                // For the list's rows (migration 12): JSON arrays, `[]` when none.
                ("quals", Value::String(firm_quals(m))),
                (
                    "tags",
                    Value::String(match m.get("tags") {
                        Some(t @ Value::Array(_)) => t.to_string(),
                        _ => "[]".to_string(),
                    }),
                ),
            ]
        }
        EntityKind::Team | EntityKind::Product => vec![("name", s("name"))],
        EntityKind::User => vec![("username", s("username")), ("name", s("name"))],
        // The KPI columns (migration 7) hold the document's values as they are: what
        // `json_extract` gives for them.
        EntityKind::Need => vec![
            ("firm_id", s("firm_id")),
            ("status", s("status")),
            ("amount", v("amount")),
            ("kind", v("kind")),
            ("raised_on", v("raised_on")),
            (
                "reasonable",
                m.get("ruling")
                    .and_then(|r| r.get("reasonable"))
                    .cloned()
                    .unwrap_or(Value::Null),
            ),
            ("outcomes", v("outcomes")),
            ("met_by_coach", v("met_by_coach")),
            ("closed_on", v("closed_on")),
            ("unmet_reason", v("unmet_reason")),
        ],
        EntityKind::Visit => vec![
            ("firm_id", s("firm_id")),
            ("date", s("date")),
            ("coach_ids", v("coach_ids")),
            // For the 工作台's follow-ups (migration 10): the earliest open due date and all
            // of them as a JSON array, null when no task is open.
            (
                "open_due",
                open_dues(m)
                    .first()
                    .map_or(Value::Null, |d| Value::String(d.to_string())),
            ),
            ("open_dues", {
                let dues = open_dues(m);
                if dues.is_empty() {
                    Value::Null
                } else {
                    Value::String(serde_json::to_string(&dues).unwrap_or_default())
                }
            }),
        ],
        EntityKind::Feedback => vec![
            ("firm_id", s("firm_id")),
            ("date", v("date")),
            ("rating", v("rating")),
            ("source", v("source")),
            ("need_met", v("need_met")),
        ],
        // The status for the 工作台's draft list (migration 10).
        EntityKind::Plan => vec![("firm_id", s("firm_id")), ("status", v("status"))],
        EntityKind::FeedbackLink => vec![("firm_id", s("firm_id"))],
    }
}

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Integer(*b as i64),
        Value::Number(n) => n
            .as_i64()
            .map(V::Integer)
            .unwrap_or_else(|| V::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => V::Text(s.clone()),
        other => V::Text(other.to_string()),
    }
}

/// The upsert statement of `kind`'s table, with or without an explicit version: built once
/// per process (it only depends on the kind's index columns), so that writing a row does not
/// format and hash a new SQL string each time.
fn upsert_sql(kind: EntityKind, with_version: bool) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        let empty = Map::new();
        EntityKind::ALL
            .iter()
            .flat_map(|&k| [false, true].map(|v| (k, v)))
            .map(|(k, with_version)| {
                let mut cols = vec![
                    "id",
                    "team_id",
                    "data",
                    "deleted",
                    "updated_at",
                    "updated_by",
                ];
                if with_version {
                    cols.push("version");
                }
                cols.extend(index_columns(k, &empty).into_iter().map(|(c, _)| c));
                let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                let updates: Vec<String> = cols
                    .iter()
                    .skip(1)
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                format!(
                    "INSERT INTO {t} ({cols}) VALUES ({ph}) ON CONFLICT(id) DO UPDATE SET {up}{ret}",
                    t = k.as_str(),
                    cols = cols.join(", "),
                    ph = placeholders.join(", "),
                    up = updates.join(", "),
                    // The firm's integer key, which the search index refers to.
                    ret = if k == EntityKind::Firm { " RETURNING key" } else { "" }
                )
            })
            .collect()
    });
    let i = EntityKind::ALL
        .iter()
        .position(|&k| k == kind)
        .expect("every kind is in EntityKind::ALL");
    &all[i * 2 + with_version as usize]
}

/// Writes a full document for a row with sync metadata; the single write path for entity rows.
/// `fresh`: the row did not exist before (nothing derived from an old version to remove).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_row(
    conn: &Connection,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<&str>,
    doc: &Map<String, Value>,
    version: Option<i64>,
    deleted: bool,
    fresh: bool,
    ctx: &Ctx,
) -> Result<()> {
    let data = crate::codec::encode(kind, serde_json::to_string(doc)?);
    write_row_data(
        conn, kind, id, team_id, doc, data, version, deleted, fresh, ctx,
    )
}

/// [`write_row`] with the document already stored as `data` (`doc` as the codec keeps it), so
/// that a caller that also queues the whole document for sync serialises and compresses it
/// once.
#[allow(clippy::too_many_arguments)]
fn write_row_data(
    conn: &Connection,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<&str>,
    doc: &Map<String, Value>,
    data: rusqlite::types::Value,
    version: Option<i64>,
    deleted: bool,
    fresh: bool,
    ctx: &Ctx,
) -> Result<()> {
    let idx = index_columns(kind, doc);
    let mut vals: Vec<rusqlite::types::Value> = Vec::with_capacity(7 + idx.len());
    vals.extend([
        id.to_string().into(),
        team_id.map(str::to_string).into(),
        data,
        (deleted as i64).into(),
        ctx.at.clone().into(),
        ctx.user_id.map(|u| u.to_string()).into(),
    ]);
    if let Some(v) = version {
        vals.push(v.into());
    }
    vals.extend(idx.iter().map(|(_, v)| sql_value(v)));
    let mut stmt = conn.prepare_cached(upsert_sql(kind, version.is_some()))?;
    crate::kpi::note_write(kind, &ctx.kpi_writes);
    if kind == EntityKind::Firm {
        // What the search index holds for the firm, read before the row changes (in a bulk
        // write, only at the firm's first write: the index is not written until the end).
        let deferred = ctx.deferred_index.as_ref();
        let before = if deferred.is_some_and(|d| d.borrow().has(id)) {
            None
        } else {
            crate::search::indexed(conn, id, fresh)?
        };
        let key: i64 = stmt.query_row(rusqlite::params_from_iter(vals), |r| r.get(0))?;
        let name = str_field(doc, "name").unwrap_or_default();
        match deferred {
            Some(d) => d.borrow_mut().record(id, key, name, deleted, before),
            None => crate::search::index_firm(conn, key, &name, deleted, before.as_ref())?,
        }
    } else {
        stmt.execute(rusqlite::params_from_iter(vals))?;
    }
    Ok(())
}

pub(crate) fn audit(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    field: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (at, user_id, device_id, kind, row_id, field, old, new, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ctx.at,
        ctx.user_id.map(|u| u.to_string()),
        ctx.device_id.to_string(),
        kind.as_str(),
        id.to_string(),
        field,
        old.map(Value::to_string),
        new.map(Value::to_string),
        ctx.source.as_str(),
    ])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn enqueue(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<&str>,
    base_version: i64,
    op: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let fields = crate::codec::encode(kind, serde_json::to_string(fields)?);
    enqueue_data(conn, ctx, kind, id, team_id, base_version, op, fields)
}

/// [`enqueue`] with the changed fields (a JSON object) already stored as the codec keeps
/// them: compressed with the kind's dictionary, like a document (`codec`).
#[allow(clippy::too_many_arguments)]
fn enqueue_data(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<&str>,
    base_version: i64,
    op: &str,
    fields: rusqlite::types::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (mutation_id, kind, row_id, team_id, base_version, op, fields, created_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        Uuid::now_v7().to_string(),
        kind.as_str(),
        id.to_string(),
        team_id,
        base_version,
        op,
        fields,
        ctx.at,
        ctx.user_id.map(|u| u.to_string()),
    ])?;
    Ok(())
}

/// Stores a full document as a local edit: diff against the stored one, audit each changed
/// field, queue the changed fields for sync.
pub(crate) fn put_value(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<Uuid>,
    value: Value,
) -> Result<PutOutcome> {
    let new = into_object(kind, id, value)?;
    if kind == EntityKind::Firm {
        check_unique_uscc(conn, id, &new)?;
    }
    let existing = load_raw(conn, kind, id)?;
    put_map(conn, ctx, kind, id, team_id, new, existing)
}

fn into_object(kind: EntityKind, id: Uuid, value: Value) -> Result<Map<String, Value>> {
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(corrupt(
            kind,
            &id.to_string(),
            "entity did not serialise to an object",
        )),
    }
}

/// Stores a row whose id was just made (`Uuid::now_v7()`, so no row has it yet) as a local
/// edit: [`put_value`] without looking for a stored version. The caller has checked that no
/// live firm holds the USCC (an import looks the firm up by USCC first, in the same
/// transaction).
pub(crate) fn insert_new(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<Uuid>,
    value: Value,
) -> Result<PutOutcome> {
    let new = into_object(kind, id, value)?;
    put_map(conn, ctx, kind, id, team_id, new, None)
}

fn put_map(
    conn: &Connection,
    ctx: &Ctx,
    kind: EntityKind,
    id: Uuid,
    team_id: Option<Uuid>,
    new: Map<String, Value>,
    existing: Option<RawRow>,
) -> Result<PutOutcome> {
    let team = team_id.map(|t| t.to_string());
    let Some((old, base_version, was_deleted)) = existing else {
        // A new row: every field is a change, so the row's document and the outbox entry's
        // fields are the same JSON, serialised once. It is audited once; its full content is
        // the row itself.
        if new.is_empty() {
            return Ok(PutOutcome {
                created: false,
                changed: vec![],
            });
        }
        audit(conn, ctx, kind, id, "_created", None, None)?;
        let data = crate::codec::encode(kind, serde_json::to_string(&new)?);
        if ctx.source.queues() {
            let fields = data.clone();
            enqueue_data(conn, ctx, kind, id, team.as_deref(), 0, "put", fields)?;
        }
        let changed = new.keys().cloned().collect();
        write_row_data(
            conn,
            kind,
            id,
            team.as_deref(),
            &new,
            data,
            None,
            false,
            true,
            ctx,
        )?;
        return Ok(PutOutcome {
            created: true,
            changed,
        });
    };
    let empty = Map::new();
    let old_map = if was_deleted { &empty } else { &old };
    let mut keys: Vec<&String> = new.keys().chain(old_map.keys()).collect();
    keys.sort();
    keys.dedup();
    let created = was_deleted;
    let mut changed = Map::new();
    for k in keys {
        let (o, n) = (old_map.get(k), new.get(k));
        if o != n {
            changed.insert(k.clone(), n.cloned().unwrap_or(Value::Null));
            if !created {
                audit(conn, ctx, kind, id, k, o, n)?;
            }
        }
    }
    if created && !changed.is_empty() {
        // A new row is audited once; its full content is the row itself.
        audit(conn, ctx, kind, id, "_created", None, None)?;
    }
    if changed.is_empty() {
        return Ok(PutOutcome {
            created: false,
            changed: vec![],
        });
    }
    write_row(
        conn,
        kind,
        id,
        team.as_deref(),
        &new,
        None,
        false,
        false,
        ctx,
    )?;
    if ctx.source.queues() {
        enqueue(
            conn,
            ctx,
            kind,
            id,
            team.as_deref(),
            base_version,
            "put",
            &changed,
        )?;
    }
    Ok(PutOutcome {
        created,
        changed: changed.keys().cloned().collect(),
    })
}

fn check_unique_uscc(conn: &Connection, id: Uuid, doc: &Map<String, Value>) -> Result<()> {
    let Some(uscc) = str_field(doc, "uscc") else {
        return Ok(());
    };
    let other: Option<String> = conn
        .prepare_cached("SELECT name FROM firm WHERE uscc = ?1 AND id <> ?2 AND deleted = 0")?
        .query_row(params![uscc, id.to_string()], |r| r.get(0))
        .optional()?;
    match other {
        Some(existing) => Err(StoreError::DuplicateUscc { uscc, existing }),
        None => Ok(()),
    }
}

pub(crate) fn delete(conn: &Connection, ctx: &Ctx, kind: EntityKind, id: Uuid) -> Result<bool> {
    let Some((doc, version, deleted)) = load_raw(conn, kind, id)? else {
        return Ok(false);
    };
    if deleted {
        return Ok(false);
    }
    let team: Option<String> = conn.query_row(
        &format!("SELECT team_id FROM {} WHERE id = ?1", kind.as_str()),
        [id.to_string()],
        |r| r.get(0),
    )?;
    write_row(
        conn,
        kind,
        id,
        team.as_deref(),
        &doc,
        None,
        true,
        false,
        ctx,
    )?;
    audit(
        conn,
        ctx,
        kind,
        id,
        "_deleted",
        Some(&Value::Bool(false)),
        Some(&Value::Bool(true)),
    )?;
    if ctx.source.queues() {
        enqueue(
            conn,
            ctx,
            kind,
            id,
            team.as_deref(),
            version,
            "delete",
            &Map::new(),
        )?;
    }
    Ok(true)
}

pub(crate) fn audit_of(conn: &Connection, kind: EntityKind, id: Uuid) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, user_id, device_id, field, old, new, source FROM audit WHERE kind = ?1 AND row_id = ?2 ORDER BY id DESC",
    )?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let rows = stmt.query_map(params![kind.as_str(), id.to_string()], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            user_id: r.get(1)?,
            device_id: r.get(2)?,
            field: r.get(3)?,
            old: parse(r.get(4)?),
            new: parse(r.get(5)?),
            source: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
