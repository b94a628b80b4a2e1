//! Partial updates read from a spreadsheet row: the contract between the importer
//! (`fudao-io`) and the store's transactional upsert.
//!
//! A patch carries only what the sheet said. `None` / empty means "the sheet had no such
//! column or the cell was blank": the stored value is kept. Applying a patch never clears a
//! field, with one deliberate exception: a qualification column that explicitly says "no"
//! (`否`, `无`) removes that qualification (see [`FirmPatch::revoked`]).

use crate::model::{
    AssessmentFacts, Contact, FinancingKind, Firm, Need, NeedStatus, Qualification,
    QualificationKind, QualityItem, RdInstitutionLevel, Stage, YearFinancials,
};
use crate::money::Yuan;
use crate::uscc;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// Field keys used in [`ImportRow::headers`] for the financing-need columns. Firm columns use
/// the [`FirmPatch`] field name (`name`, `staff`, `revenue`, …).
pub mod need_keys {
    pub const AMOUNT: &str = "need_amount";
    pub const PURPOSE: &str = "need_purpose";
    pub const TERM_MONTHS: &str = "need_term_months";
    pub const KIND: &str = "need_kind";
    pub const RAISED_ON: &str = "need_raised_on";
}

/// One accepted data row of an imported sheet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportRow {
    /// 1-based sheet row number as the user sees it in the spreadsheet program.
    pub row: u32,
    pub firm: FirmPatch,
    /// Present when the row has a financing-need amount.
    pub need: Option<NeedPatch>,
    /// Field key → original column header, so that errors found later (e.g. store
    /// validation) can name the column the user knows. Shared by all rows of a sheet.
    pub headers: ColumnHeaders,
}

/// Field key → column header: a `BTreeMap<String, String>` (it dereferences to one) shared
/// between the rows of a sheet, so that 10,000 rows do not carry 10,000 copies. Build it with
/// `collect()` or `ColumnHeaders::from(map)`; mutation copies on write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnHeaders(Arc<BTreeMap<String, String>>);

impl std::ops::Deref for ColumnHeaders {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for ColumnHeaders {
    fn deref_mut(&mut self) -> &mut Self::Target {
        Arc::make_mut(&mut self.0)
    }
}

impl From<BTreeMap<String, String>> for ColumnHeaders {
    fn from(m: BTreeMap<String, String>) -> Self {
        ColumnHeaders(Arc::new(m))
    }
}

impl FromIterator<(String, String)> for ColumnHeaders {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        ColumnHeaders(Arc::new(iter.into_iter().collect()))
    }
}

impl Serialize for ColumnHeaders {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
}

impl<'de> Deserialize<'de> for ColumnHeaders {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(ColumnHeaders::from)
    }
}

