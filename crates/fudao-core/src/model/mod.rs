//! The entities of the programme (see `shared/domain.md`).
//!
//! Every synchronised entity has a UUIDv7 `id` and belongs to a team. Top-level fields are the
//! unit of storage, audit and sync merging: the store keeps one column per top-level field
//! (nested values as JSON), so keep fields that users edit independently at the top level.

use crate::error::{FieldError, ValidationErrors};
use crate::money::Yuan;
use crate::uscc;
use chrono::NaiveDate;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

mod facts;
mod feedback;
mod firm;
mod labels;
mod need;
mod team;
mod visit;

pub use facts::*;
pub use feedback::*;
pub use firm::*;
pub(crate) use labels::labelled_enum;
pub use labels::*;
pub use need::*;
pub use team::*;
pub use visit::*;

/// The kinds of synchronised entity. The string form is the store table and wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Team,
    User,
    Firm,
    Need,
    Visit,
    Product,
    Plan,
    Feedback,
    FeedbackLink,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Team,
        EntityKind::User,
        EntityKind::Firm,
        EntityKind::Need,
        EntityKind::Visit,
        EntityKind::Product,
        EntityKind::Plan,
        EntityKind::Feedback,
        EntityKind::FeedbackLink,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Team => "team",
            EntityKind::User => "user",
            EntityKind::Firm => "firm",
            EntityKind::Need => "need",
            EntityKind::Visit => "visit",
            EntityKind::Product => "product",
            EntityKind::Plan => "plan",
            EntityKind::Feedback => "feedback",
            EntityKind::FeedbackLink => "feedback_link",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EntityKind::Team => "辅导队",
            EntityKind::User => "用户",
            EntityKind::Firm => "企业",
            EntityKind::Need => "融资需求",
            EntityKind::Visit => "走访记录",
            EntityKind::Product => "金融产品",
            EntityKind::Plan => "一企一策方案",
            EntityKind::Feedback => "满意度评价",
            EntityKind::FeedbackLink => "评价二维码",
        }
    }
}

/// Implemented by every stored, synchronised entity.
pub trait Entity: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const KIND: EntityKind;
    fn id(&self) -> Uuid;
    /// The team the row belongs to; `None` only for city-wide rows (products, admins).
    fn team_id(&self) -> Option<Uuid>;
    /// Field-level validation. `Ok` means the row may be stored.
    fn validate(&self) -> Result<(), ValidationErrors>;
}

#[cfg(test)]
mod tests;
