//! Word pools for names and texts, and the small drawing helpers of the generator.

use chrono::{Days, NaiveDate};
use fudao_core::model::Firm;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

pub(super) const PREFIXES: &[&str] = &[
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
pub(super) const CORES: &[&str] = &[
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
pub(super) const MIDDLES: &[&str] = &[
    "创新", "恒信", "华科", "中科", "众创", "精工", "汇智", "明德", "瑞丰", "鼎盛", "博远", "正元",
    "天成", "九州", "金桥", "海右", "泉鑫", "融通", "凯达", "联创", "领航", "启明", "同泰", "卓越",
    "弘毅", "锦程", "盛华", "远航", "新锐", "宏图",
];
pub(super) const SUFFIXES: &[&str] = &[
    "科技有限公司",
    "技术有限公司",
    "股份有限公司",
    "信息技术有限公司",
    "科技发展有限公司",
    "研究院有限公司",
];
pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
pub(super) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "霞", "平", "刚",
    "桂英", "建华", "晓东", "海燕", "志强", "丽娟",
];
pub(super) const INSTITUTIONS: &[&str] = &[
    "齐鲁科创银行济南分行",
    "泉城农商银行",
    "济南科技融资担保有限公司",
    "山东海右银行",
    "黄河科技保险济南中心支公司",
];
pub(super) const SECTIONS: &[(&str, u32)] = &[
    ("C", 45),
    ("I", 25),
    ("M", 18),
    ("D", 4),
    ("Q", 3),
    ("A", 2),
    ("L", 3),
];
pub(super) const PURPOSES: &[&str] = &[
    "研发投入",
    "购置生产设备",
    "补充流动资金",
    "厂房改造",
    "技术改造升级",
    "市场拓展",
    "原材料采购",
    "人才引进",
];
pub(super) const FINDINGS: &[&str] = &[
    "企业研发投入持续增长，但财务核算不规范，研发费用未设辅助账。",
    "企业拥有发明专利，可尝试知识产权质押融资。",
    "企业应收账款集中于大型国企，具备应收账款质押条件。",
    "企业尚无银行贷款记录，建议纳入首贷培植名单。",
    "企业计划申报高新技术企业，科技人员占比已达标。",
    "企业有政府采购合同，可对接政采贷产品。",
    "企业现金流紧张，需合理安排融资期限。",
];
pub(super) const TASKS: &[&str] = &[
    "补充近三年财务报表",
    "建立研发费用辅助账",
    "对接银行客户经理",
    "准备知识产权评估材料",
    "提交首贷申请资料",
    "申报科技型中小企业评价",
];

pub(super) fn name(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).unwrap_or(&"王"),
        GIVEN.choose(rng).unwrap_or(&"伟")
    )
}

pub(super) fn uuid(rng: &mut ChaCha8Rng, at: NaiveDate) -> Uuid {
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

pub(super) fn weighted_section(rng: &mut ChaCha8Rng) -> &'static str {
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

pub(super) fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(1) as u64;
    from.checked_add_days(Days::new(rng.random_range(0..span)))
        .unwrap_or(from)
}

pub(super) fn org_body(rng: &mut ChaCha8Rng) -> String {
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
pub(super) fn make_high_tech_holder(f: &mut Firm, high_tech_pct: i64) {
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