impl ImportRow {
    /// The column header for a field key, or the key itself when the sheet had no such column.
    /// Accepts [`FirmPatch`] field names, the validation field names of `Firm`
    /// (`uscc`, `tech_staff`, …) and the [`need_keys`].
    pub fn column<'a>(&'a self, key: &'a str) -> &'a str {
        self.headers.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The column header for a validation field of the financing need (`amount`, `purpose`,
    /// `term_months`, `kind`, `raised_on`).
    pub fn need_column<'a>(&'a self, need_field: &'a str) -> &'a str {
        let key = format!("need_{need_field}");
        self.headers
            .get(&key)
            .map(String::as_str)
            .unwrap_or(need_field)
    }
}

/// What a row says about a firm. Only `Some` / non-empty fields change a stored firm.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FirmPatch {
    /// 统一社会信用代码, normalised (`uscc::normalize`). The upsert key.
    pub uscc: String,
    pub name: Option<String>,
    /// GB/T 2260 district code (`370102`).
    pub district: Option<String>,
    pub address: Option<String>,
    /// GB/T 4754 code or section letter.
    pub industry: Option<String>,
    pub founded: Option<NaiveDate>,
    pub registered_capital: Option<Yuan>,
    pub staff: Option<u32>,
    pub tech_staff: Option<u32>,
    pub high_talents: Option<u32>,
    /// The year the figures below are for; `None` means the caller's default year.
    pub year: Option<i32>,
    pub revenue: Option<Yuan>,
    pub rd_expense: Option<Yuan>,
    pub total_cost: Option<Yuan>,
    pub total_assets: Option<Yuan>,
    pub liabilities: Option<Yuan>,
    pub net_profit: Option<Yuan>,
    pub high_tech_revenue: Option<Yuan>,
    /// Bills receivable held (应收票据).
    pub bills_receivable: Option<Yuan>,
    /// 主营业务收入, 总收入 (收入总额 − 不征税收入) and R&D expense in China, for the same year.
    #[serde(default)]
    pub main_business_revenue: Option<Yuan>,
    #[serde(default)]
    pub total_income: Option<Yuan>,
    #[serde(default)]
    pub rd_expense_domestic: Option<Yuan>,
    /// Figures for further years, when column headers name a year (`2023年营业收入`).
    /// Only `Some` figures are applied; `year` in each entry says which year.
    pub other_years: Vec<YearFinancials>,
    pub invention_patents: Option<u32>,
    pub utility_models: Option<u32>,
    pub designs: Option<u32>,
    pub software_copyrights: Option<u32>,
    #[serde(default)]
    pub other_class1_ip: Option<u32>,
    /// Qualifications the row says the firm holds; each replaces a stored one of the same kind,
    /// keeping stored dates/number where the row has none.
    pub qualifications: Vec<Qualification>,
    /// Qualification kinds the row explicitly says the firm does not hold (`否`).
    pub revoked: Vec<QualificationKind>,
    pub first_loan_list: Option<bool>,
    pub first_loan_date: Option<NaiveDate>,
    pub ever_borrowed: Option<bool>,
    pub whitelist: Option<bool>,
    pub listing_reserve: Option<bool>,
    pub stage: Option<Stage>,
    /// 专精特新 score inputs: years in the niche market, digital level (1–4), provincial
    /// 特色化 points (0–15), independent legal person, main product in a key field.
    #[serde(default)]
    pub niche_years: Option<u32>,
    #[serde(default)]
    pub digital_level: Option<u32>,
    #[serde(default)]
    pub srdi_feature_points: Option<u32>,
    #[serde(default)]
    pub independent_legal_person: Option<bool>,
    #[serde(default)]
    pub key_field_product: Option<bool>,
    /// Further 专精特新 and 高企 inputs, each setting the [`AssessmentFacts`] field of the same
    /// name when present.
    #[serde(default)]
    pub facts: FactsPatch,
    pub listing_board: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Tags to add (existing tags are kept).
    pub tags: Vec<String>,
    /// Replaces the firm's notes when present.
    pub notes: Option<String>,
}

/// The [`AssessmentFacts`] a row may set besides the ones [`FirmPatch`] names itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FactsPatch {
    pub rd_institution_level: Option<RdInstitutionLevel>,
    /// `Some(vec![])`: the row says the firm has none.
    pub quality_items: Option<Vec<QualityItem>>,
    pub high_value_class1_ip: Option<bool>,
    pub own_class1_ip: Option<bool>,
    pub new_equity_2y: Option<Yuan>,
    pub national_award_year: Option<i32>,
    pub national_award_rank: Option<u32>,
    pub provincial_award_year: Option<i32>,
    pub provincial_award_rank: Option<u32>,
    pub maker_china_top500_year: Option<i32>,
    pub led_standard_year: Option<i32>,
    pub hitech_field: Option<bool>,
    pub innovation_score: Option<u32>,
    pub resident: Option<bool>,
    pub restricted_category: Option<bool>,
    pub serious_incident: Option<bool>,
    pub dishonest_listed: Option<bool>,
    pub rd_sub_ledger: Option<bool>,
    pub audited_year: Option<i32>,
}

impl FactsPatch {
    fn apply(&self, f: &mut AssessmentFacts) {
        set_opt(&mut f.rd_institution_level, &self.rd_institution_level);
        set_opt(&mut f.quality_items, &self.quality_items);
        set_opt(&mut f.high_value_class1_ip, &self.high_value_class1_ip);
        set_opt(&mut f.own_class1_ip, &self.own_class1_ip);
        set_opt(&mut f.new_equity_2y, &self.new_equity_2y);
        set_opt(&mut f.national_award_year, &self.national_award_year);
        set_opt(&mut f.national_award_rank, &self.national_award_rank);
        set_opt(&mut f.provincial_award_year, &self.provincial_award_year);
        set_opt(&mut f.provincial_award_rank, &self.provincial_award_rank);
        set_opt(
            &mut f.maker_china_top500_year,
            &self.maker_china_top500_year,
        );
        set_opt(&mut f.led_standard_year, &self.led_standard_year);
        set_opt(&mut f.hitech_field, &self.hitech_field);
        set_opt(&mut f.innovation_score, &self.innovation_score);
        set_opt(&mut f.resident, &self.resident);
        set_opt(&mut f.restricted_category, &self.restricted_category);
        set_opt(&mut f.serious_incident, &self.serious_incident);
        set_opt(&mut f.dishonest_listed, &self.dishonest_listed);
        set_opt(&mut f.rd_sub_ledger, &self.rd_sub_ledger);
        set_opt(&mut f.audited_year, &self.audited_year);
    }
}

