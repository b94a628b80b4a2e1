// Shared helpers of the Vitest suites: render a page with React Query, antd's App and a router
// over a mocked IPC whose handlers the test supplies.
import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router";
import type { SyncStatus, Vocabulary } from "./bindings";

export const vocabulary: Vocabulary = {
  stage: [],
  qualification_kind: [
    { key: "tech_sme", zh: "科技型中小企业", en: "Tech-based SME" },
    { key: "high_tech", zh: "高新技术企业", en: "High-tech enterprise" },
  ],
  qualification_short: [
    { key: "tech_sme", zh: "科小", en: "Tech SME" },
    { key: "high_tech", zh: "高企", en: "HNTE" },
  ],
  financing_kind: [{ key: "loan", zh: "贷款", en: "Loan" }],
  need_status: [
    { key: "raised", zh: "已提出", en: "Raised" },
    { key: "disbursed", zh: "已放款", en: "Disbursed" },
  ],
  reason_code: [],
  visit_mode: [],
  satisfaction: [],
  feedback_source: [
    { key: "qr", zh: "扫码评价", en: "QR code" },
    { key: "paper", zh: "纸质评价", en: "Paper" },
    { key: "phone", zh: "电话评价", en: "Phone" },
    { key: "visit", zh: "走访面评", en: "In person" },
    { key: "unrecorded", zh: "未注明来源", en: "Not recorded" },
  ],
  plan_status: [],
  role: [
    { key: "coach", zh: "辅导员", en: "Coach" },
    { key: "lead", zh: "队长", en: "Lead" },
  ],
  district: [
    { key: "370102", zh: "历下区", en: "历下区" },
    { key: "370103", zh: "市中区", en: "市中区" },
  ],
  industry: [{ key: "C", zh: "制造业", en: "Manufacturing" }],
};

export type Handler = (args: Record<string, unknown>) => unknown;

/** Renders `element` at `path` (route pattern `pattern`); `handlers` answer IPC commands. */
export function renderPage(element: ReactElement, handlers: Record<string, Handler>, path = "/", pattern = "/") {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd === "vocabulary" && !handlers.vocabulary) return vocabulary;
    const h = handlers[cmd];
    if (!h) return [];
    return h(a);
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <AntApp>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={element} />
            <Route path="/firms/:id" element={<div data-testid="firm-page" />} />
          </Routes>
        </MemoryRouter>
      </AntApp>
    </QueryClientProvider>,
  );
  return calls;
}

/** The 同步 status of a device that is not logged in (tests override what they need). */
export const loggedOutStatus: SyncStatus = {
  logged_in: false,
  server: null,
  user_name: null,
  username: null,
  role: null,
  last_sync: null,
  outbox: 0,
  open_conflicts: 0,
  open_conflicts_more: false,
  demo: false,
};
