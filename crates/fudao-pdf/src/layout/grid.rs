//! Grids: tables and key-value grids, their column widths, rows split across pages.

use super::*;

/// A table/grid cell.
pub(super) struct GCell<'t> {
    pub(super) text: &'t str,
    pub(super) bold: bool,
    pub(super) align: Align,
    pub(super) fill: Option<C3>,
    pub(super) color: C3,
}

impl<'t> GCell<'t> {
    pub(super) fn plain(text: &'t str, align: Align) -> Self {
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
pub(super) struct GridStyle {
    pub(super) size: f32,
    pub(super) lh: f32,
    pub(super) pad_v: f32,
    pub(super) pad_h: f32,
}

pub(super) const TABLE_STYLE: GridStyle = GridStyle {
    size: TABLE_SIZE,
    lh: 13.0,
    pad_v: 3.5,
    pad_h: 4.5,
};

/// How many lines of a body row fit on a page below a header of `header_h`.
pub(super) fn fresh_capacity(header_h: f32, st: &GridStyle) -> usize {
    (((BODY_BOTTOM - BODY_TOP - header_h - 2.0 * st.pad_v) / st.lh).floor() as usize).max(1)
}

/// The height a grid's first row needs below its header: the whole row when a fresh page
/// holds it (the grid then moves it whole), else one line (it is split).
pub(super) fn first_row_height(wrapped: &[Vec<LineSpan>], header_h: f32, st: &GridStyle) -> f32 {
    let total = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let lines = if total <= fresh_capacity(header_h, st) {
        total
    } else {
        1
    };
    lines as f32 * st.lh + 2.0 * st.pad_v
}

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

impl Layout<'_> {
    /// Column widths of a table from its content: every column gets at least the width of
    /// its widest unbreakable unit (a number, a unit such as `（万元）`, a short phrase such as
    /// `部分满足` or a bank branch); the rest of the page width goes first to the columns that
    /// need least to show their text unwrapped, then in proportion to the columns' weights.
    pub(super) fn table_widths(&self, t: &Table) -> Vec<f32> {
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

    pub(super) fn kv_grid(&mut self, pairs: &[KeyValue], columns: u8) {
        if pairs.is_empty() {
            return;
        }
        let (widths, rows) = self.kv_rows(pairs, columns);
        self.grid(&widths, None, &rows, &TABLE_STYLE);
        self.y += 8.0;
    }

    /// Column widths and cells of a key–value grid.
    pub(super) fn kv_rows<'p>(
        &self,
        pairs: &'p [KeyValue],
        columns: u8,
    ) -> (Vec<f32>, Vec<Vec<GCell<'p>>>) {
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

    pub(super) fn table(&mut self, t: &Table) {
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
    pub(super) fn wrap_row(
        &self,
        widths: &[f32],
        cells: &[GCell],
        st: &GridStyle,
    ) -> Vec<Vec<LineSpan>> {
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
    pub(super) fn draw_row(
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
    pub(super) fn grid(
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
}
