//! One check per kind of eligibility rule, each saying in both languages what holds and, when
//! the firm can close the gap, the step that closes it.

use super::rules::{cannot_tell, met, not_met, qualification_hint, reachable_revenue};
use super::*;
use crate::eval::num::fmt_bp2;
use crate::model::Stage;

/// The firm holds one of the listed qualifications, valid today; otherwise the step that gets it (and how close the evaluation says the firm is).
pub(super) fn qualification_held(
    rule: &EligibilityRule,
    any_of: &[QualificationKind],
    firm: &Firm,
    today: NaiveDate,
    eval: &FirmEvaluation,
    pn: &str,
) -> RuleCheck {
    let held: Vec<&crate::model::Qualification> = firm
        .qualifications
        .iter()
        .filter(|q| any_of.contains(&q.kind) && q.is_valid_on(today))
        .collect();
    if !held.is_empty() {
        let zh: Vec<String> = held
            .iter()
            .map(|q| match q.expires {
                Some(d) => format!("{}（有效期至{d}）", q.kind.label_zh()),
                None => q.kind.label_zh().to_string(),
            })
            .collect();
        let en: Vec<String> = held
            .iter()
            .map(|q| match q.expires {
                Some(d) => format!("{} (valid until {d})", q.kind.label_en()),
                None => q.kind.label_en().to_string(),
            })
            .collect();
        return met(
            rule,
            format!("已取得{}", zh.join("、")),
            format!("holds {}", en.join(", ")),
        );
    }
    let names_zh: Vec<&str> = any_of.iter().map(|q| q.label_zh()).collect();
    let names_en: Vec<&str> = any_of.iter().map(|q| q.label_en()).collect();
    let expired = firm
        .qualifications
        .iter()
        .find(|q| any_of.contains(&q.kind) && q.expires.is_some_and(|d| d < today));
    // Honours the evaluation does not assess (瞪羚, 独角兽, 单项冠军): "取得瞪羚企业认定后…" gave
    // the firm a task it cannot start; the step it can take is to check the criteria and apply.
    let unassessed = any_of.iter().all(|q| {
        matches!(
            q,
            QualificationKind::Gazelle
                | QualificationKind::Unicorn
                | QualificationKind::SingleChampion
        )
    });
    let (mut zh, mut en) = if unassessed {
        (
            format!(
                "对照{}认定条件自评，符合条件的申报认定后可申请{pn}",
                names_zh.join("或")
            ),
            format!(
                "check the {} criteria and apply for recognition to apply for {pn}",
                names_en.join(" or ")
            ),
        )
    } else {
        (
            format!("取得{}认定后可申请{pn}", names_zh.join("或")),
            format!(
                "obtain {} recognition to apply for {pn}",
                names_en.join(" or ")
            ),
        )
    };
    // The evaluation says how close the firm is to the easiest of them.
    let hint = qualification_hint(any_of, eval);
    if let Some(h) = &hint {
        zh.push_str(&format!("（{}）", h.zh));
        en.push_str(&format!(" ({})", h.en));
    }
    let text = match expired {
        Some(q) => Msg::new(
            format!(
                "{}已于{}到期",
                q.kind.label_zh(),
                q.expires.unwrap_or(today)
            ),
            format!(
                "{} expired on {}",
                q.kind.label_en(),
                q.expires.unwrap_or(today)
            ),
        ),
        None => Msg::new(
            format!("未持有{}", names_zh.join("或")),
            format!("holds none of {}", names_en.join(", ")),
        ),
    };
    if expired.is_some() {
        zh = format!("办理复审/重新认定后可申请{pn}");
        en = format!("renew the recognition to apply for {pn}");
    }
    // Only designations the firm cannot reach would open it: no route.
    let open = any_of.iter().any(|q| reachable(*q, eval));
    not_met(rule, text, Some(Msg::new(zh, en)), open)
}

/// Whether the firm can work its way to this designation: not 高企 when its technology is
/// outside 高企's fields, nor 科小 when it is over 科小's size limits (neither is a gap it
/// closes by working on it).
pub(super) fn reachable(q: QualificationKind, eval: &FirmEvaluation) -> bool {
    match q {
        QualificationKind::HighTech => !eval.high_tech.field_barred(),
        QualificationKind::TechSme => eval.tech_sme.size_failures().is_empty(),
        _ => true,
    }
}

