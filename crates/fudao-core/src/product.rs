//! The financial-product catalogue: products offered by Jinan's banks, guarantors, insurers and
//! funds to tech SMEs, with machine-checkable eligibility rules and policy support (subsidies).
//!
//! The catalogue is maintained centrally (bureau admins) and versioned so a server can publish
//! updates. A synthetic built-in catalogue ships in `assets/catalog/products.json`.

use crate::error::{FieldError, Msg, ValidationErrors};
use crate::model::{Entity, EntityKind, FinancingKind, QualificationKind, Stage};
use crate::money::{fmt_wan, Yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! product_enum {
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

product_enum!(
    /// The kind of institution offering a product.
    InstitutionKind {
        Bank = "bank", "银行", "Bank";
        Guarantor = "guarantor", "融资担保机构", "Guarantor";
        Insurer = "insurer", "保险机构", "Insurer";
        Fund = "fund", "投资基金", "Fund";
        Other = "other", "其他机构", "Other";
    }
);

product_enum!(
    /// Product kinds named in the city's implementation plan.
    ProductKind {
        TechTransferLoan = "tech_transfer_loan", "科技成果转化贷", "Technology-transfer loan";
        IpPledgeLoan = "ip_pledge_loan", "知识产权质押贷", "IP-pledge loan";
        EquityPledgeLoan = "equity_pledge_loan", "股权质押贷", "Equity-pledge loan";
        ReceivablesLoan = "receivables_loan", "应收账款质押贷", "Receivables-pledge loan";
        BillPledge = "bill_pledge", "商业票据质押", "Commercial-bill pledge";
        SrdiLoan = "srdi_loan", "专精特新贷", "SRDI loan";
        GazelleLoan = "gazelle_loan", "瞪羚企业贷", "Gazelle loan";
        TalentLoan = "talent_loan", "人才贷", "Talent loan";
        TechUpgradeLoan = "tech_upgrade_loan", "技改升级贷", "Technical-upgrade loan";
        ProcurementLoan = "procurement_loan", "政采贷", "Government-procurement loan";
        CreditLoan = "credit_loan", "信用贷", "Credit loan";
        StartupGuaranteedLoan = "startup_guaranteed_loan", "创业担保贷款", "Start-up guaranteed loan";
        LoanGuaranteeInsurance = "loan_guarantee_insurance", "贷款保证保险", "Loan guarantee insurance";
        IpFinancingInsurance = "ip_financing_insurance", "知识产权质押融资保证保险", "IP-pledge financing insurance";
        FirstSetInsurance = "first_set_insurance", "首台（套）保险", "First-of-its-kind equipment insurance";
        PatentEnforcementInsurance = "patent_enforcement_insurance", "专利执行险", "Patent enforcement insurance";
        InvestLoanLinkage = "invest_loan_linkage", "投贷联动", "Investment-loan linkage";
        VentureEquity = "venture_equity", "天使/创投", "Angel / venture equity";
        TechBond = "tech_bond", "科创票据/双创债", "Sci-tech notes / innovation bonds";
    }
);

impl ProductKind {
    /// The kind of financing the product provides.
    pub fn financing_kind(self) -> FinancingKind {
        use ProductKind::*;
        match self {
            LoanGuaranteeInsurance
            | IpFinancingInsurance
            | FirstSetInsurance
            | PatentEnforcementInsurance => FinancingKind::Insurance,
            VentureEquity => FinancingKind::Equity,
            TechBond => FinancingKind::Bond,
            StartupGuaranteedLoan => FinancingKind::Guarantee,
            _ => FinancingKind::Loan,
        }
    }

    /// Unsecured credit products (信用类): no pledge, mortgage or third-party guarantee.
    pub fn is_credit(self) -> bool {
        use ProductKind::*;
        matches!(
            self,
            TechTransferLoan | SrdiLoan | GazelleLoan | TalentLoan | ProcurementLoan | CreditLoan
        )
    }

    /// Products that bring money to the firm (as opposed to cover such as 专利执行险).
    pub fn provides_funds(self) -> bool {
        !matches!(
            self,
            ProductKind::FirstSetInsurance | ProductKind::PatentEnforcementInsurance
        )
    }

    /// What the product's price range means: an interest rate, a guarantee fee, a premium.
    pub fn price_label(self) -> Msg {
        match self.financing_kind() {
            FinancingKind::Insurance => Msg::new("保险费率", "premium rate"),
            FinancingKind::Guarantee => Msg::new("年利率", "annual rate"),
            FinancingKind::Equity => Msg::new("估值/条款协商", "negotiated terms"),
            FinancingKind::Bond => Msg::new("票面利率", "coupon rate"),
            FinancingKind::Loan => Msg::new("年利率", "annual rate"),
        }
    }
}

product_enum!(
    /// Security a product requires.
    CollateralKind {
        IpPledge = "ip_pledge", "知识产权质押", "IP pledge";
        EquityPledge = "equity_pledge", "股权质押", "Equity pledge";
        Receivables = "receivables", "应收账款质押", "Receivables pledge";
        Bills = "bills", "商业汇票质押", "Commercial-bill pledge";
        RealEstate = "real_estate", "房产抵押", "Real-estate mortgage";
        Equipment = "equipment", "设备抵押", "Equipment mortgage";
        ProcurementContract = "procurement_contract", "政府采购合同", "Government-procurement contract";
        ThirdPartyGuarantee = "third_party_guarantee", "第三方保证", "Third-party guarantee";
        PersonalGuarantee = "personal_guarantee", "实际控制人连带责任保证", "Controlling owner's personal guarantee";
    }
);

impl CollateralKind {
    /// Words a coach would type in a need's collateral list for this kind.
    pub fn keywords(self) -> &'static [&'static str] {
        use CollateralKind::*;
        match self {
            IpPledge => &["专利", "知识产权", "商标", "著作权", "ip"],
            EquityPledge => &["股权"],
            Receivables => &["应收", "账款"],
            Bills => &["票据", "汇票", "承兑"],
            RealEstate => &["房产", "厂房", "土地", "不动产", "房屋"],
            Equipment => &["设备", "机器"],
            ProcurementContract => &["政府采购", "政采", "中标"],
            ThirdPartyGuarantee => &["担保", "保证人"],
            PersonalGuarantee => &["个人保证", "连带", "实控人", "实际控制人"],
        }
    }
}

product_enum!(
    /// What a financing need's money is for, read from its purpose text. It decides the term
    /// that fits: working capital is short money (≤ 12 months); equipment, plant, technical
    /// upgrades, R&D and talent are long uses that are never financed with short money.
    FundUse {
        WorkingCapital = "working_capital", "流动资金周转", "Working capital";
        Equipment = "equipment", "设备购置", "Equipment";
        Plant = "plant", "厂房建设改造", "Plant and buildings";
        TechUpgrade = "tech_upgrade", "技术改造升级", "Technical upgrade";
        Rd = "rd", "研发投入", "R&D";
        Talent = "talent", "人才引进", "Talent";
    }
);

/// Short money: a term of at most this many months (短期贷款, up to one year).
pub const SHORT_TERM_MAX_MONTHS: u32 = 12;
/// The shortest term that finances a long use.
pub const LONG_TERM_MIN_MONTHS: u32 = 24;

impl FundUse {
    /// Words in a purpose text that name this use.
    pub fn keywords(self) -> &'static [&'static str] {
        use FundUse::*;
        match self {
            WorkingCapital => &[
                "流动资金",
                "周转",
                "原材料",
                "采购",
                "备货",
                "订单",
                "市场",
                "营销",
                "工资",
                "货款",
                "经营",
            ],
            Equipment => &["设备", "生产线", "机器", "仪器", "机械"],
            Plant => &[
                "厂房",
                "车间",
                "基建",
                "建设",
                "装修",
                "扩建",
                "园区",
                "土地",
                "办公楼",
            ],
            TechUpgrade => &[
                "技术改造",
                "技改",
                "升级改造",
                "智能化改造",
                "数字化改造",
                "改造升级",
            ],
            Rd => &["研发", "研究开发", "新产品开发", "科研", "中试", "成果转化"],
            Talent => &["人才", "团队引进"],
        }
    }

    /// The uses a purpose text names (several for "购买设备及补充流动资金"); empty when it
    /// names none.
    pub fn classify(purpose: &str) -> Vec<FundUse> {
        let t = purpose.trim();
        FundUse::ALL
            .iter()
            .copied()
            .filter(|u| u.keywords().iter().any(|k| t.contains(k)))
            .collect()
    }

    /// Long uses pay back over years and need long money.
    pub fn is_long(self) -> bool {
        self != FundUse::WorkingCapital
    }

    /// The term a plan proposes for this use, in months.
    pub fn preferred_term_months(self) -> u32 {
        use FundUse::*;
        match self {
            WorkingCapital => SHORT_TERM_MAX_MONTHS,
            Rd | Talent => 24,
            Equipment | Plant | TechUpgrade => 36,
        }
    }
}

