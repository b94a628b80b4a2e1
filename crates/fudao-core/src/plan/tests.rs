use super::*;
use crate::doc::Block;
use crate::model::{
    AssessmentFacts, Contact, FinancingKind, FollowUpTask, NeedStatus, Outcome, Qualification,
    ReasonCode, Ruling, Stage, VisitMode, YearFinancials,
};
use crate::product::builtin_catalog;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn today() -> NaiveDate {
    d(2026, 11, 26)
}

fn bare_firm() -> Firm {
    let mut f = Firm::new(
        Uuid::from_u128(0x1234),
        "91350100M000100Y43",
        "济南无数据科技有限公司",
    );
    f.team_id = Some(Uuid::from_u128(0x77));
    f
}

fn first_loan_firm() -> Firm {
    let mut f = bare_firm();
    f.name = "济南泉芯微电子科技有限公司".into();
    f.founded = Some(d(2020, 5, 18));
    f.district = Some("370112".into());
    f.industry = Some("C3973".into());
    f.registered_capital = Some(5_000_000);
    f.staff = Some(46);
    f.tech_staff = Some(19);
    f.high_talents = Some(2);
    f.stage = Some(Stage::Growth);
    f.ever_borrowed = Some(false);
    f.first_loan_list = true;
    f.ip.invention_patents = 2;
    f.ip.utility_models = 6;
    f.ip.software_copyrights = 3;
    f.contacts.push(Contact {
        name: "王建华".into(),
        title: "总经理".into(),
        phone: "13800000000".into(),
        email: String::new(),
    });
    f.qualifications.push(Qualification {
        kind: QualificationKind::TechSme,
        obtained: Some(d(2026, 3, 1)),
        expires: Some(d(2026, 12, 31)),
        number: "202637011200123".into(),
    });
    for (y, rev, rd, np) in [
        (2023, 1_200, 110, 60),
        (2024, 1_650, 150, 95),
        (2025, 2_180, 190, 140),
    ] {
        *f.year_mut(y) = YearFinancials {
            year: y,
            revenue: Some(rev * 10_000),
            rd_expense: Some(rd * 10_000),
            total_cost: Some((rev - np) * 10_000),
            total_assets: Some(rev * 9_000),
            liabilities: Some(rev * 3_500),
            net_profit: Some(np * 10_000),
            ..Default::default()
        };
    }
    f.facts = AssessmentFacts {
        credit_overdue: Some(false),
        receivables: Some(3_200_000),
        gov_procurement: Some(false),
        ..Default::default()
    };
    f
}

fn need(i: u128, amount: Yuan, kind: FinancingKind, status: NeedStatus) -> Need {
    Need {
        id: Uuid::from_u128(1000 + i),
        firm_id: Uuid::from_u128(0x1234),
        team_id: None,
        amount,
        purpose: "购买检测设备及补充流动资金".into(),
        term_months: Some(12),
        kind,
        collateral: vec![],
        raised_on: d(2026, 9, 1) + Days::new(i as u64),
        ruling: Some(Ruling {
            reasonable: true,
            reason: None,
            note: String::new(),
        }),
        status,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    }
}

fn visit() -> Visit {
    Visit {
        id: Uuid::from_u128(5),
        firm_id: Uuid::from_u128(0x1234),
        team_id: None,
        date: d(2026, 11, 10),
        coach_ids: vec![],
        mode: VisitMode::OnSite,
        notes: "实地走访".into(),
        findings: String::new(),
        tasks: vec![
            FollowUpTask {
                title: "协助企业整理应收账款清单".into(),
                owner: "李辅导员".into(),
                due: d(2026, 12, 10),
                done: false,
            },
            FollowUpTask {
                title: "已完成的任务".into(),
                owner: String::new(),
                due: d(2026, 11, 20),
                done: true,
            },
        ],
    }
}

