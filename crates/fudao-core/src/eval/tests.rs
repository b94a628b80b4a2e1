//! Table-driven tests from the documents, at every band edge and every condition, plus
//! property tests that scores are monotone in each input.

use super::num::Pct;
use super::*;
use crate::model::{
    IpHoldings, Qualification, QualificationKind, QualityItem, RdInstitutionLevel, YearFinancials,
};
use proptest::prelude::*;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 6, 1)
}

fn book() -> &'static RuleBook {
    RuleBook::builtin()
}

/// A firm that meets every 科小 condition and scores 20 + 50 + 30 = 100.
fn good_firm() -> Firm {
    let mut f = Firm::new(Uuid::nil(), "91350100M000100Y43", "济南量子科技有限公司");
    f.staff = Some(100);
    f.tech_staff = Some(30);
    f.high_talents = Some(5);
    f.founded = Some(d(2015, 3, 1));
    f.financials = vec![
        year(2023, 40_000_000, 2_800_000),
        year(2024, 45_000_000, 3_000_000),
        year(2025, 50_000_000, 3_000_000),
    ];
    f.ip = IpHoldings {
        invention_patents: 2,
        utility_models: 5,
        ..Default::default()
    };
    f.facts.resident = Some(true);
    f.facts.restricted_category = Some(false);
    f.facts.serious_incident = Some(false);
    f.facts.dishonest_listed = Some(false);
    f.facts.hitech_field = Some(true);
    f.facts.innovation_score = Some(80);
    f.facts.niche_years = Some(5);
    f.facts.srdi_score = Some(70);
    // 专精特新 score inputs: 专业化 22, 精细化 25, 特色化 10, 创新能力 23 = 80 (a municipal R&D
    // institution, which is no 科小 direct route).
    f.facts.independent_legal_person = Some(true);
    f.facts.key_field_product = Some(true);
    f.facts.digital_level = Some(3);
    f.facts.quality_items = Some(vec![QualityItem::CertifiedQms, QualityItem::OwnBrand]);
    f.facts.srdi_feature_points = Some(10);
    f.facts.own_class1_ip = Some(true);
    f.facts.high_value_class1_ip = Some(false);
    f.facts.rd_institution_level = Some(RdInstitutionLevel::Municipal);
    f.facts.founder_experience_years = Some(12);
    f.facts.credit_overdue = Some(false);
    f.ever_borrowed = Some(true);
    f
}

fn year(y: i32, revenue: i64, rd: i64) -> YearFinancials {
    YearFinancials {
        year: y,
        revenue: Some(revenue),
        main_business_revenue: Some(revenue * 85 / 100),
        total_income: Some(revenue),
        rd_expense: Some(rd),
        rd_expense_domestic: Some(rd),
        total_cost: Some(revenue * 8 / 10),
        total_assets: Some(revenue),
        liabilities: Some(revenue * 3 / 10),
        net_profit: Some(revenue / 10),
        operating_cash_flow: Some(revenue / 10),
        high_tech_revenue: Some(revenue * 7 / 10),
        bills_receivable: None,
    }
}

fn latest(f: &mut Firm) -> &mut YearFinancials {
    f.financials.iter_mut().max_by_key(|y| y.year).unwrap()
}

fn sme(f: &Firm) -> tech_sme::TechSmeResult {
    tech_sme::evaluate(f, today(), book().tech_sme_for(today()))
}

fn ind(f: &Firm, key: &str) -> tech_sme::Indicator {
    sme(f)
        .indicators
        .into_iter()
        .find(|i| i.key == key)
        .unwrap()
}

fn cond(f: &Firm, key: &str) -> CheckItem {
    sme(f)
        .conditions
        .into_iter()
        .find(|i| i.key == key)
        .unwrap()
}

// ------------------------------------------------------------------------------------------
// 科技型中小企业: indicators

#[test]
fn tech_staff_bands_at_every_edge() {
    // 国科发政〔2022〕43号 第七条（一）: ≥30%→20, ≥25%→16, ≥20%→12, ≥15%→8, ≥10%→4, else 0.
    let table: &[(u32, u32, u32)] = &[
        (30, 100, 20),
        (29, 100, 16),
        (25, 100, 16),
        (24, 100, 12),
        (20, 100, 12),
        (19, 100, 8),
        (15, 100, 8),
        (14, 100, 4),
        (10, 100, 4),
        (9, 100, 0),
        (0, 100, 0),
        (100, 100, 20),
        (300, 1000, 20),
        (299, 1000, 16),
        (3, 10, 20),
        (1, 7, 4), // 14.28 %
    ];
    for &(t, s, pts) in table {
        let mut f = good_firm();
        f.tech_staff = Some(t);
        f.staff = Some(s);
        assert_eq!(ind(&f, "tech_staff").points, Some(pts), "{t}/{s}");
    }
}

#[test]
fn rd_sales_bands_at_every_edge() {
    // 第七条（二）(1): R&D / sales ≥6%→50, ≥5%→40, ≥4%→30, ≥3%→20, ≥2%→10, else 0.
    // Total cost is made huge so that the cost base scores 0 and the sales base decides.
    let sales = 10_000_000; // 1,000万元
    let table: &[(i64, u32)] = &[
        (600_000, 50), // 6.00 %
        (599_999, 40), // 5.99999 %
        (599_000, 40), // 5.99 %
        (500_000, 40), // 5 %
        (499_999, 30),
        (400_000, 30),
        (399_999, 20),
        (300_000, 20),
        (299_999, 10),
        (200_000, 10),
        (199_999, 0),
        (0, 0),
        (9_000_000, 50),
    ];
    for &(rd, pts) in table {
        let mut f = good_firm();
        let y = latest(&mut f);
        y.revenue = Some(sales);
        y.rd_expense = Some(rd);
        y.total_cost = Some(1_000_000_000_000);
        assert_eq!(ind(&f, "rd").points, Some(pts), "rd {rd}");
    }
}

#[test]
fn rd_cost_bands_at_every_edge() {
    // 第七条（二）(2): R&D / total cost ≥30%→50, ≥25%→40, ≥20%→30, ≥15%→20, ≥10%→10, else 0.
    let cost = 1_000_000;
    let table: &[(i64, u32)] = &[
        (300_000, 50),
        (299_999, 40),
        (250_000, 40),
        (249_999, 30),
        (200_000, 30),
        (199_999, 20),
        (150_000, 20),
        (149_999, 10),
        (100_000, 10),
        (99_999, 0),
    ];
    for &(rd, pts) in table {
        let mut f = good_firm();
        let y = latest(&mut f);
        y.revenue = Some(1_000_000_000_000);
        y.rd_expense = Some(rd);
        y.total_cost = Some(cost);
        let i = ind(&f, "rd");
        assert_eq!(i.points, Some(pts), "rd {rd}");
        if pts > 0 {
            assert_eq!(i.basis.unwrap().en, "R&D / total cost and expenses");
        }
    }
}

#[test]
fn rd_takes_the_better_of_the_two_bases() {
    let mut f = good_firm();
    let y = latest(&mut f);
    y.revenue = Some(10_000_000);
    y.rd_expense = Some(500_000); // 5 % of sales → 40
    y.total_cost = Some(1_500_000); // 33 % of cost → 50
    assert_eq!(ind(&f, "rd").points, Some(50));
    latest(&mut f).total_cost = Some(5_000_000); // 10 % of cost → 10
    assert_eq!(ind(&f, "rd").points, Some(40));
    // No sales at all: the sales base scores nothing, the cost base still counts.
    let y = latest(&mut f);
    y.revenue = Some(0);
    y.total_cost = Some(2_000_000); // 25 % → 40
    assert_eq!(ind(&f, "rd").points, Some(40));
}

#[test]
fn ip_bands_at_every_edge() {
    // 第七条（三）: any Class-I → 30; Class-II ≥4→24, 3→18, 2→12, 1→6, 0→0.
    let table: &[(u32, u32, u32)] = &[
        (1, 0, 30),
        (3, 9, 30),
        (0, 4, 24),
        (0, 9, 24),
        (0, 3, 18),
        (0, 2, 12),
        (0, 1, 6),
        (0, 0, 0),
    ];
    for &(c1, c2, pts) in table {
        let mut f = good_firm();
        f.ip = IpHoldings {
            invention_patents: c1,
            software_copyrights: c2,
            ..Default::default()
        };
        assert_eq!(ind(&f, "ip").points, Some(pts), "{c1}/{c2}");
    }
    // Class II sums utility models, designs and software copyrights; other Class-I counts.
    let mut f = good_firm();
    f.ip = IpHoldings {
        utility_models: 1,
        designs: 1,
        software_copyrights: 2,
        ..Default::default()
    };
    assert_eq!(ind(&f, "ip").points, Some(24));
    f.ip.other_class1 = 1;
    assert_eq!(ind(&f, "ip").points, Some(30));
}

