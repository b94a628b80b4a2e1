//! The plan's data: its sections as composed (and stored as JSON), and the keys of the
//! sections a coach can rewrite.

use super::*;

/// The sections of a plan whose narrative a coach can rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKey {
    Profile,
    Diagnosis,
    Needs,
    Measures,
    Credit,
    CapitalMarket,
    Actions,
    Monitoring,
    SignOff,
}

impl SectionKey {
    pub const ALL: [SectionKey; 9] = [
        SectionKey::Profile,
        SectionKey::Diagnosis,
        SectionKey::Needs,
        SectionKey::Measures,
        SectionKey::Credit,
        SectionKey::CapitalMarket,
        SectionKey::Actions,
        SectionKey::Monitoring,
        SectionKey::SignOff,
    ];
    /// The printed heading.
    pub fn heading(self) -> &'static str {
        match self {
            SectionKey::Profile => "一、企业概况",
            SectionKey::Diagnosis => "二、诊断分析",
            SectionKey::Needs => "三、融资需求登记",
            SectionKey::Measures => "四、财务管理提升措施",
            SectionKey::Credit => "五、信贷支持方案",
            SectionKey::CapitalMarket => "六、资本市场路径",
            SectionKey::Actions => "七、行动计划",
            SectionKey::Monitoring => "八、跟踪监测目标",
            SectionKey::SignOff => "九、方案确认",
        }
    }
    /// The heading without its number, e.g. `资本市场路径`.
    pub fn title(self) -> &'static str {
        let h = self.heading();
        h.split_once('、').map(|(_, t)| t).unwrap_or(h)
    }
    pub fn key(self) -> &'static str {
        match self {
            SectionKey::Profile => "profile",
            SectionKey::Diagnosis => "diagnosis",
            SectionKey::Needs => "needs",
            SectionKey::Measures => "measures",
            SectionKey::Credit => "credit",
            SectionKey::CapitalMarket => "capital_market",
            SectionKey::Actions => "actions",
            SectionKey::Monitoring => "monitoring",
            SectionKey::SignOff => "sign_off",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.key() == t || k.heading().ends_with(t))
    }
}

/// A label and a display value (`"—"` when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    pub value: String,
}

pub(super) fn row(label: &str, value: impl Into<String>) -> Row {
    Row {
        label: label.to_string(),
        value: value.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub firm_name: String,
    pub uscc: String,
    pub team_name: String,
    pub coach_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSection {
    pub rows: Vec<Row>,
    /// Generated summary paragraph.
    pub text: String,
}

/// One financial year (元), `None` when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinYear {
    pub year: i32,
    pub revenue: Option<Yuan>,
    pub rd_expense: Option<Yuan>,
    pub total_assets: Option<Yuan>,
    pub liabilities: Option<Yuan>,
    pub net_profit: Option<Yuan>,
}

/// One line of an evaluation checklist or score breakdown: each condition once, with what
/// the rule requires, the firm's figure, the result and the clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalLine {
    pub label: String,
    /// 符合 / 不符合 / 无法判断, or points like `16/20`.
    pub result: String,
    /// What the rule requires, e.g. `≥ 10%` (empty on risk factors).
    #[serde(default)]
    pub required: String,
    /// The firm's figure with the gap or the missing inputs, e.g. `8%（差 2 个百分点…）`.
    #[serde(default)]
    pub figure: String,
    /// Further explanation: how the figure was obtained, what reaches the next band.
    pub text: String,
    /// Document and clause, e.g. `国科发火〔2016〕32号 第十一条（四）`.
    #[serde(default)]
    pub cite: String,
}

/// A designation's evaluation, condensed for print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalSummary {
    pub name: String,
    pub verdict: String,
    pub lines: Vec<EvalLine>,
}

