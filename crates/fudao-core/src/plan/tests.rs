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
    // Credit plan: the 300万 loan need (equipment: long money) gets its package of the four
    // best-fitting products; the first-loan product (up to 24 months) also fits it.
    assert_eq!(c.credit.packages.len(), 1);
    assert_eq!(c.credit.items, c.credit.packages[0].items);
    assert_eq!(c.credit.items.len(), MAX_PER_NEED);
    assert!(c.credit.items.iter().all(|i| i.term_months >= Some(24)));
    let sd =
        crate::matching::match_products(&f, Some(&needs[0]), &builtin_catalog().products, today());
    assert!(sd
        .eligible
        .iter()
        .any(|m| m.product_code == "TSSY-SD-01" && m.term_months == Some(24)));
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
    for h in plan_headings(&p) {
        assert!(all.contains(&h), "missing heading {h}");
    }
    for s in [
        "济南泉芯微电子科技有限公司",
        "91350100M000100Y43",
        "历城区科创金融辅导一队",
        "李明",
        "2,180",
        "泉城人才贷",
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
    // One package per open reasonable need (raised, matching, unmet; the unreasonable one
    // excluded), each with at most four products.
    let open = needs
        .iter()
        .filter(|n| n.is_reasonable() == Some(true))
        .filter(|n| {
            matches!(
                n.status,
                NeedStatus::Raised | NeedStatus::Matching | NeedStatus::Unmet
            )
        })
        .count();
    assert_eq!(p.content.credit.packages.len(), open);
    assert!(p
        .content
        .credit
        .packages
        .iter()
        .all(|k| k.items.len() <= MAX_PER_NEED));
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
    for h in plan_headings(&p) {
        assert!(all.contains(&h), "missing heading {h}");
    }
    assert!(all.contains("暂无融资需求记录"));
    assert!(all.contains("暂无财务数据"));
    // Nothing firm-specific to say about capital markets: section 六 is left out and the
    // following sections close the gap.
    assert!(!all.contains("资本市场路径"));
    assert_eq!(
        plan_headings(&p),
        [
            "一、企业概况",
            "二、诊断分析",
            "三、融资需求登记",
            "四、财务管理提升措施",
            "五、信贷支持方案",
            "六、行动计划",
            "七、跟踪监测目标",
            "八、方案确认"
        ]
    );
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

fn need_for(i: u128, amount: Yuan, purpose: &str, term: u32, status: NeedStatus) -> Need {
    let mut n = need(i, amount, FinancingKind::Loan, status);
    n.purpose = purpose.into();
    n.term_months = Some(term);
    n
}

fn package<'a>(p: &'a Plan, n: &Need) -> &'a NeedPackage {
    p.content
        .credit
        .packages
        .iter()
        .find(|k| k.need_id == n.id)
        .unwrap_or_else(|| panic!("no package for {}", n.purpose))
}

#[test]
fn every_open_need_gets_its_own_package_with_a_fitting_term_security_and_next_step() {
    let f = first_loan_firm();
    let plant = need_for(1, 5_000_000, "厂房改造", 6, NeedStatus::Raised);
    let mut stock = need_for(2, 500_000, "原材料采购", 6, NeedStatus::Unmet);
    stock.unmet_reason = Some(ReasonCode::InsufficientCollateral);
    let mut rd = need_for(3, 7_000_000, "研发投入", 12, NeedStatus::PartlyMet);
    rd.outcomes.push(Outcome {
        institution: "泉城农村商业银行".into(),
        product: "专利快贷".into(),
        amount: 2_000_000,
        rate_bp: Some(385),
        date: d(2026, 10, 1),
        credit: false,
        product_kind: String::new(),
    });
    let applied = need_for(4, 1_000_000, "补充流动资金", 12, NeedStatus::Applied);
    let withdrawn = need_for(5, 1_000_000, "市场拓展", 12, NeedStatus::Withdrawn);
    let mut silly = need_for(6, 9_000_000, "购买理财", 12, NeedStatus::Raised);
    silly.ruling = Some(Ruling {
        reasonable: false,
        reason: Some(ReasonCode::Speculative),
        note: String::new(),
    });
    let needs = vec![
        plant.clone(),
        stock.clone(),
        rd.clone(),
        applied,
        withdrawn,
        silly,
    ];
    let p = compose(&f, &needs, &[], None);
    let c = &p.content;
    assert_eq!(c.credit.packages.len(), 3, "{:#?}", c.credit.packages);
    assert!(!c.credit.text.contains("无待满足"));
    assert!(c.credit.text.contains("另有1笔需求"));

    // 厂房改造 asked for 6 months: long money is proposed, and no short product is offered.
    let k = package(&p, &plant);
    assert_eq!(k.remainder, 5_000_000);
    assert!(k.term.contains("长期用途"), "{}", k.term);
    assert!(k.term.contains("6个月偏短"), "{}", k.term);
    assert!(!k.items.is_empty());
    let cat = builtin_catalog();
    for it in &k.items {
        assert!(it.term_months.unwrap() >= 24, "{it:?}");
        assert!(cat.product(it.product_id).unwrap().term_max_months >= 24);
        assert!(!it.branch.is_empty() && !it.contact.is_empty());
        assert!(it.amount_yuan.unwrap() <= 5_000_000);
    }
    assert!(k.next_step.contains(&k.items[0].branch));
    assert!(k.next_due >= d(2026, 12, 10) && k.next_due <= d(2026, 12, 31));
    // The firm holds patents and receivables: that is the security it can offer; no bills.
    assert!(k.security.contains("专利质押"), "{}", k.security);
    assert!(k.security.contains("应收账款质押（320万元）"));
    assert!(!k.security.contains("票据"));

    // Working capital: short money, within the 50万 asked.
    let k = package(&p, &stock);
    assert!(k.term.contains("个月（流动资金周转"), "{}", k.term);
    for it in &k.items {
        assert!(it.term_months.unwrap() <= 12, "{it:?}");
        assert!(it.amount_yuan.unwrap() <= 500_000);
        assert_ne!(it.product_code, "QCNS-PJ-01", "bill pledge without bills");
    }
    // Partly met: only the remainder is sought.
    let k = package(&p, &rd);
    assert_eq!(k.remainder, 5_000_000);

    // The printed section carries each need's amount and its products or the reason.
    let all = texts(&to_document(&p));
    for s in [
        "2026-09-02 贷款 500万元：厂房改造",
        "尚需融资",
        "原材料采购",
        "下一步：",
    ] {
        assert!(all.contains(s), "missing {s}");
    }
}

