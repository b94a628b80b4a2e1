//! Shared plumbing for commands: opening the store, printing tables and JSON, errors.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use fudao_store::keys::OsKeyStore;
use fudao_store::{KeyRing, Store, StoreError};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use zeroize::Zeroizing;

pub struct Ctx {
    pub db: Option<PathBuf>,
    pub json: bool,
}

impl Ctx {
    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(fudao_store::default_db_path)
    }
    /// Opens the encrypted database: key from `FUDAO_DB_KEY` or the OS keystore; where
    /// neither answers, a passphrase typed on the terminal (asked twice for a new one).
    pub fn open(&self) -> anyhow::Result<Store> {
        let path = self.db_path();
        let ring = KeyRing::from_env(Arc::new(OsKeyStore))?;
        let progress = migration_progress(&path);
        let first = Store::open_with_keyring(&path, &ring, progress.clone());
        let new = match &first {
            Err(StoreError::Locked { .. }) => Some(false),
            Err(StoreError::KeyNeeded {
                new_database: true, ..
            }) => Some(true),
            _ => None,
        };
        let (Some(new), true) = (new, interactive()) else {
            return Ok(first?);
        };
        let passphrase = if new {
            eprintln!(
                "没有可用的系统密钥库：请设置一个口令来保护数据库密钥（至少 8 个字符） (no OS keystore answers: choose a passphrase that protects the database key, at least 8 characters)"
            );
            new_passphrase()?
        } else {
            Zeroizing::new(rpassword::prompt_password(
                "数据库口令 (database passphrase): ",
            )?)
        };
        let ring = ring.with_passphrase(Some(passphrase));
        Ok(Store::open_with_keyring(&path, &ring, progress)?)
    }
}

/// Prompts on a terminal only: scripts and tests get the error that names the ways to give a
/// key.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks for a new passphrase twice.
pub fn new_passphrase() -> anyhow::Result<Zeroizing<String>> {
    let p = Zeroizing::new(rpassword::prompt_password("新口令 (new passphrase): ")?);
    let again = Zeroizing::new(rpassword::prompt_password(
        "再次输入 (repeat the passphrase): ",
    )?);
    if *p != *again {
        anyhow::bail!("两次输入的口令不一致 (the two passphrases differ)");
    }
    if p.chars().count() < 8 {
        return Err(StoreError::WeakPassphrase.into());
    }
    Ok(p)
}

/// A progress bar for encrypting a plaintext database (on a terminal, for files over 8 MB).
fn migration_progress(path: &std::path::Path) -> Option<fudao_store::MigrationProgress> {
    let plain = fudao_store::db_status(path)
        .map(|s| s.kind == fudao_store::keys::FileKind::Plaintext && s.size_bytes > 8 << 20)
        .unwrap_or(false);
    if !plain || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(100);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {percent}% ({eta})")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message("加密数据库 (encrypting the database)");
    Some(Arc::new(move |done, total| {
        pb.set_length(total.max(1));
        pb.set_position(done);
        if done >= total {
            pb.finish_and_clear();
        }
    }))
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
