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

#[allow(clippy::too_many_arguments)]
fn award_route(
    key: &str,
    label: Msg,
    cite: String,
    year: Option<i32>,
    rank: Option<u32>,
    within: i32,
    max_rank: Option<u32>,
    today: NaiveDate,
) -> CheckItem {
    let first = super::tech_sme::first_year_within(today, within);
    let required = match max_rank {
        Some(m) => format!("{first}年及以后，获奖单位前{m}名"),
        None => format!("{first}年及以后"),
    };
    let mut it = CheckItem::new(key, label, cite, required);
    match year {
        None => {
            it.status = Status::NotMet;
            it.figure = Some("未登记".into());
        }
        Some(y) => {
            let in_time = super::tech_sme::within_years(y, today, within);
            let rank_ok = match (max_rank, rank) {
                (Some(m), Some(r)) => Some(r <= m),
                (Some(_), None) => None,
                (None, _) => Some(true),
            };
            it.figure = Some(match rank {
                Some(r) => format!("{y}年，第{r}名"),
                None => format!("{y}年，名次未登记"),
            });
            it.status = match (in_time, rank_ok) {
                (false, _) | (_, Some(false)) => Status::NotMet,
                (true, Some(true)) => Status::Met,
                (true, None) => Status::Unknown,
            };
            if it.status == Status::Unknown {
                it.missing = vec![Msg::new(
                    format!("{}的获奖单位排名", it.label.zh),
                    format!("rank among the winners of: {}", it.label.en),
                )];
            }
        }
    }
    let f = it.figure.clone().unwrap_or_default();
    it.text = Msg::new(
        format!(
            "{}：{f}，需 {}，{}",
            it.label.zh,
            it.required,
            it.status.label_zh()
        ),
        format!(
            "{}: {f}, requires {}, {}",
            it.label.en,
            it.required,
            it.status.label_en()
        ),
    );
    it
}

/// The four direct routes of 附件2 一（四）.
fn direct_items(firm: &Firm, today: NaiveDate, r: &SrdiRules) -> Vec<CheckItem> {
    let d = &r.direct;
    let cite = r.meta.cite(&d.clause);
    let f = &firm.facts;
    let mut out = vec![
        award_route(
            "provincial_award",
            Msg::new(
                "近三年获省级科技奖励并在获奖单位中排名前三",
                "Provincial S&T award in 3 years, top-3 unit",
            ),
            cite.clone(),
            f.provincial_award_year,
            f.provincial_award_rank,
            d.provincial_award.within_years,
            Some(d.provincial_award.max_rank),
            today,
        ),
        award_route(
            "national_award",
            Msg::new(
                "近三年获国家级科技奖励并在获奖单位中排名前五",
                "National S&T award in 3 years, top-5 unit",
            ),
            cite.clone(),
            f.national_award_year,
            f.national_award_rank,
            d.national_award.within_years,
            Some(d.national_award.max_rank),
            today,
        ),
    ];
    // Average R&D over the latest two consecutive years: average ≥ X ⇔ a + b ≥ 2X.
    let yd = firm.years_desc();
    let mut rd = CheckItem::new(
        "rd_avg_2y",
        Msg::new("近两年研发费用总额均值", "Two-year average R&D expense"),
        cite.clone(),
        format!("≥ {}", super::wan(d.rd_avg_2y_yuan)),
    );
    let pair = (yd.len() >= 2 && yd[0].year == yd[1].year + 1)
        .then(|| Some((yd[0].rd_expense?, yd[1].rd_expense?)))
        .flatten();
    rd = match pair {
        Some((a, b)) => {
            let ok = a + b >= 2 * d.rd_avg_2y_yuan;
            let gap = (!ok).then(|| {
                let g = super::wan(d.rd_avg_2y_yuan - (a + b) / 2);
                Msg::new(format!("差 {g}"), format!("short by {g}"))
            });
            rd.decided(super::wan((a + b) / 2), ok, gap)
        }
        None => {
            rd.status = Status::NotMet;
            rd.figure = Some("缺连续两年研发费用".into());
            rd.text = Msg::new(
                format!("{}：缺连续两年研发费用，按未满足计", rd.label.zh),
                format!(
                    "{}: two consecutive years of R&D not recorded, counted as not met",
                    rd.label.en
                ),
            );
            rd
        }
    };
    out.push(rd);
    let eq = CheckItem::new(
        "new_equity_2y",
        Msg::new(
            "近两年新增股权融资总额（合格机构投资者实缴）",
            "New equity in two years (qualified investors)",
        ),
        cite.clone(),
        format!("≥ {}", super::wan(d.new_equity_2y_yuan)),
    );
    out.push(match f.new_equity_2y {
        Some(e) => {
            let ok = e >= d.new_equity_2y_yuan;
            let gap = (!ok).then(|| {
                let g = super::wan(d.new_equity_2y_yuan - e);
                Msg::new(format!("差 {g}"), format!("short by {g}"))
            });
            eq.decided(super::wan(e), ok, gap)
        }
        None => {
            let mut eq = eq;
            eq.status = Status::NotMet;
            eq.figure = Some("未登记".into());
            eq.text = Msg::new(
                format!("{}：未登记", eq.label.zh),
                format!("{}: none recorded", eq.label.en),
            );
            eq
        }
    });
    out.push(award_route(
        "maker_china",
        Msg::new(
            "近三年进入“创客中国”中小企业创新创业大赛全国500强企业组名单",
            "创客中国 contest national top 500 in 3 years",
        ),
        cite,
        f.maker_china_top500_year,
        None,
        d.maker_china_within_years,
        None,
        today,
    ));
    // A route whose only gap is an unrecorded rank does not decide anything: count it absent.
    for it in &mut out {
        if it.status == Status::Unknown {
            it.status = Status::NotMet;
        }
    }
    out
}

