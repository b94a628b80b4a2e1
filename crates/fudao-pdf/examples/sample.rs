//! Writes the sample plan used by the tests as PDF (or as JSON if OUT ends in .json):
//! `cargo run -p fudao-pdf --example sample -- OUT.pdf [NEEDS]`.
#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "plan.pdf".into());
    let needs = args.next().map_or(Ok(35), |n| n.parse())?;
    let doc = common::plan(needs);
    if out.ends_with(".json") {
        std::fs::write(&out, serde_json::to_vec_pretty(&doc)?)?;
        println!("wrote {out}");
        return Ok(());
    }
    let bytes = fudao_pdf::render(&doc)?;
    std::fs::write(&out, &bytes)?;
    println!("wrote {out} ({} bytes)", bytes.len());
    Ok(())
}
