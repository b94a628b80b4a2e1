//! The 专精特新 indicator score (附件2 评价指标), computed from the recorded figures.

use super::super::figure;
use super::super::num;
use super::super::rules::{PctBand, SrdiRules};
use crate::error::Msg;
use crate::model::{Firm, RdInstitutionLevel};
use serde::Serialize;

mod indicators;

use indicators::{featured, innovation, refined, specialised};

/// One indicator: the points it gives, the most it could give once the missing inputs are
/// recorded, and the inputs missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub key: String,
    /// `specialised`, `refined`, `featured` or `innovative`.
    pub group: String,
    pub label: Msg,
    pub figure: Option<String>,
    pub points: u32,
    /// The highest points still possible given the missing inputs (= `points` when decided).
    pub possible: u32,
    pub max_points: u32,
    pub missing: Vec<Msg>,
    pub text: Msg,
    pub cite: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub key: String,
    pub label: Msg,
    pub points: u32,
    pub possible: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SrdiScoreResult {
    pub indicators: Vec<Indicator>,
    pub groups: Vec<Group>,
    /// Points from the recorded inputs (missing inputs count 0).
    pub total: u32,
    /// The highest total possible once the missing inputs are recorded.
    pub possible: u32,
    pub max_total: u32,
    pub min_score: u32,
    /// Every missing input, once.
    pub missing: Vec<Msg>,
}

pub const GROUPS: [(&str, &str, &str); 4] = [
    ("specialised", "专业化", "Specialisation"),
    ("refined", "精细化", "Refinement"),
    ("featured", "特色化", "Distinctiveness"),
    ("innovative", "创新能力", "Innovation"),
];

struct B<'a> {
    key: &'a str,
    group: &'a str,
    label: Msg,
    max: u32,
    cite: String,
}

impl B<'_> {
    fn decided(self, figure: String, points: u32, why: &str) -> Indicator {
        let why = if why.is_empty() {
            String::new()
        } else {
            format!("（{why}）")
        };
        Indicator {
            text: Msg::new(
                format!(
                    "{} {figure}{why}，得 {points} 分（满分 {}）",
                    self.label.zh, self.max
                ),
                format!(
                    "{} {figure}: {points} of {} points",
                    self.label.en, self.max
                ),
            ),
            key: self.key.into(),
            group: self.group.into(),
            label: self.label,
            figure: Some(figure),
            points,
            possible: points,
            max_points: self.max,
            missing: vec![],
            cite: self.cite,
        }
    }
    /// Partly known: `points` now, up to `possible` once `missing` is recorded.
    fn partial(
        self,
        figure: Option<String>,
        points: u32,
        possible: u32,
        mut missing: Vec<Msg>,
    ) -> Indicator {
        crate::eval::distinct(&mut missing);
        let names_zh = missing
            .iter()
            .map(|m| m.zh.as_str())
            .collect::<Vec<_>>()
            .join("、");
        let names_en = missing
            .iter()
            .map(|m| m.en.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let fig_zh = figure
            .as_deref()
            .map(|f| format!(" {f}"))
            .unwrap_or_default();
        Indicator {
            text: Msg::new(
                format!(
                    "{}{fig_zh}：缺少{names_zh}，计 {points} 分（补齐后最高 {possible} 分，满分 {}）",
                    self.label.zh, self.max
                ),
                format!(
                    "{}: missing {names_en}, counted {points} (up to {possible} once recorded; max {})",
                    self.label.en, self.max
                ),
            ),
            key: self.key.into(),
            group: self.group.into(),
            label: self.label,
            figure,
            points,
            possible,
            max_points: self.max,
            missing,
            cite: self.cite,
        }
    }
}

fn pct_points(bands: &[PctBand], n: i64, d: i64) -> u32 {
    super::super::rules::pct_band(bands, n, d).0
}

pub fn compute(firm: &Firm, r: &SrdiRules) -> SrdiScoreResult {
    let s = &r.score;
    let mut out = vec![];
    specialised(firm, r, &mut out);
    refined(firm, r, &mut out);
    featured(firm, r, &mut out);
    innovation(firm, r, &mut out);

    let groups: Vec<Group> = GROUPS
        .iter()
        .map(|(k, zh, en)| {
            let its = out.iter().filter(|i| i.group == *k);
            Group {
                key: k.to_string(),
                label: Msg::new(*zh, *en),
                points: its.clone().map(|i| i.points).sum(),
                possible: its.clone().map(|i| i.possible).sum(),
                max_points: its.map(|i| i.max_points).sum(),
            }
        })
        .collect();
    let mut missing: Vec<Msg> = vec![];
    for i in out.iter().filter(|i| i.possible > i.points) {
        for mm in &i.missing {
            if !missing.contains(mm) {
                missing.push(mm.clone());
            }
        }
    }
    SrdiScoreResult {
        total: out.iter().map(|i| i.points).sum(),
        possible: out.iter().map(|i| i.possible).sum(),
        max_total: s.max_total(),
        min_score: s.min_score,
        indicators: out,
        groups,
        missing,
    }
}
