//! One firm's record: name, code, profile, figures, IP, qualifications, standing and the
//! facts of the 高企 and 专精特新 rules.

use super::pools::*;
use super::{Ctx, AT_RISK_TAG};
use chrono::{Datelike, Days, NaiveDate};
use fudao_core::model::*;
use fudao_core::money::WAN;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// A firm name not used yet.
pub(super) fn firm_name(
    rng: &mut ChaCha8Rng,
    used_names: &mut HashSet<String>,
    i: usize,
) -> String {
    let mut fname;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let prefix = PREFIXES.choose(rng).unwrap_or(&"济南");
        let middle = MIDDLES.choose(rng).unwrap_or(&"创新");
        let core = CORES.choose(rng).unwrap_or(&"智能");
        let mut suffix = *SUFFIXES.choose(rng).unwrap_or(&"科技有限公司");
        // "农业科技" + "科技有限公司" would read 农业科技科技有限公司.
        if core.ends_with("科技") {
            suffix = suffix.strip_prefix("科技").unwrap_or(suffix);
        }
        fname = format!("{prefix}{middle}{core}{suffix}");
        if used_names.insert(fname.clone()) {
            break;
        }
        // There are ≈ 86,000 distinct names: past that (or after many collisions) a
        // numbered branch keeps the name unique instead of drawing forever.
        if attempts >= 30 {
            fname = format!("{fname}{}分公司", i);
            used_names.insert(fname.clone());
            break;
        }
    }
    fname
}

/// A USCC not used yet in `district`. Random organisation bodies collide now and then at
/// 100,000 firms: draw again.
pub(super) fn firm_code(
    rng: &mut ChaCha8Rng,
    used_codes: &mut HashSet<String>,
    district: &str,
) -> Option<String> {
    loop {
        if let Some(c) = fudao_core::uscc::compose("91", district, &org_body(rng)) {
            if used_codes.insert(c.clone()) {
                break Some(c);
            }
        } else {
            break None;
        }
    }
}

/// The firm's whole record but its team and coach.
pub(super) fn firm(
    rng: &mut ChaCha8Rng,
    ctx: &Ctx,
    i: usize,
    district: &str,
    code: &str,
    fname: &str,
) -> Firm {
    let (today, start) = (ctx.today, ctx.start);
    let founded = NaiveDate::from_ymd_opt(
        today.year() - rng.random_range(1..=15),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    );
    let mut f = Firm::new(uuid(rng, start), code, fname);
    f.district = Some(district.to_string());
    f.address = Some(format!(
        "济南市{}{}路{}号",
        fudao_core::region::district_name(district).unwrap_or(""),
        ["经十", "工业南", "舜华", "新泺", "港兴", "科航"][i % 6],
        rng.random_range(1..2000)
    ));
    let section = weighted_section(rng);
    f.industry = Some(match section {
        "C" => format!("C{}", [3911, 3562, 2710, 3841, 3399][i % 5]),
        "I" => format!("I{}", [6511, 6513, 6520, 6450][i % 4]),
        "M" => format!("M{}", [7320, 7340, 7520][i % 3]),
        s => s.to_string(),
    });
    f.founded = founded;
    let mut staff: u32 = rng.random_range(8..420);
    // Headcount fits the firm's age (fudao_core::consistency::STAFF_MAX_BY_AGE).
    match founded.and_then(|d| today.years_since(d)) {
        Some(0) => staff = 8 + staff % 90,
        Some(1..=2) => staff = 8 + staff % 290,
        _ => {}
    }
    f.staff = Some(staff);
    let tech_share = rng.random_range(3..70);
    f.tech_staff = Some(staff * tech_share / 100);
    f.high_talents = Some(rng.random_range(0..=(staff / 20).max(1)));
    f.registered_capital = Some(rng.random_range(50..5000) * WAN);
    let est = founded.unwrap_or(start);
    let base_rev = figures(rng, &mut f, today, est);
    f.ip = IpHoldings {
        invention_patents: if rng.random_bool(0.45) {
            rng.random_range(1..15)
        } else {
            0
        },
        other_class1: if rng.random_bool(0.05) { 1 } else { 0 },
        utility_models: rng.random_range(0..20),
        designs: rng.random_range(0..5),
        software_copyrights: if section == "I" {
            rng.random_range(2..30)
        } else {
            rng.random_range(0..4)
        },
        pledged: 0,
    };
    qualifications(rng, &mut f, i, today, est);
    standing(rng, &mut f, i, today, est);
    facts(rng, &mut f, ctx, i, base_rev, fname);
    f
}

