//! The qualification roadmap (资质培育路线) of section 四: routes the firm can take, with
//! gaps, dates of the application windows and the certificate-holder warnings.

use super::*;

/// One failing checklist item as a gap: "label figure，需 req（gap）".
pub(super) fn gap_text(i: &eval::CheckItem) -> String {
    let fig = i.figure.clone().unwrap_or_default();
    if matches!(i.required.as_str(), "是" | "否") {
        return format!("{}：{fig}（应为{}）", i.label.zh, i.required);
    }
    let gap = i
        .gap
        .as_ref()
        .map(|g| format!("，{}", g.zh))
        .unwrap_or_default();
    format!("{} {fig}，需 {}{gap}", i.label.zh, i.required)
}

/// The qualification roadmap: only routes the firm can take, each with its gaps and dates.
pub(super) fn roadmap(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate) -> Vec<String> {
    let mut steps: Vec<String> = vec![];
    tech_sme_steps(firm, ev, today, &mut steps);
    high_tech_steps(firm, ev, today, &mut steps);
    srdi_steps(firm, ev, today, &mut steps);
    steps
}

/// The missing inputs of checklist items, each named once.
fn missing_names(items: &[&eval::CheckItem]) -> String {
    let mut names: Vec<&str> = vec![];
    for i in items {
        for m in &i.missing {
            if !names.contains(&m.zh.as_str()) {
                names.push(m.zh.as_str());
            }
        }
    }
    names.join("、")
}

/// The latest recorded expiry of the firm's 高企 certificates valid on `today`.
fn high_tech_expiry(firm: &Firm, today: NaiveDate) -> Option<NaiveDate> {
    firm.qualifications
        .iter()
        .filter(|q| q.kind == QualificationKind::HighTech && q.is_valid_on(today))
        .filter_map(|q| q.expires)
        .max()
}

/// Where a firm over the 科小 size limits goes next: 高企, or keeping the 高企 certificate it
/// already holds (the evaluation's `certified`).
fn beyond_tech_sme(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate) -> String {
    // Not 高企 for a firm whose technology is outside its fields (the 高企 step says so just
    // below): 专精特新 is the route left.
    if !ev.high_tech.certified && ev.high_tech.field_barred() {
        return if firm.holds_srdi(today) {
            "企业已认定专精特新，请以保持专精特新资格为重点。".to_string()
        } else {
            "建议以专精特新中小企业认定为目标。".to_string()
        };
    }
    if !ev.high_tech.certified {
        return "建议以高新技术企业认定为目标。".to_string();
    }
    format!(
        "企业已持有高新技术企业证书{}，请以保持高新技术企业资格为重点，到期前重新申请认定。",
        high_tech_expiry(firm, today)
            .map(|e| format!("（有效期至{e}）"))
            .unwrap_or_default()
    )
}

