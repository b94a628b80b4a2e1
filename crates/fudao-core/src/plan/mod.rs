//! 一企一策 plans: composition from a firm's data, coach edits, versioning, and rendering into
//! the print-document model ([`crate::doc`]).
//!
//! A plan is composed from the firm, its needs and visits, the evaluation ([`crate::eval`])
//! and the product matches ([`crate::matching`]). Generated text lives in the sections; a
//! coach's rewrites live in [`PlanContent::edits`] and win over the generated text, so a
//! re-composition (new data) keeps them. Only drafts can be edited; a confirmed plan is
//! immutable and changes go into [`Plan::new_version`].

use crate::doc::{
    Align, BarSeries, Block, Chart, Column, DocMeta, Document, KeyValue, RadarAxis, SignParty,
    Table, TitleBlock, MISSING,
};
use crate::error::{FieldError, Msg, ValidationErrors};
use crate::eval::{self, FirmEvaluation, RuleBook, Status, Verdict};
use crate::matching::{
    has_collateral, match_products_with, serves, term_fit, MatchResult, ProductMatch,
};
use crate::model::{
    Entity, EntityKind, FinancingKind, Firm, Need, NeedStatus, PlanStatus, QualificationKind,
    Stage, Visit,
};
use crate::money::{fmt_wan, fmt_wan_fixed, fmt_wan_unit, wan_decimals, Yuan};
use crate::product::{
    fmt_bp_pct, Catalog, CollateralKind, FundUse, InstitutionKind, Product, LONG_TERM_MIN_MONTHS,
    SHORT_TERM_MAX_MONTHS,
};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

mod actions;
mod capital;
mod credit;
mod diagnosis;
mod document;
mod measures;
mod monitoring;
mod needs;
mod profile;
mod roadmap;
mod text;
mod types;

use actions::*;
use capital::*;
use credit::*;
use diagnosis::*;
pub use document::{plan_headings, printed_sections, section_headings, to_document};
use measures::*;
use monitoring::*;
use needs::*;
use profile::*;
use roadmap::*;
use text::*;
pub use types::*;

/// A 一企一策 plan, versioned per firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub version: u32,
    pub status: PlanStatus,
    /// Document number, e.g. `JNFD-2026-MA3C5G7X1-v2`.
    pub number: String,
    pub created_on: NaiveDate,
    #[serde(default)]
    pub confirmed_on: Option<NaiveDate>,
    pub content: PlanContent,
}

/// Why a plan operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("方案{number}已{status}，不能修改；请生成新版本 (plan {number} is {status_en} and cannot be changed; create a new version)")]
    NotDraft {
        number: String,
        status: String,
        status_en: String,
    },
    #[error(
        "产品{0}不在本方案的推荐清单中 (product {0} is not among this plan's matched products)"
    )]
    UnknownProduct(Uuid),
    #[error("方案{0}尚未确认，不能标记为已交付 (plan {0} must be confirmed before delivery)")]
    NotConfirmed(String),
}

impl PlanError {
    /// Stable code for UIs.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::NotDraft { .. } => "plan.not_draft",
            PlanError::UnknownProduct(_) => "plan.unknown_product",
            PlanError::NotConfirmed(_) => "plan.not_confirmed",
        }
    }
}

impl Plan {
    fn ensure_draft(&self) -> Result<(), PlanError> {
        if self.status == PlanStatus::Draft {
            Ok(())
        } else {
            Err(PlanError::NotDraft {
                number: self.number.clone(),
                status: self.status.label_zh().to_string(),
                status_en: self.status.label_en().to_lowercase(),
            })
        }
    }

    /// Replaces a section's narrative (draft only). An empty text restores the generated one.
    pub fn edit_section(&mut self, section: SectionKey, text: &str) -> Result<(), PlanError> {
        self.ensure_draft()?;
        let t = text.trim();
        if t.is_empty() {
            self.content.edits.remove(&section);
        } else {
            self.content.edits.insert(section, t.to_string());
        }
        Ok(())
    }

    /// Chooses which matched products the plan recommends (draft only), in the given order.
    pub fn choose_products(&mut self, ids: &[Uuid]) -> Result<(), PlanError> {
        self.ensure_draft()?;
        if let Some(bad) = ids.iter().find(|id| {
            !self
                .content
                .credit
                .items
                .iter()
                .any(|i| i.product_id == **id)
        }) {
            return Err(PlanError::UnknownProduct(*bad));
        }
        let mut chosen = Vec::new();
        for id in ids {
            if !chosen.contains(id) {
                chosen.push(*id);
            }
        }
        self.content.chosen_products = chosen;
        Ok(())
    }

