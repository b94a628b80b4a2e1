-- 6: a smaller store and an index-only search of broad queries (issue 15).
--
-- * `firm` gets an explicit integer key (`key INTEGER PRIMARY KEY`, the former implicit rowid,
--   so the row order is kept). Implicit rowids are not stable: VACUUM and `sqlcipher_export`
--   (encryption, backups) may renumber them, an explicit key they copy.
-- * `firm_gram` is keyed by that integer instead of the 36-character text id, and carries the
--   firm's sort key (`sk`: name length and the first pinyin initials) so that a query's matches
--   come out of the index in rank order; the reverse index `firm_gram_firm` goes (a firm's old
--   grams are recomputed from its old name when it changes). Start marks (U+0002 + the first
--   two characters) find prefix matches. The grams themselves are written by the store in Rust
--   right after this script (`search::rebuild_index`): the same code as every write.
-- * `firm_search` (covering index of the search) is keyed by the integer key.
DROP TABLE firm_gram;
CREATE TABLE firm_new (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE, team_id TEXT, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT, updated_by TEXT,
    uscc TEXT, name TEXT, initials TEXT, district TEXT, industry TEXT, coach_id TEXT,
    first_loan_list INTEGER NOT NULL DEFAULT 0
);
INSERT INTO firm_new (key, id, team_id, data, version, deleted, updated_at, updated_by,
                      uscc, name, initials, district, industry, coach_id, first_loan_list)
SELECT rowid, id, team_id, data, version, deleted, updated_at, updated_by,
       uscc, name, initials, district, industry, coach_id, first_loan_list
FROM firm ORDER BY rowid;
DROP TABLE firm;
ALTER TABLE firm_new RENAME TO firm;
CREATE INDEX firm_uscc ON firm(uscc);
CREATE INDEX firm_name ON firm(name);
CREATE INDEX firm_initials ON firm(initials);
CREATE INDEX firm_team ON firm(team_id);
CREATE INDEX firm_coach ON firm(coach_id);
CREATE INDEX firm_search ON firm(key, deleted, initials, name, uscc, district);
CREATE TABLE firm_gram (
    gram TEXT NOT NULL,
    sk INTEGER NOT NULL,
    firm_key INTEGER NOT NULL,
    PRIMARY KEY (gram, sk, firm_key)
) WITHOUT ROWID;
