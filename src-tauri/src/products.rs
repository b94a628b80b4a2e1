//! 产品库: the product catalogue (synced into the store, else the built-in one) and which
//! firms each product fits, by `fudao_core::matching`.

use crate::dto::{parse_id, EnumOption, Msg, Yuan};
use crate::error::AppResult;
use crate::plans::catalog;
use crate::state::AppState;
use fudao_core::model::{Firm, Need};
use fudao_core::product::Product;
use serde::{Deserialize, Serialize};
use tauri::State;
use uuid::Uuid;

fn msg(m: fudao_core::Msg) -> Msg {
    Msg { zh: m.zh, en: m.en }
}

/// A catalogue product as listed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ProductView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub institution: String,
    pub institution_kind: EnumOption,
    pub kind: EnumOption,
    /// The kind of financing provided (`loan`, `guarantee`, …).
    pub financing_kind: String,
    pub amount_min: Yuan,
    pub amount_max: Yuan,
    pub amount_text: String,
    pub rate_text: String,
    pub term_text: String,
    pub collateral_text: String,
    pub subsidy_text: String,
    pub approval_days: u32,
    /// Eligibility conditions, described.
    pub rules: Vec<Msg>,
    pub description: String,
    pub active: bool,
}

fn product_view(p: &Product) -> ProductView {
    ProductView {
        id: p.id,
        code: p.code.clone(),
        name: p.name.clone(),
        institution: p.institution.clone(),
        institution_kind: EnumOption {
            key: p.institution_kind.key().into(),
            zh: p.institution_kind.label_zh().into(),
            en: p.institution_kind.label_en().into(),
        },
        kind: EnumOption {
            key: p.kind.key().into(),
            zh: p.kind.label_zh().into(),
            en: p.kind.label_en().into(),
        },
        financing_kind: p.kind.financing_kind().key().into(),
        amount_min: p.amount_min,
        amount_max: p.amount_max,
        amount_text: p.amount_text(),
        rate_text: p.rate_text(),
        term_text: p.term_text(),
        collateral_text: p.collateral_text(),
        subsidy_text: p.subsidy_text(),
        approval_days: p.approval_days,
        rules: p.conditions().iter().map(|r| msg(r.describe())).collect(),
        description: p.description.clone(),
        active: p.active,
    }
}

/// The catalogue, with its version.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CatalogView {
    pub version: u32,
    pub published: chrono::NaiveDate,
    pub products: Vec<ProductView>,
}

#[tauri::command]
#[specta::specta]
pub async fn products(state: State<'_, AppState>) -> AppResult<CatalogView> {
    state
        .with_store(|s| {
            let c = catalog(s)?;
            Ok(CatalogView {
                version: c.version,
                published: c.published,
                products: c.products.iter().map(product_view).collect(),
            })
        })
        .await
}

/// A firm a product fits (or nearly fits).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FirmFit {
    pub firm_id: Uuid,
    pub firm_name: String,
    pub district: Option<String>,
    /// Fit score 0–100.
    pub score: u32,
    /// The amount to apply for, when the firm has an open need.
    pub suggested_amount: Option<Yuan>,
    pub reasons: Vec<Msg>,
    /// What is missing (near misses).
    pub missing: Vec<Msg>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ProductFits {
    /// Firms examined.
    pub checked: u32,
    /// Firms meeting every rule, best fit first (at most 200).
    pub eligible: Vec<FirmFit>,
    pub eligible_total: u32,
    /// Firms one or two fixable gaps away (at most 200).
    pub near_misses: Vec<FirmFit>,
    pub near_miss_total: u32,
}

fn firm_fit(f: fudao_ops::products::FirmFit) -> FirmFit {
    FirmFit {
        firm_id: f.firm_id,
        firm_name: f.firm_name,
        district: f.district,
        score: f.fit.score,
        suggested_amount: f.fit.suggested_amount,
        reasons: f.fit.reasons.into_iter().map(msg).collect(),
        missing: f.fit.missing.into_iter().map(msg).collect(),
    }
}

fn view(r: fudao_ops::products::ProductFits) -> ProductFits {
    ProductFits {
        checked: r.checked,
        eligible: r.eligible.into_iter().map(firm_fit).collect(),
        eligible_total: r.eligible_total,
        near_misses: r.near_misses.into_iter().map(firm_fit).collect(),
        near_miss_total: r.near_miss_total,
    }
}

/// Which firms the product fits ([`fudao_ops::products::fits_of`]).
pub fn fits_of(
    firms: &[Firm],
    needs: &[Need],
    product: &Product,
    today: chrono::NaiveDate,
) -> ProductFits {
    view(fudao_ops::products::fits_of(firms, needs, product, today))
}

#[tauri::command]
#[specta::specta]
pub async fn product_fits(
    state: State<'_, AppState>,
    product_id: String,
) -> AppResult<ProductFits> {
    let id = parse_id(&product_id)?;
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| Ok(view(fudao_ops::products::product_fits(s, id, today)?)))
        .await
}
