//! Rule checks: one function per kind of eligibility rule, and the dispatch over them.

use super::kinds::*;
use super::*;

pub(super) fn met(rule: &EligibilityRule, zh: String, en: String) -> RuleCheck {
    RuleCheck {
        rule: rule.clone(),
        status: RuleStatus::Met,
        text: Msg::new(zh, en),
        action: None,
        fixable: true,
    }
}

pub(super) fn not_met(
    rule: &EligibilityRule,
    text: Msg,
    action: Option<Msg>,
    fixable: bool,
) -> RuleCheck {
    RuleCheck {
        rule: rule.clone(),
        status: RuleStatus::NotMet,
        text,
        action,
        fixable,
    }
}

pub(super) fn cannot_tell(
    rule: &EligibilityRule,
    what_zh: &str,
    what_en: &str,
    action: Msg,
) -> RuleCheck {
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
pub(super) fn reachable_revenue(firm: &Firm, rev: Yuan) -> Yuan {
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
        // Said as the product's restriction: "资金用于流动资金周转" among a firm's reasons read
        // as a statement about the firm.
        PurposeIn { .. } => met(
            rule,
            format!(
                "产品{}",
                rule.describe().zh.replacen("资金用于", "资金限用于", 1)
            ),
            format!("the product's {}", rule.describe().en),
        ),
        QualificationHeld { any_of } => qualification_held(rule, any_of, firm, today, eval, pn),
        MinYearsFounded { years } => min_years_founded(rule, years, firm, today, pn),
        MaxYearsFounded { years } => max_years_founded(rule, years, firm, today),
        MinClass1Ip { count } => min_class1_ip(rule, count, firm, pn),
        MinTotalIp { count } => min_total_ip(rule, count, firm, pn),
        RevenueBand { min, max } => revenue_band(rule, min, max, firm, pn),
        FirstLoan => first_loan(rule, firm),
        MinReceivables { amount } => min_receivables(rule, amount, firm, pn),
        GovProcurement => gov_procurement(rule, firm, pn),
        MinHighTalents { count } => min_high_talents(rule, count, firm, pn),
        DistrictIn { districts } => district_in(rule, districts, firm),
        IndustryIn { sections } => industry_in(rule, sections, firm),
        MaxStaff { count } => max_staff(rule, count, firm),
        StageIn { stages } => stage_in(rule, stages, firm),
        CleanCredit => clean_credit(rule, firm, pn),
        MinRdIntensity { bp } => min_rd_intensity(rule, bp, firm, pn),
        ListingIntent => listing_intent(rule, firm, pn),
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
pub(super) fn qualification_hint(
    any_of: &[QualificationKind],
    eval: &FirmEvaluation,
) -> Option<Msg> {
    for q in any_of {
        let verdict = match q {
            QualificationKind::TechSme => &eval.tech_sme.verdict,
            QualificationKind::HighTech => &eval.high_tech.verdict,
            QualificationKind::SrdiProvincial => &eval.srdi.verdict,
            _ => continue,
        };
        if let Verdict::Qualifies { .. } = verdict {
            // When, not "可尽快申报": a designation is applied for in its window.
            let book = crate::eval::RuleBook::builtin();
            let today = eval.today;
            let when = match q {
                QualificationKind::HighTech => {
                    format!(
                        "可在{}申报",
                        book.high_tech_for(today)
                            .application_window
                            .dates_after(today)
                    )
                }
                QualificationKind::SrdiProvincial => {
                    format!(
                        "可在{}申报",
                        book.srdi_for(today).application_window.dates_after(today)
                    )
                }
                _ => format!(
                    "可于{}-12-31前完成{}年度评价入库",
                    today.year(),
                    today.year()
                ),
            };
            return Some(Msg::new(
                format!("评价显示企业已符合{}条件，{when}", q.label_zh()),
                format!(
                    "the evaluation shows the firm meets the {} conditions: apply in the next window",
                    q.label_en()
                ),
            ));
        }
    }
    // Otherwise name the first gap of the easiest listed designation (not 高企 for a firm
    // whose technology is outside its fields, nor 科小 for one over its size limits: no gap to
    // close there).
    for q in any_of.iter().filter(|q| super::kinds::reachable(**q, eval)) {
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
