//! Evaluation of a firm against the designations of the programme and the risk scorecard.
//!
//! * [`tech_sme`] — 科技型中小企业 (国科发政〔2022〕43号; 国科发政〔2017〕115号 before it took
//!   effect): conditions, scored indicators, total, verdict and direct qualification.
//! * [`high_tech`] — 高新技术企业 thresholds (国科发火〔2016〕32号 art. 11) as a checklist
//!   with the numeric gap to each threshold.
//! * [`srdi`] — 专精特新中小企业 conditions and the indicator score computed from the recorded
//!   figures (工信部企业〔2022〕63号 annex 2).
//! * [`risk`] — the human-capital-and-IP-centred risk scorecard (`docs/risk-scorecard.md`).
//!
//! Thresholds live in versioned rule files ([`rules`]); every item of a result cites its
//! clause. Decisions use exact integer arithmetic ([`num`]). Figures that are not known are
//! reported as missing, never as failed, and a verdict that depends on them is
//! [`Verdict::CannotTell`] naming them.
//!
//! Financial figures: the latest financial year recorded for the firm (its most recent
//! `YearFinancials`) is "the year" for every single-year test; multi-year tests (高企 R&D ratio)
//! use that year and the ones before it.

pub mod high_tech;
pub mod num;
pub mod risk;
pub mod rules;
pub mod srdi;
pub mod tech_sme;

use crate::error::Msg;
use crate::model::Firm;
use chrono::NaiveDate;
use serde::Serialize;

pub use rules::{RuleBook, RuleSetMeta};

/// Outcome of one condition or threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// A figure or fact it depends on is not known.
    Unknown,
}

impl Status {
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Met => "符合",
            Status::NotMet => "不符合",
            Status::Unknown => "缺数据",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Unknown => "missing data",
        }
    }
    pub fn from_bool(ok: bool) -> Self {
        if ok {
            Status::Met
        } else {
            Status::NotMet
        }
    }
}

/// One line of a checklist: the firm's figure, the requirement, the gap and the clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckItem {
    /// Stable key, e.g. `tech_staff_ratio`.
    pub key: String,
    pub label: Msg,
    pub status: Status,
    /// The firm's figure as displayed (`3.2%`, `120人`), when known.
    pub figure: Option<String>,
    /// The requirement as displayed (`≥ 4%`).
    pub required: String,
    /// How far the firm is from the requirement, when it is not met.
    pub gap: Option<Msg>,
    /// The whole line as a sentence, e.g. "研发费用占比 3.2%，需 ≥ 4%，差 0.8 个百分点，约 16 万元".
    pub text: Msg,
    /// How the figure was obtained (years summed, band applied …).
    pub detail: Option<Msg>,
    /// Names of the figures that are missing, when `status` is `Unknown`.
    pub missing: Vec<Msg>,
    /// Document and clause, e.g. `国科发火〔2016〕32号 第十一条（五）`.
    pub cite: String,
}

/// Keeps the first of each missing input named twice: two figures of the same missing year
/// both name "年度财务数据", and "缺年度财务数据、年度财务数据" was printed.
pub(crate) fn distinct(missing: &mut Vec<Msg>) {
    let mut seen = std::collections::HashSet::new();
    missing.retain(|m| seen.insert(m.zh.clone()));
}

impl CheckItem {
    fn new(key: &str, label: Msg, cite: String, required: impl Into<String>) -> Self {
        CheckItem {
            key: key.to_string(),
            label,
            status: Status::Unknown,
            figure: None,
            required: required.into(),
            gap: None,
            text: Msg::new("", ""),
            detail: None,
            missing: vec![],
            cite,
        }
    }

    /// Marks the item unknown because of the named missing figures.
    fn unknown(mut self, mut missing: Vec<Msg>) -> Self {
        self.status = Status::Unknown;
        distinct(&mut missing);
        let names_zh: Vec<&str> = missing.iter().map(|m| m.zh.as_str()).collect();
        let names_en: Vec<&str> = missing.iter().map(|m| m.en.as_str()).collect();
        self.text = Msg::new(
            format!(
                "{}：缺少{}，无法判断（需 {}）",
                self.label.zh,
                names_zh.join("、"),
                self.required
            ),
            format!(
                "{}: cannot tell, missing {} (requires {})",
                self.label.en,
                names_en.join(", "),
                self.required
            ),
        );
        self.missing = missing;
        self
    }

