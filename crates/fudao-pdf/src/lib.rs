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
mod fonts;
mod layout;
pub mod linebreak;
mod truetype;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fudao_core::doc::{DocError, Document};
use printpdf::{Op, PdfDocument, PdfPage, PdfSaveOptions, PdfWarnMsg, TextItem};

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
    /// printpdf/lopdf failed to write the file.
    #[error("PDF 写入失败 / PDF could not be written: {0}")]
    Write(String),
}

/// A reusable renderer: holds the parsed fonts. Create once (≈ tens of ms), then call
/// [`Renderer::render`] for each document; it is `Sync`, so one renderer can serve many threads.
pub struct Renderer {
    face: Face,
}

impl Renderer {
    /// Parses the embedded font (WenQuanYi Micro Hei) and prepares its common-character
    /// subset (see the `fonts` module).
    pub fn new() -> Result<Self, PdfError> {
        Ok(Self {
            face: Face::parse(fonts::REGULAR_TTF, "WenQuanYiMicroHei")?,
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
        self.check_text(doc).map(|_| ())
    }

    /// [`Renderer::check`], also telling whether all text lies in the common face.
    fn check_text(&self, doc: &Document) -> Result<bool, PdfError> {
        doc.validate()?;
        let mut missing: Option<PdfError> = None;
        let mut all_common = true;
        doc.for_each_text(|loc, text| {
            if missing.is_none() {
                for c in text.chars() {
                    if !self.covers_char(c) {
                        missing = Some(PdfError::MissingGlyph {
                            ch: c,
                            context: format!("{}: “{}”", loc(), excerpt(text, c)),
                        });
                        break;
                    }
                    all_common &= matches!(c, '\n' | '\r') || self.face.is_common(c);
                }
            }
        });
        missing.map_or(Ok(all_common), Err)
    }

    /// Lays `doc` out without writing a PDF and returns what each page holds, top to bottom
    /// (the same layout [`Renderer::render`] draws): for checking pagination quickly, e.g. that
    /// no page ends with a heading or a table header.
    pub fn paginate(&self, doc: &Document) -> Result<Vec<Vec<Placed>>, PdfError> {
        let all_common = self.check_text(doc)?;
        let (_, model) = layout::lay_out(
            doc,
            layout::Fonts {
                face: &self.face,
                id: printpdf::FontId("F0".to_string()),
                common: all_common && self.face.common.is_some(),
            },
        );
        Ok(model)
    }

    /// Renders `doc` to the bytes of a PDF file.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, PdfError> {
        let all_common = self.check_text(doc)?;
        let mut pdf = PdfDocument::new(&doc.meta.title);
        // The layout's own strings (page numbers, 签字/日期, bullets) are all common
        // characters (a unit test checks this), so only the document's text decides.
        let common = self.face.common.as_ref().filter(|_| all_common);
        // A short fixed resource name (printpdf's own is 32 random letters, repeated in every
        // text operation, and differs from run to run).
        let id = printpdf::FontId("F0".to_string());
        pdf.resources.fonts.map.insert(
            id.clone(),
            printpdf::PdfFont::new(common.unwrap_or(&self.face.parsed).clone()),
        );
        let (pages, _) = layout::lay_out(
            doc,
            layout::Fonts {
                face: &self.face,
                id,
                common: common.is_some(),
            },
        );
        // The glyphs the pages show, for our own subsetting below.
        let used = used_glyphs(&pages);
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
            // printpdf embeds the face it was given whole (codes are glyph ids, widths come
            // from its glyph cache) and `embed_subset` then swaps in our id-keeping subset.
            subset_fonts: false,
            secure: true,
            image_optimization: None,
        };
        let mut warnings: Vec<PdfWarnMsg> = Vec::new();
        let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
        embed_subset(&mut lo, self.face.bytes, &used)?;
        fix_info_dictionary(&mut lo, doc.meta.date);
        compact_widths(&mut lo);
        compact_contents(&mut lo);
        compress_streams(&mut lo);
        let mut out = Vec::with_capacity(64 * 1024);
        lo.save_to(&mut out)
            .map_err(|e| PdfError::Write(e.to_string()))?;
        Ok(out)
    }
}

/// The glyphs (id → text) that the text operations of `pages` show.
fn used_glyphs(pages: &[Vec<Op>]) -> BTreeMap<u16, String> {
    let mut used = BTreeMap::new();
    for op in pages.iter().flatten() {
        if let Op::ShowText { items } = op {
            for item in items {
                if let TextItem::GlyphIds(glyphs) = item {
                    for g in glyphs {
                        used.entry(g.gid)
                            .or_insert_with(|| g.cid.clone().unwrap_or_default());
                    }
                }
            }
        }
    }
    used
}

