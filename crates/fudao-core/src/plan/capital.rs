//! Section 六 (资本市场路径): listing boards' financial tests against the firm's years,
//! equity rounds and the reserve status.

use super::*;

/// One listing standard's financial test against the firm's last two years.
pub(super) fn board_check(board: &str, firm: &Firm) -> Option<String> {
    let years: Vec<&crate::model::YearFinancials> = firm.years_desc().into_iter().take(3).collect();
    let np = |i: usize| years.get(i).and_then(|y| y.net_profit);
    let roe = |i: usize| {
        years.get(i).and_then(|y| {
            let eq = y.total_assets? - y.liabilities?;
            let np = y.net_profit?;
            (eq > 0).then(|| np as f64 / eq as f64 * 100.0)
        })
    };
    let y0 = years.first().map(|y| y.year)?;
    let wan = fmt_wan_unit;
    const WAN: Yuan = 10_000;
    let (name, standard, verdict) = if board.contains("北交所") || board.contains("北京证券")
    {
        let (Some(a), Some(b)) = (np(0), np(1)) else {
            return Some(
                "北交所上市标准一要求最近两年净利润，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let (ra, rb) = (roe(0), roe(1));
        let two_years = a >= 1_500 * WAN
            && b >= 1_500 * WAN
            && ra.zip(rb).is_some_and(|(x, y)| (x + y) / 2.0 >= 8.0);
        let one_year = a >= 2_500 * WAN && ra.is_some_and(|x| x >= 8.0);
        let roe_text = match (ra, rb) {
            (Some(x), Some(y)) => format!("，净资产收益率约{x:.1}%、{y:.1}%（按年末净资产估算）"),
            _ => String::new(),
        };
        (
            "北交所",
            "市值不低于2亿元，最近两年净利润均不低于1,500万元且加权平均净资产收益率平均不低于8%，或最近一年净利润不低于2,500万元且加权平均净资产收益率不低于8%",
            format!(
                "企业{}年、{}年净利润{}、{}{roe_text}，{}",
                y0,
                y0 - 1,
                wan(a),
                wan(b),
                if two_years || one_year {
                    "财务指标已达到".to_string()
                } else {
                    format!("距最近一年净利润2,500万元差{}", wan((2_500 * WAN - a).max(0)))
                }
            ),
        )
    } else if board.contains("创业板") {
        let (Some(a), Some(b)) = (np(0), np(1)) else {
            return Some(
                "创业板上市标准一要求最近两年净利润，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let ok = a > 0 && b > 0 && a + b >= 10_000 * WAN && a >= 6_000 * WAN;
        (
            "创业板",
            "最近两年净利润均为正，累计净利润不低于1亿元，且最近一年净利润不低于6,000万元",
            format!(
                "企业{}年、{}年净利润{}、{}，{}",
                y0,
                y0 - 1,
                wan(a),
                wan(b),
                if ok {
                    "财务指标已达到".to_string()
                } else {
                    format!(
                        "距最近一年净利润6,000万元差{}",
                        wan((6_000 * WAN - a).max(0))
                    )
                }
            ),
        )
    } else if board.contains("科创板") {
        let rev = years.first().and_then(|y| y.revenue);
        let (Some(a), Some(r)) = (np(0), rev) else {
            return Some(
                "科创板上市标准一要求净利润和营业收入，企业财务数据不全，补齐后对照".to_string(),
            );
        };
        let ok = (a > 0 && r >= 10_000 * WAN)
            || np(1).is_some_and(|b| a > 0 && b > 0 && a + b >= 5_000 * WAN);
        (
            "科创板",
            "预计市值不低于10亿元，最近两年净利润均为正且累计不低于5,000万元，或最近一年净利润为正且营业收入不低于1亿元",
            format!(
                "企业{y0}年营业收入{}、净利润{}，{}",
                wan(r),
                wan(a),
                if ok {
                    "财务指标已达到（市值须由保荐机构评估）".to_string()
                } else if r < 10_000 * WAN {
                    format!("距营业收入1亿元差{}", wan(10_000 * WAN - r))
                } else {
                    "最近一年净利润须为正".to_string()
                }
            ),
        )
    } else {
        return None;
    };
    Some(format!("{name}上市标准一：{standard}。{verdict}"))
}

/// Equity rounds the firm has closed (from its equity needs' outcomes).
/// The earliest date written as YYYY-MM-DD in `text` that is not before `today` and is not an
/// expiry ("有效期至2026-12-31", "将于2027-11-15到期"): a certificate's end is a fact about it,
/// not a date by which the firm must do something.
pub(super) fn earliest_date_from(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    super::text::dates_in(text)
        .into_iter()
        .filter(|d| d.before != "有效期至" && d.after != "到期")
        .map(|d| d.date)
        .filter(|x| *x >= today)
        .min()
}

pub(super) fn equity_rounds(needs: &[&Need]) -> Vec<String> {
    let mut out: Vec<(NaiveDate, String)> = needs
        .iter()
        .filter(|n| n.kind == FinancingKind::Equity)
        .flat_map(|n| &n.outcomes)
        .map(|o| {
            (
                o.date,
                format!("{} {} {}", o.date, o.institution, fmt_wan_unit(o.amount)),
            )
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, s)| s).collect()
}

// Long (~130 lines) on purpose: the section's paragraphs in the order printed (figures,
// boards within reach, equity rounds, reserve status), each from this firm's record.
pub(super) fn compose_capital(firm: &Firm, ev: &FirmEvaluation, needs: &[&Need]) -> CapitalSection {
    let latest = firm.latest_year();
    let revenue = latest.and_then(|y| y.revenue);
    let profit = latest.and_then(|y| y.net_profit);
    let rounds = equity_rounds(needs);
    let seeking: Yuan = needs
        .iter()
        .filter(|n| n.kind == FinancingKind::Equity && !n.status.is_closed())
        .filter(|n| n.is_reasonable() != Some(false))
        .map(|n| n.amount)
        .sum();
    let honours: Vec<&str> = [
        QualificationKind::SrdiLittleGiant,
        QualificationKind::Gazelle,
        QualificationKind::Unicorn,
        QualificationKind::SingleChampion,
    ]
    .into_iter()
    .filter(|q| firm.qualifications.iter().any(|h| h.kind == *q))
    .map(|q| q.label_zh())
    .collect();
    let joint_stock = firm.name.contains("股份有限公司");
    // The firm's own facts, as one sentence.
    let mut facts: Vec<String> = vec![];
    if let (Some(y), Some(r)) = (latest, revenue) {
        let mut f = format!("{}年营业收入{}", y.year, fmt_wan_unit(r));
        if let Some(p) = profit {
            f.push_str(&format!("、净利润{}", fmt_wan_unit(p)));
        }
        facts.push(f);
    }
    if !honours.is_empty() {
        facts.push(format!("已获{}称号", honours.join("、")));
    } else if ev.srdi.verdict.qualifies() {
        facts.push("评价显示已符合专精特新中小企业条件".to_string());
    }
    if !rounds.is_empty() {
        facts.push(format!(
            "已完成{}笔股权融资（{}）",
            rounds.len(),
            rounds.join("；")
        ));
    }
    let equity_step = if rounds.is_empty() {
        "引入创投机构或战略投资者，通过股权融资补充资本、优化股权结构".to_string()
    } else {
        "梳理已完成股权融资的投资协议，规范对赌、回购等特殊投资条款".to_string()
    };

    // An overdue loan on the credit report comes first: listing reviews look at the firm's
    // credit, and section 四 asks for it to be cleared.
    let overdue = firm.facts.credit_overdue == Some(true);
    let credit_first =
        "先结清逾期款项、修复信用记录（见第四部分）：挂牌、上市审核关注企业的信用状况".to_string();
    if firm.listing_reserve || firm.listing_board.is_some() {
        let board = firm
            .listing_board
            .clone()
            .unwrap_or_else(|| "目标板块待定".to_string());
        let mut steps = vec![];
        if overdue {
            steps.push(credit_first.clone());
        }
        match board_check(&board, firm) {
            Some(c) => steps.push(format!("对照{c}")),
            None => steps.push(format!(
                "明确上市板块（{board}），由保荐机构对照板块定位和财务标准测算差距"
            )),
        }
        if board.contains("北交所") || board.contains("北京证券") {
            steps.push("北交所须为在全国股转系统连续挂牌满12个月的创新层公司：尽早完成新三板挂牌并进入创新层".to_string());
        }
        if !joint_stock {
            steps.push("完成股份制改造，规范公司治理和关联交易".to_string());
        }
        steps.push("聘请保荐机构、会计师事务所和律师事务所，连续出具经审计的财务报表".to_string());
        steps.push(equity_step);
        let mut text = format!(
            "企业{}，目标板块：{board}。",
            if firm.listing_reserve {
                "已列入上市后备企业库"
            } else {
                "有明确上市意向"
            }
        );
        if !facts.is_empty() {
            text.push_str(&format!("{}。", facts.join("，")));
        }
        if overdue {
            text.push_str("企业征信存在逾期或违约记录，须先结清并修复信用记录。");
        }
        text.push_str("建议按以下路径推进，并用好省市上市奖补政策。");
        return CapitalSection {
            relevant: true,
            steps,
            text,
        };
    }
    let big = revenue.is_some_and(|r| r >= 50_000_000) || !honours.is_empty() || !rounds.is_empty();
    if big {
        let mut steps = vec![];
        if overdue {
            steps.push(credit_first);
        }
        steps.push("申请列入济南市上市后备企业库，享受上市培育服务".to_string());
        if let Some(c) = board_check("北交所", firm) {
            steps.push(format!("对照{c}"));
        }
        steps.push(equity_step);
        if !joint_stock {
            steps.push("适时启动股份制改造，规范财务核算和内部控制".to_string());
        }
        return CapitalSection {
            relevant: true,
            steps,
            text: if overdue {
                format!(
                    "企业{}，具备研究资本市场路径的规模；但企业征信存在逾期或违约记录，须先结清并修复信用记录，再评估新三板挂牌和北交所上市的可行性。",
                    facts.join("，")
                )
            } else if let Some(y) = latest.filter(|_| profit.is_some_and(|p| p < 0)) {
                // "已具备…的基础" of a firm that lost money last year read as a promise the
                // standards below (net profit, ROE) do not keep. (Its loss is in the facts.)
                format!(
                    "企业{}，具备研究资本市场路径的规模，但{}年为亏损：北交所上市标准对盈利或市值、营业收入有明确要求，建议先评估新三板挂牌的可行性，同时改善盈利。",
                    facts.join("，"),
                    y.year
                )
            } else {
                format!(
                    "企业{}，已具备研究资本市场路径的基础，建议评估新三板挂牌和北交所上市的可行性。",
                    facts.join("，")
                )
            },
        };
    }
    let early = matches!(firm.stage, Some(Stage::Seed | Stage::Startup));
    if seeking > 0 && early {
        let stage = firm.stage.map(|s| s.label_zh()).unwrap_or_default();
        return CapitalSection {
            relevant: true,
            steps: vec![
                "准备商业计划书和三年财务预测，参加天使、创投机构路演对接".to_string(),
                "理顺股权结构，预留核心团队股权激励".to_string(),
                "股权融资到位后，可叠加投贷联动等信贷产品".to_string(),
            ],
            text: format!(
                "企业处于{stage}，正在寻求股权融资{}（产品见第五部分）。",
                fmt_wan_unit(seeking)
            ),
        };
    }
    // Nothing firm-specific to say: the section is left out of the printed plan.
    CapitalSection {
        relevant: false,
        steps: vec![],
        text: String::new(),
    }
}
