-- 11: the KPI loader (`Store::kpi_rows`: the 工作台's KPI cards, 团队, `fudao kpi`) reads the
-- need, visit and feedback columns it needs (migration 7) from one covering index each instead
-- of scanning the tables, whose rows are mostly their JSON documents (about 260 MB at 100,000
-- demo firms, every page decrypted). Partial (`WHERE deleted = 0`), like `firm_kpi`
-- (migration 8). Each leads with `id`, which no other query ranges over: a look-up by id keeps
-- the primary key's unique index, the counts keep the narrower `*_live` indexes, a firm's rows
-- keep `*_firm`. The loader names the index (`INDEXED BY`) and restores row order itself.
CREATE INDEX need_kpi ON need(id, firm_id, team_id, amount, kind, raised_on, reasonable, status,
    outcomes, met_by_coach, closed_on, unmet_reason) WHERE deleted = 0;
CREATE INDEX visit_kpi ON visit(id, firm_id, team_id, date, coach_ids) WHERE deleted = 0;
CREATE INDEX feedback_kpi ON feedback(id, firm_id, team_id, date, rating, source, need_met)
    WHERE deleted = 0;
