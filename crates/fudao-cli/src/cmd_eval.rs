//! `fudao eval` (designations and risk grade of one firm or all firms), `fudao kpi`
//! (programme KPIs for the city, a team or a coach over a period) and `fudao export kpi`
//! (the KPI tables as a formatted .xlsx workbook).
//!
//! Thin: load rows from the store, call `fudao_core::eval` / `fudao_core::kpi`, print.

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::Context;
use chrono::NaiveDate;
use fudao_core::eval::{self, CheckItem, FirmEvaluation, RuleBook, Status, Verdict};
use fudao_core::kpi::{self, KpiReport, Rate};
use fudao_core::money::fmt_wan;
use fudao_ops::kpi::{self as ops_kpi, KpiQuery};
use fudao_store::Store;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// 企业：统一社会信用代码、名称或ID (firm: USCC, name or id)
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub firm: Option<String>,
    /// 评估全部企业并汇总 (evaluate every firm and print a summary)
    #[arg(long)]
    pub all: bool,
    /// 评估日期，默认今天 (evaluation date, YYYY-MM-DD; default today)
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// 追加规则文件（新年度标准），可重复 (extra rule file, e.g. a new year's thresholds; repeatable)
    #[arg(long = "rules", value_name = "FILE.json")]
    pub rules: Vec<PathBuf>,
}

#[derive(clap::Args, Clone)]
pub struct KpiArgs {
    /// 辅导队：名称或ID (team name or id)
    #[arg(long, conflicts_with = "coach")]
    pub team: Option<String>,
    /// 辅导员：用户名、姓名或ID (coach username, name or id)
    #[arg(long)]
    pub coach: Option<String>,
    /// 起始日期（含），默认当年1月1日 (first day, inclusive; default 1 January of --to's year)
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// 截止日期（含），默认今天 (last day, inclusive; default today)
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// 计算日期，默认今天 (the date the follow-up window is measured from; default today)
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// 跟进期（天）：超过此天数仍未办结的合理需求计入分母 (follow-up window in days)
    #[arg(long, default_value_t = kpi::DEFAULT_FOLLOW_UP_DAYS)]
    pub follow_up_days: i64,
}

fn today_or(d: Option<NaiveDate>) -> NaiveDate {
    d.unwrap_or_else(|| chrono::Local::now().date_naive())
}

// ---------------------------------------------------------------------------------------------
// eval

pub fn eval_cmd(ctx: &Ctx, a: EvalArgs) -> anyhow::Result<Outcome> {
    let s = ctx.open()?;
    let today = today_or(a.today);
    let mut book = RuleBook::builtin().clone();
    for p in &a.rules {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("读取规则文件失败 (cannot read rule file) {}", p.display()))?;
        book.add_json(&text)
            .with_context(|| format!("规则文件无效 (invalid rule file) {}", p.display()))?;
    }
    let book = &book;
    if a.all {
        return eval_all(ctx, &s, today, book);
    }
    let key = a.firm.unwrap_or_default();
    let firm = s.find_firm(&key)?;
    let e = eval::evaluate(&firm, today, book);
    if ctx.json {
        out::print_json(&e)?;
    } else {
        print_evaluation(&e);
    }
    Ok(Outcome::Ok)
}

fn status_cell(s: Status) -> String {
    let mark = match s {
        Status::Met => "✔",
        Status::NotMet => "✘",
        Status::Unknown => "?",
    };
    format!("{mark} {}", s.label_zh())
}