// ------------------------------------------------------------------------------------------
// 科技型中小企业: verdict

fn set_score(f: &mut Firm, tech: u32, rd_pct_of_sales: i64, class2: u32) {
    f.staff = Some(100);
    f.tech_staff = Some(tech);
    let y = latest(f);
    y.revenue = Some(10_000_000);
    y.rd_expense = Some(rd_pct_of_sales * 100_000);
    y.total_cost = Some(1_000_000_000_000);
    f.ip = IpHoldings {
        software_copyrights: class2,
        ..Default::default()
    };
}

#[test]
fn total_of_60_with_nonzero_tech_qualifies() {
    // (tech staff %, R&D % of sales, Class-II count) → (total, qualifies)
    let table: &[(u32, i64, u32, u32, bool)] = &[
        (30, 5, 0, 60, true),  // 20 + 40 + 0
        (30, 2, 0, 30, false), // 20 + 10
        (10, 6, 1, 60, true),  // 4 + 50 + 6
        (20, 4, 3, 60, true),  // 12 + 30 + 18
        (15, 5, 1, 54, false), // 8 + 40 + 6
        (29, 5, 0, 56, false), // 16 + 40
        (25, 5, 1, 62, true),  // 16 + 40 + 6
        (9, 6, 9, 74, false),  // 0 + 50 + 24: tech staff 0 points alone disqualifies
    ];
    for &(t, rd, c2, total, ok) in table {
        let mut f = good_firm();
        set_score(&mut f, t, rd, c2);
        let r = sme(&f);
        assert_eq!(r.total, Some(total), "{t}/{rd}/{c2}");
        assert_eq!(r.verdict.qualifies(), ok, "{t}/{rd}/{c2}: {:?}", r.verdict);
        assert!(matches!(
            r.verdict,
            Verdict::Qualifies { .. } | Verdict::DoesNotQualify { .. }
        ));
    }
}

#[test]
fn nine_tech_staff_of_one_hundred_alone_disqualify() {
    let mut f = good_firm();
    f.tech_staff = Some(9);
    let r = sme(&f);
    assert_eq!(r.indicators[0].points, Some(0));
    assert_eq!(r.total, Some(80));
    match r.verdict {
        Verdict::DoesNotQualify { reasons } => {
            assert!(
                reasons[0].zh.contains("科技人员指标得分为0分"),
                "{reasons:?}"
            );
            assert!(reasons[0].zh.contains("第六条（五）"));
        }
        v => panic!("{v:?}"),
    }
}

#[test]
fn every_eligibility_condition_at_its_edge() {
    type Setter = fn(&mut Firm);
    let table: &[(&str, Setter, Status)] = &[
        ("staff", |f| f.staff = Some(500), Status::Met),
        ("staff", |f| f.staff = Some(501), Status::NotMet),
        (
            "sales",
            |f| {
                latest(f).revenue = Some(200_000_000);
                latest(f).rd_expense = Some(12_000_000);
            },
            Status::Met,
        ),
        (
            "sales",
            |f| latest(f).revenue = Some(200_000_001),
            Status::NotMet,
        ),
        (
            "assets",
            |f| latest(f).total_assets = Some(200_000_000),
            Status::Met,
        ),
        (
            "assets",
            |f| latest(f).total_assets = Some(200_000_001),
            Status::NotMet,
        ),
        (
            "resident",
            |f| f.facts.resident = Some(false),
            Status::NotMet,
        ),
        ("resident", |f| f.facts.resident = None, Status::Unknown),
        (
            "restricted",
            |f| f.facts.restricted_category = Some(true),
            Status::NotMet,
        ),
        (
            "restricted",
            |f| f.facts.restricted_category = None,
            Status::Unknown,
        ),
        (
            "serious_incident",
            |f| f.facts.serious_incident = Some(true),
            Status::NotMet,
        ),
        (
            "serious_incident",
            |f| f.facts.serious_incident = None,
            Status::Unknown,
        ),
        (
            "dishonest_listed",
            |f| f.facts.dishonest_listed = Some(true),
            Status::NotMet,
        ),
        (
            "dishonest_listed",
            |f| f.facts.dishonest_listed = None,
            Status::Unknown,
        ),
        ("staff", |f| f.staff = None, Status::Unknown),
        ("assets", |f| latest(f).total_assets = None, Status::Unknown),
    ];
    for (key, set, status) in table {
        let mut f = good_firm();
        // keep the tech-staff share at 30 % when staff changes
        set(&mut f);
        if let Some(s) = f.staff {
            f.tech_staff = Some(s * 3 / 10);
        }
        let c = cond(&f, key);
        assert_eq!(c.status, *status, "{key}: {}", c.text.zh);
        assert!(
            c.cite.starts_with("国科发政〔2022〕43号 第六条"),
            "{}",
            c.cite
        );
        let v = sme(&f).verdict;
        match status {
            Status::Met => assert!(v.qualifies(), "{key}: {v:?}"),
            Status::NotMet => assert!(matches!(v, Verdict::DoesNotQualify { .. }), "{key}: {v:?}"),
            Status::Unknown => match v {
                Verdict::CannotTell { missing } => assert!(!missing.is_empty()),
                v => panic!("{key}: {v:?}"),
            },
        }
    }
    let mut f = good_firm();
    f.staff = Some(600);
    f.tech_staff = Some(180);
    assert_eq!(
        cond(&f, "staff").text.zh,
        "职工总数 600人，需 ≤ 500人，超出 100人"
    );
}

#[test]
fn direct_qualification_routes() {
    // A firm scoring 20 + 10 + 0 = 30 qualifies only directly (第八条), and only if 第六条
    // (一)–(四) hold.
    let base = || {
        let mut f = good_firm();
        set_score(&mut f, 30, 2, 0);
        f.facts.rd_institution_level = None;
        f
    };
    assert!(!sme(&base()).verdict.qualifies());

    type Setter = fn(&mut Firm);
    let table: &[(&str, Setter, bool)] = &[
        (
            "valid 高企 certificate",
            |f| {
                f.qualifications.push(Qualification {
                    kind: QualificationKind::HighTech,
                    obtained: Some(d(2024, 12, 1)),
                    expires: Some(d(2027, 11, 30)),
                    number: "GR202437000001".into(),
                })
            },
            true,
        ),
        (
            "expired 高企 certificate",
            |f| {
                f.qualifications.push(Qualification {
                    kind: QualificationKind::HighTech,
                    obtained: Some(d(2022, 12, 1)),
                    expires: Some(d(2025, 11, 30)),
                    number: String::new(),
                })
            },
            false,
        ),
        (
            // 近五年 on 2026-06-01: 2022–2026 (five years, not six).
            "award 2022 (within 5 years of 2026)",
            |f| f.facts.national_award_year = Some(2022),
            true,
        ),
        (
            "award 2021",
            |f| f.facts.national_award_year = Some(2021),
            false,
        ),
        (
            "award 2022, ranked 3rd",
            |f| {
                f.facts.national_award_year = Some(2022);
                f.facts.national_award_rank = Some(3);
            },
            true,
        ),
        (
            "award 2022, ranked 4th",
            |f| {
                f.facts.national_award_year = Some(2022);
                f.facts.national_award_rank = Some(4);
            },
            false,
        ),
        (
            "national R&D institution level",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::National),
            true,
        ),
        (
            "municipal R&D institution level",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::Municipal),
            false,
        ),
        (
            "provincial R&D institution",
            |f| f.facts.provincial_rd_institution = Some(true),
            true,
        ),
        (
            "no R&D institution",
            |f| f.facts.provincial_rd_institution = Some(false),
            false,
        ),
        (
            "standard 2022",
            |f| f.facts.led_standard_year = Some(2022),
            true,
        ),
        (
            "standard 2021",
            |f| f.facts.led_standard_year = Some(2021),
            false,
        ),
    ];
    for (name, set, ok) in table {
        let mut f = base();
        set(&mut f);
        let r = sme(&f);
        assert_eq!(r.verdict.qualifies(), *ok, "{name}: {:?}", r.verdict);
        if *ok {
            match &r.verdict {
                Verdict::Qualifies { route } => assert!(route.zh.contains("直接认定"), "{route:?}"),
                v => panic!("{v:?}"),
            }
        }
    }
    // Direct routes still need 第六条（一）–（四）.
    let mut f = base();
    f.facts.provincial_rd_institution = Some(true);
    f.staff = Some(600);
    f.tech_staff = Some(200);
    assert!(matches!(sme(&f).verdict, Verdict::DoesNotQualify { .. }));
    f.staff = Some(100);
    f.tech_staff = Some(30);
    f.facts.resident = None;
    assert!(matches!(sme(&f).verdict, Verdict::CannotTell { .. }));
    // A direct route rescues a zero tech-staff score.
    f.facts.resident = Some(true);
    f.tech_staff = Some(5);
    assert!(sme(&f).verdict.qualifies());
}

