//! Drawing primitives: colours, the face with the glyphs a document shows, and the pen that writes a page.

use super::*;

/// Justification never adds more than this (in em) between two characters: a line that would
/// need more is left ragged.
pub(crate) const MAX_JUSTIFY_EM: f32 = 0.12;

/// Extra spacing after each character that justifies a line of `n` characters and natural
/// width `natural` to `target`, or 0 when the line stays ragged (no slack, one character,
/// or more than [`MAX_JUSTIFY_EM`] needed).
pub(crate) fn justify_spacing(natural: f32, target: f32, n: usize, size: f32) -> f32 {
    if n < 2 {
        return 0.0;
    }
    let t = (target - natural) / (n - 1) as f32;
    if t > 0.0 && t <= size * MAX_JUSTIFY_EM {
        t
    } else {
        0.0
    }
}

/// An RGB colour, components 0–1.
pub(crate) type C3 = (f32, f32, f32);
pub(crate) const INK: C3 = (0.12, 0.12, 0.14);
pub(crate) const GREY: C3 = (0.42, 0.43, 0.46);
pub(crate) const ACCENT: C3 = (0.07, 0.26, 0.50);
pub(crate) const RULE: C3 = (0.62, 0.64, 0.68);
pub(crate) const GRID: C3 = (0.85, 0.86, 0.88);
pub(super) const HEADER_FILL: C3 = (0.88, 0.92, 0.97);
pub(super) const LABEL_FILL: C3 = (0.95, 0.96, 0.97);

/// The embedded face, and the glyphs a document shows (for the subset and `/ToUnicode`).
/// Bold is drawn as faux bold (fill and stroke) with the same advances, see [`crate::fonts`].
pub(crate) struct Fonts<'a> {
    pub face: &'a Face,
    pub used: RefCell<UsedGlyphs>,
}

impl<'a> Fonts<'a> {
    pub fn new(face: &'a Face) -> Self {
        Self {
            face,
            used: RefCell::new(UsedGlyphs::default()),
        }
    }
}

/// The glyphs shown, each with the first character it was shown for.
#[derive(Debug)]
pub(crate) struct UsedGlyphs {
    seen: Vec<u64>,
    pub list: Vec<(u16, char)>,
}

impl Default for UsedGlyphs {
    fn default() -> Self {
        Self {
            seen: vec![0; 0x1_0000 / 64],
            list: Vec::with_capacity(1024),
        }
    }
}

impl UsedGlyphs {
    pub(super) fn note(&mut self, gid: u16, c: char) {
        let (w, bit) = (usize::from(gid / 64), 1u64 << (gid % 64));
        if self.seen[w] & bit == 0 {
            self.seen[w] |= bit;
            self.list.push((gid, c));
        }
    }
}

/// Stroke width of faux bold, in em.
pub(super) const FAUX_BOLD_STROKE: f32 = 0.032;

impl Fonts<'_> {
    pub fn face(&self, _bold: bool) -> &Face {
        self.face
    }
    pub fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(s, size)
    }
    /// Breaks `s` into lines of at most `width` pt.
    pub fn lines(&self, s: &str, size: f32, bold: bool, first: f32, width: f32) -> Vec<LineSpan> {
        let face = self.face(bold);
        break_lines(s, first, width, |c| face.advance(c).unwrap_or(0.0) * size)
    }
    /// `s` shortened with "…" to fit `max` pt.
    pub fn elide(&self, s: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(s, size, bold) <= max {
            return s.to_string();
        }
        let face = self.face(bold);
        let budget = max - face.width("…", size);
        let mut w = 0.0;
        let mut out = String::new();
        for c in s.chars() {
            w += face.advance(c).unwrap_or(0.0) * size;
            if w > budget {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }
}

/// Baseline for text of `size` centred vertically in a line box of height `lh` at `top`
/// (a CJK em box spans about 0.88 above to 0.12 below the baseline).
pub(crate) fn baseline(top: f32, lh: f32, size: f32) -> f32 {
    top + (lh - size) / 2.0 + 0.88 * size
}

/// Draws on one page. Coordinates are top-left based, in points.
pub(crate) struct Pen<'p, 'f> {
    pub ops: &'p mut Canvas,
    pub f: &'p Fonts<'f>,
}

impl Pen<'_, '_> {
    /// Text with its baseline start at (`x`, `y`); `tc` is extra spacing after each character.
    #[allow(clippy::too_many_arguments)]
    pub fn text(&mut self, s: &str, x: f32, y: f32, size: f32, bold: bool, color: C3, tc: f32) {
        if s.is_empty() {
            return;
        }
        // Glyph ids straight from our tables, noted for the subset and /ToUnicode.
        let face = self.f.face;
        let mut used = self.f.used.borrow_mut();
        let glyphs = s.chars().filter_map(|c| {
            let gid = face.glyph(c)?;
            used.note(gid, c);
            Some(gid)
        });
        self.ops.text(
            glyphs,
            x,
            PH - y,
            size,
            color,
            bold.then_some(size * FAUX_BOLD_STROKE),
            tc,
        );
    }

    /// Text aligned within [x, x + w].
    #[allow(clippy::too_many_arguments)]
    pub fn text_aligned(
        &mut self,
        s: &str,
        x: f32,
        w: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: C3,
        align: Align,
    ) {
        let tw = self.f.width(s, size, bold);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(s, x, y, size, bold, color, 0.0);
    }

    /// A straight polyline.
    pub fn line(&mut self, points: &[(f32, f32)], width: f32, color: C3) {
        let pts: Vec<(f32, f32)> = points.iter().map(|(x, y)| (*x, PH - y)).collect();
        self.ops.polyline(&pts, width, color);
    }

    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, width: f32, color: C3) {
        self.ops
            .polyline(&[(x0, PH - y), (x1, PH - y)], width, color);
    }

    /// A filled rectangle with top-left corner (x, y).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: C3) {
        self.ops.fill_rect(x, PH - y - h, w, h, color);
    }

    /// A closed polygon, filled and/or stroked.
    pub fn polygon(&mut self, points: &[(f32, f32)], fill: Option<C3>, stroke: Option<(C3, f32)>) {
        let pts: Vec<(f32, f32)> = points.iter().map(|(x, y)| (*x, PH - y)).collect();
        self.ops.polygon(&pts, fill, stroke);
    }
}
