//! Issue 10 items 2, 5 and 7 (section 四): the qualification roadmap proposes only routes the
//! firm can take, with its own R&D band, the certificate-holder warning, the 科小
//! re-registration date and application windows as dates; checklist rows print each condition
//! once with its clause; the measures speak of this firm.

use super::*;
use crate::model::{Qualification, QualityItem, RdInstitutionLevel, YearFinancials};
use crate::product::builtin_catalog;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn today() -> NaiveDate {
    d(2026, 11, 26)
}

/// A firm that meets every 科小 condition (score 20 + 50 + 30) and every 高企 condition.
fn firm(revenue_wan: [i64; 3], rd_wan: [i64; 3]) -> Firm {
    let mut f = Firm::new(
        Uuid::from_u128(0x99),
        "91350100M000100Y43",
        "济南泉城测试科技有限公司",
    );
    f.founded = Some(d(2015, 3, 1));
    f.staff = Some(100);
    f.tech_staff = Some(30);
    f.ip.invention_patents = 2;
    f.ip.utility_models = 4;
    for (i, y) in [2023, 2024, 2025].into_iter().enumerate() {
        let rev = revenue_wan[i] * 10_000;
        *f.year_mut(y) = YearFinancials {
            year: y,
            revenue: Some(rev),
            main_business_revenue: Some(rev * 9 / 10),
            total_income: Some(rev),
            rd_expense: Some(rd_wan[i] * 10_000),
            rd_expense_domestic: Some(rd_wan[i] * 10_000),
            total_cost: Some(rev * 8 / 10),
            total_assets: Some(rev),
            liabilities: Some(rev * 3 / 10),
            net_profit: Some(rev / 10),
            operating_cash_flow: Some(rev / 10),
            high_tech_revenue: Some(rev * 7 / 10),
            bills_receivable: None,
        };
    }
    let fa = &mut f.facts;
    fa.resident = Some(true);
    fa.restricted_category = Some(false);
    fa.serious_incident = Some(false);
    fa.dishonest_listed = Some(false);
    fa.hitech_field = Some(true);
    fa.innovation_score = Some(80);
    fa.niche_years = Some(6);
    fa.credit_overdue = Some(false);
    fa.independent_legal_person = Some(true);
    fa.key_field_product = Some(false);
    fa.digital_level = Some(2);
    fa.quality_items = Some(vec![QualityItem::CertifiedQms]);
    fa.srdi_feature_points = Some(8);
    fa.own_class1_ip = Some(true);
    fa.high_value_class1_ip = Some(false);
    fa.rd_institution_level = Some(RdInstitutionLevel::Municipal);
    fa.rd_sub_ledger = Some(true);
    fa.audited_year = Some(2025);
    f
}

fn plan(f: &Firm) -> Plan {
    let cat = builtin_catalog();
    compose_plan(&PlanInput {
        firm: f,
        needs: &[],
        visits: &[],
        team_name: "历城区科创金融辅导一队",
        coach_name: "李明",
        catalog: &cat,
        today: today(),
        previous: None,
    })
}

fn roadmap_of(f: &Firm) -> Vec<String> {
    plan(f)
        .content
        .measures
        .iter()
        .find(|m| m.title == "资质培育路线")
        .map(|m| m.text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

fn step<'a>(steps: &'a [String], prefix: &str) -> Option<&'a String> {
    steps.iter().find(|s| s.starts_with(prefix))
}

/// No product offered "after" obtaining `kind` when `kind` is the only designation opening it
/// (the firm cannot reach it).
fn assert_no_near_miss_opened_only_by(p: &Plan, kind: QualificationKind) {
    let cat = builtin_catalog();
    for m in &p.content.credit.near_misses {
        let prod = cat.product(m.product_id).unwrap();
        let only = prod.rules.iter().any(|r| {
            matches!(r, crate::product::EligibilityRule::QualificationHeld { any_of }
                if any_of == &vec![kind])
        });
        assert!(!only, "{} offered after {}", prod.name, kind.label_zh());
    }
}

fn cert(kind: QualificationKind, obtained: NaiveDate, expires: Option<NaiveDate>) -> Qualification {
    Qualification {
        kind,
        obtained: Some(obtained),
        expires,
        number: String::new(),
    }
}

