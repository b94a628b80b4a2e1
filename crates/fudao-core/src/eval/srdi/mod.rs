//! 专精特新中小企业认定条件 (工信部企业〔2022〕63号《优质中小企业梯度培育管理暂行办法》附件2).
//!
//! Four conditions, all required: ≥ 2 years in a niche market; last year's R&D ≥ 100万元 and
//! ≥ 3 % of revenue; last year's revenue ≥ 1,000万元 (or ≥ 2,000万元 new equity in two years);
//! an indicator score ≥ 60 or one of the direct routes (provincial S&T award within 3 years
//! ranked top 3 / national award ranked top 5; two-year average R&D ≥ 1,000万元; ≥ 6,000万元
//! new equity in two years; 创客中国 national top 500 within 3 years). Plus the general
//! conditions (registered in China, independent legal person, not on the dishonesty lists, not
//! in a restricted category, no serious incident in three years). All numbers come from the
//! rule file. "Last year" is the firm's latest financial year.
//!
//! The score is computed from the recorded figures ([`score`]): 专业化 25, 精细化 25,
//! 特色化 15 (a recorded input: the province sets it), 创新能力 35. An input that is not
//! recorded scores 0 and is named; the score condition is "cannot tell" only when the points
//! those inputs could still add would lift the total to the pass mark.

use super::rules::{RuleSetMeta, SrdiRules};
use super::{figure, CheckItem, Status, Verdict};
use crate::error::Msg;
use crate::model::Firm;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

mod direct;
pub mod score;

use direct::*;
pub use score::SrdiScoreResult;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SrdiResult {
    pub rule_set: RuleSetMeta,
    pub financial_year: Option<i32>,
    pub items: Vec<CheckItem>,
    /// The indicator score, indicator by indicator.
    pub score: SrdiScoreResult,
    /// The direct routes (附件2 一（四） 1–4); any met one replaces the score.
    pub direct: Vec<CheckItem>,
    pub verdict: Verdict,
    pub notes: Vec<Msg>,
}

