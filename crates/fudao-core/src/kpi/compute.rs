//! Computing the KPI report for a scope and period (definitions in the module docs).

use super::*;

pub(super) struct Ctx<'a> {
    p: KpiParams,
    firms: HashMap<Uuid, &'a KpiFirm>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(data: &KpiData<'a>, p: KpiParams) -> Self {
        Ctx {
            p,
            firms: data.firms.iter().map(|f| (f.id, f)).collect(),
        }
    }
    fn firm_team(&self, firm_id: Uuid) -> Option<Uuid> {
        self.firms.get(&firm_id).and_then(|f| f.team_id)
    }
    fn firm_coach(&self, firm_id: Uuid) -> Option<Uuid> {
        self.firms.get(&firm_id).and_then(|f| f.coach_id)
    }
    fn in_period(&self, d: NaiveDate) -> bool {
        self.p.from <= d && d <= self.p.to
    }
    fn visit_team(&self, v: &KpiVisit) -> Option<Uuid> {
        v.team_id.or_else(|| self.firm_team(v.firm_id))
    }
    pub(super) fn visit_in_scope(&self, v: &KpiVisit) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => self.visit_team(v) == Some(t),
            Scope::Coach(c) => v.coach_ids.contains(&c),
        }
    }
    /// Needs and feedback: own team, else the firm's; for a coach, the firm's coach.
    pub(super) fn row_in_scope(&self, team: Option<Uuid>, firm_id: Uuid) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => team.or_else(|| self.firm_team(firm_id)) == Some(t),
            Scope::Coach(c) => self.firm_coach(firm_id) == Some(c),
        }
    }
    fn firm_in_scope(&self, f: &KpiFirm) -> bool {
        match self.p.scope {
            Scope::City => true,
            Scope::Team(t) => f.team_id == Some(t),
            Scope::Coach(c) => f.coach_id == Some(c),
        }
    }
}

pub(super) fn coached_between(
    ctx: &Ctx,
    visits: Rows<KpiVisit>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeSet<Uuid> {
    visits
        .iter()
        .filter(|v| from <= v.date && v.date <= to && ctx.visit_in_scope(v))
        .map(|v| v.firm_id)
        .collect()
}

/// Computes every KPI for the scope and period.
pub fn compute(data: &KpiData, p: KpiParams) -> KpiReport {
    let ctx = Ctx::new(data, p);
    let (loans_by_kind, loans_by_institution, credit_share) = loans(&ctx, data);
    KpiReport {
        params: p,
        coached_firms: coached_firms(&ctx, data),
        need_satisfaction: need_satisfaction(&ctx, data),
        satisfaction: feedback_satisfaction(&ctx, data),
        first_loan: first_loan(&ctx, data),
        loans_by_kind,
        loans_by_institution,
        credit_share,
        teams: teams(&ctx, data),
    }
}

/// Coached firms in the period and their growth over the previous period of equal length.
fn coached_firms(ctx: &Ctx, data: &KpiData) -> CoachedFirms {
    let p = ctx.p;
    let days = (p.to - p.from).num_days() + 1;
    let prev_to = p.from - Duration::days(1);
    let prev_from = p.from - Duration::days(days.max(1));
    let cur = coached_between(ctx, data.visits, p.from, p.to);
    let prev = coached_between(ctx, data.visits, prev_from, prev_to);
    let growth = Rate::of(cur.len() as i64 - prev.len() as i64, prev.len() as i64);
    CoachedFirms {
        current: Counted::from_set(cur.clone()),
        previous: Counted::from_set(prev),
        previous_from: prev_from,
        previous_to: prev_to,
        growth,
    }
}

/// The reasonable-need satisfaction rate, by count and by amount, with unmet needs by reason.
fn need_satisfaction(ctx: &Ctx, data: &KpiData) -> NeedSatisfaction {
    let p = ctx.p;
    let scoped_needs = scoped_needs(ctx, data);
    let mut counted = vec![];
    let mut pending = vec![];
    for n in scoped_needs.iter().filter(|n| ctx.in_period(n.raised_on)) {
        match need_standing(n, &p) {
            Some(NeedStanding::Counted) => counted.push(*n),
            Some(NeedStanding::Pending) => pending.push(n.id),
            None => {}
        }
    }
    let met: Vec<Uuid> = counted
        .iter()
        .filter(|n| n.is_met())
        .map(|n| n.id)
        .collect();
    let requested: Yuan = counted.iter().map(|n| n.amount).sum();
    let disbursed: Yuan = counted.iter().map(|n| n.disbursed_amount()).sum();
    let mut reasons: BTreeMap<Option<ReasonCode>, Vec<Uuid>> = BTreeMap::new();
    for n in counted.iter().filter(|n| !n.is_met()) {
        reasons.entry(n.unmet_reason).or_default().push(n.id);
    }
    let mut unmet_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, ids)| ReasonCount {
            reason,
            label: match reason {
                Some(r) => Msg::new(r.label_zh(), r.label_en()),
                None => Msg::new("未填写原因", "not recorded"),
            },
            count: ids.len(),
            need_ids: ids,
        })
        .collect();
    unmet_reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    NeedSatisfaction {
        rate: Rate::of(met.len() as i64, counted.len() as i64),
        met_need_ids: met,
        counted_need_ids: counted.iter().map(|n| n.id).collect(),
        pending_need_ids: pending,
        amount_ratio: Rate::of(disbursed, requested),
        requested,
        disbursed,
        unmet_reasons,
        follow_up_days: p.follow_up_days,
    }
}