/// The firm has existed at least this many years.
pub(super) fn min_years_founded(
    rule: &EligibilityRule,
    years: &u32,
    firm: &Firm,
    today: NaiveDate,
    pn: &str,
) -> RuleCheck {
    match firm.founded {
        None => cannot_tell(
            rule,
            "成立日期",
            "founding date",
            Msg::new("需补充企业成立日期（营业执照）", "record the founding date"),
        ),
        Some(f) => {
            let have = firm.years_since_founded(today).unwrap_or(0);
            if have >= *years {
                met(
                    rule,
                    format!("成立{have}年，满足成立满{years}年的要求"),
                    format!("founded {have} years ago (needs {years})"),
                )
            } else {
                let from = f
                    .with_year(f.year() + *years as i32)
                    .unwrap_or(f + chrono::Days::new(365 * *years as u64));
                not_met(
                    rule,
                    Msg::new(
                        format!("成立{have}年，未满{years}年"),
                        format!("founded {have} years ago, needs {years}"),
                    ),
                    Some(Msg::new(
                        format!("成立满{years}年后（{from}起）可申请{pn}"),
                        format!("can apply for {pn} from {from} ({years} years after founding)"),
                    )),
                    true,
                )
            }
        }
    }
}

/// The firm is at most this many years old (start-up products); nothing the firm can fix.
pub(super) fn max_years_founded(
    rule: &EligibilityRule,
    years: &u32,
    firm: &Firm,
    today: NaiveDate,
) -> RuleCheck {
    match firm.years_since_founded(today) {
        None => cannot_tell(
            rule,
            "成立日期",
            "founding date",
            Msg::new("需补充企业成立日期（营业执照）", "record the founding date"),
        ),
        Some(have) if have <= *years => met(
            rule,
            format!("成立{have}年，属{years}年内的初创企业"),
            format!("founded {have} years ago, within {years}"),
        ),
        Some(have) => not_met(
            rule,
            Msg::new(
                format!("成立已{have}年，超过{years}年限制"),
                format!("founded {have} years ago, over the {years}-year limit"),
            ),
            None,
            false,
        ),
    }
}

/// Class-I IP (invention patents and the like) of at least this count.
pub(super) fn min_class1_ip(
    rule: &EligibilityRule,
    count: &u32,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    let have = firm.ip.class1();
    if have >= *count {
        met(
            rule,
            format!("拥有发明专利等Ⅰ类知识产权{have}项"),
            format!("holds {have} Class-I IP items"),
        )
    } else {
        let gap = count - have;
        not_met(
            rule,
            Msg::new(
                format!("Ⅰ类知识产权{have}项，需{count}项"),
                format!("{have} Class-I IP items, needs {count}"),
            ),
            Some(Msg::new(
                format!("再取得{gap}项发明专利等Ⅰ类知识产权（可通过自主申请或受让）后可申请{pn}"),
                format!("obtain {gap} more Class-I IP item(s) (filing or acquisition) to apply for {pn}"),
            )),
            true,
        )
    }
}

/// IP of any class of at least this count.
pub(super) fn min_total_ip(
    rule: &EligibilityRule,
    count: &u32,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    let have = firm.ip.class1() + firm.ip.class2();
    if have >= *count {
        met(
            rule,
            format!("拥有知识产权{have}项"),
            format!("holds {have} IP items"),
        )
    } else {
        let gap = count - have;
        not_met(
            rule,
            Msg::new(
                format!("知识产权{have}项，需{count}项"),
                format!("{have} IP items, needs {count}"),
            ),
            Some(Msg::new(
                format!("再取得{gap}项知识产权（实用新型、软件著作权均可）后可申请{pn}"),
                format!("obtain {gap} more IP item(s) (utility models, software copyrights count) to apply for {pn}"),
            )),
            true,
        )
    }
}

