//! Cross-field consistency of a firm's record: figures that are each valid on their own but
//! contradict one another (a financial year before the founding date, more years in a niche
//! market than the firm has existed, a seed-stage firm with 1亿 of revenue, a 高企 certificate
//! holder that no longer meets the conditions).
//!
//! These are **warnings**, not validation errors: the record may still be stored (the founding
//! date may be the wrong figure, not the financials), but import, `fudao firm show` and the
//! app's 概况 form show them so the coach can correct the record. Each warning names the field
//! it concerns (`financials`, `qualifications`, `facts.niche_years`, `stage`) and carries a
//! bilingual message. Pure: `today` is passed in.

use crate::error::FieldError;
use crate::eval::{high_tech, RuleBook, Status};
use crate::model::{Feedback, FinancingKind, Firm, Need, QualificationKind, Stage, Visit};
use crate::money::Yuan;
use chrono::{Datelike, NaiveDate};

/// Revenue (元) from which a 种子期/初创期 stage is incoherent: 1亿元.
pub const EARLY_STAGE_MAX_REVENUE: Yuan = 100_000_000;

/// Warning codes, stable for the UI and tests.
pub mod code {
    pub const YEAR_BEFORE_FOUNDING: &str = "consistency.year_before_founding";
    pub const QUALIFICATION_BEFORE_FOUNDING: &str = "consistency.qualification_before_founding";
    pub const NICHE_YEARS_OVER_AGE: &str = "consistency.niche_years_over_age";
    pub const STAGE_VS_REVENUE: &str = "consistency.stage_vs_revenue";
    pub const HIGH_TECH_AT_RISK: &str = "consistency.high_tech_at_risk";
    pub const FOUNDING_YEAR_REVENUE: &str = "consistency.founding_year_revenue";
    pub const STAFF_VS_AGE: &str = "consistency.staff_vs_age";
    pub const YEAR_IN_FUTURE: &str = "consistency.year_in_future";
    pub const QUALIFICATION_IN_FUTURE: &str = "consistency.qualification_in_future";
    pub const AWARD_BEFORE_FOUNDING: &str = "consistency.award_before_founding";
    pub const FIRST_LOAN_BEFORE_FOUNDING: &str = "consistency.first_loan_before_founding";
    pub const BORROWED_VS_NEVER: &str = "consistency.borrowed_vs_never";
    pub const NEED_BEFORE_FOUNDING: &str = "consistency.need_before_founding";
    pub const VISIT_BEFORE_FOUNDING: &str = "consistency.visit_before_founding";
    pub const FEEDBACK_BEFORE_FOUNDING: &str = "consistency.feedback_before_founding";
}

/// Staff ceilings by whole years since founding: a firm in its first year with more than 100
/// people, or under three years old with more than 300, is more likely a wrong founding date or
/// headcount than a fact (a spin-off of a group keeps the group's founding date).
pub const STAFF_MAX_BY_AGE: &[(u32, u32)] = &[(0, 100), (2, 300)];

/// Founding-year revenue, annualised over the days the firm existed that year, above this
/// multiple of the next year's revenue is implausible (a firm founded in December with a
/// full year's revenue).
pub const FOUNDING_YEAR_ANNUALISED_MAX_MULTIPLE: i64 = 2;

/// The consistency warnings of `firm` on `today`, with the built-in rule book deciding the
/// 高企 conditions.
pub fn check_firm(firm: &Firm, today: NaiveDate) -> Vec<FieldError> {
    check_firm_with(firm, today, RuleBook::builtin())
}

