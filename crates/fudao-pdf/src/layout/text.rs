//! Text blocks: title, headings (and what they keep with them), paragraphs and bullets.

use super::*;

/// Size, space before, space after and colour of a heading level.
pub(super) fn heading_style(level: u8) -> (f32, f32, f32, C3) {
    match level {
        1 => (14.0, 14.0, 6.0, ACCENT),
        2 => (12.0, 9.0, 3.0, INK),
        _ => (10.5, 6.0, 2.0, INK),
    }
}

/// Added to what a heading keeps, so rounding never lets the kept block move on alone.
pub(super) const KEEP_SLACK: f32 = 0.5;

impl Layout<'_> {
    /// Draws justified (or ragged) lines of text, breaking pages between lines.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn text_lines(
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

    pub(super) fn title(&mut self, t: &TitleBlock) {
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

    pub(super) fn heading(&mut self, level: u8, text: &str, next: &[Block]) {
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

    /// Whether `text` is a one-line paragraph that introduces the table, grid or chart after
    /// it (such as "科技型中小企业评价：不符合" before its checklist): it keeps that block's start
    /// on its page, as a heading does.
    fn is_lead_in(&self, text: &str, next: &[Block]) -> bool {
        matches!(
            next.first(),
            Some(Block::Table(_) | Block::KeyValueGrid { .. } | Block::Chart(_))
        ) && !text.trim().contains('\n')
            && self
                .f
                .lines(text.trim(), BODY_SIZE, false, CW - 2.0 * BODY_SIZE, CW)
                .len()
                == 1
    }

    pub(super) fn paragraph(&mut self, text: &str, next: &[Block]) {
        if self.is_lead_in(text, next) {
            let h = BODY_LH + 5.0 + self.keep_height(next) + KEEP_SLACK;
            self.ensure(h);
        }
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

    pub(super) fn bullets(&mut self, items: &[String]) {
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
    pub(super) fn keep_height(&self, next: &[Block]) -> f32 {
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
                let own = n.min(KEEP_LINES) as f32 * BODY_LH;
                if self.is_lead_in(text, &next[1..]) {
                    own + 5.0 + self.keep_height(&next[1..])
                } else {
                    own
                }
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
}
