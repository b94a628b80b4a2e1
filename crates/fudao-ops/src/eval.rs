//! 评估: firms evaluated against 科技型中小企业, 高新技术企业, 专精特新 and the risk scorecard
//! (`fudao_core::eval`): one stored firm, or every firm with the counts per verdict and grade.

use crate::{records, Result};
use chrono::NaiveDate;
use fudao_core::eval::{evaluate, FirmEvaluation, RuleBook, Verdict};
use fudao_core::model::Firm;
use fudao_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The stored firm with id `firm_id` evaluated with the rule sets in force `today`.
pub fn evaluate_firm(
    s: &Store,
    firm_id: Uuid,
    today: NaiveDate,
    book: &RuleBook,
) -> Result<(Firm, FirmEvaluation)> {
    let firm = records::firm(s, firm_id)?;
    let e = evaluate(&firm, today, book);
    Ok((firm, e))
}

/// One firm's line in the batch summary.
#[derive(Debug, Clone, Serialize)]
pub struct FirmRow {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub tech_sme: &'static str,
    pub tech_sme_total: Option<u32>,
    pub high_tech: &'static str,
    pub srdi: &'static str,
    pub risk_grade: String,
    pub risk_score: u32,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct VerdictCounts {
    pub qualifies: usize,
    pub does_not_qualify: usize,
    pub cannot_tell: usize,
}

impl VerdictCounts {
    fn add(&mut self, v: &Verdict) {
        match v {
            Verdict::Qualifies { .. } => self.qualifies += 1,
            Verdict::DoesNotQualify { .. } => self.does_not_qualify += 1,
            Verdict::CannotTell { .. } => self.cannot_tell += 1,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalSummary {
    pub today: NaiveDate,
    pub firms: usize,
    pub tech_sme: VerdictCounts,
    pub high_tech: VerdictCounts,
    pub srdi: VerdictCounts,
    /// Firms per risk grade.
    pub risk_grades: BTreeMap<String, usize>,
    /// Firms whose risk grade could rise with the missing data.
    pub risk_incomplete: usize,
    pub rows: Vec<FirmRow>,
}

/// Every stored firm evaluated: the counts per designation verdict and per risk grade (every
/// grade of the rule set listed, with 0), and one row per firm. `on_firm(done, firms)` is
/// called after each firm.
pub fn evaluate_all(
    s: &Store,
    today: NaiveDate,
    book: &RuleBook,
    on_firm: &mut dyn FnMut(usize, usize),
) -> Result<EvalSummary> {
    let firms: Vec<Firm> = s.list()?;
    let mut sum = EvalSummary {
        today,
        firms: firms.len(),
        tech_sme: VerdictCounts::default(),
        high_tech: VerdictCounts::default(),
        srdi: VerdictCounts::default(),
        risk_grades: book
            .risk_for(today)
            .grades
            .iter()
            .map(|g| (g.grade.clone(), 0))
            .collect(),
        risk_incomplete: 0,
        rows: Vec::with_capacity(firms.len()),
    };
    for f in &firms {
        let e = evaluate(f, today, book);
        sum.tech_sme.add(&e.tech_sme.verdict);
        sum.high_tech.add(&e.high_tech.verdict);
        sum.srdi.add(&e.srdi.verdict);
        *sum.risk_grades.entry(e.risk.grade.clone()).or_default() += 1;
        if !e.risk.complete {
            sum.risk_incomplete += 1;
        }
        sum.rows.push(FirmRow {
            id: f.id,
            uscc: f.uscc.clone(),
            name: f.name.clone(),
            tech_sme: e.tech_sme.verdict.key(),
            tech_sme_total: e.tech_sme.total,
            high_tech: e.high_tech.verdict.key(),
            srdi: e.srdi.verdict.key(),
            risk_grade: e.risk.grade.clone(),
            risk_score: e.risk.score,
        });
        on_firm(sum.rows.len(), sum.firms);
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_every_firm_once_per_designation_and_lists_every_grade() {
        let mut s = Store::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let opts = fudao_store::demo::DemoOptions {
            firms: 12,
            seed: 7,
            today,
        };
        fudao_store::demo::generate(&mut s, &opts).unwrap();
        let book = RuleBook::builtin();
        let mut calls = 0;
        let sum = evaluate_all(&s, today, book, &mut |_, _| calls += 1).unwrap();
        assert_eq!((sum.firms, sum.rows.len(), calls), (12, 12, 12));
        for c in [&sum.tech_sme, &sum.high_tech, &sum.srdi] {
            assert_eq!(c.qualifies + c.does_not_qualify + c.cannot_tell, 12);
        }
        assert_eq!(sum.risk_grades.values().sum::<usize>(), 12);
        assert_eq!(sum.risk_grades.len(), book.risk_for(today).grades.len());
        let row = &sum.rows[0];
        let (firm, e) = evaluate_firm(&s, row.id, today, book).unwrap();
        assert_eq!(firm.uscc, row.uscc);
        assert_eq!(
            (e.risk.score, e.tech_sme.verdict.key()),
            (row.risk_score, row.tech_sme)
        );
    }
}
