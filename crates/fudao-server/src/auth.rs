//! Passwords (argon2id), bearer tokens (random, stored as SHA-256) and the login limiter.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Counts failed logins per key (user name, client address) in a sliding window.
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }
    /// The allowance of a key: `ip:` keys (many users may share an office address) get ten
    /// times the per-user allowance.
    fn limit(&self, key: &str) -> u32 {
        if key.starts_with("ip:") {
            self.max_failures.saturating_mul(10)
        } else {
            self.max_failures
        }
    }
    /// Whether any of `keys` has used up its failures in the current window.
    pub fn blocked(&self, keys: &[String]) -> bool {
        let now = Instant::now();
        let mut m = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        m.retain(|_, (_, start)| now.duration_since(*start) < self.window);
        keys.iter()
            .any(|k| m.get(k).is_some_and(|(n, _)| *n >= self.limit(k)))
    }
    pub fn fail(&self, keys: &[String]) {
        let now = Instant::now();
        let mut m = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            let e = m.entry(k.clone()).or_insert((0, now));
            e.0 += 1;
        }
    }
    pub fn succeed(&self, key: &str) {
        let mut m = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        m.remove(key);
    }
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
    fn limiter_blocks_after_max_failures() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let k = vec!["user:a".to_string()];
        for _ in 0..3 {
            assert!(!l.blocked(&k));
            l.fail(&k);
        }
        assert!(l.blocked(&k));
        assert!(!l.blocked(&["user:b".to_string()]));
        let ip = vec!["ip:10.0.0.1".to_string()];
        for _ in 0..29 {
            l.fail(&ip);
        }
        assert!(!l.blocked(&ip), "an office address gets more tries");
        l.fail(&ip);
        assert!(l.blocked(&ip));
        l.succeed("user:a");
        assert!(!l.blocked(&k));
    }
}
