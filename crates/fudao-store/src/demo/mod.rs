//! Deterministic, realistic synthetic data for demos, tests and benchmarks.
//!
//! Everything is derived from a seed: the same `(firms, seed, today)` always produces the same
//! database content (ids included). All names and codes are synthetic.
//!
//! Demo data is **local only**: it is written with [`Source::Demo`], which never enters the
//! sync outbox, and the database is marked with the [`META_DEMO`] meta row, so `fudao login`,
//! `fudao sync` and the app's 同步 refuse it ([`Store::refuse_if_demo`]).
//!
//! The records are coherent (`fudao_core::consistency` finds nothing): no financial year or
//! qualification before the founding date, niche-market years within the firm's age, early-stage
//! firms below 1亿 of revenue, 高企 certificate holders meeting the conditions — except a few
//! deliberate at-risk holders, tagged [`AT_RISK_TAG`], whose high-tech revenue share has fallen
//! below 60 % (their only warning is the certificate-holder one).

use crate::{Result, Source, Store};
use chrono::{Datelike, Days, NaiveDate};
use fudao_core::model::*;
use fudao_core::money::WAN;
use fudao_core::region::JINAN_DISTRICTS;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod pools;
#[cfg(test)]
mod tests;

use pools::*;

/// Meta key marking a database as holding demo data (value: how it was generated).
pub const META_DEMO: &str = "demo";

/// Tag of the deliberate at-risk 高企 certificate holders.
pub const AT_RISK_TAG: &str = "演示：高企复审风险";

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub firms: usize,
    pub seed: u64,
    /// "Today" for the generated history (visits and needs happen in the 18 months before).
    pub today: NaiveDate,
}

/// What was generated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DemoSummary {
    pub teams: usize,
    pub users: usize,
    pub firms: usize,
    pub needs: usize,
    pub visits: usize,
    pub feedback: usize,
    pub products: usize,
}

/// Firms written per transaction by [`generate`].
const FIRMS_PER_TRANSACTION: usize = 2_000;

/// Generates demo data into `store`: the catalogue, teams and users in one transaction, then the
/// firms with their needs, visits, plans and feedback in transactions of
/// [`FIRMS_PER_TRANSACTION`] firms.
pub fn generate(store: &mut Store, opts: &DemoOptions) -> Result<DemoSummary> {
    generate_in_chunks(store, opts, FIRMS_PER_TRANSACTION)
}

