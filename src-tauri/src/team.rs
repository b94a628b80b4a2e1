//! 团队: the coaches, their caseload and KPIs (`fudao_core::kpi`), month by month, and the
//! export of those tables to .xlsx (`fudao_io::export`).

use crate::dto::Yuan;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use fudao_core::kpi::{compute, compute_per_coach, KpiParams, KpiReport, Scope};
use fudao_core::model::{Team, User};
use fudao_io::export::{Cell, ColumnKind, ColumnSpec, Sheet};
use fudao_ops::kpi::KpiQuery;
use fudao_store::Store;
use fudao_sync::ErrorCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tauri::State;
use uuid::Uuid;

/// One coach's caseload and KPIs over the period.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct MemberKpi {
    /// `None` for firms without a coach.
    pub user_id: Option<Uuid>,
    pub name: String,
    /// Role key (`coach`, `lead`, `admin`).
    pub role: String,
    pub team: String,
    pub active: bool,
    /// Firms assigned to the coach.
    pub caseload: u32,
    pub coached_firms: u32,
    pub visits: u32,
    pub need_satisfaction_pct: Option<f64>,
    pub requested: Yuan,
    pub disbursed: Yuan,
    pub first_loan_pct: Option<f64>,
    pub feedback_satisfaction_pct: Option<f64>,
}

/// City-wide KPIs for one month.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct MonthKpi {
    /// `2026-03`.
    pub month: String,
    pub coached_firms: u32,
    pub visits: u32,
    pub disbursed: Yuan,
    pub need_satisfaction_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TeamOverview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub members: Vec<MemberKpi>,
    /// Firms nobody is assigned to.
    pub unassigned: u32,
    pub months: Vec<MonthKpi>,
    pub city: MemberKpi,
}

fn pct(r: &Option<fudao_core::kpi::Rate>) -> Option<f64> {
    r.as_ref().map(|r| r.percent)
}

fn member(r: &KpiReport, visits: u32, caseload: u32) -> MemberKpi {
    MemberKpi {
        user_id: None,
        name: String::new(),
        role: String::new(),
        team: String::new(),
        active: true,
        caseload,
        coached_firms: r.coached_firms.current.count as u32,
        visits,
        need_satisfaction_pct: pct(&r.need_satisfaction.rate),
        requested: r.need_satisfaction.requested,
        disbursed: r.need_satisfaction.disbursed,
        first_loan_pct: pct(&r.first_loan.rate),
        feedback_satisfaction_pct: pct(&r.satisfaction.rate),
    }
}

