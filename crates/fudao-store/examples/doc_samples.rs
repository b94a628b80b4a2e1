//! Writes the documents of a synthetic demo store, one file each, as samples for training the
//! compression dictionaries of `src/codec.rs` (`scripts/train-doc-dicts.sh`).
//!
//! `cargo run --release -p fudao-store --example doc_samples -- OUT_DIR [FIRMS] [SEED]`

use chrono::NaiveDate;
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: doc_samples OUT_DIR [FIRMS] [SEED]")?,
    );
    let firms = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3_000);
    let seed = args.next().map(|a| a.parse()).transpose()?.unwrap_or(11);
    let mut store = Store::open_in_memory()?;
    let today = NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    generate(&mut store, &DemoOptions { firms, seed, today })?;
    for kind in fudao_store::codec::COMPRESSED_KINDS {
        let dir = out.join(kind.as_str());
        std::fs::create_dir_all(&dir)?;
        for (i, (_, _, _, doc)) in store.raw_rows(*kind)?.into_iter().enumerate() {
            std::fs::write(dir.join(format!("{i}.json")), serde_json::to_string(&doc)?)?;
        }
        println!(
            "{}: {} documents",
            kind.as_str(),
            std::fs::read_dir(&dir)?.count()
        );
    }
    Ok(())
}
