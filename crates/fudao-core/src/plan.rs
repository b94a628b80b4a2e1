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
use crate::money::{fmt_wan, fmt_wan_unit, Yuan};
use crate::product::{
    fmt_bp_pct, Catalog, CollateralKind, FundUse, InstitutionKind, Product, LONG_TERM_MIN_MONTHS,
};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The sections of a plan whose narrative a coach can rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKey {
    Profile,
    Diagnosis,
    Needs,
    Measures,
    Credit,
    CapitalMarket,
    Actions,
    Monitoring,
    SignOff,
}

impl SectionKey {
    pub const ALL: [SectionKey; 9] = [
        SectionKey::Profile,
        SectionKey::Diagnosis,
        SectionKey::Needs,
        SectionKey::Measures,
        SectionKey::Credit,
        SectionKey::CapitalMarket,
        SectionKey::Actions,
        SectionKey::Monitoring,
        SectionKey::SignOff,
    ];
    /// The printed heading.
    pub fn heading(self) -> &'static str {
        match self {
            SectionKey::Profile => "一、企业概况",
            SectionKey::Diagnosis => "二、诊断分析",
            SectionKey::Needs => "三、融资需求登记",
            SectionKey::Measures => "四、财务管理提升措施",
            SectionKey::Credit => "五、信贷支持方案",
            SectionKey::CapitalMarket => "六、资本市场路径",
            SectionKey::Actions => "七、行动计划",
            SectionKey::Monitoring => "八、跟踪监测目标",
            SectionKey::SignOff => "九、方案确认",
        }
    }
    /// The heading without its number, e.g. `资本市场路径`.
    pub fn title(self) -> &'static str {
        let h = self.heading();
        h.split_once('、').map(|(_, t)| t).unwrap_or(h)
    }
    pub fn key(self) -> &'static str {
        match self {
            SectionKey::Profile => "profile",
            SectionKey::Diagnosis => "diagnosis",
            SectionKey::Needs => "needs",
            SectionKey::Measures => "measures",
            SectionKey::Credit => "credit",
            SectionKey::CapitalMarket => "capital_market",
            SectionKey::Actions => "actions",
            SectionKey::Monitoring => "monitoring",
            SectionKey::SignOff => "sign_off",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.key() == t || k.heading().ends_with(t))
    }
}

/// A label and a display value (`"—"` when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    pub value: String,
}

fn row(label: &str, value: impl Into<String>) -> Row {
    Row {
        label: label.to_string(),
        value: value.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub firm_name: String,
    pub uscc: String,
    pub team_name: String,
    pub coach_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSection {
    pub rows: Vec<Row>,
    /// Generated summary paragraph.
    pub text: String,
}

/// One financial year (元), `None` when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinYear {
    pub year: i32,
    pub revenue: Option<Yuan>,
    pub rd_expense: Option<Yuan>,
    pub total_assets: Option<Yuan>,
    pub liabilities: Option<Yuan>,
    pub net_profit: Option<Yuan>,
}

/// One line of an evaluation checklist or score breakdown: each condition once, with what
/// the rule requires, the firm's figure, the result and the clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalLine {
    pub label: String,
    /// 符合 / 不符合 / 无法判断, or points like `16/20`.
    pub result: String,
    /// What the rule requires, e.g. `≥ 10%` (empty on risk factors).
    #[serde(default)]
    pub required: String,
    /// The firm's figure with the gap or the missing inputs, e.g. `8%（差 2 个百分点…）`.
    #[serde(default)]
    pub figure: String,
    /// Further explanation: how the figure was obtained, what reaches the next band.
    pub text: String,
    /// Document and clause, e.g. `国科发火〔2016〕32号 第十一条（四）`.
    #[serde(default)]
    pub cite: String,
}

/// A designation's evaluation, condensed for print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalSummary {
    pub name: String,
    pub verdict: String,
    pub lines: Vec<EvalLine>,
}