/// A machine-checkable eligibility condition. Every rule can be evaluated against a firm's
/// recorded data; when the data is missing the rule is "cannot tell", never a silent pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum EligibilityRule {
    /// Holds (on the matching date) at least one of these qualifications.
    QualificationHeld { any_of: Vec<QualificationKind> },
    /// At least this many whole years since founding.
    MinYearsFounded { years: u32 },
    /// At most this many whole years since founding (start-up products).
    MaxYearsFounded { years: u32 },
    /// At least this many Class-I IP items (invention patents …).
    MinClass1Ip { count: u32 },
    /// At least this many IP items of either class.
    MinTotalIp { count: u32 },
    /// Latest year's revenue within the band (元, inclusive).
    RevenueBand {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Yuan>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Yuan>,
    },
    /// Has never had a bank loan (首贷) or is on the first-loan cultivation list.
    FirstLoan,
    /// Accounts receivable from creditworthy buyers of at least this amount (元).
    MinReceivables { amount: Yuan },
    /// Holds government-procurement contracts.
    GovProcurement,
    /// At least this many high-level talents.
    MinHighTalents { count: u32 },
    /// Registered in one of these districts (GB/T 2260 codes).
    DistrictIn { districts: Vec<String> },
    /// In one of these GB/T 4754 sections.
    IndustryIn { sections: Vec<String> },
    /// At most this many staff.
    MaxStaff { count: u32 },
    /// Lifecycle stage is one of these.
    StageIn { stages: Vec<Stage> },
    /// No overdue or default record in the credit report.
    CleanCredit,
    /// Latest year's R&D expense / revenue at least this many basis points (300 = 3%).
    MinRdIntensity { bp: u32 },
    /// In the listing reserve pool or with a target board.
    ListingIntent,
    /// Risk grade (A best … D worst) at least this good.
    RiskGradeAtLeast { grade: RiskGrade },
    /// Holds bills receivable (应收票据, latest year) of at least this amount (元).
    BillsHeld { amount: Yuan },
    /// Finances only these uses of funds (a need whose purpose names another use does not fit).
    PurposeIn { uses: Vec<FundUse> },
}

