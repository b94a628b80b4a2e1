//! The feedback code of a printed plan (issue 14): the QR code drawn on the sign-off page
//! decodes (zbarimg on a pdftoppm image) to the link, and the cover carries the link in small
//! type. Skipped, with a message, when poppler-utils or zbar-tools are not installed.

mod common;

use fudao_pdf::Renderer;
use std::process::Command;

const URL: &str = "https://fk.example.cn/f/k3q7x2m5n8p4r6t9v2w5y7z3ab";

fn tool(name: &str) -> bool {
    match Command::new(name).arg("--version").output() {
        Ok(_) => true,
        Err(_) => {
            eprintln!("SKIPPED: `{name}` is not installed (run scripts/setup-debian.sh)");
            false
        }
    }
}

/// Decodes every QR code on each page of `pdf` rendered at `dpi`: (page, text).
fn decode_pages(pdf: &std::path::Path, dpi: u32) -> Vec<(usize, String)> {
    let dir = pdf.parent().unwrap();
    let prefix = dir.join(format!("page{dpi}"));
    let o = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut pngs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("page{dpi}"))
        })
        .collect();
    pngs.sort();
    let mut found = Vec::new();
    for (i, png) in pngs.iter().enumerate() {
        let o = Command::new("zbarimg")
            .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
            .arg(png)
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            if !line.trim().is_empty() {
                found.push((i + 1, line.trim().to_string()));
            }
        }
    }
    found
}

#[test]
fn the_sign_off_page_carries_a_scannable_code_and_the_cover_the_link() {
    let mut doc = common::plan(8);
    doc.add_feedback_code(URL);
    let r = Renderer::new().unwrap();
    let bytes = r.render(&doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("plan.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    if !tool("pdftoppm") || !tool("zbarimg") {
        return;
    }
    let pages = r.paginate(&doc).unwrap();
    let sign_page = pages
        .iter()
        .position(|p| p.iter().any(|x| matches!(x, fudao_pdf::Placed::SignOff)))
        .unwrap()
        + 1;
    // At print resolution and at a coarse 100 dpi (a phone camera sees less than a scanner).
    for dpi in [150, 100] {
        let found = decode_pages(&pdf, dpi);
        assert_eq!(found, vec![(sign_page, URL.to_string())], "{dpi} dpi");
    }
    let o = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let cover = String::from_utf8_lossy(&o.stdout);
    assert!(cover.contains(URL), "cover text: {cover}");
    // Without the code, nothing is decoded.
    let plain = r.render(&common::plan(8)).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let pdf2 = dir2.path().join("plan.pdf");
    std::fs::write(&pdf2, &plain).unwrap();
    assert_eq!(decode_pages(&pdf2, 100), vec![]);
}
