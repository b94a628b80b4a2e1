//! TrueType (`glyf`) subsetting with compact glyph ids.
//!
//! The subset holds only the glyphs a document shows (plus `.notdef` and the components of
//! composite glyphs), with just the tables a PDF reader needs to draw a `CIDFontType2` font:
//! `head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf` (ISO 32000-1, 9.9: the font program may omit
//! `cmap`, `name`, `post`, `OS/2`). Glyphs are renumbered 0, 1, 2, …: first a fixed
//! [`Common`] block (the glyphs almost every document shows, in the order of their original
//! ids), then the document's other glyphs, in the order of their original ids. The common
//! outlines are thus the same bytes at the same place in every subset (right after the table
//! directory), so the writer deflates them once per process. The writer renumbers the glyph
//! codes of the content stream to the new ids, so `/CIDToGIDMap` stays `/Identity`, and `/W`
//! and `/ToUnicode` list the new ids. Components of composite glyphs are renumbered inside the
//! copied outlines. Keeping the original ids (an earlier design) made every subset carry `loca`
//! and `hmtx` for all 49,531 glyphs of the font: ≈ 400 KB to deflate per document for a few
//! hundred outlines.

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

/// The tables of a TrueType font a subset is built from.
struct Source<'f> {
    head: &'f [u8],
    maxp: &'f [u8],
    hhea: &'f [u8],
    hmtx: &'f [u8],
    glyf: &'f [u8],
    loca: Loca<'f>,
}

impl<'f> Source<'f> {
    fn parse(font: &'f [u8]) -> Result<Self, SubsetError> {
        let t = tables(font)?;
        let get = |tag: &[u8; 4]| {
            t.get(tag)
                .copied()
                .ok_or_else(|| err(&format!("no {} table", String::from_utf8_lossy(tag))))
        };
        let (head, maxp, glyf) = (get(b"head")?, get(b"maxp")?, get(b"glyf")?);
        Ok(Self {
            head,
            maxp,
            hhea: get(b"hhea")?,
            hmtx: get(b"hmtx")?,
            glyf,
            loca: Loca::new(head, maxp, get(b"loca")?, glyf.len())?,
        })
    }

    fn outline(&self, g: u16) -> Result<&'f [u8], SubsetError> {
        let (a, b) = self.loca.range(g)?;
        Ok(&self.glyf[a..b])
    }

    /// `glyphs` closed over composite components, without the ones `skip` holds (which must be
    /// closed already), sorted by id. Ids past `numGlyphs` are dropped.
    fn closure(
        &self,
        glyphs: impl IntoIterator<Item = u16>,
        skip: &[u16],
    ) -> Result<Vec<u16>, SubsetError> {
        let mut used: BTreeSet<u16> = BTreeSet::new();
        let mut todo: Vec<u16> = glyphs.into_iter().collect();
        while let Some(g) = todo.pop() {
            if usize::from(g) >= self.loca.num_glyphs
                || skip.binary_search(&g).is_ok()
                || !used.insert(g)
            {
                continue;
            }
            todo.extend(components(self.outline(g)?)?.into_iter().map(|(_, id)| id));
        }
        Ok(used.into_iter().collect())
    }

    /// Appends the outlines of `order` to `glyf` (each padded to 4 bytes, component ids
    /// mapped by `new_id`) and their offsets to `loca`.
    fn copy_outlines(
        &self,
        order: &[u16],
        new_id: impl Fn(u16) -> Option<u16>,
        glyf: &mut Vec<u8>,
        loca: &mut Vec<u8>,
    ) -> Result<(), SubsetError> {
        for g in order {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            let outline = self.outline(*g)?;
            let start = glyf.len();
            glyf.extend_from_slice(outline);
            for (at, old) in components(outline)? {
                let new = new_id(old).ok_or_else(|| err("component outside the subset"))?;
                glyf[start + at..start + at + 2].copy_from_slice(&new.to_be_bytes());
            }
            while !glyf.len().is_multiple_of(4) {
                glyf.push(0);
            }
        }
        Ok(())
    }
}

/// The glyphs every subset starts with (see `crate::common`): `.notdef` and the glyphs of the
/// characters (almost) every document shows, closed over composite components, sorted by
/// original id and numbered 0, 1, 2, … in that order. Their outlines are the first bytes of
/// `glyf`, and `glyf` is the first table after the table directory, so every subset program
/// holds these bytes at the same place ([`Subset::common_at`]).
pub(crate) struct Common {
    /// The original id of each common glyph (`order[new] = old`), sorted.
    pub order: Vec<u16>,
    /// Their outlines, each padded to 4 bytes, component ids renumbered.
    pub glyf: Vec<u8>,
    /// `loca` entries (big-endian u32) of the common glyphs.
    loca: Vec<u8>,
}

