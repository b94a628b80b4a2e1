//! Writes the sample plan used by the tests to a PDF: `cargo run -p fudao-pdf --example sample -- OUT.pdf [NEEDS]`.
#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "plan.pdf".into());
    let needs = args.next().map_or(Ok(35), |n| n.parse())?;
    let bytes = fudao_pdf::render(&common::plan(needs))?;
    std::fs::write(&out, &bytes)?;
    println!("wrote {out} ({} bytes)", bytes.len());
    Ok(())
}