fn set<T: Clone>(dst: &mut T, src: &Option<T>) {
    if let Some(v) = src {
        *dst = v.clone();
    }
}

fn set_opt<T: Clone>(dst: &mut Option<T>, src: &Option<T>) {
    if src.is_some() {
        dst.clone_from(src);
    }
}

impl FirmPatch {
    /// True when the patch carries any yearly figure.
    pub fn has_figures(&self) -> bool {
        [
            self.revenue,
            self.rd_expense,
            self.total_cost,
            self.total_assets,
            self.liabilities,
            self.net_profit,
            self.high_tech_revenue,
            self.bills_receivable,
            self.main_business_revenue,
            self.total_income,
            self.rd_expense_domestic,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// Overwrites `firm`'s fields with the patch's `Some` fields. Figures go to
    /// `self.year.unwrap_or(default_year)`; a year is created only if the patch has figures.
    /// The USCC is not changed (it is the key the caller matched on).
    pub fn apply(&self, firm: &mut Firm, default_year: i32) {
        if let Some(n) = &self.name {
            let n = n.trim();
            if !n.is_empty() {
                firm.name = n.to_string();
            }
        }
        set_opt(&mut firm.district, &self.district);
        set_opt(&mut firm.address, &self.address);
        set_opt(&mut firm.industry, &self.industry);
        set_opt(&mut firm.founded, &self.founded);
        set_opt(&mut firm.registered_capital, &self.registered_capital);
        set_opt(&mut firm.staff, &self.staff);
        set_opt(&mut firm.tech_staff, &self.tech_staff);
        set_opt(&mut firm.high_talents, &self.high_talents);

        if self.has_figures() {
            let y = firm.year_mut(self.year.unwrap_or(default_year));
            set_opt(&mut y.revenue, &self.revenue);
            set_opt(&mut y.rd_expense, &self.rd_expense);
            set_opt(&mut y.total_cost, &self.total_cost);
            set_opt(&mut y.total_assets, &self.total_assets);
            set_opt(&mut y.liabilities, &self.liabilities);
            set_opt(&mut y.net_profit, &self.net_profit);
            set_opt(&mut y.high_tech_revenue, &self.high_tech_revenue);
            set_opt(&mut y.bills_receivable, &self.bills_receivable);
            set_opt(&mut y.main_business_revenue, &self.main_business_revenue);
            set_opt(&mut y.total_income, &self.total_income);
            set_opt(&mut y.rd_expense_domestic, &self.rd_expense_domestic);
        }
        for o in &self.other_years {
            let y = firm.year_mut(o.year);
            set_opt(&mut y.revenue, &o.revenue);
            set_opt(&mut y.rd_expense, &o.rd_expense);
            set_opt(&mut y.rd_expense_domestic, &o.rd_expense_domestic);
            set_opt(&mut y.total_cost, &o.total_cost);
            set_opt(&mut y.total_assets, &o.total_assets);
            set_opt(&mut y.liabilities, &o.liabilities);
            set_opt(&mut y.net_profit, &o.net_profit);
            set_opt(&mut y.operating_cash_flow, &o.operating_cash_flow);
            set_opt(&mut y.high_tech_revenue, &o.high_tech_revenue);
            set_opt(&mut y.bills_receivable, &o.bills_receivable);
            set_opt(&mut y.main_business_revenue, &o.main_business_revenue);
            set_opt(&mut y.total_income, &o.total_income);
        }

        set(&mut firm.ip.invention_patents, &self.invention_patents);
        set(&mut firm.ip.utility_models, &self.utility_models);
        set(&mut firm.ip.designs, &self.designs);
        set(&mut firm.ip.software_copyrights, &self.software_copyrights);
        set(&mut firm.ip.other_class1, &self.other_class1_ip);

        firm.qualifications
            .retain(|q| !self.revoked.contains(&q.kind));
        for q in &self.qualifications {
            match firm.qualifications.iter_mut().find(|s| s.kind == q.kind) {
                Some(stored) => {
                    if q.obtained.is_some() {
                        stored.obtained = q.obtained;
                    }
                    if q.expires.is_some() {
                        stored.expires = q.expires;
                    }
                    if !q.number.is_empty() {
                        stored.number.clone_from(&q.number);
                    }
                }
                None => firm.qualifications.push(q.clone()),
            }
        }

        set(&mut firm.first_loan_list, &self.first_loan_list);
        set_opt(&mut firm.first_loan_date, &self.first_loan_date);
        set_opt(&mut firm.ever_borrowed, &self.ever_borrowed);
        set(&mut firm.whitelist, &self.whitelist);
        set(&mut firm.listing_reserve, &self.listing_reserve);
        set_opt(&mut firm.stage, &self.stage);
        set_opt(&mut firm.listing_board, &self.listing_board);
        set_opt(&mut firm.facts.niche_years, &self.niche_years);
        set_opt(&mut firm.facts.digital_level, &self.digital_level);
        set_opt(
            &mut firm.facts.srdi_feature_points,
            &self.srdi_feature_points,
        );
        set_opt(
            &mut firm.facts.independent_legal_person,
            &self.independent_legal_person,
        );
        set_opt(&mut firm.facts.key_field_product, &self.key_field_product);
        self.facts.apply(&mut firm.facts);

        self.apply_contact(firm);

        for t in &self.tags {
            let t = t.trim();
            if !t.is_empty() && !firm.tags.iter().any(|x| x == t) {
                firm.tags.push(t.to_string());
            }
        }
        if let Some(n) = &self.notes {
            firm.notes.clone_from(n);
        }
    }

    /// A contact name updates the contact of that name (or adds it as the first contact);
    /// a phone alone goes to the first contact.
    fn apply_contact(&self, firm: &mut Firm) {
        let name = self
            .contact_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let phone = self
            .contact_phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match (name, phone) {
            (None, None) => {}
            (Some(name), phone) => {
                if let Some(c) = firm.contacts.iter_mut().find(|c| c.name == name) {
                    if let Some(p) = phone {
                        c.phone = p.to_string();
                    }
                } else {
                    firm.contacts.insert(
                        0,
                        Contact {
                            name: name.to_string(),
                            phone: phone.unwrap_or_default().to_string(),
                            ..Default::default()
                        },
                    );
                }
            }
            (None, Some(p)) => match firm.contacts.first_mut() {
                Some(c) => c.phone = p.to_string(),
                None => firm.contacts.push(Contact {
                    phone: p.to_string(),
                    ..Default::default()
                }),
            },
        }
    }

    /// A new firm from the patch (the name may be empty if the patch has none; store
    /// validation then reports it).
    pub fn new_firm(&self, id: Uuid, default_year: i32) -> Firm {
        let mut f = Firm::new(id, &self.uscc, self.name.as_deref().unwrap_or(""));
        self.apply(&mut f, default_year);
        f
    }

    /// The patch's USCC normalised again (defensive for hand-built patches).
    pub fn key(&self) -> String {
        uscc::normalize(&self.uscc)
    }
}

/// A financing need stated in an imported row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NeedPatch {
    pub amount: Yuan,
    pub purpose: Option<String>,
    pub term_months: Option<u32>,
    pub kind: Option<FinancingKind>,
    pub raised_on: Option<NaiveDate>,
}

impl NeedPatch {
    /// Updates an existing (open) need: the amount always, other fields when present.
    pub fn apply(&self, need: &mut Need) {
        need.amount = self.amount;
        if let Some(p) = &self.purpose {
            need.purpose.clone_from(p);
        }
        set_opt(&mut need.term_months, &self.term_months);
        set(&mut need.kind, &self.kind);
        set(&mut need.raised_on, &self.raised_on);
    }

