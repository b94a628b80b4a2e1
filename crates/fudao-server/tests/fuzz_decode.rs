//! Fuzzing the server's request decoding: byte-mutated push and pull bodies, sent over HTTP
//! to a real server (SQLite), must each get a 4xx or a 2xx answer — never a 5xx (a panic is
//! turned into a 500 by the server's catch-panic layer), never a dropped connection — and the
//! server keeps answering afterwards. The decoding functions are also driven directly.
//!
//! Cases per target: `FUDAO_FUZZ_CASES` (default 64, a few seconds; `make fuzz` runs many
//! more in release mode).

mod common;

use common::{Db, Env};
use fudao_core::model::EntityKind;
use fudao_sync::protocol::{
    Mutation, PullRequest, PushRequest, HEADER_PROTOCOL, HEADER_SCHEMA, PROTOCOL_VERSION,
    SCHEMA_VERSION,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use uuid::Uuid;

fn cases() -> u32 {
    std::env::var("FUDAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// The device the fuzzing session's token is bound to (0: the decoding-only test).
static DEVICE: std::sync::OnceLock<Uuid> = std::sync::OnceLock::new();
/// The next device sequence number, so that each valid push body holds new mutations.
static SEQ: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);

/// A valid push body: a new firm and a change to a need, the seeds every mutation starts from.
fn push_seed() -> Vec<u8> {
    let firm = Uuid::now_v7();
    let seq = SEQ.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
    serde_json::to_vec(&serde_json::json!({
        "device_id": DEVICE.get().copied().unwrap_or_else(Uuid::nil),
        "mutations": [
            {
                "mutation_id": Uuid::now_v7(),
                "device_seq": seq,
                "kind": "firm",
                "row_id": firm,
                "base_version": 0,
                "op": "put",
                "fields": {
                    "id": firm,
                    "uscc": "91370102MA3C5XK12B",
                    "name": "济南量子科技有限公司",
                    "financials": [{"year": 2024, "revenue": 12_000_000}],
                    "tags": ["高新区"]
                }
            },
            {
                "mutation_id": Uuid::now_v7(),
                "device_seq": seq + 1,
                "kind": "need",
                "row_id": Uuid::now_v7(),
                "base_version": 3,
                "op": "delete",
                "fields": {}
            }
        ]
    }))
    .unwrap()
}

fn pull_seed() -> Vec<u8> {
    br#"{"cursor":"{\"firm\":12,\"need\":0}","limit":500}"#.to_vec()
}

/// Byte-level edits of a seed: overwrite, insert, delete, and splices of JSON fragments that
/// tend to reach edge cases (huge numbers, wrong types, deep nesting, unicode escapes).
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Splice(usize, usize, &'static str),
}

const FRAGMENTS: &[&str] = &[
    "null",
    "-1",
    "1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "\"\"",
    "[]",
    "{}",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\"put\"",
    "\"delete\"",
    "\"firm\"",
    "\"plan\"",
    "\"user\"",
    "\"00000000-0000-0000-0000-000000000000\"",
    "true",
    "0.5",
    "{\"year\":99999}",
    "\"{\\\"firm\\\":-5}\"",
    "4294967295",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Edit::Delete(i, n)),
        (
            any::<usize>(),
            0usize..12,
            proptest::sample::select(FRAGMENTS)
        )
            .prop_map(|(i, n, f)| Edit::Splice(i, n, f)),
    ]
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        let len = b.len().max(1);
        match e {
            Edit::Set(i, v) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    b[i] = *v;
                }
            }
            Edit::Insert(i, v) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, v.iter().copied());
            }
            Edit::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            Edit::Splice(i, n, f) => {
                let i = i % (b.len() + 1);
                let end = (i + n).min(b.len());
                b.splice(i..end, f.bytes());
            }
        }
    }
    b
}

/// The decoding the server does before its logic: body → request, each mutation's canonical
/// form (its idempotency hash), the row shape check, the pull cursor.
fn decode_all(body: &[u8]) {
    if let Ok(req) = serde_json::from_slice::<PushRequest>(body) {
        for m in &req.mutations {
            let _ = m.canonical();
            let _ = fudao_server::logic::check_row(m.kind, m.row_id, &m.fields);
        }
    }
    let _ = serde_json::from_slice::<Mutation>(body);
    if let Ok(req) = serde_json::from_slice::<PullRequest>(body) {
        let _ = fudao_server::logic::decode_cursor(req.cursor.as_deref());
    }
    let _ = fudao_server::logic::decode_cursor(std::str::from_utf8(body).ok());
}

#[test]
fn decoding_never_panics() {
    let mut runner = TestRunner::new(Config {
        cases: cases() * 8,
        failure_persistence: None,
        ..Config::default()
    });
    let seeds = [push_seed(), pull_seed()];
    runner
        .run(
            &(0usize..2, proptest::collection::vec(edit(), 1..6)),
            |(s, edits)| {
                decode_all(&mutate(&seeds[s], &edits));
                Ok(())
            },
        )
        .unwrap();
    // Every entity kind's shape check handles arbitrary objects.
    for kind in [EntityKind::Firm, EntityKind::Need, EntityKind::Plan] {
        let junk = serde_json::json!({"id": 5, "name": [1], "financials": "x"});
        let serde_json::Value::Object(m) = junk else {
            unreachable!()
        };
        let _ = fudao_server::logic::check_row(kind, Uuid::nil(), &m);
    }
}

#[test]
fn mutated_push_and_pull_bodies_never_get_a_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (env, token) = rt.block_on(async {
        let env = Env::new(Db::sqlite()).await;
        let device = *DEVICE.get_or_init(Uuid::now_v7);
        let token = env
            .anon()
            .login("coach_a", common::PASSWORD, device)
            .await
            .unwrap()
            .token;
        (env, token)
    });
    let http = reqwest::Client::new();
    let send = |path: &str, body: Vec<u8>| {
        let req = http
            .post(format!("{}/v1/{path}", env.url))
            .bearer_auth(&token)
            .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
            .header(HEADER_SCHEMA, SCHEMA_VERSION.to_string())
            .header("content-type", "application/json")
            .body(body);
        rt.block_on(async { req.send().await.map(|r| r.status()) })
    };
    // The seeds themselves are accepted.
    let seed_status = send("push", push_seed()).unwrap();
    assert!(seed_status.is_success(), "push seed: {seed_status}");
    let seed_status = send("pull", pull_seed()).unwrap();
    assert!(seed_status.is_success(), "pull seed: {seed_status}");

    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(0usize..2, proptest::collection::vec(edit(), 1..6)),
            |(s, edits)| {
                // A fresh push seed each time, so that valid mutations are new ones.
                let (path, seed) = if s == 0 {
                    ("push", push_seed())
                } else {
                    ("pull", pull_seed())
                };
                let body = mutate(&seed, &edits);
                let status = send(path, body.clone()).map_err(|e| {
                    TestCaseError::fail(format!(
                        "no answer ({e}) to {path} body {:?}",
                        String::from_utf8_lossy(&body)
                    ))
                })?;
                prop_assert!(
                    !status.is_server_error(),
                    "{status} for {path} body {:?}",
                    String::from_utf8_lossy(&body)
                );
                Ok(())
            },
        )
        .unwrap();
    // Still serving.
    assert!(send("pull", pull_seed()).unwrap().is_success());
    drop(env);
}