/// A risk grade as used by product rules: A (best) to D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum RiskGrade {
    A,
    B,
    C,
    D,
}

impl RiskGrade {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskGrade::A => "A",
            RiskGrade::B => "B",
            RiskGrade::C => "C",
            RiskGrade::D => "D",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().chars().next()?.to_ascii_uppercase() {
            'A' => Some(RiskGrade::A),
            'B' => Some(RiskGrade::B),
            'C' => Some(RiskGrade::C),
            'D' => Some(RiskGrade::D),
            _ => None,
        }
    }
    /// `true` if `self` is the same as or better than `floor` (A better than B).
    pub fn at_least(self, floor: RiskGrade) -> bool {
        self <= floor
    }
}

impl EligibilityRule {
    /// A short bilingual description of the condition, for catalogue listings.
    pub fn describe(&self) -> Msg {
        use EligibilityRule::*;
        match self {
            QualificationHeld { any_of } => {
                let zh: Vec<&str> = any_of.iter().map(|q| q.label_zh()).collect();
                let en: Vec<&str> = any_of.iter().map(|q| q.label_en()).collect();
                Msg::new(
                    format!("持有{}", zh.join("或")),
                    format!("holds {}", en.join(" or ")),
                )
            }
            MinYearsFounded { years } => Msg::new(
                format!("成立满{years}年"),
                format!("founded at least {years} years ago"),
            ),
            MaxYearsFounded { years } => Msg::new(
                format!("成立不超过{years}年"),
                format!("founded at most {years} years ago"),
            ),
            MinClass1Ip { count } => Msg::new(
                format!("拥有Ⅰ类知识产权不少于{count}项"),
                format!("at least {count} Class-I IP items"),
            ),
            MinTotalIp { count } => Msg::new(
                format!("拥有知识产权不少于{count}项"),
                format!("at least {count} IP items"),
            ),
            RevenueBand { min, max } => match (min, max) {
                (Some(a), Some(b)) => Msg::new(
                    format!("营业收入{}–{}万元", fmt_wan(*a), fmt_wan(*b)),
                    format!("revenue {}–{} wan yuan", fmt_wan(*a), fmt_wan(*b)),
                ),
                (Some(a), None) => Msg::new(
                    format!("营业收入不低于{}万元", fmt_wan(*a)),
                    format!("revenue at least {} wan yuan", fmt_wan(*a)),
                ),
                (None, Some(b)) => Msg::new(
                    format!("营业收入不超过{}万元", fmt_wan(*b)),
                    format!("revenue at most {} wan yuan", fmt_wan(*b)),
                ),
                (None, None) => Msg::new("营业收入不限", "any revenue"),
            },
            FirstLoan => Msg::new(
                "首次贷款企业或列入首贷培植名单",
                "first-time borrower or on the first-loan list",
            ),
            MinReceivables { amount } => Msg::new(
                format!("应收账款不少于{}万元", fmt_wan(*amount)),
                format!("receivables of at least {} wan yuan", fmt_wan(*amount)),
            ),
            GovProcurement => {
                Msg::new("持有政府采购合同", "holds government-procurement contracts")
            }
            MinHighTalents { count } => Msg::new(
                format!("高层次人才不少于{count}名"),
                format!("at least {count} high-level talents"),
            ),
            DistrictIn { districts } => {
                let names: Vec<&str> = districts
                    .iter()
                    .map(|d| crate::region::district_name(d).unwrap_or(d.as_str()))
                    .collect();
                Msg::new(
                    format!("注册于{}", names.join("、")),
                    format!("registered in {}", districts.join(", ")),
                )
            }
            IndustryIn { sections } => {
                let names: Vec<&str> = sections
                    .iter()
                    .map(|s| crate::region::industry_name(s).unwrap_or(s.as_str()))
                    .collect();
                Msg::new(
                    format!("所属行业：{}", names.join("、")),
                    format!("industry section {}", sections.join(", ")),
                )
            }
            MaxStaff { count } => Msg::new(
                format!("职工人数不超过{count}人"),
                format!("at most {count} staff"),
            ),
            StageIn { stages } => {
                let zh: Vec<&str> = stages.iter().map(|s| s.label_zh()).collect();
                let en: Vec<&str> = stages.iter().map(|s| s.label_en()).collect();
                Msg::new(
                    format!("处于{}", zh.join("或")),
                    format!("stage {}", en.join(" or ")),
                )
            }
            CleanCredit => Msg::new("征信无逾期、违约记录", "no overdue or default record"),
            MinRdIntensity { bp } => Msg::new(
                format!("研发费用占营业收入比例不低于{}", fmt_bp_pct(*bp)),
                format!("R&D intensity at least {}", fmt_bp_pct(*bp)),
            ),
            ListingIntent => Msg::new(
                "列入上市后备企业库或有明确上市计划",
                "in the listing reserve pool or with a listing target",
            ),
            RiskGradeAtLeast { grade } => Msg::new(
                format!("风险评级{}级及以上", grade.as_str()),
                format!("risk grade {} or better", grade.as_str()),
            ),
            BillsHeld { amount } => Msg::new(
                format!("持有应收票据不少于{}万元", fmt_wan(*amount)),
                format!(
                    "holds bills receivable of at least {} wan yuan",
                    fmt_wan(*amount)
                ),
            ),
            PurposeIn { uses } => {
                let zh: Vec<&str> = uses.iter().map(|u| u.label_zh()).collect();
                let en: Vec<&str> = uses.iter().map(|u| u.label_en()).collect();
                Msg::new(
                    format!("资金用于{}", zh.join("或")),
                    format!("funds used for {}", en.join(" or ")),
                )
            }
        }
    }
}

