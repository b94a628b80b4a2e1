import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import Firms, { PAGE } from "./pages/Firms";
import type { FirmFilter, FirmPage, FirmRow } from "./bindings";
import { renderPage } from "./test-utils";

const TOTAL = 250;
function row(i: number): FirmRow {
  return {
    id: `0190f1d2-0000-7000-8000-${String(i).padStart(12, "0")}`,
    uscc: `91370102MA${String(i).padStart(6, "0")}XY`,
    name: `济南测试${i}号科技有限公司`,
    district: i % 2 ? "370102" : "370103",
    industry: "C39",
    coach_id: null,
    coach_name: "张辅导",
    first_loan_list: i % 3 === 0,
    qualifications: i % 5 === 0 ? ["tech_sme"] : [],
    tags: ["专精特新培育"],
  };
}

/** A fake store: firms 0..TOTAL, filtered by district and query like the real one. */
function listFirms(a: Record<string, unknown>): FirmPage {
  const f = a.filter as FirmFilter;
  const all = Array.from({ length: TOTAL }, (_, i) => row(i)).filter(
    (r) => (!f.district || r.district === f.district) && (!f.query || r.name.includes(f.query)),
  );
  const offset = a.offset as number;
  return { total: all.length, offset, rows: all.slice(offset, offset + (a.limit as number)) };
}

// jsdom lays nothing out: give elements a client size so the virtualiser draws rows.
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
});

describe("firm list", () => {
  it("shows every firm a page at a time without a query", async () => {
    const calls = renderPage(<Firms />, { list_firms: listFirms, firm_tags: () => [] }, "/firms", "/firms");
    await screen.findByText("共 250 家企业（按拼音排序）");
    const rows = await screen.findAllByTestId("firm-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(PAGE);
    expect(rows[0].textContent).toContain("济南测试0号科技有限公司");
    // Designations show by their short names; the full names are in the cell's title.
    expect(rows[0].textContent).toContain("科小");
    expect(rows[0].querySelector("[data-testid='firm-row-quals']")?.getAttribute("title")).toBe("科技型中小企业");
    expect(rows[0].textContent).toContain("制造业");
    const lists = calls.filter((c) => c.cmd === "list_firms");
    expect(lists[0].args).toMatchObject({ offset: 0, limit: PAGE });
  });

  it("searches as you type and filters by district", async () => {
    const calls = renderPage(<Firms />, { list_firms: listFirms, firm_tags: () => [] }, "/firms", "/firms");
    await screen.findByText("共 250 家企业（按拼音排序）");
    fireEvent.change(screen.getByTestId("firm-search"), { target: { value: "12" } });
    const n = Array.from({ length: TOTAL }, (_, i) => row(i)).filter((r) => r.name.includes("12")).length;
    await waitFor(() => expect(screen.getByTestId("firm-count").textContent).toBe(`找到 ${n} 家企业`));
    const sent = calls.filter((c) => c.cmd === "list_firms").map((c) => (c.args.filter as FirmFilter).query);
    expect(sent).toContain("12");

    const sel = screen.getByTestId("filter-district").querySelector(".ant-select-selector") as Element;
    await act(async () => {
      fireEvent.mouseDown(sel);
    });
    fireEvent.click(await screen.findByTitle("历下区"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "list_firms" && (c.args.filter as FirmFilter).district === "370102")).toBe(true));
    const m = Array.from({ length: TOTAL }, (_, i) => row(i)).filter((r) => r.name.includes("12") && r.district === "370102").length;
    await waitFor(() => expect(screen.getByTestId("firm-count").textContent).toBe(`找到 ${m} 家企业`));
    for (const r of screen.getAllByTestId("firm-row")) expect(r.textContent).toContain("历下区");
  });

  it("waits for an input method to compose its characters before it searches", async () => {
    const calls = renderPage(<Firms />, { list_firms: listFirms, firm_tags: () => [] }, "/firms", "/firms");
    await screen.findByText("共 250 家企业（按拼音排序）");
    const box = screen.getByTestId("firm-search");
    const queries = () => calls.filter((c) => c.cmd === "list_firms").map((c) => (c.args.filter as FirmFilter).query);
    fireEvent.compositionStart(box);
    for (const typed of ["c", "ce", "ces", "测试1"]) fireEvent.input(box, { target: { value: typed }, isComposing: true });
    expect((box as HTMLInputElement).value).toBe("测试1");
    await act(async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(queries().filter((q) => q !== "")).toEqual([]);
    fireEvent.compositionEnd(box);
    const n = Array.from({ length: TOTAL }, (_, i) => row(i)).filter((r) => r.name.includes("测试1")).length;
    await waitFor(() => expect(screen.getByTestId("firm-count").textContent).toBe(`找到 ${n} 家企业`));
    expect(queries().filter((q) => q !== "")).toEqual(["测试1"]);
  });

  it("opens a firm on click", async () => {
    renderPage(<Firms />, { list_firms: listFirms, firm_tags: () => [] }, "/firms", "/firms");
    const rows = await screen.findAllByTestId("firm-row");
    fireEvent.click(rows[1]);
    await screen.findByTestId("firm-page");
  });

  it("assigns every listed firm to a coach after confirmation", async () => {
    const members = [
      { id: "0190f1d2-0000-7000-8000-0000000000c1", name: "王晓", role: "coach", team: "历下区辅导队", active: true },
      { id: "0190f1d2-0000-7000-8000-0000000000c2", name: "李明", role: "coach", team: "历下区辅导队", active: true },
    ];
    const calls = renderPage(<Firms />, { list_firms: listFirms, firm_tags: () => [], members: () => members, assign_matching: () => 7 }, "/firms", "/firms");
    await screen.findByText("共 250 家企业（按拼音排序）");
    // Without a query or filter there is nothing to assign in bulk.
    expect(screen.queryByTestId("assign-matching")).toBeNull();
    fireEvent.change(screen.getByTestId("firm-search"), { target: { value: "12" } });
    fireEvent.click(await screen.findByTestId("assign-matching"));
    const n = Array.from({ length: TOTAL }, (_, i) => row(i)).filter((r) => r.name.includes("12")).length;
    await screen.findByText(`将筛选出的 ${n} 家企业分配给`);
    const sel = screen.getByTestId("assign-coach").querySelector(".ant-select-selector") as Element;
    await act(async () => {
      fireEvent.mouseDown(sel);
    });
    fireEvent.click(await screen.findByTitle("李明（历下区辅导队）"));
    fireEvent.click(screen.getByTestId("assign-ok"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "assign_matching")).toBe(true));
    const a = calls.find((c) => c.cmd === "assign_matching")!.args;
    expect(a.coachId).toBe(members[1].id);
    expect((a.filter as FirmFilter).query).toBe("12");
    await screen.findByText("已为 7 家企业更换辅导员");
  });
});
