//! Product matching: which catalogue products a firm can apply for now, ranked by how well
//! they fit its need, and which it could apply for after one or two concrete steps.
//!
//! Deterministic and explainable: every eligibility rule of every product is evaluated to
//! *met*, *not met* or *cannot tell* (the firm's data is missing), with a bilingual sentence.
//! A product is **eligible** when all its rules are met; it is a **near miss** when one or two
//! rules are not met (and each can be fixed by the firm — a qualification, more IP, a
//! document) or cannot be told yet. Near misses carry the action that closes each gap; they
//! feed the plan's cultivation steps. See `docs/matching.md` for the fit score.

use crate::error::Msg;
use crate::eval::risk::RiskResult;
use crate::eval::{FirmEvaluation, RuleBook, Verdict};
use crate::model::{FinancingKind, Firm, Need, QualificationKind};
use crate::money::{fmt_wan, fmt_wan_unit, Yuan};
use crate::product::{
    fmt_bp_pct, CollateralKind, EligibilityRule, FundUse, InstitutionKind, Product, ProductKind,
    RiskGrade, LONG_TERM_MIN_MONTHS, SHORT_TERM_MAX_MONTHS,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Outcome of one eligibility rule for one firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Met,
    NotMet,
    /// The firm's data does not say.
    CannotTell,
}

/// One rule evaluated against one firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub rule: EligibilityRule,
    pub status: RuleStatus,
    /// What the firm's data says, e.g. "持有高新技术企业证书（有效期至2027-12-01）".
    pub text: Msg,
    /// What the firm (or coach) should do, when the rule is not met or cannot be told.
    pub action: Option<Msg>,
    /// Whether the firm can change the outcome (a qualification can be obtained; a district
    /// or an age limit cannot).
    pub fixable: bool,
}

/// The parts of the fit score (see `docs/matching.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fit {
    /// 0–35: how much of the need the product's amount range covers.
    pub amount: u32,
    /// 0–30: annual cost after subsidies.
    pub cost: u32,
    /// 0–20: share of the required security the firm actually has.
    pub collateral: u32,
    /// 0–15: time to money.
    pub speed: u32,
    /// The product provides the kind of financing the need asks for.
    pub kind_matches: bool,
}

impl Fit {
    /// Total 0–100; a product of another financing kind than the need's counts half.
    pub fn score(&self) -> u32 {
        let s = self.amount + self.cost + self.collateral + self.speed;
        if self.kind_matches {
            s
        } else {
            s / 2
        }
    }
}

/// One product's result for one firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductMatch {
    pub product_id: Uuid,
    pub product_code: String,
    pub product_name: String,
    pub institution: String,
    pub kind: ProductKind,
    /// Fit score 0–100 (higher is better).
    pub score: u32,
    pub fit: Fit,
    /// Amount to apply for: the need's amount clamped to the product's range.
    pub suggested_amount: Option<Yuan>,
    /// Term to apply for (months): fits the need's purpose and the product's range.
    #[serde(default)]
    pub term_months: Option<u32>,
    /// Mid-range nominal price and the price after subsidies, in bp.
    pub nominal_rate_bp: Option<u32>,
    pub effective_rate_bp: Option<u32>,
    /// Why the product matches: rules met and fit notes.
    pub reasons: Vec<Msg>,
    /// What is missing, as actions ("取得高新技术企业认定后可申请…"); empty when eligible.
    pub missing: Vec<Msg>,
    /// Every rule with its outcome.
    pub checks: Vec<RuleCheck>,
}

