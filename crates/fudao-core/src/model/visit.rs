//! Coaching visits and the follow-up tasks they set.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpTask {
    pub title: String,
    #[serde(default)]
    pub owner: String,
    pub due: NaiveDate,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    #[serde(default)]
    pub coach_ids: Vec<Uuid>,
    pub mode: VisitMode,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub tasks: Vec<FollowUpTask>,
}

impl Entity for Visit {
    const KIND: EntityKind = EntityKind::Visit;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        check_date_sane(&mut e, "date", "走访日期", Some(self.date));
        for (i, t) in self.tasks.iter().enumerate() {
            if t.title.trim().is_empty() {
                e.push(FieldError::new(
                    "tasks",
                    "required",
                    format!("第{}项跟进任务缺少内容", i + 1),
                    format!("task {} has no title", i + 1),
                ));
            }
            if t.due < self.date {
                e.push(FieldError::new(
                    "tasks",
                    "due_before_visit",
                    format!("第{}项跟进任务的截止日期早于走访日期", i + 1),
                    format!("task {} is due before the visit", i + 1),
                ));
            }
        }
        e.into_result()
    }
}
