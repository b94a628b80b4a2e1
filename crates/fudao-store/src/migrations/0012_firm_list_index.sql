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
-- The list's two orders without a name query, each from an index in that order: the firms in
-- pinyin order (initials, name, key: a page at offset 50,000 sorted all 100,000 firms first),
-- with the columns the list's column filters test (district, industry, coach, first-loan list),
-- so that a filtered page deep in the list reads no firm row; and a USCC prefix's matches in
-- code order (`firm_uscc` holds no `deleted`: counting the 100,000 matches of "9137" read
-- every firm's row).
CREATE INDEX firm_order ON firm(initials, name, key, id, district, industry, coach_id,
    first_loan_list) WHERE deleted = 0;
CREATE INDEX firm_uscc_live ON firm(uscc, id) WHERE deleted = 0;
