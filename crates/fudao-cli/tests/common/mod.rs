//! What the CLI's process tests share.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `fudao` binary of this build on the database `db` (`FUDAO_DB` unset).
pub fn fudao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fudao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FUDAO_DB")
        .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
        .output()
        .expect("run fudao")
}
