/**
 * In-page timings the e2e measure suite reads (`window.__fudaoPerf`): each is a
 * `performance.measure` from a user action to the frame that shows its result.
 *
 * - `firmSearch`: a keystroke in the 企业 search box → the list painted with the count and rows
 *   of that query.
 */
export interface PerfRecord {
  /** The measure's name (`firm-search`). */
  name: string;
  /** What was typed (trimmed). */
  query: string;
  /** Milliseconds from the keystroke to the painted rows. */
  ms: number;
  /** Matches shown. */
  total: number;
}

export interface FudaoPerf {
  firmSearch: PerfRecord | null;
  /** Every firm-search measure of this page load, oldest first (at most 200). */
  firmSearches: PerfRecord[];
  /** Time to first content of every screen visited, oldest first (at most 200). */
  screens?: ScreenRecord[];
  /** The latest visit of each screen. */
  screen?: Record<string, ScreenRecord>;
  /** Page start → bundle running → first data. */
  boot?: BootRecord;
  /** The 一企一策 preview: opened → every page painted. */
  planPreview?: { ms: number; pages: number };
}

declare global {
  interface Window {
    __fudaoPerf?: FudaoPerf;
  }
}

export function perfStore(): FudaoPerf {
  if (!window.__fudaoPerf) window.__fudaoPerf = { firmSearch: null, firmSearches: [] };
  return window.__fudaoPerf;
}

let pending: { query: string; mark: string } | null = null;
let seq = 0;

/** A keystroke in the search box: the text it leaves (trimmed). */
export function markSearchKey(query: string) {
  const mark = `firm-search-key-${++seq}`;
  performance.mark(mark);
  pending = { query, mark };
}

/**
 * The list now shows the result of `query`: once the frame is painted, measures from the
 * keystroke that produced that text (if one is pending) and publishes the measure.
 */
export function markSearchRendered(query: string, total: number) {
  const p = pending;
  if (!p || p.query !== query) return;
  pending = null;
  const finish = () => {
    const end = `${p.mark}-rendered`;
    performance.mark(end);
    const m = performance.measure("firm-search", p.mark, end);
    const rec: PerfRecord = { name: "firm-search", query, ms: Math.round(m.duration * 10) / 10, total };
    const s = perfStore();
    s.firmSearch = rec;
    s.firmSearches.push(rec);
    if (s.firmSearches.length > 200) s.firmSearches.shift();
    performance.clearMarks(p.mark);
    performance.clearMarks(end);
  };
  // After the commit: the next animation frame is the paint that shows the rows.
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => finish());
  else finish();
}

/**
 * Time to first content per screen: from the route change (the app's first render that sees
 * the new path) to the frame that shows the screen's data (not its skeleton). Published as
 * `window.__fudaoPerf.screens` (every visit, oldest first) and `window.__fudaoPerf.screen[name]`
 * (the latest visit of each screen).
 */
export interface ScreenRecord {
  /** The screen (`home`, `firms`, `firm`, `products`, `team`, `import`, `sync`, `settings`, …). */
  screen: string;
  /** The path routed to. */
  path: string;
  /** Milliseconds from the route change to the painted content. */
  ms: number;
  /** Milliseconds since the page started loading (performance.now()) when it was painted. */
  at: number;
}

export interface BootRecord {
  /** performance.now() when the bundle's entry module started running (the bundle was parsed). */
  script: number;
  /** performance.now() when the first data (the home screen's firm count) was painted. */
  firstData: number | null;
  /** performance.now() of each step on the way to the first data (`lock`: the database's
   * state answered; `home`: the home screen's first render; `info`: its counts answered). */
  steps: Record<string, number>;
}

function screenStore() {
  const s = perfStore();
  s.screens ??= [];
  s.screen ??= {};
  return s as FudaoPerf & { screens: ScreenRecord[]; screen: Record<string, ScreenRecord> };
}

let route: { path: string; mark: string; seq: number } | null = null;
let routeSeq = 0;
const reported = new Set<string>();

/** The app routed to `path` (idempotent: called from render, which may run twice). */
export function markRouteChange(path: string) {
  if (route?.path === path) return;
  const mark = `route-${++routeSeq}`;
  performance.mark(mark);
  if (route) performance.clearMarks(route.mark);
  route = { path, mark, seq: routeSeq };
}

/** The plan preview painted its `pages`, `ms` after it opened. */
export function reportPlanPreview(ms: number, pages: number) {
  perfStore().planPreview = { ms: Math.round(ms), pages };
}

/** The bundle's entry module runs (call once, first thing). */
export function markBoot() {
  perfStore().boot = { script: Math.round(performance.now()), firstData: null, steps: {} };
}

/** A step on the way to the first data (the first time only, and only before the first data). */
export function markBootStep(step: string) {
  const b = perfStore().boot;
  if (!b || b.firstData !== null || step in b.steps) return;
  b.steps[step] = Math.round(performance.now());
}

/** Records the first content of `screen` for the current route, once the frame is painted. */
export function reportFirstContent(screen: string) {
  const r = route;
  if (!r) return;
  const key = `${r.seq}:${screen}`;
  if (reported.has(key)) return;
  reported.add(key);
  const finish = () => {
    const end = `${r.mark}-${screen}-content`;
    performance.mark(end);
    const m = performance.measure(`screen-${screen}`, r.mark, end);
    const rec: ScreenRecord = { screen, path: r.path, ms: Math.round(m.duration * 10) / 10, at: Math.round(performance.now()) };
    const s = screenStore();
    s.screens.push(rec);
    if (s.screens.length > 200) s.screens.shift();
    s.screen[screen] = rec;
    if (screen === "home" && s.boot && s.boot.firstData === null) s.boot.firstData = rec.at;
    performance.clearMarks(end);
    performance.clearMeasures(`screen-${screen}`);
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => finish());
  else finish();
}
