//! Encryption at rest: SQLCipher files, key resolution (environment, keystore, passphrase),
//! migration of plaintext databases, rekeying, backups, file modes and the sync token.

use chrono::NaiveDate;
use fudao_core::model::{EntityKind, Firm, Role};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::keys::{
    db_key_account, key_file_path, token_account, KdfParams, KeyStore, MemoryKeyStore, NoKeyStore,
};
use fudao_store::sync::Session;
use fudao_store::{DbKey, KeyOrigin, KeyRing, Store, StoreError};
use fudao_sync::Me;
use std::path::Path;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

const NAME: &str = "济南青禾保密测试科技有限公司";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn firm(suffix: &str, name: &str) -> Firm {
    let uscc = fudao_core::uscc::compose("91", "370102", suffix).unwrap();
    Firm::new(Uuid::now_v7(), &uscc, name)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Cheap argon2 costs: the tests check the wrapping, not the cost.
fn cheap() -> KdfParams {
    KdfParams {
        m_cost: 1024,
        t_cost: 1,
        p_cost: 1,
    }
}

fn ring(keystore: Arc<dyn KeyStore>, passphrase: Option<&str>) -> KeyRing {
    KeyRing {
        env_key: None,
        keystore,
        passphrase: passphrase.map(|p| zeroize::Zeroizing::new(p.to_string())),
        kdf: cheap(),
    }
}

fn session(token: &str) -> Session {
    Session {
        server: "http://127.0.0.1:9".into(),
        token: token.into(),
        user: Me {
            user_id: Uuid::now_v7(),
            username: "wang".into(),
            name: "王晓".into(),
            role: Role::Coach,
            team_id: None,
            public_url: None,
        },
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    fudao_store::fsperm::mode(p).unwrap()
}

#[test]
fn a_new_database_is_encrypted_private_and_shows_no_firm_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile/fudao.db");
    let key = DbKey::random();
    {
        let mut s = Store::open_with_key(&path, &key).unwrap();
        s.put(&firm("MA3C0001", NAME)).unwrap();
        assert!(s.is_encrypted());
        #[cfg(unix)]
        {
            // While open: the WAL holds the write, and it is private too.
            let wal = dir.path().join("profile/fudao.db-wal");
            assert!(wal.exists());
            assert_eq!(mode(&wal), 0o600);
            assert!(!contains(&std::fs::read(&wal).unwrap(), NAME.as_bytes()));
        }
    }
    let bytes = std::fs::read(&path).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(!contains(&bytes, NAME.as_bytes()));
    assert!(!contains(&bytes, b"CREATE TABLE"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("profile")), 0o700);
    }
    let s = Store::open_with_key(&path, &key).unwrap();
    assert_eq!(s.list::<Firm>().unwrap()[0].name, NAME);
    assert!(fudao_store::db_status(&path).unwrap().encrypted);
}

#[test]
fn a_wrong_key_is_a_clear_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    drop(Store::open_with_key(&path, &DbKey::random()).unwrap());
    let err = Store::open_with_key(&path, &DbKey::random())
        .err()
        .expect("another key must not open the file");
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err}");
    assert_eq!(err.code(), "wrong_key");
    let msg = err.to_string();
    assert!(
        msg.contains("密钥错误") && msg.contains("wrong key"),
        "{msg}"
    );
    // The file is untouched: the right key still opens it.
    // (A file that is no database at all is refused the same way.)
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    assert!(matches!(
        Store::open_with_key(&junk, &DbKey::random()),
        Err(StoreError::WrongKey { .. })
    ));
}

