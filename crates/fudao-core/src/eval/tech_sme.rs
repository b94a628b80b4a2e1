//! 科技型中小企业评价 (国科发政〔2022〕43号, which replaced 国科发政〔2017〕115号 with the same
//! conditions, indicators and bands; the rule set in force on `today` supplies the citations).
//!
//! Conditions (art. 6 (1)–(4)), the three scored indicators (art. 7), the pass rule (art. 6
//! (5): total ≥ 60 and the tech-staff score not 0) and direct qualification (art. 8, which
//! still requires art. 6 (1)–(4)). Figures are those of the firm's latest financial year.
//!
//! When a figure is missing, each indicator carries the range of points it could still take
//! (`points_min..=points_max`); the verdict is decided only if the whole range agrees.

use super::num::{self, Pct};
use super::rules::{count_band, pct_band, PctBand, RdIndicator, RuleSetMeta, TechSmeRules};
use super::{figure, CheckItem, Status, Verdict};
use crate::error::Msg;
use crate::model::{Firm, QualificationKind};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One scored indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// `tech_staff`, `rd` or `ip`.
    pub key: String,
    pub label: Msg,
    /// The firm's figure as displayed.
    pub figure: Option<String>,
    /// The band reached, e.g. `≥ 30%`.
    pub band: Option<String>,
    /// The points, when the figures decide them.
    pub points: Option<u32>,
    /// The lowest and highest points still possible given the missing figures.
    pub points_min: u32,
    pub points_max: u32,
    pub max_points: u32,
    /// For R&D: which base scored (sales or total cost).
    pub basis: Option<Msg>,
    /// What it takes to reach the next band, if there is one.
    pub next_band: Option<Msg>,
    pub text: Msg,
    pub missing: Vec<Msg>,
    pub cite: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechSmeResult {
    pub rule_set: RuleSetMeta,
    /// The financial year whose figures were used.
    pub financial_year: Option<i32>,
    /// Art. 6 (1)–(4).
    pub conditions: Vec<CheckItem>,
    /// Art. 7: tech staff, R&D, IP.
    pub indicators: Vec<Indicator>,
    /// The total, when every indicator is decided.
    pub total: Option<u32>,
    pub total_min: u32,
    pub total_max: u32,
    /// Score needed (art. 6 (5)).
    pub pass_total: u32,
    /// Art. 8 routes; any `Met` one qualifies the firm directly if art. 6 (1)–(4) hold.
    pub direct: Vec<CheckItem>,
    pub verdict: Verdict,
    pub notes: Vec<Msg>,
}

impl TechSmeResult {
    /// The size limits the firm exceeds (staff, sales, assets: 第六条（二）): not a gap the
    /// firm closes by working on 科小's indicators, so 科小 is no route for it (the roadmap
    /// points to 高企, and a product's hint names another designation's gap).
    pub fn size_failures(&self) -> Vec<&CheckItem> {
        self.conditions
            .iter()
            .filter(|c| {
                c.status == Status::NotMet && ["staff", "sales", "assets"].contains(&c.key.as_str())
            })
            .collect()
    }
}

fn band_label(b: Option<&PctBand>) -> Option<String> {
    b.map(|b| format!("≥ {}", b.min_pct))
}

/// Points a ratio earns on a band table; `None` if the figures are missing.
fn basis_points(
    bands: &[PctBand],
    num: Option<i64>,
    den: Option<i64>,
) -> Option<(u32, Option<Pct>)> {
    let (n, d) = (num?, den?);
    if d <= 0 {
        // No sales / no cost: the ratio is not defined and the base scores nothing.
        return Some((0, None));
    }
    let (p, b) = pct_band(bands, n, d);
    Some((p, b.map(|b| b.min_pct)))
}

