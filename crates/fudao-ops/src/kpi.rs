//! KPIs of a period (`fudao_core::kpi`) for the city, a team or a coach, and the KPI workbook
//! that both the CLI's `fudao export kpi` and the app's 团队 export write.

use crate::{OpsError, Result};
use chrono::{Datelike, NaiveDate};
use fudao_core::kpi::{self, KpiParams, KpiReport, Rate, Scope};
use fudao_core::model::{Feedback, Firm, Need, Team, User};
use fudao_store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use uuid::Uuid;

/// Which KPIs: the scope (a team or a coach by name or id; neither: the city), the period
/// (`from` defaults to 1 January of `to`'s year, `to` to `today`) and the follow-up window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiQuery {
    pub team: Option<String>,
    pub coach: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub today: NaiveDate,
    pub follow_up_days: i64,
}

impl KpiQuery {
    /// The city's KPIs over `from..=to` with the default follow-up window (the 团队 screen).
    pub fn city(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Self {
        KpiQuery {
            team: None,
            coach: None,
            from: Some(from),
            to: Some(to),
            today,
            follow_up_days: kpi::DEFAULT_FOLLOW_UP_DAYS,
        }
    }
}

fn write_err(file: &Path, e: impl std::fmt::Display) -> OpsError {
    OpsError::Write {
        path: file.to_path_buf(),
        detail: e.to_string(),
    }
}

/// The team a name or id names (a unique name fragment will do).
pub fn find_team(teams: &[Team], key: &str) -> Result<Uuid> {
    let k = key.trim();
    if let Ok(id) = Uuid::parse_str(k) {
        if teams.iter().any(|t| t.id == id) {
            return Ok(id);
        }
    }
    if let Some(t) = teams.iter().find(|t| t.name == k) {
        return Ok(t.id);
    }
    let hits: Vec<&Team> = teams.iter().filter(|t| t.name.contains(k)).collect();
    match hits.as_slice() {
        [t] => Ok(t.id),
        [] => Err(OpsError::invalid(
            format!("找不到辅导队“{k}”"),
            format!("no team matches '{k}'"),
        )),
        many => {
            let names = many
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("、");
            Err(OpsError::invalid(
                format!("“{k}”匹配到多个辅导队，请写全名：{names}"),
                format!("several teams match '{k}': {names}"),
            ))
        }
    }
}

/// The coach a username, name or id names.
pub fn find_coach(users: &[User], key: &str) -> Result<Uuid> {
    let k = key.trim();
    if let Ok(id) = Uuid::parse_str(k) {
        if users.iter().any(|u| u.id == id) {
            return Ok(id);
        }
    }
    let hits: Vec<&User> = users
        .iter()
        .filter(|u| u.username == k || u.name == k)
        .collect();
    match hits.as_slice() {
        [u] => Ok(u.id),
        [] => Err(OpsError::invalid(
            format!("找不到辅导员“{k}”"),
            format!("no coach matches '{k}'"),
        )),
        many => {
            let names = many
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>()
                .join("、");
            Err(OpsError::invalid(
                format!("“{k}”匹配到多个用户，请用用户名：{names}"),
                format!("several users match '{k}': {names}"),
            ))
        }
    }
}

/// What the KPIs are computed from: the store's slim rows (`Store::kpi_rows`, the loader the
/// app shares), and the teams and users a scope is named by.
pub struct Loaded {
    pub teams: Vec<Team>,
    pub users: Vec<User>,
    /// Shared with the store's cache (`Store::kpi_rows_cached`): 工作台 and 团队 read the same
    /// rows while nothing is written.
    pub rows: std::sync::Arc<kpi::KpiRows>,
}

/// The rows KPIs are computed from (`Store::kpi_rows`) and the teams and users of a scope.
pub fn load(s: &Store) -> Result<Loaded> {
    Ok(Loaded {
        teams: s.list()?,
        users: s.list()?,
        rows: s.kpi_rows_cached()?,
    })
}

/// The KPI report of the query, with the rows it was computed from.
pub fn compute(s: &Store, a: &KpiQuery) -> Result<(KpiReport, Loaded)> {
    let l = load(s)?;
    let today = a.today;
    let to = a.to.unwrap_or(today);
    let from = a
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    if from > to {
        return Err(OpsError::invalid(
            format!("起始日期 {from} 晚于截止日期 {to}，请改正期间"),
            format!("the first day {from} is after the last day {to} (--from is after --to); correct the period"),
        ));
    }
    if a.follow_up_days < 0 {
        return Err(OpsError::invalid(
            "跟进期天数不能为负",
            "--follow-up-days must not be negative",
        ));
    }
    let scope = match (&a.team, &a.coach) {
        (Some(t), _) => Scope::Team(find_team(&l.teams, t)?),
        (_, Some(c)) => Scope::Coach(find_coach(&l.users, c)?),
        _ => Scope::City,
    };
    let mut p = KpiParams::new(scope, from, to, today);
    p.follow_up_days = a.follow_up_days;
    let r = kpi::compute(&l.rows.data(), p);
    Ok((r, l))
}

/// The scope of a report in words (`全市 city`, `辅导队 team 一队`, …).
pub fn scope_label(r: &KpiReport, l: &Loaded) -> String {
    match r.params.scope {
        Scope::City => "全市 city".into(),
        Scope::Team(id) => format!(
            "辅导队 team {}",
            l.teams
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.name.as_str())
                .unwrap_or("?")
        ),
        Scope::Coach(id) => format!(
            "辅导员 coach {}",
            l.users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.as_str())
                .unwrap_or("?")
        ),
    }
}

