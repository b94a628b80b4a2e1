//! Section 二 (诊断分析): financial years, credit, IP and talent, the three designation
//! checklists, the risk scorecard and the narrative over them.

use super::*;

pub(super) fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Qualifies { route } => format!("符合（{}）", route.zh),
        Verdict::DoesNotQualify { .. } => "不符合".to_string(),
        Verdict::CannotTell { missing } => {
            let names: Vec<&str> = missing.iter().map(|m| m.zh.as_str()).take(4).collect();
            let more = if missing.len() > 4 { "等" } else { "" };
            format!("无法判断（缺{}{more}）", names.join("、"))
        }
    }
}

pub(super) fn status_text(s: Status) -> String {
    match s {
        Status::Met => "符合",
        Status::NotMet => "不符合",
        Status::Unknown => "无法判断",
    }
    .to_string()
}

/// The firm's side of a checklist row: its figure, then the gap or the missing inputs.
pub(super) fn item_figure(i: &eval::CheckItem) -> String {
    let fig = i.figure.clone().unwrap_or_default();
    match i.status {
        Status::Unknown => {
            let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
            let miss = format!("缺{}", names.join("、"));
            if fig.is_empty() {
                miss
            } else {
                format!("{fig}（{miss}）")
            }
        }
        Status::NotMet => match &i.gap {
            Some(g) if !fig.is_empty() => format!("{fig}（{}）", g.zh),
            Some(g) => g.zh.clone(),
            None if fig.is_empty() => MISSING.to_string(),
            None => fig,
        },
        Status::Met if fig.is_empty() => MISSING.to_string(),
        Status::Met => fig,
    }
}

pub(super) fn check_line(i: &eval::CheckItem) -> EvalLine {
    EvalLine {
        label: i.label.zh.clone(),
        result: status_text(i.status),
        required: i.required.clone(),
        figure: item_figure(i),
        text: i.detail.as_ref().map(|d| d.zh.clone()).unwrap_or_default(),
        cite: i.cite.clone(),
    }
}

pub(super) fn checklist(name: &str, v: &Verdict, items: &[eval::CheckItem]) -> EvalSummary {
    EvalSummary {
        name: name.to_string(),
        verdict: verdict_text(v),
        lines: items.iter().map(check_line).collect(),
    }
}

/// The 专精特新 checklist followed by the score, indicator by indicator.
pub(super) fn srdi_summary(r: &eval::srdi::SrdiResult) -> EvalSummary {
    let mut s = checklist("专精特新中小企业条件", &r.verdict, &r.items);
    let group_label = |k: &str| {
        eval::srdi::score::GROUPS
            .iter()
            .find(|g| g.0 == k)
            .map(|g| g.1)
            .unwrap_or("")
    };
    for i in &r.score.indicators {
        s.lines.push(EvalLine {
            label: format!("{}·{}", group_label(&i.group), i.label.zh),
            result: format!("{}/{}", i.points, i.max_points),
            required: format!("满分{}分", i.max_points),
            figure: match (&i.figure, i.missing.is_empty()) {
                (Some(f), true) => f.clone(),
                (f, false) => {
                    let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
                    let miss = format!(
                        "缺{}，计{}分，补齐后最高{}分",
                        names.join("、"),
                        i.points,
                        i.possible
                    );
                    match f {
                        Some(f) => format!("{f}（{miss}）"),
                        None => miss,
                    }
                }
                (None, true) => MISSING.to_string(),
            },
            text: String::new(),
            cite: i.cite.clone(),
        });
    }
    let sc = &r.score;
    let groups: Vec<String> = sc
        .groups
        .iter()
        .map(|g| format!("{}{}/{}", g.label.zh, g.points, g.max_points))
        .collect();
    s.lines.push(EvalLine {
        label: "评价得分合计".to_string(),
        result: format!("{}/{}", sc.total, sc.max_total),
        required: format!("≥ {}分", sc.min_score),
        figure: if sc.missing.is_empty() {
            format!("{}分", sc.total)
        } else {
            format!(
                "{}分（缺数据项计0分，补齐后最高{}分）",
                sc.total, sc.possible
            )
        },
        text: groups.join("；"),
        cite: r
            .items
            .iter()
            .find(|i| i.key == "score")
            .map(|i| i.cite.clone())
            .unwrap_or_else(|| r.rule_set.document.clone()),
    });
    s
}

