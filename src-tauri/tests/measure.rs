//! Figures for the targets, printed (not asserted): cold start to first data, memory
//! (PSS summed over the app's processes) with 10,000 firms, search latency as typed in the UI.
//! Run through `scripts/app-measure.sh` (Xvfb, ideally with the release binary in
//! `FUDAO_APP_BIN`).

mod common;

use common::{app_path, launch};
use fantoccini::Locator;
use std::path::Path;
use std::time::{Duration, Instant};

/// Demo firms seeded; `FUDAO_MEASURE_FIRMS` overrides (e.g. 100000 for the list at scale).
fn firms() -> usize {
    std::env::var("FUDAO_MEASURE_FIRMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// PSS in kB of one process, from /proc/<pid>/smaps_rollup.
fn pss_kb(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// (pid, name) of every process whose executable name starts with one of `names`.
fn processes(names: &[&str]) -> Vec<(u32, String)> {
    let mut out = vec![];
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let comm = comm.trim().to_string();
        if names.iter().any(|n| comm.starts_with(n)) {
            out.push((pid, comm));
        }
    }
    out
}

fn seed(db: &Path) -> Duration {
    let t = Instant::now();
    let mut s = common::open_store(db);
    fudao_store::demo::generate(
        &mut s,
        &fudao_store::demo::DemoOptions {
            firms: firms(),
            seed: 3,
            today: chrono::Local::now().date_naive(),
        },
    )
    .unwrap();
    t.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "prints performance figures of the real app: run scripts/app-measure.sh"]
async fn measure_app() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("fudao.db");
    let took = seed(&db);
    let n = firms();
    println!("seeded {n} demo firms in {:.1} s", took.as_secs_f64());

    let t0 = Instant::now();
    let (driver, ui) = launch(&app_path(), &db, tmp.path()).await;
    let session = t0.elapsed();
    // First data: the firm count on the home screen.
    loop {
        let t = ui.text_of("stat-firms").await;
        if t.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "no data after 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first_data = t0.elapsed();
    println!(
        "cold start: window + WebDriver session {:.2} s, first data (firm count) {:.2} s",
        session.as_secs_f64(),
        first_data.as_secs_f64()
    );
    // Let the home KPIs load too, then settle.
    ui.wait_text("辅导企业数").await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    // The firm list: every firm, in pages; time to the first page and to a page scrolled to
    // the middle of the list.
    let t = Instant::now();
    ui.click("nav-firms").await;
    ui.wait_text_of("firm-count", "共").await;
    ui.by_id("firm-row").await;
    println!(
        "firm list: first page of {n} firms drawn in {} ms",
        t.elapsed().as_millis()
    );
    for target in [n / 2, n - 5] {
        let t = Instant::now();
        ui.c.execute(
            &format!(
                "document.querySelector(\"[data-testid='firm-rows']\").scrollTop = 40 * {target};"
            ),
            vec![],
        )
        .await
        .unwrap();
        let sel = format!("[data-testid='firm-row'][data-index='{target}']");
        ui.c.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&sel))
            .await
            .unwrap();
        println!(
            "firm list: scrolled to row {target}, its page drawn in {} ms (WebDriver round trips included)",
            t.elapsed().as_millis()
        );
    }

    // Search latency as typed: from the keystrokes to the result count for that query.
    for q in ["科技", "jn", "jnlz", "9137"] {
        ui.type_into("firm-search", "").await;
        let input = ui.input("firm-search").await;
        let t = Instant::now();
        input.send_keys(q).await.unwrap();
        let sel = format!("[data-testid='firm-count'][data-query='{q}']");
        let el =
            ui.c.wait()
                .at_most(Duration::from_secs(20))
                .every(Duration::from_millis(5))
                .for_element(Locator::Css(&sel))
                .await
                .unwrap();
        let ms = t.elapsed().as_millis();
        let count = el.text().await.unwrap_or_default();
        let rows =
            ui.c.find_all(Locator::Css("[data-testid='firm-row']"))
                .await
                .unwrap()
                .len();
        println!(
            "search {q:>6}: {ms:>4} ms to results ({count}; {rows} rows in the DOM; includes the 80 ms debounce and WebDriver polling)"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let procs = processes(&["fudao-app", "WebKitWebProces", "WebKitNetworkPr"]);
    let mut total = 0;
    for (pid, name) in &procs {
        let kb = pss_kb(*pid);
        total += kb;
        println!(
            "PSS {name:<16} pid {pid:>7}: {:>6.1} MB",
            kb as f64 / 1024.0
        );
    }
    println!(
        "PSS total over {} processes with {n} firms: {:.1} MB",
        procs.len(),
        total as f64 / 1024.0
    );
    assert!(
        procs.iter().any(|(_, n)| n.starts_with("fudao-app")),
        "app process not found"
    );

    ui.c.close().await.unwrap();
    drop(driver);
}