/// Three years of figures (only those since founding are kept, the founding year pro rata);
/// returns the base revenue the firm was drawn with.
fn figures(rng: &mut ChaCha8Rng, f: &mut Firm, today: NaiveDate, est: NaiveDate) -> i64 {
    let age_years = today.year() - est.year();
    let mut base_rev: i64 = rng.random_range(200..30_000) * WAN;
    // 种子期/初创期 firms (≤ 4 years) stay well below 1亿 even after growth.
    if age_years <= 4 {
        base_rev = 200 * WAN + base_rev % (3_800 * WAN);
    }
    let growth = rng.random_range(-15..60);
    for (k, year) in (today.year() - 3..today.year()).enumerate() {
        let rev = base_rev * (100 + growth * k as i64) / 100;
        let rd_pct = rng.random_range(0..120); // tenths of a percent
        let rd = rev * rd_pct / 1000;
        let cost = rev * rng.random_range(70..105) / 100;
        let assets = rev * rng.random_range(60..200) / 100;
        let y = f.year_mut(year);
        y.revenue = Some(rev);
        y.rd_expense = Some(rd);
        y.rd_expense_domestic = Some(rd * rng.random_range(80..=100) / 100);
        y.total_cost = Some(cost);
        y.total_assets = Some(assets);
        y.liabilities = Some(assets * rng.random_range(10..85) / 100);
        y.net_profit = Some(rev - cost);
        y.operating_cash_flow = Some((rev - cost) * rng.random_range(50..130) / 100);
        y.high_tech_revenue = Some(rev * rng.random_range(20..95) / 100);
        // 总收入 (the 高企 denominator) and main-business revenue: derived, not
        // drawn, so the rest of a seed's data stays as it was.
        y.total_income = Some(rev);
        y.main_business_revenue = Some(rev * 85 / 100);
    }
    // The figures were drawn for every year (so the rest of the data stays as it
    // was for a seed); only the years since founding are kept.
    f.financials.retain(|y| y.year >= est.year());
    // The founding year is a partial year: its flows cover the days the firm
    // existed, at half the pace of a full year (ramp-up); assets stay.
    let days_in_founding_year = NaiveDate::from_ymd_opt(est.year(), 12, 31)
        .map(|d| (d - est).num_days() + 1)
        .unwrap_or(365);
    if let Some(y) = f.financials.iter_mut().find(|y| y.year == est.year()) {
        let part = |v: &mut Option<i64>| {
            if let Some(x) = v {
                *x = *x * days_in_founding_year / (2 * 365);
            }
        };
        part(&mut y.revenue);
        part(&mut y.rd_expense);
        part(&mut y.rd_expense_domestic);
        part(&mut y.total_cost);
        part(&mut y.net_profit);
        part(&mut y.operating_cash_flow);
        part(&mut y.high_tech_revenue);
        part(&mut y.total_income);
        part(&mut y.main_business_revenue);
    }
    base_rev
}

/// Qualifications, granted only after founding (a 高企 certificate a year after at the
/// earliest, as its rules require) and never after today.
fn qualifications(rng: &mut ChaCha8Rng, f: &mut Firm, i: usize, today: NaiveDate, est: NaiveDate) {
    let after_founding = |d: NaiveDate| (est..=today).contains(&d);
    if rng.random_bool(0.55) {
        let got = NaiveDate::from_ymd_opt(today.year() - 1, 5, 20).unwrap_or(today);
        if after_founding(got) {
            f.qualifications.push(Qualification {
                kind: QualificationKind::TechSme,
                obtained: Some(got),
                expires: NaiveDate::from_ymd_opt(today.year(), 12, 31),
                number: format!("{}3701{:02}{:04}", today.year() - 1, i % 30, i % 10_000),
            });
        }
    }
    if rng.random_bool(0.3) {
        let mut got =
            NaiveDate::from_ymd_opt(today.year() - rng.random_range(0..4), 11, 15).unwrap_or(today);
        if got > today {
            got = got.with_year(got.year() - 1).unwrap_or(got);
        }
        let eligible_from = est.with_year(est.year() + 1).unwrap_or(est);
        if got >= eligible_from && after_founding(got) {
            f.qualifications.push(Qualification {
                kind: QualificationKind::HighTech,
                obtained: Some(got),
                expires: got.checked_add_days(Days::new(3 * 365)),
                number: format!("GR{}3700{:04}", got.year(), i % 10_000),
            });
        }
    }
    if rng.random_bool(0.15) {
        let kind = if rng.random_bool(0.2) {
            QualificationKind::SrdiLittleGiant
        } else {
            QualificationKind::SrdiProvincial
        };
        let got = NaiveDate::from_ymd_opt(today.year() - 1, 8, 1).unwrap_or(today);
        // 专精特新 asks for two years in the niche market.
        let eligible_from = est.with_year(est.year() + 2).unwrap_or(est);
        if got >= eligible_from && after_founding(got) {
            f.qualifications.push(Qualification {
                kind,
                obtained: Some(got),
                expires: NaiveDate::from_ymd_opt(today.year() + 2, 7, 31),
                number: String::new(),
            });
        }
    }
    if rng.random_bool(0.05) {
        let got = NaiveDate::from_ymd_opt(today.year() - 1, 6, 1).unwrap_or(today);
        // 瞪羚 is judged on three years of growth.
        let eligible_from = est.with_year(est.year() + 3).unwrap_or(est);
        if got >= eligible_from && after_founding(got) {
            f.qualifications.push(Qualification {
                kind: QualificationKind::Gazelle,
                obtained: Some(got),
                expires: None,
                number: String::new(),
            });
        }
    }
}

