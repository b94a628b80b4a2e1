//! 高新技术企业认定条件 (国科发火〔2016〕32号 art. 11) as a checklist with the gap to each
//! threshold.
//!
//! * R&D ratio: R&D expense summed over the latest `years` (3) financial years divided by
//!   sales summed over the same years (years before the founding year are not required —
//!   "实际经营期不满三年的按实际经营时间计算"); the threshold depends on the latest year's
//!   sales (≤ 5,000万 → 5 %, ≤ 2亿 → 4 %, above → 3 %).
//! * Domestic R&D: R&D spent in China over the same years ≥ 60 % of all R&D.
//! * Tech staff ≥ 10 % of staff (the gap counts hires into the headcount:
//!   `(t + k) / (s + k) ≥ 10 %`); high-tech product revenue ≥ 60 % of the latest year's
//!   总收入 (收入总额 − 不征税收入, recorded as `total_income`, not 营业收入); registered ≥ 1 year on `today`; at least one IP item owned; innovation score
//!   strictly above 70; no serious incident.

use super::rules::{HighTechRules, RuleSetMeta};
use super::{figure, CheckItem, Status, Verdict};
use crate::error::Msg;
use crate::model::Firm;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighTechResult {
    pub rule_set: RuleSetMeta,
    /// The years whose figures the R&D test summed.
    pub rd_years: Vec<i32>,
    pub items: Vec<CheckItem>,
    pub verdict: Verdict,
    /// Holds a 高企 certificate valid on `today`.
    pub certified: bool,
    /// For a certificate holder that fails conditions today: the warning naming them and the
    /// review risk (art. 16).
    pub review_risk: Option<Msg>,
    pub notes: Vec<Msg>,
}

impl HighTechResult {
    /// The firm's core technology is outside the supported fields (第十一条（三）): not a gap
    /// the firm closes by working on it, so 高企 is no route for it (the roadmap, the
    /// monitoring targets and products asking for 高企 all say so).
    pub fn field_barred(&self) -> bool {
        self.items
            .iter()
            .any(|i| i.key == "tech_field" && i.status == Status::NotMet)
    }
}

pub fn evaluate(firm: &Firm, today: NaiveDate, r: &HighTechRules) -> HighTechResult {
    let m = &r.meta;
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year).unwrap_or(today.year() - 1);
    let rd = RdSums::collect(firm, y, r);
    let items = vec![
        registered_item(firm, today, r),
        core_ip_item(firm, r),
        // (三) technology field
        super::fact_item(
            "tech_field",
            Msg::new(
                "核心技术属于《国家重点支持的高新技术领域》",
                "Core technology in a state-supported high-tech field",
            ),
            m.cite(&r.tech_field.clause),
            firm.facts.hitech_field,
            true,
            figure::tech_field(),
        ),
        tech_staff_item(firm, r),
        rd_ratio_item(&rd, fy.and_then(|f| f.revenue), y, r),
        rd_domestic_item(&rd, y, r),
        high_tech_revenue_item(firm, y, r),
        innovation_item(firm, r),
        // (八) no serious incident in the year before applying
        super::fact_item(
            "serious_incident",
            Msg::new(
                "申请前一年内发生重大安全、重大质量事故或严重环境违法行为",
                "Serious safety/quality incident or environmental violation in the past year",
            ),
            m.cite(&r.no_serious_incident.clause),
            firm.facts.serious_incident,
            false,
            figure::incident(),
        ),
    ];

    let verdict = super::checklist_verdict(
        &items,
        Msg::new(
            format!("满足{}第十一条各项认定条件", m.document),
            format!("meets every condition of art. 11 of {}", m.document),
        ),
    );
    let mut notes = vec![];
    if let Some(n) = super::stale_note(firm, today) {
        notes.push(n);
    }
    let certified = firm.holds(crate::model::QualificationKind::HighTech, today);
    if certified {
        notes.push(Msg::new(
            "已持有有效高新技术企业证书",
            "already holds a valid high-tech certificate",
        ));
    }
    let review_risk = certified
        .then(|| review_warning(firm, today, &items, r))
        .flatten();
    if let Some(w) = &review_risk {
        // Notes are what every front end shows: the warning goes first.
        notes.insert(0, w.clone());
    }
    HighTechResult {
        rule_set: m.clone(),
        rd_years: rd.years,
        items,
        verdict,
        certified,
        review_risk,
        notes,
    }
}

