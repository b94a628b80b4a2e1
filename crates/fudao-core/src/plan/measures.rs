//! Section 四 (财务管理提升措施): measures chosen from this firm's figures and evaluation.

use super::*;

pub(super) fn compose_measures(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate) -> Vec<Measure> {
    let mut out = vec![];
    let latest = firm.latest_year();
    // The firm still works towards 高企 (not certified, or certified but failing conditions).
    let pursuing_ht = !ev.high_tech.certified || ev.high_tech.review_risk.is_some();

    accounting_measure(firm, ev, today, &mut out);
    rd_ledger_measure(firm, ev, today, &mut out);

    // Qualification roadmap.
    let steps = roadmap(firm, ev, today);
    if !steps.is_empty() {
        out.push(Measure {
            title: "资质培育路线".to_string(),
            text: steps.join("\n"),
        });
    }

    // Leverage.
    if let Some(y) = latest {
        if let (Some(l), Some(a)) = (y.liabilities, y.total_assets) {
            if a > 0 && l * 100 > a * 65 {
                // A firm that never borrowed from a bank has no short-term loans to replace: its
                // debts are payables and other creditors', and the first loan adds to them.
                let advice = if firm.is_first_loan_candidate() {
                    "企业尚无银行贷款，负债主要为经营性负债：建议压降应付账款等经营性负债、加快应收账款回收，引入股权融资补充资本金；申请首笔贷款时合理确定金额，避免负债率进一步升高。"
                } else {
                    "建议控制短期负债规模，以中长期贷款置换短期借款，引入股权融资补充资本金。"
                };
                out.push(Measure {
                    title: "优化负债结构".to_string(),
                    text: format!(
                        "{}年资产负债率{}（负债{}、资产{}），高于65%的关注线。{advice}",
                        y.year,
                        pct(l, a).unwrap_or_default(),
                        fmt_wan_unit(l),
                        fmt_wan_unit(a)
                    ),
                });
            }
        }
    }
    // IP layout: what one Class-I item would change for this firm.
    if firm.ip.class1() == 0 {
        let c2 = firm.ip.class2();
        let mut gains = vec![];
        if let Some(ip) = ev.tech_sme.indicators.iter().find(|i| i.key == "ip") {
            if ip.points.is_some_and(|p| p < ip.max_points) {
                gains.push(format!(
                    "科技型中小企业科技成果指标由{}分升至{}分",
                    ip.points.unwrap_or(0),
                    ip.max_points
                ));
            }
        }
        if let Some(ip) = ev.srdi.score.indicators.iter().find(|i| i.key == "ip") {
            gains.push(format!("专精特新知识产权指标由{}分升至至少6分", ip.points));
        }
        if c2 == 0 && pursuing_ht {
            gains.push("满足高新技术企业“拥有核心知识产权”条件".to_string());
        }
        out.push(Measure {
            title: "加强知识产权布局".to_string(),
            text: format!(
                "企业现有Ⅱ类知识产权{c2}项（实用新型{}、外观设计{}、软件著作权{}），尚无发明专利等Ⅰ类知识产权。取得1项Ⅰ类知识产权可使{}；建议围绕核心产品申请发明专利或通过受让取得，也为知识产权质押融资提供质物。",
                firm.ip.utility_models,
                firm.ip.designs,
                firm.ip.software_copyrights,
                gains.join("，")
            ),
        });
    }
    match firm.facts.credit_overdue {
        None => out.push(Measure {
            title: "查询并维护企业征信".to_string(),
            text: format!(
                "企业征信逾期情况尚未登记，银行产品匹配中的信用条件因此无法判断。请企业于{}前授权查询企业信用报告，核实有无逾期、欠息和对外担保记录并登记。",
                today + Days::new(14)
            ),
        }),
        Some(true) => out.push(Measure {
            title: "查询并维护企业征信".to_string(),
            text: format!(
                "企业征信存在逾期或违约记录，结清前贷款、担保和债券类产品均不可申请。请于{}前结清逾期款项，取得金融机构结清证明；如记录有误，向征信机构提出异议更正。",
                today + Days::new(30)
            ),
        }),
        Some(false) => {}
    }
    out
}

