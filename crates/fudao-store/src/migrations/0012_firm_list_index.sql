-- 12: the 企业 list's rows (`Store::firm_rows`, the page of 50 firms the list shows) from one
-- covering index instead of the firms' documents: a firm's document fills its own 4 KiB page,
-- so each row of a page cost one page read (decrypted and checked in an encrypted file) and a
-- 2.4 KB JSON parse. The qualification kinds held and the tags become columns (JSON arrays,
-- written by the row writer). Partial (`WHERE deleted = 0`) and led by `id`, which no other
-- query ranges over: a look-up by id keeps the primary key's unique index.
ALTER TABLE firm ADD COLUMN quals TEXT;
ALTER TABLE firm ADD COLUMN tags TEXT;
UPDATE firm SET
    quals = (
        SELECT json_group_array(kind) FROM (
            SELECT json_extract(q.value, '$.kind') AS kind
            FROM json_each(firm.data, '$.qualifications') AS q ORDER BY q.key
        )
    ),
    tags = COALESCE(json_extract(data, '$.tags'), '[]');
CREATE INDEX firm_list ON firm(id, uscc, name, district, industry, coach_id, first_loan_list,
    quals, tags) WHERE deleted = 0;
