//! Section 八 (跟踪监测目标): targets the firm can reach within the plan's horizon.

use super::*;

/// The R&D intensity band of 高企 (国科发火〔2016〕32号 第十一条（四）) for a revenue, in bp.
pub(super) fn rd_band_bp(revenue: Yuan) -> u32 {
    if revenue <= 50_000_000 {
        500
    } else if revenue <= 200_000_000 {
        400
    } else {
        300
    }
}

pub(super) fn compose_monitoring(
    firm: &Firm,
    all: &[Need],
    credit: &CreditSection,
    ev: &FirmEvaluation,
    today: NaiveDate,
) -> Vec<Target> {
    let mut out = vec![];
    let horizon = plan_horizon(today);
    let half = today
        .checked_add_months(Months::new(6))
        .unwrap_or(today)
        .min(horizon);
    let disbursed: Yuan = all.iter().map(|n| n.disbursed_amount()).sum();
    let to_raise: Yuan = credit.packages.iter().map(|p| p.remainder).sum();
    // Needs already applied for or approved count too: "按新登记需求确定" of a firm with 2,400万
    // approved and not yet lent set no target for the money it is about to receive.
    let with_lender: Yuan = in_process(all.iter()).into_iter().map(need_remainder).sum();
    out.push(Target {
        indicator: "融资到位金额".to_string(),
        baseline: fmt_wan_unit(disbursed),
        target: match (to_raise, with_lender) {
            (0, 0) => "按新登记需求确定".to_string(),
            (r, 0) => format!("新增{}", fmt_wan_unit(r)),
            (0, w) => format!("已申请、已审批的{}放款到位", fmt_wan_unit(w)),
            (r, w) => format!(
                "新增{}（含已申请、已审批的{}）",
                fmt_wan_unit(r + w),
                fmt_wan_unit(w)
            ),
        },
        due: half,
    });
    if firm.is_first_loan_candidate() {
        out.push(Target {
            indicator: "首笔银行贷款".to_string(),
            baseline: "无".to_string(),
            target: "获得首贷".to_string(),
            due: half,
        });
    }
    out.extend(rd_target(firm, horizon));
    out.push(Target {
        indicator: "Ⅰ类知识产权".to_string(),
        baseline: format!("{}项", firm.ip.class1()),
        target: format!("{}项", firm.ip.class1() + 1),
        due: horizon,
    });
    out.extend(debt_target(firm, horizon));
    let grade = &ev.risk.grade;
    let better = match grade.as_str() {
        "D" => "C级及以上",
        "C" => "B级及以上",
        "B" => "A级",
        "A" => "保持A级",
        _ => "完成评级",
    };
    out.push(Target {
        indicator: "风险评级".to_string(),
        baseline: if grade.is_empty() {
            MISSING.to_string()
        } else {
            format!("{grade}级")
        },
        target: better.to_string(),
        due: horizon,
    });
    if let Some(t) = certificate_revenue_share(firm, ev, today, horizon) {
        out.push(t);
    }
    if !firm.holds(QualificationKind::HighTech, today) {
        let count = |s: Status| ev.high_tech.items.iter().filter(|i| i.status == s).count();
        // Conditions the record cannot decide are not met either: a firm with one known gap
        // and twelve unknown conditions was given "补齐1项差距后申报" as this year's target.
        let (gaps, unknown) = (count(Status::NotMet), count(Status::Unknown));
        let target = if ev.high_tech.verdict.qualifies() {
            Some("当年申报并获认定".to_string())
        } else if super::roadmap::high_tech_barrier(&ev.high_tech).is_some() {
            None
        } else if gaps == 0 {
            Some("补充数据、确认条件后申报".to_string())
        } else if gaps + unknown <= 2 && unknown == 0 {
            Some(format!("补齐{gaps}项差距后申报"))
        } else if gaps + unknown <= 2 {
            Some(format!("补齐{gaps}项差距、补充{unknown}项数据后申报"))
        } else {
            None
        };
        if let Some(target) = target {
            out.push(Target {
                indicator: "高新技术企业认定".to_string(),
                baseline: "未认定".to_string(),
                target,
                due: horizon,
            });
        }
    }
    out
}