fn dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn checklist(items: &[CheckItem]) -> comfy_table::Table {
    let mut t = out::table(&[
        "项目 item",
        "企业数据 figure",
        "要求 required",
        "差距 gap",
        "结果 status",
        "依据 clause",
    ]);
    for i in items {
        let gap = match (&i.gap, i.status) {
            (Some(g), _) => g.zh.clone(),
            (None, Status::Unknown) => format!(
                "缺：{}",
                i.missing
                    .iter()
                    .map(|m| m.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            _ => "—".into(),
        };
        t.add_row(vec![
            i.label.zh.clone(),
            dash(&i.figure),
            i.required.clone(),
            gap,
            status_cell(i.status),
            i.cite.clone(),
        ]);
    }
    t
}

fn verdict_line(v: &Verdict) -> String {
    match v {
        Verdict::Qualifies { route } => format!("结论 verdict: ✔ 符合 qualifies — {}", route.zh),
        Verdict::DoesNotQualify { reasons } => format!(
            "结论 verdict: ✘ 不符合 does not qualify — {}",
            reasons
                .iter()
                .map(|r| r.zh.as_str())
                .collect::<Vec<_>>()
                .join("；")
        ),
        Verdict::CannotTell { missing } => format!(
            "结论 verdict: ? 无法判断 cannot tell — 缺少 missing: {}",
            missing
                .iter()
                .map(|m| m.zh.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

fn print_evaluation(e: &FirmEvaluation) {
    println!("{}  {}  评估日期 (as of) {}", e.firm_name, e.uscc, e.today);
    print_tech_sme(&e.tech_sme);
    print_high_tech(&e.high_tech);
    print_srdi(&e.srdi);
    print_risk(&e.risk);
}

/// The tech-SME section: verdict, conditions, indicator score table, direct qualification.
fn print_tech_sme(t: &eval::tech_sme::TechSmeResult) {
    println!();
    println!(
        "■ 科技型中小企业 Tech SME — {} {}（{}年版），财务年度 financial year: {}",
        t.rule_set.document,
        t.rule_set.name_zh,
        t.rule_set.year,
        t.financial_year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "—".into())
    );
    println!("{}", verdict_line(&t.verdict));
    println!("基本条件 conditions:");
    println!("{}", checklist(&t.conditions));
    println!("评价指标 indicators:");
    let mut it = out::table(&[
        "指标 indicator",
        "企业数据 figure",
        "档位 band",
        "得分 points",
        "满分 max",
        "提升 next band",
        "依据 clause",
    ]);
    for i in &t.indicators {
        let pts = match i.points {
            Some(p) => p.to_string(),
            None => format!("{}–{}?", i.points_min, i.points_max),
        };
        it.add_row(vec![
            i.label.zh.clone(),
            dash(&i.figure),
            dash(&i.band),
            pts,
            i.max_points.to_string(),
            i.next_band
                .as_ref()
                .map(|m| m.zh.clone())
                .unwrap_or_else(|| "—".into()),
            i.cite.clone(),
        ]);
    }
    let total = match t.total {
        Some(x) => x.to_string(),
        None => format!("{}–{}", t.total_min, t.total_max),
    };
    it.add_row(vec![
        "合计 total".to_string(),
        String::new(),
        format!("需 ≥ {}", t.pass_total),
        total,
        "100".into(),
        String::new(),
        String::new(),
    ]);
    println!("{it}");
    println!("直接认定 direct qualification:");
    println!("{}", checklist(&t.direct));
    for n in &t.notes {
        println!("注 note: {}", n.zh);
    }
}

/// The high-tech enterprise section: verdict and checklist with details.
fn print_high_tech(h: &eval::high_tech::HighTechResult) {
    println!();
    println!(
        "■ 高新技术企业 High-tech — {} {}（{}年版）{}",
        h.rule_set.document,
        h.rule_set.name_zh,
        h.rule_set.year,
        if h.certified {
            "［已持有有效证书 certified］"
        } else {
            ""
        }
    );
    println!("{}", verdict_line(&h.verdict));
    println!("{}", checklist(&h.items));
    for i in h.items.iter().filter(|i| i.detail.is_some()) {
        if let Some(d) = &i.detail {
            println!("  {}：{}", i.label.zh, d.zh);
        }
    }
}

/// The SRDI ("specialised, refined, distinctive, innovative") SME section.
fn print_srdi(r: &eval::srdi::SrdiResult) {
    println!();
    println!(
        "■ 专精特新中小企业 SRDI SME — {} {}（{}年版）",
        r.rule_set.document, r.rule_set.name_zh, r.rule_set.year
    );
    println!("{}", verdict_line(&r.verdict));
    println!("{}", checklist(&r.items));
    for n in &r.notes {
        println!("注 note: {}", n.zh);
    }
}

/// The risk scorecard section: score and grade, factor table, group sums, grade cut-offs.
fn print_risk(k: &eval::risk::RiskResult) {
    println!();
    println!(
        "■ 风险评分 Risk scorecard — {}（{}）：{} 分 / {}，等级 grade {}（{}）{}",
        k.rule_set.name_zh,
        k.rule_set.version,
        k.score,
        k.max_score,
        k.grade,
        k.grade_label.zh,
        if k.complete {
            String::new()
        } else {
            format!(
                "；缺数据项按0分计，补齐后最高可达 {}（+{} 分）",
                k.best_case_grade, k.missing_points
            )
        }
    );
    let mut rt = out::table(&[
        "因素 factor",
        "企业数据 figure",
        "档位 band",
        "得分 points",
        "满分 max",
        "说明 reason",
        "依据 clause",
    ]);
    for f in &k.factors {
        rt.add_row(vec![
            f.label.zh.clone(),
            dash(&f.figure),
            dash(&f.band),
            f.points
                .map(|p| p.to_string())
                .unwrap_or_else(|| "缺 missing".into()),
            f.max_points.to_string(),
            f.reason.zh.clone(),
            f.cite.clone(),
        ]);
    }
    println!("{rt}");
    let groups: Vec<String> = k
        .groups
        .iter()
        .map(|g| format!("{} {}/{}", g.label.zh, g.points, g.max_points))
        .collect();
    println!("分组 groups: {}", groups.join("，"));
    let cut: Vec<String> = k
        .cutoffs
        .iter()
        .map(|(g, s)| format!("{g} ≥ {s}"))
        .collect();
    println!("等级划分 cut-offs: {}", cut.join("，"));
}

fn eval_all(ctx: &Ctx, s: &Store, today: NaiveDate, book: &RuleBook) -> anyhow::Result<Outcome> {
    let pb = out::progress(0, "评估 evaluating");
    let sum = fudao_ops::eval::evaluate_all(s, today, book, &mut |_, total| {
        pb.set_length(total as u64);
        pb.inc(1);
    })?;
    pb.finish_and_clear();
    if ctx.json {
        out::print_json(&sum)?;
        return Ok(Outcome::Ok);
    }
    println!("评估日期 (as of) {today}，企业 {} 家 (firms)", sum.firms);
    let mut t = out::table(&[
        "认定 designation",
        "符合 qualifies",
        "不符合 does not",
        "缺数据 cannot tell",
    ]);
    for (name, c) in [
        ("科技型中小企业 Tech SME", &sum.tech_sme),
        ("高新技术企业 High-tech", &sum.high_tech),
        ("专精特新中小企业 SRDI SME", &sum.srdi),
    ] {
        t.add_row(vec![
            name.to_string(),
            c.qualifies.to_string(),
            c.does_not_qualify.to_string(),
            c.cannot_tell.to_string(),
        ]);
    }
    println!("{t}");
    let mut g = out::table(&["风险等级 grade", "企业数 firms", "占比 share"]);
    for (grade, n) in &sum.risk_grades {
        let share = Rate::of(*n as i64, sum.firms as i64)
            .map(|r| r.display())
            .unwrap_or_else(|| "—".into());
        g.add_row(vec![grade.clone(), n.to_string(), share]);
    }
    println!("{g}");
    println!(
        "其中 {} 家有缺数据的风险因素（按0分计）(firms with missing risk data, scored conservatively)",
        sum.risk_incomplete
    );
    Ok(Outcome::Ok)
}

// ---------------------------------------------------------------------------------------------
// kpi

/// The use case's query of the command line's options.
fn query(a: &KpiArgs) -> KpiQuery {
    KpiQuery {
        team: a.team.clone(),
        coach: a.coach.clone(),
        from: a.from,
        to: a.to,
        today: today_or(a.today),
        follow_up_days: a.follow_up_days,
    }
}

fn rate_cells(r: &Option<Rate>) -> [String; 3] {
    match r {
        Some(r) => [
            r.display(),
            r.numerator.to_string(),
            r.denominator.to_string(),
        ],
        None => ["—".into(), "—".into(), "0".into()],
    }
}

/// The overview rows: (indicator, value, numerator, denominator, note).
fn overview_rows(r: &KpiReport) -> Vec<[String; 5]> {
    let c = &r.coached_firms;
    let n = &r.need_satisfaction;
    let row = |name: &str, rate: &Option<Rate>, note: String| {
        let [v, a, b] = rate_cells(rate);
        [name.to_string(), v, a, b, note]
    };
    vec![
        [
            "辅导企业数 coached firms".into(),
            c.current.count.to_string(),
            String::new(),
            String::new(),
            "期内至少走访1次 (≥ 1 visit in the period)".into(),
        ],
        [
            "上期辅导企业数 previous period".into(),
            c.previous.count.to_string(),
            String::new(),
            String::new(),
            format!("{} – {}", c.previous_from, c.previous_to),
        ],
        row(
            "辅导企业增长率 growth",
            &c.growth,
            "目标 target ≥ 30%/年".into(),
        ),
        row(
            "合理需求满足率 reasonable-need satisfaction",
            &n.rate,
            format!(
                "待跟进 pending {}；跟进期 {} 天；目标 100%",
                n.pending_need_ids.len(),
                n.follow_up_days
            ),
        ),
        row(
            "金额满足率 amount ratio",
            &n.amount_ratio,
            format!(
                "放款 {} / 需求 {} 万元",
                fmt_wan(n.disbursed),
                fmt_wan(n.requested)
            ),
        ),
        row(
            "满意率 satisfaction",
            &r.satisfaction.rate,
            format!(
                "满意 {}，基本满意 {}，不满意 {}；目标 100%",
                r.satisfaction.satisfied, r.satisfaction.basic, r.satisfaction.unsatisfied
            ),
        ),
        row(
            "企业反馈需求已满足 need met (firms' answers)",
            &r.satisfaction.need_met.rate,
            format!(
                "是 yes {}，否 no {}，未答 unanswered {}",
                r.satisfaction.need_met.yes,
                r.satisfaction.need_met.no,
                r.satisfaction.need_met.unanswered
            ),
        ),
        row(
            "首贷率 first-loan rate",
            &r.first_loan.rate,
            "首贷培植名单 first-loan list".into(),
        ),
        row(
            "信用贷款占比（笔数）credit share by count",
            &r.credit_share.by_count,
            String::new(),
        ),
        row(
            "信用贷款占比（金额）credit share by amount",
            &r.credit_share.by_amount,
            String::new(),
        ),
        [
            "辅导队数 teams".into(),
            r.teams.count.to_string(),
            String::new(),
            String::new(),
            "全市目标 ≥ 200 (city target)".into(),
        ],
        [
            "队均辅导企业数 coached firms per team".into(),
            r.teams
                .coached_per_team
                .map(|a| format!("{:.2}", a.value))
                .unwrap_or_else(|| "—".into()),
            r.teams
                .coached_per_team
                .map(|a| a.numerator.to_string())
                .unwrap_or_default(),
            r.teams
                .coached_per_team
                .map(|a| a.denominator.to_string())
                .unwrap_or_default(),
            String::new(),
        ],
    ]
}

pub fn kpi_cmd(ctx: &Ctx, a: KpiArgs) -> anyhow::Result<Outcome> {
    let s = ctx.open()?;
    let (r, l) = ops_kpi::compute(&s, &query(&a))?;
    if ctx.json {
        out::print_json(&r)?;
        return Ok(Outcome::Ok);
    }
    println!(
        "{}，期间 period {} – {}（计算日 as of {}）",
        ops_kpi::scope_label(&r, &l),
        r.params.from,
        r.params.to,
        r.params.today
    );
    let mut t = out::table(&[
        "指标 indicator",
        "数值 value",
        "分子 numerator",
        "分母 denominator",
        "说明 note",
    ]);
    for row in overview_rows(&r) {
        t.add_row(row.to_vec());
    }
    println!("{t}");
    if !r.need_satisfaction.unmet_reasons.is_empty() {
        let mut u = out::table(&["未满足原因 unmet reason", "笔数 needs"]);
        for x in &r.need_satisfaction.unmet_reasons {
            u.add_row(vec![
                format!("{} ({})", x.label.zh, x.label.en),
                x.count.to_string(),
            ]);
        }
        println!("{u}");
    }
    for (title, groups) in [
        ("产品类型 product kind", &r.loans_by_kind),
        ("金融机构 institution", &r.loans_by_institution),
    ] {
        if groups.is_empty() {
            continue;
        }
        let mut g = out::table(&[title, "笔数 count", "金额（万元）amount", "企业数 firms"]);
        for x in groups {
            g.add_row(vec![
                x.key.clone(),
                x.count.to_string(),
                fmt_wan(x.amount),
                x.firm_ids.len().to_string(),
            ]);
        }
        println!("{g}");
    }
    let sat = &r.satisfaction;
    for (title, groups) in [
        (
            "评价来源 source",
            sat.by_source
                .iter()
                .map(|x| (format!("{} ({})", x.label.zh, x.label.en), x.ratings))
                .collect::<Vec<_>>(),
        ),
        (
            "辅导队 team (满意度)",
            sat.by_team
                .iter()
                .map(|x| (x.name.clone(), x.ratings))
                .collect(),
        ),
    ] {
        if groups.is_empty() {
            continue;
        }
        let mut g = out::table(&[
            title,
            "评价数 count",
            "满意",
            "基本满意",
            "不满意",
            "满意率 rate",
        ]);
        for (name, x) in groups {
            g.add_row(vec![
                name,
                x.count.to_string(),
                x.satisfied.to_string(),
                x.basic.to_string(),
                x.unsatisfied.to_string(),
                x.rate.map(|r| r.display()).unwrap_or_else(|| "—".into()),
            ]);
        }
        println!("{g}");
    }
    if !r.teams.per_team.is_empty() {
        let mut g = out::table(&["辅导队 team", "辅导企业数 coached firms"]);
        for x in &r.teams.per_team {
            g.add_row(vec![
                if x.name.is_empty() {
                    x.team_id.to_string()
                } else {
                    x.name.clone()
                },
                x.coached_firms.to_string(),
            ]);
        }
        println!("{g}");
    }
    println!("明细请用 --json 查看每项指标对应的企业/需求ID (use --json for the firm/need ids behind each figure)");
    Ok(Outcome::Ok)
}

// ---------------------------------------------------------------------------------------------
// export kpi

/// Writes the KPI workbook (the one the app's 团队 export writes too); returns the number of
/// data rows written.
pub fn export_kpi(s: &Store, file: &Path, a: &KpiArgs) -> anyhow::Result<usize> {
    Ok(ops_kpi::write_workbook(s, &query(a), file)?)
}

/// `fudao export kpi FILE.xlsx [kpi options]`.
#[derive(clap::Args)]
pub struct ExportKpiArgs {
    /// 输出文件 (.xlsx)
    pub file: PathBuf,
    #[command(flatten)]
    pub kpi: KpiArgs,
}
