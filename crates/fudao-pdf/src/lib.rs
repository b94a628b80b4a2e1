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
//! - The embedded Noto Sans Hans (OFL-1.1) font is **subset**; text is extractable (ToUnicode).
//! - Any character the font lacks is refused with [`PdfError::MissingGlyph`] naming the
//!   character and where it occurs — never a blank box.
//! - PDF metadata: title, author, subject, creation date = [`DocMeta::date`] (China time),
//!   no PDF/X marker.
//!
//! [`DocMeta::date`]: fudao_core::doc::DocMeta::date

mod charts;
mod fonts;
mod layout;
pub mod linebreak;

use std::sync::OnceLock;

use fudao_core::doc::{DocError, Document};
use printpdf::{PdfDocument, PdfPage, PdfSaveOptions, PdfWarnMsg};

use fonts::Face;

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
    /// printpdf/lopdf failed to write the file.
    #[error("PDF 写入失败 / PDF could not be written: {0}")]
    Write(String),
}

/// A reusable renderer: holds the parsed fonts. Create once (≈ tens of ms), then call
/// [`Renderer::render`] for each document; it is `Sync`, so one renderer can serve many threads.
pub struct Renderer {
    regular: Face,
    bold: Face,
}

impl Renderer {
    /// Parses the embedded fonts (Noto Sans Hans Regular and Bold).
    pub fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: Face::parse(fonts::REGULAR_OTF, "NotoSansHans-Regular")?,
            bold: Face::parse(fonts::BOLD_OTF, "NotoSansHans-Bold")?,
        })
    }

    /// Whether every character of `text` can be printed (control characters other than
    /// line breaks cannot).
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| self.covers_char(c))
    }

    fn covers_char(&self, c: char) -> bool {
        matches!(c, '\n' | '\r') || (self.regular.covers(c) && self.bold.covers(c))
    }

    /// Checks that the document is well formed and that the font covers all of its text.
    pub fn check(&self, doc: &Document) -> Result<(), PdfError> {
        doc.validate()?;
        let mut missing: Option<PdfError> = None;
        doc.for_each_text(|loc, text| {
            if missing.is_none() {
                if let Some(ch) = text.chars().find(|c| !self.covers_char(*c)) {
                    missing = Some(PdfError::MissingGlyph {
                        ch,
                        context: format!("{}: “{}”", loc(), excerpt(text, ch)),
                    });
                }
            }
        });
        missing.map_or(Ok(()), Err)
    }

    /// Renders `doc` to the bytes of a PDF file.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, PdfError> {
        self.check(doc)?;
        let mut pdf = PdfDocument::new(&doc.meta.title);
        let regular_id = pdf.add_font(&self.regular.parsed);
        let bold_id = pdf.add_font(&self.bold.parsed);
        let pages = layout::lay_out(
            doc,
            layout::Fonts {
                regular: &self.regular,
                bold: &self.bold,
                regular_id,
                bold_id,
            },
        );
        pdf.pages = pages
            .into_iter()
            .map(|ops| PdfPage::new(layout::PAGE_W_MM, layout::PAGE_H_MM, ops))
            .collect();

        let info = &mut pdf.metadata.info;
        info.author = doc.meta.author.clone();
        info.subject = doc.meta.subject.clone();
        info.creator = "Fudao 金融辅导".to_string();
        info.producer = "Fudao fudao-pdf (printpdf 0.12.8)".to_string();

        let opts = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: None,
        };
        let mut warnings: Vec<PdfWarnMsg> = Vec::new();
        let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
        fix_info_dictionary(&mut lo, doc.meta.date);
        lo.compress();
        let mut out = Vec::with_capacity(64 * 1024);
        lo.save_to(&mut out)
            .map_err(|e| PdfError::Write(e.to_string()))?;
        Ok(out)
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

/// Sets creation/modification dates to the document date at 00:00 China time and removes the
/// empty PDF/X marker and identifier printpdf always writes.
fn fix_info_dictionary(lo: &mut lopdf::Document, date: chrono::NaiveDate) {
    use chrono::Datelike;
    let Ok(info_ref) = lo.trailer.get(b"Info").and_then(|o| o.as_reference()) else {
        return;
    };
    let Ok(info) = lo.get_dictionary_mut(info_ref) else {
        return;
    };
    let stamp = format!(
        "D:{:04}{:02}{:02}000000+08'00'",
        date.year(),
        date.month(),
        date.day()
    );
    for key in [&b"CreationDate"[..], b"ModDate"] {
        info.set(
            key,
            lopdf::Object::String(stamp.clone().into_bytes(), lopdf::StringFormat::Literal),
        );
    }
    info.remove(b"GTS_PDFXVersion");
    info.remove(b"Identifier");
    info.remove(b"Keywords");
    info.remove(b"Trapped");
}

#[cfg(test)]
mod tests {
    use super::*;

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
