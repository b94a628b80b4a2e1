//! Wire types of the sync protocol (JSON over HTTP). See `docs/sync.md`.
//!
//! Every request carries [`HEADER_PROTOCOL`] and [`HEADER_SCHEMA`]; a server that cannot serve
//! them answers `426 Upgrade Required` with the error code [`ErrorCode::UpgradeRequired`].

use chrono::{DateTime, Utc};
use fudao_core::model::{EntityKind, Role};
use fudao_core::Msg;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Version of the wire protocol. Bump on any incompatible change to these types.
pub const PROTOCOL_VERSION: u32 = 1;
/// Version of the entity schema (the JSON shape of rows).
pub const SCHEMA_VERSION: u32 = 1;
/// Request header carrying [`PROTOCOL_VERSION`].
pub const HEADER_PROTOCOL: &str = "x-fudao-protocol";
/// Request header carrying [`SCHEMA_VERSION`].
pub const HEADER_SCHEMA: &str = "x-fudao-schema";
/// Largest number of mutations accepted in one push.
pub const MAX_PUSH_MUTATIONS: usize = 1000;
/// Largest pull page a server returns.
pub const MAX_PULL_LIMIT: u32 = 2000;
/// A server ends a pull page once its rows' JSON passes this many bytes (a page holds at
/// least one row, and a row at most [`MAX_ROW_BYTES`]), so that no page comes near the
/// client's limit on a response (four times this) whatever the rows hold.
pub const MAX_PULL_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest JSON text of one top-level field of a row, in bytes.
pub const MAX_FIELD_BYTES: usize = 128 * 1024;
/// Largest JSON text of one row, in bytes.
pub const MAX_ROW_BYTES: usize = 256 * 1024;
/// Longest name-like text field (`name`, `uscc`, `number`, …), in characters: every
/// character of a firm name is indexed for search on every replica.
pub const MAX_SHORT_TEXT_CHARS: usize = 200;
/// The fields held to [`MAX_SHORT_TEXT_CHARS`].
pub const SHORT_TEXT_FIELDS: &[&str] = &[
    "name", "uscc", "number", "username", "phone", "district", "industry",
];
/// The scope of rows that belong to no team (product catalogue, administrators).
pub const GLOBAL_SCOPE: &str = "global";

pub use crate::error_code::ErrorCode;

/// The wire text of the codes, for places that hold a code as text (a mutation's rejection,
/// a stored rejected mutation, tests matching a JSON body). Each is [`ErrorCode::as_str`] of its
/// variant: branch on [`ErrorCode`], never on these strings.
pub mod codes {
    use super::ErrorCode as C;
    pub const UPGRADE_REQUIRED: &str = C::UpgradeRequired.as_str();
    pub const UNAUTHORIZED: &str = C::Unauthorized.as_str();
    pub const BAD_CREDENTIALS: &str = C::BadCredentials.as_str();
    pub const RATE_LIMITED: &str = C::RateLimited.as_str();
    pub const FORBIDDEN: &str = C::Forbidden.as_str();
    pub const BAD_REQUEST: &str = C::BadRequest.as_str();
    pub const TOO_LARGE: &str = C::TooLarge.as_str();
    pub const NOT_FOUND: &str = C::NotFound.as_str();
    pub const INTERNAL: &str = C::Internal.as_str();
    pub const UNAVAILABLE: &str = C::Unavailable.as_str();
    pub const PAYLOAD_MISMATCH: &str = C::PayloadMismatch.as_str();
    pub const TEAM_CHANGE: &str = C::TeamChange.as_str();
    pub const READ_ONLY_KIND: &str = C::ReadOnlyKind.as_str();
    pub const INVALID_ROW: &str = C::InvalidRow.as_str();
    pub const UNKNOWN_TEAM: &str = C::UnknownTeam.as_str();
    pub const DEVICE_MISMATCH: &str = C::DeviceMismatch.as_str();
    pub const SEQ_JUMP: &str = C::DeviceSeqJump.as_str();
    pub const BASE_AHEAD: &str = C::BaseVersionAhead.as_str();
    pub const MUTATION_ID_TAKEN: &str = C::MutationIdTaken.as_str();
    pub const ROW_TOO_LARGE: &str = C::RowTooLarge.as_str();
}

