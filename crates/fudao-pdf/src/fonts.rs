//! The embedded CJK font faces and fast per-character metrics.

use printpdf::{ParsedFont, PdfFontParseWarning};

use crate::PdfError;

/// Noto Sans Hans Regular (OFL-1.1), see `assets/fonts/OFL.txt`.
pub(crate) const REGULAR_OTF: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansHans-Regular.otf");
/// Noto Sans Hans Bold (OFL-1.1), see `assets/fonts/OFL.txt`.
pub(crate) const BOLD_OTF: &[u8] = include_bytes!("../../../assets/fonts/NotoSansHans-Bold.otf");

/// Marks a BMP code point the font has no glyph for.
const NO_GLYPH: u16 = u16::MAX;

/// A parsed font face plus a precomputed advance table for the Basic Multilingual Plane, so
/// that measuring and coverage checks are a table look-up (the renderer measures every
/// character of every document).
pub(crate) struct Face {
    pub parsed: ParsedFont,
    /// Advance of every BMP code point in font units, or [`NO_GLYPH`].
    bmp: Vec<u16>,
    units_per_em: f32,
}

impl Face {
    /// Parses a font and builds its advance table.
    pub fn parse(bytes: &[u8], name: &str) -> Result<Self, PdfError> {
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| PdfError::Font(format!("{name}: {warnings:?}")))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let mut bmp = vec![NO_GLYPH; 0x1_0000];
        for (cp, slot) in bmp.iter_mut().enumerate() {
            if let Some(gid) = parsed.lookup_glyph_index(cp as u32) {
                if gid != 0 {
                    // A real advance never reaches u16::MAX font units.
                    *slot = parsed.get_horizontal_advance(gid).min(NO_GLYPH - 1);
                }
            }
        }
        Ok(Self {
            parsed,
            bmp,
            units_per_em,
        })
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
