//! Rendering a plan into the print-document model ([`crate::doc`]): headings, tables and
//! narratives in section order.

use super::*;

mod credit;

use credit::push_credit;

pub(super) fn table(
    cols: &[(&str, f32, Align)],
    rows: Vec<Vec<String>>,
    note: Option<String>,
) -> Block {
    Block::Table(Table {
        columns: cols
            .iter()
            .map(|(h, w, a)| Column::new(*h, *w, *a))
            .collect(),
        rows,
        note,
    })
}

pub(super) fn kv(rows: &[Row], columns: u8) -> Block {
    Block::KeyValueGrid {
        pairs: rows
            .iter()
            .map(|r| KeyValue::new(r.label.clone(), r.value.clone()))
            .collect(),
        columns,
    }
}

pub(super) fn paragraphs(doc: &mut Document, text: &str) {
    for p in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        doc.push(Block::paragraph(p));
    }
}

pub(super) fn eval_table(doc: &mut Document, s: &EvalSummary) {
    doc.push(Block::paragraph(format!("{}：{}", s.name, s.verdict)));
    if s.lines.is_empty() {
        return;
    }
    doc.push(table(
        &[
            ("项目", 2.4, Align::Left),
            ("要求", 1.6, Align::Left),
            ("企业情况", 2.8, Align::Left),
            ("结果", 1.0, Align::Center),
            ("依据", 2.2, Align::Left),
        ],
        s.lines
            .iter()
            .map(|l| {
                let fig = if l.text.is_empty() {
                    l.figure.clone()
                } else {
                    format!("{}。{}", l.figure, l.text)
                };
                vec![
                    l.label.clone(),
                    l.required.clone(),
                    fig,
                    l.result.clone(),
                    l.cite.clone(),
                ]
            })
            .collect(),
        None,
    ));
}

/// Renders a plan into the shared print-document model.
pub fn to_document(plan: &Plan) -> Document {
    let c = &plan.content;
    let h = &c.header;
    let mut meta = DocMeta::new(
        format!("一企一策融资服务方案 — {}", h.firm_name),
        format!("{} {}", plan.number, plan.status.label_zh()),
        plan.created_on,
    );
    meta.subject = "金融辅导 一企一策".to_string();
    let printed = printed_sections(plan);
    let heading = |k: SectionKey| numbered_heading(&printed, k);
    meta.author = h.team_name.clone();
    meta.header_right = h.firm_name.clone();
    let mut doc = Document::new(meta);

    // 1. Header.
    doc.push(Block::Title(TitleBlock {
        title: "一企一策融资服务方案".to_string(),
        subtitle: Some(h.firm_name.clone()),
        lines: vec![
            KeyValue::new("企业名称", h.firm_name.clone()),
            KeyValue::new("统一社会信用代码", h.uscc.clone()),
            KeyValue::new("金融辅导队", h.team_name.clone()),
            KeyValue::new("金融辅导员", h.coach_name.clone()),
            KeyValue::new("方案编号", plan.number.clone()),
            KeyValue::new(
                "版本",
                format!("第{}版（{}）", plan.version, plan.status.label_zh()),
            ),
            KeyValue::new(
                "编制日期",
                format!(
                    "{}年{}月{}日",
                    plan.created_on.year(),
                    plan.created_on.month(),
                    plan.created_on.day()
                ),
            ),
        ],
    }));

    // 2. Profile.
    doc.push(Block::heading(1, heading(SectionKey::Profile)));
    paragraphs(&mut doc, c.text(SectionKey::Profile));
    doc.push(kv(&c.profile.rows, 2));

    push_diagnosis(&mut doc, plan, &heading);
    push_needs(&mut doc, plan, &heading);
    push_measures(&mut doc, plan, &heading);
    push_credit(&mut doc, plan, &heading);

    // 7. Capital market: only when there is something firm-specific to say.
    if printed.contains(&SectionKey::CapitalMarket) {
        doc.push(Block::heading(1, heading(SectionKey::CapitalMarket)));
        paragraphs(&mut doc, c.text(SectionKey::CapitalMarket));
        if !c.capital_market.steps.is_empty() {
            doc.push(Block::bullets(c.capital_market.steps.clone()));
        }
    }

    push_actions(&mut doc, plan, &heading);
    push_monitoring(&mut doc, plan, &heading);

    // 10. Sign-off.
    doc.push(Block::heading(1, heading(SectionKey::SignOff)));
    paragraphs(&mut doc, c.text(SectionKey::SignOff));
    doc.push(Block::SignOff {
        parties: vec![
            SignParty::new("企业（盖章）", c.sign_off.firm_party.clone()),
            SignParty::new(
                "金融辅导队",
                format!("{}　辅导员：{}", c.sign_off.team_party, h.coach_name),
            ),
        ],
    });
    doc
}

