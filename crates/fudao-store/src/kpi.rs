//! The rows the KPIs are computed from ([`fudao_core::kpi`]), read as slim rows in SQL: index
//! columns and the few document fields the KPIs need (`json_extract`), never whole documents
//! deserialized. The one loader of the CLI's `fudao kpi` and the app's 工作台 and 团队.

use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use fudao_core::kpi::{KpiFeedback, KpiFirm, KpiNeed, KpiOutcome, KpiRows, KpiTeam, KpiVisit};
use fudao_core::model::{FeedbackSource, FinancingKind, NeedStatus, ReasonCode, Satisfaction};
use fudao_core::money::Yuan;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use uuid::Uuid;

fn parse<T: DeserializeOwned>(kind: &'static str, id: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        kind,
        id: id.to_string(),
        detail: e.to_string(),
    })
}

fn uuid(kind: &'static str, id: &str) -> Result<Uuid> {
    Uuid::parse_str(id).map_err(|e| StoreError::Corrupt {
        kind,
        id: id.to_string(),
        detail: e.to_string(),
    })
}

/// Runs `sql` (first column: the row id; second: a JSON array from a multi-path
/// `json_extract`) and parses each array as `T`.
fn rows<T: DeserializeOwned>(
    conn: &Connection,
    kind: &'static str,
    sql: &str,
) -> Result<Vec<(String, T)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut out = vec![];
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let id: String = r.get(0)?;
        let json: String = r.get(1)?;
        let v = parse(kind, &id, &json)?;
        out.push((id, v));
    }
    Ok(out)
}

type NeedFields = (
    Uuid,
    Option<Uuid>,
    Yuan,
    FinancingKind,
    NaiveDate,
    Option<bool>,
    NeedStatus,
    Option<Vec<KpiOutcome>>,
    Option<bool>,
    Option<NaiveDate>,
    Option<ReasonCode>,
);

type FeedbackFields = (
    Uuid,
    Option<Uuid>,
    NaiveDate,
    Satisfaction,
    Option<FeedbackSource>,
    Option<bool>,
);

impl Store {
    /// Every live row the KPIs read, slim, in the store's row order.
    pub fn kpi_rows(&self) -> Result<KpiRows> {
        let conn = self.connection();
        let mut teams = vec![];
        {
            let mut stmt = conn.prepare_cached(
                "SELECT id, json_extract(data, '$.name') FROM team WHERE deleted = 0 ORDER BY rowid",
            )?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                let id: String = r.get(0)?;
                teams.push(KpiTeam {
                    id: uuid("team", &id)?,
                    name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                });
            }
        }
        let firms: Vec<KpiFirm> = rows::<(Option<Uuid>, Option<Uuid>, Option<bool>, Option<NaiveDate>)>(
            conn,
            "firm",
            // The first-loan date is only read for firms on the list (the KPIs ignore it
            // elsewhere), so most firm documents are never touched.
            "SELECT id, json_array(team_id, coach_id, json(CASE first_loan_list WHEN 0 THEN 'false' ELSE 'true' END), \
             CASE WHEN first_loan_list THEN json_extract(data, '$.first_loan_date') END) \
             FROM firm WHERE deleted = 0 ORDER BY rowid",
        )?
        .into_iter()
        .map(|(id, (team_id, coach_id, listed, date))| {
            let listed = listed.unwrap_or(false);
            Ok(KpiFirm {
                id: uuid("firm", &id)?,
                team_id,
                coach_id,
                first_loan_list: listed,
                first_loan_date: if listed { date } else { None },
            })
        })
        .collect::<Result<_>>()?;
        let needs: Vec<KpiNeed> = rows::<NeedFields>(
            conn,
            "need",
            "SELECT id, json_extract(data, '$.firm_id', '$.team_id', '$.amount', '$.kind', '$.raised_on', \
             '$.ruling.reasonable', '$.status', '$.outcomes', '$.met_by_coach', '$.closed_on', '$.unmet_reason') \
             FROM need WHERE deleted = 0 ORDER BY rowid",
        )?
        .into_iter()
        .map(|(id, (firm_id, team_id, amount, kind, raised_on, reasonable, status, outcomes, met, closed_on, unmet_reason))| {
            Ok(KpiNeed {
                id: uuid("need", &id)?,
                firm_id,
                team_id,
                amount,
                kind,
                raised_on,
                reasonable,
                status,
                outcomes: outcomes.unwrap_or_default(),
                met_by_coach: met.unwrap_or(false),
                closed_on,
                unmet_reason,
            })
        })
        .collect::<Result<_>>()?;
        let visits: Vec<KpiVisit> = rows::<(Uuid, Option<Uuid>, NaiveDate, Option<Vec<Uuid>>)>(
            conn,
            "visit",
            "SELECT id, json_extract(data, '$.firm_id', '$.team_id', '$.date', '$.coach_ids') \
             FROM visit WHERE deleted = 0 ORDER BY rowid",
        )?
        .into_iter()
        .map(|(_, (firm_id, team_id, date, coach_ids))| KpiVisit {
            firm_id,
            team_id,
            date,
            coach_ids: coach_ids.unwrap_or_default(),
        })
        .collect();
        let feedback: Vec<KpiFeedback> = rows::<FeedbackFields>(
            conn,
            "feedback",
            "SELECT id, json_extract(data, '$.firm_id', '$.team_id', '$.date', '$.rating', '$.source', '$.need_met') \
             FROM feedback WHERE deleted = 0 ORDER BY rowid",
        )?
        .into_iter()
        .map(|(id, (firm_id, team_id, date, rating, source, need_met))| {
            Ok(KpiFeedback {
                id: uuid("feedback", &id)?,
                firm_id,
                team_id,
                date,
                rating,
                source: source.unwrap_or_default(),
                need_met,
            })
        })
        .collect::<Result<_>>()?;
        Ok(KpiRows {
            teams,
            firms,
            needs,
            visits,
            feedback,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{generate, DemoOptions};
    use crate::Store;
    use fudao_core::kpi::KpiRows;

    #[test]
    fn slim_rows_equal_the_rows_of_the_whole_documents() {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 300,
                seed: 5,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        let slim = s.kpi_rows().unwrap();
        let full = KpiRows::from_entities(
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
            &s.list().unwrap(),
        );
        // Something of every kind to compare, the fields that are often empty included.
        assert_eq!(slim.firms.len(), 300);
        assert!(!slim.teams.is_empty() && !slim.visits.is_empty() && !slim.feedback.is_empty());
        assert!(slim.firms.iter().any(|f| f.first_loan_date.is_some()));
        assert!(slim.needs.iter().any(|n| !n.outcomes.is_empty()));
        assert!(slim.needs.iter().any(|n| n.reasonable == Some(false)));
        assert!(slim.needs.iter().any(|n| n.unmet_reason.is_some()));
        assert_eq!(slim.teams, full.teams);
        assert_eq!(slim.firms, full.firms);
        assert_eq!(slim.needs, full.needs);
        assert_eq!(slim.visits, full.visits);
        assert_eq!(slim.feedback, full.feedback);
    }
}
