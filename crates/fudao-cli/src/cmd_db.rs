//! `fudao db status|rekey|backup`: encryption at rest, and backups.

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::bail;
use clap::{Args, Subcommand};
use fudao_store::keys::{self, KeyStore, KeyStoreError, OsKeyStore};
use fudao_store::{DbKey, KeyOrigin};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum DbCmd {
    /// 数据库文件是否已加密、密钥保存在哪里（无需密钥） (whether the file is encrypted and where its key is kept; needs no key)
    Status,
    /// 更换数据库密钥：用新的随机密钥重新加密 (re-encrypt the database with a new random key)
    Rekey(RekeyArgs),
    /// 备份数据库：与数据库同一密钥加密，不含同步令牌；Ctrl+C 取消，不留残缺文件 (back up, encrypted with the same key, without the sync token; Ctrl+C cancels and leaves no partial file)
    Backup(BackupArgs),
}

#[derive(Args)]
pub struct BackupArgs {
    /// 备份文件（不能已存在） (backup file; must not exist)
    pub file: PathBuf,
    /// 改用口令加密，便于迁移到另一台电脑；口令来自 FUDAO_BACKUP_PASSPHRASE 或终端输入 (encrypt with a passphrase instead, to move to another machine: from FUDAO_BACKUP_PASSPHRASE or typed)
    #[arg(long)]
    pub passphrase: bool,
}

#[derive(Args)]
pub struct RekeyArgs {
    /// 新密钥改由口令保护（在终端输入） (keep the new key wrapped by a passphrase typed now, instead of where the old key was kept)
    #[arg(long)]
    pub passphrase: bool,
}

pub fn origin_zh(o: Option<KeyOrigin>) -> &'static str {
    match o {
        Some(KeyOrigin::Env) => "密钥来自 FUDAO_DB_KEY",
        Some(KeyOrigin::Keystore) => "密钥保存在系统密钥库",
        Some(KeyOrigin::Passphrase) => "密钥由口令保护",
        Some(KeyOrigin::Given) => "密钥由调用方提供",
        None => "未加密",
    }
}

pub fn origin_en(o: Option<KeyOrigin>) -> &'static str {
    match o {
        Some(KeyOrigin::Env) => "FUDAO_DB_KEY",
        Some(KeyOrigin::Keystore) => "the OS keystore",
        Some(KeyOrigin::Passphrase) => "the passphrase-wrapped key file",
        Some(KeyOrigin::Given) => "the caller",
        None => "none",
    }
}

pub fn db(ctx: &Ctx, cmd: DbCmd) -> anyhow::Result<Outcome> {
    match cmd {
        DbCmd::Status => status(ctx),
        DbCmd::Rekey(a) => rekey(ctx, a),
        DbCmd::Backup(a) => backup(ctx, a),
    }
}

/// Set when the user presses Ctrl+C: a backup then stops at its next progress tick and removes
/// its partial copy (the default action would kill the process and leave it behind).
fn interrupted_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Registered here, before the backup starts; waited for on a thread of its own.
    #[cfg(unix)]
    let mut sigint = {
        let _in = rt.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?
    };
    let set = Arc::clone(&flag);
    std::thread::spawn(move || {
        rt.block_on(async {
            #[cfg(unix)]
            let got = sigint.recv().await.is_some();
            #[cfg(not(unix))]
            let got = tokio::signal::ctrl_c().await.is_ok();
            if got {
                set.store(true, Ordering::SeqCst);
            }
        })
    });
    Ok(flag)
}

fn backup(ctx: &Ctx, a: BackupArgs) -> anyhow::Result<Outcome> {
    let interrupted = interrupted_flag()?;
    let s = ctx.open()?;
    let passphrase = if a.passphrase {
        let p = match std::env::var("FUDAO_BACKUP_PASSPHRASE") {
            Ok(p) if !p.is_empty() => zeroize::Zeroizing::new(p),
            _ if out::interactive() => out::new_passphrase()?,
            _ => bail!("需要备份口令：设置 FUDAO_BACKUP_PASSPHRASE 或在终端中运行 (a backup passphrase is needed: set FUDAO_BACKUP_PASSPHRASE or run on a terminal)"),
        };
        Some(p)
    } else {
        None
    };
    // On a terminal, a bar of the bytes written (a backup of 100,000 firms is ≈ 1 GB).
    let bar = if std::io::stderr().is_terminal() && !ctx.json {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "备份 (backup) {bar:30} {bytes}/{total_bytes} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let written = fudao_ops::backup::backup_with(
        &s,
        &a.file,
        passphrase.as_deref().map(String::as_str),
        fudao_ops::backup::Existing::Refuse,
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
            !interrupted.load(Ordering::SeqCst)
        },
    );
    bar.finish_and_clear();
    let Some(size) = written? else {
        bail!("备份已取消，未留下备份文件 (backup cancelled; no backup file was left)");
    };
    if ctx.json {
        out::print_json(&serde_json::json!({
            "file": a.file,
            "bytes": size,
            "encrypted_with": if a.passphrase { "passphrase" } else { "database_key" },
        }))?;
    } else {
        println!(
            "已备份到 {}（{} 字节，{}，不含同步令牌） (backed up, {}, without the sync token)",
            a.file.display(),
            size,
            if a.passphrase {
                "口令加密"
            } else {
                "与数据库同一密钥加密"
            },
            if a.passphrase {
                "encrypted with the passphrase"
            } else {
                "encrypted with the database key"
            }
        );
    }
    Ok(Outcome::Ok)
}

