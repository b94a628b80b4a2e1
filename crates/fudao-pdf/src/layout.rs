//! Page layout: turns the blocks of a [`Document`] into content streams, page by page.
//!
//! Internally all coordinates are in points with the origin at the *top-left* of the page
//! (y grows downwards); [`Pen`] converts to PDF's bottom-left origin when emitting operations.

use fudao_core::doc::{Align, Block, Chart, Document, KeyValue, SignParty, Table, TitleBlock};
use std::cell::RefCell;

use crate::charts;
use crate::content::Canvas;
use crate::fonts::Face;
use crate::linebreak::{break_cell, break_lines, widest_line, widest_unit, LineSpan};

/// A4 in points.
pub(crate) const PW: f32 = 595.276;
pub(crate) const PH: f32 = 841.89;
/// Left and right margins (20 mm).
const ML: f32 = 56.69;
/// Content width.
pub(crate) const CW: f32 = PW - 2.0 * ML;
const HEADER_BASELINE: f32 = 40.0;
const HEADER_RULE: f32 = 47.0;
const BODY_TOP: f32 = 68.0;
const BODY_BOTTOM: f32 = PH - 62.0;
const FOOTER_RULE: f32 = PH - 50.0;
const FOOTER_BASELINE: f32 = PH - 36.0;

/// Every character the layout itself prints (not from the document): a unit test checks that
/// the font covers them.
#[cfg(test)]
pub(crate) const FIXED_TEXT: &str =
    "…•（无）签字：日期：　年月日第页/共方案编号：单位：0123456789-.,% ";

/// What a laid-out page holds, top to bottom: the page model the renderer draws from, for
/// tests and tools that check pagination without writing or parsing a PDF.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// (Part of) the title block.
    Title,
    Heading {
        level: u8,
        text: String,
    },
    /// One line of a paragraph, bullet item or table note; `tc` is its justification
    /// (extra spacing after each character, pt), 0 for a ragged line.
    Line {
        tc: f32,
    },
    /// A table's header row (first or repeated).
    TableHeader,
    /// A body row of a table or key–value grid (or the part of one on this page).
    Row,
    Chart,
    SignOff,
}

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

const BODY_SIZE: f32 = 10.5;
const BODY_LH: f32 = 17.5;
const TABLE_SIZE: f32 = 9.0;

/// An RGB colour, components 0–1.
pub(crate) type C3 = (f32, f32, f32);
pub(crate) const INK: C3 = (0.12, 0.12, 0.14);
pub(crate) const GREY: C3 = (0.42, 0.43, 0.46);
pub(crate) const ACCENT: C3 = (0.07, 0.26, 0.50);
pub(crate) const RULE: C3 = (0.62, 0.64, 0.68);
pub(crate) const GRID: C3 = (0.85, 0.86, 0.88);
const HEADER_FILL: C3 = (0.88, 0.92, 0.97);
const LABEL_FILL: C3 = (0.95, 0.96, 0.97);

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
    fn note(&mut self, gid: u16, c: char) {
        let (w, bit) = (usize::from(gid / 64), 1u64 << (gid % 64));
        if self.seen[w] & bit == 0 {
            self.seen[w] |= bit;
            self.list.push((gid, c));
        }
    }
}

/// Stroke width of faux bold, in em.
const FAUX_BOLD_STROKE: f32 = 0.032;

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

/// A table/grid cell.
struct GCell<'t> {
    text: &'t str,
    bold: bool,
    align: Align,
    fill: Option<C3>,
    color: C3,
}

impl<'t> GCell<'t> {
    fn plain(text: &'t str, align: Align) -> Self {
        Self {
            text,
            bold: false,
            align,
            fill: None,
            color: INK,
        }
    }
}

/// Grid geometry shared by all rows of one table.
struct GridStyle {
    size: f32,
    lh: f32,
    pad_v: f32,
    pad_h: f32,
}

const TABLE_STYLE: GridStyle = GridStyle {
    size: TABLE_SIZE,
    lh: 13.0,
    pad_v: 3.5,
    pad_h: 4.5,
};

/// Size, space before, space after and colour of a heading level.
fn heading_style(level: u8) -> (f32, f32, f32, C3) {
    match level {
        1 => (14.0, 14.0, 6.0, ACCENT),
        2 => (12.0, 9.0, 3.0, INK),
        _ => (10.5, 6.0, 2.0, INK),
    }
}

/// Added to what a heading keeps, so rounding never lets the kept block move on alone.
const KEEP_SLACK: f32 = 0.5;

/// How many lines of a body row fit on a page below a header of `header_h`.
fn fresh_capacity(header_h: f32, st: &GridStyle) -> usize {
    (((BODY_BOTTOM - BODY_TOP - header_h - 2.0 * st.pad_v) / st.lh).floor() as usize).max(1)
}

/// The height a grid's first row needs below its header: the whole row when a fresh page
/// holds it (the grid then moves it whole), else one line (it is split).
fn first_row_height(wrapped: &[Vec<LineSpan>], header_h: f32, st: &GridStyle) -> f32 {
    let total = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let lines = if total <= fresh_capacity(header_h, st) {
        total
    } else {
        1
    };
    lines as f32 * st.lh + 2.0 * st.pad_v
}

/// Height of a chart.
const CHART_H: f32 = 220.0;
/// Side of a QR code with its quiet zone, in points (32 mm).
const QR_SIZE: f32 = 90.7;
/// Line height of fine print.
const FINE_LH: f32 = 12.0;