#[test]
fn over_the_size_limits_a_high_tech_holder_is_told_to_keep_its_certificate_not_to_seek_one() {
    let mut f = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    f.qualifications = vec![cert(
        QualificationKind::HighTech,
        d(2025, 11, 15),
        Some(d(2028, 11, 14)),
    )];
    // Lapsed (never registered) and still registered this year: both branches.
    for registered in [false, true] {
        if registered {
            f.qualifications
                .push(cert(QualificationKind::TechSme, d(2026, 5, 1), None));
        }
        let steps = roadmap_of(&f);
        let ts = step(&steps, "科技型中小企业").expect("a 科小 step");
        assert!(
            ts.contains(
                "企业已持有高新技术企业证书（有效期至2028-11-14），请以保持高新技术企业资格为重点"
            ),
            "{ts}"
        );
        assert!(!ts.contains("建议以高新技术企业认定为目标"), "{ts}");
    }
    // An expired certificate does not count: the firm is pointed to 高企 again.
    f.qualifications = vec![cert(
        QualificationKind::HighTech,
        d(2022, 11, 15),
        Some(d(2025, 11, 14)),
    )];
    let ts = step(&roadmap_of(&f), "科技型中小企业").unwrap().clone();
    assert!(ts.contains("建议以高新技术企业认定为目标"), "{ts}");
    assert!(!ts.contains("已持有高新技术企业证书"), "{ts}");
}

#[test]
fn over_the_size_limits_the_firm_is_pointed_to_high_tech_not_to_staff() {
    // Sales 2.3亿 > 2亿 and only 9 % tech staff: no amount of staff fixes the size.
    let mut f = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    f.tech_staff = Some(9);
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").expect("a 科小 step");
    assert!(
        ts.contains("年销售收入 23,000万元，需 ≤ 20,000万元，超出 3,000万元"),
        "{ts}"
    );
    assert!(ts.contains("超出科技型中小企业规模上限（国科发政〔2022〕43号 第六条（二）），无法通过增加科技人员或研发投入满足"), "{ts}");
    assert!(ts.contains("建议以高新技术企业认定为目标"), "{ts}");
    assert!(!ts.contains("新招聘") && !ts.contains("可得"), "{ts}");
    // The 高企 step names the tech-staff gap with hires counted in the headcount.
    let ht = step(&steps, "高新技术企业：").expect("a 高企 step");
    assert!(
        ht.contains("约需新招聘 2 名科技人员（职工总数随之增加）"),
        "{ht}"
    );
    // A firm just inside the limits gets score hints instead.
    let mut f = firm([18_000, 19_000, 20_000], [100, 100, 100]);
    f.tech_staff = Some(9);
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").unwrap();
    assert!(!ts.contains("规模上限"), "{ts}");
}

#[test]
fn rd_targets_use_the_firms_own_band_on_the_three_year_basis() {
    // Latest sales 1亿 ⇒ 4 % band. Three-year R&D 4.4 % but latest year only 3.9 %: met.
    let f = firm([8_000, 9_000, 10_000], [420, 460, 390]);
    let p = plan(&f);
    let rd = p
        .content
        .diagnosis
        .high_tech
        .lines
        .iter()
        .find(|l| l.label == "研发费用占比")
        .unwrap();
    assert_eq!(rd.result, "符合");
    assert_eq!(rd.required, "≥ 4%");
    let steps = roadmap_of(&f);
    assert!(
        steps.iter().all(|s| !s.contains("研发费用占比")),
        "{steps:?}"
    );
    assert!(steps.iter().all(|s| !s.contains("5%")), "{steps:?}");
    // 3.9 % over three years: the gap is to 4 %, not 5 %, with the amount on the same basis.
    let f = firm([8_000, 9_000, 10_000], [312, 351, 390]);
    let steps = roadmap_of(&f);
    let ht = step(&steps, "高新技术企业：").expect("a 高企 step");
    assert!(
        ht.contains("研发费用占比 3.90%，需 ≥ 4%，差 0.1 个百分点，约 27 万元"),
        "{ht}"
    );
    assert!(ht.contains("2023–2025年合计研发费用"), "{ht}");
    // The 2027 window is a date range.
    assert!(ht.contains("2027-05-01至2027-08-31"), "{ht}");
}