/// Latest revenue within the product's band; a floor the firm can reach within a year is a step, one further away is not.
pub(super) fn revenue_band(
    rule: &EligibilityRule,
    min: &Option<Yuan>,
    max: &Option<Yuan>,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    let Some((year, rev)) = firm
        .latest_year()
        .and_then(|y| y.revenue.map(|r| (y.year, r)))
    else {
        return cannot_tell(
            rule,
            "最近年度营业收入",
            "latest revenue",
            Msg::new(
                "需补充最近一个年度的营业收入（财务报表或纳税申报表）",
                "record the latest year's revenue",
            ),
        );
    };
    if let Some(m) = min.filter(|m| rev < *m) {
        let reachable = m <= reachable_revenue(firm, rev);
        return not_met(
            rule,
            Msg::new(
                format!(
                    "{year}年营业收入{}，低于{}",
                    fmt_wan_unit(rev),
                    fmt_wan_unit(m)
                ),
                format!(
                    "{year} revenue {} wan, below {} wan",
                    fmt_wan(rev),
                    fmt_wan(m)
                ),
            ),
            Some(Msg::new(
                format!(
                    "营业收入达到{}（差{}）后可申请{pn}",
                    fmt_wan_unit(m),
                    fmt_wan_unit(m - rev)
                ),
                format!(
                    "reach revenue of {} wan ({} wan short) to apply for {pn}",
                    fmt_wan(m),
                    fmt_wan(m - rev)
                ),
            )),
            reachable,
        );
    }
    if let Some(m) = max.filter(|m| rev > *m) {
        return not_met(
            rule,
            Msg::new(
                format!(
                    "{year}年营业收入{}，超过{}的上限",
                    fmt_wan_unit(rev),
                    fmt_wan_unit(m)
                ),
                format!(
                    "{year} revenue {} wan exceeds the {} wan cap",
                    fmt_wan(rev),
                    fmt_wan(m)
                ),
            ),
            None,
            false,
        );
    }
    met(
        rule,
        format!(
            "{year}年营业收入{}，符合{}",
            fmt_wan_unit(rev),
            rule.describe().zh
        ),
        format!(
            "{year} revenue {} wan fits: {}",
            fmt_wan(rev),
            rule.describe().en
        ),
    )
}

/// The firm has never borrowed from a bank (first-loan products).
pub(super) fn first_loan(rule: &EligibilityRule, firm: &Firm) -> RuleCheck {
    if let Some(d) = firm.first_loan_date {
        return not_met(
            rule,
            Msg::new(
                format!("已于{d}获得首笔银行贷款"),
                format!("got its first bank loan on {d}"),
            ),
            None,
            false,
        );
    }
    match (firm.first_loan_list, firm.ever_borrowed) {
        (true, _) => met(
            rule,
            "已列入首贷培植名单".into(),
            "on the first-loan cultivation list".into(),
        ),
        (false, Some(false)) => met(
            rule,
            "从未获得银行贷款，属首贷企业".into(),
            "never borrowed from a bank: a first-loan firm".into(),
        ),
        (false, Some(true)) => not_met(
            rule,
            Msg::new(
                "企业已有银行贷款记录，不属于首贷",
                "has borrowed before: not a first loan",
            ),
            None,
            false,
        ),
        (false, None) => cannot_tell(
            rule,
            "贷款记录",
            "loan history",
            Msg::new(
                "需查询征信报告，核实企业是否有过银行贷款",
                "check the credit report for any past bank loan",
            ),
        ),
    }
}

/// Receivables of at least this amount (receivable-pledge products).
pub(super) fn min_receivables(
    rule: &EligibilityRule,
    amount: &Yuan,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    match firm.facts.receivables {
    None => cannot_tell(
        rule,
        "应收账款数据",
        "receivables",
        Msg::new(
            format!("需补充应收账款确权资料（对优质买方的应收账款清单、合同和发票，不少于{}）后可申请{pn}", fmt_wan_unit(*amount)),
            format!("provide confirmed receivables (list, contracts, invoices; at least {} wan) to apply for {pn}", fmt_wan(*amount)),
        ),
    ),
    Some(r) if r >= *amount => met(
        rule,
        format!("应收账款{}，满足不少于{}的要求", fmt_wan_unit(r), fmt_wan_unit(*amount)),
        format!("receivables {} wan, needs {} wan", fmt_wan(r), fmt_wan(*amount)),
    ),
    Some(r) => not_met(
        rule,
        Msg::new(
            format!("应收账款{}，低于{}", fmt_wan_unit(r), fmt_wan_unit(*amount)),
            format!("receivables {} wan, below {} wan", fmt_wan(r), fmt_wan(*amount)),
        ),
        Some(Msg::new(
            format!("对优质买方的应收账款达到{}并完成确权后可申请{pn}", fmt_wan_unit(*amount)),
            format!("reach {} wan of confirmed receivables to apply for {pn}", fmt_wan(*amount)),
        )),
        true,
    ),
}
}

