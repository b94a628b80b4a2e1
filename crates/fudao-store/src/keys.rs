//! The database key: 32 random bytes that SQLCipher uses as its raw AES-256 key, and where it
//! is kept.
//!
//! Ways to get it, tried in this order (see [`KeyRing::resolve`]):
//! 1. `FUDAO_DB_KEY` (64 hex digits) — headless runs: CI, tests, scripts;
//! 2. the OS keystore ([`OsKeyStore`]: Secret Service on Linux, Keychain, Windows Credential
//!    Manager), under an account named after the database's path;
//! 3. a key file beside the database (`<db>.key`) holding the key wrapped (XChaCha20-Poly1305)
//!    by a key derived with argon2id from a passphrase the user types.
//!
//! A new database (or a plaintext one about to be encrypted) gets a fresh random key, kept in the
//! keystore where one answers, otherwise wrapped by the passphrase.

use crate::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

/// The environment variable that gives the database key directly (hex).
pub const KEY_ENV: &str = "FUDAO_DB_KEY";
/// The keystore service name under which Fudao keeps its secrets.
pub const KEYSTORE_SERVICE: &str = "fudao";
/// A well-known key for tests, demo databases and scripts. Not a secret: never use it for
/// real data.
pub const TEST_KEY_HEX: &str = "f0da0000000000000000000000000000000000000000000000000000000000d0";

/// A database key (32 bytes); wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// A fresh key from the operating system's CSPRNG (through `rand`'s thread RNG, which is
    /// seeded from it).
    pub fn random() -> Self {
        use rand::RngCore;
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(&mut k[..]);
        DbKey(k)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DbKey(Zeroizing::new(bytes))
    }

    /// Parses 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(s: &str) -> Result<Self, StoreError> {
        let mut k = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.trim(), &mut k[..]).map_err(|_| StoreError::BadKeyHex)?;
        Ok(DbKey(k))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.0[..]))
    }

    /// The key of `FUDAO_DB_KEY`, if set (an empty value counts as unset).
    pub fn from_env() -> Result<Option<Self>, StoreError> {
        match std::env::var(KEY_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                let v = Zeroizing::new(v);
                Self::from_hex(&v).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// [`TEST_KEY_HEX`]: tests and demo runs only.
    pub fn test_key() -> Self {
        Self::from_hex(TEST_KEY_HEX).unwrap_or_else(|_| unreachable!("TEST_KEY_HEX is valid hex"))
    }

    /// SQLCipher's raw-key literal, `x'…'`, as `PRAGMA key` and `ATTACH … KEY` take it: the
    /// key is used as is, with no key derivation.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_hex().as_str()))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

// ------------------------------------------------------------------------------------------
// Keystores

/// Why a keystore could not serve a request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeyStoreError {
    /// No keystore answers (no desktop session, no Secret Service).
    #[error("系统密钥库不可用 (no OS keystore answers): {0}")]
    Unavailable(String),
    /// The keystore answered with an error.
    #[error("系统密钥库出错 (OS keystore error): {0}")]
    Failed(String),
}

/// Where secrets (the database key, the sync token) are kept. `account` names the secret.
pub trait KeyStore: Send + Sync {
    /// `Ok(None)`: the keystore answers and holds nothing under `account`.
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, KeyStoreError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), KeyStoreError>;
    /// Deleting what is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), KeyStoreError>;
}

/// The OS keystore through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyStore;

impl OsKeyStore {
    fn entry(account: &str) -> Result<keyring::Entry, KeyStoreError> {
        // On Linux the Secret Service lives on the session bus: without one, say so at once
        // instead of letting libdbus try to autolaunch a bus.
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
                .map(|d| PathBuf::from(d).join("bus").exists())
                .unwrap_or(false);
            if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() && !runtime_bus {
                return Err(KeyStoreError::Unavailable(
                    "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)".into(),
                ));
            }
        }
        keyring::Entry::new(KEYSTORE_SERVICE, account).map_err(map_keyring)
    }
}

fn map_keyring(e: keyring::Error) -> KeyStoreError {
    match e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            KeyStoreError::Unavailable(e.to_string())
        }
        other => KeyStoreError::Failed(other.to_string()),
    }
}

