//! TrueType (`glyf`) subsetting that keeps every glyph id.
//!
//! The PDF addresses glyphs of a `CIDFontType2` font by glyph id (`/CIDToGIDMap /Identity`), so
//! a subset that keeps the ids needs no renumbering of the content stream, `/W` or
//! `/ToUnicode`: unused glyphs simply become empty (a zero-length `loca` entry) and their
//! metrics zero. The long runs of equal `loca` offsets and zero metrics deflate to almost
//! nothing, so the file holds little more than the used outlines. (The used glyphs' metrics
//! stay exact: FreeType places a TrueType outline by its left side bearing; zeroing them all
//! shifted glyphs in poppler's rendering.)
//!
//! The same step also builds the renderer's common-character face once (with `cmap` and the
//! naming tables kept, so it can be parsed as a font of its own).

use std::collections::{BTreeMap, BTreeSet};

/// Which tables a subset keeps besides `glyf` and `loca` (which are always rebuilt).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tables {
    /// Only what a PDF reader needs to draw a `CIDFontType2` font: `head`, `hhea`, `maxp`,
    /// `hmtx` (ISO 32000-1, 9.9: the font program may omit `cmap`, `name`, `post`, `OS/2`).
    /// Metrics of unused glyphs are zeroed.
    Pdf,
    /// Every table of the source font (a font of its own, parsable and with its `cmap`).
    All,
}

/// Why a font could not be subset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SubsetError(pub String);

fn err(what: &str) -> SubsetError {
    SubsetError(format!("TrueType font: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, SubsetError> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| err("truncated"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, SubsetError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| err("truncated"))
}

/// The tables of a single-face sfnt, by tag.
fn tables(font: &[u8]) -> Result<BTreeMap<[u8; 4], &[u8]>, SubsetError> {
    if u32_at(font, 0)? != 0x0001_0000 {
        return Err(err("not a TrueType (glyf) font"));
    }
    let count = usize::from(u16_at(font, 4)?);
    let mut out = BTreeMap::new();
    for i in 0..count {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font
            .get(rec..rec + 4)
            .ok_or_else(|| err("truncated table directory"))?
            .try_into()
            .map_err(|_| err("bad tag"))?;
        let offset = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        let data = font
            .get(offset..offset + len)
            .ok_or_else(|| err("table outside the file"))?;
        out.insert(tag, data);
    }
    Ok(out)
}

/// Byte ranges of every glyph in `glyf`, from `loca`.
fn glyph_ranges(
    head: &[u8],
    maxp: &[u8],
    loca: &[u8],
    glyf_len: usize,
) -> Result<Vec<(usize, usize)>, SubsetError> {
    let num_glyphs = usize::from(u16_at(maxp, 4)?);
    let long = u16_at(head, 50)? == 1;
    let offset = |i: usize| -> Result<usize, SubsetError> {
        if long {
            Ok(u32_at(loca, 4 * i)? as usize)
        } else {
            Ok(2 * usize::from(u16_at(loca, 2 * i)?))
        }
    };
    let mut out = Vec::with_capacity(num_glyphs);
    for i in 0..num_glyphs {
        let (a, b) = (offset(i)?, offset(i + 1)?);
        if a > b || b > glyf_len {
            return Err(err("loca out of order or past glyf"));
        }
        out.push((a, b));
    }
    Ok(out)
}

/// The glyph ids a composite glyph refers to.
fn components(glyph: &[u8]) -> Result<Vec<u16>, SubsetError> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let mut out = Vec::new();
    if glyph.len() < 10 || i16::from_be_bytes([glyph[0], glyph[1]]) >= 0 {
        return Ok(out);
    }
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        out.push(u16_at(glyph, at + 2)?);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(out);
        }
    }
}