    /// Sets figure, status, gap and the sentence. `gap` is the whole clause after the
    /// requirement, e.g. "差 0.8 个百分点，约 16 万元" / "short by 0.8 pp (about 16 万元)".
    fn decided(mut self, figure: String, ok: bool, gap: Option<Msg>) -> Self {
        self.status = Status::from_bool(ok);
        let (tail_zh, tail_en) = match (&gap, ok) {
            (Some(g), false) => (g.zh.clone(), g.en.clone()),
            (_, false) => ("不符合".to_string(), "not met".to_string()),
            (_, true) => ("符合".to_string(), "met".to_string()),
        };
        self.text = Msg::new(
            format!(
                "{} {}，需 {}，{}",
                self.label.zh, figure, self.required, tail_zh
            ),
            format!(
                "{} {}, requires {}, {}",
                self.label.en, figure, self.required, tail_en
            ),
        );
        self.figure = Some(figure);
        self.gap = if ok { None } else { gap };
        self
    }
}

/// Overall result of a designation test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Qualifies {
        route: Msg,
    },
    DoesNotQualify {
        reasons: Vec<Msg>,
    },
    /// The known figures neither settle it one way nor the other.
    CannotTell {
        missing: Vec<Msg>,
    },
}

impl Verdict {
    pub fn key(&self) -> &'static str {
        match self {
            Verdict::Qualifies { .. } => "qualifies",
            Verdict::DoesNotQualify { .. } => "does_not_qualify",
            Verdict::CannotTell { .. } => "cannot_tell",
        }
    }
    pub fn label(&self) -> Msg {
        match self {
            Verdict::Qualifies { .. } => Msg::new("符合", "qualifies"),
            Verdict::DoesNotQualify { .. } => Msg::new("不符合", "does not qualify"),
            Verdict::CannotTell { .. } => {
                Msg::new("无法判断（缺数据）", "cannot tell (missing data)")
            }
        }
    }
    pub fn qualifies(&self) -> bool {
        matches!(self, Verdict::Qualifies { .. })
    }
}

/// Verdict of a plain checklist: not met if any item fails, cannot tell if any is unknown.
fn checklist_verdict(items: &[CheckItem], route: Msg) -> Verdict {
    let failed: Vec<Msg> = items
        .iter()
        .filter(|i| i.status == Status::NotMet)
        .map(|i| i.text.clone())
        .collect();
    if !failed.is_empty() {
        return Verdict::DoesNotQualify { reasons: failed };
    }
    let missing = collect_missing(items.iter());
    if !missing.is_empty() {
        return Verdict::CannotTell { missing };
    }
    Verdict::Qualifies { route }
}

fn collect_missing<'a>(items: impl Iterator<Item = &'a CheckItem>) -> Vec<Msg> {
    let mut out: Vec<Msg> = vec![];
    for i in items.filter(|i| i.status == Status::Unknown) {
        for m in &i.missing {
            if !out.contains(m) {
                out.push(m.clone());
            }
        }
    }
    out
}

