// 满意度评价 in the app: the firm's list (comments as text, never HTML), the coach's form, the
// need-met answer beside the needs, and the 工作台 card of 不满意 ratings.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import type { AppInfo, Feedback, HomeOverview, PlanView, Vocabulary } from "./bindings";
import { renderPage, vocabulary as baseVocabulary } from "./test-utils";
import Visits from "./pages/firm/Visits";
import Needs from "./pages/firm/Needs";
import Home from "./pages/Home";
import PlanTab from "./pages/firm/PlanTab";

afterEach(() => {
  cleanup();
  clearMocks();
});

const FIRM = "0190f1d2-0000-7000-8000-0000000000aa";
const HOSTILE = '<b>放款太慢</b><img src=x onerror="alert(1)"><script>alert(2)</script>';

const vocabulary: Vocabulary = {
  ...baseVocabulary,
  satisfaction: [
    { key: "satisfied", zh: "满意", en: "Satisfied" },
    { key: "basic", zh: "基本满意", en: "Fairly satisfied" },
    { key: "unsatisfied", zh: "不满意", en: "Unsatisfied" },
  ],
};

const fb = (p: Partial<Feedback>): Feedback => ({
  id: "0190f1d2-0000-7000-8000-0000000000f1",
  firm_id: FIRM,
  team_id: null,
  date: "2026-11-20",
  rating: "unsatisfied",
  comment: "",
  source: "qr",
  need_met: false,
  plan_id: null,
  plan_version: null,
  ...p,
});

describe("走访记录/评价 view", () => {
  it("lists the firm's feedback with rating, source and need met, the comment as plain text", async () => {
    renderPage(<Visits firmId={FIRM} />, {
      vocabulary: () => vocabulary,
      feedback_of_firm: () => [
        fb({ comment: HOSTILE }),
        fb({ id: "0190f1d2-0000-7000-8000-0000000000f2", date: "2026-10-01", rating: "satisfied", source: "phone", need_met: true }),
      ],
      visits_of_firm: () => [],
    });
    const items = await screen.findAllByTestId("feedback-item");
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByTestId("fb-item-rating").textContent).toBe("不满意");
    expect(within(items[0]).getByTestId("fb-item-source").textContent).toBe("扫码评价");
    expect(within(items[0]).getByTestId("fb-item-need-met").textContent).toContain("未满足");
    expect(within(items[1]).getByTestId("fb-item-source").textContent).toBe("电话评价");
    expect(within(items[1]).getByTestId("fb-item-need-met").textContent).toContain("已满足");
    const comment = within(items[0]).getByTestId("fb-item-comment");
    // Shown verbatim as text: no element was made from the firm's input.
    expect(comment.textContent).toBe(HOSTILE);
    expect(comment.querySelector("b, img, script")).toBeNull();
    expect(document.querySelector("img[src='x']")).toBeNull();
  });

  it("records paper feedback through record_feedback with the form's values", async () => {
    const calls = renderPage(<Visits firmId={FIRM} />, {
      vocabulary: () => vocabulary,
      feedback_of_firm: () => [],
      visits_of_firm: () => [],
      record_feedback: (a) => ({
        feedback: fb({ ...(a.input as object), id: "0190f1d2-0000-7000-8000-0000000000f9" }),
        follow_up: {
          id: "0190f1d2-0000-7000-8000-0000000000fa",
          firm_id: FIRM,
          team_id: null,
          date: "2026-11-20",
          coach_ids: [],
          mode: "phone",
          notes: "回访",
          findings: "",
          tasks: [{ title: "回访不满意评价企业，了解原因并改进辅导", owner: "李辅导", due: "2026-11-27", done: false }],
        },
      }),
    });
    fireEvent.click(await screen.findByTestId("add-feedback"));
    await screen.findByTestId("feedback-form");
    fireEvent.click(await screen.findByText("不满意"));
    fireEvent.click(screen.getByText("未满足"));
    fireEvent.change(screen.getByTestId("fb-comment"), { target: { value: "审批太慢" } });
    fireEvent.click(screen.getByTestId("save-feedback"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "record_feedback")).toBe(true));
    const call = calls.find((c) => c.cmd === "record_feedback")!;
    const input = call.args.input as Record<string, unknown>;
    expect(input).toMatchObject({ firm_id: FIRM, rating: "unsatisfied", need_met: false, comment: "审批太慢", source: "paper" });
    expect(input.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The list is reloaded after saving.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "feedback_of_firm").length).toBeGreaterThan(1));
  });
});

describe("融资需求", () => {
  it("shows the need-met answer of the latest feedback that gave one beside the needs", async () => {
    renderPage(<Needs firmId={FIRM} />, {
      feedback_of_firm: () => [
        fb({ date: "2026-11-20", need_met: null, source: "qr" }),
        fb({ id: "0190f1d2-0000-7000-8000-0000000000f2", date: "2026-09-03", need_met: true, source: "phone" }),
      ],
      needs_of_firm: () => [],
    });
    const box = await screen.findByTestId("need-met-latest");
    await waitFor(() => expect(box.textContent).toContain("2026-09-03"));
    expect(box.textContent).toContain("电话评价");
    expect(box.textContent).toContain("已满足");
  });

  it("says when the firm never answered", async () => {
    renderPage(<Needs firmId={FIRM} />, { feedback_of_firm: () => [], needs_of_firm: () => [] });
    await waitFor(() => expect(screen.getByTestId("need-met-latest").textContent).toContain("尚未回答"));
  });
});