/// Extra numerator (R&D 元 or tech staff) to lift a ratio into a band scoring more than
/// `points`, with the denominator fixed; the cheapest such band.
fn next_step(bands: &[PctBand], num: i64, den: i64, points: u32) -> Option<(i64, u32)> {
    if den <= 0 {
        return None;
    }
    bands
        .iter()
        .filter(|b| b.points > points)
        .map(|b| (num::min_numerator(den, b.min_pct) - num, b.points))
        .filter(|(extra, _)| *extra > 0)
        .min_by_key(|(extra, p)| (*extra, std::cmp::Reverse(*p)))
}

pub fn evaluate(firm: &Firm, today: NaiveDate, r: &TechSmeRules) -> TechSmeResult {
    let m = &r.meta;
    let fy = firm.latest_year();
    let year = fy.map(|y| y.year);
    let y = year.unwrap_or(today.year() - 1);
    let revenue = fy.and_then(|f| f.revenue);
    let rd = fy.and_then(|f| f.rd_expense);
    let cost = fy.and_then(|f| f.total_cost);
    let assets = fy.and_then(|f| f.total_assets);
    let facts = &firm.facts;

    // ---- Conditions (art. 6 (1)–(4)) ----
    let conditions = vec![
        super::fact_item(
            "resident",
            Msg::new("在中国境内注册的居民企业", "Resident enterprise registered in mainland China"),
            m.cite(&r.resident.clause),
            facts.resident,
            true,
            figure::resident(),
        ),
        super::max_item(
            "staff",
            Msg::new("职工总数", "Total staff"),
            m.cite(&r.max_staff.clause),
            firm.staff.map(i64::from),
            i64::from(r.max_staff.value),
            super::people,
            figure::staff(),
        ),
        super::max_item(
            "sales",
            Msg::new("年销售收入", "Annual sales"),
            m.cite(&r.max_sales.clause),
            revenue,
            r.max_sales.value,
            super::wan,
            if fy.is_some() { figure::revenue(y) } else { figure::financial_year() },
        ),
        super::max_item(
            "assets",
            Msg::new("资产总额", "Total assets"),
            m.cite(&r.max_assets.clause),
            assets,
            r.max_assets.value,
            super::wan,
            if fy.is_some() { figure::total_assets(y) } else { figure::financial_year() },
        ),
        super::fact_item(
            "restricted",
            Msg::new("产品和服务属于国家禁止、限制和淘汰类", "Products in a prohibited/restricted/phase-out category"),
            m.cite(&r.not_restricted.clause),
            facts.restricted_category,
            false,
            figure::restricted(),
        ),
        super::fact_item(
            "serious_incident",
            Msg::new(
                "上一年及当年内发生重大安全、重大质量事故或严重环境违法、科研严重失信行为",
                "Serious safety/quality incident, environmental violation or research misconduct this or last year",
            ),
            m.cite(&r.no_serious_incident.clause),
            facts.serious_incident,
            false,
            figure::incident(),
        ),
        super::fact_item(
            "dishonest_listed",
            Msg::new("列入经营异常名录或严重违法失信企业名单", "On the abnormal-operation or serious-dishonesty list"),
            m.cite(&r.not_listed.clause),
            facts.dishonest_listed,
            false,
            figure::dishonest(),
        ),
    ];

    // ---- Indicators (art. 7) ----
    let tech = tech_staff_indicator(firm, r);
    let rd_ind = rd_indicator(rd, revenue, cost, y, fy.is_some(), r);
    let ip = ip_indicator(firm, r);
    let indicators = vec![tech, rd_ind, ip];
    let total_min: u32 = indicators.iter().map(|i| i.points_min).sum();
    let total_max: u32 = indicators.iter().map(|i| i.points_max).sum();
    let total = (total_min == total_max).then_some(total_min);

    // ---- Direct qualification (art. 8) ----
    let direct = direct_items(firm, today, r);

    // ---- Verdict ----
    let verdict = decide(&conditions, &indicators, &direct, total_min, total_max, r);

    let mut notes = vec![];
    if let Some(n) = super::stale_note(firm, today) {
        notes.push(n);
    }
    TechSmeResult {
        rule_set: m.clone(),
        financial_year: year,
        conditions,
        indicators,
        total,
        total_min,
        total_max,
        pass_total: r.pass.min_total,
        direct,
        verdict,
        notes,
    }
}