/// A 高企 certificate holder whose high-tech product revenue share is below the threshold
/// (国科发火〔2016〕32号 第十一条（六）) is monitored on that share until it is back above it:
/// the review the roadmap warns of (第十六条) looks at this figure first. Due when the
/// roadmap asks the firm to have closed the gaps (90 days), within the plan's horizon.
fn certificate_revenue_share(
    firm: &Firm,
    ev: &FirmEvaluation,
    today: NaiveDate,
    horizon: NaiveDate,
) -> Option<Target> {
    if !firm.holds(QualificationKind::HighTech, today) {
        return None;
    }
    let item = ev
        .high_tech
        .items
        .iter()
        .find(|i| i.key == "high_tech_revenue" && i.status == Status::NotMet)?;
    let threshold = match item.required.strip_prefix("≥ ") {
        Some(t) => format!("不低于{t}"),
        None => item.required.clone(),
    };
    Some(Target {
        indicator: format!("{}（持证复核）", item.label.zh),
        baseline: item.figure.clone().unwrap_or_else(|| MISSING.to_string()),
        target: format!("{threshold}（高企认定条件）"),
        due: (today + Days::new(90)).min(horizon),
    })
}

/// R&D intensity on the 高企 basis, when the firm can reach its band within the plan year.
fn rd_target(firm: &Firm, horizon: NaiveDate) -> Option<Target> {
    // R&D intensity on the 高企 basis: the firm's own band, over the last three years. Set only
    // when the firm can reach it within the plan year (at most double its current intensity).
    let years: Vec<&crate::model::YearFinancials> = firm
        .years_desc()
        .into_iter()
        .filter(|y| y.revenue.is_some_and(|r| r > 0) && y.rd_expense.is_some())
        .take(3)
        .collect();
    if let Some(latest_rev) = years.first().and_then(|y| y.revenue) {
        let rev: Yuan = years.iter().filter_map(|y| y.revenue).sum();
        let rd: Yuan = years.iter().filter_map(|y| y.rd_expense).sum();
        let have = (rd as i128 * 10_000 / rev as i128) as u32;
        let band = rd_band_bp(latest_rev);
        let basis = if years.len() > 1 {
            format!("近{}年合计", years.len())
        } else {
            format!("{}年", years[0].year)
        };
        if have >= band || have * 2 >= band {
            return Some(Target {
                indicator: format!("研发费用占营业收入比例（{basis}）"),
                baseline: crate::eval::num::fmt_bp2(i64::from(have)),
                target: if have >= band {
                    format!("保持不低于{}", fmt_bp_pct(band))
                } else {
                    format!("不低于{}（高企门槛）", fmt_bp_pct(band))
                },
                due: horizon,
            });
        }
    }
    None
}

/// The debt ratio of the latest year, to keep or bring under 60 %.
fn debt_target(firm: &Firm, horizon: NaiveDate) -> Option<Target> {
    if let Some((l, a)) = firm
        .latest_year()
        .and_then(|y| Some((y.liabilities?, y.total_assets?)))
    {
        if a > 0 {
            let ratio = (l as i128 * 10_000 / a as i128) as u32;
            let target = if ratio <= 6_000 {
                "保持不高于60%".to_string()
            } else if ratio <= 7_000 {
                "不高于60%".to_string()
            } else {
                format!(
                    "降至{}以下",
                    fmt_bp_pct(ratio.saturating_sub(500) / 100 * 100)
                )
            };
            return Some(Target {
                indicator: "资产负债率".to_string(),
                baseline: pct(l, a).unwrap_or_default(),
                target,
                due: horizon,
            });
        }
    }
    None
}
