//! Passwords (argon2id), bearer tokens (random, stored as SHA-256) and the login limiter.

use crate::storage::{LimitRecord, Tx};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use std::time::Duration;

/// Hashes a password with argon2id (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Verifies a password against a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Password checks on a fixed set of threads of their own. Each argon2id check allocates
/// 19 MiB; on tokio's blocking pool every new thread would keep its own malloc arena
/// holding such a block after the check (hundreds of MB under a guessing attack), here only
/// `threads` arenas ever do.
pub struct Hasher {
    jobs: std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>,
}

type HashJob = Box<dyn FnOnce() + Send>;

impl Hasher {
    pub fn new(threads: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("fudao-hash-{i}"))
                .spawn(move || loop {
                    let job = {
                        let r = rx.lock().unwrap_or_else(|p| p.into_inner());
                        match r.recv() {
                            Ok(j) => j,
                            Err(_) => return,
                        }
                    };
                    job();
                });
        }
        Hasher {
            jobs: std::sync::Mutex::new(tx),
        }
    }

    /// [`verify_password`] on one of the hashing threads.
    pub async fn verify(&self, password: String, phc: String) -> bool {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = tx.send(verify_password(&password, &phc));
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .is_ok();
        sent && rx.await.unwrap_or(false)
    }
}

/// A fresh bearer token (256 random bits) and the hash stored for it.
pub fn new_token() -> (String, String) {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    let token = format!(
        "fdt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    );
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    crate::logic::sha256_hex(token)
}

/// Shortest password accepted, however it arrives (prompt, `FUDAO_PASSWORD`).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (argon2 hashes any length; this bounds the work per request).
pub const MAX_PASSWORD_BYTES: usize = 1000;

/// Checks a new password; the error is bilingual.
pub fn check_new_password(p: &str) -> Result<(), String> {
    if p.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "密码至少{MIN_PASSWORD_CHARS}个字符 / the password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if p.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "密码不能超过{MAX_PASSWORD_BYTES}字节 / the password may have at most {MAX_PASSWORD_BYTES} bytes"
        ));
    }
    Ok(())
}

/// How failed logins slow the next attempt. State lives in the database
/// (`login_limits`), so it survives a restart and holds across server processes.
///
/// * Per user name **and** address: the first `free_failures` attempts go through at once;
///   after that each failure doubles the wait before the next attempt from that address for
///   that user (1 s, 2 s, 4 s, …) up to `max_delay`. The account is never locked: the real
///   user on another address is not slowed.
/// * Per address, across user names: at most `address_budget` attempts that did not succeed
///   within `window`.
///
/// Every attempt is counted **before** the password is checked, in the same transaction
/// that checks the limits (check-and-record is one step): concurrent guesses cannot all pass
/// the check before the first failure is recorded. A success takes its count back.
#[derive(Debug, Clone)]
pub struct LoginPolicy {
    pub free_failures: u32,
    pub max_delay: Duration,
    pub address_budget: u32,
    pub window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 3,
            max_delay: Duration::from_secs(30),
            address_budget: 50,
            window: Duration::from_secs(300),
        }
    }
}

impl LoginPolicy {
    /// The wait after the `n`-th counted attempt of a user at an address.
    pub fn delay(&self, n: i64) -> Duration {
        let free = i64::from(self.free_failures);
        if n <= free {
            return Duration::ZERO;
        }
        let exp = (n - free - 1).min(20) as u32;
        Duration::from_secs(1u64 << exp).min(self.max_delay)
    }
}

/// Whether a login attempt may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Go,
    /// Refused; the next attempt may come after this long.
    Wait(Duration),
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Checks the limits of `user_key` (user name at an address) and `addr_key` (the address)
/// and, if the attempt may go on, counts it. Run inside one transaction.
pub fn reserve_attempt(
    tx: &mut dyn Tx,
    policy: &LoginPolicy,
    user_key: &str,
    addr_key: &str,
    now: DateTime<Utc>,
) -> crate::storage::Result<Gate> {
    let window = chrono_dur(policy.window);
    let user = tx
        .get_limit(user_key)?
        .filter(|r| now - r.window_start < window || now < r.next_at);
    if let Some(r) = &user {
        if now < r.next_at {
            return Ok(Gate::Wait((r.next_at - now).to_std().unwrap_or_default()));
        }
    }
    let addr = tx
        .get_limit(addr_key)?
        .filter(|r| now - r.window_start < window);
    if let Some(r) = &addr {
        if r.count >= i64::from(policy.address_budget) {
            let until = r.window_start + window;
            return Ok(Gate::Wait((until - now).to_std().unwrap_or_default()));
        }
    }
    let n = user.as_ref().map_or(0, |r| r.count) + 1;
    tx.put_limit(
        user_key,
        &LimitRecord {
            count: n,
            window_start: now,
            next_at: now + chrono_dur(policy.delay(n)),
        },
    )?;
    let a = addr.map_or(
        LimitRecord {
            count: 0,
            window_start: now,
            next_at: now,
        },
        |r| r,
    );
    tx.put_limit(
        addr_key,
        &LimitRecord {
            count: a.count + 1,
            ..a
        },
    )?;
    // Keep the table small: forget keys idle for two windows (cheap: indexed by key only,
    // but the table holds at most the keys of the last windows).
    if rand::random::<u8>() < 8 {
        tx.prune_limits(now - window - window)?;
    }
    Ok(Gate::Go)
}

/// A successful login: the user's count at that address is cleared and the address gets its
/// attempt back.
pub fn attempt_succeeded(
    tx: &mut dyn Tx,
    user_key: &str,
    addr_key: &str,
) -> crate::storage::Result<()> {
    tx.delete_limit(user_key)?;
    if let Some(mut a) = tx.get_limit(addr_key)? {
        a.count = (a.count - 1).max(0);
        tx.put_limit(addr_key, &a)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_roundtrip() {
        let h = hash_password("正确的密码 horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码 horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, hb) = new_token();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert_eq!(ha, token_hash(&a));
        assert_eq!(ha.len(), 64);
        assert!(!ha.contains(&a[4..]));
    }

    #[test]
    fn backoff_doubles_after_the_free_attempts_and_is_capped() {
        let p = LoginPolicy::default();
        let d: Vec<u64> = (1..=12).map(|n| p.delay(n).as_secs()).collect();
        assert_eq!(d, vec![0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30, 30]);
        assert_eq!(p.delay(i64::MAX), Duration::from_secs(30));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("七个汉字的密码").is_err());
        assert!(check_new_password("八个汉字的好密码").is_ok());
        assert!(check_new_password(&"x".repeat(1001)).is_err());
    }
}