#[test]
fn missing_figures_name_themselves_and_bound_the_score() {
    let mut f = good_firm();
    f.tech_staff = None;
    let r = sme(&f);
    assert_eq!(r.total, None);
    assert_eq!((r.total_min, r.total_max), (80, 100));
    match r.verdict {
        Verdict::CannotTell { missing } => assert_eq!(missing, vec![figure::tech_staff()]),
        v => panic!("{v:?}"),
    }

    // R&D known on one base only: 20 + (≥10) + 30 reaches 60 whatever the other base says.
    let mut f = good_firm();
    let y = latest(&mut f);
    y.revenue = Some(10_000_000);
    y.rd_expense = Some(200_000); // 2 % of sales → 10
    y.total_cost = None;
    let r = sme(&f);
    assert_eq!(r.indicators[1].points, None);
    assert_eq!(
        (r.indicators[1].points_min, r.indicators[1].points_max),
        (10, 50)
    );
    assert!(r.verdict.qualifies(), "{:?}", r.verdict);

    // Too low whatever the missing figure: tech 4 + R&D ≤ 50 + IP 0 = at most 54.
    let mut f = good_firm();
    set_score(&mut f, 10, 0, 0);
    latest(&mut f).rd_expense = None;
    let r = sme(&f);
    assert_eq!(r.total_max, 54);
    assert!(
        matches!(r.verdict, Verdict::DoesNotQualify { .. }),
        "{:?}",
        r.verdict
    );

    // Undecided: tech 20 + IP 30 + R&D unknown (0–50).
    let mut f = good_firm();
    latest(&mut f).rd_expense = None;
    match sme(&f).verdict {
        Verdict::CannotTell { missing } => assert_eq!(missing, vec![figure::rd(2025)]),
        v => panic!("{v:?}"),
    }

    // No financial year at all.
    let mut f = good_firm();
    f.financials.clear();
    let r = sme(&f);
    assert_eq!(r.financial_year, None);
    match r.verdict {
        Verdict::CannotTell { missing } => assert!(missing.contains(&figure::financial_year())),
        v => panic!("{v:?}"),
    }
}

#[test]
fn uses_latest_year_and_cites_clauses() {
    let mut f = good_firm();
    // An older year with a failing figure does not matter: the latest year decides.
    f.financials[0].revenue = Some(900_000_000);
    let r = sme(&f);
    assert_eq!(r.financial_year, Some(2025));
    assert!(r.verdict.qualifies());
    assert_eq!(r.indicators[1].cite, "国科发政〔2022〕43号 第七条（二）");
    assert_eq!(r.direct[0].cite, "国科发政〔2022〕43号 第八条（一）");
    assert!(r.notes.is_empty());
    // A stale latest year is flagged.
    f.financials.retain(|y| y.year == 2023);
    assert!(sme(&f).notes[0].zh.contains("2023"));
}

#[test]
fn next_band_hints_are_exact() {
    let mut f = good_firm();
    // 16 points; hires raise the headcount: (27 + 5) / 105 = 30.5 % but (27 + 4) / 104 = 29.8 %.
    f.tech_staff = Some(27);
    assert_eq!(
        ind(&f, "tech_staff").next_band.unwrap().zh,
        "新招聘 5 名科技人员（职工总数随之增加）可得 20 分"
    );
    let mut f = good_firm();
    let y = latest(&mut f);
    y.revenue = Some(10_000_000);
    y.rd_expense = Some(599_000);
    y.total_cost = Some(1_000_000_000_000);
    assert_eq!(
        ind(&f, "rd").next_band.unwrap().zh,
        "研发费用再增加约 0.1 万元可得 50 分"
    );
}

// ------------------------------------------------------------------------------------------
// 高新技术企业

fn ht(f: &Firm) -> high_tech::HighTechResult {
    high_tech::evaluate(f, today(), book().high_tech_for(today()))
}

fn ht_item(f: &Firm, key: &str) -> CheckItem {
    ht(f).items.into_iter().find(|i| i.key == key).unwrap()
}

#[test]
fn high_tech_good_firm_meets_every_item() {
    let r = ht(&good_firm());
    for i in &r.items {
        assert_eq!(i.status, Status::Met, "{}", i.text.zh);
        assert!(
            i.cite.starts_with("国科发火〔2016〕32号 第十一条"),
            "{}",
            i.cite
        );
    }
    assert!(r.verdict.qualifies());
    assert_eq!(r.rd_years, vec![2023, 2024, 2025]);
    assert_eq!(r.items.len(), 9);
}

#[test]
fn high_tech_rd_gap_text() {
    // Three years of sales totalling 2亿 (latest 8,000万 ⇒ threshold 4 %); R&D 640万 = 3.2 %.
    let mut f = good_firm();
    f.financials = vec![
        year(2023, 50_000_000, 2_000_000),
        year(2024, 70_000_000, 2_200_000),
        year(2025, 80_000_000, 2_200_000),
    ];
    let i = ht_item(&f, "rd_ratio");
    assert_eq!(i.status, Status::NotMet);
    assert_eq!(
        i.text.zh,
        "研发费用占比 3.20%，需 ≥ 4%，差 0.8 个百分点，约 160 万元"
    );
    assert_eq!(i.figure.as_deref(), Some("3.20%"));
    assert_eq!(i.required, "≥ 4%");
    assert!(i.detail.unwrap().zh.contains("2023–2025年"));
    assert!(matches!(ht(&f).verdict, Verdict::DoesNotQualify { .. }));
}

#[test]
fn high_tech_rd_threshold_by_latest_sales_band() {
    // (latest sales, three-year R&D, three-year sales, met)
    let table: &[(i64, i64, bool)] = &[
        (50_000_000, 5, true),  // ≤ 5,000万: 5 %
        (50_000_000, 4, false), // 4 % < 5 %
        (50_000_001, 4, true),  // (5,000万, 2亿]: 4 %
        (200_000_000, 4, true),
        (200_000_000, 3, false),
        (200_000_001, 3, true), // > 2亿: 3 %
        (200_000_001, 2, false),
    ];
    for &(sales, pct, ok) in table {
        let mut f = good_firm();
        f.founded = Some(d(2025, 1, 1)); // one year of operation: only 2025 counts
        f.financials = vec![year(2025, sales, 0)];
        latest(&mut f).rd_expense = Some(crate::eval::num::min_numerator(
            sales,
            Pct::from_percent(pct),
        ));
        latest(&mut f).rd_expense_domestic = latest(&mut f).rd_expense;
        let i = ht_item(&f, "rd_ratio");
        assert_eq!(i.status == Status::Met, ok, "{sales} {pct}: {}", i.text.zh);
    }
    // One yuan less than the exact threshold fails.
    let mut f = good_firm();
    f.founded = Some(d(2025, 1, 1));
    f.financials = vec![year(2025, 10_000_000, 499_999)];
    let i = ht_item(&f, "rd_ratio");
    assert_eq!(i.status, Status::NotMet);
    assert_eq!(
        i.text.zh,
        "研发费用占比 4.99%，需 ≥ 5%，差 0.01 个百分点，约 0 万元"
    );
}

#[test]
fn high_tech_years_follow_operating_time() {
    let mut f = good_firm();
    f.founded = Some(d(2024, 3, 1));
    f.financials.retain(|y| y.year >= 2024);
    let r = ht(&f);
    assert_eq!(r.rd_years, vec![2024, 2025]);
    // A required year with no R&D figure is named as missing.
    let mut f = good_firm();
    f.financials[1].rd_expense = None;
    let i = ht_item(&f, "rd_ratio");
    assert_eq!(i.status, Status::Unknown);
    assert_eq!(i.missing, vec![figure::rd(2024)]);
    match ht(&f).verdict {
        Verdict::CannotTell { missing } => assert!(missing.contains(&figure::rd(2024))),
        v => panic!("{v:?}"),
    }
}