#[test]
fn a_plaintext_database_of_2000_firms_migrates_with_every_row_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    // Today's release: a plain SQLite file.
    let (firms, counts, audit, outbox) = {
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 2000,
                seed: 7,
                today: today(),
            },
        )
        .unwrap();
        s.put(&firm("MA3C0002", NAME)).unwrap();
        s.set_session(&session("tok-plain")).unwrap();
        let mut firms: Vec<Firm> = s.list().unwrap();
        firms.sort_by_key(|f| f.id);
        let counts: Vec<u64> = [
            EntityKind::Firm,
            EntityKind::Need,
            EntityKind::Visit,
            EntityKind::Feedback,
            EntityKind::User,
        ]
        .iter()
        .map(|k| s.count(*k).unwrap())
        .collect();
        let audit: i64 = s
            .connection()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        (firms, counts, audit, s.outbox_len().unwrap())
    };
    assert_eq!(firms.len(), 2001);
    let plain = std::fs::read(&path).unwrap();
    assert_eq!(&plain[..16], b"SQLite format 3\0");
    assert!(contains(&plain, NAME.as_bytes()));

    let seen = Arc::new(Mutex::new(Vec::<(u64, u64)>::new()));
    let seen2 = Arc::clone(&seen);
    let keystore = Arc::new(MemoryKeyStore::new());
    let cb: fudao_store::MigrationProgress =
        Arc::new(move |done: u64, total: u64| seen2.lock().unwrap().push((done, total)));
    let s = Store::open_with_keyring(&path, &ring(keystore.clone(), None), Some(cb)).unwrap();
    assert_eq!(s.key_origin(), Some(KeyOrigin::Keystore));
    let mut after: Vec<Firm> = s.list().unwrap();
    after.sort_by_key(|f| f.id);
    assert_eq!(after, firms);
    let counts_after: Vec<u64> = [
        EntityKind::Firm,
        EntityKind::Need,
        EntityKind::Visit,
        EntityKind::Feedback,
        EntityKind::User,
    ]
    .iter()
    .map(|k| s.count(*k).unwrap())
    .collect();
    assert_eq!(counts_after, counts);
    let audit_after: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audit_after, audit);
    assert_eq!(s.outbox_len().unwrap(), outbox);
    assert_eq!(s.search_firms("保密测试", 5).unwrap()[0].name, NAME);
    // The token moved from the database into the keystore.
    assert_eq!(s.session().unwrap().unwrap().token, "tok-plain");
    assert!(s.token_in_keystore().unwrap());
    assert_eq!(
        keystore.peek(&token_account(&path)).as_deref(),
        Some("tok-plain")
    );
    drop(s);

    // Progress was reported, ending at 100 %.
    let seen = seen.lock().unwrap();
    let total = plain.len() as u64;
    assert!(seen.len() >= 2, "{seen:?}");
    assert_eq!(*seen.last().unwrap(), (total, total));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));

    // The file is encrypted; the plaintext original and the copy are gone.
    let enc = std::fs::read(&path).unwrap();
    assert_ne!(&enc[..16], b"SQLite format 3\0");
    assert!(!contains(&enc, NAME.as_bytes()));
    assert!(!contains(&enc, b"tok-plain"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("plaintext") && !n.contains("encrypting")),
        "{names:?}"
    );
    // The key is in the keystore: the next open finds it there.
    let key = DbKey::from_hex(&keystore.peek(&db_key_account(&path)).unwrap()).unwrap();
    let again = Store::open_with_key(&path, &key).unwrap();
    assert_eq!(again.count(EntityKind::Firm).unwrap(), 2001);
}

#[test]
fn an_interrupted_encryption_is_undone_then_redone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    {
        let mut s = Store::open_plaintext(&path).unwrap();
        s.put(&firm("MA3C0003", NAME)).unwrap();
    }
    // Power lost between the two renames: the original is aside, the copy half written.
    std::fs::rename(&path, dir.path().join("fudao.db.plaintext")).unwrap();
    std::fs::write(dir.path().join("fudao.db.encrypting"), b"half a copy").unwrap();
    let key = DbKey::random();
    let s = Store::open_with_key(&path, &key).unwrap();
    assert_eq!(s.list::<Firm>().unwrap()[0].name, NAME);
    assert!(s.is_encrypted());
    assert!(!dir.path().join("fudao.db.plaintext").exists());
    assert!(!dir.path().join("fudao.db.encrypting").exists());
}

