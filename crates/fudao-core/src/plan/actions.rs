//! Section 七 (行动计划): dated tasks with owners from the packages, measures and visits.

use super::*;

/// Whether a follow-up task and a measure are about the same thing (shown once).
pub(super) fn same_topic(task: &str, measure: &str) -> bool {
    const GROUPS: &[&[&str]] = &[
        &["财务报表", "会计核算", "审计", "财务数据"],
        &["辅助账", "研发费用归集"],
        // Clearing an overdue loan is the credit-report measure's own step (逾期, 信用记录).
        &["征信", "信用报告", "逾期", "信用记录"],
        &["资质", "科技型中小企业", "高新技术企业", "专精特新"],
        &["负债", "资产负债率"],
        // Obtaining a Class-I item is the IP measure's own step ("知识产权" alone is not a
        // topic: a pledge of IP is a financing step).
        &["知识产权布局", "Ⅰ类知识产权", "发明专利"],
    ];
    if task == measure || task.contains(measure) || measure.contains(task) {
        return true;
    }
    if GROUPS
        .iter()
        .any(|g| g.iter().any(|k| task.contains(k)) && g.iter().any(|k| measure.contains(k)))
    {
        return true;
    }
    super::text::share_a_run(task, measure)
}

/// A step's text without its amount ("不少于{N}万元"), and that amount in 万元 (0 when none):
/// steps that differ only by it are the same step.
fn threshold_of(step: &str) -> (String, f64) {
    let Some((head, rest)) = step.split_once("不少于") else {
        return (step.to_string(), 0.0);
    };
    let Some((num, tail)) = rest.split_once("万元") else {
        return (step.to_string(), 0.0);
    };
    match num.replace(',', "").parse::<f64>() {
        Ok(n) => (format!("{head}不少于…万元{tail}"), n),
        Err(_) => (step.to_string(), 0.0),
    }
}

/// The date from which a measure says the task can be done ("请于2027-01-01起…"), read from
/// the measure's lines about the task's subject (a shared run of five characters, e.g.
/// 科技型中小企业): the roadmap speaks of several qualifications, each with its own dates.
fn start_date_for(task: &str, measure_text: &str) -> Option<NaiveDate> {
    measure_text
        .lines()
        .filter(|line| super::text::share_a_run(task, line))
        .flat_map(super::text::dates_in)
        .filter(|d| d.after.starts_with('起'))
        .map(|d| d.date)
        .min()
}