pub(super) fn compose_diagnosis(firm: &Firm, ev: &FirmEvaluation) -> DiagnosisSection {
    let financials = fin_years(firm);
    let tech_sme = tech_sme_summary(ev);
    let mut high_tech = checklist(
        "高新技术企业认定条件",
        &ev.high_tech.verdict,
        &ev.high_tech.items,
    );
    if ev.high_tech.review_risk.is_some() {
        high_tech.verdict.push_str("（持证企业，存在复核风险）");
    }
    let mut srdi = srdi_summary(&ev.srdi);
    if firm.holds_srdi(ev.today) && !matches!(ev.srdi.verdict, Verdict::Qualifies { .. }) {
        // "专精特新：不符合" of a firm holding the recognition read as if it had none; the
        // roadmap says what to make up before the review.
        srdi.verdict.push_str("（已认定企业，存在复核风险）");
    }
    let text = diagnosis_text(firm, ev, &financials, [&tech_sme, &high_tech, &srdi]);
    DiagnosisSection {
        financials,
        credit: credit_rows(firm),
        ip_talent: ip_talent_rows(firm),
        tech_sme,
        high_tech,
        srdi,
        risk: risk_summary(&ev.risk),
        text,
    }
}

/// The latest three financial years, oldest first.
fn fin_years(firm: &Firm) -> Vec<FinYear> {
    let years = firm.years_desc();
    let mut financials: Vec<FinYear> = years
        .iter()
        .take(3)
        .map(|y| FinYear {
            year: y.year,
            revenue: y.revenue,
            rd_expense: y.rd_expense,
            total_assets: y.total_assets,
            liabilities: y.liabilities,
            net_profit: y.net_profit,
        })
        .collect();
    financials.reverse();
    financials
}

/// Credit history, overdue and dishonesty records, whitelist, receivables and property.
fn credit_rows(firm: &Firm) -> Vec<Row> {
    let credit_history = match (firm.ever_borrowed, firm.first_loan_date) {
        (_, Some(d)) => format!("已于{d}获得首笔银行贷款"),
        (Some(true), None) => "有银行贷款记录".to_string(),
        (Some(false), None) => "从未获得银行贷款（首贷企业）".to_string(),
        (None, None) => MISSING.to_string(),
    };
    let overdue = match firm.facts.credit_overdue {
        Some(true) => "存在逾期或违约记录".to_string(),
        Some(false) => "无逾期、违约记录".to_string(),
        None => "未查询（需补充征信报告）".to_string(),
    };
    let dishonest = match firm.facts.dishonest_listed {
        Some(true) => "列入经营异常/严重失信名单".to_string(),
        Some(false) => "未列入".to_string(),
        None => MISSING.to_string(),
    };
    vec![
        row("银行贷款记录", credit_history),
        row("征信逾期情况", overdue),
        row("经营异常/失信名单", dishonest),
        row("白名单+预授信", yes_no(firm.whitelist).to_string()),
        row("应收账款", wan_unit_opt(firm.facts.receivables)),
        row(
            "可抵押房产",
            opt(firm.facts.real_estate_collateral.map(yes_no)),
        ),
    ]
}

/// IP held by class and the staff, tech-staff and talent figures.
fn ip_talent_rows(firm: &Firm) -> Vec<Row> {
    let ip = &firm.ip;
    vec![
        row(
            "Ⅰ类知识产权",
            format!(
                "{}项（发明专利{}项，其他{}项）",
                ip.class1(),
                ip.invention_patents,
                ip.other_class1
            ),
        ),
        row(
            "Ⅱ类知识产权",
            format!(
                "{}项（实用新型{}、外观设计{}、软件著作权{}）",
                ip.class2(),
                ip.utility_models,
                ip.designs,
                ip.software_copyrights
            ),
        ),
        row("已质押知识产权", format!("{}项", ip.pledged)),
        row("职工人数", opt(firm.staff.map(|s| format!("{s}人")))),
        row(
            "科技人员占比",
            match (firm.tech_staff, firm.staff) {
                (Some(t), Some(s)) => format!(
                    "{t}人，{}",
                    pct(t as Yuan, s as Yuan).unwrap_or_else(|| MISSING.into())
                ),
                _ => MISSING.to_string(),
            },
        ),
        row(
            "高层次人才",
            opt(firm.high_talents.map(|h| format!("{h}人"))),
        ),
        row(
            "创始团队行业经验",
            opt(firm
                .facts
                .founder_experience_years
                .map(|y| format!("{y}年"))),
        ),
    ]
}