/// Shares `total` among columns with the given minimum widths (`hard`: a column narrower
/// breaks words and numbers; `soft`: narrower breaks short phrases and units), natural widths
/// (`max`: the text unwrapped) and weights:
/// 1. if even the hard minima do not fit, they are scaled down (words then break);
/// 2. if the soft minima do not fit, each column gets its hard minimum plus the same share
///    of the way to its soft minimum;
/// 3. otherwise every column gets its soft minimum, and the rest goes to the columns whose
///    unwrapped text needs least more first (so short columns never wrap because a long one
///    is greedy), then by weight; space left once every column is unwrapped is shared by weight.
pub(crate) fn column_widths(
    hard: &[f32],
    soft: &[f32],
    max: &[f32],
    weights: &[f32],
    total: f32,
) -> Vec<f32> {
    let n = hard.len();
    let sum = |v: &[f32]| v.iter().sum::<f32>();
    let soft: Vec<f32> = soft.iter().zip(hard).map(|(s, h)| s.max(*h)).collect();
    let max: Vec<f32> = max.iter().zip(&soft).map(|(m, s)| m.max(*s)).collect();
    if sum(hard) >= total {
        let k = total / sum(hard);
        return hard.iter().map(|h| h * k).collect();
    }
    if sum(&soft) > total {
        let f = (total - sum(hard)) / (sum(&soft) - sum(hard));
        return hard
            .iter()
            .zip(&soft)
            .map(|(h, s)| h + (s - h) * f)
            .collect();
    }
    let mut w = soft.clone();
    let mut rest = total - sum(&soft);
    let mut open: Vec<usize> = (0..n).collect();
    // Water-filling: satisfy the column needing least (relative to its weight) while it fits
    // within its weighted share of what is left.
    loop {
        if open.is_empty() {
            break;
        }
        let wsum: f32 = open.iter().map(|&j| weights[j]).sum();
        let Some((pos, &j)) = open.iter().enumerate().min_by(|a, b| {
            let da = (max[*a.1] - w[*a.1]) / weights[*a.1];
            let db = (max[*b.1] - w[*b.1]) / weights[*b.1];
            da.total_cmp(&db)
        }) else {
            break;
        };
        let need = max[j] - w[j];
        if need <= rest * weights[j] / wsum {
            w[j] = max[j];
            rest -= need;
            open.remove(pos);
        } else {
            for &k in &open {
                w[k] += rest * weights[k] / wsum;
            }
            rest = 0.0;
            break;
        }
    }
    if rest > 0.0 {
        let wsum = sum(weights);
        for (x, wt) in w.iter_mut().zip(weights) {
            *x += rest * wt / wsum;
        }
    }
    w
}

/// Lines of a paragraph or list item a heading keeps with it.
const KEEP_LINES: usize = 3;

struct Layout<'a> {
    f: Fonts<'a>,
    pages: Vec<Canvas>,
    /// What each page holds (parallel to `pages`).
    model: Vec<Vec<Placed>>,
    /// Top of the free space on the current page.
    y: f32,
}

/// Lays out the whole document, then adds header and numbered footer to every page. Returns
/// the pages' operations and the page model.
pub(crate) fn lay_out<'a>(
    doc: &Document,
    fonts: Fonts<'a>,
) -> (Vec<Canvas>, Vec<Vec<Placed>>, Fonts<'a>) {
    let mut l = Layout::new(fonts);
    for (i, block) in doc.blocks.iter().enumerate() {
        l.keep_signed_section_together(&doc.blocks[i..]);
        l.block(block, &doc.blocks[i + 1..]);
    }
    let total = l.pages.len();
    let mut pages = std::mem::take(&mut l.pages);
    for (i, ops) in pages.iter_mut().enumerate() {
        let mut pen = Pen { ops, f: &l.f };
        page_furniture(&mut pen, doc, i + 1, total);
        pen.ops.finish();
    }
    (pages, l.model, l.f)
}

/// Header text and rule, footer rule, plan number, page number and confidentiality line.
fn page_furniture(pen: &mut Pen, doc: &Document, page: usize, total: usize) {
    let m = &doc.meta;
    let size = 8.5;
    let right_w = pen.f.width(&m.header_right, size, false).min(CW * 0.6);
    let left = pen
        .f
        .elide(&m.header_left, size, false, CW - right_w - 16.0);
    let right = pen.f.elide(
        &m.header_right,
        size,
        false,
        CW - pen.f.width(&left, size, false) - 16.0,
    );
    pen.text(&left, ML, HEADER_BASELINE, size, false, GREY, 0.0);
    pen.text_aligned(
        &right,
        ML,
        CW,
        HEADER_BASELINE,
        size,
        false,
        GREY,
        Align::Right,
    );
    pen.hline(ML, ML + CW, HEADER_RULE, 0.8, ACCENT);

    pen.hline(ML, ML + CW, FOOTER_RULE, 0.4, RULE);
    let center = format!("第 {page} 页 / 共 {total} 页");
    let cw = pen.f.width(&center, 9.0, false);
    pen.text_aligned(
        &center,
        ML,
        CW,
        FOOTER_BASELINE,
        9.0,
        false,
        INK,
        Align::Center,
    );
    let side = (CW - cw) / 2.0 - 10.0;
    let size = 8.0;
    let number = pen
        .f
        .elide(&format!("方案编号：{}", m.plan_number), size, false, side);
    pen.text(&number, ML, FOOTER_BASELINE, size, false, GREY, 0.0);
    let conf = pen.f.elide(&m.confidentiality, size, false, side);
    pen.text_aligned(
        &conf,
        ML,
        CW,
        FOOTER_BASELINE,
        size,
        false,
        GREY,
        Align::Right,
    );
}