#[test]
fn two_needs_never_apply_for_more_than_one_products_ceiling() {
    let f = first_loan_firm();
    // Two working-capital needs: the same products fit both, and the best one's ceiling
    // cannot carry both amounts.
    let a = need_for(1, 9_000_000, "补充流动资金", 12, NeedStatus::Raised);
    let b = need_for(2, 8_000_000, "原材料采购", 12, NeedStatus::Raised);
    let p = compose(&f, &[a.clone(), b.clone()], &[], None);
    let cat = builtin_catalog();
    let pk = &p.content.credit.packages;
    assert_eq!(pk.len(), 2);
    // In the section's order: the first package's product is the one already applied for.
    let (ka, kb) = (&pk[0], &pk[1]);
    assert!([a.id, b.id].contains(&ka.need_id) && [a.id, b.id].contains(&kb.need_id));
    let lead = &ka.items[0];
    let lp = cat.product(lead.product_id).unwrap();
    assert!(
        lp.amount_max < 17_000_000,
        "the case needs a ceiling under both needs: {}",
        lp.amount_max
    );
    // What the next steps apply for, summed by product, stays within each ceiling.
    let mut by_product: BTreeMap<Uuid, Yuan> = BTreeMap::new();
    for k in [ka, kb] {
        let first = &k.items[0];
        *by_product.entry(first.product_id).or_default() += first.amount_yuan.unwrap();
        assert!(k.next_step.contains(&first.product_name), "{}", k.next_step);
    }
    for (id, total) in &by_product {
        let pr = cat.product(*id).unwrap();
        assert!(
            *total <= pr.amount_max,
            "{}: {total} > {}",
            pr.name,
            pr.amount_max
        );
    }
    // The second need is led by another product; the first one's product, if offered again,
    // comes after the others, within what is left, and says why.
    assert_ne!(kb.items[0].product_id, lead.product_id, "{:#?}", kb.items);
    if let Some(again) = kb.items.iter().find(|i| i.product_id == lead.product_id) {
        assert!(
            again.amount_yuan.unwrap() + lead.amount_yuan.unwrap() <= lp.amount_max,
            "{again:?}"
        );
        assert!(
            again
                .why
                .iter()
                .any(|w| w.contains("第1笔需求已建议申请该产品")),
            "{again:?}"
        );
        let fresh = kb
            .items
            .iter()
            .position(|i| i.product_id == lead.product_id)
            .unwrap();
        assert!(kb.items[..fresh]
            .iter()
            .all(|i| i.why.iter().all(|w| !w.contains("第1笔需求"))));
    }
}

#[test]
fn two_needs_within_one_products_ceiling_may_both_apply_for_it_and_say_so() {
    let f = first_loan_firm();
    let a = need_for(1, 6_000_000, "补充流动资金", 12, NeedStatus::Raised);
    let b = need_for(2, 3_000_000, "原材料采购", 12, NeedStatus::Raised);
    let p = compose(&f, &[a, b], &[], None);
    let pk = &p.content.credit.packages;
    let lead = &pk[0].items[0];
    let again = pk[1]
        .items
        .iter()
        .find(|i| i.product_id == lead.product_id)
        .expect("the product that fits both is offered for both");
    let ceiling = builtin_catalog()
        .product(lead.product_id)
        .unwrap()
        .amount_max;
    assert!(lead.amount_yuan.unwrap() + again.amount_yuan.unwrap() <= ceiling);
    assert!(
        again
            .why
            .iter()
            .any(|w| w.contains("第1笔需求已建议申请该产品") && w.contains("与本笔合计不超过")),
        "{again:?}"
    );
    // Not the first package's own list: it says nothing of another need.
    assert!(pk[0]
        .items
        .iter()
        .all(|i| i.why.iter().all(|w| !w.contains("笔需求已建议"))));
}

#[test]
fn bill_pledge_needs_bills_and_bonds_need_revenue() {
    let mut f = first_loan_firm();
    let stock = need_for(1, 500_000, "原材料采购", 6, NeedStatus::Raised);
    let codes = |p: &Plan| -> Vec<String> {
        p.content
            .credit
            .packages
            .iter()
            .flat_map(|k| k.items.iter().map(|i| i.product_code.clone()))
            .collect()
    };
    let p = compose(&f, std::slice::from_ref(&stock), &[], None);
    assert!(!codes(&p).contains(&"QCNS-PJ-01".to_string()));
    f.year_mut(2025).bills_receivable = Some(0);
    let p = compose(&f, std::slice::from_ref(&stock), &[], None);
    assert!(!codes(&p).contains(&"QCNS-PJ-01".to_string()));
    f.year_mut(2025).bills_receivable = Some(2_000_000);
    let p = compose(&f, std::slice::from_ref(&stock), &[], None);
    assert!(
        codes(&p).contains(&"QCNS-PJ-01".to_string()),
        "{:?}",
        codes(&p)
    );
    let it = p.content.credit.packages[0]
        .items
        .iter()
        .find(|i| i.product_code == "QCNS-PJ-01")
        .unwrap();
    assert!(
        it.collateral.contains("应收票据200万元"),
        "{}",
        it.collateral
    );
    // Bills never finance a long use.
    let plant = need_for(2, 500_000, "厂房改造", 36, NeedStatus::Raised);
    let p = compose(&f, std::slice::from_ref(&plant), &[], None);
    assert!(!codes(&p).contains(&"QCNS-PJ-01".to_string()));

    // A listed-intent high-tech firm with 5,000万 revenue: no bond, not even as a step.
    let mut g = first_loan_firm();
    g.ever_borrowed = Some(true);
    g.first_loan_list = false;
    g.listing_board = Some("北交所".into());
    g.qualifications.push(Qualification {
        kind: QualificationKind::HighTech,
        obtained: Some(d(2024, 12, 1)),
        expires: Some(d(2027, 11, 30)),
        number: String::new(),
    });
    for (y, rev) in [(2023, 40_000_000), (2024, 45_000_000), (2025, 50_000_000)] {
        g.year_mut(y).revenue = Some(rev);
    }
    let mut bond = need_for(3, 50_000_000, "技术改造升级", 36, NeedStatus::Raised);
    bond.kind = FinancingKind::Bond;
    let p = compose(&g, std::slice::from_ref(&bond), &[], None);
    let k = &p.content.credit.packages[0];
    assert!(k.items.iter().all(|i| !i.kind.contains("票据")));
    assert!(!p
        .content
        .credit
        .near_misses
        .iter()
        .any(|i| i.kind.contains("票据")));
    assert!(
        k.no_fit.starts_with("暂无可直接申请的产品："),
        "{}",
        k.no_fit
    );
    assert!(!p
        .content
        .actions
        .iter()
        .any(|a| a.task.contains("营业收入达到")));
}