/// The 科小 evaluation: conditions, scored indicators, the total and any direct route met.
fn tech_sme_summary(ev: &FirmEvaluation) -> EvalSummary {
    let ts = &ev.tech_sme;
    let mut ts_lines: Vec<EvalLine> = ts.conditions.iter().map(check_line).collect();
    ts_lines.extend(ts.indicators.iter().map(|i| {
        EvalLine {
            label: i.label.zh.clone(),
            result: match i.points {
                Some(p) => format!("{p}/{}", i.max_points),
                None => format!("{}–{}/{}", i.points_min, i.points_max, i.max_points),
            },
            required: format!("满分{}分", i.max_points),
            figure: match (&i.figure, i.missing.is_empty()) {
                (Some(f), true) => match &i.band {
                    Some(b) if !b.is_empty() => format!("{f}（{b}档）"),
                    _ => f.clone(),
                },
                (f, _) => {
                    let names: Vec<&str> = i.missing.iter().map(|m| m.zh.as_str()).collect();
                    let miss = format!("缺{}", names.join("、"));
                    match f {
                        Some(f) => format!("{f}（{miss}）"),
                        None => miss,
                    }
                }
            },
            text: i
                .next_band
                .as_ref()
                .map(|n| n.zh.clone())
                .unwrap_or_default(),
            cite: i.cite.clone(),
        }
    }));
    let pass_cite = ts
        .rule_set
        .cite(&RuleBook::builtin().tech_sme_for(ev.today).pass.clause);
    ts_lines.push(EvalLine {
        label: "综合评价得分".to_string(),
        result: match ts.total {
            Some(t) => format!("{t}/100"),
            None => format!("{}–{}/100", ts.total_min, ts.total_max),
        },
        required: format!("≥ {}分且科技人员指标不为0分", ts.pass_total),
        figure: match ts.total {
            Some(t) => format!("{t}分"),
            None => format!("{}–{}分（缺数据）", ts.total_min, ts.total_max),
        },
        text: String::new(),
        cite: pass_cite,
    });
    ts_lines.extend(
        ts.direct
            .iter()
            .filter(|d| d.status == Status::Met)
            .map(check_line),
    );
    EvalSummary {
        name: "科技型中小企业评价".to_string(),
        verdict: verdict_text(&ts.verdict),
        lines: ts_lines,
    }
}

/// The risk rating as printed: grade, dimensions and factors.
fn risk_summary(r: &eval::risk::RiskResult) -> RiskSummary {
    RiskSummary {
        grade: if r.grade.is_empty() {
            MISSING.to_string()
        } else {
            r.grade.clone()
        },
        grade_label: r.grade_label.zh.clone(),
        score: r.score,
        max_score: r.max_score,
        complete: r.complete,
        best_case_grade: r.best_case_grade.clone(),
        groups: r
            .groups
            .iter()
            .map(|g| RiskGroup {
                label: g.label.zh.clone(),
                points: g.points,
                max_points: g.max_points,
            })
            .collect(),
        factors: r
            .factors
            .iter()
            .map(|f| EvalLine {
                label: f.label.zh.clone(),
                result: match f.points {
                    Some(p) => format!("{p}/{}", f.max_points),
                    None => format!("缺数据/{}", f.max_points),
                },
                required: String::new(),
                figure: String::new(),
                text: f.reason.zh.clone(),
                cite: f.cite.clone(),
            })
            .collect(),
        rule_set: format!("{}（{}版）", r.rule_set.name_zh, r.rule_set.version),
    }
}

