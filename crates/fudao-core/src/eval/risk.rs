//! Risk scorecard centred on human capital and IP (see `docs/risk-scorecard.md`).
//!
//! Twelve factors, each scored on the bands of the rule file (`assets/rules/risk-*.json`);
//! the points of all factors add up to the score (out of 100 in the 2026.1 version) and the
//! grade is the first cut-off, highest first, that the score reaches. A factor whose figures are
//! missing scores 0 and is listed: the grade is therefore conservative, and `best_case_grade`
//! says what it would be if every missing factor scored full marks.

use super::figure;
use super::num;
use super::rules::{RiskBand, RiskFactorRule, RiskRules, RuleSetMeta};
use crate::error::Msg;
use crate::model::Firm;
use chrono::Datelike;
use serde::Serialize;

/// The factors the code knows how to measure, in scorecard order.
pub const FACTOR_KEYS: &[&str] = &[
    "tech_staff_share",
    "high_talents",
    "founder_experience",
    "class1_ip",
    "class2_ip",
    "pledged_ip",
    "rd_intensity",
    "revenue_growth",
    "debt_ratio",
    "profitability",
    "cash_flow",
    "credit_history",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ratio,
    Count,
    Category,
}

fn kind_of(key: &str) -> Option<Kind> {
    Some(match key {
        "tech_staff_share" | "pledged_ip" | "rd_intensity" | "revenue_growth" | "debt_ratio"
        | "profitability" | "cash_flow" => Kind::Ratio,
        "high_talents" | "founder_experience" | "class1_ip" | "class2_ip" => Kind::Count,
        "credit_history" => Kind::Category,
        _ => return None,
    })
}

/// Categories of the `credit_history` factor.
pub const CREDIT_CATEGORIES: &[&str] = &["clean", "thin", "overdue"];

/// Checks a risk rule file: known and unique factor keys, band conditions of the right kind,
/// bands ordered so that a better figure never scores fewer points, grade cut-offs descending.
pub fn check_rules(r: &RiskRules) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for f in &r.factors {
        let kind = kind_of(&f.key).ok_or_else(|| format!("unknown risk factor '{}'", f.key))?;
        if !seen.insert(f.key.as_str()) {
            return Err(format!("risk factor '{}' appears twice", f.key));
        }
        if f.bands.is_empty() {
            return Err(format!("{}: no bands", f.key));
        }
        for b in &f.bands {
            let conds = [
                b.min_pct.is_some(),
                b.max_pct.is_some(),
                b.min.is_some(),
                b.is.is_some(),
            ]
            .iter()
            .filter(|c| **c)
            .count();
            let right_kind = match kind {
                Kind::Ratio => b.min.is_none() && b.is.is_none(),
                Kind::Count => b.min_pct.is_none() && b.max_pct.is_none() && b.is.is_none(),
                Kind::Category => {
                    b.is.as_deref()
                        .is_some_and(|c| CREDIT_CATEGORIES.contains(&c))
                }
            };
            if conds > 1 || !right_kind {
                return Err(format!(
                    "{}: a band has a condition of the wrong kind",
                    f.key
                ));
            }
        }
        let w: Vec<&RiskBand> = f.bands.iter().collect();
        for pair in w.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let ordered = match (a.min_pct, b.min_pct, a.max_pct, b.max_pct, a.min, b.min) {
                (Some(x), Some(y), ..) => x > y,
                (_, _, Some(x), Some(y), ..) => x < y,
                (.., Some(x), Some(y)) => x > y,
                _ => true,
            };
            if !ordered || (kind != Kind::Category && a.points < b.points) {
                return Err(format!(
                    "{}: bands must go from the best figure to the worst with points not increasing",
                    f.key
                ));
            }
        }
        if kind != Kind::Category {
            let last = f
                .bands
                .last()
                .map(|b| b.min_pct.is_none() && b.max_pct.is_none() && b.min.is_none());
            if last != Some(true) {
                return Err(format!(
                    "{}: the last band must be the fallback (no condition)",
                    f.key
                ));
            }
        }
    }
    if r.grades.is_empty() || r.grades.last().map(|g| g.min_score) != Some(0) {
        return Err("grades must end with a cut-off of 0".into());
    }
    if !r.grades.windows(2).all(|w| w[0].min_score > w[1].min_score) {
        return Err("grade cut-offs must be listed highest first".into());
    }
    Ok(())
}

/// One factor's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactorScore {
    pub key: String,
    /// `human_capital`, `ip`, `innovation`, `growth`, `financial_health`, `credit`.
    pub group: String,
    pub label: Msg,
    pub figure: Option<String>,
    /// The band reached, e.g. `≥ 30%`, `≤ 40%`, `≥ 5`.
    pub band: Option<String>,
    /// Points earned; `None` when the figures are missing (counted as 0).
    pub points: Option<u32>,
    pub max_points: u32,
    /// Why it scored what it did.
    pub reason: Msg,
    pub missing: Vec<Msg>,
    pub cite: String,
}