fn compose(firm: &Firm, needs: &[Need], visits: &[Visit], previous: Option<&Plan>) -> Plan {
    let cat = builtin_catalog();
    compose_plan(&PlanInput {
        firm,
        needs,
        visits,
        team_name: "历城区科创金融辅导一队",
        coach_name: "李明",
        catalog: &cat,
        today: today(),
        previous,
    })
}

fn texts(doc: &Document) -> String {
    let mut all = String::new();
    doc.for_each_text(|_, t| {
        all.push_str(t);
        all.push('\n');
    });
    all
}

#[test]
fn first_loan_firm_plan_has_every_section_and_sensible_products() {
    let f = first_loan_firm();
    let needs = vec![need(
        1,
        3_000_000,
        FinancingKind::Loan,
        NeedStatus::Matching,
    )];
    let p = compose(&f, &needs, &[visit()], None);
    assert_eq!(p.version, 1);
    assert_eq!(p.status, PlanStatus::Draft);
    assert_eq!(p.number, "JNFD-2026-M000100Y4-v1");
    assert_eq!(p.team_id, f.team_id);
    assert_eq!(p.validate(), Ok(()));
    let c = &p.content;
    // Credit plan: eligible products answer the 300万 loan need, first-loan product among them.
    assert!(!c.credit.items.is_empty());
    assert!(
        c.credit
            .items
            .iter()
            .any(|i| i.product_code == "TSSY-SD-01"),
        "{:?}",
        c.credit
            .items
            .iter()
            .map(|i| &i.product_code)
            .collect::<Vec<_>>()
    );
    let first = &c.credit.items[0];
    assert!(first.amount.contains("万元"));
    assert!(!first.why.is_empty());
    assert!(first.for_need.contains("300万元"));
    // Near misses carry actions, and they become tasks.
    assert!(!c.credit.near_misses.is_empty());
    assert!(c.credit.near_misses.iter().all(|n| !n.missing.is_empty()));
    assert!(c.actions.iter().any(|a| a.source == "产品培育"));
    // The open visit task is carried over with its owner; the done one is not.
    assert!(c
        .actions
        .iter()
        .any(|a| a.task == "协助企业整理应收账款清单" && a.owner == "李辅导员"));
    assert!(!c.actions.iter().any(|a| a.task == "已完成的任务"));
    assert!(c.actions.windows(2).all(|w| w[0].due <= w[1].due));
    // Diagnosis: three years oldest first, risk graded.
    let years: Vec<i32> = c.diagnosis.financials.iter().map(|y| y.year).collect();
    assert_eq!(years, [2023, 2024, 2025]);
    assert!(["A", "B", "C", "D"].contains(&c.diagnosis.risk.grade.as_str()));
    assert!(c.monitoring.iter().any(|t| t.indicator == "首笔银行贷款"));

    let doc = to_document(&p);
    assert_eq!(doc.validate(), Ok(()));
    let all = texts(&doc);
    for h in section_headings() {
        assert!(all.contains(h), "missing heading {h}");
    }
    for s in [
        "济南泉芯微电子科技有限公司",
        "91350100M000100Y43",
        "历城区科创金融辅导一队",
        "李明",
        "2,180",
        "首贷培植信用贷",
    ] {
        assert!(all.contains(s), "missing {s}");
    }
    assert!(doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Chart(Chart::Radar { .. }))));
    assert!(doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Chart(Chart::Bars { .. }))));
    assert!(doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::SignOff { .. })));
}

