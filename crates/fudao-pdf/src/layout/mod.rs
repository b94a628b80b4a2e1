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

const BODY_SIZE: f32 = 10.5;
const BODY_LH: f32 = 17.5;
const TABLE_SIZE: f32 = 9.0;

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
            Block::Paragraph { text } => self.paragraph(text, next),
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
}

mod figures;
mod grid;
mod pen;
mod text;

use figures::*;
use grid::*;
pub(crate) use pen::*;

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