/// The one error shape of every non-2xx response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Msg,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

impl ApiError {
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            code,
            message: Msg::new(zh, en),
            details: Value::Null,
        }
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// A push operation on one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Put,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "put" => Some(Op::Put),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// One local change: changed top-level fields only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    /// UUIDv7, unique per change; the idempotency key.
    pub mutation_id: Uuid,
    /// The device's own sequence number of this change (monotonic per device).
    pub device_seq: i64,
    pub kind: EntityKind,
    pub row_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    /// The server row version the device had when it made the change (0 = never synced).
    pub base_version: i64,
    pub op: Op,
    /// Changed top-level fields → new values (empty for deletes).
    #[serde(default)]
    pub fields: Map<String, Value>,
}

impl Mutation {
    /// A canonical text of the payload (keys sorted at every level), used to tell a replay
    /// from a different payload under the same mutation id.
    pub fn canonical(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        canonical_json(&v)
    }
}

/// Serialises a JSON value with object keys sorted at every level, independent of
/// serde_json's `preserve_order` feature.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: Uuid,
    pub mutations: Vec<Mutation>,
}

/// What the server did with one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MutationResult {
    /// Every changed field was applied (or already had the value). `version` is the row's
    /// server version afterwards.
    Applied { version: i64 },
    /// Disjoint fields were applied; the fields in `conflicts` kept the server's value and a
    /// conflict record was written for each.
    Conflict {
        version: i64,
        conflicts: Vec<Conflict>,
    },
    /// Refused; nothing was changed. `code` is an [`ErrorCode`]'s text (kept as text: a
    /// rejection is stored with the local mutation and shown as it came).
    Rejected { code: String, message: Msg },
}

impl MutationResult {
    pub fn rejected(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        MutationResult::Rejected {
            code: code.as_str().to_string(),
            message: Msg::new(zh, en),
        }
    }
    /// Whether the server accepted the mutation (applied, possibly with conflicts recorded).
    pub fn is_accepted(&self) -> bool {
        !matches!(self, MutationResult::Rejected { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationOutcome {
    pub mutation_id: Uuid,
    /// True when the mutation id had been processed before; `result` is then the original one.
    #[serde(default)]
    pub duplicate: bool,
    pub result: MutationResult,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One outcome per pushed mutation, in request order.
    pub results: Vec<MutationOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// Opaque cursor from the previous page; `None` starts from the beginning.
    #[serde(default)]
    pub cursor: Option<String>,
    pub limit: u32,
}

/// The current state of one row, as of its latest change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The row's position in its team's change sequence.
    pub seq: i64,
    pub kind: EntityKind,
    pub row_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub version: i64,
    pub deleted: bool,
    /// The full entity JSON (the last live state for a tombstone).
    pub data: Value,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Store this together with the applied page; pass it to the next pull.
    pub next_cursor: String,
    /// More changes are waiting.
    pub more: bool,
}

/// Which way a conflict went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictType {
    /// The same field was changed on the server and by the incoming mutation.
    Field,
    /// The incoming mutation edited a row that was deleted on the server (the row stays
    /// deleted; `incoming` holds the edited fields).
    EditDeleted,
    /// The incoming mutation deleted a row that was edited on the server (the row stays;
    /// `server` holds its data).
    DeleteEdited,
}

impl ConflictType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictType::Field => "field",
            ConflictType::EditDeleted => "edit_deleted",
            ConflictType::DeleteEdited => "delete_edited",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "field" => Some(ConflictType::Field),
            "edit_deleted" => Some(ConflictType::EditDeleted),
            "delete_edited" => Some(ConflictType::DeleteEdited),
            _ => None,
        }
    }
}