    /// A new need of `firm` in status Raised; kind defaults to Loan, date to `today`.
    pub fn new_need(&self, id: Uuid, firm: &Firm, today: NaiveDate) -> Need {
        Need {
            id,
            firm_id: firm.id,
            team_id: firm.team_id,
            amount: self.amount,
            purpose: self.purpose.clone().unwrap_or_default(),
            term_months: self.term_months,
            kind: self.kind.unwrap_or(FinancingKind::Loan),
            collateral: vec![],
            raised_on: self.raised_on.unwrap_or(today),
            ruling: None,
            status: NeedStatus::Raised,
            outcomes: vec![],
            met_by_coach: false,
            closed_on: None,
            unmet_reason: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    const USCC: &str = "91350100M000100Y43";

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn stored() -> Firm {
        let mut f = Firm::new(Uuid::nil(), USCC, "济南量子科技有限公司");
        f.staff = Some(50);
        f.tech_staff = Some(10);
        f.address = Some("历下区经十路1号".into());
        f.year_mut(2024).revenue = Some(9_000_000);
        f.year_mut(2024).rd_expense = Some(500_000);
        f.ip.invention_patents = 3;
        f.ip.designs = 1;
        f.tags = vec!["重点".into()];
        f.qualifications.push(Qualification {
            kind: QualificationKind::HighTech,
            obtained: Some(d(2022, 12, 1)),
            expires: Some(d(2025, 11, 30)),
            number: "GR202237000001".into(),
        });
        f.qualifications.push(Qualification {
            kind: QualificationKind::TechSme,
            obtained: None,
            expires: None,
            number: String::new(),
        });
        f
    }

    #[test]
    fn only_some_fields_overwrite() {
        let mut f = stored();
        let p = FirmPatch {
            uscc: USCC.into(),
            staff: Some(60),
            revenue: Some(12_000_000),
            invention_patents: Some(5),
            ..Default::default()
        };
        p.apply(&mut f, 2024);
        assert_eq!(f.staff, Some(60));
        assert_eq!(f.tech_staff, Some(10), "absent field kept");
        assert_eq!(f.address.as_deref(), Some("历下区经十路1号"));
        assert_eq!(f.name, "济南量子科技有限公司");
        let y = f.year(2024).unwrap();
        assert_eq!(y.revenue, Some(12_000_000));
        assert_eq!(
            y.rd_expense,
            Some(500_000),
            "other figures of the year kept"
        );
        assert_eq!(f.ip.invention_patents, 5);
        assert_eq!(f.ip.designs, 1);
    }

    #[test]
    fn figures_go_to_the_patch_year_and_no_empty_year_is_created() {
        let mut f = stored();
        let p = FirmPatch {
            uscc: USCC.into(),
            year: Some(2025),
            total_assets: Some(30_000_000),
            ..Default::default()
        };
        p.apply(&mut f, 2024);
        assert_eq!(
            f.financials.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2024, 2025]
        );
        assert_eq!(f.year(2025).unwrap().total_assets, Some(30_000_000));
        assert_eq!(f.year(2024).unwrap().total_assets, None);

        let mut h = stored();
        FirmPatch {
            uscc: USCC.into(),
            year: Some(2025),
            revenue: Some(2),
            other_years: vec![YearFinancials {
                year: 2023,
                revenue: Some(1),
                ..Default::default()
            }],
            ..Default::default()
        }
        .apply(&mut h, 2024);
        assert_eq!(
            h.financials
                .iter()
                .map(|y| (y.year, y.revenue))
                .collect::<Vec<_>>(),
            [(2023, Some(1)), (2024, Some(9_000_000)), (2025, Some(2))]
        );

        let mut g = stored();
        FirmPatch {
            uscc: USCC.into(),
            year: Some(2026),
            staff: Some(1),
            ..Default::default()
        }
        .apply(&mut g, 2024);
        assert!(g.year(2026).is_none(), "no figures, no year");
    }

    #[test]
    fn qualifications_merge_and_revoke() {
        let mut f = stored();
        let p = FirmPatch {
            uscc: USCC.into(),
            qualifications: vec![
                Qualification {
                    kind: QualificationKind::HighTech,
                    obtained: None,
                    expires: None,
                    number: String::new(),
                },
                Qualification {
                    kind: QualificationKind::SrdiProvincial,
                    obtained: Some(d(2024, 6, 1)),
                    expires: None,
                    number: String::new(),
                },
            ],
            revoked: vec![QualificationKind::TechSme],
            ..Default::default()
        };
        p.apply(&mut f, 2024);
        let kinds: Vec<_> = f.qualifications.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [
                QualificationKind::HighTech,
                QualificationKind::SrdiProvincial
            ]
        );
        let ht = f.qualification(QualificationKind::HighTech).unwrap();
        assert_eq!(ht.obtained, Some(d(2022, 12, 1)), "stored date kept");
        assert_eq!(ht.number, "GR202237000001");
    }