#[test]
fn high_tech_firm_gets_no_high_tech_roadmap_and_qualification_products() {
    let mut f = first_loan_firm();
    f.ever_borrowed = Some(true);
    f.first_loan_list = false;
    f.qualifications.push(Qualification {
        kind: QualificationKind::HighTech,
        obtained: Some(d(2025, 12, 1)),
        expires: Some(d(2028, 11, 30)),
        number: "GR202537001234".into(),
    });
    let needs = vec![need(1, 5_000_000, FinancingKind::Loan, NeedStatus::Raised)];
    let p = compose(&f, &needs, &[], None);
    let c = &p.content;
    let codes: Vec<&str> = c
        .credit
        .items
        .iter()
        .map(|i| i.product_code.as_str())
        .collect();
    assert!(!codes.contains(&"TSSY-SD-01"));
    assert!(
        codes
            .iter()
            .any(|c| ["QLKC-KJZH-01", "QLKC-ZSCQ-01", "QLKC-TDLD-01"].contains(c)),
        "{codes:?}"
    );
    let roadmap = c.measures.iter().find(|m| m.title == "资质培育路线");
    assert!(roadmap.is_none_or(|m| !m.text.contains("高新技术企业：")));
    assert!(!c
        .monitoring
        .iter()
        .any(|t| t.indicator == "高新技术企业认定"));
    assert!(c
        .profile
        .rows
        .iter()
        .any(|r| r.value.contains("高新技术企业（有效期至2028-11-30）")));
}

#[test]
fn thirty_needs_all_listed_and_summarised() {
    let f = first_loan_firm();
    let mut needs: Vec<Need> = (0..34)
        .map(|i| {
            let status = match i % 4 {
                0 => NeedStatus::Raised,
                1 => NeedStatus::Unmet,
                2 => NeedStatus::Disbursed,
                _ => NeedStatus::Matching,
            };
            let mut n = need(i, 100_000 * (i as i64 + 1), FinancingKind::Loan, status);
            if status == NeedStatus::Disbursed {
                n.outcomes.push(Outcome {
                    institution: "泉城农村商业银行".into(),
                    product: "专利快贷".into(),
                    amount: 100_000,
                    rate_bp: Some(385),
                    date: d(2026, 10, 1),
                    credit: false,
                    product_kind: String::new(),
                });
            }
            if status == NeedStatus::Unmet {
                n.unmet_reason = Some(ReasonCode::InsufficientCollateral);
            }
            n
        })
        .collect();
    needs[3].ruling = Some(Ruling {
        reasonable: false,
        reason: Some(ReasonCode::Speculative),
        note: String::new(),
    });
    let p = compose(&f, &needs, &[], None);
    assert_eq!(p.content.needs.len(), 34);
    // Newest first.
    assert!(p
        .content
        .needs
        .windows(2)
        .all(|w| w[0].raised_on >= w[1].raised_on));
    assert!(p.content.needs_text.contains("累计登记融资需求34笔"));
    assert!(p.content.needs_text.contains("不合理1笔"));
    assert!(p
        .content
        .needs
        .iter()
        .any(|n| n.ruling == "不合理（投机性需求）"));
    assert!(p
        .content
        .needs
        .iter()
        .any(|n| n.outcome.contains("泉城农村商业银行 10万元，3.85%")));
    assert!(p
        .content
        .needs
        .iter()
        .any(|n| n.outcome == "未满足：缺乏有效抵质押/担保"));
    assert!(p.content.credit.items.len() <= MAX_ITEMS);
    let doc = to_document(&p);
    assert_eq!(doc.validate(), Ok(()));
    let needs_table = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.columns[0].header == "提出日期" => Some(t),
            _ => None,
        })
        .expect("needs table");
    assert_eq!(needs_table.rows.len(), 34);
}

#[test]
fn firm_without_data_still_yields_every_section_with_dashes() {
    let f = bare_firm();
    let p = compose(&f, &[], &[], None);
    assert_eq!(p.validate(), Ok(()));
    let c = &p.content;
    assert!(c.diagnosis.financials.is_empty());
    assert!(c.needs.is_empty());
    assert!(c.needs_text.starts_with("暂无融资需求记录"));
    assert!(!c.capital_market.relevant);
    assert!(c
        .profile
        .rows
        .iter()
        .any(|r| r.label == "成立日期" && r.value == MISSING));
    // Nothing is claimed without data: no product is recommended on unknown rules.
    for it in &c.credit.items {
        assert!(it.missing.is_empty());
    }
    assert!(c
        .measures
        .iter()
        .any(|m| m.text.contains("缺少2023、2024、2025年度")));
    let doc = to_document(&p);
    assert_eq!(doc.validate(), Ok(()));
    let all = texts(&doc);
    for h in section_headings() {
        assert!(all.contains(h), "missing heading {h}");
    }
    assert!(all.contains("暂无融资需求记录"));
    assert!(all.contains("暂无财务数据"));
    assert!(all.contains("本期方案不涉及资本市场路径"));
    assert!(!doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Chart(Chart::Bars { .. }))));
}

