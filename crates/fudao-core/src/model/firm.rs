//! The firm: its record, derived figures and validation.

use super::*;

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

    /// Holds 专精特新 on `day`: the provincial recognition or the national 小巨人.
    pub fn holds_srdi(&self, day: NaiveDate) -> bool {
        self.holds(QualificationKind::SrdiProvincial, day)
            || self.holds(QualificationKind::SrdiLittleGiant, day)
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

pub(super) fn check_non_negative(
    e: &mut ValidationErrors,
    field: &str,
    label: &str,
    v: Option<Yuan>,
) {
    if v.is_some_and(|v| v < 0) {
        e.push(FieldError::negative(field, label));
    }
}

pub(super) fn check_date_sane(
    e: &mut ValidationErrors,
    field: &str,
    label: &str,
    d: Option<NaiveDate>,
) {
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
    // Long (~130 lines) on purpose: one check per field, in field order.
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
