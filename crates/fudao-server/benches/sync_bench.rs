//! Sync benchmarks (print figures; `cargo bench -p fudao-server`).
//!
//! 1. Initial sync of one team (FIRMS firms + NEEDS needs + VISITS visits): time and bytes on
//!    the wire (counted by a TCP proxy between client and server), compared with inserting
//!    the same documents straight into SQLite (raw INSERT, and through the store's
//!    validated/audited write path).
//! 2. Incremental sync of 10 changes.
//! 3. Many simulated clients doing incremental syncs (push one change + pull) against one
//!    server: p50/p99 latency and errors, SQLite and PostgreSQL (PostgreSQL only when
//!    Debian's binaries are installed).
//!
//! Scale with FUDAO_BENCH_FIRMS / FUDAO_BENCH_CLIENTS (defaults 5000 / 2000).

use chrono::{NaiveDate, Utc};
use fudao_core::model::{
    EntityKind, FinancingKind, Firm, Need, NeedStatus, Role, Visit, VisitMode,
};
use fudao_server::logic::{self, Actor};
use fudao_server::{RunningServer, ServerConfig, Storage};
use fudao_store::Store;
use fudao_sync::client::Client;
use fudao_sync::engine::{self, SyncOptions};
use fudao_sync::*;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

fn env_num(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

/// Copies `from` to `to`, adding every chunk to `count` as it passes.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    count: Arc<AtomicU64>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count.fetch_add(n as u64, Ordering::Relaxed);
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// A TCP proxy that counts the bytes in both directions as they pass (TCP payload: HTTP
/// headers and bodies).
async fn counting_proxy(target: std::net::SocketAddr) -> (String, Arc<AtomicU64>, Arc<AtomicU64>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let up = Arc::new(AtomicU64::new(0));
    let down = Arc::new(AtomicU64::new(0));
    let (u, d) = (up.clone(), down.clone());
    tokio::spawn(async move {
        while let Ok((inbound, _)) = l.accept().await {
            let (u, d) = (u.clone(), d.clone());
            tokio::spawn(async move {
                let outbound = tokio::net::TcpStream::connect(target).await.unwrap();
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = outbound.into_split();
                tokio::join!(pump(ri, wo, u), pump(ro, wi, d));
            });
        }
    });
    (format!("http://{addr}"), up, down)
}

fn team_docs(
    team: Uuid,
    firms: usize,
    needs: usize,
    visits: usize,
) -> Vec<(EntityKind, Uuid, Value)> {
    let mut out = Vec::with_capacity(firms + needs + visits);
    let mut firm_ids = Vec::with_capacity(firms);
    for i in 0..firms {
        let body = format!("MB{:06}", i);
        let code = fudao_core::uscc::compose("91", "370102", &body).unwrap();
        let mut f = Firm::new(
            Uuid::now_v7(),
            &code,
            &format!("济南基准测试科技有限公司{i:05}"),
        );
        f.team_id = Some(team);
        f.district = Some("370102".into());
        f.staff = Some(20 + (i % 300) as u32);
        f.address = Some(format!("济南市历下区经十路{}号", i % 9999));
        f.notes = "企业主营新材料研发，2025年营业收入约3000万元，有首贷需求。".into();
        firm_ids.push(f.id);
        out.push((EntityKind::Firm, f.id, serde_json::to_value(&f).unwrap()));
    }
    for i in 0..needs {
        let firm_id = firm_ids[i % firms];
        let n = Need {
            id: Uuid::now_v7(),
            firm_id,
            team_id: Some(team),
            amount: 1_000_000 + (i as i64 % 50) * 100_000,
            purpose: "购置生产设备、补充流动资金".into(),
            term_months: Some(12),
            kind: FinancingKind::Loan,
            collateral: vec!["设备".into()],
            raised_on: NaiveDate::from_ymd_opt(2026, 1 + (i % 12) as u32, 1).unwrap(),
            ruling: None,
            status: NeedStatus::Matching,
            outcomes: vec![],
            met_by_coach: false,
            closed_on: None,
            unmet_reason: None,
        };
        out.push((EntityKind::Need, n.id, serde_json::to_value(&n).unwrap()));
    }
    for i in 0..visits {
        let v = Visit {
            id: Uuid::now_v7(),
            firm_id: firm_ids[i % firms],
            team_id: Some(team),
            date: NaiveDate::from_ymd_opt(2026, 1 + (i % 12) as u32, 10).unwrap(),
            coach_ids: vec![],
            mode: VisitMode::OnSite,
            notes: "实地走访，了解融资需求和经营情况，介绍科技成果转化贷等产品。".into(),
            findings: "现金流偏紧，应收账款较多。".into(),
            tasks: vec![],
        };
        out.push((EntityKind::Visit, v.id, serde_json::to_value(&v).unwrap()));
    }
    out
}

async fn seed_server(storage: &Storage, docs: &[(EntityKind, Uuid, Value)], team: Uuid) {
    let admin = Actor {
        user_id: Uuid::now_v7(),
        username: "bench".into(),
        role: Role::Admin,
        team_id: None,
    };
    let device = Uuid::now_v7();
    for chunk in docs.chunks(1000) {
        let muts: Vec<Mutation> = chunk
            .iter()
            .enumerate()
            .map(|(i, (k, id, v))| Mutation {
                mutation_id: Uuid::now_v7(),
                device_seq: i as i64,
                kind: *k,
                row_id: *id,
                team_id: Some(team),
                base_version: 0,
                op: Op::Put,
                fields: v.as_object().unwrap().clone(),
            })
            .collect();
        let a = admin.clone();
        storage
            .run(move |tx| logic::push(tx, &a, device, &muts, Utc::now()))
            .await
            .unwrap()
            .unwrap();
    }
}

async fn setup(url: &str) -> (Storage, Uuid) {
    let storage = Storage::open(url).await.unwrap();
    let hash = fudao_server::auth::hash_password("bench-password").unwrap();
    let team = storage
        .run(move |tx| {
            let t = logic::add_team(tx, "test", "基准辅导队", "", Utc::now()).map_err(err)?;
            logic::add_user(
                tx,
                "test",
                "lead",
                "lead",
                Some("基准辅导队"),
                Role::Lead,
                hash.clone(),
                Utc::now(),
            )
            .map_err(err)?;
            logic::add_user(
                tx,
                "test",
                "coach",
                "coach",
                Some("基准辅导队"),
                Role::Coach,
                hash.clone(),
                Utc::now(),
            )
            .map_err(err)?;
            Ok(t.id)
        })
        .await
        .unwrap();
    (storage, team)
}

fn err(e: logic::AdminError) -> fudao_server::StoreError {
    match e {
        logic::AdminError::Store(s) => s,
        o => panic!("{o}"),
    }
}

/// CPU time of the calling thread (Linux `/proc/thread-self/schedstat`, nanoseconds on CPU),
/// in seconds; 0 elsewhere. Robust to other processes competing for the cores.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// CPU time of the whole process (all threads: in the initial sync that is client and
/// server together), from `/proc/self/stat` (clock ticks of 10 ms).
fn process_cpu() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1;
            let f: Vec<&str> = after.split_whitespace().collect();
            Some((f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?) as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

/// The process's `read` and `write` system calls so far (`/proc/self/io`: `syscr`, `syscw`).
/// SQLite reads the database one page per call (no memory mapping) and a checkpoint reads
/// each WAL frame in one call; but it **writes a WAL frame in two calls** (its 24-byte header,
/// then the page) and a checkpoint's copy in one. So around a single-threaded apply the reads
/// are page-cache misses and checkpoint reads, and the writes are 2 × WAL frames + checkpoint
/// copies. Only a WAL frame is encrypted and HMAC'd (a checkpoint copies the encrypted frame
/// as it is; a page-cache miss is decrypted). (Until 2026-12-05 the docs read the writes as
/// frames, twice the real number: `docs/sync.md`.)
fn io_calls() -> (u64, u64) {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    let get = |k: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(k))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (get("syscr:"), get("syscw:"))
}

/// Best (minimum) wall time of `runs` runs of `f` — the machine is shared, so single runs
/// are noisy.
/// Every page of the caller's scope, from the start, 2,000 rows a page.
async fn pull_every_page(pc: &Client) -> Vec<PullResponse> {
    let mut pages: Vec<PullResponse> = Vec::new();
    loop {
        let p = pc
            .pull(&PullRequest {
                cursor: pages.last().map(|p| p.next_cursor.clone()),
                limit: 2000,
            })
            .await
            .unwrap();
        let more = p.more;
        pages.push(p);
        if !more {
            return pages;
        }
    }
}

fn best_of(runs: usize, mut f: impl FnMut(usize) -> (f64, f64)) -> (f64, f64) {
    (0..runs)
        .map(&mut f)
        .fold((f64::INFINITY, f64::INFINITY), |a, b| {
            (a.0.min(b.0), a.1.min(b.1))
        })
}

/// Inserts the documents with plain prepared INSERTs in one transaction into a fresh SQLite
/// file: either one generic table, or the client's own tables with their indexes (what a
/// replica must at least write, without audit entries or the search index).
fn raw_insert(
    path: &std::path::Path,
    docs: &[(EntityKind, Uuid, Value)],
    team: Uuid,
    client_schema: bool,
) -> (f64, f64) {
    let _ = std::fs::remove_file(path);
    if client_schema {
        drop(Store::open_with_key(path, &fudao_store::DbKey::test_key()).unwrap());
        // creates the schema
    }
    let c = if client_schema {
        fudao_store::open_connection(path, &fudao_store::DbKey::test_key()).unwrap()
    } else {
        rusqlite::Connection::open(path).unwrap()
    };
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "synchronous", "NORMAL").unwrap();
    if !client_schema {
        c.execute_batch("CREATE TABLE rows(kind TEXT, id TEXT PRIMARY KEY, team_id TEXT, data TEXT NOT NULL, version INTEGER)").unwrap();
    }
    let (t, cpu) = (Instant::now(), thread_cpu());
    let tx = c.unchecked_transaction().unwrap();
    {
        let mut generic = tx.prepare("INSERT INTO rows VALUES (?1, ?2, ?3, ?4, 1)");
        let mut firm = tx.prepare("INSERT INTO firm (id, team_id, data, version, uscc, name, district) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6)");
        let mut need = tx.prepare("INSERT INTO need (id, team_id, data, version, firm_id, status) VALUES (?1, ?2, ?3, 1, ?4, ?5)");
        let mut visit = tx.prepare("INSERT INTO visit (id, team_id, data, version, firm_id, date) VALUES (?1, ?2, ?3, 1, ?4, ?5)");
        let team = team.to_string();
        for (k, id, v) in docs {
            let s = |f: &str| v[f].as_str().map(str::to_string);
            let (id, data) = (id.to_string(), v.to_string());
            if !client_schema {
                generic
                    .as_mut()
                    .unwrap()
                    .execute(rusqlite::params![k.as_str(), id, team, data])
                    .unwrap();
                continue;
            }
            match k {
                EntityKind::Firm => firm.as_mut().unwrap().execute(rusqlite::params![
                    id,
                    team,
                    data,
                    s("uscc"),
                    s("name"),
                    s("district")
                ]),
                EntityKind::Need => need.as_mut().unwrap().execute(rusqlite::params![
                    id,
                    team,
                    data,
                    s("firm_id"),
                    s("status")
                ]),
                _ => visit.as_mut().unwrap().execute(rusqlite::params![
                    id,
                    team,
                    data,
                    s("firm_id"),
                    s("date")
                ]),
            }
            .unwrap();
        }
    }
    tx.commit().unwrap();
    (t.elapsed().as_secs_f64(), thread_cpu() - cpu)
}