#[test]
fn a_need_nothing_fits_says_why_and_what_would_fit() {
    let f = bare_firm();
    let n = need_for(1, 3_000_000, "研发投入", 24, NeedStatus::Raised);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    assert!(k.items.is_empty());
    assert!(
        k.no_fit.starts_with("暂无可直接申请的产品："),
        "{}",
        k.no_fit
    );
    assert!(k.no_fit.contains("补足"), "{}", k.no_fit);
    assert!(k.security.contains("政府性融资担保"), "{}", k.security);
    let all = texts(&to_document(&p));
    assert!(all.contains(&k.no_fit));
    assert!(all.contains("300万元"));
    assert!(!p.content.credit.text.contains("无待满足"));
    // Without any open need, and only then, the plan says so.
    let p = compose(&first_loan_firm(), &[], &[], None);
    assert!(p
        .content
        .credit
        .text
        .starts_with("企业当前无待满足的融资需求"));
    assert!(p.content.credit.packages.is_empty());
}

#[test]
fn action_plan_carries_overdue_tasks_once_without_duplicating_measures() {
    let f = first_loan_firm();
    let task = |title: &str, due: NaiveDate| FollowUpTask {
        title: title.into(),
        owner: "李辅导员".into(),
        due,
        done: false,
    };
    let mut v1 = visit();
    v1.tasks = vec![
        task("建立研发费用辅助账", d(2026, 3, 1)),
        task("补充近三年财务报表", d(2026, 5, 1)),
        task("协助企业整理应收账款清单", d(2026, 12, 10)),
    ];
    let mut v2 = visit();
    v2.id = Uuid::from_u128(6);
    v2.tasks = vec![task("建立研发费用辅助账", d(2026, 6, 1))];
    let needs = vec![need_for(1, 3_000_000, "研发投入", 24, NeedStatus::Raised)];
    let p = compose(&f, &needs, &[v1, v2], None);
    let c = &p.content;
    let horizon = plan_horizon(today());
    assert_eq!(horizon, d(2027, 12, 31));
    let ledger: Vec<&ActionItem> = c
        .actions
        .iter()
        .filter(|a| a.task.contains("研发费用辅助账"))
        .collect();
    assert_eq!(ledger.len(), 1, "{:#?}", c.actions);
    assert_eq!(ledger[0].overdue_since, Some(d(2026, 3, 1)));
    assert!(ledger[0].source.contains("财务管理"));
    let reports: Vec<&ActionItem> = c
        .actions
        .iter()
        .filter(|a| a.task.contains("财务报表") || a.task.contains("会计核算"))
        .collect();
    assert_eq!(reports.len(), 1, "{:#?}", c.actions);
    for a in &c.actions {
        assert!(a.due >= today() && a.due <= horizon, "{a:?}");
        assert!(!a.owner.is_empty());
    }
    assert!(c.actions.iter().any(|a| a.source == "信贷支持"));
    // The table prints the original date beside the 逾期 mark.
    let all = texts(&to_document(&p));
    assert!(all.contains("逾期（原定2026-03-01）"));
    assert!(all.contains("逾期（原定2026-05-01）"));
}

/// A firm with an overdue loan on its credit report: clearing it is one task, due when the
/// 征信 measure's text says, not a second "结清逾期…" cultivation step with another date; and
/// no sentence quotes a product twice over (“机构“产品””).
#[test]
fn an_overdue_credit_record_is_one_task_with_the_measures_date() {
    let mut f = first_loan_firm();
    f.facts.credit_overdue = Some(true);
    let needs = vec![need_for(1, 3_000_000, "研发投入", 24, NeedStatus::Raised)];
    let p = compose(&f, &needs, &[], None);
    let c = &p.content;
    let measure = c
        .measures
        .iter()
        .find(|m| m.title == "查询并维护企业征信")
        .expect("the credit measure");
    let said = measure
        .text
        .split("请于")
        .nth(1)
        .and_then(|t| {
            NaiveDate::parse_from_str(&t.chars().take(10).collect::<String>(), "%Y-%m-%d").ok()
        })
        .expect("the measure names its date");
    let credit: Vec<&ActionItem> = c
        .actions
        .iter()
        .filter(|a| {
            a.task.contains("征信") || a.task.contains("逾期") || a.task.contains("信用记录")
        })
        .collect();
    assert_eq!(credit.len(), 1, "{:#?}", c.actions);
    assert_eq!(credit[0].due, said, "{:#?}", credit[0]);
    // With no product open to it, the need's next step is the coach's (confirm the nearest
    // product's conditions with its bank), not materials due before the conditions can be met.
    let k = &c.credit.packages[0];
    assert!(k.items.is_empty(), "{:#?}", k.items);
    assert!(k.next_step.starts_with("辅导员与"), "{}", k.next_step);
    assert!(k.no_fit.contains("补足以下条件后可申请"), "{}", k.no_fit);
    let all = texts(&to_document(&p));
    for line in all.lines() {
        let mut depth = 0i32;
        for ch in line.chars() {
            match ch {
                '“' => depth += 1,
                '”' => depth -= 1,
                _ => {}
            }
            assert!(depth <= 1, "nested quotes: {line}");
        }
    }
}

/// A firm without Class-I IP: obtaining one is the 加强知识产权布局 measure's task, not a
/// second "再取得1项发明专利…后可申请…" task with another date.
#[test]
fn obtaining_class_one_ip_is_one_task() {
    let mut f = first_loan_firm();
    f.ip.invention_patents = 0;
    f.ip.other_class1 = 0;
    let p = compose(&f, &[], &[], None);
    let c = &p.content;
    assert!(c.measures.iter().any(|m| m.title == "加强知识产权布局"));
    let ip: Vec<&ActionItem> = c
        .actions
        .iter()
        .filter(|a| a.task.contains("知识产权布局") || a.task.contains("Ⅰ类知识产权"))
        .collect();
    assert_eq!(ip.len(), 1, "{:#?}", c.actions);
}