impl ProductMatch {
    pub fn unmet(&self) -> impl Iterator<Item = &RuleCheck> {
        self.checks.iter().filter(|c| c.status != RuleStatus::Met)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MatchResult {
    /// All rules met, best fit first.
    pub eligible: Vec<ProductMatch>,
    /// One or two fixable or unknown rules, fewest gaps first, then best fit.
    pub near_misses: Vec<ProductMatch>,
}

/// How many rules may be unmet for a product to count as a near miss.
pub const NEAR_MISS_MAX_GAPS: usize = 2;

/// Matches every active catalogue product against the firm (and its need, if given).
/// Evaluates the firm with the built-in rule sets in force on `today` (for the risk grade).
pub fn match_products(
    firm: &Firm,
    need: Option<&Need>,
    catalog: &[Product],
    today: NaiveDate,
) -> MatchResult {
    let eval = crate::eval::evaluate(firm, today, RuleBook::builtin());
    match_products_with(firm, need, catalog, today, &eval)
}

/// As [`match_products`], reusing an evaluation the caller already has.
pub fn match_products_with(
    firm: &Firm,
    need: Option<&Need>,
    catalog: &[Product],
    today: NaiveDate,
    eval: &FirmEvaluation,
) -> MatchResult {
    let mut out = MatchResult::default();
    for p in catalog.iter().filter(|p| p.active) {
        // Short money never finances a long use: such a product does not fit the need at all.
        if need.is_some_and(|n| !term_fit(p, n).fits) {
            continue;
        }
        let checks: Vec<RuleCheck> = p
            .conditions()
            .iter()
            .map(|r| check_rule_for(r, p, firm, need, today, eval))
            .collect();
        let gaps = checks
            .iter()
            .filter(|c| c.status != RuleStatus::Met)
            .count();
        let unfixable = checks
            .iter()
            .any(|c| c.status == RuleStatus::NotMet && !c.fixable);
        if unfixable || gaps > NEAR_MISS_MAX_GAPS {
            continue;
        }
        let m = build_match(p, firm, need, checks);
        if gaps == 0 {
            out.eligible.push(m);
        } else {
            out.near_misses.push(m);
        }
    }
    out.eligible.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.product_code.cmp(&b.product_code))
    });
    out.near_misses.sort_by(|a, b| {
        a.missing
            .len()
            .cmp(&b.missing.len())
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| a.product_code.cmp(&b.product_code))
    });
    out
}

fn build_match(
    p: &Product,
    firm: &Firm,
    need: Option<&Need>,
    checks: Vec<RuleCheck>,
) -> ProductMatch {
    let mut reasons: Vec<Msg> = checks
        .iter()
        .filter(|c| c.status == RuleStatus::Met)
        .map(|c| c.text.clone())
        .collect();
    let missing: Vec<Msg> = checks
        .iter()
        .filter(|c| c.status != RuleStatus::Met)
        .map(|c| c.action.clone().unwrap_or_else(|| c.text.clone()))
        .collect();
    let mut fit = Fit {
        kind_matches: true,
        ..Fit::default()
    };

    let suggested_amount = need.map(|n| n.amount.clamp(p.amount_min, p.amount_max));
    amount_fit(p, need, &mut fit, &mut reasons);
    let term = need.map(|n| term_fit(p, n));
    kind_and_term_fit(p, need, term.as_ref(), &mut fit, &mut reasons);
    let (nominal, effective) = cost_fit(p, &mut fit, &mut reasons);
    collateral_fit(p, firm, need, &mut fit, &mut reasons);
    speed_fit(p, &mut fit, &mut reasons);

    ProductMatch {
        product_id: p.id,
        product_code: p.code.clone(),
        product_name: p.name.clone(),
        institution: p.institution.clone(),
        kind: p.kind,
        score: fit.score(),
        fit,
        suggested_amount,
        term_months: term.and_then(|t| t.months),
        nominal_rate_bp: nominal,
        effective_rate_bp: effective,
        reasons,
        missing,
        checks,
    }
}