/// Policy support attached to a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subsidy {
    /// Interest subsidy (贴息) of a fixed number of basis points of the rate.
    InterestBp {
        bp: u32,
        #[serde(default)]
        source: String,
    },
    /// Interest subsidy (贴息) of a share of the interest paid.
    InterestPercent {
        percent: u32,
        #[serde(default)]
        source: String,
    },
    /// Risk compensation (风险补偿): the fund bears this share of a loss.
    RiskCompensation {
        percent: u32,
        #[serde(default)]
        source: String,
    },
    /// Guarantee-fee subsidy (担保费补贴), in basis points of the amount guaranteed.
    GuaranteeFeeBp {
        bp: u32,
        #[serde(default)]
        source: String,
    },
    /// Premium subsidy (保费补贴): a share of the premium.
    PremiumPercent {
        percent: u32,
        #[serde(default)]
        source: String,
    },
}

impl Subsidy {
    pub fn source(&self) -> &str {
        match self {
            Subsidy::InterestBp { source, .. }
            | Subsidy::InterestPercent { source, .. }
            | Subsidy::RiskCompensation { source, .. }
            | Subsidy::GuaranteeFeeBp { source, .. }
            | Subsidy::PremiumPercent { source, .. } => source,
        }
    }

    pub fn describe(&self) -> Msg {
        let m = match self {
            Subsidy::InterestBp { bp, .. } => Msg::new(
                format!("贴息{}个百分点", fmt_bp_points(*bp)),
                format!(
                    "interest subsidy of {} percentage points",
                    fmt_bp_points(*bp)
                ),
            ),
            Subsidy::InterestPercent { percent, .. } => Msg::new(
                format!("按实付利息的{percent}%贴息"),
                format!("{percent}% of interest paid is subsidised"),
            ),
            Subsidy::RiskCompensation { percent, .. } => Msg::new(
                format!("风险补偿（损失的{percent}%）"),
                format!("risk compensation covering {percent}% of losses"),
            ),
            Subsidy::GuaranteeFeeBp { bp, .. } => Msg::new(
                format!("担保费补贴{}个百分点", fmt_bp_points(*bp)),
                format!(
                    "guarantee-fee subsidy of {} percentage points",
                    fmt_bp_points(*bp)
                ),
            ),
            Subsidy::PremiumPercent { percent, .. } => Msg::new(
                format!("保费补贴{percent}%"),
                format!("{percent}% premium subsidy"),
            ),
        };
        let src = self.source();
        if src.is_empty() {
            m
        } else {
            Msg::new(format!("{}（{src}）", m.zh), format!("{} ({src})", m.en))
        }
    }