#[test]
fn high_tech_every_threshold_at_its_edge() {
    type Setter = fn(&mut Firm);
    let table: &[(&str, Setter, Status)] = &[
        (
            "registered",
            |f| f.founded = Some(d(2025, 6, 1)),
            Status::Met,
        ),
        (
            "registered",
            |f| f.founded = Some(d(2025, 6, 2)),
            Status::NotMet,
        ),
        ("registered", |f| f.founded = None, Status::Unknown),
        (
            "core_ip",
            |f| {
                f.ip = IpHoldings {
                    designs: 1,
                    ..Default::default()
                }
            },
            Status::Met,
        ),
        ("core_ip", |f| f.ip = IpHoldings::default(), Status::NotMet),
        (
            "tech_field",
            |f| f.facts.hitech_field = Some(false),
            Status::NotMet,
        ),
        (
            "tech_field",
            |f| f.facts.hitech_field = None,
            Status::Unknown,
        ),
        ("tech_staff_ratio", |f| f.tech_staff = Some(10), Status::Met),
        (
            "tech_staff_ratio",
            |f| f.tech_staff = Some(9),
            Status::NotMet,
        ),
        ("tech_staff_ratio", |f| f.tech_staff = None, Status::Unknown),
        (
            "rd_domestic",
            |f| {
                f.financials
                    .iter_mut()
                    .for_each(|y| y.rd_expense_domestic = y.rd_expense.map(|r| r * 6 / 10))
            },
            Status::Met,
        ),
        (
            "rd_domestic",
            |f| {
                f.financials
                    .iter_mut()
                    .for_each(|y| y.rd_expense_domestic = y.rd_expense.map(|r| r * 6 / 10 - 1))
            },
            Status::NotMet,
        ),
        (
            "rd_domestic",
            |f| f.financials[0].rd_expense_domestic = None,
            Status::Unknown,
        ),
        (
            "high_tech_revenue",
            |f| latest(f).high_tech_revenue = Some(30_000_000),
            Status::Met,
        ),
        (
            "high_tech_revenue",
            |f| latest(f).high_tech_revenue = Some(29_999_999),
            Status::NotMet,
        ),
        (
            "high_tech_revenue",
            |f| latest(f).high_tech_revenue = None,
            Status::Unknown,
        ),
        (
            "innovation_score",
            |f| f.facts.innovation_score = Some(71),
            Status::Met,
        ),
        (
            "innovation_score",
            |f| f.facts.innovation_score = Some(70),
            Status::NotMet,
        ),
        (
            "innovation_score",
            |f| f.facts.innovation_score = None,
            Status::Unknown,
        ),
        (
            "serious_incident",
            |f| f.facts.serious_incident = Some(true),
            Status::NotMet,
        ),
        (
            "serious_incident",
            |f| f.facts.serious_incident = None,
            Status::Unknown,
        ),
    ];
    for (key, set, status) in table {
        let mut f = good_firm();
        set(&mut f);
        let i = ht_item(&f, key);
        assert_eq!(i.status, *status, "{key}: {}", i.text.zh);
        let v = ht(&f).verdict;
        match status {
            Status::Met => assert!(v.qualifies(), "{key}: {v:?}"),
            Status::NotMet => assert!(matches!(v, Verdict::DoesNotQualify { .. }), "{key}"),
            Status::Unknown => {
                assert!(matches!(v, Verdict::CannotTell { .. }), "{key}");
                assert!(!i.missing.is_empty());
            }
        }
    }
}

#[test]
fn high_tech_gap_texts() {
    let mut f = good_firm();
    f.tech_staff = Some(8);
    assert_eq!(
        ht_item(&f, "tech_staff_ratio").text.zh,
        "科技人员占比 8.00%，需 ≥ 10%，差 2 个百分点，约需新招聘 3 名科技人员（职工总数随之增加）"
    );
    f.facts.innovation_score = Some(65);
    assert_eq!(
        ht_item(&f, "innovation_score").text.zh,
        "创新能力评价得分 65分，需 > 70分，差 6 分"
    );
    f.founded = Some(d(2026, 1, 1));
    let reg = ht_item(&f, "registered");
    assert_eq!(reg.gap.unwrap().zh, "差 214 天（2027-01-01 起满足）");
    // A failure outweighs missing figures.
    f.facts.hitech_field = None;
    assert!(matches!(ht(&f).verdict, Verdict::DoesNotQualify { .. }));
}

#[test]
fn high_tech_tech_staff_gap_counts_new_hires_in_the_headcount() {
    // (tech, staff, hires needed): (t + k) / (s + k) ≥ 10 %.
    let table: &[(u32, u32, i64)] = &[
        (8, 100, 3),
        (9, 100, 2),
        (0, 100, 12),
        (0, 1, 1),
        (10, 100, 0),
    ];
    for &(t, s, k) in table {
        assert_eq!(
            num::min_hires(i64::from(t), i64::from(s), Pct(1000)),
            k,
            "{t}/{s}"
        );
        if k > 0 {
            // k hires reach the band, k − 1 do not.
            let (t, s) = (i64::from(t), i64::from(s));
            assert!(num::ratio_ge(t + k, s + k, Pct(1000)));
            assert!(!num::ratio_ge(t + k - 1, s + k - 1, Pct(1000)));
        }
    }
    let mut f = good_firm();
    f.tech_staff = Some(9);
    let i = ht_item(&f, "tech_staff_ratio");
    assert_eq!(i.status, Status::NotMet);
    assert!(
        i.text.zh.contains("约需新招聘 2 名科技人员"),
        "{}",
        i.text.zh
    );
    f.tech_staff = Some(10);
    assert_eq!(ht_item(&f, "tech_staff_ratio").status, Status::Met);
}

#[test]
fn high_tech_revenue_share_divides_by_total_income() {
    // Revenue 5,000万 but 总收入 6,000万: 3,600万 of high-tech revenue is exactly 60 %.
    let mut f = good_firm();
    latest(&mut f).total_income = Some(60_000_000);
    latest(&mut f).high_tech_revenue = Some(36_000_000);
    let i = ht_item(&f, "high_tech_revenue");
    assert_eq!(i.status, Status::Met, "{}", i.text.zh);
    assert_eq!(i.figure.as_deref(), Some("60.00%"));
    latest(&mut f).high_tech_revenue = Some(35_999_999); // 72 % of 营业收入, below 60 % of 总收入
    let i = ht_item(&f, "high_tech_revenue");
    assert_eq!(i.status, Status::NotMet, "{}", i.text.zh);
    // 总收入 is its own figure: without it the item cannot be decided from 营业收入.
    latest(&mut f).total_income = None;
    let i = ht_item(&f, "high_tech_revenue");
    assert_eq!(i.status, Status::Unknown);
    assert_eq!(i.missing, vec![figure::total_income(2025)]);
}

#[test]
fn high_tech_certificate_holder_failing_conditions_is_warned() {
    let cert = Qualification {
        kind: QualificationKind::HighTech,
        obtained: Some(d(2024, 12, 1)),
        expires: Some(d(2027, 11, 30)),
        number: "GR202437000001".into(),
    };
    // Meets everything: no warning, certified or not.
    let mut f = good_firm();
    f.qualifications.push(cert.clone());
    assert!(ht(&f).certified);
    assert_eq!(ht(&f).review_risk, None);
    // High-tech revenue 37 % of 总收入: the warning names the condition and the review.
    latest(&mut f).high_tech_revenue = Some(18_500_000);
    let r = ht(&f);
    let w = r.review_risk.expect("a warning");
    assert!(
        w.zh.starts_with("复核风险：企业持有高新技术企业证书（有效期至2027-11-30）"),
        "{}",
        w.zh
    );
    assert!(
        w.zh.contains("不符合1项认定条件：高新技术产品（服务）收入占总收入比例 37.00%（需 ≥ 60%）"),
        "{}",
        w.zh
    );
    assert!(w.zh.contains("国科发火〔2016〕32号 第十六条"), "{}", w.zh);
    assert!(w.zh.contains("取消其高新技术企业资格"));
    // The same figures without a certificate: no review risk.
    f.qualifications.clear();
    assert_eq!(ht(&f).review_risk, None);
}

// ------------------------------------------------------------------------------------------
// 专精特新

fn srdi_r(f: &Firm) -> srdi::SrdiResult {
    srdi::evaluate(f, today(), book().srdi_for(today()))
}

fn srdi_item(f: &Firm, key: &str) -> CheckItem {
    srdi_r(f).items.into_iter().find(|i| i.key == key).unwrap()
}

/// Lowers good_firm's computed 专精特新 score (80) to `to` ∈ {60, 59, 44} with known figures.
fn srdi_at(f: &mut Firm, to: u32) {
    f.facts.srdi_feature_points = Some(0); // 70
    f.facts.digital_level = Some(1); // 65
    f.facts.quality_items = Some(vec![]); // 60
    if to <= 59 {
        f.facts.niche_years = Some(3); // 59
    }
    if to <= 44 {
        f.facts.key_field_product = Some(false); // 54
        latest(f).net_profit = Some(latest(f).revenue.unwrap() / 100); // 44
    }
    let r = srdi_r(f);
    assert_eq!(r.score.total, to, "{:#?}", r.score.indicators);
}