    #[test]
    fn contacts_and_tags() {
        let mut f = stored();
        FirmPatch {
            uscc: USCC.into(),
            contact_name: Some("张三".into()),
            contact_phone: Some("13800000000".into()),
            tags: vec!["重点".into(), "首贷".into()],
            ..Default::default()
        }
        .apply(&mut f, 2024);
        assert_eq!(f.contacts.len(), 1);
        assert_eq!(f.contacts[0].phone, "13800000000");
        assert_eq!(f.tags, ["重点", "首贷"]);

        FirmPatch {
            uscc: USCC.into(),
            contact_phone: Some("0531-88888888".into()),
            ..Default::default()
        }
        .apply(&mut f, 2024);
        assert_eq!(f.contacts.len(), 1);
        assert_eq!(f.contacts[0].name, "张三");
        assert_eq!(f.contacts[0].phone, "0531-88888888");

        FirmPatch {
            uscc: USCC.into(),
            contact_name: Some("李四".into()),
            ..Default::default()
        }
        .apply(&mut f, 2024);
        assert_eq!(f.contacts[0].name, "李四");
        assert_eq!(f.contacts.len(), 2);
    }

    #[test]
    fn new_firm_is_valid_and_blank_name_is_not_applied() {
        let p = FirmPatch {
            uscc: USCC.into(),
            name: Some("  济南量子科技有限公司 ".into()),
            district: Some("370102".into()),
            staff: Some(20),
            revenue: Some(1_000_000),
            first_loan_list: Some(true),
            ..Default::default()
        };
        let f = p.new_firm(Uuid::nil(), 2025);
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.name, "济南量子科技有限公司");
        assert_eq!(f.year(2025).unwrap().revenue, Some(1_000_000));
        assert!(f.first_loan_list);

