//! Encryption at rest through the CLI: `fudao init`, the key from `FUDAO_DB_KEY`, errors
//! without or with a wrong key, `fudao db status` and `fudao db rekey`.

use fudao_store::keys::TEST_KEY_HEX;
use fudao_store::{DbKey, Store};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// `fudao` with `key` as FUDAO_DB_KEY (`None`: unset) and no keystore reachable.
fn fudao_with(db: &Path, key: Option<&str>, args: &[&str]) -> Output {
    // An XDG runtime dir without a D-Bus socket: no keystore answers.
    let runtime = std::env::temp_dir().join("fudao-test-no-dbus-runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_fudao"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FUDAO_DB")
        .env_remove("FUDAO_DB_KEY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", &runtime);
    if let Some(k) = key {
        c.env("FUDAO_DB_KEY", k);
    }
    c.output().expect("run fudao")
}

fn ok(db: &Path, key: Option<&str>, args: &[&str]) -> String {
    let o = fudao_with(db, key, args);
    assert!(
        o.status.success(),
        "fudao {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What `strings` prints for `file` (Debian binutils), or the same computed here: runs of 4+
/// printable ASCII bytes — plus every valid UTF-8 run, so a Chinese name would show.
fn strings(file: &Path) -> String {
    let mut out = String::new();
    if let Ok(o) = Command::new("strings").arg("-a").arg(file).output() {
        out.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    let bytes = std::fs::read(file).unwrap();
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

#[test]
fn init_makes_an_encrypted_private_file_that_shows_no_firm_name() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("data/fudao.db");
    let out = ok(&db, Some(TEST_KEY_HEX), &["--json", "init"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["encrypted"], true);
    assert_eq!(v["key_origin"], "env");
    let head = std::fs::read(&db).unwrap();
    assert_ne!(&head[..16], b"SQLite format 3\0");

    ok(&db, Some(TEST_KEY_HEX), &["demo", "--firms", "40"]);
    let firms: Value =
        serde_json::from_str(&ok(&db, Some(TEST_KEY_HEX), &["--json", "firm", "list"])).unwrap();
    let names: Vec<String> = firms
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 40);
    let head = std::fs::read(&db).unwrap();
    assert_ne!(&head[..16], b"SQLite format 3\0");
    let text = strings(&db);
    for n in &names {
        assert!(!text.contains(n.as_str()), "{n} readable in the file");
    }
    assert!(!text.contains("CREATE TABLE"));
    #[cfg(unix)]
    {
        assert_eq!(fudao_store::fsperm::mode(&db), Some(0o600));
        assert_eq!(
            fudao_store::fsperm::mode(&d.path().join("data")),
            Some(0o700)
        );
    }
    // The library opens the same file with the same key.
    let s = Store::open_with_key(&db, &DbKey::test_key()).unwrap();
    assert_eq!(s.list::<fudao_core::model::Firm>().unwrap().len(), 40);
}

#[test]
fn a_wrong_or_missing_key_is_a_clear_error_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("fudao.db");
    ok(&db, Some(TEST_KEY_HEX), &["init"]);

    let other = DbKey::random().to_hex();
    let o = fudao_with(&db, Some(other.as_str()), &["firm", "list"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("密钥错误") && e.contains("wrong key"), "{e}");
    assert!(!e.contains("panicked"), "{e}");

    let o = fudao_with(&db, Some("not-hex"), &["firm", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("FUDAO_DB_KEY"), "{}", stderr(&o));

    // No key, no keystore, no terminal to type a passphrase: the three ways are named.
    for target in [db.clone(), d.path().join("new.db")] {
        let o = fudao_with(&target, None, &["init"]);
        assert_eq!(o.status.code(), Some(1));
        let e = stderr(&o);
        for way in [
            "FUDAO_DB_KEY",
            "系统密钥库",
            "口令",
            "OS keystore",
            "passphrase",
        ] {
            assert!(e.contains(way), "{way} missing: {e}");
        }
        assert!(!e.contains("panicked"), "{e}");
    }
    // The right key still opens it: nothing was changed by the failures.
    ok(&db, Some(TEST_KEY_HEX), &["firm", "list"]);
}

#[test]
fn db_status_tells_plaintext_from_encrypted_and_the_first_keyed_open_encrypts() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("old.db");
    {
        // A database as today's release writes it.
        let mut s = Store::open_plaintext(&db).unwrap();
        fudao_store::demo::generate(
            &mut s,
            &fudao_store::demo::DemoOptions {
                firms: 25,
                seed: 3,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
    }
    // Status needs no key.
    let st: Value = serde_json::from_str(&ok(&db, None, &["--json", "db", "status"])).unwrap();
    assert_eq!(st["exists"], true);
    assert_eq!(st["encrypted"], false);
    assert_eq!(st["kind"], "plaintext");
    assert_eq!(st["env_key"], false);
    assert_eq!(st["keystore"], "unavailable");
    let human = ok(&db, None, &["db", "status"]);
    assert!(
        human.contains("未加密") && human.contains("NOT encrypted"),
        "{human}"
    );

    let list: Value =
        serde_json::from_str(&ok(&db, Some(TEST_KEY_HEX), &["--json", "firm", "list"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 25);
    let st: Value =
        serde_json::from_str(&ok(&db, Some(TEST_KEY_HEX), &["--json", "db", "status"])).unwrap();
    assert_eq!(st["encrypted"], true);
    assert_eq!(st["env_key"], true);
    #[cfg(unix)]
    assert_eq!(st["mode"], "600");
    assert!(ok(&db, None, &["db", "status"]).contains("已加密 (encrypted)"));
}

#[test]
fn db_rekey_gives_a_new_key_and_the_old_one_stops_working() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("fudao.db");
    ok(&db, Some(TEST_KEY_HEX), &["demo", "--firms", "10"]);
    let v: Value =
        serde_json::from_str(&ok(&db, Some(TEST_KEY_HEX), &["--json", "db", "rekey"])).unwrap();
    assert_eq!(v["rekeyed"], true);
    assert_eq!(v["key_origin"], "env");
    let new = v["new_key"].as_str().unwrap().to_string();
    assert_eq!(new.len(), 64);
    assert_ne!(new, TEST_KEY_HEX);
    let o = fudao_with(&db, Some(TEST_KEY_HEX), &["firm", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("wrong key"));
    let list: Value =
        serde_json::from_str(&ok(&db, Some(new.as_str()), &["--json", "firm", "list"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 10);
}

#[test]
fn exports_of_personal_data_are_private() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("fudao.db");
    ok(&db, Some(TEST_KEY_HEX), &["demo", "--firms", "5"]);
    let csv = d.path().join("firms.csv");
    ok(
        &db,
        Some(TEST_KEY_HEX),
        &["export", "firms", csv.to_str().unwrap()],
    );
    #[cfg(unix)]
    assert_eq!(fudao_store::fsperm::mode(&csv), Some(0o600));
    assert!(std::fs::read_to_string(&csv).unwrap().lines().count() > 5);
}

#[test]
fn db_backup_is_encrypted_with_the_key_or_a_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("fudao.db");
    ok(&db, Some(TEST_KEY_HEX), &["demo", "--firms", "12"]);
    let same = d.path().join("same.db");
    ok(
        &db,
        Some(TEST_KEY_HEX),
        &["db", "backup", same.to_str().unwrap()],
    );
    let s = Store::open_with_key(&same, &DbKey::test_key()).unwrap();
    assert_eq!(s.count(fudao_core::model::EntityKind::Firm).unwrap(), 12);
    #[cfg(unix)]
    assert_eq!(fudao_store::fsperm::mode(&same), Some(0o600));

    let moved = d.path().join("moved.db");
    let o = fudao_with(
        &db,
        Some(TEST_KEY_HEX),
        &["db", "backup", "--passphrase", moved.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "no passphrase and no terminal");
    assert!(stderr(&o).contains("FUDAO_BACKUP_PASSPHRASE"));
    let o = Command::new(env!("CARGO_BIN_EXE_fudao"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "db",
            "backup",
            "--passphrase",
            moved.to_str().unwrap(),
        ])
        .env("FUDAO_DB_KEY", TEST_KEY_HEX)
        .env("FUDAO_BACKUP_PASSPHRASE", "搬家用的口令-1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let head = std::fs::read(&moved).unwrap();
    assert_ne!(&head[..16], b"SQLite format 3\0");
    let c = rusqlite::Connection::open(&moved).unwrap();
    c.pragma_update(None, "key", "搬家用的口令-1").unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM firm", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 12);
}

/// A process that keeps the database open (the app, a test) and opens it a second time must
/// keep its SQLite locks: another process (the CLI) writing meanwhile must not take itself for
/// the last connection, checkpoint and delete the WAL and shared-memory files under the open
/// connection. Opening once read the file's header with a plain `open()`/`close()`, which drops
/// every POSIX lock the process holds on the file; the next `fudao` process then removed the WAL
/// and a later connection in this process read "database disk image is malformed" (the
/// sync_cli convergence tests, where the test keeps a `Store` on a replica).
#[test]
fn a_second_open_in_a_process_keeps_the_first_connections_locks() {
    use fudao_core::model::{EntityKind, Firm};
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("held.db");
    let code = |n: u32| fudao_core::uscc::compose("91", "370102", &format!("MA{n:06}")).unwrap();
    ok(&db, Some(TEST_KEY_HEX), &["init"]);
    ok(
        &db,
        Some(TEST_KEY_HEX),
        &[
            "firm",
            "add",
            "--uscc",
            &code(1),
            "--name",
            "济南持锁科技有限公司",
        ],
    );
    let wal = {
        let mut p = db.clone().into_os_string();
        p.push("-wal");
        std::path::PathBuf::from(p)
    };
    // Held for the whole test, with its own write still in the WAL.
    let held = Store::open_with_key(&db, &DbKey::test_key()).unwrap();
    held.meta_set("held_by_test", "1").unwrap();
    assert!(wal.exists());
    for round in 0..3 {
        // A second connection in this process, opened and closed.
        {
            let second = Store::open_with_key(&db, &DbKey::test_key()).unwrap();
            assert_eq!(second.count(EntityKind::Firm).unwrap(), 1 + round);
        }
        let _ = fudao_store::db_status(&db).unwrap();
        // Another process writes and exits.
        ok(
            &db,
            Some(TEST_KEY_HEX),
            &[
                "firm",
                "add",
                "--uscc",
                &code(2 + round as u32),
                "--name",
                &format!("济南并发写入{round}有限公司"),
            ],
        );
        assert!(
            wal.exists(),
            "round {round}: the other process removed the WAL of a connection still open here"
        );
        // Both the held connection and a new one see the other process's write, intact.
        assert_eq!(held.count(EntityKind::Firm).unwrap(), 2 + round);
        let fresh = Store::open_with_key(&db, &DbKey::test_key()).unwrap();
        assert_eq!(fresh.list::<Firm>().unwrap().len() as u64, 2 + round);
        let check: String = fresh
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
    assert_eq!(held.meta_get("held_by_test").unwrap().as_deref(), Some("1"));
}

/// Ctrl+C during `fudao db backup` leaves either the whole backup (it had finished) or no file
/// at all, never a partial one.
#[cfg(unix)]
#[test]
fn an_interrupted_backup_leaves_no_partial_file() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("fudao.db");
    ok(&db, Some(TEST_KEY_HEX), &["demo", "--firms", "600"]);
    let dest = d.path().join("backup.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fudao"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "db",
            "backup",
            dest.to_str().unwrap(),
        ])
        .env("FUDAO_DB_KEY", TEST_KEY_HEX)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The backup has started once its file exists (created before the export).
    let started = std::time::Instant::now();
    while !dest.exists() && started.elapsed() < std::time::Duration::from_secs(30) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let o = child.wait_with_output().unwrap();
    if o.status.success() {
        // It finished before the signal: the whole backup.
        let s = Store::open_with_key(&dest, &DbKey::test_key()).unwrap();
        assert_eq!(s.count(fudao_core::model::EntityKind::Firm).unwrap(), 600);
    } else {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("备份已取消"), "{}", stderr(&o));
        assert!(!dest.exists(), "no partial backup");
        assert!(!d.path().join("backup.db-journal").exists());
    }
    // The database itself is untouched either way.
    let s = Store::open_with_key(&db, &DbKey::test_key()).unwrap();
    assert_eq!(s.count(fudao_core::model::EntityKind::Firm).unwrap(), 600);
}