/// Amount coverage: how much of the need the product's range covers.
fn amount_fit(p: &Product, need: Option<&Need>, fit: &mut Fit, reasons: &mut Vec<Msg>) {
    match need {
        Some(n) if p.amount_max >= n.amount && n.amount >= p.amount_min => {
            fit.amount = 35;
            reasons.push(Msg::new(
                format!(
                    "额度{}可覆盖融资需求{}",
                    p.amount_text(),
                    fmt_wan_unit(n.amount)
                ),
                format!(
                    "amount range {} covers the need of {} wan yuan",
                    p.amount_text(),
                    fmt_wan(n.amount)
                ),
            ));
        }
        Some(n) if n.amount < p.amount_min => {
            fit.amount = 20;
            let min = p.kind.minimum_label();
            reasons.push(Msg::new(
                format!(
                    "{}{}高于需求{}",
                    min.zh,
                    fmt_wan_unit(p.amount_min),
                    fmt_wan_unit(n.amount)
                ),
                format!(
                    "{} {} wan exceeds the need of {} wan",
                    min.en,
                    fmt_wan(p.amount_min),
                    fmt_wan(n.amount)
                ),
            ));
        }
        Some(n) => {
            let pct = (p.amount_max as i128 * 100 / (n.amount.max(1) as i128)) as u32;
            fit.amount = 35 * pct.min(100) / 100;
            reasons.push(Msg::new(
                format!(
                    "额度上限{}，可满足需求{}的{}%",
                    fmt_wan_unit(p.amount_max),
                    fmt_wan_unit(n.amount),
                    pct
                ),
                format!(
                    "maximum {} wan covers {}% of the {} wan need",
                    fmt_wan(p.amount_max),
                    pct,
                    fmt_wan(n.amount)
                ),
            ));
        }
        None => fit.amount = 20,
    }
}

/// Kind and term: a product of another kind is a complement; a term outside the product's
/// range costs amount points and is said as the term proposed.
fn kind_and_term_fit(
    p: &Product,
    need: Option<&Need>,
    term: Option<&TermFit>,
    fit: &mut Fit,
    reasons: &mut Vec<Msg>,
) {
    if let Some(note) = term.and_then(|t| t.note.clone()) {
        reasons.push(note);
    }
    if let Some(n) = need {
        fit.kind_matches = serves(p, n.kind);
        if !fit.kind_matches {
            reasons.push(Msg::new(
                format!(
                    "产品类型为{}，与需求类型“{}”不同，可作补充",
                    p.kind.financing_kind().label_zh(),
                    n.kind.label_zh()
                ),
                format!(
                    "provides {} while the need asks for {}: a complement",
                    p.kind.financing_kind().label_en(),
                    n.kind.label_en()
                ),
            ));
        }
        // An investment has no term to propose (its fund's holding period is not the firm's).
        let repaid = p.kind.financing_kind() != FinancingKind::Equity;
        if let Some(t) = n.term_months.filter(|_| repaid) {
            if t < p.term_min_months || t > p.term_max_months {
                fit.amount = fit.amount.saturating_sub(5);
                // Said as what is proposed, not as a condition: this list reads as what fits.
                // A term the purpose rule already set (with its own note) is not repeated.
                let proposed = term
                    .and_then(|f| f.months)
                    .unwrap_or_else(|| t.clamp(p.term_min_months, p.term_max_months));
                if term.is_none_or(|f| f.note.is_none()) {
                    reasons.push(Msg::new(
                        format!(
                            "建议期限{proposed}个月（产品期限{}，需求{t}个月）",
                            p.term_text()
                        ),
                        format!(
                            "{proposed} months proposed (the product lends {}–{} months; {t} months were asked)",
                            p.term_min_months, p.term_max_months
                        ),
                    ));
                }
            }
        }
    }
}