/// [`check_firm`] with a given rule book.
pub fn check_firm_with(firm: &Firm, today: NaiveDate, book: &RuleBook) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Some(founded) = firm.founded {
        let fy = founded.year();
        let early: Vec<String> = firm
            .financials
            .iter()
            .filter(|y| y.year < fy)
            .map(|y| y.year.to_string())
            .collect();
        if !early.is_empty() {
            out.push(FieldError::new(
                "financials",
                code::YEAR_BEFORE_FOUNDING,
                format!(
                    "财务数据：{}年度早于成立日期（{founded}），请核对成立日期或财务年度",
                    early.join("、")
                ),
                format!(
                    "financials: year {} is before the founding date ({founded}); check the founding date or the years",
                    early.join(", ")
                ),
            ));
        }
        for q in &firm.qualifications {
            if let Some(got) = q.obtained.filter(|d| *d < founded) {
                out.push(FieldError::new(
                    "qualifications",
                    code::QUALIFICATION_BEFORE_FOUNDING,
                    format!(
                        "企业资质：{}的取得日期（{got}）早于成立日期（{founded}）",
                        q.kind.label_zh()
                    ),
                    format!(
                        "qualifications: {} obtained on {got}, before the founding date ({founded})",
                        q.kind.label_en()
                    ),
                ));
            }
        }
        if let (Some(niche), Some(age)) = (firm.facts.niche_years, firm.years_since_founded(today))
        {
            if niche > age {
                out.push(FieldError::new(
                    "facts.niche_years",
                    code::NICHE_YEARS_OVER_AGE,
                    format!("细分市场年限：{niche}年，超过企业成立年限（{age}年，成立于{founded}）"),
                    format!(
                        "niche-market years: {niche}, more than the firm's age ({age} years, founded {founded})"
                    ),
                ));
            }
        }
    }
    if let (Some(stage @ (Stage::Seed | Stage::Startup)), Some(y)) =
        (firm.stage, firm.latest_year())
    {
        if let Some(rev) = y.revenue.filter(|r| *r >= EARLY_STAGE_MAX_REVENUE) {
            out.push(FieldError::new(
                "stage",
                code::STAGE_VS_REVENUE,
                format!(
                    "发展阶段：{}与{}年营业收入{}不符（1亿元以上的企业不属种子期/初创期）",
                    stage.label_zh(),
                    y.year,
                    crate::money::fmt_wan_unit(rev)
                ),
                format!(
                    "stage: {} does not fit {} revenue of {} (a firm with ≥ 1亿 revenue is not seed/start-up)",
                    stage.label_en(),
                    y.year,
                    crate::money::fmt_wan_unit(rev)
                ),
            ));
        }
    }
    founding_year_revenue(firm, &mut out);
    staff_vs_age(firm, today, &mut out);
    dates_after_today(firm, today, &mut out);
    awards_and_loans(firm, &mut out);
    if let Some(w) = high_tech_at_risk(firm, today, book) {
        out.push(w);
    }
    out
}

/// [`check_firm`] plus the firm's dated history ([`check_history`]): what `fudao firm show`
/// and import report when the needs, visits and feedback are at hand.
pub fn check_firm_and_history(
    firm: &Firm,
    needs: &[Need],
    visits: &[Visit],
    feedback: &[Feedback],
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut out = check_firm(firm, today);
    out.extend(check_history(firm, needs, visits, feedback));
    out
}

/// Warnings on the firm's dated history: needs raised, visits made and feedback given before
/// the firm was founded, and a loan disbursed to a firm recorded as never having borrowed.
/// One warning per kind of record, naming the earliest offending date and how many there are.
pub fn check_history(
    firm: &Firm,
    needs: &[Need],
    visits: &[Visit],
    feedback: &[Feedback],
) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mine = |id: uuid::Uuid| id == firm.id;
    if let Some(founded) = firm.founded {
        let mut before = |field: &str, code: &str, zh: &str, en: &str, dates: Vec<NaiveDate>| {
            if let Some(first) = dates.iter().min() {
                let n = dates.len();
                out.push(FieldError::new(
                    field,
                    code,
                    format!("{zh}：{n}条记录早于成立日期（{founded}），最早为{first}，请核对成立日期或记录日期"),
                    format!("{en}: {n} dated before the founding date ({founded}), the earliest on {first}; check the founding date or the records"),
                ));
            }
        };
        before(
            "needs",
            code::NEED_BEFORE_FOUNDING,
            "融资需求",
            "financing needs",
            needs
                .iter()
                .filter(|n| mine(n.firm_id) && n.raised_on < founded)
                .map(|n| n.raised_on)
                .collect(),
        );
        before(
            "visits",
            code::VISIT_BEFORE_FOUNDING,
            "走访记录",
            "visits",
            visits
                .iter()
                .filter(|v| mine(v.firm_id) && v.date < founded)
                .map(|v| v.date)
                .collect(),
        );
        before(
            "feedback",
            code::FEEDBACK_BEFORE_FOUNDING,
            "企业评价",
            "feedback",
            feedback
                .iter()
                .filter(|f| mine(f.firm_id) && f.date < founded)
                .map(|f| f.date)
                .collect(),
        );
    }
    if firm.ever_borrowed == Some(false) {
        let loan = needs
            .iter()
            .filter(|n| mine(n.firm_id) && n.kind == FinancingKind::Loan)
            .flat_map(|n| n.outcomes.iter())
            .map(|o| o.date)
            .min();
        if let Some(d) = loan {
            out.push(borrowed_vs_never(d));
        }
    }
    out
}