async fn initial_and_incremental(firms: usize) {
    let needs = firms * 5;
    let visits = firms * 5;
    let runs = env_num("FUDAO_BENCH_RUNS", 3);
    let dir = tempfile::tempdir().unwrap();
    let (storage, team) = setup(&format!("sqlite:{}", dir.path().join("s.db").display())).await;
    let docs = team_docs(team, firms, needs, visits);
    let t = Instant::now();
    seed_server(&storage, &docs, team).await;
    println!(
        "seed server (push path, admin, 1000/batch): {} rows in {:.2}s",
        docs.len(),
        t.elapsed().as_secs_f64()
    );
    let server = RunningServer::start(storage.clone(), ServerConfig::default())
        .await
        .unwrap();
    let (proxy, up, down) = counting_proxy(server.addr).await;
    if let Ok(modes) = std::env::var("FUDAO_BENCH_APPLY_ONLY") {
        apply_only(&server.url(), &modes, runs, dir.path()).await;
        server.stop().await;
        return;
    }
    // Initial sync of a fresh device, `runs` times (each a new local database), with an
    // encrypted client store (as the app) and, alternating with it, a plaintext one: the whole
    // initial sync's cost of encryption at rest (server and wire are the same either way).
    let mut best_sync = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut plain_syncs = vec![];
    let mut plain_cpus = vec![];
    let mut enc_syncs = vec![];
    let mut enc_cpus = vec![];
    let mut last = None;
    for run in 0..runs {
        // Which mode goes first alternates: on this shared machine the second sync of a
        // pair ran after the first one's writes (writeback, fsyncs of the same file system).
        let order = if run % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for encrypted in order {
            let path = dir.path().join(format!("client{run}-{encrypted}.db"));
            let store = if encrypted {
                Store::open_with_key(path, &fudao_store::DbKey::test_key()).unwrap()
            } else {
                Store::open_plaintext(path).unwrap()
            };
            let login = Client::new(&proxy)
                .unwrap()
                .login("lead", "bench-password", store.device_id())
                .await
                .unwrap();
            let client = Client::new(&proxy).unwrap().with_token(login.token.clone());
            let (u0, d0) = (up.load(Ordering::Relaxed), down.load(Ordering::Relaxed));
            let (t, cpu) = (Instant::now(), process_cpu());
            let rep = engine::sync(
                &client,
                &store,
                SyncOptions {
                    push_batch: 500,
                    pull_limit: 2000,
                    // FUDAO_BENCH_PULL_BATCH=N: pulled pages per local transaction.
                    pull_batch_pages: env_num(
                        "FUDAO_BENCH_PULL_BATCH",
                        SyncOptions::default().pull_batch_pages,
                    ),
                    ..SyncOptions::default()
                },
                &mut |_| {},
            )
            .await
            .unwrap();
            let (wall, cpu) = (t.elapsed().as_secs_f64(), process_cpu() - cpu);
            if !encrypted {
                plain_syncs.push(wall);
                plain_cpus.push(cpu);
                continue;
            }
            enc_syncs.push(wall);
            enc_cpus.push(cpu);
            best_sync = best_sync.min(wall);
            best_cpu = best_cpu.min(cpu);
            let wire = (
                down.load(Ordering::Relaxed) - d0,
                up.load(Ordering::Relaxed) - u0,
            );
            last = Some((store, login, rep, wire));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (pw, pc, ew, ec) = (
        median(&mut plain_syncs),
        median(&mut plain_cpus),
        median(&mut enc_syncs),
        median(&mut enc_cpus),
    );
    println!(
        "encryption cost, initial sync ({firms} firms, whole sync, median of {runs}): plaintext client {pw:.2}s wall / {pc:.2}s CPU, encrypted client {ew:.2}s / {ec:.2}s: {:+.1} % wall, {:+.1} % CPU (target < 15 %; runs, wall: plaintext {} encrypted {}; CPU: plaintext {} encrypted {})",
        (ew / pw - 1.0) * 100.0,
        (ec / pc - 1.0) * 100.0,
        fmt(&plain_syncs),
        fmt(&enc_syncs),
        fmt(&plain_cpus),
        fmt(&enc_cpus),
    );
    let (store, login, rep, (down_b, up_b)) = last.unwrap();
    let sync_s = best_sync;
    let json_bytes: usize = docs.iter().map(|(_, _, v)| v.to_string().len()).sum();
    println!(
        "initial sync (best of {runs}): {} rows in {} pages, {:.2}s ({:.0} rows/s), CPU {best_cpu:.2}s client+server; wire: {:.2} MB down, {:.3} MB up (rows' JSON {:.1} MB; gzip)",
        rep.pulled,
        rep.pages,
        sync_s,
        rep.pulled as f64 / sync_s,
        down_b as f64 / 1e6,
        up_b as f64 / 1e6,
        json_bytes as f64 / 1e6,
    );
    // Where the time goes: fetch every page (server, wire, decompression, JSON decoding)
    // without applying, then apply them (the local transaction per page).
    let pc = Client::new(&server.url())
        .unwrap()
        .with_token(login.token.clone());
    let t = Instant::now();
    let pages = pull_every_page(&pc).await;
    let fetch_s = t.elapsed().as_secs_f64();
    // Applying alone, best of `runs` (each into a fresh database), encrypted (as the app) and
    // plaintext (the client-side cost of encryption at rest: the server and the wire are the
    // same either way), the two modes alternating and taking turns to go first.
    let apply = |encrypted: bool, i: usize| {
        let probe = if encrypted {
            Store::open_with_key(
                dir.path().join(format!("probe{i}.db")),
                &fudao_store::DbKey::test_key(),
            )
            .unwrap()
        } else {
            Store::open_plaintext(dir.path().join(format!("plain{i}.db"))).unwrap()
        };
        let (t, cpu) = (Instant::now(), thread_cpu());
        for p in &pages {
            fudao_sync::replica::LocalReplica::apply_page(&probe, p).unwrap();
        }
        (t.elapsed().as_secs_f64(), thread_cpu() - cpu)
    };
    let (mut enc_best, mut plain_best) = (
        (f64::INFINITY, f64::INFINITY),
        (f64::INFINITY, f64::INFINITY),
    );
    for i in 0..runs {
        let order = if i % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for encrypted in order {
            let (w, c) = apply(encrypted, i);
            let best = if encrypted {
                &mut enc_best
            } else {
                &mut plain_best
            };
            *best = (best.0.min(w), best.1.min(c));
        }
    }
    let ((apply_s, apply_cpu), (apply_plain_s, apply_plain_cpu)) = (enc_best, plain_best);
    println!(
        "  of which, measured one after the other: fetching all pages {fetch_s:.2}s (server, wire, decoding), applying them {apply_s:.2}s (CPU {apply_cpu:.2}s; best of {runs}); the sync overlaps the two"
    );
    println!(
        "  encryption cost, initial sync: applying the pages {apply_plain_s:.2}s plaintext vs {apply_s:.2}s encrypted ({:+.1} %; CPU {apply_plain_cpu:.2}s vs {apply_cpu:.2}s); on the whole initial sync {:+.1} % (target < 15 %)",
        (apply_s / apply_plain_s - 1.0) * 100.0,
        (apply_s - apply_plain_s) / (sync_s - (apply_s - apply_plain_s)) * 100.0
    );
    drop(pages);
    let (raw_s, raw_cpu) = best_of(runs, |i| {
        raw_insert(&dir.path().join(format!("raw{i}.db")), &docs, team, false)
    });
    let (schema_s, schema_cpu) = best_of(runs, |i| {
        raw_insert(&dir.path().join(format!("schema{i}.db")), &docs, team, true)
    });
    // The local store's own write path (validated, indexed, audited, outbox), once.
    let mut local =
        Store::open_with_key(dir.path().join("local.db"), &fudao_store::DbKey::test_key()).unwrap();
    let t = Instant::now();
    local
        .write(fudao_store::Source::Import, |w| {
            for (k, _, v) in &docs {
                match k {
                    EntityKind::Firm => {
                        w.put(&serde_json::from_value::<Firm>(v.clone()).unwrap())?
                    }
                    EntityKind::Need => {
                        w.put(&serde_json::from_value::<Need>(v.clone()).unwrap())?
                    }
                    _ => w.put(&serde_json::from_value::<Visit>(v.clone()).unwrap())?,
                };
            }
            Ok(())
        })
        .unwrap();
    let store_s = t.elapsed().as_secs_f64();
    println!(
        "bulk insert of the same rows in one transaction (best of {runs}): raw INSERT into one table {raw_s:.2}s (CPU {raw_cpu:.2}s); raw INSERT into the client's tables and indexes {schema_s:.2}s (CPU {schema_cpu:.2}s); store's validated write path {store_s:.2}s"
    );
    println!(
        "  => initial sync (wall) is {:.1}x the one-table insert, {:.1}x the client-schema insert, {:.1}x the store write path (target <= 3x); client apply CPU is {:.1}x the client-schema insert CPU",
        sync_s / raw_s,
        sync_s / schema_s,
        sync_s / store_s,
        apply_cpu / schema_cpu
    );

    // Incremental sync of 10 changes made on another device.
    let other =
        Store::open_with_key(dir.path().join("other.db"), &fudao_store::DbKey::test_key()).unwrap();
    let login2 = Client::new(&server.url())
        .unwrap()
        .login("coach", "bench-password", other.device_id())
        .await
        .unwrap();
    let c2 = Client::new(&server.url()).unwrap().with_token(login2.token);
    let mut other = other;
    engine::sync(&c2, &other, SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    let firms_list: Vec<Firm> = other.list().unwrap();
    for f in firms_list.iter().take(10) {
        let mut g = f.clone();
        g.staff = Some(g.staff.unwrap_or(0) + 1);
        other.put(&g).unwrap();
    }
    let t = Instant::now();
    let r = engine::sync(&c2, &other, SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    let push_s = t.elapsed().as_secs_f64();
    let c1 = Client::new(&server.url()).unwrap().with_token(login.token);
    let t = Instant::now();
    let r2 = engine::sync(&c1, &store, SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    println!(
        "incremental sync: pushing 10 changes (+pull) {:.1} ms [{} pushed]; receiving them on another device {:.1} ms [{} pulled]",
        push_s * 1e3,
        r.pushed,
        t.elapsed().as_secs_f64() * 1e3,
        r2.pulled
    );
    server.stop().await;
}

/// `FUDAO_BENCH_APPLY_ONLY=plain,enc` (either or both, in that order): only the client's
/// apply of the initial sync's pages (fetched first), `runs` times per mode, each into a fresh
/// store, with its CPU time and read and write calls (see [`io_calls`]); for profiling one mode
/// at a time.
/// `FUDAO_BENCH_APPLY_BATCH=N` applies N pages per transaction (default: the engine's
/// `pull_batch_pages`; 1 = page by page, as before 2026-12-03 late).
async fn apply_only(url: &str, modes: &str, runs: usize, dir: &std::path::Path) {
    let probe = Store::open_plaintext(dir.join("login.db")).unwrap();
    let login = Client::new(url)
        .unwrap()
        .login("lead", "bench-password", probe.device_id())
        .await
        .unwrap();
    let pc = Client::new(url).unwrap().with_token(login.token);
    let pages = pull_every_page(&pc).await;
    // Pages per transaction, as the sync engine applies them (1: each page on its own).
    let batch = env_num(
        "FUDAO_BENCH_APPLY_BATCH",
        SyncOptions::default().pull_batch_pages,
    )
    .max(1);
    println!("apply only: {batch} pulled page(s) per transaction");
    for (m, mode) in modes.split(',').enumerate() {
        for i in 0..runs {
            let path = dir.join(format!("apply-{m}-{mode}-{i}.db"));
            let store = match mode {
                "enc" => Store::open_with_key(&path, &fudao_store::DbKey::test_key()).unwrap(),
                _ => Store::open_plaintext(&path).unwrap(),
            };
            let (t, cpu, io) = (Instant::now(), thread_cpu(), io_calls());
            for b in pages.chunks(batch) {
                fudao_sync::replica::LocalReplica::apply_pages(&store, b).unwrap();
            }
            let (wall, cpu, io2) = (t.elapsed().as_secs_f64(), thread_cpu() - cpu, io_calls());
            // The store's pages at the end: what an initial sync must encrypt at the least.
            let file_pages: i64 = store
                .connection()
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .unwrap();
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
                + std::fs::metadata(format!("{}-wal", path.display()))
                    .map(|m| m.len())
                    .unwrap_or(0);
            println!(
                "apply only, {mode}: {} pages, {wall:.2}s wall, {cpu:.2}s CPU, {} read calls, {} write calls (2 a WAL frame, 1 a checkpoint copy): ≈ {} WAL frames (each encrypted in an encrypted store) for {file_pages} database pages at the end, file + WAL {:.1} MB",
                pages.len(),
                io2.0 - io.0,
                io2.1 - io.1,
                // With the page cache holding the store, every read is a checkpoint's, and
                // each checkpoint read is one copy written (checked against a WAL dump: 31,457
                // estimated, 31,507 frames in the WAL, 2026-12-05).
                (io2.1 - io.1).saturating_sub(io2.0 - io.0) / 2,
                size as f64 / 1e6
            );
            // `FUDAO_BENCH_KEEP=DIR`: keep each applied store there (to look inside it).
            if let Ok(keep) = std::env::var("FUDAO_BENCH_KEEP") {
                drop(store);
                let to = std::path::Path::new(&keep).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
}

/// Teams of the many-clients benchmark (a city's districts); every team has a coach login
/// shared by its simulated devices and 100 firms.
const TEAMS: usize = 20;

async fn many_clients(label: &str, url: &str, clients: usize, concurrency: usize) {
    let (storage, first_team) = setup(url).await;
    let hash = fudao_server::auth::hash_password("bench-password").unwrap();
    let mut teams = vec![(first_team, "coach".to_string())];
    for t in 1..TEAMS {
        let h = hash.clone();
        let team = storage
            .run(move |tx| {
                let name = format!("基准辅导队{t:02}");
                let team = logic::add_team(tx, "test", &name, "", Utc::now()).map_err(err)?;
                logic::add_user(
                    tx,
                    "test",
                    &format!("coach{t:02}"),
                    "coach",
                    Some(&name),
                    Role::Coach,
                    h.clone(),
                    Utc::now(),
                )
                .map_err(err)?;
                Ok(team.id)
            })
            .await
            .unwrap();
        teams.push((team, format!("coach{t:02}")));
    }
    let server = RunningServer::start(storage.clone(), ServerConfig::default())
        .await
        .unwrap();
    let base = server.url();
    // Per team: 100 firms on the server, a token, and the head cursor (every simulated device
    // starts as an up-to-date replica of its team).
    let mut per_team = Vec::new();
    for (team, user) in &teams {
        let docs = team_docs(*team, 100, 0, 0);
        seed_server(&storage, &docs, *team).await;
        let token = Client::new(&base)
            .unwrap()
            .login(user, "bench-password", Uuid::now_v7())
            .await
            .unwrap()
            .token;
        let pc = Client::new(&base).unwrap().with_token(token.clone());
        let cursor = pull_every_page(&pc).await.pop().unwrap().next_cursor;
        let ids: Vec<Uuid> = docs.iter().map(|d| d.1).collect();
        per_team.push((token, cursor, ids));
    }
    let per_team = Arc::new(per_team);
    // Every simulated device logs in once (a token is bound to its device), timed apart.
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let login_lat = Arc::new(std::sync::Mutex::new(Vec::with_capacity(clients)));
    let t_login = Instant::now();
    let mut logins = Vec::new();
    for i in 0..clients {
        let permit = sem.clone().acquire_owned().await.unwrap();
        let user = teams[i % TEAMS].1.clone();
        let (base, lat) = (base.clone(), login_lat.clone());
        logins.push(tokio::spawn(async move {
            let _p = permit;
            let device = Uuid::now_v7();
            let start = Instant::now();
            // Each device logs in from its own loopback address, as devices in the field come
            // from many addresses: from one address, the login limiter's per-address budget
            // (which counts an attempt before its password is checked) would refuse most of
            // 2,000 concurrent logins.
            let from = std::net::IpAddr::V4(std::net::Ipv4Addr::new(
                127,
                1,
                (i / 256 % 256) as u8,
                (i % 256) as u8,
            ));
            let http = reqwest::Client::builder()
                .local_address(from)
                .build()
                .unwrap();
            let resp = http
                .post(format!("{base}/v1/login"))
                .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
                .header(HEADER_SCHEMA, SCHEMA_VERSION.to_string())
                .json(&LoginRequest {
                    username: user.clone(),
                    password: "bench-password".into(),
                    device_id: device,
                })
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "login {i}: {}", resp.status());
            let token = resp.json::<LoginResponse>().await.unwrap().token;
            lat.lock().unwrap().push(start.elapsed());
            (device, token)
        }));
    }
    let mut sessions = Vec::with_capacity(clients);
    for l in logins {
        sessions.push(l.await.unwrap());
    }
    let login_total = t_login.elapsed().as_secs_f64();
    {
        let mut l = login_lat.lock().unwrap().clone();
        l.sort();
        let pct = |p: f64| {
            l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
                .map(|d| d.as_secs_f64() * 1e3)
                .unwrap_or(f64::NAN)
        };
        println!(
            "{label}: {clients} logins (one per simulated device, concurrency {concurrency}): p50 {:.1} ms, p99 {:.1} ms, {:.0} logins/s",
            pct(0.5),
            pct(0.99),
            clients as f64 / login_total
        );
    }
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(clients)));
    let errors = Arc::new(AtomicU64::new(0));
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let permit = sem.clone().acquire_owned().await.unwrap();
        let (_, head, ids) = per_team[i % TEAMS].clone();
        let (device, token) = sessions[i].clone();
        let client = Client::new(&base).unwrap().with_token(token);
        let (lat, errs) = (latencies.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let _p = permit;
            let start = Instant::now();
            // Each client records one new visit (the common field action) and pulls.
            let visit = Visit {
                id: Uuid::now_v7(),
                firm_id: ids[(i / TEAMS) % ids.len()],
                team_id: None,
                date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                coach_ids: vec![],
                mode: VisitMode::Phone,
                notes: format!("客户端{i}电话回访"),
                findings: String::new(),
                tasks: vec![],
            };
            let m = Mutation {
                mutation_id: Uuid::now_v7(),
                device_seq: 1,
                kind: EntityKind::Visit,
                row_id: visit.id,
                team_id: None,
                base_version: 0,
                op: Op::Put,
                fields: serde_json::to_value(&visit)
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .clone(),
            };
            let ok = client
                .push(&PushRequest {
                    device_id: device,
                    mutations: vec![m],
                })
                .await
                .is_ok()
                && client
                    .pull(&PullRequest {
                        cursor: Some(head),
                        limit: 500,
                    })
                    .await
                    .is_ok();
            if ok {
                lat.lock().unwrap().push(start.elapsed());
            } else {
                errs.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let total = t.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let pct = |p: f64| {
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1e3)
            .unwrap_or(f64::NAN)
    };
    println!(
        "{label}: {clients} simulated clients in {TEAMS} teams (concurrency {concurrency}), each push 1 new visit + pull its team's changes: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, errors {}, {:.0} syncs/s",
        pct(0.50),
        pct(0.99),
        pct(1.0),
        errors.load(Ordering::Relaxed),
        clients as f64 / total
    );
    server.stop().await;
}

#[path = "../tests/common/pg.rs"]
mod pg;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let firms = env_num("FUDAO_BENCH_FIRMS", 5000);
    let clients = env_num("FUDAO_BENCH_CLIENTS", 2000);
    rt.block_on(async {
        println!(
            "== fudao sync benchmarks (firms {firms}, needs {}, visits {}) ==",
            firms * 5,
            firms * 5
        );
        initial_and_incremental(firms).await;
        if clients == 0 {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        many_clients(
            "sqlite",
            &format!("sqlite:{}", dir.path().join("m.db").display()),
            clients,
            64,
        )
        .await;
        match pg::PgCluster::shared() {
            Some(c) => {
                let url = c.new_database();
                many_clients("postgres", &url, clients, 64).await;
            }
            None => println!("postgres: skipped (no PostgreSQL binaries)"),
        }
    });
}
