//! 专精特新中小企业认定条件 (工信部企业〔2022〕63号《优质中小企业梯度培育管理暂行办法》附件2).
//!
//! Four conditions, all required: ≥ 2 years in a niche market; last year's R&D ≥ 100万元 and
//! ≥ 3 % of revenue; last year's revenue ≥ 1,000万元 (or ≥ 2,000万元 new equity in two years);
//! an indicator score ≥ 60 or one of the alternatives (national S&T award within 3 years,
//! two-year average R&D ≥ 1,000万元, ≥ 6,000万元 new equity in two years). Plus the general
//! conditions of every 优质中小企业 (registered in China, not on the dishonesty lists, not in a
//! restricted category, no serious incident in three years). All numbers come from the rule
//! file. "Last year" is the firm's latest financial year.

use super::rules::{RuleSetMeta, SrdiRules};
use super::{figure, CheckItem, Verdict};
use crate::error::Msg;
use crate::model::Firm;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SrdiResult {
    pub rule_set: RuleSetMeta,
    pub financial_year: Option<i32>,
    pub items: Vec<CheckItem>,
    pub verdict: Verdict,
    pub notes: Vec<Msg>,
}

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

    // (四) score, or an alternative
    items.push(score_item(firm, today, r));

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
    SrdiResult {
        rule_set: m.clone(),
        financial_year: fy.map(|f| f.year),
        items,
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

fn score_item(firm: &Firm, today: NaiveDate, r: &SrdiRules) -> CheckItem {
    let s = &r.score;
    let item = CheckItem::new(
        "score",
        Msg::new("专精特新评价得分", "SRDI indicator score"),
        r.meta.cite(&s.clause),
        format!("≥ {}分（或满足替代条件之一）", s.min_score),
    );
    // Alternatives (only ever help; an unknown alternative is treated as absent).
    let mut alts: Vec<Msg> = vec![];
    if let Some(yr) = firm.facts.national_award_year {
        if super::tech_sme::within_years(yr, today, s.alt_national_award_within_years) {
            alts.push(Msg::new(
                format!("{yr}年获国家级科技奖励"),
                format!("national S&T award {yr}"),
            ));
        }
    }
    let yd = firm.years_desc();
    if yd.len() >= 2 && yd[0].year == yd[1].year + 1 {
        if let (Some(a), Some(b)) = (yd[0].rd_expense, yd[1].rd_expense) {
            // average ≥ X  ⇔  a + b ≥ 2X
            if a + b >= 2 * s.alt_rd_avg_2y_yuan {
                alts.push(Msg::new(
                    format!("近两年研发费用均值 {}", super::wan((a + b) / 2)),
                    format!("two-year average R&D {}", super::wan((a + b) / 2)),
                ));
            }
        }
    }
    if let Some(e) = firm.facts.new_equity_2y {
        if e >= s.alt_new_equity_2y_yuan {
            alts.push(Msg::new(
                format!("近两年新增股权融资 {}", super::wan(e)),
                format!("new equity {}", super::wan(e)),
            ));
        }
    }
    match firm.facts.srdi_score {
        Some(v) if v >= s.min_score => item.decided(format!("{v}分"), true, None),
        _ if !alts.is_empty() => {
            let fig = firm
                .facts
                .srdi_score
                .map(|v| format!("{v}分"))
                .unwrap_or_else(|| "—".into());
            let mut it = item.decided(fig, true, None);
            it.detail = Some(Msg::new(
                format!(
                    "满足替代条件：{}",
                    alts.iter()
                        .map(|a| a.zh.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                format!(
                    "alternative met: {}",
                    alts.iter()
                        .map(|a| a.en.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
            it
        }
        Some(v) => {
            let d = s.min_score - v;
            item.decided(
                format!("{v}分"),
                false,
                Some(Msg::new(
                    format!("差 {d} 分"),
                    format!("short by {d} points"),
                )),
            )
        }
        None => item.unknown(vec![figure::srdi_score()]),
    }
}
