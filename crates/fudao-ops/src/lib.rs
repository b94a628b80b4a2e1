//! Fudao's use cases: one function per user job, between the shells (the `fudao` CLI, the
//! desktop app) and the libraries (`fudao-core`, `fudao-store`, `fudao-io`).
//!
//! A shell parses its input, calls one function here and maps the result; where the CLI and the
//! app used to disagree on a business step, the step is written once here and tested
//! (`catalog::load` fails loudly on a bad `catalog_version`; a new visit's coach is the acting
//! user, else the firm's coach; the CLI's `export kpi` and the app's 团队 export write the same
//! workbook). Arrows point down: this crate never depends on a shell or on the server.

pub mod backup;
pub mod catalog;
pub mod error;
pub mod eval;
pub mod feedback;
pub mod home;
pub mod import;
pub mod kpi;
pub mod plans;
pub mod products;
pub mod records;
pub mod sync;
pub mod team;
pub mod visits;

pub use error::{OpsError, Result};
