// 导入 wizard: mapping unrecognised columns to fields, re-checking, importing with the mapping.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import i18n from "./i18n";
import type { ColumnMapping, ImportResult } from "./bindings";
import { renderPage } from "./test-utils";
import Import from "./pages/Import";

afterEach(async () => {
  cleanup();
  clearMocks();
  await i18n.changeLanguage("zh");
});

const m = (zh: string, en: string) => ({ zh, en });
const CODE = "91370102MA3C4QXY4P";
const uscc = { letter: "A", header: "统一社会信用代码", field: "uscc", field_label: m("统一社会信用代码", "USCC"), unit: null, year: null, mapped: false };
const name = { letter: "B", header: "企业名称", field: "name", field_label: m("企业名称", "Firm name"), unit: null, year: null, mapped: false };

const unmapped: ImportResult = {
  file: "/data/firms.csv",
  sheet: "firms",
  header_row: 1,
  columns: [uscc, name],
  unknown_columns: ["在岗职工（人）", "微信群"],
  notes: [],
  total_rows: 1,
  preview: [{ row: 2, uscc: CODE, name: "济南映射科技有限公司", district: null, staff: null, has_need: false }],
  problems: [],
  created: 1,
  updated: 0,
  unchanged: 0,
  needs_created: 0,
  needs_updated: 0,
  committed: false,
  cancelled: false,
  mappable_fields: [
    { key: "name", label: m("企业名称", "Firm name") },
    { key: "staff", label: m("从业人数", "Staff") },
    { key: "tech_staff", label: m("科技人员", "Tech staff") },
  ],
};

const mapped: ImportResult = {
  ...unmapped,
  columns: [uscc, name, { letter: "C", header: "在岗职工（人）", field: "staff", field_label: m("从业人数", "Staff"), unit: null, year: null, mapped: true }],
  unknown_columns: ["微信群"],
  preview: [{ ...unmapped.preview[0], staff: 46 }],
};

const conflict = {
  code: "import.mapping_conflict",
  message: m("B列“企业名称”和C列“在岗职工（人）”都对应“企业名称”，请将其中一列设为忽略或对应其他字段", "columns B and C both fill Firm name (name)"),
  details: [],
};

/** The preview command as the app answers it, by mapping. */
function preview(args: Record<string, unknown>): ImportResult {
  const list = (args.mapping ?? []) as ColumnMapping[];
  const staff = list.find((x) => x.header === "在岗职工（人）");
  if (staff?.field === "name") throw conflict;
  return staff?.field === "staff" ? mapped : unmapped;
}

/** Opens the Select of the `i`-th mappable column and picks the option `title`. */
async function choose(i: number, title: string) {
  const sel = screen.getByTestId(`import-map-${i}`).querySelector(".ant-select-selector") ?? screen.getByTestId(`import-map-${i}`);
  await act(async () => {
    fireEvent.mouseDown(sel);
  });
  const options = await screen.findAllByTitle(title);
  await act(async () => {
    fireEvent.click(options[options.length - 1]);
  });
}

describe("导入 column mapping", () => {
  it("offers a Select per unknown column, re-checks with the mapping and imports with it", async () => {
    const calls = renderPage(<Import />, {
      "plugin:dialog|open": () => "/data/firms.csv",
      import_preview: preview,
      import_commit: (a) => ({ ...preview(a), committed: true }),
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId("import-pick"));
    });
    await screen.findByTestId("import-check");
    expect(calls.filter((c) => c.cmd === "import_preview")[0].args).toEqual({ path: "/data/firms.csv", mapping: [] });
    const mapper = screen.getByTestId("import-mapper");
    expect(mapper.textContent).toContain("在岗职工（人）");
    expect(mapper.textContent).toContain("微信群");
    // Both unknown columns start ignored.
    expect(screen.getByTestId("import-map-0").textContent).toContain("忽略此列");
    expect(screen.getByTestId("import-map-1").textContent).toContain("忽略此列");

    // A field another column fills: a readable error, the import blocked until it is fixed.
    await choose(0, "企业名称（已有列）");
    expect((await screen.findByTestId("import-map-error")).textContent).toContain("B列“企业名称”和C列“在岗职工（人）”都对应“企业名称”");
    expect(screen.getByTestId("import-confirm").hasAttribute("disabled")).toBe(true);

    await choose(0, "从业人数");
    await waitFor(() => expect(screen.queryByTestId("import-map-error")).toBeNull());
    const previews = calls.filter((c) => c.cmd === "import_preview");
    expect(previews[previews.length - 1].args).toEqual({ path: "/data/firms.csv", mapping: [{ header: "在岗职工（人）", field: "staff" }] });
    // The column now shows as recognised (mapped), its values in the preview; its Select stays.
    expect(screen.getByTestId("import-columns").textContent).toContain("C: 在岗职工（人） → 从业人数");
    expect(screen.getByTestId("import-columns").textContent).toContain("手动指定");
    expect(screen.getByTestId("import-unknown").textContent).not.toContain("在岗职工");
    expect(screen.getByTestId("import-map-0").textContent).toContain("从业人数");
    expect(screen.getByText("46")).toBeTruthy();

    await act(async () => {
      fireEvent.click(screen.getByTestId("import-confirm"));
    });
    await screen.findByTestId("import-done");
    expect(calls.find((c) => c.cmd === "import_commit")?.args).toEqual({ path: "/data/firms.csv", mapping: [{ header: "在岗职工（人）", field: "staff" }] });
  });

  it("labels fields and choices in English", async () => {
    await i18n.changeLanguage("en");
    renderPage(<Import />, {
      "plugin:dialog|open": () => "/data/firms.csv",
      import_preview: preview,
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId("import-pick"));
    });
    await screen.findByTestId("import-check");
    expect(screen.getByText("Map unrecognised columns")).toBeTruthy();
    expect(screen.getByTestId("import-map-0").textContent).toContain("Ignore this column");
    await choose(0, "Staff");
    await waitFor(() => expect(screen.getByTestId("import-columns").textContent).toContain("C: 在岗职工（人） → Staff (mapped)"));
  });

  it("shows the rows being written with a cancel button; a cancelled import says nothing was written", async () => {
    let finish!: (r: ImportResult) => void;
    const calls = renderPage(<Import />, {
      "plugin:dialog|open": () => "/data/firms.csv",
      import_preview: preview,
      import_commit: () => new Promise<ImportResult>((r) => (finish = r)),
      cancel_job: () => true,
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId("import-pick"));
    });
    await screen.findByTestId("import-check");
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-confirm"));
    });
    expect((await screen.findByTestId("import-progress-count")).textContent).toBe("正在导入：0 / 1 行");
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-cancel"));
    });
    await waitFor(() => expect(calls.find((c) => c.cmd === "cancel_job")?.args).toEqual({ job: "import" }));
    await act(async () => {
      finish({ ...unmapped, created: 0, committed: false, cancelled: true });
    });
    expect(await screen.findByText("已取消导入，没有写入任何数据")).toBeTruthy();
    // Back on the checked file, ready to import again; no "done" page.
    await waitFor(() => expect(screen.queryByTestId("import-progress")).toBeNull());
    expect(screen.getByTestId("import-confirm")).toBeTruthy();
    expect(screen.queryByTestId("import-done")).toBeNull();
  });
});