// Long (~190 lines) on purpose: one list built in its priority order (overdue follow-ups,
// packages, measures, follow-ups not yet due, cultivation steps, first loan) through shared
// de-duplication closures; the order is the rule, so it reads best top to bottom.
pub(super) fn compose_actions(
    firm: &Firm,
    credit: &CreditSection,
    needs: &[&Need],
    visits: &[Visit],
    measures: &[Measure],
    today: NaiveDate,
) -> Vec<ActionItem> {
    let horizon = plan_horizon(today);
    let d = |days: u64| (today + Days::new(days)).min(horizon);
    let mut out: Vec<ActionItem> = vec![];
    let push = |a: ActionItem, out: &mut Vec<ActionItem>| {
        if !out.iter().any(|x| x.task == a.task) {
            out.push(a);
        }
    };
    let item = |task: String, owner: &str, due: NaiveDate, source: &str| ActionItem {
        task,
        owner: owner.to_string(),
        due,
        overdue_since: None,
        source: source.to_string(),
    };

    // Open visit follow-ups, once each (the earliest due date of a repeated title). A task
    // past its date is carried over as 逾期 with its original date and a new one in two weeks.
    let mut follow: Vec<(String, String, NaiveDate)> = vec![];
    for t in visits.iter().flat_map(|v| &v.tasks).filter(|t| !t.done) {
        let title = t.title.trim().to_string();
        if title.is_empty() {
            continue;
        }
        let owner = if t.owner.trim().is_empty() {
            "辅导员".to_string()
        } else {
            t.owner.trim().to_string()
        };
        match follow.iter_mut().find(|(x, _, _)| *x == title) {
            Some(f) if t.due < f.2 => *f = (title, owner, t.due),
            Some(_) => {}
            None => follow.push((title, owner, t.due)),
        }
    }
    follow.sort_by_key(|f| f.2);
    let mut follow_items: Vec<ActionItem> = follow
        .into_iter()
        .map(|(title, owner, due)| {
            let mut a = item(title, &owner, due.min(horizon), "走访跟进");
            if due < today {
                a.overdue_since = Some(due);
                a.due = d(14);
            }
            a
        })
        .collect();
    // Overdue ones first: they must not be lost when the list is cut.
    for a in follow_items.iter().filter(|a| a.overdue_since.is_some()) {
        push(a.clone(), &mut out);
    }

    // Apply for each package's first product; for a need nothing fits, its next step.
    for p in &credit.packages {
        let task = match p.items.first() {
            Some(i) => format!(
                "向{}提交“{}”申请材料（对应{}）",
                if i.branch.is_empty() {
                    &i.institution
                } else {
                    &i.branch
                },
                i.product_name,
                p.need
            ),
            None => format!("{}（对应{}）", p.next_step, p.need),
        };
        let owner = if p.items.is_empty() {
            "辅导员"
        } else {
            "企业财务负责人、辅导员"
        };
        push(
            item(task, owner, p.next_due.min(horizon), "信贷支持"),
            &mut out,
        );
    }
    // Needs already with a lender: section 五 says the coach follows them up; so does the plan.
    for n in in_process(needs.iter().copied()) {
        let what = if n.status == NeedStatus::Approved {
            "放款"
        } else {
            "审批和放款"
        };
        push(
            item(
                format!("跟进{}的{what}进度", need_label(n)),
                "辅导员",
                d(14),
                "信贷支持",
            ),
            &mut out,
        );
    }

    // Measures of section 四, each once; a follow-up task on the same topic stands for it.
    for m in measures {
        let dup = follow_items
            .iter_mut()
            .find(|a| same_topic(&a.task, &m.title));
        if let Some(a) = dup {
            a.source = "走访跟进、财务管理".to_string();
            // Not due before the measure says it can be done: a follow-up "申报科技型中小企业
            // 评价" is not due on 19 December when the roadmap says re-registration opens on
            // 1 January.
            if let Some(start) = start_date_for(&a.task, &m.text).filter(|s| *s > a.due) {
                a.due = start.min(horizon);
            }
            if let Some(x) = out.iter_mut().find(|x| x.task == a.task) {
                x.source = a.source.clone();
                x.due = a.due;
            }
            continue;
        }
        let (due, owner) = match m.title.as_str() {
            "规范会计核算" => (d(60), "企业财务负责人"),
            "建立研发费用辅助账" => (d(45), "企业财务负责人"),
            // Due when the measure's text says (clear the overdue by …, query the report by …).
            "查询并维护企业征信" => (
                earliest_date_from(&m.text, today).map_or(d(14), |x| x.min(horizon)),
                "辅导员、企业",
            ),
            // The roadmap's own dates (评价入库 by 31 December, an application window, a
            // deadline to fix a condition): the task is due by the earliest of them.
            "资质培育路线" => (
                earliest_date_from(&m.text, today).map_or(d(180), |x| x.min(d(180))),
                "企业",
            ),
            _ => (d(180), "企业"),
        };
        push(
            item(
                format!("落实财务管理措施：{}", m.title),
                owner,
                due,
                "财务管理",
            ),
            &mut out,
        );
    }
    // Follow-ups not yet due.
    for a in follow_items
        .into_iter()
        .filter(|a| a.overdue_since.is_none())
    {
        push(a, &mut out);
    }

    // Cultivation steps from near misses: one task per distinct step, naming every product
    // it opens ("结清逾期…后可申请甲、乙"). Waiting for a date (founding anniversary) is not a
    // task, and a step already covered by a measure is not repeated.
    let mut steps: Vec<(String, Vec<String>, usize)> = vec![];
    for (i, item) in credit.near_misses.iter().enumerate() {
        for m in &item.missing {
            let stem = m
                .split_once("后可申请")
                .map(|(a, _)| a.to_string())
                .unwrap_or_else(|| m.clone());
            if stem.starts_with("成立满") {
                continue;
            }
            // The same step with another product's threshold ("…不少于50万元" and "…不少于
            // 100万元" of receivables) is one task, asking for the larger.
            let (key, floor) = threshold_of(&stem);
            match steps.iter_mut().find(|(s, _, _)| threshold_of(s).0 == key) {
                Some((s, products, _)) => {
                    products.push(item.product_name.clone());
                    if floor > threshold_of(s).1 {
                        *s = stem;
                    }
                }
                None => steps.push((stem, vec![item.product_name.clone()], i)),
            }
        }
    }
    for (stem, products, i) in steps {
        if measures.iter().any(|m| same_topic(&stem, &m.title))
            || out
                .iter()
                .any(|a| same_topic(&a.task, &stem) && a.source.contains("走访"))
        {
            continue;
        }
        let data_task = stem.contains("补充") || stem.contains("核实") || stem.contains("查询");
        let task = if stem.starts_with("需") || data_task {
            format!("{stem}（涉及：{}）", products.join("、"))
        } else {
            format!("{stem}后可申请{}", products.join("、"))
        };
        push(
            item(
                task,
                if data_task {
                    "辅导员、企业"
                } else {
                    "企业"
                },
                d(if data_task { 30 } else { 90 + 30 * i as u64 }),
                "产品培育",
            ),
            &mut out,
        );
    }
    if firm.is_first_loan_candidate() && !firm.first_loan_list {
        push(
            item(
                "推荐列入首贷培植名单".to_string(),
                "辅导员",
                d(30),
                "首贷培育",
            ),
            &mut out,
        );
    }
    out.truncate(MAX_ACTIONS);
    out.sort_by_key(|a| a.due);
    out
}