pub mod score {
    //! The 专精特新 indicator score (附件2 评价指标), computed from the recorded figures.

    use super::super::figure;
    use super::super::num;
    use super::super::rules::{PctBand, SrdiRules};
    use crate::error::Msg;
    use crate::model::{Firm, RdInstitutionLevel};
    use serde::Serialize;

    /// One indicator: the points it gives, the most it could give once the missing inputs are
    /// recorded, and the inputs missing.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Indicator {
        pub key: String,
        /// `specialised`, `refined`, `featured` or `innovative`.
        pub group: String,
        pub label: Msg,
        pub figure: Option<String>,
        pub points: u32,
        /// The highest points still possible given the missing inputs (= `points` when decided).
        pub possible: u32,
        pub max_points: u32,
        pub missing: Vec<Msg>,
        pub text: Msg,
        pub cite: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Group {
        pub key: String,
        pub label: Msg,
        pub points: u32,
        pub possible: u32,
        pub max_points: u32,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SrdiScoreResult {
        pub indicators: Vec<Indicator>,
        pub groups: Vec<Group>,
        /// Points from the recorded inputs (missing inputs count 0).
        pub total: u32,
        /// The highest total possible once the missing inputs are recorded.
        pub possible: u32,
        pub max_total: u32,
        pub min_score: u32,
        /// Every missing input, once.
        pub missing: Vec<Msg>,
    }

    pub const GROUPS: [(&str, &str, &str); 4] = [
        ("specialised", "专业化", "Specialisation"),
        ("refined", "精细化", "Refinement"),
        ("featured", "特色化", "Distinctiveness"),
        ("innovative", "创新能力", "Innovation"),
    ];

    struct B<'a> {
        key: &'a str,
        group: &'a str,
        label: Msg,
        max: u32,
        cite: String,
    }

