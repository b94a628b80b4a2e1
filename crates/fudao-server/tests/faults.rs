//! Fault tests with real server processes: the server dies after committing a push but
//! before answering; the client's retry (to the restarted server) applies exactly once.
//! A client dies after pushing but before recording the answer; its next sync is a no-op
//! replay. Run against SQLite and PostgreSQL.

mod common;

use common::*;
use fudao_core::model::{EntityKind, Firm};
use fudao_server::Storage;
use fudao_store::Store;
use fudao_sync::client::{Client, Retry};
use fudao_sync::replica::LocalReplica;
use fudao_sync::*;
use std::time::Duration;
use uuid::Uuid;

/// Starts the real `fudao-server` binary and waits for its "listening on" line.
fn spawn_server(db: &str, listen: &str, failpoint: Option<&str>) -> process::Server {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_fudao-server"));
    let mut envs = vec![("RUST_LOG", "warn")];
    envs.extend(failpoint.map(|f| ("FUDAO_FAILPOINT", f)));
    process::Server::spawn(bin, db, listen, &[], &envs)
}

both!(
    server_killed_after_commit_retry_applies_once,
    client_killed_before_ack_replays_once
);

async fn audit_count(storage: &Storage) -> i64 {
    storage.run(|tx| tx.audit_count()).await.unwrap()
}

async fn server_killed_after_commit_retry_applies_once(db: Db) {
    let url = db.url();
    let storage = Storage::open(&url).await.unwrap();
    let (team_a, _) = seed(&storage).await;
    let first = spawn_server(&url, "127.0.0.1:0", Some("exit_after_push_commit:1"));
    let base = format!("http://{}", first.addr);
    let dir = tempfile::tempdir().unwrap();
    let mut store =
        Store::open_with_key(dir.path().join("coach.db"), &fudao_store::DbKey::test_key()).unwrap();
    let login = Client::new(&base)
        .unwrap()
        .login("coach_a", PASSWORD, store.device_id())
        .await
        .unwrap();
    let f = firm("断电测试企业", Some(team_a.id));
    store.put(&f).unwrap();
    let audits_before = audit_count(&storage).await;
    // Generous retries: the server is restarted on the same address while the client waits.
    let client = Client::new(&base)
        .unwrap()
        .with_token(login.token)
        .with_retry(Retry {
            attempts: 30,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
        });
    let listen = first.addr.clone();
    let url2 = url.clone();
    let restarter = std::thread::spawn(move || {
        let mut first = first;
        // The failpoint makes the first server exit right after its commit.
        let status = first.child.wait().unwrap();
        assert_eq!(status.code(), Some(75), "server exited via the failpoint");
        std::thread::sleep(Duration::from_millis(300));
        spawn_server(&url2, &listen, None)
    });
    let report = engine::sync(&client, &store, Default::default(), &mut |_| {})
        .await
        .unwrap();
    let _second = restarter.join().unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        report.duplicates, 1,
        "the retry was answered from the idempotency record"
    );
    assert_eq!(store.outbox_len().unwrap(), 0);
    let row = storage
        .run(move |tx| tx.get_row(EntityKind::Firm, f.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 1, "applied exactly once");
    let audits_after = audit_count(&storage).await;
    let fields = serde_json::to_value(&f).unwrap().as_object().unwrap().len() as i64;
    assert_eq!(
        audits_after - audits_before,
        fields,
        "one audit entry per field, once"
    );
    assert_eq!(store.get::<Firm>(f.id).unwrap().unwrap().name, f.name);
    assert_eq!(
        store.row_version(EntityKind::Firm, f.id).unwrap(),
        Some((1, false))
    );
}

async fn client_killed_before_ack_replays_once(db: Db) {
    let env = Env::new(db).await;
    let r = env.replica("coach_a").await;
    let mut store = r.store;
    let f = firm("客户端中断企业", None);
    store.put(&f).unwrap();
    let mut g = f.clone();
    g.staff = Some(12);
    store.put(&g).unwrap();
    // The client pushes, the server commits, then the client "dies" before acknowledging.
    let pending = store.pending(100).unwrap();
    let resp = r
        .client
        .push(&PushRequest {
            device_id: store.device_id(),
            mutations: pending.clone(),
        })
        .await
        .unwrap();
    assert!(resp
        .results
        .iter()
        .all(|o| !o.duplicate && o.result.is_accepted()));
    drop(store);
    // Restarted client: same database file, same outbox.
    let store = Store::open_with_key(&r.path, &fudao_store::DbKey::test_key()).unwrap();
    assert_eq!(store.outbox_len().unwrap(), 2);
    let report = engine::sync(&r.client, &store, Default::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!((report.pushed, report.duplicates), (2, 2));
    assert_eq!(store.outbox_len().unwrap(), 0);
    let row = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Firm, f.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 2);
    assert_eq!(row.data["staff"], serde_json::json!(12));
    assert_eq!(store.get::<Firm>(f.id).unwrap().unwrap().staff, Some(12));
    let _ = Uuid::nil();
}