/// Cost after subsidies; returns the nominal and effective rates (basis points).
fn cost_fit(p: &Product, fit: &mut Fit, reasons: &mut Vec<Msg>) -> (Option<u32>, Option<u32>) {
    let nominal = p.mid_rate_bp();
    let effective = nominal.map(|r| p.cost_after_subsidy_bp(r));
    match (nominal, effective) {
        (Some(nom), Some(eff)) => {
            // A loan's guarantee insurance costs its premium on top of the loan's interest,
            // which it does not state: rated as an all-in 0.75 % it came before every
            // guarantor (whose price is the guaranteed loan's rate). Rated as unpriced.
            fit.cost = if p.kind.premium_on_a_loan() {
                15
            } else {
                cost_points(eff)
            };
            if eff < nom {
                reasons.push(Msg::new(
                    format!(
                        "{}约{}，享受政策支持后约{}",
                        p.kind.price_label().zh,
                        fmt_bp_pct(nom),
                        fmt_bp_pct(eff)
                    ),
                    format!(
                        "{} about {}, about {} after subsidies",
                        p.kind.price_label().en,
                        fmt_bp_pct(nom),
                        fmt_bp_pct(eff)
                    ),
                ));
            }
        }
        _ => fit.cost = 15,
    }
    for s in p
        .subsidies
        .iter()
        .filter(|s| matches!(s, crate::product::Subsidy::RiskCompensation { .. }))
    {
        reasons.push(s.describe());
    }
    (nominal, effective)
}

/// Collateral the firm has: 2 per requirement met, 1 per requirement unknown.
fn collateral_fit(
    p: &Product,
    firm: &Firm,
    need: Option<&Need>,
    fit: &mut Fit,
    reasons: &mut Vec<Msg>,
) {
    if p.collateral.is_empty() {
        fit.collateral = 20;
        reasons.push(Msg::new(
            "无需抵押或担保",
            "no collateral or guarantee required",
        ));
    } else {
        let mut have = 0u32;
        for c in &p.collateral {
            match has_collateral(*c, p, firm, need) {
                Some(true) => {
                    have += 2;
                    reasons.push(Msg::new(
                        format!("企业具备{}条件", c.label_zh()),
                        format!("the firm can provide {}", c.label_en()),
                    ));
                }
                Some(false) => {}
                None => have += 1,
            }
        }
        fit.collateral = 20 * have / (2 * p.collateral.len() as u32);
    }
}

/// Speed: points by approval days; a fast product says so.
fn speed_fit(p: &Product, fit: &mut Fit, reasons: &mut Vec<Msg>) {
    fit.speed = match p.approval_days {
        0..=3 => 15,
        4..=7 => 12,
        8..=15 => 9,
        16..=30 => 6,
        _ => 3,
    };
    if p.approval_days <= 7 {
        reasons.push(Msg::new(
            format!("审批快，约{}个工作日放款", p.approval_days),
            format!("fast: money in about {} working days", p.approval_days),
        ));
    }
}

/// Points for an annual cost after subsidy: 30 at ≤ 1.5%, 0 at ≥ 7%, linear between.
fn cost_points(eff_bp: u32) -> u32 {
    const LO: u32 = 150;
    const HI: u32 = 700;
    if eff_bp <= LO {
        30
    } else if eff_bp >= HI {
        0
    } else {
        30 * (HI - eff_bp) / (HI - LO)
    }
}

/// Whether a product serves a need of the given kind. Guarantee needs are served by
/// guarantors and by credit enhancement (loan guarantee insurance); loan needs also by
/// guaranteed loans. Insurance that enhances a loan is a complement to a loan need, not a
/// substitute: its premium is not comparable with an interest rate.
pub fn serves(p: &Product, kind: FinancingKind) -> bool {
    let fk = p.kind.financing_kind();
    fk == kind
        || match kind {
            FinancingKind::Guarantee => {
                p.institution_kind == InstitutionKind::Guarantor
                    || matches!(
                        p.kind,
                        ProductKind::LoanGuaranteeInsurance | ProductKind::IpFinancingInsurance
                    )
            }
            FinancingKind::Loan => fk == FinancingKind::Guarantee,
            _ => false,
        }
}