    /// The reduction this subsidy makes to the firm's annual cost, in bp, given the product's
    /// nominal price in bp.
    pub fn cost_reduction_bp(&self, price_bp: u32) -> u32 {
        match self {
            Subsidy::InterestBp { bp, .. } | Subsidy::GuaranteeFeeBp { bp, .. } => *bp,
            Subsidy::InterestPercent { percent, .. } | Subsidy::PremiumPercent { percent, .. } => {
                price_bp * (*percent).min(100) / 100
            }
            Subsidy::RiskCompensation { .. } => 0,
        }
    }

    fn percent(&self) -> Option<u32> {
        match self {
            Subsidy::InterestPercent { percent, .. }
            | Subsidy::RiskCompensation { percent, .. }
            | Subsidy::PremiumPercent { percent, .. } => Some(*percent),
            _ => None,
        }
    }
}

/// `365` → `"3.65%"`, `400` → `"4%"`.
pub fn fmt_bp_pct(bp: u32) -> String {
    format!("{}%", fmt_bp_points(bp))
}

/// `365` → `"3.65"`, `50` → `"0.5"`, `400` → `"4"`.
pub fn fmt_bp_points(bp: u32) -> String {
    let int = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        int.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{int}.{}", frac / 10)
    } else {
        format!("{int}.{frac:02}")
    }
}

/// A financial product in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Fixed id: products keep their id across catalogue versions.
    pub id: Uuid,
    /// Short stable code, e.g. `QLKC-ZSCQ-01`.
    pub code: String,
    pub institution: String,
    pub institution_kind: InstitutionKind,
    /// The branch (支行/营业部) that takes applications from Jinan firms, with its address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub branch: String,
    /// Whom to call there: department or account manager and phone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    pub name: String,
    pub kind: ProductKind,
    /// Amount range in 元.
    pub amount_min: Yuan,
    pub amount_max: Yuan,
    /// Price range in basis points per year (interest, guarantee fee or premium, see
    /// [`ProductKind::price_label`]). `None` for equity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_min_bp: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_max_bp: Option<u32>,
    /// Term range in months.
    pub term_min_months: u32,
    pub term_max_months: u32,
    /// Security required (all of these). Empty: unsecured.
    #[serde(default)]
    pub collateral: Vec<CollateralKind>,
    /// Typical working days from a complete application to money.
    #[serde(default = "default_days")]
    pub approval_days: u32,
    #[serde(default)]
    pub rules: Vec<EligibilityRule>,
    #[serde(default)]
    pub subsidies: Vec<Subsidy>,
    #[serde(default)]
    pub description: String,
    /// Withdrawn products stay in the catalogue (plans refer to them) but are not matched.
    #[serde(default = "yes")]
    pub active: bool,
}

fn default_days() -> u32 {
    15
}
fn yes() -> bool {
    true
}

impl Product {
    /// Nominal mid-range price in bp, if priced.
    pub fn mid_rate_bp(&self) -> Option<u32> {
        match (self.rate_min_bp, self.rate_max_bp) {
            (Some(a), Some(b)) => Some((a + b) / 2),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        }
    }

    /// The firm's annual cost after subsidies at the given nominal price, in bp.
    pub fn cost_after_subsidy_bp(&self, price_bp: u32) -> u32 {
        let cut: u32 = self
            .subsidies
            .iter()
            .map(|s| s.cost_reduction_bp(price_bp))
            .sum();
        price_bp.saturating_sub(cut)
    }

    /// `"3.45%–4.35%"`, or `"—"` when unpriced.
    pub fn rate_text(&self) -> String {
        match (self.rate_min_bp, self.rate_max_bp) {
            (Some(a), Some(b)) if a == b => fmt_bp_pct(a),
            (Some(a), Some(b)) => format!("{}–{}", fmt_bp_pct(a), fmt_bp_pct(b)),
            (Some(a), None) | (None, Some(a)) => fmt_bp_pct(a),
            (None, None) => "—".to_string(),
        }
    }

