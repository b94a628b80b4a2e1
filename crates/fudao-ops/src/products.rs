//! 产品库: which firms a catalogue product fits, by `fudao_core::matching` (the app's 产品库
//! screen, `fudao catalog fits`).

use crate::{OpsError, Result};
use chrono::NaiveDate;
use fudao_core::eval::{evaluate, RuleBook};
use fudao_core::matching::{match_products_with, ProductMatch};
use fudao_core::model::{Firm, Need, NeedStatus};
use fudao_core::product::Product;
use fudao_store::Store;
use std::collections::HashMap;
use uuid::Uuid;

/// How many firms of each list are returned.
pub const MAX_FITS: usize = 200;

/// A firm a product fits (or nearly fits), with the match.
#[derive(Debug, Clone)]
pub struct FirmFit {
    pub firm_id: Uuid,
    pub firm_name: String,
    pub district: Option<String>,
    /// Score, suggested amount, reasons and what is missing.
    pub fit: ProductMatch,
}

#[derive(Debug, Clone)]
pub struct ProductFits {
    /// Firms examined.
    pub checked: u32,
    /// Firms meeting every rule, best fit first (at most 200).
    pub eligible: Vec<FirmFit>,
    pub eligible_total: u32,
    /// Firms one or two fixable gaps away, fewest gaps first (at most 200).
    pub near_misses: Vec<FirmFit>,
    pub near_miss_total: u32,
}

fn is_open(n: &Need) -> bool {
    matches!(
        n.status,
        NeedStatus::Raised | NeedStatus::Matching | NeedStatus::Applied
    )
}

/// Which firms the product fits: every firm is matched against it (with its latest open
/// financing need, if any).
pub fn fits_of(firms: &[Firm], needs: &[Need], product: &Product, today: NaiveDate) -> ProductFits {
    let mut open: HashMap<Uuid, &Need> = HashMap::new();
    for n in needs.iter().filter(|n| is_open(n)) {
        let e = open.entry(n.firm_id).or_insert(n);
        if n.raised_on > e.raised_on {
            *e = n;
        }
    }
    let book = RuleBook::builtin();
    let one = std::slice::from_ref(product);
    let (mut eligible, mut near) = (vec![], vec![]);
    for f in firms {
        let eval = evaluate(f, today, book);
        let r = match_products_with(f, open.get(&f.id).copied(), one, today, &eval);
        let fit = |m: ProductMatch| FirmFit {
            firm_id: f.id,
            firm_name: f.name.clone(),
            district: f.district.clone(),
            fit: m,
        };
        eligible.extend(r.eligible.into_iter().map(fit));
        near.extend(r.near_misses.into_iter().map(fit));
    }
    eligible.sort_by(|a, b| {
        b.fit
            .score
            .cmp(&a.fit.score)
            .then(a.firm_name.cmp(&b.firm_name))
    });
    near.sort_by(|a, b| {
        a.fit
            .missing
            .len()
            .cmp(&b.fit.missing.len())
            .then(b.fit.score.cmp(&a.fit.score))
            .then(a.firm_name.cmp(&b.firm_name))
    });
    let (et, nt) = (eligible.len() as u32, near.len() as u32);
    eligible.truncate(MAX_FITS);
    near.truncate(MAX_FITS);
    ProductFits {
        checked: firms.len() as u32,
        eligible,
        eligible_total: et,
        near_misses: near,
        near_miss_total: nt,
    }
}

/// The fits of the catalogue's product `product_id` among the local firms
/// ([`crate::catalog::load`]; [`OpsError::UnknownProduct`] when the catalogue has no such product).
pub fn product_fits(s: &Store, product_id: Uuid, today: NaiveDate) -> Result<ProductFits> {
    let c = crate::catalog::load(s)?;
    let p = c.product(product_id).ok_or(OpsError::UnknownProduct)?;
    let firms: Vec<Firm> = s.list()?;
    let needs: Vec<Need> = s.list()?;
    Ok(fits_of(&firms, &needs, p, today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::matching::match_products;

    #[test]
    fn a_products_fits_agree_with_matching_and_an_unknown_product_is_not_found() {
        let mut s = Store::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let o = fudao_store::demo::DemoOptions {
            firms: 40,
            seed: 7,
            today,
        };
        fudao_store::demo::generate(&mut s, &o).unwrap();
        let firms: Vec<Firm> = s.list().unwrap();
        let c = crate::catalog::load(&s).unwrap();
        let mut seen = 0;
        for p in c.products.iter().filter(|p| p.active) {
            let fits = product_fits(&s, p.id, today).unwrap();
            assert_eq!(fits.checked as usize, firms.len());
            assert!(fits
                .eligible
                .windows(2)
                .all(|w| w[0].fit.score >= w[1].fit.score));
            assert!(fits
                .near_misses
                .windows(2)
                .all(|w| w[0].fit.missing.len() <= w[1].fit.missing.len()));
            for f in &fits.eligible {
                let firm = firms.iter().find(|x| x.id == f.firm_id).unwrap();
                let r = match_products(firm, None, std::slice::from_ref(p), today);
                assert_eq!(r.eligible.len(), 1, "{} fits {}", firm.name, p.name);
            }
            seen += fits.eligible_total + fits.near_miss_total;
        }
        assert!(seen > 0, "some demo firm fits some product");
        let e = product_fits(&s, Uuid::now_v7(), today).unwrap_err();
        assert!(matches!(e, OpsError::UnknownProduct), "{e:?}");
        assert_eq!(e.code(), fudao_sync::ErrorCode::NotFound);
    }
}