/// 科技型中小企业: the re-registration date, or the conditions and score points to gain; a firm over the size limits is pointed to 高企 (or to keeping the 高企 certificate it holds).
fn tech_sme_steps(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate, steps: &mut Vec<String>) {
    let book = RuleBook::builtin();
    let this = today.year();
    let year_end = NaiveDate::from_ymd_opt(this, 12, 31).unwrap_or(today);
    use eval::rules::month_day;
    let ts = &ev.tech_sme;
    let ts_rules = book.tech_sme_for(today);
    // A registration is valid through 31 December of its year (unless an expiry is recorded).
    let reg_until = firm
        .qualifications
        .iter()
        .filter(|q| q.kind == QualificationKind::TechSme)
        .map(|q| {
            q.expires.or_else(|| {
                let y = q.obtained.map(|o| o.year()).unwrap_or(this);
                month_day(&ts_rules.registration.valid_until, y)
            })
        })
        .max()
        .flatten();
    let size_fail: Vec<&eval::CheckItem> = ts.size_failures();
    let other_fail: Vec<&eval::CheckItem> = ts
        .conditions
        .iter()
        .filter(|c| c.status == Status::NotMet && !size_fail.iter().any(|s| s.key == c.key))
        .collect();
    let score_hints = || -> Vec<String> {
        ts.indicators
            .iter()
            .filter_map(|i| i.next_band.as_ref().map(|n| n.zh.clone()))
            .take(2)
            .collect()
    };
    match reg_until {
        Some(until) if until >= today && !size_fail.is_empty() => {
            // Over the size limits: re-registering is not the next step. The next registration
            // is judged on the registration year's figures; when those are not recorded yet,
            // the latest ones say what is likely, not what is decided.
            let next = until + Days::new(1);
            let gaps = size_fail
                .iter()
                .map(|c| gap_text(c))
                .collect::<Vec<_>>()
                .join("；");
            let data_year = firm.latest_year().map(|y| y.year);
            let verdict = match data_year {
                Some(y) if y >= until.year() => {
                    format!("按{y}年度数据，{gaps}，超出规模上限，{}年度不能再入库；", next.year())
                }
                Some(y) => format!(
                    "按{y}年度数据，{gaps}，超出规模上限；{}年度数据仍超出的，{}年度不能再入库，回到上限以内的可于{next}起重新评价入库；",
                    until.year(),
                    next.year()
                ),
                None => format!(
                    "{gaps}，超出规模上限；{}年度数据仍超出的，{}年度不能再入库；",
                    until.year(),
                    next.year()
                ),
            };
            steps.push(format!(
                "科技型中小企业：已入库登记，登记有效期至{until}。{verdict}{}",
                beyond_tech_sme(firm, ev, today)
            ));
        }
        Some(until) if until >= today => {
            let next = until + Days::new(1);
            let mut t = format!(
                "科技型中小企业：已入库登记，登记有效期至{until}；{}，请于{next}起按{}年度数据重新评价入库。",
                ts_rules.registration.note,
                until.year()
            );
            if matches!(ts.verdict, Verdict::DoesNotQualify { .. }) {
                let hints = score_hints();
                t.push_str(&format!(
                    "按最新数据重新评价将不符合{}",
                    if hints.is_empty() {
                        "。".to_string()
                    } else {
                        format!("，入库前需提升：{}。", hints.join("；"))
                    }
                ));
            }
            steps.push(t);
        }
        _ => {
            let lapsed = reg_until
                .map(|u| format!("原入库登记已于{u}到期。"))
                .unwrap_or_default();
            if !size_fail.is_empty() {
                // Size cannot be fixed by the firm's own effort: point to 高企 instead.
                steps.push(format!(
                    "科技型中小企业：{lapsed}{}，超出科技型中小企业规模上限（{}），无法通过增加科技人员或研发投入满足，不作为培育目标；{}",
                    size_fail.iter().map(|c| gap_text(c)).collect::<Vec<_>>().join("；"),
                    size_fail[0].cite,
                    beyond_tech_sme(firm, ev, today)
                ));
            } else if !other_fail.is_empty() {
                steps.push(format!(
                    "科技型中小企业：{lapsed}存在不得入库的情形：{}（{}），消除前不能评价入库。",
                    other_fail
                        .iter()
                        .map(|c| c.label.zh.clone())
                        .collect::<Vec<_>>()
                        .join("；"),
                    other_fail[0].cite
                ));
            } else {
                match &ts.verdict {
                    Verdict::Qualifies { route } => steps.push(format!(
                        "科技型中小企业：{lapsed}评价已符合条件（{}），请于{year_end}前在全国科技型中小企业信息服务平台完成{this}年度评价入库；入库登记当年有效，{}年1月1日起须重新评价。",
                        route.zh,
                        this + 1
                    )),
                    Verdict::DoesNotQualify { .. } => {
                        let hints = score_hints();
                        let total = ts.total.map(|t| format!("当前评价得分{t}分")).unwrap_or_else(|| format!("当前评价得分至多{}分", ts.total_max));
                        steps.push(format!(
                            "科技型中小企业：{lapsed}{total}，需≥{}分且科技人员指标不为0分。{}达标后于{year_end}前完成{this}年度入库。",
                            ts.pass_total,
                            if hints.is_empty() { String::new() } else { format!("提升方向：{}。", hints.join("；")) }
                        ));
                    }
                    Verdict::CannotTell { missing } => steps.push(format!(
                        "科技型中小企业：{lapsed}需补充{}后重新评价；达标后于{year_end}前完成{this}年度入库。",
                        missing.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("、")
                    )),
                }
            }
        }
    }
}