impl<'a> Layout<'a> {
    /// If `rest` starts a level-1 section that ends with a sign-off block, and the section fits
    /// on one page, starts a new page unless the whole section fits below the cursor: the
    /// signatures must never stand alone on the last page, apart from what they sign.
    fn keep_signed_section_together(&mut self, rest: &[Block]) {
        let Some(Block::Heading { level: 1, .. }) = rest.first() else {
            return;
        };
        let end = rest[1..]
            .iter()
            .position(|b| matches!(b, Block::Heading { level: 1, .. }))
            .map_or(rest.len(), |p| p + 1);
        let section = &rest[..end];
        let signed = section
            .iter()
            .rev()
            .find(|b| !matches!(b, Block::QrCode { .. }))
            .is_some_and(|b| matches!(b, Block::SignOff { .. }));
        if !signed || self.at_top() {
            return;
        }
        // Lay the section out on a scratch page to measure it.
        let mut trial = Layout::new(Fonts::new(self.f.face));
        for (j, b) in section.iter().enumerate() {
            trial.block(b, &section[j + 1..]);
        }
        let height = trial.y - BODY_TOP;
        // The heading adds its space-before (14 pt) when not at the top of a page.
        if trial.pages.len() == 1 && self.y + 14.0 + height > BODY_BOTTOM {
            self.new_page();
        }
    }

    fn new(f: Fonts<'a>) -> Self {
        Layout {
            f,
            pages: vec![Canvas::new()],
            model: vec![Vec::with_capacity(64)],
            y: BODY_TOP,
        }
    }

    /// Records what was just placed on the current page.
    fn mark(&mut self, p: Placed) {
        if let Some(page) = self.model.last_mut() {
            page.push(p);
        }
    }

    fn pen(&mut self) -> Pen<'_, '_> {
        Pen {
            ops: self.pages.last_mut().expect("at least one page"),
            f: &self.f,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Canvas::new());
        self.model.push(Vec::with_capacity(64));
        self.y = BODY_TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= BODY_TOP + 0.01
    }