/// Where a need raised in the period stands in the reasonable-need satisfaction rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NeedStanding {
    /// In the denominator: closed (closed status, a closing date, or marked met by the
    /// coach) or raised more than `follow_up_days` before `today`; in the numerator when
    /// [`KpiNeed::is_met`].
    Counted,
    /// Open and still within the follow-up window.
    Pending,
}

/// How a need raised in the period enters the reasonable-need satisfaction rate: `None` when
/// it was not ruled reasonable (the one rule of [`compute`] and [`compute_by_month`]).
pub(super) fn need_standing(n: &KpiNeed, p: &KpiParams) -> Option<NeedStanding> {
    if n.reasonable != Some(true) {
        return None;
    }
    let closed = n.status.is_closed() || n.closed_on.is_some() || n.met_by_coach;
    let overdue = (p.today - n.raised_on).num_days() > p.follow_up_days;
    Some(if closed || overdue {
        NeedStanding::Counted
    } else {
        NeedStanding::Pending
    })
}

/// The firms' satisfaction, overall, by source and by team, and their answers on whether the need was met.
fn feedback_satisfaction(ctx: &Ctx, data: &KpiData) -> FeedbackSatisfaction {
    let fb: Vec<&KpiFeedback> = data
        .feedback
        .iter()
        .filter(|f| ctx.in_period(f.date) && ctx.row_in_scope(f.team_id, f.firm_id))
        .collect();
    let all = Ratings::of(fb.iter().copied());
    let by_source: Vec<SourceRatings> = FeedbackSource::ALL
        .iter()
        .filter_map(|&src| {
            let r = Ratings::of(fb.iter().copied().filter(|f| f.source == src));
            (r.count > 0).then(|| SourceRatings {
                source: src,
                label: Msg::new(src.label_zh(), src.label_en()),
                ratings: r,
            })
        })
        .collect();
    let team_names: HashMap<Uuid, &str> =
        data.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut per_team: BTreeMap<Option<Uuid>, Vec<&KpiFeedback>> = BTreeMap::new();
    for f in &fb {
        per_team
            .entry(f.team_id.or_else(|| ctx.firm_team(f.firm_id)))
            .or_default()
            .push(f);
    }
    let mut by_team: Vec<TeamRatings> = per_team
        .into_iter()
        .map(|(team_id, rows)| TeamRatings {
            team_id,
            name: match team_id {
                Some(t) => team_names
                    .get(&t)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                None => "未分配辅导队".to_string(),
            },
            ratings: Ratings::of(rows),
        })
        .collect();
    by_team.sort_by(|a, b| {
        (a.team_id.is_none(), &a.name, a.team_id).cmp(&(b.team_id.is_none(), &b.name, b.team_id))
    });
    let yes = fb.iter().filter(|f| f.need_met == Some(true)).count();
    let no = fb.iter().filter(|f| f.need_met == Some(false)).count();
    let need_met = NeedMetAnswers {
        yes,
        no,
        unanswered: fb.len() - yes - no,
        rate: Rate::of(yes as i64, (yes + no) as i64),
    };
    FeedbackSatisfaction {
        rate: all.rate,
        satisfied: all.satisfied,
        basic: all.basic,
        unsatisfied: all.unsatisfied,
        by_source,
        by_team,
        need_met,
        feedback_ids: fb.iter().map(|f| f.id).collect(),
        firm_ids: fb
            .iter()
            .map(|f| f.firm_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}

/// The first-loan rate of the firms on the 首贷培植名单.
fn first_loan(ctx: &Ctx, data: &KpiData) -> FirstLoan {
    let p = ctx.p;
    let listed: BTreeSet<Uuid> = data
        .firms
        .iter()
        .filter(|f| f.first_loan_list && ctx.firm_in_scope(f))
        .map(|f| f.id)
        .collect();
    let disbursed_firms: BTreeSet<Uuid> = data
        .needs
        .iter()
        .filter(|n| n.outcomes.iter().any(|o| o.date <= p.to))
        .map(|n| n.firm_id)
        .collect();
    let got: BTreeSet<Uuid> = listed
        .iter()
        .copied()
        .filter(|id| {
            ctx.firms[id].first_loan_date.is_some_and(|d| d <= p.to) || disbursed_firms.contains(id)
        })
        .collect();
    FirstLoan {
        rate: Rate::of(got.len() as i64, listed.len() as i64),
        listed: Counted::from_set(listed),
        got_first_loan: Counted::from_set(got),
    }
}

/// Disbursements by product kind and by institution, and the credit-loan share.
fn loans(ctx: &Ctx, data: &KpiData) -> (Vec<LoanGroup>, Vec<LoanGroup>, CreditShare) {
    let scoped_needs = scoped_needs(ctx, data);
    // Each group with the needs and firms it already lists (a group lists each once, in the
    // order first seen; a linear `contains` made the city's report quadratic).
    type Group = (LoanGroup, HashSet<Uuid>, HashSet<Uuid>);
    let mut by_kind: BTreeMap<String, Group> = BTreeMap::new();
    let mut by_inst: BTreeMap<String, Group> = BTreeMap::new();
    let (mut credit_n, mut loan_n, mut credit_amt, mut loan_amt) = (0i64, 0i64, 0i64, 0i64);
    let (mut credit_ids, mut loan_ids) = (BTreeSet::new(), BTreeSet::new());
    for n in &scoped_needs {
        for o in n.outcomes.iter().filter(|o| ctx.in_period(o.date)) {
            let kind = if o.product_kind.trim().is_empty() {
                "未分类".to_string()
            } else {
                o.product_kind.trim().to_string()
            };
            for (map, key) in [
                (&mut by_kind, kind),
                (&mut by_inst, o.institution.trim().to_string()),
            ] {
                let (g, needs, firms) = map.entry(key.clone()).or_insert_with(|| {
                    let g = LoanGroup {
                        key,
                        count: 0,
                        amount: 0,
                        need_ids: vec![],
                        firm_ids: vec![],
                    };
                    (g, HashSet::new(), HashSet::new())
                });
                g.count += 1;
                g.amount += o.amount;
                if needs.insert(n.id) {
                    g.need_ids.push(n.id);
                }
                if firms.insert(n.firm_id) {
                    g.firm_ids.push(n.firm_id);
                }
            }
            if n.kind == FinancingKind::Loan {
                loan_n += 1;
                loan_amt += o.amount;
                loan_ids.insert(n.id);
                if o.credit {
                    credit_n += 1;
                    credit_amt += o.amount;
                    credit_ids.insert(n.id);
                }
            }
        }
    }
    let sort_groups = |m: BTreeMap<String, Group>| {
        let mut v: Vec<LoanGroup> = m.into_values().map(|(g, _, _)| g).collect();
        v.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.key.cmp(&b.key)));
        v
    };
    let credit_share = CreditShare {
        by_count: Rate::of(credit_n, loan_n),
        by_amount: Rate::of(credit_amt, loan_amt),
        credit_need_ids: credit_ids.into_iter().collect(),
        loan_need_ids: loan_ids.into_iter().collect(),
    };
    (sort_groups(by_kind), sort_groups(by_inst), credit_share)
}