/// 高新技术企业: the certificate holder's review warning and renewal, or the gaps and the application window.
fn high_tech_steps(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate, steps: &mut Vec<String>) {
    let book = RuleBook::builtin();
    let ht = &ev.high_tech;
    let ht_rules = book.high_tech_for(today);
    let win = &ht_rules.application_window;
    let cert_expires = high_tech_expiry(firm, today);
    let failing: Vec<&eval::CheckItem> = ht
        .items
        .iter()
        .filter(|i| i.status == Status::NotMet)
        .collect();
    let unknown: Vec<&eval::CheckItem> = ht
        .items
        .iter()
        .filter(|i| i.status == Status::Unknown)
        .collect();
    if ht.certified {
        if let Some(w) = &ht.review_risk {
            steps.push(format!(
                "高新技术企业（持证）：{}请于{}前逐项补齐：{}。",
                w.zh,
                today + Days::new(90),
                failing
                    .iter()
                    .map(|i| gap_text(i))
                    .collect::<Vec<_>>()
                    .join("；")
            ));
        }
        if let Some(e) = cert_expires {
            if e <= today.checked_add_months(Months::new(12)).unwrap_or(today) {
                let from = NaiveDate::from_ymd_opt(e.year(), 1, 1)
                    .unwrap_or(today)
                    .max(today);
                steps.push(format!(
                    "高新技术企业证书将于{e}到期，须在到期当年重新申请认定，申报窗口：{}。",
                    win.text_after(from)
                ));
            }
        }
    } else if ht.verdict.qualifies() {
        steps.push(format!(
            "高新技术企业：各项认定条件已满足，可在{}提交认定申请。",
            win.text_after(today)
        ));
    } else if let Some(b) = high_tech_barrier(ht) {
        // Not a gap to close by the next window: "核心技术属于…领域：否（应为是）。补齐后…申报"
        // asked the firm to change what its technology is.
        steps.push(b);
    } else {
        // Registration time is met by waiting: apply in the first window after it.
        let after = ht
            .items
            .iter()
            .find(|i| i.key == "registered" && i.status == Status::NotMet)
            .and(firm.founded)
            .and_then(|f| f.checked_add_months(Months::new(12 * ht_rules.registered.min_years)))
            .unwrap_or(today)
            .max(today);
        let mut parts: Vec<String> = failing
            .iter()
            .map(|i| {
                let mut t = gap_text(i);
                if i.key == "rd_ratio" {
                    if let Some(d) = &i.detail {
                        t.push_str(&format!("（{}）", d.zh));
                    }
                }
                t
            })
            .collect();
        if !unknown.is_empty() {
            parts.push(format!("需补充{}", missing_names(&unknown)));
        }
        steps.push(format!(
            "高新技术企业：{}。补齐后在{}申报。",
            parts.join("；"),
            win.text_after(after)
        ));
    }
}

/// A condition of 高企 the firm cannot close by working on it (its technology's field, an
/// incident within the year before applying), said as what it means for the route, or `None`.
pub(super) fn high_tech_barrier(ht: &eval::high_tech::HighTechResult) -> Option<String> {
    let failed = |key: &str| {
        ht.items
            .iter()
            .find(|i| i.key == key && i.status == Status::NotMet)
    };
    if ht.field_barred() {
        return Some(format!(
            "高新技术企业：企业核心技术不属于《国家重点支持的高新技术领域》（{}），不符合认定条件，暂不作为培育目标。",
            failed("tech_field").map(|i| i.cite.as_str()).unwrap_or_default()
        ));
    }
    failed("serious_incident").map(|i| {
        format!(
            "高新技术企业：申请前一年内发生重大安全、重大质量事故或严重环境违法行为（{}），该情形满一年后方可申报。",
            i.cite
        )
    })
}