/// (一) registered ≥ 1 year on `today`.
fn registered_item(firm: &Firm, today: NaiveDate, r: &HighTechRules) -> CheckItem {
    let reg = CheckItem::new(
        "registered",
        Msg::new("注册成立时间", "Time since registration"),
        r.meta.cite(&r.registered.clause),
        format!("≥ {}年", r.registered.min_years),
    );
    match firm.founded {
        None => reg.unknown(vec![figure::founded()]),
        Some(f) => {
            let due = f
                .checked_add_months(Months::new(12 * r.registered.min_years))
                .unwrap_or(NaiveDate::MAX);
            let ok = due <= today;
            let yrs = today.years_since(f).unwrap_or(0);
            let gap = (!ok).then(|| {
                let days = (due - today).num_days();
                Msg::new(
                    format!("差 {days} 天（{due} 起满足）"),
                    format!("short by {days} days (met from {due})"),
                )
            });
            let mut it = reg.decided(format!("{yrs}年（成立于 {f}）"), ok, gap);
            it.detail = Some(Msg::new(format!("成立日期 {f}"), format!("founded {f}")));
            it
        }
    }
}

/// (二) core IP owned.
fn core_ip_item(firm: &Firm, r: &HighTechRules) -> CheckItem {
    let c1 = firm.ip.class1();
    let c2 = firm.ip.class2();
    let mut ip = super::min_item(
        "core_ip",
        Msg::new(
            "拥有核心支持作用的知识产权",
            "Owns IP core to the main products",
        ),
        r.meta.cite(&r.core_ip.clause),
        Some(i64::from(c1 + c2)),
        i64::from(r.core_ip.min_items),
        super::items,
        figure::financial_year(),
    );
    ip.detail = Some(Msg::new(
        format!("Ⅰ类 {c1} 项，Ⅱ类 {c2} 项；须确认对主要产品（服务）发挥核心支持作用"),
        format!("Class-I {c1}, Class-II {c2}; must support the main products"),
    ));
    ip
}

/// (四) tech staff ≥ 10 %; the gap counts hires into the headcount.
fn tech_staff_item(firm: &Firm, r: &HighTechRules) -> CheckItem {
    let mut ts = super::ratio_min_item(
        "tech_staff_ratio",
        Msg::new("科技人员占比", "Tech-staff share"),
        r.meta.cite(&r.tech_staff.clause),
        firm.tech_staff.map(i64::from),
        firm.staff.map(i64::from),
        r.tech_staff.min_pct,
        Some(super::people_gap),
        (figure::tech_staff(), figure::staff()),
    );
    if let (Some(t), Some(s)) = (firm.tech_staff, firm.staff) {
        if ts.status == Status::NotMet && s > 0 {
            // Every tech hire also raises the headcount: (t + k) / (s + k) ≥ 10 %.
            let (t, s) = (i64::from(t), i64::from(s));
            let pct = r.tech_staff.min_pct;
            let k = super::num::min_hires(t, s, pct);
            let pp = super::num::fmt_pp(super::num::shortfall_bp(t, s, pct));
            let fig = ts.figure.clone().unwrap_or_default();
            ts = ts.decided(
                fig,
                false,
                Some(Msg::new(
                    format!("差 {pp} 个百分点，约需新招聘 {k} 名科技人员（职工总数随之增加）"),
                    format!(
                        "short by {pp} pp: hire about {k} tech staff (headcount grows with them)"
                    ),
                )),
            );
        }
        ts.detail = Some(Msg::new(
            format!("科技人员 {t} 人 / 职工 {s} 人"),
            format!("{t} tech staff of {s}"),
        ));
    }
    ts
}

/// R&D, sales and domestic R&D summed over the R&D test's years, with the figures missing.
struct RdSums {
    years: Vec<i32>,
    /// `2023–2025年` (or one year) for the detail lines.
    span: String,
    rd: i64,
    sales: i64,
    domestic: i64,
    /// Missing figures that leave the R&D ratio (and so the domestic share) unknown.
    missing: Vec<Msg>,
    /// Missing domestic R&D figures.
    domestic_missing: Vec<Msg>,
}

