//! What the 工作台 shows, read through the columns and indexes of migration 10: the visits
//! with an open task due by a date, the 不满意 ratings, the draft plans and the names of the
//! firms on those rows, instead of every visit, rating, plan and firm name.

use crate::{rows, Result, Store};
use chrono::NaiveDate;
use fudao_core::model::PlanStatus;
use fudao_core::model::{Feedback, Satisfaction, Visit};
use fudao_core::plan::Plan;
use std::collections::HashMap;
use uuid::Uuid;

impl Store {
    /// Live visits with an open follow-up task due on or before `until` (overdue ones
    /// included), limited to those that can hold the `first` soonest such tasks: the visits
    /// whose earliest open task is due no later than the `first`-th smallest such date (ties
    /// included), in row order. Each of those visits has an open task due by that date, so the
    /// `first` soonest tasks all lie among them.
    pub fn visits_with_open_tasks_due_by(
        &self,
        until: NaiveDate,
        first: usize,
    ) -> Result<Vec<Visit>> {
        let until = until.to_string();
        let cutoff: Option<String> =
            rusqlite::OptionalExtension::optional(self.connection().query_row(
                "SELECT open_due FROM visit WHERE deleted = 0 AND open_due IS NOT NULL
                 AND open_due <= ?1 ORDER BY open_due LIMIT 1 OFFSET ?2",
                rusqlite::params![until, first.saturating_sub(1) as i64],
                |r| r.get(0),
            ))?;
        rows::query(
            self.connection(),
            "deleted = 0 AND open_due IS NOT NULL AND open_due <= ?1",
            [cutoff.unwrap_or(until)],
        )
    }

    /// How many open follow-up tasks of live visits are overdue (due before `today`) and how
    /// many are due from `today` to `until`, counted from `visit_live` alone (its `open_dues`), no document read.
    pub fn open_tasks_due_by(&self, today: NaiveDate, until: NaiveDate) -> Result<(u32, u32)> {
        Ok(self.connection().query_row(
            "SELECT COALESCE(SUM(d.value < ?1), 0), COALESCE(SUM(d.value >= ?1), 0)
             FROM visit, json_each(visit.open_dues) AS d
             WHERE visit.deleted = 0 AND visit.open_due IS NOT NULL AND visit.open_due <= ?2
               AND d.value <= ?2",
            [today.to_string(), until.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Live ratings of `rating`.
    pub fn feedback_rated(&self, rating: Satisfaction) -> Result<Vec<Feedback>> {
        rows::query(
            self.connection(),
            "deleted = 0 AND rating = ?1",
            [rating.key()],
        )
    }

    /// Live plans in draft.
    pub fn draft_plans(&self) -> Result<Vec<Plan>> {
        rows::query(
            self.connection(),
            "deleted = 0 AND status = ?1",
            [PlanStatus::Draft.key()],
        )
    }

    /// The names of the live firms among `ids` (one look-up each).
    pub fn firm_names_of(
        &self,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, String>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT name FROM firm WHERE id = ?1 AND deleted = 0")?;
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(&id) {
                continue;
            }
            let name: Option<Option<String>> = rusqlite::OptionalExtension::optional(
                stmt.query_row([id.to_string()], |r| r.get(0)),
            )?;
            if let Some(name) = name {
                out.insert(id, name.unwrap_or_default());
            }
        }
        Ok(out)
    }
}