fn decide(
    conditions: &[CheckItem],
    indicators: &[Indicator],
    direct: &[CheckItem],
    total_min: u32,
    total_max: u32,
    r: &TechSmeRules,
) -> Verdict {
    let failed: Vec<Msg> = conditions
        .iter()
        .filter(|c| c.status == Status::NotMet)
        .map(|c| c.text.clone())
        .collect();
    if !failed.is_empty() {
        return Verdict::DoesNotQualify { reasons: failed };
    }
    let tech = &indicators[0];
    let direct_met: Vec<&CheckItem> = direct.iter().filter(|d| d.status == Status::Met).collect();
    let need_tech = r.pass.tech_staff_nonzero;
    let score_passes = total_min >= r.pass.min_total && (!need_tech || tech.points_min > 0);
    let score_fails = total_max < r.pass.min_total || (need_tech && tech.points_max == 0);
    let conditions_known = conditions.iter().all(|c| c.status == Status::Met);

    if direct_met.is_empty() && score_fails {
        let mut reasons = vec![];
        if need_tech && tech.points_max == 0 {
            reasons.push(Msg::new(
                format!(
                    "科技人员指标得分为0分（{}），不得评为科技型中小企业",
                    r.meta.cite(&r.pass.clause)
                ),
                format!(
                    "the tech-staff indicator scores 0, which alone disqualifies ({})",
                    r.meta.cite(&r.pass.clause)
                ),
            ));
        }
        if total_max < r.pass.min_total {
            let got = if total_min == total_max {
                format!("{total_max}")
            } else {
                format!("至多 {total_max}")
            };
            let got_en = if total_min == total_max {
                format!("{total_max}")
            } else {
                format!("at most {total_max}")
            };
            reasons.push(Msg::new(
                format!(
                    "综合评价得分 {got} 分，需 ≥ {} 分，差 {} 分",
                    r.pass.min_total,
                    r.pass.min_total - total_max
                ),
                format!(
                    "total score {got_en}, requires ≥ {}, short by {}",
                    r.pass.min_total,
                    r.pass.min_total - total_max
                ),
            ));
        }
        return Verdict::DoesNotQualify { reasons };
    }
    if conditions_known {
        if let Some(d) = direct_met.first() {
            return Verdict::Qualifies {
                route: Msg::new(
                    format!("直接认定：{}（{}）", d.label.zh, d.cite),
                    format!("directly: {} ({})", d.label.en, d.cite),
                ),
            };
        }
        if score_passes {
            return Verdict::Qualifies {
                route: Msg::new(
                    format!(
                        "综合评价得分 {total_min} 分 ≥ {} 分，且科技人员指标不为0",
                        r.pass.min_total
                    ),
                    format!(
                        "total score {total_min} ≥ {} with a non-zero tech-staff score",
                        r.pass.min_total
                    ),
                ),
            };
        }
    }
    let mut missing: Vec<Msg> = vec![];
    let from_conditions = super::collect_missing(conditions.iter());
    for m in from_conditions
        .into_iter()
        .chain(indicators.iter().flat_map(|i| i.missing.clone()))
    {
        if !missing.contains(&m) {
            missing.push(m);
        }
    }
    Verdict::CannotTell { missing }
}