#[test]
fn the_keystore_keeps_a_new_key_and_is_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let keystore = Arc::new(MemoryKeyStore::new());
    {
        let mut s = Store::open_with_keyring(&path, &ring(keystore.clone(), None), None).unwrap();
        assert_eq!(s.key_origin(), Some(KeyOrigin::Keystore));
        s.put(&firm("MA3C0004", NAME)).unwrap();
    }
    let hex = keystore.peek(&db_key_account(&path)).expect("key kept");
    assert_eq!(hex.len(), 64);
    let s = Store::open_with_keyring(&path, &ring(keystore.clone(), None), None).unwrap();
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 1);
    drop(s);
    // A keystore that answers but lost the key: the three ways are named.
    let empty: Arc<dyn KeyStore> = Arc::new(MemoryKeyStore::new());
    let err = Store::open_with_keyring(&path, &ring(empty, None), None)
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            StoreError::KeyNeeded {
                new_database: false,
                ..
            }
        ),
        "{err}"
    );
    // FUDAO_DB_KEY (here: the ring's env key) wins over the keystore.
    let mut r = ring(Arc::new(NoKeyStore), None);
    r.env_key = Some(DbKey::from_hex(&hex).unwrap());
    let s = Store::open_with_keyring(&path, &r, None).unwrap();
    assert_eq!(s.key_origin(), Some(KeyOrigin::Env));
}

#[test]
fn without_keystore_or_key_the_error_names_all_three_ways() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let err = Store::open_with_keyring(&path, &ring(Arc::new(NoKeyStore), None), None)
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            StoreError::KeyNeeded {
                new_database: true,
                ..
            }
        ),
        "{err}"
    );
    let msg = err.to_string();
    for way in [
        "FUDAO_DB_KEY",
        "系统密钥库",
        "口令",
        "OS keystore",
        "passphrase",
    ] {
        assert!(msg.contains(way), "{way} missing from: {msg}");
    }
    // Nothing was written.
    assert!(!path.exists() || std::fs::metadata(&path).unwrap().len() == 0);
}

#[test]
fn a_passphrase_wraps_the_key_where_no_keystore_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let none: Arc<dyn KeyStore> = Arc::new(NoKeyStore);
    assert!(matches!(
        Store::open_with_keyring(&path, &ring(none.clone(), Some("short")), None),
        Err(StoreError::WeakPassphrase)
    ));
    {
        let mut s =
            Store::open_with_keyring(&path, &ring(none.clone(), Some("辅导队口令-2026")), None)
                .unwrap();
        assert_eq!(s.key_origin(), Some(KeyOrigin::Passphrase));
        s.put(&firm("MA3C0005", NAME)).unwrap();
        // No keystore: the token stays in the encrypted database.
        s.set_session(&session("tok-db")).unwrap();
        assert!(!s.token_in_keystore().unwrap());
    }
    let kf = key_file_path(&path);
    let text = std::fs::read_to_string(&kf).unwrap();
    assert!(text.contains("argon2id") && text.contains("xchacha20poly1305"));
    #[cfg(unix)]
    assert_eq!(mode(&kf), 0o600);
    let err = Store::open_with_keyring(&path, &ring(none.clone(), None), None)
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert_eq!(err.code(), "locked");
    assert!(matches!(
        Store::open_with_keyring(&path, &ring(none.clone(), Some("wrong passphrase")), None),
        Err(StoreError::WrongPassphrase)
    ));
    let s = Store::open_with_keyring(&path, &ring(none, Some("辅导队口令-2026")), None).unwrap();
    assert_eq!(s.session().unwrap().unwrap().token, "tok-db");
    assert_eq!(s.list::<Firm>().unwrap()[0].name, NAME);
}

#[test]
fn rekey_changes_the_key_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let old = DbKey::random();
    let new = DbKey::random();
    {
        let mut s = Store::open_with_key(&path, &old).unwrap();
        s.put(&firm("MA3C0006", NAME)).unwrap();
        s.rekey(&new).unwrap();
        // Still usable after the rekey.
        s.put(&firm("MA3C0007", "济南第二家公司")).unwrap();
    }
    assert!(matches!(
        Store::open_with_key(&path, &old),
        Err(StoreError::WrongKey { .. })
    ));
    let s = Store::open_with_key(&path, &new).unwrap();
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 2);
    assert_eq!(
        s.connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "wal"
    );
}