fn status(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let path = ctx.db_path();
    let st = fudao_store::db_status(&path)?;
    let env_key = DbKey::from_env()?.is_some();
    let keystore = match OsKeyStore.get(&keys::db_key_account(&path)) {
        Ok(Some(_)) => "present",
        Ok(None) => "absent",
        Err(KeyStoreError::Unavailable(_)) => "unavailable",
        Err(_) => "error",
    };
    if ctx.json {
        let mut v = serde_json::to_value(&st)?;
        v["env_key"] = env_key.into();
        v["keystore"] = keystore.into();
        out::print_json(&v)?;
        return Ok(Outcome::Ok);
    }
    println!("数据库 (database): {}", path.display());
    if !st.exists {
        println!("  尚未创建 (not created yet)");
    } else if st.encrypted {
        println!("  已加密 (encrypted): SQLCipher 4, AES-256");
    } else {
        println!(
            "  未加密 (NOT encrypted): 下次用密钥打开时会自动加密 (encrypted on the next open with a key)"
        );
    }
    if st.exists {
        println!("  大小 (size): {} 字节 (bytes)", st.size_bytes);
    }
    if let Some(m) = &st.mode {
        println!("  权限 (mode): {m}");
    }
    let ks = match keystore {
        "present" => "有此数据库的密钥 (holds this database's key)",
        "absent" => "可用，无此数据库的密钥 (answers; no key for this database)",
        "unavailable" => "不可用 (no keystore answers)",
        _ => "出错 (error)",
    };
    println!("  系统密钥库 (OS keystore): {ks}");
    println!(
        "  口令密钥文件 (passphrase key file): {}",
        if st.key_file {
            "有 (present)"
        } else {
            "无 (none)"
        }
    );
    println!(
        "  FUDAO_DB_KEY: {}",
        if env_key {
            "已设置 (set)"
        } else {
            "未设置 (unset)"
        }
    );
    if st.plaintext_leftover {
        println!(
            "  注意：上次加密被中断，下次打开时会自动完成 (an encryption was interrupted; the next open finishes it)"
        );
    }
    Ok(Outcome::Ok)
}

fn rekey(ctx: &Ctx, a: RekeyArgs) -> anyhow::Result<Outcome> {
    let path = ctx.db_path();
    let mut s = ctx.open()?;
    let (Some(old), Some(origin)) = (s.key().cloned(), s.key_origin()) else {
        bail!("数据库未加密 (the database is not encrypted)");
    };
    let new = DbKey::random();
    // The new key is kept only after the file is re-encrypted with it; if keeping it fails,
    // the file goes back to the old key, so no file ends up with a key kept nowhere.
    let shown_key;
    let kept = if a.passphrase || origin == KeyOrigin::Passphrase {
        if !out::interactive() {
            bail!("需要在终端中输入新口令 (a new passphrase must be typed on a terminal)");
        }
        let p = out::new_passphrase()?;
        s.rekey(&new)?;
        if let Err(e) = keys::write_key_file(
            &keys::key_file_path(&path),
            &new,
            &p,
            keys::KdfParams::default(),
        ) {
            s.rekey(&old)?;
            return Err(e.into());
        }
        if origin == KeyOrigin::Keystore {
            let _ = s.secrets().delete(&keys::db_key_account(&path));
        }
        shown_key = None;
        KeyOrigin::Passphrase
    } else if origin == KeyOrigin::Keystore {
        s.rekey(&new)?;
        if let Err(e) = s.secrets().set(&keys::db_key_account(&path), &new.to_hex()) {
            s.rekey(&old)?;
            return Err(fudao_store::StoreError::Keystore(e).into());
        }
        shown_key = None;
        KeyOrigin::Keystore
    } else {
        s.rekey(&new)?;
        shown_key = Some(new.to_hex());
        KeyOrigin::Env
    };
    if ctx.json {
        out::print_json(&serde_json::json!({
            "db": path,
            "rekeyed": true,
            "key_origin": kept,
            "new_key": shown_key.as_ref().map(|k| k.as_str()),
        }))?;
    } else {
        println!(
            "已更换数据库密钥（{}） (database re-encrypted with a new key; kept in {})",
            origin_zh(Some(kept)),
            origin_en(Some(kept))
        );
        if let Some(k) = &shown_key {
            println!(
                "新密钥，请把 FUDAO_DB_KEY 改为 (new key: set FUDAO_DB_KEY to): {}",
                k.as_str()
            );
        }
    }
    Ok(Outcome::Ok)
}