        let mut g = f.clone();
        FirmPatch {
            uscc: USCC.into(),
            name: Some("  ".into()),
            ..Default::default()
        }
        .apply(&mut g, 2025);
        assert_eq!(g.name, f.name);
    }

    #[test]
    fn need_patch() {
        let mut firm = stored();
        firm.team_id = Some(Uuid::from_u128(7));
        let p = NeedPatch {
            amount: 5_000_000,
            purpose: Some("购置设备".into()),
            term_months: Some(12),
            kind: None,
            raised_on: None,
        };
        let n = p.new_need(Uuid::from_u128(1), &firm, d(2026, 11, 26));
        assert_eq!(n.status, NeedStatus::Raised);
        assert_eq!(n.kind, FinancingKind::Loan);
        assert_eq!(n.raised_on, d(2026, 11, 26));
        assert_eq!(n.team_id, Some(Uuid::from_u128(7)));
        assert_eq!(n.firm_id, firm.id);
        assert_eq!(n.validate(), Ok(()));

        let mut m = n.clone();
        NeedPatch {
            amount: 8_000_000,
            kind: Some(FinancingKind::Guarantee),
            ..Default::default()
        }
        .apply(&mut m);
        assert_eq!(m.amount, 8_000_000);
        assert_eq!(m.kind, FinancingKind::Guarantee);
        assert_eq!(m.purpose, "购置设备", "absent purpose kept");
        assert_eq!(m.term_months, Some(12));
    }

    #[test]
    fn row_columns() {
        let mut r = ImportRow {
            row: 5,
            ..Default::default()
        };
        r.headers.insert("tech_staff".into(), "科技人员".into());
        r.headers
            .insert(need_keys::AMOUNT.into(), "融资需求（万元）".into());
        assert_eq!(r.column("tech_staff"), "科技人员");
        assert_eq!(r.column("staff"), "staff");
        assert_eq!(r.need_column("amount"), "融资需求（万元）");

        // Rows share one map; writing through one row copies it.
        let mut other = r.clone();
        other.headers.insert("staff".into(), "从业人数".into());
        assert_eq!(other.column("staff"), "从业人数");
        assert_eq!(r.column("staff"), "staff");
        let json = serde_json::to_string(&r.headers).unwrap();
        assert_eq!(
            json,
            r#"{"need_amount":"融资需求（万元）","tech_staff":"科技人员"}"#
        );
        let back: ColumnHeaders = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r.headers);
    }
}
