//! The catalogue's vocabularies: institution, product and collateral kinds, and fund uses with
//! the terms that fit them.

use super::*;
use crate::model::labelled_enum;

labelled_enum!(
    /// The kind of institution offering a product.
    InstitutionKind {
        Bank = "bank", "银行", "Bank";
        Guarantor = "guarantor", "融资担保机构", "Guarantor";
        Insurer = "insurer", "保险机构", "Insurer";
        Fund = "fund", "投资基金", "Fund";
        Other = "other", "其他机构", "Other";
    }
);

labelled_enum!(
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

    /// Products through which the firm borrows, or which back its borrowing (a loan's
    /// guarantee insurance runs as long as the loan). Equity and cover for the firm's own
    /// risks (首台套, 专利执行险) are not borrowing.
    pub fn is_borrowing(self) -> bool {
        use ProductKind::*;
        match self.financing_kind() {
            FinancingKind::Loan | FinancingKind::Bond | FinancingKind::Guarantee => true,
            FinancingKind::Insurance => {
                matches!(self, LoanGuaranteeInsurance | IpFinancingInsurance)
            }
            FinancingKind::Equity => false,
        }
    }

    /// Its price is a premium the firm pays on top of a loan's interest (the insurance backing a
    /// loan): not comparable with a loan's rate, only with other premiums.
    pub fn premium_on_a_loan(self) -> bool {
        self.financing_kind() == FinancingKind::Insurance && self.is_borrowing()
    }

    /// Every lender, bond underwriter, guarantor and loan insurer reads the firm's credit report
    /// first, so an overdue or default record closes every borrowing product whatever its
    /// catalogue entry lists (see [`Product::conditions`]).
    pub fn needs_clean_credit(self) -> bool {
        self.is_borrowing()
    }

    /// Products that bring money to the firm (as opposed to cover such as 专利执行险).
    pub fn provides_funds(self) -> bool {
        !matches!(
            self,
            ProductKind::FirstSetInsurance | ProductKind::PatentEnforcementInsurance
        )
    }

    /// What a product that brings no money covers, as words a need's purpose would use for it
    /// (empty for products that bring money).
    pub fn cover_topics(self) -> &'static [&'static str] {
        match self {
            ProductKind::PatentEnforcementInsurance => {
                &["专利", "知识产权", "维权", "侵权", "诉讼"]
            }
            ProductKind::FirstSetInsurance => &["首台", "首套", "首批次", "装备", "推广应用"],
            _ => &[],
        }
    }

    /// Whether the product can serve a need with this purpose: anything that brings money, and
    /// cover only where the purpose speaks of what it covers, or of no use of funds at all. An
    /// insurance need "原材料采购" asks for money; 专利执行险 or 首台（套）险 do not bring it.
    pub fn serves_purpose(self, purpose: &str) -> bool {
        self.provides_funds()
            || self.cover_topics().iter().any(|t| purpose.contains(t))
            || FundUse::classify(purpose).is_empty()
    }

    /// What the product's minimum amount is called: a fund invests from (起投), an insurer
    /// covers from (起保), a lender or bond lends from (起贷). "趵突泉成长基金起贷额度" spoke of a
    /// fund as a lender.
    pub fn minimum_label(self) -> Msg {
        match self.financing_kind() {
            FinancingKind::Equity => Msg::new("起投额度", "minimum investment"),
            FinancingKind::Insurance => Msg::new("起保额度", "minimum cover"),
            _ => Msg::new("起贷额度", "minimum amount"),
        }
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

labelled_enum!(
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

labelled_enum!(
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