fn tech_staff_indicator(firm: &Firm, r: &TechSmeRules) -> Indicator {
    let ind = &r.tech_staff;
    let mut out = Indicator {
        key: "tech_staff".into(),
        label: Msg::new(
            "科技人员占职工总数比例",
            "Tech staff as a share of total staff",
        ),
        figure: None,
        band: None,
        points: None,
        points_min: 0,
        points_max: ind.max_points,
        max_points: ind.max_points,
        basis: None,
        next_band: None,
        text: Msg::new("", ""),
        missing: vec![],
        cite: r.meta.cite(&ind.clause),
    };
    match (firm.tech_staff, firm.staff) {
        (Some(t), Some(s)) if s > 0 => {
            let (t, s) = (i64::from(t), i64::from(s));
            let (p, b) = pct_band(&ind.bands, t, s);
            out.points = Some(p);
            out.points_min = p;
            out.points_max = p;
            out.band = band_label(b);
            let fig = format!("{t}/{s}人 = {}", num::fmt_ratio(t, s));
            out.text = Msg::new(
                format!("科技人员 {fig}，得 {p} 分（满分 {}）", ind.max_points),
                format!("tech staff {fig}: {p} of {} points", ind.max_points),
            );
            out.figure = Some(fig);
            // Each tech hire also raises the headcount: (t + k) / (s + k).
            let hire = ind
                .bands
                .iter()
                .filter(|b| b.points > p && b.min_pct.bp() < 10_000)
                .map(|b| (num::min_hires(t, s, b.min_pct), b.points))
                .filter(|(k, _)| *k > 0)
                .min_by_key(|(k, p)| (*k, std::cmp::Reverse(*p)));
            if let Some((extra, np)) = hire {
                out.next_band = Some(Msg::new(
                    format!("新招聘 {extra} 名科技人员（职工总数随之增加）可得 {np} 分"),
                    format!(
                        "hiring {extra} tech staff (headcount grows with them) would score {np}"
                    ),
                ));
            }
        }
        (t, s) => {
            if t.is_none() {
                out.missing.push(figure::tech_staff());
            }
            if s.is_none_or(|s| s == 0) {
                out.missing.push(figure::staff());
            }
            out.text = Msg::new(
                format!("科技人员指标：缺少数据，得分 0–{} 分", ind.max_points),
                format!("tech staff: figures missing, 0–{} points", ind.max_points),
            );
        }
    }
    out
}

fn rd_indicator(
    rd: Option<i64>,
    sales: Option<i64>,
    cost: Option<i64>,
    y: i32,
    have_year: bool,
    r: &TechSmeRules,
) -> Indicator {
    let ind = &r.rd;
    let by_sales = basis_points(&ind.sales_bands, rd, sales);
    let by_cost = basis_points(&ind.cost_bands, rd, cost);
    let known: Vec<u32> = [by_sales, by_cost]
        .iter()
        .flatten()
        .map(|(p, _)| *p)
        .collect();
    let points_min = known.iter().copied().max().unwrap_or(0);
    let points_max = if by_sales.is_some() && by_cost.is_some() {
        points_min
    } else {
        ind.max_points
    };
    let mut missing = vec![];
    if !have_year {
        missing.push(figure::financial_year());
    } else {
        if rd.is_none() {
            missing.push(figure::rd(y));
        }
        if by_sales.is_none() && sales.is_none() && points_min < ind.max_points {
            missing.push(figure::revenue(y));
        }
        if by_cost.is_none() && cost.is_none() && points_min < ind.max_points {
            missing.push(figure::total_cost(y));
        }
    }
    // If one base already scores full marks the other does not matter.
    let points_max = if points_min == ind.max_points {
        points_min
    } else {
        points_max
    };
    if points_min == points_max {
        missing.clear();
    }
    let figure = rd_figure(rd, sales, cost);
    let (basis, band) = rd_basis(by_sales, by_cost);
    let next_band = rd.and_then(|rd| rd_next_step(ind, rd, sales, cost, points_min));
    let next_band = next_band
        .filter(|_| points_min == points_max)
        .map(|(extra, np)| {
            let w = crate::money::fmt_wan(extra);
            Msg::new(
                format!("研发费用再增加约 {w} 万元可得 {np} 分"),
                format!("about {w} 万元 more R&D would score {np}"),
            )
        });
    let text = if points_min == points_max {
        Msg::new(
            format!(
                "研发投入 {}，取两者较高得 {} 分（满分 {}）",
                figure.as_deref().unwrap_or(""),
                points_min,
                ind.max_points
            ),
            format!(
                "R&D {}, better of the two bases: {} of {} points",
                figure.as_deref().unwrap_or(""),
                points_min,
                ind.max_points
            ),
        )
    } else {
        Msg::new(
            format!("研发投入：缺少数据，得分 {points_min}–{points_max} 分"),
            format!("R&D: figures missing, {points_min}–{points_max} points"),
        )
    };
    Indicator {
        key: "rd".into(),
        label: Msg::new(
            "研发投入（两种口径取高者）",
            "R&D input (better of two bases)",
        ),
        figure,
        band,
        points: (points_min == points_max).then_some(points_min),
        points_min,
        points_max,
        max_points: ind.max_points,
        basis,
        next_band,
        text,
        missing,
        cite: r.meta.cite(&ind.clause),
    }
}

