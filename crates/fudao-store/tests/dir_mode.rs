//! A database in a folder the user chose (FUDAO_DB) never changes that folder's mode: with
//! FUDAO_DB=/tmp/x.db, /tmp itself was made 0700 and broke every other user of /tmp.
//! One test in its own binary: it sets process environment variables.

#[cfg(unix)]
#[test]
fn a_user_chosen_folder_keeps_its_mode_and_a_new_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let shared = tempfile::tempdir().unwrap();
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let db = shared.path().join("coach.db");
    std::env::set_var("FUDAO_DB", &db);
    std::env::set_var("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX);
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_DATA_HOME", home.path());
    drop(fudao_store::Store::open(fudao_store::default_db_path()).unwrap());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(
        mode(shared.path()),
        0o1777,
        "the shared folder keeps its mode"
    );
    assert_eq!(mode(&db), 0o600, "the database itself is private");

    // A folder the store creates is private; so is Fudao's own data folder.
    let nested = shared.path().join("new/dir/coach.db");
    drop(fudao_store::Store::open(&nested).unwrap());
    assert_eq!(mode(nested.parent().unwrap()), 0o700);
    std::env::remove_var("FUDAO_DB");
    let own = fudao_store::own_data_dir();
    std::fs::create_dir_all(&own).unwrap();
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(fudao_store::Store::open(fudao_store::default_db_path()).unwrap());
    assert_eq!(mode(&own), 0o700);
}