/// Borrowing and listing flags, stage, contact and tags.
fn standing(rng: &mut ChaCha8Rng, f: &mut Firm, i: usize, today: NaiveDate, est: NaiveDate) {
    let never_borrowed = rng.random_bool(0.35);
    f.ever_borrowed = Some(!never_borrowed);
    f.first_loan_list = never_borrowed && rng.random_bool(0.8);
    f.whitelist = !never_borrowed && rng.random_bool(0.3);
    f.listing_reserve = rng.random_bool(0.06);
    if f.listing_reserve {
        f.listing_board = Some(["北交所", "科创板", "创业板"][i % 3].to_string());
    }
    f.stage = Some(match today.year() - est.year() {
        0..=1 => Stage::Seed,
        2..=4 => Stage::Startup,
        5..=10 => Stage::Growth,
        _ => Stage::Mature,
    });
    f.contacts = vec![Contact {
        name: name(rng),
        title: ["总经理", "财务总监", "董事长"][i % 3].to_string(),
        phone: format!("139{:08}", rng.random_range(0..100_000_000u32)),
        email: String::new(),
    }];
    if rng.random_bool(0.3) {
        f.tags
            .push(["重点培育", "拟上市", "专利密集", "首贷攻坚", "人才企业"][i % 5].to_string());
    }
}

/// The facts of the 高企 and 专精特新 rules; certificate holders brought up to the conditions.
fn facts(rng: &mut ChaCha8Rng, f: &mut Firm, ctx: &Ctx, i: usize, base_rev: i64, fname: &str) {
    let today = ctx.today;
    f.facts = AssessmentFacts {
        resident: Some(true),
        restricted_category: Some(false),
        serious_incident: Some(rng.random_bool(0.02)),
        dishonest_listed: Some(false),
        provincial_rd_institution: Some(rng.random_bool(0.1)),
        founder_experience_years: Some(rng.random_range(2..25)),
        credit_overdue: Some(rng.random_bool(0.07)),
        receivables: if rng.random_bool(0.4) {
            Some(base_rev * rng.random_range(5..30) / 100)
        } else {
            None
        },
        gov_procurement: Some(rng.random_bool(0.12)),
        real_estate_collateral: Some(rng.random_bool(0.25)),
        ..Default::default()
    };
    // Self-assessed figures for 高企 and 专精特新, from a per-firm generator so that
    // the rest of the demo data stays as it was for a given seed.
    let mut own =
        ChaCha8Rng::seed_from_u64(ctx.seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    f.facts.hitech_field = Some(own.random_bool(0.7));
    f.facts.innovation_score = Some(own.random_range(52..93));
    // No more years in a niche market than the firm has existed.
    let age = f.years_since_founded(today).unwrap_or(0);
    f.facts.niche_years = Some(own.random_range(1..14).min(age));
    f.facts.srdi_score = Some(own.random_range(40..90));
    // The 专精特新 score inputs (工信部企业〔2022〕63号 附件2), so the score is computed
    // from recorded figures rather than left 无法判断 for every demo firm.
    f.facts.independent_legal_person = Some(!fname.ends_with("分公司"));
    f.facts.rd_institution_level = Some(match f.facts.provincial_rd_institution {
        Some(true) if own.random_bool(0.2) => RdInstitutionLevel::National,
        Some(true) => RdInstitutionLevel::Provincial,
        _ => *[
            RdInstitutionLevel::Municipal,
            RdInstitutionLevel::Other,
            RdInstitutionLevel::NoInstitution,
            RdInstitutionLevel::NoInstitution,
        ]
        .choose(&mut own)
        .unwrap_or(&RdInstitutionLevel::NoInstitution),
    });
    f.facts.digital_level = Some(own.random_range(1..=4));
    f.facts.quality_items = Some(
        [
            (QualityItem::CertifiedQms, 0.6),
            (QualityItem::OwnBrand, 0.5),
            (QualityItem::Standards, 0.2),
            (QualityItem::QualityAward, 0.08),
        ]
        .into_iter()
        .filter(|(_, p)| own.random_bool(*p))
        .map(|(q, _)| q)
        .collect(),
    );
    f.facts.key_field_product = Some(own.random_bool(0.3));
    f.facts.srdi_feature_points = Some(own.random_range(3..=12));
    let class1 = f.ip.class1() > 0;
    f.facts.own_class1_ip = Some(class1 && own.random_bool(0.85));
    f.facts.high_value_class1_ip = Some(class1 && own.random_bool(0.3));
    if own.random_bool(0.15) {
        f.facts.new_equity_2y = Some(own.random_range(500..6_000) * WAN);
    }
    // 高企 certificate holders meet the conditions, except a few deliberate
    // at-risk holders (tagged) whose high-tech revenue share fell to 37 %.
    if f.holds(QualificationKind::HighTech, today) {
        if own.random_bool(0.12) {
            make_high_tech_holder(f, 37);
            f.tags.push(AT_RISK_TAG.to_string());
        } else {
            make_high_tech_holder(f, 60 + own.random_range(5..35));
        }
    }
}
