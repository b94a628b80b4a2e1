use super::*;

fn firm() -> Firm {
    Firm::new(Uuid::nil(), "91350100M000100Y43", "济南量子科技有限公司")
}

#[test]
fn valid_firm() {
    assert_eq!(firm().validate(), Ok(()));
}

#[test]
fn firm_field_errors() {
    let mut f = firm();
    f.uscc = "91350100M000100Y44".into();
    f.staff = Some(10);
    f.tech_staff = Some(11);
    f.registered_capital = Some(-1);
    f.name = " ".into();
    let e = f.validate().unwrap_err();
    let fields: Vec<&str> = e.fields().collect();
    assert_eq!(fields, ["name", "uscc", "tech_staff", "registered_capital"]);
    assert!(e.0[2].message.zh.contains("科技人员数（11）"));
}

#[test]
fn uscc_override_needs_reason_and_only_covers_check_chars() {
    let mut f = firm();
    f.uscc = "91350100M000100Y44".into();
    f.uscc_override = Some("工商登记原件如此".into());
    assert_eq!(f.validate(), Ok(()));
    f.uscc = "9135".into();
    assert!(f.validate().is_err());
}

#[test]
fn need_rules() {
    let n = Need {
        id: Uuid::nil(),
        firm_id: Uuid::nil(),
        team_id: None,
        amount: 0,
        purpose: String::new(),
        term_months: None,
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ruling: Some(Ruling {
            reasonable: false,
            reason: None,
            note: String::new(),
        }),
        status: NeedStatus::Disbursed,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    };
    let e = n.validate().unwrap_err();
    assert_eq!(
        e.fields().collect::<Vec<_>>(),
        ["amount", "ruling", "outcomes"]
    );
}

#[test]
fn enums_parse_from_labels() {
    assert_eq!(NeedStatus::parse("已放款"), Some(NeedStatus::Disbursed));
    assert_eq!(NeedStatus::parse("partly_met"), Some(NeedStatus::PartlyMet));
    assert_eq!(Role::parse("Team lead"), Some(Role::Lead));
    assert_eq!(
        serde_json::to_string(&QualificationKind::SrdiLittleGiant).unwrap(),
        "\"srdi_little_giant\""
    );
}

#[test]
fn year_mut_creates_sorted() {
    let mut f = firm();
    f.year_mut(2025).revenue = Some(1);
    f.year_mut(2023).revenue = Some(2);
    f.year_mut(2025).rd_expense = Some(3);
    assert_eq!(
        f.financials.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2023, 2025]
    );
    assert_eq!(f.latest_year().unwrap().rd_expense, Some(3));
}