/// The firm holds government-procurement contracts.
pub(super) fn gov_procurement(rule: &EligibilityRule, firm: &Firm, pn: &str) -> RuleCheck {
    match firm.facts.gov_procurement {
        Some(true) => met(
            rule,
            "持有政府采购合同".into(),
            "holds government-procurement contracts".into(),
        ),
        Some(false) => not_met(
            rule,
            Msg::new("暂无政府采购合同", "no government-procurement contract"),
            Some(Msg::new(
                format!("中标政府采购项目、取得采购合同后可申请{pn}"),
                format!("win a government-procurement contract to apply for {pn}"),
            )),
            true,
        ),
        None => cannot_tell(
            rule,
            "政府采购合同情况",
            "procurement contracts",
            Msg::new(
                "需核实企业是否有政府采购中标合同",
                "check for government-procurement contracts",
            ),
        ),
    }
}

/// At least this many high-level talents on the staff.
pub(super) fn min_high_talents(
    rule: &EligibilityRule,
    count: &u32,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    match firm.high_talents {
        None => cannot_tell(
            rule,
            "高层次人才人数",
            "number of high-level talents",
            Msg::new(
                "需补充高层次人才情况（博士、入选国家/省/市人才计划人员）",
                "record the firm's high-level talents",
            ),
        ),
        Some(h) if h >= *count => met(
            rule,
            format!("拥有高层次人才{h}名"),
            format!("{h} high-level talents"),
        ),
        Some(h) => not_met(
            rule,
            Msg::new(
                format!("高层次人才{h}名，需{count}名"),
                format!("{h} high-level talents, needs {count}"),
            ),
            Some(Msg::new(
                format!(
                    "引进或申报认定{}名高层次人才（如泉城产业领军人才）后可申请{pn}",
                    count - h
                ),
                format!(
                    "recruit or get {} high-level talent(s) recognised to apply for {pn}",
                    count - h
                ),
            )),
            true,
        ),
    }
}

/// The firm is registered in one of the listed districts.
pub(super) fn district_in(rule: &EligibilityRule, districts: &[String], firm: &Firm) -> RuleCheck {
    match firm.district.as_deref() {
        None => cannot_tell(
            rule,
            "注册区县",
            "district",
            Msg::new("需补充企业注册地所在区县", "record the firm's district"),
        ),
        Some(d) if districts.iter().any(|x| x == d) => met(
            rule,
            format!("注册于{}", crate::region::district_name(d).unwrap_or(d)),
            format!("registered in {d}"),
        ),
        Some(d) => not_met(
            rule,
            Msg::new(
                format!(
                    "注册于{}，不在{}",
                    crate::region::district_name(d).unwrap_or(d),
                    rule.describe().zh.trim_start_matches("注册于")
                ),
                format!("registered in {d}, outside the product's districts"),
            ),
            None,
            false,
        ),
    }
}

/// The firm's industry is in one of the listed sections.
pub(super) fn industry_in(rule: &EligibilityRule, sections: &[String], firm: &Firm) -> RuleCheck {
    match firm
        .industry
        .as_deref()
        .and_then(crate::region::industry_section)
    {
        None => cannot_tell(
            rule,
            "所属行业",
            "industry",
            Msg::new(
                "需补充企业所属行业（国民经济行业分类）",
                "record the firm's industry",
            ),
        ),
        Some(s) if sections.iter().any(|x| x == s) => met(
            rule,
            format!("所属行业为{}", crate::region::industry_name(s).unwrap_or(s)),
            format!("industry section {s}"),
        ),
        Some(s) => not_met(
            rule,
            Msg::new(
                format!(
                    "所属行业为{}，不在适用范围",
                    crate::region::industry_name(s).unwrap_or(s)
                ),
                format!("industry section {s} is not covered"),
            ),
            None,
            false,
        ),
    }
}

/// At most this many staff (small-firm products).
pub(super) fn max_staff(rule: &EligibilityRule, count: &u32, firm: &Firm) -> RuleCheck {
    match firm.staff {
        None => cannot_tell(
            rule,
            "职工人数",
            "staff count",
            Msg::new("需补充企业职工人数", "record the staff count"),
        ),
        Some(s) if s <= *count => met(
            rule,
            format!("职工{s}人，不超过{count}人"),
            format!("{s} staff, within {count}"),
        ),
        Some(s) => not_met(
            rule,
            Msg::new(
                format!("职工{s}人，超过{count}人"),
                format!("{s} staff, over {count}"),
            ),
            None,
            false,
        ),
    }
}

