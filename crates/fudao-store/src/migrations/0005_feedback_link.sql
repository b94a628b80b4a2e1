-- 5: feedback links printed on plans (扫码评价).
CREATE TABLE feedback_link (
    id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    firm_id TEXT
);
CREATE INDEX feedback_link_firm ON feedback_link(firm_id);
