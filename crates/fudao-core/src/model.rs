//! The entities of the programme (see `shared/domain.md`).
//!
//! Every synchronised entity has a UUIDv7 `id` and belongs to a team. Top-level fields are the
//! unit of storage, audit and sync merging: the store keeps one column per top-level field
//! (nested values as JSON), so keep fields that users edit independently at the top level.

use crate::error::{FieldError, ValidationErrors};
use crate::money::Yuan;
use crate::uscc;
use chrono::NaiveDate;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of synchronised entity. The string form is the store table and wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Team,
    User,
    Firm,
    Need,
    Visit,
    Product,
    Plan,
    Feedback,
    FeedbackLink,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Team,
        EntityKind::User,
        EntityKind::Firm,
        EntityKind::Need,
        EntityKind::Visit,
        EntityKind::Product,
        EntityKind::Plan,
        EntityKind::Feedback,
        EntityKind::FeedbackLink,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Team => "team",
            EntityKind::User => "user",
            EntityKind::Firm => "firm",
            EntityKind::Need => "need",
            EntityKind::Visit => "visit",
            EntityKind::Product => "product",
            EntityKind::Plan => "plan",
            EntityKind::Feedback => "feedback",
            EntityKind::FeedbackLink => "feedback_link",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EntityKind::Team => "辅导队",
            EntityKind::User => "用户",
            EntityKind::Firm => "企业",
            EntityKind::Need => "融资需求",
            EntityKind::Visit => "走访记录",
            EntityKind::Product => "金融产品",
            EntityKind::Plan => "一企一策方案",
            EntityKind::Feedback => "满意度评价",
            EntityKind::FeedbackLink => "评价二维码",
        }
    }
}

/// Implemented by every stored, synchronised entity.
pub trait Entity: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const KIND: EntityKind;
    fn id(&self) -> Uuid;
    /// The team the row belongs to; `None` only for city-wide rows (products, admins).
    fn team_id(&self) -> Option<Uuid>;
    /// Field-level validation. `Ok` means the row may be stored.
    fn validate(&self) -> Result<(), ValidationErrors>;
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $key:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The serialised key (`snake_case`).
            pub fn key(self) -> &'static str { match self { $($name::$var => $key),+ } }
            pub fn label_zh(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            pub fn label_en(self) -> &'static str { match self { $($name::$var => $en),+ } }
            /// Parses the key, the Chinese label or the English label.
            pub fn parse(s: &str) -> Option<Self> {
                let t = s.trim();
                Self::ALL.iter().copied().find(|v| v.key() == t || v.label_zh() == t || v.label_en().eq_ignore_ascii_case(t))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label_zh()) }
        }
    };
}

labelled_enum!(
    /// A user's role.
    Role {
        Coach = "coach", "金融辅导员", "Coach";
        Lead = "lead", "辅导队队长", "Team lead";
        Admin = "admin", "管理员", "Administrator";
    }
);

labelled_enum!(
    /// Lifecycle stage of a firm.
    Stage {
        Seed = "seed", "种子期", "Seed";
        Startup = "startup", "初创期", "Start-up";
        Growth = "growth", "成长期", "Growth";
        Mature = "mature", "成熟期", "Mature";
    }
);

labelled_enum!(
    /// Designations a firm can hold.
    QualificationKind {
        TechSme = "tech_sme", "科技型中小企业", "Tech SME";
        HighTech = "high_tech", "高新技术企业", "High-tech enterprise";
        SrdiProvincial = "srdi_provincial", "省级专精特新中小企业", "Provincial SRDI SME";
        SrdiLittleGiant = "srdi_little_giant", "国家级专精特新“小巨人”", "National SRDI little giant";
        Gazelle = "gazelle", "瞪羚企业", "Gazelle";
        Unicorn = "unicorn", "独角兽企业", "Unicorn";
        SingleChampion = "single_champion", "制造业单项冠军", "Single-product champion";
    }
);

