-- 3: search — the end mark of every indexed string (its last character followed by U+0001), so
-- that a one-character query is served by a range of the bigram index: the last character of a
-- name and one-character names included. Only the first 100 characters of a name are indexed.
INSERT OR IGNORE INTO firm_gram (gram, firm_id)
SELECT lower(substr(name, min(length(name), 100), 1)) || char(1), id
FROM firm WHERE deleted = 0 AND name IS NOT NULL AND name <> '';
INSERT OR IGNORE INTO firm_gram (gram, firm_id)
SELECT substr(initials, -1) || char(1), id
FROM firm WHERE deleted = 0 AND initials IS NOT NULL AND initials <> '';