#[test]
fn srdi_every_condition_at_its_edge() {
    assert!(
        srdi_r(&good_firm()).verdict.qualifies(),
        "{:?}",
        srdi_r(&good_firm()).verdict
    );
    type Setter = fn(&mut Firm);
    let table: &[(&str, Setter, Status)] = &[
        (
            "niche_years",
            |f| f.facts.niche_years = Some(2),
            Status::Met,
        ),
        (
            "niche_years",
            |f| f.facts.niche_years = Some(1),
            Status::NotMet,
        ),
        (
            "niche_years",
            |f| f.facts.niche_years = None,
            Status::Unknown,
        ),
        (
            "rd_amount",
            |f| {
                latest(f).revenue = Some(20_000_000);
                latest(f).rd_expense = Some(1_000_000);
            },
            Status::Met,
        ),
        (
            "rd_amount",
            |f| {
                latest(f).revenue = Some(20_000_000);
                latest(f).rd_expense = Some(999_999);
            },
            Status::NotMet,
        ),
        (
            "rd_ratio",
            |f| latest(f).rd_expense = Some(1_500_000),
            Status::Met,
        ), // 3 % of 5,000万
        (
            "rd_ratio",
            |f| latest(f).rd_expense = Some(1_499_999),
            Status::NotMet,
        ),
        ("rd_ratio", |f| latest(f).revenue = None, Status::Unknown),
        (
            "revenue",
            |f| latest(f).revenue = Some(10_000_000),
            Status::Met,
        ),
        (
            "revenue",
            |f| {
                latest(f).revenue = Some(9_999_999);
                f.facts.new_equity_2y = Some(0);
            },
            Status::NotMet,
        ),
        (
            "revenue",
            |f| {
                latest(f).revenue = Some(9_999_999);
                f.facts.new_equity_2y = Some(20_000_000);
            },
            Status::Met,
        ),
        (
            "revenue",
            |f| latest(f).revenue = Some(9_999_999),
            Status::Unknown,
        ),
        // good_firm scores 80; srdi_at(f, 60) brings the computed score to exactly 60.
        ("score", |f| srdi_at(f, 60), Status::Met),
        ("score", |f| srdi_at(f, 59), Status::NotMet),
        // 59 known + up to 15 unrecorded 特色化 points: the missing points could decide it.
        (
            "score",
            |f| {
                srdi_at(f, 59);
                f.facts.srdi_feature_points = None;
            },
            Status::Unknown,
        ),
        // 44 known + 15 unrecorded = 59 at best: decided without them.
        (
            "score",
            |f| {
                srdi_at(f, 44);
                f.facts.srdi_feature_points = None;
            },
            Status::NotMet,
        ),
        (
            "independent_legal_person",
            |f| f.facts.independent_legal_person = Some(false),
            Status::NotMet,
        ),
        (
            "independent_legal_person",
            |f| f.facts.independent_legal_person = None,
            Status::Unknown,
        ),
        (
            "dishonest_listed",
            |f| f.facts.dishonest_listed = Some(true),
            Status::NotMet,
        ),
        (
            "restricted",
            |f| f.facts.restricted_category = Some(true),
            Status::NotMet,
        ),
        (
            "serious_incident",
            |f| f.facts.serious_incident = Some(true),
            Status::NotMet,
        ),
        ("resident", |f| f.facts.resident = None, Status::Unknown),
    ];
    for (key, set, status) in table {
        let mut f = good_firm();
        set(&mut f);
        let i = srdi_item(&f, key);
        assert_eq!(i.status, *status, "{key}: {}", i.text.zh);
        assert!(i.cite.starts_with("工信部企业〔2022〕63号"), "{}", i.cite);
        let v = srdi_r(&f).verdict;
        let expect = match status {
            Status::Met => "qualifies",
            Status::NotMet => "does_not_qualify",
            Status::Unknown => "cannot_tell",
        };
        assert_eq!(v.key(), expect, "{key}: {v:?}");
    }
    let mut f = good_firm();
    latest(&mut f).rd_expense = Some(800_000);
    assert_eq!(
        srdi_item(&f, "rd_amount").text.zh,
        "上年度研发费用总额 80万元，需 ≥ 100万元，差 20万元"
    );
    assert_eq!(
        srdi_item(&f, "rd_ratio").text.zh,
        "研发费用占营业收入比重 1.60%，需 ≥ 3%，差 1.4 个百分点，约 70 万元"
    );
}

#[test]
fn srdi_direct_routes_at_their_edges() {
    type Setter = fn(&mut Firm);
    // On a firm scoring 44 (known), each route alone decides the score condition.
    let table: &[(&str, Setter, bool)] = &[
        ("none", |_| {}, false),
        // 近三年 on 2026-06-01: 2024–2026.
        (
            "provincial 2024 #3",
            |f| {
                f.facts.provincial_award_year = Some(2024);
                f.facts.provincial_award_rank = Some(3)
            },
            true,
        ),
        (
            "provincial 2023 #1",
            |f| {
                f.facts.provincial_award_year = Some(2023);
                f.facts.provincial_award_rank = Some(1)
            },
            false,
        ),
        (
            "provincial 2024 #4",
            |f| {
                f.facts.provincial_award_year = Some(2024);
                f.facts.provincial_award_rank = Some(4)
            },
            false,
        ),
        (
            "provincial 2024, rank unknown",
            |f| f.facts.provincial_award_year = Some(2024),
            false,
        ),
        (
            "national 2024 #5",
            |f| {
                f.facts.national_award_year = Some(2024);
                f.facts.national_award_rank = Some(5)
            },
            true,
        ),
        (
            "national 2024 #6",
            |f| {
                f.facts.national_award_year = Some(2024);
                f.facts.national_award_rank = Some(6)
            },
            false,
        ),
        (
            "national 2023 #1",
            |f| {
                f.facts.national_award_year = Some(2023);
                f.facts.national_award_rank = Some(1)
            },
            false,
        ),
        (
            "rd avg 1,000万",
            |f| {
                f.financials[1].rd_expense = Some(10_000_000);
                f.financials[2].rd_expense = Some(10_000_000)
            },
            true,
        ),
        (
            "rd avg 1 元 short",
            |f| {
                f.financials[1].rd_expense = Some(10_000_000);
                f.financials[2].rd_expense = Some(9_999_999)
            },
            false,
        ),
        (
            "equity 6,000万",
            |f| f.facts.new_equity_2y = Some(60_000_000),
            true,
        ),
        (
            "equity 1 元 short",
            |f| f.facts.new_equity_2y = Some(59_999_999),
            false,
        ),
        (
            "创客中国 2024",
            |f| f.facts.maker_china_top500_year = Some(2024),
            true,
        ),
        (
            "创客中国 2023",
            |f| f.facts.maker_china_top500_year = Some(2023),
            false,
        ),
    ];
    for (name, set, ok) in table {
        let mut f = good_firm();
        srdi_at(&mut f, 44);
        set(&mut f);
        let r = srdi_r(&f);
        assert!(r.score.total < 60, "{name}");
        let i = srdi_item(&f, "score");
        assert_eq!(i.status == Status::Met, *ok, "{name}: {}", i.text.zh);
        assert_eq!(r.direct.len(), 5);
        assert!(r
            .direct
            .iter()
            .all(|d| d.cite == "工信部企业〔2022〕63号 附件2 一（四）"));
    }
}

/// The worked example of issue 10 and docs/rules.md, indicator by indicator.
fn srdi_worked_example() -> Firm {
    let mut f = good_firm();
    f.staff = Some(100);
    f.tech_staff = Some(12); // R&D staff 12 % → 3
    f.ip = IpHoldings {
        invention_patents: 1,
        ..Default::default()
    };
    f.facts.own_class1_ip = Some(true); // own Class-I → 8
    f.facts.high_value_class1_ip = Some(false);
    f.facts.niche_years = Some(7); // → 3
    f.facts.key_field_product = Some(true); // → 5
    f.facts.digital_level = Some(2); // → 3
    f.facts.quality_items = Some(vec![QualityItem::CertifiedQms]); // → 3
    f.facts.srdi_feature_points = Some(10);
    f.facts.rd_institution_level = Some(RdInstitutionLevel::Provincial); // → 8
                                                                         // Main business 5,000万 → 5,450万 → 5,950万 (growth 9 % and 9.17 %, average 9.09 % → 8);
                                                                         // 2025 revenue 7,000万 (main share 85 % → 5), R&D 350万 = 5 % (350万 → 6, 5 % → 4: 6),
                                                                         // net profit 490万 = 7 % (→ 6), liabilities 4,400万 of assets 8,000万 = 55 % (→ 3).
    for (y, main) in [(2023, 50_000_000), (2024, 54_500_000), (2025, 59_500_000)] {
        let fy = f.year_mut(y);
        fy.main_business_revenue = Some(main);
    }
    let y = latest(&mut f);
    y.revenue = Some(70_000_000);
    y.rd_expense = Some(3_500_000);
    y.net_profit = Some(4_900_000);
    y.total_assets = Some(80_000_000);
    y.liabilities = Some(44_000_000);
    f
}

