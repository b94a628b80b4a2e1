//! firm, need and visit commands: everything a coach records, from a script.

use crate::assign::apply_assignments;
use crate::assign::{keys, parse_enum};
use crate::out::{self, opt, wan, Ctx};
use crate::Outcome;
use anyhow::{anyhow, bail, Context};
use chrono::NaiveDate;
use clap::Subcommand;
use fudao_core::model::*;
use fudao_core::money::{parse_amount, DefaultUnit};
use fudao_store::Store;
use serde_json::Value;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum FirmCmd {
    /// 列出企业 (list firms)
    List {
        /// 按辅导队筛选 (team name or id)
        #[arg(long)]
        team: Option<String>,
        /// 按区县筛选 (district code or name, e.g. 历下)
        #[arg(long)]
        district: Option<String>,
        /// 只列首贷培植名单企业 (first-loan list only)
        #[arg(long)]
        first_loan: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// 查看企业 (show one firm: USCC, id or unique name; with its consistency warnings, in
    /// --json under the read-only key `warnings`)
    Show {
        firm: String,
        /// 以此日期为“今天”检查数据一致性 (check consistency as of this date, YYYY-MM-DD)
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// 搜索企业 (search by Chinese name fragment, USCC prefix or pinyin initials)
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// 新增企业 (add a firm; more fields as FIELD=VALUE)
    Add {
        #[arg(long)]
        uscc: String,
        #[arg(long)]
        name: String,
        /// 辅导队 (team name or id)
        #[arg(long)]
        team: Option<String>,
        /// FIELD=VALUE … (keys as printed by `firm show --json`)
        assignments: Vec<String>,
    },
    /// 修改企业字段 (set fields: FIELD=VALUE …; keys as printed by `firm show --json`;
    /// nested: ip.invention_patents=3, financials.2025.revenue=500万)
    Set {
        firm: String,
        #[arg(required = true)]
        assignments: Vec<String>,
    },
    /// 修改历史 (change history from the audit trail)
    History { firm: String },
}

#[derive(Subcommand)]
pub enum NeedCmd {
    /// 登记融资需求 (add a financing need)
    Add {
        firm: String,
        /// 金额 (amount; bare numbers are 万元: 500, 500万, 3000000元)
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "")]
        purpose: String,
        /// 期限（月） (term in months)
        #[arg(long)]
        term: Option<u32>,
        /// loan | equity | guarantee | insurance | bond (or 贷款, 股权融资 …)
        #[arg(long, default_value = "loan")]
        kind: String,
        /// 提出日期 (date raised, YYYY-MM-DD; default today)
        #[arg(long)]
        raised: Option<NaiveDate>,
        /// raised | matching | applied | approved | disbursed | partly_met | unmet | withdrawn
        #[arg(long, default_value = "raised")]
        status: String,
        /// 是否合理 (ruling: yes | no)
        #[arg(long)]
        reasonable: Option<String>,
        /// 不合理原因代码 (reason code when unreasonable, e.g. over_capacity)
        #[arg(long)]
        reason: Option<String>,
        /// 抵质押物 (collateral on hand; repeatable)
        #[arg(long)]
        collateral: Vec<String>,
    },
    /// 列出企业的融资需求 (list a firm's needs)
    List { firm: String },
    /// 修改融资需求字段 (set fields of a need by id: status=disbursed …)
    Set {
        id: Uuid,
        #[arg(required = true)]
        assignments: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum VisitCmd {
    /// 登记走访 (log a visit)
    Add {
        firm: String,
        /// 走访日期 (YYYY-MM-DD; default today)
        #[arg(long)]
        date: Option<NaiveDate>,
        /// on_site | phone | online (or 实地走访, 电话, 线上)
        #[arg(long, default_value = "on_site")]
        mode: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[arg(long, default_value = "")]
        findings: String,
        /// 跟进任务 "内容@截止日期[@负责人]" (follow-up task "title@YYYY-MM-DD[@owner]"; repeatable)
        #[arg(long)]
        task: Vec<String>,
        /// 辅导员 (coach username or id; repeatable)
        #[arg(long)]
        coach: Vec<String>,
    },
    /// 列出企业的走访记录 (list a firm's visits)
    List { firm: String },
}

// ---------------------------------------------------------------------------------------------

fn print_firm(s: &Store, f: &Firm) -> anyhow::Result<()> {
    let qual: Vec<String> = f
        .qualifications
        .iter()
        .map(|q| {
            format!(
                "{}{}",
                q.kind.label_zh(),
                q.expires
                    .map(|d| format!("（有效期至{d}）"))
                    .unwrap_or_default()
            )
        })
        .collect();
    let mut lists = vec![];
    if f.first_loan_list {
        lists.push("首贷培植名单");
    }
    if f.whitelist {
        lists.push("白名单");
    }
    if f.listing_reserve {
        lists.push("上市后备企业库");
    }
    println!("{}  {}", f.name, f.uscc);
    let mut t = out::table(&["项目 (field)", "内容 (value)"]);
    t.add_row(vec!["id".to_string(), f.id.to_string()]);
    t.add_row(vec![
        "所在区县".to_string(),
        f.district_name()
            .map(str::to_string)
            .unwrap_or_else(|| opt(&f.district)),
    ]);
    t.add_row(vec![
        "所属行业".to_string(),
        f.industry
            .as_deref()
            .map(|i| format!("{i} {}", fudao_core::region::industry_name(i).unwrap_or("")))
            .unwrap_or_else(|| "—".into()),
    ]);
    t.add_row(vec!["成立日期".to_string(), opt(&f.founded)]);
    t.add_row(vec![
        "注册资本（万元）".to_string(),
        wan(f.registered_capital),
    ]);
    t.add_row(vec![
        "职工 / 科技人员 / 高层次人才".to_string(),
        format!(
            "{} / {} / {}",
            opt(&f.staff),
            opt(&f.tech_staff),
            opt(&f.high_talents)
        ),
    ]);
    t.add_row(vec![
        "知识产权".to_string(),
        format!(
            "发明专利 {}，实用新型 {}，外观设计 {}，软件著作权 {}",
            f.ip.invention_patents, f.ip.utility_models, f.ip.designs, f.ip.software_copyrights
        ),
    ]);
    t.add_row(vec![
        "资质".to_string(),
        if qual.is_empty() {
            "—".into()
        } else {
            qual.join("、")
        },
    ]);
    t.add_row(vec![
        "名单".to_string(),
        if lists.is_empty() {
            "—".into()
        } else {
            lists.join("、")
        },
    ]);
    t.add_row(vec![
        "是否有过银行贷款".to_string(),
        f.ever_borrowed
            .map(|b| if b { "是" } else { "否" })
            .unwrap_or("—")
            .to_string(),
    ]);
    println!("{t}");
    if !f.financials.is_empty() {
        let mut t = out::table(&[
            "年度",
            "营业收入",
            "研发费用",
            "资产总额",
            "负债总额",
            "净利润",
        ]);
        for y in f.years_desc() {
            t.add_row(vec![
                y.year.to_string(),
                wan(y.revenue),
                wan(y.rd_expense),
                wan(y.total_assets),
                wan(y.liabilities),
                wan(y.net_profit),
            ]);
        }
        println!("财务数据（万元）\n{t}");
    }
    print_needs(&s.needs_of_firm(f.id)?);
    print_visits(&s.visits_of_firm(f.id)?);
    Ok(())
}

/// Consistency warnings, one line each, field named.
fn print_warnings(warnings: &[fudao_core::FieldError]) {
    if warnings.is_empty() {
        return;
    }
    println!("数据一致性警告 (consistency warnings)");
    for w in warnings {
        println!("  ⚠ [{}] {}", w.field, w.message.zh);
        println!("    {}", w.message.en);
    }
}

fn print_needs(needs: &[Need]) {
    if needs.is_empty() {
        println!("融资需求：暂无 (no financing needs)");
        return;
    }
    let mut t = out::table(&[
        "id",
        "提出日期",
        "金额（万元）",
        "类型",
        "用途",
        "状态",
        "认定",
        "已放款（万元）",
    ]);
    for n in needs {
        let ruling = match &n.ruling {
            None => "未认定".to_string(),
            Some(r) if r.reasonable => "合理".to_string(),
            Some(r) => format!("不合理（{}）", r.reason.map(|c| c.label_zh()).unwrap_or("")),
        };
        t.add_row(vec![
            n.id.to_string(),
            n.raised_on.to_string(),
            fudao_core::money::fmt_wan(n.amount),
            n.kind.label_zh().into(),
            n.purpose.clone(),
            n.status.label_zh().into(),
            ruling,
            fudao_core::money::fmt_wan(n.disbursed_amount()),
        ]);
    }
    println!("融资需求\n{t}");
}

fn print_visits(visits: &[Visit]) {
    if visits.is_empty() {
        println!("走访记录：暂无 (no visits)");
        return;
    }
    let mut t = out::table(&["日期", "方式", "发现", "跟进任务"]);
    for v in visits {
        let tasks: Vec<String> = v
            .tasks
            .iter()
            .map(|t| {
                format!(
                    "{}{}（{}前）",
                    if t.done { "✓" } else { "" },
                    t.title,
                    t.due
                )
            })
            .collect();
        t.add_row(vec![
            v.date.to_string(),
            v.mode.label_zh().into(),
            v.findings.clone(),
            tasks.join("；"),
        ]);
    }
    println!("走访记录\n{t}");
}

/// `firm list` as a table with the count below.
fn print_firm_list(firms: &[Firm]) {
    let mut t = out::table(&[
        "统一社会信用代码",
        "企业名称",
        "区县",
        "行业",
        "职工",
        "首贷培植",
    ]);
    for f in firms {
        t.add_row(vec![
            f.uscc.clone(),
            f.name.clone(),
            f.district_name().unwrap_or("—").into(),
            opt(&f.industry),
            opt(&f.staff),
            if f.first_loan_list { "是" } else { "" }.into(),
        ]);
    }
    println!("{t}\n共 {} 家 (firms)", firms.len());
}

/// `firm search` hits as a table (the caller handles "no hits").
fn print_search_hits(hits: &[fudao_store::FirmHit]) {
    let mut t = out::table(&["统一社会信用代码", "企业名称", "区县", "匹配"]);
    for h in hits {
        t.add_row(vec![
            h.uscc.clone(),
            h.name.clone(),
            h.district
                .as_deref()
                .and_then(fudao_core::region::district_name)
                .unwrap_or("—")
                .into(),
            h.matched.into(),
        ]);
    }
    println!("{t}");
}

/// `firm history`: the firm's audit trail as a table.
fn print_firm_history(h: &[fudao_store::AuditEntry]) {
    let mut t = out::table(&["时间", "字段", "原值", "新值", "来源", "设备"]);
    for e in h {
        let show = |v: &Option<Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
        t.add_row(vec![
            e.at.clone(),
            e.field.clone(),
            show(&e.old),
            show(&e.new),
            e.source.clone(),
            e.device_id.chars().take(8).collect(),
        ]);
    }
    println!("{t}");
}

pub fn firm(ctx: &Ctx, cmd: FirmCmd) -> anyhow::Result<Outcome> {
    match cmd {
        FirmCmd::List {
            team,
            district,
            first_loan,
            limit,
        } => {
            let s = ctx.open()?;
            let team_id = team
                .as_deref()
                .map(|t| crate::cmd_data::resolve_team(&s, t))
                .transpose()?
                .map(|t| t.id);
            let district = district
                .as_deref()
                .map(|d| {
                    fudao_core::region::district_code(d)
                        .map(str::to_string)
                        .ok_or_else(|| anyhow!("未知区县“{d}” (unknown district)"))
                })
                .transpose()?;
            let q = fudao_ops::records::FirmQuery {
                team_id,
                district,
                first_loan,
                limit,
            };
            let firms = fudao_ops::records::list_firms(&s, &q)?;
            if ctx.json {
                out::print_json(&firms)?;
            } else {
                print_firm_list(&firms);
            }
        }
        FirmCmd::Show { firm, today } => {
            let s = ctx.open()?;
            let f = s.find_firm(&firm)?;
            let today = today.unwrap_or_else(crate::cmd_data::today);
            // The firm's fields and its dated history (needs, visits, feedback).
            let warnings = fudao_ops::records::firm_warnings(&s, &f, today)?;
            if ctx.json {
                let mut v = serde_json::to_value(&f)?;
                if let Value::Object(m) = &mut v {
                    m.insert("warnings".into(), serde_json::to_value(&warnings)?);
                }
                out::print_json(&v)?;
            } else {
                print_firm(&s, &f)?;
                print_warnings(&warnings);
            }
        }
        FirmCmd::Search { query, limit } => {
            let s = ctx.open()?;
            let hits = s.search_firms(&query, limit)?;
            if ctx.json {
                out::print_json(&hits)?;
            } else if hits.is_empty() {
                println!("未找到匹配“{query}”的企业 (no firm matches)");
            } else {
                print_search_hits(&hits);
            }
        }
        FirmCmd::Add {
            uscc,
            name,
            team,
            assignments,
        } => {
            let mut s = ctx.open()?;
            let mut f = Firm::new(Uuid::now_v7(), &uscc, &name);
            f.team_id = team
                .as_deref()
                .map(|t| crate::cmd_data::resolve_team(&s, t))
                .transpose()?
                .map(|t| t.id);
            let (f, _) =
                fudao_ops::records::save_firm(&mut s, apply_assignments(&f, &assignments)?)?;
            if ctx.json {
                out::print_json(&f)?;
            } else {
                println!("已新增企业 (firm added): {} {} id={}", f.uscc, f.name, f.id);
            }
        }
        FirmCmd::Set { firm, assignments } => {
            let mut s = ctx.open()?;
            let (updated, o) = fudao_ops::records::edit_firm(&mut s, &firm, |f| {
                apply_assignments(f, &assignments)
            })?;
            if ctx.json {
                out::print_json(&serde_json::json!({ "id": updated.id, "changed": o.changed }))?;
            } else if o.changed.is_empty() {
                println!("无变化 (nothing changed)");
            } else {
                println!(
                    "已更新 (updated) {}: {}",
                    updated.name,
                    o.changed.join(", ")
                );
            }
        }
        FirmCmd::History { firm } => {
            let s = ctx.open()?;
            let f = s.find_firm(&firm)?;
            let h = s.audit_of(EntityKind::Firm, f.id)?;
            if ctx.json {
                out::print_json(&h)?;
            } else {
                print_firm_history(&h);
            }
        }
    }
    Ok(Outcome::Ok)
}

pub fn need(ctx: &Ctx, cmd: NeedCmd) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    match cmd {
        NeedCmd::Add {
            firm,
            amount,
            purpose,
            term,
            kind,
            raised,
            status,
            reasonable,
            reason,
            collateral,
        } => {
            let f = s.find_firm(&firm)?;
            let amount = parse_amount(&amount, DefaultUnit::Wan)
                .ok_or_else(|| anyhow!("金额“{amount}”无效 (invalid amount)"))?;
            let kind = parse_enum(
                "融资类型 (kind)",
                &kind,
                FinancingKind::parse,
                &keys(FinancingKind::ALL, FinancingKind::key),
            )?;
            let status = parse_enum(
                "状态 (status)",
                &status,
                NeedStatus::parse,
                &keys(NeedStatus::ALL, NeedStatus::key),
            )?;
            let ruling = match reasonable.as_deref().map(str::trim) {
                None => None,
                Some("yes" | "是" | "合理" | "true" | "y") => Some(Ruling {
                    reasonable: true,
                    reason: None,
                    note: String::new(),
                }),
                Some("no" | "否" | "不合理" | "false" | "n") => Some(Ruling {
                    reasonable: false,
                    reason: reason
                        .as_deref()
                        .map(|r| {
                            parse_enum(
                                "原因 (reason)",
                                r,
                                ReasonCode::parse,
                                &keys(ReasonCode::ALL, ReasonCode::key),
                            )
                        })
                        .transpose()?,
                    note: String::new(),
                }),
                Some(other) => {
                    bail!("--reasonable 应为 yes 或 no (expected yes or no), got “{other}”")
                }
            };
            let new = fudao_ops::records::NewNeed {
                amount,
                purpose,
                term_months: term,
                kind,
                collateral,
                raised_on: raised.unwrap_or_else(crate::cmd_data::today),
                status,
                ruling,
            };
            let n = fudao_ops::records::add_need(&mut s, &f, new)?;
            if ctx.json {
                out::print_json(&n)?;
            } else {
                println!(
                    "已登记融资需求 (need added): {} {}万元 id={}",
                    f.name,
                    fudao_core::money::fmt_wan(n.amount),
                    n.id
                );
            }
        }
        NeedCmd::List { firm } => {
            let f = s.find_firm(&firm)?;
            let needs = s.needs_of_firm(f.id)?;
            if ctx.json {
                out::print_json(&needs)?;
            } else {
                print_needs(&needs);
            }
        }
        NeedCmd::Set { id, assignments } => {
            let (_, o) =
                fudao_ops::records::edit_need(&mut s, id, |n| apply_assignments(n, &assignments))?;
            if ctx.json {
                out::print_json(&serde_json::json!({ "id": id, "changed": o.changed }))?;
            } else {
                println!("已更新融资需求 (need updated): {}", o.changed.join(", "));
            }
        }
    }
    Ok(Outcome::Ok)
}

pub fn visit(ctx: &Ctx, cmd: VisitCmd) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    match cmd {
        VisitCmd::Add {
            firm,
            date,
            mode,
            notes,
            findings,
            task,
            coach,
        } => {
            let f = s.find_firm(&firm)?;
            let mode = parse_enum(
                "走访方式 (mode)",
                &mode,
                VisitMode::parse,
                &keys(VisitMode::ALL, VisitMode::key),
            )?;
            let date = date.unwrap_or_else(crate::cmd_data::today);
            let mut tasks = vec![];
            for t in &task {
                let mut parts = t.splitn(3, '@');
                let title = parts.next().unwrap_or_default().trim().to_string();
                let due = parts
                    .next()
                    .ok_or_else(|| anyhow!("跟进任务“{t}”缺少截止日期，格式为 内容@YYYY-MM-DD (task needs a due date: title@YYYY-MM-DD)"))?
                    .trim()
                    .parse::<NaiveDate>()
                    .with_context(|| format!("跟进任务“{t}”的截止日期无效 (invalid due date)"))?;
                let owner = parts.next().unwrap_or_default().trim().to_string();
                tasks.push(FollowUpTask {
                    title,
                    owner,
                    due,
                    done: false,
                });
            }
            let mut coach_ids = vec![];
            for c in &coach {
                coach_ids.push(fudao_ops::records::find_user(&s, c)?.id);
            }
            let new = fudao_ops::visits::NewVisit {
                date,
                mode,
                coach_ids,
                notes,
                findings,
                tasks,
            };
            let v = fudao_ops::visits::add_visit(&mut s, &f, new)?;
            if ctx.json {
                out::print_json(&v)?;
            } else {
                println!(
                    "已登记走访 (visit logged): {} {} id={}",
                    f.name, v.date, v.id
                );
            }
        }
        VisitCmd::List { firm } => {
            let f = s.find_firm(&firm)?;
            let visits = s.visits_of_firm(f.id)?;
            if ctx.json {
                out::print_json(&visits)?;
            } else {
                print_visits(&visits);
            }
        }
    }
    Ok(Outcome::Ok)
}