impl KeyStore for OsKeyStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, KeyStoreError> {
        match Self::entry(account)?.get_password() {
            Ok(s) => Ok(Some(Zeroizing::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), KeyStoreError> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(map_keyring)
    }
    fn delete(&self, account: &str) -> Result<(), KeyStoreError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// A keystore that never answers: headless runs, where the key comes from `FUDAO_DB_KEY` and
/// the sync token stays in the encrypted database.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoKeyStore;

impl KeyStore for NoKeyStore {
    fn get(&self, _: &str) -> Result<Option<Zeroizing<String>>, KeyStoreError> {
        Err(KeyStoreError::Unavailable("no keystore".into()))
    }
    fn set(&self, _: &str, _: &str) -> Result<(), KeyStoreError> {
        Err(KeyStoreError::Unavailable("no keystore".into()))
    }
    fn delete(&self, _: &str) -> Result<(), KeyStoreError> {
        Err(KeyStoreError::Unavailable("no keystore".into()))
    }
}

/// An in-memory keystore for tests (and a stand-in for the OS keystore where one is simulated).
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    secrets: Mutex<HashMap<String, Zeroizing<String>>>,
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// What is kept under `account` (tests).
    pub fn peek(&self, account: &str) -> Option<String> {
        self.secrets
            .lock()
            .ok()?
            .get(account)
            .map(|s| s.as_str().to_string())
    }
    pub fn len(&self) -> usize {
        self.secrets.lock().map(|m| m.len()).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, KeyStoreError> {
        let m = self
            .secrets
            .lock()
            .map_err(|_| KeyStoreError::Failed("poisoned".into()))?;
        Ok(m.get(account).cloned())
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), KeyStoreError> {
        self.secrets
            .lock()
            .map_err(|_| KeyStoreError::Failed("poisoned".into()))?
            .insert(account.to_string(), Zeroizing::new(secret.to_string()));
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<(), KeyStoreError> {
        self.secrets
            .lock()
            .map_err(|_| KeyStoreError::Failed("poisoned".into()))?
            .remove(account);
        Ok(())
    }
}

/// The keystore account of the database key of `db`.
pub fn db_key_account(db: &Path) -> String {
    format!("db-key:{}", absolute(db).display())
}

/// The keystore account of the sync token of `db`.
pub fn token_account(db: &Path) -> String {
    format!("sync-token:{}", absolute(db).display())
}

/// `path` made absolute, with its folder resolved (the file itself may not exist yet).
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| abs.clone()),
        _ => abs,
    }
}

// ------------------------------------------------------------------------------------------
// The passphrase-wrapped key file

/// The key file beside the database: `<db>.key`.
pub fn key_file_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".key");
    PathBuf::from(s)
}

/// argon2id cost parameters (kept in the key file, so they can be raised later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about half a second on a laptop.
    fn default() -> Self {
        KdfParams {
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

const WRAP_FORMAT: &str = "fudao-wrapped-db-key";
const WRAP_AAD: &[u8] = b"fudao-wrapped-db-key/1";

#[derive(Debug, Serialize, Deserialize)]
struct WrappedKey {
    format: String,
    version: u32,
    kdf: String,
    params: KdfParams,
    salt: String,
    cipher: String,
    nonce: String,
    ciphertext: String,
}

fn kek(passphrase: &str, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let params = argon2::Params::new(p.m_cost, p.t_cost, p.p_cost, Some(32))
        .map_err(|e| StoreError::KeyFile(format!("argon2 parameters: {e}")))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|e| StoreError::KeyFile(format!("argon2: {e}")))?;
    Ok(out)
}

/// Wraps `key` with a key derived from `passphrase` and writes it to `file` (mode 0600,
/// replacing atomically).
pub fn write_key_file(
    file: &Path,
    key: &DbKey,
    passphrase: &str,
    params: KdfParams,
) -> Result<(), StoreError> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use rand::RngCore;
    if passphrase.chars().count() < 8 {
        return Err(StoreError::WeakPassphrase);
    }
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut salt);
    rand::rng().fill_bytes(&mut nonce);
    let kek = kek(passphrase, &salt, params)?;
    let cipher =
        chacha20poly1305::XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let ct = cipher
        .encrypt(
            chacha20poly1305::XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad: WRAP_AAD,
            },
        )
        .map_err(|_| StoreError::KeyFile("encryption failed".into()))?;
    let w = WrappedKey {
        format: WRAP_FORMAT.into(),
        version: 1,
        kdf: "argon2id".into(),
        params,
        salt: hex::encode(salt),
        cipher: "xchacha20poly1305".into(),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    };
    let text = serde_json::to_string_pretty(&w)?;
    let tmp = file.with_extension("key.tmp");
    crate::fsperm::write_private(&tmp, text.as_bytes())?;
    std::fs::rename(&tmp, file).map_err(|e| StoreError::io(file, e))?;
    Ok(())
}

/// Reads the key file and unwraps the key with `passphrase`.
pub fn read_key_file(file: &Path, passphrase: &str) -> Result<DbKey, StoreError> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let text = std::fs::read_to_string(file).map_err(|e| StoreError::io(file, e))?;
    let bad = |what: &str| StoreError::KeyFile(format!("{}: {what}", file.display()));
    let w: WrappedKey = serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
    if w.format != WRAP_FORMAT || w.version != 1 || w.kdf != "argon2id" {
        return Err(bad("unknown format"));
    }
    let salt = hex::decode(&w.salt).map_err(|_| bad("salt"))?;
    let nonce: [u8; 24] = hex::decode(&w.nonce)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("nonce"))?;
    let ct = hex::decode(&w.ciphertext).map_err(|_| bad("ciphertext"))?;
    let kek = kek(passphrase, &salt, w.params)?;
    let cipher =
        chacha20poly1305::XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let pt = Zeroizing::new(
        cipher
            .decrypt(
                chacha20poly1305::XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: WRAP_AAD,
                },
            )
            .map_err(|_| StoreError::WrongPassphrase)?,
    );
    let bytes: [u8; 32] = pt.as_slice().try_into().map_err(|_| bad("key length"))?;
    Ok(DbKey::from_bytes(bytes))
}

