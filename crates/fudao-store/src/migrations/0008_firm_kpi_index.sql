-- 8: the KPI loader reads the firm fields it needs from one index (about 13 MB at 100,000
-- firms) instead of scanning the firm table (about 390 MB, every page decrypted), in row order.
-- The first-loan date becomes a column for it, written by the row writer.
ALTER TABLE firm ADD COLUMN first_loan_date TEXT;
UPDATE firm SET first_loan_date = json_extract(data, '$.first_loan_date')
WHERE json_extract(data, '$.first_loan_date') IS NOT NULL;
CREATE INDEX firm_kpi ON firm(key, id, team_id, coach_id, first_loan_list, first_loan_date)
WHERE deleted = 0;
