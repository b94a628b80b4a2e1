//! Figures and furniture: charts, the QR code, fine print and the sign-off block.

use super::*;

/// Height of a chart.
pub(super) const CHART_H: f32 = 220.0;
/// Side of a QR code with its quiet zone, in points (32 mm).
pub(super) const QR_SIZE: f32 = 90.7;
/// Line height of fine print.
pub(super) const FINE_LH: f32 = 12.0;

impl Layout<'_> {
    pub(super) fn chart(&mut self, chart: &Chart) {
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
    pub(super) fn qr_code(&mut self, data: &str, caption: &str) {
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
    pub(super) fn fine_print(&mut self, text: &str) {
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

    pub(super) fn sign_off(&mut self, parties: &[SignParty]) {
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