// The workbook

/// A cell of the KPI workbook.
enum Cell {
    Text(String),
    Int(i64),
    Pct(Option<Rate>),
    Wan(i64),
}

/// The overview's block below the indicators: one row per person of the report's scope (its
/// members and the coaches its firms are assigned to), with the coach's coached firms, reasonable-need
/// satisfaction and satisfaction rate. A lead reads the team's figures and who stands behind
/// them on one sheet.
fn per_coach_rows(r: &KpiReport, l: &Loaded) -> Vec<Vec<Cell>> {
    let in_scope = |f: &kpi::KpiFirm| match r.params.scope {
        Scope::City => true,
        Scope::Team(t) => f.team_id == Some(t),
        Scope::Coach(c) => f.coach_id == Some(c),
    };
    let ids: BTreeSet<Uuid> = l
        .rows
        .firms
        .iter()
        .filter(|f| in_scope(f))
        .filter_map(|f| f.coach_id)
        .collect();
    // The scope's people: its members (a lead or a new coach with no firm yet is listed with
    // zeros) and whoever coaches its firms.
    let member = |u: &User| match r.params.scope {
        Scope::City => true,
        Scope::Team(t) => u.team_id == Some(t),
        Scope::Coach(c) => u.id == c,
    };
    let mut coaches: Vec<(&str, Uuid)> = l
        .users
        .iter()
        .filter(|u| member(u) || ids.contains(&u.id))
        .map(|u| (u.name.as_str(), u.id))
        .collect();
    coaches.sort();
    if coaches.is_empty() {
        return vec![];
    }
    let ids: Vec<Uuid> = coaches.iter().map(|(_, id)| *id).collect();
    let reports = kpi::compute_per_coach(&l.rows.data(), &ids, r.params);
    let mut rows = vec![
        vec![],
        vec![
            Cell::Text("辅导员 coach".into()),
            Cell::Text("辅导企业数 coached firms".into()),
            Cell::Text("合理需求满足率 need satisfaction".into()),
            Cell::Text("满意率 satisfaction".into()),
        ],
    ];
    rows.extend(coaches.iter().zip(reports).map(|((name, _), c)| {
        vec![
            Cell::Text((*name).to_string()),
            Cell::Int(c.coached_firms.current.count as i64),
            Cell::Pct(c.need_satisfaction.rate),
            Cell::Pct(c.satisfaction.rate),
        ]
    }));
    rows
}

