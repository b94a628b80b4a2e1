//! Writes the PDF file of laid-out pages with `pdf-writer` (the low-level writer typst uses).
//!
//! Objects: catalog, page tree, document information, one Type 0 font (`/Identity-H`) over a
//! `CIDFontType2` descendant with `/CIDToGIDMap /Identity`, its descriptor, the embedded subset
//! program (`FontFile2`) and `/ToUnicode`; then a page and a content stream per page. Every
//! stream is deflated (zlib level [`COMPRESSION_LEVEL`], `zlib-rs` backend).

use fudao_core::doc::Document;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::content::Canvas;
use crate::fonts::Face;
use crate::layout::{UsedGlyphs, PH, PW};
use crate::{truetype, PdfError};

/// zlib level of every stream. 6 is zlib's default; see docs/pdf.md for the measurements.
pub(crate) const COMPRESSION_LEVEL: u32 = 6;

/// The width every full-width CJK glyph has (in 1/1000 em): `/DW`, left out of `/W`.
pub(crate) const CJK_WIDTH: i32 = 1000;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::new(COMPRESSION_LEVEL), true);
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let before = c.total_in() as usize;
        match c.compress_vec(&data[before..], &mut out, flate2::FlushCompress::Finish) {
            Ok(flate2::Status::StreamEnd) => return out,
            Ok(_) => out.reserve(out.capacity().max(1024)),
            // Deflating a byte slice into a growing vector cannot fail.
            Err(_) => unreachable!("deflate of an in-memory buffer"),
        }
    }
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
    mut pages: Vec<Canvas>,
    used: &UsedGlyphs,
) -> Result<Vec<u8>, PdfError> {
    let sub = truetype::subset(face.bytes, used.list.iter().map(|(g, _)| *g))
        .map_err(|e| PdfError::Font(e.0))?;
    let mut new_id = vec![0u16; usize::from(sub.order.last().copied().unwrap_or(0)) + 1];
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

    let program = deflate(&sub.program);
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
