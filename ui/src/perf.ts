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