#[test]
fn certificate_holder_failing_conditions_gets_the_review_warning() {
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.qualifications.push(cert(
        QualificationKind::HighTech,
        d(2025, 12, 1),
        Some(d(2028, 11, 30)),
    ));
    for y in [2023, 2024, 2025] {
        let fy = f.year_mut(y);
        fy.high_tech_revenue = Some(fy.total_income.unwrap() * 37 / 100);
    }
    let p = plan(&f);
    let steps = roadmap_of(&f);
    let w = step(&steps, "高新技术企业（持证）：").expect("a warning");
    assert!(w.contains("复核风险"), "{w}");
    assert!(
        w.contains("高新技术产品（服务）收入占总收入比例 37.00%（需 ≥ 60%）"),
        "{w}"
    );
    assert!(w.contains("国科发火〔2016〕32号 第十六条"), "{w}");
    assert!(w.contains("请于2027-02-24前逐项补齐"), "{w}");
    assert!(p
        .content
        .diagnosis
        .high_tech
        .verdict
        .contains("存在复核风险"));
    assert!(p.content.diagnosis.text.contains("复核风险"));
    // The same firm meeting the conditions: no warning, no 高企 step at all.
    let mut ok = f.clone();
    for y in [2023, 2024, 2025] {
        let fy = ok.year_mut(y);
        fy.high_tech_revenue = Some(fy.total_income.unwrap() * 7 / 10);
    }
    assert!(roadmap_of(&ok)
        .iter()
        .all(|s| !s.starts_with("高新技术企业")));
}

#[test]
fn tech_sme_registration_gets_the_re_registration_date() {
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.qualifications
        .push(cert(QualificationKind::TechSme, d(2026, 3, 1), None));
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").unwrap();
    assert!(ts.contains("登记有效期至2026-12-31"), "{ts}");
    assert!(
        ts.contains("请于2027-01-01起按2026年度数据重新评价入库"),
        "{ts}"
    );
    // Last year's registration has lapsed on 31 December.
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.qualifications
        .push(cert(QualificationKind::TechSme, d(2025, 4, 1), None));
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").unwrap();
    assert!(ts.contains("原入库登记已于2025-12-31到期"), "{ts}");
    assert!(
        ts.contains("请于2026-12-31前在全国科技型中小企业信息服务平台完成2026年度评价入库"),
        "{ts}"
    );
}

#[test]
fn a_registered_firm_over_the_size_limits_is_not_asked_to_re_register() {
    // Registered for 2026 (valid to 2026-12-31); the latest figures are 2025's, 2.3亿 of sales.
    let mut f = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    f.qualifications
        .push(cert(QualificationKind::TechSme, d(2026, 5, 1), None));
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").unwrap();
    assert!(!ts.contains("请于2027-01-01起"), "{ts}");
    assert!(
        ts.contains("按2025年度数据，年销售收入 23,000万元，需 ≤ 20,000万元，超出 3,000万元；"),
        "{ts}"
    );
    assert!(
        ts.contains("超出规模上限；2026年度数据仍超出的，2027年度不能再入库，回到上限以内的可于2027-01-01起重新评价入库；"),
        "{ts}"
    );
    assert!(ts.contains("建议以高新技术企业认定为目标"), "{ts}");
    // With the registration year's own figures recorded, the answer is no longer conditional.
    let mut g = f.clone();
    *g.year_mut(2026) = YearFinancials {
        year: 2026,
        ..f.year(2025).unwrap().clone()
    };
    let ts = step(&roadmap_of(&g), "科技型中小企业").unwrap().clone();
    assert!(
        ts.contains("按2026年度数据，年销售收入 23,000万元，需 ≤ 20,000万元，超出 3,000万元；")
            && ts.contains("超出规模上限，2027年度不能再入库；"),
        "{ts}"
    );
    assert!(!ts.contains("重新评价入库"), "{ts}");
}