impl QualificationKind {
    /// The short name coaches use (科小, 高企, …), for narrow table cells and tags.
    pub fn short_zh(self) -> &'static str {
        match self {
            QualificationKind::TechSme => "科小",
            QualificationKind::HighTech => "高企",
            QualificationKind::SrdiProvincial => "专精特新",
            QualificationKind::SrdiLittleGiant => "小巨人",
            QualificationKind::Gazelle => "瞪羚",
            QualificationKind::Unicorn => "独角兽",
            QualificationKind::SingleChampion => "单项冠军",
        }
    }
    pub fn short_en(self) -> &'static str {
        match self {
            QualificationKind::TechSme => "Tech SME",
            QualificationKind::HighTech => "HNTE",
            QualificationKind::SrdiProvincial => "SRDI",
            QualificationKind::SrdiLittleGiant => "Little giant",
            QualificationKind::Gazelle => "Gazelle",
            QualificationKind::Unicorn => "Unicorn",
            QualificationKind::SingleChampion => "Champion",
        }
    }
}

labelled_enum!(
    /// The kind of financing a need asks for, or a product provides.
    FinancingKind {
        Loan = "loan", "贷款", "Loan";
        Equity = "equity", "股权融资", "Equity";
        Guarantee = "guarantee", "融资担保", "Guarantee";
        Insurance = "insurance", "保险", "Insurance";
        Bond = "bond", "债券/票据", "Bond";
    }
);

labelled_enum!(
    /// Pipeline of a financing need.
    NeedStatus {
        Raised = "raised", "已提出", "Raised";
        Matching = "matching", "对接中", "Matching";
        Applied = "applied", "已申请", "Applied";
        Approved = "approved", "已审批", "Approved";
        Disbursed = "disbursed", "已放款", "Disbursed";
        PartlyMet = "partly_met", "部分满足", "Partly met";
        Unmet = "unmet", "未满足", "Unmet";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
    }
);

impl NeedStatus {
    /// Closed needs are no longer being worked on.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            NeedStatus::Disbursed
                | NeedStatus::PartlyMet
                | NeedStatus::Unmet
                | NeedStatus::Withdrawn
        )
    }
}

labelled_enum!(
    /// Reasons a need is ruled unreasonable, or was not met.
    ReasonCode {
        PurposeMismatch = "purpose_mismatch", "资金用途不符", "Purpose does not fit financing";
        OverCapacity = "over_capacity", "超出还款能力", "Exceeds repayment capacity";
        NoRealBusiness = "no_real_business", "无真实经营背景", "No genuine business";
        PolicyRestricted = "policy_restricted", "属限制类行业或用途", "Restricted by policy";
        Speculative = "speculative", "投机性需求", "Speculative";
        InsufficientCollateral = "insufficient_collateral", "缺乏有效抵质押/担保", "Insufficient collateral";
        CreditRecord = "credit_record", "信用记录不良", "Poor credit record";
        WeakFinancials = "weak_financials", "财务状况不达标", "Weak financials";
        PriceNotAccepted = "price_not_accepted", "企业不接受融资成本", "Firm declined the price";
        FirmWithdrew = "firm_withdrew", "企业主动放弃", "Firm withdrew";
        Other = "other", "其他", "Other";
    }
);

labelled_enum!(
    /// How a visit was conducted.
    VisitMode {
        OnSite = "on_site", "实地走访", "On site";
        Phone = "phone", "电话", "Phone";
        Online = "online", "线上", "Online";
    }
);

labelled_enum!(
    /// A firm's rating of the coaching.
    Satisfaction {
        Satisfied = "satisfied", "满意", "Satisfied";
        Basic = "basic", "基本满意", "Basically satisfied";
        Unsatisfied = "unsatisfied", "不满意", "Unsatisfied";
    }
);

labelled_enum!(
    /// 一企一策 plan status.
    PlanStatus {
        Draft = "draft", "草稿", "Draft";
        Confirmed = "confirmed", "已确认", "Confirmed";
        Delivered = "delivered", "已交付", "Delivered";
    }
);

// ---------------------------------------------------------------------------------------------
// Team and user

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    /// District, industry or institution the team focuses on.
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub lead_id: Option<Uuid>,
}

