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
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

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

const PREFIXES: &[&str] = &[
    "济南",
    "山东",
    "泉城",
    "齐鲁",
    "历下",
    "章丘",
    "舜耕",
    "大明湖",
    "华山",
    "趵突泉",
    "千佛山",
    "黄河",
];
const CORES: &[&str] = &[
    "量子",
    "智能",
    "生物",
    "新材料",
    "光电",
    "数控",
    "医疗器械",
    "软件",
    "云计算",
    "大数据",
    "芯片",
    "半导体",
    "机器人",
    "新能源",
    "储能",
    "氢能",
    "环保",
    "节能",
    "检测",
    "精密",
    "激光",
    "电子",
    "通信",
    "物联网",
    "区块链",
    "北斗",
    "航天",
    "无人机",
    "制药",
    "基因",
    "细胞",
    "农业科技",
    "食品科技",
    "纺织科技",
    "工业互联网",
    "信创",
    "超算",
    "人工智能",
    "虚拟现实",
    "传感器",
];
const MIDDLES: &[&str] = &[
    "创新", "恒信", "华科", "中科", "众创", "精工", "汇智", "明德", "瑞丰", "鼎盛", "博远", "正元",
    "天成", "九州", "金桥", "海右", "泉鑫", "融通", "凯达", "联创", "领航", "启明", "同泰", "卓越",
    "弘毅", "锦程", "盛华", "远航", "新锐", "宏图",
];
const SUFFIXES: &[&str] = &[
    "科技有限公司",
    "技术有限公司",
    "股份有限公司",
    "信息技术有限公司",
    "科技发展有限公司",
    "研究院有限公司",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "霞", "平", "刚",
    "桂英", "建华", "晓东", "海燕", "志强", "丽娟",
];
const INSTITUTIONS: &[&str] = &[
    "齐鲁科创银行济南分行",
    "泉城农商银行",
    "济南科技融资担保有限公司",
    "山东海右银行",
    "黄河科技保险济南中心支公司",
];
const SECTIONS: &[(&str, u32)] = &[
    ("C", 45),
    ("I", 25),
    ("M", 18),
    ("D", 4),
    ("Q", 3),
    ("A", 2),
    ("L", 3),
];
const PURPOSES: &[&str] = &[
    "研发投入",
    "购置生产设备",
    "补充流动资金",
    "厂房改造",
    "技术改造升级",
    "市场拓展",
    "原材料采购",
    "人才引进",
];
const FINDINGS: &[&str] = &[
    "企业研发投入持续增长，但财务核算不规范，研发费用未设辅助账。",
    "企业拥有发明专利，可尝试知识产权质押融资。",
    "企业应收账款集中于大型国企，具备应收账款质押条件。",
    "企业尚无银行贷款记录，建议纳入首贷培植名单。",
    "企业计划申报高新技术企业，科技人员占比已达标。",
    "企业有政府采购合同，可对接政采贷产品。",
    "企业现金流紧张，需合理安排融资期限。",
];
const TASKS: &[&str] = &[
    "补充近三年财务报表",
    "建立研发费用辅助账",
    "对接银行客户经理",
    "准备知识产权评估材料",
    "提交首贷申请资料",
    "申报科技型中小企业评价",
];

fn name(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).unwrap_or(&"王"),
        GIVEN.choose(rng).unwrap_or(&"伟")
    )
}

fn uuid(rng: &mut ChaCha8Rng, at: NaiveDate) -> Uuid {
    // A v7-layout id whose timestamp is the given day and whose random bits come from the seed,
    // so generated ids are deterministic.
    let ms = at
        .and_hms_opt(9, 0, 0)
        .map(|d| d.and_utc().timestamp_millis())
        .unwrap_or(0) as u64;
    let mut bytes = [0u8; 10];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

fn weighted_section(rng: &mut ChaCha8Rng) -> &'static str {
    let total: u32 = SECTIONS.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (s, w) in SECTIONS {
        if x < *w {
            return s;
        }
        x -= w;
    }
    "C"
}

fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(1) as u64;
    from.checked_add_days(Days::new(rng.random_range(0..span)))
        .unwrap_or(from)
}

fn org_body(rng: &mut ChaCha8Rng) -> String {
    const CH: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = String::from("MA");
    for _ in 0..6 {
        s.push(CH[rng.random_range(0..CH.len())] as char);
    }
    s
}