fn generate_in_chunks(store: &mut Store, opts: &DemoOptions, chunk: usize) -> Result<DemoSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let today = opts.today;
    let start = today.checked_sub_days(Days::new(540)).unwrap_or(today);
    let mut sum = DemoSummary::default();
    let n_teams = (opts.firms / 60).clamp(2, 200);
    store.meta_set(
        META_DEMO,
        &format!("firms={} seed={} today={}", opts.firms, opts.seed, today),
    )?;

    let teams = store.write(Source::Demo, |w| {
        // Catalogue.
        for p in fudao_core::product::builtin_catalog().products {
            w.put(&p)?;
            sum.products += 1;
        }
        // Teams and users.
        let mut teams = Vec::new();
        let admin = User {
            id: uuid(&mut rng, start),
            username: "admin".into(),
            name: "市金融监管局管理员".into(),
            institution: "济南市地方金融监督管理局".into(),
            phone: "0531-00000000".into(),
            team_id: None,
            role: Role::Admin,
            active: true,
        };
        w.put(&admin)?;
        sum.users += 1;
        for t in 0..n_teams {
            let district = JINAN_DISTRICTS[t % JINAN_DISTRICTS.len()];
            let team_id = uuid(&mut rng, start);
            let mut coaches = Vec::new();
            let lead_id = uuid(&mut rng, start);
            for c in 0..4 {
                let role = if c == 0 { Role::Lead } else { Role::Coach };
                let id = if c == 0 {
                    lead_id
                } else {
                    uuid(&mut rng, start)
                };
                let u = User {
                    id,
                    username: format!(
                        "t{}{}",
                        t + 1,
                        if c == 0 {
                            "lead".to_string()
                        } else {
                            format!("c{c}")
                        }
                    ),
                    name: name(&mut rng),
                    institution: INSTITUTIONS[(t + c) % INSTITUTIONS.len()].to_string(),
                    phone: format!(
                        "1{}{:08}",
                        [3, 5, 8][c % 3],
                        rng.random_range(0..100_000_000u32)
                    ),
                    team_id: Some(team_id),
                    role,
                    active: true,
                };
                w.put(&u)?;
                sum.users += 1;
                coaches.push(u);
            }
            let team = Team {
                id: team_id,
                name: format!("{}金融辅导{}队", district.1, t / JINAN_DISTRICTS.len() + 1),
                focus: format!("{}科技型企业", district.1),
                lead_id: Some(lead_id),
            };
            w.put(&team)?;
            sum.teams += 1;
            teams.push((team, district.0, coaches));
        }
        Ok(teams)
    })?;

    // Firms in chunks, one transaction each: a single transaction over 100,000 firms grew the
    // WAL past 1.4 GB; committed chunks let SQLite checkpoint and reuse it.
    let mut used_names = std::collections::HashSet::new();
    let mut used_codes: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut next = 0;
    while next < opts.firms {
        let end = (next + chunk.max(1)).min(opts.firms);
        store.write(Source::Demo, |w| {
            for i in next..end {
                let (team, district, coaches) = &teams[i % teams.len()];
                let coach = &coaches[1 + rng.random_range(0..coaches.len() - 1)];
                let mut fname;
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    let prefix = PREFIXES.choose(&mut rng).unwrap_or(&"济南");
                    let middle = MIDDLES.choose(&mut rng).unwrap_or(&"创新");
                    let core = CORES.choose(&mut rng).unwrap_or(&"智能");
                    let mut suffix = *SUFFIXES.choose(&mut rng).unwrap_or(&"科技有限公司");
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
                // Random organisation bodies collide now and then at 100,000 firms: draw again.
                let code = loop {
                    if let Some(c) = fudao_core::uscc::compose("91", district, &org_body(&mut rng))
                    {
                        if used_codes.insert(c.clone()) {
                            break Some(c);
                        }
                    } else {
                        break None;
                    }
                };
                let Some(code) = code else {
                    continue;
                };
                let founded = NaiveDate::from_ymd_opt(
                    today.year() - rng.random_range(1..=15),
                    rng.random_range(1..=12),
                    rng.random_range(1..=28),
                );
                let mut f = Firm::new(uuid(&mut rng, start), &code, &fname);
                f.team_id = Some(team.id);
                f.coach_id = Some(coach.id);
                f.district = Some(district.to_string());
                f.address = Some(format!(
                    "济南市{}{}路{}号",
                    fudao_core::region::district_name(district).unwrap_or(""),
                    ["经十", "工业南", "舜华", "新泺", "港兴", "科航"][i % 6],
                    rng.random_range(1..2000)
                ));
                let section = weighted_section(&mut rng);
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
                // Qualifications are only granted after founding (a 高企 certificate a year
                // after at the earliest, as its rules require) and never after today.
                let after_founding = |d: NaiveDate| (est..=today).contains(&d);
                if rng.random_bool(0.55) {
                    let got = NaiveDate::from_ymd_opt(today.year() - 1, 5, 20).unwrap_or(today);
                    if after_founding(got) {
                        f.qualifications.push(Qualification {
                            kind: QualificationKind::TechSme,
                            obtained: Some(got),
                            expires: NaiveDate::from_ymd_opt(today.year(), 12, 31),
                            number: format!(
                                "{}3701{:02}{:04}",
                                today.year() - 1,
                                i % 30,
                                i % 10_000
                            ),
                        });
                    }
                }
                if rng.random_bool(0.3) {
                    let mut got =
                        NaiveDate::from_ymd_opt(today.year() - rng.random_range(0..4), 11, 15)
                            .unwrap_or(today);
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
                    name: name(&mut rng),
                    title: ["总经理", "财务总监", "董事长"][i % 3].to_string(),
                    phone: format!("139{:08}", rng.random_range(0..100_000_000u32)),
                    email: String::new(),
                }];
                if rng.random_bool(0.3) {
                    f.tags.push(
                        ["重点培育", "拟上市", "专利密集", "首贷攻坚", "人才企业"][i % 5]
                            .to_string(),
                    );
                }
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
                let mut own = ChaCha8Rng::seed_from_u64(
                    opts.seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                );
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
                        make_high_tech_holder(&mut f, 37);
                        f.tags.push(AT_RISK_TAG.to_string());
                    } else {
                        make_high_tech_holder(&mut f, 60 + own.random_range(5..35));
                    }
                }
                // The history (visits, needs, feedback) starts 18 months ago, or at the
                // founding date for a younger firm.
                let since = start.max(est);
                // Visits: 0–4 in the last 18 months; most firms visited at least once.
                let n_visits = if rng.random_bool(0.85) {
                    rng.random_range(1..=4)
                } else {
                    0
                };
                for _ in 0..n_visits {
                    let date = day_between(&mut rng, since, today);
                    let due = date
                        .checked_add_days(Days::new(rng.random_range(7..45)))
                        .unwrap_or(date);
                    let v = Visit {
                        id: uuid(&mut rng, date),
                        firm_id: f.id,
                        team_id: Some(team.id),
                        date,
                        coach_ids: vec![coach.id],
                        mode: *[
                            VisitMode::OnSite,
                            VisitMode::OnSite,
                            VisitMode::Phone,
                            VisitMode::Online,
                        ]
                        .choose(&mut rng)
                        .unwrap_or(&VisitMode::OnSite),
                        notes: format!("与{}座谈，了解企业经营与融资情况。", f.contacts[0].title),
                        findings: FINDINGS
                            .choose(&mut rng)
                            .unwrap_or(&FINDINGS[0])
                            .to_string(),
                        tasks: vec![FollowUpTask {
                            title: TASKS.choose(&mut rng).unwrap_or(&TASKS[0]).to_string(),
                            owner: coach.name.clone(),
                            due,
                            done: due < today && rng.random_bool(0.7),
                        }],
                    };
                    w.put(&v)?;
                    sum.visits += 1;
                }
                // Needs: 0–2, in every status.
                let n_needs = if rng.random_bool(0.6) {
                    rng.random_range(1..=2)
                } else {
                    0
                };
                for _ in 0..n_needs {
                    let raised_on = day_between(&mut rng, since, today);
                    let status = *NeedStatus::ALL
                        .choose(&mut rng)
                        .unwrap_or(&NeedStatus::Raised);
                    let amount = rng.random_range(1..=30) * 50 * WAN;
                    let reasonable = rng.random_bool(0.88);
                    let closed_on = status.is_closed().then(|| {
                        day_between(
                            &mut rng,
                            raised_on,
                            today.max(raised_on.succ_opt().unwrap_or(raised_on)),
                        )
                    });
                    let credit = rng.random_bool(0.4);
                    let outcomes =
                        if matches!(status, NeedStatus::Disbursed | NeedStatus::PartlyMet) {
                            let part = if status == NeedStatus::PartlyMet {
                                rng.random_range(30..90)
                            } else {
                                100
                            };
                            vec![Outcome {
                                institution: INSTITUTIONS[rng.random_range(0..3)].to_string(),
                                product: [
                                    "科技成果转化贷",
                                    "知识产权质押贷",
                                    "信用贷",
                                    "人才贷",
                                    "首贷通",
                                ][rng.random_range(0..5)]
                                .to_string(),
                                amount: amount * part / 100,
                                rate_bp: Some(rng.random_range(280..480)),
                                date: closed_on.unwrap_or(today),
                                credit,
                                product_kind: if credit {
                                    "信用贷".into()
                                } else {
                                    "知识产权质押贷".into()
                                },
                            }]
                        } else {
                            vec![]
                        };
                    let n = Need {
                        id: uuid(&mut rng, raised_on),
                        firm_id: f.id,
                        team_id: Some(team.id),
                        amount,
                        purpose: PURPOSES
                            .choose(&mut rng)
                            .unwrap_or(&PURPOSES[0])
                            .to_string(),
                        term_months: Some(*[6, 12, 12, 24, 36].choose(&mut rng).unwrap_or(&12)),
                        kind: if rng.random_bool(0.85) {
                            FinancingKind::Loan
                        } else {
                            *[
                                FinancingKind::Equity,
                                FinancingKind::Guarantee,
                                FinancingKind::Insurance,
                            ]
                            .choose(&mut rng)
                            .unwrap_or(&FinancingKind::Equity)
                        },
                        collateral: if f.facts.real_estate_collateral == Some(true) {
                            vec!["房产".into()]
                        } else if f.ip.invention_patents > 0 {
                            vec!["发明专利".into()]
                        } else {
                            vec![]
                        },
                        raised_on,
                        ruling: Some(if reasonable {
                            Ruling {
                                reasonable: true,
                                reason: None,
                                note: String::new(),
                            }
                        } else {
                            Ruling {
                                reasonable: false,
                                reason: Some(
                                    *[
                                        ReasonCode::OverCapacity,
                                        ReasonCode::PurposeMismatch,
                                        ReasonCode::Speculative,
                                    ]
                                    .choose(&mut rng)
                                    .unwrap_or(&ReasonCode::Other),
                                ),
                                note: "经评估不属于合理化融资需求".into(),
                            }
                        }),
                        status,
                        outcomes,
                        met_by_coach: false,
                        closed_on,
                        unmet_reason: match status {
                            NeedStatus::Unmet | NeedStatus::PartlyMet => Some(
                                *[
                                    ReasonCode::InsufficientCollateral,
                                    ReasonCode::WeakFinancials,
                                    ReasonCode::CreditRecord,
                                    ReasonCode::PriceNotAccepted,
                                ]
                                .choose(&mut rng)
                                .unwrap_or(&ReasonCode::Other),
                            ),
                            NeedStatus::Withdrawn => Some(ReasonCode::FirmWithdrew),
                            _ => None,
                        },
                    };
                    if f.first_loan_list
                        && status == NeedStatus::Disbursed
                        && n.kind == FinancingKind::Loan
                        && f.first_loan_date.is_none()
                    {
                        f.first_loan_date = closed_on;
                    }
                    // A loan disbursed: the firm has borrowed from a bank now.
                    if n.kind == FinancingKind::Loan && !n.outcomes.is_empty() {
                        f.ever_borrowed = Some(true);
                    }
                    w.put(&n)?;
                    sum.needs += 1;
                }
                if n_visits > 0 && rng.random_bool(0.7) {
                    let fb = Feedback {
                        id: uuid(&mut rng, today),
                        firm_id: f.id,
                        team_id: Some(team.id),
                        date: day_between(&mut rng, since, today),
                        rating: if rng.random_bool(0.8) {
                            Satisfaction::Satisfied
                        } else if rng.random_bool(0.8) {
                            Satisfaction::Basic
                        } else {
                            Satisfaction::Unsatisfied
                        },
                        comment: ["辅导及时，帮助很大", "希望加快审批进度", "产品对接精准", ""]
                            [i % 4]
                            .to_string(),
                        source: [
                            FeedbackSource::Qr,
                            FeedbackSource::Qr,
                            FeedbackSource::Paper,
                            FeedbackSource::Phone,
                            FeedbackSource::Visit,
                        ][i % 5],
                        need_met: [Some(true), Some(true), Some(false), None][(i / 5) % 4],
                        plan_id: None,
                        plan_version: None,
                    };
                    w.put(&fb)?;
                    sum.feedback += 1;
                }
                w.put(&f)?;
                sum.firms += 1;
            }
            Ok(())
        })?;
        next = end;
    }
    Ok(sum)
}
