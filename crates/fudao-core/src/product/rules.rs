//! Machine-checkable eligibility rules of a product, and how each reads in both languages.

use super::*;

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