/// Section 二: the narrative, the financial table and chart, credit, IP and talent, the three designation checklists and the risk rating.
fn push_diagnosis(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    let dg = &c.diagnosis;
    doc.push(Block::heading(1, heading(SectionKey::Diagnosis)));
    paragraphs(doc, c.text(SectionKey::Diagnosis));
    push_financials(doc, dg);
    doc.push(Block::heading(2, "（二）信用状况"));
    doc.push(kv(&dg.credit, 2));
    doc.push(Block::heading(2, "（三）知识产权与人才"));
    doc.push(kv(&dg.ip_talent, 2));
    doc.push(Block::heading(2, "（四）科技属性评价"));
    eval_table(doc, &dg.tech_sme);
    eval_table(doc, &dg.high_tech);
    eval_table(doc, &dg.srdi);
    push_risk(doc, &dg.risk);
}

/// Section 三: the narrative and the needs table.
fn push_needs(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    doc.push(Block::heading(1, heading(SectionKey::Needs)));
    paragraphs(doc, c.text(SectionKey::Needs));
    if !c.needs.is_empty() {
        let dp = wan_decimals(c.needs.iter().map(|n| n.amount));
        doc.push(table(
            &[
                ("提出日期", 1.6, Align::Center),
                ("金额（万元）", 1.3, Align::Right),
                ("类型", 1.0, Align::Center),
                ("用途", 2.2, Align::Left),
                ("期限", 1.0, Align::Center),
                ("合理性认定", 1.6, Align::Left),
                ("状态", 1.0, Align::Center),
                ("结果", 2.2, Align::Left),
            ],
            c.needs
                .iter()
                .map(|n| {
                    vec![
                        n.raised_on.to_string(),
                        fmt_wan_fixed(n.amount, dp),
                        n.kind.clone(),
                        n.purpose.clone(),
                        n.term.clone(),
                        n.ruling.clone(),
                        n.status.clone(),
                        n.outcome.clone(),
                    ]
                })
                .collect(),
            None,
        ));
    }
}

/// Section 四: one sub-heading per measure, its text as bullets when it has several lines.
fn push_measures(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    doc.push(Block::heading(1, heading(SectionKey::Measures)));
    paragraphs(doc, c.text(SectionKey::Measures));
    for (i, m) in c.measures.iter().enumerate() {
        doc.push(Block::heading(
            2,
            format!("（{}）{}", cn_num(i + 1), m.title),
        ));
        let lines: Vec<&str> = m.text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.len() > 1 {
            doc.push(Block::bullets(lines));
        } else {
            doc.push(Block::paragraph(m.text.clone()));
        }
    }
}

/// Section 七: the dated tasks, overdue ones marked with their original date.
fn push_actions(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    let rows = c
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (i + 1).to_string(),
                a.task.clone(),
                a.owner.clone(),
                match a.overdue_since {
                    Some(o) => format!("{}\n逾期（原定{o}）", a.due),
                    None => a.due.to_string(),
                },
                a.source.clone(),
            ]
        })
        .collect();
    push_table_section(
        doc,
        heading(SectionKey::Actions),
        c.text(SectionKey::Actions),
        "暂无待办事项。",
        &[
            ("序号", 0.7, Align::Center),
            ("任务", 5.5, Align::Left),
            ("责任人", 1.8, Align::Left),
            ("完成时限", 1.5, Align::Center),
            ("来源", 1.2, Align::Center),
        ],
        rows,
        None,
    );
}

