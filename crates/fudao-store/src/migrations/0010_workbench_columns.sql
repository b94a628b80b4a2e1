-- 10: 工作台 reads what it shows, not every row. At 100,000 firms its first data waited on
-- counts that scanned the need and visit tables (every page decrypted) and on parsing all
-- 212,000 visits, 60,000 ratings and every plan to find a few dozen rows to show.
-- The live-row counts (`Store::count`) read a small index instead of the table. Every index
-- here is partial (`WHERE deleted = 0`) and none leads with `deleted`: the store keeps no
-- statistics, and an index on `deleted` would win every `deleted = 0 AND …` query, turning the
-- KPI loaders' and the lists' table scans and the per-firm look-ups into index walks.
CREATE INDEX need_live ON need(firm_id) WHERE deleted = 0;
-- A visit's open follow-up tasks: the earliest one's due date (ISO; NULL when every task is
-- done) and all their due dates in order (a JSON array; NULL when none), so that the
-- follow-ups list reads only the visits due within its window and its counts read only the
-- index.
ALTER TABLE visit ADD COLUMN open_due TEXT;
ALTER TABLE visit ADD COLUMN open_dues TEXT;
UPDATE visit SET open_dues = (
    SELECT json_group_array(due) FROM (
        SELECT json_extract(t.value, '$.due') AS due FROM json_each(visit.data, '$.tasks') AS t
        WHERE COALESCE(json_extract(t.value, '$.done'), 0) = 0 ORDER BY due
    )
);
UPDATE visit SET open_dues = NULL WHERE open_dues = '[]';
UPDATE visit SET open_due = json_extract(open_dues, '$[0]');
CREATE INDEX visit_live ON visit(open_due, open_dues) WHERE deleted = 0;
-- Ratings by rating: the 不满意 list reads only the 不满意 ones.
CREATE INDEX feedback_rating ON feedback(rating) WHERE deleted = 0;
-- A plan's status as a column: the draft list reads only the drafts.
ALTER TABLE plan ADD COLUMN status TEXT;
UPDATE plan SET status = json_extract(data, '$.status');
CREATE INDEX plan_status ON plan(status) WHERE deleted = 0;