// Long (~200 lines) on purpose: the conditions of 附件2 one after another, in the order of
// the text, each building its checklist item; splitting them would scatter one table.
pub fn evaluate(firm: &Firm, today: NaiveDate, r: &SrdiRules) -> SrdiResult {
    let m = &r.meta;
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year).unwrap_or(today.year() - 1);
    let year_or = |f: fn(i32) -> Msg| {
        if fy.is_some() {
            f(y)
        } else {
            figure::financial_year()
        }
    };
    let facts = &firm.facts;
    let revenue = fy.and_then(|f| f.revenue);
    let rd = fy.and_then(|f| f.rd_expense);
    let mut items = vec![];

    // General conditions
    let g = m.cite(&r.general.clause);
    items.push(super::fact_item(
        "resident",
        Msg::new(
            "在中华人民共和国境内工商注册登记",
            "Registered in mainland China",
        ),
        g.clone(),
        facts.resident,
        true,
        figure::resident(),
    ));
    items.push(super::fact_item(
        "independent_legal_person",
        Msg::new("具有独立法人资格", "Independent legal person"),
        g.clone(),
        facts.independent_legal_person,
        true,
        Msg::new("是否具有独立法人资格", "independent legal-person status"),
    ));
    items.push(super::fact_item(
        "dishonest_listed",
        Msg::new(
            "列入经营异常名录或严重失信主体名单",
            "On the abnormal-operation or serious-dishonesty list",
        ),
        g.clone(),
        facts.dishonest_listed,
        false,
        figure::dishonest(),
    ));
    items.push(super::fact_item(
        "restricted",
        Msg::new(
            "产品（服务）属于国家禁止、限制或淘汰类",
            "Products in a prohibited/restricted/phase-out category",
        ),
        g.clone(),
        facts.restricted_category,
        false,
        figure::restricted(),
    ));
    items.push(super::fact_item(
        "serious_incident",
        Msg::new(
            "近三年发生重大安全、质量、环境污染等事故或违法违规行为",
            "Serious safety, quality or pollution incident or violation in three years",
        ),
        g,
        facts.serious_incident,
        false,
        figure::incident(),
    ));

    // (一) niche market years
    items.push(super::min_item(
        "niche_years",
        Msg::new("从事特定细分市场时间", "Years in a niche market"),
        m.cite(&r.niche_years.clause),
        facts.niche_years.map(i64::from),
        i64::from(r.niche_years.min_years),
        super::years,
        figure::niche_years(),
    ));

    // (二) R&D amount and ratio
    items.push(super::min_item(
        "rd_amount",
        Msg::new("上年度研发费用总额", "Last year's R&D expense"),
        m.cite(&r.rd_amount.clause),
        rd,
        r.rd_amount.min_yuan,
        super::wan,
        year_or(figure::rd),
    ));
    items.push(super::ratio_min_item(
        "rd_ratio",
        Msg::new("研发费用占营业收入比重", "R&D / revenue"),
        m.cite(&r.rd_ratio.clause),
        rd,
        revenue,
        r.rd_ratio.min_pct,
        Some(super::wan_gap),
        (year_or(figure::rd), year_or(figure::revenue)),
    ));

    // (三) revenue, or new equity as the alternative
    items.push(revenue_item(firm, revenue, y, fy.is_some(), r));

    // (四) score, or a direct route
    let score = score::compute(firm, r);
    let direct = direct_items(firm, today, r);
    items.push(score_item(&score, &direct, r));

    let verdict = super::checklist_verdict(
        &items,
        Msg::new(
            format!("满足{}专精特新中小企业认定条件", m.document),
            format!("meets the SRDI SME conditions of {}", m.document),
        ),
    );
    let mut notes = vec![];
    if let Some(n) = super::stale_note(firm, today) {
        notes.push(n);
    }
    notes.push(Msg::new(
        "另须符合《中小企业划型标准规定》，请按行业核对",
        "the firm must also be an SME under the size standards of its industry: check by hand",
    ));
    let groups: Vec<(String, String)> = score
        .groups
        .iter()
        .map(|g| {
            (
                format!("{}{}/{}", g.label.zh, g.points, g.max_points),
                format!("{} {}/{}", g.label.en, g.points, g.max_points),
            )
        })
        .collect();
    let (missing_zh, missing_en) = if score.missing.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(
                "；缺{}（计0分，补齐后最高{}分）",
                score
                    .missing
                    .iter()
                    .map(|m| m.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                score.possible
            ),
            format!(
                "; missing {} (counted 0, up to {} once recorded)",
                score
                    .missing
                    .iter()
                    .map(|m| m.en.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                score.possible
            ),
        )
    };
    notes.insert(
        0,
        Msg::new(
            format!(
                "评价得分{}分（{}）{missing_zh}",
                score.total,
                groups
                    .iter()
                    .map(|g| g.0.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "indicator score {} ({}){missing_en}",
                score.total,
                groups
                    .iter()
                    .map(|g| g.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    );
    if let Some(own) = facts.srdi_score {
        if own != score.total && score.missing.is_empty() {
            notes.push(Msg::new(
                format!("登记的自评得分 {own} 分与按登记数据计算的 {} 分不一致，以计算结果为准", score.total),
                format!("the recorded self-assessed score {own} differs from the computed {}; the computed score is used", score.total),
            ));
        }
    }
    SrdiResult {
        rule_set: m.clone(),
        financial_year: fy.map(|f| f.year),
        items,
        score,
        direct,
        verdict,
        notes,
    }
}

fn revenue_item(
    firm: &Firm,
    revenue: Option<i64>,
    y: i32,
    have_year: bool,
    r: &SrdiRules,
) -> CheckItem {
    let rr = &r.revenue;
    let item = CheckItem::new(
        "revenue",
        Msg::new("上年度营业收入", "Last year's revenue"),
        r.meta.cite(&rr.clause),
        format!(
            "≥ {}（或近2年新增股权融资 ≥ {}）",
            super::wan(rr.min_yuan),
            super::wan(rr.alt_new_equity_2y_yuan)
        ),
    );
    let equity = firm.facts.new_equity_2y;
    match revenue {
        Some(v) if v >= rr.min_yuan => item.decided(super::wan(v), true, None),
        Some(v) => match equity {
            Some(e) if e >= rr.alt_new_equity_2y_yuan => {
                let mut it = item.decided(
                    format!("{}（新增股权融资 {}）", super::wan(v), super::wan(e)),
                    true,
                    None,
                );
                it.detail = Some(Msg::new(
                    "以近2年新增股权融资满足",
                    "met through new equity in two years",
                ));
                it
            }
            Some(e) => {
                let gap = Msg::new(
                    format!(
                        "差 {}（或股权融资差 {}）",
                        super::wan(rr.min_yuan - v),
                        super::wan(rr.alt_new_equity_2y_yuan - e)
                    ),
                    format!(
                        "short by {} (or {} of new equity)",
                        super::wan(rr.min_yuan - v),
                        super::wan(rr.alt_new_equity_2y_yuan - e)
                    ),
                );
                item.decided(
                    format!("{}（新增股权融资 {}）", super::wan(v), super::wan(e)),
                    false,
                    Some(gap),
                )
            }
            None => item.unknown(vec![Msg::new(
                format!(
                    "近2年新增股权融资（营业收入 {} 未达 {}）",
                    super::wan(v),
                    super::wan(rr.min_yuan)
                ),
                format!(
                    "new equity in two years (revenue {} is below {})",
                    super::wan(v),
                    super::wan(rr.min_yuan)
                ),
            )]),
        },
        None => match equity {
            Some(e) if e >= rr.alt_new_equity_2y_yuan => {
                item.decided(format!("新增股权融资 {}", super::wan(e)), true, None)
            }
            _ => item.unknown(vec![if have_year {
                figure::revenue(y)
            } else {
                figure::financial_year()
            }]),
        },
    }
}

/// The score condition: met by a direct route or a total ≥ the pass mark; not met when even
/// the points the missing inputs could add leave it short; otherwise cannot tell, naming them.
fn score_item(sc: &SrdiScoreResult, direct: &[CheckItem], r: &SrdiRules) -> CheckItem {
    let s = &r.score;
    let mut item = CheckItem::new(
        "score",
        Msg::new("专精特新评价得分", "SRDI indicator score"),
        r.meta.cite(&s.clause),
        format!("≥ {}分（或满足直接认定条件之一）", s.min_score),
    );
    let fig = if sc.missing.is_empty() {
        format!("{}分", sc.total)
    } else {
        format!("{}分（缺数据项计0分，最高可达{}分）", sc.total, sc.possible)
    };
    let met_routes: Vec<&CheckItem> = direct.iter().filter(|d| d.status == Status::Met).collect();
    if !met_routes.is_empty() {
        let mut it = item.decided(fig, true, None);
        it.detail = Some(Msg::new(
            format!(
                "满足直接认定条件：{}",
                met_routes
                    .iter()
                    .map(|a| a.text.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            format!(
                "direct route met: {}",
                met_routes
                    .iter()
                    .map(|a| a.text.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
        return it;
    }
    if sc.total >= s.min_score {
        return item.decided(fig, true, None);
    }
    if sc.possible < s.min_score {
        let d = s.min_score - sc.total;
        let mut it = item.decided(
            fig,
            false,
            Some(Msg::new(
                format!("差 {d} 分"),
                format!("short by {d} points"),
            )),
        );
        if !sc.missing.is_empty() {
            it.detail = Some(Msg::new(
                format!(
                    "未登记的{}即使补齐也不足以达到{}分",
                    sc.missing
                        .iter()
                        .map(|m| m.zh.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    s.min_score
                ),
                format!(
                    "even the unrecorded {} could not lift it to {}",
                    sc.missing
                        .iter()
                        .map(|m| m.en.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    s.min_score
                ),
            ));
        }
        return it;
    }
    item.figure = Some(fig);
    item = item.unknown(sc.missing.clone());
    item
}
