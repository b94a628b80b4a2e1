//! 评估: the firm evaluated against 科技型中小企业, 高新技术企业, 专精特新 and the risk
//! scorecard by `fudao_core::eval`, reshaped for display (no rule lives here).
//!
//! The view types below read the library's serde output (unknown keys ignored), so they only
//! name what the screen shows.

use crate::dto::{parse_id, to_dto, Msg};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use fudao_core::eval::{evaluate, FirmEvaluation, RuleBook, Verdict};
use fudao_core::model::Firm;
use serde::{Deserialize, Serialize};
use tauri::State;

/// One line of a checklist: the firm's figure, the requirement, the gap, the clause.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CheckView {
    pub key: String,
    pub label: Msg,
    /// `met`, `not_met` or `unknown` (missing data).
    pub status: String,
    pub figure: Option<String>,
    pub required: String,
    pub gap: Option<Msg>,
    pub text: Msg,
    pub missing: Vec<Msg>,
    pub cite: String,
}

/// One scored 科技型中小企业 indicator.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct IndicatorView {
    pub key: String,
    pub label: Msg,
    pub figure: Option<String>,
    pub band: Option<String>,
    pub points: Option<u32>,
    pub points_min: u32,
    pub points_max: u32,
    pub max_points: u32,
    pub next_band: Option<Msg>,
    pub text: Msg,
    pub missing: Vec<Msg>,
    pub cite: String,
}

/// A designation's overall result.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct VerdictView {
    /// `qualifies`, `does_not_qualify` or `cannot_tell`.
    pub key: String,
    pub label: Msg,
    /// The route that qualifies, the reasons it does not, or the missing figures.
    pub because: Vec<Msg>,
}

impl From<&Verdict> for VerdictView {
    fn from(v: &Verdict) -> Self {
        let label = v.label();
        let because = match v {
            Verdict::Qualifies { route } => vec![route.clone()],
            Verdict::DoesNotQualify { reasons } => reasons.clone(),
            Verdict::CannotTell { missing } => missing.clone(),
        };
        VerdictView {
            key: v.key().to_string(),
            label: Msg {
                zh: label.zh,
                en: label.en,
            },
            because: because
                .into_iter()
                .map(|m| Msg { zh: m.zh, en: m.en })
                .collect(),
        }
    }
}

/// Document and version of the rule set applied.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct RuleSetView {
    pub name_zh: String,
    pub name_en: String,
    pub version: String,
    pub document: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TechSmeView {
    pub rule_set: RuleSetView,
    pub financial_year: Option<i32>,
    pub conditions: Vec<CheckView>,
    pub indicators: Vec<IndicatorView>,
    pub total: Option<u32>,
    pub total_min: u32,
    pub total_max: u32,
    pub pass_total: u32,
    pub direct: Vec<CheckView>,
    pub verdict: VerdictView,
    pub notes: Vec<Msg>,
}