#[test]
fn srdi_worked_example_scores_71() {
    let r = srdi_r(&srdi_worked_example());
    let pts: Vec<(&str, u32)> = r
        .score
        .indicators
        .iter()
        .map(|i| (i.key.as_str(), i.points))
        .collect();
    assert_eq!(
        pts,
        vec![
            ("main_share", 5),
            ("main_growth", 8),
            ("niche_years", 3),
            ("key_field", 5),
            ("digital", 3),
            ("quality", 3),
            ("net_margin", 6),
            ("debt_ratio", 3),
            ("feature", 10),
            ("ip", 8),
            ("rd", 6),
            ("rd_staff", 3),
            ("rd_institution", 8),
        ]
    );
    let groups: Vec<(&str, u32, u32)> = r
        .score
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.points, g.max_points))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("specialised", 21, 25),
            ("refined", 15, 25),
            ("featured", 10, 15),
            ("innovative", 25, 35)
        ]
    );
    assert_eq!(
        (r.score.total, r.score.possible, r.score.max_total),
        (71, 71, 100)
    );
    assert!(r.score.missing.is_empty());
    for i in &r.score.indicators {
        assert!(
            i.cite.starts_with("工信部企业〔2022〕63号 附件2 评价指标"),
            "{}",
            i.cite
        );
    }
    let growth = &r.score.indicators[1];
    assert_eq!(growth.figure.as_deref(), Some("9.08%（2023–2025年）"));
    assert_eq!(
        srdi_item(&srdi_worked_example(), "score").status,
        Status::Met
    );
}

#[test]
fn srdi_score_bands_at_their_edges() {
    type Setter = fn(&mut Firm);
    // (indicator, setter on the worked example, points)
    let table: &[(&str, Setter, u32)] = &[
        (
            "main_share",
            |f| latest(f).main_business_revenue = Some(56_000_000),
            5,
        ), // 80 %
        (
            "main_share",
            |f| latest(f).main_business_revenue = Some(55_999_999),
            3,
        ),
        (
            "main_share",
            |f| latest(f).main_business_revenue = Some(42_000_000),
            1,
        ), // 60 %
        (
            "main_share",
            |f| latest(f).main_business_revenue = Some(41_999_999),
            0,
        ),
        // growth 10 % then 10 % → 10; just below → 8
        (
            "main_growth",
            |f| {
                f.year_mut(2024).main_business_revenue = Some(55_000_000);
                f.year_mut(2025).main_business_revenue = Some(60_500_000)
            },
            10,
        ),
        (
            "main_growth",
            |f| {
                f.year_mut(2024).main_business_revenue = Some(55_000_000);
                f.year_mut(2025).main_business_revenue = Some(60_499_999)
            },
            8,
        ),
        (
            "main_growth",
            |f| {
                f.year_mut(2024).main_business_revenue = Some(50_000_000);
                f.year_mut(2025).main_business_revenue = Some(50_000_000)
            },
            2,
        ), // 0 %
        (
            "main_growth",
            |f| {
                f.year_mut(2024).main_business_revenue = Some(50_000_000);
                f.year_mut(2025).main_business_revenue = Some(49_999_999)
            },
            0,
        ),
        ("niche_years", |f| f.facts.niche_years = Some(10), 5),
        ("niche_years", |f| f.facts.niche_years = Some(30), 5),
        ("niche_years", |f| f.facts.niche_years = Some(1), 0),
        ("digital", |f| f.facts.digital_level = Some(3), 5),
        ("digital", |f| f.facts.digital_level = Some(1), 0),
        (
            "quality",
            |f| {
                f.facts.quality_items =
                    Some(vec![QualityItem::CertifiedQms, QualityItem::QualityAward])
            },
            5,
        ),
        (
            "quality",
            |f| {
                f.facts.quality_items =
                    Some(vec![QualityItem::CertifiedQms, QualityItem::CertifiedQms])
            },
            3,
        ),
        ("net_margin", |f| latest(f).net_profit = Some(7_000_000), 10), // 10 %
        ("net_margin", |f| latest(f).net_profit = Some(6_999_999), 8),
        ("net_margin", |f| latest(f).net_profit = Some(1_400_000), 2), // 2 %
        ("net_margin", |f| latest(f).net_profit = Some(1_399_999), 0),
        ("net_margin", |f| latest(f).net_profit = Some(-1), 0),
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(39_999_999),
            5,
        ), // < 50 %
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(40_000_000),
            3,
        ), // 50 %
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(55_999_999),
            1,
        ), // < 70 %
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(56_000_000),
            0,
        ), // 70 %
        ("ip", |f| f.facts.high_value_class1_ip = Some(true), 10),
        ("ip", |f| f.facts.own_class1_ip = Some(false), 6),
        (
            "ip",
            |f| {
                f.ip = IpHoldings {
                    software_copyrights: 1,
                    ..Default::default()
                }
            },
            2,
        ),
        ("ip", |f| f.ip = IpHoldings::default(), 0),
        ("rd", |f| latest(f).rd_expense = Some(5_000_000), 10),
        ("rd", |f| latest(f).rd_expense = Some(4_999_999), 8), // 7.14 % → 6, 4xx万 → 8
        ("rd", |f| latest(f).rd_expense = Some(2_100_000), 4), // 3 % → 2, 210万 → 4
        (
            "rd",
            |f| {
                latest(f).revenue = Some(10_000_000);
                latest(f).rd_expense = Some(1_000_000)
            },
            10,
        ), // 10 %
        ("rd", |f| latest(f).rd_expense = Some(999_999), 0),
        ("rd_staff", |f| f.tech_staff = Some(20), 5),
        ("rd_staff", |f| f.tech_staff = Some(19), 3),
        ("rd_staff", |f| f.tech_staff = Some(5), 1),
        ("rd_staff", |f| f.tech_staff = Some(4), 0),
        (
            "rd_institution",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::National),
            10,
        ),
        (
            "rd_institution",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::Municipal),
            4,
        ),
        (
            "rd_institution",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::Other),
            2,
        ),
        (
            "rd_institution",
            |f| f.facts.rd_institution_level = Some(RdInstitutionLevel::NoInstitution),
            0,
        ),
    ];
    for (key, set, pts) in table {
        let mut f = srdi_worked_example();
        set(&mut f);
        let r = srdi_r(&f);
        let i = r.score.indicators.iter().find(|i| i.key == *key).unwrap();
        assert_eq!(i.points, *pts, "{key}: {}", i.text.zh);
        assert_eq!(i.possible, *pts, "{key}");
    }
}

#[test]
fn srdi_missing_inputs_score_zero_and_are_named() {
    let mut f = srdi_worked_example();
    f.facts.digital_level = None;
    f.facts.quality_items = None;
    f.facts.rd_institution_level = None;
    f.year_mut(2023).main_business_revenue = None;
    let r = srdi_r(&f);
    // 71 − 3 − 3 − 8 − 8 = 49 counted; up to 49 + 5 + 5 + 10 + 10 = 79 once recorded.
    assert_eq!((r.score.total, r.score.possible), (49, 79));
    let names: Vec<&str> = r.score.missing.iter().map(|m| m.zh.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "2023年主营业务收入",
            "数字化水平等级",
            "质量管理情况（质量奖、体系认证、自主品牌、参与标准）",
            "研发机构级别（国家级/省级/市级/市级以下/未建立）",
        ]
    );
    let i = srdi_item(&f, "score");
    assert_eq!(i.status, Status::Unknown);
    assert_eq!(i.missing, r.score.missing);
    assert!(matches!(srdi_r(&f).verdict, Verdict::CannotTell { .. }));
    // Only "provincial or higher: yes" recorded: 8 counted, up to 10.
    f.facts.provincial_rd_institution = Some(true);
    let r = srdi_r(&f);
    let inst = r
        .score
        .indicators
        .iter()
        .find(|i| i.key == "rd_institution")
        .unwrap();
    assert_eq!((inst.points, inst.possible), (8, 10));
}

// ------------------------------------------------------------------------------------------
// Risk scorecard

fn risk_r(f: &Firm) -> risk::RiskResult {
    risk::evaluate(f, book().risk_for(today()))
}

fn factor(f: &Firm, key: &str) -> risk::FactorScore {
    risk_r(f)
        .factors
        .into_iter()
        .find(|x| x.key == key)
        .unwrap()
}