/// Subtotal of one group of factors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupScore {
    pub group: String,
    pub label: Msg,
    pub points: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskResult {
    pub rule_set: RuleSetMeta,
    /// Points earned (missing factors count 0).
    pub score: u32,
    pub max_score: u32,
    pub grade: String,
    pub grade_label: Msg,
    /// The grade if every missing factor scored full marks (equal to `grade` when complete).
    pub best_case_grade: String,
    /// Points that missing factors could still add.
    pub missing_points: u32,
    pub complete: bool,
    pub factors: Vec<FactorScore>,
    pub groups: Vec<GroupScore>,
    /// The grade cut-offs used, for display.
    pub cutoffs: Vec<(String, u32)>,
}

enum Measure {
    Ratio {
        num: i64,
        den: i64,
        figure: String,
    },
    Count(u32, String),
    Category(&'static str, Msg),
    /// Known, scores 0 for the stated reason.
    Zero(Msg),
    Missing(Vec<Msg>),
}

fn ratio(
    num: Option<i64>,
    den: Option<i64>,
    names: (Msg, Msg),
    fig: impl Fn(i64, i64) -> String,
) -> Measure {
    match (num, den) {
        (Some(n), Some(d)) if d > 0 => Measure::Ratio {
            num: n,
            den: d,
            figure: fig(n, d),
        },
        (n, d) => {
            let mut m = vec![];
            if n.is_none() {
                m.push(names.0);
            }
            match d {
                None => m.push(names.1),
                Some(_) => m.push(Msg::new(
                    format!("{}（当前为0，比例无定义）", names.1.zh),
                    format!("{} (0: ratio undefined)", names.1.en),
                )),
            }
            Measure::Missing(m)
        }
    }
}

fn measure(key: &str, firm: &Firm) -> Measure {
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year).unwrap_or(0);
    let fin = |f: fn(&crate::model::YearFinancials) -> Option<i64>| fy.and_then(f);
    let yname = |f: fn(i32) -> Msg| {
        if fy.is_some() {
            f(y)
        } else {
            figure::financial_year()
        }
    };
    let plain = |n: i64, d: i64| num::fmt_ratio(n, d);
    match key {
        "tech_staff_share" => ratio(
            firm.tech_staff.map(i64::from),
            firm.staff.map(i64::from),
            (figure::tech_staff(), figure::staff()),
            |n, d| format!("{n}/{d}人 = {}", num::fmt_ratio(n, d)),
        ),
        "high_talents" => match firm.high_talents {
            Some(n) => Measure::Count(n, format!("{n}人")),
            None => Measure::Missing(vec![figure::high_talents()]),
        },
        "founder_experience" => match firm.facts.founder_experience_years {
            Some(n) => Measure::Count(n, format!("{n}年")),
            None => Measure::Missing(vec![figure::founder_experience()]),
        },
        "class1_ip" => Measure::Count(firm.ip.class1(), format!("{}项", firm.ip.class1())),
        "class2_ip" => Measure::Count(firm.ip.class2(), format!("{}项", firm.ip.class2())),
        "pledged_ip" => pledged_ip(firm),
        "rd_intensity" => ratio(
            fin(|f| f.rd_expense),
            fin(|f| f.revenue),
            (yname(figure::rd), yname(figure::revenue)),
            plain,
        ),
        "revenue_growth" => revenue_growth(firm),
        "debt_ratio" => ratio(
            fin(|f| f.liabilities),
            fin(|f| f.total_assets),
            (yname(figure::liabilities), yname(figure::total_assets)),
            plain,
        ),
        "profitability" => ratio(
            fin(|f| f.net_profit),
            fin(|f| f.revenue),
            (yname(figure::net_profit), yname(figure::revenue)),
            plain,
        ),
        "cash_flow" => ratio(
            fin(|f| f.operating_cash_flow),
            fin(|f| f.revenue),
            (yname(figure::cash_flow), yname(figure::revenue)),
            plain,
        ),
        "credit_history" => match (firm.facts.credit_overdue, firm.ever_borrowed) {
            (Some(true), _) => Measure::Category(
                "overdue",
                Msg::new("征信有逾期/违约记录", "overdue or default records"),
            ),
            (_, Some(false)) => Measure::Category(
                "thin",
                Msg::new(
                    "从未获得银行贷款，信用记录薄",
                    "never borrowed from a bank: thin credit file",
                ),
            ),
            (Some(false), _) => {
                Measure::Category("clean", Msg::new("征信无逾期记录", "clean credit report"))
            }
            (None, _) => Measure::Missing(vec![figure::credit()]),
        },
        _ => Measure::Missing(vec![]),
    }
}

