//! The financial-product catalogue: products offered by Jinan's banks, guarantors, insurers and
//! funds to tech SMEs, with machine-checkable eligibility rules and policy support (subsidies).
//!
//! The catalogue is maintained centrally (bureau admins) and versioned so a server can publish
//! updates. A synthetic built-in catalogue ships in `assets/catalog/products.json`.

use crate::error::{FieldError, Msg, ValidationErrors};
use crate::model::{Entity, EntityKind, FinancingKind, QualificationKind, Stage};
use crate::money::{fmt_wan, Yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use uuid::Uuid;

mod catalog;
mod kinds;
mod rules;
mod subsidy;

pub use catalog::*;
pub use kinds::*;
pub use rules::*;
pub use subsidy::*;

/// `365` → `"3.65%"`, `400` → `"4%"`.
pub fn fmt_bp_pct(bp: u32) -> String {
    format!("{}%", fmt_bp_points(bp))
}

/// `365` → `"3.65"`, `50` → `"0.5"`, `400` → `"4"`.
pub fn fmt_bp_points(bp: u32) -> String {
    let int = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        int.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{int}.{}", frac / 10)
    } else {
        format!("{int}.{frac:02}")
    }
}

/// A financial product in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Fixed id: products keep their id across catalogue versions.
    pub id: Uuid,
    /// Short stable code, e.g. `QLKC-ZSCQ-01`.
    pub code: String,
    pub institution: String,
    pub institution_kind: InstitutionKind,
    /// The branch (支行/营业部) that takes applications from Jinan firms, with its address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub branch: String,
    /// Whom to call there: department or account manager and phone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    pub name: String,
    pub kind: ProductKind,
    /// Amount range in 元.
    pub amount_min: Yuan,
    pub amount_max: Yuan,
    /// Price range in basis points per year (interest, guarantee fee or premium, see
    /// [`ProductKind::price_label`]). `None` for equity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_min_bp: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_max_bp: Option<u32>,
    /// Term range in months.
    pub term_min_months: u32,
    pub term_max_months: u32,
    /// Security required (all of these). Empty: unsecured.
    #[serde(default)]
    pub collateral: Vec<CollateralKind>,
    /// Typical working days from a complete application to money.
    #[serde(default = "default_days")]
    pub approval_days: u32,
    #[serde(default)]
    pub rules: Vec<EligibilityRule>,
    #[serde(default)]
    pub subsidies: Vec<Subsidy>,
    #[serde(default)]
    pub description: String,
    /// Withdrawn products stay in the catalogue (plans refer to them) but are not matched.
    #[serde(default = "yes")]
    pub active: bool,
}

fn default_days() -> u32 {
    15
}
fn yes() -> bool {
    true
}

impl Product {
    /// The conditions a firm must meet: the catalogue's rules, and a clean credit report for
    /// every product through which the firm borrows even where the entry does not list it
    /// ([`ProductKind::needs_clean_credit`]): no lender funds a firm with an overdue record, and
    /// a plan must not offer such a product as applicable. Matching and every screen that lists
    /// a product's conditions use this, never `rules` alone.
    pub fn conditions(&self) -> Cow<'_, [EligibilityRule]> {
        if self.kind.needs_clean_credit() && !self.rules.contains(&EligibilityRule::CleanCredit) {
            let mut v = self.rules.clone();
            v.push(EligibilityRule::CleanCredit);
            Cow::Owned(v)
        } else {
            Cow::Borrowed(&self.rules)
        }
    }

    /// Nominal mid-range price in bp, if priced.
    pub fn mid_rate_bp(&self) -> Option<u32> {
        match (self.rate_min_bp, self.rate_max_bp) {
            (Some(a), Some(b)) => Some((a + b) / 2),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        }
    }

    /// The firm's annual cost after subsidies at the given nominal price, in bp.
    pub fn cost_after_subsidy_bp(&self, price_bp: u32) -> u32 {
        let cut: u32 = self
            .subsidies
            .iter()
            .map(|s| s.cost_reduction_bp(price_bp))
            .sum();
        price_bp.saturating_sub(cut)
    }

    /// `"3.45%–4.35%"`, or `"—"` when unpriced.
    pub fn rate_text(&self) -> String {
        match (self.rate_min_bp, self.rate_max_bp) {
            (Some(a), Some(b)) if a == b => fmt_bp_pct(a),
            (Some(a), Some(b)) => format!("{}–{}", fmt_bp_pct(a), fmt_bp_pct(b)),
            (Some(a), None) | (None, Some(a)) => fmt_bp_pct(a),
            (None, None) => "—".to_string(),
        }
    }

    /// `"50–1,000万元"`.
    pub fn amount_text(&self) -> String {
        if self.amount_min == self.amount_max {
            format!("{}万元", fmt_wan(self.amount_max))
        } else {
            format!(
                "{}–{}万元",
                fmt_wan(self.amount_min),
                fmt_wan(self.amount_max)
            )
        }
    }

    /// `"6–36个月"`.
    pub fn term_text(&self) -> String {
        if self.term_min_months == self.term_max_months {
            format!("{}个月", self.term_max_months)
        } else {
            format!("{}–{}个月", self.term_min_months, self.term_max_months)
        }
    }

    /// `"信用（免抵押）"` or the required security joined by 、.
    pub fn collateral_text(&self) -> String {
        if self.collateral.is_empty() {
            "信用（免抵押）".to_string()
        } else {
            self.collateral
                .iter()
                .map(|c| c.label_zh())
                .collect::<Vec<_>>()
                .join("、")
        }
    }

    /// Subsidies joined for display, or `"—"`.
    pub fn subsidy_text(&self) -> String {
        if self.subsidies.is_empty() {
            "—".to_string()
        } else {
            self.subsidies
                .iter()
                .map(|s| s.describe().zh)
                .collect::<Vec<_>>()
                .join("；")
        }
    }

    /// Unsecured credit: a credit kind with no security required.
    pub fn is_credit(&self) -> bool {
        self.collateral.is_empty() && self.kind.is_credit()
    }
}