#[test]
fn risk_good_firm_worked_by_hand() {
    // tech 30 % → 12; talents 5 → 10; founder 12 y → 6; Class-I 2 → 6; Class-II 5 → 5;
    // pledged 0 of 7 → 6; R&D 3.0M/50M = 6 % → 10; growth 45M→50M = 11.1 % → 6;
    // debt 30 % → 8; net margin 10 % → 6; cash flow 10 % → 5; clean credit → 8.
    // Total 12+10+6+6+5+6+10+6+8+6+5+8 = 88 → A.
    let r = risk_r(&good_firm());
    let pts: Vec<u32> = r.factors.iter().map(|f| f.points.unwrap()).collect();
    assert_eq!(pts, vec![12, 10, 6, 6, 5, 6, 10, 6, 8, 6, 5, 8]);
    assert_eq!(r.score, 88);
    assert_eq!(r.max_score, 100);
    assert_eq!(r.grade, "A");
    assert!(r.complete);
    assert_eq!(r.best_case_grade, "A");
    assert_eq!(r.groups[0].group, "human_capital");
    assert_eq!((r.groups[0].points, r.groups[0].max_points), (28, 30));
    assert!(
        r.factors[0].reason.zh.contains("≥ 30%"),
        "{}",
        r.factors[0].reason.zh
    );
    assert_eq!(r.factors[0].cite, "Fudao 风险评分卡 §2.1");
}

#[test]
fn risk_band_edges() {
    type Setter = fn(&mut Firm);
    let table: &[(&str, Setter, u32)] = &[
        ("tech_staff_share", |f| f.tech_staff = Some(29), 9),
        ("tech_staff_share", |f| f.tech_staff = Some(20), 9),
        ("tech_staff_share", |f| f.tech_staff = Some(4), 0),
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(20_000_000),
            8,
        ), // 40 %
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(20_000_001),
            6,
        ),
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(42_500_000),
            2,
        ), // 85 %
        (
            "debt_ratio",
            |f| latest(f).liabilities = Some(42_500_001),
            0,
        ),
        ("pledged_ip", |f| f.ip.pledged = 2, 4), // 2/7 = 28.6 %
        ("pledged_ip", |f| f.ip.pledged = 3, 2), // 42.9 %
        ("pledged_ip", |f| f.ip.pledged = 5, 0),
        ("pledged_ip", |f| f.ip = IpHoldings::default(), 0),
        (
            "revenue_growth",
            |f| latest(f).revenue = Some(58_500_000),
            8,
        ), // exactly 30 %
        (
            "revenue_growth",
            |f| latest(f).revenue = Some(58_499_999),
            6,
        ),
        (
            "revenue_growth",
            |f| latest(f).revenue = Some(45_000_000),
            4,
        ), // 0 %
        (
            "revenue_growth",
            |f| latest(f).revenue = Some(40_500_000),
            2,
        ), // -10 %
        (
            "revenue_growth",
            |f| latest(f).revenue = Some(40_499_999),
            0,
        ),
        ("rd_intensity", |f| latest(f).rd_expense = Some(5_000), 2), // 0.01 %
        ("rd_intensity", |f| latest(f).rd_expense = Some(4_999), 0),
        ("profitability", |f| latest(f).net_profit = Some(0), 3),
        ("profitability", |f| latest(f).net_profit = Some(-1), 1),
        (
            "cash_flow",
            |f| latest(f).operating_cash_flow = Some(-5_000_001),
            0,
        ),
        ("credit_history", |f| f.facts.credit_overdue = Some(true), 0),
        ("credit_history", |f| f.ever_borrowed = Some(false), 5),
        ("high_talents", |f| f.high_talents = Some(0), 0),
        (
            "founder_experience",
            |f| f.facts.founder_experience_years = Some(15),
            8,
        ),
        ("class1_ip", |f| f.ip.invention_patents = 5, 12),
        ("class2_ip", |f| f.ip.utility_models = 10, 7),
    ];
    for (key, set, pts) in table {
        let mut f = good_firm();
        set(&mut f);
        assert_eq!(
            factor(&f, key).points,
            Some(*pts),
            "{key}: {}",
            factor(&f, key).reason.zh
        );
    }
}

#[test]
fn risk_grades_and_missing_data() {
    let rules = book().risk_for(today());
    let g = |s: u32| rules.grade_for(s).unwrap().grade.clone();
    assert_eq!(
        (g(100), g(75), g(74), g(60), g(59), g(45), g(44), g(0)),
        (
            "A".into(),
            "A".into(),
            "B".into(),
            "B".into(),
            "C".into(),
            "C".into(),
            "D".into(),
            "D".into()
        )
    );
    let mut f = good_firm();
    f.high_talents = None; // 10 points
    f.facts.founder_experience_years = None; // 6 of 8
    f.facts.credit_overdue = None;
    f.ever_borrowed = None; // 8 points
    let r = risk_r(&f);
    // 88 − 10 − 6 − 8 = 64 → B; missing factors could add 10 + 8 + 8 = 26 → 90 → A.
    assert_eq!(r.score, 64);
    assert_eq!(r.grade, "B");
    assert_eq!(r.missing_points, 26);
    assert_eq!(r.best_case_grade, "A");
    assert!(!r.complete);
    let hf = r.factors.iter().find(|x| x.key == "high_talents").unwrap();
    assert_eq!(hf.points, None);
    assert_eq!(hf.missing, vec![figure::high_talents()]);
    assert!(hf.reason.zh.contains("按0分计"));
}

#[test]
fn risk_rules_are_checked() {
    let mut r = book().risk_for(today()).clone();
    assert!(risk::check_rules(&r).is_ok());
    r.factors[0].bands.swap(0, 1);
    assert!(risk::check_rules(&r).is_err());
    let mut r = book().risk_for(today()).clone();
    r.factors[1].key = "zodiac_sign".into();
    assert!(risk::check_rules(&r).is_err());
    let mut r = book().risk_for(today()).clone();
    r.grades.reverse();
    assert!(risk::check_rules(&r).is_err());
}

// ------------------------------------------------------------------------------------------
// Whole evaluation and serialisation

#[test]
fn evaluate_serialises_with_clauses() {
    let e = evaluate(&good_firm(), today(), book());
    let j = serde_json::to_value(&e).unwrap();
    assert_eq!(j["tech_sme"]["verdict"]["verdict"], "qualifies");
    assert_eq!(j["tech_sme"]["total"], 100);
    assert_eq!(
        j["high_tech"]["items"][4]["cite"],
        "国科发火〔2016〕32号 第十一条（五）"
    );
    assert_eq!(j["risk"]["grade"], "A");
    assert_eq!(j["srdi"]["rule_set"]["year"], 2022);
}

// ------------------------------------------------------------------------------------------
// Property tests: scores are monotone in each input.

fn sme_total(f: &Firm) -> (u32, u32) {
    let r = sme(f);
    (r.total_min, r.total_max)
}