/// The teams in scope and the firms each coached.
fn teams(ctx: &Ctx, data: &KpiData) -> Teams {
    let p = ctx.p;
    let mut per: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    let team_ids: Vec<Uuid> = match p.scope {
        Scope::City => data.teams.iter().map(|t| t.id).collect(),
        Scope::Team(t) => vec![t],
        Scope::Coach(_) => vec![],
    };
    for t in &team_ids {
        per.entry(*t).or_default();
    }
    for v in data
        .visits
        .iter()
        .filter(|v| ctx.in_period(v.date) && ctx.visit_in_scope(v))
    {
        if let Some(t) = ctx.visit_team(v) {
            per.entry(t).or_default().insert(v.firm_id);
        }
    }
    let names: HashMap<Uuid, &str> = data.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let per_team: Vec<TeamCoached> = per
        .into_iter()
        .map(|(team_id, firms)| TeamCoached {
            team_id,
            name: names
                .get(&team_id)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            coached_firms: firms.len(),
            firm_ids: firms.into_iter().collect(),
        })
        .collect();
    let sum: usize = per_team.iter().map(|t| t.coached_firms).sum();
    Teams {
        count: per_team.len(),
        coached_per_team: Average::of(sum as i64, per_team.len() as i64),
        per_team,
    }
}

