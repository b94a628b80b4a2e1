//! The embedded CJK font face and fast per-character metrics.
//!
//! # Why a "common" face
//! printpdf clones the font it is given for every document. So when the renderer is created we
//! subset the font once to the characters business documents use (ASCII, Latin-1, common
//! symbols, CJK punctuation, full-width forms and the 7,445 characters of GB 2312: ≈ 7,700
//! glyphs), keeping every glyph id ([`crate::truetype`]). A document whose text lies entirely
//! inside that set hands printpdf the small common face; every other document (a firm name
//! with a rare character) hands it the full face. Either way the embedded program is our own
//! id-keeping subset of just the glyphs the document shows, so the output is the same.
//!
//! One weight only: bold text is drawn with fill-and-stroke ("faux bold", as word processors do
//! for CJK faces without a bold weight). A second embedded weight doubled both the subsetting
//! time and the font bytes in every PDF.

use std::collections::BTreeSet;

use printpdf::{ParsedFont, PdfFontParseWarning};

use crate::{truetype, PdfError};

/// WenQuanYi Micro Hei (Apache-2.0), without TrueType hinting; see `assets/fonts/README.md`
/// for how it is derived and why this face (plan size).
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/WenQuanYiMicroHei.ttf");

/// Marks a BMP code point the font has no glyph for.
const NO_GLYPH: u16 = u16::MAX;

/// A parsed font face plus a precomputed advance table for the Basic Multilingual Plane, so
/// that measuring and coverage checks are a table look-up (the renderer measures every
/// character of every document).
pub(crate) struct Face {
    /// The full font's file.
    pub bytes: &'static [u8],
    /// The full font.
    pub parsed: ParsedFont,
    /// The full font subset to [`common_chars`], if building it succeeded.
    pub common: Option<ParsedFont>,
    /// Glyph id in `common` of every BMP code point (0 = not a common character).
    common_gid: Vec<u16>,
    /// Glyph id in `parsed` of every BMP code point (0 = none).
    full_gid: Vec<u16>,
    /// Advance of every BMP code point in font units, or [`NO_GLYPH`].
    bmp: Vec<u16>,
    units_per_em: f32,
}