    impl B<'_> {
        fn decided(self, figure: String, points: u32, why: &str) -> Indicator {
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("（{why}）")
            };
            Indicator {
                text: Msg::new(
                    format!(
                        "{} {figure}{why}，得 {points} 分（满分 {}）",
                        self.label.zh, self.max
                    ),
                    format!(
                        "{} {figure}: {points} of {} points",
                        self.label.en, self.max
                    ),
                ),
                key: self.key.into(),
                group: self.group.into(),
                label: self.label,
                figure: Some(figure),
                points,
                possible: points,
                max_points: self.max,
                missing: vec![],
                cite: self.cite,
            }
        }
        /// Partly known: `points` now, up to `possible` once `missing` is recorded.
        fn partial(
            self,
            figure: Option<String>,
            points: u32,
            possible: u32,
            missing: Vec<Msg>,
        ) -> Indicator {
            let names_zh = missing
                .iter()
                .map(|m| m.zh.as_str())
                .collect::<Vec<_>>()
                .join("、");
            let names_en = missing
                .iter()
                .map(|m| m.en.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let fig_zh = figure
                .as_deref()
                .map(|f| format!(" {f}"))
                .unwrap_or_default();
            Indicator {
                text: Msg::new(
                    format!(
                        "{}{fig_zh}：缺少{names_zh}，计 {points} 分（补齐后最高 {possible} 分，满分 {}）",
                        self.label.zh, self.max
                    ),
                    format!(
                        "{}: missing {names_en}, counted {points} (up to {possible} once recorded; max {})",
                        self.label.en, self.max
                    ),
                ),
                key: self.key.into(),
                group: self.group.into(),
                label: self.label,
                figure,
                points,
                possible,
                max_points: self.max,
                missing,
                cite: self.cite,
            }
        }
    }

    fn pct_points(bands: &[PctBand], n: i64, d: i64) -> u32 {
        super::super::rules::pct_band(bands, n, d).0
    }

    pub fn compute(firm: &Firm, r: &SrdiRules) -> SrdiScoreResult {
        let s = &r.score;
        let m = &r.meta;
        let fy = firm.latest_year();
        let y = fy.map(|f| f.year);
        let f = &firm.facts;
        let year_fig = |g: fn(i32) -> Msg| y.map(g).unwrap_or_else(figure::financial_year);
        let revenue = fy.and_then(|f| f.revenue);
        let mut out = vec![];

        // ---- 专业化 ----
        let b = B {
            key: "main_share",
            group: "specialised",
            label: Msg::new(
                "主营业务收入占营业收入比重",
                "Main-business share of revenue",
            ),
            max: s.main_share.max_points,
            cite: m.cite(&s.main_share.clause),
        };
        let main = fy.and_then(|f| f.main_business_revenue);
        out.push(match (main, revenue) {
            (Some(a), Some(v)) if v > 0 => b.decided(
                num::fmt_ratio(a, v),
                pct_points(&s.main_share.bands, a, v),
                "",
            ),
            (Some(_), Some(_)) => b.decided("营业收入为0".into(), 0, ""),
            (a, v) => {
                let mut miss = vec![];
                if a.is_none() {
                    miss.push(year_fig(figure::main_business_revenue));
                }
                if v.is_none() {
                    miss.push(year_fig(figure::revenue));
                }
                let max = b.max;
                b.partial(None, 0, max, miss)
            }
        });

        let b = B {
            key: "main_growth",
            group: "specialised",
            label: Msg::new(
                "近2年主营业务收入平均增长率",
                "Average main-business growth, 2 years",
            ),
            max: s.main_growth.max_points,
            cite: m.cite(&s.main_growth.clause),
        };
        out.push(match y {
            None => {
                let max = b.max;
                b.partial(None, 0, max, vec![figure::financial_year()])
            }
            Some(y) => {
                let get = |yr: i32| firm.year(yr).and_then(|f| f.main_business_revenue);
                let (r0, r1, r2) = (get(y - 2), get(y - 1), get(y));
                match (r0, r1, r2) {
                    (Some(r0), Some(r1), Some(r2)) if r0 > 0 && r1 > 0 => {
                        // avg = ((r1 − r0)/r0 + (r2 − r1)/r1) / 2 = num / den, exactly.
                        let num_ = (r1 - r0) as i128 * r1 as i128 + (r2 - r1) as i128 * r0 as i128;
                        let den = 2 * r0 as i128 * r1 as i128;
                        let pts = s
                            .main_growth
                            .bands
                            .iter()
                            .find(|band| num_ * 10_000 >= band.min_pct.bp() as i128 * den)
                            .map(|band| band.points)
                            .unwrap_or(0);
                        let bp = (num_ * 10_000).div_euclid(den) as i64;
                        b.decided(format!("{}（{}–{}年）", num::fmt_bp(bp), y - 2, y), pts, "")
                    }
                    (Some(_), Some(_), Some(_)) => {
                        b.decided("基期主营业务收入为0，无法计算增长率".into(), 0, "")
                    }
                    _ => {
                        let miss = [(y - 2, r0), (y - 1, r1), (y, r2)]
                            .iter()
                            .filter(|(_, v)| v.is_none())
                            .map(|(yr, _)| figure::main_business_revenue(*yr))
                            .collect();
                        let max = b.max;
                        b.partial(None, 0, max, miss)
                    }
                }
            }
        });

        let b = B {
            key: "niche_years",
            group: "specialised",
            label: Msg::new("从事特定细分市场年限", "Years in the niche market"),
            max: s.niche.max_points,
            cite: m.cite(&s.niche.clause),
        };
        out.push(match f.niche_years {
            Some(n) => {
                let p = (n / s.niche.every_years.max(1)).min(s.niche.max_points);
                b.decided(
                    format!("{n}年"),
                    p,
                    &format!("每满{}年得1分", s.niche.every_years),
                )
            }
            None => {
                let max = b.max;
                b.partial(None, 0, max, vec![figure::niche_years()])
            }
        });

        let b = B {
            key: "key_field",
            group: "specialised",
            label: Msg::new(
                "主导产品所属领域（关键领域、工业“六基”等）",
                "Main product in a key field",
            ),
            max: s.key_field.max_points,
            cite: m.cite(&s.key_field.clause),
        };
        out.push(match f.key_field_product {
            Some(true) => {
                let max = b.max;
                b.decided("属于".into(), max, "")
            }
            Some(false) => b.decided("不属于".into(), 0, ""),
            None => {
                let max = b.max;
                b.partial(
                    None,
                    0,
                    max,
                    vec![Msg::new(
                        "主导产品是否属关键领域",
                        "whether the main product is in a key field",
                    )],
                )
            }
        });

        // ---- 精细化 ----
        let b = B {
            key: "digital",
            group: "refined",
            label: Msg::new("数字化水平", "Digital level"),
            max: s.digital.max_points,
            cite: m.cite(&s.digital.clause),
        };
        out.push(match f.digital_level {
            Some(l) => b.decided(
                format!("{l}级"),
                super::super::rules::count_band(&s.digital.bands, l).0,
                "",
            ),
            None => {
                let max = b.max;
                b.partial(
                    None,
                    0,
                    max,
                    vec![Msg::new("数字化水平等级", "digital level")],
                )
            }
        });

        let b = B {
            key: "quality",
            group: "refined",
            label: Msg::new("质量管理水平", "Quality management"),
            max: s.quality.max_points,
            cite: m.cite(&s.quality.clause),
        };
        out.push(match &f.quality_items {
            Some(items) => {
                let mut uniq = items.clone();
                uniq.sort();
                uniq.dedup();
                let p = (uniq.len() as u32 * s.quality.per_item).min(s.quality.max_points);
                let fig = if uniq.is_empty() {
                    "无".to_string()
                } else {
                    uniq.iter()
                        .map(|q| q.label_zh())
                        .collect::<Vec<_>>()
                        .join("、")
                };
                b.decided(fig, p, &format!("每项{}分", s.quality.per_item))
            }
            None => {
                let max = b.max;
                b.partial(
                    None,
                    0,
                    max,
                    vec![Msg::new(
                        "质量管理情况（质量奖、体系认证、自主品牌、参与标准）",
                        "quality-management items",
                    )],
                )
            }
        });

        let b = B {
            key: "net_margin",
            group: "refined",
            label: Msg::new("上年度净利润率", "Last year's net margin"),
            max: s.net_margin.max_points,
            cite: m.cite(&s.net_margin.clause),
        };
        let np = fy.and_then(|f| f.net_profit);
        out.push(match (np, revenue) {
            (Some(p), Some(v)) if v > 0 => b.decided(
                num::fmt_ratio(p, v),
                pct_points(&s.net_margin.bands, p, v),
                "",
            ),
            (Some(_), Some(_)) => b.decided("营业收入为0".into(), 0, ""),
            (p, v) => {
                let mut miss = vec![];
                if p.is_none() {
                    miss.push(year_fig(figure::net_profit));
                }
                if v.is_none() {
                    miss.push(year_fig(figure::revenue));
                }
                let max = b.max;
                b.partial(None, 0, max, miss)
            }
        });

        let b = B {
            key: "debt_ratio",
            group: "refined",
            label: Msg::new("上年度资产负债率", "Last year's debt ratio"),
            max: s.debt_ratio.max_points,
            cite: m.cite(&s.debt_ratio.clause),
        };
        let (l, a) = (
            fy.and_then(|f| f.liabilities),
            fy.and_then(|f| f.total_assets),
        );
        out.push(match (l, a) {
            (Some(l), Some(a)) if a > 0 => {
                let p = s
                    .debt_ratio
                    .bands
                    .iter()
                    .find(|band| !num::ratio_ge(l, a, band.below_pct))
                    .map(|band| band.points)
                    .unwrap_or(0);
                b.decided(num::fmt_ratio(l, a), p, "")
            }
            (Some(_), Some(_)) => b.decided("资产总额为0".into(), 0, ""),
            (l, a) => {
                let mut miss = vec![];
                if l.is_none() {
                    miss.push(year_fig(figure::liabilities));
                }
                if a.is_none() {
                    miss.push(year_fig(figure::total_assets));
                }
                let max = b.max;
                b.partial(None, 0, max, miss)
            }
        });

        // ---- 特色化 ----
        let b = B {
            key: "feature",
            group: "featured",
            label: Msg::new(
                "特色化指标（省级主管部门评定）",
                "Distinctiveness (set by the province)",
            ),
            max: s.feature.max_points,
            cite: m.cite(&s.feature.clause),
        };
        out.push(match f.srdi_feature_points {
            Some(p) => {
                let p = p.min(b.max);
                b.decided(format!("{p}分"), p, "按登记的省级评定")
            }
            None => {
                let max = b.max;
                b.partial(
                    None,
                    0,
                    max,
                    vec![Msg::new(
                        "特色化指标得分（省级评定）",
                        "distinctiveness points (provincial)",
                    )],
                )
            }
        });

        // ---- 创新能力 ----
        let ipr = &s.ip;
        let b = B {
            key: "ip",
            group: "innovative",
            label: Msg::new(
                "与主导产品相关的有效知识产权",
                "Valid IP tied to the main product",
            ),
            max: ipr.max_points,
            cite: m.cite(&ipr.clause),
        };
        let (c1, c2) = (firm.ip.class1(), firm.ip.class2());
        let fig = format!("Ⅰ类 {c1} 项，Ⅱ类 {c2} 项");
        out.push(if c1 == 0 {
            let p = if c2 > 0 { ipr.class2 } else { 0 };
            b.decided(fig, p, "")
        } else {
            let hv = f.high_value_class1_ip;
            let own = f.own_class1_ip;
            let (pts, why) = match (hv, own) {
                (Some(true), _) => (ipr.high_value_class1, "含高价值Ⅰ类"),
                (_, Some(true)) => (ipr.own_class1, "自主研发Ⅰ类"),
                _ => (ipr.class1, "Ⅰ类"),
            };
            let mut possible = pts;
            let mut miss = vec![];
            if hv.is_none() && pts < ipr.high_value_class1 {
                possible = ipr.high_value_class1;
                miss.push(Msg::new(
                    "Ⅰ类知识产权是否属高价值",
                    "whether the Class-I IP is high-value",
                ));
            }
            if own.is_none() && pts < ipr.own_class1 {
                possible = possible.max(ipr.own_class1);
                miss.push(Msg::new(
                    "Ⅰ类知识产权是否自主研发",
                    "whether the Class-I IP was developed in-house",
                ));
            }
            if miss.is_empty() {
                b.decided(fig, pts, why)
            } else {
                b.partial(Some(fig), pts, possible, miss)
            }
        });

        let b = B {
            key: "rd",
            group: "innovative",
            label: Msg::new(
                "上年度研发费用投入（金额与占比取高者）",
                "Last year's R&D (better of amount and share)",
            ),
            max: s.rd.max_points,
            cite: m.cite(&s.rd.clause),
        };
        let rd = fy.and_then(|f| f.rd_expense);
        out.push(match rd {
            None => {
                let max = b.max;
                b.partial(None, 0, max, vec![year_fig(figure::rd)])
            }
            Some(rd) => {
                let by_amount =
                    s.rd.amount_bands
                        .iter()
                        .find(|band| rd >= band.min_yuan)
                        .map(|band| band.points)
                        .unwrap_or(0);
                match revenue {
                    Some(v) if v > 0 => {
                        let by_ratio = pct_points(&s.rd.ratio_bands, rd, v);
                        let (p, why) = if by_ratio > by_amount {
                            (by_ratio, "按占比")
                        } else {
                            (by_amount, "按金额")
                        };
                        b.decided(
                            format!(
                                "{}，占营业收入{}",
                                super::super::wan(rd),
                                num::fmt_ratio(rd, v)
                            ),
                            p,
                            why,
                        )
                    }
                    Some(_) => b.decided(
                        format!("{}，营业收入为0", super::super::wan(rd)),
                        by_amount,
                        "按金额",
                    ),
                    None if by_amount == b.max => {
                        let max = b.max;
                        b.decided(super::super::wan(rd), max, "按金额")
                    }
                    None => {
                        let max = b.max;
                        b.partial(
                            Some(super::super::wan(rd)),
                            by_amount,
                            max,
                            vec![year_fig(figure::revenue)],
                        )
                    }
                }
            }
        });

        let b = B {
            key: "rd_staff",
            group: "innovative",
            label: Msg::new(
                "研发人员占职工总数比重（按科技人员计）",
                "R&D (tech) staff share",
            ),
            max: s.rd_staff.max_points,
            cite: m.cite(&s.rd_staff.clause),
        };
        out.push(match (firm.tech_staff, firm.staff) {
            (Some(t), Some(st)) if st > 0 => b.decided(
                format!(
                    "{t}/{st}人 = {}",
                    num::fmt_ratio(i64::from(t), i64::from(st))
                ),
                pct_points(&s.rd_staff.bands, i64::from(t), i64::from(st)),
                "",
            ),
            (t, st) => {
                let mut miss = vec![];
                if t.is_none() {
                    miss.push(figure::tech_staff());
                }
                if st.is_none_or(|v| v == 0) {
                    miss.push(figure::staff());
                }
                let max = b.max;
                b.partial(None, 0, max, miss)
            }
        });

        let inst = &s.institution;
        let b = B {
            key: "rd_institution",
            group: "innovative",
            label: Msg::new("研发机构级别", "R&D institution level"),
            max: inst.max_points,
            cite: m.cite(&inst.clause),
        };
        use RdInstitutionLevel as L;
        let level_missing = || {
            Msg::new(
                "研发机构级别（国家级/省级/市级/市级以下/未建立）",
                "R&D institution level",
            )
        };
        out.push(
            match (f.rd_institution_level, f.provincial_rd_institution) {
                (Some(l), _) => {
                    let p = match l {
                        L::National => inst.national,
                        L::Provincial => inst.provincial,
                        L::Municipal => inst.municipal,
                        L::Other => inst.other,
                        L::NoInstitution => 0,
                    };
                    b.decided(l.label_zh().to_string(), p, "")
                }
                // Only "provincial or higher: yes" is recorded: at least provincial.
                (None, Some(true)) => b.partial(
                    Some("省级以上".into()),
                    inst.provincial,
                    inst.national,
                    vec![level_missing()],
                ),
                (None, Some(false)) => b.partial(
                    Some("无省级以上".into()),
                    0,
                    inst.municipal,
                    vec![level_missing()],
                ),
                (None, None) => {
                    let max = b.max;
                    b.partial(None, 0, max, vec![level_missing()])
                }
            },
        );

        let groups: Vec<Group> = GROUPS
            .iter()
            .map(|(k, zh, en)| {
                let its = out.iter().filter(|i| i.group == *k);
                Group {
                    key: k.to_string(),
                    label: Msg::new(*zh, *en),
                    points: its.clone().map(|i| i.points).sum(),
                    possible: its.clone().map(|i| i.possible).sum(),
                    max_points: its.map(|i| i.max_points).sum(),
                }
            })
            .collect();
        let mut missing: Vec<Msg> = vec![];
        for i in out.iter().filter(|i| i.possible > i.points) {
            for mm in &i.missing {
                if !missing.contains(mm) {
                    missing.push(mm.clone());
                }
            }
        }
        SrdiScoreResult {
            total: out.iter().map(|i| i.points).sum(),
            possible: out.iter().map(|i| i.possible).sum(),
            max_total: s.max_total(),
            min_score: s.min_score,
            indicators: out,
            groups,
            missing,
        }
    }
}

pub use score::SrdiScoreResult;