/// A TrueType font holding the outlines of `glyphs` (plus `.notdef` and the components of
/// composite glyphs) under their original ids; every other glyph is empty.
pub(crate) fn subset(
    font: &[u8],
    glyphs: impl IntoIterator<Item = u16>,
    keep: Tables,
) -> Result<Vec<u8>, SubsetError> {
    let t = tables(font)?;
    let get = |tag: &[u8; 4]| {
        t.get(tag)
            .copied()
            .ok_or_else(|| err(&format!("no {} table", String::from_utf8_lossy(tag))))
    };
    let (head, maxp, loca, glyf, hhea, hmtx) = (
        get(b"head")?,
        get(b"maxp")?,
        get(b"loca")?,
        get(b"glyf")?,
        get(b"hhea")?,
        get(b"hmtx")?,
    );
    let ranges = glyph_ranges(head, maxp, loca, glyf.len())?;
    let n = ranges.len();

    // Used glyphs, closed over composite components.
    let mut used: BTreeSet<u16> = BTreeSet::new();
    let mut todo: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    while let Some(g) = todo.pop() {
        if usize::from(g) >= n || !used.insert(g) {
            continue;
        }
        let (a, b) = ranges[usize::from(g)];
        todo.extend(components(&glyf[a..b])?);
    }

    // New glyf (each glyph padded to 4 bytes) and long loca.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (n + 1));
    for (g, (a, b)) in ranges.iter().enumerate() {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if used.contains(&(g as u16)) {
            new_glyf.extend_from_slice(&glyf[*a..*b]);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head
        .get_mut(8..12)
        .ok_or_else(|| err("short head"))?
        .fill(0); // checksumAdjustment, set below
    new_head
        .get_mut(50..52)
        .ok_or_else(|| err("short head"))?
        .copy_from_slice(&1u16.to_be_bytes());

    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    match keep {
        Tables::All => {
            for (tag, data) in &t {
                out_tables.insert(*tag, data.to_vec());
            }
        }
        Tables::Pdf => {
            out_tables.insert(*b"hhea", hhea.to_vec());
            out_tables.insert(*b"maxp", maxp.to_vec());
            // Zero the metrics of unused glyphs. Used ones stay exact: readers take advances
            // from /W, but FreeType places a TrueType outline by its left side bearing.
            let long_metrics = usize::from(u16_at(hhea, 34)?);
            let mut m = hmtx.to_vec();
            for g in (0..n).filter(|g| !used.contains(&(*g as u16))) {
                let (at, len) = if g < long_metrics {
                    (4 * g, 4)
                } else {
                    (4 * long_metrics + 2 * (g - long_metrics), 2)
                };
                if let Some(s) = m.get_mut(at..at + len) {
                    s.fill(0);
                }
            }
            out_tables.insert(*b"hmtx", m);
        }
    }
    out_tables.insert(*b"head", new_head);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"glyf", new_glyf);
    Ok(write_sfnt(&out_tables))
}

/// Sum of big-endian u32 words, the last one zero-padded (the sfnt table checksum).
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Writes an sfnt with `tables` (sorted by tag, each 4-byte aligned, with checksums and
/// `head.checksumAdjustment`).
fn write_sfnt(tables: &BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let n = tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let search_range = pow * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search_range, log, n * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> &'static [u8] {
        crate::fonts::REGULAR_TTF
    }

    #[test]
    fn subset_keeps_ids_and_only_the_used_outlines() {
        let full = tables(font()).unwrap();
        let ranges = glyph_ranges(
            full[b"head"],
            full[b"maxp"],
            full[b"loca"],
            full[b"glyf"].len(),
        )
        .unwrap();
        // Glyph ids of 国 and A in the full font.
        let face = printpdf::ParsedFont::from_bytes(font(), 0, &mut Vec::new()).unwrap();
        let guo = face.lookup_glyph_index('国' as u32).unwrap();
        let a = face.lookup_glyph_index('A' as u32).unwrap();
        let sub = subset(font(), [guo, a], Tables::Pdf).unwrap();
        // Empty loca runs and zeroed metrics deflate to almost nothing.
        let deflated = {
            use std::io::Write;
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
            z.write_all(&sub).unwrap();
            z.finish().unwrap().len()
        };
        assert!(deflated < 8 * 1024, "{deflated} bytes deflated");
        let t = tables(&sub).unwrap();
        assert!(!t.contains_key(b"cmap") && !t.contains_key(b"name"));
        let sr = glyph_ranges(t[b"head"], t[b"maxp"], t[b"loca"], t[b"glyf"].len()).unwrap();
        assert_eq!(sr.len(), ranges.len(), "every id kept");
        for g in [0, guo, a] {
            let (a0, b0) = ranges[usize::from(g)];
            let (a1, b1) = sr[usize::from(g)];
            // The same outline bytes, padded to 4 bytes.
            assert_eq!(b1 - a1, (b0 - a0).div_ceil(4) * 4, "glyph {g}");
            assert_eq!(
                &full[b"glyf"][a0..b0],
                &t[b"glyf"][a1..a1 + b0 - a0],
                "glyph {g}"
            );
            assert!(b1 > a1, "glyph {g} has an outline");
        }
        let empty = (1..ranges.len()).filter(|g| sr[*g].0 == sr[*g].1).count();
        // Only .notdef, 国, A and their composite components keep outlines.
        assert!(empty >= ranges.len() - 8, "{empty} of {}", ranges.len());
        // The checksum adjustment makes the whole file sum to the magic number.
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
    }

    #[test]
    fn composite_components_are_followed() {
        // A composite glyph: one component (flags: words, more = 0) referring to glyph 7.
        let mut g = vec![0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10];
        g.extend_from_slice(&[0x00, 0x01, 0x00, 0x07, 0, 0, 0, 0]);
        assert_eq!(components(&g).unwrap(), vec![7]);
        // Two components, the first with a scale.
        let mut g2 = vec![0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10];
        g2.extend_from_slice(&[0x00, 0x28, 0x00, 0x03, 1, 2, 0x40, 0x00]);
        g2.extend_from_slice(&[0x00, 0x00, 0x00, 0x09, 1, 2]);
        assert_eq!(components(&g2).unwrap(), vec![3, 9]);
        // A simple glyph has none.
        assert!(components(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn not_a_truetype_font_is_refused() {
        assert!(subset(b"OTTO\0\0\0\0\0\0\0\0", [1], Tables::Pdf).is_err());
        assert!(subset(b"", [1], Tables::Pdf).is_err());
    }
}