#[test]
fn monitoring_sets_only_reachable_targets_in_the_firms_own_band() {
    // 2,180万 revenue: the 5% band; three-year R&D 450/5,030 = 8.94%.
    let f = first_loan_firm();
    let p = compose(&f, &[], &[], None);
    let rd = p
        .content
        .monitoring
        .iter()
        .find(|t| t.indicator.starts_with("研发费用占营业收入比例"))
        .unwrap();
    assert_eq!(rd.indicator, "研发费用占营业收入比例（近3年合计）");
    assert_eq!(rd.baseline, "8.94%");
    assert_eq!(rd.target, "保持不低于5%");
    // 1.5亿 revenue, 3% R&D: the 4% band is within reach.
    let mut g = first_loan_firm();
    for y in [2023, 2024, 2025] {
        let yr = g.year_mut(y);
        yr.revenue = Some(150_000_000);
        yr.rd_expense = Some(4_500_000);
    }
    let p = compose(&g, &[], &[], None);
    let rd = p
        .content
        .monitoring
        .iter()
        .find(|t| t.indicator.starts_with("研发费用"))
        .unwrap();
    assert_eq!(rd.target, "不低于4%（高企门槛）");
    // 1% against a 4% band cannot be reached in the plan year: no target.
    for y in [2023, 2024, 2025] {
        g.year_mut(y).rd_expense = Some(1_500_000);
    }
    let p = compose(&g, &[], &[], None);
    assert!(!p
        .content
        .monitoring
        .iter()
        .any(|t| t.indicator.starts_with("研发费用")));
    assert!(p
        .content
        .monitoring
        .iter()
        .all(|t| t.due > today() && t.due <= plan_horizon(today())));
}

#[test]
fn capital_section_speaks_of_the_firms_own_figures() {
    let mut f = first_loan_firm();
    f.listing_reserve = true;
    f.listing_board = Some("北交所".into());
    let p = compose(&f, &[], &[], None);
    let cm = &p.content.capital_market;
    assert!(cm.relevant);
    assert!(cm.text.contains("已列入上市后备企业库"));
    assert!(
        cm.text.contains("2025年营业收入2,180万元、净利润140万元"),
        "{}",
        cm.text
    );
    assert!(cm.steps[0].contains("北交所上市标准一"));
    assert!(
        cm.steps[0].contains("2025年、2024年净利润140万元、95万元"),
        "{}",
        cm.steps[0]
    );
    assert!(cm.steps[0].contains("差2,360万元"), "{}", cm.steps[0]);
    assert!(cm.steps.iter().any(|s| s.contains("创新层")));
    let headings = plan_headings(&p);
    assert_eq!(headings[5], "六、资本市场路径");
    assert_eq!(headings.len(), 9);
    // An overdue loan on the credit report comes before any listing step, for a firm on the
    // reserve list and for one the plan proposes to study listing.
    f.facts.credit_overdue = Some(true);
    let cm = compose(&f, &[], &[], None).content.capital_market;
    assert!(cm.steps[0].starts_with("先结清逾期款项"), "{:?}", cm.steps);
    assert!(cm.text.contains("须先结清并修复信用记录"), "{}", cm.text);
    let mut big = first_loan_firm();
    big.year_mut(2025).revenue = Some(60_000_000);
    let cm = compose(&big, &[], &[], None).content.capital_market;
    assert!(
        cm.text.contains("已具备研究资本市场路径的基础"),
        "{}",
        cm.text
    );
    // A loss last year: the size, not a basis the profit standards below would contradict.
    let mut losing = big.clone();
    losing.year_mut(2025).net_profit = Some(-2_853_000);
    let cm = compose(&losing, &[], &[], None).content.capital_market;
    assert!(!cm.text.contains("已具备"), "{}", cm.text);
    assert!(
        cm.text
            .contains("净利润-285.3万元，具备研究资本市场路径的规模，但2025年为亏损")
            && cm
                .text
                .contains("建议先评估新三板挂牌的可行性，同时改善盈利"),
        "{}",
        cm.text
    );
    big.facts.credit_overdue = Some(true);
    let cm = compose(&big, &[], &[], None).content.capital_market;
    assert!(!cm.text.contains("已具备"), "{}", cm.text);
    assert!(cm.text.contains("须先结清并修复信用记录"), "{}", cm.text);
    assert!(cm.steps[0].starts_with("先结清逾期款项"), "{:?}", cm.steps);
    // A start-up seeking equity gets its own path; the same firm without is left out.
    let mut g = first_loan_firm();
    g.stage = Some(Stage::Startup);
    let mut eq = need_for(1, 3_000_000, "研发投入", 36, NeedStatus::Raised);
    eq.kind = FinancingKind::Equity;
    let p = compose(&g, std::slice::from_ref(&eq), &[], None);
    assert!(p.content.capital_market.relevant);
    assert!(p.content.capital_market.text.contains("股权融资300万元"));
    let p = compose(&g, &[], &[], None);
    assert!(!p.content.capital_market.relevant);
    assert!(!texts(&to_document(&p)).contains("资本市场路径"));
}

#[test]
fn no_growth_figure_over_a_part_founding_year() {
    // Founded 2024-12-17: two weeks of 2024 revenue against a full 2025.
    let mut f = first_loan_firm();
    f.founded = Some(d(2024, 12, 17));
    f.financials.retain(|y| y.year >= 2024);
    f.year_mut(2024).revenue = Some(179_900);
    f.year_mut(2025).revenue = Some(10_670_400);
    let p = compose(&f, &[], &[], None);
    let text = &p.content.diagnosis.text;
    assert!(
        text.contains("2024年为成立当年（不足一年），不计算营业收入同比增长。"),
        "{text}"
    );
    assert!(!text.contains("较上年增长"), "{text}");

    // A firm founded on 1 January has a full first year: growth is given.
    f.founded = Some(d(2024, 1, 1));
    let text = compose(&f, &[], &[], None).content.diagnosis.text;
    assert!(text.contains("营业收入较上年增长"), "{text}");
}

