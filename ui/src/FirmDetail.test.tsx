import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router";
import "./i18n";
import FirmDetail from "./pages/FirmDetail";
import type { AppError, FieldError, Firm } from "./bindings";

const blank: Firm = {
  id: "0190f1d2-0000-7000-8000-000000000001",
  team_id: null,
  coach_id: null,
  uscc: "",
  uscc_override: null,
  name: "",
  district: null,
  address: null,
  industry: null,
  founded: null,
  registered_capital: null,
  staff: null,
  tech_staff: null,
  high_talents: null,
  financials: [],
  ip: { invention_patents: 0, other_class1: 0, utility_models: 0, designs: 0, software_copyrights: 0, pledged: 0 },
  qualifications: [],
  stage: null,
  ever_borrowed: null,
  first_loan_list: false,
  first_loan_date: null,
  whitelist: false,
  listing_reserve: false,
  listing_board: null,
  contacts: [],
  tags: [],
  facts: {},
  notes: "",
};

const invalid: AppError = {
  code: "validation",
  message: { zh: "有字段未通过校验，请按提示修改后再保存", en: "Some fields are invalid" },
  details: [{ field: "uscc", code: "uscc.length", message: { zh: "统一社会信用代码应为18位", en: "USCC must have 18 characters" } }],
};

function setup(onSave: (firm: Firm) => Firm | AppError, warnings: FieldError[] = []) {
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    switch (cmd) {
      case "new_firm":
        return blank;
      case "check_firm":
        return [];
      case "firm_warnings":
        return warnings;
      case "vocabulary":
        return {
          stage: [],
          qualification_kind: [],
          qualification_short: [],
          financing_kind: [],
          need_status: [],
          reason_code: [],
          visit_mode: [],
          satisfaction: [],
          plan_status: [],
          role: [],
          district: [],
          industry: [],
        };
      case "save_firm": {
        const r = onSave((args as { firm: Firm }).firm);
        if ("code" in r) throw r;
        return r;
      }
      default:
        return [];
    }
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <AntApp>
        <MemoryRouter initialEntries={["/firms/new"]}>
          <Routes>
            <Route path="/firms/new" element={<FirmDetail />} />
            <Route path="/firms/:id" element={<div data-testid="saved-page" />} />
          </Routes>
        </MemoryRouter>
      </AntApp>
    </QueryClientProvider>,
  );
  return calls;
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("firm form", () => {
  it("shows the store's field errors beside the field and stays on the form", async () => {
    const calls = setup(() => invalid);
    const name = await screen.findByTestId("f-name");
    fireEvent.change(name, { target: { value: "济南量子科技有限公司" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("save-firm"));
    });
    const msg = await screen.findByTestId("err-uscc");
    expect(msg.textContent).toBe("统一社会信用代码应为18位");
    expect(screen.queryByTestId("saved-page")).toBeNull();
    expect(calls).toContain("save_firm");
  });

  it("sends the edited fields and moves to the saved firm", async () => {
    let sent: Firm | null = null;
    setup((f) => {
      sent = f;
      return f;
    });
    fireEvent.change(await screen.findByTestId("f-name"), { target: { value: "济南量子科技有限公司" } });
    fireEvent.change(screen.getByTestId("f-uscc"), { target: { value: "91370102ma3c4qxy" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("save-firm"));
    });
    await screen.findByTestId("saved-page");
    expect(sent).not.toBeNull();
    const s = sent as unknown as Firm;
    expect(s.name).toBe("济南量子科技有限公司");
    expect(s.uscc).toBe("91370102MA3C4QXY");
    expect(s.id).toBe(blank.id);
  });

  it("shows the record's consistency warnings on 概况, naming the field, without blocking save", async () => {
    let saves = 0;
    const calls = setup(
      (f) => {
        saves += 1;
        return f;
      },
      [
        {
          field: "facts.niche_years",
          code: "consistency.niche_years_over_age",
          message: { zh: "细分市场年限：9年，超过企业成立年限（3年，成立于2023-05-01）", en: "niche-market years: 9, more than the firm's age" },
        },
      ],
    );
    const box = await screen.findByTestId("firm-warnings");
    expect(box.textContent).toContain("数据一致性提示");
    const item = screen.getByTestId("firm-warning");
    expect(item.textContent).toBe("细分市场年限：9年，超过企业成立年限（3年，成立于2023-05-01）");
    expect(item.getAttribute("data-field")).toBe("facts.niche_years");
    expect(calls).toContain("firm_warnings");
    await act(async () => {
      fireEvent.click(screen.getByTestId("save-firm"));
    });
    await waitFor(() => expect(saves).toBe(1));
  });

  it("shows no warning box for a coherent record", async () => {
    setup((f) => f);
    await screen.findByTestId("f-name");
    await waitFor(() => expect(screen.queryByTestId("firm-warnings")).toBeNull());
  });

  it("Ctrl+S saves", async () => {
    let saves = 0;
    setup((f) => {
      saves += 1;
      return f;
    });
    await screen.findByTestId("f-name");
    const { installShortcuts } = await import("./shortcuts");
    const off = installShortcuts(document);
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true }));
    });
    await waitFor(() => expect(saves).toBe(1));
    off();
  });
});
