//! One page's content stream, written directly as bytes.
//!
//! The layout draws through [`Canvas`], which writes PDF operators straight into a buffer:
//! numbers as fixed-point hundredths of a point (no float formatting), graphics and text state
//! only when it changes (colour, line width, font size, character spacing, rendering mode),
//! consecutive text lines in one text object positioned with relative `Td`, and consecutive
//! strokes of the same colour and width as one path. Glyphs are written as 4-digit hex glyph
//! ids of the full font; their positions are kept so that the writer can renumber them to the
//! subset's compact ids afterwards (see [`crate::truetype::subset`]).

/// A colour with components rounded to hundredths.
type Rgb100 = [i32; 3];

fn rgb100(c: (f32, f32, f32)) -> Rgb100 {
    [hundredths(c.0), hundredths(c.1), hundredths(c.2)]
}

/// `v` in hundredths, rounded.
pub(crate) fn hundredths(v: f32) -> i32 {
    (f64::from(v) * 100.0).round() as i32
}

/// How a closed path is painted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Paint {
    Fill,
    Stroke,
    FillStroke,
}

/// The content stream of one page under construction.
#[derive(Debug, Default)]
pub(crate) struct Canvas {
    pub buf: Vec<u8>,
    /// Offsets in `buf` of every 4-digit glyph id.
    pub glyph_at: Vec<u32>,
    fill: Option<Rgb100>,
    stroke: Option<Rgb100>,
    line_width: Option<i32>,
    font_size: Option<i32>,
    /// Character spacing (hundredths of a point); 0 at the start of a page.
    tc: i32,
    /// Text rendering mode; 0 (fill) at the start of a page.
    tr: u8,
    /// Inside `BT … ET`, with the start of the current line (hundredths).
    text_at: Option<(i32, i32)>,
    /// A stroked path is open (painted by the next operation that is not a stroke of the
    /// same colour and width).
    open_stroke: bool,
}

impl Canvas {
    pub fn new() -> Self {
        Self {
            buf: Vec::with_capacity(16 * 1024),
            glyph_at: Vec::with_capacity(2048),
            ..Self::default()
        }
    }

    /// Writes a number given in hundredths, shortest form (`12`, `12.5`, `-0.25`).
    fn num(&mut self, h: i32) {
        if h < 0 {
            self.buf.push(b'-');
        }
        let a = h.unsigned_abs();
        let mut ibuf = itoa::Buffer::new();
        self.buf.extend_from_slice(ibuf.format(a / 100).as_bytes());
        let frac = a % 100;
        if frac != 0 {
            self.buf.push(b'.');
            self.buf.push(b'0' + (frac / 10) as u8);
            if !frac.is_multiple_of(10) {
                self.buf.push(b'0' + (frac % 10) as u8);
            }
        }
    }

    fn nums(&mut self, values: &[i32]) {
        for v in values {
            self.num(*v);
            self.buf.push(b' ');
        }
    }

    fn op(&mut self, op: &[u8]) {
        self.buf.extend_from_slice(op);
        self.buf.push(b'\n');
    }

    /// Ends an open stroked path and a text object.
    fn end_text_and_paths(&mut self) {
        if self.open_stroke {
            self.op(b"S");
            self.open_stroke = false;
        }
        if self.text_at.take().is_some() {
            self.op(b"ET");
        }
    }

    fn set_fill(&mut self, c: Rgb100) {
        if self.fill != Some(c) {
            self.nums(&c);
            self.op(b"rg");
            self.fill = Some(c);
        }
    }

    fn set_stroke(&mut self, c: Rgb100, width: i32) {
        if self.stroke != Some(c) {
            self.nums(&c);
            self.op(b"RG");
            self.stroke = Some(c);
        }
        if self.line_width != Some(width) {
            self.num(width);
            self.op(b" w");
            self.line_width = Some(width);
        }
    }