#[test]
fn a_firm_short_of_niche_years_is_sent_to_the_first_window_it_can_use() {
    // One year in its niche market on 2026-11-26, two required: the 2027 window (April–June)
    // closes before the firm has two years, so the plan names the 2028 window.
    let mut f = first_loan_firm();
    f.facts.niche_years = Some(1);
    let p = compose(&f, &[], &[], None);
    let json = serde_json::to_string(&p.content).unwrap();
    let step = json
        .split(['"', '\n'])
        .flat_map(|s| s.split("\\n"))
        .find(|s| s.starts_with("专精特新中小企业：") && s.contains("细分市场"))
        .unwrap_or_else(|| panic!("no 专精特新 step: {json}"));
    assert!(step.contains("补齐后在2028-"), "{step}");
    assert!(!step.contains("补齐后在2027-"), "{step}");

    // With the years already there, this year's window stays.
    f.facts.niche_years = Some(3);
    let json = serde_json::to_string(&compose(&f, &[], &[], None).content).unwrap();
    assert!(!json.contains("2028-04-01"), "{json}");
}

/// The cells of the plan's financial table (the one headed 指标（万元）), by row label.
fn financial_rows(doc: &Document) -> Vec<Vec<String>> {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.columns[0].header == "指标（万元）" => Some(t.rows.clone()),
            _ => None,
        })
        .expect("financial table")
}

#[test]
fn measured_percentages_always_print_two_decimals() {
    let mut f = first_loan_firm();
    // 2025: liabilities exactly 68 % of assets, R&D exactly 9 % of revenue.
    let y = f.year_mut(2025);
    y.total_assets = Some(10_000_000);
    y.liabilities = Some(6_800_000);
    y.revenue = Some(20_000_000);
    y.rd_expense = Some(1_800_000);
    let p = compose(&f, &[], &[], None);
    let doc = to_document(&p);
    let rows = financial_rows(&doc);
    let mut seen = 0;
    for row in rows
        .iter()
        .filter(|r| r[0] == "资产负债率" || r[0] == "研发投入强度")
    {
        for cell in &row[1..] {
            let body = cell.strip_suffix('%').expect(cell);
            let (int, frac) = body.split_once('.').expect(cell);
            assert!(int.chars().all(|c| c.is_ascii_digit()), "{cell}");
            assert_eq!(frac.len(), 2, "{cell}");
            seen += 1;
        }
    }
    assert_eq!(seen, 6, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains(&"68.00%".to_string())));
    assert!(rows.iter().any(|r| r.contains(&"9.00%".to_string())));
    // The R&D target's baseline is a measured figure too.
    let all = texts(&doc);
    assert!(!all.contains("资产负债率68%"), "{all}");
}

#[test]
fn financial_titles_name_the_years_shown() {
    let mut f = first_loan_firm();
    let all = texts(&to_document(&compose(&f, &[], &[], None)));
    assert!(all.contains("（一）2023–2025年主要财务指标"), "{all}");
    assert!(all.contains("2023–2025年营业收入、研发费用和净利润"));
    // One year only: the title says that year, never 近三年.
    f.financials.retain(|y| y.year == 2025);
    let doc = to_document(&compose(&f, &[], &[], None));
    let all = texts(&doc);
    assert!(all.contains("（一）2025年主要财务指标"), "{all}");
    assert!(all.contains("2025年营业收入、研发费用和净利润"), "{all}");
    assert!(!all.contains("近三年主要财务指标") && !all.contains("近三年营业收入"));
    // Years with a gap are listed.
    let mut g = first_loan_firm();
    g.financials.retain(|y| y.year != 2024);
    let all = texts(&to_document(&compose(&g, &[], &[], None)));
    assert!(all.contains("（一）2023、2025年主要财务指标"), "{all}");
}

#[test]
fn a_term_outside_the_product_reads_as_the_proposed_term_not_a_met_condition() {
    let f = first_loan_firm();
    // Working capital for 6 months; some products lend 12 months at least.
    let stock = need_for(1, 500_000, "补充流动资金", 6, NeedStatus::Raised);
    let market = need_for(2, 3_000_000, "市场拓展", 6, NeedStatus::Raised);
    let p = compose(&f, &[stock.clone(), market.clone()], &[], None);
    let cat = builtin_catalog();
    let mut longer = 0;
    for k in &p.content.credit.packages {
        for it in &k.items {
            let why = it.why.join("；");
            assert!(!why.contains("不在产品期限"), "{why}");
            let prod = cat.product(it.product_id).unwrap();
            if prod.term_min_months > 6 && prod.term_max_months > 0 {
                longer += 1;
                let months = it.term_months.expect("a debt product has a term");
                assert!(
                    why.contains(&format!("建议期限{months}个月")),
                    "{}: {why}",
                    it.product_name
                );
            }
        }
    }
    assert!(
        longer > 0,
        "no product with a longer minimum term was offered"
    );
}

/// Decimals of an amount cell ("1,067.00" → 2, "500万元" → 0); `None` for a cell that is not a
/// plain amount ("—", "50–1,000万元").
fn amount_decimals(cell: &str) -> Option<usize> {
    let n = cell.strip_suffix("万元").unwrap_or(cell);
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    let int = int.strip_prefix('-').unwrap_or(int);
    (!int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.chars().all(|c| c.is_ascii_digit()))
    .then_some(frac.len())
}

#[test]
fn amounts_in_one_table_column_print_with_one_format() {
    let mut f = first_loan_firm();
    // 2025: revenue 1,067万, R&D 17.99万, net profit 12.5万 (other years whole 万).
    let y = f.year_mut(2025);
    y.revenue = Some(10_670_000);
    y.rd_expense = Some(179_900);
    y.net_profit = Some(125_000);
    let needs = [
        need_for(1, 5_000_000, "补充流动资金", 12, NeedStatus::Raised),
        need_for(2, 125_000, "购买原材料", 6, NeedStatus::Raised),
        need_for(3, 800_000, "购置研发设备", 36, NeedStatus::Unmet),
    ];
    let doc = to_document(&compose(&f, &needs, &[], None));

    let rows = financial_rows(&doc);
    let cell = |label: &str| rows.iter().find(|r| r[0] == label).expect(label).clone();
    assert_eq!(cell("营业收入").last().unwrap(), "1,067.00", "{rows:?}");
    assert_eq!(cell("营业收入")[1], "1,200.00", "{rows:?}");
    assert_eq!(cell("研发费用").last().unwrap(), "17.99", "{rows:?}");
    assert_eq!(cell("净利润").last().unwrap(), "12.50", "{rows:?}");

    let needs_table = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.columns[0].header == "提出日期" => Some(t),
            _ => None,
        })
        .expect("needs table");
    let mut amounts: Vec<&str> = needs_table.rows.iter().map(|r| r[1].as_str()).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, ["12.50", "500.00", "80.00"]);

    // Every amount column of every table (the financial table as a whole): one number of
    // decimals down the column.
    let mut columns = 0;
    for b in &doc.blocks {
        let Block::Table(t) = b else { continue };
        let whole = t.columns[0].header == "指标（万元）";
        for (i, col) in t.columns.iter().enumerate() {
            if !(whole && i > 0 || col.header.contains("金额")) {
                continue;
            }
            let cells = t.rows.iter().flat_map(|r| {
                if whole {
                    r[1..].to_vec()
                } else {
                    vec![r[i].clone()]
                }
            });
            let decimals: std::collections::BTreeSet<usize> =
                cells.filter_map(|c| amount_decimals(&c)).collect();
            assert!(decimals.len() <= 1, "{}: {:?}", col.header, t.rows);
            columns += 1;
        }
    }
    assert!(
        columns >= 3,
        "financial, needs and at least one package table"
    );
}

