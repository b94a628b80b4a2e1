//! What is recorded about a firm besides its identity: financial years, IP holdings,
//! designations held, contacts and the facts the evaluation rules read.

use super::*;

/// One year's financial figures, in 元. Unknown figures are `None`, never 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFinancials {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Yuan>,
    // ---- Inputs of the 高企 and 专精特新 rules (issue 10) ----
    /// Main-business revenue (主营业务收入), for the 专精特新 专业化 indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_business_revenue: Option<Yuan>,
    /// 总收入 = 收入总额 − 不征税收入: the denominator of the 高企 high-tech revenue share
    /// (国科发火〔2016〕32号 附件《工作指引》), recorded on its own, not derived from `revenue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_income: Option<Yuan>,
    // ---- end of issue-10 inputs ----
    /// R&D expense (研发费用).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_expense: Option<Yuan>,
    /// R&D expense spent in China (for the 高企 60% test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_expense_domestic: Option<Yuan>,
    /// Total cost and expenses (成本费用总额).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_assets: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liabilities: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_profit: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_cash_flow: Option<Yuan>,
    /// Revenue from high-tech products/services (高新技术产品（服务）收入).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_tech_revenue: Option<Yuan>,
    // --- Credit support (issue 10 item 1) ---
    /// Bills receivable held at year end (应收票据: bank or commercial acceptance bills), the
    /// security for bill-pledge products (商业票据质押).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bills_receivable: Option<Yuan>,
}

/// Intellectual property held. Class I: invention patents, plant varieties, IC layouts, new
/// drugs etc.; Class II: utility models, designs, software copyrights.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpHoldings {
    #[serde(default)]
    pub invention_patents: u32,
    /// Other Class-I IP (new plant varieties, IC layout designs, national new drugs …).
    #[serde(default)]
    pub other_class1: u32,
    #[serde(default)]
    pub utility_models: u32,
    #[serde(default)]
    pub designs: u32,
    #[serde(default)]
    pub software_copyrights: u32,
    /// IP items currently pledged.
    #[serde(default)]
    pub pledged: u32,
}

impl IpHoldings {
    pub fn class1(&self) -> u32 {
        self.invention_patents + self.other_class1
    }
    pub fn class2(&self) -> u32 {
        self.utility_models + self.designs + self.software_copyrights
    }
}

/// A designation held, with its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub kind: QualificationKind,
    /// Date obtained / registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained: Option<NaiveDate>,
    /// Expiry date (高企 certificates run three years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// Certificate or registration number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub number: String,
}

impl Qualification {
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.obtained.is_none_or(|d| d <= day) && self.expires.is_none_or(|d| day <= d)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// Facts the evaluation rules need beyond the figures (compliance, awards, niche-market
/// data). Every field is optional: `None` means "not yet known", and rules say so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFacts {
    /// Resident enterprise registered in mainland China (居民企业).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident: Option<bool>,
    /// Business in a restricted or phase-out category (限制类/淘汰类).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_category: Option<bool>,
    /// Serious safety, quality, environmental or IP incident in the review period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious_incident: Option<bool>,
    /// On the abnormal-operation list or serious-dishonesty list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dishonest_listed: Option<bool>,
    /// Year of the latest national S&T award, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_award_year: Option<i32>,
    /// Has a provincial-level (or above) R&D institution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provincial_rd_institution: Option<bool>,
    /// Year the firm last led a national or industry standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub led_standard_year: Option<i32>,
    /// Years in its niche market (专精特新).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub niche_years: Option<u32>,
    /// New equity financing in the last two years, 元 (专精特新 alternative to revenue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_equity_2y: Option<Yuan>,
    /// Self-assessed 专精特新 indicator score 0–100, if the firm has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srdi_score: Option<u32>,
    /// 高企 innovation-ability score (0–100) from the firm's own assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub innovation_score: Option<u32>,
    /// The technology behind the main products is in a 《国家重点支持的高新技术领域》 field
    /// (高企 art. 11 (3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hitech_field: Option<bool>,
    /// Founder/management years of industry experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founder_experience_years: Option<u32>,
    /// Overdue or default records in the credit report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_overdue: Option<bool>,
    /// Has accounts receivable from creditworthy buyers (for receivables pledge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receivables: Option<Yuan>,
    /// Has government-procurement contracts (政采贷).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gov_procurement: Option<bool>,
    /// Owns real estate usable as collateral.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_estate_collateral: Option<bool>,

    // ---- Inputs of the 专精特新 score, the direct routes and the plan's measures (issue 10) ----
    /// Has independent legal-person status (具有独立法人资格; 专精特新 basic condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent_legal_person: Option<bool>,
    /// Highest level of the firm's recognised R&D institution (研发机构级别).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_institution_level: Option<RdInstitutionLevel>,
    /// Digital-transformation level from the SME digital-level self-assessment (1–4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digital_level: Option<u32>,
    /// Quality-management items the firm has (质量管理水平); `Some(vec![])` = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_items: Option<Vec<QualityItem>>,
    /// The main product is in a key field (关键领域补短板/锻长板/填空白, 工业“六基”, 中华老字号,
    /// or serves a key industrial-chain leader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_field_product: Option<bool>,
    /// 特色化 points (0–15) set by the provincial rules, as assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srdi_feature_points: Option<u32>,
    /// At least one of the firm's Class-I IP items tied to the main product is high-value
    /// (高价值Ⅰ类知识产权).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_value_class1_ip: Option<bool>,
    /// At least one Class-I IP item tied to the main product was developed by the firm itself
    /// (自主研发), not bought or licensed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_class1_ip: Option<bool>,
    /// Rank among the winning units of the national S&T award of `national_award_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_award_rank: Option<u32>,
    /// Year of the latest provincial S&T award, and the firm's rank among its winning units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provincial_award_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provincial_award_rank: Option<u32>,
    /// Year the firm entered the national top 500 of the 创客中国 SME innovation contest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_china_top500_year: Option<i32>,
    /// Keeps an R&D sub-ledger by project (研发费用辅助账).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_sub_ledger: Option<bool>,
    /// Latest financial year whose statements were audited by an accounting firm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audited_year: Option<i32>,
    // ---- end of issue-10 inputs ----
}
