//! The month series of a period in one pass over the rows (the 团队 screen's chart), with the
//! same definitions as [`compute`] run on each month.

use super::compute::{need_standing, Ctx, NeedStanding};
use super::*;
use chrono::Datelike;
use std::collections::HashSet;

/// The KPIs of one month of a period, as [`compute`] gives them for that month alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthKpis {
    /// The month's first day within the period.
    pub from: NaiveDate,
    /// The month's last day within the period.
    pub to: NaiveDate,
    /// Distinct firms with a visit in scope dated in the month
    /// (`coached_firms.current.count`).
    pub coached_firms: usize,
    /// Visits in scope dated in the month.
    pub visits: usize,
    /// Reasonable needs raised in the month in the rate's denominator
    /// (`need_satisfaction.counted_need_ids.len()`).
    pub counted_needs: usize,
    /// Those of them met (`need_satisfaction.met_need_ids.len()`).
    pub met_needs: usize,
    /// `need_satisfaction.requested`.
    pub requested: Yuan,
    /// `need_satisfaction.disbursed`.
    pub disbursed: Yuan,
    /// `need_satisfaction.rate`.
    pub need_satisfaction: Option<Rate>,
}

/// The calendar months `[from, to]` spans, each cut to the period: `(first day, last day)`.
/// Empty when `from > to`.
pub fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut v = vec![];
    if from > to {
        return v;
    }
    let mut start = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while start <= to {
        let Some(next) = start.checked_add_months(chrono::Months::new(1)) else {
            v.push((start.max(from), to));
            break;
        };
        v.push((start.max(from), (next - Duration::days(1)).min(to)));
        start = next;
    }
    v
}

/// The month series of the period `p.from..=p.to` for `p.scope`: one entry per month of
/// [`months_of`], equal to [`compute`] run with that month as the period, computed in one pass
/// over the visits and needs instead of one pass per month.
pub fn compute_by_month(data: &KpiData, p: KpiParams) -> Vec<MonthKpis> {
    let months = months_of(p.from, p.to);
    let ctx = Ctx::new(data, p);
    let month_no = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let first = month_no(p.from);
    // The month of the period a date falls in.
    let index = |d: NaiveDate| (p.from <= d && d <= p.to).then(|| (month_no(d) - first) as usize);
    let mut firms: Vec<HashSet<Uuid>> = vec![HashSet::new(); months.len()];
    let mut out: Vec<MonthKpis> = months
        .iter()
        .map(|&(from, to)| MonthKpis {
            from,
            to,
            coached_firms: 0,
            visits: 0,
            counted_needs: 0,
            met_needs: 0,
            requested: 0,
            disbursed: 0,
            need_satisfaction: None,
        })
        .collect();
    for v in data.visits {
        if let Some(i) = index(v.date) {
            if ctx.visit_in_scope(v) {
                out[i].visits += 1;
                firms[i].insert(v.firm_id);
            }
        }
    }
    for n in data.needs {
        let Some(i) = index(n.raised_on) else {
            continue;
        };
        if !ctx.row_in_scope(n.team_id, n.firm_id) {
            continue;
        }
        // The month's own params: `need_standing` reads only `today` and the window.
        if need_standing(n, &p) == Some(NeedStanding::Counted) {
            let m = &mut out[i];
            m.counted_needs += 1;
            m.met_needs += usize::from(n.is_met());
            m.requested += n.amount;
            m.disbursed += n.disbursed_amount();
        }
    }
    for (m, f) in out.iter_mut().zip(&firms) {
        m.coached_firms = f.len();
        m.need_satisfaction = Rate::of(m.met_needs as i64, m.counted_needs as i64);
    }
    out
}