    /// `"50–1,000万元"`.
    pub fn amount_text(&self) -> String {
        if self.amount_min == self.amount_max {
            format!("{}万元", fmt_wan(self.amount_max))
        } else {
            format!(
                "{}–{}万元",
                fmt_wan(self.amount_min),
                fmt_wan(self.amount_max)
            )
        }
    }

    /// `"6–36个月"`.
    pub fn term_text(&self) -> String {
        if self.term_min_months == self.term_max_months {
            format!("{}个月", self.term_max_months)
        } else {
            format!("{}–{}个月", self.term_min_months, self.term_max_months)
        }
    }

    /// `"信用（免抵押）"` or the required security joined by 、.
    pub fn collateral_text(&self) -> String {
        if self.collateral.is_empty() {
            "信用（免抵押）".to_string()
        } else {
            self.collateral
                .iter()
                .map(|c| c.label_zh())
                .collect::<Vec<_>>()
                .join("、")
        }
    }

    /// Subsidies joined for display, or `"—"`.
    pub fn subsidy_text(&self) -> String {
        if self.subsidies.is_empty() {
            "—".to_string()
        } else {
            self.subsidies
                .iter()
                .map(|s| s.describe().zh)
                .collect::<Vec<_>>()
                .join("；")
        }
    }

    /// Unsecured credit: a credit kind with no security required.
    pub fn is_credit(&self) -> bool {
        self.collateral.is_empty() && self.kind.is_credit()
    }
}

impl Entity for Product {
    const KIND: EntityKind = EntityKind::Product;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        None
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        for (field, label, v) in [
            ("code", "产品编码", &self.code),
            ("institution", "金融机构", &self.institution),
            ("name", "产品名称", &self.name),
        ] {
            if v.trim().is_empty() {
                e.push(FieldError::required(field, label));
            }
        }
        if self.amount_min < 0 || self.amount_max <= 0 {
            e.push(FieldError::new(
                "amount_max",
                "positive",
                "产品额度上限必须大于0，下限不能为负数",
                "amount_max must be positive and amount_min not negative",
            ));
        } else if self.amount_min > self.amount_max {
            e.push(FieldError::new(
                "amount_min",
                "range",
                format!(
                    "额度下限（{}万元）高于上限（{}万元）",
                    fmt_wan(self.amount_min),
                    fmt_wan(self.amount_max)
                ),
                "amount_min exceeds amount_max",
            ));
        }
        if let (Some(a), Some(b)) = (self.rate_min_bp, self.rate_max_bp) {
            if a > b {
                e.push(FieldError::new(
                    "rate_min_bp",
                    "range",
                    format!("价格下限（{}）高于上限（{}）", fmt_bp_pct(a), fmt_bp_pct(b)),
                    "rate_min_bp exceeds rate_max_bp",
                ));
            }
        }
        if self.rate_max_bp.is_some_and(|b| b > 3_600) {
            e.push(FieldError::new(
                "rate_max_bp",
                "too_high",
                "年化价格超过36%，请检查单位（基点，1%=100）",
                "annual price above 36%: the unit is basis points (1% = 100)",
            ));
        }
        if self.kind.financing_kind() != FinancingKind::Equity && self.rate_min_bp.is_none() {
            e.push(FieldError::new(
                "rate_min_bp",
                "required",
                "非股权类产品须填写价格区间",
                "non-equity products need a price range",
            ));
        }
        if self.term_max_months == 0 || self.term_min_months > self.term_max_months {
            e.push(FieldError::new(
                "term_max_months",
                "range",
                "期限区间无效（上限须大于0且不低于下限）",
                "term range invalid (max must be positive and at least min)",
            ));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let n = i + 1;
            match r {
                EligibilityRule::QualificationHeld { any_of } if any_of.is_empty() => {
                    e.push(rule_err(n, "资质列表为空", "empty qualification list"))
                }
                EligibilityRule::StageIn { stages } if stages.is_empty() => {
                    e.push(rule_err(n, "阶段列表为空", "empty stage list"))
                }
                EligibilityRule::DistrictIn { districts } => {
                    if districts.is_empty() {
                        e.push(rule_err(n, "区县列表为空", "empty district list"));
                    }
                    for d in districts {
                        if crate::region::district_name(d).is_none() {
                            e.push(rule_err(
                                n,
                                &format!("“{d}”不是济南市区县代码"),
                                &format!("'{d}' is not a Jinan district code"),
                            ));
                        }
                    }
                }
                EligibilityRule::IndustryIn { sections } => {
                    if sections.is_empty() {
                        e.push(rule_err(n, "行业列表为空", "empty industry list"));
                    }
                    for s in sections {
                        if s.len() != 1 || crate::region::industry_section(s).is_none() {
                            e.push(rule_err(
                                n,
                                &format!("“{s}”不是GB/T 4754门类字母"),
                                &format!("'{s}' is not a GB/T 4754 section letter"),
                            ));
                        }
                    }
                }
                EligibilityRule::RevenueBand { min, max } => {
                    if min.is_none() && max.is_none() {
                        e.push(rule_err(n, "营业收入区间为空", "empty revenue band"));
                    }
                    if let (Some(a), Some(b)) = (min, max) {
                        if a > b {
                            e.push(rule_err(n, "营业收入下限高于上限", "revenue min above max"));
                        }
                    }
                }
                EligibilityRule::PurposeIn { uses } if uses.is_empty() => {
                    e.push(rule_err(n, "资金用途列表为空", "empty use list"))
                }
                EligibilityRule::BillsHeld { amount } if *amount < 0 => {
                    e.push(rule_err(n, "应收票据金额为负数", "negative bills amount"))
                }
                EligibilityRule::MinRdIntensity { bp } if *bp > 10_000 => {
                    e.push(rule_err(n, "研发强度超过100%", "R&D intensity above 100%"))
                }
                _ => {}
            }
        }
        for (i, s) in self.subsidies.iter().enumerate() {
            if s.percent().is_some_and(|p| p == 0 || p > 100) {
                e.push(FieldError::new(
                    "subsidies",
                    "percent",
                    format!("第{}项政策支持的比例须在1%–100%之间", i + 1),
                    format!("subsidy {} percent must be 1–100", i + 1),
                ));
            }
        }
        e.into_result()
    }
}

