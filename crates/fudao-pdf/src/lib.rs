//! Print-quality A4 PDFs of a [`fudao_core::doc::Document`] (一企一策 plans and reports).
//!
//! ```no_run
//! use fudao_pdf::Renderer;
//! # fn doc() -> fudao_core::doc::Document { unimplemented!() }
//! let renderer = Renderer::new()?; // parses the embedded fonts once; share it across threads
//! let bytes: Vec<u8> = renderer.render(&doc())?;
//! std::fs::write("plan.pdf", bytes)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the renderer guarantees:
//! - A4 pages with a running header and rule on every page, and a footer with the plan
//!   number, `第 N 页 / 共 M 页` and the confidentiality line (pages are laid out first and
//!   numbered afterwards, so M is always right).
//! - Justified paragraphs with Chinese line breaking (UAX #14): closing punctuation never
//!   starts a line, opening brackets never end one, numbers like `2,000` are never split.
//! - Tables wrap their cells, split across pages and repeat the header row.
//! - Radar and grouped-bar charts are drawn as vector graphics.
//! - The embedded WenQuanYi Micro Hei (Apache-2.0) font is **subset**; text is extractable
//!   (ToUnicode).
//! - Any character the font lacks is refused with [`PdfError::MissingGlyph`] naming the
//!   character and where it occurs — never a blank box.
//! - PDF metadata: title, author, subject, creation date = [`DocMeta::date`] (China time),
//!   no PDF/X marker.
//!
//! [`DocMeta::date`]: fudao_core::doc::DocMeta::date

mod charts;
mod common;
mod content;
mod fonts;
mod layout;
pub mod linebreak;
#[cfg(feature = "raster")]
pub mod raster;
mod truetype;
mod writer;

use std::sync::OnceLock;

use fudao_core::doc::{DocError, Document};

#[doc(hidden)]
pub use common::COMMON_CHARS;
use fonts::Face;
pub use layout::Placed;

/// Where a page of a laid-out document ends badly: with a heading (its content on the next
/// page) or a table header with no row under it. Returns `(page number, what)`, 1-based.
pub fn bad_page_ends(pages: &[Vec<Placed>]) -> Vec<(usize, String)> {
    let mut bad = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        // The last page may end with anything.
        if i + 1 == pages.len() {
            break;
        }
        match page.last() {
            Some(Placed::Heading { text, .. }) => bad.push((i + 1, format!("heading “{text}”"))),
            Some(Placed::TableHeader) => bad.push((i + 1, "a lone table header".to_string())),
            _ => {}
        }
    }
    bad
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The text contains a character the embedded font cannot draw.
    #[error("字体缺少字符“{ch}”（{code}），位置：{context} / the font has no glyph for {ch:?} ({code}) in {context}", code = .ch.escape_unicode())]
    MissingGlyph { ch: char, context: String },
    /// The embedded font could not be parsed (a build problem, not a user error).
    #[error("字体解析失败 / font could not be parsed: {0}")]
    Font(String),
    /// The document is structurally invalid (e.g. a table row with the wrong cell count).
    #[error("文档结构无效 / invalid document: {0}")]
    Document(#[from] DocError),
    /// The file could not be written.
    #[error("PDF 写入失败 / PDF could not be written: {0}")]
    Write(String),
    /// The PDF's pages could not be drawn as images (the preview; feature `raster`).
    #[error("方案预览生成失败 / the preview could not be drawn: {0}")]
    Preview(String),
}

/// A reusable renderer: holds the parsed fonts. Create once (≈ tens of ms), then call
/// [`Renderer::render`] for each document; it is `Sync`, so one renderer can serve many threads.
pub struct Renderer {
    face: Face,
    /// The glyphs every plan shows, deflated once (on the first render).
    common: OnceLock<Result<common::CommonBlock, String>>,
}

impl Renderer {
    /// Parses the embedded font (WenQuanYi Micro Hei) and builds its look-up tables (see the
    /// `fonts` module).
    pub fn new() -> Result<Self, PdfError> {
        Ok(Self {
            face: Face::parse(fonts::REGULAR_TTF, "WenQuanYiMicroHei")?,
            common: OnceLock::new(),
        })
    }

