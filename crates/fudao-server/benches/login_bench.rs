//! Login under attack: 200 concurrent password guesses against a real `fudao-server serve`
//! process (SQLite), each from its own address (127.0.x.y, so the per-address budget does
//! not stop them: the worst case for the server), then the real user logs in from another
//! address. Prints the server's peak memory (VmHWM), its thread count, how many guesses had
//! their password checked, and the real user's login time. `FUDAO_BENCH_GUESSES` scales.

use fudao_core::model::Role;
use fudao_server::{logic, Storage};
use fudao_sync::{LoginRequest, HEADER_PROTOCOL, HEADER_SCHEMA};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

fn status_field(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn login(url: &str, from: std::net::IpAddr, user: &str, password: &str) -> u16 {
    let http = reqwest::Client::builder()
        .local_address(from)
        .build()
        .unwrap();
    http.post(format!("{url}/v1/login"))
        .header(HEADER_PROTOCOL, "1")
        .header(HEADER_SCHEMA, "1")
        .json(&LoginRequest {
            username: user.into(),
            password: password.into(),
            device_id: Uuid::now_v7(),
        })
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

fn main() {
    let guesses: usize = std::env::var("FUDAO_BENCH_GUESSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("login.db").display());
        let storage = Storage::open(&url).await.unwrap();
        let hash = fudao_server::auth::hash_password("the-real-password").unwrap();
        storage
            .run(move |tx| {
                let now = chrono::Utc::now();
                let e = |e: logic::AdminError| match e {
                    logic::AdminError::Store(s) => s,
                    o => panic!("{o}"),
                };
                logic::add_team(tx, "bench", "基准辅导队", "", now).map_err(e)?;
                logic::add_user(
                    tx,
                    "bench",
                    "wang",
                    "王",
                    Some("基准辅导队"),
                    Role::Coach,
                    hash.clone(),
                    now,
                )
                .map_err(e)?;
                Ok(())
            })
            .await
            .unwrap();
        drop(storage);
        let mut child = Command::new(env!("CARGO_BIN_EXE_fudao-server"))
            .args(["--db", &url, "serve", "--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = format!(
            "http://{}",
            line.split("http://").nth(1).unwrap().split_whitespace().next().unwrap()
        );
        let pid = child.id();
        let idle_kb = status_field(pid, "VmHWM:");
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..guesses {
            let base = base.clone();
            let from: std::net::IpAddr = format!("127.0.{}.{}", 1 + i / 250, 1 + i % 250)
                .parse()
                .unwrap();
            tasks.push(tokio::spawn(async move {
                login(&base, from, "wang", "a-wrong-guess").await
            }));
        }
        let mut peak_threads = 0;
        let mut statuses = Vec::new();
        for t in tasks {
            peak_threads = peak_threads.max(status_field(pid, "Threads:"));
            statuses.push(t.await.unwrap());
        }
        let took = t0.elapsed();
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let limited = statuses.iter().filter(|s| **s == 429).count();
        let busy = statuses.iter().filter(|s| **s == 503).count();
        let t1 = Instant::now();
        let real = login(&base, "127.0.0.250".parse().unwrap(), "wang", "the-real-password").await;
        let real_took = t1.elapsed();
        let peak_kb = status_field(pid, "VmHWM:");
        let _ = child.kill();
        let _ = child.wait();
        println!(
            "login under attack: {guesses} concurrent guesses from {guesses} addresses answered in {:.2} s ({checked} passwords checked, {limited} rate-limited, {busy} busy); server peak memory {:.0} MB (idle {:.0} MB), up to {peak_threads} threads; the real user's login afterwards: status {real} in {:.0} ms",
            took.as_secs_f64(),
            peak_kb as f64 / 1024.0,
            idle_kb as f64 / 1024.0,
            real_took.as_secs_f64() * 1e3,
        );
        assert!(real_took < Duration::from_secs(60));
    });
}