#[test]
fn a_working_capital_term_agrees_with_its_reason() {
    // A firm asking 24 months of working capital, no product applicable yet, was told
    // "24个月（流动资金周转，安排一年以内短期资金）".
    let asked = need_for(1, 6_000_000, "补充流动资金", 24, NeedStatus::Raised);
    let t = credit::package_term(&asked, &[]);
    assert!(
        t.starts_with("12个月（流动资金周转，安排一年以内短期资金）"),
        "{t}"
    );
    assert!(t.contains("企业提出的24个月偏长"), "{t}");
    let within = need_for(2, 6_000_000, "补充流动资金", 6, NeedStatus::Raised);
    assert_eq!(
        credit::package_term(&within, &[]),
        "6个月（流动资金周转，安排一年以内短期资金）"
    );
    // Long uses keep their rule: never short money.
    let rd = need_for(3, 6_000_000, "研发投入", 6, NeedStatus::Raised);
    let t = credit::package_term(&rd, &[]);
    assert!(t.starts_with("24个月（研发投入属长期用途"), "{t}");
    assert!(t.contains("企业提出的6个月偏短"), "{t}");
    // Whatever the term, its number and its reason never disagree.
    for m in [1, 12, 13, 36, 60] {
        let n = need_for(4, 1_000_000, "补充流动资金", m, NeedStatus::Raised);
        let t = credit::package_term(&n, &[]);
        let months: u32 = t.split("个月").next().unwrap().parse().unwrap();
        assert!(months <= 12, "{t}");
    }
}

#[test]
fn an_insurance_need_for_money_is_offered_cover_that_brings_money_only() {
    // An insurance need "原材料采购 100万元" was offered 专利执行保险 and 首台（套）保险
    // beside 科技贷款保证保险: neither brings the money the purpose asks for.
    let f = first_loan_firm();
    let mut stock = need(1, 1_000_000, FinancingKind::Insurance, NeedStatus::Raised);
    stock.purpose = "原材料采购".into();
    let mut suit = need(2, 1_000_000, FinancingKind::Insurance, NeedStatus::Raised);
    suit.purpose = "专利维权".into();
    let p = compose(&f, &[stock.clone(), suit.clone()], &[], None);
    let cat = builtin_catalog();
    let kinds = |n: &Need| -> Vec<crate::product::ProductKind> {
        package(&p, n)
            .items
            .iter()
            .map(|i| cat.product(i.product_id).unwrap().kind)
            .collect()
    };
    let for_stock = kinds(&stock);
    assert!(!for_stock.is_empty(), "{:#?}", package(&p, &stock));
    assert!(
        for_stock.iter().all(|k| k.provides_funds()),
        "{for_stock:?}"
    );
    // Cover is offered where the purpose speaks of what it covers.
    assert!(
        kinds(&suit).contains(&crate::product::ProductKind::PatentEnforcementInsurance),
        "{:?}",
        kinds(&suit)
    );
    assert!(!crate::product::ProductKind::FirstSetInsurance.serves_purpose("补充流动资金"));
    assert!(crate::product::ProductKind::FirstSetInsurance.serves_purpose("首台套装备推广应用"));
    assert!(crate::product::ProductKind::LoanGuaranteeInsurance.serves_purpose("原材料采购"));
}

#[test]
fn one_step_with_two_products_thresholds_is_one_task_asking_for_the_larger() {
    // "需补充应收账款确权资料（…不少于50万元）（涉及：供应链订单贷）" and the same with
    // 不少于100万元 for 链e融 were two tasks in the action plan.
    let mut f = first_loan_firm();
    f.facts.receivables = None;
    let mut n = need(1, 1_000_000, FinancingKind::Loan, NeedStatus::Raised);
    n.purpose = "补充流动资金".into();
    let p = compose(&f, &[n], &[], None);
    let tasks: Vec<&ActionItem> = p
        .content
        .actions
        .iter()
        .filter(|a| a.task.contains("应收账款确权"))
        .collect();
    assert_eq!(tasks.len(), 1, "{tasks:#?}");
    let near: Vec<&str> = p
        .content
        .credit
        .near_misses
        .iter()
        .filter(|m| m.missing.iter().any(|x| x.contains("应收账款确权")))
        .map(|m| m.product_name.as_str())
        .collect();
    assert!(near.len() >= 2, "{near:?}");
    for name in &near {
        assert!(
            tasks[0].task.contains(name),
            "{} lacks {name}",
            tasks[0].task
        );
    }
    assert!(tasks[0].task.contains("不少于100万元"), "{}", tasks[0].task);
}

#[test]
fn insurance_backing_a_loan_for_a_long_use_runs_the_loans_term() {
    // An insurance need "技术改造升级, 6个月" proposed 36 months in its package while its product,
    // 知识产权质押融资保证保险, said "建议期限12个月（产品期限12–36个月，需求6个月）".
    let f = first_loan_firm();
    let mut n = need(1, 3_500_000, FinancingKind::Insurance, NeedStatus::Raised);
    n.purpose = "技术改造升级".into();
    n.term_months = Some(6);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    assert!(k.term.starts_with("36个月"), "{}", k.term);
    let cat = builtin_catalog();
    let backing: Vec<&CreditItem> = k
        .items
        .iter()
        .filter(|i| cat.product(i.product_id).unwrap().kind.is_borrowing())
        .collect();
    assert!(!backing.is_empty(), "{k:#?}");
    for it in backing {
        assert_eq!(it.term_months, Some(36), "{it:?}");
        assert!(
            !it.why.iter().any(|r| r.contains("建议期限12个月")),
            "{:?}",
            it.why
        );
    }
}

