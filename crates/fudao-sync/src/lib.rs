//! Fudao sync: the wire protocol shared by the client and the server ([`protocol`]), the
//! contract a local replica implements ([`replica`]), and — with the `client` feature — the
//! reqwest client ([`client`]) and the push/pull driver ([`engine`]).
//!
//! The client never links server crates; the server uses this crate without `client`.

pub mod error_code;
pub mod protocol;
pub mod replica;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod engine;

pub use protocol::*;
