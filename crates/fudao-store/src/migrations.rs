//! Schema migrations, applied in order and tracked with `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: append a new one. `Store::open` backs the database
//! file up before applying any migration to an existing database.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: entity tables, audit trail, sync outbox, metadata, search grams.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE team (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    name TEXT
);

CREATE TABLE user (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    username TEXT, name TEXT
);
CREATE INDEX user_team ON user(team_id);

CREATE TABLE firm (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    uscc TEXT, name TEXT, initials TEXT, district TEXT, industry TEXT, coach_id TEXT,
    first_loan_list INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX firm_uscc ON firm(uscc);
CREATE INDEX firm_name ON firm(name);
CREATE INDEX firm_initials ON firm(initials);
CREATE INDEX firm_team ON firm(team_id);
CREATE INDEX firm_coach ON firm(coach_id);

CREATE TABLE need (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    firm_id TEXT, status TEXT
);
CREATE INDEX need_firm ON need(firm_id);

CREATE TABLE visit (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    firm_id TEXT, date TEXT
);
CREATE INDEX visit_firm ON visit(firm_id);
CREATE INDEX visit_date ON visit(date);

CREATE TABLE product (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    name TEXT
);

CREATE TABLE plan (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    firm_id TEXT
);
CREATE INDEX plan_firm ON plan(firm_id);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    firm_id TEXT
);
CREATE INDEX feedback_firm ON feedback(firm_id);

-- Who changed which field, when, from which device.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    source TEXT NOT NULL
);
CREATE INDEX audit_row ON audit(kind, row_id);

-- Local changes not yet acknowledged by the server. `seq` is the device sequence number.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    row_id TEXT NOT NULL,
    team_id TEXT,
    base_version INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    fields TEXT NOT NULL,
    created_at TEXT NOT NULL,
    user_id TEXT
);

-- Search grams: bigrams of the lower-cased firm name and of its pinyin initials.
CREATE TABLE firm_gram (
    gram TEXT NOT NULL,
    firm_id TEXT NOT NULL REFERENCES firm(id) ON DELETE CASCADE,
    PRIMARY KEY (gram, firm_id)
) WITHOUT ROWID;
CREATE INDEX firm_gram_firm ON firm_gram(firm_id);
"#,
    // 2: sync — local copy of conflicts (with their resolution) and refused mutations.
    r#"
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,              -- the server's conflict record (JSON)
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution TEXT,                 -- mine | theirs | value | elsewhere
    resolved_at TEXT,
    reported INTEGER NOT NULL DEFAULT 1  -- 0: resolution not yet sent to the server
);
CREATE INDEX conflicts_status ON conflicts(status);

-- Mutations the server refused: kept so that no local change disappears silently.
CREATE TABLE rejected_mutations (
    mutation_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op TEXT NOT NULL,
    fields TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);

CREATE INDEX outbox_row ON outbox(kind, row_id);
"#,
    include_str!("migrations/0003_search_end_marks.sql"),
    include_str!("migrations/0004_search_covering_index.sql"),
    include_str!("migrations/0005_feedback_link.sql"),
    include_str!("migrations/0006_firm_key_compact_grams.sql"),
    include_str!("migrations/0007_kpi_columns.sql"),
    include_str!("migrations/0008_firm_kpi_index.sql"),
    include_str!("migrations/0009_search_index_with_id.sql"),
    include_str!("migrations/0010_workbench_columns.sql"),
    include_str!("migrations/0011_kpi_covering_indexes.sql"),
    include_str!("migrations/0012_firm_list_index.sql"),
    include_str!("migrations/0013_compressed_documents.sql"),
];

/// What undoes each migration from 9 on (the schema version it undoes, and the SQL), for the
/// tests that take a file back to an older schema to test a migration on it. Newest first.
const UNDO: &[(u32, &str)] = &[
    (
        13,
        "UPDATE firm SET data = fudao_doc(data) WHERE typeof(data) = 'blob';
         UPDATE visit SET data = fudao_doc(data) WHERE typeof(data) = 'blob';
         UPDATE need SET data = fudao_doc(data) WHERE typeof(data) = 'blob';
         UPDATE feedback SET data = fudao_doc(data) WHERE typeof(data) = 'blob';
         UPDATE outbox SET fields = fudao_doc(fields) WHERE typeof(fields) = 'blob';",
    ),
    (
        12,
        "DROP INDEX firm_list; DROP INDEX firm_order; DROP INDEX firm_uscc_live;
         ALTER TABLE firm DROP COLUMN quals; ALTER TABLE firm DROP COLUMN tags;",
    ),
    (
        11,
        "DROP INDEX need_kpi; DROP INDEX visit_kpi; DROP INDEX feedback_kpi;",
    ),
    (
        10,
        "DROP INDEX need_live; DROP INDEX visit_live; DROP INDEX feedback_rating;
         DROP INDEX plan_status; ALTER TABLE visit DROP COLUMN open_due;
         ALTER TABLE visit DROP COLUMN open_dues; ALTER TABLE plan DROP COLUMN status;",
    ),
    (
        9,
        "DROP INDEX firm_search;
         CREATE INDEX firm_search ON firm(key, deleted, initials, name, uscc, district);",
    ),
];

/// Takes the (plaintext) database at `path` back to schema `version` (at least 8), undoing the
/// later migrations: test support, never called by the store.
#[doc(hidden)]
pub fn downgrade_file(path: &std::path::Path, version: u32) -> crate::Result<()> {
    assert!(version >= 8, "migrations before 9 cannot be undone");
    let c = rusqlite::Connection::open(path)?;
    crate::codec::register_functions(&c)?;
    let current: u32 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (v, sql) in UNDO.iter().filter(|(v, _)| *v > version && *v <= current) {
        c.execute_batch(sql)?;
        c.pragma_update(None, "user_version", v - 1)?;
    }
    Ok(())
}

/// Work a migration needs beyond its SQL, run in the same transaction right after it: the
/// schema version the migration brings the database to, and the function.
pub const AFTER: &[(u32, AfterMigration)] = &[(6, crate::search::rebuild_index)];

/// The migrations after which the store always runs `VACUUM`: those that shrink rows in place.
/// SQLite does not merge the leaf pages such an `UPDATE` leaves mostly empty, so the free-page
/// count that decides for the others stays near zero (migration 13 left 298 firm pages
/// holding 2.3 KB each where 40 would do).
pub const VACUUM_AFTER: &[u32] = &[13];

/// Rust code run after a migration's SQL (see [`AFTER`]).
pub type AfterMigration = fn(&rusqlite::Connection) -> crate::Result<()>;