#[test]
fn an_srdi_holder_that_no_longer_qualifies_is_told_what_to_make_up_before_the_review() {
    // R&D at 0.2 % of sales: the 3 % condition fails, whatever the score.
    let mut f = firm([4_000, 4_500, 5_000], [10, 10, 10]);
    f.qualifications.push(cert(
        QualificationKind::SrdiProvincial,
        d(2025, 8, 1),
        Some(d(2028, 7, 31)),
    ));
    let p = plan(&f);
    assert!(
        p.content
            .diagnosis
            .srdi
            .verdict
            .contains("不符合（已认定企业，存在复核风险）"),
        "{}",
        p.content.diagnosis.srdi.verdict
    );
    let steps = roadmap_of(&f);
    let sr = step(&steps, "专精特新：").expect("a step for the holder");
    assert!(
        sr.starts_with("专精特新：已认定（有效期至2028-07-31），按最新数据复核将不符合：")
            && sr.contains("研发费用占营业收入比重 0.20%，需 ≥ 3%"),
        "{sr}"
    );
    assert!(sr.ends_with("请在有效期满复核前补齐。"), "{sr}");
    // Expiring within a year: the review's window, and the same gaps.
    f.qualifications[0].expires = Some(d(2027, 7, 31));
    let steps = roadmap_of(&f);
    let sr = step(&steps, "专精特新：").unwrap();
    assert!(sr.contains("资格将于2027-07-31到期，请在"), "{sr}");
    assert!(
        sr.contains("申报复核；按最新数据复核将不符合：")
            && sr.contains("研发费用占营业收入比重 0.20%"),
        "{sr}"
    );
    // A holder that still qualifies and is far from its expiry: nothing to do.
    let mut ok = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    ok.qualifications = f.qualifications.clone();
    ok.qualifications[0].expires = Some(d(2028, 7, 31));
    assert!(
        matches!(
            crate::eval::evaluate(&ok, today(), RuleBook::builtin())
                .srdi
                .verdict,
            Verdict::Qualifies { .. }
        ),
        "the comparison firm must qualify"
    );
    assert!(step(&roadmap_of(&ok), "专精特新").is_none());
    assert!(!plan(&ok).content.diagnosis.srdi.verdict.contains("复核"));
}

#[test]
fn a_product_opened_by_a_designation_the_firm_qualifies_for_names_the_window() {
    // "取得省级专精特新中小企业…认定后可申请专精特新贷（评价显示企业已符合省级专精特新中小企业条件，
    // 可尽快申报）": a designation is applied for in its window.
    let f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    let all = format!("{:?}", plan(&f).content);
    assert!(!all.contains("尽快"));
    assert!(
        all.contains("评价显示企业已符合省级专精特新中小企业条件，可在2027-04-01至2027-06-30申报"),
        "{all}"
    );
}

#[test]
fn windows_are_dates_and_nothing_says_as_soon_as_possible() {
    for f in [
        firm([4_000, 4_500, 5_000], [300, 320, 350]),
        firm([8_000, 9_000, 10_000], [100, 100, 100]),
    ] {
        let p = plan(&f);
        for m in &p.content.measures {
            assert!(!m.text.contains("尽快"), "{}", m.text);
        }
        let steps = roadmap_of(&f);
        for s in steps.iter().filter(|s| s.contains("申报")) {
            assert!(s.contains("2027-") || s.contains("2026-"), "{s}");
        }
    }
}

#[test]
fn checklist_rows_print_each_condition_once_with_its_clause() {
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.facts.dishonest_listed = Some(true);
    f.facts.hitech_field = None;
    let p = plan(&f);
    let dg = &p.content.diagnosis;
    for s in [&dg.tech_sme, &dg.high_tech, &dg.srdi] {
        for l in &s.lines {
            assert!(!l.cite.is_empty(), "{}: {l:?}", s.name);
            assert!(!l.required.is_empty(), "{}: {l:?}", s.name);
            assert!(!l.figure.is_empty(), "{}: {l:?}", s.name);
            assert!(
                ["符合", "不符合", "无法判断"].contains(&l.result.as_str())
                    || l.result.contains('/'),
                "{l:?}"
            );
            // The label and the result are not repeated in the figure.
            assert!(!l.figure.contains(&l.label), "{l:?}");
            assert!(
                !l.figure.contains("，符合") && !l.figure.contains("需 "),
                "{l:?}"
            );
        }
    }
    let listed = dg
        .tech_sme
        .lines
        .iter()
        .find(|l| l.label.starts_with("列入经营异常名录"))
        .unwrap();
    assert_eq!(
        (
            listed.required.as_str(),
            listed.figure.as_str(),
            listed.result.as_str(),
            listed.cite.as_str()
        ),
        ("否", "是", "不符合", "国科发政〔2022〕43号 第六条（四）")
    );
    let staff = dg
        .high_tech
        .lines
        .iter()
        .find(|l| l.label == "科技人员占比")
        .unwrap();
    assert_eq!(staff.cite, "国科发火〔2016〕32号 第十一条（四）");
    assert_eq!(
        (staff.required.as_str(), staff.figure.as_str()),
        ("≥ 10%", "30.00%")
    );
    let field = dg
        .high_tech
        .lines
        .iter()
        .find(|l| l.label.starts_with("核心技术属于"))
        .unwrap();
    assert_eq!(field.result, "无法判断");
    assert!(field.figure.starts_with("缺"), "{field:?}");
    // The 专精特新 score prints indicator by indicator, each with its clause.
    assert!(dg
        .srdi
        .lines
        .iter()
        .any(|l| l.label == "创新能力·研发机构级别" && l.result == "4/10"));
    // The rendered table has the five columns and no row prints "需 否".
    let doc = to_document(&p);
    let mut all = String::new();
    doc.for_each_text(|_, t| {
        all.push_str(t);
        all.push('\n');
    });
    assert!(!all.contains("需 否") && !all.contains("需 是"));
    assert!(all.contains("依据"));
}