/// KPIs per coach and per month of the period (`from`..=`to`).
pub fn overview(
    s: &Store,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> AppResult<TeamOverview> {
    // The rows of `fudao kpi` (the one loader), and the users the coaches are.
    let fudao_ops::kpi::Loaded { rows, users, .. } = fudao_ops::kpi::load(s)?;
    let data = rows.data();
    let teams: HashMap<Uuid, &str> = rows.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut caseload: HashMap<Option<Uuid>, u32> = HashMap::new();
    for f in &rows.firms {
        *caseload.entry(f.coach_id).or_default() += 1;
    }
    let mut visits_of: HashMap<Uuid, u32> = HashMap::new();
    for v in rows
        .visits
        .iter()
        .filter(|v| from <= v.date && v.date <= to)
    {
        let coaches: std::collections::BTreeSet<&Uuid> = v.coach_ids.iter().collect();
        for c in coaches {
            *visits_of.entry(*c).or_default() += 1;
        }
    }
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let reports = compute_per_coach(&data, &ids, KpiParams::new(Scope::City, from, to, today));
    let mut members: Vec<MemberKpi> = users
        .iter()
        .zip(&reports)
        .map(|(u, r)| {
            let visits = visits_of.get(&u.id).copied().unwrap_or(0);
            MemberKpi {
                user_id: Some(u.id),
                name: u.name.clone(),
                role: u.role.key().to_string(),
                team: u
                    .team_id
                    .and_then(|t| teams.get(&t).map(|n| n.to_string()))
                    .unwrap_or_default(),
                active: u.active,
                ..member(r, visits, caseload.get(&Some(u.id)).copied().unwrap_or(0))
            }
        })
        .collect();
    members.sort_by(|a, b| b.caseload.cmp(&a.caseload).then(a.name.cmp(&b.name)));
    let in_period = |v: &&fudao_core::kpi::KpiVisit| from <= v.date && v.date <= to;
    let city_r = compute(&data, KpiParams::new(Scope::City, from, to, today));
    let city_visits = rows.visits.iter().filter(in_period).count() as u32;
    let city = MemberKpi {
        name: "全市 / City".into(),
        ..member(&city_r, city_visits, rows.firms.len() as u32)
    };
    let mut months = vec![];
    let mut start = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while start <= to {
        let next = start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to);
        let end = (next - chrono::Days::new(1)).min(to);
        let r = compute(
            &data,
            KpiParams::new(Scope::City, start.max(from), end, today),
        );
        months.push(MonthKpi {
            month: start.format("%Y-%m").to_string(),
            coached_firms: r.coached_firms.current.count as u32,
            visits: rows
                .visits
                .iter()
                .filter(|v| start.max(from) <= v.date && v.date <= end)
                .count() as u32,
            disbursed: r.need_satisfaction.disbursed,
            need_satisfaction_pct: pct(&r.need_satisfaction.rate),
        });
        if next <= start {
            break;
        }
        start = next;
    }
    Ok(TeamOverview {
        from,
        to,
        members,
        unassigned: caseload.get(&None).copied().unwrap_or(0),
        months,
        city,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn team_overview(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<TeamOverview> {
    let today = chrono::Local::now().date_naive();
    if from > to {
        return Err(AppError::new(
            ErrorCode::InvalidPeriod,
            "开始日期晚于结束日期，请重新选择期间",
            "the start date is after the end date; choose the period again",
        ));
    }
    state
        .with_store(move |s| overview(s, from, to, today))
        .await
}

fn pct_cell(p: Option<f64>) -> Cell {
    p.map_or(Cell::Empty, |p| Cell::Number(p / 100.0))
}

/// The team KPI workbook: one sheet per coach table, one by month.
pub fn kpi_sheets(o: &TeamOverview) -> Vec<Sheet> {
    let cols = |first: &str| {
        vec![
            ColumnSpec::new(first, 18.0, ColumnKind::Text),
            ColumnSpec::new("所属队伍 Team", 18.0, ColumnKind::Text),
            ColumnSpec::new("包联企业数 Caseload", 12.0, ColumnKind::Integer),
            ColumnSpec::new("辅导企业数 Coached", 12.0, ColumnKind::Integer),
            ColumnSpec::new("走访次数 Visits", 12.0, ColumnKind::Integer),
            ColumnSpec::new(
                "融资需求满足率 Need satisfaction",
                14.0,
                ColumnKind::Percent,
            ),
            ColumnSpec::new("需求金额（万元）Requested", 14.0, ColumnKind::Wan),
            ColumnSpec::new("放款金额（万元）Disbursed", 14.0, ColumnKind::Wan),
            ColumnSpec::new("首贷培植成功率 First loan", 14.0, ColumnKind::Percent),
            ColumnSpec::new("企业满意率 Satisfaction", 14.0, ColumnKind::Percent),
        ]
    };
    let row = |m: &MemberKpi| {
        vec![
            Cell::text(m.name.clone()),
            Cell::text(m.team.clone()),
            Cell::Int(m.caseload as i64),
            Cell::Int(m.coached_firms as i64),
            Cell::Int(m.visits as i64),
            pct_cell(m.need_satisfaction_pct),
            Cell::Yuan(m.requested),
            Cell::Yuan(m.disbursed),
            pct_cell(m.first_loan_pct),
            pct_cell(m.feedback_satisfaction_pct),
        ]
    };
    let mut by_coach: Vec<Vec<Cell>> = o.members.iter().map(row).collect();
    by_coach.push(row(&o.city));
    vec![
        Sheet {
            name: format!("按辅导员 {}至{}", o.from, o.to),
            columns: cols("辅导员 Coach"),
            rows: by_coach,
        },
        Sheet {
            name: "按月 By month".into(),
            columns: vec![
                ColumnSpec::new("月份 Month", 10.0, ColumnKind::Text),
                ColumnSpec::new("辅导企业数 Coached", 12.0, ColumnKind::Integer),
                ColumnSpec::new("走访次数 Visits", 12.0, ColumnKind::Integer),
                ColumnSpec::new("放款金额（万元）Disbursed", 14.0, ColumnKind::Wan),
                ColumnSpec::new(
                    "融资需求满足率 Need satisfaction",
                    14.0,
                    ColumnKind::Percent,
                ),
            ],
            rows: o
                .months
                .iter()
                .map(|m| {
                    vec![
                        Cell::text(m.month.clone()),
                        Cell::Int(m.coached_firms as i64),
                        Cell::Int(m.visits as i64),
                        Cell::Yuan(m.disbursed),
                        pct_cell(m.need_satisfaction_pct),
                    ]
                })
                .collect(),
        },
    ]
}

/// Writes the team KPIs of the period to an .xlsx file (chosen in a save dialog).
#[tauri::command]
#[specta::specta]
pub async fn export_team_kpi(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> AppResult<u32> {
    let today = chrono::Local::now().date_naive();
    let p = std::path::PathBuf::from(&path);
    state
        .with_store(move |s| {
            // The one KPI workbook (the CLI's `fudao export kpi` writes the same).
            fudao_ops::kpi::write_workbook(s, &KpiQuery::city(from, to, today), &p)?;
            fudao_store::fsperm::restrict_file(&p)?;
            Ok(std::fs::metadata(&p).map(|m| m.len() as u32).unwrap_or(0))
        })
        .await
}

/// A person who can be assigned firms.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub team: String,
    pub active: bool,
}

/// Everyone in the local database, for coach selects.
#[tauri::command]
#[specta::specta]
pub async fn members(state: State<'_, AppState>) -> AppResult<Vec<Member>> {
    state
        .with_store(|s| {
            let teams: HashMap<Uuid, String> = s
                .list::<Team>()?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            let mut v: Vec<Member> = s
                .list::<User>()?
                .into_iter()
                .map(|u| Member {
                    id: u.id,
                    team: u
                        .team_id
                        .and_then(|t| teams.get(&t).cloned())
                        .unwrap_or_default(),
                    name: u.name,
                    role: u.role.key().to_string(),
                    active: u.active,
                })
                .collect();
            v.sort_by(|a, b| a.team.cmp(&b.team).then(a.name.cmp(&b.name)));
            Ok(v)
        })
        .await
}

/// Assigns firms to a coach (or to nobody). Returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn assign_firms(
    state: State<'_, AppState>,
    firm_ids: Vec<Uuid>,
    coach_id: Option<Uuid>,
) -> AppResult<u32> {
    state
        .with_store(move |s| Ok(s.assign_coach(&firm_ids, coach_id)? as u32))
        .await
}

/// Assigns every firm the list's query and filters match to a coach (or to nobody), in one
/// transaction. Returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn assign_matching(
    state: State<'_, AppState>,
    filter: crate::firms::FirmFilter,
    coach_id: Option<Uuid>,
) -> AppResult<u32> {
    let filter: fudao_store::list::FirmFilter = crate::dto::to_dto(&filter)?;
    state
        .with_store(move |s| {
            let ids = s.firm_ids(&filter)?;
            Ok(s.assign_coach(&ids, coach_id)? as u32)
        })
        .await
}