#[test]
fn backups_are_encrypted_private_and_never_hold_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let key = DbKey::random();
    let mut s = Store::open_with_key(&path, &key).unwrap();
    s.put(&firm("MA3C0008", NAME)).unwrap();
    s.set_session(&session("tok-secret")).unwrap();

    let same = dir.path().join("same.db");
    s.backup_to(&same).unwrap();
    let bytes = std::fs::read(&same).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(!contains(&bytes, NAME.as_bytes()));
    #[cfg(unix)]
    assert_eq!(mode(&same), 0o600);
    let b = Store::open_with_key(&same, &key).unwrap();
    assert_eq!(b.list::<Firm>().unwrap()[0].name, NAME);
    assert!(
        b.session().unwrap().is_none(),
        "the token must not be in a backup"
    );
    assert_eq!(
        b.meta_get(fudao_store::sync::keys::SERVER)
            .unwrap()
            .as_deref(),
        Some("http://127.0.0.1:9")
    );
    assert!(
        s.backup_to(&same).is_err(),
        "an existing file is not overwritten"
    );

    let moved = dir.path().join("moved.db");
    assert!(matches!(
        s.backup_with_passphrase(&moved, "short"),
        Err(StoreError::WeakPassphrase)
    ));
    s.backup_with_passphrase(&moved, "搬家用的口令-1").unwrap();
    assert!(matches!(
        Store::open_with_key(&moved, &key),
        Err(StoreError::WrongKey { .. })
    ));
    // Another machine opens it with the passphrase (SQLCipher's own key derivation).
    let c = rusqlite::Connection::open(&moved).unwrap();
    c.pragma_update(None, "key", "搬家用的口令-1").unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM firm", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let tokens: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM meta WHERE key = 'sync_token'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tokens, 0);
}

/// A backup tells its progress (bytes written of the database's size) and stops when told to:
/// nothing is left behind, and the store goes on working.
#[test]
fn a_backup_tells_its_progress_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    let key = DbKey::random();
    let mut s = Store::open_with_key(&path, &key).unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 300,
            seed: 4,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        },
    )
    .unwrap();
    s.set_session(&session("tok-secret")).unwrap();
    let firms = s.count(EntityKind::Firm).unwrap();

    let done = dir.path().join("done.db");
    let mut told: Vec<(u64, u64)> = vec![];
    let finished = s
        .backup_with_progress(&done, None, &mut |d, t| {
            told.push((d, t));
            true
        })
        .unwrap();
    assert!(finished);
    assert_eq!(told.first().map(|p| p.0), Some(0), "told at the start");
    let total = told[0].1;
    assert!(total > 1 << 20, "the database's size: {total}");
    assert!(told.iter().all(|&(d, t)| t == total && d <= t));
    let b = Store::open_with_key(&done, &key).unwrap();
    assert_eq!(b.count(EntityKind::Firm).unwrap(), firms);
    assert!(b.session().unwrap().is_none());

    // Stopped at once, with the passphrase form too: no file, no journal, and the store
    // still reads, writes and backs up.
    for passphrase in [None, Some("搬家用的口令-1")] {
        let stopped = dir.path().join("stopped.db");
        let mut asked = 0;
        let finished = s
            .backup_with_progress(&stopped, passphrase, &mut |_, _| {
                asked += 1;
                false
            })
            .unwrap();
        assert!(!finished);
        assert_eq!(asked, 1);
        assert!(!stopped.exists(), "a cancelled backup leaves nothing");
        assert!(!dir.path().join("stopped.db-journal").exists());
    }
    s.put(&firm("MA3C0009", NAME)).unwrap();
    assert_eq!(s.count(EntityKind::Firm).unwrap(), firms + 1);
    let again = dir.path().join("again.db");
    s.backup_to(&again).unwrap();
    assert_eq!(
        Store::open_with_key(&again, &key)
            .unwrap()
            .count(EntityKind::Firm)
            .unwrap(),
        firms + 1
    );
    assert!(matches!(
        s.backup_with_progress(&dir.path().join("weak.db"), Some("short"), &mut |_, _| true),
        Err(StoreError::WeakPassphrase)
    ));
}