fn borrowed_vs_never(d: NaiveDate) -> FieldError {
    FieldError::new(
        "ever_borrowed",
        code::BORROWED_VS_NEVER,
        format!("曾获银行贷款：记录为“否”，但企业已于{d}获得贷款，请改为“是”"),
        format!("ever borrowed: recorded as no, but the firm got a loan on {d}; set it to yes"),
    )
}

/// The founding year's revenue, annualised over the days the firm existed, against the next
/// year's revenue (or, without a next year, against the 1亿 early-stage bound for a firm that
/// existed less than half of its founding year).
fn founding_year_revenue(firm: &Firm, out: &mut Vec<FieldError>) {
    let Some(founded) = firm.founded else { return };
    let fy = founded.year();
    let Some(rev) = firm
        .financials
        .iter()
        .find(|y| y.year == fy)
        .and_then(|y| y.revenue)
        .filter(|r| *r > 0)
    else {
        return;
    };
    let Some(dec31) = NaiveDate::from_ymd_opt(fy, 12, 31) else {
        return;
    };
    let days = (dec31 - founded).num_days() + 1;
    let next = firm
        .financials
        .iter()
        .find(|y| y.year == fy + 1)
        .and_then(|y| y.revenue);
    let implausible = match next {
        Some(n) => {
            rev as i128 * 365
                > FOUNDING_YEAR_ANNUALISED_MAX_MULTIPLE as i128 * n as i128 * days as i128
        }
        None => days < 183 && rev as i128 * 365 >= EARLY_STAGE_MAX_REVENUE as i128 * days as i128,
    };
    if implausible {
        let r = crate::money::fmt_wan_unit(rev);
        out.push(FieldError::new(
            "financials",
            code::FOUNDING_YEAR_REVENUE,
            format!("财务数据：企业成立于{founded}，成立当年仅经营{days}天，{fy}年营业收入{r}与之不符（按天折算远超次年水平），请核对成立日期或该年收入"),
            format!("financials: founded on {founded}, the firm existed {days} days in {fy}; its {fy} revenue of {r} does not fit (annualised, far above the following year); check the founding date or that year's revenue"),
        ));
    }
}

/// Headcount against the firm's age ([`STAFF_MAX_BY_AGE`]).
fn staff_vs_age(firm: &Firm, today: NaiveDate, out: &mut Vec<FieldError>) {
    let (Some(staff), Some(age), Some(founded)) =
        (firm.staff, firm.years_since_founded(today), firm.founded)
    else {
        return;
    };
    if let Some((_, max)) = STAFF_MAX_BY_AGE
        .iter()
        .find(|(upto, max)| age <= *upto && staff > *max)
    {
        out.push(FieldError::new(
            "staff",
            code::STAFF_VS_AGE,
            format!("从业人数：{staff}人，企业成立于{founded}（不足{}年），成立{}年内的企业超过{max}人不合常理，请核对人数或成立日期", age + 1, age + 1),
            format!("staff: {staff} people in a firm founded on {founded} (under {} years old); more than {max} is implausible at that age, check the headcount or the founding date", age + 1),
        ));
    }
}

/// Financial years after the current year and qualifications obtained after today.
fn dates_after_today(firm: &Firm, today: NaiveDate, out: &mut Vec<FieldError>) {
    let late: Vec<String> = firm
        .financials
        .iter()
        .filter(|y| y.year > today.year())
        .map(|y| y.year.to_string())
        .collect();
    if !late.is_empty() {
        out.push(FieldError::new(
            "financials",
            code::YEAR_IN_FUTURE,
            format!("财务数据：{}年度尚未到来（今天是{today}）", late.join("、")),
            format!(
                "financials: year {} has not come yet (today is {today})",
                late.join(", ")
            ),
        ));
    }
    for q in &firm.qualifications {
        if let Some(got) = q.obtained.filter(|d| *d > today) {
            out.push(FieldError::new(
                "qualifications",
                code::QUALIFICATION_IN_FUTURE,
                format!(
                    "企业资质：{}的取得日期（{got}）晚于今天（{today}）",
                    q.kind.label_zh()
                ),
                format!(
                    "qualifications: {} obtained on {got}, after today ({today})",
                    q.kind.label_en()
                ),
            ));
        }
    }
}