// ------------------------------------------------------------------------------------------
// Resolution

/// Where the key of an open database came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    /// `FUDAO_DB_KEY`.
    Env,
    /// The OS keystore.
    Keystore,
    /// The key file, unwrapped with the passphrase.
    Passphrase,
    /// Given by the caller ([`crate::Store::open_with_key`]).
    Given,
}

/// What the file at a database path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// No file, or an empty one.
    Missing,
    /// A plain SQLite file ("SQLite format 3" header).
    Plaintext,
    /// Anything else: an SQLCipher file (its first 16 bytes are the random salt).
    Encrypted,
}

/// What `path` holds: nothing, a plain SQLite database, or an SQLCipher one.
///
/// Asked through SQLite, never with a plain `open()`/`close()` of the file: closing any
/// descriptor of a file drops every POSIX lock this process holds on it, including the locks of
/// SQLite connections still open on it (SQLite's own VFS shares one record per file and process
/// and defers such closes). With its locks gone, another process takes itself for the last
/// connection, checkpoints and deletes the WAL and shared-memory files under the open
/// connection, and later connections in this process read "database disk image is malformed".
pub fn file_kind(path: &Path) -> Result<FileKind, StoreError> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let wal_len = std::fs::metadata(crate::encrypt::sibling(path, "-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    if len == 0 && wal_len == 0 {
        return Ok(FileKind::Missing);
    }
    crate::encrypt::probe_kind(path)
}

/// The ways to find a database key: `FUDAO_DB_KEY`, a keystore, a passphrase.
pub struct KeyRing {
    pub env_key: Option<DbKey>,
    pub keystore: Arc<dyn KeyStore>,
    pub passphrase: Option<Zeroizing<String>>,
    /// argon2id costs for a key file written now.
    pub kdf: KdfParams,
}

impl KeyRing {
    /// `FUDAO_DB_KEY` and the given keystore, no passphrase.
    pub fn from_env(keystore: Arc<dyn KeyStore>) -> Result<Self, StoreError> {
        Ok(KeyRing {
            env_key: DbKey::from_env()?,
            keystore,
            passphrase: None,
            kdf: KdfParams::default(),
        })
    }

    pub fn with_passphrase(mut self, p: Option<Zeroizing<String>>) -> Self {
        self.passphrase = p;
        self
    }

    /// Finds (or, for a database that is not encrypted yet, makes and keeps) the key of `db`.
    ///
    /// A new key is stored before the database is written with it, so no file is ever
    /// encrypted with a key that is kept nowhere.
    pub fn resolve(&self, db: &Path) -> Result<(DbKey, KeyOrigin), StoreError> {
        if let Some(k) = &self.env_key {
            return Ok((k.clone(), KeyOrigin::Env));
        }
        let kind = file_kind(db)?;
        let key_file = key_file_path(db);
        let account = db_key_account(db);
        let keystore_answers = match self.keystore.get(&account) {
            Ok(Some(hex)) => return Ok((DbKey::from_hex(&hex)?, KeyOrigin::Keystore)),
            Ok(None) => true,
            Err(KeyStoreError::Unavailable(_)) => false,
            Err(e) => return Err(StoreError::Keystore(e)),
        };
        if key_file.exists() {
            return match &self.passphrase {
                Some(p) => Ok((read_key_file(&key_file, p)?, KeyOrigin::Passphrase)),
                None => Err(StoreError::Locked {
                    path: db.to_path_buf(),
                }),
            };
        }
        if kind == FileKind::Encrypted {
            return Err(StoreError::KeyNeeded {
                path: db.to_path_buf(),
                new_database: false,
            });
        }
        // Not encrypted yet: a fresh key, kept before it is used.
        let key = DbKey::random();
        if keystore_answers {
            match self.keystore.set(&account, &key.to_hex()) {
                Ok(()) => return Ok((key, KeyOrigin::Keystore)),
                Err(KeyStoreError::Unavailable(_)) => {}
                Err(e) => return Err(StoreError::Keystore(e)),
            }
        }
        match &self.passphrase {
            Some(p) => {
                write_key_file(&key_file, &key, p, self.kdf)?;
                Ok((key, KeyOrigin::Passphrase))
            }
            None => Err(StoreError::KeyNeeded {
                path: db.to_path_buf(),
                new_database: true,
            }),
        }
    }
}
