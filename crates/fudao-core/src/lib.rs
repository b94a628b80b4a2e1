//! Fudao domain core: the entities of Jinan's financial-coaching programme, their validation,
//! and (in submodules) evaluation rules, product matching, KPIs and plan composition.
//!
//! This crate is pure: it performs no I/O and never reads the clock. Callers pass "today"
//! explicitly wherever a rule depends on the date.

pub mod consistency;
pub mod doc;
pub mod error;
pub mod eval;
pub mod kpi;
pub mod matching;
pub mod model;
pub mod money;
pub mod patch;
pub mod plan;
pub mod product;
pub mod region;
pub mod text;
pub mod uscc;

pub use error::{FieldError, Msg, ValidationErrors};