/// A concurrent change that kept the server's value. Nothing is discarded: the incoming value
/// is kept here until a person resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: Uuid,
    pub conflict_type: ConflictType,
    pub kind: EntityKind,
    pub row_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    /// The top-level field (`""` for edit/delete conflicts).
    pub field: String,
    /// The value the incoming edit was based on.
    pub base: Value,
    /// The value the server kept.
    pub server: Value,
    /// The value that was not applied.
    pub incoming: Value,
    pub mutation_id: Uuid,
    pub device_id: Uuid,
    #[serde(default)]
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_by: Option<Uuid>,
    #[serde(default)]
    pub resolution: Option<String>,
}

/// How a conflict was settled (the data change itself travels as an ordinary mutation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The incoming ("mine") value was written again.
    Mine,
    /// The server's value stays.
    Theirs,
    /// A third value was written.
    Value,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Mine => "mine",
            Resolution::Theirs => "theirs",
            Resolution::Value => "value",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mine" => Some(Resolution::Mine),
            "theirs" => Some(Resolution::Theirs),
            "value" => Some(Resolution::Value),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub resolution: Resolution,
}

/// Conflicts a page of `GET /v1/conflicts?limit=N` holds at most (a larger `limit` is
/// lowered to it).
pub const MAX_CONFLICT_PAGE: u32 = 500;

/// Conflicts `GET /v1/conflicts` without `limit` answers at most (clients from before paging
/// ask so): the oldest ones. A team's list is otherwise unbounded (a teammate can make any
/// number of conflicts), and the whole list would be one response.
pub const MAX_CONFLICTS_UNPAGED: usize = 10_000;

/// Open conflicts, oldest first (by creation time, then id). `next` is set when a paged
/// request (`limit`) has more: the `after` of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictList {
    pub conflicts: Vec<Conflict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Uuid>,
}

/// The query of `GET /v1/conflicts`: `limit` asks for a page (at most
/// [`MAX_CONFLICT_PAGE`]), `after` for the one after the conflict it names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub device_id: Uuid,
}

/// Who is logged in (never includes secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: Uuid,
    pub username: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    /// The server's public address for firm-facing pages (the feedback page of printed
    /// plans), when the server publishes one (`fudao-server serve --public-url`); the sync
    /// address may be internal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Bearer token; send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub protocol: u32,
    pub schema: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mutation() -> Mutation {
        Mutation {
            mutation_id: Uuid::now_v7(),
            device_seq: 3,
            kind: EntityKind::Firm,
            row_id: Uuid::now_v7(),
            team_id: None,
            base_version: 2,
            op: Op::Put,
            fields: json!({"name": "济南量子", "staff": 12, "tags": ["a"]})
                .as_object()
                .cloned()
                .unwrap(),
        }
    }

    #[test]
    fn canonical_is_key_order_independent() {
        let a = json!({"b": 1, "a": {"y": [1, {"q": 2, "p": 1}], "x": "中"}});
        let b = json!({"a": {"x": "中", "y": [1, {"p": 1, "q": 2}]}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"x":"中","y":[1,{"p":1,"q":2}]},"b":1}"#
        );
        let m = mutation();
        let mut m2 = m.clone();
        assert_eq!(m.canonical(), m2.canonical());
        m2.fields.insert("staff".into(), json!(13));
        assert_ne!(m.canonical(), m2.canonical());
    }

    #[test]
    fn wire_shapes() {
        let m = mutation();
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["kind"], "firm");
        assert_eq!(v["op"], "put");
        let r = MutationResult::Applied { version: 4 };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"status": "applied", "version": 4})
        );
        let e = ApiError::new(ErrorCode::Forbidden, "无权限", "forbidden");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "forbidden", "message": {"zh": "无权限", "en": "forbidden"}})
        );
        // Unknown fields in a mutation are refused rather than silently dropped.
        let mut bad = v.clone();
        bad["evil"] = json!(1);
        assert!(serde_json::from_value::<Mutation>(bad).is_err());
    }
}
