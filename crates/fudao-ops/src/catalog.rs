//! The product catalogue: the products synced into (or imported to) the store, with its
//! version and publication date kept in the store's metadata; the built-in catalogue while the
//! store has no products.

use crate::{OpsError, Result};
use fudao_core::product::{builtin_catalog, Catalog, Product};
use fudao_store::Store;

/// Metadata key of the catalogue's version number.
pub const META_VERSION: &str = "catalog_version";
/// Metadata key of the catalogue's publication date (`YYYY-MM-DD`).
pub const META_PUBLISHED: &str = "catalog_published";

/// The catalogue held in the store, or the built-in one if the store has no products yet.
///
/// A `catalog_version` or `catalog_published` that does not parse is an error naming the key:
/// a plan must never cite a catalogue version that is not the one its products came from.
pub fn load(s: &Store) -> Result<Catalog> {
    let mut products: Vec<Product> = s.list()?;
    let builtin = builtin_catalog();
    if products.is_empty() {
        return Ok(builtin);
    }
    products.sort_by(|a, b| a.code.cmp(&b.code));
    let version = match s.meta_get(META_VERSION)? {
        Some(v) => v.trim().parse().map_err(|_| OpsError::BadMeta {
            key: META_VERSION,
            value: v,
        })?,
        None => builtin.version,
    };
    let published = match s.meta_get(META_PUBLISHED)? {
        Some(d) => d.trim().parse().map_err(|_| OpsError::BadMeta {
            key: META_PUBLISHED,
            value: d,
        })?,
        None => builtin.published,
    };
    Ok(Catalog {
        version,
        published,
        products,
    })
}

/// What importing a catalogue did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// The version now stored: the file's, or one past the stored one if that is not newer.
    pub version: u32,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Stored products the file does not name (kept as they are).
    pub not_in_file: usize,
}

/// Imports a catalogue: upserts its products in one transaction (unchanged ones are not
/// written), and stores its publication date and a version newer than the stored one.
pub fn import(s: &mut Store, incoming: &Catalog) -> Result<Imported> {
    let current = load(s)?;
    let stored: std::collections::HashMap<uuid::Uuid, Product> = s
        .list::<Product>()?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let version = incoming.version.max(current.version + 1);
    let (mut added, mut updated, mut unchanged) = (0usize, 0usize, 0usize);
    s.write(fudao_store::Source::Local, |w| {
        for p in &incoming.products {
            match stored.get(&p.id) {
                Some(old) if old == p => unchanged += 1,
                Some(_) => {
                    w.put(p)?;
                    updated += 1;
                }
                None => {
                    w.put(p)?;
                    added += 1;
                }
            }
        }
        Ok(())
    })?;
    s.meta_set(META_VERSION, &version.to_string())?;
    s.meta_set(META_PUBLISHED, &incoming.published.to_string())?;
    let not_in_file = stored
        .keys()
        .filter(|id| !incoming.products.iter().any(|p| p.id == **id))
        .count();
    Ok(Imported {
        version,
        added,
        updated,
        unchanged,
        not_in_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_sync::ErrorCode;

    fn store_with_products() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        for p in builtin_catalog().products.iter().take(3) {
            s.put(p).unwrap();
        }
        s
    }

    #[test]
    fn an_empty_store_reads_the_builtin_catalogue() {
        let s = Store::open_in_memory().unwrap();
        let c = load(&s).unwrap();
        let b = builtin_catalog();
        assert_eq!(c.version, b.version);
        assert_eq!(c.products.len(), b.products.len());
    }

    #[test]
    fn stored_products_come_with_the_stored_version_sorted_by_code() {
        let s = store_with_products();
        s.meta_set(META_VERSION, "7").unwrap();
        s.meta_set(META_PUBLISHED, "2026-03-01").unwrap();
        let c = load(&s).unwrap();
        assert_eq!(c.version, 7);
        assert_eq!(c.published.to_string(), "2026-03-01");
        assert_eq!(c.products.len(), 3);
        let codes: Vec<&str> = c.products.iter().map(|p| p.code.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn an_import_bumps_the_version_and_writes_only_changed_products() {
        let mut s = store_with_products();
        s.meta_set(META_VERSION, "7").unwrap();
        let mut incoming = builtin_catalog();
        incoming.version = 3;
        incoming.products.truncate(4);
        incoming.products[1].name.push_str("（新）");
        let r = import(&mut s, &incoming).unwrap();
        assert_eq!(
            r,
            Imported {
                version: 8,
                added: 1,
                updated: 1,
                unchanged: 2,
                not_in_file: 0
            }
        );
        assert_eq!(load(&s).unwrap().version, 8);
        incoming.version = 20;
        incoming.products.truncate(2);
        let r = import(&mut s, &incoming).unwrap();
        assert_eq!((r.version, r.unchanged, r.not_in_file), (20, 2, 2));
    }

    #[test]
    fn a_bad_catalog_version_fails_loudly_naming_the_key() {
        // The app used to fall back to the built-in version here, the CLI failed: both fail now.
        let s = store_with_products();
        s.meta_set(META_VERSION, "seven").unwrap();
        let e = load(&s).unwrap_err();
        assert_eq!(e.code(), ErrorCode::CatalogVersion);
        let text = e.to_string();
        assert!(
            text.contains("catalog_version") && text.contains("seven"),
            "{text}"
        );
        s.meta_set(META_VERSION, "7").unwrap();
        s.meta_set(META_PUBLISHED, "March").unwrap();
        let e = load(&s).unwrap_err();
        assert!(e.to_string().contains("catalog_published"), "{e}");
    }
}