#[test]
fn measures_speak_of_this_firm() {
    // A firm with a ledger, audited statements and full figures gets no ledger/accounting text.
    let f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    let titles: Vec<String> = plan(&f)
        .content
        .measures
        .iter()
        .map(|m| m.title.clone())
        .collect();
    assert!(!titles.contains(&"规范会计核算".to_string()), "{titles:?}");
    assert!(
        !titles.contains(&"建立研发费用辅助账".to_string()),
        "{titles:?}"
    );
    // No ledger, unaudited latest year: both measures name this firm's figures and dates.
    let mut g = f.clone();
    g.facts.rd_sub_ledger = Some(false);
    g.facts.audited_year = Some(2024);
    let p = plan(&g);
    let m = |t: &str| {
        p.content
            .measures
            .iter()
            .find(|m| m.title == t)
            .map(|m| m.text.clone())
            .unwrap()
    };
    let ledger = m("建立研发费用辅助账");
    assert!(
        ledger.starts_with("企业尚未建立研发费用辅助账，2025年研发费用350万元（占营业收入7.00%）"),
        "{ledger}"
    );
    assert!(
        ledger.contains("于2027-05-31（2026年度企业所得税汇算清缴截止）前完成2026年度研发费用归集"),
        "{ledger}"
    );
    let acc = m("规范会计核算");
    assert!(
        acc.contains("最近一次审计为2024年度，2025年度财务报表尚未审计"),
        "{acc}"
    );
    // Two firms with different records never share a measure text word for word.
    let mut h = g.clone();
    h.facts.rd_sub_ledger = None;
    h.facts.audited_year = None;
    let ph = plan(&h);
    for a in &p.content.measures {
        for b in &ph.content.measures {
            if a.title == b.title && a.title != "资质培育路线" {
                assert_ne!(a.text, b.text, "{}", a.title);
            }
        }
    }
}

#[test]
fn certificate_holder_below_the_high_tech_revenue_share_is_monitored_on_it() {
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.qualifications.push(cert(
        QualificationKind::HighTech,
        d(2025, 12, 1),
        Some(d(2028, 11, 30)),
    ));
    for y in [2023, 2024, 2025] {
        let fy = f.year_mut(y);
        fy.high_tech_revenue = Some(fy.total_income.unwrap() * 37 / 100);
    }
    let p = plan(&f);
    let line = |p: &Plan| {
        p.content
            .monitoring
            .iter()
            .find(|t| {
                t.indicator
                    .starts_with("高新技术产品（服务）收入占总收入比例")
            })
            .cloned()
    };
    let t = line(&p).expect("a monitoring line on the revenue share");
    assert_eq!(
        t.indicator,
        "高新技术产品（服务）收入占总收入比例（持证复核）"
    );
    assert_eq!(t.baseline, "37.00%");
    assert_eq!(t.target, "不低于60%（高企认定条件）");
    // The roadmap's "请于…前逐项补齐" date: 90 days after 2026-11-26.
    assert_eq!(t.due, d(2027, 2, 24));
    let all = {
        let mut s = String::new();
        to_document(&p).for_each_text(|_, t| s.push_str(t));
        s
    };
    assert!(all.contains("高新技术产品（服务）收入占总收入比例（持证复核）"));

    // At 60 % the share is met: no line. Without the certificate: no line either (the firm
    // is monitored on 高新技术企业认定 instead).
    let mut ok = f.clone();
    for y in [2023, 2024, 2025] {
        let fy = ok.year_mut(y);
        fy.high_tech_revenue = Some(fy.total_income.unwrap() * 60 / 100);
    }
    assert!(line(&plan(&ok)).is_none());
    let mut uncertified = f.clone();
    uncertified.qualifications.clear();
    assert!(line(&plan(&uncertified)).is_none());
}

