//! Vector charts: radar of evaluation indicators and grouped bars of yearly financials.

use fudao_core::doc::{Align, BarSeries, RadarAxis, MISSING};

use crate::layout::{baseline, Pen, ACCENT, C3, GREY, GRID, INK, RULE};

/// Fill colours of bar series, in order (cycled).
const SERIES: [C3; 5] = [
    (0.11, 0.33, 0.60),
    (0.93, 0.55, 0.17),
    (0.30, 0.62, 0.36),
    (0.55, 0.38, 0.68),
    (0.55, 0.57, 0.60),
];

/// Formats a chart value: thousands separators, at most one decimal (`2,000`, `-35.5`).
pub(crate) fn fmt_num(v: f64) -> String {
    fmt_tenths(v, false)
}

/// Formats a chart value with thousands separators and one decimal when `one_decimal` or when
/// its tenths are not zero (`2,000`, `2,000.0`, `-35.5`).
fn fmt_tenths(v: f64, one_decimal: bool) -> String {
    let tenths = (v.abs() * 10.0).round() as u64;
    let (int, frac) = (tenths / 10, tenths % 10);
    let digits = int.to_string();
    let mut out = String::with_capacity(digits.len() + 6);
    if v < 0.0 && tenths > 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if frac > 0 || one_decimal {
        out.push('.');
        out.push(char::from(b'0' + frac as u8));
    }
    out
}

/// The value labels of one chart, all in one format: one decimal for all when any value has
/// tenths (`9,217.0`, `12,166.4`), none when no value has (`2,000`, `3,500`).
fn value_labels(values: impl IntoIterator<Item = f64> + Clone) -> impl Fn(f64) -> String {
    let any_tenths = values
        .into_iter()
        .any(|v| !((v.abs() * 10.0).round() as u64).is_multiple_of(10));
    move |v| fmt_tenths(v, any_tenths)
}

/// A "nice" tick step (1, 2, 2.5 or 5 × 10ⁿ) not smaller than `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let n = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * p
}

fn chart_title(pen: &mut Pen, title: &str, x: f32, top: f32, w: f32) {
    let t = pen.f.elide(title, 10.5, true, w);
    pen.text_aligned(
        &t,
        x,
        w,
        baseline(top, 16.0, 10.5),
        10.5,
        true,
        INK,
        Align::Center,
    );
}

/// Radar chart in the box (x, top, w, h): five grid rings, spokes, the value polygon and
/// a label with `value/max` at each axis end.
pub(crate) fn radar(
    pen: &mut Pen,
    title: &str,
    axes: &[RadarAxis],
    x: f32,
    top: f32,
    w: f32,
    h: f32,
) {
    chart_title(pen, title, x, top, w);
    let n = axes.len();
    if n < 3 {
        return;
    }
    let cx = x + w / 2.0;
    let cy = top + 22.0 + (h - 20.0) / 2.0;
    let r = ((h - 20.0) / 2.0 - 34.0).min(w / 2.0 - 100.0).max(20.0);
    let dir = |i: usize| {
        let a = std::f32::consts::TAU * i as f32 / n as f32;
        (a.sin(), -a.cos())
    };
    let at = |i: usize, k: f32| {
        let (dx, dy) = dir(i);
        (cx + dx * r * k, cy + dy * r * k)
    };
    let data: Vec<(f32, f32)> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| at(i, (a.value / a.max).clamp(0.0, 1.0) as f32))
        .collect();
    pen.polygon(&data, Some((0.80, 0.87, 0.95)), None);
    for ring in 1..=5 {
        let pts: Vec<(f32, f32)> = (0..n).map(|i| at(i, ring as f32 / 5.0)).collect();
        pen.polygon(&pts, None, Some((if ring == 5 { RULE } else { GRID }, 0.5)));
    }
    for i in 0..n {
        pen.line(&[(cx, cy), at(i, 1.0)], 0.5, GRID);
    }
    pen.polygon(&data, None, Some((ACCENT, 1.3)));
    for p in &data {
        pen.fill_rect(p.0 - 1.8, p.1 - 1.8, 3.6, 3.6, ACCENT);
    }
    for (i, a) in axes.iter().enumerate() {
        let (dx, dy) = dir(i);
        let (lx, ly) = at(i, 1.0);
        let (lx, ly) = (lx + dx * 8.0, ly + dy * 8.0);
        let label = pen.f.elide(&a.label, 9.0, true, 96.0);
        let value = format!("{} / {}", fmt_num(a.value), fmt_num(a.max));
        let lw = pen
            .f
            .width(&label, 9.0, true)
            .max(pen.f.width(&value, 8.0, false));
        let bx = if dx.abs() < 0.2 {
            lx - lw / 2.0
        } else if dx > 0.0 {
            lx
        } else {
            lx - lw
        };
        // Two text lines (label, value) totalling ≈ 22 pt, placed away from the centre.
        let by = if dy < -0.5 {
            ly - 22.0
        } else if dy > 0.5 {
            ly
        } else {
            ly - 11.0
        };
        pen.text_aligned(
            &label,
            bx,
            lw,
            baseline(by, 12.0, 9.0),
            9.0,
            true,
            INK,
            Align::Center,
        );
        pen.text_aligned(
            &value,
            bx,
            lw,
            baseline(by + 11.0, 11.0, 8.0),
            8.0,
            false,
            GREY,
            Align::Center,
        );
    }
}