/// The R&D figure on both bases (`研发/销售 …；研发/成本费用 …`), if either is known.
fn rd_figure(rd: Option<i64>, sales: Option<i64>, cost: Option<i64>) -> Option<String> {
    let ratio = |den: Option<i64>| match (rd, den) {
        (Some(a), Some(b)) if b > 0 => Some(num::fmt_ratio(a, b)),
        (Some(_), Some(_)) => Some("—".to_string()),
        _ => None,
    };
    let (sales_fig, cost_fig) = (ratio(sales), ratio(cost));
    match (&sales_fig, &cost_fig) {
        (None, None) => None,
        _ => Some(format!(
            "研发/销售 {}；研发/成本费用 {}",
            sales_fig.as_deref().unwrap_or("?"),
            cost_fig.as_deref().unwrap_or("?")
        )),
    }
}

/// The base that scores higher (sales unless cost scores strictly more) and its band.
fn rd_basis(
    by_sales: Option<(u32, Option<Pct>)>,
    by_cost: Option<(u32, Option<Pct>)>,
) -> (Option<Msg>, Option<String>) {
    let sales_p = by_sales.map(|(p, _)| p);
    let cost_p = by_cost.map(|(p, _)| p);
    let use_cost = cost_p.unwrap_or(0) > sales_p.unwrap_or(0);
    if by_sales.is_none() && by_cost.is_none() {
        (None, None)
    } else if use_cost {
        (
            Some(Msg::new(
                "研发费用占成本费用支出总额比例",
                "R&D / total cost and expenses",
            )),
            by_cost.and_then(|(_, b)| b).map(|b| format!("≥ {b}")),
        )
    } else {
        (
            Some(Msg::new("研发费用占销售收入比例", "R&D / sales")),
            by_sales.and_then(|(_, b)| b).map(|b| format!("≥ {b}")),
        )
    }
}

/// The cheapest R&D increase (and the points it brings) over either base.
fn rd_next_step(
    ind: &RdIndicator,
    rd: i64,
    sales: Option<i64>,
    cost: Option<i64>,
    points_min: u32,
) -> Option<(i64, u32)> {
    let s = sales.and_then(|s| next_step(&ind.sales_bands, rd, s, points_min));
    let c = cost.and_then(|c| next_step(&ind.cost_bands, rd, c, points_min));
    [s, c]
        .into_iter()
        .flatten()
        .min_by_key(|(e, p)| (*e, std::cmp::Reverse(*p)))
}