fn arb_firm() -> impl Strategy<Value = Firm> {
    (
        1u32..600,
        0u32..=100,
        1i64..300_000_000,
        0i64..30_000_000,
        1i64..300_000_000,
        (0u32..4, 0u32..8, 0u32..8, 0u32..6),
        (0u32..20, 0u32..30),
        (
            1i64..300_000_000,
            0i64..300_000_000,
            -50_000_000i64..50_000_000,
            -50_000_000i64..50_000_000,
        ),
        1i64..300_000_000,
    )
        .prop_map(
            |(
                staff,
                tech_pct,
                rev,
                rd,
                cost,
                (c1, um, sw, pledged),
                (ht, exp),
                (assets, liab, np, cf),
                prev,
            )| {
                let mut f = good_firm();
                f.staff = Some(staff);
                f.tech_staff = Some(staff * tech_pct / 100);
                f.high_talents = Some(ht.min(staff));
                f.facts.founder_experience_years = Some(exp);
                f.ip = IpHoldings {
                    invention_patents: c1,
                    utility_models: um,
                    software_copyrights: sw,
                    pledged: pledged.min(c1 + um + sw),
                    ..Default::default()
                };
                f.financials[1].revenue = Some(prev);
                let y = latest(&mut f);
                y.revenue = Some(rev);
                y.rd_expense = Some(rd);
                y.total_cost = Some(cost);
                y.total_assets = Some(assets);
                y.liabilities = Some(liab);
                y.net_profit = Some(np);
                y.operating_cash_flow = Some(cf);
                f
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tech_sme_score_monotone(f in arb_firm(), extra in 1u32..50, extra_rd in 1i64..5_000_000) {
        let base = sme_total(&f);
        let s = f.staff.unwrap();
        // more tech staff (same headcount)
        let mut g = f.clone();
        g.tech_staff = Some((f.tech_staff.unwrap() + extra).min(s));
        prop_assert!(sme_total(&g).0 >= base.0);
        // more headcount, same tech staff: never more points
        let mut g = f.clone();
        g.staff = Some(s + extra);
        prop_assert!(sme_total(&g).0 <= base.0);
        // more R&D
        let mut g = f.clone();
        latest(&mut g).rd_expense = Some(latest(&mut g).rd_expense.unwrap() + extra_rd);
        prop_assert!(sme_total(&g).0 >= base.0);
        // more sales or more cost (R&D fixed): never more points
        let mut g = f.clone();
        latest(&mut g).revenue = Some(latest(&mut g).revenue.unwrap() + extra_rd);
        prop_assert!(sme_total(&g).0 <= base.0);
        let mut g = f.clone();
        latest(&mut g).total_cost = Some(latest(&mut g).total_cost.unwrap() + extra_rd);
        prop_assert!(sme_total(&g).0 <= base.0);
        // more IP of either class
        let mut g = f.clone();
        g.ip.invention_patents += 1;
        prop_assert!(sme_total(&g).0 >= base.0);
        let mut g = f.clone();
        g.ip.designs += extra;
        prop_assert!(sme_total(&g).0 >= base.0);
        // qualifying is monotone too: a qualifying firm with more R&D still qualifies
        let mut g = f.clone();
        latest(&mut g).rd_expense = Some(latest(&mut g).rd_expense.unwrap() + extra_rd);
        if sme(&f).verdict.qualifies() && sme(&g).conditions.iter().all(|c| c.status == Status::Met) {
            prop_assert!(sme(&g).verdict.qualifies());
        }
    }

    #[test]
    fn risk_score_monotone(f in arb_firm(), extra in 1u32..20, amt in 1i64..20_000_000) {
        let base = risk_r(&f).score;
        let s = f.staff.unwrap();
        let mut g = f.clone();
        g.tech_staff = Some((f.tech_staff.unwrap() + extra).min(s));
        prop_assert!(risk_r(&g).score >= base, "tech staff");
        let mut g = f.clone();
        g.high_talents = Some(f.high_talents.unwrap() + extra);
        prop_assert!(risk_r(&g).score >= base, "talents");
        let mut g = f.clone();
        g.facts.founder_experience_years = Some(f.facts.founder_experience_years.unwrap() + extra);
        prop_assert!(risk_r(&g).score >= base, "founder");
        let mut g = f.clone();
        g.ip.invention_patents += extra;
        prop_assert!(risk_r(&g).score >= base, "class I");
        let mut g = f.clone();
        g.ip.software_copyrights += extra;
        prop_assert!(risk_r(&g).score >= base, "class II");
        let mut g = f.clone();
        g.ip.pledged = (g.ip.pledged + extra).min(g.ip.class1() + g.ip.class2());
        prop_assert!(risk_r(&g).score <= base, "pledged");
        let mut g = f.clone();
        latest(&mut g).rd_expense = Some(latest(&mut g).rd_expense.unwrap() + amt);
        prop_assert!(risk_r(&g).score >= base, "R&D");
        let mut g = f.clone();
        latest(&mut g).liabilities = Some(latest(&mut g).liabilities.unwrap() + amt);
        prop_assert!(risk_r(&g).score <= base, "debt");
        let mut g = f.clone();
        latest(&mut g).net_profit = Some(latest(&mut g).net_profit.unwrap() + amt);
        prop_assert!(risk_r(&g).score >= base, "profit");
        let mut g = f.clone();
        latest(&mut g).operating_cash_flow = Some(latest(&mut g).operating_cash_flow.unwrap() + amt);
        prop_assert!(risk_r(&g).score >= base, "cash flow");
        let mut g = f.clone();
        g.financials[1].revenue = Some(g.financials[1].revenue.unwrap() + amt);
        prop_assert!(risk_r(&g).score <= base, "previous revenue (growth)");
        let mut g = f.clone();
        g.facts.credit_overdue = Some(true);
        prop_assert!(risk_r(&g).score <= base, "credit");
        // grades follow the score
        let r = risk_r(&f);
        let rules = book().risk_for(today());
        prop_assert_eq!(Some(r.grade.as_str()), rules.grade_for(r.score).map(|g| g.grade.as_str()));
    }

    #[test]
    fn high_tech_rd_item_monotone(f in arb_firm(), amt in 1i64..5_000_000) {
        let met = |f: &Firm| ht_item(f, "rd_ratio").status == Status::Met;
        let mut g = f.clone();
        latest(&mut g).rd_expense = Some(latest(&mut g).rd_expense.unwrap() + amt);
        prop_assert!(!met(&f) || met(&g));
    }
}

#[test]
fn new_inputs_read_from_json_as_firm_set_writes_them() {
    // `fudao firm set` edits the firm's JSON: these keys and values must deserialise.
    let facts: crate::model::AssessmentFacts = serde_json::from_str(
        r#"{"independent_legal_person":true,"rd_institution_level":"provincial","digital_level":2,
            "quality_items":["certified_qms","own_brand"],"key_field_product":false,
            "srdi_feature_points":10,"own_class1_ip":true,"high_value_class1_ip":false,
            "national_award_rank":2,"provincial_award_year":2025,"provincial_award_rank":1,
            "maker_china_top500_year":2024,"rd_sub_ledger":true,"audited_year":2025}"#,
    )
    .unwrap();
    assert_eq!(
        facts.rd_institution_level,
        Some(RdInstitutionLevel::Provincial)
    );
    assert_eq!(
        facts.quality_items,
        Some(vec![QualityItem::CertifiedQms, QualityItem::OwnBrand])
    );
    assert_eq!(
        RdInstitutionLevel::parse("none"),
        Some(RdInstitutionLevel::NoInstitution)
    );
    let y: YearFinancials =
        serde_json::from_str(r#"{"year":2025,"main_business_revenue":1,"total_income":2}"#)
            .unwrap();
    assert_eq!(
        (y.main_business_revenue, y.total_income),
        (Some(1), Some(2))
    );
    // Absent fields stay absent when written back (old databases round-trip unchanged).
    let v = serde_json::to_value(crate::model::AssessmentFacts::default()).unwrap();
    assert_eq!(v, serde_json::json!({}));
}

/// A firm founded last December cannot supply revenue for the years before it existed: the
/// growth indicators (risk scorecard and 专精特新) score 0 with the reason, and do not ask for
/// those years as missing figures ("补齐后最高…" would be advice the firm cannot act on).
#[test]
fn growth_of_a_young_firm_does_not_ask_for_years_before_founding() {
    let mut f = good_firm();
    f.founded = Some(d(2025, 12, 17));
    f.financials.retain(|y| y.year == 2025);
    latest(&mut f).main_business_revenue = Some(300_000);
    let g = factor(&f, "revenue_growth");
    assert_eq!(g.points, Some(0));
    assert!(g.missing.is_empty(), "{:?}", g.missing);
    assert!(
        g.reason.zh.contains("2025-12-17") && g.reason.zh.contains("无2024年营业收入"),
        "{}",
        g.reason.zh
    );
    assert!(!g.reason.zh.contains("缺少"));
    let r = risk_r(&f);
    assert!(
        r.missing_points < 8
            || r.factors
                .iter()
                .all(|x| x.key != "revenue_growth" || x.missing.is_empty())
    );
    let s = srdi_r(&f);
    let mg = s
        .score
        .indicators
        .iter()
        .find(|i| i.key == "main_growth")
        .unwrap();
    assert_eq!(mg.points, 0);
    assert!(mg.missing.is_empty(), "{:?}", mg.missing);
    assert_eq!(mg.possible, 0, "no points to gain by supplying figures");
    assert!(
        mg.text.zh.contains("无2023年主营业务收入"),
        "{}",
        mg.text.zh
    );
    // A firm that existed then but did not record the year is still asked for it.
    f.founded = Some(d(2015, 3, 1));
    let g = factor(&f, "revenue_growth");
    assert!(!g.missing.is_empty());
    let s = srdi_r(&f);
    let mg = s
        .score
        .indicators
        .iter()
        .find(|i| i.key == "main_growth")
        .unwrap();
    assert!(!mg.missing.is_empty());
}

/// Growth over a founding year that began after 1 January is not scored: a firm founded
/// 2024-12-17 with 18万 in its two weeks of 2024 read 5831 % growth in 2025 (8/8 points).
#[test]
fn risk_growth_is_not_scored_over_a_part_founding_year() {
    let mut f = good_firm();
    f.financials.retain(|y| y.year >= 2024);
    let base = latest(&mut f).revenue.unwrap();
    f.year_mut(2024).revenue = Some(base / 50);
    f.founded = Some(d(2024, 12, 17));
    let g = factor(&f, "revenue_growth");
    assert_eq!(g.points, Some(0), "{}", g.reason.zh);
    assert!(g.missing.is_empty());
    assert!(
        g.reason.zh.contains("2024年为成立当年（不足一年）"),
        "{}",
        g.reason.zh
    );
    // Founded on 1 January: the year is whole and growth counts.
    f.founded = Some(d(2024, 1, 1));
    let g = factor(&f, "revenue_growth");
    assert!(g.points.unwrap() > 0, "{}", g.reason.zh);
    assert!(g.reason.zh.contains('%'), "{}", g.reason.zh);
}
