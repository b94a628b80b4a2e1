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
use crate::model::{Firm, QualificationKind, Stage};
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
}

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
    if let Some(w) = high_tech_at_risk(firm, today, book) {
        out.push(w);
    }
    out
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
}