fn ip_indicator(firm: &Firm, r: &TechSmeRules) -> Indicator {
    let ind = &r.ip;
    let c1 = firm.ip.class1();
    let c2 = firm.ip.class2();
    let (points, band, next) = if c1 >= ind.class1_min {
        (
            ind.class1_points,
            format!("Ⅰ类 ≥ {}项", ind.class1_min),
            None,
        )
    } else {
        let (p, b) = count_band(&ind.class2_bands, c2);
        let next = ind
            .class2_bands
            .iter()
            .filter(|b| b.points > p)
            .min_by_key(|b| b.min)
            .map(|b| (b.min - c2, b.points));
        let band = b.map(|b| format!("Ⅱ类 ≥ {}项", b.min)).unwrap_or_default();
        (p, band, next)
    };
    let fig = format!("Ⅰ类 {c1} 项，Ⅱ类 {c2} 项");
    let next_band = if points < ind.class1_points {
        let mut zh = format!(
            "获得 {} 项Ⅰ类知识产权可得 {} 分",
            ind.class1_min - c1,
            ind.class1_points
        );
        let mut en = format!(
            "{} Class-I IP item(s) would score {}",
            ind.class1_min - c1,
            ind.class1_points
        );
        if let Some((more, np)) = next {
            zh.push_str(&format!("；或再获得 {more} 项Ⅱ类知识产权可得 {np} 分"));
            en.push_str(&format!(
                "; or {more} more Class-II item(s) would score {np}"
            ));
        }
        Some(Msg::new(zh, en))
    } else {
        None
    };
    Indicator {
        key: "ip".into(),
        label: Msg::new("科技成果（有效知识产权）", "S&T results (valid IP)"),
        text: Msg::new(
            format!("科技成果 {fig}，得 {points} 分（满分 {}）", ind.max_points),
            format!(
                "IP Class-I {c1}, Class-II {c2}: {points} of {} points",
                ind.max_points
            ),
        ),
        figure: Some(fig),
        band: Some(band),
        points: Some(points),
        points_min: points,
        points_max: points,
        max_points: ind.max_points,
        basis: None,
        next_band,
        missing: vec![],
        cite: r.meta.cite(&ind.clause),
    }
}

/// `year` lies within "近n年": `today`'s calendar year and the n − 1 before it
/// (on 2026-06-01 with n = 5: 2022–2026; with n = 3: 2024–2026).
pub(crate) fn within_years(year: i32, today: NaiveDate, n: i32) -> bool {
    year <= today.year() && year > today.year() - n
}

/// The first year of "近n年" on `today`.
pub(crate) fn first_year_within(today: NaiveDate, n: i32) -> i32 {
    today.year() - n + 1
}

fn year_route(
    key: &str,
    label: Msg,
    cite: String,
    year: Option<i32>,
    today: NaiveDate,
    n: i32,
) -> CheckItem {
    let required = format!("近{n}年内（{}年及以后）", first_year_within(today, n));
    let mut item = CheckItem::new(key, label, cite, required);
    match year {
        Some(yr) => {
            let ok = within_years(yr, today, n);
            item.status = Status::from_bool(ok);
            item.figure = Some(format!("{yr}年"));
            item.text = Msg::new(
                format!(
                    "{}：{yr}年，需 {}，{}",
                    item.label.zh,
                    item.required,
                    if ok { "符合" } else { "不符合" }
                ),
                format!(
                    "{}: {yr}, requires within the last {n} years, {}",
                    item.label.en,
                    if ok { "met" } else { "not met" }
                ),
            );
        }
        None => {
            item.status = Status::NotMet;
            item.figure = Some("未登记".into());
            item.text = Msg::new(
                format!("{}：未登记", item.label.zh),
                format!("{}: none recorded", item.label.en),
            );
        }
    }
    item
}

fn direct_items(firm: &Firm, today: NaiveDate, r: &TechSmeRules) -> Vec<CheckItem> {
    let d = &r.direct;
    vec![
        high_tech_certificate_item(firm, today, r),
        national_award_item(firm, today, r),
        rd_institution_item(firm, r),
        year_route(
            "led_standard",
            Msg::new(
                "近五年内主导制定过国际、国家或行业标准",
                "Led an international, national or industry standard in the last five years",
            ),
            r.meta.cite(&d.led_standard.clause),
            firm.facts.led_standard_year,
            today,
            d.led_standard.within_years,
        ),
    ]
}