impl RdSums {
    /// Sums the latest `years` financial years up to `y`, skipping years before the
    /// founding year.
    fn collect(firm: &Firm, y: i32, r: &HighTechRules) -> Self {
        let first_year = y - r.rd_ratio.years as i32 + 1;
        let founded_year = firm.founded.map(|f| f.year());
        let years: Vec<i32> = (first_year..=y)
            .filter(|yr| founded_year.is_none_or(|fy| *yr >= fy))
            .collect();
        let mut missing = vec![];
        let (mut rd, mut sales, mut domestic) = (0i64, 0i64, 0i64);
        let mut domestic_missing = vec![];
        if firm.latest_year().is_none() {
            missing.push(figure::financial_year());
        }
        for yr in &years {
            let f = firm.year(*yr);
            match f.and_then(|f| f.rd_expense) {
                Some(v) => rd += v,
                None => missing.push(figure::rd(*yr)),
            }
            match f.and_then(|f| f.revenue) {
                Some(v) => sales += v,
                None => missing.push(figure::revenue(*yr)),
            }
            match f.and_then(|f| f.rd_expense_domestic) {
                Some(v) => domestic += v,
                None => domestic_missing.push(figure::rd_domestic(*yr)),
            }
        }
        let span = match (years.first(), years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}年"),
            (Some(a), _) => format!("{a}年"),
            _ => String::new(),
        };
        RdSums {
            years,
            span,
            rd,
            sales,
            domestic,
            missing,
            domestic_missing,
        }
    }
}

/// (五) R&D ratio over the last three years, threshold by the latest year's sales.
fn rd_ratio_item(rd: &RdSums, latest_sales: Option<i64>, y: i32, r: &HighTechRules) -> CheckItem {
    let span = &rd.span;
    match latest_sales {
        Some(ls) if rd.missing.is_empty() => {
            let pct = r.rd_threshold(ls);
            let mut it = super::ratio_min_item(
                "rd_ratio",
                Msg::new("研发费用占比", "R&D / sales (last 3 years)"),
                r.meta.cite(&r.rd_ratio.clause),
                Some(rd.rd),
                Some(rd.sales),
                pct,
                Some(super::wan_gap),
                (figure::rd(y), figure::revenue(y)),
            );
            it.detail = Some(Msg::new(
                format!(
                    "{span}合计研发费用 {} / 销售收入 {}；最近一年销售收入 {}，适用 ≥ {pct}",
                    super::wan(rd.rd),
                    super::wan(rd.sales),
                    super::wan(ls)
                ),
                format!(
                    "{span} total R&D {} / sales {}; latest sales {} ⇒ threshold {pct}",
                    super::wan(rd.rd),
                    super::wan(rd.sales),
                    super::wan(ls)
                ),
            ));
            it
        }
        _ => {
            let it = CheckItem::new(
                "rd_ratio",
                Msg::new("研发费用占比", "R&D / sales (last 3 years)"),
                r.meta.cite(&r.rd_ratio.clause),
                format!(
                    "≥ {}（按最近一年销售收入分档）",
                    r.rd_ratio
                        .bands
                        .iter()
                        .map(|b| b.min_pct.to_string())
                        .collect::<Vec<_>>()
                        .join("/")
                ),
            );
            it.unknown(rd.missing.clone())
        }
    }
}

/// (五) domestic share of R&D over the same years.
fn rd_domestic_item(rd: &RdSums, y: i32, r: &HighTechRules) -> CheckItem {
    let span = &rd.span;
    if !rd.missing.is_empty() || !rd.domestic_missing.is_empty() {
        let mut all = rd.missing.clone();
        all.extend(rd.domestic_missing.iter().cloned());
        CheckItem::new(
            "rd_domestic",
            Msg::new("境内研发费用占比", "R&D spent in China"),
            r.meta.cite(&r.rd_domestic.clause),
            format!("≥ {}", r.rd_domestic.min_pct),
        )
        .unknown(all)
    } else if rd.rd == 0 {
        let it = CheckItem::new(
            "rd_domestic",
            Msg::new("境内研发费用占比", "R&D spent in China"),
            r.meta.cite(&r.rd_domestic.clause),
            format!("≥ {}", r.rd_domestic.min_pct),
        );
        it.decided(
            "无研发费用".into(),
            false,
            Some(Msg::new("近三年无研发费用", "no R&D expense in the period")),
        )
    } else {
        let mut it = super::ratio_min_item(
            "rd_domestic",
            Msg::new("境内研发费用占比", "R&D spent in China"),
            r.meta.cite(&r.rd_domestic.clause),
            Some(rd.domestic),
            Some(rd.rd),
            r.rd_domestic.min_pct,
            Some(super::wan_gap),
            (figure::rd_domestic(y), figure::rd(y)),
        );
        it.detail = Some(Msg::new(
            format!(
                "{span}境内研发费用 {} / 研发费用 {}",
                super::wan(rd.domestic),
                super::wan(rd.rd)
            ),
            format!(
                "{span} R&D in China {} / all R&D {}",
                super::wan(rd.domestic),
                super::wan(rd.rd)
            ),
        ));
        it
    }
}