/// Award and standard years before the founding year, a first loan before founding, and a
/// first-loan date on a firm recorded as never having borrowed.
fn awards_and_loans(firm: &Firm, out: &mut Vec<FieldError>) {
    if let Some(founded) = firm.founded {
        let fy = founded.year();
        let facts = &firm.facts;
        for (field, zh, en, year) in [
            (
                "facts.national_award_year",
                "国家级科技奖励年份",
                "national S&T award year",
                facts.national_award_year,
            ),
            (
                "facts.provincial_award_year",
                "省级科技奖励年份",
                "provincial S&T award year",
                facts.provincial_award_year,
            ),
            (
                "facts.led_standard_year",
                "主导制定标准年份",
                "standard-setting year",
                facts.led_standard_year,
            ),
        ] {
            if let Some(y) = year.filter(|y| *y < fy) {
                out.push(FieldError::new(
                    field,
                    code::AWARD_BEFORE_FOUNDING,
                    format!("{zh}：{y}年早于成立日期（{founded}）"),
                    format!("{en}: {y} is before the founding date ({founded})"),
                ));
            }
        }
        if let Some(d) = firm.first_loan_date.filter(|d| *d < founded) {
            out.push(FieldError::new(
                "first_loan_date",
                code::FIRST_LOAN_BEFORE_FOUNDING,
                format!("首贷日期：{d}早于成立日期（{founded}）"),
                format!("first-loan date: {d} is before the founding date ({founded})"),
            ));
        }
    }
    if let (Some(false), Some(d)) = (firm.ever_borrowed, firm.first_loan_date) {
        out.push(borrowed_vs_never(d));
    }
}