impl Face {
    /// Parses a font, builds its advance table and its common-character face.
    pub fn parse(bytes: &'static [u8], name: &str) -> Result<Self, PdfError> {
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| PdfError::Font(format!("{name}: {warnings:?}")))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let mut bmp = vec![NO_GLYPH; 0x1_0000];
        let mut full_gid = vec![0u16; 0x1_0000];
        for (cp, (slot, g)) in bmp.iter_mut().zip(full_gid.iter_mut()).enumerate() {
            if let Some(gid) = parsed.lookup_glyph_index(cp as u32) {
                if gid != 0 {
                    // A real advance never reaches u16::MAX font units.
                    *slot = parsed.get_horizontal_advance(gid).min(NO_GLYPH - 1);
                    *g = gid;
                }
            }
        }
        let mut face = Self {
            bytes,
            parsed,
            common: None,
            common_gid: vec![0; 0x1_0000],
            full_gid,
            bmp,
            units_per_em,
        };
        face.build_common(bytes);
        Ok(face)
    }

    /// Subsets the full font to the common characters it covers, keeping glyph ids. On any
    /// failure the face simply has no common subset and every document uses the full font.
    fn build_common(&mut self, bytes: &[u8]) {
        let mut glyphs: BTreeSet<u16> = BTreeSet::new();
        let mut chars = Vec::new();
        for c in common_chars() {
            if let Some(gid) = self.parsed.lookup_glyph_index(c as u32).filter(|g| *g != 0) {
                glyphs.insert(gid);
                chars.push(c);
            }
        }
        let Ok(subset) = truetype::subset(bytes, glyphs, truetype::Tables::All) else {
            return;
        };
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        let Some(common) = ParsedFont::from_bytes(&subset, 0, &mut warnings) else {
            return;
        };
        // Only characters the subset really maps, with the same advance, count as common.
        for c in chars {
            if let Some(gid) = common.lookup_glyph_index(c as u32).filter(|g| *g != 0) {
                if common.get_horizontal_advance(gid).min(NO_GLYPH - 1) == self.bmp[c as usize] {
                    self.common_gid[c as usize] = gid;
                }
            }
        }
        self.common = Some(common);
    }

    /// Whether `c` can be drawn with the common face.
    pub fn is_common(&self, c: char) -> bool {
        self.common_gid.get(c as usize).is_some_and(|g| *g != 0)
    }

    /// Glyph id of `c` in the common face (`common == true`) or the full font, if any.
    pub fn glyph(&self, c: char, common: bool) -> Option<u16> {
        let cp = c as usize;
        let table = if common {
            &self.common_gid
        } else {
            &self.full_gid
        };
        match table.get(cp) {
            Some(0) => None,
            Some(g) => Some(*g),
            None if common => None,
            None => self.parsed.lookup_glyph_index(c as u32).filter(|g| *g != 0),
        }
    }

    /// Advance of `c` in em (1.0 = the font size), or `None` if the font lacks the glyph.
    pub fn advance(&self, c: char) -> Option<f32> {
        let cp = c as u32;
        let units = if cp < 0x1_0000 {
            match self.bmp[cp as usize] {
                NO_GLYPH => return None,
                a => a,
            }
        } else {
            let gid = self.parsed.lookup_glyph_index(cp).filter(|g| *g != 0)?;
            self.parsed.get_horizontal_advance(gid)
        };
        Some(f32::from(units) / self.units_per_em)
    }

    /// Whether the font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.advance(c).is_some()
    }

    /// Width of `s` at `size` pt (characters without a glyph count as zero; documents are
    /// checked for coverage before layout).
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars()
            .map(|c| self.advance(c).unwrap_or(0.0))
            .sum::<f32>()
            * size
    }
}

/// The characters of the common face: printable ASCII and Latin-1, general punctuation,
/// letter-like symbols, number forms, arrows, enclosed numbers, box drawing and geometric
/// shapes, CJK symbols and punctuation, full-width forms, and every character of GB 2312
/// (decoded from its EUC-CN code table, so the list is exact rather than typed in).
pub(crate) fn common_chars() -> Vec<char> {
    let ranges: [(u32, u32); 11] = [
        (0x20, 0x7e),
        (0xa0, 0xff),
        (0x2000, 0x206f),
        (0x2100, 0x214f),
        (0x2150, 0x218f),
        (0x2190, 0x21ff),
        (0x2460, 0x24ff),
        (0x2500, 0x257f),
        (0x25a0, 0x25ff),
        (0x3000, 0x303f),
        (0xff00, 0xffef),
    ];
    let mut out: Vec<char> = ranges
        .iter()
        .flat_map(|(a, b)| (*a..=*b).filter_map(char::from_u32))
        .collect();
    let mut euc = Vec::with_capacity(2 * 94 * 87);
    for hi in 0xa1u8..=0xf7 {
        for lo in 0xa1u8..=0xfe {
            euc.push(hi);
            euc.push(lo);
        }
    }
    let (text, _, _) = encoding_rs::GBK.decode(&euc);
    out.extend(
        text.chars()
            .filter(|c| *c != char::REPLACEMENT_CHARACTER && !c.is_ascii()),
    );
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_chars_hold_gb2312_and_punctuation() {
        let chars = common_chars();
        for c in ['济', '南', '鑫', '“', '」', '，', '％', '①', 'A', '·', '—'] {
            assert!(chars.binary_search(&c).is_ok(), "{c}");
        }
        // 喆 is common in firm names but outside GB 2312: it must take the full-font path.
        assert!(chars.binary_search(&'喆').is_err());
        assert!(chars.len() > 7_000, "{}", chars.len());
    }
}