/// Names of figures, bilingual, used in "missing" lists.
pub(crate) mod figure {
    use crate::error::Msg;
    pub fn staff() -> Msg {
        Msg::new("职工总数", "total staff")
    }
    pub fn tech_staff() -> Msg {
        Msg::new("科技人员数", "tech staff")
    }
    pub fn high_talents() -> Msg {
        Msg::new("高层次人才数", "high-level talents")
    }
    pub fn financial_year() -> Msg {
        Msg::new("年度财务数据", "financial figures for a year")
    }
    pub fn revenue(y: i32) -> Msg {
        Msg::new(
            format!("{y}年销售（营业）收入"),
            format!("{y} sales revenue"),
        )
    }
    pub fn rd(y: i32) -> Msg {
        Msg::new(format!("{y}年研发费用"), format!("{y} R&D expense"))
    }
    pub fn rd_domestic(y: i32) -> Msg {
        Msg::new(
            format!("{y}年境内研发费用"),
            format!("{y} R&D expense in China"),
        )
    }
    pub fn total_cost(y: i32) -> Msg {
        Msg::new(
            format!("{y}年成本费用总额"),
            format!("{y} total cost and expenses"),
        )
    }
    pub fn total_assets(y: i32) -> Msg {
        Msg::new(format!("{y}年资产总额"), format!("{y} total assets"))
    }
    pub fn liabilities(y: i32) -> Msg {
        Msg::new(format!("{y}年负债总额"), format!("{y} total liabilities"))
    }
    pub fn net_profit(y: i32) -> Msg {
        Msg::new(format!("{y}年净利润"), format!("{y} net profit"))
    }
    pub fn cash_flow(y: i32) -> Msg {
        Msg::new(
            format!("{y}年经营活动现金流量净额"),
            format!("{y} operating cash flow"),
        )
    }
    pub fn high_tech_revenue(y: i32) -> Msg {
        Msg::new(
            format!("{y}年高新技术产品（服务）收入"),
            format!("{y} high-tech product revenue"),
        )
    }
    pub fn total_income(y: i32) -> Msg {
        Msg::new(
            format!("{y}年总收入（收入总额−不征税收入）"),
            format!("{y} total income (gross income less non-taxable income)"),
        )
    }
    pub fn main_business_revenue(y: i32) -> Msg {
        Msg::new(
            format!("{y}年主营业务收入"),
            format!("{y} main-business revenue"),
        )
    }
    pub fn founded() -> Msg {
        Msg::new("成立日期", "founding date")
    }
    pub fn resident() -> Msg {
        Msg::new("是否境内居民企业", "resident-enterprise status")
    }
    pub fn restricted() -> Msg {
        Msg::new("是否属限制/淘汰类", "restricted/phase-out category")
    }
    pub fn incident() -> Msg {
        Msg::new(
            "有无重大安全质量事故或严重环境违法",
            "serious-incident record",
        )
    }
    pub fn dishonest() -> Msg {
        Msg::new(
            "是否列入经营异常名录/严重失信名单",
            "abnormal-operation / dishonesty listing",
        )
    }
    pub fn tech_field() -> Msg {
        Msg::new(
            "核心技术是否属《国家重点支持的高新技术领域》",
            "whether the core technology is in a state-supported high-tech field",
        )
    }
    pub fn innovation_score() -> Msg {
        Msg::new("企业创新能力评价得分", "innovation-ability score")
    }
    pub fn niche_years() -> Msg {
        Msg::new("从事细分市场年限", "years in the niche market")
    }
    pub fn founder_experience() -> Msg {
        Msg::new("创始团队行业经验年限", "founder/team years of experience")
    }
    pub fn credit() -> Msg {
        Msg::new("征信逾期记录", "credit-report overdue record")
    }
}

/// Everything the evaluation says about one firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirmEvaluation {
    pub firm_id: uuid::Uuid,
    pub firm_name: String,
    pub uscc: String,
    pub today: NaiveDate,
    pub tech_sme: tech_sme::TechSmeResult,
    pub high_tech: high_tech::HighTechResult,
    pub srdi: srdi::SrdiResult,
    pub risk: risk::RiskResult,
}

/// Evaluates a firm with the rule sets in force on `today`.
pub fn evaluate(firm: &Firm, today: NaiveDate, book: &RuleBook) -> FirmEvaluation {
    FirmEvaluation {
        firm_id: firm.id,
        firm_name: firm.name.clone(),
        uscc: firm.uscc.clone(),
        today,
        tech_sme: tech_sme::evaluate(firm, today, book.tech_sme_for(today)),
        high_tech: high_tech::evaluate(firm, today, book.high_tech_for(today)),
        srdi: srdi::evaluate(firm, today, book.srdi_for(today)),
        risk: risk::evaluate(firm, book.risk_for(today)),
    }
}

/// Shorthand: 万元 with unit for text.
pub(crate) fn wan(y: crate::money::Yuan) -> String {
    crate::money::fmt_wan_unit(y)
}

/// Notes about stale or partial financial data, shared by the designations.
pub(crate) fn stale_note(firm: &Firm, today: NaiveDate) -> Option<Msg> {
    use chrono::Datelike;
    let y = firm.latest_year()?.year;
    (y < today.year() - 1).then(|| {
        Msg::new(
            format!("最近财务年度为{y}年，早于上一年度，结论可能已过时"),
            format!(
                "latest financial year is {y}, older than last year: the result may be out of date"
            ),
        )
    })
}

/// A yes/no fact that must have the value `good`.
pub(crate) fn fact_item(
    key: &str,
    label: Msg,
    cite: String,
    fact: Option<bool>,
    good: bool,
    missing: Msg,
) -> CheckItem {
    let yn = |b: bool| if b { ("是", "yes") } else { ("否", "no") };
    let (req_zh, req_en) = yn(good);
    let mut item = CheckItem::new(key, label, cite, req_zh);
    match fact {
        None => item.unknown(vec![missing]),
        Some(v) => {
            let (f_zh, f_en) = yn(v);
            let ok = v == good;
            item.status = Status::from_bool(ok);
            item.figure = Some(f_zh.to_string());
            // Each fact once: "label：否，符合" / "label：是，不符合（应为否）".
            item.text = if ok {
                Msg::new(
                    format!("{}：{f_zh}，符合", item.label.zh),
                    format!("{}: {f_en}, met", item.label.en),
                )
            } else {
                Msg::new(
                    format!("{}：{f_zh}，不符合（应为{req_zh}）", item.label.zh),
                    format!("{}: {f_en}, not met (must be {req_en})", item.label.en),
                )
            };
            item
        }
    }
}