/// Writes the KPI tables to an .xlsx workbook, one sheet per table (overview, unmet reasons,
/// loans by kind and by lender, teams, satisfaction, and the needs and feedback behind the
/// rates); returns the number of data rows written. The one KPI workbook: the CLI and the app
/// both write it.
///
/// Long (about 350 lines) on purpose: it reads top to bottom as the workbook does, one block a
/// sheet, each block its header and its rows; the blocks share the cell writer and nothing else.
pub fn write_workbook(s: &Store, a: &KpiQuery, file: &Path) -> Result<usize> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    match file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xlsx") => {}
        _ => {
            return Err(OpsError::invalid(
                format!("KPI 导出文件须以 .xlsx 结尾：{}", file.display()),
                format!("the KPI export file must end in .xlsx: {}", file.display()),
            ))
        }
    }
    let (r, l) = compute(s, a)?;
    // The drill-down sheets show names, requests and comments: whole records.
    let firms: Vec<Firm> = s.list()?;
    let needs: Vec<Need> = s.list()?;
    let feedback: Vec<Feedback> = s.list()?;
    let names: BTreeMap<Uuid, &str> = firms.iter().map(|f| (f.id, f.name.as_str())).collect();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let pct = Format::new().set_num_format("0.00%");
    let wan = Format::new().set_num_format("#,##0.00");
    let int = Format::new().set_num_format("0");
    let mut rows = 0usize;

    // A sheet: name, header and column widths; cells are written by the closure.
    let mut sheet = |name: &str, header: &[(&str, f64)], data: Vec<Vec<Cell>>| -> Result<()> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (c, (h, w)) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (i, row) in data.iter().enumerate() {
            let rn = (i + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(rn, c, t)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number_with_format(rn, c, *n as f64, &int)?;
                    }
                    Cell::Pct(Some(rt)) => {
                        ws.write_number_with_format(
                            rn,
                            c,
                            rt.numerator as f64 / rt.denominator as f64,
                            &pct,
                        )?;
                    }
                    Cell::Pct(None) => {
                        ws.write_string(rn, c, "—")?;
                    }
                    Cell::Wan(y) => {
                        ws.write_number_with_format(rn, c, *y as f64 / 10_000.0, &wan)?;
                    }
                }
            }
        }
        rows += data.len();
        Ok(())
    };

    let c = &r.coached_firms;
    let n = &r.need_satisfaction;
    let rate_row = |name: &str, rt: &Option<Rate>| {
        vec![
            Cell::Text(name.into()),
            Cell::Pct(*rt),
            rt.map(|x| Cell::Int(x.numerator))
                .unwrap_or(Cell::Text("—".into())),
            rt.map(|x| Cell::Int(x.denominator)).unwrap_or(Cell::Int(0)),
        ]
    };
    let count_row = |name: &str, v: usize| {
        vec![
            Cell::Text(name.into()),
            Cell::Int(v as i64),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
        ]
    };
    let overview = vec![
        vec![
            Cell::Text("范围 scope".into()),
            Cell::Text(scope_label(&r, &l)),
            Cell::Text(format!("{} – {}", r.params.from, r.params.to)),
            Cell::Text(format!("计算日 {}", r.params.today)),
        ],
        count_row("辅导企业数 coached firms", c.current.count),
        count_row("上期辅导企业数 previous period", c.previous.count),
        rate_row("辅导企业增长率 growth", &c.growth),
        rate_row("合理需求满足率 reasonable-need satisfaction", &n.rate),
        rate_row("金额满足率 amount ratio (元)", &n.amount_ratio),
        rate_row("满意率 satisfaction", &r.satisfaction.rate),
        rate_row(
            "企业反馈需求已满足 need met (firms' answers)",
            &r.satisfaction.need_met.rate,
        ),
        rate_row("首贷率 first-loan rate", &r.first_loan.rate),
        rate_row(
            "信用贷款占比（笔数）credit share by count",
            &r.credit_share.by_count,
        ),
        rate_row(
            "信用贷款占比（金额）credit share by amount (元)",
            &r.credit_share.by_amount,
        ),
        count_row("辅导队数 teams", r.teams.count),
    ];
    let mut overview = overview;
    overview.extend(per_coach_rows(&r, &l));
    sheet(
        "概览 overview",
        &[
            ("指标 indicator", 44.0),
            ("数值 value", 22.0),
            ("分子 numerator", 18.0),
            ("分母 denominator", 18.0),
        ],
        overview,
    )?;

    let unmet = n
        .unmet_reasons
        .iter()
        .map(|x| {
            vec![
                Cell::Text(x.label.zh.clone()),
                Cell::Text(x.label.en.clone()),
                Cell::Int(x.count as i64),
            ]
        })
        .collect();
    sheet(
        "未满足原因 unmet",
        &[("原因", 26.0), ("reason", 32.0), ("笔数 needs", 12.0)],
        unmet,
    )?;

    let groups = |gs: &[kpi::LoanGroup]| {
        gs.iter()
            .map(|x| {
                vec![
                    Cell::Text(x.key.clone()),
                    Cell::Int(x.count as i64),
                    Cell::Wan(x.amount),
                    Cell::Int(x.firm_ids.len() as i64),
                ]
            })
            .collect::<Vec<_>>()
    };
    sheet(
        "产品类型 by kind",
        &[
            ("产品类型 product kind", 28.0),
            ("笔数 count", 12.0),
            ("金额（万元）", 16.0),
            ("企业数 firms", 12.0),
        ],
        groups(&r.loans_by_kind),
    )?;
    sheet(
        "金融机构 by lender",
        &[
            ("金融机构 institution", 28.0),
            ("笔数 count", 12.0),
            ("金额（万元）", 16.0),
            ("企业数 firms", 12.0),
        ],
        groups(&r.loans_by_institution),
    )?;

    let teams = r
        .teams
        .per_team
        .iter()
        .map(|x| {
            vec![
                Cell::Text(x.name.clone()),
                Cell::Int(x.coached_firms as i64),
                Cell::Text(x.team_id.to_string()),
            ]
        })
        .collect();
    sheet(
        "辅导队 teams",
        &[
            ("辅导队 team", 28.0),
            ("辅导企业数 coached", 18.0),
            ("ID", 38.0),
        ],
        teams,
    )?;

    // Satisfaction (满意率) in total, by source and by team; the firms' need-met answers.
    let sat = &r.satisfaction;
    let ratings_row = |group: &str, name: String, x: &kpi::Ratings| {
        vec![
            Cell::Text(group.into()),
            Cell::Text(name),
            Cell::Int(x.count as i64),
            Cell::Int(x.satisfied as i64),
            Cell::Int(x.basic as i64),
            Cell::Int(x.unsatisfied as i64),
            Cell::Pct(x.rate),
        ]
    };
    let total = kpi::Ratings {
        count: sat.feedback_ids.len(),
        satisfied: sat.satisfied,
        basic: sat.basic,
        unsatisfied: sat.unsatisfied,
        rate: sat.rate,
    };
    let mut sat_rows = vec![ratings_row("合计 total", "全部 all".into(), &total)];
    for x in &sat.by_source {
        sat_rows.push(ratings_row(
            "来源 source",
            format!("{} {}", x.label.zh, x.label.en),
            &x.ratings,
        ));
    }
    for x in &sat.by_team {
        sat_rows.push(ratings_row("辅导队 team", x.name.clone(), &x.ratings));
    }
    let nm = &sat.need_met;
    for (name, n, rate) in [
        ("是 yes", nm.yes, Some(nm.rate)),
        ("否 no", nm.no, None),
        ("未回答 unanswered", nm.unanswered, None),
    ] {
        let mut row = vec![
            Cell::Text("需求是否满足 need met".into()),
            Cell::Text(name.into()),
            Cell::Int(n as i64),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
        ];
        if let Some(rt) = rate {
            row.push(Cell::Pct(rt));
        }
        sat_rows.push(row);
    }
    sheet(
        "满意度 satisfaction",
        &[
            ("分组 group", 22.0),
            ("名称 name", 28.0),
            ("评价数 count", 12.0),
            ("满意", 10.0),
            ("基本满意", 10.0),
            ("不满意", 10.0),
            ("满意率 rate", 14.0),
        ],
        sat_rows,
    )?;

    // Drill-down: the needs behind the satisfaction rate.
    let needs_by_id: BTreeMap<Uuid, &Need> = needs.iter().map(|x| (x.id, x)).collect();
    let met: std::collections::BTreeSet<Uuid> = n.met_need_ids.iter().copied().collect();
    let detail = n
        .counted_need_ids
        .iter()
        .filter_map(|id| needs_by_id.get(id))
        .map(|x| {
            vec![
                Cell::Text(names.get(&x.firm_id).copied().unwrap_or("").to_string()),
                Cell::Text(x.raised_on.to_string()),
                Cell::Wan(x.amount),
                Cell::Wan(x.disbursed_amount()),
                Cell::Text(x.status.label_zh().to_string()),
                Cell::Text(if met.contains(&x.id) {
                    "是".into()
                } else {
                    "否".into()
                }),
                Cell::Text(
                    x.unmet_reason
                        .map(|r| r.label_zh().to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(x.id.to_string()),
            ]
        })
        .collect();
    sheet(
        "需求明细 needs",
        &[
            ("企业 firm", 30.0),
            ("提出日期 raised", 14.0),
            ("需求（万元）", 14.0),
            ("放款（万元）", 14.0),
            ("状态 status", 12.0),
            ("已满足 met", 10.0),
            ("未满足原因 reason", 20.0),
            ("需求ID need id", 38.0),
        ],
        detail,
    )?;
    // Drill-down: the feedback behind the satisfaction rate (comments as plain text cells).
    let fb_by_id: BTreeMap<Uuid, &Feedback> = feedback.iter().map(|x| (x.id, x)).collect();
    let fb_rows = sat
        .feedback_ids
        .iter()
        .filter_map(|id| fb_by_id.get(id))
        .map(|x| {
            vec![
                Cell::Text(names.get(&x.firm_id).copied().unwrap_or("").to_string()),
                Cell::Text(x.date.to_string()),
                Cell::Text(x.rating.label_zh().to_string()),
                Cell::Text(x.source.label_zh().to_string()),
                Cell::Text(
                    match x.need_met {
                        Some(true) => "是",
                        Some(false) => "否",
                        None => "",
                    }
                    .into(),
                ),
                Cell::Text(x.comment.clone()),
                Cell::Text(x.id.to_string()),
            ]
        })
        .collect();
    sheet(
        "评价明细 feedback",
        &[
            ("企业 firm", 30.0),
            ("评价日期 date", 14.0),
            ("评价 rating", 12.0),
            ("来源 source", 12.0),
            ("需求满足 need met", 14.0),
            ("意见 comment", 40.0),
            ("评价ID feedback id", 38.0),
        ],
        fb_rows,
    )?;
    wb.save(file).map_err(|e| write_err(file, e))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook, Reader, Xlsx};
    use fudao_store::demo::{generate, DemoOptions};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn demo() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 40,
                seed: 7,
                today: today(),
            },
        )
        .unwrap();
        s
    }

    /// Every sheet's name and every cell as text.
    fn cells(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
        let mut wb: Xlsx<_> = open_workbook(path).unwrap();
        let names = wb.sheet_names().to_vec();
        names
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                let rows = r
                    .rows()
                    .map(|row| row.iter().map(|c| c.to_string()).collect())
                    .collect();
                (n, rows)
            })
            .collect()
    }

    #[test]
    fn the_cli_and_the_app_write_the_same_kpi_workbook() {
        let s = demo();
        let dir = tempfile::tempdir().unwrap();
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        // The app's 团队 export: the city over the period chosen on screen.
        let app = dir.path().join("team.xlsx");
        write_workbook(&s, &KpiQuery::city(from, today(), today()), &app).unwrap();
        // The CLI's `fudao export kpi FILE --from 2026-01-01 --today 2026-11-26` (no scope,
        // `--to` defaulting to today, the default follow-up window).
        let cli = dir.path().join("kpi.xlsx");
        let q = KpiQuery {
            team: None,
            coach: None,
            from: Some(from),
            to: None,
            today: today(),
            follow_up_days: kpi::DEFAULT_FOLLOW_UP_DAYS,
        };
        let rows = write_workbook(&s, &q, &cli).unwrap();
        let (a, c) = (cells(&app), cells(&cli));
        assert_eq!(a, c, "same sheets, headers and cells");
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), 8, "{names:?}");
        assert_eq!(names[0], "概览 overview");
        // The cells are the report's: the coached-firm count of the overview, the needs behind
        // the satisfaction rate, one data row per counted need.
        let (r, _) = compute(&s, &q).unwrap();
        assert!(r.coached_firms.current.count > 0);
        let overview = &a[0].1;
        assert_eq!(overview[0][0], "指标 indicator");
        assert_eq!(overview[2][1], r.coached_firms.current.count.to_string());
        let needs = &a.iter().find(|(n, _)| n == "需求明细 needs").unwrap().1;
        assert_eq!(needs.len() - 1, r.need_satisfaction.counted_need_ids.len());
        let data_rows: usize = a.iter().map(|(_, rows)| rows.len() - 1).sum();
        assert_eq!(rows, data_rows);
    }

    #[test]
    fn the_overview_lists_each_person_of_the_scope_with_their_coached_firms() {
        let s = demo();
        let dir = tempfile::tempdir().unwrap();
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let file = dir.path().join("kpi.xlsx");
        let q = KpiQuery::city(from, today(), today());
        write_workbook(&s, &q, &file).unwrap();
        let overview = &cells(&file)[0].1;
        let (r, l) = compute(&s, &q).unwrap();
        let header = overview
            .iter()
            .position(|row| row.first().is_some_and(|c| c == "辅导员 coach"))
            .expect("a per-coach block");
        let listed = &overview[header + 1..];
        // City scope: every user, with or without firms.
        let coaches: BTreeSet<Uuid> = l.users.iter().map(|u| u.id).collect();
        assert!(l.rows.firms.iter().any(|f| f.coach_id.is_some()));
        assert_eq!(listed.len(), coaches.len(), "one row per person");
        let ids: Vec<Uuid> = coaches.iter().copied().collect();
        let per = kpi::compute_per_coach(&l.rows.data(), &ids, r.params);
        for (id, rep) in ids.iter().zip(per) {
            let name = &l.users.iter().find(|u| u.id == *id).unwrap().name;
            let row = listed
                .iter()
                .find(|row| &row[0] == name)
                .expect("coach listed");
            assert_eq!(row[1], rep.coached_firms.current.count.to_string());
        }
    }

    #[test]
    fn a_period_ending_before_it_starts_or_an_unknown_scope_is_refused() {
        let s = demo();
        let mut q = KpiQuery::city(today(), today() - chrono::Days::new(1), today());
        let e = compute(&s, &q).err().expect("refused");
        assert!(e.to_string().contains("晚于"), "{e}");
        q = KpiQuery::city(today() - chrono::Days::new(30), today(), today());
        q.team = Some("没有这个队".into());
        let e = compute(&s, &q).err().expect("refused");
        assert!(e.to_string().contains("没有这个队"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = write_workbook(
            &s,
            &KpiQuery::city(today(), today(), today()),
            &dir.path().join("k.csv"),
        )
        .unwrap_err();
        assert!(e.to_string().contains(".xlsx"), "{e}");
    }
}