#[test]
fn a_firm_qualifying_for_srdi_by_a_direct_route_is_told_which_not_its_short_score() {
    // "认定条件已满足（评价得分59分）" beside a table asking ≥ 60 points: the route that
    // qualifies the firm (average R&D ≥ 1,000万元 over two years) is what the sentence names.
    let mut f = firm([20_000, 22_000, 24_000], [1_200, 1_300, 1_400]);
    let fa = &mut f.facts;
    fa.digital_level = Some(1);
    fa.quality_items = Some(vec![]);
    fa.srdi_feature_points = Some(0);
    fa.niche_years = Some(2);
    fa.own_class1_ip = Some(false);
    fa.rd_institution_level = Some(RdInstitutionLevel::NoInstitution);
    for y in [2023, 2024, 2025] {
        let yr = f.year_mut(y);
        yr.net_profit = Some(0);
        yr.liabilities = yr.total_assets.map(|a| a * 9 / 10);
        yr.main_business_revenue = yr.revenue.map(|r| r / 2);
    }
    let sr = crate::eval::evaluate(&f, today(), RuleBook::builtin()).srdi;
    assert!(
        matches!(sr.verdict, Verdict::Qualifies { .. }),
        "{:?}",
        sr.verdict
    );
    assert!(sr.score.total < 60, "score {}", sr.score.total);
    let steps = roadmap_of(&f);
    let s = step(&steps, "专精特新中小企业").expect("an SRDI step");
    assert!(s.contains("满足直接认定条件"), "{s}");
    assert!(s.contains("研发费用"), "{s}");
    assert!(!s.contains("评价得分"), "{s}");
}

#[test]
fn no_task_is_due_before_it_can_be_done_nor_on_a_certificates_expiry() {
    // A 科小 registration valid to 31 December: re-registration opens on 1 January. The coach's
    // overdue follow-up "申报科技型中小企业评价" was carried to a date in December, and the
    // roadmap's task was due on the registration's expiry (the earliest date in its text).
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.qualifications
        .push(cert(QualificationKind::TechSme, d(2026, 3, 1), None));
    let visit = Visit {
        id: Uuid::from_u128(0x51),
        firm_id: f.id,
        team_id: None,
        date: d(2026, 10, 1),
        coach_ids: vec![],
        mode: crate::model::VisitMode::OnSite,
        notes: String::new(),
        findings: String::new(),
        tasks: vec![crate::model::FollowUpTask {
            title: "申报科技型中小企业评价".into(),
            owner: "李明".into(),
            due: d(2026, 11, 18),
            done: false,
        }],
    };
    let cat = builtin_catalog();
    let p = compose_plan(&PlanInput {
        firm: &f,
        needs: &[],
        visits: std::slice::from_ref(&visit),
        team_name: "历城区科创金融辅导一队",
        coach_name: "李明",
        catalog: &cat,
        today: today(),
        previous: None,
    });
    let reopen = d(2027, 1, 1);
    let task = p
        .content
        .actions
        .iter()
        .find(|a| a.task == "申报科技型中小企业评价")
        .expect("the follow-up is a task");
    assert_eq!(task.due, reopen, "{task:?}");
    assert_eq!(task.overdue_since, Some(d(2026, 11, 18)));
    // The roadmap's own task (if listed apart) is not due on the expiry 2026-12-31 either.
    for a in p
        .content
        .actions
        .iter()
        .filter(|a| a.task.contains("资质培育路线"))
    {
        assert!(a.due >= reopen, "{a:?}");
    }
    assert_eq!(
        super::capital::earliest_date_from("登记有效期至2026-12-31；请于2027-01-01起", today()),
        Some(reopen)
    );
    assert_eq!(
        super::capital::earliest_date_from(
            "证书将于2027-11-15到期，申报窗口：2027-05-01至2027-08-31",
            today()
        ),
        Some(d(2027, 5, 1))
    );
}