/// `pledged_ip`: pledged IP items over IP held (no IP: nothing to pledge, 0 points).
fn pledged_ip(firm: &Firm) -> Measure {
    let total = firm.ip.class1() + firm.ip.class2();
    if total == 0 {
        Measure::Zero(Msg::new(
            "无知识产权，无可质押资产",
            "no IP held, nothing to pledge",
        ))
    } else {
        let p = i64::from(firm.ip.pledged);
        let t = i64::from(total);
        Measure::Ratio {
            num: p,
            den: t,
            figure: format!("{p}/{t}项 = {}", num::fmt_ratio(p, t)),
        }
    }
}

/// `revenue_growth`: latest year's revenue over the previous year's; a previous year before
/// founding, or a part founding year, scores 0 rather than being missing.
fn revenue_growth(firm: &Firm) -> Measure {
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year).unwrap_or(0);
    let yname = |f: fn(i32) -> Msg| {
        if fy.is_some() {
            f(y)
        } else {
            figure::financial_year()
        }
    };
    let prev = firm.year(y - 1);
    // A previous year before founding cannot be supplied: 0 points, not missing.
    if let Some(d) = firm
        .founded
        .filter(|d| fy.is_some() && d.year() > y - 1)
        .filter(|_| prev.and_then(|p| p.revenue).is_none())
    {
        return Measure::Zero(Msg::new(
            format!(
                "企业成立于{d}，无{}年营业收入，增长率自下一年度起计算，本项计0分",
                y - 1
            ),
            format!(
                "founded on {d}: no {} revenue, growth is scored from next year; 0 points",
                y - 1
            ),
        ));
    }
    // A founding year that began after 1 January is part of a year: growth over it
    // says nothing (a firm founded 2024-12-17 read 5831 %).
    if let Some(d) = firm
        .founded
        .filter(|d| d.year() == y - 1 && d.ordinal() > 1)
    {
        return Measure::Zero(Msg::new(
            format!(
                "企业成立于{d}，{}年为成立当年（不足一年），增长率自下一年度起计算，本项计0分",
                y - 1
            ),
            format!(
                "founded on {d}: {} is a part year, growth is scored from next year; 0 points",
                y - 1
            ),
        ));
    }
    match (fy.and_then(|f| f.revenue), prev.and_then(|p| p.revenue)) {
        (Some(c), Some(p)) if p > 0 => Measure::Ratio {
            num: c - p,
            den: p,
            figure: format!(
                "{}年 {} → {}年 {}：{}",
                y - 1,
                super::wan(p),
                y,
                super::wan(c),
                num::fmt_ratio(c - p, p)
            ),
        },
        (c, p) => {
            let mut m = vec![];
            if c.is_none() {
                m.push(yname(figure::revenue));
            }
            match p {
                None => m.push(if fy.is_some() {
                    figure::revenue(y - 1)
                } else {
                    figure::financial_year()
                }),
                Some(_) => m.push(Msg::new(
                    format!("{}年营业收入（为0，增长率无定义）", y - 1),
                    format!("{} revenue (0: growth undefined)", y - 1),
                )),
            }
            Measure::Missing(m)
        }
    }
}

/// The band as (Chinese, English) text.
fn band_text(b: &RiskBand) -> (String, String) {
    let same = |s: String| (s.clone(), s);
    if let Some(p) = b.min_pct {
        same(format!("≥ {p}"))
    } else if let Some(p) = b.max_pct {
        same(format!("≤ {p}"))
    } else if let Some(n) = b.min {
        same(format!("≥ {n}"))
    } else if let Some(c) = &b.is {
        let (zh, en) = match c.as_str() {
            "clean" => ("良好", "clean"),
            "thin" => ("薄", "thin"),
            "overdue" => ("逾期", "overdue"),
            other => (other, other),
        };
        (zh.into(), en.into())
    } else {
        ("其他".into(), "otherwise".into())
    }
}

fn ratio_matches(b: &RiskBand, n: i64, d: i64) -> bool {
    match (b.min_pct, b.max_pct) {
        (Some(p), _) => num::ratio_ge(n, d, p),
        (_, Some(p)) => num::ratio_le(n, d, p),
        _ => true,
    }
}