/// Replaces the whole font program that printpdf embedded with a subset of the full font
/// holding only the `used` glyphs, and gives the font its subset tag (ISO 32000-1, 9.6.4).
///
/// The content stream, `/W` and `/ToUnicode` address glyphs by glyph id (`/CIDToGIDMap
/// /Identity`), and the subset keeps every id, so every code stays valid; only the font
/// program bytes change.
fn embed_subset(
    lo: &mut lopdf::Document,
    font: &[u8],
    used: &BTreeMap<u16, String>,
) -> Result<(), PdfError> {
    let program = truetype::subset(font, used.keys().copied(), truetype::Tables::Pdf)
        .map_err(|e| PdfError::Font(e.0))?;
    let tag = subset_tag(used);
    let mut replaced = false;
    for object in lo.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            // The font program is the one stream with /Length1 (a TrueType program).
            if stream.dict.get(b"Length1").is_ok() {
                stream
                    .dict
                    .set("Length1", lopdf::Object::Integer(program.len() as i64));
                stream.dict.remove(b"Filter");
                stream.set_content(program.clone());
                replaced = true;
            }
        } else {
            tag_font_names(object, &tag);
        }
    }
    if replaced {
        Ok(())
    } else {
        Err(PdfError::Write("no TrueType font program to subset".into()))
    }
}

/// Prefixes `/BaseFont` and `/FontName` with the subset tag, in the Type 0 font, its
/// descendant CID font (a direct object inside it) and the font descriptor.
fn tag_font_names(object: &mut lopdf::Object, tag: &str) {
    match object {
        lopdf::Object::Dictionary(dict) => {
            for key in [&b"BaseFont"[..], b"FontName"] {
                if let Ok(name) = dict.get(key).and_then(|o| o.as_name()) {
                    if !name.contains(&b'+') {
                        let tagged = [tag.as_bytes(), b"+", name].concat();
                        dict.set(key, lopdf::Object::Name(tagged));
                    }
                }
            }
            for (_, value) in dict.iter_mut() {
                tag_font_names(value, tag);
            }
        }
        lopdf::Object::Array(items) => {
            for item in items {
                tag_font_names(item, tag);
            }
        }
        _ => {}
    }
}

/// Drops from the `/W` arrays of CID fonts every width equal to the default `/DW` (1000, the
/// width of every full-width CJK glyph): listing each one cost ≈ 6 KB per document.
fn compact_widths(lo: &mut lopdf::Document) {
    fn visit(object: &mut lopdf::Object) {
        match object {
            lopdf::Object::Dictionary(dict) => {
                let is_cid_font = dict
                    .get(b"Subtype")
                    .and_then(|o| o.as_name())
                    .is_ok_and(|n| n == b"CIDFontType0" || n == b"CIDFontType2");
                // printpdf writes /DW 1000 already but still lists every glyph in /W.
                let dw = match dict.get(b"DW") {
                    Ok(o) => o.as_i64().ok(),
                    Err(_) => Some(CJK_WIDTH),
                };
                if let (true, Some(dw)) = (is_cid_font, dw) {
                    if let Ok(lopdf::Object::Array(w)) = dict.get(b"W") {
                        if let Some(compact) = compact_w(w, dw) {
                            dict.set("W", lopdf::Object::Array(compact));
                            dict.set("DW", lopdf::Object::Integer(dw));
                        }
                    }
                }
                for (_, value) in dict.iter_mut() {
                    visit(value);
                }
            }
            lopdf::Object::Array(items) => items.iter_mut().for_each(visit),
            _ => {}
        }
    }
    lo.objects.values_mut().for_each(visit);
}

/// The width every full-width CJK glyph has (in 1/1000 em).
const CJK_WIDTH: i64 = 1000;