/// The firm is at one of the listed growth stages.
pub(super) fn stage_in(rule: &EligibilityRule, stages: &[Stage], firm: &Firm) -> RuleCheck {
    match firm.stage {
        None => cannot_tell(
            rule,
            "企业发展阶段",
            "lifecycle stage",
            Msg::new("需确定企业所处发展阶段", "record the firm's stage"),
        ),
        Some(s) if stages.contains(&s) => met(
            rule,
            format!("处于{}", s.label_zh()),
            format!("stage {}", s.label_en()),
        ),
        Some(s) => not_met(
            rule,
            Msg::new(
                format!(
                    "处于{}，产品面向{}",
                    s.label_zh(),
                    rule.describe().zh.trim_start_matches("处于")
                ),
                format!("stage {}, the product targets other stages", s.label_en()),
            ),
            None,
            false,
        ),
    }
}

/// No overdue or default record on the firm's credit report.
pub(super) fn clean_credit(rule: &EligibilityRule, firm: &Firm, pn: &str) -> RuleCheck {
    match (firm.facts.credit_overdue, firm.ever_borrowed) {
        (Some(false), _) => met(
            rule,
            "征信无逾期、违约记录".into(),
            "clean credit report".into(),
        ),
        (None, Some(false)) => met(
            rule,
            "无银行贷款记录，无逾期".into(),
            "never borrowed: no overdue record".into(),
        ),
        (Some(true), _) => not_met(
            rule,
            Msg::new(
                "征信存在逾期或违约记录",
                "overdue or default in the credit report",
            ),
            Some(Msg::new(
                format!("结清逾期款项、修复信用记录（可申请异议处理）后可申请{pn}"),
                format!(
                    "settle the overdue amounts and repair the credit record to apply for {pn}"
                ),
            )),
            true,
        ),
        (None, _) => cannot_tell(
            rule,
            "征信记录",
            "credit record",
            Msg::new(
                "需查询企业征信报告，确认无逾期、违约记录",
                "check the credit report for overdue or default records",
            ),
        ),
    }
}

/// R&D spending of at least this share of revenue (basis points).
pub(super) fn min_rd_intensity(
    rule: &EligibilityRule,
    bp: &u32,
    firm: &Firm,
    pn: &str,
) -> RuleCheck {
    let latest = firm.latest_year();
    match latest.and_then(|y| Some((y.year, y.revenue?, y.rd_expense?))) {
        Some((year, rev, rd)) if rev > 0 => {
            let have = (rd as i128 * 10_000 / rev as i128) as u32;
            if have >= *bp {
                met(
                    rule,
                    format!("{year}年研发费用占营业收入{}", fmt_bp2(i64::from(have))),
                    format!("{year} R&D intensity {}", fmt_bp2(i64::from(have))),
                )
            } else {
                let need = ((rev as i128 * *bp as i128 + 9_999) / 10_000) as Yuan;
                not_met(
                    rule,
                    Msg::new(
                        format!("{year}年研发强度{}，低于{}", fmt_bp2(i64::from(have)), fmt_bp_pct(*bp)),
                        format!("{year} R&D intensity {}, below {}", fmt_bp2(i64::from(have)), fmt_bp_pct(*bp)),
                    ),
                    Some(Msg::new(
                        format!(
                            "研发投入强度提高到{}（按{year}年收入约需再增加研发费用{}）后可申请{pn}",
                            fmt_bp_pct(*bp),
                            fmt_wan_unit(need - rd)
                        ),
                        format!(
                            "raise R&D to {} of revenue (about {} wan more) to apply for {pn}",
                            fmt_bp_pct(*bp),
                            fmt_wan(need - rd)
                        ),
                    )),
                    true,
                )
            }
        }
        _ => cannot_tell(
            rule,
            "营业收入或研发费用",
            "revenue or R&D expense",
            Msg::new(
                "需补充最近年度营业收入和研发费用（建立研发费用辅助账）",
                "record the latest revenue and R&D expense",
            ),
        ),
    }
}

/// The firm plans a listing (in the listing reserve pool or a named board).
pub(super) fn listing_intent(rule: &EligibilityRule, firm: &Firm, pn: &str) -> RuleCheck {
    if firm.listing_reserve || firm.listing_board.is_some() {
        let board = firm.listing_board.as_deref().unwrap_or("上市后备企业库");
        met(
            rule,
            format!("有上市规划（{board}）"),
            format!("listing plan ({board})"),
        )
    } else {
        not_met(
            rule,
            Msg::new("暂无上市规划", "no listing plan"),
            Some(Msg::new(
                format!("明确上市规划并申请列入上市后备企业库后可申请{pn}"),
                format!("set a listing target and join the listing reserve pool to apply for {pn}"),
            )),
            true,
        )
    }
}
