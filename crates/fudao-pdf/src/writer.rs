//! Writes the PDF file of laid-out pages with `pdf-writer` (the low-level writer typst uses).
//!
//! Objects: catalog, page tree, document information, one Type 0 font (`/Identity-H`) over a
//! `CIDFontType2` descendant with `/CIDToGIDMap /Identity`, its descriptor, the embedded subset
//! program (`FontFile2`) and `/ToUnicode`; then a page and a content stream per page. Every
//! stream is deflated (zlib level [`COMPRESSION_LEVEL`], `zlib-rs` backend).

use fudao_core::doc::Document;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress};

use crate::common::CommonBlock;
use crate::content::Canvas;
use crate::fonts::Face;
use crate::layout::{UsedGlyphs, PH, PW};
use crate::{truetype, PdfError};

/// zlib level of every stream. 6 is zlib's default; see docs/pdf.md for the measurements.
pub(crate) const COMPRESSION_LEVEL: u32 = 6;

/// The width every full-width CJK glyph has (in 1/1000 em): `/DW`, left out of `/W`.
pub(crate) const CJK_WIDTH: i32 = 1000;

thread_local! {
    /// This thread's compressors at [`COMPRESSION_LEVEL`] (zlib-wrapped, raw), reset for each
    /// stream: a new one allocates and clears some 300 KB, a dozen times a plan.
    static COMPRESSORS: RefCell<[Option<Compress>; 2]> = const { RefCell::new([None, None]) };
}

/// Runs `f` with a reset compressor of `level` (zlib-wrapped or raw).
fn with_compressor<R>(level: u32, zlib: bool, f: impl FnOnce(&mut Compress) -> R) -> R {
    if level != COMPRESSION_LEVEL {
        return f(&mut Compress::new(Compression::new(level), zlib));
    }
    COMPRESSORS.with(|cs| {
        let mut cs = cs.borrow_mut();
        let c = cs[usize::from(zlib)]
            .get_or_insert_with(|| Compress::new(Compression::new(level), zlib));
        c.reset();
        f(c)
    })
}

/// Deflates all of `data` into `out`: to the end of the stream (`finish`) or up to a sync flush
/// (byte-aligned, not final, so more deflate data can follow).
fn compress_all(c: &mut Compress, data: &[u8], finish: bool, out: &mut Vec<u8>) {
    let flush = if finish {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let start = c.total_in();
    out.reserve(data.len() / 2 + 64);
    loop {
        let done = (c.total_in() - start) as usize;
        let status = match c.compress_vec(&data[done..], out, flush) {
            Ok(status) => status,
            // Deflating a byte slice into a growing vector cannot fail.
            Err(_) => unreachable!("deflate of an in-memory buffer"),
        };
        let all_in = (c.total_in() - start) as usize == data.len();
        // With room left in `out`, a sync flush is complete.
        if status == flate2::Status::StreamEnd || (!finish && all_in && out.len() < out.capacity())
        {
            return;
        }
        out.reserve(out.capacity().max(1024));
    }
}

/// `data` as a zlib stream at [`COMPRESSION_LEVEL`].
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    with_compressor(COMPRESSION_LEVEL, true, |c| {
        compress_all(c, data, true, &mut out);
    });
    out
}

/// Appends `data` as raw deflate (no zlib header or checksum) at `level` to `out`: final
/// (`finish`) or ending with a sync flush. It never refers to bytes before `data`.
pub(crate) fn raw_deflate(level: u32, data: &[u8], finish: bool, out: &mut Vec<u8>) {
    with_compressor(level, false, |c| compress_all(c, data, finish, out));
}

/// The subset program as the data of a `FlateDecode` stream (zlib): the table directory as a
/// stored block, the common outlines as deflated once per process, the rest of the program
/// deflated here, then the Adler-32 of the whole program. (Giving the rest the end of the
/// common outlines as a preset dictionary saved ≈ 0.5 KB a plan but cost more CPU than that
/// is worth: docs/pdf.md.)
fn font_stream(sub: &truetype::Subset, common: &CommonBlock) -> Vec<u8> {
    let p = &sub.program;
    let (a, b) = (sub.common_at, sub.common_at + common.glyphs.glyf.len());
    debug_assert_eq!(&p[a..b], &common.glyphs.glyf[..]);
    let mut out = Vec::with_capacity(common.deflated.len() + (p.len() - b) / 2 + 256);
    // zlib header: deflate, 32 KB window, default level, no dictionary (CMF·256 + FLG ≡ 0 mod 31).
    out.extend_from_slice(&[0x78, 0x9c]);
    // A stored block (not final): BFINAL 0, BTYPE 00, padding, LEN, NLEN, bytes.
    let len = a as u16;
    out.push(0);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(&p[..a]);
    out.extend_from_slice(&common.deflated);
    raw_deflate(COMPRESSION_LEVEL, &p[b..], true, &mut out);
    out.extend_from_slice(&zlib_rs::adler32::adler32(1, p).to_be_bytes());
    out
}