    /// Shows `glyphs` (glyph ids) with the baseline start at (`x`, `y`) in PDF coordinates,
    /// `size` pt, fill `color`; `bold` draws fill + stroke of `stroke` pt; `tc` is the extra
    /// spacing after each glyph (pt).
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        glyphs: impl IntoIterator<Item = u16>,
        x: f32,
        y: f32,
        size: f32,
        color: (f32, f32, f32),
        bold_stroke: Option<f32>,
        tc: f32,
    ) {
        if self.open_stroke {
            self.op(b"S");
            self.open_stroke = false;
        }
        let (x, y) = (hundredths(x), hundredths(y));
        let at = match self.text_at {
            Some(at) => at,
            None => {
                self.op(b"BT");
                (0, 0)
            }
        };
        let c = rgb100(color);
        self.set_fill(c);
        let tr = match bold_stroke {
            Some(w) => {
                self.set_stroke(c, hundredths(w));
                2
            }
            None => 0,
        };
        if self.tr != tr {
            self.buf.push(b'0' + tr);
            self.op(b" Tr");
            self.tr = tr;
        }
        let size = hundredths(size);
        if self.font_size != Some(size) {
            self.buf.extend_from_slice(b"/F0 ");
            self.num(size);
            self.op(b" Tf");
            self.font_size = Some(size);
        }
        let tc = hundredths(tc);
        if self.tc != tc {
            self.num(tc);
            self.op(b" Tc");
            self.tc = tc;
        }
        self.nums(&[x - at.0, y - at.1]);
        self.buf.extend_from_slice(b"Td\n<");
        self.text_at = Some((x, y));
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for g in glyphs {
            self.glyph_at.push(self.buf.len() as u32);
            self.buf.extend_from_slice(&[
                HEX[usize::from(g >> 12)],
                HEX[usize::from((g >> 8) & 15)],
                HEX[usize::from((g >> 4) & 15)],
                HEX[usize::from(g & 15)],
            ]);
        }
        self.op(b">Tj");
    }

    /// A polyline through `points` (PDF coordinates), stroked.
    pub fn polyline(&mut self, points: &[(f32, f32)], width: f32, color: (f32, f32, f32)) {
        let (c, w) = (rgb100(color), hundredths(width));
        let same = self.open_stroke && self.stroke == Some(c) && self.line_width == Some(w);
        if !same {
            self.end_text_and_paths();
            self.set_stroke(c, w);
        }
        self.path(points);
        self.open_stroke = true;
    }

    fn path(&mut self, points: &[(f32, f32)]) {
        for (i, (x, y)) in points.iter().enumerate() {
            self.nums(&[hundredths(*x), hundredths(*y)]);
            self.op(if i == 0 { b"m" } else { b"l" });
        }
    }

    /// A rectangle with lower-left corner (x, y), filled.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.end_text_and_paths();
        self.set_fill(rgb100(color));
        self.nums(&[hundredths(x), hundredths(y), hundredths(w), hundredths(h)]);
        self.op(b"re f");
    }

    /// A closed polygon (non-zero winding), painted as `paint`.
    pub fn polygon(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<(f32, f32, f32)>,
        stroke: Option<((f32, f32, f32), f32)>,
    ) {
        self.end_text_and_paths();
        let paint = match (fill, stroke) {
            (Some(_), Some(_)) => Paint::FillStroke,
            (Some(_), None) => Paint::Fill,
            (None, _) => Paint::Stroke,
        };
        if let Some(c) = fill {
            self.set_fill(rgb100(c));
        }
        if let Some((c, w)) = stroke {
            self.set_stroke(rgb100(c), hundredths(w));
        }
        self.path(points);
        self.op(match paint {
            Paint::Fill => b"h f",
            Paint::Stroke => b"h S",
            Paint::FillStroke => b"b",
        });
    }

    /// Closes what is open; the stream is complete.
    pub fn finish(&mut self) {
        self.end_text_and_paths();
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_hundredths_in_shortest_form() {
        let mut c = Canvas::new();
        for v in [0, 5, 50, 1250, 1205, -25, -1, 84189] {
            c.num(v);
            c.buf.push(b' ');
        }
        assert_eq!(
            String::from_utf8(c.buf).unwrap(),
            "0 0.05 0.5 12.5 12.05 -0.25 -0.01 841.89 "
        );
        assert_eq!(hundredths(-0.001), 0);
        assert_eq!(hundredths(105.22446), 10522);
    }

    #[test]
    fn state_is_written_only_when_it_changes_and_lines_share_a_text_object() {
        let mut c = Canvas::new();
        let ink = (0.12, 0.12, 0.14);
        c.text([0x12, 0xABCD], 100.0, 700.0, 9.0, ink, None, 0.0);
        c.text([0x34], 100.0, 687.0, 9.0, ink, None, 0.5);
        c.text([0x35], 110.0, 687.0, 9.0, ink, Some(0.29), 0.0);
        c.polyline(&[(0.0, 0.0), (10.0, 0.0)], 0.5, ink);
        c.polyline(&[(0.0, 5.0), (10.0, 5.0)], 0.5, ink);
        c.fill_rect(1.0, 2.0, 3.0, 4.0, (1.0, 1.0, 1.0));
        c.polygon(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)], Some(ink), None);
        c.finish();
        let s = String::from_utf8(c.buf.clone()).unwrap();
        assert_eq!(
            s,
            "BT\n0.12 0.12 0.14 rg\n/F0 9 Tf\n100 700 Td\n<0012ABCD>Tj\n\
0.5 Tc\n0 -13 Td\n<0034>Tj\n\
0.12 0.12 0.14 RG\n0.29 w\n2 Tr\n0 Tc\n10 0 Td\n<0035>Tj\n\
ET\n0.5 w\n0 0 m\n10 0 l\n0 5 m\n10 5 l\nS\n\
1 1 1 rg\n1 2 3 4 re f\n0.12 0.12 0.14 rg\n0 0 m\n1 0 l\n0 1 l\nh f"
        );
        // Every glyph id's position is known, for renumbering.
        let at: Vec<&str> = c
            .glyph_at
            .iter()
            .map(|p| &s[*p as usize..*p as usize + 4])
            .collect();
        assert_eq!(at, ["0012", "ABCD", "0034", "0035"]);
    }
}