fn rule_err(n: usize, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        "rules",
        "rule",
        format!("第{n}条准入规则：{zh}"),
        format!("rule {n}: {en}"),
    )
}

/// A published version of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub version: u32,
    pub published: NaiveDate,
    pub products: Vec<Product>,
}

impl Catalog {
    /// Validates every product and the catalogue as a whole (unique ids and codes). Field
    /// names of product errors are prefixed with the product code.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.version == 0 {
            e.push(FieldError::new(
                "version",
                "positive",
                "目录版本号须从1开始",
                "catalogue version starts at 1",
            ));
        }
        let mut ids = std::collections::BTreeSet::new();
        let mut codes = std::collections::BTreeSet::new();
        for p in &self.products {
            if let Err(pe) = p.validate() {
                for mut fe in pe.0 {
                    fe.field = format!("{}.{}", p.code, fe.field);
                    fe.message = Msg::new(
                        format!("产品{}：{}", p.code, fe.message.zh),
                        format!("product {}: {}", p.code, fe.message.en),
                    );
                    e.push(fe);
                }
            }
            if !ids.insert(p.id) {
                e.push(FieldError::new(
                    "products",
                    "duplicate_id",
                    format!("产品ID {} 重复（{}）", p.id, p.code),
                    format!("duplicate product id {} ({})", p.id, p.code),
                ));
            }
            if !codes.insert(p.code.trim().to_string()) {
                e.push(FieldError::new(
                    "products",
                    "duplicate_code",
                    format!("产品编码“{}”重复", p.code),
                    format!("duplicate product code '{}'", p.code),
                ));
            }
        }
        e.into_result()
    }

    pub fn product(&self, id: Uuid) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// Parses a catalogue from JSON, then validates it.
    pub fn from_json(json: &str) -> Result<Catalog, CatalogError> {
        let c: Catalog =
            serde_json::from_str(json).map_err(|e| CatalogError::Parse(e.to_string()))?;
        c.validate().map_err(CatalogError::Invalid)?;
        Ok(c)
    }
}

/// Why a catalogue could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    #[error("产品目录格式错误 (catalogue is not valid JSON for the schema): {0}")]
    Parse(String),
    #[error("产品目录校验未通过 (catalogue failed validation): {0}")]
    Invalid(ValidationErrors),
}

const BUILTIN_JSON: &str = include_str!("../../../assets/catalog/products.json");