/// Whether the firm can provide this security: `None` when its data does not say.
pub fn has_collateral(
    c: CollateralKind,
    p: &Product,
    firm: &Firm,
    need: Option<&Need>,
) -> Option<bool> {
    let listed = need.is_some_and(|n| {
        n.collateral.iter().any(|item| {
            let item = item.to_lowercase();
            c.keywords().iter().any(|k| item.contains(k))
        })
    });
    if listed {
        return Some(true);
    }
    let f = &firm.facts;
    match c {
        CollateralKind::IpPledge => Some(firm.ip.class1() + firm.ip.class2() > firm.ip.pledged),
        CollateralKind::Receivables => f.receivables.map(|r| r > 0),
        CollateralKind::ProcurementContract => f.gov_procurement,
        CollateralKind::RealEstate => f.real_estate_collateral,
        CollateralKind::ThirdPartyGuarantee => {
            (p.institution_kind == InstitutionKind::Guarantor).then_some(true)
        }
        // Shareholders can always pledge their equity; the owner can always guarantee.
        CollateralKind::EquityPledge | CollateralKind::PersonalGuarantee => Some(true),
        CollateralKind::Bills => firm
            .latest_year()
            .and_then(|y| y.bills_receivable)
            .map(|b| b > 0),
        CollateralKind::Equipment => None,
    }
}

/// Whether a product's term can finance a need's purpose, and the term to apply for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermFit {
    /// `false` when the product's longest term is short money and the need is a long use.
    pub fits: bool,
    /// The term to apply for (months); `None` for products without a repayment term (equity,
    /// cover).
    pub months: Option<u32>,
    /// A note for the plan when the proposed term differs from the requested one, or why the
    /// product does not fit.
    pub note: Option<Msg>,
}

/// The term that fits a need's purpose (working capital short, equipment/plant/R&D long)
/// within the product's range. A long use is never offered short money: a borrowing product (a
/// loan, or the insurance backing one: [`ProductKind::is_borrowing`]) whose longest term is
/// under [`LONG_TERM_MIN_MONTHS`] does not fit it.
pub fn term_fit(p: &Product, need: &Need) -> TermFit {
    if !p.kind.is_borrowing() {
        return TermFit {
            fits: true,
            months: None,
            note: None,
        };
    }
    let uses = FundUse::classify(&need.purpose);
    let long = uses.iter().copied().find(|u| u.is_long());
    let requested = need.term_months;
    match long {
        Some(u) => {
            if p.term_max_months < LONG_TERM_MIN_MONTHS {
                return TermFit {
                    fits: false,
                    months: None,
                    note: Some(Msg::new(
                        format!(
                            "产品期限最长{}个月，属短期资金，不适用于{}等长期用途",
                            p.term_max_months,
                            u.label_zh()
                        ),
                        format!(
                            "the product lends for at most {} months: short money does not finance {}",
                            p.term_max_months,
                            u.label_en()
                        ),
                    )),
                };
            }
            let want = requested
                .filter(|t| *t >= LONG_TERM_MIN_MONTHS)
                .unwrap_or_else(|| u.preferred_term_months());
            let months = want
                .clamp(p.term_min_months, p.term_max_months)
                .max(LONG_TERM_MIN_MONTHS);
            let note = requested.filter(|t| *t < LONG_TERM_MIN_MONTHS).map(|t| {
                Msg::new(
                    format!(
                        "需求期限{t}个月偏短：{}属长期用途，建议期限{months}个月，避免短贷长用",
                        u.label_zh()
                    ),
                    format!(
                        "the requested {t} months is short for {}: {months} months proposed",
                        u.label_en()
                    ),
                )
            });
            TermFit {
                fits: true,
                months: Some(months),
                note,
            }
        }
        None => {
            let short = uses.contains(&FundUse::WorkingCapital);
            let want = match requested {
                Some(t) if short => t.min(SHORT_TERM_MAX_MONTHS),
                Some(t) => t,
                None if short => SHORT_TERM_MAX_MONTHS,
                None => p.term_min_months.max(SHORT_TERM_MAX_MONTHS),
            };
            TermFit {
                fits: true,
                months: Some(want.clamp(p.term_min_months, p.term_max_months)),
                note: None,
            }
        }
    }
}

mod kinds;
mod rules;
#[cfg(test)]
mod tests;

pub use rules::{check_rule, check_rule_for};