/// `/W` without the entries equal to `default`, or `None` if the array has a form this
/// function does not rewrite (then it is left as it is).
fn compact_w(w: &[lopdf::Object], default: i64) -> Option<Vec<lopdf::Object>> {
    use lopdf::Object::{Array, Integer};
    let mut widths: Vec<(i64, i64)> = Vec::new();
    let mut i = 0;
    while i < w.len() {
        match (&w[i], w.get(i + 1)) {
            (Integer(first), Some(Array(ws))) => {
                for (k, v) in ws.iter().enumerate() {
                    widths.push((first + k as i64, v.as_i64().ok()?));
                }
                i += 2;
            }
            (Integer(first), Some(Integer(last))) => {
                let v = w.get(i + 2)?.as_i64().ok()?;
                widths.extend((*first..=*last).map(|c| (c, v)));
                i += 3;
            }
            _ => return None,
        }
    }
    let mut out: Vec<lopdf::Object> = Vec::new();
    let mut run: Vec<lopdf::Object> = Vec::new();
    let mut next = i64::MIN;
    for (cid, width) in widths.into_iter().filter(|(_, v)| *v != default) {
        if cid != next && !run.is_empty() {
            out.push(Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            out.push(Integer(cid));
        }
        run.push(Integer(width));
        next = cid + 1;
    }
    if !run.is_empty() {
        out.push(Array(run));
    }
    Some(out)
}

/// Rewrites every page's content stream more compactly, without changing what it draws:
/// see [`compact_content`].
fn compact_contents(lo: &mut lopdf::Document) {
    let ids: Vec<lopdf::ObjectId> = lo
        .get_pages()
        .values()
        .flat_map(|page| lo.get_page_contents(*page))
        .collect();
    for id in ids {
        if let Ok(lopdf::Object::Stream(stream)) = lo.get_object_mut(id) {
            if stream.dict.get(b"Filter").is_err() {
                let compact = compact_content(&stream.content);
                stream.set_content(compact);
            }
        }
    }
}

/// printpdf writes one operator a line, glyphs as `[<0012><0034>] TJ` and numbers with up to
/// eight decimals (`0.28800002`). This writes a glyph array without adjustments as one hex
/// string (`<00120034> Tj`) and numbers with at most two decimals (0.01 pt, far below what
/// print or screen shows). Lines holding strings are otherwise left as they are. ≈ 12 % of the
/// deflated content streams.
fn compact_content(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    for line in content.split(|b| *b == b'\n') {
        if let Some(hex) = line
            .strip_prefix(b"[")
            .and_then(|l| l.strip_suffix(b"] TJ"))
            .filter(|h| {
                h.len() >= 2
                    && h.starts_with(b"<")
                    && h.ends_with(b">")
                    && h.iter()
                        .all(|b| b.is_ascii_hexdigit() || *b == b'<' || *b == b'>')
            })
        {
            out.push(b'<');
            out.extend(hex.iter().filter(|b| b.is_ascii_hexdigit()));
            out.extend_from_slice(b"> Tj");
        } else if line.iter().any(|b| matches!(b, b'(' | b'<' | b'[' | b'%')) {
            out.extend_from_slice(line);
        } else {
            for (i, token) in line.split(|b| *b == b' ').enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                match std::str::from_utf8(token)
                    .ok()
                    .filter(|t| t.contains('.'))
                    .and_then(|t| t.parse::<f64>().ok())
                {
                    Some(v) => {
                        let s = format!("{v:.2}");
                        let s = s.trim_end_matches('0').trim_end_matches('.');
                        out.extend_from_slice(if s == "-0" { b"0" } else { s.as_bytes() });
                    }
                    None => out.extend_from_slice(token),
                }
            }
        }
        out.push(b'\n');
    }
    out.pop();
    out
}

/// Six capital letters derived from the glyph set, as subset tags are.
fn subset_tag(used: &BTreeMap<u16, String>) -> String {
    // FNV-1a over the glyph ids: stable across runs, so identical documents are identical.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for gid in used.keys() {
        for b in gid.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

/// Deflates every stream not yet filtered. Level 6 rather than lopdf's level 9: on these
/// documents (mostly the CFF program) it costs a fraction of the time for ~1 % more bytes.
fn compress_streams(lo: &mut lopdf::Document) {
    use std::io::Write;
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut enc = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(stream.content.len() / 2),
            flate2::Compression::new(COMPRESSION_LEVEL),
        );
        if enc.write_all(&stream.content).is_err() {
            continue;
        }
        if let Ok(compressed) = enc.finish() {
            if compressed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed);
            }
        }
    }
}

/// zlib level for [`compress_streams`].
const COMPRESSION_LEVEL: u32 = 6;

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
    fn layout_strings_are_common_characters() {
        let r = Renderer::new().unwrap();
        assert!(r.face.common.is_some(), "the common face could be built");
        for c in layout::FIXED_TEXT.chars() {
            assert!(r.face.is_common(c), "{c:?} is not in the common face");
        }
        assert!(!r.face.is_common('喆') && r.face.covers('喆'));
    }

    #[test]
    fn widths_equal_to_the_default_are_dropped_and_runs_regrouped() {
        use lopdf::Object::{Array, Integer};
        let ints = |v: &[i64]| Array(v.iter().map(|i| Integer(*i)).collect());
        let w = vec![
            Integer(1),
            ints(&[224]),
            Integer(13),
            ints(&[278, 1000, 278]),
            Integer(20),
            Integer(22),
            Integer(1000),
            Integer(30),
            Integer(31),
            Integer(500),
        ];
        let out = compact_w(&w, 1000).unwrap();
        assert_eq!(
            out,
            vec![
                Integer(1),
                ints(&[224]),
                Integer(13),
                ints(&[278]),
                Integer(15),
                ints(&[278]),
                Integer(30),
                ints(&[500, 500]),
            ]
        );
        assert_eq!(
            compact_w(&[Integer(1)], 1000),
            None,
            "malformed arrays are left alone"
        );
    }

    #[test]
    fn content_is_compacted_without_changing_what_it_draws() {
        let before = b"BT\n/F0 9 Tf\n1 0 0 1 105.22446 760.47003 Tm\n[<4B77><53FB>] TJ\n\
[<0001> -250 <0002>] TJ\n0.28800002 w\n-0.001 0 m\n12 0 l\nET\n(a 1.234) Tj";
        let after = compact_content(before);
        assert_eq!(
            String::from_utf8(after).unwrap(),
            "BT\n/F0 9 Tf\n1 0 0 1 105.22 760.47 Tm\n<4B7753FB> Tj\n\
[<0001> -250 <0002>] TJ\n0.29 w\n0 0 m\n12 0 l\nET\n(a 1.234) Tj"
        );
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