#[test]
fn an_equity_need_is_not_given_a_loans_term_or_security() {
    // "建议期限 24个月（人才引进属长期用途…不以短期贷款解决）；企业提出的12个月偏短" and
    // "可提供的担保 专利质押…" for a 900万 equity raise, and "建议期限36个月（产品期限36–84个月）"
    // for an angel fund.
    let mut f = first_loan_firm();
    f.stage = Some(Stage::Startup);
    f.founded = Some(d(2024, 10, 1));
    let mut n = need(1, 3_000_000, FinancingKind::Equity, NeedStatus::Raised);
    n.purpose = "人才引进".into();
    n.term_months = Some(12);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    assert!(!k.term.contains("个月"), "{}", k.term);
    assert!(!k.term.contains("贷款"), "{}", k.term);
    assert!(!k.security.contains("质押（"), "{}", k.security);
    assert!(!k.items.is_empty(), "{k:#?}");
    for it in &k.items {
        assert!(
            !it.why.iter().any(|r| r.contains("建议期限")),
            "{:?}",
            it.why
        );
    }
}

#[test]
fn an_equity_need_no_fund_takes_is_answered_with_equity_routes() {
    // "暂无可直接申请的产品：趵突泉成长基金起贷额度500万元高于尚需融资额400万元。补足条件的途径：
    // 由政府性融资担保机构提供担保后向合作银行申请，或调整融资金额、期限和方式（如股权融资）" for
    // a 400万 equity raise, and the coach's step was to agree a guarantee with a bank.
    // A 高企 with 2,180万 of sales and R&D at 10 %: 趵突泉成长基金 would invest, from 500万.
    let mut f = first_loan_firm();
    f.qualifications.push(Qualification {
        kind: QualificationKind::HighTech,
        obtained: Some(d(2025, 11, 1)),
        expires: Some(d(2028, 10, 31)),
        number: String::new(),
    });
    let y = f.year_mut(2025);
    y.rd_expense = y.revenue.map(|r| r / 10);
    let mut n = need(1, 4_000_000, FinancingKind::Equity, NeedStatus::Raised);
    n.purpose = "补充流动资金".into();
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    assert!(k.items.is_empty(), "{k:#?}");
    assert!(
        k.no_fit
            .contains("趵突泉成长基金起投额度500万元高于尚需融资额400万元"),
        "{}",
        k.no_fit
    );
    assert!(
        !k.no_fit.contains("担保") && !k.no_fit.contains("如股权融资"),
        "{}",
        k.no_fit
    );
    assert!(
        k.no_fit.contains("调整融资金额（达到基金的起投额度）"),
        "{}",
        k.no_fit
    );
    assert!(
        k.no_fit.contains("也可改以流动资金贷款解决"),
        "{}",
        k.no_fit
    );
    assert!(k.next_step.contains("创投机构"), "{}", k.next_step);
    assert!(!k.next_step.contains("担保"), "{}", k.next_step);
    // For another use, no working-capital loan is suggested; a loan need keeps the guarantor's
    // route.
    n.purpose = "研发投入".into();
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    assert!(!package(&p, &n).no_fit.contains("流动资金贷款"));
}

#[test]
fn a_first_loan_firm_is_not_told_to_replace_its_short_term_loans() {
    // "建议控制短期负债规模，以中长期贷款置换短期借款" for a firm on the first-loan list, which has
    // never had a bank loan.
    let mut f = first_loan_firm();
    assert!(f.is_first_loan_candidate());
    let y = f.year_mut(2025);
    y.liabilities = y.total_assets.map(|a| a * 70 / 100);
    let p = compose(&f, &[], &[], None);
    let m = p
        .content
        .measures
        .iter()
        .find(|m| m.title == "优化负债结构")
        .expect("a leverage measure at 70 %");
    assert!(!m.text.contains("短期借款"), "{}", m.text);
    assert!(m.text.contains("企业尚无银行贷款"), "{}", m.text);
    // A firm that has borrowed keeps the refinancing advice.
    f.ever_borrowed = Some(true);
    let p = compose(&f, &[], &[], None);
    let m = p
        .content
        .measures
        .iter()
        .find(|m| m.title == "优化负债结构")
        .unwrap();
    assert!(m.text.contains("以中长期贷款置换短期借款"), "{}", m.text);
}

#[test]
fn a_cultivation_product_is_not_suggested_above_what_is_left_to_raise() {
    // "科创成果转化贷 建议申请100万元（产品额度100–1,000万元）" and "瞪羚成长贷 建议申请200万元" for
    // a need with 66万 left to raise.
    let f = first_loan_firm();
    let mut n = need(1, 600_000, FinancingKind::Loan, NeedStatus::Raised);
    n.purpose = "研发投入".into();
    n.term_months = Some(24);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let cat = builtin_catalog();
    for m in &p.content.credit.near_misses {
        let prod = cat.product(m.product_id).unwrap();
        assert!(
            prod.amount_min <= 600_000,
            "{} (from {}) offered for a 60万 need",
            prod.name,
            prod.amount_min
        );
    }
}

fn money_target(p: &Plan) -> &Target {
    p.content
        .monitoring
        .iter()
        .find(|t| t.indicator == "融资到位金额")
        .expect("a money target")
}

#[test]
fn needs_with_a_lender_are_followed_up_and_counted_in_the_money_target() {
    // A first-loan firm with 1,100万 approved and 1,300万 applied for: "融资到位金额 … 按新登记
    // 需求确定" and no task to follow either up, though section 五 said the coach would.
    let f = first_loan_firm();
    let mut a = need(1, 11_000_000, FinancingKind::Loan, NeedStatus::Approved);
    a.purpose = "市场拓展".into();
    let mut b = need(2, 13_000_000, FinancingKind::Loan, NeedStatus::Applied);
    b.purpose = "原材料采购".into();
    let p = compose(&f, &[a.clone(), b.clone()], &[], None);
    let money = money_target(&p);
    assert_eq!(money.target, "已申请、已审批的2,400万元放款到位");
    let tasks: Vec<&str> = p.content.actions.iter().map(|a| a.task.as_str()).collect();
    assert!(
        tasks
            .iter()
            .any(|t| t.starts_with("跟进") && t.contains("1,100万元的放款进度")),
        "{tasks:?}"
    );
    assert!(
        tasks
            .iter()
            .any(|t| t.contains("1,300万元的审批和放款进度")),
        "{tasks:?}"
    );
    // With an open need too, the target adds both and says what is already with a lender.
    let mut c = need(3, 2_000_000, FinancingKind::Loan, NeedStatus::Raised);
    c.purpose = "补充流动资金".into();
    let p = compose(&f, &[a, b, c], &[], None);
    let money = money_target(&p);
    assert_eq!(money.target, "新增2,600万元（含已申请、已审批的2,400万元）");
}