/// The diagnosis narrative: the latest year's figures and growth, the three verdicts (with
/// the certificate-holder warning) and the risk grade with its weak dimensions.
fn diagnosis_text(
    firm: &Firm,
    ev: &FirmEvaluation,
    financials: &[FinYear],
    [tech_sme, high_tech, srdi]: [&EvalSummary; 3],
) -> String {
    let r = &ev.risk;
    let mut text = String::new();
    match financials.last() {
        Some(y) => {
            text.push_str(&format!(
                "{}年企业实现营业收入{}，研发费用{}",
                y.year,
                wan_unit_opt(y.revenue),
                wan_unit_opt(y.rd_expense)
            ));
            if let (Some(rd), Some(rev)) = (y.rd_expense, y.revenue) {
                if let Some(p) = pct(rd, rev) {
                    text.push_str(&format!("（占营业收入{p}）"));
                }
            }
            if let (Some(l), Some(a)) = (y.liabilities, y.total_assets) {
                if let Some(p) = pct(l, a) {
                    text.push_str(&format!("，资产负债率{p}"));
                }
            }
            text.push('。');
            if financials.len() >= 2 {
                let a = &financials[financials.len() - 2];
                // A founding year that did not start on 1 January is a part year: growth over
                // it (e.g. 17.99万 in two weeks → 1,067万) says nothing about the firm.
                let part_year = firm
                    .founded
                    .is_some_and(|f| f.year() == a.year && f.ordinal() > 1);
                if part_year {
                    text.push_str(&format!(
                        "{}年为成立当年（不足一年），不计算营业收入同比增长。",
                        a.year
                    ));
                } else if let (Some(prev), Some(now)) = (a.revenue, y.revenue) {
                    if prev > 0 {
                        let g = (now - prev) as f64 / prev as f64 * 100.0;
                        text.push_str(&format!(
                            "营业收入较上年{}{:.2}%。",
                            if g >= 0.0 { "增长" } else { "下降" },
                            g.abs()
                        ));
                    }
                }
            }
        }
        None => text.push_str(&format!(
            "企业尚未提供财务数据，以下评价中的财务指标均无法判断，请于{}前补充近三年财务报表。",
            ev.today + Days::new(30)
        )),
    }
    text.push_str(&format!(
        "科技型中小企业评价：{}；高新技术企业：{}；专精特新：{}。",
        tech_sme.verdict, high_tech.verdict, srdi.verdict
    ));
    if let Some(w) = &ev.high_tech.review_risk {
        text.push_str(&w.zh);
    }
    if r.grade.is_empty() {
        text.push_str("风险评级：数据不足，暂无法评级。");
    } else {
        text.push_str(&format!(
            "风险评级为{}级（{}，{}/{}分）",
            r.grade, r.grade_label.zh, r.score, r.max_score
        ));
        let unknown = r.factors.iter().filter(|f| f.points.is_none()).count();
        if !r.complete && r.best_case_grade != r.grade {
            text.push_str(&format!(
                "，{}指标缺数据，补齐后最高可达{}级",
                if unknown * 2 > r.factors.len() {
                    "多数"
                } else {
                    "部分"
                },
                r.best_case_grade
            ));
        }
        text.push('。');
        // A group is weak on its figures, not for lack of them (a firm that entered nothing
        // was told all six were weak): under half its points even if every missing factor
        // scored full marks.
        let mut weak: Vec<&eval::risk::GroupScore> = r
            .groups
            .iter()
            .filter(|g| {
                let unknown: u32 = r
                    .factors
                    .iter()
                    .filter(|f| f.group == g.group && f.points.is_none())
                    .map(|f| f.max_points)
                    .sum();
                g.max_points > 0 && (g.points + unknown) * 2 < g.max_points
            })
            .collect();
        weak.sort_by_key(|g| g.points * 100 / g.max_points);
        if !weak.is_empty() {
            let names: Vec<&str> = weak.iter().map(|g| g.label.zh.as_str()).collect();
            text.push_str(&format!("得分较弱的方面：{}。", names.join("、")));
        }
    }
    text
}