    /// Starts a new page unless `h` points fit below the cursor (or we are at the top already).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BODY_BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space that disappears at the top of a page.
    fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    /// Lays out `block`; `next` is what follows it (a heading keeps the start of it on its page).
    fn block(&mut self, block: &Block, next: &[Block]) {
        match block {
            Block::Title(t) => self.title(t),
            Block::Heading { level, text } => self.heading(*level, text, next),
            Block::Paragraph { text } => self.paragraph(text),
            Block::Bullets { items } => self.bullets(items),
            Block::KeyValueGrid { pairs, columns } => self.kv_grid(pairs, *columns),
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c),
            Block::SignOff { parties } => self.sign_off(parties),
            Block::QrCode { data, caption } => self.qr_code(data, caption),
            Block::FinePrint { text } => self.fine_print(text),
            Block::PageBreak => {
                if !self.at_top() {
                    self.new_page();
                }
            }
            Block::Spacer { mm } => {
                self.y += mm * 72.0 / 25.4;
                if self.y > BODY_BOTTOM {
                    self.new_page();
                }
            }
        }
    }

    /// Draws justified (or ragged) lines of text, breaking pages between lines.
    #[allow(clippy::too_many_arguments)]
    fn text_lines(
        &mut self,
        s: &str,
        lines: &[LineSpan],
        x: f32,
        first_x: f32,
        width: f32,
        first_width: f32,
        size: f32,
        lh: f32,
        bold: bool,
        color: C3,
        justify: bool,
    ) {
        for (i, line) in lines.iter().enumerate() {
            self.ensure(lh);
            let (lx, lw) = if i == 0 {
                (first_x, first_width)
            } else {
                (x, width)
            };
            let text = &s[line.start..line.end];
            // A line with a long unbreakable word would get huge gaps: it stays ragged.
            let tc = if justify && line.justify {
                justify_spacing(line.width, lw, text.chars().count(), size)
            } else {
                0.0
            };
            let by = baseline(self.y, lh, size);
            self.pen().text(text, lx, by, size, bold, color, tc);
            if !bold {
                self.mark(Placed::Line { tc });
            }
            self.y += lh;
        }
    }

    fn title(&mut self, t: &TitleBlock) {
        self.space(6.0);
        self.mark(Placed::Title);
        let (size, lh) = (21.0, 31.0);
        let lines = self.f.lines(&t.title, size, true, CW * 0.92, CW * 0.92);
        for l in &lines {
            self.ensure(lh);
            let by = baseline(self.y, lh, size);
            let s = &t.title[l.start..l.end];
            self.pen()
                .text_aligned(s, ML, CW, by, size, true, ACCENT, Align::Center);
            self.y += lh;
        }
        if let Some(sub) = &t.subtitle {
            let (size, lh) = (13.0, 21.0);
            self.y += 2.0;
            for l in self.f.lines(sub, size, false, CW * 0.9, CW * 0.9) {
                self.ensure(lh);
                let by = baseline(self.y, lh, size);
                self.pen().text_aligned(
                    &sub[l.start..l.end],
                    ML,
                    CW,
                    by,
                    size,
                    false,
                    GREY,
                    Align::Center,
                );
                self.y += lh;
            }
        }
        if !t.lines.is_empty() {
            self.y += 12.0;
            let (size, lh) = (10.5, 19.0);
            let label_w = t
                .lines
                .iter()
                .map(|kv| self.f.width(&kv.key, size, true))
                .fold(0.0f32, f32::max)
                .min(150.0);
            let block_w = (CW * 0.78).max(label_w + 200.0);
            let x0 = ML + (CW - block_w) / 2.0;
            let vx = x0 + label_w + 14.0;
            let vw = x0 + block_w - vx;
            for kv in &t.lines {
                let key_lines = self.f.lines(&kv.key, size, true, label_w, label_w);
                let val_lines = self.f.lines(&kv.value, size, false, vw, vw);
                let n = key_lines.len().max(val_lines.len()).max(1);
                self.ensure(n as f32 * lh + 4.0);
                let top = self.y;
                for (i, l) in key_lines.iter().enumerate() {
                    let by = baseline(top + i as f32 * lh, lh, size);
                    self.pen().text_aligned(
                        &kv.key[l.start..l.end],
                        x0,
                        label_w,
                        by,
                        size,
                        true,
                        GREY,
                        Align::Right,
                    );
                }
                for (i, l) in val_lines.iter().enumerate() {
                    let by = baseline(top + i as f32 * lh, lh, size);
                    self.pen()
                        .text(&kv.value[l.start..l.end], vx, by, size, false, INK, 0.0);
                }
                self.y = top + n as f32 * lh;
                let y = self.y;
                self.pen().hline(vx, vx + vw, y, 0.4, RULE);
                self.y += 4.0;
            }
        }
        self.y += 10.0;
        self.ensure(4.0);
        let y = self.y;
        let mut pen = self.pen();
        pen.hline(ML, ML + CW, y, 1.6, ACCENT);
        pen.hline(ML, ML + CW, y + 3.0, 0.4, ACCENT);
        self.y += 14.0;
    }

    fn heading(&mut self, level: u8, text: &str, next: &[Block]) {
        let (size, before, after, color) = heading_style(level);
        let lh = size * 1.5;
        let indent = if level == 1 { 9.0 } else { 0.0 };
        let lines = self.f.lines(text, size, true, CW - indent, CW - indent);
        let h = lines.len() as f32 * lh;
        // Keep the heading with the start of what follows: its first lines, a table's header
        // and first row, a chart, a following heading and what that keeps.
        self.space(before);
        self.ensure(h + after + self.keep_height(next) + KEEP_SLACK);
        self.mark(Placed::Heading {
            level,
            text: text.to_string(),
        });
        let top = self.y;
        if level == 1 {
            self.pen().fill_rect(ML, top + 3.0, 3.5, h - 6.0, ACCENT);
        }
        self.text_lines(
            text,
            &lines,
            ML + indent,
            ML + indent,
            CW,
            CW,
            size,
            lh,
            true,
            color,
            false,
        );
        if level == 1 {
            let y = self.y + 1.0;
            self.pen().hline(ML, ML + CW, y, 0.4, GRID);
        }
        self.y += after;
    }

    fn paragraph(&mut self, text: &str) {
        let indent = 2.0 * BODY_SIZE;
        let mut any = false;
        for part in text.split('\n') {
            let part = part.trim_end_matches('\r');
            if part.trim().is_empty() {
                if any {
                    self.y += BODY_LH * 0.5;
                }
                continue;
            }
            any = true;
            let lines = self.f.lines(part, BODY_SIZE, false, CW - indent, CW);
            self.text_lines(
                part,
                &lines,
                ML,
                ML + indent,
                CW,
                CW - indent,
                BODY_SIZE,
                BODY_LH,
                false,
                INK,
                true,
            );
        }
        if any {
            self.y += 5.0;
        }
    }

    fn bullets(&mut self, items: &[String]) {
        let tx = ML + 16.0;
        let w = CW - 16.0;
        for item in items {
            if item.trim().is_empty() {
                continue;
            }
            let lines = self.f.lines(item, BODY_SIZE, false, w, w);
            self.ensure(BODY_LH);
            let by = baseline(self.y, BODY_LH, BODY_SIZE);
            self.pen()
                .text("•", ML + 5.0, by, BODY_SIZE, false, ACCENT, 0.0);
            self.text_lines(
                item, &lines, tx, tx, w, w, BODY_SIZE, BODY_LH, false, INK, true,
            );
            self.y += 2.0;
        }
        self.y += 4.0;
    }

    /// The height of the start of `next` that a heading before it keeps on its page.
    fn keep_height(&self, next: &[Block]) -> f32 {
        let Some(block) = next.first() else {
            return 0.0;
        };
        let st = &TABLE_STYLE;
        match block {
            Block::Heading { level, text } => {
                let (size, before, after, _) = heading_style(*level);
                let indent = if *level == 1 { 9.0 } else { 0.0 };
                let n = self
                    .f
                    .lines(text, size, true, CW - indent, CW - indent)
                    .len();
                before + n as f32 * size * 1.5 + after + self.keep_height(&next[1..])
            }
            Block::Paragraph { text } => {
                let indent = 2.0 * BODY_SIZE;
                let n = text
                    .split('\n')
                    .map(|p| p.trim_end_matches('\r'))
                    .find(|p| !p.trim().is_empty())
                    .map_or(0, |p| {
                        self.f.lines(p, BODY_SIZE, false, CW - indent, CW).len()
                    });
                n.min(KEEP_LINES) as f32 * BODY_LH
            }
            Block::Bullets { items } => {
                let w = CW - 16.0;
                let n = items
                    .iter()
                    .find(|i| !i.trim().is_empty())
                    .map_or(0, |i| self.f.lines(i, BODY_SIZE, false, w, w).len());
                n.min(KEEP_LINES) as f32 * BODY_LH
            }
            Block::KeyValueGrid { pairs, columns } => {
                if pairs.is_empty() {
                    return self.keep_height(&next[1..]);
                }
                let (widths, rows) = self.kv_rows(pairs, *columns);
                rows.first().map_or(0.0, |r| {
                    first_row_height(&self.wrap_row(&widths, r, st), 0.0, st)
                })
            }
            Block::Table(t) => {
                let widths = self.table_widths(t);
                let header: Vec<GCell> = t
                    .columns
                    .iter()
                    .map(|c| GCell {
                        text: &c.header,
                        bold: true,
                        align: Align::Center,
                        fill: None,
                        color: INK,
                    })
                    .collect();
                let hw = self.wrap_row(&widths, &header, st);
                let header_h = hw.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * st.lh
                    + 2.0 * st.pad_v;
                let first = t.rows.first().map_or(st.lh + 2.0 * st.pad_v, |r| {
                    let cells: Vec<GCell> = r
                        .iter()
                        .zip(&t.columns)
                        .map(|(s, c)| GCell::plain(s, c.align))
                        .collect();
                    first_row_height(&self.wrap_row(&widths, &cells, st), header_h, st)
                });
                header_h + first
            }
            Block::Chart(_) => 4.0 + CHART_H,
            Block::SignOff { parties } => parties.chunks(3).next().map_or(0.0, |chunk| {
                let inner = CW / chunk.len() as f32 - 16.0;
                let max_name = chunk
                    .iter()
                    .map(|p| self.f.lines(&p.name, BODY_SIZE, false, inner, inner).len())
                    .max()
                    .unwrap_or(1)
                    .max(1);
                10.0 + 20.0 + max_name as f32 * BODY_LH + 62.0
            }),
            Block::QrCode { .. } => QR_SIZE + 8.0,
            Block::FinePrint { .. } => FINE_LH,
            Block::Title(_) | Block::PageBreak | Block::Spacer { .. } => 0.0,
        }
    }

    /// Column widths of a table from its content: every column gets at least the width of
    /// its widest unbreakable unit (a number, a unit such as `（万元）`, a short phrase such as
    /// `部分满足` or a bank branch); the rest of the page width goes first to the columns that
    /// need least to show their text unwrapped, then in proportion to the columns' weights.
    fn table_widths(&self, t: &Table) -> Vec<f32> {
        let st = &TABLE_STYLE;
        let face = self.f.face;
        let adv = |c: char| face.advance(c).unwrap_or(0.0) * st.size;
        let pad = 2.0 * st.pad_h + 1.0;
        let n = t.columns.len();
        let (mut hard, mut soft, mut max) = (vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]);
        for (j, c) in t.columns.iter().enumerate() {
            let texts = std::iter::once(c.header.as_str())
                .chain(t.rows.iter().filter_map(|r| r.get(j).map(String::as_str)));
            for text in texts {
                hard[j] = hard[j].max(widest_unit(text, false, adv) + pad);
                soft[j] = soft[j].max(widest_unit(text, true, adv) + pad);
                max[j] = max[j].max(widest_line(text, adv) + pad);
            }
        }
        let weights: Vec<f32> = t.columns.iter().map(|c| c.weight.max(0.01)).collect();
        column_widths(&hard, &soft, &max, &weights, CW)
    }

    fn kv_grid(&mut self, pairs: &[KeyValue], columns: u8) {
        if pairs.is_empty() {
            return;
        }
        let (widths, rows) = self.kv_rows(pairs, columns);
        self.grid(&widths, None, &rows, &TABLE_STYLE);
        self.y += 8.0;
    }

    /// Column widths and cells of a key–value grid.
    fn kv_rows<'p>(&self, pairs: &'p [KeyValue], columns: u8) -> (Vec<f32>, Vec<Vec<GCell<'p>>>) {
        let c = usize::from(columns.clamp(1, 3));
        let cell_w = CW / c as f32;
        let label_w = pairs
            .iter()
            .map(|kv| {
                self.f.width(&kv.key, TABLE_STYLE.size, false) + 2.0 * TABLE_STYLE.pad_h + 1.0
            })
            .fold(0.0f32, f32::max)
            .min(cell_w * 0.45);
        let mut widths = Vec::with_capacity(2 * c);
        for _ in 0..c {
            widths.push(label_w);
            widths.push(cell_w - label_w);
        }
        let rows: Vec<Vec<GCell>> = pairs
            .chunks(c)
            .map(|chunk| {
                let mut row = Vec::with_capacity(2 * c);
                for i in 0..c {
                    let (k, v) = chunk
                        .get(i)
                        .map_or(("", ""), |kv| (kv.key.as_str(), kv.value.as_str()));
                    row.push(GCell {
                        text: k,
                        bold: false,
                        align: Align::Left,
                        fill: Some(LABEL_FILL),
                        color: GREY,
                    });
                    row.push(GCell::plain(v, Align::Left));
                }
                row
            })
            .collect();
        (widths, rows)
    }

    fn table(&mut self, t: &Table) {
        let widths = self.table_widths(t);
        let header: Vec<GCell> = t
            .columns
            .iter()
            .map(|c| GCell {
                text: &c.header,
                bold: true,
                align: Align::Center,
                fill: Some(HEADER_FILL),
                color: INK,
            })
            .collect();
        let rows: Vec<Vec<GCell>> = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&t.columns)
                    .map(|(s, c)| GCell::plain(s, c.align))
                    .collect()
            })
            .collect();
        self.grid(&widths, Some(header.as_slice()), &rows, &TABLE_STYLE);
        if let Some(note) = &t.note {
            self.y += 3.0;
            let (size, lh) = (8.5, 13.0);
            let lines = self.f.lines(note, size, false, CW, CW);
            self.text_lines(note, &lines, ML, ML, CW, CW, size, lh, false, GREY, true);
        }
        self.y += 9.0;
    }

    /// Wraps every cell of `cells` to its column width.
    fn wrap_row(&self, widths: &[f32], cells: &[GCell], st: &GridStyle) -> Vec<Vec<LineSpan>> {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                let inner = (w - 2.0 * st.pad_h).max(st.size);
                if c.text.is_empty() {
                    Vec::new()
                } else {
                    let face = self.f.face(c.bold);
                    break_cell(c.text, inner, inner, |ch| {
                        face.advance(ch).unwrap_or(0.0) * st.size
                    })
                }
            })
            .collect()
    }

    /// Draws lines `from..from + count` of a wrapped row at the cursor, with borders, and
    /// records it in the page model as `mark`.
    #[allow(clippy::too_many_arguments)]
    fn draw_row(
        &mut self,
        widths: &[f32],
        cells: &[GCell],
        wrapped: &[Vec<LineSpan>],
        from: usize,
        count: usize,
        st: &GridStyle,
        mark: Placed,
    ) {
        self.mark(mark);
        let top = self.y;
        let h = count as f32 * st.lh + 2.0 * st.pad_v;
        let mut pen = Pen {
            ops: self.pages.last_mut().expect("page"),
            f: &self.f,
        };
        let mut x = ML;
        for ((cell, lines), w) in cells.iter().zip(wrapped).zip(widths) {
            if let Some(fill) = cell.fill {
                pen.fill_rect(x, top, *w, h, fill);
            }
            for (i, l) in lines.iter().skip(from).take(count).enumerate() {
                let by = baseline(top + st.pad_v + i as f32 * st.lh, st.lh, st.size);
                pen.text_aligned(
                    &cell.text[l.start..l.end],
                    x + st.pad_h,
                    w - 2.0 * st.pad_h,
                    by,
                    st.size,
                    cell.bold,
                    cell.color,
                    cell.align,
                );
            }
            x += w;
        }
        // Borders: top and bottom rules across the row, vertical rules at every boundary.
        let right = ML + widths.iter().sum::<f32>();
        pen.hline(ML, right, top, 0.5, RULE);
        pen.hline(ML, right, top + h, 0.5, RULE);
        let mut x = ML;
        pen.line(&[(x, top), (x, top + h)], 0.5, RULE);
        for w in widths {
            x += w;
            pen.line(&[(x, top), (x, top + h)], 0.5, RULE);
        }
        self.y = top + h;
    }

    /// A bordered grid: optional header row (repeated on every page), rows that wrap and split
    /// across pages.
    fn grid(
        &mut self,
        widths: &[f32],
        header: Option<&[GCell]>,
        rows: &[Vec<GCell>],
        st: &GridStyle,
    ) {
        let header_wrapped = header.map(|h| self.wrap_row(widths, h, st));
        let header_h = header_wrapped.as_ref().map_or(0.0, |w| {
            w.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * st.lh + 2.0 * st.pad_v
        });
        let min_row = st.lh + 2.0 * st.pad_v;
        let draw_header = |l: &mut Self| {
            if let (Some(h), Some(w)) = (header, header_wrapped.as_ref()) {
                let n = w.iter().map(Vec::len).max().unwrap_or(1).max(1);
                l.draw_row(widths, h, w, 0, n, st, Placed::TableHeader);
            }
        };
        // The header never stands alone: it goes where its first row fits too (the whole row
        // if a fresh page can hold it, as the loop below would move it; else one line of it).
        let first_h = rows.first().map_or(min_row, |r| {
            let lines = self.wrap_row(widths, r, st);
            first_row_height(&lines, header_h, st)
        });
        self.ensure(header_h + first_h);
        draw_header(self);

        if rows.is_empty() {
            let w = [widths.iter().sum::<f32>()];
            let cell = [GCell {
                text: "（无）",
                bold: false,
                align: Align::Center,
                fill: None,
                color: GREY,
            }];
            let wrapped = self.wrap_row(&w, &cell, st);
            self.draw_row(&w, &cell, &wrapped, 0, 1, st, Placed::Row);
            return;
        }
        let fresh_capacity = fresh_capacity(header_h, st);
        for row in rows {
            let wrapped = self.wrap_row(widths, row, st);
            let total = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut from = 0;
            loop {
                let remaining = total - from;
                let need = remaining as f32 * st.lh + 2.0 * st.pad_v;
                if self.y + need <= BODY_BOTTOM {
                    self.draw_row(widths, row, &wrapped, from, remaining, st, Placed::Row);
                    break;
                }
                let fits = ((BODY_BOTTOM - self.y - 2.0 * st.pad_v) / st.lh)
                    .floor()
                    .max(0.0) as usize;
                if fits == 0 || (from == 0 && remaining <= fresh_capacity) {
                    self.new_page();
                    draw_header(self);
                    continue;
                }
                self.draw_row(widths, row, &wrapped, from, fits, st, Placed::Row);
                from += fits;
                self.new_page();
                draw_header(self);
            }
        }
    }

    fn chart(&mut self, chart: &Chart) {
        let h = CHART_H;
        self.space(4.0);
        self.ensure(h);
        self.mark(Placed::Chart);
        let top = self.y;
        let mut pen = self.pen();
        match chart {
            Chart::Radar { title, axes } => charts::radar(&mut pen, title, axes, ML, top, CW, h),
            Chart::Bars {
                title,
                categories,
                series,
                unit,
            } => charts::bars(&mut pen, title, categories, series, unit, ML, top, CW, h),
        }
        self.y = top + h + 8.0;
    }

    /// A QR code (vector squares, one rectangle per run of dark modules in a row, with the
    /// standard 4-module quiet zone) at the left margin and its caption beside it; kept on
    /// one page.
    fn qr_code(&mut self, data: &str, caption: &str) {
        let Ok(code) =
            qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        else {
            return;
        };
        let n = code.width();
        let colors = code.to_colors();
        let module = QR_SIZE / (n + 8) as f32;
        let cap_x = ML + QR_SIZE + 12.0;
        let cap_w = CW - QR_SIZE - 12.0;
        let (size, lh) = (9.0, 14.0);
        let parts: Vec<(String, Vec<LineSpan>)> = caption
            .split('\n')
            .map(|p| {
                let lines = self.f.lines(p, size, false, cap_w, cap_w);
                (p.to_string(), lines)
            })
            .collect();
        let cap_h = parts.iter().map(|(_, l)| l.len()).sum::<usize>() as f32 * lh;
        let h = QR_SIZE.max(cap_h);
        self.space(8.0);
        self.ensure(h);
        self.mark(Placed::Chart);
        let top = self.y;
        let mut pen = self.pen();
        // White background (the quiet zone stays light on any paper tint).
        pen.fill_rect(ML, top, QR_SIZE, QR_SIZE, (1.0, 1.0, 1.0));
        let x0 = ML + 4.0 * module;
        let y0 = top + 4.0 * module;
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    pen.fill_rect(
                        x0 + start as f32 * module,
                        y0 + row as f32 * module,
                        (col - start) as f32 * module,
                        module,
                        (0.0, 0.0, 0.0),
                    );
                } else {
                    col += 1;
                }
            }
        }
        let mut y = top + (h - cap_h) / 2.0;
        for (i, (p, lines)) in parts.iter().enumerate() {
            for l in lines {
                let by = baseline(y, lh, size);
                pen.text(
                    &p[l.start..l.end],
                    cap_x,
                    by,
                    size,
                    false,
                    if i == 0 { INK } else { GREY },
                    0.0,
                );
                y += lh;
            }
        }
        self.y = top + h + 6.0;
    }

    /// One or more lines of small grey type, centred.
    fn fine_print(&mut self, text: &str) {
        let size = 8.0;
        self.y += 4.0;
        for l in self.f.lines(text, size, false, CW, CW) {
            self.ensure(FINE_LH);
            let by = baseline(self.y, FINE_LH, size);
            self.pen().text_aligned(
                &text[l.start..l.end],
                ML,
                CW,
                by,
                size,
                false,
                GREY,
                Align::Center,
            );
            self.y += FINE_LH;
        }
    }

    fn sign_off(&mut self, parties: &[SignParty]) {
        if parties.is_empty() {
            return;
        }
        for chunk in parties.chunks(3) {
            let n = chunk.len();
            let col_w = CW / n as f32;
            let inner = col_w - 16.0;
            let name_lines: Vec<Vec<LineSpan>> = chunk
                .iter()
                .map(|p| self.f.lines(&p.name, BODY_SIZE, false, inner, inner))
                .collect();
            let max_name = name_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = 20.0 + max_name as f32 * BODY_LH + 62.0;
            self.space(10.0);
            self.ensure(h);
            self.mark(Placed::SignOff);
            let top = self.y;
            let mut pen = self.pen();
            for (i, (p, lines)) in chunk.iter().zip(&name_lines).enumerate() {
                let x = ML + i as f32 * col_w;
                pen.text(
                    &p.role,
                    x,
                    baseline(top, 20.0, 11.0),
                    11.0,
                    true,
                    ACCENT,
                    0.0,
                );
                for (j, l) in lines.iter().enumerate() {
                    let by = baseline(top + 20.0 + j as f32 * BODY_LH, BODY_LH, BODY_SIZE);
                    pen.text(&p.name[l.start..l.end], x, by, BODY_SIZE, false, INK, 0.0);
                }
                let y1 = top + 20.0 + max_name as f32 * BODY_LH + 26.0;
                pen.text("签字：", x, y1, BODY_SIZE, false, INK, 0.0);
                let lx = x + pen.f.width("签字：", BODY_SIZE, false) + 2.0;
                pen.hline(lx, x + inner, y1 + 2.0, 0.5, INK);
                let y2 = y1 + 28.0;
                pen.text(
                    "日期：　　　　年　　　月　　　日",
                    x,
                    y2,
                    BODY_SIZE,
                    false,
                    INK,
                    0.0,
                );
            }
            self.y = top + h;
        }
        self.y += 6.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{self, Face};
    use fudao_core::doc::Column;
    use std::sync::OnceLock;

    fn face() -> &'static Face {
        static F: OnceLock<Face> = OnceLock::new();
        F.get_or_init(|| Face::parse(fonts::REGULAR_TTF, "WenQuanYiMicroHei").unwrap())
    }

    fn layout() -> Layout<'static> {
        Layout::new(Fonts::new(face()))
    }

    /// The table of section 五 as the issue saw it break: every unit, status, guarantee kind
    /// and branch name stays on one line in its computed column.
    #[test]
    fn computed_column_widths_keep_units_and_short_words_whole() {
        let l = layout();
        let row = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let t = Table {
            columns: vec![
                Column::new("序号", 0.5, Align::Center),
                Column::new("融资需求", 1.6, Align::Left),
                Column::new("金额（万元）", 0.9, Align::Right),
                Column::new("推荐产品", 1.6, Align::Left),
                Column::new("担保方式", 0.9, Align::Left),
                Column::new("经办机构", 1.2, Align::Left),
                Column::new("状态", 0.7, Align::Center),
                Column::new("下一步", 2.0, Align::Left),
            ],
            rows: vec![
                row(&[
                    "1",
                    "研发投入（新一代五轴联动数控系统）",
                    "2,000",
                    "科技成果转化贷、知识产权质押贷",
                    "融资担保",
                    "齐鲁银行高新支行",
                    "部分满足",
                    "2026年12月15日前补齐近三年审计报告并提交授信申请",
                ]),
                row(&[
                    "2",
                    "原材料采购",
                    "50",
                    "信用贷",
                    "知识产权质押",
                    "泉城农商银行历下支行",
                    "未满足",
                    "对接客户经理",
                ]),
            ],
            note: None,
        };
        let widths = l.table_widths(&t);
        assert!(
            (widths.iter().sum::<f32>() - CW).abs() < 0.5,
            "the table spans the text width: {widths:?}"
        );
        for (i, r) in std::iter::once(t.columns.iter().map(|c| c.header.clone()).collect())
            .chain(t.rows.iter().cloned())
            .enumerate()
        {
            let cells: Vec<GCell> = r.iter().map(|s| GCell::plain(s, Align::Left)).collect();
            let wrapped = l.wrap_row(&widths, &cells, &TABLE_STYLE);
            for ((cell, lines), w) in cells.iter().zip(&wrapped).zip(&widths) {
                let shown: Vec<&str> = lines.iter().map(|s| &cell.text[s.start..s.end]).collect();
                for keep in [
                    "（万元）",
                    "融资担保",
                    "部分满足",
                    "高新支行",
                    "历下支行",
                    "知识产权质押",
                    "2,000",
                    "未满足",
                ] {
                    if cell.text.contains(keep) {
                        assert!(
                            shown.iter().any(|s| s.contains(keep)),
                            "row {i}: “{keep}” broken in a {w:.1} pt column: {shown:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn column_widths_share_the_rest_by_need_then_weight() {
        // Everything fits unwrapped: natural widths plus the rest by weight.
        let w = column_widths(
            &[10.0, 10.0],
            &[20.0, 20.0],
            &[30.0, 50.0],
            &[1.0, 3.0],
            120.0,
        );
        assert_eq!(w, vec![40.0, 80.0]);
        // A greedy long column does not starve a short one that needs little.
        let w = column_widths(
            &[10.0, 10.0],
            &[20.0, 20.0],
            &[40.0, 1000.0],
            &[1.0, 1.0],
            200.0,
        );
        assert_eq!(w, vec![40.0, 160.0]);
        // Soft minima do not fit: hard minimum plus the same share of the way to soft.
        let w = column_widths(
            &[10.0, 20.0],
            &[30.0, 40.0],
            &[30.0, 40.0],
            &[1.0, 1.0],
            50.0,
        );
        assert_eq!(w, vec![20.0, 30.0]);
        // Not even the hard minima fit: scaled down.
        let w = column_widths(
            &[60.0, 40.0],
            &[60.0, 40.0],
            &[60.0, 40.0],
            &[1.0, 1.0],
            50.0,
        );
        assert_eq!(w, vec![30.0, 20.0]);
    }

    #[test]
    fn justification_has_a_limit_and_skips_single_characters() {
        let size = 10.0;
        assert_eq!(justify_spacing(100.0, 110.0, 11, size), 1.0);
        let at_limit =
            justify_spacing(100.0, 100.0 + 10.0 * size * MAX_JUSTIFY_EM - 0.01, 11, size);
        assert!(
            (at_limit - size * MAX_JUSTIFY_EM).abs() < 0.01,
            "{at_limit}"
        );
        assert_eq!(
            justify_spacing(50.0, 110.0, 11, size),
            0.0,
            "too wide: ragged"
        );
        assert_eq!(justify_spacing(50.0, 110.0, 1, size), 0.0);
        assert_eq!(justify_spacing(111.0, 110.0, 11, size), 0.0);
    }
}
