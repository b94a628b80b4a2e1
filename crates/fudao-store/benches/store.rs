//! Foundation benchmarks (prints figures; no assertions on time):
//! - `demo --firms 10000` generation into a file database;
//! - end-to-end import of a 10,000-row .xlsx (parse + transactional upsert) into a fresh file;
//! - search latency (p50/p95/max) over 100,000 firms for 2-character Chinese queries, pinyin
//!   initials and USCC prefixes.
//!
//! Import and search run on a plaintext file and on an SQLCipher-encrypted one (the search
//! database is encrypted in place between the two rounds), to show what encryption costs.
//!
//! `FUDAO_BENCH_SEARCH_FIRMS` overrides the 100,000 (e.g. for a quick run; 0 skips the search).

use chrono::NaiveDate;
use fudao_core::model::Firm;
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::{DbKey, ImportOptions, Store};
use std::time::{Duration, Instant};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let l: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("(load average at start: {})", l.join(" "));
    }

    // demo --firms 10000
    let demo_path = dir.path().join("demo10k.db");
    let mut s = Store::open_with_key(&demo_path, &DbKey::test_key()).unwrap();
    let t = Instant::now();
    let sum = generate(
        &mut s,
        &DemoOptions {
            firms: 10_000,
            seed: 1,
            today: today(),
        },
    )
    .unwrap();
    println!(
        "demo --firms 10000: {:.2} s ({} firms, {} needs, {} visits, {} feedback)",
        t.elapsed().as_secs_f64(),
        sum.firms,
        sum.needs,
        sum.visits,
        sum.feedback
    );

    // Import of a 10,000-row .xlsx, end to end.
    let firms: Vec<Firm> = s.list().unwrap();
    let xlsx = dir.path().join("firms10k.xlsx");
    fudao_io::export::firms_xlsx(&xlsx, &firms).unwrap();
    let mut medians = vec![];
    for encrypted in [false, true] {
        let mut runs = vec![];
        let mut cpus = vec![];
        for i in 0..3 {
            let file = dir.path().join(format!("import{i}-{encrypted}.db"));
            let mut fresh = if encrypted {
                Store::open_with_key(&file, &DbKey::test_key()).unwrap()
            } else {
                Store::open_plaintext(&file).unwrap()
            };
            let c0 = cpu_time();
            let t = Instant::now();
            let sheet = fudao_io::import::read_firms(&xlsx, None).unwrap();
            let parsed = t.elapsed();
            let opts = ImportOptions {
                strict: false,
                dry_run: false,
                team_id: None,
                coach_id: None,
                today: today(),
            };
            let r = fresh
                .import_rows(&sheet.rows, sheet.errors.len(), &opts)
                .unwrap();
            let total = t.elapsed();
            let cpu = cpu_time().zip(c0).map(|(b, a)| b - a).unwrap_or_default();
            assert_eq!(r.created, 10_000, "{:?}", r.rejected.first());
            runs.push((total, parsed, r.timings));
            cpus.push(cpu);
        }
        runs.sort_by_key(|r| r.0);
        cpus.sort();
        let (total, parsed, tm) = runs[1];
        println!(
            "import 10,000-row .xlsx end to end ({}): {:.3} s median of 3 = parse {:.3} s + validate {:.3} s + write {:.3} s + commit {:.3} s (target <= 0.6 s)",
            if encrypted { "encrypted" } else { "plaintext" },
            total.as_secs_f64(),
            parsed.as_secs_f64(),
            tm.validate.as_secs_f64(),
            tm.write.as_secs_f64(),
            tm.commit.as_secs_f64(),
        );
        println!(
            "  the same on CPU (this thread, median of 3; stable on a busy machine): {:.3} s",
            cpus[1].as_secs_f64()
        );
        medians.push((total.as_secs_f64(), cpus[1].as_secs_f64()));
    }
    println!(
        "encryption cost, import: {:+.1} % wall, {:+.1} % CPU (target < 15 %)",
        (medians[1].0 / medians[0].0 - 1.0) * 100.0,
        (medians[1].1 / medians[0].1 - 1.0) * 100.0
    );
    openpyxl_anchor(&xlsx);
    drop(s);

    // Search over 100,000 firms.
    let n: usize = std::env::var("FUDAO_BENCH_SEARCH_FIRMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if n == 0 {
        return;
    }
    let path = dir.path().join("search.db");
    let mut s = Store::open_plaintext(&path).unwrap();
    let t = Instant::now();
    generate(
        &mut s,
        &DemoOptions {
            firms: n,
            seed: 2,
            today: today(),
        },
    )
    .unwrap();
    println!(
        "generated {n} firms for search in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let names: Vec<(String, String)> = s
        .list::<Firm>()
        .unwrap()
        .into_iter()
        .step_by((n / 200).max(1))
        .map(|f| (f.name, f.uscc))
        .collect();
    let mut cases: Vec<(&'static str, Vec<String>)> = vec![
        ("2-char Chinese", vec![]),
        ("pinyin initials", vec![]),
        ("USCC prefix", vec![]),
    ];
    for (name, uscc) in &names {
        let chars: Vec<char> = name.chars().collect();
        let k = chars.len().saturating_sub(8).max(1);
        cases[0].1.push(chars[k..k + 2].iter().collect());
        let ini = fudao_core::text::pinyin_initials(name);
        cases[1].1.push(ini.chars().take(4).collect());
        cases[2].1.push(uscc[..10].to_string());
    }
    let plain = search_round(&s, n, &cases, "plaintext");
    drop(s);
    let t = Instant::now();
    let s = Store::open_with_key(&path, &DbKey::test_key()).unwrap();
    println!(
        "encrypting the {n}-firm database in place: {:.1} s ({:.0} MB)",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6
    );
    let enc = search_round(&s, n, &cases, "encrypted");
    for ((label, p), (_, e)) in plain.iter().zip(&enc) {
        println!(
            "encryption cost, search {label}: p50 {:+.1} %, p95 {:+.1} % (target < 15 %)",
            (e.0 / p.0 - 1.0) * 100.0,
            (e.1 / p.1 - 1.0) * 100.0
        );
    }
}