#[test]
fn a_firm_without_data_is_not_told_its_every_side_is_weak() {
    // "风险评级为D级（高风险，0/100分），部分指标缺数据…得分较弱的方面：人力资本、知识产权、研发
    // 投入、成长性、财务健康、信用记录" for a firm that had entered nothing, and "缺年度财务数据、
    // 年度财务数据" in its 专精特新 table.
    let f = bare_firm();
    let p = compose(&f, &[], &[], None);
    let t = &p.content.diagnosis.text;
    assert!(t.contains("多数指标缺数据"), "{t}");
    // Only what its record does say (no IP items) can be weak.
    let weak = t.split("得分较弱的方面：").nth(1).unwrap_or("");
    for unknown in ["人力资本", "成长性", "财务健康", "信用记录"] {
        assert!(!weak.contains(unknown), "{t}");
    }
    let whole = format!("{:?}", p.content);
    assert!(!whole.contains("年度财务数据、年度财务数据"));
    // One known gap and a dozen unknown conditions are not a target for this year.
    assert!(
        !p.content
            .monitoring
            .iter()
            .any(|t| t.indicator == "高新技术企业认定"),
        "{:?}",
        p.content.monitoring
    );
    // With its figures in, a weak side is still named.
    let mut g = first_loan_firm();
    g.high_talents = Some(0);
    g.tech_staff = Some(1);
    let p = compose(&g, &[], &[], None);
    assert!(
        p.content.diagnosis.text.contains("得分较弱的方面"),
        "{}",
        p.content.diagnosis.text
    );
}

#[test]
fn without_a_need_the_credit_section_offers_products_that_bring_money() {
    // "匹配到6个可申请的金融产品，供企业新增资金需求时选择" listed 专利执行保险 second.
    let f = first_loan_firm();
    let cat = builtin_catalog();
    let all = crate::matching::match_products(&f, None, &cat.products, d(2026, 11, 26));
    assert!(
        all.eligible
            .iter()
            .chain(&all.near_misses)
            .any(|m| !m.kind.provides_funds()),
        "the fixture should qualify for some cover"
    );
    let p = compose(&f, &[], &[], None);
    let c = &p.content.credit;
    for it in c.items.iter().chain(&c.near_misses) {
        assert!(
            cat.product(it.product_id).unwrap().kind.provides_funds(),
            "{} offered for a funding need to come",
            it.product_name
        );
    }
    assert!(!c.items.is_empty());
}

#[test]
fn a_guarantee_need_is_answered_by_a_guarantor_first() {
    // A 融资担保 need's next step sent the firm to an insurer (科技贷款保证保险 scored first).
    let f = first_loan_firm();
    let mut n = need(1, 3_000_000, FinancingKind::Guarantee, NeedStatus::Raised);
    n.purpose = "购置生产设备".into();
    n.term_months = Some(24);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    let cat = builtin_catalog();
    let kinds: Vec<InstitutionKind> = k
        .items
        .iter()
        .map(|i| cat.product(i.product_id).unwrap().institution_kind)
        .collect();
    assert!(kinds.contains(&InstitutionKind::Guarantor), "{kinds:?}");
    assert_eq!(kinds[0], InstitutionKind::Guarantor, "{kinds:?}");
    // Guarantors first, then the rest, each group in its own order.
    let first_other = kinds.iter().position(|k| *k != InstitutionKind::Guarantor);
    if let Some(i) = first_other {
        assert!(
            kinds[i..].iter().all(|k| *k != InstitutionKind::Guarantor),
            "{kinds:?}"
        );
    }
    assert!(
        k.next_step.contains(&k.items[0].product_name),
        "{}",
        k.next_step
    );
}

#[test]
fn a_turned_down_need_is_answered_on_the_reason_it_was_turned_down() {
    // "未满足：缺乏有效抵质押/担保" and the package led with an IP-pledge loan; "未满足：企业不接受
    // 融资成本" and it led with whatever scored best.
    let f = first_loan_firm();
    let cat = builtin_catalog();
    let mut n = need(1, 3_000_000, FinancingKind::Loan, NeedStatus::Unmet);
    n.purpose = "研发投入".into();
    n.term_months = Some(24);
    n.unmet_reason = Some(ReasonCode::InsufficientCollateral);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    assert!(k.items.len() >= 2, "{k:#?}");
    assert!(cat
        .product(k.items[0].product_id)
        .unwrap()
        .collateral
        .is_empty());
    assert!(
        k.next_step.contains("此前因“缺乏有效抵质押/担保”未满足"),
        "{}",
        k.next_step
    );

    n.unmet_reason = Some(ReasonCode::PriceNotAccepted);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    let k = package(&p, &n);
    let cost = |it: &CreditItem| {
        let pr = cat.product(it.product_id).unwrap();
        pr.mid_rate_bp()
            .map(|r| pr.cost_after_subsidy_bp(r))
            .unwrap_or(u32::MAX)
    };
    let first = cost(&k.items[0]);
    assert!(k.items.iter().all(|it| cost(it) >= first), "{k:#?}");
    assert!(k.next_step.contains("为所列产品中最低"), "{}", k.next_step);

    // A guarantee need's insurance premium is not compared with a guaranteed loan's rate.
    let mut g = n.clone();
    g.kind = FinancingKind::Guarantee;
    let p = compose(&f, std::slice::from_ref(&g), &[], None);
    let k = package(&p, &g);
    let first = cat.product(k.items[0].product_id).unwrap();
    assert_ne!(
        first.kind.financing_kind(),
        FinancingKind::Insurance,
        "{k:#?}"
    );

    // Another reason changes nothing.
    n.unmet_reason = Some(ReasonCode::FirmWithdrew);
    let p = compose(&f, std::slice::from_ref(&n), &[], None);
    assert!(!package(&p, &n).next_step.contains("此前因"));
}