    /// Replaces the action plan (draft only).
    pub fn set_actions(&mut self, actions: Vec<ActionItem>) -> Result<(), PlanError> {
        self.ensure_draft()?;
        self.content.actions = actions;
        Ok(())
    }

    /// Confirms the draft (the firm agreed); from now on the plan is immutable.
    pub fn confirm(&mut self, today: NaiveDate) -> Result<(), PlanError> {
        self.ensure_draft()?;
        self.status = PlanStatus::Confirmed;
        self.confirmed_on = Some(today);
        Ok(())
    }

    /// Marks a confirmed plan as delivered to the firm.
    pub fn mark_delivered(&mut self) -> Result<(), PlanError> {
        if self.status != PlanStatus::Confirmed {
            return Err(PlanError::NotConfirmed(self.number.clone()));
        }
        self.status = PlanStatus::Delivered;
        Ok(())
    }

    /// The next draft version: same content (and coach edits), a new id and number. Use
    /// [`compose_plan`] with `previous` to refresh the content from new data instead.
    pub fn new_version(&self, today: NaiveDate) -> Plan {
        let version = self.version + 1;
        Plan {
            id: plan_id(self.firm_id, version),
            firm_id: self.firm_id,
            team_id: self.team_id,
            version,
            status: PlanStatus::Draft,
            number: plan_number(&self.content.header.uscc, self.firm_id, today, version),
            created_on: today,
            confirmed_on: None,
            content: self.content.clone(),
        }
    }

    /// The products recommended: chosen ones in the coach's order, or all eligible ones.
    pub fn recommended(&self) -> Vec<&CreditItem> {
        let c = &self.content;
        if c.chosen_products.is_empty() {
            c.credit.items.iter().collect()
        } else {
            c.chosen_products
                .iter()
                .filter_map(|id| c.credit.items.iter().find(|i| i.product_id == *id))
                .collect()
        }
    }
}

impl Entity for Plan {
    const KIND: EntityKind = EntityKind::Plan;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.version == 0 {
            e.push(FieldError::new(
                "version",
                "positive",
                "方案版本号须从1开始",
                "plan versions start at 1",
            ));
        }
        if self.number.trim().is_empty() {
            e.push(FieldError::required("number", "方案编号"));
        }
        match (self.status, self.confirmed_on) {
            (PlanStatus::Draft, Some(_)) => e.push(FieldError::new(
                "confirmed_on",
                "draft_confirmed",
                "草稿方案不应有确认日期",
                "a draft has no confirmation date",
            )),
            (PlanStatus::Confirmed | PlanStatus::Delivered, None) => e.push(FieldError::new(
                "confirmed_on",
                "required",
                "已确认的方案须有确认日期",
                "a confirmed plan needs its confirmation date",
            )),
            _ => {}
        }
        if let Some(c) = self.confirmed_on {
            if c < self.created_on {
                e.push(FieldError::new(
                    "confirmed_on",
                    "before_created",
                    "确认日期不能早于方案日期",
                    "confirmed before it was created",
                ));
            }
        }
        for id in &self.content.chosen_products {
            if !self
                .content
                .credit
                .items
                .iter()
                .any(|i| i.product_id == *id)
            {
                e.push(FieldError::new(
                    "content",
                    "chosen_unknown",
                    format!("选定的产品{id}不在推荐清单中"),
                    format!("chosen product {id} is not among the matched products"),
                ));
            }
        }
        e.into_result()
    }
}

/// Deterministic plan id for (firm, version): the same plan drafted on two devices gets the
/// same id, so sync merges them instead of duplicating. A UUIDv8 (custom) layout.
pub fn plan_id(firm_id: Uuid, version: u32) -> Uuid {
    let mut b = *firm_id.as_bytes();
    // Mix the version and a fixed tag into the bytes, then set version 8 and the RFC variant.
    let tag: [u8; 4] = *b"PLAN";
    for (i, t) in tag.iter().enumerate() {
        b[i] ^= t;
    }
    let v = version.to_be_bytes();
    for i in 0..4 {
        b[12 + i] ^= v[i];
    }
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    Uuid::from_bytes(b)
}

/// `JNFD-2026-MA3C5G7X1-v2`: year, the organisation code of the USCC (positions 9–17), version.
pub fn plan_number(uscc: &str, firm_id: Uuid, day: NaiveDate, version: u32) -> String {
    let org: String = if uscc.chars().count() == 18 {
        uscc.chars().skip(8).take(9).collect()
    } else {
        format!("{:09}", firm_id.as_u128() % 1_000_000_000)
    };
    format!("JNFD-{}-{org}-v{version}", day.year())
}