#[test]
fn a_firm_outside_the_high_tech_fields_is_not_sent_to_close_that_gap() {
    // "核心技术属于《国家重点支持的高新技术领域》：否（应为是）。补齐后在…申报", a 高企 target
    // for the year, and products opened "by 高企" for a firm whose technology is outside 高企's
    // fields.
    let mut f = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    f.facts.hitech_field = Some(false);
    let steps = roadmap_of(&f);
    let ht = step(&steps, "高新技术企业").expect("a 高企 step");
    assert!(ht.contains("不属于《国家重点支持的高新技术领域》"), "{ht}");
    assert!(!ht.contains("补齐"), "{ht}");
    let p = plan(&f);
    assert!(
        !p.content
            .monitoring
            .iter()
            .any(|t| t.indicator == "高新技术企业认定"),
        "{:?}",
        p.content.monitoring
    );
    let whole = format!("{:?}", p.content);
    assert!(!whole.contains("高新技术企业差距：核心技术"), "{whole}");
    // A product only 高企 opens is no near miss: nothing the firm can do opens it.
    assert_no_near_miss_opened_only_by(&p, QualificationKind::HighTech);
}

#[test]
fn a_firm_over_the_tech_sme_size_limits_is_not_sent_to_close_that_gap_by_a_product() {
    // "取得科技型中小企业或高新技术企业认定后可申请历城·历下科技贷（科技型中小企业差距：资产总额
    // 24,491.33万元，需 ≤ 20,000万元…）" for a firm the roadmap had just told that 科小 is no
    // route: the hint names 高企's gap instead.
    let mut f = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    f.district = Some("370112".into());
    for y in [2023, 2024, 2025] {
        let fy = f.year_mut(y);
        fy.high_tech_revenue = Some(fy.total_income.unwrap() * 37 / 100);
    }
    let p = plan(&f);
    let whole = format!("{:?}", p.content);
    assert!(!whole.contains("科技型中小企业差距"), "{whole}");
    assert!(
        whole.contains("高新技术企业差距：高新技术产品（服务）收入占总收入比例"),
        "{whole}"
    );
    // Every near miss opened by a designation can be opened by one the firm can reach.
    assert_no_near_miss_opened_only_by(&p, QualificationKind::TechSme);
}

#[test]
fn the_rd_ledger_serves_only_designations_the_firm_can_reach() {
    // "…前完成2026年度研发费用归集，用于研发费用加计扣除、科技型中小企业评价、高新技术企业认定" for a
    // firm whose roadmap had just said 科小 is no route (over its size limits).
    let ledger = |f: &Firm| {
        plan(f)
            .content
            .measures
            .iter()
            .find(|m| m.title == "建立研发费用辅助账")
            .map(|m| m.text.clone())
            .expect("a ledger measure")
    };
    let mut big = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    big.facts.rd_sub_ledger = None;
    let t = ledger(&big);
    assert!(!t.contains("科技型中小企业评价"), "{t}");
    assert!(t.contains("高新技术企业认定"), "{t}");
    // Outside 高企's fields: no 高企 either.
    let mut off = firm([4_000, 4_500, 5_000], [300, 320, 350]);
    off.facts.rd_sub_ledger = None;
    off.facts.hitech_field = Some(false);
    let t = ledger(&off);
    assert!(!t.contains("高新技术企业认定"), "{t}");
}

#[test]
fn over_the_tech_sme_size_a_firm_outside_the_high_tech_fields_is_not_pointed_to_high_tech() {
    // "科技型中小企业：…超出规模上限…；建议以高新技术企业认定为目标" right above "高新技术企业：企业核心
    // 技术不属于《国家重点支持的高新技术领域》…，暂不作为培育目标".
    let mut f = firm([18_000, 20_000, 23_000], [600, 700, 800]);
    f.facts.hitech_field = Some(false);
    let steps = roadmap_of(&f);
    let ts = step(&steps, "科技型中小企业").unwrap();
    assert!(!ts.contains("高新技术企业认定为目标"), "{ts}");
    assert!(ts.contains("建议以专精特新中小企业认定为目标"), "{ts}");
    // Holding 专精特新, it keeps it.
    f.qualifications.push(cert(
        QualificationKind::SrdiProvincial,
        d(2025, 8, 1),
        Some(d(2028, 7, 31)),
    ));
    let ts = step(&roadmap_of(&f), "科技型中小企业").unwrap().clone();
    assert!(ts.contains("请以保持专精特新资格为重点"), "{ts}");
}