    /// Whether every character of `text` can be printed (control characters other than
    /// line breaks cannot).
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| self.covers_char(c))
    }

    fn covers_char(&self, c: char) -> bool {
        matches!(c, '\n' | '\r') || self.face.covers(c)
    }

    /// Checks that the document is well formed and that the font covers all of its text.
    pub fn check(&self, doc: &Document) -> Result<(), PdfError> {
        doc.validate()?;
        let mut missing: Option<PdfError> = None;
        doc.for_each_text(|loc, text| {
            if missing.is_none() {
                if let Some(c) = text.chars().find(|c| !self.covers_char(*c)) {
                    missing = Some(PdfError::MissingGlyph {
                        ch: c,
                        context: format!("{}: “{}”", loc(), excerpt(text, c)),
                    });
                }
            }
        });
        missing.map_or(Ok(()), Err)
    }

    /// Lays `doc` out without writing a PDF and returns what each page holds, top to bottom
    /// (the same layout [`Renderer::render`] draws): for checking pagination quickly, e.g. that
    /// no page ends with a heading or a table header.
    pub fn paginate(&self, doc: &Document) -> Result<Vec<Vec<Placed>>, PdfError> {
        Ok(self.paginate_with_chars(doc)?.0)
    }

    /// [`Renderer::paginate`], plus the characters the pages show (each once, in the order
    /// first shown): `tests/demo_plans.rs` checks [`COMMON_CHARS`] with them.
    #[doc(hidden)]
    pub fn paginate_with_chars(
        &self,
        doc: &Document,
    ) -> Result<(Vec<Vec<Placed>>, Vec<char>), PdfError> {
        self.check(doc)?;
        let (_, model, fonts) = layout::lay_out(doc, layout::Fonts::new(&self.face));
        let chars = fonts
            .used
            .into_inner()
            .list
            .iter()
            .map(|(_, c)| *c)
            .collect();
        Ok((model, chars))
    }

    /// Renders `doc` to the bytes of a PDF file.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, PdfError> {
        self.check(doc)?;
        let (pages, _, fonts) = layout::lay_out(doc, layout::Fonts::new(&self.face));
        let used = fonts.used.into_inner();
        let common = self
            .common
            .get_or_init(|| common::CommonBlock::new(&self.face, common::COMMON_CHARS))
            .as_ref()
            .map_err(|e| PdfError::Font(e.clone()))?;
        writer::write(doc, &self.face, common, pages, &used)
    }
}

/// Renders `doc` with a process-wide [`Renderer`] created on first use.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    static RENDERER: OnceLock<Result<Renderer, String>> = OnceLock::new();
    match RENDERER.get_or_init(|| Renderer::new().map_err(|e| e.to_string())) {
        Ok(r) => r.render(doc),
        Err(e) => Err(PdfError::Font(e.clone())),
    }
}

/// Up to 12 characters of `text` around the first occurrence of `ch`, for error messages.
fn excerpt(text: &str, ch: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let pos = chars.iter().position(|c| *c == ch).unwrap_or(0);
    let from = pos.saturating_sub(6);
    let to = (pos + 6).min(chars.len());
    chars[from..to].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_strings_are_covered_by_the_font() {
        let r = Renderer::new().unwrap();
        for c in layout::FIXED_TEXT.chars() {
            assert!(r.face.covers(c), "{c:?} is not in the font");
        }
        assert!(r.face.covers('喆'), "outside GB 2312, inside the font");
        assert!(!r.face.covers('😀'));
    }

    #[test]
    fn excerpt_centres_on_the_character() {
        assert_eq!(
            excerpt("一二三四五六七八九十壹贰叁", '七'),
            "一二三四五六七八九十壹贰"
        );
        assert_eq!(excerpt("ab", 'a'), "ab");
    }

    #[test]
    fn missing_glyph_message_names_character_and_place() {
        let e = PdfError::MissingGlyph {
            ch: '\u{e000}',
            context: "block 3 paragraph".into(),
        };
        let s = e.to_string();
        assert!(s.contains("\\u{e000}"), "{s}");
        assert!(s.contains("block 3 paragraph"), "{s}");
        assert!(s.contains("字体缺少字符"), "{s}");
    }
}
