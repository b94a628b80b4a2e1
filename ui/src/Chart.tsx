// The workbench's four charts (团队: by coach, by month; 评估: points, risk groups) as plain SVG.
//
// Why not a chart library: ECharts, used until 2026-12-05, was a 664 KB chunk and cost the web
// process about 22 MB after the firm's 评估 tab (measured with `scripts/app-measure.sh`, 10,000
// firms: 285 → 263 MB at that step, 296 → 273 MB after the tour; issue 15's memory target).
// These charts are grouped or stacked bars and lines over categories with at most two value
// axes: a few hundred lines of SVG, crisp when printed or screenshotted, testable in jsdom, and
// each mark says its value in a tooltip (`<title>`) and to screen readers.
import { useLayoutEffect, useRef, useState, type ReactElement } from "react";
import { Empty } from "antd";

export interface ChartSeries {
  name: string;
  kind: "bar" | "line";
  data: number[];
  color: string;
  /** The value axis (1: the second one, on the far side). */
  axis?: 0 | 1;
  /** Stacked with the other stacked bar series (one bar a category). */
  stack?: boolean;
  /** The value written at the end of each bar. */
  labels?: boolean;
}

export interface ChartAxis {
  /** Written above the axis. */
  name?: string;
  /** Fixed top of the scale (else a round number above the data). */
  max?: number;
  /** Ticks written as percentages. */
  percent?: boolean;
}

export interface ChartSpec {
  categories: string[];
  series: ChartSeries[];
  /** Categories down the left, values across (else categories along the bottom). */
  horizontal?: boolean;
  axes?: ChartAxis[];
  /** The series' names above the plot (when there are two or more). */
  legend?: boolean;
  /** Category labels that do not fit are turned 45° (else only some are written). */
  rotateLabels?: boolean;
}

const FONT = 12;
const TEXT = "#595959";
const GRID = "#f0f0f0";

/** An estimate of a label's width in px: CJK characters are square, others about 0.6 em. */
export function textWidth(s: string, size = FONT): number {
  let w = 0;
  for (const ch of s) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? size : size * 0.6;
  return w;
}

/** A round step for about `count` ticks over `0..span`: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  percent: boolean;
}

/** The scale of one value axis: from 0 (or below, for negative data) to a round top. */
/// `intervals`: as many steps as another axis has (the second axis' ticks meet the first one's
/// grid lines; its data start at 0).
export function scaleOf(values: number[], axis: ChartAxis | undefined, intervals?: number): Scale {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = axis?.max ?? Math.max(0, ...finite);
  // A fixed top is divided only into round steps (100% in 4 or 5, not 3).
  const fixedStep = axis?.max !== undefined && intervals ? axis.max / intervals : undefined;
  const round = fixedStep === undefined || niceStep(fixedStep * intervals!, intervals) === fixedStep || [25, 2.5].includes(fixedStep);
  if (intervals && intervals > 0 && lo === 0 && round) {
    const step = fixedStep ?? niceStep(hi, intervals);
    const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
    return { min: 0, max: step * intervals, ticks, percent: axis?.percent ?? false };
  }
  const step = niceStep(hi - lo);
  const min = Math.floor(lo / step) * step;
  const max = axis?.max ?? Math.max(step, Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 1e6; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min, max, ticks, percent: axis?.percent ?? false };
}

function tickText(v: number, s: Scale): string {
  const t = Math.abs(v) >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(Number(v.toPrecision(6)));
  return s.percent ? `${t}%` : t;
}

/** Values each axis must show: bar ends of stacked series are their running sums. */
function axisValues(spec: ChartSpec, axis: 0 | 1): number[] {
  const out: number[] = [];
  const stacked = spec.series.filter((s) => s.kind === "bar" && s.stack && (s.axis ?? 0) === axis);
  for (let i = 0; i < spec.categories.length; i++) {
    let sum = 0;
    for (const s of stacked) sum += Number.isFinite(s.data[i]) ? s.data[i] : 0;
    if (stacked.length) out.push(sum);
  }
  for (const s of spec.series) if (!(s.kind === "bar" && s.stack) && (s.axis ?? 0) === axis) out.push(...s.data);
  return out;
}

