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
            .rules
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

    // Amount coverage.
    let suggested_amount = need.map(|n| n.amount.clamp(p.amount_min, p.amount_max));
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
            reasons.push(Msg::new(
                format!(
                    "起贷额度{}高于需求{}",
                    fmt_wan_unit(p.amount_min),
                    fmt_wan_unit(n.amount)
                ),
                format!(
                    "minimum amount {} wan exceeds the need of {} wan",
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

    // Kind and term.
    let term = need.map(|n| term_fit(p, n));
    if let Some(note) = term.as_ref().and_then(|t| t.note.clone()) {
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
        if let Some(t) = n.term_months {
            if t < p.term_min_months || t > p.term_max_months {
                fit.amount = fit.amount.saturating_sub(5);
                reasons.push(Msg::new(
                    format!("需求期限{t}个月不在产品期限{}内", p.term_text()),
                    format!(
                        "requested term {t} months is outside {}–{} months",
                        p.term_min_months, p.term_max_months
                    ),
                ));
            }
        }
    }

    // Cost after subsidies.
    let nominal = p.mid_rate_bp();
    let effective = nominal.map(|r| p.cost_after_subsidy_bp(r));
    match (nominal, effective) {
        (Some(nom), Some(eff)) => {
            fit.cost = cost_points(eff);
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

    // Collateral the firm has.
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

    // Speed.
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

/// Products that lend money to be repaid on a term.
fn is_debt(p: &Product) -> bool {
    matches!(
        p.kind.financing_kind(),
        FinancingKind::Loan | FinancingKind::Guarantee | FinancingKind::Bond
    )
}

/// The term that fits a need's purpose (working capital short, equipment/plant/R&D long)
/// within the product's range. A long use is never offered short money: a debt product whose
/// longest term is under [`LONG_TERM_MIN_MONTHS`] does not fit it.
pub fn term_fit(p: &Product, need: &Need) -> TermFit {
    if !is_debt(p) {
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

fn met(rule: &EligibilityRule, zh: String, en: String) -> RuleCheck {
    RuleCheck {
        rule: rule.clone(),
        status: RuleStatus::Met,
        text: Msg::new(zh, en),
        action: None,
        fixable: true,
    }
}

fn not_met(rule: &EligibilityRule, text: Msg, action: Option<Msg>, fixable: bool) -> RuleCheck {
    RuleCheck {
        rule: rule.clone(),
        status: RuleStatus::NotMet,
        text,
        action,
        fixable,
    }
}

fn cannot_tell(rule: &EligibilityRule, what_zh: &str, what_en: &str, action: Msg) -> RuleCheck {
    let d = rule.describe();
    RuleCheck {
        rule: rule.clone(),
        status: RuleStatus::CannotTell,
        text: Msg::new(
            format!("缺少{what_zh}，无法判断是否满足“{}”", d.zh),
            format!("cannot tell whether '{}' holds: {what_en} is missing", d.en),
        ),
        action: Some(action),
        fixable: true,
    }
}

/// Evaluates one rule of product `p` against the firm and, for rules about the use of funds,
/// the need it should finance.
pub fn check_rule_for(
    rule: &EligibilityRule,
    p: &Product,
    firm: &Firm,
    need: Option<&Need>,
    today: NaiveDate,
    eval: &FirmEvaluation,
) -> RuleCheck {
    match (rule, need) {
        (EligibilityRule::PurposeIn { uses }, Some(n)) => purpose_check(rule, uses, n, &p.name),
        _ => check_rule(rule, p, firm, today, eval),
    }
}

/// A need's purpose against the uses a product finances. A purpose naming no known use cannot
/// be told; one naming another use does not fit (the firm cannot change what it needs money
/// for, so the product is dropped for this need).
fn purpose_check(rule: &EligibilityRule, uses: &[FundUse], n: &Need, pn: &str) -> RuleCheck {
    let named = FundUse::classify(&n.purpose);
    let allowed: Vec<&str> = uses.iter().map(|u| u.label_zh()).collect();
    if named.is_empty() {
        return cannot_tell(
            rule,
            "资金用途",
            "use of funds",
            Msg::new(
                format!("需明确资金用途（{}）后可申请{pn}", allowed.join("或")),
                format!("state the use of funds to apply for {pn}"),
            ),
        );
    }
    match named.iter().find(|u| !uses.contains(u)) {
        None => met(
            rule,
            format!("资金用于{}，符合产品用途", n.purpose.trim()),
            format!("the use of funds ({}) fits the product", n.purpose.trim()),
        ),
        Some(u) => not_met(
            rule,
            Msg::new(
                format!(
                    "资金用途含{}，{pn}仅用于{}",
                    u.label_zh(),
                    allowed.join("、")
                ),
                format!(
                    "{pn} finances only {}",
                    uses.iter()
                        .map(|u| u.label_en())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            None,
            false,
        ),
    }
}

/// Bills receivable held (latest year) against a bill-pledge product's floor.
fn bills_check(rule: &EligibilityRule, amount: Yuan, firm: &Firm, pn: &str) -> RuleCheck {
    match firm
        .latest_year()
        .and_then(|y| y.bills_receivable.map(|b| (y.year, b)))
    {
        None => cannot_tell(
            rule,
            "应收票据数据",
            "bills receivable",
            Msg::new(
                format!(
                    "需核实企业持有的银行承兑汇票或商业承兑汇票（应收票据，不少于{}）后可申请{pn}",
                    fmt_wan_unit(amount)
                ),
                format!(
                    "record the bills receivable held (at least {} wan) to apply for {pn}",
                    fmt_wan(amount)
                ),
            ),
        ),
        Some((year, b)) if b >= amount && b > 0 => met(
            rule,
            format!("{year}年末持有应收票据{}", fmt_wan_unit(b)),
            format!(
                "holds bills receivable of {} wan (end of {year})",
                fmt_wan(b)
            ),
        ),
        Some((year, b)) => not_met(
            rule,
            Msg::new(
                format!(
                    "{year}年末应收票据{}，低于{}",
                    fmt_wan_unit(b),
                    fmt_wan_unit(amount)
                ),
                format!(
                    "bills receivable {} wan at the end of {year}, below {} wan",
                    fmt_wan(b),
                    fmt_wan(amount)
                ),
            ),
            Some(Msg::new(
                format!(
                    "客户以承兑汇票结算、持有应收票据达到{}后可申请{pn}",
                    fmt_wan_unit(amount)
                ),
                format!(
                    "hold at least {} wan of acceptance bills from customers to apply for {pn}",
                    fmt_wan(amount)
                ),
            )),
            true,
        ),
    }
}

/// Revenue growth a firm can plausibly reach within a year: its own latest growth, at least
/// 20 %. A revenue floor further away than that is not a step of this plan.
fn reachable_revenue(firm: &Firm, rev: Yuan) -> Yuan {
    let prev = firm
        .latest_year()
        .and_then(|y| firm.year(y.year - 1))
        .and_then(|y| y.revenue)
        .filter(|p| *p > 0);
    let growth_bp: i128 = match prev {
        Some(p) => ((rev as i128 - p as i128) * 10_000 / p as i128).max(2_000),
        None => 2_000,
    };
    (rev as i128 + rev as i128 * growth_bp / 10_000) as Yuan
}

/// Evaluates one rule of product `p` against the firm.
pub fn check_rule(
    rule: &EligibilityRule,
    p: &Product,
    firm: &Firm,
    today: NaiveDate,
    eval: &FirmEvaluation,
) -> RuleCheck {
    use EligibilityRule::*;
    let pn = &p.name;
    match rule {
        BillsHeld { amount } => bills_check(rule, *amount, firm, pn),
        // Without a need there is no purpose to check: the product's use is stated in its
        // description, not a condition on the firm.
        PurposeIn { .. } => met(
            rule,
            rule.describe().zh,
            rule.describe().en,
        ),
        QualificationHeld { any_of } => {
            let held: Vec<&crate::model::Qualification> = firm
                .qualifications
                .iter()
                .filter(|q| any_of.contains(&q.kind) && q.is_valid_on(today))
                .collect();
            if !held.is_empty() {
                let zh: Vec<String> = held
                    .iter()
                    .map(|q| match q.expires {
                        Some(d) => format!("{}（有效期至{d}）", q.kind.label_zh()),
                        None => q.kind.label_zh().to_string(),
                    })
                    .collect();
                let en: Vec<String> = held
                    .iter()
                    .map(|q| match q.expires {
                        Some(d) => format!("{} (valid until {d})", q.kind.label_en()),
                        None => q.kind.label_en().to_string(),
                    })
                    .collect();
                return met(
                    rule,
                    format!("已取得{}", zh.join("、")),
                    format!("holds {}", en.join(", ")),
                );
            }
            let names_zh: Vec<&str> = any_of.iter().map(|q| q.label_zh()).collect();
            let names_en: Vec<&str> = any_of.iter().map(|q| q.label_en()).collect();
            let expired = firm
                .qualifications
                .iter()
                .find(|q| any_of.contains(&q.kind) && q.expires.is_some_and(|d| d < today));
            let mut zh = format!("取得{}认定后可申请{pn}", names_zh.join("或"));
            let mut en = format!(
                "obtain {} recognition to apply for {pn}",
                names_en.join(" or ")
            );
            // The evaluation says how close the firm is to the easiest of them.
            let hint = qualification_hint(any_of, eval);
            if let Some(h) = &hint {
                zh.push_str(&format!("（{}）", h.zh));
                en.push_str(&format!(" ({})", h.en));
            }
            let text = match expired {
                Some(q) => Msg::new(
                    format!(
                        "{}已于{}到期",
                        q.kind.label_zh(),
                        q.expires.unwrap_or(today)
                    ),
                    format!(
                        "{} expired on {}",
                        q.kind.label_en(),
                        q.expires.unwrap_or(today)
                    ),
                ),
                None => Msg::new(
                    format!("未持有{}", names_zh.join("或")),
                    format!("holds none of {}", names_en.join(", ")),
                ),
            };
            if expired.is_some() {
                zh = format!("办理复审/重新认定后可申请{pn}");
                en = format!("renew the recognition to apply for {pn}");
            }
            not_met(rule, text, Some(Msg::new(zh, en)), true)
        }
        MinYearsFounded { years } => match firm.founded {
            None => cannot_tell(
                rule,
                "成立日期",
                "founding date",
                Msg::new("需补充企业成立日期（营业执照）", "record the founding date"),
            ),
            Some(f) => {
                let have = firm.years_since_founded(today).unwrap_or(0);
                if have >= *years {
                    met(
                        rule,
                        format!("成立{have}年，满足成立满{years}年的要求"),
                        format!("founded {have} years ago (needs {years})"),
                    )
                } else {
                    let from = f
                        .with_year(f.year() + *years as i32)
                        .unwrap_or(f + chrono::Days::new(365 * *years as u64));
                    not_met(
                        rule,
                        Msg::new(
                            format!("成立{have}年，未满{years}年"),
                            format!("founded {have} years ago, needs {years}"),
                        ),
                        Some(Msg::new(
                            format!("成立满{years}年后（{from}起）可申请{pn}"),
                            format!("can apply for {pn} from {from} ({years} years after founding)"),
                        )),
                        true,
                    )
                }
            }
        },
        MaxYearsFounded { years } => match firm.years_since_founded(today) {
            None => cannot_tell(
                rule,
                "成立日期",
                "founding date",
                Msg::new("需补充企业成立日期（营业执照）", "record the founding date"),
            ),
            Some(have) if have <= *years => met(
                rule,
                format!("成立{have}年，属{years}年内的初创企业"),
                format!("founded {have} years ago, within {years}"),
            ),
            Some(have) => not_met(
                rule,
                Msg::new(
                    format!("成立已{have}年，超过{years}年限制"),
                    format!("founded {have} years ago, over the {years}-year limit"),
                ),
                None,
                false,
            ),
        },
        MinClass1Ip { count } => {
            let have = firm.ip.class1();
            if have >= *count {
                met(
                    rule,
                    format!("拥有发明专利等Ⅰ类知识产权{have}项"),
                    format!("holds {have} Class-I IP items"),
                )
            } else {
                let gap = count - have;
                not_met(
                    rule,
                    Msg::new(
                        format!("Ⅰ类知识产权{have}项，需{count}项"),
                        format!("{have} Class-I IP items, needs {count}"),
                    ),
                    Some(Msg::new(
                        format!("再取得{gap}项发明专利等Ⅰ类知识产权（可通过自主申请或受让）后可申请{pn}"),
                        format!("obtain {gap} more Class-I IP item(s) (filing or acquisition) to apply for {pn}"),
                    )),
                    true,
                )
            }
        }
        MinTotalIp { count } => {
            let have = firm.ip.class1() + firm.ip.class2();
            if have >= *count {
                met(
                    rule,
                    format!("拥有知识产权{have}项"),
                    format!("holds {have} IP items"),
                )
            } else {
                let gap = count - have;
                not_met(
                    rule,
                    Msg::new(
                        format!("知识产权{have}项，需{count}项"),
                        format!("{have} IP items, needs {count}"),
                    ),
                    Some(Msg::new(
                        format!("再取得{gap}项知识产权（实用新型、软件著作权均可）后可申请{pn}"),
                        format!("obtain {gap} more IP item(s) (utility models, software copyrights count) to apply for {pn}"),
                    )),
                    true,
                )
            }
        }
        RevenueBand { min, max } => {
            let Some((year, rev)) = firm
                .latest_year()
                .and_then(|y| y.revenue.map(|r| (y.year, r)))
            else {
                return cannot_tell(
                    rule,
                    "最近年度营业收入",
                    "latest revenue",
                    Msg::new(
                        "需补充最近一个年度的营业收入（财务报表或纳税申报表）",
                        "record the latest year's revenue",
                    ),
                );
            };
            if let Some(m) = min.filter(|m| rev < *m) {
                let reachable = m <= reachable_revenue(firm, rev);
                return not_met(
                    rule,
                    Msg::new(
                        format!("{year}年营业收入{}，低于{}", fmt_wan_unit(rev), fmt_wan_unit(m)),
                        format!("{year} revenue {} wan, below {} wan", fmt_wan(rev), fmt_wan(m)),
                    ),
                    Some(Msg::new(
                        format!(
                            "营业收入达到{}（差{}）后可申请{pn}",
                            fmt_wan_unit(m),
                            fmt_wan_unit(m - rev)
                        ),
                        format!(
                            "reach revenue of {} wan ({} wan short) to apply for {pn}",
                            fmt_wan(m),
                            fmt_wan(m - rev)
                        ),
                    )),
                    reachable,
                );
            }
            if let Some(m) = max.filter(|m| rev > *m) {
                return not_met(
                    rule,
                    Msg::new(
                        format!("{year}年营业收入{}，超过{}的上限", fmt_wan_unit(rev), fmt_wan_unit(m)),
                        format!("{year} revenue {} wan exceeds the {} wan cap", fmt_wan(rev), fmt_wan(m)),
                    ),
                    None,
                    false,
                );
            }
            met(
                rule,
                format!("{year}年营业收入{}，符合{}", fmt_wan_unit(rev), rule.describe().zh),
                format!("{year} revenue {} wan fits: {}", fmt_wan(rev), rule.describe().en),
            )
        }
        FirstLoan => {
            if let Some(d) = firm.first_loan_date {
                return not_met(
                    rule,
                    Msg::new(
                        format!("已于{d}获得首笔银行贷款"),
                        format!("got its first bank loan on {d}"),
                    ),
                    None,
                    false,
                );
            }
            match (firm.first_loan_list, firm.ever_borrowed) {
                (true, _) => met(
                    rule,
                    "已列入首贷培植名单".into(),
                    "on the first-loan cultivation list".into(),
                ),
                (false, Some(false)) => met(
                    rule,
                    "从未获得银行贷款，属首贷企业".into(),
                    "never borrowed from a bank: a first-loan firm".into(),
                ),
                (false, Some(true)) => not_met(
                    rule,
                    Msg::new("企业已有银行贷款记录，不属于首贷", "has borrowed before: not a first loan"),
                    None,
                    false,
                ),
                (false, None) => cannot_tell(
                    rule,
                    "贷款记录",
                    "loan history",
                    Msg::new(
                        "需查询征信报告，核实企业是否有过银行贷款",
                        "check the credit report for any past bank loan",
                    ),
                ),
            }
        }
        MinReceivables { amount } => match firm.facts.receivables {
            None => cannot_tell(
                rule,
                "应收账款数据",
                "receivables",
                Msg::new(
                    format!("需补充应收账款确权资料（对优质买方的应收账款清单、合同和发票，不少于{}）后可申请{pn}", fmt_wan_unit(*amount)),
                    format!("provide confirmed receivables (list, contracts, invoices; at least {} wan) to apply for {pn}", fmt_wan(*amount)),
                ),
            ),
            Some(r) if r >= *amount => met(
                rule,
                format!("应收账款{}，满足不少于{}的要求", fmt_wan_unit(r), fmt_wan_unit(*amount)),
                format!("receivables {} wan, needs {} wan", fmt_wan(r), fmt_wan(*amount)),
            ),
            Some(r) => not_met(
                rule,
                Msg::new(
                    format!("应收账款{}，低于{}", fmt_wan_unit(r), fmt_wan_unit(*amount)),
                    format!("receivables {} wan, below {} wan", fmt_wan(r), fmt_wan(*amount)),
                ),
                Some(Msg::new(
                    format!("对优质买方的应收账款达到{}并完成确权后可申请{pn}", fmt_wan_unit(*amount)),
                    format!("reach {} wan of confirmed receivables to apply for {pn}", fmt_wan(*amount)),
                )),
                true,
            ),
        },
        GovProcurement => match firm.facts.gov_procurement {
            Some(true) => met(rule, "持有政府采购合同".into(), "holds government-procurement contracts".into()),
            Some(false) => not_met(
                rule,
                Msg::new("暂无政府采购合同", "no government-procurement contract"),
                Some(Msg::new(
                    format!("中标政府采购项目、取得采购合同后可申请{pn}"),
                    format!("win a government-procurement contract to apply for {pn}"),
                )),
                true,
            ),
            None => cannot_tell(
                rule,
                "政府采购合同情况",
                "procurement contracts",
                Msg::new("需核实企业是否有政府采购中标合同", "check for government-procurement contracts"),
            ),
        },
        MinHighTalents { count } => match firm.high_talents {
            None => cannot_tell(
                rule,
                "高层次人才人数",
                "number of high-level talents",
                Msg::new(
                    "需补充高层次人才情况（博士、入选国家/省/市人才计划人员）",
                    "record the firm's high-level talents",
                ),
            ),
            Some(h) if h >= *count => met(
                rule,
                format!("拥有高层次人才{h}名"),
                format!("{h} high-level talents"),
            ),
            Some(h) => not_met(
                rule,
                Msg::new(
                    format!("高层次人才{h}名，需{count}名"),
                    format!("{h} high-level talents, needs {count}"),
                ),
                Some(Msg::new(
                    format!("引进或申报认定{}名高层次人才（如泉城产业领军人才）后可申请{pn}", count - h),
                    format!("recruit or get {} high-level talent(s) recognised to apply for {pn}", count - h),
                )),
                true,
            ),
        },
        DistrictIn { districts } => match firm.district.as_deref() {
            None => cannot_tell(
                rule,
                "注册区县",
                "district",
                Msg::new("需补充企业注册地所在区县", "record the firm's district"),
            ),
            Some(d) if districts.iter().any(|x| x == d) => met(
                rule,
                format!("注册于{}", crate::region::district_name(d).unwrap_or(d)),
                format!("registered in {d}"),
            ),
            Some(d) => not_met(
                rule,
                Msg::new(
                    format!(
                        "注册于{}，不在{}",
                        crate::region::district_name(d).unwrap_or(d),
                        rule.describe().zh.trim_start_matches("注册于")
                    ),
                    format!("registered in {d}, outside the product's districts"),
                ),
                None,
                false,
            ),
        },
        IndustryIn { sections } => match firm.industry.as_deref().and_then(crate::region::industry_section) {
            None => cannot_tell(
                rule,
                "所属行业",
                "industry",
                Msg::new("需补充企业所属行业（国民经济行业分类）", "record the firm's industry"),
            ),
            Some(s) if sections.iter().any(|x| x == s) => met(
                rule,
                format!("所属行业为{}", crate::region::industry_name(s).unwrap_or(s)),
                format!("industry section {s}"),
            ),
            Some(s) => not_met(
                rule,
                Msg::new(
                    format!("所属行业为{}，不在适用范围", crate::region::industry_name(s).unwrap_or(s)),
                    format!("industry section {s} is not covered"),
                ),
                None,
                false,
            ),
        },
        MaxStaff { count } => match firm.staff {
            None => cannot_tell(
                rule,
                "职工人数",
                "staff count",
                Msg::new("需补充企业职工人数", "record the staff count"),
            ),
            Some(s) if s <= *count => met(
                rule,
                format!("职工{s}人，不超过{count}人"),
                format!("{s} staff, within {count}"),
            ),
            Some(s) => not_met(
                rule,
                Msg::new(format!("职工{s}人，超过{count}人"), format!("{s} staff, over {count}")),
                None,
                false,
            ),
        },
        StageIn { stages } => match firm.stage {
            None => cannot_tell(
                rule,
                "企业发展阶段",
                "lifecycle stage",
                Msg::new("需确定企业所处发展阶段", "record the firm's stage"),
            ),
            Some(s) if stages.contains(&s) => met(
                rule,
                format!("处于{}", s.label_zh()),
                format!("stage {}", s.label_en()),
            ),
            Some(s) => not_met(
                rule,
                Msg::new(
                    format!("处于{}，产品面向{}", s.label_zh(), rule.describe().zh.trim_start_matches("处于")),
                    format!("stage {}, the product targets other stages", s.label_en()),
                ),
                None,
                false,
            ),
        },
        CleanCredit => match (firm.facts.credit_overdue, firm.ever_borrowed) {
            (Some(false), _) => met(rule, "征信无逾期、违约记录".into(), "clean credit report".into()),
            (None, Some(false)) => met(
                rule,
                "无银行贷款记录，无逾期".into(),
                "never borrowed: no overdue record".into(),
            ),
            (Some(true), _) => not_met(
                rule,
                Msg::new("征信存在逾期或违约记录", "overdue or default in the credit report"),
                Some(Msg::new(
                    format!("结清逾期款项、修复信用记录（可申请异议处理）后可申请{pn}"),
                    format!("settle the overdue amounts and repair the credit record to apply for {pn}"),
                )),
                true,
            ),
            (None, _) => cannot_tell(
                rule,
                "征信记录",
                "credit record",
                Msg::new(
                    "需查询企业征信报告，确认无逾期、违约记录",
                    "check the credit report for overdue or default records",
                ),
            ),
        },
        MinRdIntensity { bp } => {
            let latest = firm.latest_year();
            match latest.and_then(|y| Some((y.year, y.revenue?, y.rd_expense?))) {
                Some((year, rev, rd)) if rev > 0 => {
                    let have = (rd as i128 * 10_000 / rev as i128) as u32;
                    if have >= *bp {
                        met(
                            rule,
                            format!("{year}年研发费用占营业收入{}", fmt_bp_pct(have)),
                            format!("{year} R&D intensity {}", fmt_bp_pct(have)),
                        )
                    } else {
                        let need = ((rev as i128 * *bp as i128 + 9_999) / 10_000) as Yuan;
                        not_met(
                            rule,
                            Msg::new(
                                format!("{year}年研发强度{}，低于{}", fmt_bp_pct(have), fmt_bp_pct(*bp)),
                                format!("{year} R&D intensity {}, below {}", fmt_bp_pct(have), fmt_bp_pct(*bp)),
                            ),
                            Some(Msg::new(
                                format!(
                                    "研发投入强度提高到{}（按{year}年收入约需再增加研发费用{}）后可申请{pn}",
                                    fmt_bp_pct(*bp),
                                    fmt_wan_unit(need - rd)
                                ),
                                format!(
                                    "raise R&D to {} of revenue (about {} wan more) to apply for {pn}",
                                    fmt_bp_pct(*bp),
                                    fmt_wan(need - rd)
                                ),
                            )),
                            true,
                        )
                    }
                }
                _ => cannot_tell(
                    rule,
                    "营业收入或研发费用",
                    "revenue or R&D expense",
                    Msg::new(
                        "需补充最近年度营业收入和研发费用（建立研发费用辅助账）",
                        "record the latest revenue and R&D expense",
                    ),
                ),
            }
        }
        ListingIntent => {
            if firm.listing_reserve || firm.listing_board.is_some() {
                let board = firm.listing_board.as_deref().unwrap_or("上市后备企业库");
                met(
                    rule,
                    format!("有上市规划（{board}）"),
                    format!("listing plan ({board})"),
                )
            } else {
                not_met(
                    rule,
                    Msg::new("暂无上市规划", "no listing plan"),
                    Some(Msg::new(
                        format!("明确上市规划并申请列入上市后备企业库后可申请{pn}"),
                        format!("set a listing target and join the listing reserve pool to apply for {pn}"),
                    )),
                    true,
                )
            }
        }
        RiskGradeAtLeast { grade } => risk_check(rule, *grade, &eval.risk, pn),
    }
}

fn risk_check(rule: &EligibilityRule, floor: RiskGrade, risk: &RiskResult, pn: &str) -> RuleCheck {
    let now = RiskGrade::parse(&risk.grade);
    let best = RiskGrade::parse(&risk.best_case_grade);
    match (now, best) {
        (Some(g), _) if g.at_least(floor) => met(
            rule,
            format!(
                "风险评级{}级（{}），满足{}级及以上",
                g.as_str(),
                risk.grade_label.zh,
                floor.as_str()
            ),
            format!(
                "risk grade {} ({}), needs {} or better",
                g.as_str(),
                risk.grade_label.en,
                floor.as_str()
            ),
        ),
        (Some(g), Some(b)) if !risk.complete && b.at_least(floor) => RuleCheck {
            rule: rule.clone(),
            status: RuleStatus::CannotTell,
            text: Msg::new(
                format!(
                    "按现有数据风险评级为{}级，补齐缺失数据后最高可达{}级，需{}级及以上",
                    g.as_str(),
                    b.as_str(),
                    floor.as_str()
                ),
                format!(
                    "risk grade {} on known data, up to {} once complete; needs {}",
                    g.as_str(),
                    b.as_str(),
                    floor.as_str()
                ),
            ),
            action: Some(Msg::new(
                format!(
                    "补齐风险评价所需数据（财务、人才、征信），确认风险评级达到{}级后可申请{pn}",
                    floor.as_str()
                ),
                format!(
                    "complete the risk-scorecard data to confirm grade {} for {pn}",
                    floor.as_str()
                ),
            )),
            fixable: true,
        },
        (Some(g), _) => not_met(
            rule,
            Msg::new(
                format!("风险评级{}级，低于{}级", g.as_str(), floor.as_str()),
                format!("risk grade {}, below {}", g.as_str(), floor.as_str()),
            ),
            Some(Msg::new(
                format!(
                    "通过降低负债率、增加研发投入和知识产权等将风险评级提升至{}级后可申请{pn}",
                    floor.as_str()
                ),
                format!(
                    "raise the risk grade to {} (lower debt, more R&D and IP) to apply for {pn}",
                    floor.as_str()
                ),
            )),
            true,
        ),
        (None, _) => cannot_tell(
            rule,
            "风险评级",
            "risk grade",
            Msg::new("需补充风险评价所需数据", "complete the risk-scorecard data"),
        ),
    }
}

/// What the evaluation says about the firm's distance to one of these qualifications.
fn qualification_hint(any_of: &[QualificationKind], eval: &FirmEvaluation) -> Option<Msg> {
    for q in any_of {
        let verdict = match q {
            QualificationKind::TechSme => &eval.tech_sme.verdict,
            QualificationKind::HighTech => &eval.high_tech.verdict,
            QualificationKind::SrdiProvincial => &eval.srdi.verdict,
            _ => continue,
        };
        if let Verdict::Qualifies { .. } = verdict {
            return Some(Msg::new(
                format!("评价显示企业已符合{}条件，可尽快申报", q.label_zh()),
                format!(
                    "the evaluation shows the firm meets the {} conditions: apply now",
                    q.label_en()
                ),
            ));
        }
    }
    // Otherwise name the first gap of the easiest listed designation.
    for q in any_of {
        let items = match q {
            QualificationKind::TechSme => &eval.tech_sme.conditions,
            QualificationKind::HighTech => &eval.high_tech.items,
            QualificationKind::SrdiProvincial => &eval.srdi.items,
            _ => continue,
        };
        if let Some(gap) = items
            .iter()
            .find(|i| i.status == crate::eval::Status::NotMet)
        {
            return Some(Msg::new(
                format!("{}差距：{}", q.label_zh(), gap.text.zh),
                format!("{} gap: {}", q.label_en(), gap.text.en),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AssessmentFacts, NeedStatus, Qualification, Stage, YearFinancials};
    use crate::product::{builtin_catalog, Subsidy};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    const TODAY: (i32, u32, u32) = (2026, 11, 26);
    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    fn product(rules: Vec<EligibilityRule>) -> Product {
        Product {
            id: Uuid::from_u128(7),
            code: "T-7".into(),
            institution: "测试银行".into(),
            institution_kind: InstitutionKind::Bank,
            branch: String::new(),
            contact: String::new(),
            name: "测试贷".into(),
            kind: ProductKind::CreditLoan,
            amount_min: 100_000,
            amount_max: 5_000_000,
            rate_min_bp: Some(400),
            rate_max_bp: Some(400),
            term_min_months: 6,
            term_max_months: 36,
            collateral: vec![],
            approval_days: 5,
            rules,
            subsidies: vec![],
            description: String::new(),
            active: true,
        }
    }

    fn empty_firm() -> Firm {
        Firm::new(
            Uuid::from_u128(1),
            "91350100M000100Y43",
            "济南空白科技有限公司",
        )
    }

    /// A first-loan tech SME with decent data.
    fn first_loan_firm() -> Firm {
        let mut f = empty_firm();
        f.name = "济南首贷科技有限公司".into();
        f.founded = Some(d(2021, 3, 1));
        f.district = Some("370102".into());
        f.industry = Some("I6513".into());
        f.staff = Some(40);
        f.tech_staff = Some(18);
        f.high_talents = Some(0);
        f.stage = Some(Stage::Startup);
        f.ever_borrowed = Some(false);
        f.first_loan_list = true;
        f.ip.utility_models = 3;
        f.ip.software_copyrights = 5;
        f.qualifications.push(Qualification {
            kind: QualificationKind::TechSme,
            obtained: Some(d(2026, 4, 1)),
            expires: Some(d(2026, 12, 31)),
            number: String::new(),
        });
        for (y, rev, rd) in [(2023, 400, 40), (2024, 700, 60), (2025, 900, 80)] {
            let yr = f.year_mut(y);
            *yr = YearFinancials {
                year: y,
                revenue: Some(rev * 10_000),
                rd_expense: Some(rd * 10_000),
                total_cost: Some(rev * 9_000),
                total_assets: Some(rev * 8_000),
                liabilities: Some(rev * 3_000),
                net_profit: Some(rev * 600),
                ..Default::default()
            };
        }
        f.facts = AssessmentFacts {
            credit_overdue: Some(false),
            receivables: None,
            gov_procurement: Some(false),
            ..Default::default()
        };
        f
    }

    fn need(amount: Yuan, kind: FinancingKind) -> Need {
        Need {
            id: Uuid::from_u128(99),
            firm_id: Uuid::from_u128(1),
            team_id: None,
            amount,
            purpose: "研发投入".into(),
            term_months: Some(12),
            kind,
            collateral: vec![],
            raised_on: d(2026, 10, 1),
            ruling: None,
            status: NeedStatus::Raised,
            outcomes: vec![],
            met_by_coach: false,
            closed_on: None,
            unmet_reason: None,
        }
    }

    #[test]
    fn first_loan_firm_gets_first_loan_product_and_high_tech_near_miss() {
        let f = first_loan_firm();
        let cat = builtin_catalog();
        // Working capital: short products (receivables, bills) apply too.
        let mut n = need(2_000_000, FinancingKind::Loan);
        n.purpose = "补充流动资金".into();
        let r = match_products(&f, Some(&n), &cat.products, today());
        let codes: Vec<&str> = r.eligible.iter().map(|m| m.product_code.as_str()).collect();
        assert!(codes.contains(&"TSSY-SD-01"), "eligible: {codes:?}");
        assert!(
            codes.contains(&"QCNS-ZSCQ-02"),
            "patent bundle loan: {codes:?}"
        );
        // Ranked by score, descending.
        assert!(r.eligible.windows(2).all(|w| w[0].score >= w[1].score));
        let sd = r
            .eligible
            .iter()
            .find(|m| m.product_code == "TSSY-SD-01")
            .unwrap();
        assert!(sd.reasons.iter().any(|m| m.zh.contains("首贷培植名单")));
        assert!(sd.missing.is_empty());
        assert_eq!(sd.suggested_amount, Some(2_000_000));
        // 3.85% nominal, 30% interest subsidy -> 2.70%.
        assert_eq!(sd.nominal_rate_bp, Some(385));
        assert_eq!(sd.effective_rate_bp, Some(270));
        // Products needing Class-I IP: the action names the gap.
        let kj = r
            .near_misses
            .iter()
            .find(|m| m.product_code == "QLKC-KJZH-01")
            .expect("tech-transfer loan is a near miss");
        assert!(
            kj.missing
                .iter()
                .any(|m| m.zh.contains("再取得1项发明专利")),
            "{:?}",
            kj.missing
        );
        // Receivables unknown -> cannot tell, not a silent pass.
        let ys = r
            .near_misses
            .iter()
            .find(|m| m.product_code == "QLKC-YSZK-01")
            .expect("receivables loan is a near miss");
        assert!(ys.missing[0].zh.contains("需补充应收账款确权"));
        assert_eq!(ys.checks[0].status, RuleStatus::CannotTell);
        // Start-up talent loan needs a talent: fixable near miss.
        assert!(r.near_misses.iter().any(|m| m.product_code == "QCNS-RC-02"));
        // Products with an unfixable failure never show (stage, district …) — the bill product
        // is fine, the 历下 district product applies.
        assert!(codes.contains(&"QCNS-LX-01"));
    }

    #[test]
    fn high_tech_firm_qualifies_for_qualification_products() {
        let mut f = first_loan_firm();
        f.ever_borrowed = Some(true);
        f.first_loan_list = false;
        f.ip.invention_patents = 4;
        f.qualifications.push(Qualification {
            kind: QualificationKind::HighTech,
            obtained: Some(d(2024, 12, 1)),
            expires: Some(d(2027, 11, 30)),
            number: "GR202437000123".into(),
        });
        let cat = builtin_catalog();
        let r = match_products(&f, None, &cat.products, today());
        let codes: Vec<&str> = r.eligible.iter().map(|m| m.product_code.as_str()).collect();
        for c in ["QLKC-KJZH-01", "QLKC-ZSCQ-01", "QLKC-XY-01", "QLKC-TDLD-01"] {
            assert!(codes.contains(&c), "{c} not in {codes:?}");
        }
        // Already borrowed: the first-loan product is not offered at all.
        assert!(!codes.contains(&"TSSY-SD-01"));
        assert!(!r.near_misses.iter().any(|m| m.product_code == "TSSY-SD-01"));
        let kj = r
            .eligible
            .iter()
            .find(|m| m.product_code == "QLKC-KJZH-01")
            .unwrap();
        assert!(kj
            .reasons
            .iter()
            .any(|m| m.zh.contains("高新技术企业（有效期至2027-11-30）")));
    }

    #[test]
    fn empty_firm_gets_cannot_tell_not_passes() {
        let f = empty_firm();
        let cat = builtin_catalog();
        let r = match_products(&f, None, &cat.products, today());
        // Nothing can be confirmed: every product with a data-dependent rule is unknown.
        for m in &r.eligible {
            let p = cat.product(m.product_id).unwrap();
            assert!(
                p.rules.iter().all(|r| matches!(
                    r,
                    EligibilityRule::MinClass1Ip { .. } | EligibilityRule::MinTotalIp { .. }
                )),
                "{} eligible with no data",
                m.product_code
            );
        }
        let cannot: usize = r
            .near_misses
            .iter()
            .flat_map(|m| &m.checks)
            .filter(|c| c.status == RuleStatus::CannotTell)
            .count();
        assert!(cannot > 0);
        for m in &r.near_misses {
            for c in m.unmet() {
                if c.status == RuleStatus::CannotTell {
                    assert!(c.text.zh.contains("无法判断"), "{:?}", c.text);
                    assert!(c.action.is_some());
                }
            }
        }
    }

    #[test]
    fn rule_edges() {
        let f = first_loan_firm();
        let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
        let p = product(vec![]);
        let chk = |r: EligibilityRule| check_rule(&r, &p, &f, today(), &eval);
        // Founded 2021-03-01: 5 whole years on 2026-11-26.
        assert_eq!(
            chk(EligibilityRule::MinYearsFounded { years: 5 }).status,
            RuleStatus::Met
        );
        let c = chk(EligibilityRule::MinYearsFounded { years: 6 });
        assert_eq!(c.status, RuleStatus::NotMet);
        assert!(c.action.unwrap().zh.contains("2027-03-01起"));
        assert_eq!(
            chk(EligibilityRule::MaxYearsFounded { years: 5 }).status,
            RuleStatus::Met
        );
        let c = chk(EligibilityRule::MaxYearsFounded { years: 4 });
        assert!(!c.fixable && c.status == RuleStatus::NotMet);
        // Revenue band edges are inclusive: 2025 revenue 900万.
        let band = |min: Option<Yuan>, max: Option<Yuan>| {
            chk(EligibilityRule::RevenueBand { min, max }).status
        };
        assert_eq!(band(Some(9_000_000), Some(9_000_000)), RuleStatus::Met);
        assert_eq!(band(Some(9_000_001), None), RuleStatus::NotMet);
        assert_eq!(band(None, Some(8_999_999)), RuleStatus::NotMet);
        let c = chk(EligibilityRule::RevenueBand {
            min: Some(10_000_000),
            max: None,
        });
        assert!(c.action.unwrap().zh.contains("差100万元"));
        // R&D 80/900 = 8.88%.
        assert_eq!(
            chk(EligibilityRule::MinRdIntensity { bp: 888 }).status,
            RuleStatus::Met
        );
        let c = chk(EligibilityRule::MinRdIntensity { bp: 1000 });
        assert!(
            c.action.unwrap().zh.contains("10万元"),
            "90万 needed, 80万 spent"
        );
        assert_eq!(
            chk(EligibilityRule::DistrictIn {
                districts: vec!["370102".into()]
            })
            .status,
            RuleStatus::Met
        );
        assert!(
            !chk(EligibilityRule::DistrictIn {
                districts: vec!["370112".into()]
            })
            .fixable
        );
        assert_eq!(
            chk(EligibilityRule::IndustryIn {
                sections: vec!["I".into()]
            })
            .status,
            RuleStatus::Met
        );
        assert_eq!(
            chk(EligibilityRule::MaxStaff { count: 40 }).status,
            RuleStatus::Met
        );
        assert_eq!(
            chk(EligibilityRule::MaxStaff { count: 39 }).status,
            RuleStatus::NotMet
        );
        assert_eq!(
            chk(EligibilityRule::GovProcurement).status,
            RuleStatus::NotMet
        );
        assert_eq!(
            chk(EligibilityRule::MinReceivables { amount: 1 }).status,
            RuleStatus::CannotTell
        );
        assert_eq!(
            chk(EligibilityRule::ListingIntent).status,
            RuleStatus::NotMet
        );
        assert_eq!(
            chk(EligibilityRule::MinTotalIp { count: 8 }).status,
            RuleStatus::Met
        );
        assert_eq!(
            chk(EligibilityRule::MinTotalIp { count: 9 }).status,
            RuleStatus::NotMet
        );
        // The tech-SME registration expires on 2026-12-31: valid today.
        assert_eq!(
            chk(EligibilityRule::QualificationHeld {
                any_of: vec![QualificationKind::TechSme]
            })
            .status,
            RuleStatus::Met
        );
        let c = chk(EligibilityRule::QualificationHeld {
            any_of: vec![QualificationKind::HighTech],
        });
        assert!(c
            .action
            .unwrap()
            .zh
            .starts_with("取得高新技术企业认定后可申请测试贷"));
        // Expired qualification: renewal is the action.
        let mut g = f.clone();
        g.qualifications[0].expires = Some(d(2026, 1, 1));
        let c = check_rule(
            &EligibilityRule::QualificationHeld {
                any_of: vec![QualificationKind::TechSme],
            },
            &p,
            &g,
            today(),
            &eval,
        );
        assert!(c.text.zh.contains("已于2026-01-01到期"));
        assert!(c.action.unwrap().zh.contains("复审"));
    }

    #[test]
    fn credit_and_first_loan_unknowns() {
        let mut f = empty_firm();
        let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
        let p = product(vec![]);
        assert_eq!(
            check_rule(&EligibilityRule::CleanCredit, &p, &f, today(), &eval).status,
            RuleStatus::CannotTell
        );
        assert_eq!(
            check_rule(&EligibilityRule::FirstLoan, &p, &f, today(), &eval).status,
            RuleStatus::CannotTell
        );
        f.ever_borrowed = Some(false);
        assert_eq!(
            check_rule(&EligibilityRule::CleanCredit, &p, &f, today(), &eval).status,
            RuleStatus::Met
        );
        assert_eq!(
            check_rule(&EligibilityRule::FirstLoan, &p, &f, today(), &eval).status,
            RuleStatus::Met
        );
        f.first_loan_date = Some(d(2026, 6, 1));
        let c = check_rule(&EligibilityRule::FirstLoan, &p, &f, today(), &eval);
        assert_eq!(c.status, RuleStatus::NotMet);
        assert!(!c.fixable);
        f.facts.credit_overdue = Some(true);
        let c = check_rule(&EligibilityRule::CleanCredit, &p, &f, today(), &eval);
        assert_eq!(c.status, RuleStatus::NotMet);
        assert!(c.fixable);
    }

    #[test]
    fn risk_grade_rule_uses_the_scorecard() {
        let f = first_loan_firm();
        let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
        let p = product(vec![]);
        let g = RiskGrade::parse(&eval.risk.grade).expect("graded");
        let c = check_rule(
            &EligibilityRule::RiskGradeAtLeast { grade: g },
            &p,
            &f,
            today(),
            &eval,
        );
        assert_eq!(c.status, RuleStatus::Met, "{:?}", c.text);
        assert!(c.text.zh.contains(&format!("风险评级{}级", g.as_str())));
        if g != RiskGrade::A {
            let c = check_rule(
                &EligibilityRule::RiskGradeAtLeast {
                    grade: RiskGrade::A,
                },
                &p,
                &f,
                today(),
                &eval,
            );
            assert_ne!(c.status, RuleStatus::Met);
            assert!(c.action.is_some());
        }
    }

    #[test]
    fn fit_score_prefers_cover_cost_collateral_and_speed() {
        let f = first_loan_firm();
        let n = need(3_000_000, FinancingKind::Loan);
        let cheap = product(vec![]);
        let mut dear = product(vec![]);
        dear.id = Uuid::from_u128(8);
        dear.code = "T-8".into();
        dear.rate_min_bp = Some(600);
        dear.rate_max_bp = Some(600);
        let mut small = product(vec![]);
        small.id = Uuid::from_u128(9);
        small.code = "T-9".into();
        small.amount_max = 1_000_000;
        let mut secured = product(vec![]);
        secured.id = Uuid::from_u128(10);
        secured.code = "T-10".into();
        secured.collateral = vec![CollateralKind::RealEstate];
        let mut subsidised = dear.clone();
        subsidised.id = Uuid::from_u128(11);
        subsidised.code = "T-11".into();
        subsidised.subsidies = vec![Subsidy::InterestBp {
            bp: 300,
            source: "贴息".into(),
        }];
        let cat = vec![dear, small, secured, cheap, subsidised];
        let r = match_products(&f, Some(&n), &cat, today());
        let order: Vec<&str> = r.eligible.iter().map(|m| m.product_code.as_str()).collect();
        assert_eq!(
            order,
            ["T-11", "T-7", "T-10", "T-8", "T-9"],
            "{:?}",
            r.eligible
                .iter()
                .map(|m| (m.product_code.clone(), m.fit))
                .collect::<Vec<_>>()
        );
        let small = r.eligible.iter().find(|m| m.product_code == "T-9").unwrap();
        assert_eq!(small.fit.amount, 11); // 100/300 of 35
        assert_eq!(small.suggested_amount, Some(1_000_000));
        assert!(small
            .reasons
            .iter()
            .any(|m| m.zh.contains("可满足需求300万元的33%")));
        // Real estate unknown counts half; with the need listing 房产 it counts full.
        let secured = r
            .eligible
            .iter()
            .find(|m| m.product_code == "T-10")
            .unwrap();
        assert_eq!(secured.fit.collateral, 10);
        let mut n2 = n.clone();
        n2.collateral = vec!["厂房一处".into()];
        let r2 = match_products(&f, Some(&n2), &cat, today());
        assert_eq!(
            r2.eligible
                .iter()
                .find(|m| m.product_code == "T-10")
                .unwrap()
                .fit
                .collateral,
            20
        );
    }

    #[test]
    fn equity_need_ranks_equity_first_and_is_deterministic() {
        let mut f = first_loan_firm();
        f.stage = Some(Stage::Seed);
        let cat = builtin_catalog();
        let n = need(3_000_000, FinancingKind::Equity);
        let a = match_products(&f, Some(&n), &cat.products, today());
        let b = match_products(&f, Some(&n), &cat.products, today());
        assert_eq!(a, b);
        assert_eq!(a.eligible[0].product_code, "QCTS-TS-01");
        assert!(a.eligible[1..].iter().all(|m| !m.fit.kind_matches));
    }

    #[test]
    fn term_fits_the_purpose_never_short_money_for_long_use() {
        let mut p = product(vec![]);
        let mut n = need(5_000_000, FinancingKind::Loan);
        // 厂房改造 asked for 6 months: long money proposed, the short request flagged.
        n.purpose = "厂房改造".into();
        n.term_months = Some(6);
        let t = term_fit(&p, &n);
        assert!(t.fits);
        assert_eq!(t.months, Some(36));
        assert!(t.note.unwrap().zh.contains("6个月偏短"));
        // A product lending at most 12 months does not fit a long use at all…
        p.term_min_months = 1;
        p.term_max_months = 12;
        assert!(!term_fit(&p, &n).fits);
        let r = match_products(&first_loan_firm(), Some(&n), &[p.clone()], today());
        assert!(r.eligible.is_empty() && r.near_misses.is_empty());
        // …but fits working capital, for at most 12 months.
        n.purpose = "原材料采购".into();
        n.term_months = Some(24);
        let t = term_fit(&p, &n);
        assert!(t.fits);
        assert_eq!(t.months, Some(12));
        // At the edge: a 24-month product finances R&D for 24 months.
        p.term_max_months = 24;
        n.purpose = "研发投入".into();
        n.term_months = Some(12);
        assert_eq!(term_fit(&p, &n).months, Some(24));
        p.term_max_months = 23;
        assert!(!term_fit(&p, &n).fits);
        // Equity has no repayment term.
        let mut e = product(vec![]);
        e.kind = ProductKind::VentureEquity;
        assert_eq!(term_fit(&e, &n).months, None);
        assert_eq!(
            FundUse::classify("购买检测设备及补充流动资金"),
            [FundUse::WorkingCapital, FundUse::Equipment]
        );
    }

    #[test]
    fn purpose_and_bills_rules() {
        let mut f = first_loan_firm();
        let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
        let p = product(vec![]);
        let wc = EligibilityRule::PurposeIn {
            uses: vec![FundUse::WorkingCapital],
        };
        let mut n = need(500_000, FinancingKind::Loan);
        n.purpose = "原材料采购".into();
        let chk = |r: &EligibilityRule, f: &Firm, n: Option<&Need>| {
            check_rule_for(r, &p, f, n, today(), &eval)
        };
        assert_eq!(chk(&wc, &f, Some(&n)).status, RuleStatus::Met);
        n.purpose = "购买设备".into();
        let c = chk(&wc, &f, Some(&n));
        assert_eq!(c.status, RuleStatus::NotMet);
        assert!(!c.fixable);
        n.purpose = "其他".into();
        assert_eq!(chk(&wc, &f, Some(&n)).status, RuleStatus::CannotTell);
        assert_eq!(chk(&wc, &f, None).status, RuleStatus::Met);

        let bills = EligibilityRule::BillsHeld { amount: 100_000 };
        let c = chk(&bills, &f, None);
        assert_eq!(c.status, RuleStatus::CannotTell);
        assert!(c.action.unwrap().zh.contains("承兑汇票"));
        f.year_mut(2025).bills_receivable = Some(0);
        assert_eq!(chk(&bills, &f, None).status, RuleStatus::NotMet);
        f.year_mut(2025).bills_receivable = Some(99_999);
        assert_eq!(chk(&bills, &f, None).status, RuleStatus::NotMet);
        f.year_mut(2025).bills_receivable = Some(100_000);
        let c = chk(&bills, &f, None);
        assert_eq!(c.status, RuleStatus::Met);
        assert!(c.text.zh.contains("应收票据10万元"));
        // The bill product of the catalogue follows the bills.
        let cat = builtin_catalog();
        let mut g = first_loan_firm();
        let mut n = need(500_000, FinancingKind::Loan);
        n.purpose = "原材料采购".into();
        let pj = |g: &Firm| {
            let r = match_products(g, Some(&n), &cat.products, today());
            r.eligible.iter().any(|m| m.product_code == "QCNS-PJ-01")
        };
        assert!(!pj(&g));
        g.year_mut(2025).bills_receivable = Some(0);
        assert!(!pj(&g));
        g.year_mut(2025).bills_receivable = Some(1_000_000);
        assert!(pj(&g));
    }

    #[test]
    fn a_revenue_floor_out_of_reach_is_not_a_step() {
        // 900万 revenue after 700万: 28.6% growth, so 1,157万 is within reach.
        let f = first_loan_firm();
        let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
        let p = product(vec![]);
        let band = |min: Yuan| {
            check_rule(
                &EligibilityRule::RevenueBand {
                    min: Some(min),
                    max: None,
                },
                &p,
                &f,
                today(),
                &eval,
            )
        };
        assert!(band(11_570_000).fixable);
        let c = band(11_580_000);
        assert_eq!(c.status, RuleStatus::NotMet);
        assert!(!c.fixable);
        // Shrinking firm: at least 20% is allowed.
        let mut g = first_loan_firm();
        g.year_mut(2025).revenue = Some(5_000_000);
        let chk = |min: Yuan| {
            check_rule(
                &EligibilityRule::RevenueBand {
                    min: Some(min),
                    max: None,
                },
                &p,
                &g,
                today(),
                &eval,
            )
            .fixable
        };
        assert!(chk(6_000_000));
        assert!(!chk(6_000_001));
    }
}