/// `/W` runs: `(first cid, widths)` of consecutive glyphs whose width is not `default`.
pub(crate) fn width_runs(widths: &[(u16, i32)], default: i32) -> Vec<(u16, Vec<i32>)> {
    let mut runs: Vec<(u16, Vec<i32>)> = Vec::new();
    let mut next: Option<u16> = None;
    for &(cid, w) in widths.iter().filter(|(_, w)| *w != default) {
        match runs.last_mut() {
            Some((_, ws)) if next == Some(cid) => ws.push(w),
            _ => runs.push((cid, vec![w])),
        }
        next = cid.checked_add(1);
    }
    runs
}

/// Six capital letters derived from the glyph set, as subset tags are.
fn subset_tag(order: &[u16]) -> String {
    // FNV-1a over the glyph ids: stable across runs, so identical documents are identical.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for gid in order {
        for b in gid.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

/// Renumbers the glyph codes of `page` from original ids to the subset's (`new_id[old]`).
fn renumber(page: &mut Canvas, new_id: &[u16]) {
    fn hex(b: u8) -> u16 {
        match b {
            b'0'..=b'9' => u16::from(b - b'0'),
            _ => u16::from(b - b'A' + 10),
        }
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for at in &page.glyph_at {
        let at = *at as usize;
        let s = &mut page.buf[at..at + 4];
        let old = s.iter().fold(0u16, |acc, b| (acc << 4) | hex(*b));
        let g = new_id[usize::from(old)];
        s.copy_from_slice(&[
            HEX[usize::from(g >> 12)],
            HEX[usize::from((g >> 8) & 15)],
            HEX[usize::from((g >> 4) & 15)],
            HEX[usize::from(g & 15)],
        ]);
    }
}

/// The document date as a PDF date: midnight, China Standard Time (UTC+8).
fn info_date(d: chrono::NaiveDate) -> Date {
    use chrono::Datelike;
    Date::new(d.year().clamp(0, 9999) as u16)
        .month(d.month() as u8)
        .day(d.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(8)
        .utc_offset_minute(0)
}

/// The ToUnicode CMap (uncompressed) mapping the shown glyphs, under their new ids, to text.
fn to_unicode(used: &UsedGlyphs, new_id: &[u16], system_info: SystemInfo) -> pdf_writer::Buf {
    let mut cmap = UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), system_info);
    let mut pairs: Vec<(u16, char)> = used
        .list
        .iter()
        .map(|(g, c)| (new_id[usize::from(*g)], *c))
        .collect();
    pairs.sort_unstable();
    for (cid, c) in pairs {
        cmap.pair(cid, c);
    }
    cmap.finish()
}

/// The PDF file of `pages` (content streams with original glyph ids) showing `used`.
pub(crate) fn write(
    doc: &Document,
    face: &Face,
    common: &CommonBlock,
    mut pages: Vec<Canvas>,
    used: &UsedGlyphs,
) -> Result<Vec<u8>, PdfError> {
    let sub = truetype::subset(
        face.bytes,
        &common.glyphs,
        used.list.iter().map(|(g, _)| *g),
    )
    .map_err(|e| PdfError::Font(e.0))?;
    let mut new_id = vec![0u16; usize::from(sub.order.iter().copied().max().unwrap_or(0)) + 1];
    for (new, old) in sub.order.iter().enumerate() {
        new_id[usize::from(*old)] = new as u16;
    }
    for page in &mut pages {
        renumber(page, &new_id);
    }
    let tag = subset_tag(&sub.order);
    let base_font = format!("{tag}+{}", face.name);

    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let font_id = Ref::new(4);
    let cid_id = Ref::new(5);
    let descriptor_id = Ref::new(6);
    let program_id = Ref::new(7);
    let cmap_id = Ref::new(8);
    let first_page = 9;
    let page_ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| {
            (
                Ref::new(first_page + 2 * i),
                Ref::new(first_page + 2 * i + 1),
            )
        })
        .collect();

    let program = font_stream(&sub, common);
    let contents: Vec<Vec<u8>> = pages.iter().map(|p| deflate(&p.buf)).collect();
    let mut pdf = Pdf::with_capacity(
        program.len() + contents.iter().map(Vec::len).sum::<usize>() + 16 * 1024,
    );

    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    let date = info_date(doc.meta.date);
    pdf.document_info(info_id)
        .title(TextStr(&doc.meta.title))
        .author(TextStr(&doc.meta.author))
        .subject(TextStr(&doc.meta.subject))
        .creator(TextStr("Fudao 金融辅导"))
        .producer(TextStr("Fudao fudao-pdf (pdf-writer)"))
        .creation_date(date)
        .modified_date(date);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(font_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    // Widths of the shown glyphs under their new ids (components are never shown).
    let mut widths: Vec<(u16, i32)> = used
        .list
        .iter()
        .map(|(g, _)| (new_id[usize::from(*g)], face.glyph_width(*g)))
        .collect();
    widths.sort_unstable();
    {
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(CJK_WIDTH as f32)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut w = cid.widths();
        for (first, ws) in width_runs(&widths, CJK_WIDTH) {
            w.consecutive(first, ws.into_iter().map(|v| v as f32));
        }
        w.finish();
    }
    let m = face.metrics;
    pdf.font_descriptor(descriptor_id)
        .name(Name(base_font.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]))
        .italic_angle(0.0)
        .ascent(m.ascent)
        .descent(m.descent)
        .cap_height(m.cap_height)
        .stem_v(80.0)
        .font_file2(program_id);
    pdf.stream(program_id, &program)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), sub.program.len() as i32);

    let cmap = deflate(&to_unicode(used, &new_id, system_info));
    pdf.stream(cmap_id, &cmap).filter(Filter::FlateDecode);

    for ((page_id, content_id), content) in page_ids.iter().zip(&contents) {
        let mut page = pdf.page(*page_id);
        page.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, PW, PH))
            .contents(*content_id);
        page.resources().fonts().pair(Name(b"F0"), font_id);
        page.finish();
        pdf.stream(*content_id, content).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_equal_to_the_default_are_dropped_and_runs_regrouped() {
        let w = [
            (1, 224),
            (13, 278),
            (14, 1000),
            (15, 278),
            (20, 1000),
            (21, 1000),
            (30, 500),
            (31, 500),
        ];
        assert_eq!(
            width_runs(&w, 1000),
            vec![
                (1, vec![224]),
                (13, vec![278]),
                (15, vec![278]),
                (30, vec![500, 500])
            ]
        );
    }

    #[test]
    fn deflate_round_trips() {
        use std::io::Read;
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let z = deflate(&data);
        assert!(z.len() < data.len() / 10);
        let mut back = Vec::new();
        flate2::read::ZlibDecoder::new(&z[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        // Again, on this thread's reused compressor.
        assert_eq!(deflate(&data), z);
    }

    fn inflate(z: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut back = Vec::new();
        // ZlibDecoder checks the Adler-32 trailer.
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut back)
            .unwrap();
        back
    }

    #[test]
    fn font_stream_inflates_to_the_program_and_shares_the_common_block() {
        let face = Face::parse(crate::fonts::REGULAR_TTF, "t").unwrap();
        let common = CommonBlock::new(&face, crate::common::COMMON_CHARS).unwrap();
        let gids = |s: &str| -> Vec<u16> { s.chars().map(|c| face.glyph(c).unwrap()).collect() };
        let mut streams = Vec::new();
        for text in [
            "济南量子科技有限公司喆 AZ",
            "国",
            "",
            crate::common::COMMON_CHARS,
        ] {
            let sub = truetype::subset(face.bytes, &common.glyphs, gids(text)).unwrap();
            let z = font_stream(&sub, &common);
            assert_eq!(inflate(&z), sub.program, "{text}");
            truetype::tests::assert_same_glyphs(&sub.program, &sub.order);
            // The common block is copied as deflated once.
            let at = 2 + 5 + sub.common_at;
            assert_eq!(&z[at..at + common.deflated.len()], &common.deflated[..]);
            streams.push(z);
        }
        // A document of common characters only adds little to the common block.
        assert!(streams[3].len() < common.deflated.len() + 8 * 1024);
    }

    #[test]
    fn raw_deflate_parts_concatenate_into_one_stream() {
        let a: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 253) as u8).collect();
        let b: Vec<u8> = (0..30_000u32).map(|i| (i * 11 % 241) as u8).collect();
        let mut z = vec![0x78, 0x9c];
        raw_deflate(8, &a, false, &mut z);
        raw_deflate(COMPRESSION_LEVEL, &[], false, &mut z);
        raw_deflate(COMPRESSION_LEVEL, &b, true, &mut z);
        let whole = [&a[..], &b[..]].concat();
        z.extend_from_slice(&zlib_rs::adler32::adler32(1, &whole).to_be_bytes());
        assert_eq!(inflate(&z), whole);
    }

    #[test]
    fn glyph_codes_are_renumbered_in_place() {
        let mut c = Canvas::new();
        c.text([0x0100, 0xC350], 0.0, 0.0, 9.0, (0.0, 0.0, 0.0), None, 0.0);
        let mut new_id = vec![0u16; 0xC351];
        new_id[0x0100] = 1;
        new_id[0xC350] = 0x2A;
        renumber(&mut c, &new_id);
        let s = String::from_utf8(c.buf).unwrap();
        assert!(s.contains("<0001002A>Tj"), "{s}");
    }
}