/// A score group of the risk scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskGroup {
    pub label: String,
    pub points: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskSummary {
    pub grade: String,
    pub grade_label: String,
    pub score: u32,
    pub max_score: u32,
    pub complete: bool,
    pub best_case_grade: String,
    pub groups: Vec<RiskGroup>,
    /// Every factor's contribution, as sentences.
    pub factors: Vec<EvalLine>,
    pub rule_set: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisSection {
    /// Up to three latest years, oldest first.
    pub financials: Vec<FinYear>,
    pub credit: Vec<Row>,
    pub ip_talent: Vec<Row>,
    /// 科小 score breakdown.
    pub tech_sme: EvalSummary,
    pub high_tech: EvalSummary,
    pub srdi: EvalSummary,
    pub risk: RiskSummary,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedRow {
    pub need_id: Uuid,
    pub raised_on: NaiveDate,
    pub amount: Yuan,
    pub kind: String,
    pub purpose: String,
    pub term: String,
    pub ruling: String,
    pub status: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub title: String,
    pub text: String,
}

/// One recommended product (or one reachable after cultivation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditItem {
    pub product_id: Uuid,
    pub product_code: String,
    pub product_name: String,
    pub institution: String,
    pub kind: String,
    /// Amount to apply for, or the product range.
    pub amount: String,
    /// Nominal price and after subsidies.
    pub price: String,
    pub collateral: String,
    pub subsidy: String,
    pub why: Vec<String>,
    pub missing: Vec<String>,
    /// The need this item answers, e.g. `2026-10-01 贷款 200万元`.
    pub for_need: String,
    pub score: u32,
    /// Where to apply (branch and address) and whom to call.
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub contact: String,
    /// Term to apply for, fitting the need's purpose (months); `None` for equity and cover.
    #[serde(default)]
    pub term_months: Option<u32>,
    /// Amount to apply for (元), within the product's range and the need's remainder.
    #[serde(default)]
    pub amount_yuan: Option<Yuan>,
}

/// The financing package for one open reasonable need (section 五).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedPackage {
    pub need_id: Uuid,
    /// `2026-10-01 贷款 200万元`.
    pub need: String,
    pub purpose: String,
    pub status: String,
    /// Amount still to raise (元): the need's amount less what was already disbursed.
    pub remainder: Yuan,
    /// The term that fits the purpose, with the reason.
    pub term: String,
    /// The security the firm can actually offer.
    pub security: String,
    /// Products that fit, best first (each with amount, term, security, lender branch).
    pub items: Vec<CreditItem>,
    /// When no product fits: why, and what would make one fit.
    pub no_fit: String,
    pub next_step: String,
    pub next_due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditSection {
    /// One package per open reasonable need (raised, matching, unmet, partly met).
    #[serde(default)]
    pub packages: Vec<NeedPackage>,
    /// Eligible products, best first: the packages' products, or (no open need) the products
    /// the firm could apply for.
    pub items: Vec<CreditItem>,
    /// Products reachable after one or two steps.
    pub near_misses: Vec<CreditItem>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalSection {
    /// Whether the firm has a listing plan or the profile suggests one.
    pub relevant: bool,
    pub steps: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub task: String,
    pub owner: String,
    pub due: NaiveDate,
    /// A follow-up task carried over past its due date: the original date (逾期).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_since: Option<NaiveDate>,
    /// Where the task comes from: 产品培育, 走访跟进, 财务规范 …
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub baseline: String,
    pub target: String,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOffSection {
    pub firm_party: String,
    pub team_party: String,
    pub text: String,
}

/// The composed sections of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub catalog_version: u32,
    pub header: Header,
    pub profile: ProfileSection,
    pub diagnosis: DiagnosisSection,
    pub needs: Vec<NeedRow>,
    pub needs_text: String,
    pub measures: Vec<Measure>,
    pub credit: CreditSection,
    /// Products the coach chose to recommend (subset of `credit.items`).
    pub chosen_products: Vec<Uuid>,
    pub capital_market: CapitalSection,
    pub actions: Vec<ActionItem>,
    pub monitoring: Vec<Target>,
    pub sign_off: SignOffSection,
    /// The coach's rewrites of section narratives; they replace the generated text.
    #[serde(default)]
    pub edits: BTreeMap<SectionKey, String>,
}

impl PlanContent {
    /// The narrative printed for a section: the coach's text if any, else the generated one.
    pub fn text(&self, s: SectionKey) -> &str {
        if let Some(t) = self.edits.get(&s) {
            return t;
        }
        match s {
            SectionKey::Profile => &self.profile.text,
            SectionKey::Diagnosis => &self.diagnosis.text,
            SectionKey::Needs => &self.needs_text,
            SectionKey::Measures => "",
            SectionKey::Credit => &self.credit.text,
            SectionKey::CapitalMarket => &self.capital_market.text,
            SectionKey::Actions => "",
            SectionKey::Monitoring => "",
            SectionKey::SignOff => &self.sign_off.text,
        }
    }
}

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
    let actions = compose_actions(firm, &credit, input.visits, &measures, today);
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

fn non_empty(s: &str) -> String {
    if s.trim().is_empty() {
        MISSING.to_string()
    } else {
        s.trim().to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string())
        .unwrap_or_else(|| MISSING.to_string())
}

fn wan_opt(v: Option<Yuan>) -> String {
    v.map(fmt_wan).unwrap_or_else(|| MISSING.to_string())
}

fn wan_unit_opt(v: Option<Yuan>) -> String {
    v.map(fmt_wan_unit).unwrap_or_else(|| MISSING.to_string())
}

/// A firm's measured ratio, always with two decimals ("68.00%" beside "51.99%"); thresholds
/// keep their own form ("不低于5%").
fn pct(num: Yuan, den: Yuan) -> Option<String> {
    (den > 0).then(|| crate::eval::num::fmt_ratio(num, den))
}

/// The years a financial table or chart shows, as its title says them ("2025年", "2023–2025年",
/// "2022、2025年"): never "近三年" over fewer years or old ones.
fn years_span(years: &[FinYear]) -> String {
    let mut ys: Vec<i32> = years.iter().map(|y| y.year).collect();
    ys.sort_unstable();
    ys.dedup();
    let consecutive = ys.windows(2).all(|w| w[1] == w[0] + 1);
    match ys.as_slice() {
        [] => String::new(),
        [y] => format!("{y}年"),
        [a, .., b] if consecutive => format!("{a}–{b}年"),
        _ => format!(
            "{}年",
            ys.iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn compose_profile(firm: &Firm, today: NaiveDate) -> ProfileSection {
    let industry = firm
        .industry
        .as_deref()
        .map(|c| match crate::region::industry_name(c) {
            Some(n) => format!("{n}（{c}）"),
            None => c.to_string(),
        });
    let district = firm
        .district
        .as_deref()
        .map(|d| format!("济南市{}", firm.district_name().unwrap_or(d)));
    let quals: Vec<String> = firm
        .qualifications
        .iter()
        .map(|q| {
            let state = if q.is_valid_on(today) {
                ""
            } else {
                "，已过期"
            };
            match q.expires {
                Some(e) => format!("{}（有效期至{e}{state}）", q.kind.label_zh()),
                None => q.kind.label_zh().to_string(),
            }
        })
        .collect();
    let staff = match (firm.staff, firm.tech_staff) {
        (Some(s), Some(t)) => format!(
            "{s}人，其中科技人员{t}人（{}）",
            pct(t as Yuan, s as Yuan).unwrap_or_else(|| MISSING.into())
        ),
        (Some(s), None) => format!("{s}人"),
        _ => MISSING.to_string(),
    };
    let contact = firm
        .contacts
        .first()
        .map(|c| {
            let t = if c.title.is_empty() {
                String::new()
            } else {
                format!("（{}）", c.title)
            };
            format!("{}{t} {}", c.name, c.phone).trim().to_string()
        })
        .filter(|s| !s.is_empty());
    let lists = format!(
        "首贷培植名单：{}；白名单+预授信：{}；上市后备企业库：{}",
        yes_no(firm.first_loan_list),
        yes_no(firm.whitelist),
        yes_no(firm.listing_reserve)
    );
    let rows = vec![
        row("企业名称", firm.name.clone()),
        row("统一社会信用代码", firm.uscc.clone()),
        row("所属行业", opt(industry.clone())),
        row("注册地", opt(district.clone())),
        row("成立日期", opt(firm.founded)),
        row("注册资本", wan_unit_opt(firm.registered_capital)),
        row("职工人数", staff),
        row(
            "高层次人才",
            opt(firm.high_talents.map(|h| format!("{h}人"))),
        ),
        row("发展阶段", opt(firm.stage.map(|s| s.label_zh()))),
        row(
            "资质认定",
            if quals.is_empty() {
                "暂无".to_string()
            } else {
                quals.join("、")
            },
        ),
        row("名单情况", lists),
        row("联系人", opt(contact)),
    ];
    let mut text = firm.name.clone();
    match (firm.founded, &district) {
        (Some(f), Some(d)) => {
            text.push_str(&format!("成立于{}年{}月，注册于{d}", f.year(), f.month()))
        }
        (Some(f), None) => text.push_str(&format!("成立于{}年{}月", f.year(), f.month())),
        (None, Some(d)) => text.push_str(&format!("注册于{d}")),
        (None, None) => text.push_str("的成立时间和注册地尚未登记"),
    }
    if let Some(i) = &industry {
        text.push_str(&format!("，属{i}"));
    }
    if let Some(s) = firm.stage {
        text.push_str(&format!("，目前处于{}", s.label_zh()));
    }
    text.push('。');
    if quals.is_empty() {
        text.push_str("企业尚未取得科技型中小企业、高新技术企业等资质认定。");
    } else {
        text.push_str(&format!("企业已取得{}。", quals.join("、")));
    }
    if let Some(d) = firm.first_loan_date {
        text.push_str(&format!("企业已于{d}获得首笔银行贷款。"));
    } else if firm.first_loan_list {
        text.push_str("企业已列入首贷培植名单，是本期首贷培育的重点对象。");
    } else if firm.is_first_loan_candidate() {
        text.push_str("企业尚无银行贷款记录，属首贷培育对象。");
    }
    ProfileSection { rows, text }
}

fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Qualifies { route } => format!("符合（{}）", route.zh),
        Verdict::DoesNotQualify { .. } => "不符合".to_string(),
        Verdict::CannotTell { missing } => {
            let names: Vec<&str> = missing.iter().map(|m| m.zh.as_str()).take(4).collect();
            let more = if missing.len() > 4 { "等" } else { "" };
            format!("无法判断（缺{}{more}）", names.join("、"))
        }
    }
}

fn status_text(s: Status) -> String {
    match s {
        Status::Met => "符合",
        Status::NotMet => "不符合",
        Status::Unknown => "无法判断",
    }
    .to_string()
}

/// The firm's side of a checklist row: its figure, then the gap or the missing inputs.
fn item_figure(i: &eval::CheckItem) -> String {
    let fig = i.figure.clone().unwrap_or_default();
    match i.status {
        Status::Unknown => {
            let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
            let miss = format!("缺{}", names.join("、"));
            if fig.is_empty() {
                miss
            } else {
                format!("{fig}（{miss}）")
            }
        }
        Status::NotMet => match &i.gap {
            Some(g) if !fig.is_empty() => format!("{fig}（{}）", g.zh),
            Some(g) => g.zh.clone(),
            None if fig.is_empty() => MISSING.to_string(),
            None => fig,
        },
        Status::Met if fig.is_empty() => MISSING.to_string(),
        Status::Met => fig,
    }
}

fn check_line(i: &eval::CheckItem) -> EvalLine {
    EvalLine {
        label: i.label.zh.clone(),
        result: status_text(i.status),
        required: i.required.clone(),
        figure: item_figure(i),
        text: i.detail.as_ref().map(|d| d.zh.clone()).unwrap_or_default(),
        cite: i.cite.clone(),
    }
}

fn checklist(name: &str, v: &Verdict, items: &[eval::CheckItem]) -> EvalSummary {
    EvalSummary {
        name: name.to_string(),
        verdict: verdict_text(v),
        lines: items.iter().map(check_line).collect(),
    }
}

/// The 专精特新 checklist followed by the score, indicator by indicator.
fn srdi_summary(r: &eval::srdi::SrdiResult) -> EvalSummary {
    let mut s = checklist("专精特新中小企业条件", &r.verdict, &r.items);
    let group_label = |k: &str| {
        eval::srdi::score::GROUPS
            .iter()
            .find(|g| g.0 == k)
            .map(|g| g.1)
            .unwrap_or("")
    };
    for i in &r.score.indicators {
        s.lines.push(EvalLine {
            label: format!("{}·{}", group_label(&i.group), i.label.zh),
            result: format!("{}/{}", i.points, i.max_points),
            required: format!("满分{}分", i.max_points),
            figure: match (&i.figure, i.missing.is_empty()) {
                (Some(f), true) => f.clone(),
                (f, false) => {
                    let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
                    let miss = format!(
                        "缺{}，计{}分，补齐后最高{}分",
                        names.join("、"),
                        i.points,
                        i.possible
                    );
                    match f {
                        Some(f) => format!("{f}（{miss}）"),
                        None => miss,
                    }
                }
                (None, true) => MISSING.to_string(),
            },
            text: String::new(),
            cite: i.cite.clone(),
        });
    }
    let sc = &r.score;
    let groups: Vec<String> = sc
        .groups
        .iter()
        .map(|g| format!("{}{}/{}", g.label.zh, g.points, g.max_points))
        .collect();
    s.lines.push(EvalLine {
        label: "评价得分合计".to_string(),
        result: format!("{}/{}", sc.total, sc.max_total),
        required: format!("≥ {}分", sc.min_score),
        figure: if sc.missing.is_empty() {
            format!("{}分", sc.total)
        } else {
            format!(
                "{}分（缺数据项计0分，补齐后最高{}分）",
                sc.total, sc.possible
            )
        },
        text: groups.join("；"),
        cite: r
            .items
            .iter()
            .find(|i| i.key == "score")
            .map(|i| i.cite.clone())
            .unwrap_or_else(|| r.rule_set.document.clone()),
    });
    s
}

fn compose_diagnosis(firm: &Firm, ev: &FirmEvaluation) -> DiagnosisSection {
    let years = firm.years_desc();
    let mut financials: Vec<FinYear> = years
        .iter()
        .take(3)
        .map(|y| FinYear {
            year: y.year,
            revenue: y.revenue,
            rd_expense: y.rd_expense,
            total_assets: y.total_assets,
            liabilities: y.liabilities,
            net_profit: y.net_profit,
        })
        .collect();
    financials.reverse();

    let credit_history = match (firm.ever_borrowed, firm.first_loan_date) {
        (_, Some(d)) => format!("已于{d}获得首笔银行贷款"),
        (Some(true), None) => "有银行贷款记录".to_string(),
        (Some(false), None) => "从未获得银行贷款（首贷企业）".to_string(),
        (None, None) => MISSING.to_string(),
    };
    let overdue = match firm.facts.credit_overdue {
        Some(true) => "存在逾期或违约记录".to_string(),
        Some(false) => "无逾期、违约记录".to_string(),
        None => "未查询（需补充征信报告）".to_string(),
    };
    let dishonest = match firm.facts.dishonest_listed {
        Some(true) => "列入经营异常/严重失信名单".to_string(),
        Some(false) => "未列入".to_string(),
        None => MISSING.to_string(),
    };
    let credit = vec![
        row("银行贷款记录", credit_history),
        row("征信逾期情况", overdue),
        row("经营异常/失信名单", dishonest),
        row("白名单+预授信", yes_no(firm.whitelist).to_string()),
        row("应收账款", wan_unit_opt(firm.facts.receivables)),
        row(
            "可抵押房产",
            opt(firm.facts.real_estate_collateral.map(yes_no)),
        ),
    ];
    let ip = &firm.ip;
    let ip_talent = vec![
        row(
            "Ⅰ类知识产权",
            format!(
                "{}项（发明专利{}项，其他{}项）",
                ip.class1(),
                ip.invention_patents,
                ip.other_class1
            ),
        ),
        row(
            "Ⅱ类知识产权",
            format!(
                "{}项（实用新型{}、外观设计{}、软件著作权{}）",
                ip.class2(),
                ip.utility_models,
                ip.designs,
                ip.software_copyrights
            ),
        ),
        row("已质押知识产权", format!("{}项", ip.pledged)),
        row("职工人数", opt(firm.staff.map(|s| format!("{s}人")))),
        row(
            "科技人员占比",
            match (firm.tech_staff, firm.staff) {
                (Some(t), Some(s)) => format!(
                    "{t}人，{}",
                    pct(t as Yuan, s as Yuan).unwrap_or_else(|| MISSING.into())
                ),
                _ => MISSING.to_string(),
            },
        ),
        row(
            "高层次人才",
            opt(firm.high_talents.map(|h| format!("{h}人"))),
        ),
        row(
            "创始团队行业经验",
            opt(firm
                .facts
                .founder_experience_years
                .map(|y| format!("{y}年"))),
        ),
    ];

    let ts = &ev.tech_sme;
    let mut ts_lines: Vec<EvalLine> = ts.conditions.iter().map(check_line).collect();
    ts_lines.extend(ts.indicators.iter().map(|i| {
        EvalLine {
            label: i.label.zh.clone(),
            result: match i.points {
                Some(p) => format!("{p}/{}", i.max_points),
                None => format!("{}–{}/{}", i.points_min, i.points_max, i.max_points),
            },
            required: format!("满分{}分", i.max_points),
            figure: match (&i.figure, i.missing.is_empty()) {
                (Some(f), true) => match &i.band {
                    Some(b) if !b.is_empty() => format!("{f}（{b}档）"),
                    _ => f.clone(),
                },
                (f, _) => {
                    let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
                    let miss = format!("缺{}", names.join("、"));
                    match f {
                        Some(f) => format!("{f}（{miss}）"),
                        None => miss,
                    }
                }
            },
            text: i
                .next_band
                .as_ref()
                .map(|n| n.zh.clone())
                .unwrap_or_default(),
            cite: i.cite.clone(),
        }
    }));
    let pass_cite = ts
        .rule_set
        .cite(&RuleBook::builtin().tech_sme_for(ev.today).pass.clause);
    ts_lines.push(EvalLine {
        label: "综合评价得分".to_string(),
        result: match ts.total {
            Some(t) => format!("{t}/100"),
            None => format!("{}–{}/100", ts.total_min, ts.total_max),
        },
        required: format!("≥ {}分且科技人员指标不为0分", ts.pass_total),
        figure: match ts.total {
            Some(t) => format!("{t}分"),
            None => format!("{}–{}分（缺数据）", ts.total_min, ts.total_max),
        },
        text: String::new(),
        cite: pass_cite,
    });
    ts_lines.extend(
        ts.direct
            .iter()
            .filter(|d| d.status == Status::Met)
            .map(check_line),
    );
    let tech_sme = EvalSummary {
        name: "科技型中小企业评价".to_string(),
        verdict: verdict_text(&ts.verdict),
        lines: ts_lines,
    };
    let mut high_tech = checklist(
        "高新技术企业认定条件",
        &ev.high_tech.verdict,
        &ev.high_tech.items,
    );
    if ev.high_tech.review_risk.is_some() {
        high_tech.verdict.push_str("（持证企业，存在复核风险）");
    }
    let srdi = srdi_summary(&ev.srdi);

    let r = &ev.risk;
    let risk = RiskSummary {
        grade: if r.grade.is_empty() {
            MISSING.to_string()
        } else {
            r.grade.clone()
        },
        grade_label: r.grade_label.zh.clone(),
        score: r.score,
        max_score: r.max_score,
        complete: r.complete,
        best_case_grade: r.best_case_grade.clone(),
        groups: r
            .groups
            .iter()
            .map(|g| RiskGroup {
                label: g.label.zh.clone(),
                points: g.points,
                max_points: g.max_points,
            })
            .collect(),
        factors: r
            .factors
            .iter()
            .map(|f| EvalLine {
                label: f.label.zh.clone(),
                result: match f.points {
                    Some(p) => format!("{p}/{}", f.max_points),
                    None => format!("缺数据/{}", f.max_points),
                },
                required: String::new(),
                figure: String::new(),
                text: f.reason.zh.clone(),
                cite: f.cite.clone(),
            })
            .collect(),
        rule_set: format!("{}（{}版）", r.rule_set.name_zh, r.rule_set.version),
    };

    // Narrative.
    let mut text = String::new();
    match financials.last() {
        Some(y) => {
            text.push_str(&format!(
                "{}年企业实现营业收入{}，研发费用{}",
                y.year,
                wan_unit_opt(y.revenue),
                wan_unit_opt(y.rd_expense)
            ));
            if let (Some(rd), Some(rev)) = (y.rd_expense, y.revenue) {
                if let Some(p) = pct(rd, rev) {
                    text.push_str(&format!("（占营业收入{p}）"));
                }
            }
            if let (Some(l), Some(a)) = (y.liabilities, y.total_assets) {
                if let Some(p) = pct(l, a) {
                    text.push_str(&format!("，资产负债率{p}"));
                }
            }
            text.push('。');
            if financials.len() >= 2 {
                let a = &financials[financials.len() - 2];
                // A founding year that did not start on 1 January is a part year: growth over
                // it (e.g. 17.99万 in two weeks → 1,067万) says nothing about the firm.
                let part_year = firm
                    .founded
                    .is_some_and(|f| f.year() == a.year && f.ordinal() > 1);
                if part_year {
                    text.push_str(&format!(
                        "{}年为成立当年（不足一年），不计算营业收入同比增长。",
                        a.year
                    ));
                } else if let (Some(prev), Some(now)) = (a.revenue, y.revenue) {
                    if prev > 0 {
                        let g = (now - prev) as f64 / prev as f64 * 100.0;
                        text.push_str(&format!(
                            "营业收入较上年{}{:.2}%。",
                            if g >= 0.0 { "增长" } else { "下降" },
                            g.abs()
                        ));
                    }
                }
            }
        }
        None => text.push_str(&format!(
            "企业尚未提供财务数据，以下评价中的财务指标均无法判断，请于{}前补充近三年财务报表。",
            ev.today + Days::new(30)
        )),
    }
    text.push_str(&format!(
        "科技型中小企业评价：{}；高新技术企业：{}；专精特新：{}。",
        tech_sme.verdict, high_tech.verdict, srdi.verdict
    ));
    if let Some(w) = &ev.high_tech.review_risk {
        text.push_str(&w.zh);
    }
    if r.grade.is_empty() {
        text.push_str("风险评级：数据不足，暂无法评级。");
    } else {
        text.push_str(&format!(
            "风险评级为{}级（{}，{}/{}分）",
            r.grade, r.grade_label.zh, r.score, r.max_score
        ));
        if !r.complete && r.best_case_grade != r.grade {
            text.push_str(&format!(
                "，部分指标缺数据，补齐后最高可达{}级",
                r.best_case_grade
            ));
        }
        text.push('。');
        let mut weak: Vec<&eval::risk::GroupScore> = r
            .groups
            .iter()
            .filter(|g| g.max_points > 0 && g.points * 2 < g.max_points)
            .collect();
        weak.sort_by_key(|g| g.points * 100 / g.max_points);
        if !weak.is_empty() {
            let names: Vec<&str> = weak.iter().map(|g| g.label.zh.as_str()).collect();
            text.push_str(&format!("得分较弱的方面：{}。", names.join("、")));
        }
    }

    DiagnosisSection {
        financials,
        credit,
        ip_talent,
        tech_sme,
        high_tech,
        srdi,
        risk,
        text,
    }
}

fn need_label(n: &Need) -> String {
    format!(
        "{} {} {}",
        n.raised_on,
        n.kind.label_zh(),
        fmt_wan_unit(n.amount)
    )
}

fn need_row(n: &Need) -> NeedRow {
    let ruling = match &n.ruling {
        None => "待认定".to_string(),
        Some(r) if r.reasonable => "合理".to_string(),
        Some(r) => format!(
            "不合理（{}）",
            r.reason.map(|c| c.label_zh()).unwrap_or("未注明原因")
        ),
    };
    let outcome = if n.outcomes.is_empty() {
        match n.unmet_reason {
            Some(r) if n.status.is_closed() => format!("未满足：{}", r.label_zh()),
            _ => MISSING.to_string(),
        }
    } else {
        n.outcomes
            .iter()
            .map(|o| {
                let rate = o
                    .rate_bp
                    .map(|r| format!("，{}", fmt_bp_pct(r)))
                    .unwrap_or_default();
                format!("{} {}万元{rate}", o.institution, fmt_wan(o.amount))
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    NeedRow {
        need_id: n.id,
        raised_on: n.raised_on,
        amount: n.amount,
        kind: n.kind.label_zh().to_string(),
        purpose: if n.purpose.trim().is_empty() {
            MISSING.to_string()
        } else {
            n.purpose.clone()
        },
        term: opt(n.term_months.map(|t| format!("{t}个月"))),
        ruling,
        status: n.status.label_zh().to_string(),
        outcome,
    }
}

fn needs_text(needs: &[&Need]) -> String {
    if needs.is_empty() {
        return "暂无融资需求记录。辅导员将在后续走访中了解企业资金需求，需求提出后及时登记并对接产品。".to_string();
    }
    let total: Yuan = needs.iter().map(|n| n.amount).sum();
    let disbursed: Yuan = needs.iter().map(|n| n.disbursed_amount()).sum();
    let open = needs.iter().filter(|n| !n.status.is_closed()).count();
    let reasonable = needs
        .iter()
        .filter(|n| n.is_reasonable() == Some(true))
        .count();
    let unreasonable = needs
        .iter()
        .filter(|n| n.is_reasonable() == Some(false))
        .count();
    format!(
        "企业累计登记融资需求{}笔，合计{}，已放款{}；其中认定合理{}笔、不合理{}笔，尚在推进{}笔。",
        needs.len(),
        fmt_wan_unit(total),
        fmt_wan_unit(disbursed),
        reasonable,
        unreasonable,
        open
    )
}

fn credit_item(m: &ProductMatch, p: &Product, need: Option<&Need>) -> CreditItem {
    let amount = match m.suggested_amount {
        Some(a) => format!("建议申请{}（产品额度{}）", fmt_wan_unit(a), p.amount_text()),
        None => p.amount_text(),
    };
    let price = match (m.nominal_rate_bp, m.effective_rate_bp) {
        (Some(n), Some(e)) if e < n => format!(
            "{}{}，政策支持后约{}",
            p.kind.price_label().zh,
            p.rate_text(),
            fmt_bp_pct(e)
        ),
        (Some(_), _) => format!("{}{}", p.kind.price_label().zh, p.rate_text()),
        _ => p.kind.price_label().zh,
    };
    CreditItem {
        product_id: p.id,
        product_code: p.code.clone(),
        product_name: p.name.clone(),
        institution: p.institution.clone(),
        kind: p.kind.label_zh().to_string(),
        amount,
        price,
        collateral: p.collateral_text(),
        subsidy: p.subsidy_text(),
        why: m.reasons.iter().map(|r| r.zh.clone()).collect(),
        missing: m.missing.iter().map(|r| r.zh.clone()).collect(),
        for_need: need.map(need_label).unwrap_or_default(),
        score: m.score,
        branch: p.branch.clone(),
        contact: p.contact.clone(),
        term_months: m.term_months,
        amount_yuan: m.suggested_amount,
    }
}

/// Products a package offers for one need, at most (a readable table).
const MAX_PER_NEED: usize = 4;
/// Days from the plan date to the first application; each further package a week later.
const FIRST_APPLICATION_DAYS: u64 = 14;

/// Needs section 五 answers: reasonable (or not yet ruled) needs that are raised, being
/// matched, unmet or only partly met, with money still to raise. Needs already with a lender
/// (applied, approved) and closed ones are not re-matched.
fn credit_needs<'a>(needs: &[&'a Need]) -> Vec<&'a Need> {
    needs
        .iter()
        .copied()
        .filter(|n| n.is_reasonable() != Some(false))
        .filter(|n| {
            matches!(
                n.status,
                NeedStatus::Raised
                    | NeedStatus::Matching
                    | NeedStatus::Unmet
                    | NeedStatus::PartlyMet
            )
        })
        .filter(|n| need_remainder(n) > 0)
        .collect()
}

/// What is still to raise for a need (元).
fn need_remainder(n: &Need) -> Yuan {
    (n.amount - n.disbursed_amount()).max(0)
}

/// The security the firm can offer for one kind a product requires, naming what backs it;
/// `None` when the firm definitely lacks it.
fn security_for(c: CollateralKind, p: &Product, firm: &Firm, need: &Need) -> Option<String> {
    let latest_bills = firm.latest_year().and_then(|y| y.bills_receivable);
    let text = match c {
        CollateralKind::IpPledge => {
            let ip = &firm.ip;
            let mut parts = vec![];
            if ip.class1() > 0 {
                parts.push(format!("Ⅰ类知识产权{}项", ip.class1()));
            }
            if ip.class2() > 0 {
                parts.push(format!("Ⅱ类知识产权{}项", ip.class2()));
            }
            format!("知识产权质押（{}）", parts.join("、"))
        }
        CollateralKind::Bills => match latest_bills {
            Some(b) => format!("商业汇票质押（应收票据{}）", fmt_wan_unit(b)),
            None => "商业汇票质押（需核实持票情况）".to_string(),
        },
        CollateralKind::Receivables => match firm.facts.receivables {
            Some(r) => format!("应收账款质押（{}）", fmt_wan_unit(r)),
            None => "应收账款质押（需确权）".to_string(),
        },
        CollateralKind::ThirdPartyGuarantee if p.institution_kind == InstitutionKind::Guarantor => {
            format!("{}担保", p.institution)
        }
        other => other.label_zh().to_string(),
    };
    match has_collateral(c, p, firm, Some(need)) {
        Some(false) => None,
        Some(true) => Some(text),
        None if text.contains("需") => Some(text),
        None => Some(format!("{text}（需核实）")),
    }
}

/// What the firm can pledge or offer, in words, for a need.
fn firm_security(firm: &Firm, need: &Need) -> String {
    let mut have: Vec<String> = vec![];
    let ip = &firm.ip;
    if ip.class1() + ip.class2() > ip.pledged {
        let patents = ip.invention_patents + ip.utility_models + ip.designs;
        if patents > 0 {
            have.push(format!(
                "专利质押（发明专利{}项、实用新型和外观设计{}项）",
                ip.invention_patents,
                ip.utility_models + ip.designs
            ));
        } else {
            have.push(format!(
                "软件著作权等知识产权质押（{}项）",
                ip.class1() + ip.class2()
            ));
        }
    }
    if let Some(b) = firm
        .latest_year()
        .and_then(|y| y.bills_receivable)
        .filter(|b| *b > 0)
    {
        have.push(format!("应收票据质押（{}）", fmt_wan_unit(b)));
    }
    if let Some(r) = firm.facts.receivables.filter(|r| *r > 0) {
        have.push(format!("应收账款质押（{}）", fmt_wan_unit(r)));
    }
    if firm.facts.real_estate_collateral == Some(true) {
        have.push("房产抵押".to_string());
    }
    if firm.facts.gov_procurement == Some(true) {
        have.push("政府采购合同".to_string());
    }
    for c in &need.collateral {
        let c = c.trim();
        if !c.is_empty() && !have.iter().any(|h| h.contains(c) || c.contains(h.as_str())) {
            have.push(format!("企业提供：{c}"));
        }
    }
    if have.is_empty() {
        "企业暂无可用的抵质押物，建议由政府性融资担保机构提供担保，或选择信用类产品".to_string()
    } else {
        have.join("、")
    }
}

/// The term a need's purpose calls for, with the reason.
fn package_term(need: &Need, items: &[CreditItem]) -> String {
    let uses = FundUse::classify(&need.purpose);
    let long = uses.iter().copied().find(|u| u.is_long());
    let months = items.iter().find_map(|i| i.term_months);
    let why = match long {
        Some(u) => format!(
            "{}属长期用途，安排中长期资金，不以短期贷款解决",
            u.label_zh()
        ),
        None if uses.contains(&FundUse::WorkingCapital) => {
            "流动资金周转，安排一年以内短期资金".to_string()
        }
        None => "按企业提出的期限安排".to_string(),
    };
    let months = months.or_else(|| match long {
        Some(u) => Some(u.preferred_term_months()),
        None => need.term_months,
    });
    let mut t = match months {
        Some(m) => format!("{m}个月（{why}）"),
        None => why,
    };
    if let (Some(req), Some(_)) = (need.term_months, long) {
        if req < LONG_TERM_MIN_MONTHS {
            t.push_str(&format!("；企业提出的{req}个月偏短，建议调整"));
        }
    }
    t
}

fn compose_package(
    firm: &Firm,
    need: &Need,
    catalog: &Catalog,
    today: NaiveDate,
    ev: &FirmEvaluation,
    index: usize,
) -> (NeedPackage, MatchResult) {
    let remainder = need_remainder(need);
    // Match on what is still to raise.
    let mut rest = need.clone();
    rest.amount = remainder;
    let r = match_products_with(firm, Some(&rest), &catalog.products, today, ev);
    let mut items: Vec<CreditItem> = vec![];
    let mut skipped: Vec<String> = vec![];
    for m in r.eligible.iter().filter(|m| m.fit.kind_matches) {
        let Some(p) = catalog.product(m.product_id) else {
            continue;
        };
        if !p.kind.provides_funds() && need.kind != FinancingKind::Insurance {
            continue;
        }
        if remainder < p.amount_min {
            skipped.push(format!(
                "{}起贷额度{}高于尚需融资额{}",
                p.name,
                fmt_wan_unit(p.amount_min),
                fmt_wan_unit(remainder)
            ));
            continue;
        }
        let security: Option<Vec<String>> = p
            .collateral
            .iter()
            .map(|c| security_for(*c, p, firm, need))
            .collect();
        let Some(security) = security else {
            let lacking: Vec<&str> = p
                .collateral
                .iter()
                .filter(|c| has_collateral(**c, p, firm, Some(need)) == Some(false))
                .map(|c| c.label_zh())
                .collect();
            skipped.push(format!("{}需{}，企业暂不具备", p.name, lacking.join("、")));
            continue;
        };
        if items.len() < MAX_PER_NEED {
            let mut it = credit_item(m, p, Some(need));
            if !security.is_empty() {
                it.collateral = security.join("、");
            }
            items.push(it);
        }
    }
    let next_due = today + Days::new(FIRST_APPLICATION_DAYS + 7 * index as u64);
    let (no_fit, next_step) = if let Some(first) = items.first() {
        let where_ = if first.branch.is_empty() {
            first.institution.clone()
        } else {
            first.branch.clone()
        };
        let contact = if first.contact.is_empty() {
            String::new()
        } else {
            format!("，联系{}", first.contact)
        };
        (
            String::new(),
            format!(
                "向{where_}提交“{}”申请材料{contact}，辅导员陪同对接",
                first.product_name
            ),
        )
    } else {
        // Why nothing fits, and what would make a product fit.
        let mut why: Vec<String> = skipped;
        let short: Vec<&str> = catalog
            .products
            .iter()
            .filter(|p| p.active && serves(p, need.kind) && !term_fit(p, need).fits)
            .map(|p| p.name.as_str())
            .collect();
        if !short.is_empty() {
            why.push(format!(
                "{}等{}个产品期限在一年以内，属短期资金，不适用于该长期用途",
                short[0],
                short.len()
            ));
        }
        let near: Vec<String> = r
            .near_misses
            .iter()
            .filter(|m| m.fit.kind_matches)
            .filter(|m| {
                catalog
                    .product(m.product_id)
                    .is_some_and(|p| p.kind.provides_funds() && remainder >= p.amount_min)
            })
            .take(2)
            .map(|m| {
                format!(
                    "{}“{}”：{}",
                    m.institution,
                    m.product_name,
                    m.missing
                        .iter()
                        .map(|x| x.zh.clone())
                        .collect::<Vec<_>>()
                        .join("；")
                )
            })
            .collect();
        let mut t = String::from("暂无可直接申请的产品");
        if why.is_empty() {
            t.push_str(&format!(
                "：目录中{}类产品的准入条件企业尚未满足",
                need.kind.label_zh()
            ));
        } else {
            t.push_str(&format!("：{}", why.join("；")));
        }
        t.push('。');
        let step = if near.is_empty() {
            t.push_str("补足条件的途径：由政府性融资担保机构提供担保后向合作银行申请，或调整融资金额、期限和方式（如股权融资），辅导员将持续对接。");
            "辅导员对接政府性融资担保机构和合作银行，商定担保方案".to_string()
        } else {
            t.push_str(&format!("补足以下条件后可申请——{}。", near.join("；")));
            format!(
                "按“{}”所列条件准备材料",
                near[0].split('：').next().unwrap_or("")
            )
        };
        (t, step)
    };
    let pkg = NeedPackage {
        need_id: need.id,
        need: need_label(need),
        purpose: if need.purpose.trim().is_empty() {
            MISSING.to_string()
        } else {
            need.purpose.trim().to_string()
        },
        status: need.status.label_zh().to_string(),
        remainder,
        term: package_term(need, &items),
        security: firm_security(firm, need),
        items,
        no_fit,
        next_step,
        next_due,
    };
    (pkg, r)
}

fn compose_credit(
    firm: &Firm,
    needs: &[&Need],
    catalog: &Catalog,
    today: NaiveDate,
    ev: &FirmEvaluation,
) -> CreditSection {
    let open = credit_needs(needs);
    let mut packages: Vec<NeedPackage> = vec![];
    let mut runs: Vec<(Option<&Need>, MatchResult)> = vec![];
    for (i, n) in open.iter().enumerate() {
        let (pkg, r) = compose_package(firm, n, catalog, today, ev, i);
        packages.push(pkg);
        runs.push((Some(*n), r));
    }
    let mut items: Vec<CreditItem> = vec![];
    for it in packages.iter().flat_map(|p| &p.items) {
        if !items.iter().any(|i| i.product_id == it.product_id) {
            items.push(it.clone());
        }
    }
    if open.is_empty() {
        // No need to answer: what the firm could apply for when one arises.
        let r = match_products_with(firm, None, &catalog.products, today, ev);
        for m in &r.eligible {
            if items.len() >= MAX_ITEMS {
                break;
            }
            if let Some(p) = catalog.product(m.product_id) {
                items.push(credit_item(m, p, None));
            }
        }
        runs.push((None, r));
    }
    let mut near_misses: Vec<CreditItem> = vec![];
    for (need, r) in &runs {
        for m in &r.near_misses {
            if near_misses.len() >= MAX_NEAR {
                break;
            }
            if near_misses.iter().any(|i| i.product_id == m.product_id)
                || items.iter().any(|i| i.product_id == m.product_id)
            {
                continue;
            }
            if let Some(p) = catalog.product(m.product_id) {
                near_misses.push(credit_item(m, p, *need));
            }
        }
    }
    let in_process: Vec<&Need> = needs
        .iter()
        .copied()
        .filter(|n| matches!(n.status, NeedStatus::Applied | NeedStatus::Approved))
        .filter(|n| n.is_reasonable() != Some(false))
        .collect();
    let in_process_text = if in_process.is_empty() {
        String::new()
    } else {
        format!(
            "另有{}笔需求（合计{}）已向金融机构提交申请，辅导员跟进审批进度。",
            in_process.len(),
            fmt_wan_unit(in_process.iter().map(|n| n.amount).sum())
        )
    };
    let text = if !packages.is_empty() {
        let total: Yuan = packages.iter().map(|p| p.remainder).sum();
        let served = packages.iter().filter(|p| !p.items.is_empty()).count();
        let mut t = format!(
            "企业有{}笔待满足的融资需求，尚需融资合计{}，逐笔提出融资方案如下。",
            packages.len(),
            fmt_wan_unit(total)
        );
        if served == packages.len() {
            t.push_str("每笔需求均已匹配到可直接申请的产品。");
        } else if served == 0 {
            t.push_str("目前均暂无可直接申请的产品，各笔需求下写明了原因和补足条件。");
        } else {
            t.push_str(&format!(
                "其中{}笔已匹配到可直接申请的产品，{}笔暂无合适产品，已写明原因和补足条件。",
                served,
                packages.len() - served
            ));
        }
        t.push_str(&in_process_text);
        t
    } else if !in_process.is_empty() {
        format!(
            "企业的融资需求均已向金融机构提交申请（{}笔，合计{}），辅导员跟进审批进度。以下产品供企业后续按需选择。",
            in_process.len(),
            fmt_wan_unit(in_process.iter().map(|n| n.amount).sum())
        )
    } else if items.is_empty() {
        "企业当前无待满足的融资需求。根据企业现有资料，暂未匹配到可直接申请的金融产品；建议按“培育后可申请的产品”所列事项补充资料、完善条件。".to_string()
    } else {
        format!(
            "企业当前无待满足的融资需求。根据企业条件匹配到{}个可申请的金融产品，供企业新增资金需求时选择。",
            items.len()
        )
    };
    CreditSection {
        packages,
        items,
        near_misses,
        text,
    }
}

fn compose_measures(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate) -> Vec<Measure> {
    let mut out = vec![];
    let latest = firm.latest_year();
    // The firm still works towards 高企 (not certified, or certified but failing conditions).
    let pursuing_ht = !ev.high_tech.certified || ev.high_tech.review_risk.is_some();

    // Accounting: this firm's missing years, incomplete figures and audit status.
    let this = today.year();
    let founded_year = firm.founded.map(|f| f.year());
    let missing_years: Vec<i32> = (this - 3..this)
        .filter(|y| founded_year.is_none_or(|f| f <= *y))
        .filter(|y| firm.year(*y).is_none_or(|f| f.revenue.is_none()))
        .collect();
    let latest_year = latest.map(|y| y.year);
    let incomplete: Vec<String> = firm
        .years_desc()
        .iter()
        .take(3)
        .filter_map(|y| {
            let mut miss = vec![];
            for (name, v) in [
                ("营业收入", y.revenue),
                ("成本费用总额", y.total_cost),
                ("资产总额", y.total_assets),
                ("负债总额", y.liabilities),
                ("净利润", y.net_profit),
            ] {
                if v.is_none() {
                    miss.push(name);
                }
            }
            if Some(y.year) == latest_year {
                if y.main_business_revenue.is_none() {
                    miss.push("主营业务收入");
                }
                if pursuing_ht && y.total_income.is_none() {
                    miss.push("总收入（收入总额−不征税收入）");
                }
            }
            (!miss.is_empty()).then(|| format!("{}年缺{}", y.year, miss.join("、")))
        })
        .collect();
    let mut parts: Vec<String> = vec![];
    if !missing_years.is_empty() {
        parts.push(format!(
            "目前缺少{}年度的财务数据，请于{}前补充经审计或经税务申报的财务报表",
            missing_years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            today + Days::new(30)
        ));
    }
    if !incomplete.is_empty() {
        parts.push(format!("已登记年度数据不完整：{}", incomplete.join("；")));
    }
    let audit_use = if pursuing_ht {
        "申请高新技术企业认定须提供近三个会计年度的财务会计报告及研发费用、高新技术产品（服务）收入专项审计或鉴证报告，银行授信审查也以审计报告为准"
    } else {
        "银行授信审查以经审计的财务报告为准"
    };
    match (firm.facts.audited_year, latest_year) {
        (Some(a), Some(l)) if a >= l => {}
        (Some(a), Some(l)) => parts.push(format!(
            "最近一次审计为{a}年度，{l}年度财务报表尚未审计；{audit_use}，建议于{}前完成{l}年度审计",
            NaiveDate::from_ymd_opt(l + 1, 4, 30).filter(|d| *d > today).unwrap_or(today + Days::new(60))
        )),
        (None, Some(l)) => parts.push(format!(
            "{l}年度财务报表是否经会计师事务所审计尚未登记；{audit_use}，请核实并登记审计情况"
        )),
        _ => {}
    }
    if !parts.is_empty() {
        out.push(Measure {
            title: "规范会计核算".to_string(),
            text: format!("{}。", parts.join("。")),
        });
    }

    // R&D sub-ledger: what this firm has recorded and what it still lacks.
    let rd = latest.and_then(|y| Some((y.year, y.rd_expense?, y.revenue)));
    let rd_fig = |(y, r, rev): (i32, Yuan, Option<Yuan>)| match rev.and_then(|v| pct(r, v)) {
        Some(p) => format!("{y}年研发费用{}（占营业收入{p}）", fmt_wan_unit(r)),
        None => format!("{y}年研发费用{}", fmt_wan_unit(r)),
    };
    let mut uses = vec!["研发费用加计扣除"];
    if !ev.tech_sme.verdict.qualifies() || !firm.holds(QualificationKind::TechSme, today) {
        uses.push("科技型中小企业评价");
    }
    if pursuing_ht {
        uses.push("高新技术企业认定");
    }
    // 加计扣除 is claimed in the annual corporate-income-tax filing, due 31 May.
    let filing_year = if today <= NaiveDate::from_ymd_opt(this, 5, 31).unwrap_or(today) {
        this - 1
    } else {
        this
    };
    let filing_due = NaiveDate::from_ymd_opt(filing_year + 1, 5, 31).unwrap_or(today);
    let deadline = format!(
        "于{filing_due}（{filing_year}年度企业所得税汇算清缴截止）前完成{filing_year}年度研发费用归集"
    );
    let rd_text = match (firm.facts.rd_sub_ledger, rd) {
        (Some(true), _) => {
            let dom_missing: Vec<i32> = ev
                .high_tech
                .rd_years
                .iter()
                .copied()
                .filter(|y| firm.year(*y).is_some_and(|f| f.rd_expense.is_some() && f.rd_expense_domestic.is_none()))
                .collect();
            (pursuing_ht && !dom_missing.is_empty()).then(|| {
                format!(
                    "企业已设研发费用辅助账，但{}年境内研发费用尚未单独登记；高新技术企业认定要求境内研发费用不低于全部研发费用的60%，请从辅助账中归集后登记",
                    dom_missing.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、")
                )
            })
        }
        (Some(false), Some(x)) => Some(format!(
            "企业尚未建立研发费用辅助账，{}缺少按项目归集的依据。请按研发项目设立辅助账，分项归集人员人工、直接投入、折旧摊销等费用，{deadline}，用于{}",
            rd_fig(x),
            uses.join("、")
        )),
        (Some(false), None) => Some(format!(
            "企业尚未建立研发费用辅助账，也未登记研发费用。请按研发项目设立辅助账，{deadline}，用于{}",
            uses.join("、")
        )),
        (None, Some(x)) => Some(format!(
            "{}，是否设有研发费用辅助账尚未登记；请核实并登记，未设立的{deadline}，用于{}",
            rd_fig(x),
            uses.join("、")
        )),
        (None, None) => Some(format!(
            "企业尚未登记研发费用，是否设有研发费用辅助账也未登记；请梳理研发支出并{deadline}，用于{}",
            uses.join("、")
        )),
    };
    if let Some(text) = rd_text {
        out.push(Measure {
            title: "建立研发费用辅助账".to_string(),
            text: format!("{text}。"),
        });
    }

    // Qualification roadmap.
    let steps = roadmap(firm, ev, today);
    if !steps.is_empty() {
        out.push(Measure {
            title: "资质培育路线".to_string(),
            text: steps.join("\n"),
        });
    }

    // Leverage.
    if let Some(y) = latest {
        if let (Some(l), Some(a)) = (y.liabilities, y.total_assets) {
            if a > 0 && l * 100 > a * 65 {
                out.push(Measure {
                    title: "优化负债结构".to_string(),
                    text: format!(
                        "{}年资产负债率{}（负债{}、资产{}），高于65%的关注线。建议控制短期负债规模，以中长期贷款置换短期借款，引入股权融资补充资本金。",
                        y.year,
                        pct(l, a).unwrap_or_default(),
                        fmt_wan_unit(l),
                        fmt_wan_unit(a)
                    ),
                });
            }
        }
    }
    // IP layout: what one Class-I item would change for this firm.
    if firm.ip.class1() == 0 {
        let c2 = firm.ip.class2();
        let mut gains = vec![];
        if let Some(ip) = ev.tech_sme.indicators.iter().find(|i| i.key == "ip") {
            if ip.points.is_some_and(|p| p < ip.max_points) {
                gains.push(format!(
                    "科技型中小企业科技成果指标由{}分升至{}分",
                    ip.points.unwrap_or(0),
                    ip.max_points
                ));
            }
        }
        if let Some(ip) = ev.srdi.score.indicators.iter().find(|i| i.key == "ip") {
            gains.push(format!("专精特新知识产权指标由{}分升至至少6分", ip.points));
        }
        if c2 == 0 && pursuing_ht {
            gains.push("满足高新技术企业“拥有核心知识产权”条件".to_string());
        }
        out.push(Measure {
            title: "加强知识产权布局".to_string(),
            text: format!(
                "企业现有Ⅱ类知识产权{c2}项（实用新型{}、外观设计{}、软件著作权{}），尚无发明专利等Ⅰ类知识产权。取得1项Ⅰ类知识产权可使{}；建议围绕核心产品申请发明专利或通过受让取得，也为知识产权质押融资提供质物。",
                firm.ip.utility_models,
                firm.ip.designs,
                firm.ip.software_copyrights,
                gains.join("，")
            ),
        });
    }
    match firm.facts.credit_overdue {
        None => out.push(Measure {
            title: "查询并维护企业征信".to_string(),
            text: format!(
                "企业征信逾期情况尚未登记，银行产品匹配中的信用条件因此无法判断。请企业于{}前授权查询企业信用报告，核实有无逾期、欠息和对外担保记录并登记。",
                today + Days::new(14)
            ),
        }),
        Some(true) => out.push(Measure {
            title: "查询并维护企业征信".to_string(),
            text: format!(
                "企业征信存在逾期或违约记录，多数信用类产品因此不可申请。请于{}前结清逾期款项，取得金融机构结清证明；如记录有误，向征信机构提出异议更正。",
                today + Days::new(30)
            ),
        }),
        Some(false) => {}
    }
    out
}

#[cfg(test)]
#[path = "plan/roadmap_tests.rs"]
mod roadmap_tests;

/// Dates of the application window a step points to: `from`–`to`.
fn window_text(w: &eval::rules::ApplicationWindow, after: NaiveDate) -> String {
    match w.next(after) {
        Some((from, to)) if from <= after => format!("即日起至{to}（{}）", w.note),
        Some((from, to)) => format!("{from}至{to}（{}）", w.note),
        None => w.note.clone(),
    }
}

/// One failing checklist item as a gap: "label figure，需 req（gap）".
fn gap_text(i: &eval::CheckItem) -> String {
    let fig = i.figure.clone().unwrap_or_default();
    if matches!(i.required.as_str(), "是" | "否") {
        return format!("{}：{fig}（应为{}）", i.label.zh, i.required);
    }
    let gap = i
        .gap
        .as_ref()
        .map(|g| format!("，{}", g.zh))
        .unwrap_or_default();
    format!("{} {fig}，需 {}{gap}", i.label.zh, i.required)
}

/// The qualification roadmap: only routes the firm can take, each with its gaps and dates.
fn roadmap(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate) -> Vec<String> {
    use eval::rules::month_day;
    let book = RuleBook::builtin();
    let this = today.year();
    let year_end = NaiveDate::from_ymd_opt(this, 12, 31).unwrap_or(today);
    let mut steps: Vec<String> = vec![];

    // ---- 科技型中小企业 ----
    let ts = &ev.tech_sme;
    let ts_rules = book.tech_sme_for(today);
    // A registration is valid through 31 December of its year (unless an expiry is recorded).
    let reg_until = firm
        .qualifications
        .iter()
        .filter(|q| q.kind == QualificationKind::TechSme)
        .map(|q| {
            q.expires.or_else(|| {
                let y = q.obtained.map(|o| o.year()).unwrap_or(this);
                month_day(&ts_rules.registration.valid_until, y)
            })
        })
        .max()
        .flatten();
    let size_fail: Vec<&eval::CheckItem> = ts
        .conditions
        .iter()
        .filter(|c| {
            c.status == Status::NotMet && ["staff", "sales", "assets"].contains(&c.key.as_str())
        })
        .collect();
    let other_fail: Vec<&eval::CheckItem> = ts
        .conditions
        .iter()
        .filter(|c| {
            c.status == Status::NotMet && !["staff", "sales", "assets"].contains(&c.key.as_str())
        })
        .collect();
    let score_hints = || -> Vec<String> {
        ts.indicators
            .iter()
            .filter_map(|i| i.next_band.as_ref().map(|n| n.zh.clone()))
            .take(2)
            .collect()
    };
    match reg_until {
        Some(until) if until >= today => {
            let next = until + Days::new(1);
            let mut t = format!(
                "科技型中小企业：已入库登记，登记有效期至{until}；{}，请于{next}起按{}年度数据重新评价入库。",
                ts_rules.registration.note,
                until.year()
            );
            if !size_fail.is_empty() {
                t.push_str(&format!(
                    "按最新数据，{}，超出规模上限，{}年度将不能再入库，建议以高新技术企业认定为目标。",
                    size_fail.iter().map(|c| gap_text(c)).collect::<Vec<_>>().join("；"),
                    next.year()
                ));
            } else if matches!(ts.verdict, Verdict::DoesNotQualify { .. }) {
                let hints = score_hints();
                t.push_str(&format!(
                    "按最新数据重新评价将不符合{}",
                    if hints.is_empty() {
                        "。".to_string()
                    } else {
                        format!("，入库前需提升：{}。", hints.join("；"))
                    }
                ));
            }
            steps.push(t);
        }
        _ => {
            let lapsed = reg_until
                .map(|u| format!("原入库登记已于{u}到期。"))
                .unwrap_or_default();
            if !size_fail.is_empty() {
                // Size cannot be fixed by the firm's own effort: point to 高企 instead.
                steps.push(format!(
                    "科技型中小企业：{lapsed}{}，超出科技型中小企业规模上限（{}），无法通过增加科技人员或研发投入满足，不作为培育目标；建议以高新技术企业认定为目标。",
                    size_fail.iter().map(|c| gap_text(c)).collect::<Vec<_>>().join("；"),
                    size_fail[0].cite
                ));
            } else if !other_fail.is_empty() {
                steps.push(format!(
                    "科技型中小企业：{lapsed}存在不得入库的情形：{}（{}），消除前不能评价入库。",
                    other_fail
                        .iter()
                        .map(|c| c.label.zh.clone())
                        .collect::<Vec<_>>()
                        .join("；"),
                    other_fail[0].cite
                ));
            } else {
                match &ts.verdict {
                    Verdict::Qualifies { route } => steps.push(format!(
                        "科技型中小企业：{lapsed}评价已符合条件（{}），请于{year_end}前在全国科技型中小企业信息服务平台完成{this}年度评价入库；入库登记当年有效，{}年1月1日起须重新评价。",
                        route.zh,
                        this + 1
                    )),
                    Verdict::DoesNotQualify { .. } => {
                        let hints = score_hints();
                        let total = ts.total.map(|t| format!("当前评价得分{t}分")).unwrap_or_else(|| format!("当前评价得分至多{}分", ts.total_max));
                        steps.push(format!(
                            "科技型中小企业：{lapsed}{total}，需≥{}分且科技人员指标不为0分。{}达标后于{year_end}前完成{this}年度入库。",
                            ts.pass_total,
                            if hints.is_empty() { String::new() } else { format!("提升方向：{}。", hints.join("；")) }
                        ));
                    }
                    Verdict::CannotTell { missing } => steps.push(format!(
                        "科技型中小企业：{lapsed}需补充{}后重新评价；达标后于{year_end}前完成{this}年度入库。",
                        missing.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("、")
                    )),
                }
            }
        }
    }

    // ---- 高新技术企业 ----
    let ht = &ev.high_tech;
    let ht_rules = book.high_tech_for(today);
    let win = &ht_rules.application_window;
    let cert_expires = firm
        .qualifications
        .iter()
        .filter(|q| q.kind == QualificationKind::HighTech && q.is_valid_on(today))
        .filter_map(|q| q.expires)
        .max();
    let failing: Vec<&eval::CheckItem> = ht
        .items
        .iter()
        .filter(|i| i.status == Status::NotMet)
        .collect();
    let unknown: Vec<&eval::CheckItem> = ht
        .items
        .iter()
        .filter(|i| i.status == Status::Unknown)
        .collect();
    let missing_names = |items: &[&eval::CheckItem]| -> String {
        let mut names: Vec<&str> = vec![];
        for i in items {
            for m in &i.missing {
                if !names.contains(&m.zh.as_str()) {
                    names.push(m.zh.as_str());
                }
            }
        }
        names.join("、")
    };
    if ht.certified {
        if let Some(w) = &ht.review_risk {
            steps.push(format!(
                "高新技术企业（持证）：{}请于{}前逐项补齐：{}。",
                w.zh,
                today + Days::new(90),
                failing
                    .iter()
                    .map(|i| gap_text(i))
                    .collect::<Vec<_>>()
                    .join("；")
            ));
        }
        if let Some(e) = cert_expires {
            if e <= today.checked_add_months(Months::new(12)).unwrap_or(today) {
                let from = NaiveDate::from_ymd_opt(e.year(), 1, 1)
                    .unwrap_or(today)
                    .max(today);
                steps.push(format!(
                    "高新技术企业证书将于{e}到期，须在到期当年重新申请认定，申报窗口：{}。",
                    window_text(win, from)
                ));
            }
        }
    } else if ht.verdict.qualifies() {
        steps.push(format!(
            "高新技术企业：各项认定条件已满足，可在{}提交认定申请。",
            window_text(win, today)
        ));
    } else {
        // Registration time is met by waiting: apply in the first window after it.
        let after = ht
            .items
            .iter()
            .find(|i| i.key == "registered" && i.status == Status::NotMet)
            .and(firm.founded)
            .and_then(|f| f.checked_add_months(Months::new(12 * ht_rules.registered.min_years)))
            .unwrap_or(today)
            .max(today);
        let mut parts: Vec<String> = failing
            .iter()
            .map(|i| {
                let mut t = gap_text(i);
                if i.key == "rd_ratio" {
                    if let Some(d) = &i.detail {
                        t.push_str(&format!("（{}）", d.zh));
                    }
                }
                t
            })
            .collect();
        if !unknown.is_empty() {
            parts.push(format!("需补充{}", missing_names(&unknown)));
        }
        steps.push(format!(
            "高新技术企业：{}。补齐后在{}申报。",
            parts.join("；"),
            window_text(win, after)
        ));
    }

    // ---- 专精特新 ----
    let holds_srdi = firm.holds(QualificationKind::SrdiProvincial, today)
        || firm.holds(QualificationKind::SrdiLittleGiant, today);
    let sr = &ev.srdi;
    let sr_rules = book.srdi_for(today);
    let swin = &sr_rules.application_window;
    if holds_srdi {
        let exp = firm
            .qualifications
            .iter()
            .filter(|q| {
                matches!(
                    q.kind,
                    QualificationKind::SrdiProvincial | QualificationKind::SrdiLittleGiant
                ) && q.is_valid_on(today)
            })
            .filter_map(|q| q.expires)
            .max();
        if let Some(e) =
            exp.filter(|e| *e <= today.checked_add_months(Months::new(12)).unwrap_or(today))
        {
            let from = NaiveDate::from_ymd_opt(e.year(), 1, 1)
                .unwrap_or(today)
                .max(today);
            steps.push(format!(
                "专精特新：资格将于{e}到期，请在{}申报复核（评价得分按登记数据为{}分）。",
                window_text(swin, from),
                sr.score.total
            ));
        }
    } else {
        let blocking: Vec<&eval::CheckItem> = sr
            .items
            .iter()
            .filter(|i| {
                i.status == Status::NotMet
                    && [
                        "independent_legal_person",
                        "restricted",
                        "dishonest_listed",
                        "serious_incident",
                    ]
                    .contains(&i.key.as_str())
            })
            .collect();
        if !blocking.is_empty() {
            steps.push(format!(
                "专精特新中小企业：{}（{}），不能申报。",
                blocking
                    .iter()
                    .map(|i| format!("{} {}", i.label.zh, i.figure.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("；"),
                blocking[0].cite
            ));
        } else if let Verdict::Qualifies { .. } = sr.verdict {
            steps.push(format!(
                "专精特新中小企业：认定条件已满足（评价得分{}分），可在{}向区县工业和信息化部门申报。",
                sr.score.total,
                window_text(swin, today)
            ));
        } else {
            let mut parts: Vec<String> = vec![];
            for i in sr.items.iter().filter(|i| i.status == Status::NotMet) {
                if i.key == "score" {
                    let growth_pending = firm
                        .founded
                        .zip(firm.latest_year())
                        .is_some_and(|(d, y)| d.year() > y.year - 2);
                    let mut weak: Vec<&eval::srdi::score::Indicator> = sr
                        .score
                        .indicators
                        .iter()
                        .filter(|x| {
                            x.missing.is_empty()
                                && x.points < x.max_points
                                && !["feature", "niche_years"].contains(&x.key.as_str())
                                // Growth over two years cannot be raised before the firm
                                // has three financial years.
                                && !(growth_pending && x.key == "main_growth")
                        })
                        .collect();
                    weak.sort_by_key(|x| std::cmp::Reverse(x.max_points - x.points));
                    parts.push(format!(
                        "评价得分{}分，需≥{}分（差{}分）{}",
                        sr.score.total,
                        sr.score.min_score,
                        sr.score.min_score - sr.score.total.min(sr.score.min_score),
                        if weak.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "，提分空间较大的指标：{}",
                                weak.iter()
                                    .take(3)
                                    .map(|x| format!(
                                        "{}（{}/{}分）",
                                        x.label.zh, x.points, x.max_points
                                    ))
                                    .collect::<Vec<_>>()
                                    .join("、")
                            )
                        }
                    ));
                } else {
                    parts.push(gap_text(i));
                }
            }
            let unknown: Vec<&eval::CheckItem> = sr
                .items
                .iter()
                .filter(|i| i.status == Status::Unknown)
                .collect();
            if !unknown.is_empty() {
                let scored = if unknown.iter().any(|i| i.key == "score") {
                    "（评价指标缺数据项按0分计）"
                } else {
                    ""
                };
                parts.push(format!("需补充登记{}{scored}", missing_names(&unknown)));
            }
            if !parts.is_empty() {
                // Years in the niche market only come with time: the first window to name is
                // the one open once the firm has them (a firm one year short cannot apply in
                // this year's window, whatever else it completes).
                let short_years = sr
                    .items
                    .iter()
                    .any(|i| i.key == "niche_years" && i.status == Status::NotMet)
                    .then(|| {
                        firm.facts
                            .niche_years
                            .map(|have| sr_rules.niche_years.min_years.saturating_sub(have))
                    })
                    .flatten()
                    .unwrap_or(0);
                let ready = today
                    .checked_add_months(Months::new(12 * short_years))
                    .unwrap_or(today);
                steps.push(format!(
                    "专精特新中小企业：{}。补齐后在{}申报。",
                    parts.join("；"),
                    window_text(swin, ready)
                ));
            }
        }
    }
    steps
}

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

/// One listing standard's financial test against the firm's last two years.
fn board_check(board: &str, firm: &Firm) -> Option<String> {
    let years: Vec<&crate::model::YearFinancials> = firm.years_desc().into_iter().take(3).collect();
    let np = |i: usize| years.get(i).and_then(|y| y.net_profit);
    let roe = |i: usize| {
        years.get(i).and_then(|y| {
            let eq = y.total_assets? - y.liabilities?;
            let np = y.net_profit?;
            (eq > 0).then(|| np as f64 / eq as f64 * 100.0)
        })
    };
    let y0 = years.first().map(|y| y.year)?;
    let wan = fmt_wan_unit;
    const WAN: Yuan = 10_000;
    let (name, standard, verdict) = if board.contains("北交所") || board.contains("北京证券")
    {
        let (Some(a), Some(b)) = (np(0), np(1)) else {
            return Some(
                "北交所上市标准一要求最近两年净利润，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let (ra, rb) = (roe(0), roe(1));
        let two_years = a >= 1_500 * WAN
            && b >= 1_500 * WAN
            && ra.zip(rb).is_some_and(|(x, y)| (x + y) / 2.0 >= 8.0);
        let one_year = a >= 2_500 * WAN && ra.is_some_and(|x| x >= 8.0);
        let roe_text = match (ra, rb) {
            (Some(x), Some(y)) => format!("，净资产收益率约{x:.1}%、{y:.1}%（按年末净资产估算）"),
            _ => String::new(),
        };
        (
            "北交所",
            "市值不低于2亿元，最近两年净利润均不低于1,500万元且加权平均净资产收益率平均不低于8%，或最近一年净利润不低于2,500万元且加权平均净资产收益率不低于8%",
            format!(
                "企业{}年、{}年净利润{}、{}{roe_text}，{}",
                y0,
                y0 - 1,
                wan(a),
                wan(b),
                if two_years || one_year {
                    "财务指标已达到".to_string()
                } else {
                    format!("距最近一年净利润2,500万元差{}", wan((2_500 * WAN - a).max(0)))
                }
            ),
        )
    } else if board.contains("创业板") {
        let (Some(a), Some(b)) = (np(0), np(1)) else {
            return Some(
                "创业板上市标准一要求最近两年净利润，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let ok = a > 0 && b > 0 && a + b >= 10_000 * WAN && a >= 6_000 * WAN;
        (
            "创业板",
            "最近两年净利润均为正，累计净利润不低于1亿元，且最近一年净利润不低于6,000万元",
            format!(
                "企业{}年、{}年净利润{}、{}，{}",
                y0,
                y0 - 1,
                wan(a),
                wan(b),
                if ok {
                    "财务指标已达到".to_string()
                } else {
                    format!(
                        "距最近一年净利润6,000万元差{}",
                        wan((6_000 * WAN - a).max(0))
                    )
                }
            ),
        )
    } else if board.contains("科创板") {
        let rev = years.first().and_then(|y| y.revenue);
        let (Some(a), Some(r)) = (np(0), rev) else {
            return Some(
                "科创板上市标准一要求净利润和营业收入，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let ok = (a > 0 && r >= 10_000 * WAN)
            || np(1).is_some_and(|b| a > 0 && b > 0 && a + b >= 5_000 * WAN);
        (
            "科创板",
            "预计市值不低于10亿元，最近两年净利润均为正且累计不低于5,000万元，或最近一年净利润为正且营业收入不低于1亿元",
            format!(
                "企业{y0}年营业收入{}、净利润{}，{}",
                wan(r),
                wan(a),
                if ok {
                    "财务指标已达到（市值须由保荐机构评估）".to_string()
                } else if r < 10_000 * WAN {
                    format!("距营业收入1亿元差{}", wan(10_000 * WAN - r))
                } else {
                    "最近一年净利润须为正".to_string()
                }
            ),
        )
    } else {
        return None;
    };
    Some(format!("{name}上市标准一：{standard}。{verdict}"))
}

/// Equity rounds the firm has closed (from its equity needs' outcomes).
/// The earliest date written as YYYY-MM-DD in `text` that is not before `today`.
fn earliest_date_from(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len().saturating_sub(9))
        .filter(|&i| i == 0 || !chars[i - 1].is_ascii_digit())
        .filter_map(|i| {
            let s: String = chars[i..i + 10].iter().collect();
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
        })
        .filter(|x| *x >= today)
        .min()
}

fn equity_rounds(needs: &[&Need]) -> Vec<String> {
    let mut out: Vec<(NaiveDate, String)> = needs
        .iter()
        .filter(|n| n.kind == FinancingKind::Equity)
        .flat_map(|n| &n.outcomes)
        .map(|o| {
            (
                o.date,
                format!("{} {} {}", o.date, o.institution, fmt_wan_unit(o.amount)),
            )
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, s)| s).collect()
}

fn compose_capital(firm: &Firm, ev: &FirmEvaluation, needs: &[&Need]) -> CapitalSection {
    let latest = firm.latest_year();
    let revenue = latest.and_then(|y| y.revenue);
    let profit = latest.and_then(|y| y.net_profit);
    let rounds = equity_rounds(needs);
    let seeking: Yuan = needs
        .iter()
        .filter(|n| n.kind == FinancingKind::Equity && !n.status.is_closed())
        .filter(|n| n.is_reasonable() != Some(false))
        .map(|n| n.amount)
        .sum();
    let honours: Vec<&str> = [
        QualificationKind::SrdiLittleGiant,
        QualificationKind::Gazelle,
        QualificationKind::Unicorn,
        QualificationKind::SingleChampion,
    ]
    .into_iter()
    .filter(|q| firm.qualifications.iter().any(|h| h.kind == *q))
    .map(|q| q.label_zh())
    .collect();
    let joint_stock = firm.name.contains("股份有限公司");
    // The firm's own facts, as one sentence.
    let mut facts: Vec<String> = vec![];
    if let (Some(y), Some(r)) = (latest, revenue) {
        let mut f = format!("{}年营业收入{}", y.year, fmt_wan_unit(r));
        if let Some(p) = profit {
            f.push_str(&format!("、净利润{}", fmt_wan_unit(p)));
        }
        facts.push(f);
    }
    if !honours.is_empty() {
        facts.push(format!("已获{}称号", honours.join("、")));
    } else if ev.srdi.verdict.qualifies() {
        facts.push("评价显示已符合专精特新中小企业条件".to_string());
    }
    if !rounds.is_empty() {
        facts.push(format!(
            "已完成{}笔股权融资（{}）",
            rounds.len(),
            rounds.join("；")
        ));
    }
    let equity_step = if rounds.is_empty() {
        "引入创投机构或战略投资者，通过股权融资补充资本、优化股权结构".to_string()
    } else {
        "梳理已完成股权融资的投资协议，规范对赌、回购等特殊投资条款".to_string()
    };

    if firm.listing_reserve || firm.listing_board.is_some() {
        let board = firm
            .listing_board
            .clone()
            .unwrap_or_else(|| "目标板块待定".to_string());
        let mut steps = vec![];
        match board_check(&board, firm) {
            Some(c) => steps.push(format!("对照{c}")),
            None => steps.push(format!(
                "明确上市板块（{board}），由保荐机构对照板块定位和财务标准测算差距"
            )),
        }
        if board.contains("北交所") || board.contains("北京证券") {
            steps.push("北交所须为在全国股转系统连续挂牌满12个月的创新层公司：尽早完成新三板挂牌并进入创新层".to_string());
        }
        if !joint_stock {
            steps.push("完成股份制改造，规范公司治理和关联交易".to_string());
        }
        steps.push("聘请保荐机构、会计师事务所和律师事务所，连续出具经审计的财务报表".to_string());
        steps.push(equity_step);
        let mut text = format!(
            "企业{}，目标板块：{board}。",
            if firm.listing_reserve {
                "已列入上市后备企业库"
            } else {
                "有明确上市意向"
            }
        );
        if !facts.is_empty() {
            text.push_str(&format!("{}。", facts.join("，")));
        }
        text.push_str("建议按以下路径推进，并用好省市上市奖补政策。");
        return CapitalSection {
            relevant: true,
            steps,
            text,
        };
    }
    let big = revenue.is_some_and(|r| r >= 50_000_000) || !honours.is_empty() || !rounds.is_empty();
    if big {
        let mut steps = vec!["申请列入济南市上市后备企业库，享受上市培育服务".to_string()];
        if let Some(c) = board_check("北交所", firm) {
            steps.push(format!("对照{c}"));
        }
        steps.push(equity_step);
        if !joint_stock {
            steps.push("适时启动股份制改造，规范财务核算和内部控制".to_string());
        }
        return CapitalSection {
            relevant: true,
            steps,
            text: format!(
                "企业{}，已具备研究资本市场路径的基础，建议评估新三板挂牌和北交所上市的可行性。",
                facts.join("，")
            ),
        };
    }
    let early = matches!(firm.stage, Some(Stage::Seed | Stage::Startup));
    if seeking > 0 && early {
        let stage = firm.stage.map(|s| s.label_zh()).unwrap_or_default();
        return CapitalSection {
            relevant: true,
            steps: vec![
                "准备商业计划书和三年财务预测，参加天使、创投机构路演对接".to_string(),
                "理顺股权结构，预留核心团队股权激励".to_string(),
                "股权融资到位后，可叠加投贷联动等信贷产品".to_string(),
            ],
            text: format!(
                "企业处于{stage}，正在寻求股权融资{}（产品见第五部分）。",
                fmt_wan_unit(seeking)
            ),
        };
    }
    // Nothing firm-specific to say: the section is left out of the printed plan.
    CapitalSection {
        relevant: false,
        steps: vec![],
        text: String::new(),
    }
}

/// Whether a follow-up task and a measure are about the same thing (shown once).
fn same_topic(task: &str, measure: &str) -> bool {
    const GROUPS: &[&[&str]] = &[
        &["财务报表", "会计核算", "审计", "财务数据"],
        &["辅助账", "研发费用归集"],
        &["征信", "信用报告"],
        &["资质", "科技型中小企业", "高新技术企业", "专精特新"],
        &["负债", "资产负债率"],
    ];
    if task == measure || task.contains(measure) || measure.contains(task) {
        return true;
    }
    if GROUPS
        .iter()
        .any(|g| g.iter().any(|k| task.contains(k)) && g.iter().any(|k| measure.contains(k)))
    {
        return true;
    }
    // A shared run of five or more characters ("研发费用辅助账"; "知识产权" alone is not one topic).
    let t: Vec<char> = task.chars().collect();
    let m: Vec<char> = measure.chars().collect();
    t.windows(5).any(|w| m.windows(5).any(|x| x == w))
}

fn compose_actions(
    firm: &Firm,
    credit: &CreditSection,
    visits: &[Visit],
    measures: &[Measure],
    today: NaiveDate,
) -> Vec<ActionItem> {
    let horizon = plan_horizon(today);
    let d = |days: u64| (today + Days::new(days)).min(horizon);
    let mut out: Vec<ActionItem> = vec![];
    let push = |a: ActionItem, out: &mut Vec<ActionItem>| {
        if !out.iter().any(|x| x.task == a.task) {
            out.push(a);
        }
    };
    let item = |task: String, owner: &str, due: NaiveDate, source: &str| ActionItem {
        task,
        owner: owner.to_string(),
        due,
        overdue_since: None,
        source: source.to_string(),
    };

    // Open visit follow-ups, once each (the earliest due date of a repeated title). A task
    // past its date is carried over as 逾期 with its original date and a new one in two weeks.
    let mut follow: Vec<(String, String, NaiveDate)> = vec![];
    for t in visits.iter().flat_map(|v| &v.tasks).filter(|t| !t.done) {
        let title = t.title.trim().to_string();
        if title.is_empty() {
            continue;
        }
        let owner = if t.owner.trim().is_empty() {
            "辅导员".to_string()
        } else {
            t.owner.trim().to_string()
        };
        match follow.iter_mut().find(|(x, _, _)| *x == title) {
            Some(f) if t.due < f.2 => *f = (title, owner, t.due),
            Some(_) => {}
            None => follow.push((title, owner, t.due)),
        }
    }
    follow.sort_by_key(|f| f.2);
    let mut follow_items: Vec<ActionItem> = follow
        .into_iter()
        .map(|(title, owner, due)| {
            let mut a = item(title, &owner, due.min(horizon), "走访跟进");
            if due < today {
                a.overdue_since = Some(due);
                a.due = d(14);
            }
            a
        })
        .collect();
    // Overdue ones first: they must not be lost when the list is cut.
    for a in follow_items.iter().filter(|a| a.overdue_since.is_some()) {
        push(a.clone(), &mut out);
    }

    // Apply for each package's first product; for a need nothing fits, its next step.
    for p in &credit.packages {
        let task = match p.items.first() {
            Some(i) => format!(
                "向{}提交“{}”申请材料（对应{}）",
                if i.branch.is_empty() {
                    &i.institution
                } else {
                    &i.branch
                },
                i.product_name,
                p.need
            ),
            None => format!("{}（对应{}）", p.next_step, p.need),
        };
        let owner = if p.items.is_empty() {
            "辅导员"
        } else {
            "企业财务负责人、辅导员"
        };
        push(
            item(task, owner, p.next_due.min(horizon), "信贷支持"),
            &mut out,
        );
    }

    // Measures of section 四, each once; a follow-up task on the same topic stands for it.
    for m in measures {
        let dup = follow_items
            .iter_mut()
            .find(|a| same_topic(&a.task, &m.title));
        if let Some(a) = dup {
            a.source = "走访跟进、财务管理".to_string();
            if let Some(x) = out.iter_mut().find(|x| x.task == a.task) {
                x.source = a.source.clone();
            }
            continue;
        }
        let (due, owner) = match m.title.as_str() {
            "规范会计核算" => (d(60), "企业财务负责人"),
            "建立研发费用辅助账" => (d(45), "企业财务负责人"),
            "查询并维护企业征信" => (d(14), "辅导员、企业"),
            // The roadmap's own dates (评价入库 by 31 December, an application window, a
            // deadline to fix a condition): the task is due by the earliest of them.
            "资质培育路线" => (
                earliest_date_from(&m.text, today).map_or(d(180), |x| x.min(d(180))),
                "企业",
            ),
            _ => (d(180), "企业"),
        };
        push(
            item(
                format!("落实财务管理措施：{}", m.title),
                owner,
                due,
                "财务管理",
            ),
            &mut out,
        );
    }
    // Follow-ups not yet due.
    for a in follow_items
        .into_iter()
        .filter(|a| a.overdue_since.is_none())
    {
        push(a, &mut out);
    }

    // Cultivation steps from near misses: one task per distinct step, naming every product
    // it opens ("结清逾期…后可申请甲、乙"). Waiting for a date (founding anniversary) is not a
    // task, and a step already covered by a measure is not repeated.
    let mut steps: Vec<(String, Vec<String>, usize)> = vec![];
    for (i, item) in credit.near_misses.iter().enumerate() {
        for m in &item.missing {
            let stem = m
                .split_once("后可申请")
                .map(|(a, _)| a.to_string())
                .unwrap_or_else(|| m.clone());
            if stem.starts_with("成立满") {
                continue;
            }
            match steps.iter_mut().find(|(s, _, _)| *s == stem) {
                Some((_, products, _)) => products.push(item.product_name.clone()),
                None => steps.push((stem, vec![item.product_name.clone()], i)),
            }
        }
    }
    for (stem, products, i) in steps {
        if measures.iter().any(|m| same_topic(&stem, &m.title))
            || out
                .iter()
                .any(|a| same_topic(&a.task, &stem) && a.source.contains("走访"))
        {
            continue;
        }
        let data_task = stem.contains("补充") || stem.contains("核实") || stem.contains("查询");
        let task = if stem.starts_with("需") || data_task {
            format!("{stem}（涉及：{}）", products.join("、"))
        } else {
            format!("{stem}后可申请{}", products.join("、"))
        };
        push(
            item(
                task,
                if data_task {
                    "辅导员、企业"
                } else {
                    "企业"
                },
                d(if data_task { 30 } else { 90 + 30 * i as u64 }),
                "产品培育",
            ),
            &mut out,
        );
    }
    if firm.is_first_loan_candidate() && !firm.first_loan_list {
        push(
            item(
                "推荐列入首贷培植名单".to_string(),
                "辅导员",
                d(30),
                "首贷培育",
            ),
            &mut out,
        );
    }
    out.truncate(MAX_ACTIONS);
    out.sort_by_key(|a| a.due);
    out
}

/// The R&D intensity band of 高企 (国科发火〔2016〕32号 第十一条（四）) for a revenue, in bp.
fn rd_band_bp(revenue: Yuan) -> u32 {
    if revenue <= 50_000_000 {
        500
    } else if revenue <= 200_000_000 {
        400
    } else {
        300
    }
}

fn compose_monitoring(
    firm: &Firm,
    all: &[Need],
    credit: &CreditSection,
    ev: &FirmEvaluation,
    today: NaiveDate,
) -> Vec<Target> {
    let mut out = vec![];
    let horizon = plan_horizon(today);
    let half = today
        .checked_add_months(Months::new(6))
        .unwrap_or(today)
        .min(horizon);
    let disbursed: Yuan = all.iter().map(|n| n.disbursed_amount()).sum();
    let to_raise: Yuan = credit.packages.iter().map(|p| p.remainder).sum();
    out.push(Target {
        indicator: "融资到位金额".to_string(),
        baseline: fmt_wan_unit(disbursed),
        target: if to_raise > 0 {
            format!("新增{}", fmt_wan_unit(to_raise))
        } else {
            "按新登记需求确定".to_string()
        },
        due: half,
    });
    if firm.is_first_loan_candidate() {
        out.push(Target {
            indicator: "首笔银行贷款".to_string(),
            baseline: "无".to_string(),
            target: "获得首贷".to_string(),
            due: half,
        });
    }
    // R&D intensity on the 高企 basis: the firm's own band, over the last three years. Set only
    // when the firm can reach it within the plan year (at most double its current intensity).
    let years: Vec<&crate::model::YearFinancials> = firm
        .years_desc()
        .into_iter()
        .filter(|y| y.revenue.is_some_and(|r| r > 0) && y.rd_expense.is_some())
        .take(3)
        .collect();
    if let Some(latest_rev) = years.first().and_then(|y| y.revenue) {
        let rev: Yuan = years.iter().filter_map(|y| y.revenue).sum();
        let rd: Yuan = years.iter().filter_map(|y| y.rd_expense).sum();
        let have = (rd as i128 * 10_000 / rev as i128) as u32;
        let band = rd_band_bp(latest_rev);
        let basis = if years.len() > 1 {
            format!("近{}年合计", years.len())
        } else {
            format!("{}年", years[0].year)
        };
        if have >= band || have * 2 >= band {
            out.push(Target {
                indicator: format!("研发费用占营业收入比例（{basis}）"),
                baseline: crate::eval::num::fmt_bp2(i64::from(have)),
                target: if have >= band {
                    format!("保持不低于{}", fmt_bp_pct(band))
                } else {
                    format!("不低于{}（高企门槛）", fmt_bp_pct(band))
                },
                due: horizon,
            });
        }
    }
    out.push(Target {
        indicator: "Ⅰ类知识产权".to_string(),
        baseline: format!("{}项", firm.ip.class1()),
        target: format!("{}项", firm.ip.class1() + 1),
        due: horizon,
    });
    if let Some((l, a)) = firm
        .latest_year()
        .and_then(|y| Some((y.liabilities?, y.total_assets?)))
    {
        if a > 0 {
            let ratio = (l as i128 * 10_000 / a as i128) as u32;
            let target = if ratio <= 6_000 {
                "保持不高于60%".to_string()
            } else if ratio <= 7_000 {
                "不高于60%".to_string()
            } else {
                format!(
                    "降至{}以下",
                    fmt_bp_pct(ratio.saturating_sub(500) / 100 * 100)
                )
            };
            out.push(Target {
                indicator: "资产负债率".to_string(),
                baseline: pct(l, a).unwrap_or_default(),
                target,
                due: horizon,
            });
        }
    }
    let grade = &ev.risk.grade;
    let better = match grade.as_str() {
        "D" => "C级及以上",
        "C" => "B级及以上",
        "B" => "A级",
        "A" => "保持A级",
        _ => "完成评级",
    };
    out.push(Target {
        indicator: "风险评级".to_string(),
        baseline: if grade.is_empty() {
            MISSING.to_string()
        } else {
            format!("{grade}级")
        },
        target: better.to_string(),
        due: horizon,
    });
    if !firm.holds(QualificationKind::HighTech, today) {
        let gaps = ev
            .high_tech
            .items
            .iter()
            .filter(|i| i.status == Status::NotMet)
            .count();
        let target = if ev.high_tech.verdict.qualifies() {
            Some("当年申报并获认定".to_string())
        } else if gaps == 0 {
            Some("补充数据、确认条件后申报".to_string())
        } else if gaps <= 2 {
            Some(format!("补齐{gaps}项差距后申报"))
        } else {
            None
        };
        if let Some(target) = target {
            out.push(Target {
                indicator: "高新技术企业认定".to_string(),
                baseline: "未认定".to_string(),
                target,
                due: horizon,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering into the document model

fn table(cols: &[(&str, f32, Align)], rows: Vec<Vec<String>>, note: Option<String>) -> Block {
    Block::Table(Table {
        columns: cols
            .iter()
            .map(|(h, w, a)| Column::new(*h, *w, *a))
            .collect(),
        rows,
        note,
    })
}

fn kv(rows: &[Row], columns: u8) -> Block {
    Block::KeyValueGrid {
        pairs: rows
            .iter()
            .map(|r| KeyValue::new(r.label.clone(), r.value.clone()))
            .collect(),
        columns,
    }
}

fn paragraphs(doc: &mut Document, text: &str) {
    for p in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        doc.push(Block::paragraph(p));
    }
}

fn eval_table(doc: &mut Document, s: &EvalSummary) {
    doc.push(Block::paragraph(format!("{}：{}", s.name, s.verdict)));
    if s.lines.is_empty() {
        return;
    }
    doc.push(table(
        &[
            ("项目", 2.4, Align::Left),
            ("要求", 1.6, Align::Left),
            ("企业情况", 2.8, Align::Left),
            ("结果", 1.0, Align::Center),
            ("依据", 2.2, Align::Left),
        ],
        s.lines
            .iter()
            .map(|l| {
                let fig = if l.text.is_empty() {
                    l.figure.clone()
                } else {
                    format!("{}。{}", l.figure, l.text)
                };
                vec![
                    l.label.clone(),
                    l.required.clone(),
                    fig,
                    l.result.clone(),
                    l.cite.clone(),
                ]
            })
            .collect(),
        None,
    ));
}

/// Renders a plan into the shared print-document model.
pub fn to_document(plan: &Plan) -> Document {
    let c = &plan.content;
    let h = &c.header;
    let mut meta = DocMeta::new(
        format!("一企一策融资服务方案 — {}", h.firm_name),
        format!("{} {}", plan.number, plan.status.label_zh()),
        plan.created_on,
    );
    meta.subject = "金融辅导 一企一策".to_string();
    let printed = printed_sections(plan);
    let heading = |k: SectionKey| numbered_heading(&printed, k);
    meta.author = h.team_name.clone();
    meta.header_right = h.firm_name.clone();
    let mut doc = Document::new(meta);

    // 1. Header.
    doc.push(Block::Title(TitleBlock {
        title: "一企一策融资服务方案".to_string(),
        subtitle: Some(h.firm_name.clone()),
        lines: vec![
            KeyValue::new("企业名称", h.firm_name.clone()),
            KeyValue::new("统一社会信用代码", h.uscc.clone()),
            KeyValue::new("金融辅导队", h.team_name.clone()),
            KeyValue::new("金融辅导员", h.coach_name.clone()),
            KeyValue::new("方案编号", plan.number.clone()),
            KeyValue::new(
                "版本",
                format!("第{}版（{}）", plan.version, plan.status.label_zh()),
            ),
            KeyValue::new(
                "编制日期",
                format!(
                    "{}年{}月{}日",
                    plan.created_on.year(),
                    plan.created_on.month(),
                    plan.created_on.day()
                ),
            ),
        ],
    }));

    // 2. Profile.
    doc.push(Block::heading(1, heading(SectionKey::Profile)));
    paragraphs(&mut doc, c.text(SectionKey::Profile));
    doc.push(kv(&c.profile.rows, 2));

    // 3. Diagnosis.
    let dg = &c.diagnosis;
    doc.push(Block::heading(1, heading(SectionKey::Diagnosis)));
    paragraphs(&mut doc, c.text(SectionKey::Diagnosis));
    let span = years_span(&dg.financials);
    doc.push(Block::heading(2, format!("（一）{span}主要财务指标")));
    if dg.financials.is_empty() {
        doc.push(Block::paragraph("暂无财务数据。"));
    } else {
        let mut rows = vec![];
        for (label, f) in [
            (
                "营业收入",
                (|y: &FinYear| y.revenue) as fn(&FinYear) -> Option<Yuan>,
            ),
            ("研发费用", |y: &FinYear| y.rd_expense),
            ("资产总额", |y: &FinYear| y.total_assets),
            ("负债总额", |y: &FinYear| y.liabilities),
            ("净利润", |y: &FinYear| y.net_profit),
        ] {
            let mut r = vec![label.to_string()];
            r.extend(dg.financials.iter().map(|y| wan_opt(f(y))));
            rows.push(r);
        }
        let mut r = vec!["资产负债率".to_string()];
        r.extend(
            dg.financials
                .iter()
                .map(|y| match (y.liabilities, y.total_assets) {
                    (Some(l), Some(a)) => pct(l, a).unwrap_or_else(|| MISSING.into()),
                    _ => MISSING.to_string(),
                }),
        );
        rows.push(r);
        let mut r = vec!["研发投入强度".to_string()];
        r.extend(
            dg.financials
                .iter()
                .map(|y| match (y.rd_expense, y.revenue) {
                    (Some(d), Some(v)) => pct(d, v).unwrap_or_else(|| MISSING.into()),
                    _ => MISSING.to_string(),
                }),
        );
        rows.push(r);
        let year_headers: Vec<String> = dg
            .financials
            .iter()
            .map(|y| format!("{}年", y.year))
            .collect();
        let mut cols: Vec<Column> = vec![Column::new("指标（万元）", 2.0, Align::Left)];
        cols.extend(
            year_headers
                .iter()
                .map(|y| Column::new(y.clone(), 1.5, Align::Right)),
        );
        doc.push(Block::Table(Table {
            columns: cols,
            rows,
            note: Some("“—”表示企业尚未提供该项数据。".to_string()),
        }));
        let series = |name: &str, f: fn(&FinYear) -> Option<Yuan>| BarSeries {
            name: name.to_string(),
            values: dg
                .financials
                .iter()
                .map(|y| f(y).map(|v| (v as f64 / 10_000.0 * 100.0).round() / 100.0))
                .collect(),
        };
        doc.push(Block::Chart(Chart::Bars {
            title: format!("{span}营业收入、研发费用和净利润"),
            categories: year_headers,
            series: vec![
                series("营业收入", |y| y.revenue),
                series("研发费用", |y| y.rd_expense),
                series("净利润", |y| y.net_profit),
            ],
            unit: "万元".to_string(),
        }));
    }
    doc.push(Block::heading(2, "（二）信用状况"));
    doc.push(kv(&dg.credit, 2));
    doc.push(Block::heading(2, "（三）知识产权与人才"));
    doc.push(kv(&dg.ip_talent, 2));
    doc.push(Block::heading(2, "（四）科技属性评价"));
    eval_table(&mut doc, &dg.tech_sme);
    eval_table(&mut doc, &dg.high_tech);
    eval_table(&mut doc, &dg.srdi);
    doc.push(Block::heading(2, "（五）风险评级"));
    let r = &dg.risk;
    let mut risk_line = if r.grade == MISSING {
        format!(
            "风险评级：数据不足，暂无法评级（已得{}/{}分）。",
            r.score, r.max_score
        )
    } else {
        format!(
            "风险评级：{}级（{}），得分{}/{}。",
            r.grade, r.grade_label, r.score, r.max_score
        )
    };
    if !r.complete {
        risk_line.push_str(&format!(
            "部分指标缺数据按0分计，补齐后最高可达{}级。",
            if r.best_case_grade.is_empty() {
                MISSING
            } else {
                &r.best_case_grade
            }
        ));
    }
    risk_line.push_str(&format!("评分规则：{}。", r.rule_set));
    doc.push(Block::paragraph(risk_line));
    if r.groups.len() >= 3 && r.groups.iter().all(|g| g.max_points > 0) {
        doc.push(Block::Chart(Chart::Radar {
            title: "风险评价各维度得分率".to_string(),
            axes: r
                .groups
                .iter()
                .map(|g| RadarAxis {
                    label: g.label.clone(),
                    value: g.points as f64,
                    max: g.max_points as f64,
                })
                .collect(),
        }));
    }
    if !r.factors.is_empty() {
        doc.push(table(
            &[
                ("评价因素", 2.2, Align::Left),
                ("得分", 1.2, Align::Center),
                ("说明", 6.0, Align::Left),
            ],
            r.factors
                .iter()
                .map(|l| vec![l.label.clone(), l.result.clone(), l.text.clone()])
                .collect(),
            None,
        ));
    }

    // 4. Needs.
    doc.push(Block::heading(1, heading(SectionKey::Needs)));
    paragraphs(&mut doc, c.text(SectionKey::Needs));
    if !c.needs.is_empty() {
        doc.push(table(
            &[
                ("提出日期", 1.6, Align::Center),
                ("金额（万元）", 1.3, Align::Right),
                ("类型", 1.0, Align::Center),
                ("用途", 2.2, Align::Left),
                ("期限", 1.0, Align::Center),
                ("合理性认定", 1.6, Align::Left),
                ("状态", 1.0, Align::Center),
                ("结果", 2.2, Align::Left),
            ],
            c.needs
                .iter()
                .map(|n| {
                    vec![
                        n.raised_on.to_string(),
                        fmt_wan(n.amount),
                        n.kind.clone(),
                        n.purpose.clone(),
                        n.term.clone(),
                        n.ruling.clone(),
                        n.status.clone(),
                        n.outcome.clone(),
                    ]
                })
                .collect(),
            None,
        ));
    }

    // 5. Measures.
    doc.push(Block::heading(1, heading(SectionKey::Measures)));
    paragraphs(&mut doc, c.text(SectionKey::Measures));
    for (i, m) in c.measures.iter().enumerate() {
        doc.push(Block::heading(
            2,
            format!("（{}）{}", cn_num(i + 1), m.title),
        ));
        let lines: Vec<&str> = m.text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.len() > 1 {
            doc.push(Block::bullets(lines));
        } else {
            doc.push(Block::paragraph(m.text.clone()));
        }
    }

    // 6. Credit: one package per open need, or the products available when none is open.
    doc.push(Block::heading(1, heading(SectionKey::Credit)));
    paragraphs(&mut doc, c.text(SectionKey::Credit));
    let chosen = |it: &CreditItem| {
        c.chosen_products.is_empty() || c.chosen_products.contains(&it.product_id)
    };
    let product_cols: [(&str, f32, Align); 6] = [
        ("金融机构及受理网点", 2.8, Align::Left),
        ("产品", 1.8, Align::Left),
        ("建议金额", 1.2, Align::Right),
        ("期限", 0.9, Align::Center),
        ("价格", 2.0, Align::Left),
        ("担保方式", 1.8, Align::Left),
    ];
    let product_row = |it: &CreditItem| {
        vec![
            if it.branch.is_empty() {
                it.institution.clone()
            } else {
                format!("{}\n{}", it.institution, it.branch)
            },
            format!("{}（{}）", it.product_name, it.kind),
            it.amount_yuan
                .map(fmt_wan_unit)
                .unwrap_or_else(|| it.amount.clone()),
            it.term_months
                .map(|m| format!("{m}个月"))
                .unwrap_or_else(|| MISSING.to_string()),
            it.price.clone(),
            it.collateral.clone(),
        ]
    };
    let reasons = |doc: &mut Document, items: &[&CreditItem]| {
        for (i, it) in items.iter().enumerate() {
            let mut s = format!(
                "{}. {}“{}”：{}。",
                i + 1,
                it.institution,
                it.product_name,
                it.why.join("；")
            );
            if it.subsidy != MISSING {
                s.push_str(&format!("政策支持：{}。", it.subsidy));
            }
            if !it.contact.is_empty() {
                s.push_str(&format!("联系人：{}。", it.contact));
            }
            doc.push(Block::paragraph(s));
        }
    };
    if !c.credit.packages.is_empty() {
        for (i, pk) in c.credit.packages.iter().enumerate() {
            doc.push(Block::heading(
                2,
                format!("（{}）{}：{}", cn_index(i + 1), pk.need, pk.purpose),
            ));
            doc.push(kv(
                &[
                    row("需求状态", pk.status.clone()),
                    row("尚需融资", fmt_wan_unit(pk.remainder)),
                    row("建议期限", pk.term.clone()),
                    row("可提供的担保", pk.security.clone()),
                ],
                1,
            ));
            let items: Vec<&CreditItem> = pk.items.iter().filter(|it| chosen(it)).collect();
            if items.is_empty() {
                doc.push(Block::paragraph(if pk.no_fit.is_empty() {
                    "辅导员未选定该需求的产品。".to_string()
                } else {
                    pk.no_fit.clone()
                }));
            } else {
                doc.push(table(
                    &product_cols,
                    items.iter().map(|it| product_row(it)).collect(),
                    None,
                ));
                reasons(&mut doc, &items);
            }
            doc.push(Block::paragraph(format!(
                "下一步：{}（{}前）。",
                pk.next_step, pk.next_due
            )));
        }
    } else {
        let rec = plan.recommended();
        if rec.is_empty() {
            doc.push(Block::paragraph("暂无可直接申请的产品。"));
        } else {
            doc.push(table(
                &[
                    ("金融机构及受理网点", 2.8, Align::Left),
                    ("产品", 1.8, Align::Left),
                    ("额度", 1.8, Align::Left),
                    ("价格", 2.0, Align::Left),
                    ("担保方式", 1.6, Align::Left),
                ],
                rec.iter()
                    .map(|it| {
                        let mut r = product_row(it);
                        r[2] = it.amount.clone();
                        r.remove(3);
                        r
                    })
                    .collect(),
                None,
            ));
            doc.push(Block::heading(2, "推荐理由"));
            reasons(&mut doc, &rec);
        }
    }
    doc.push(Block::heading(2, "培育后可申请的产品"));
    if c.credit.near_misses.is_empty() {
        doc.push(Block::paragraph("暂无。"));
    } else {
        doc.push(table(
            &[
                ("金融机构 / 产品", 2.6, Align::Left),
                ("额度 / 价格", 2.2, Align::Left),
                ("尚需补充的条件", 5.2, Align::Left),
            ],
            c.credit
                .near_misses
                .iter()
                .map(|it| {
                    vec![
                        format!("{}\n{}（{}）", it.institution, it.product_name, it.kind),
                        format!("{}\n{}", it.amount, it.price),
                        it.missing.join("\n"),
                    ]
                })
                .collect(),
            None,
        ));
    }

    // 7. Capital market: only when there is something firm-specific to say.
    if printed.contains(&SectionKey::CapitalMarket) {
        doc.push(Block::heading(1, heading(SectionKey::CapitalMarket)));
        paragraphs(&mut doc, c.text(SectionKey::CapitalMarket));
        if !c.capital_market.steps.is_empty() {
            doc.push(Block::bullets(c.capital_market.steps.clone()));
        }
    }

    // 8. Actions.
    doc.push(Block::heading(1, heading(SectionKey::Actions)));
    paragraphs(&mut doc, c.text(SectionKey::Actions));
    if c.actions.is_empty() {
        doc.push(Block::paragraph("暂无待办事项。"));
    } else {
        doc.push(table(
            &[
                ("序号", 0.7, Align::Center),
                ("任务", 5.5, Align::Left),
                ("责任人", 1.8, Align::Left),
                ("完成时限", 1.5, Align::Center),
                ("来源", 1.2, Align::Center),
            ],
            c.actions
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    vec![
                        (i + 1).to_string(),
                        a.task.clone(),
                        a.owner.clone(),
                        match a.overdue_since {
                            Some(o) => format!("{}\n逾期（原定{o}）", a.due),
                            None => a.due.to_string(),
                        },
                        a.source.clone(),
                    ]
                })
                .collect(),
            None,
        ));
    }

    // 9. Monitoring.
    doc.push(Block::heading(1, heading(SectionKey::Monitoring)));
    paragraphs(&mut doc, c.text(SectionKey::Monitoring));
    if c.monitoring.is_empty() {
        doc.push(Block::paragraph("暂无监测目标。"));
    } else {
        doc.push(table(
            &[
                ("监测指标", 2.5, Align::Left),
                ("当前值", 2.0, Align::Center),
                ("目标", 2.5, Align::Center),
                ("目标时间", 1.5, Align::Center),
            ],
            c.monitoring
                .iter()
                .map(|t| {
                    vec![
                        t.indicator.clone(),
                        t.baseline.clone(),
                        t.target.clone(),
                        t.due.to_string(),
                    ]
                })
                .collect(),
            Some("辅导员每季度回访一次，更新上述指标并记录在走访记录中。".to_string()),
        ));
    }

    // 10. Sign-off.
    doc.push(Block::heading(1, heading(SectionKey::SignOff)));
    paragraphs(&mut doc, c.text(SectionKey::SignOff));
    doc.push(Block::SignOff {
        parties: vec![
            SignParty::new("企业（盖章）", c.sign_off.firm_party.clone()),
            SignParty::new(
                "金融辅导队",
                format!("{}　辅导员：{}", c.sign_off.team_party, h.coach_name),
            ),
        ],
    });
    doc
}

/// `1` → 一, `12` → 十二, `20` → 二十 (up to 99).
fn cn_index(n: usize) -> String {
    match n {
        0..=10 => cn_num(n).to_string(),
        11..=19 => format!("十{}", cn_num(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", cn_num((n / 10).min(9))),
        _ => format!("{}十{}", cn_num((n / 10).min(9)), cn_num(n % 10)),
    }
}

fn cn_num(n: usize) -> &'static str {
    const N: [&str; 11] = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    N.get(n).copied().unwrap_or("十")
}

/// All section headings a plan can carry, in order (for tests and tools).
pub fn section_headings() -> Vec<&'static str> {
    SectionKey::ALL.iter().map(|k| k.heading()).collect()
}

/// The sections a plan prints, in order: section 六 only when it says something about this
/// firm (or the coach wrote it).
pub fn printed_sections(plan: &Plan) -> Vec<SectionKey> {
    let c = &plan.content;
    SectionKey::ALL
        .into_iter()
        .filter(|k| match k {
            SectionKey::CapitalMarket => {
                c.capital_market.relevant || c.edits.contains_key(&SectionKey::CapitalMarket)
            }
            _ => true,
        })
        .collect()
}

fn numbered_heading(printed: &[SectionKey], k: SectionKey) -> String {
    let n = printed.iter().position(|x| *x == k).unwrap_or(0) + 1;
    format!("{}、{}", cn_num(n), k.title())
}

/// The numbered headings a plan prints, in order (numbering closes the gap of a left-out
/// section).
pub fn plan_headings(plan: &Plan) -> Vec<String> {
    let printed = printed_sections(plan);
    printed
        .iter()
        .map(|k| numbered_heading(&printed, *k))
        .collect()
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