/// 规范会计核算: this firm's missing years, incomplete figures and audit status.
fn accounting_measure(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate, out: &mut Vec<Measure>) {
    let latest = firm.latest_year();
    // The firm still works towards 高企 (not certified, or certified but failing conditions).
    let pursuing_ht = !ev.high_tech.certified || ev.high_tech.review_risk.is_some();
    let this = today.year();
    // Accounting: this firm's missing years, incomplete figures and audit status.
    let founded_year = firm.founded.map(|f| f.year());
    let missing_years: Vec<i32> = (this - 3..this)
        .filter(|y| founded_year.is_none_or(|f| f <= *y))
        .filter(|y| firm.year(*y).is_none_or(|f| f.revenue.is_none()))
        .collect();
    let latest_year = latest.map(|y| y.year);
    let incomplete: Vec<String> = firm
        .years_desc()
        .iter()
        .take(3)
        .filter_map(|y| {
            let mut miss = vec![];
            for (name, v) in [
                ("营业收入", y.revenue),
                ("成本费用总额", y.total_cost),
                ("资产总额", y.total_assets),
                ("负债总额", y.liabilities),
                ("净利润", y.net_profit),
            ] {
                if v.is_none() {
                    miss.push(name);
                }
            }
            if Some(y.year) == latest_year {
                if y.main_business_revenue.is_none() {
                    miss.push("主营业务收入");
                }
                if pursuing_ht && y.total_income.is_none() {
                    miss.push("总收入（收入总额−不征税收入）");
                }
            }
            (!miss.is_empty()).then(|| format!("{}年缺{}", y.year, miss.join("、")))
        })
        .collect();
    let mut parts: Vec<String> = vec![];
    if !missing_years.is_empty() {
        parts.push(format!(
            "目前缺少{}年度的财务数据，请于{}前补充经审计或经税务申报的财务报表",
            missing_years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            today + Days::new(30)
        ));
    }
    if !incomplete.is_empty() {
        parts.push(format!("已登记年度数据不完整：{}", incomplete.join("；")));
    }
    let audit_use = if pursuing_ht {
        "申请高新技术企业认定须提供近三个会计年度的财务会计报告及研发费用、高新技术产品（服务）收入专项审计或鉴证报告，银行授信审查也以审计报告为准"
    } else {
        "银行授信审查以经审计的财务报告为准"
    };
    match (firm.facts.audited_year, latest_year) {
        (Some(a), Some(l)) if a >= l => {}
        (Some(a), Some(l)) => parts.push(format!(
            "最近一次审计为{a}年度，{l}年度财务报表尚未审计；{audit_use}，建议于{}前完成{l}年度审计",
            NaiveDate::from_ymd_opt(l + 1, 4, 30).filter(|d| *d > today).unwrap_or(today + Days::new(60))
        )),
        (None, Some(l)) => parts.push(format!(
            "{l}年度财务报表是否经会计师事务所审计尚未登记；{audit_use}，请核实并登记审计情况"
        )),
        _ => {}
    }
    if !parts.is_empty() {
        out.push(Measure {
            title: "规范会计核算".to_string(),
            text: format!("{}。", parts.join("。")),
        });
    }
}

/// 建立研发费用辅助账: what this firm has recorded and what it still lacks, and the filing date.
fn rd_ledger_measure(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate, out: &mut Vec<Measure>) {
    let latest = firm.latest_year();
    // The firm still works towards 高企 (not certified, or certified but failing conditions).
    let pursuing_ht = !ev.high_tech.certified || ev.high_tech.review_risk.is_some();
    let this = today.year();
    // R&D sub-ledger: what this firm has recorded and what it still lacks.
    let rd = latest.and_then(|y| Some((y.year, y.rd_expense?, y.revenue)));
    let rd_fig = |(y, r, rev): (i32, Yuan, Option<Yuan>)| match rev.and_then(|v| pct(r, v)) {
        Some(p) => format!("{y}年研发费用{}（占营业收入{p}）", fmt_wan_unit(r)),
        None => format!("{y}年研发费用{}", fmt_wan_unit(r)),
    };
    // Only designations the firm can still reach: not 科小 for a firm over its size limits
    // (unless it holds a registration that the next year's figures may renew), not 高企 for
    // one whose technology is outside its fields.
    let holds_ts = firm.holds(QualificationKind::TechSme, today);
    let mut uses = vec!["研发费用加计扣除"];
    if (!ev.tech_sme.verdict.qualifies() || !holds_ts)
        && (holds_ts || ev.tech_sme.size_failures().is_empty())
    {
        uses.push("科技型中小企业评价");
    }
    if pursuing_ht && !ev.high_tech.field_barred() {
        uses.push("高新技术企业认定");
    }
    // 加计扣除 is claimed in the annual corporate-income-tax filing, due 31 May.
    let filing_year = if today <= NaiveDate::from_ymd_opt(this, 5, 31).unwrap_or(today) {
        this - 1
    } else {
        this
    };
    let filing_due = NaiveDate::from_ymd_opt(filing_year + 1, 5, 31).unwrap_or(today);
    let deadline = format!(
        "于{filing_due}（{filing_year}年度企业所得税汇算清缴截止）前完成{filing_year}年度研发费用归集"
    );
    let rd_text = match (firm.facts.rd_sub_ledger, rd) {
        (Some(true), _) => {
            let dom_missing: Vec<i32> = ev
                .high_tech
                .rd_years
                .iter()
                .copied()
                .filter(|y| firm.year(*y).is_some_and(|f| f.rd_expense.is_some() && f.rd_expense_domestic.is_none()))
                .collect();
            (pursuing_ht && !dom_missing.is_empty()).then(|| {
                format!(
                    "企业已设研发费用辅助账，但{}年境内研发费用尚未单独登记；高新技术企业认定要求境内研发费用不低于全部研发费用的60%，请从辅助账中归集后登记",
                    dom_missing.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、")
                )
            })
        }
        (Some(false), Some(x)) => Some(format!(
            "企业尚未建立研发费用辅助账，{}缺少按项目归集的依据。请按研发项目设立辅助账，分项归集人员人工、直接投入、折旧摊销等费用，{deadline}，用于{}",
            rd_fig(x),
            uses.join("、")
        )),
        (Some(false), None) => Some(format!(
            "企业尚未建立研发费用辅助账，也未登记研发费用。请按研发项目设立辅助账，{deadline}，用于{}",
            uses.join("、")
        )),
        (None, Some(x)) => Some(format!(
            "{}，是否设有研发费用辅助账尚未登记；请核实并登记，未设立的{deadline}，用于{}",
            rd_fig(x),
            uses.join("、")
        )),
        (None, None) => Some(format!(
            "企业尚未登记研发费用，是否设有研发费用辅助账也未登记；请梳理研发支出并{deadline}，用于{}",
            uses.join("、")
        )),
    };
    if let Some(text) = rd_text {
        out.push(Measure {
            title: "建立研发费用辅助账".to_string(),
            text: format!("{text}。"),
        });
    }
}