/// Direct route: a high-tech certificate valid on `today`.
fn high_tech_certificate_item(firm: &Firm, today: NaiveDate, r: &TechSmeRules) -> CheckItem {
    let m = &r.meta;
    let d = &r.direct;
    let mut cert = CheckItem::new(
        "high_tech_certificate",
        Msg::new(
            "拥有有效期内高新技术企业资格证书",
            "Holds a valid high-tech enterprise certificate",
        ),
        m.cite(&d.high_tech_certificate.clause),
        "有效",
    );
    let q = firm
        .qualifications
        .iter()
        .filter(|q| q.kind == QualificationKind::HighTech)
        .max_by_key(|q| q.expires);
    let valid = firm.holds(QualificationKind::HighTech, today);
    cert.status = Status::from_bool(valid);
    let fig = match q {
        None => "无".to_string(),
        Some(q) => match q.expires {
            Some(e) => format!("有效期至 {e}"),
            None => "有（未登记有效期）".to_string(),
        },
    };
    cert.text = Msg::new(
        format!(
            "{}：{fig}，{}",
            cert.label.zh,
            if valid { "符合" } else { "不符合" }
        ),
        format!(
            "{}: {}",
            cert.label.en,
            if valid {
                "valid today"
            } else {
                "none valid today"
            }
        ),
    );
    cert.figure = Some(fig);
    cert
}

/// Direct route: a national S&T award within the window, ranked within the top units.
fn national_award_item(firm: &Firm, today: NaiveDate, r: &TechSmeRules) -> CheckItem {
    let m = &r.meta;
    let d = &r.direct;
    let mut award = year_route(
        "national_award",
        Msg::new(
            "近五年内获得过国家级科技奖励（获奖单位前三名）",
            "National S&T award in the last five years (top-three unit)",
        ),
        m.cite(&d.national_award.clause),
        firm.facts.national_award_year,
        today,
        d.national_award.within_years,
    );
    if let (Some(max), Some(rank)) = (d.national_award.max_rank, firm.facts.national_award_rank) {
        if award.status == Status::Met && rank > max {
            award.status = Status::NotMet;
            award.figure = Some(format!(
                "{}，排名第{rank}",
                award.figure.clone().unwrap_or_default()
            ));
            award.text = Msg::new(
                format!("{}：排名第{rank}，需前{max}名，不符合", award.label.zh),
                format!(
                    "{}: ranked {rank}, requires top {max}, not met",
                    award.label.en
                ),
            );
        }
    }
    award
}

/// Direct route: a recognised provincial-level or higher R&D institution.
fn rd_institution_item(firm: &Firm, r: &TechSmeRules) -> CheckItem {
    let m = &r.meta;
    let d = &r.direct;
    let mut inst = CheckItem::new(
        "provincial_rd_institution",
        Msg::new(
            "拥有经认定的省部级以上研发机构",
            "Has a recognised provincial-level or higher R&D institution",
        ),
        m.cite(&d.provincial_rd_institution.clause),
        "是",
    );
    use crate::model::RdInstitutionLevel as L;
    let level = firm.facts.rd_institution_level;
    let has = matches!(level, Some(L::National | L::Provincial))
        || (level.is_none() && firm.facts.provincial_rd_institution == Some(true));
    inst.status = Status::from_bool(has);
    inst.figure = Some(match (level, firm.facts.provincial_rd_institution) {
        (Some(l), _) => l.label_zh().into(),
        (None, Some(true)) => "是".into(),
        (None, Some(false)) => "否".into(),
        (None, None) => "未登记".into(),
    });
    inst.text = Msg::new(
        format!(
            "{}：{}",
            inst.label.zh,
            inst.figure.as_deref().unwrap_or("")
        ),
        format!(
            "{}: {}",
            inst.label.en,
            if has { "yes" } else { "no / not recorded" }
        ),
    );
    inst
}
