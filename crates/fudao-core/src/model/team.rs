//! Teams of coaches and their users.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    /// District, industry or institution the team focuses on.
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub lead_id: Option<Uuid>,
}

impl Entity for Team {
    const KIND: EntityKind = EntityKind::Team;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        Some(self.id)
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.name.trim().is_empty() {
            e.push(FieldError::required("name", "辅导队名称"));
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub role: Role,
    #[serde(default = "yes")]
    pub active: bool,
}

pub(super) fn yes() -> bool {
    true
}

impl Entity for User {
    const KIND: EntityKind = EntityKind::User;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.username.trim().is_empty() {
            e.push(FieldError::required("username", "用户名"));
        }
        if self.name.trim().is_empty() {
            e.push(FieldError::required("name", "姓名"));
        }
        if self.role != Role::Admin && self.team_id.is_none() {
            e.push(FieldError::new(
                "team_id",
                "required",
                "辅导员和队长必须属于一个辅导队",
                "Coaches and leads must belong to a team",
            ));
        }
        e.into_result()
    }
}