/// (六) high-tech product revenue ≥ 60 % of 总收入 (收入总额 − 不征税收入), latest year.
fn high_tech_revenue_item(firm: &Firm, y: i32, r: &HighTechRules) -> CheckItem {
    let fy = firm.latest_year();
    let mut ht = super::ratio_min_item(
        "high_tech_revenue",
        Msg::new(
            "高新技术产品（服务）收入占总收入比例",
            "High-tech product revenue / total income",
        ),
        r.meta.cite(&r.high_tech_revenue.clause),
        fy.and_then(|f| f.high_tech_revenue),
        fy.and_then(|f| f.total_income),
        r.high_tech_revenue.min_pct,
        Some(super::wan_gap),
        (figure::high_tech_revenue(y), figure::total_income(y)),
    );
    if fy.is_none() {
        ht = ht.unknown(vec![figure::financial_year()]);
    } else if ht.status != Status::Unknown {
        let ti = fy.and_then(|f| f.total_income).unwrap_or(0);
        ht.detail = Some(Msg::new(
            format!(
                "{y}年数据；总收入 {}（收入总额减不征税收入）",
                super::wan(ti)
            ),
            format!(
                "{y} figures; total income {} (gross income less non-taxable income)",
                super::wan(ti)
            ),
        ));
    }
    ht
}

/// (七) innovation score strictly above 70.
fn innovation_item(firm: &Firm, r: &HighTechRules) -> CheckItem {
    let above = r.innovation_score.above;
    let inno = CheckItem::new(
        "innovation_score",
        Msg::new("创新能力评价得分", "Innovation-ability score"),
        r.meta.cite(&r.innovation_score.clause),
        format!("> {above}分"),
    );
    match firm.facts.innovation_score {
        None => inno.unknown(vec![figure::innovation_score()]),
        Some(s) => {
            let ok = s > above;
            let gap = (!ok).then(|| {
                let d = above + 1 - s;
                Msg::new(format!("差 {d} 分"), format!("short by {d} points"))
            });
            let mut it = inno.decided(format!("{s}分"), ok, gap);
            it.detail = Some(Msg::new(
                "知识产权30、成果转化30、研发组织管理20、成长性20",
                "IP 30, transformation 30, R&D management 20, growth 20",
            ));
            it
        }
    }
}

/// The warning for a certificate holder that fails conditions today: names each failing
/// condition and the review under art. 16 (资格取消、追缴已享受的税收优惠).
fn review_warning(
    firm: &Firm,
    today: NaiveDate,
    items: &[CheckItem],
    r: &HighTechRules,
) -> Option<Msg> {
    let failing: Vec<&CheckItem> = items
        .iter()
        .filter(|i| i.status == Status::NotMet)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let expires = firm
        .qualifications
        .iter()
        .filter(|q| q.kind == crate::model::QualificationKind::HighTech && q.is_valid_on(today))
        .filter_map(|q| q.expires)
        .max();
    let (until_zh, until_en) = match expires {
        Some(e) => (format!("（有效期至{e}）"), format!(" (valid until {e})")),
        None => (String::new(), String::new()),
    };
    let line = |i: &CheckItem, zh: bool| {
        let f = i.figure.clone().unwrap_or_default();
        if zh {
            format!("{} {}（需 {}）", i.label.zh, f, i.required)
        } else {
            format!("{} {} (requires {})", i.label.en, f, i.required)
        }
    };
    let cite = r.meta.cite(&r.review.clause);
    Some(Msg::new(
        format!(
            "复核风险：企业持有高新技术企业证书{until_zh}，但目前不符合{}项认定条件：{}。按{cite}，有关部门发现已认定企业不符合认定条件的，提请认定机构复核；复核确认不符合的，取消其高新技术企业资格，并追缴其不符合条件年度起已享受的税收优惠。",
            failing.len(),
            failing.iter().map(|i| line(i, true)).collect::<Vec<_>>().join("；")
        ),
        format!(
            "Review risk: the firm holds a high-tech certificate{until_en} but fails {} condition(s) today: {}. Under {cite}, a certified firm found not to meet the conditions is referred for review; if confirmed, the status is revoked and the tax relief enjoyed since the failing year is recovered.",
            failing.len(),
            failing.iter().map(|i| line(i, false)).collect::<Vec<_>>().join("; ")
        ),
    ))
}
