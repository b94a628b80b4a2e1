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

#[test]
fn an_overdue_credit_record_closes_every_borrowing_product_even_unlisted() {
    // 人才创业贷's catalogue entry lists no credit rule; a firm with an overdue record was
    // offered it as directly applicable while the plan said to clear the overdue first.
    let mut f = first_loan_firm();
    f.high_talents = Some(3);
    f.ever_borrowed = Some(true);
    f.first_loan_list = false;
    f.facts.credit_overdue = Some(true);
    let cat = builtin_catalog();
    let r = match_products(&f, None, &cat.products, today());
    for m in &r.eligible {
        let p = cat.products.iter().find(|p| p.id == m.product_id).unwrap();
        assert!(
            !p.kind.needs_clean_credit(),
            "{} offered as applicable to a firm with an overdue record",
            p.name
        );
    }
    let talent = r
        .near_misses
        .iter()
        .find(|m| m.product_name == "人才创业贷")
        .expect("人才创业贷 is a near miss: the overdue record is fixable");
    assert!(
        talent.missing.iter().any(|m| m.zh.contains("逾期")),
        "{:?}",
        talent.missing
    );
    // A product with no rules at all still asks for a clean record when it lends, and an
    // equity product does not.
    let lend = product(vec![]);
    assert_eq!(*lend.conditions(), [EligibilityRule::CleanCredit]);
    let mut equity = product(vec![]);
    equity.kind = ProductKind::VentureEquity;
    assert!(equity.conditions().is_empty());
    let listed = product(vec![EligibilityRule::CleanCredit]);
    assert_eq!(listed.conditions().len(), 1, "listed once, not twice");
}

#[test]
fn a_loan_insurance_premium_is_not_scored_as_an_all_in_rate() {
    // 科技贷款保证保险 (premium ≈ 0.75 % after subsidy) outranked every loan as the cheapest
    // product, though the firm pays the premium on top of the loan's interest.
    let f = first_loan_firm();
    let cat = builtin_catalog();
    let r = match_products(&f, None, &cat.products, today());
    let ins = r
        .eligible
        .iter()
        .find(|m| m.kind == ProductKind::LoanGuaranteeInsurance)
        .expect("the first-loan firm qualifies for loan guarantee insurance");
    assert!(ins.effective_rate_bp.unwrap() < 150, "{ins:?}");
    assert_eq!(ins.fit.cost, 15, "{:?}", ins.fit);
    // A loan at the same effective rate would have scored the full 30.
    let loan = r
        .eligible
        .iter()
        .find(|m| m.kind.financing_kind() == FinancingKind::Loan)
        .expect("a loan");
    assert!(loan.fit.cost > 0 && loan.fit.cost <= 30, "{:?}", loan.fit);
}

#[test]
fn without_a_need_a_use_restriction_is_said_as_the_products() {
    let f = first_loan_firm();
    let p = product(vec![EligibilityRule::PurposeIn {
        uses: vec![FundUse::WorkingCapital],
    }]);
    let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
    let c = check_rule(&p.rules[0], &p, &f, today(), &eval);
    assert_eq!(c.status, RuleStatus::Met);
    assert_eq!(c.text.zh, "产品资金限用于流动资金周转");
}

#[test]
fn high_tech_opens_nothing_for_a_firm_outside_its_fields() {
    let mut f = first_loan_firm();
    f.facts.hitech_field = Some(false);
    let eval = crate::eval::evaluate(&f, today(), RuleBook::builtin());
    assert!(eval.high_tech.field_barred());
    let only = EligibilityRule::QualificationHeld {
        any_of: vec![QualificationKind::HighTech],
    };
    let p = product(vec![only.clone()]);
    let c = check_rule(&only, &p, &f, today(), &eval);
    assert_eq!(c.status, RuleStatus::NotMet);
    assert!(!c.fixable, "{c:?}");
    let either = EligibilityRule::QualificationHeld {
        any_of: vec![
            QualificationKind::HighTech,
            QualificationKind::SrdiProvincial,
        ],
    };
    let c = check_rule(&either, &p, &f, today(), &eval);
    assert!(c.fixable, "{c:?}");
    assert!(!c.action.unwrap().zh.contains("高新技术企业差距"));
}

#[test]
fn an_honour_the_evaluation_does_not_assess_is_a_step_the_firm_can_take() {
    // "取得瞪羚企业或独角兽企业认定后可申请瞪羚成长贷" became an action-plan task the firm could not
    // start: it is to check the criteria and apply.
    let f = first_loan_firm();
    let cat = builtin_catalog();
    let r = match_products(&f, None, &cat.products, today());
    let m = r
        .near_misses
        .iter()
        .find(|m| m.product_code == "HHKJ-DL-01")
        .expect("瞪羚成长贷 is a near miss");
    assert!(
        m.missing.iter().any(|x| x.zh
            == "对照瞪羚企业或独角兽企业认定条件自评，符合条件的申报认定后可申请瞪羚成长贷"),
        "{:?}",
        m.missing
    );
    // A designation the evaluation assesses keeps its step (and the gap).
    assert!(
        r.near_misses
            .iter()
            .flat_map(|m| &m.missing)
            .any(|x| x.zh.starts_with("取得省级专精特新中小企业")),
        "{:?}",
        r.near_misses
    );
}