/// Legend of a bar chart, centred under its title in the box (x, top, w).
fn bar_legend(pen: &mut Pen, series: &[BarSeries], x: f32, top: f32, w: f32) {
    // Legend, centred under the title.
    let legend_y = top + 20.0;
    let items: Vec<(String, f32)> = series
        .iter()
        .map(|s| {
            let name = pen.f.elide(&s.name, 8.5, false, 120.0);
            let lw = pen.f.width(&name, 8.5, false);
            (name, lw)
        })
        .collect();
    let legend_w: f32 = items.iter().map(|(_, lw)| 12.0 + lw + 14.0).sum::<f32>() - 14.0;
    let mut lx = x + (w - legend_w).max(0.0) / 2.0;
    for (i, (name, lw)) in items.iter().enumerate() {
        pen.fill_rect(lx, legend_y + 2.5, 8.0, 8.0, SERIES[i % SERIES.len()]);
        pen.text(
            name,
            lx + 12.0,
            baseline(legend_y, 13.0, 8.5),
            8.5,
            false,
            INK,
            0.0,
        );
        lx += 12.0 + lw + 14.0;
    }
}

/// Value axis of a bar chart: range (lo, hi) including zero, rounded out to nice ticks.
fn value_scale(series: &[BarSeries]) -> (f64, f64, Vec<f64>) {
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let step = nice_step((hi - lo) / 5.0);
    let lo = (lo / step).floor() * step;
    let hi = (hi / step).ceil() * step;
    let ticks: Vec<f64> = (0..=((hi - lo) / step).round() as usize)
        .map(|i| lo + i as f64 * step)
        .collect();
    (lo, hi, ticks)
}

/// One bar from `y0` (zero) to `y1` (the value `v`) in the slot (x, width, gap), with its value
/// label above (below when negative).
fn value_bar(
    pen: &mut Pen,
    label: &str,
    v: f64,
    slot: (f32, f32, f32),
    ys: (f32, f32),
    colour: C3,
) {
    let (bx, bar_w, gap) = slot;
    let (y0, y1) = ys;
    let (yt, hh) = (y0.min(y1), (y0 - y1).abs());
    pen.fill_rect(bx + gap / 2.0, yt, bar_w - gap, hh.max(0.3), colour);
    let ly = if v >= 0.0 { y1 - 2.5 } else { y1 + 8.5 };
    let size = if bar_w < 22.0 { 6.5 } else { 7.5 };
    pen.text_aligned(
        label,
        bx - 10.0,
        bar_w + 20.0,
        ly,
        size,
        false,
        INK,
        Align::Center,
    );
}

