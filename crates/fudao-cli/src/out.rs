//! Shared plumbing for commands: opening the store, printing tables and JSON, errors.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use fudao_store::{Store, StoreError};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;

pub struct Ctx {
    pub db: Option<PathBuf>,
    pub json: bool,
}

impl Ctx {
    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(fudao_store::default_db_path)
    }
    pub fn open(&self) -> anyhow::Result<Store> {
        Ok(Store::open(self.db_path())?)
    }
}

pub fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(headers.iter().copied());
    t
}

/// A progress bar on a TTY, hidden otherwise.
pub fn progress(len: u64, msg: &'static str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(msg);
    pb
}

/// Prints an error to stderr: field-level validation errors one per line.
pub fn print_error(e: &anyhow::Error) {
    if let Some(StoreError::Validation(errs)) = e.downcast_ref::<StoreError>() {
        eprintln!("错误 (error): 数据校验未通过 (validation failed)");
        for fe in &errs.0 {
            eprintln!(
                "  字段 {} (field): {} / {}",
                fe.field, fe.message.zh, fe.message.en
            );
        }
        return;
    }
    eprintln!("错误 (error): {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  原因 (cause): {cause}");
    }
}

pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "—".into())
}

pub fn wan(v: Option<i64>) -> String {
    v.map(fudao_core::money::fmt_wan)
        .unwrap_or_else(|| "—".into())
}