/// A checklist designation (高企, 专精特新).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ChecklistView {
    pub rule_set: RuleSetView,
    pub items: Vec<CheckView>,
    pub verdict: VerdictView,
    pub notes: Vec<Msg>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct RiskFactorView {
    pub key: String,
    pub group: String,
    pub label: Msg,
    pub figure: Option<String>,
    pub band: Option<String>,
    pub points: Option<u32>,
    pub max_points: u32,
    pub reason: Msg,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct RiskGroupView {
    pub group: String,
    pub label: Msg,
    pub points: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct RiskView {
    pub rule_set: RuleSetView,
    pub score: u32,
    pub max_score: u32,
    pub grade: String,
    pub grade_label: Msg,
    pub best_case_grade: String,
    pub missing_points: u32,
    pub complete: bool,
    pub groups: Vec<RiskGroupView>,
    pub factors: Vec<RiskFactorView>,
}

/// Everything the 评估 tab shows.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct EvaluationView {
    pub today: chrono::NaiveDate,
    pub tech_sme: TechSmeView,
    pub high_tech: ChecklistView,
    /// Holds a 高企 certificate valid today.
    pub high_tech_certified: bool,
    pub srdi: ChecklistView,
    pub risk: RiskView,
}

// The compile-time drift check of the serde round trips (`view_of`, `to_dto`) below: every
// field of the library's results is named here, either read by the view field of the same name
// or deliberately not shown (said beside it). A field added to a result, or renamed, stops the
// app from compiling until it is placed here and, if the screen shows it, in the view type. (A
// view field the library lacks fails `evaluation_view_matches_the_library` at run time.)
macro_rules! all_fields {
    ($($t:ident)::+ { $($f:ident),* $(,)? }) => {
        const _: fn(&$($t)::+) = |x| {
            let $($t)::+ { $($f: _),* } = x;
        };
    };
}
#[rustfmt::skip]
const _: () = {
    // The firm is the page's; `today` is the view's own.
    all_fields!(fudao_core::eval::FirmEvaluation {
        firm_id, firm_name, uscc, today, tech_sme, high_tech, srdi, risk
    });
    all_fields!(fudao_core::eval::tech_sme::TechSmeResult {
        rule_set, financial_year, conditions, indicators, total, total_min, total_max, pass_total,
        direct, verdict, notes
    });
    // Not shown: `rd_years` and `review_risk` (the CLI prints them); `certified` is read directly.
    all_fields!(fudao_core::eval::high_tech::HighTechResult {
        rule_set, rd_years, items, verdict, certified, review_risk, notes
    });
    // Not shown: the 专精特新 score card (`score`, the CLI prints it).
    all_fields!(fudao_core::eval::srdi::SrdiResult {
        rule_set, financial_year, items, score, direct, verdict, notes
    });
    // Not shown: `cutoffs` (the CLI prints them).
    all_fields!(fudao_core::eval::risk::RiskResult {
        rule_set, score, max_score, grade, grade_label, best_case_grade, missing_points, complete,
        factors, groups, cutoffs
    });
    // Not shown: the rule set's id, year, effective date and title.
    all_fields!(fudao_core::eval::RuleSetMeta {
        id, name_zh, name_en, year, version, effective_from, document, title
    });
    // Not shown: `detail` (the 高企 figures behind an item; the CLI prints it).
    all_fields!(fudao_core::eval::CheckItem {
        key, label, status, figure, required, gap, text, detail, missing, cite
    });
    // Not shown: `basis` (how a band was read; the CLI prints it).
    all_fields!(fudao_core::eval::tech_sme::Indicator {
        key, label, figure, band, points, points_min, points_max, max_points, basis, next_band,
        text, missing, cite
    });
    // Not shown: a factor's `missing` figures (its `reason` names them).
    all_fields!(fudao_core::eval::risk::FactorScore {
        key, group, label, figure, band, points, max_points, reason, missing, cite
    });
    all_fields!(fudao_core::eval::risk::GroupScore {
        group, label, points, max_points
    });
};

/// Reads a library value into a view through its serde form, replacing `verdict`.
fn view_of<C: Serialize, V: for<'de> Deserialize<'de>>(c: &C, verdict: &Verdict) -> AppResult<V> {
    let mut v = serde_json::to_value(c).map_err(AppError::internal)?;
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "verdict".into(),
            serde_json::to_value(VerdictView::from(verdict)).map_err(AppError::internal)?,
        );
    }
    serde_json::from_value(v).map_err(AppError::internal)
}

/// Evaluates a firm as it is stored, with the rule sets in force today.
pub fn evaluation_of(firm: &Firm, today: chrono::NaiveDate) -> AppResult<EvaluationView> {
    view(&evaluate(firm, today, RuleBook::builtin()), today)
}

/// The 评估 tab's view of an evaluation.
fn view(e: &FirmEvaluation, today: chrono::NaiveDate) -> AppResult<EvaluationView> {
    Ok(EvaluationView {
        today,
        tech_sme: view_of(&e.tech_sme, &e.tech_sme.verdict)?,
        high_tech: view_of(&e.high_tech, &e.high_tech.verdict)?,
        high_tech_certified: e.high_tech.certified,
        srdi: view_of(&e.srdi, &e.srdi.verdict)?,
        risk: to_dto(&e.risk)?,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn evaluate_firm(
    state: State<'_, AppState>,
    firm_id: String,
) -> AppResult<EvaluationView> {
    let id = parse_id(&firm_id)?;
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| {
            let (_, e) = fudao_ops::eval::evaluate_firm(s, id, today, RuleBook::builtin())?;
            view(&e, today)
        })
        .await
}