impl Entity for Team {
    const KIND: EntityKind = EntityKind::Team;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        Some(self.id)
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.name.trim().is_empty() {
            e.push(FieldError::required("name", "辅导队名称"));
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub role: Role,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Entity for User {
    const KIND: EntityKind = EntityKind::User;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.username.trim().is_empty() {
            e.push(FieldError::required("username", "用户名"));
        }
        if self.name.trim().is_empty() {
            e.push(FieldError::required("name", "姓名"));
        }
        if self.role != Role::Admin && self.team_id.is_none() {
            e.push(FieldError::new(
                "team_id",
                "required",
                "辅导员和队长必须属于一个辅导队",
                "Coaches and leads must belong to a team",
            ));
        }
        e.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Firm

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

labelled_enum!(
    /// Level of a recognised R&D institution (工程技术研究中心, 企业技术中心, 重点实验室 …).
    RdInstitutionLevel {
        National = "national", "国家级", "National";
        Provincial = "provincial", "省级", "Provincial";
        Municipal = "municipal", "市级", "Municipal";
        Other = "other", "市级以下", "Below municipal";
        NoInstitution = "none", "未建立", "None";
    }
);

labelled_enum!(
    /// Quality-management items of the 专精特新 精细化 indicator (3 points each, at most 5).
    QualityItem {
        QualityAward = "quality_award", "获得省级以上质量奖荣誉", "Provincial or higher quality award";
        CertifiedQms = "certified_qms", "建立质量管理体系并获得ISO9001等认证", "Certified quality-management system (ISO 9001 …)";
        OwnBrand = "own_brand", "拥有自主品牌", "Own brand";
        Standards = "standards", "参与制修订标准", "Took part in drafting standards";
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firm {
    pub id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    #[serde(default)]
    pub coach_id: Option<Uuid>,
    /// 统一社会信用代码, normalised.
    pub uscc: String,
    /// Reason recorded by a lead who accepted a code failing the check (irregularly issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc_override: Option<String>,
    pub name: String,
    /// GB/T 2260 code, e.g. `370102`.
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// GB/T 4754 code: a section letter, optionally with class digits (`C3911`).
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub founded: Option<NaiveDate>,
    #[serde(default)]
    pub registered_capital: Option<Yuan>,
    #[serde(default)]
    pub staff: Option<u32>,
    #[serde(default)]
    pub tech_staff: Option<u32>,
    /// High-level talents (高层次人才): doctors, national/provincial talent programmes.
    #[serde(default)]
    pub high_talents: Option<u32>,
    #[serde(default)]
    pub financials: Vec<YearFinancials>,
    #[serde(default)]
    pub ip: IpHoldings,
    #[serde(default)]
    pub qualifications: Vec<Qualification>,
    #[serde(default)]
    pub stage: Option<Stage>,
    /// Has the firm ever had a bank loan? `Some(false)` ⇒ first-loan candidate.
    #[serde(default)]
    pub ever_borrowed: Option<bool>,
    /// On the 首贷培植名单.
    #[serde(default)]
    pub first_loan_list: bool,
    /// Date the firm obtained its first loan, if it was on the list.
    #[serde(default)]
    pub first_loan_date: Option<NaiveDate>,
    /// On a bank whitelist with pre-approved credit (白名单+预授信).
    #[serde(default)]
    pub whitelist: bool,
    /// In the listing reserve pool (上市后备企业库).
    #[serde(default)]
    pub listing_reserve: bool,
    /// Target board for listing (科创板, 创业板, 北交所 …).
    #[serde(default)]
    pub listing_board: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub facts: AssessmentFacts,
    #[serde(default)]
    pub notes: String,
}

impl Firm {
    /// A new firm with only the required fields.
    pub fn new(id: Uuid, uscc: &str, name: &str) -> Self {
        Firm {
            id,
            team_id: None,
            coach_id: None,
            uscc: uscc::normalize(uscc),
            uscc_override: None,
            name: name.trim().to_string(),
            district: None,
            address: None,
            industry: None,
            founded: None,
            registered_capital: None,
            staff: None,
            tech_staff: None,
            high_talents: None,
            financials: vec![],
            ip: IpHoldings::default(),
            qualifications: vec![],
            stage: None,
            ever_borrowed: None,
            first_loan_list: false,
            first_loan_date: None,
            whitelist: false,
            listing_reserve: false,
            listing_board: None,
            contacts: vec![],
            tags: vec![],
            facts: AssessmentFacts::default(),
            notes: String::new(),
        }
    }

    /// Financials sorted newest first.
    pub fn years_desc(&self) -> Vec<&YearFinancials> {
        let mut v: Vec<&YearFinancials> = self.financials.iter().collect();
        v.sort_by_key(|y| std::cmp::Reverse(y.year));
        v
    }

    pub fn latest_year(&self) -> Option<&YearFinancials> {
        self.financials.iter().max_by_key(|y| y.year)
    }

    pub fn year(&self, year: i32) -> Option<&YearFinancials> {
        self.financials.iter().find(|y| y.year == year)
    }

    /// Mutable access to a year's figures, creating the year if absent.
    pub fn year_mut(&mut self, year: i32) -> &mut YearFinancials {
        if let Some(i) = self.financials.iter().position(|y| y.year == year) {
            &mut self.financials[i]
        } else {
            self.financials.push(YearFinancials {
                year,
                ..Default::default()
            });
            self.financials.sort_by_key(|y| y.year);
            let i = self
                .financials
                .iter()
                .position(|y| y.year == year)
                .unwrap_or(0);
            &mut self.financials[i]
        }
    }

    pub fn qualification(&self, kind: QualificationKind) -> Option<&Qualification> {
        self.qualifications.iter().find(|q| q.kind == kind)
    }

    pub fn holds(&self, kind: QualificationKind, day: NaiveDate) -> bool {
        self.qualifications
            .iter()
            .any(|q| q.kind == kind && q.is_valid_on(day))
    }

    /// Whole years since founding on `day`.
    pub fn years_since_founded(&self, day: NaiveDate) -> Option<u32> {
        let f = self.founded?;
        day.years_since(f)
    }

    /// A first-loan candidate: known never to have borrowed from a bank.
    pub fn is_first_loan_candidate(&self) -> bool {
        self.ever_borrowed == Some(false)
    }

    pub fn district_name(&self) -> Option<&'static str> {
        self.district
            .as_deref()
            .and_then(crate::region::district_name)
    }
}

fn check_non_negative(e: &mut ValidationErrors, field: &str, label: &str, v: Option<Yuan>) {
    if v.is_some_and(|v| v < 0) {
        e.push(FieldError::negative(field, label));
    }
}

fn check_date_sane(e: &mut ValidationErrors, field: &str, label: &str, d: Option<NaiveDate>) {
    if let Some(d) = d {
        use chrono::Datelike;
        if d.year() < 1949 || d.year() > 2100 {
            e.push(FieldError::new(
                field,
                "date_range",
                format!("{label}“{d}”不在合理范围（1949–2100年）"),
                format!("{field} {d} is outside 1949–2100"),
            ));
        }
    }
}

impl Entity for Firm {
    const KIND: EntityKind = EntityKind::Firm;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.name.trim().is_empty() {
            e.push(FieldError::required("name", "企业名称"));
        }
        if let Err(err) = uscc::validate(&self.uscc) {
            let overridable = matches!(
                err,
                uscc::UsccError::Check { .. } | uscc::UsccError::OrgCheck { .. }
            );
            let overridden = self
                .uscc_override
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty());
            if !(overridable && overridden) {
                e.push(err.to_field_error("uscc"));
            }
        }
        if let Some(d) = &self.district {
            if !(d.len() == 6 && d.chars().all(|c| c.is_ascii_digit())) {
                e.push(FieldError::new(
                    "district",
                    "district",
                    format!("所在区县代码“{d}”应为6位数字（GB/T 2260）"),
                    format!("district '{d}' must be a 6-digit GB/T 2260 code"),
                ));
            }
        }
        if let Some(ind) = &self.industry {
            if crate::region::industry_section(ind).is_none() {
                e.push(FieldError::new(
                    "industry",
                    "industry",
                    format!("行业代码“{ind}”不是GB/T 4754门类"),
                    format!("industry '{ind}' is not a GB/T 4754 section"),
                ));
            }
        }
        if let (Some(s), Some(t)) = (self.staff, self.tech_staff) {
            if t > s {
                e.push(FieldError::new(
                    "tech_staff",
                    "tech_staff_gt_staff",
                    format!("科技人员数（{t}）不能多于职工总数（{s}）"),
                    format!("tech staff ({t}) cannot exceed total staff ({s})"),
                ));
            }
        }
        if let (Some(s), Some(h)) = (self.staff, self.high_talents) {
            if h > s {
                e.push(FieldError::new(
                    "high_talents",
                    "high_talents_gt_staff",
                    format!("高层次人才数（{h}）不能多于职工总数（{s}）"),
                    format!("high-level talents ({h}) cannot exceed total staff ({s})"),
                ));
            }
        }
        check_non_negative(
            &mut e,
            "registered_capital",
            "注册资本",
            self.registered_capital,
        );
        check_date_sane(&mut e, "founded", "成立日期", self.founded);
        let mut seen = std::collections::BTreeSet::new();
        for y in &self.financials {
            if !(1949..=2100).contains(&y.year) {
                e.push(FieldError::new(
                    "financials",
                    "year",
                    format!("财务年度“{}”无效", y.year),
                    format!("invalid financial year {}", y.year),
                ));
            }
            if !seen.insert(y.year) {
                e.push(FieldError::new(
                    "financials",
                    "duplicate_year",
                    format!("财务年度{}重复", y.year),
                    format!("financial year {} appears twice", y.year),
                ));
            }
            for (field, label, v) in [
                ("revenue", "营业收入", y.revenue),
                ("rd_expense", "研发费用", y.rd_expense),
                ("rd_expense_domestic", "境内研发费用", y.rd_expense_domestic),
                ("total_cost", "成本费用总额", y.total_cost),
                ("total_assets", "资产总额", y.total_assets),
                ("liabilities", "负债总额", y.liabilities),
                ("high_tech_revenue", "高新技术产品收入", y.high_tech_revenue),
                ("bills_receivable", "应收票据", y.bills_receivable),
            ] {
                if v.is_some_and(|v| v < 0) {
                    e.push(FieldError::new(
                        "financials",
                        "negative",
                        format!("{}年{label}不能为负数", y.year),
                        format!("{} {field} must not be negative", y.year),
                    ));
                }
            }
            if let (Some(rd), Some(dom)) = (y.rd_expense, y.rd_expense_domestic) {
                if dom > rd {
                    e.push(FieldError::new(
                        "financials",
                        "rd_domestic_gt_total",
                        format!("{}年境内研发费用不能多于研发费用总额", y.year),
                        format!("{} domestic R&D exceeds total R&D", y.year),
                    ));
                }
            }
        }
        for q in &self.qualifications {
            if let (Some(a), Some(b)) = (q.obtained, q.expires) {
                if b < a {
                    e.push(FieldError::new(
                        "qualifications",
                        "expiry_before_obtained",
                        format!("{}的有效期（{b}）早于取得日期（{a}）", q.kind.label_zh()),
                        format!(
                            "{} expires ({b}) before it was obtained ({a})",
                            q.kind.label_en()
                        ),
                    ));
                }
            }
        }
        e.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Financing need

/// The coach's ruling on whether a need is reasonable (合理化融资需求).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruling {
    pub reasonable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonCode>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Money that reached the firm against a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub institution: String,
    #[serde(default)]
    pub product: String,
    pub amount: Yuan,
    /// Annual rate in basis points (1 bp = 0.01%), e.g. 365 = 3.65%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_bp: Option<u32>,
    pub date: NaiveDate,
    /// Unsecured credit loan (信用贷款).
    #[serde(default)]
    pub credit: bool,
    /// Product kind label, e.g. 知识产权质押贷.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product_kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub amount: Yuan,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub term_months: Option<u32>,
    pub kind: FinancingKind,
    /// Collateral the firm has on hand (free text items: 房产, 设备, 应收账款, 专利 …).
    #[serde(default)]
    pub collateral: Vec<String>,
    pub raised_on: NaiveDate,
    #[serde(default)]
    pub ruling: Option<Ruling>,
    pub status: NeedStatus,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// The coach marked the need as met although no disbursement is recorded (e.g. equity).
    #[serde(default)]
    pub met_by_coach: bool,
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    /// Why a closed need was not (fully) met.
    #[serde(default)]
    pub unmet_reason: Option<ReasonCode>,
}

impl Need {
    pub fn disbursed_amount(&self) -> Yuan {
        self.outcomes.iter().map(|o| o.amount).sum()
    }
    pub fn is_met(&self) -> bool {
        self.status == NeedStatus::Disbursed || self.met_by_coach
    }
    pub fn is_reasonable(&self) -> Option<bool> {
        self.ruling.as_ref().map(|r| r.reasonable)
    }
}

impl Entity for Need {
    const KIND: EntityKind = EntityKind::Need;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.amount <= 0 {
            e.push(FieldError::new(
                "amount",
                "positive",
                "融资需求金额必须大于0",
                "amount must be greater than 0",
            ));
        }
        check_date_sane(&mut e, "raised_on", "提出日期", Some(self.raised_on));
        if let Some(c) = self.closed_on {
            if c < self.raised_on {
                e.push(FieldError::new(
                    "closed_on",
                    "before_raised",
                    "办结日期不能早于提出日期",
                    "closed_on cannot be before raised_on",
                ));
            }
        }
        if let Some(r) = &self.ruling {
            if !r.reasonable && r.reason.is_none() {
                e.push(FieldError::new(
                    "ruling",
                    "reason_required",
                    "认定为不合理需求时必须选择原因",
                    "an unreasonable ruling needs a reason code",
                ));
            }
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            if o.amount <= 0 {
                e.push(FieldError::new(
                    "outcomes",
                    "positive",
                    format!("第{}笔放款金额必须大于0", i + 1),
                    format!("outcome {} amount must be positive", i + 1),
                ));
            }
            if o.institution.trim().is_empty() {
                e.push(FieldError::new(
                    "outcomes",
                    "required",
                    format!("第{}笔放款须填写金融机构", i + 1),
                    format!("outcome {} needs an institution", i + 1),
                ));
            }
        }
        if self.status == NeedStatus::Disbursed && self.outcomes.is_empty() {
            e.push(FieldError::new(
                "outcomes",
                "required",
                "状态为“已放款”时须登记放款结果",
                "a disbursed need must record its outcome",
            ));
        }
        e.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Visit

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpTask {
    pub title: String,
    #[serde(default)]
    pub owner: String,
    pub due: NaiveDate,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    #[serde(default)]
    pub coach_ids: Vec<Uuid>,
    pub mode: VisitMode,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub tasks: Vec<FollowUpTask>,
}

impl Entity for Visit {
    const KIND: EntityKind = EntityKind::Visit;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        check_date_sane(&mut e, "date", "走访日期", Some(self.date));
        for (i, t) in self.tasks.iter().enumerate() {
            if t.title.trim().is_empty() {
                e.push(FieldError::new(
                    "tasks",
                    "required",
                    format!("第{}项跟进任务缺少内容", i + 1),
                    format!("task {} has no title", i + 1),
                ));
            }
            if t.due < self.date {
                e.push(FieldError::new(
                    "tasks",
                    "due_before_visit",
                    format!("第{}项跟进任务的截止日期早于走访日期", i + 1),
                    format!("task {} is due before the visit", i + 1),
                ));
            }
        }
        e.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Feedback

labelled_enum!(
    /// How a firm's rating reached the programme. Rows stored before the source was recorded
    /// read as `Unrecorded`.
    FeedbackSource {
        Qr = "qr", "扫码评价", "QR code";
        Paper = "paper", "纸质评价", "Paper";
        Phone = "phone", "电话评价", "Phone";
        Visit = "visit", "走访面评", "In person";
        Unrecorded = "unrecorded", "未注明来源", "Not recorded";
    }
);

#[allow(clippy::derivable_impls)]
impl Default for FeedbackSource {
    fn default() -> Self {
        FeedbackSource::Unrecorded
    }
}

/// Longest feedback comment, in characters.
pub const FEEDBACK_COMMENT_MAX_CHARS: usize = 500;

/// Days the coach has to call back a firm that rated the coaching 不满意.
pub const FEEDBACK_FOLLOW_UP_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    pub rating: Satisfaction,
    #[serde(default)]
    pub comment: String,
    /// Where the rating came from (QR page, paper form, phone, in person).
    #[serde(default)]
    pub source: FeedbackSource,
    /// The firm's answer to "was your financing need met?"; `None` when not asked or not
    /// answered. It moves no need's status by itself.
    #[serde(default)]
    pub need_met: Option<bool>,
    /// The plan (and its version) the rating refers to, when known.
    #[serde(default)]
    pub plan_id: Option<Uuid>,
    #[serde(default)]
    pub plan_version: Option<u32>,
}

impl Feedback {
    /// The id of the 回访 visit a 不满意 rating asks for: derived from the feedback's id, so
    /// every device that creates the follow-up of one rating (the recording device, or the
    /// coach's device when a QR rating is pulled, again on a re-pull) names the same row.
    pub fn follow_up_id(&self) -> Uuid {
        // A fixed mask keeps it distinct from the feedback's own id; version 8 (custom).
        const MASK: u128 = 0x5f0a_11c0_b7e4_4d3a_9c6e_2b81_7f35_d0c9;
        uuid::Builder::from_custom_bytes((self.id.as_u128() ^ MASK).to_be_bytes()).into_uuid()
    }

    /// The follow-up a 不满意 rating asks of the firm's coach: a 回访 visit record dated the
    /// day of the feedback, holding one open task due [`FEEDBACK_FOLLOW_UP_DAYS`] later and
    /// owned by `coach_name`. `None` for any other rating.
    pub fn follow_up(
        &self,
        visit_id: Uuid,
        coach_id: Option<Uuid>,
        coach_name: &str,
    ) -> Option<Visit> {
        if self.rating != Satisfaction::Unsatisfied {
            return None;
        }
        let mut notes = format!(
            "回访：企业满意度评价为“不满意”（{}）",
            self.source.label_zh()
        );
        if !self.comment.trim().is_empty() {
            notes.push_str(&format!("，意见：{}", self.comment.trim()));
        }
        Some(Visit {
            id: visit_id,
            firm_id: self.firm_id,
            team_id: self.team_id,
            date: self.date,
            coach_ids: coach_id.into_iter().collect(),
            mode: VisitMode::Phone,
            notes,
            findings: String::new(),
            tasks: vec![FollowUpTask {
                title: "回访不满意评价企业，了解原因并改进辅导".to_string(),
                owner: coach_name.to_string(),
                due: self.date + chrono::Duration::days(FEEDBACK_FOLLOW_UP_DAYS),
                done: false,
            }],
        })
    }
}

impl Entity for Feedback {
    const KIND: EntityKind = EntityKind::Feedback;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        check_date_sane(&mut e, "date", "评价日期", Some(self.date));
        let n = self.comment.chars().count();
        if n > FEEDBACK_COMMENT_MAX_CHARS {
            e.push(FieldError::new(
                "comment",
                "too_long",
                format!("评价意见共{n}字，超过{FEEDBACK_COMMENT_MAX_CHARS}字上限"),
                format!("comment has {n} characters, more than the {FEEDBACK_COMMENT_MAX_CHARS} allowed"),
            ));
        }
        e.into_result()
    }
}

#[cfg(test)]
mod feedback_tests {
    use super::*;

    fn fb(rating: Satisfaction, comment: &str) -> Feedback {
        Feedback {
            id: Uuid::from_u128(1),
            firm_id: Uuid::from_u128(2),
            team_id: Some(Uuid::from_u128(3)),
            date: NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
            rating,
            comment: comment.into(),
            source: FeedbackSource::Paper,
            need_met: Some(false),
            plan_id: None,
            plan_version: None,
        }
    }

    #[test]
    fn old_rows_read_with_defaults() {
        let j = r#"{"id":"00000000-0000-0000-0000-000000000001","firm_id":"00000000-0000-0000-0000-000000000002",
            "team_id":null,"date":"2026-05-04","rating":"basic","comment":"好"}"#;
        let f: Feedback = serde_json::from_str(j).unwrap();
        assert_eq!(f.source, FeedbackSource::Unrecorded);
        assert_eq!(f.need_met, None);
        assert_eq!(f.plan_id, None);
        assert_eq!(f.plan_version, None);
        let back = serde_json::to_value(fb(Satisfaction::Basic, "")).unwrap();
        assert_eq!(back["source"], "paper");
        assert_eq!(back["need_met"], false);
    }

    #[test]
    fn source_parses_keys_and_labels() {
        assert_eq!(FeedbackSource::parse("phone"), Some(FeedbackSource::Phone));
        assert_eq!(
            FeedbackSource::parse("纸质评价"),
            Some(FeedbackSource::Paper)
        );
        assert_eq!(FeedbackSource::parse("QR code"), Some(FeedbackSource::Qr));
        assert_eq!(FeedbackSource::parse("fax"), None);
    }

    #[test]
    fn comment_length_is_bounded_in_characters() {
        // 500 Chinese characters (1 500 bytes) pass; 501 do not.
        assert_eq!(
            fb(Satisfaction::Satisfied, &"好".repeat(500)).validate(),
            Ok(())
        );
        let e = fb(Satisfaction::Satisfied, &"好".repeat(501))
            .validate()
            .unwrap_err();
        assert_eq!(e.fields().collect::<Vec<_>>(), ["comment"]);
        assert!(e.0[0].message.zh.contains("501字"), "{:?}", e.0[0].message);
        assert!(e.0[0].message.en.contains("501 characters"));
    }

    #[test]
    fn the_follow_up_id_is_derived_from_the_feedback_id() {
        let a = fb(Satisfaction::Unsatisfied, "");
        let mut b = a.clone();
        b.id = Uuid::from_u128(a.id.as_u128() + 1);
        assert_eq!(a.follow_up_id(), a.clone().follow_up_id());
        assert_ne!(a.follow_up_id(), a.id);
        assert_ne!(a.follow_up_id(), b.follow_up_id());
        assert_eq!(a.follow_up_id().get_version_num(), 8);
    }

    #[test]
    fn unsatisfied_asks_for_a_follow_up_visit() {
        assert_eq!(
            fb(Satisfaction::Basic, "").follow_up(Uuid::from_u128(9), None, "王"),
            None
        );
        let v = fb(Satisfaction::Unsatisfied, " 放款太慢 ")
            .follow_up(Uuid::from_u128(9), Some(Uuid::from_u128(7)), "王辅导")
            .unwrap();
        assert_eq!(v.id, Uuid::from_u128(9));
        assert_eq!(v.firm_id, Uuid::from_u128(2));
        assert_eq!(v.team_id, Some(Uuid::from_u128(3)));
        assert_eq!(v.coach_ids, [Uuid::from_u128(7)]);
        assert_eq!(
            v.notes,
            "回访：企业满意度评价为“不满意”（纸质评价），意见：放款太慢"
        );
        assert_eq!(v.tasks.len(), 1);
        assert_eq!(v.tasks[0].owner, "王辅导");
        // 2026-05-04 + 7 days.
        assert_eq!(
            v.tasks[0].due,
            NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
        );
        assert!(!v.tasks[0].done);
        assert_eq!(v.validate(), Ok(()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm() -> Firm {
        Firm::new(Uuid::nil(), "91350100M000100Y43", "济南量子科技有限公司")
    }

    #[test]
    fn valid_firm() {
        assert_eq!(firm().validate(), Ok(()));
    }

    #[test]
    fn firm_field_errors() {
        let mut f = firm();
        f.uscc = "91350100M000100Y44".into();
        f.staff = Some(10);
        f.tech_staff = Some(11);
        f.registered_capital = Some(-1);
        f.name = " ".into();
        let e = f.validate().unwrap_err();
        let fields: Vec<&str> = e.fields().collect();
        assert_eq!(fields, ["name", "uscc", "tech_staff", "registered_capital"]);
        assert!(e.0[2].message.zh.contains("科技人员数（11）"));
    }

    #[test]
    fn uscc_override_needs_reason_and_only_covers_check_chars() {
        let mut f = firm();
        f.uscc = "91350100M000100Y44".into();
        f.uscc_override = Some("工商登记原件如此".into());
        assert_eq!(f.validate(), Ok(()));
        f.uscc = "9135".into();
        assert!(f.validate().is_err());
    }

    #[test]
    fn need_rules() {
        let n = Need {
            id: Uuid::nil(),
            firm_id: Uuid::nil(),
            team_id: None,
            amount: 0,
            purpose: String::new(),
            term_months: None,
            kind: FinancingKind::Loan,
            collateral: vec![],
            raised_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ruling: Some(Ruling {
                reasonable: false,
                reason: None,
                note: String::new(),
            }),
            status: NeedStatus::Disbursed,
            outcomes: vec![],
            met_by_coach: false,
            closed_on: None,
            unmet_reason: None,
        };
        let e = n.validate().unwrap_err();
        assert_eq!(
            e.fields().collect::<Vec<_>>(),
            ["amount", "ruling", "outcomes"]
        );
    }

    #[test]
    fn enums_parse_from_labels() {
        assert_eq!(NeedStatus::parse("已放款"), Some(NeedStatus::Disbursed));
        assert_eq!(NeedStatus::parse("partly_met"), Some(NeedStatus::PartlyMet));
        assert_eq!(Role::parse("Team lead"), Some(Role::Lead));
        assert_eq!(
            serde_json::to_string(&QualificationKind::SrdiLittleGiant).unwrap(),
            "\"srdi_little_giant\""
        );
    }

    #[test]
    fn year_mut_creates_sorted() {
        let mut f = firm();
        f.year_mut(2025).revenue = Some(1);
        f.year_mut(2023).revenue = Some(2);
        f.year_mut(2025).rd_expense = Some(3);
        assert_eq!(
            f.financials.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2023, 2025]
        );
        assert_eq!(f.latest_year().unwrap().rd_expense, Some(3));
    }
}
