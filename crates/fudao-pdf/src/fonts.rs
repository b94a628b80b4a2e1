//! The embedded CJK font face and fast per-character metrics.
//!
//! The font is parsed once per [`crate::Renderer`] (`ttf-parser`): a glyph id and an advance
//! for every code point of the Basic Multilingual Plane go into two tables, so measuring,
//! coverage checks and emitting glyph ids are table look-ups (the renderer measures every
//! character of every document). Nothing of the font is copied per document: the embedded
//! program is built from the original bytes by [`crate::truetype::subset`].
//!
//! One weight only: bold text is drawn with fill-and-stroke ("faux bold", as word processors do
//! for CJK faces without a bold weight). A second embedded weight doubled both the subsetting
//! time and the font bytes in every PDF.

use crate::PdfError;

/// WenQuanYi Micro Hei (Apache-2.0), without TrueType hinting; see `assets/fonts/README.md`
/// for how it is derived and why this face (plan size).
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/WenQuanYiMicroHei.ttf");

/// Marks a BMP code point the font has no glyph for.
const NO_GLYPH: u16 = u16::MAX;

/// Font-wide metrics for the PDF font descriptor, in 1/1000 em.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub bbox: [f32; 4],
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
}

/// A parsed font face plus precomputed glyph-id and advance tables for the Basic Multilingual
/// Plane.
pub(crate) struct Face {
    /// The font's file.
    pub bytes: &'static [u8],
    /// The PostScript-style name written (with a subset tag) as `/BaseFont`.
    pub name: &'static str,
    parsed: ttf_parser::Face<'static>,
    /// Glyph id of every BMP code point (0 = none).
    gid: Vec<u16>,
    /// Advance of every BMP code point in font units, or [`NO_GLYPH`].
    bmp: Vec<u16>,
    units_per_em: f32,
    pub metrics: Metrics,
}

impl Face {
    /// Parses a font and builds its look-up tables.
    pub fn parse(bytes: &'static [u8], name: &'static str) -> Result<Self, PdfError> {
        let parsed = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| PdfError::Font(format!("{name}: {e}")))?;
        let units_per_em = f32::from(parsed.units_per_em().max(1));
        let mut bmp = vec![NO_GLYPH; 0x1_0000];
        let mut gid = vec![0u16; 0x1_0000];
        let cmap = parsed
            .tables()
            .cmap
            .ok_or_else(|| PdfError::Font(format!("{name}: no cmap table")))?;
        for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            sub.codepoints(|cp| {
                if cp < 0x1_0000 && gid[cp as usize] == 0 {
                    if let Some(g) = sub.glyph_index(cp).filter(|g| g.0 != 0) {
                        gid[cp as usize] = g.0;
                        // A real advance never reaches u16::MAX font units.
                        bmp[cp as usize] =
                            parsed.glyph_hor_advance(g).unwrap_or(0).min(NO_GLYPH - 1);
                    }
                }
            });
        }
        let k = 1000.0 / units_per_em;
        let bb = parsed.global_bounding_box();
        let metrics = Metrics {
            bbox: [
                f32::from(bb.x_min) * k,
                f32::from(bb.y_min) * k,
                f32::from(bb.x_max) * k,
                f32::from(bb.y_max) * k,
            ],
            ascent: f32::from(parsed.ascender()) * k,
            descent: f32::from(parsed.descender()) * k,
            cap_height: f32::from(parsed.capital_height().unwrap_or(parsed.ascender())) * k,
        };
        Ok(Self {
            bytes,
            name,
            parsed,
            gid,
            bmp,
            units_per_em,
            metrics,
        })
    }

    /// Glyph id of `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        match self.gid.get(c as usize) {
            Some(0) => None,
            Some(g) => Some(*g),
            None => self.parsed.glyph_index(c).map(|g| g.0).filter(|g| *g != 0),
        }
    }

    /// Advance of glyph `gid` in 1/1000 em, truncated as printpdf wrote it (the PDF's `/W`
    /// unit; the digits' 550.78 stays 550, so the output did not change with the writer).
    pub fn glyph_width(&self, gid: u16) -> i32 {
        let units = self
            .parsed
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        (f32::from(units) * (1000.0 / self.units_per_em)) as i32
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
            let gid = self.parsed.glyph_index(c).filter(|g| g.0 != 0)?;
            self.parsed.glyph_hor_advance(gid).unwrap_or(0)
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
