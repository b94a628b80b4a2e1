//! Search as typed over a 100,000-firm demo database (cached under the target dir): the time of
//! the app's 企业 list query (`Store::firm_id_page`: the first page of 50 ids in rank order and
//! the total, plus the page's rows; checked against `Store::firm_ids`, every match ranked, whose
//! time is printed too) and of the CLI's `fudao firm search` (`Store::search_firms`) for 1-, 2-
//! and 3-character queries, pinyin initials and common fragments. Prints; never fails on time.
//!
//! Two passes: **cold**, the first queries after opening the database (every page they need is
//! read from the file, and decrypted in an encrypted store), and **warm**, queries taken from
//! other names once the search's indexes are in the page cache (as a session of searching
//! leaves them): only the page's rows and what lies outside those indexes are read. Each line
//! gives the pages read from the file a query; the last one what a page read costs.
//!
//! `FUDAO_BENCH_SEARCH_FIRMS` overrides the 100,000; `FUDAO_BENCH_PLAINTEXT=1` measures a
//! plaintext copy instead of the encrypted database (the cost of encryption);
//! `FUDAO_BENCH_SEARCH_CLASSES` (comma-separated labels) runs only some query classes.

mod common;

use common::{cpu, demo_db, ms, pages_read};
use fudao_core::model::Firm;
use fudao_store::list::FirmFilter;
use fudao_store::Store;
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("FUDAO_BENCH_SEARCH_FIRMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let s = demo_db(n);
    // `FUDAO_BENCH_SEARCH_CHECK=1`: also rank every match (`Store::firm_ids`, slow for broad
    // queries) and check that the page is its head.
    let check_all = std::env::var("FUDAO_BENCH_SEARCH_CHECK").is_ok_and(|v| v == "1");
    let only = std::env::var("FUDAO_BENCH_SEARCH_CLASSES").ok();
    let names: Vec<String> = s
        .list::<Firm>()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    let step = (n / 50).max(1);
    // Two disjoint sets of names to take queries from: the second one for the warm pass.
    let names_a: Vec<&str> = names.iter().step_by(step).map(String::as_str).collect();
    let names_b: Vec<&str> = names
        .iter()
        .skip(step / 2)
        .step_by(step)
        .map(String::as_str)
        .collect();
    println!("search over {n} firms (times in ms; target: list query < 20 ms)");
    println!(" cold: the first queries after opening the database");
    run_cases(&s, &cases_of(&names_a), only.as_deref(), check_all);
    // The search's indexes read once whole (the gram index, the covering index
    // `firm_search`, the firms' id index, the list's rows `firm_list`), then queries from
    // other names.
    let (p0, c) = (pages_read(&s), cpu());
    for sql in [
        "SELECT count(*) FROM firm_gram",
        "SELECT count(*) FROM firm INDEXED BY firm_search WHERE key >= 0",
        "SELECT count(*) FROM firm WHERE id >= ''",
        // The list's rows (migration 12), looked up by id as the id index was before.
        "SELECT count(*) FROM firm INDEXED BY firm_list WHERE deleted = 0 AND id >= ''",
    ] {
        s.connection()
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .unwrap();
    }
    println!(
        " warm: the search's indexes read first ({} pages, {:.0} ms CPU), then queries from other names",
        pages_read(&s) - p0,
        ms(cpu() - c)
    );
    run_cases(&s, &cases_of(&names_b), only.as_deref(), check_all);

    // What one page read from the file costs (plaintext: the system call and the page cache;
    // encrypted: also AES-256 and HMAC-SHA512 of the page): the visit table, which no search
    // touches, read once whole.
    let (p0, c) = (pages_read(&s), cpu());
    let bytes: i64 = s
        .connection()
        .query_row("SELECT sum(length(data)) FROM visit", [], |r| r.get(0))
        .unwrap();
    let (pages, spent) = (pages_read(&s) - p0, cpu() - c);
    println!(
        "  one page read from the file: {:.1} µs CPU ({pages} pages of the visit table, {:.0} MB of documents, read in {:.0} ms CPU)",
        spent.as_secs_f64() * 1e6 / pages.max(1) as f64,
        bytes as f64 / 1e6,
        ms(spent)
    );
}

