//! The programme's closed vocabularies (roles, stages, designations, need statuses, …): each an
//! enum with its stored key and Chinese and English labels, declared through one macro.

use super::*;

/// Declares a closed vocabulary: the enum, its `ALL` list, `key`, `label_zh`, `label_en`,
/// `parse` (key or either label) and `Display` (the Chinese label).
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
            /// Long only to a line counter (#13): this is one line inside `labelled_enum!`, and
            /// a brace count from here runs on through the macro's invocations below.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label_zh()) }
        }
    };
}
pub(crate) use labelled_enum;

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