/// A valid 高企 certificate whose holder fails one or more conditions on the evaluation's
/// figures: it may lose the certificate on review.
fn high_tech_at_risk(firm: &Firm, today: NaiveDate, book: &RuleBook) -> Option<FieldError> {
    let cert = firm
        .qualifications
        .iter()
        .find(|q| q.kind == QualificationKind::HighTech && q.is_valid_on(today))?;
    let result = high_tech::evaluate(firm, today, book.high_tech_for(today));
    let failing: Vec<_> = result
        .items
        .iter()
        .filter(|i| i.status == Status::NotMet)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let until = cert
        .expires
        .map(|d| (format!("（有效期至{d}）"), format!(" (valid until {d})")))
        .unwrap_or_default();
    let zh: Vec<&str> = failing.iter().map(|i| i.label.zh.as_str()).collect();
    let en: Vec<&str> = failing.iter().map(|i| i.label.en.as_str()).collect();
    Some(FieldError::new(
        "qualifications",
        code::HIGH_TECH_AT_RISK,
        format!(
            "企业资质：持有有效高新技术企业证书{}，但不满足{}，复审或抽查时可能被取消资格",
            until.0,
            zh.join("、")
        ),
        format!(
            "qualifications: holds a valid high-tech enterprise certificate{} but fails {}; it may be revoked on review",
            until.1,
            en.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Qualification, YearFinancials};
    use crate::money::WAN;
    use uuid::Uuid;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 11, 26)
    }

    /// A coherent firm: founded 2018, three years of figures, a 高企 certificate it deserves.
    fn firm() -> Firm {
        let mut f = Firm::new(Uuid::nil(), "91350100M000100Y43", "济南某某科技有限公司");
        f.founded = Some(day(2018, 3, 1));
        f.staff = Some(100);
        f.tech_staff = Some(30);
        f.stage = Some(Stage::Growth);
        f.ip.invention_patents = 3;
        for year in 2023..=2025 {
            f.financials.push(YearFinancials {
                year,
                revenue: Some(3_000 * WAN),
                rd_expense: Some(240 * WAN),
                rd_expense_domestic: Some(240 * WAN),
                total_cost: Some(2_500 * WAN),
                total_assets: Some(4_000 * WAN),
                liabilities: Some(1_500 * WAN),
                net_profit: Some(500 * WAN),
                operating_cash_flow: Some(400 * WAN),
                high_tech_revenue: Some(2_400 * WAN),
                total_income: Some(3_000 * WAN),
                main_business_revenue: Some(2_800 * WAN),
                ..Default::default()
            });
        }
        f.qualifications.push(Qualification {
            kind: QualificationKind::HighTech,
            obtained: Some(day(2024, 11, 15)),
            expires: Some(day(2027, 11, 14)),
            number: "GR202437000001".into(),
        });
        f.facts.niche_years = Some(5);
        f.facts.innovation_score = Some(80);
        f.facts.hitech_field = Some(true);
        f.facts.serious_incident = Some(false);
        f
    }

    fn codes(f: &Firm) -> Vec<String> {
        check_firm(f, today()).into_iter().map(|w| w.code).collect()
    }

    #[test]
    fn a_coherent_firm_has_no_warning() {
        assert_eq!(check_firm(&firm(), today()), vec![]);
    }

    #[test]
    fn financial_years_before_founding_are_named() {
        let mut f = firm();
        f.founded = Some(day(2024, 6, 1));
        f.qualifications.clear();
        f.facts.niche_years = Some(2);
        let w = check_firm(&f, today());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].field, "financials");
        assert_eq!(w[0].code, code::YEAR_BEFORE_FOUNDING);
        assert!(w[0].message.zh.contains("2023年度"), "{}", w[0].message.zh);
        assert!(
            w[0].message.zh.contains("2024-06-01"),
            "names the founding date"
        );
        assert!(w[0].message.en.contains("2023"));
        // The founding year itself is a (partial) financial year.
        f.financials.retain(|y| y.year >= 2024);
        assert_eq!(codes(&f), Vec::<String>::new());
    }

    #[test]
    fn qualifications_before_founding_are_named() {
        let mut f = firm();
        f.qualifications.push(Qualification {
            kind: QualificationKind::TechSme,
            obtained: Some(day(2017, 5, 20)),
            expires: None,
            number: String::new(),
        });
        let w = check_firm(&f, today());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].field, "qualifications");
        assert_eq!(w[0].code, code::QUALIFICATION_BEFORE_FOUNDING);
        assert!(w[0].message.zh.contains("科技型中小企业"));
        assert!(w[0].message.zh.contains("2017-05-20"));
    }

    #[test]
    fn niche_years_may_equal_but_not_exceed_the_age() {
        let mut f = firm();
        // Founded 2018-03-01: 8 whole years on 2026-11-26.
        f.facts.niche_years = Some(8);
        assert_eq!(codes(&f), Vec::<String>::new());
        f.facts.niche_years = Some(9);
        let w = check_firm(&f, today());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].field, "facts.niche_years");
        assert!(w[0].message.zh.contains("9年") && w[0].message.zh.contains("8年"));
    }

    #[test]
    fn early_stage_with_a_hundred_million_revenue_is_incoherent() {
        let mut f = firm();
        f.stage = Some(Stage::Startup);
        assert_eq!(codes(&f), Vec::<String>::new(), "3,000万 fits a start-up");
        f.year_mut(2025).revenue = Some(EARLY_STAGE_MAX_REVENUE - 1);
        f.year_mut(2025).high_tech_revenue = Some(EARLY_STAGE_MAX_REVENUE * 8 / 10);
        assert_eq!(codes(&f), Vec::<String>::new(), "just below 1亿");
        f.year_mut(2025).revenue = Some(EARLY_STAGE_MAX_REVENUE);
        assert_eq!(codes(&f), vec![code::STAGE_VS_REVENUE.to_string()]);
        f.stage = Some(Stage::Seed);
        assert_eq!(codes(&f), vec![code::STAGE_VS_REVENUE.to_string()]);
        f.stage = Some(Stage::Growth);
        assert_eq!(codes(&f), Vec::<String>::new());
    }

    #[test]
    fn a_certificate_holder_failing_conditions_is_at_risk() {
        let mut f = firm();
        // 37 % high-tech revenue, as in the issue.
        for y in &mut f.financials {
            y.high_tech_revenue = Some(y.revenue.unwrap() * 37 / 100);
        }
        let w = check_firm(&f, today());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, code::HIGH_TECH_AT_RISK);
        assert_eq!(w[0].field, "qualifications");
        assert!(
            w[0].message.zh.contains("2027-11-14"),
            "{}",
            w[0].message.zh
        );
        assert!(w[0].message.zh.contains("复审"));
        // An expired certificate is no longer at risk: the firm simply does not hold one.
        let later = day(2028, 1, 10);
        assert!(check_firm(&f, later)
            .iter()
            .all(|w| w.code != code::HIGH_TECH_AT_RISK));
        // Without a certificate the same figures give no warning.
        f.qualifications.clear();
        assert_eq!(codes(&f), Vec::<String>::new());
    }

    #[test]
    fn founding_year_revenue_must_fit_the_days_the_firm_existed() {
        let mut f = firm();
        // Founded 2024-12-17: 15 days in 2024.
        f.founded = Some(day(2024, 12, 17));
        f.qualifications.clear();
        f.facts.niche_years = Some(1);
        f.financials.retain(|y| y.year >= 2024);
        let w = check_firm(&f, today());
        assert_eq!(
            w.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
            vec![code::FOUNDING_YEAR_REVENUE],
            "a full year's 3,000万 in 15 days: {w:?}"
        );
        assert!(w[0].message.zh.contains("15天"), "{}", w[0].message.zh);
        assert!(w[0].message.zh.contains("2024-12-17"));
        // Band edge: annualised exactly 2× the next year is allowed, one yuan more is not.
        let next = 3_000 * WAN;
        let edge = 2 * next * 15 / 365;
        f.year_mut(2024).revenue = Some(edge);
        assert_eq!(codes(&f), Vec::<String>::new(), "{edge}");
        f.year_mut(2024).revenue = Some(edge + 1);
        assert_eq!(codes(&f), vec![code::FOUNDING_YEAR_REVENUE.to_string()]);
        // Without a following year: under half a year, ≥ 1亿 annualised is implausible.
        f.financials.retain(|y| y.year == 2024);
        let edge = EARLY_STAGE_MAX_REVENUE * 15 / 365;
        f.year_mut(2024).revenue = Some(edge - 1);
        assert_eq!(codes(&f), Vec::<String>::new());
        f.year_mut(2024).revenue = Some(edge + 1);
        assert_eq!(codes(&f), vec![code::FOUNDING_YEAR_REVENUE.to_string()]);
        // Founded early in the year: the founding year may carry most of a year's revenue.
        f.founded = Some(day(2024, 2, 1));
        f.year_mut(2024).revenue = Some(3_000 * WAN);
        assert_eq!(codes(&f), Vec::<String>::new());
    }

    #[test]
    fn staff_must_fit_the_firm_age() {
        let mut f = firm();
        f.qualifications.clear();
        f.facts.niche_years = Some(0);
        f.financials.clear();
        f.founded = Some(day(2026, 1, 10)); // 0 whole years on 2026-11-26
        f.staff = Some(100);
        f.tech_staff = Some(10);
        assert_eq!(codes(&f), Vec::<String>::new());
        f.staff = Some(101);
        let w = check_firm(&f, today());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, code::STAFF_VS_AGE);
        assert_eq!(w[0].field, "staff");
        assert!(w[0].message.zh.contains("101人"));
        f.founded = Some(day(2024, 1, 10)); // 2 whole years: up to 300
        f.staff = Some(300);
        assert_eq!(codes(&f), Vec::<String>::new());
        f.staff = Some(418);
        assert_eq!(codes(&f), vec![code::STAFF_VS_AGE.to_string()]);
        f.founded = Some(day(2023, 1, 10)); // 3 whole years: no ceiling
        assert_eq!(codes(&f), Vec::<String>::new());
    }

    #[test]
    fn future_dates_awards_and_loans_are_checked() {
        let mut f = firm();
        f.year_mut(2027).revenue = Some(WAN);
        f.qualifications.push(Qualification {
            kind: QualificationKind::TechSme,
            obtained: Some(day(2026, 12, 1)),
            expires: None,
            number: String::new(),
        });
        f.facts.national_award_year = Some(2017);
        f.facts.led_standard_year = Some(2018);
        f.first_loan_date = Some(day(2018, 2, 1));
        f.ever_borrowed = Some(false);
        let got = codes(&f);
        for c in [
            code::YEAR_IN_FUTURE,
            code::QUALIFICATION_IN_FUTURE,
            code::AWARD_BEFORE_FOUNDING,
            code::FIRST_LOAN_BEFORE_FOUNDING,
            code::BORROWED_VS_NEVER,
        ] {
            assert_eq!(got.iter().filter(|g| *g == c).count(), 1, "{c}: {got:?}");
        }
        assert_eq!(got.len(), 5, "nothing else: {got:?}");
    }

    #[test]
    fn history_before_founding_is_named_once_per_kind() {
        use crate::model::{
            Feedback, FeedbackSource, FinancingKind, Need, NeedStatus, Outcome, Satisfaction,
            Visit, VisitMode,
        };
        let f = firm(); // founded 2018-03-01
        let need = |raised: NaiveDate| Need {
            id: Uuid::from_u128(7),
            firm_id: f.id,
            team_id: None,
            amount: 100 * WAN,
            purpose: "研发投入".into(),
            term_months: Some(12),
            kind: FinancingKind::Loan,
            collateral: vec![],
            raised_on: raised,
            ruling: None,
            status: NeedStatus::Raised,
            outcomes: vec![],
            met_by_coach: false,
            closed_on: None,
            unmet_reason: None,
        };
        let visit = |d: NaiveDate| Visit {
            id: Uuid::from_u128(7),
            firm_id: f.id,
            team_id: None,
            date: d,
            coach_ids: vec![],
            mode: VisitMode::OnSite,
            notes: String::new(),
            findings: String::new(),
            tasks: vec![],
        };
        let fb = |d: NaiveDate| Feedback {
            id: Uuid::from_u128(7),
            firm_id: f.id,
            team_id: None,
            date: d,
            rating: Satisfaction::Satisfied,
            comment: String::new(),
            source: FeedbackSource::Qr,
            need_met: None,
            plan_id: None,
            plan_version: None,
        };
        let needs = vec![need(day(2018, 3, 1)), need(day(2026, 1, 5))];
        let visits = vec![visit(day(2018, 3, 1))];
        let feedback = vec![fb(day(2019, 1, 1))];
        assert_eq!(
            check_history(&f, &needs, &visits, &feedback),
            vec![],
            "on the founding day is fine"
        );
        let needs = vec![
            need(day(2017, 5, 1)),
            need(day(2016, 4, 2)),
            need(day(2026, 1, 5)),
        ];
        let visits = vec![visit(day(2018, 2, 28))];
        let feedback = vec![fb(day(2010, 1, 1))];
        let w = check_history(&f, &needs, &visits, &feedback);
        let got: Vec<(&str, &str)> = w
            .iter()
            .map(|w| (w.field.as_str(), w.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("needs", code::NEED_BEFORE_FOUNDING),
                ("visits", code::VISIT_BEFORE_FOUNDING),
                ("feedback", code::FEEDBACK_BEFORE_FOUNDING)
            ]
        );
        assert!(
            w[0].message.zh.contains("2条") && w[0].message.zh.contains("2016-04-02"),
            "{}",
            w[0].message.zh
        );
        // A loan disbursed to a firm recorded as never having borrowed.
        let mut never = f.clone();
        never.ever_borrowed = Some(false);
        let mut got_loan = need(day(2025, 3, 1));
        got_loan.status = NeedStatus::Disbursed;
        got_loan.outcomes.push(Outcome {
            institution: "某银行".into(),
            product: "信用贷".into(),
            amount: 100 * WAN,
            rate_bp: None,
            date: day(2025, 4, 1),
            credit: true,
            product_kind: "信用贷".into(),
        });
        let w = check_firm_and_history(&never, &[got_loan.clone()], &[], &[], today());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, code::BORROWED_VS_NEVER);
        assert!(w[0].message.zh.contains("2025-04-01"));
        // Another firm's records are not this firm's.
        got_loan.firm_id = Uuid::from_u128(7);
        assert_eq!(
            check_firm_and_history(&never, &[got_loan], &[], &[], today()),
            vec![]
        );
    }
}