/// An upper limit on an amount or count: `value ≤ limit`.
pub(crate) fn max_item(
    key: &str,
    label: Msg,
    cite: String,
    value: Option<i64>,
    limit: i64,
    fmt: fn(i64) -> String,
    missing: Msg,
) -> CheckItem {
    let item = CheckItem::new(key, label, cite, format!("≤ {}", fmt(limit)));
    match value {
        None => item.unknown(vec![missing]),
        Some(v) => {
            let ok = v <= limit;
            let gap = (!ok).then(|| {
                Msg::new(
                    format!("超出 {}", fmt(v - limit)),
                    format!("over by {}", fmt(v - limit)),
                )
            });
            item.decided(fmt(v), ok, gap)
        }
    }
}

/// A lower limit on an amount or count: `value ≥ limit`.
pub(crate) fn min_item(
    key: &str,
    label: Msg,
    cite: String,
    value: Option<i64>,
    limit: i64,
    fmt: fn(i64) -> String,
    missing: Msg,
) -> CheckItem {
    let item = CheckItem::new(key, label, cite, format!("≥ {}", fmt(limit)));
    match value {
        None => item.unknown(vec![missing]),
        Some(v) => {
            let ok = v >= limit;
            let gap = (!ok).then(|| {
                Msg::new(
                    format!("差 {}", fmt(limit - v)),
                    format!("short by {}", fmt(limit - v)),
                )
            });
            item.decided(fmt(v), ok, gap)
        }
    }
}

pub(crate) fn people(n: i64) -> String {
    format!("{n}人")
}

pub(crate) fn years(n: i64) -> String {
    format!("{n}年")
}

pub(crate) fn items(n: i64) -> String {
    format!("{n}项")
}

/// A ratio threshold `num / den ≥ pct` with the gap in percentage points and, optionally,
/// in the numerator's own unit (`amount_gap(extra)` renders the extra numerator needed with
/// the denominator held fixed).
#[allow(clippy::too_many_arguments)]
pub(crate) fn ratio_min_item(
    key: &str,
    label: Msg,
    cite: String,
    num: Option<i64>,
    den: Option<i64>,
    pct: num::Pct,
    amount_gap: Option<fn(i64) -> Msg>,
    names: (Msg, Msg),
) -> CheckItem {
    let item = CheckItem::new(key, label, cite, format!("≥ {pct}"));
    match (num, den) {
        (Some(n), Some(d)) if d > 0 => {
            let ok = num::ratio_ge(n, d, pct);
            let gap = (!ok).then(|| {
                let pp = num::fmt_pp(num::shortfall_bp(n, d, pct));
                let extra = num::min_numerator(d, pct) - n;
                match amount_gap {
                    Some(f) => {
                        let a = f(extra);
                        Msg::new(
                            format!("差 {pp} 个百分点，约 {}", a.zh),
                            format!("short by {pp} pp (about {})", a.en),
                        )
                    }
                    None => Msg::new(format!("差 {pp} 个百分点"), format!("short by {pp} pp")),
                }
            });
            item.decided(num::fmt_ratio(n, d), ok, gap)
        }
        _ => {
            let (num_name, den_name) = names;
            let mut missing = vec![];
            if num.is_none() {
                missing.push(num_name);
            }
            match den {
                None => missing.push(den_name),
                Some(_) => missing.push(Msg::new(
                    format!("{}（当前为0）", den_name.zh),
                    format!("{} (currently 0)", den_name.en),
                )),
            }
            item.unknown(missing)
        }
    }
}

/// Renders an amount gap in 万元: "16 万元".
pub(crate) fn wan_gap(extra: i64) -> Msg {
    let w = crate::money::fmt_wan(extra.max(0));
    Msg::new(format!("{w} 万元"), format!("{w} 万元 (10k CNY)"))
}

/// Renders a head-count gap: "2 人".
pub(crate) fn people_gap(extra: i64) -> Msg {
    Msg::new(
        format!("{} 人", extra.max(0)),
        format!("{} more people", extra.max(0)),
    )
}

#[cfg(test)]
mod tests;