/// A score group of the risk scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskGroup {
    pub label: String,
    pub points: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskSummary {
    pub grade: String,
    pub grade_label: String,
    pub score: u32,
    pub max_score: u32,
    pub complete: bool,
    pub best_case_grade: String,
    pub groups: Vec<RiskGroup>,
    /// Every factor's contribution, as sentences.
    pub factors: Vec<EvalLine>,
    pub rule_set: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisSection {
    /// Up to three latest years, oldest first.
    pub financials: Vec<FinYear>,
    pub credit: Vec<Row>,
    pub ip_talent: Vec<Row>,
    /// 科小 score breakdown.
    pub tech_sme: EvalSummary,
    pub high_tech: EvalSummary,
    pub srdi: EvalSummary,
    pub risk: RiskSummary,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedRow {
    pub need_id: Uuid,
    pub raised_on: NaiveDate,
    pub amount: Yuan,
    pub kind: String,
    pub purpose: String,
    pub term: String,
    pub ruling: String,
    pub status: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub title: String,
    pub text: String,
}

/// One recommended product (or one reachable after cultivation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditItem {
    pub product_id: Uuid,
    pub product_code: String,
    pub product_name: String,
    pub institution: String,
    pub kind: String,
    /// Amount to apply for, or the product range.
    pub amount: String,
    /// Nominal price and after subsidies.
    pub price: String,
    pub collateral: String,
    pub subsidy: String,
    pub why: Vec<String>,
    pub missing: Vec<String>,
    /// The need this item answers, e.g. `2026-10-01 贷款 200万元`.
    pub for_need: String,
    pub score: u32,
    /// Where to apply (branch and address) and whom to call.
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub contact: String,
    /// Term to apply for, fitting the need's purpose (months); `None` for equity and cover.
    #[serde(default)]
    pub term_months: Option<u32>,
    /// Amount to apply for (元), within the product's range and the need's remainder.
    #[serde(default)]
    pub amount_yuan: Option<Yuan>,
}

/// The financing package for one open reasonable need (section 五).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedPackage {
    pub need_id: Uuid,
    /// `2026-10-01 贷款 200万元`.
    pub need: String,
    pub purpose: String,
    pub status: String,
    /// Amount still to raise (元): the need's amount less what was already disbursed.
    pub remainder: Yuan,
    /// The term that fits the purpose, with the reason.
    pub term: String,
    /// The security the firm can actually offer.
    pub security: String,
    /// Products that fit, best first (each with amount, term, security, lender branch).
    pub items: Vec<CreditItem>,
    /// When no product fits: why, and what would make one fit.
    pub no_fit: String,
    pub next_step: String,
    pub next_due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditSection {
    /// One package per open reasonable need (raised, matching, unmet, partly met).
    #[serde(default)]
    pub packages: Vec<NeedPackage>,
    /// Eligible products, best first: the packages' products, or (no open need) the products
    /// the firm could apply for.
    pub items: Vec<CreditItem>,
    /// Products reachable after one or two steps.
    pub near_misses: Vec<CreditItem>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalSection {
    /// Whether the firm has a listing plan or the profile suggests one.
    pub relevant: bool,
    pub steps: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub task: String,
    pub owner: String,
    pub due: NaiveDate,
    /// A follow-up task carried over past its due date: the original date (逾期).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_since: Option<NaiveDate>,
    /// Where the task comes from: 产品培育, 走访跟进, 财务规范 …
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub baseline: String,
    pub target: String,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOffSection {
    pub firm_party: String,
    pub team_party: String,
    pub text: String,
}

/// The composed sections of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub catalog_version: u32,
    pub header: Header,
    pub profile: ProfileSection,
    pub diagnosis: DiagnosisSection,
    pub needs: Vec<NeedRow>,
    pub needs_text: String,
    pub measures: Vec<Measure>,
    pub credit: CreditSection,
    /// Products the coach chose to recommend (subset of `credit.items`).
    pub chosen_products: Vec<Uuid>,
    pub capital_market: CapitalSection,
    pub actions: Vec<ActionItem>,
    pub monitoring: Vec<Target>,
    pub sign_off: SignOffSection,
    /// The coach's rewrites of section narratives; they replace the generated text.
    #[serde(default)]
    pub edits: BTreeMap<SectionKey, String>,
}

impl PlanContent {
    /// The narrative printed for a section: the coach's text if any, else the generated one.
    pub fn text(&self, s: SectionKey) -> &str {
        if let Some(t) = self.edits.get(&s) {
            return t;
        }
        match s {
            SectionKey::Profile => &self.profile.text,
            SectionKey::Diagnosis => &self.diagnosis.text,
            SectionKey::Needs => &self.needs_text,
            SectionKey::Measures => "",
            SectionKey::Credit => &self.credit.text,
            SectionKey::CapitalMarket => &self.capital_market.text,
            SectionKey::Actions => "",
            SectionKey::Monitoring => "",
            SectionKey::SignOff => &self.sign_off.text,
        }
    }
}