/// The KPIs of each coach of `coaches`, in that order: the same reports as [`compute`] with
/// [`Scope::Coach`] for each (`p.scope` is ignored), from one pass that splits the rows by
/// coach, instead of one pass over every row per coach.
pub fn compute_per_coach(data: &KpiData, coaches: &[Uuid], p: KpiParams) -> Vec<KpiReport> {
    #[derive(Default)]
    struct Part<'a> {
        firms: Vec<&'a KpiFirm>,
        seen: HashSet<Uuid>,
        needs: Vec<&'a KpiNeed>,
        visits: Vec<&'a KpiVisit>,
        feedback: Vec<&'a KpiFeedback>,
    }
    let mut parts: HashMap<Uuid, Part> = coaches.iter().map(|c| (*c, Part::default())).collect();
    let firms: HashMap<Uuid, &KpiFirm> = data.firms.iter().map(|f| (f.id, f)).collect();
    let coach_of = |firm_id: Uuid| firms.get(&firm_id).and_then(|f| f.coach_id);
    let add_firm = |part: &mut Part<'_>, f: &KpiFirm| part.seen.insert(f.id);
    for f in data.firms {
        if let Some(part) = f.coach_id.and_then(|c| parts.get_mut(&c)) {
            if add_firm(part, f) {
                part.firms.push(f);
            }
        }
    }
    for v in data.visits {
        for c in &v.coach_ids {
            if let Some(part) = parts.get_mut(c) {
                part.visits.push(v);
                // The visit's team may come from its firm, assigned to someone else.
                if let Some(f) = firms.get(&v.firm_id) {
                    if add_firm(part, f) {
                        part.firms.push(f);
                    }
                }
            }
        }
    }
    for n in data.needs {
        if let Some(part) = coach_of(n.firm_id).and_then(|c| parts.get_mut(&c)) {
            part.needs.push(n);
        }
    }
    for f in data.feedback {
        if let Some(part) = coach_of(f.firm_id).and_then(|c| parts.get_mut(&c)) {
            part.feedback.push(f);
        }
    }
    coaches
        .iter()
        .map(|c| {
            let part = &parts[c];
            let sub = KpiData {
                teams: data.teams,
                firms: Rows::Picked(&part.firms),
                needs: Rows::Picked(&part.needs),
                visits: Rows::Picked(&part.visits),
                feedback: Rows::Picked(&part.feedback),
            };
            compute(
                &sub,
                KpiParams {
                    scope: Scope::Coach(*c),
                    ..p
                },
            )
        })
        .collect()
}

/// The needs of the scope (any date: each KPI picks its own period).
fn scoped_needs<'a>(ctx: &Ctx, data: &KpiData<'a>) -> Vec<&'a KpiNeed> {
    data.needs
        .iter()
        .filter(|n| ctx.row_in_scope(n.team_id, n.firm_id))
        .collect()
}