/// Brings a 高企 certificate holder's record up to the conditions of 国科发火〔2016〕32号
/// art. 11 (IP, field, tech staff ≥ 10 %, R&D ≥ 5 % of sales in every year, ≥ 60 % of it in
/// China, innovation score > 70, no serious incident), with high-tech revenue at
/// `high_tech_pct` % of revenue (below 60 makes it an at-risk holder).
fn make_high_tech_holder(f: &mut Firm, high_tech_pct: i64) {
    if let Some(staff) = f.staff {
        let min_tech = (staff * 12).div_ceil(100);
        f.tech_staff = Some(f.tech_staff.unwrap_or(0).max(min_tech));
    }
    if f.ip.class1() + f.ip.class2() == 0 {
        f.ip.utility_models = 3;
    }
    for y in &mut f.financials {
        let rev = y.revenue.unwrap_or(0);
        let rd = y.rd_expense.unwrap_or(0).max(rev * 65 / 1000);
        y.rd_expense = Some(rd);
        y.rd_expense_domestic = Some(y.rd_expense_domestic.unwrap_or(0).max(rd * 85 / 100));
        y.high_tech_revenue = Some(rev * high_tech_pct / 100);
        y.total_income = Some(y.total_income.unwrap_or(rev));
    }
    f.facts.hitech_field = Some(true);
    f.facts.innovation_score = Some(f.facts.innovation_score.unwrap_or(0).max(74));
    f.facts.serious_incident = Some(false);
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
                let staff: u32 = rng.random_range(8..420);
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
                    if after_founding(got) {
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
                    if after_founding(got) {
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
                // Visits: 0–4 in the last 18 months; most firms visited at least once.
                let n_visits = if rng.random_bool(0.85) {
                    rng.random_range(1..=4)
                } else {
                    0
                };
                for _ in 0..n_visits {
                    let date = day_between(&mut rng, start, today);
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
                    let raised_on = day_between(&mut rng, start, today);
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
                        && f.first_loan_date.is_none()
                    {
                        f.first_loan_date = closed_on;
                    }
                    w.put(&n)?;
                    sum.needs += 1;
                }
                if n_visits > 0 && rng.random_bool(0.7) {
                    let fb = Feedback {
                        id: uuid(&mut rng, today),
                        firm_id: f.id,
                        team_id: Some(team.id),
                        date: day_between(&mut rng, start, today),
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

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::model::EntityKind;

    fn rows(s: &Store) -> Vec<(EntityKind, Uuid, serde_json::Value)> {
        EntityKind::ALL
            .iter()
            .flat_map(|&k| {
                s.raw_rows(k)
                    .unwrap()
                    .into_iter()
                    .map(move |(id, _, _, data)| (k, id, data))
            })
            .collect()
    }

    /// Committing firms in chunks changes nothing in what is generated.
    #[test]
    fn chunked_generation_writes_the_same_data() {
        let opts = DemoOptions {
            firms: 25,
            seed: 5,
            today: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        };
        let mut whole = Store::open_in_memory().unwrap();
        let mut chunked = Store::open_in_memory().unwrap();
        let a = generate_in_chunks(&mut whole, &opts, 1_000).unwrap();
        let b = generate_in_chunks(&mut chunked, &opts, 7).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(a.firms, 25);
        let (ra, rb) = (rows(&whole), rows(&chunked));
        assert!(ra.len() > 25, "firms and their children: {}", ra.len());
        assert_eq!(ra, rb);
    }

    /// Demo data passes the consistency checks, except the deliberate at-risk 高企 holders
    /// (tagged), whose only warning is the certificate-holder one; it stays out of the outbox
    /// and marks the database as demo.
    #[test]
    fn demo_data_is_coherent_local_and_marked() {
        use fudao_core::consistency::{check_firm, code};
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut at_risk = 0;
        for seed in [42, 7, 1, 2024] {
            let mut s = Store::open_in_memory().unwrap();
            assert!(!s.is_demo().unwrap());
            let opts = DemoOptions {
                firms: 200,
                seed,
                today,
            };
            generate(&mut s, &opts).unwrap();
            assert!(s.is_demo().unwrap());
            assert!(matches!(
                s.refuse_if_demo(),
                Err(crate::StoreError::DemoDatabase)
            ));
            assert_eq!(s.outbox_len().unwrap(), 0, "seed {seed}: nothing queued");
            let firms: Vec<Firm> = s.list().unwrap();
            assert_eq!(firms.len(), 200);
            let mut holders = 0;
            let mut seed_at_risk = 0;
            for f in &firms {
                let warnings = check_firm(f, today);
                let codes: Vec<&str> = warnings.iter().map(|w| w.code.as_str()).collect();
                if f.holds(QualificationKind::HighTech, today) {
                    holders += 1;
                }
                if f.tags.iter().any(|t| t == AT_RISK_TAG) {
                    seed_at_risk += 1;
                    assert_eq!(
                        codes,
                        vec![code::HIGH_TECH_AT_RISK],
                        "seed {seed} {}: at-risk holder",
                        f.name
                    );
                } else {
                    assert!(warnings.is_empty(), "seed {seed} {}: {warnings:?}", f.name);
                }
                // Credible shapes the issue lists.
                let founded = f.founded.unwrap();
                assert!(f.financials.iter().all(|y| y.year >= founded.year()));
                assert!(f
                    .qualifications
                    .iter()
                    .all(|q| q.obtained.is_none_or(|d| (founded..=today).contains(&d))));
            }
            assert!(holders >= 20, "seed {seed}: {holders} 高企 holders");
            assert!(
                seed_at_risk >= 1 && seed_at_risk * 4 <= holders,
                "seed {seed}: a few at-risk holders ({seed_at_risk} of {holders})"
            );
            at_risk += seed_at_risk;
        }
        assert!(at_risk >= 4, "{at_risk}");
    }

    /// Local edits of a demo database are still audited; demo writes never reach the outbox
    /// while user edits do (login and sync refuse the database anyway).
    #[test]
    fn demo_writes_skip_the_outbox_and_local_edits_do_not() {
        let mut s = Store::open_in_memory().unwrap();
        let opts = DemoOptions {
            firms: 3,
            seed: 9,
            today: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        };
        generate(&mut s, &opts).unwrap();
        assert_eq!(s.outbox_len().unwrap(), 0);
        let mut f: Firm = s.list::<Firm>().unwrap().remove(0);
        f.notes = "重点走访".into();
        s.put(&f).unwrap();
        assert_eq!(s.outbox_len().unwrap(), 1);
        assert!(!s.audit_of(EntityKind::Firm, f.id).unwrap().is_empty());
    }
}