#[test]
fn confirmed_plan_is_immutable_and_versions_forward() {
    let f = first_loan_firm();
    let needs = vec![need(
        1,
        3_000_000,
        FinancingKind::Loan,
        NeedStatus::Matching,
    )];
    let mut p = compose(&f, &needs, &[], None);
    let chosen = p.content.credit.items[1].product_id;
    p.choose_products(&[chosen, chosen]).unwrap();
    assert_eq!(p.content.chosen_products, vec![chosen]);
    assert_eq!(p.recommended().len(), 1);
    assert_eq!(
        p.choose_products(&[Uuid::from_u128(42)]),
        Err(PlanError::UnknownProduct(Uuid::from_u128(42)))
    );
    p.edit_section(SectionKey::Credit, "  辅导员改写的信贷方案说明。 ")
        .unwrap();
    assert_eq!(
        p.content.text(SectionKey::Credit),
        "辅导员改写的信贷方案说明。"
    );

    // Re-composing a draft keeps id, version, edits and choices.
    let again = compose(&f, &needs, &[], Some(&p));
    assert_eq!((again.id, again.version), (p.id, p.version));
    assert_eq!(again.content.chosen_products, vec![chosen]);
    assert_eq!(
        again.content.text(SectionKey::Credit),
        "辅导员改写的信贷方案说明。"
    );

    p.confirm(d(2026, 11, 27)).unwrap();
    assert_eq!(p.validate(), Ok(()));
    let before = p.clone();
    let err = p.edit_section(SectionKey::Profile, "x").unwrap_err();
    assert_eq!(err.code(), "plan.not_draft");
    assert!(err.to_string().contains("已确认"));
    assert!(p.choose_products(&[]).is_err());
    assert!(p.set_actions(vec![]).is_err());
    assert!(p.confirm(today()).is_err());
    assert_eq!(p, before);

    let v2 = p.new_version(d(2026, 12, 1));
    assert_eq!(v2.version, 2);
    assert_eq!(v2.status, PlanStatus::Draft);
    assert_ne!(v2.id, p.id);
    assert_eq!(v2.id, plan_id(f.id, 2));
    assert!(v2.number.ends_with("-v2"));
    assert_eq!(v2.confirmed_on, None);
    assert_eq!(v2.validate(), Ok(()));

    // Composing after a confirmed plan also makes version 2 with the same id.
    let v2b = compose(&f, &needs, &[], Some(&p));
    assert_eq!((v2b.version, v2b.id), (2, v2.id));

    p.mark_delivered().unwrap();
    assert_eq!(p.status, PlanStatus::Delivered);
    assert!(v2.clone().mark_delivered().is_err());
}

#[test]
fn plan_round_trips_through_json_and_validates_status_dates() {
    let p = compose(&first_loan_firm(), &[], &[], None);
    let json = serde_json::to_string(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let mut bad = p.clone();
    bad.status = PlanStatus::Confirmed;
    assert_eq!(
        bad.validate().unwrap_err().fields().collect::<Vec<_>>(),
        ["confirmed_on"]
    );
    assert_eq!(SectionKey::parse("credit"), Some(SectionKey::Credit));
    assert_eq!(SectionKey::parse("信贷支持方案"), Some(SectionKey::Credit));
}

#[test]
fn composition_is_deterministic() {
    let f = first_loan_firm();
    let needs = vec![need(
        1,
        3_000_000,
        FinancingKind::Loan,
        NeedStatus::Matching,
    )];
    assert_eq!(
        compose(&f, &needs, &[visit()], None),
        compose(&f, &needs, &[visit()], None)
    );
}