describe("工作台", () => {
  it("lists the 不满意 ratings to follow up, the comment as text, and opens the firm", async () => {
    const info: AppInfo = { version: "0", db_path: "/tmp/x.db", firms: 1, needs: 0, visits: 1, outbox: 0 };
    const home: HomeOverview = {
      today: "2026-11-26",
      kpi: {
        from: "2026-01-01",
        to: "2026-11-26",
        coached_firms: 1,
        need_satisfaction_pct: null,
        requested: 0,
        disbursed: 0,
        feedback_satisfaction_pct: 0,
        first_loan_pct: null,
      },
      follow_ups: [],
      follow_ups_overdue: 0,
      follow_ups_due_soon: 0,
      draft_plans: [],
      unsatisfied_feedback: [
        {
          feedback_id: "0190f1d2-0000-7000-8000-0000000000f1",
          firm_id: FIRM,
          firm_name: "济南量子科技有限公司",
          date: "2026-11-20",
          source: "qr",
          need_met: false,
          comment: HOSTILE,
          follow_up_created: true,
        },
      ],
    };
    renderPage(<Home />, { app_info: () => info, home_overview: () => home });
    const card = await screen.findByTestId("home-unsatisfied");
    expect(within(card).getByText("需回访的不满意评价")).toBeTruthy();
    const item = await within(card).findByTestId("unsatisfied-item");
    expect(item.textContent).toContain("济南量子科技有限公司");
    expect(item.textContent).toContain("扫码评价");
    expect(item.textContent).toContain("回访任务未完成");
    const comment = within(item).getByTestId("unsatisfied-comment");
    expect(comment.textContent).toBe(HOSTILE);
    expect(comment.querySelector("b, img, script")).toBeNull();
    expect(within(card).getByTestId("home-unsatisfied-count").textContent).toBe("1");
    fireEvent.click(item);
    await screen.findByTestId("firm-page");
  });
});

describe("一企一策 feedback code", () => {
  const plan: PlanView = {
    id: "0190f1d2-0000-7000-8000-0000000000b1",
    firm_id: FIRM,
    number: "JNFD-2026-0001",
    version: 2,
    status: "confirmed",
    created_on: "2026-11-20",
    confirmed_on: "2026-11-21",
    sections: [],
    summary: { zh: "", en: "" },
  };

  it("shows the short link the printed QR code carries when the public address is known", async () => {
    const url = "https://fudao.example.cn/f/ABCDEFGHJKMNPQRSTVWXYZ2345";
    const calls = renderPage(<PlanTab firmId={FIRM} />, { latest_plan: () => plan, plan_feedback_code: () => ({ url, note: null }) });
    expect((await screen.findByTestId("plan-feedback-link")).textContent).toBe(url);
    expect(screen.queryByTestId("plan-no-code-note")).toBeNull();
    expect(calls.find((c) => c.cmd === "plan_feedback_code")?.args).toEqual({ planId: plan.id });
  });

  it("previews the plan as the page images the app drew, and frees them when closed", async () => {
    // A 1×1 PNG stands for each page; jsdom has no blob URLs, so they are counted here.
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    const made: string[] = [];
    const revoked: string[] = [];
    Object.assign(URL, {
      createObjectURL: () => {
        made.push(`blob:${made.length}`);
        return made[made.length - 1];
      },
      revokeObjectURL: (u: string) => revoked.push(u),
    });
    const page = { width: 744, height: 1052, width_pt: 595.28, height_pt: 841.89, png };
    const calls = renderPage(<PlanTab firmId={FIRM} />, {
      latest_plan: () => plan,
      plan_feedback_code: () => ({ url: null, note: null }),
      plan_preview: () => ({ pages: [page, page, page] }),
    });
    fireEvent.click(await screen.findByTestId("preview-plan"));
    const count = await screen.findByTestId("pdf-pages");
    expect(count.getAttribute("data-pages")).toBe("3");
    const imgs = screen.getAllByTestId("pdf-page") as HTMLImageElement[];
    expect(imgs).toHaveLength(3);
    // Shown at 1.25 CSS px a point (A4: 744 px wide), whatever resolution it was drawn at.
    expect(imgs[0].width).toBe(744);
    expect(imgs.map((i) => i.getAttribute("src"))).toEqual(made);
    const asked = calls.find((c) => c.cmd === "plan_preview")?.args;
    expect(asked?.planId).toBe(plan.id);
    expect(asked?.scale).toBeGreaterThanOrEqual(1.25);
    fireEvent.click(document.querySelector(".ant-modal-close")!);
    await waitFor(() => expect(revoked).toEqual(made));
  });

  it("says in Chinese and English that the plan carries no code when the address is not known", async () => {
    renderPage(<PlanTab firmId={FIRM} />, {
      latest_plan: () => plan,
      plan_feedback_code: () => ({ url: null, note: { zh: "方案不带满意度评价二维码", en: "printed plans carry no feedback QR code" } }),
    });
    const note = await screen.findByTestId("plan-no-code-note");
    expect(note.textContent).toContain("方案不带满意度评价二维码");
    expect(note.textContent).toContain("printed plans carry no feedback QR code");
    expect(screen.queryByTestId("plan-feedback-link")).toBeNull();
  });
});
