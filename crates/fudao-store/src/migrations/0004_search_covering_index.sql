-- 4: search — a covering index for the candidates the bigram index yields: verifying and ranking
-- a candidate reads this index only, never the firm row (whose JSON document precedes these
-- columns and would be read through its overflow pages).
CREATE INDEX IF NOT EXISTS firm_search ON firm(id, deleted, initials, name, uscc, district);
