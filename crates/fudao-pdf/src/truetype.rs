//! TrueType (`glyf`) subsetting with compact glyph ids.
//!
//! The subset holds only the glyphs a document shows (plus `.notdef` and the components of
//! composite glyphs), renumbered 0, 1, 2, … in the order of their original ids, with just the
//! tables a PDF reader needs to draw a `CIDFontType2` font: `head`, `hhea`, `maxp`, `hmtx`,
//! `loca`, `glyf` (ISO 32000-1, 9.9: the font program may omit `cmap`, `name`, `post`,
//! `OS/2`). The writer renumbers the glyph codes of the content stream to the new ids, so
//! `/CIDToGIDMap` stays `/Identity`, and `/W` and `/ToUnicode` list the new ids. Components of
//! composite glyphs are renumbered inside the copied outlines. Keeping the original ids (the
//! previous design) made every subset carry `loca` and `hmtx` for all 49,531 glyphs of the
//! font: ≈ 400 KB to deflate per document for a few hundred outlines.

use std::collections::{BTreeMap, BTreeSet};

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

/// Reads `loca`: the byte range of glyph `g` in `glyf`.
struct Loca<'f> {
    loca: &'f [u8],
    long: bool,
    glyf_len: usize,
    num_glyphs: usize,
}

impl<'f> Loca<'f> {
    fn new(head: &[u8], maxp: &[u8], loca: &'f [u8], glyf_len: usize) -> Result<Self, SubsetError> {
        Ok(Self {
            loca,
            long: u16_at(head, 50)? == 1,
            glyf_len,
            num_glyphs: usize::from(u16_at(maxp, 4)?),
        })
    }

    fn offset(&self, i: usize) -> Result<usize, SubsetError> {
        if self.long {
            Ok(u32_at(self.loca, 4 * i)? as usize)
        } else {
            Ok(2 * usize::from(u16_at(self.loca, 2 * i)?))
        }
    }

    fn range(&self, g: u16) -> Result<(usize, usize), SubsetError> {
        let g = usize::from(g);
        if g >= self.num_glyphs {
            return Err(err("glyph id past numGlyphs"));
        }
        let (a, b) = (self.offset(g)?, self.offset(g + 1)?);
        if a > b || b > self.glyf_len {
            return Err(err("loca out of order or past glyf"));
        }
        Ok((a, b))
    }
}