impl Common {
    /// The common block of `glyphs` (plus `.notdef`) in `font`.
    pub fn new(font: &[u8], glyphs: impl IntoIterator<Item = u16>) -> Result<Self, SubsetError> {
        let src = Source::parse(font)?;
        let order = src.closure(std::iter::once(0).chain(glyphs), &[])?;
        let (mut glyf, mut loca) = (Vec::new(), Vec::new());
        let new_id = |old: u16| order.binary_search(&old).ok().map(|i| i as u16);
        src.copy_outlines(&order, new_id, &mut glyf, &mut loca)?;
        Ok(Self { order, glyf, loca })
    }

    /// No common glyphs but `.notdef`: every subset is then sorted by original id.
    #[cfg(test)]
    pub fn none(font: &[u8]) -> Result<Self, SubsetError> {
        Self::new(font, [])
    }
}

/// A subset font program and the original id of each of its glyphs (`order[new] = old`).
pub(crate) struct Subset {
    pub program: Vec<u8>,
    pub order: Vec<u16>,
    /// Where the outlines of the [`Common`] glyphs start in `program` (they are the same
    /// bytes in every subset built on the same `Common`).
    pub common_at: usize,
}

/// A TrueType font holding the outlines of `common`'s glyphs and of `glyphs` (plus the
/// components of composite glyphs): first the common glyphs, with their fixed ids, then the
/// others, renumbered compactly in the order of their original ids.
pub(crate) fn subset(
    font: &[u8],
    common: &Common,
    glyphs: impl IntoIterator<Item = u16>,
) -> Result<Subset, SubsetError> {
    let src = Source::parse(font)?;
    let tail = src.closure(glyphs, &common.order)?;
    let base = common.order.len();
    let new_id = |old: u16| -> Option<u16> {
        match common.order.binary_search(&old) {
            Ok(i) => Some(i as u16),
            Err(_) => tail.binary_search(&old).ok().map(|i| (base + i) as u16),
        }
    };
    let total = base + tail.len();
    if total > usize::from(u16::MAX) {
        return Err(err("more than 65,535 glyphs"));
    }

    // glyf: the common outlines, then the others; long loca.
    let mut new_glyf = Vec::with_capacity(common.glyf.len() + 256 * tail.len());
    new_glyf.extend_from_slice(&common.glyf);
    let mut new_loca = Vec::with_capacity(4 * (total + 1));
    new_loca.extend_from_slice(&common.loca);
    src.copy_outlines(&tail, new_id, &mut new_glyf, &mut new_loca)?;
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = src.head.to_vec();
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
    let (hhea, hmtx) = (src.hhea, src.hmtx);
    let long_metrics = usize::from(u16_at(hhea, 34)?);
    if long_metrics == 0 {
        return Err(err("hhea without metrics"));
    }
    let mut new_hmtx = Vec::with_capacity(4 * total);
    for g in common.order.iter().chain(&tail) {
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
    let count = (total as u16).to_be_bytes();
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&count);
    let mut new_maxp = src.maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&count);

    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    out_tables.insert(*b"head", new_head);
    out_tables.insert(*b"hhea", new_hhea);
    out_tables.insert(*b"maxp", new_maxp);
    out_tables.insert(*b"hmtx", new_hmtx);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"glyf", new_glyf);
    // Tags sort as glyf, head, hhea, hmtx, loca, maxp: glyf comes right after the directory.
    debug_assert_eq!(out_tables.keys().next(), Some(b"glyf"));
    let common_at = 12 + 16 * out_tables.len();
    let mut order = Vec::with_capacity(total);
    order.extend_from_slice(&common.order);
    order.extend_from_slice(&tail);
    Ok(Subset {
        program: write_sfnt(&out_tables),
        order,
        common_at,
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
pub(crate) mod tests {
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
        // Without a common block (only `.notdef`), glyphs keep the order of their ids.
        let none = Common::none(font()).unwrap();
        let sub = subset(font(), &none, [guo, a, one, a]).unwrap();
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
        let sub = subset(font(), &Common::none(font()).unwrap(), [composite]).unwrap();
        let t = tables(&sub.program).unwrap();
        let sl = Loca::new(t[b"head"], t[b"maxp"], t[b"loca"], t[b"glyf"].len()).unwrap();
        let new = sub.order.iter().position(|g| *g == composite).unwrap() as u16;
        let (a, b) = sl.range(new).unwrap();
        let (fa, fb) = fl.range(composite).unwrap();
        let old_parts = components(&ft[b"glyf"][fa..fb]).unwrap();
        let new_parts = components(&t[b"glyf"][a..b]).unwrap();
        assert_eq!(old_parts.len(), new_parts.len());
        for ((_, old), (_, renumbered)) in old_parts.iter().zip(&new_parts) {
            assert_eq!(sub.order[usize::from(*renumbered)], *old);
        }
    }

    /// The drawing operations of an outline, for comparing glyphs across fonts.
    #[derive(Debug, Default, PartialEq)]
    struct Path(Vec<(u8, [f32; 6])>);

    impl ttf_parser::OutlineBuilder for Path {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push((b'M', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push((b'L', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.push((b'Q', [x1, y1, x, y, 0.0, 0.0]));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.push((b'C', [x1, y1, x2, y2, x, y]));
        }
        fn close(&mut self) {
            self.0.push((b'Z', [0.0; 6]));
        }
    }

    /// Asserts that `program` parses and that its glyph `new` draws exactly like glyph
    /// `order[new]` of the embedded font (outline, bounding box, advance, side bearing).
    pub(crate) fn assert_same_glyphs(program: &[u8], order: &[u16]) {
        let full = ttf_parser::Face::parse(font(), 0).unwrap();
        let sub = ttf_parser::Face::parse(program, 0).expect("the subset parses");
        assert_eq!(usize::from(sub.number_of_glyphs()), order.len());
        for (new, old) in order.iter().enumerate() {
            let (n, o) = (ttf_parser::GlyphId(new as u16), ttf_parser::GlyphId(*old));
            let (mut pn, mut po) = (Path::default(), Path::default());
            let bn = sub.outline_glyph(n, &mut pn);
            let bo = full.outline_glyph(o, &mut po);
            assert_eq!(bn, bo, "bounding box of glyph {old} (new {new})");
            assert_eq!(pn, po, "outline of glyph {old} (new {new})");
            assert_eq!(sub.glyph_hor_advance(n), full.glyph_hor_advance(o));
            assert_eq!(
                sub.glyph_hor_side_bearing(n),
                full.glyph_hor_side_bearing(o)
            );
        }
    }

    #[test]
    fn common_glyphs_come_first_with_fixed_ids_and_bytes() {
        let full = ttf_parser::Face::parse(font(), 0).unwrap();
        let g = |c: char| full.glyph_index(c).unwrap().0;
        let common = Common::new(font(), "的一是0A（".chars().map(g)).unwrap();
        assert_eq!(common.order[0], 0, ".notdef first");
        assert!(common.order.windows(2).all(|w| w[0] < w[1]));
        let a = subset(font(), &common, "国家B1的喆".chars().map(g)).unwrap();
        let b = subset(font(), &common, "是银行Z9".chars().map(g)).unwrap();
        for sub in [&a, &b] {
            let n = common.order.len();
            assert_eq!(
                sub.order[..n],
                common.order[..],
                "common glyphs first, fixed ids"
            );
            let tail = &sub.order[n..];
            assert!(tail.windows(2).all(|w| w[0] < w[1]), "the rest by id");
            assert!(tail.iter().all(|t| !common.order.contains(t)), "once each");
            // The common outlines sit right after the 108-byte table directory.
            assert_eq!(sub.common_at, 108);
            let at = sub.common_at;
            assert_eq!(&sub.program[at..at + common.glyf.len()], &common.glyf[..]);
            assert_eq!(&sub.program[12..16], b"glyf");
            assert_eq!(checksum(&sub.program), 0xB1B0_AFBA);
            assert_same_glyphs(&sub.program, &sub.order);
        }
        for c in "国家B1喆".chars() {
            assert!(a.order[common.order.len()..].contains(&g(c)), "{c}");
        }
        assert!(!a.order.contains(&g('银')) && b.order.contains(&g('银')));
    }

    #[test]
    fn not_a_truetype_font_is_refused() {
        let common = Common::none(font()).unwrap();
        assert!(subset(b"OTTO\0\0\0\0\0\0\0\0", &common, [1]).is_err());
        assert!(subset(b"", &common, [1]).is_err());
        assert!(Common::new(b"OTTO\0\0\0\0\0\0\0\0", [1]).is_err());
    }
}