/// Grouped bar chart in the box (x, top, w, h): legend, value axis with nice ticks and unit,
/// one group per category, value labels over bars, [`MISSING`] where a value is absent.
#[allow(clippy::too_many_arguments)]
pub(crate) fn bars(
    pen: &mut Pen,
    title: &str,
    categories: &[String],
    series: &[BarSeries],
    unit: &str,
    x: f32,
    top: f32,
    w: f32,
    h: f32,
) {
    chart_title(pen, title, x, top, w);
    bar_legend(pen, series, x, top, w);
    let (lo, hi, ticks) = value_scale(series);
    let label_of = value_labels(
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .collect::<Vec<f64>>(),
    );

    let tick_labels: Vec<String> = ticks.iter().map(|t| fmt_num(*t)).collect();
    let axis_w = tick_labels
        .iter()
        .map(|t| pen.f.width(t, 8.0, false))
        .fold(0.0f32, f32::max)
        + 8.0;
    let plot_x = x + axis_w.max(pen.f.width(unit, 8.0, false) * 0.5) + 6.0;
    let plot_w = x + w - plot_x - 4.0;
    let plot_top = top + 48.0;
    let plot_bottom = top + h - 20.0;
    let plot_h = plot_bottom - plot_top;
    let y_of = |v: f64| plot_bottom - ((v - lo) / (hi - lo)) as f32 * plot_h;

    if !unit.is_empty() {
        let u = format!("单位：{unit}");
        pen.text(
            &u,
            x,
            baseline(plot_top - 16.0, 11.0, 8.0),
            8.0,
            false,
            GREY,
            0.0,
        );
    }
    for (t, label) in ticks.iter().zip(&tick_labels) {
        let y = y_of(*t);
        pen.hline(plot_x, plot_x + plot_w, y, 0.4, GRID);
        pen.text_aligned(
            label,
            x,
            plot_x - x - 5.0,
            y + 2.8,
            8.0,
            false,
            GREY,
            Align::Right,
        );
    }
    let zero = y_of(0.0);
    pen.hline(plot_x, plot_x + plot_w, zero, 0.8, INK);
    pen.line(&[(plot_x, plot_top), (plot_x, plot_bottom)], 0.6, RULE);

    let nc = categories.len().max(1);
    let ns = series.len().max(1);
    let group_w = plot_w / nc as f32;
    let bar_w = (group_w * 0.72 / ns as f32).min(34.0);
    let gap = 2.0f32.min(bar_w * 0.1);
    for (ci, cat) in categories.iter().enumerate() {
        let gx = plot_x + ci as f32 * group_w;
        let bars_w = ns as f32 * bar_w;
        let bx0 = gx + (group_w - bars_w) / 2.0;
        for (si, s) in series.iter().enumerate() {
            let bx = bx0 + si as f32 * bar_w;
            match s.values.get(ci).copied().flatten() {
                Some(v) => value_bar(
                    pen,
                    &label_of(v),
                    v,
                    (bx, bar_w, gap),
                    (y_of(0.0), y_of(v)),
                    SERIES[si % SERIES.len()],
                ),
                None => {
                    pen.text_aligned(
                        MISSING,
                        bx,
                        bar_w,
                        zero - 3.0,
                        8.0,
                        false,
                        GREY,
                        Align::Center,
                    );
                }
            }
        }
        let label = pen.f.elide(cat, 9.0, false, group_w - 4.0);
        pen.text_aligned(
            &label,
            gx,
            group_w,
            plot_bottom + 13.0,
            9.0,
            false,
            INK,
            Align::Center,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_one_decimal() {
        assert_eq!(fmt_num(2000.0), "2,000");
        assert_eq!(fmt_num(1234567.25), "1,234,567.3");
        assert_eq!(fmt_num(-35.5), "-35.5");
        assert_eq!(fmt_num(0.04), "0");
        assert_eq!(fmt_num(999.96), "1,000");
        assert_eq!(fmt_num(-0.01), "0");
    }

    #[test]
    fn the_value_labels_of_one_chart_share_one_format() {
        let mixed = value_labels(vec![9217.0, 12166.44, 313.38]);
        assert_eq!(
            [mixed(9217.0), mixed(12166.44), mixed(313.38)],
            ["9,217.0", "12,166.4", "313.4"]
        );
        let whole = value_labels(vec![2000.0, 3499.96, -35.0]);
        assert_eq!(
            [whole(2000.0), whole(3499.96), whole(-35.0)],
            ["2,000", "3,500", "-35"]
        );
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(230.0), 250.0);
        assert_eq!(nice_step(4100.0), 5000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }
}