/// The glyph ids a composite glyph refers to, with the offset of each id in the glyph.
fn components(glyph: &[u8]) -> Result<Vec<(usize, u16)>, SubsetError> {
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
        out.push((at + 2, u16_at(glyph, at + 2)?));
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

/// A subset font program and the original id of each of its glyphs (`order[new] = old`).
pub(crate) struct Subset {
    pub program: Vec<u8>,
    pub order: Vec<u16>,
}

/// A TrueType font holding the outlines of `glyphs` (plus `.notdef` and the components of
/// composite glyphs), renumbered compactly in the order of their original ids.
pub(crate) fn subset(
    font: &[u8],
    glyphs: impl IntoIterator<Item = u16>,
) -> Result<Subset, SubsetError> {
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
    let loca = Loca::new(head, maxp, loca, glyf.len())?;

    // Used glyphs, closed over composite components.
    let mut used: BTreeSet<u16> = BTreeSet::new();
    let mut todo: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    while let Some(g) = todo.pop() {
        if usize::from(g) >= loca.num_glyphs || !used.insert(g) {
            continue;
        }
        let (a, b) = loca.range(g)?;
        todo.extend(components(&glyf[a..b])?.into_iter().map(|(_, id)| id));
    }
    let order: Vec<u16> = used.into_iter().collect();
    let new_id = |old: u16| -> Result<u16, SubsetError> {
        order
            .binary_search(&old)
            .map(|i| i as u16)
            .map_err(|_| err("component outside the subset"))
    };

    // New glyf (each glyph padded to 4 bytes, component ids renumbered) and long loca.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (order.len() + 1));
    for g in &order {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let (a, b) = loca.range(*g)?;
        let start = new_glyf.len();
        new_glyf.extend_from_slice(&glyf[a..b]);
        for (at, old) in components(&glyf[a..b])? {
            new_glyf[start + at..start + at + 2].copy_from_slice(&new_id(old)?.to_be_bytes());
        }
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
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

    // Every glyph gets a long metric (advance, left side bearing), both exact: readers take
    // advances from /W, but FreeType places a TrueType outline by its left side bearing.
    let long_metrics = usize::from(u16_at(hhea, 34)?);
    if long_metrics == 0 {
        return Err(err("hhea without metrics"));
    }
    let mut new_hmtx = Vec::with_capacity(4 * order.len());
    for g in &order {
        let g = usize::from(*g);
        let (advance, lsb) = if g < long_metrics {
            (u16_at(hmtx, 4 * g)?, u16_at(hmtx, 4 * g + 2)?)
        } else {
            (
                u16_at(hmtx, 4 * (long_metrics - 1))?,
                u16_at(hmtx, 4 * long_metrics + 2 * (g - long_metrics))?,
            )
        };
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    let count = (order.len() as u16).to_be_bytes();
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&count);
    let mut new_maxp = maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&count);

    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    out_tables.insert(*b"head", new_head);
    out_tables.insert(*b"hhea", new_hhea);
    out_tables.insert(*b"maxp", new_maxp);
    out_tables.insert(*b"hmtx", new_hmtx);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"glyf", new_glyf);
    Ok(Subset {
        program: write_sfnt(&out_tables),
        order,
    })
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
    fn subset_holds_only_the_used_outlines_renumbered_in_order() {
        let full = ttf_parser::Face::parse(font(), 0).unwrap();
        let guo = full.glyph_index('国').unwrap().0;
        let a = full.glyph_index('A').unwrap().0;
        let one = full.glyph_index('1').unwrap().0;
        let sub = subset(font(), [guo, a, one, a]).unwrap();
        let t = tables(&sub.program).unwrap();
        assert!(!t.contains_key(b"cmap") && !t.contains_key(b"name"));
        let ft = tables(font()).unwrap();
        let fl = Loca::new(ft[b"head"], ft[b"maxp"], ft[b"loca"], ft[b"glyf"].len()).unwrap();
        // .notdef, the used glyphs and their components (国 is a composite), in id order.
        let mut want = vec![0, a, one, guo];
        for g in [a, one, guo] {
            let (s, e) = fl.range(g).unwrap();
            want.extend(
                components(&ft[b"glyf"][s..e])
                    .unwrap()
                    .iter()
                    .map(|(_, c)| *c),
            );
        }
        want.sort_unstable();
        want.dedup();
        assert!(want.len() > 4, "国 brings its components");
        assert_eq!(sub.order, want);
        let sl = Loca::new(t[b"head"], t[b"maxp"], t[b"loca"], t[b"glyf"].len()).unwrap();
        assert_eq!(sl.num_glyphs, want.len());
        let parsed = ttf_parser::Face::parse(&sub.program, 0).expect("the subset parses");
        assert_eq!(usize::from(parsed.number_of_glyphs()), want.len());
        for (new, old) in sub.order.iter().enumerate() {
            let (a0, b0) = fl.range(*old).unwrap();
            let (a1, b1) = sl.range(new as u16).unwrap();
            // The same outline bytes, padded to 4 bytes.
            assert_eq!(b1 - a1, (b0 - a0).div_ceil(4) * 4, "glyph {old}");
            let mut orig = ft[b"glyf"][a0..b0].to_vec();
            // Composite glyphs differ only in their (renumbered) component ids.
            for (at, c) in components(&orig).unwrap() {
                let renumbered = sub.order.binary_search(&c).unwrap() as u16;
                orig[at..at + 2].copy_from_slice(&renumbered.to_be_bytes());
            }
            assert_eq!(&orig[..], &t[b"glyf"][a1..a1 + b0 - a0], "glyph {old}");
            // Advance and left side bearing kept exactly.
            let (n, o) = (ttf_parser::GlyphId(new as u16), ttf_parser::GlyphId(*old));
            assert_eq!(parsed.glyph_hor_advance(n), full.glyph_hor_advance(o));
            assert_eq!(
                parsed.glyph_hor_side_bearing(n),
                full.glyph_hor_side_bearing(o)
            );
        }
        // The checksum adjustment makes the whole file sum to the magic number.
        assert_eq!(checksum(&sub.program), 0xB1B0_AFBA);
        // A few hundred bytes, not the 400 KB of loca and hmtx of every glyph.
        assert!(sub.program.len() < 4096, "{} bytes", sub.program.len());
    }

    #[test]
    fn composite_components_are_followed() {
        // A composite glyph: one component (flags: words, more = 0) referring to glyph 7.
        let mut g = vec![0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10];
        g.extend_from_slice(&[0x00, 0x01, 0x00, 0x07, 0, 0, 0, 0]);
        assert_eq!(components(&g).unwrap(), vec![(12, 7)]);
        // Two components, the first with a scale.
        let mut g2 = vec![0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10];
        g2.extend_from_slice(&[0x00, 0x28, 0x00, 0x03, 1, 2, 0x40, 0x00]);
        g2.extend_from_slice(&[0x00, 0x00, 0x00, 0x09, 1, 2]);
        assert_eq!(components(&g2).unwrap(), vec![(12, 3), (20, 9)]);
        // A simple glyph has none.
        assert!(components(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn composite_glyphs_of_the_font_keep_their_components_renumbered() {
        let ft = tables(font()).unwrap();
        let fl = Loca::new(ft[b"head"], ft[b"maxp"], ft[b"loca"], ft[b"glyf"].len()).unwrap();
        let Some(composite) = (0..fl.num_glyphs as u16).find(|g| {
            let (a, b) = fl.range(*g).unwrap();
            !components(&ft[b"glyf"][a..b]).unwrap().is_empty()
        }) else {
            return; // the face has no composite glyphs
        };
        let sub = subset(font(), [composite]).unwrap();
        let t = tables(&sub.program).unwrap();
        let sl = Loca::new(t[b"head"], t[b"maxp"], t[b"loca"], t[b"glyf"].len()).unwrap();
        let new = sub.order.binary_search(&composite).unwrap() as u16;
        let (a, b) = sl.range(new).unwrap();
        let (fa, fb) = fl.range(composite).unwrap();
        let old_parts = components(&ft[b"glyf"][fa..fb]).unwrap();
        let new_parts = components(&t[b"glyf"][a..b]).unwrap();
        assert_eq!(old_parts.len(), new_parts.len());
        for ((_, old), (_, renumbered)) in old_parts.iter().zip(&new_parts) {
            assert_eq!(sub.order[usize::from(*renumbered)], *old);
        }
    }

    #[test]
    fn not_a_truetype_font_is_refused() {
        assert!(subset(b"OTTO\0\0\0\0\0\0\0\0", [1]).is_err());
        assert!(subset(b"", [1]).is_err());
    }
}