fn score_factor(f: &RiskFactorRule, firm: &Firm, meta: &RuleSetMeta) -> FactorScore {
    let label = Msg::new(f.label_zh.clone(), f.label_en.clone());
    let mut out = FactorScore {
        key: f.key.clone(),
        group: f.group.clone(),
        label,
        figure: None,
        band: None,
        points: None,
        max_points: f.max_points(),
        reason: Msg::new("", ""),
        missing: vec![],
        cite: meta.cite(&f.clause),
    };
    let hit: Option<&RiskBand> = match measure(&f.key, firm) {
        Measure::Ratio {
            num: n,
            den: d,
            figure,
        } => {
            out.figure = Some(figure);
            f.bands.iter().find(|b| ratio_matches(b, n, d))
        }
        Measure::Count(n, figure) => {
            out.figure = Some(figure);
            f.bands.iter().find(|b| b.min.is_none_or(|m| n >= m))
        }
        Measure::Category(c, why) => {
            out.figure = Some(why.zh.clone());
            out.reason = why;
            f.bands.iter().find(|b| b.is.as_deref() == Some(c))
        }
        Measure::Zero(why) => {
            out.points = Some(0);
            out.reason = why;
            return out;
        }
        Measure::Missing(mut m) => {
            super::distinct(&mut m);
            let names_zh: Vec<&str> = m.iter().map(|x| x.zh.as_str()).collect();
            let names_en: Vec<&str> = m.iter().map(|x| x.en.as_str()).collect();
            out.reason = Msg::new(
                format!(
                    "缺少{}，本项按0分计（最高可得 {} 分）",
                    names_zh.join("、"),
                    out.max_points
                ),
                format!(
                    "missing {}: counted as 0 (up to {} points)",
                    names_en.join(", "),
                    out.max_points
                ),
            );
            out.missing = m;
            return out;
        }
    };
    let points = hit.map(|b| b.points).unwrap_or(0);
    out.points = Some(points);
    let (band_zh, band_en) = hit.map_or_else(|| ("—".into(), "—".into()), band_text);
    out.band = hit.map(|_| {
        if band_zh == band_en {
            band_zh.clone()
        } else {
            format!("{band_zh} {band_en}")
        }
    });
    let fig = out.figure.clone().unwrap_or_default();
    if out.reason.zh.is_empty() {
        out.reason = Msg::new(
            format!(
                "{} {fig}，落在“{band_zh}”档，得 {points}/{} 分",
                f.label_zh, out.max_points
            ),
            format!(
                "{} {fig}: band '{band_en}', {points} of {} points",
                f.label_en, out.max_points
            ),
        );
    } else {
        out.reason = Msg::new(
            format!("{}，得 {points}/{} 分", out.reason.zh, out.max_points),
            format!("{}: {points} of {} points", out.reason.en, out.max_points),
        );
    }
    out
}

fn group_label(g: &str) -> Msg {
    match g {
        "human_capital" => Msg::new("人力资本", "Human capital"),
        "ip" => Msg::new("知识产权", "Intellectual property"),
        "innovation" => Msg::new("研发投入", "R&D input"),
        "growth" => Msg::new("成长性", "Growth"),
        "financial_health" => Msg::new("财务健康", "Financial health"),
        "credit" => Msg::new("信用记录", "Credit history"),
        other => Msg::new(other, other),
    }
}

pub fn evaluate(firm: &Firm, r: &RiskRules) -> RiskResult {
    let factors: Vec<FactorScore> = r
        .factors
        .iter()
        .map(|f| score_factor(f, firm, &r.meta))
        .collect();
    let score: u32 = factors.iter().filter_map(|f| f.points).sum();
    let missing_points: u32 = factors
        .iter()
        .filter(|f| f.points.is_none())
        .map(|f| f.max_points)
        .sum();
    let grade = r.grade_for(score);
    let best = r.grade_for(score + missing_points);
    let mut groups: Vec<GroupScore> = vec![];
    for f in &factors {
        match groups.iter_mut().find(|g| g.group == f.group) {
            Some(g) => {
                g.points += f.points.unwrap_or(0);
                g.max_points += f.max_points;
            }
            None => groups.push(GroupScore {
                group: f.group.clone(),
                label: group_label(&f.group),
                points: f.points.unwrap_or(0),
                max_points: f.max_points,
            }),
        }
    }
    RiskResult {
        rule_set: r.meta.clone(),
        score,
        max_score: r.max_total(),
        grade: grade.map(|g| g.grade.clone()).unwrap_or_default(),
        grade_label: grade
            .map(|g| Msg::new(g.label_zh.clone(), g.label_en.clone()))
            .unwrap_or_else(|| Msg::new("", "")),
        best_case_grade: best.map(|g| g.grade.clone()).unwrap_or_default(),
        missing_points,
        complete: missing_points == 0 && factors.iter().all(|f| f.missing.is_empty()),
        factors,
        groups,
        cutoffs: r
            .grades
            .iter()
            .map(|g| (g.grade.clone(), g.min_score))
            .collect(),
    }
}