/// Everything the composer needs.
pub struct PlanInput<'a> {
    pub firm: &'a Firm,
    /// The firm's needs (any status).
    pub needs: &'a [Need],
    pub visits: &'a [Visit],
    pub team_name: &'a str,
    pub coach_name: &'a str,
    pub catalog: &'a Catalog,
    pub today: NaiveDate,
    /// The firm's latest plan. A draft is refreshed in place (same id and version, coach edits
    /// and product choices kept); a confirmed or delivered plan gets a successor version.
    pub previous: Option<&'a Plan>,
}

/// How many products a plan recommends and lists as near misses.
const MAX_ITEMS: usize = 6;
const MAX_NEAR: usize = 5;
const MAX_ACTIONS: usize = 16;

/// Composes a draft plan from the firm's data.
pub fn compose_plan(input: &PlanInput) -> Plan {
    let firm = input.firm;
    let today = input.today;
    let ev = eval::evaluate(firm, today, RuleBook::builtin());

    let header = Header {
        firm_name: firm.name.clone(),
        uscc: firm.uscc.clone(),
        team_name: non_empty(input.team_name),
        coach_name: non_empty(input.coach_name),
    };

    let mut needs: Vec<&Need> = input.needs.iter().collect();
    needs.sort_by(|a, b| b.raised_on.cmp(&a.raised_on).then(a.id.cmp(&b.id)));

    let credit = compose_credit(firm, &needs, input.catalog, today, &ev);
    let measures = compose_measures(firm, &ev, today);
    let capital_market = compose_capital(firm, &ev, &needs);
    let actions = compose_actions(firm, &credit, &needs, input.visits, &measures, today);
    let monitoring = compose_monitoring(firm, input.needs, &credit, &ev, today);

    let mut content = PlanContent {
        catalog_version: input.catalog.version,
        header,
        profile: compose_profile(firm, today),
        diagnosis: compose_diagnosis(firm, &ev),
        needs_text: needs_text(&needs),
        needs: needs.iter().map(|n| need_row(n)).collect(),
        measures,
        credit,
        chosen_products: vec![],
        capital_market,
        actions,
        monitoring,
        sign_off: SignOffSection {
            firm_party: firm.name.clone(),
            team_party: non_empty(input.team_name),
            text: "本方案由金融辅导队根据企业提供的资料和走访情况编制，经企业确认后实施。方案所列金融产品的额度、价格以金融机构审批结果为准；政策支持以有关部门当年度政策为准。".to_string(),
        },
        edits: BTreeMap::new(),
    };

    let (id, version, number, created_on) = match input.previous {
        Some(p) if p.status == PlanStatus::Draft => {
            // Keep the coach's edits and choices that still apply.
            content.edits = p.content.edits.clone();
            content.chosen_products = p
                .content
                .chosen_products
                .iter()
                .copied()
                .filter(|id| content.credit.items.iter().any(|i| i.product_id == *id))
                .collect();
            (p.id, p.version, p.number.clone(), today)
        }
        Some(p) => {
            content.edits = p.content.edits.clone();
            let v = p.version + 1;
            (
                plan_id(firm.id, v),
                v,
                plan_number(&firm.uscc, firm.id, today, v),
                today,
            )
        }
        None => (
            plan_id(firm.id, 1),
            1,
            plan_number(&firm.uscc, firm.id, today, 1),
            today,
        ),
    };

    Plan {
        id,
        firm_id: firm.id,
        team_id: firm.team_id,
        version,
        status: PlanStatus::Draft,
        number,
        created_on,
        confirmed_on: None,
        content,
    }
}

#[cfg(test)]
mod roadmap_tests;

/// The last day a plan's tasks and targets may fall on: the end of the plan year (this
/// December if at least six months remain, else next December).
pub fn plan_horizon(today: NaiveDate) -> NaiveDate {
    let year = if today.month() <= 6 {
        today.year()
    } else {
        today.year() + 1
    };
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today)
}

/// A bilingual one-line summary of a plan for listings.
pub fn summary(plan: &Plan) -> Msg {
    let n = plan.recommended().len();
    Msg::new(
        format!(
            "{} 第{}版 {} {} 推荐产品{}个",
            plan.number,
            plan.version,
            plan.status.label_zh(),
            plan.created_on,
            n
        ),
        format!(
            "{} v{} {} {} {} products",
            plan.number,
            plan.version,
            plan.status.label_en(),
            plan.created_on,
            n
        ),
    )
}

#[cfg(test)]
mod tests;
