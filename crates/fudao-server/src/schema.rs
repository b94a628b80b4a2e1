//! The schema text both backends share, in each dialect's words.

/// Version 1 of the schema in a dialect's words: the column types, the audit's
/// auto-incrementing key and the idempotent insert of the global scope are the only differences
/// between the SQLite and the PostgreSQL text (each shipped exactly as this expands to; never
/// edit it, add a migration).
macro_rules! schema_v1 {
    (
        int = $int:literal,
        bool = $bool:literal,
        false = $false:literal,
        serial_key = $serial_key:literal,
        insert_global = $insert_global:literal $(,)?
    ) => {
        concat!(
            r#"
CREATE TABLE IF NOT EXISTS scope_seq (scope TEXT PRIMARY KEY, seq "#,
            $int,
            r#" NOT NULL DEFAULT 0);
"#,
            $insert_global,
            r#"
CREATE TABLE IF NOT EXISTS rows (
    kind TEXT NOT NULL, row_id TEXT NOT NULL, team_id TEXT, scope TEXT NOT NULL,
    seq "#,
            $int,
            r#" NOT NULL, version "#,
            $int,
            r#" NOT NULL, deleted "#,
            $bool,
            r#" NOT NULL,
    data TEXT NOT NULL, stamps TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT,
    PRIMARY KEY (kind, row_id)
);
CREATE INDEX IF NOT EXISTS rows_scope_seq ON rows(scope, seq);
CREATE INDEX IF NOT EXISTS rows_kind ON rows(kind);
CREATE TABLE IF NOT EXISTS mutations (
    mutation_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, user_id TEXT NOT NULL,
    hash TEXT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id "#,
            $serial_key,
            r#", at TEXT NOT NULL, user_id TEXT, device_id TEXT, mutation_id TEXT,
    kind TEXT NOT NULL, row_id TEXT NOT NULL, version "#,
            $int,
            r#" NOT NULL, field TEXT NOT NULL,
    old TEXT NOT NULL, new TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_row ON audit(kind, row_id, field, version);
CREATE TABLE IF NOT EXISTS conflicts (
    id TEXT PRIMARY KEY, ctype TEXT NOT NULL, kind TEXT NOT NULL, row_id TEXT NOT NULL,
    team_id TEXT, scope TEXT NOT NULL, field TEXT NOT NULL, base TEXT NOT NULL,
    server TEXT NOT NULL, incoming TEXT NOT NULL, mutation_id TEXT NOT NULL,
    device_id TEXT NOT NULL, user_id TEXT, created_at TEXT NOT NULL, resolved_at TEXT,
    resolved_by TEXT, resolution TEXT
);
CREATE INDEX IF NOT EXISTS conflicts_open ON conflicts(scope) WHERE resolved_at IS NULL;
CREATE TABLE IF NOT EXISTS teams (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, data TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked "#,
            $bool,
            r#" NOT NULL DEFAULT "#,
            $false,
            r#"
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id);
"#
        )
    };
}

pub(crate) use schema_v1;