/// CPU time of this thread so far (Linux `/proc/thread-self/schedstat`), so that figures stay
/// meaningful on a machine busy with other work.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// openpyxl merely reading the same file (`scripts/openpyxl-read.py`, median of 3): what
/// "import at the speed of parsing" is measured against. Skipped when python3 or openpyxl is
/// missing (`scripts/setup-bench.sh` installs it).
fn openpyxl_anchor(xlsx: &std::path::Path) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/openpyxl-read.py"
    );
    // The first Python that has openpyxl (a pyenv `python3` may shadow Debian's).
    let Some(python) = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!("openpyxl read of the same .xlsx: skipped (python3-openpyxl not installed; run scripts/setup-bench.sh)");
        return;
    };
    let mut secs = vec![];
    for _ in 0..3 {
        let out = std::process::Command::new(python)
            .arg(script)
            .arg(xlsx)
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                match text
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse::<f64>().ok())
                {
                    Some(s) => secs.push(s),
                    None => break,
                }
            }
            _ => break,
        }
    }
    if secs.len() < 3 {
        println!("openpyxl read of the same .xlsx: skipped (python3-openpyxl not installed; run scripts/setup-bench.sh)");
        return;
    }
    secs.sort_by(f64::total_cmp);
    println!(
        "openpyxl read of the same .xlsx (read-only, every value, in-process): {:.3} s median of 3",
        secs[1]
    );
}

/// Runs every query (twice: the first pass warms the page cache) and prints the latencies of
/// the second pass; returns `(label, (p50, p95))` in ms.
fn search_round(
    s: &Store,
    n: usize,
    cases: &[(&'static str, Vec<String>)],
    mode: &str,
) -> Vec<(&'static str, (f64, f64))> {
    let mut out = vec![];
    for (label, queries) in cases {
        for q in queries {
            s.search_firms(q, 20).unwrap();
        }
        let mut times = vec![];
        for q in queries {
            let t = Instant::now();
            let hits = s.search_firms(q, 20).unwrap();
            times.push(t.elapsed());
            assert!(!hits.is_empty(), "no hit for {q}");
        }
        times.sort();
        println!(
            "search {label} over {n} firms ({mode}): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} queries; target p95 <= 20 ms)",
            pct(&times, 0.5),
            pct(&times, 0.95),
            pct(&times, 1.0),
            times.len()
        );
        out.push((*label, (pct(&times, 0.5), pct(&times, 0.95))));
    }
    out
}