/// The synthetic built-in catalogue shipped in `assets/catalog/products.json`.
///
/// The file is checked by this crate's tests, so a failure here is a build defect.
pub fn builtin_catalog() -> Catalog {
    match Catalog::from_json(BUILTIN_JSON) {
        Ok(c) => c,
        Err(e) => panic!("built-in catalogue is broken: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_validates_and_covers_every_kind() {
        let c = builtin_catalog();
        assert!(c.products.len() >= 25, "only {} products", c.products.len());
        for k in ProductKind::ALL {
            assert!(
                c.products.iter().any(|p| p.kind == *k),
                "no product of kind {k}"
            );
        }
        for ik in [
            InstitutionKind::Bank,
            InstitutionKind::Guarantor,
            InstitutionKind::Insurer,
            InstitutionKind::Fund,
        ] {
            assert!(c.products.iter().any(|p| p.institution_kind == ik));
        }
        // Stable ids: the same file gives the same ids.
        assert_eq!(builtin_catalog().products[0].id, c.products[0].id);
        assert!(c.products.iter().all(|p| !p.id.is_nil()));
    }

    #[test]
    fn kind_mapping() {
        assert_eq!(
            ProductKind::VentureEquity.financing_kind(),
            FinancingKind::Equity
        );
        assert_eq!(ProductKind::TechBond.financing_kind(), FinancingKind::Bond);
        assert_eq!(
            ProductKind::IpFinancingInsurance.financing_kind(),
            FinancingKind::Insurance
        );
        assert_eq!(
            ProductKind::IpPledgeLoan.financing_kind(),
            FinancingKind::Loan
        );
        assert!(ProductKind::CreditLoan.is_credit());
        assert!(!ProductKind::IpPledgeLoan.is_credit());
        assert_eq!(
            ProductKind::parse("政采贷"),
            Some(ProductKind::ProcurementLoan)
        );
    }

    fn product() -> Product {
        Product {
            id: Uuid::from_u128(1),
            code: "T-1".into(),
            institution: "测试银行".into(),
            institution_kind: InstitutionKind::Bank,
            branch: String::new(),
            contact: String::new(),
            name: "测试贷".into(),
            kind: ProductKind::CreditLoan,
            amount_min: 100_000,
            amount_max: 5_000_000,
            rate_min_bp: Some(345),
            rate_max_bp: Some(435),
            term_min_months: 6,
            term_max_months: 36,
            collateral: vec![],
            approval_days: 7,
            rules: vec![],
            subsidies: vec![Subsidy::InterestPercent {
                percent: 50,
                source: "济南市科技金融贴息".into(),
            }],
            description: String::new(),
            active: true,
        }
    }

    #[test]
    fn product_validation_reports_bilingual_field_errors() {
        assert_eq!(product().validate(), Ok(()));
        let mut p = product();
        p.amount_min = 9_000_000;
        p.rate_min_bp = Some(500);
        p.term_min_months = 48;
        p.rules = vec![
            EligibilityRule::DistrictIn {
                districts: vec!["110108".into()],
            },
            EligibilityRule::IndustryIn {
                sections: vec!["Z".into()],
            },
        ];
        p.subsidies.push(Subsidy::PremiumPercent {
            percent: 120,
            source: String::new(),
        });
        let e = p.validate().unwrap_err();
        assert_eq!(
            e.fields().collect::<Vec<_>>(),
            [
                "amount_min",
                "rate_min_bp",
                "term_max_months",
                "rules",
                "rules",
                "subsidies"
            ]
        );
        assert!(e.0[0].message.zh.contains("900万元"));
        assert!(e.0[3].message.zh.contains("110108"));
        assert!(e.0[3].message.en.contains("rule 1"));
    }

    #[test]
    fn catalogue_rejects_duplicates() {
        let c = Catalog {
            version: 1,
            published: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            products: vec![product(), product()],
        };
        let e = c.validate().unwrap_err();
        let codes: Vec<&str> = e.0.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["duplicate_id", "duplicate_code"]);
    }

    #[test]
    fn subsidies_reduce_cost() {
        let p = product();
        assert_eq!(p.mid_rate_bp(), Some(390));
        assert_eq!(p.cost_after_subsidy_bp(390), 195);
        let s = Subsidy::InterestBp {
            bp: 150,
            source: String::new(),
        };
        assert_eq!(s.cost_reduction_bp(400), 150);
        assert_eq!(s.describe().zh, "贴息1.5个百分点");
        assert_eq!(fmt_bp_pct(365), "3.65%");
        assert_eq!(p.rate_text(), "3.45%–4.35%");
        assert_eq!(p.amount_text(), "10–500万元");
    }

    #[test]
    fn rules_serialise_tagged() {
        let r = EligibilityRule::QualificationHeld {
            any_of: vec![QualificationKind::HighTech],
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"rule":"qualification_held","any_of":["high_tech"]}"#
        );
        let back: EligibilityRule =
            serde_json::from_str(r#"{"rule":"risk_grade_at_least","grade":"B"}"#).unwrap();
        assert_eq!(
            back,
            EligibilityRule::RiskGradeAtLeast {
                grade: RiskGrade::B
            }
        );
        assert!(RiskGrade::A.at_least(RiskGrade::B));
        assert!(!RiskGrade::C.at_least(RiskGrade::B));
    }
}