/// Section 八: the targets the firm is followed up on.
fn push_monitoring(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    let rows = c
        .monitoring
        .iter()
        .map(|t| {
            vec![
                t.indicator.clone(),
                t.baseline.clone(),
                t.target.clone(),
                t.due.to_string(),
            ]
        })
        .collect();
    push_table_section(
        doc,
        heading(SectionKey::Monitoring),
        c.text(SectionKey::Monitoring),
        "暂无监测目标。",
        &[
            ("监测指标", 2.5, Align::Left),
            ("当前值", 2.0, Align::Center),
            ("目标", 2.5, Align::Center),
            ("目标时间", 1.5, Align::Center),
        ],
        rows,
        Some("辅导员每季度回访一次，更新上述指标并记录在走访记录中。".to_string()),
    );
}

/// A section whose body is one table: its heading, narrative, then the table, or `empty` when
/// it has no rows.
fn push_table_section(
    doc: &mut Document,
    title: String,
    text: &str,
    empty: &str,
    cols: &[(&str, f32, Align)],
    rows: Vec<Vec<String>>,
    note: Option<String>,
) {
    doc.push(Block::heading(1, title));
    paragraphs(doc, text);
    if rows.is_empty() {
        doc.push(Block::paragraph(empty));
    } else {
        doc.push(table(cols, rows, note));
    }
}

/// `1` → 一, `12` → 十二, `20` → 二十 (up to 99).
pub(super) fn cn_index(n: usize) -> String {
    match n {
        0..=10 => cn_num(n).to_string(),
        11..=19 => format!("十{}", cn_num(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", cn_num((n / 10).min(9))),
        _ => format!("{}十{}", cn_num((n / 10).min(9)), cn_num(n % 10)),
    }
}

pub(super) fn cn_num(n: usize) -> &'static str {
    const N: [&str; 11] = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    N.get(n).copied().unwrap_or("十")
}

/// All section headings a plan can carry, in order (for tests and tools).
pub fn section_headings() -> Vec<&'static str> {
    SectionKey::ALL.iter().map(|k| k.heading()).collect()
}

/// The sections a plan prints, in order: section 六 only when it says something about this
/// firm (or the coach wrote it).
pub fn printed_sections(plan: &Plan) -> Vec<SectionKey> {
    let c = &plan.content;
    SectionKey::ALL
        .into_iter()
        .filter(|k| match k {
            SectionKey::CapitalMarket => {
                c.capital_market.relevant || c.edits.contains_key(&SectionKey::CapitalMarket)
            }
            _ => true,
        })
        .collect()
}

pub(super) fn numbered_heading(printed: &[SectionKey], k: SectionKey) -> String {
    let n = printed.iter().position(|x| *x == k).unwrap_or(0) + 1;
    format!("{}、{}", cn_num(n), k.title())
}

/// The numbered headings a plan prints, in order (numbering closes the gap of a left-out
/// section).
pub fn plan_headings(plan: &Plan) -> Vec<String> {
    let printed = printed_sections(plan);
    printed
        .iter()
        .map(|k| numbered_heading(&printed, *k))
        .collect()
}

