//! The shapes that cross IPC, exported to TypeScript by specta.
//!
//! The library types do not derive `specta::Type` (the libraries know nothing of Tauri), and
//! the orphan rule forbids deriving it here, so this module mirrors them field for field with
//! the same serde shape. Two guards keep the mirrors honest:
//! - each mirror carries a test-only exhaustive destructuring of the library type, so adding,
//!   removing or renaming a library field breaks `cargo test -p fudao-app` at compile time;
//! - `tests::demo_rows_round_trip` converts every row of a generated demo database to its
//!   mirror and back and checks nothing is lost.
//!
//! Conversions go through serde ([`to_dto`], [`merge_into`]); saving merges the edited mirror
//! over the stored row, so library fields a mirror passes through opaquely (`facts`) are kept.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;

/// Integer yuan (元); exported as a TypeScript `number` (exact below 2^53 元).
pub type Yuan = i64;

macro_rules! mirror_struct {
    ($(#[$m:meta])* $name:ident = $($cp:ident)::+ { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
        pub struct $name { $($(#[$fm])* pub $f: $t),* }
        #[cfg(test)]
        const _: () = {
            #[allow(dead_code)]
            fn exhaustive(c: $($cp)::+) {
                let $($cp)::+ { $($f: _),* } = c;
            }
        };
    };
}

pub(crate) use mirror_struct;

macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident = $($cp:ident)::+ { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }
        impl $name {
            /// Every value with its bilingual label, in the library's order.
            pub fn options() -> Vec<EnumOption> {
                $($cp)::+::ALL
                    .iter()
                    .map(|c| EnumOption { key: c.key().to_string(), zh: c.label_zh().to_string(), en: c.label_en().to_string() })
                    .collect()
            }
        }
        #[cfg(test)]
        const _: () = {
            use $($cp)::+ as Core;
            #[allow(dead_code)]
            fn exhaustive(c: Core) -> $name {
                match c { $(Core::$v => $name::$v),+ }
            }
        };
    };
}

/// One value of a labelled enum, for selects and tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EnumOption {
    pub key: String,
    pub zh: String,
    pub en: String,
}

mirror_struct!(
    /// A user-facing message in both UI languages.
    Msg = fudao_core::error::Msg { zh: String, en: String }
);

mirror_struct!(
    /// One problem with one field of one record.
    FieldError = fudao_core::error::FieldError { field: String, code: String, message: Msg }
);

impl From<fudao_core::Msg> for Msg {
    fn from(m: fudao_core::Msg) -> Self {
        Msg { zh: m.zh, en: m.en }
    }
}

impl From<fudao_core::FieldError> for FieldError {
    fn from(e: fudao_core::FieldError) -> Self {
        FieldError {
            field: e.field,
            code: e.code,
            message: Msg {
                zh: e.message.zh,
                en: e.message.en,
            },
        }
    }
}

mirror_enum!(Role = fudao_core::model::Role { Coach, Lead, Admin });
mirror_enum!(
    Stage = fudao_core::model::Stage {
        Seed,
        Startup,
        Growth,
        Mature
    }
);
mirror_enum!(
    QualificationKind = fudao_core::model::QualificationKind {
        TechSme,
        HighTech,
        SrdiProvincial,
        SrdiLittleGiant,
        Gazelle,
        Unicorn,
        SingleChampion
    }
);
mirror_enum!(
    FinancingKind = fudao_core::model::FinancingKind {
        Loan,
        Equity,
        Guarantee,
        Insurance,
        Bond
    }
);
mirror_enum!(
    NeedStatus = fudao_core::model::NeedStatus {
        Raised,
        Matching,
        Applied,
        Approved,
        Disbursed,
        PartlyMet,
        Unmet,
        Withdrawn
    }
);
mirror_enum!(
    ReasonCode = fudao_core::model::ReasonCode {
        PurposeMismatch,
        OverCapacity,
        NoRealBusiness,
        PolicyRestricted,
        Speculative,
        InsufficientCollateral,
        CreditRecord,
        WeakFinancials,
        PriceNotAccepted,
        FirmWithdrew,
        Other
    }
);
mirror_enum!(
    VisitMode = fudao_core::model::VisitMode {
        OnSite,
        Phone,
        Online
    }
);
mirror_enum!(
    Satisfaction = fudao_core::model::Satisfaction {
        Satisfied,
        Basic,
        Unsatisfied
    }
);
mirror_enum!(
    FeedbackSource = fudao_core::model::FeedbackSource {
        Qr,
        Paper,
        Phone,
        Visit,
        Unrecorded
    }
);
mirror_enum!(
    PlanStatus = fudao_core::model::PlanStatus {
        Draft,
        Confirmed,
        Delivered
    }
);

mirror_struct!(
    /// One year's financial figures, in 元. Unknown figures are `null`, never 0.
    YearFinancials = fudao_core::model::YearFinancials {
        year: i32,
        revenue: Option<Yuan>,
        main_business_revenue: Option<Yuan>,
        total_income: Option<Yuan>,
        rd_expense: Option<Yuan>,
        rd_expense_domestic: Option<Yuan>,
        total_cost: Option<Yuan>,
        total_assets: Option<Yuan>,
        liabilities: Option<Yuan>,
        net_profit: Option<Yuan>,
        operating_cash_flow: Option<Yuan>,
        high_tech_revenue: Option<Yuan>,
        bills_receivable: Option<Yuan>,
    }
);

mirror_struct!(
    /// Intellectual property held.
    IpHoldings = fudao_core::model::IpHoldings {
        invention_patents: u32,
        other_class1: u32,
        utility_models: u32,
        designs: u32,
        software_copyrights: u32,
        pledged: u32,
    }
);

mirror_struct!(
    /// A designation held, with its dates.
    Qualification = fudao_core::model::Qualification {
        kind: QualificationKind,
        obtained: Option<NaiveDate>,
        expires: Option<NaiveDate>,
        #[serde(default)]
        number: String,
    }
);

mirror_struct!(
    Contact = fudao_core::model::Contact {
        name: String,
        title: String,
        phone: String,
        email: String
    }
);

mirror_struct!(
    /// A firm, as edited in the app. `facts` (assessment facts) passes through unchanged.
    Firm = fudao_core::model::Firm {
        id: Uuid,
        team_id: Option<Uuid>,
        coach_id: Option<Uuid>,
        uscc: String,
        uscc_override: Option<String>,
        name: String,
        district: Option<String>,
        address: Option<String>,
        industry: Option<String>,
        founded: Option<NaiveDate>,
        registered_capital: Option<Yuan>,
        staff: Option<u32>,
        tech_staff: Option<u32>,
        high_talents: Option<u32>,
        financials: Vec<YearFinancials>,
        ip: IpHoldings,
        qualifications: Vec<Qualification>,
        stage: Option<Stage>,
        ever_borrowed: Option<bool>,
        first_loan_list: bool,
        first_loan_date: Option<NaiveDate>,
        whitelist: bool,
        listing_reserve: bool,
        listing_board: Option<String>,
        contacts: Vec<Contact>,
        tags: Vec<String>,
        facts: Value,
        notes: String,
    }
);

mirror_struct!(
    /// The coach's ruling on whether a need is reasonable.
    Ruling = fudao_core::model::Ruling {
        reasonable: bool,
        reason: Option<ReasonCode>,
        #[serde(default)]
        note: String,
    }
);

mirror_struct!(
    /// Money that reached the firm against a need.
    Outcome = fudao_core::model::Outcome {
        institution: String,
        product: String,
        amount: Yuan,
        rate_bp: Option<u32>,
        date: NaiveDate,
        credit: bool,
        #[serde(default)]
        product_kind: String,
    }
);

mirror_struct!(
    /// A financing need (融资需求).
    Need = fudao_core::model::Need {
        id: Uuid,
        firm_id: Uuid,
        team_id: Option<Uuid>,
        amount: Yuan,
        purpose: String,
        term_months: Option<u32>,
        kind: FinancingKind,
        collateral: Vec<String>,
        raised_on: NaiveDate,
        ruling: Option<Ruling>,
        status: NeedStatus,
        outcomes: Vec<Outcome>,
        met_by_coach: bool,
        closed_on: Option<NaiveDate>,
        unmet_reason: Option<ReasonCode>,
    }
);

mirror_struct!(
    FollowUpTask = fudao_core::model::FollowUpTask {
        title: String,
        owner: String,
        due: NaiveDate,
        done: bool
    }
);

mirror_struct!(
    /// A visit (走访记录) with its follow-up tasks.
    Visit = fudao_core::model::Visit {
        id: Uuid,
        firm_id: Uuid,
        team_id: Option<Uuid>,
        date: NaiveDate,
        coach_ids: Vec<Uuid>,
        mode: VisitMode,
        notes: String,
        findings: String,
        tasks: Vec<FollowUpTask>,
    }
);

mirror_struct!(
    /// A firm's satisfaction feedback (满意度评价).
    Feedback = fudao_core::model::Feedback {
        id: Uuid,
        firm_id: Uuid,
        team_id: Option<Uuid>,
        date: NaiveDate,
        rating: Satisfaction,
        comment: String,
        source: FeedbackSource,
        need_met: Option<bool>,
        plan_id: Option<Uuid>,
        plan_version: Option<u32>,
    }
);

mirror_struct!(
    /// A firm search result.
    FirmHit = fudao_store::FirmHit {
        id: Uuid,
        uscc: String,
        name: String,
        district: Option<String>,
        /// How the query matched: `name`, `initials` or `uscc`.
        matched: String,
    }
);

mirror_struct!(
    /// One audited field change.
    AuditEntry = fudao_store::AuditEntry {
        at: String,
        user_id: Option<String>,
        device_id: String,
        field: String,
        old: Option<Value>,
        new: Option<Value>,
        source: String,
    }
);

/// Converts a library value to its mirror (same serde shape).
pub fn to_dto<C: Serialize, D: DeserializeOwned>(c: &C) -> AppResult<D> {
    let v = serde_json::to_value(c).map_err(AppError::internal)?;
    serde_json::from_value(v).map_err(AppError::internal)
}

/// Converts many library values to their mirrors.
pub fn to_dtos<C: Serialize, D: DeserializeOwned>(cs: &[C]) -> AppResult<Vec<D>> {
    cs.iter().map(to_dto).collect()
}

/// Overlays an edited mirror on a library value: every key the mirror has replaces the stored
/// one (objects merge key by key), keys the mirror does not know are kept.
pub fn merge_into<C: Serialize + DeserializeOwned, D: Serialize>(
    base: &C,
    edited: &D,
) -> AppResult<C> {
    let mut b = serde_json::to_value(base).map_err(AppError::internal)?;
    let e = serde_json::to_value(edited).map_err(AppError::internal)?;
    merge_value(&mut b, e);
    serde_json::from_value(b).map_err(|err| AppError::invalid_argument("record", &err.to_string()))
}

fn merge_value(base: &mut Value, edited: Value) {
    match (base, edited) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge_value(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, e) => *b = e,
    }
}

/// Parses a UUID argument from the UI.
pub fn parse_id(s: &str) -> AppResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| AppError::invalid_argument("id", s))
}