/// The query classes, with queries taken from `names`.
fn cases_of(names: &[&str]) -> Vec<(&'static str, Vec<String>)> {
    let mut cases: Vec<(&str, Vec<String>)> = vec![
        ("1-char", vec![]),
        ("2-char", vec![]),
        ("3-char", vec![]),
        ("initials", vec![]),
        (
            "common",
            ["公司", "有限", "科技", "济南", "山东"]
                .map(String::from)
                .to_vec(),
        ),
    ];
    for name in names {
        let chars: Vec<char> = name.chars().collect();
        // A fragment starting with a digit is a USCC prefix: take one that does not.
        let k0 = chars.len().saturating_sub(8).max(1);
        let Some(k) = (k0..chars.len().saturating_sub(3)).find(|&k| !chars[k].is_ascii_digit())
        else {
            continue;
        };
        cases[0].1.push(chars[k..k + 1].iter().collect());
        cases[1].1.push(chars[k..k + 2].iter().collect());
        cases[2].1.push(chars[k..k + 3].iter().collect());
        let ini = fudao_core::text::pinyin_initials(name);
        cases[3].1.push(ini.chars().take(3).collect());
    }
    cases
}

/// Times every class's queries once and prints a line per class.
fn run_cases(
    s: &Store,
    cases: &[(&'static str, Vec<String>)],
    only: Option<&str>,
    check_all: bool,
) {
    for (label, queries) in cases {
        if only.is_some_and(|o| !o.split(',').any(|c| c == *label)) {
            continue;
        }
        let mut list = vec![];
        let mut list_cpu = vec![];
        let mut cli = vec![];
        let mut all_ids = vec![];
        let mut matches = 0usize;
        // Pages read from the file (each decrypted in an encrypted store): by the id page,
        // and by the page's rows.
        let (mut id_pages, mut row_pages) = (0u64, 0u64);
        for q in queries {
            let filter = FirmFilter {
                query: q.clone(),
                ..Default::default()
            };
            let p0 = pages_read(s);
            let (t, c) = (Instant::now(), cpu());
            let ids = s.firm_id_page(&filter, 0, 50).unwrap();
            let p1 = pages_read(s);
            let page = s.firm_rows(&ids.ids).unwrap();
            list.push(ms(t.elapsed()));
            list_cpu.push(ms(cpu() - c));
            id_pages += p1 - p0;
            row_pages += pages_read(s) - p1;
            assert!(!page.is_empty(), "no hit for {q}");
            matches += ids.total;
            if check_all {
                let t = Instant::now();
                let all = s.firm_ids(&filter).unwrap();
                all_ids.push(ms(t.elapsed()));
                assert_eq!(all.len(), ids.total);
                assert_eq!(all[..ids.ids.len()], ids.ids[..], "{q}");
            } else {
                all_ids.push(0.0);
            }
            let t = Instant::now();
            let hits = s.search_firms(q, 20).unwrap();
            cli.push(ms(t.elapsed()));
            assert!(!hits.is_empty(), "no hit for {q}");
        }
        let stat = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            let p = |x: f64| v[((v.len() as f64 - 1.0) * x).round() as usize];
            format!(
                "p50 {:7.2}  p95 {:7.2}  max {:7.2}",
                p(0.5),
                p(0.95),
                p(1.0)
            )
        };
        println!(
            "  {label:9} list (first page of 50 ids + total + rows): wall {}  cpu {}   cli search wall: {}   every id ranked wall: {}   ({} queries, {} matches avg; pages read from the file a query: {} for the ids, {} for the rows)",
            stat(&mut list),
            stat(&mut list_cpu),
            stat(&mut cli),
            stat(&mut all_ids),
            queries.len(),
            matches / queries.len(),
            id_pages / queries.len() as u64,
            row_pages / queries.len() as u64
        );
    }
}
