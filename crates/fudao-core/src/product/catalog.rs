//! A published catalogue version, its loading and validation, and the built-in catalogue.

use super::*;

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

const BUILTIN_JSON: &str = include_str!("../../../../assets/catalog/products.json");

/// The synthetic built-in catalogue shipped in `assets/catalog/products.json`.
///
/// The file is checked by this crate's tests, so a failure here is a build defect.
pub fn builtin_catalog() -> Catalog {
    match Catalog::from_json(BUILTIN_JSON) {
        Ok(c) => c,
        Err(e) => panic!("built-in catalogue is broken: {e}"),
    }
}
