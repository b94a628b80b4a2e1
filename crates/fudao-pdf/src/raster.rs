//! Page images of a PDF (the app's 一企一策 preview), drawn by hayro, a pure-Rust PDF
//! rasterizer: the preview shows the very file that will be printed, and the web view no longer
//! loads pdf.js (its 330 KB module and 1.4 MB worker cost the web process 25–35 MB; issue 15).
//!
//! Meant for PDFs this crate wrote (the fonts are embedded, nothing is encrypted), but the
//! bytes are treated as untrusted all the same: the page count and the pixels of a page are
//! bounded, and a panic inside the rasterizer becomes [`PdfError::Preview`].

use crate::PdfError;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

/// One page drawn at the requested scale.
#[derive(Debug, Clone, PartialEq)]
pub struct PageImage {
    /// Size of the image in pixels.
    pub width: u32,
    pub height: u32,
    /// Size of the page in PDF points (1/72 inch; A4 is 595 × 842).
    pub width_pt: f32,
    pub height_pt: f32,
    /// The image, PNG-encoded.
    pub png: Vec<u8>,
}

/// Pages drawn at most (a plan has about ten).
pub const MAX_PAGES: usize = 300;
/// Pixels per point allowed: 0.25 (thumbnails) to 4 (a 2× screen at 200 %).
pub const SCALE_RANGE: (f32, f32) = (0.25, 4.0);
/// Pixels of one page image at most (A4 at scale 4 is 9.0 million).
pub const MAX_PIXELS: u64 = 12_000_000;

/// Draws every page of `pdf` at `scale` pixels per point (clamped to [`SCALE_RANGE`]) on
/// white, PNG-encoded.
pub fn page_images(pdf: &[u8], scale: f32) -> Result<Vec<PageImage>, PdfError> {
    let scale = if scale.is_finite() {
        scale.clamp(SCALE_RANGE.0, SCALE_RANGE.1)
    } else {
        1.0
    };
    let data = pdf.to_vec();
    std::panic::catch_unwind(move || draw(data, scale)).unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(PdfError::Preview(format!("rasterizer panicked: {why}")))
    })
}

fn draw(data: Vec<u8>, scale: f32) -> Result<Vec<PageImage>, PdfError> {
    let pdf = Pdf::new(data).map_err(|e| PdfError::Preview(format!("{e:?}")))?;
    let pages = pdf.pages();
    if pages.len() > MAX_PAGES {
        return Err(PdfError::Preview(format!(
            "{} pages, more than {MAX_PAGES}",
            pages.len()
        )));
    }
    let cache = RenderCache::new();
    let interpret = InterpreterSettings::default();
    let render = RenderSettings::default();
    let pixmap = PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
    };
    let mut out = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let (w, h) = page.render_dimensions();
        let (pw, ph) = ((w * scale).floor(), (h * scale).floor());
        // The image's sides are u16 in the rasterizer; an absurd page size is refused, not
        // wrapped around.
        if !(pw >= 1.0 && ph >= 1.0 && pw <= 65_535.0 && ph <= 65_535.0)
            || (pw as u64) * (ph as u64) > MAX_PIXELS
        {
            return Err(PdfError::Preview(format!(
                "page {} is {w} × {h} pt: {pw} × {ph} pixels at scale {scale}",
                i + 1
            )));
        }
        let image = hayro::render(page, &cache, &interpret, &render, &pixmap);
        let (width, height) = (u32::from(image.width()), u32::from(image.height()));
        let png = image
            .into_png()
            .map_err(|e| PdfError::Preview(format!("PNG: {e}")))?;
        out.push(PageImage {
            width,
            height,
            width_pt: w,
            height_pt: h,
            png,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fudao_core::doc::{Block, DocMeta, Document};

    fn doc() -> Document {
        let mut blocks = vec![Block::heading(1, "一、企业概况")];
        for i in 0..60 {
            blocks.push(Block::paragraph(format!(
                "第{i}段：企业成立于2022年，注册于济南市历下区，主营新材料研发，2025年营业收入400.4万元。"
            )));
        }
        Document {
            meta: DocMeta::new(
                "一企一策融资服务方案",
                "JNFD-2026-TEST-v1",
                chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            ),
            blocks,
        }
    }

    /// Dark pixels in a PNG (text drawn, not a blank page).
    fn ink(png: &[u8]) -> usize {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let bpp = info.color_type.samples();
        buf[..info.buffer_size()]
            .chunks(bpp)
            .filter(|p| p[..3].iter().all(|&c| c < 128))
            .count()
    }

    #[test]
    fn draws_every_page_of_a_rendered_document() {
        let pdf = crate::render(&doc()).unwrap();
        let pages = page_images(&pdf, 1.25).unwrap();
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            // A4 at 1.25 pixels a point.
            assert!((p.width_pt - 595.3).abs() < 1.0, "{}", p.width_pt);
            assert_eq!(p.width, (p.width_pt * 1.25).floor() as u32);
            assert_eq!(p.height, (p.height_pt * 1.25).floor() as u32);
            assert!(p.png.starts_with(b"\x89PNG"));
            assert!(ink(&p.png) > 2_000, "page {} looks blank", i + 1);
        }
        // Twice the scale, twice the sides.
        let big = page_images(&pdf, 2.5).unwrap();
        assert_eq!(big[0].width, (big[0].width_pt * 2.5).floor() as u32);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"not a pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj",
        ] {
            assert!(matches!(page_images(bytes, 1.0), Err(PdfError::Preview(_))));
        }
        // A truncated real file: an error or the pages that could be read, never a panic.
        let pdf = crate::render(&doc()).unwrap();
        let _ = page_images(&pdf[..pdf.len() / 2], 1.0);
    }

    /// Byte-mutation fuzzing of the preview (the PDF is the app's own, but the claim is that
    /// any bytes give pages or an error): flipped, inserted and removed bytes and truncations
    /// of a real plan-like PDF, drawn at a thumbnail's scale, must return within 30 s each
    /// without a panic escaping. `FUDAO_FUZZ_CASES` cases (default 16; `make fuzz` runs more).
    #[test]
    fn fuzz_page_images() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let cases = std::env::var("FUDAO_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        let pdf = crate::render(&doc()).unwrap();
        let edit =
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..12);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&edit, |edits| {
                let mut b = pdf.clone();
                for (at, byte, op) in edits {
                    let len = b.len();
                    let i = at.index(len.max(1));
                    match op {
                        0 if len > 0 => b[i.min(len - 1)] ^= byte | 1,
                        1 => b.insert(i.min(len), byte),
                        2 if len > 0 => {
                            b.remove(i.min(len - 1));
                        }
                        _ => b.truncate(i),
                    }
                }
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = tx.send(page_images(&b, 0.25).map(|p| p.len()));
                });
                let got = rx.recv_timeout(std::time::Duration::from_secs(30));
                prop_assert!(got.is_ok(), "no answer within 30 s: {got:?}");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_scale_is_bounded() {
        let pdf = crate::render(&doc()).unwrap();
        let tiny = page_images(&pdf, 0.0).unwrap();
        assert_eq!(
            tiny[0].width,
            (tiny[0].width_pt * SCALE_RANGE.0).floor() as u32
        );
        let huge = page_images(&pdf, 1e9).unwrap();
        assert_eq!(
            huge[0].width,
            (huge[0].width_pt * SCALE_RANGE.1).floor() as u32
        );
        assert!(page_images(&pdf, f32::NAN).is_ok());
    }
}
