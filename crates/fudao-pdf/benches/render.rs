//! Rendering benchmark (harness = false; prints figures).
//!
//! `cargo bench -p fudao-pdf` renders a representative 4-page 一企一策 plan and prints:
//! cold time (font parse + first document), warm time per document (median of 60), a batch of
//! 1,000 documents on all cores, and the file size. It also writes the plan as JSON and PDF to
//! `target/fudao-pdf-bench/` so that `crates/fudao-pdf/bench/compare.sh` can render the same
//! content with Typst and LibreOffice.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fudao_pdf::Renderer;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Number of page objects in a PDF (`/Type /Page` without the `s`).
fn page_count(pdf: &[u8]) -> usize {
    let pat = b"/Type/Page";
    let alt = b"/Type /Page";
    let count = |p: &[u8]| {
        pdf.windows(p.len() + 1)
            .filter(|w| &w[..p.len()] == p && !w[p.len()].is_ascii_alphanumeric())
            .count()
    };
    count(pat) + count(alt)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let doc = common::plan(8);

    let t0 = Instant::now();
    let renderer = Renderer::new().expect("fonts");
    let parse = t0.elapsed();
    let t1 = Instant::now();
    let first = renderer.render(&doc).expect("render");
    let first_doc = t1.elapsed();

    let mut times: Vec<Duration> = (0..60)
        .map(|_| {
            let t = Instant::now();
            let bytes = renderer.render(&doc).expect("render");
            std::hint::black_box(bytes);
            t.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = 1000;
    let next = AtomicUsize::new(0);
    let bytes_total = AtomicUsize::new(0);
    let tb = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    let b = renderer.render(&doc).expect("render");
                    bytes_total.fetch_add(b.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let batch = tb.elapsed();

    let out_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fudao-pdf-bench");
    std::fs::create_dir_all(&out_dir).expect("bench output dir");
    std::fs::write(out_dir.join("plan.pdf"), &first).expect("write pdf");
    std::fs::write(
        out_dir.join("plan.json"),
        serde_json::to_vec_pretty(&doc).expect("json"),
    )
    .expect("write json");

    println!("fudao-pdf render benchmark (pdf-writer, WenQuanYi Micro Hei, faux bold, subset)");
    println!(
        "  document:            {} pages, {} blocks",
        page_count(&first),
        doc.blocks.len()
    );
    println!(
        "  file size:           {:.1} KB",
        first.len() as f64 / 1024.0
    );
    println!("  cold: font parse     {:8.2} ms", ms(parse));
    println!("  cold: first document {:8.2} ms", ms(first_doc));
    println!("  cold: total          {:8.2} ms", ms(parse + first_doc));
    println!(
        "  warm per document    {:8.2} ms median, {:.2} ms min, {:.2} ms p90 (60 runs)",
        ms(median),
        ms(times[0]),
        ms(p90)
    );
    println!(
        "  batch of {n} on {threads} threads: {:.2} s ({:.2} ms/document, {:.0} documents/s, {:.1} MB written)",
        batch.as_secs_f64(),
        ms(batch) / n as f64,
        n as f64 / batch.as_secs_f64(),
        bytes_total.load(Ordering::Relaxed) as f64 / 1e6
    );
    println!(
        "  targets: ≤ 10 ms warm [{}], ≤ 100 KB [{}], 1,000 in ≤ 10 s on 2 cores [{}]",
        if ms(median) <= 10.0 { "met" } else { "MISSED" },
        if first.len() <= 100 * 1024 {
            "met"
        } else {
            "MISSED"
        },
        if batch.as_secs_f64() <= 10.0 {
            "met"
        } else {
            "MISSED"
        },
    );
    println!("  wrote {}", out_dir.join("plan.{pdf,json}").display());
    // Machine-readable line for compare.sh.
    println!(
        "FUDAO_PDF_RESULT warm_ms={:.3} cold_ms={:.3} batch_s={:.3} bytes={}",
        ms(median),
        ms(parse + first_doc),
        batch.as_secs_f64(),
        first.len()
    );
}
