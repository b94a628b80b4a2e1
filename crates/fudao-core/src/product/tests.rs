use super::*;

#[test]
fn builtin_catalog_parses_validates_and_covers_every_kind() {
    let c = builtin_catalog();
    assert!(c.products.len() >= 25, "only {} products", c.products.len());
    for k in ProductKind::ALL {
        assert!(
            c.products.iter().any(|p| p.kind == *k),
            "no product of kind {k}"
        );
    }
    for ik in [
        InstitutionKind::Bank,
        InstitutionKind::Guarantor,
        InstitutionKind::Insurer,
        InstitutionKind::Fund,
    ] {
        assert!(c.products.iter().any(|p| p.institution_kind == ik));
    }
    // Stable ids: the same file gives the same ids.
    assert_eq!(builtin_catalog().products[0].id, c.products[0].id);
    assert!(c.products.iter().all(|p| !p.id.is_nil()));
}

#[test]
fn kind_mapping() {
    assert_eq!(
        ProductKind::VentureEquity.financing_kind(),
        FinancingKind::Equity
    );
    assert_eq!(ProductKind::TechBond.financing_kind(), FinancingKind::Bond);
    assert_eq!(
        ProductKind::IpFinancingInsurance.financing_kind(),
        FinancingKind::Insurance
    );
    assert_eq!(
        ProductKind::IpPledgeLoan.financing_kind(),
        FinancingKind::Loan
    );
    assert!(ProductKind::CreditLoan.is_credit());
    assert!(!ProductKind::IpPledgeLoan.is_credit());
    assert_eq!(
        ProductKind::parse("政采贷"),
        Some(ProductKind::ProcurementLoan)
    );
}

fn product() -> Product {
    Product {
        id: Uuid::from_u128(1),
        code: "T-1".into(),
        institution: "测试银行".into(),
        institution_kind: InstitutionKind::Bank,
        branch: String::new(),
        contact: String::new(),
        name: "测试贷".into(),
        kind: ProductKind::CreditLoan,
        amount_min: 100_000,
        amount_max: 5_000_000,
        rate_min_bp: Some(345),
        rate_max_bp: Some(435),
        term_min_months: 6,
        term_max_months: 36,
        collateral: vec![],
        approval_days: 7,
        rules: vec![],
        subsidies: vec![Subsidy::InterestPercent {
            percent: 50,
            source: "济南市科技金融贴息".into(),
        }],
        description: String::new(),
        active: true,
    }
}

#[test]
fn product_validation_reports_bilingual_field_errors() {
    assert_eq!(product().validate(), Ok(()));
    let mut p = product();
    p.amount_min = 9_000_000;
    p.rate_min_bp = Some(500);
    p.term_min_months = 48;
    p.rules = vec![
        EligibilityRule::DistrictIn {
            districts: vec!["110108".into()],
        },
        EligibilityRule::IndustryIn {
            sections: vec!["Z".into()],
        },
    ];
    p.subsidies.push(Subsidy::PremiumPercent {
        percent: 120,
        source: String::new(),
    });
    let e = p.validate().unwrap_err();
    assert_eq!(
        e.fields().collect::<Vec<_>>(),
        [
            "amount_min",
            "rate_min_bp",
            "term_max_months",
            "rules",
            "rules",
            "subsidies"
        ]
    );
    assert!(e.0[0].message.zh.contains("900万元"));
    assert!(e.0[3].message.zh.contains("110108"));
    assert!(e.0[3].message.en.contains("rule 1"));
}

#[test]
fn catalogue_rejects_duplicates() {
    let c = Catalog {
        version: 1,
        published: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        products: vec![product(), product()],
    };
    let e = c.validate().unwrap_err();
    let codes: Vec<&str> = e.0.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["duplicate_id", "duplicate_code"]);
}

#[test]
fn subsidies_reduce_cost() {
    let p = product();
    assert_eq!(p.mid_rate_bp(), Some(390));
    assert_eq!(p.cost_after_subsidy_bp(390), 195);
    let s = Subsidy::InterestBp {
        bp: 150,
        source: String::new(),
    };
    assert_eq!(s.cost_reduction_bp(400), 150);
    assert_eq!(s.describe().zh, "贴息1.5个百分点");
    assert_eq!(fmt_bp_pct(365), "3.65%");
    assert_eq!(p.rate_text(), "3.45%–4.35%");
    assert_eq!(p.amount_text(), "10–500万元");
}

#[test]
fn rules_serialise_tagged() {
    let r = EligibilityRule::QualificationHeld {
        any_of: vec![QualificationKind::HighTech],
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"rule":"qualification_held","any_of":["high_tech"]}"#
    );
    let back: EligibilityRule =
        serde_json::from_str(r#"{"rule":"risk_grade_at_least","grade":"B"}"#).unwrap();
    assert_eq!(
        back,
        EligibilityRule::RiskGradeAtLeast {
            grade: RiskGrade::B
        }
    );
    assert!(RiskGrade::A.at_least(RiskGrade::B));
    assert!(!RiskGrade::C.at_least(RiskGrade::B));
}