/// 专精特新: the holder's renewal, or the conditions, score and missing inputs and the first window the firm can use.
// Long (~150 lines) on purpose: the holder's branch and the applicant's branch share the
// window and score figures; each branch reads as one decision.
fn srdi_steps(firm: &Firm, ev: &FirmEvaluation, today: NaiveDate, steps: &mut Vec<String>) {
    let book = RuleBook::builtin();
    let holds_srdi = firm.holds_srdi(today);
    let sr = &ev.srdi;
    let sr_rules = book.srdi_for(today);
    let swin = &sr_rules.application_window;
    if holds_srdi {
        let exp = firm
            .qualifications
            .iter()
            .filter(|q| {
                matches!(
                    q.kind,
                    QualificationKind::SrdiProvincial | QualificationKind::SrdiLittleGiant
                ) && q.is_valid_on(today)
            })
            .filter_map(|q| q.expires)
            .max();
        // A holder whose latest figures no longer qualify is told what to make up before the
        // review, however far off it is (the diagnosis said only "不符合" of a firm that holds
        // the recognition).
        let gaps = match sr.verdict {
            Verdict::Qualifies { .. } => vec![],
            _ => srdi_gaps(firm, sr),
        };
        let soon = exp.filter(|e| *e <= today.checked_add_months(Months::new(12)).unwrap_or(today));
        if let Some(e) = soon {
            let from = NaiveDate::from_ymd_opt(e.year(), 1, 1)
                .unwrap_or(today)
                .max(today);
            steps.push(if gaps.is_empty() {
                format!(
                    "专精特新：资格将于{e}到期，请在{}申报复核（评价得分按登记数据为{}分）。",
                    swin.text_after(from),
                    sr.score.total
                )
            } else {
                format!(
                    "专精特新：资格将于{e}到期，请在{}申报复核；按最新数据复核将不符合：{}，申报前需补齐。",
                    swin.text_after(from),
                    gaps.join("；")
                )
            });
        } else if !gaps.is_empty() {
            let until = exp.map(|e| format!("（有效期至{e}）")).unwrap_or_default();
            steps.push(format!(
                "专精特新：已认定{until}，按最新数据复核将不符合：{}；请在有效期满复核前补齐。",
                gaps.join("；")
            ));
        }
    } else {
        let blocking: Vec<&eval::CheckItem> = sr
            .items
            .iter()
            .filter(|i| {
                i.status == Status::NotMet
                    && [
                        "independent_legal_person",
                        "restricted",
                        "dishonest_listed",
                        "serious_incident",
                    ]
                    .contains(&i.key.as_str())
            })
            .collect();
        if !blocking.is_empty() {
            steps.push(format!(
                "专精特新中小企业：{}（{}），不能申报。",
                blocking
                    .iter()
                    .map(|i| format!("{} {}", i.label.zh, i.figure.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("；"),
                blocking[0].cite
            ));
        } else if let Verdict::Qualifies { .. } = sr.verdict {
            // A direct route (附件2 一（四）) replaces the score: "已满足（评价得分59分）" read as
            // a contradiction of the 60-point mark printed in the table above.
            let direct: Vec<&str> = sr
                .direct
                .iter()
                .filter(|d| d.status == Status::Met)
                .map(|d| d.text.zh.as_str())
                .collect();
            let why = if direct.is_empty() {
                format!("评价得分{}分", sr.score.total)
            } else {
                format!("满足直接认定条件：{}", direct.join("；"))
            };
            steps.push(format!(
                "专精特新中小企业：认定条件已满足（{why}），可在{}向区县工业和信息化部门申报。",
                swin.text_after(today)
            ));
        } else {
            let parts = srdi_gaps(firm, sr);
            if !parts.is_empty() {
                // Years in the niche market only come with time: the first window to name is
                // the one open once the firm has them (a firm one year short cannot apply in
                // this year's window, whatever else it completes).
                let short_years = sr
                    .items
                    .iter()
                    .any(|i| i.key == "niche_years" && i.status == Status::NotMet)
                    .then(|| {
                        firm.facts
                            .niche_years
                            .map(|have| sr_rules.niche_years.min_years.saturating_sub(have))
                    })
                    .flatten()
                    .unwrap_or(0);
                let ready = today
                    .checked_add_months(Months::new(12 * short_years))
                    .unwrap_or(today);
                steps.push(format!(
                    "专精特新中小企业：{}。补齐后在{}申报。",
                    parts.join("；"),
                    swin.text_after(ready)
                ));
            }
        }
    }
}

/// What keeps the firm from 专精特新 on its latest figures: each condition not met (the score
/// with the indicators with most room), and the data to record.
fn srdi_gaps(firm: &Firm, sr: &eval::srdi::SrdiResult) -> Vec<String> {
    let mut parts: Vec<String> = vec![];
    for i in sr.items.iter().filter(|i| i.status == Status::NotMet) {
        if i.key == "score" {
            let growth_pending = firm
                .founded
                .zip(firm.latest_year())
                .is_some_and(|(d, y)| d.year() > y.year - 2);
            let mut weak: Vec<&eval::srdi::score::Indicator> = sr
                .score
                .indicators
                .iter()
                .filter(|x| {
                    x.missing.is_empty()
                        && x.points < x.max_points
                        && !["feature", "niche_years"].contains(&x.key.as_str())
                        // Growth over two years cannot be raised before the firm
                        // has three financial years.
                        && !(growth_pending && x.key == "main_growth")
                })
                .collect();
            weak.sort_by_key(|x| std::cmp::Reverse(x.max_points - x.points));
            parts.push(format!(
                "评价得分{}分，需≥{}分（差{}分）{}",
                sr.score.total,
                sr.score.min_score,
                sr.score.min_score - sr.score.total.min(sr.score.min_score),
                if weak.is_empty() {
                    String::new()
                } else {
                    format!(
                        "，提分空间较大的指标：{}",
                        weak.iter()
                            .take(3)
                            .map(|x| format!("{}（{}/{}分）", x.label.zh, x.points, x.max_points))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                }
            ));
        } else {
            parts.push(gap_text(i));
        }
    }
    let unknown: Vec<&eval::CheckItem> = sr
        .items
        .iter()
        .filter(|i| i.status == Status::Unknown)
        .collect();
    if !unknown.is_empty() {
        let scored = if unknown.iter().any(|i| i.key == "score") {
            "（评价指标缺数据项按0分计）"
        } else {
            ""
        };
        parts.push(format!("需补充登记{}{scored}", missing_names(&unknown)));
    }
    parts
}
