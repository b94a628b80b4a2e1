import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import Firms from "./pages/Firms";
import Team from "./pages/Team";
import Sync from "./pages/Sync";
import Products from "./pages/Products";
import type { FirmFilter, FirmPage, FirmRow, SyncStatus, TeamOverview } from "./bindings";
import { loggedOutStatus, renderPage } from "./test-utils";
import { markRouteChange, reportFirstContent } from "./perf";

/** A promise the test settles when it wants: the IPC answer of a slow query. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1200 });
});
afterAll(() => {
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientHeight;
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientWidth;
});
afterEach(() => {
  cleanup();
  clearMocks();
  delete window.__fudaoPerf;
});

describe("no blank screens: a skeleton while the query loads", () => {
  it("团队 shows its skeleton at once, then the data", async () => {
    const d = deferred<TeamOverview>();
    renderPage(<Team />, { team_overview: () => d.promise });
    expect(await screen.findByTestId("team-skeleton")).toBeTruthy();
    expect(screen.queryAllByTestId("member-row")).toHaveLength(0);
    const m = {
      user_id: "u1",
      name: "张辅导",
      role: "coach",
      team: "历下一队",
      active: true,
      caseload: 3,
      coached_firms: 2,
      visits: 4,
      need_satisfaction_pct: 50,
      requested: 1_000_000,
      disbursed: 500_000,
      first_loan_pct: null,
      feedback_satisfaction_pct: null,
    };
    await act(async () => {
      d.resolve({ from: "2026-01-01", to: "2026-11-26", members: [m], unassigned: 0, months: [], city: { ...m, user_id: null } });
    });
    expect(await screen.findAllByTestId("member-row")).toHaveLength(1);
    expect(screen.queryByTestId("team-skeleton")).toBeNull();
  });

  it("同步, 产品库 and 企业 show theirs", async () => {
    const status = deferred<SyncStatus>();
    renderPage(<Sync />, { sync_status: () => status.promise, sync_conflicts: () => [], sync_online: () => false });
    expect(await screen.findByTestId("sync-skeleton")).toBeTruthy();
    cleanup();
    renderPage(<Products />, { products: () => new Promise(() => {}) });
    expect(await screen.findByTestId("products-skeleton")).toBeTruthy();
    cleanup();
    renderPage(<Firms />, { list_firms: () => new Promise(() => {}), firm_tags: () => [] }, "/firms", "/firms");
    expect(await screen.findByTestId("firms-skeleton")).toBeTruthy();
  });
});

describe("search as typed is measured in the page", () => {
  it("publishes keystroke → rows painted as window.__fudaoPerf.firmSearch", async () => {
    const row = (i: number): FirmRow => ({
      id: `0190f1d2-0000-7000-8000-${String(i).padStart(12, "0")}`,
      uscc: `91370102MA${String(i).padStart(6, "0")}XY`,
      name: `济南测试${i}号科技有限公司`,
      district: null,
      industry: null,
      coach_id: null,
      coach_name: null,
      first_loan_list: false,
      qualifications: [],
      tags: [],
    });
    const list = (a: Record<string, unknown>): FirmPage => {
      const f = a.filter as FirmFilter;
      const all = Array.from({ length: 40 }, (_, i) => row(i)).filter((r) => !f.query || r.name.includes(f.query));
      return { total: all.length, offset: 0, rows: all.slice(0, a.limit as number) };
    };
    renderPage(<Firms />, { list_firms: list, firm_tags: () => [] }, "/firms", "/firms");
    await screen.findByText("共 40 家企业（按拼音排序）");
    // Loading the page is no keystroke: nothing measured yet.
    expect(window.__fudaoPerf?.firmSearch ?? null).toBeNull();
    fireEvent.change(screen.getByTestId("firm-search"), { target: { value: " 12 " } });
    await waitFor(() => expect(screen.getByTestId("firm-count").textContent).toBe("找到 1 家企业"));
    await waitFor(() => expect(window.__fudaoPerf?.firmSearch?.query).toBe("12"));
    const rec = window.__fudaoPerf!.firmSearch!;
    expect(rec.name).toBe("firm-search");
    expect(rec.total).toBe(1);
    // From the keystroke to the painted rows (no debounce: the store answers every text).
    expect(rec.ms).toBeGreaterThan(0);
    expect(rec.ms).toBeLessThan(5000);
    fireEvent.change(screen.getByTestId("firm-search"), { target: { value: "3" } });
    await waitFor(() => expect(window.__fudaoPerf?.firmSearch?.query).toBe("3"));
    expect(window.__fudaoPerf!.firmSearches.map((r) => r.query)).toEqual(["12", "3"]);
    expect(window.__fudaoPerf!.firmSearch!.total).toBe(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => `济南测试${i}号科技有限公司`.includes("3")).length,
    );
  });
});

describe("time to first content per screen is measured in the page", () => {
  it("同步 reports when its data is painted, not while the skeleton shows", async () => {
    const d = deferred<SyncStatus>();
    markRouteChange("/sync");
    renderPage(<Sync />, { sync_status: () => d.promise, sync_conflicts: () => [], sync_online: () => false });
    expect(await screen.findByTestId("sync-skeleton")).toBeTruthy();
    // Give a skeleton frame time to pass: nothing is recorded for it.
    await new Promise((r) => setTimeout(r, 50));
    expect(window.__fudaoPerf?.screen?.sync).toBeUndefined();
    await act(async () => {
      d.resolve(loggedOutStatus);
    });
    await waitFor(() => expect(window.__fudaoPerf?.screen?.sync).toBeDefined(), { timeout: 30_000 });
    expect(screen.queryByTestId("sync-skeleton")).toBeNull();
    const rec = window.__fudaoPerf!.screen!.sync;
    expect(rec.path).toBe("/sync");
    // The skeleton's wait is part of it.
    expect(rec.ms).toBeGreaterThanOrEqual(40);
    expect(rec.ms).toBeLessThanOrEqual(rec.at);
    expect(window.__fudaoPerf!.screens!.filter((s) => s.screen === "sync")).toHaveLength(1);
  });

  it("one record per route change: the same route again adds none, a new route measures again", async () => {
    const handlers = { sync_status: () => loggedOutStatus, sync_conflicts: () => [], sync_online: () => false };
    markRouteChange("/");
    markRouteChange("/sync");
    renderPage(<Sync />, handlers);
    await waitFor(() => expect(window.__fudaoPerf?.screen?.sync).toBeDefined(), { timeout: 30_000 });
    // Rendered again on the same route (React re-renders, StrictMode): still one record.
    markRouteChange("/sync");
    reportFirstContent("sync");
    await new Promise((r) => setTimeout(r, 50));
    expect(window.__fudaoPerf!.screens!.filter((s) => s.screen === "sync")).toHaveLength(1);
    cleanup();
    markRouteChange("/");
    markRouteChange("/sync");
    renderPage(<Sync />, handlers);
    await waitFor(() => expect(window.__fudaoPerf!.screens!.filter((s) => s.screen === "sync")).toHaveLength(2), { timeout: 30_000 });
  });
});