impl Entity for Product {
    const KIND: EntityKind = EntityKind::Product;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        None
    }
    // Long (~135 lines) on purpose: one check per field and per rule kind, in field order.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        for (field, label, v) in [
            ("code", "产品编码", &self.code),
            ("institution", "金融机构", &self.institution),
            ("name", "产品名称", &self.name),
        ] {
            if v.trim().is_empty() {
                e.push(FieldError::required(field, label));
            }
        }
        if self.amount_min < 0 || self.amount_max <= 0 {
            e.push(FieldError::new(
                "amount_max",
                "positive",
                "产品额度上限必须大于0，下限不能为负数",
                "amount_max must be positive and amount_min not negative",
            ));
        } else if self.amount_min > self.amount_max {
            e.push(FieldError::new(
                "amount_min",
                "range",
                format!(
                    "额度下限（{}万元）高于上限（{}万元）",
                    fmt_wan(self.amount_min),
                    fmt_wan(self.amount_max)
                ),
                "amount_min exceeds amount_max",
            ));
        }
        if let (Some(a), Some(b)) = (self.rate_min_bp, self.rate_max_bp) {
            if a > b {
                e.push(FieldError::new(
                    "rate_min_bp",
                    "range",
                    format!("价格下限（{}）高于上限（{}）", fmt_bp_pct(a), fmt_bp_pct(b)),
                    "rate_min_bp exceeds rate_max_bp",
                ));
            }
        }
        if self.rate_max_bp.is_some_and(|b| b > 3_600) {
            e.push(FieldError::new(
                "rate_max_bp",
                "too_high",
                "年化价格超过36%，请检查单位（基点，1%=100）",
                "annual price above 36%: the unit is basis points (1% = 100)",
            ));
        }
        if self.kind.financing_kind() != FinancingKind::Equity && self.rate_min_bp.is_none() {
            e.push(FieldError::new(
                "rate_min_bp",
                "required",
                "非股权类产品须填写价格区间",
                "non-equity products need a price range",
            ));
        }
        if self.term_max_months == 0 || self.term_min_months > self.term_max_months {
            e.push(FieldError::new(
                "term_max_months",
                "range",
                "期限区间无效（上限须大于0且不低于下限）",
                "term range invalid (max must be positive and at least min)",
            ));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let n = i + 1;
            match r {
                EligibilityRule::QualificationHeld { any_of } if any_of.is_empty() => {
                    e.push(rule_err(n, "资质列表为空", "empty qualification list"))
                }
                EligibilityRule::StageIn { stages } if stages.is_empty() => {
                    e.push(rule_err(n, "阶段列表为空", "empty stage list"))
                }
                EligibilityRule::DistrictIn { districts } => {
                    if districts.is_empty() {
                        e.push(rule_err(n, "区县列表为空", "empty district list"));
                    }
                    for d in districts {
                        if crate::region::district_name(d).is_none() {
                            e.push(rule_err(
                                n,
                                &format!("“{d}”不是济南市区县代码"),
                                &format!("'{d}' is not a Jinan district code"),
                            ));
                        }
                    }
                }
                EligibilityRule::IndustryIn { sections } => {
                    if sections.is_empty() {
                        e.push(rule_err(n, "行业列表为空", "empty industry list"));
                    }
                    for s in sections {
                        if s.len() != 1 || crate::region::industry_section(s).is_none() {
                            e.push(rule_err(
                                n,
                                &format!("“{s}”不是GB/T 4754门类字母"),
                                &format!("'{s}' is not a GB/T 4754 section letter"),
                            ));
                        }
                    }
                }
                EligibilityRule::RevenueBand { min, max } => {
                    if min.is_none() && max.is_none() {
                        e.push(rule_err(n, "营业收入区间为空", "empty revenue band"));
                    }
                    if let (Some(a), Some(b)) = (min, max) {
                        if a > b {
                            e.push(rule_err(n, "营业收入下限高于上限", "revenue min above max"));
                        }
                    }
                }
                EligibilityRule::PurposeIn { uses } if uses.is_empty() => {
                    e.push(rule_err(n, "资金用途列表为空", "empty use list"))
                }
                EligibilityRule::BillsHeld { amount } if *amount < 0 => {
                    e.push(rule_err(n, "应收票据金额为负数", "negative bills amount"))
                }
                EligibilityRule::MinRdIntensity { bp } if *bp > 10_000 => {
                    e.push(rule_err(n, "研发强度超过100%", "R&D intensity above 100%"))
                }
                _ => {}
            }
        }
        for (i, s) in self.subsidies.iter().enumerate() {
            if s.percent().is_some_and(|p| p == 0 || p > 100) {
                e.push(FieldError::new(
                    "subsidies",
                    "percent",
                    format!("第{}项政策支持的比例须在1%–100%之间", i + 1),
                    format!("subsidy {} percent must be 1–100", i + 1),
                ));
            }
        }
        e.into_result()
    }
}

fn rule_err(n: usize, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        "rules",
        "rule",
        format!("第{n}条准入规则：{zh}"),
        format!("rule {n}: {en}"),
    )
}

#[cfg(test)]
mod tests;
