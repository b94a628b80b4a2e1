-- 7: the fields the KPIs read (工作台, 团队, `fudao kpi`) as columns of their rows, written by the
-- row writer with the other index columns, so that the KPI loader reads columns instead of
-- parsing every need, visit and feedback document (`Store::kpi_rows`). Booleans are 0/1,
-- dates ISO text, arrays JSON text; a field the document lacks is NULL.
ALTER TABLE need ADD COLUMN amount INTEGER;
ALTER TABLE need ADD COLUMN kind TEXT;
ALTER TABLE need ADD COLUMN raised_on TEXT;
ALTER TABLE need ADD COLUMN reasonable INTEGER;
ALTER TABLE need ADD COLUMN outcomes TEXT;
ALTER TABLE need ADD COLUMN met_by_coach INTEGER;
ALTER TABLE need ADD COLUMN closed_on TEXT;
ALTER TABLE need ADD COLUMN unmet_reason TEXT;
UPDATE need SET
    amount = json_extract(data, '$.amount'),
    kind = json_extract(data, '$.kind'),
    raised_on = json_extract(data, '$.raised_on'),
    reasonable = json_extract(data, '$.ruling.reasonable'),
    outcomes = json_extract(data, '$.outcomes'),
    met_by_coach = json_extract(data, '$.met_by_coach'),
    closed_on = json_extract(data, '$.closed_on'),
    unmet_reason = json_extract(data, '$.unmet_reason');
ALTER TABLE visit ADD COLUMN coach_ids TEXT;
UPDATE visit SET coach_ids = json_extract(data, '$.coach_ids');
ALTER TABLE feedback ADD COLUMN date TEXT;
ALTER TABLE feedback ADD COLUMN rating TEXT;
ALTER TABLE feedback ADD COLUMN source TEXT;
ALTER TABLE feedback ADD COLUMN need_met INTEGER;
UPDATE feedback SET
    date = json_extract(data, '$.date'),
    rating = json_extract(data, '$.rating'),
    source = json_extract(data, '$.source'),
    need_met = json_extract(data, '$.need_met');
