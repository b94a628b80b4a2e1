//! Shared by the store benchmarks: demo databases built once and cached under the target dir.

#![allow(dead_code)]

use chrono::NaiveDate;
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use std::path::PathBuf;
use std::time::Instant;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The cache directory: `$CARGO_TARGET_DIR/bench-cache`, else `<workspace>/target/bench-cache`.
pub fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("bench-cache")
}

/// Whether the benchmark runs on a plaintext database (`FUDAO_BENCH_PLAINTEXT=1`, the baseline
/// of the encryption's cost) rather than an SQLCipher-encrypted one (the default, as the app).
pub fn plaintext() -> bool {
    std::env::var("FUDAO_BENCH_PLAINTEXT").is_ok_and(|v| v == "1")
}

fn open(path: &std::path::Path) -> Store {
    if plaintext() {
        Store::open_plaintext(path).unwrap()
    } else {
        Store::open(path).unwrap()
    }
}

/// A demo database of `firms` firms (seed 2), generated on first use and reused afterwards
/// (delete the file to rebuild it); `-plain` in its name when [`plaintext`]. Opening it applies
/// any newer migration.
pub fn demo_db(firms: usize) -> Store {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let plain = if plaintext() { "-plain" } else { "" };
    let path = dir.join(format!("demo-{firms}-seed2{plain}.db"));
    println!(
        "database: {} ({})",
        path.display(),
        if plaintext() {
            "plaintext"
        } else {
            "encrypted"
        }
    );
    if !path.exists() {
        let tmp = dir.join(format!("demo-{firms}-seed2.db.building"));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        let t = Instant::now();
        {
            let mut s = open(&tmp);
            generate(
                &mut s,
                &DemoOptions {
                    firms,
                    seed: 2,
                    today: today(),
                },
            )
            .unwrap();
            s.connection()
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .unwrap();
        }
        std::fs::rename(&tmp, &path).unwrap();
        println!(
            "generated {firms} demo firms in {:.1} s (cached at {})",
            t.elapsed().as_secs_f64(),
            path.display()
        );
    }
    let t = Instant::now();
    let s = open(&path);
    println!("opened in {:.1} s", t.elapsed().as_secs_f64());
    s
}

pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time this thread has run so far (`CLOCK_THREAD_CPUTIME_ID`, nanosecond resolution).
/// On a loaded machine wall time mostly measures the wait for a core; CPU time is what the code
/// costs. (`/proc/thread-self/schedstat`, used before, is only brought up to date at the
/// scheduler's ticks: 4 ms steps, as large as a search.)
pub fn cpu() -> std::time::Duration {
    let ts = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// How many `read` system calls the process has made so far (`/proc/self/io`, `syscr`). SQLite
/// reads the database one page per call (no memory mapping), so on a single-threaded bench the
/// difference is the number of pages read from the file: page-cache misses, each decrypted and
/// its HMAC checked in an encrypted store.
pub fn pages_read(_s: &Store) -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("syscr:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}