/// Section 二 (一): the firm's figures over the years shown, as a table and a bar chart.
fn push_financials(doc: &mut Document, dg: &DiagnosisSection) {
    let span = years_span(&dg.financials);
    doc.push(Block::heading(2, format!("（一）{span}主要财务指标")));
    if dg.financials.is_empty() {
        doc.push(Block::paragraph("暂无财务数据。"));
    } else {
        let mut rows = vec![];
        let figures = [
            (
                "营业收入",
                (|y: &FinYear| y.revenue) as fn(&FinYear) -> Option<Yuan>,
            ),
            ("研发费用", |y: &FinYear| y.rd_expense),
            ("资产总额", |y: &FinYear| y.total_assets),
            ("负债总额", |y: &FinYear| y.liabilities),
            ("净利润", |y: &FinYear| y.net_profit),
        ];
        // One format for every amount of the table ("1,067.00" beside "17.99").
        let dp = wan_decimals(
            figures
                .iter()
                .flat_map(|(_, f)| dg.financials.iter().filter_map(f)),
        );
        for (label, f) in figures {
            let mut r = vec![label.to_string()];
            r.extend(dg.financials.iter().map(|y| wan_fixed_opt(f(y), dp)));
            rows.push(r);
        }
        let mut r = vec!["资产负债率".to_string()];
        r.extend(
            dg.financials
                .iter()
                .map(|y| match (y.liabilities, y.total_assets) {
                    (Some(l), Some(a)) => pct(l, a).unwrap_or_else(|| MISSING.into()),
                    _ => MISSING.to_string(),
                }),
        );
        rows.push(r);
        let mut r = vec!["研发投入强度".to_string()];
        r.extend(
            dg.financials
                .iter()
                .map(|y| match (y.rd_expense, y.revenue) {
                    (Some(d), Some(v)) => pct(d, v).unwrap_or_else(|| MISSING.into()),
                    _ => MISSING.to_string(),
                }),
        );
        rows.push(r);
        let year_headers: Vec<String> = dg
            .financials
            .iter()
            .map(|y| format!("{}年", y.year))
            .collect();
        let mut cols: Vec<Column> = vec![Column::new("指标（万元）", 2.0, Align::Left)];
        cols.extend(
            year_headers
                .iter()
                .map(|y| Column::new(y.clone(), 1.5, Align::Right)),
        );
        doc.push(Block::Table(Table {
            columns: cols,
            rows,
            note: Some("“—”表示企业尚未提供该项数据。".to_string()),
        }));
        let series = |name: &str, f: fn(&FinYear) -> Option<Yuan>| BarSeries {
            name: name.to_string(),
            values: dg
                .financials
                .iter()
                .map(|y| f(y).map(|v| (v as f64 / 10_000.0 * 100.0).round() / 100.0))
                .collect(),
        };
        doc.push(Block::Chart(Chart::Bars {
            title: format!("{span}营业收入、研发费用和净利润"),
            categories: year_headers,
            series: vec![
                series("营业收入", |y| y.revenue),
                series("研发费用", |y| y.rd_expense),
                series("净利润", |y| y.net_profit),
            ],
            unit: "万元".to_string(),
        }));
    }
}

/// Section 二 (五): the risk grade, its dimensions as a radar chart and its factors.
fn push_risk(doc: &mut Document, r: &RiskSummary) {
    doc.push(Block::heading(2, "（五）风险评级"));
    let mut risk_line = if r.grade == MISSING {
        format!(
            "风险评级：数据不足，暂无法评级（已得{}/{}分）。",
            r.score, r.max_score
        )
    } else {
        format!(
            "风险评级：{}级（{}），得分{}/{}。",
            r.grade, r.grade_label, r.score, r.max_score
        )
    };
    if !r.complete {
        risk_line.push_str(&format!(
            "部分指标缺数据按0分计，补齐后最高可达{}级。",
            if r.best_case_grade.is_empty() {
                MISSING
            } else {
                &r.best_case_grade
            }
        ));
    }
    risk_line.push_str(&format!("评分规则：{}。", r.rule_set));
    doc.push(Block::paragraph(risk_line));
    if r.groups.len() >= 3 && r.groups.iter().all(|g| g.max_points > 0) {
        doc.push(Block::Chart(Chart::Radar {
            title: "风险评价各维度得分率".to_string(),
            axes: r
                .groups
                .iter()
                .map(|g| RadarAxis {
                    label: g.label.clone(),
                    value: g.points as f64,
                    max: g.max_points as f64,
                })
                .collect(),
        }));
    }
    if !r.factors.is_empty() {
        doc.push(table(
            &[
                ("评价因素", 2.2, Align::Left),
                ("得分", 1.2, Align::Center),
                ("说明", 6.0, Align::Left),
            ],
            r.factors
                .iter()
                .map(|l| vec![l.label.clone(), l.result.clone(), l.text.clone()])
                .collect(),
            None,
        ));
    }
}