function clip(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  let out = "";
  for (const ch of s) {
    if (textWidth(`${out}${ch}…`) > width) break;
    out += ch;
  }
  return `${out}…`;
}

/** The chart drawn for a box `width` px wide and `height` px high (pure: tested directly). */
export function ChartSvg({ spec, width, height }: { spec: ChartSpec; width: number; height: number }) {
  const n = spec.categories.length;
  const dual = spec.series.some((s) => (s.axis ?? 0) === 1);
  const first = scaleOf(axisValues(spec, 0), spec.axes?.[0]);
  const scales: Scale[] = [first, scaleOf(axisValues(spec, 1), spec.axes?.[1], first.min === 0 ? first.ticks.length - 1 : undefined)];
  const legend = spec.legend !== false && spec.series.length > 1;
  const named = spec.axes?.some((a) => a?.name);
  const top = (legend ? 24 : 4) + (named && !spec.horizontal ? 18 : 6);
  const tickW = (i: 0 | 1) => Math.max(...scales[i].ticks.map((v) => textWidth(tickText(v, scales[i])))) + 8;
  const catW = Math.min(width * 0.4, Math.max(0, ...spec.categories.map((c) => textWidth(c))) + 8);
  // Category labels along the bottom that do not fit their band are turned 45° (`rotateLabels`)
  // or only every `every`-th one is written.
  const widest = Math.max(0, ...spec.categories.map((c) => textWidth(c)));
  const crowded = !spec.horizontal && n > 0 && widest > (width - 80) / n - 6;
  const rotate = crowded && !!spec.rotateLabels;
  const every = crowded && !rotate ? Math.ceil((widest + 12) / Math.max(1, (width - 80) / n)) : 1;
  const left = spec.horizontal ? catW : tickW(0);
  const right = spec.horizontal ? 16 : dual ? tickW(1) : 12;
  const bottom = spec.horizontal ? 20 : rotate ? Math.min(height * 0.35, widest * 0.71 + 16) : 20;
  const pw = Math.max(10, width - left - right);
  const ph = Math.max(10, height - top - bottom);
  const band = (spec.horizontal ? ph : pw) / Math.max(1, n);
  // Value → px along the value direction, from the axis' zero side.
  const pos = (v: number, s: Scale) => ((v - s.min) / (s.max - s.min || 1)) * (spec.horizontal ? pw : ph);
  const bars = spec.series.filter((s) => s.kind === "bar");
  const slots = bars.filter((s) => !s.stack).length + (bars.some((s) => s.stack) ? 1 : 0);
  const groupW = band * 0.7;
  const slotW = slots ? groupW / slots : 0;
  const marks: ReactElement[] = [];
  const labels: ReactElement[] = [];
  const stackBase = new Array<number>(n).fill(0);
  let slot = 0;
  let stackSlot = -1;
  bars.forEach((s, si) => {
    const sc = scales[s.axis ?? 0];
    const mySlot = s.stack ? (stackSlot < 0 ? (stackSlot = slot++) : stackSlot) : slot++;
    for (let i = 0; i < n; i++) {
      const v = Number.isFinite(s.data[i]) ? s.data[i] : 0;
      const from = s.stack ? stackBase[i] : 0;
      const to = from + v;
      if (s.stack) stackBase[i] = to;
      const a = pos(Math.min(from, to), sc);
      const b = pos(Math.max(from, to), sc);
      const offset = i * band + (band - groupW) / 2 + mySlot * slotW;
      const title = `${spec.categories[i]} · ${s.name}: ${tickText(v, sc)}`;
      const rect = spec.horizontal
        ? { x: left + a, y: top + offset, width: b - a, height: slotW * 0.9 }
        : { x: left + offset, y: top + ph - b, width: slotW * 0.9, height: b - a };
      marks.push(
        <rect key={`b${si}-${i}`} {...rect} fill={s.color} data-series={s.name} data-value={v}>
          <title>{title}</title>
        </rect>,
      );
      if (s.labels && (v !== 0 || !s.stack)) {
        const text = tickText(v, sc);
        labels.push(
          spec.horizontal ? (
            s.stack ? (
              <text key={`l${si}-${i}`} x={left + (a + b) / 2} y={rect.y + rect.height / 2} dy="0.35em" textAnchor="middle" fontSize={FONT - 1} fill="#fff">
                {b - a >= textWidth(text, FONT - 1) + 4 ? text : ""}
              </text>
            ) : (
              <text key={`l${si}-${i}`} x={left + b + 4} y={rect.y + rect.height / 2} dy="0.35em" fontSize={FONT - 1} fill={TEXT}>
                {text}
              </text>
            )
          ) : (
            <text key={`l${si}-${i}`} x={rect.x + rect.width / 2} y={top + ph - b - 4} textAnchor="middle" fontSize={FONT - 1} fill={TEXT}>
              {text}
            </text>
          ),
        );
      }
    }
  });
  spec.series.forEach((s, si) => {
    if (s.kind !== "line" || n === 0) return;
    const sc = scales[s.axis ?? 0];
    // A missing value (null, NaN) breaks the line: no point is invented for it.
    const pts = s.data.slice(0, n).map((v, i) => {
      if (!Number.isFinite(v)) return null;
      const c = i * band + band / 2;
      const p = pos(v, sc);
      return spec.horizontal ? [left + p, top + c] : [left + c, top + ph - p];
    });
    const runs: number[][][] = [[]];
    for (const p of pts) {
      if (p) runs[runs.length - 1].push(p);
      else if (runs[runs.length - 1].length) runs.push([]);
    }
    runs.forEach((run, ri) => {
      if (run.length > 1)
        marks.push(
          <polyline key={`p${si}-${ri}`} points={run.map((p) => p.join(",")).join(" ")} fill="none" stroke={s.color} strokeWidth={2} data-series={s.name} />,
        );
    });
    pts.forEach((p, i) => {
      if (!p) return;
      marks.push(
        <circle key={`c${si}-${i}`} cx={p[0]} cy={p[1]} r={3} fill="#fff" stroke={s.color} strokeWidth={2} data-series={s.name} data-value={s.data[i]}>
          <title>{`${spec.categories[i]} · ${s.name}: ${tickText(s.data[i], sc)}`}</title>
        </circle>,
      );
    });
  });
  // Value axes: grid lines and ticks (the second axis only writes its ticks).
  const axes: ReactElement[] = [];
  scales[0].ticks.forEach((v, i) => {
    const p = pos(v, scales[0]);
    axes.push(
      spec.horizontal ? (
        <g key={`t${i}`}>
          <line x1={left + p} x2={left + p} y1={top} y2={top + ph} stroke={GRID} />
          <text x={left + p} y={top + ph + 14} textAnchor="middle" fontSize={FONT - 1} fill={TEXT}>
            {tickText(v, scales[0])}
          </text>
        </g>
      ) : (
        <g key={`t${i}`}>
          <line x1={left} x2={left + pw} y1={top + ph - p} y2={top + ph - p} stroke={GRID} />
          <text x={left - 6} y={top + ph - p} dy="0.35em" textAnchor="end" fontSize={FONT - 1} fill={TEXT}>
            {tickText(v, scales[0])}
          </text>
        </g>
      ),
    );
  });
  if (dual && !spec.horizontal)
    scales[1].ticks.forEach((v, i) =>
      axes.push(
        <text key={`u${i}`} x={left + pw + 6} y={top + ph - pos(v, scales[1])} dy="0.35em" fontSize={FONT - 1} fill={TEXT}>
          {tickText(v, scales[1])}
        </text>,
      ),
    );
  if (!spec.horizontal) {
    const [n0, n1] = [spec.axes?.[0]?.name, spec.axes?.[1]?.name];
    if (n0)
      axes.push(
        <text key="n0" x={4} y={top - 8} fontSize={FONT - 1} fill={TEXT}>
          {n0}
        </text>,
      );
    if (n1 && dual)
      axes.push(
        <text key="n1" x={width - 4} y={top - 8} textAnchor="end" fontSize={FONT - 1} fill={TEXT}>
          {n1}
        </text>,
      );
  }
  // Category labels (a clipped label's whole text is its tooltip).
  const cats = spec.categories.map((c, i) => {
    const mid = i * band + band / 2;
    const x = spec.horizontal ? left - 6 : left + mid;
    const y = spec.horizontal ? top + mid : top + ph + (rotate ? 12 : 15);
    if (i % every !== 0) return null;
    const room = spec.horizontal ? catW - 8 : rotate ? (bottom - 12) / 0.71 : band * every - 4;
    return (
      <g key={`k${i}`} data-category={c}>
        <title>{c}</title>
        <text
          x={x}
          y={y}
          dy={spec.horizontal ? "0.35em" : undefined}
          textAnchor={spec.horizontal || rotate ? "end" : "middle"}
          transform={rotate ? `rotate(-45 ${x} ${y})` : undefined}
          fontSize={FONT}
          fill={TEXT}
        >
          {clip(c, room)}
        </text>
      </g>
    );
  });
  // Legend, centred above the plot.
  const items = legend ? spec.series.map((s) => ({ s, w: 18 + textWidth(s.name) + 16 })) : [];
  let lx = (width - items.reduce((a, it) => a + it.w, 0)) / 2;
  const legendEls = items.map(({ s, w }, i) => {
    const x = lx;
    lx += w;
    return (
      <g key={`g${i}`} data-legend={s.name}>
        {s.kind === "bar" ? (
          <rect x={x} y={6} width={14} height={10} rx={2} fill={s.color} />
        ) : (
          <line x1={x} x2={x + 14} y1={11} y2={11} stroke={s.color} strokeWidth={2} />
        )}
        <text x={x + 18} y={11} dy="0.35em" fontSize={FONT} fill={TEXT}>
          {s.name}
        </text>
      </g>
    );
  });
  const baseline = spec.horizontal ? (
    <line x1={left + pos(0, scales[0])} x2={left + pos(0, scales[0])} y1={top} y2={top + ph} stroke="#bfbfbf" />
  ) : (
    <line x1={left} x2={left + pw} y1={top + ph - pos(0, scales[0])} y2={top + ph - pos(0, scales[0])} stroke="#bfbfbf" />
  );
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" style={{ display: "block", fontFamily: "inherit" }}>
      {axes}
      {baseline}
      {marks}
      {labels}
      {cats}
      {legendEls}
    </svg>
  );
}

/** A chart as wide as its box (redrawn when the box is resized). */
export default function Chart({ spec, height = 260, testId }: { spec: ChartSpec; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.round(el.clientWidth));
    measure();
    const ro = typeof ResizeObserver !== "undefined" ? new ResizeObserver(measure) : null;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);
  // jsdom and a box not laid out yet have no width: draw for a typical card until measured.
  return (
    <div ref={box} data-testid={testId} style={{ width: "100%", height }}>
      {spec.categories.length === 0 ? (
        // Nothing to draw (no coach yet): the usual empty state, not bare axes.
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} style={{ paddingTop: height / 2 - 50 }} />
      ) : (
        <ChartSvg spec={spec} width={width || 400} height={height} />
      )}
    </div>
  );
}
