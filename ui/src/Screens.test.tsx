// Behaviour of the screens over the library: 评估, 产品库, 团队, 导入, 同步.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import type { CheckView, ConflictView, EvaluationView, ImportResult, ProductFits, ProductView, SyncStatus, TeamOverview } from "./bindings";
import { loggedOutStatus, renderPage } from "./test-utils";
import Evaluation from "./pages/firm/Evaluation";
import Products from "./pages/Products";
import Team from "./pages/Team";
import Import from "./pages/Import";
import Sync from "./pages/Sync";

afterEach(() => {
  cleanup();
  clearMocks();
});

const m = (zh: string, en = zh) => ({ zh, en });
const rs = { name_zh: "科技型中小企业评价办法", name_en: "Tech SME", version: "2017", document: "国科发政〔2017〕115号" };
const check = (key: string, status: string, label: string, gap: string | null = null): CheckView => ({
  key,
  label: m(label),
  status,
  figure: "3.2%",
  required: "≥ 4%",
  gap: gap ? m(gap) : null,
  text: m(label),
  missing: status === "unknown" ? [m("营业收入")] : [],
  cite: "第十一条",
});

const evaluation: EvaluationView = {
  today: "2026-11-26",
  tech_sme: {
    rule_set: rs,
    financial_year: 2025,
    conditions: [check("resident", "met", "在中国境内注册的居民企业")],
    indicators: [
      {
        key: "tech_staff",
        label: m("科技人员占比"),
        figure: "25%",
        band: "≥ 20%",
        points: 16,
        points_min: 16,
        points_max: 16,
        max_points: 20,
        next_band: m("再增加2名科技人员可达 ≥ 30%"),
        text: m(""),
        missing: [],
        cite: "",
      },
      {
        key: "rd",
        label: m("研发投入"),
        figure: "6%",
        band: "≥ 5%",
        points: 32,
        points_min: 32,
        points_max: 32,
        max_points: 50,
        next_band: null,
        text: m(""),
        missing: [],
        cite: "",
      },
      {
        key: "ip",
        label: m("科技成果"),
        figure: "1项",
        band: "1项",
        points: 14,
        points_min: 14,
        points_max: 14,
        max_points: 30,
        next_band: null,
        text: m(""),
        missing: [],
        cite: "",
      },
    ],
    total: 62,
    total_min: 62,
    total_max: 62,
    pass_total: 60,
    direct: [],
    verdict: { key: "qualifies", label: m("符合", "qualifies"), because: [m("评价得分62分")] },
    notes: [],
  },
  high_tech: {
    rule_set: rs,
    items: [check("rd_ratio", "not_met", "近三年研发费用占比", "差 0.8 个百分点，约 16 万元")],
    verdict: { key: "does_not_qualify", label: m("不符合"), because: [] },
    notes: [],
  },
  high_tech_certified: false,
  srdi: {
    rule_set: rs,
    items: [check("revenue", "unknown", "营业收入")],
    verdict: { key: "cannot_tell", label: m("无法判断（缺数据）"), because: [] },
    notes: [],
  },
  risk: {
    rule_set: rs,
    score: 58,
    max_score: 100,
    grade: "B",
    grade_label: m("B 级（较低风险）"),
    best_case_grade: "A",
    missing_points: 10,
    complete: false,
    groups: [{ group: "ip", label: m("知识产权"), points: 20, max_points: 30 }],
    factors: [{ key: "patents", group: "ip", label: m("发明专利"), figure: "2", band: "≥ 2", points: 20, max_points: 30, reason: m("2件发明专利"), cite: "" }],
  },
};

describe("评估 tab", () => {
  it("shows the score breakdown, gaps and risk grade from the library", async () => {
    const calls = renderPage(<Evaluation firmId="f1" />, { evaluate_firm: () => evaluation });
    await screen.findByTestId("evaluation");
    expect(calls.find((c) => c.cmd === "evaluate_firm")?.args).toEqual({ firmId: "f1" });
    const ind = screen.getByTestId("indicators");
    expect(ind.textContent).toContain("科技人员占比");
    expect(ind.textContent).toContain("16 / 20");
    expect(ind.textContent).toContain("再增加2名科技人员可达 ≥ 30%");
    expect(screen.getAllByTestId("verdict-qualifies").length).toBeGreaterThan(0);
    expect(screen.getAllByTestId("verdict-does_not_qualify").length).toBeGreaterThan(0);
    expect(screen.getByText("差 0.8 个百分点，约 16 万元")).toBeTruthy();
    expect(screen.getByTestId("risk-grade").textContent).toBe("B 级（较低风险）");
    expect(screen.getByText("补齐数据后最高可达 A 级")).toBeTruthy();
    // The score chart is drawn (SVG) with the indicator names.
    await waitFor(() => expect(screen.getByTestId("score-chart").querySelector("svg")).not.toBeNull());
    expect(screen.getByTestId("score-chart").querySelector('g[data-category="科技人员占比"]')).not.toBeNull();
    expect(screen.getByTestId("score-chart").querySelectorAll('rect[data-series="得分"]').length).toBe(evaluation.tech_sme.indicators.length);
  });
});

const product = (id: string, name: string, kind: string, kindZh: string): ProductView => ({
  id,
  code: id.toUpperCase(),
  name,
  institution: "齐鲁银行",
  institution_kind: { key: "bank", zh: "银行", en: "Bank" },
  kind: { key: kind, zh: kindZh, en: kind },
  financing_kind: "loan",
  amount_min: 1_000_000,
  amount_max: 10_000_000,
  amount_text: "100–1000万元",
  rate_text: "3.45%–4.2%",
  term_text: "1–3年",
  collateral_text: "知识产权质押",
  subsidy_text: "",
  approval_days: 10,
  rules: [m("持有高新技术企业证书")],
  description: "",
  active: true,
});

describe("产品库", () => {
  it("filters the catalogue and lists the firms a product fits", async () => {
    const fits: ProductFits = {
      checked: 300,
      eligible: [
        { firm_id: "f1", firm_name: "济南量子科技有限公司", district: null, score: 82, suggested_amount: 5_000_000, reasons: [m("持有高企证书")], missing: [] },
      ],
      eligible_total: 1,
      near_misses: [
        {
          firm_id: "f2",
          firm_name: "济南星河科技有限公司",
          district: null,
          score: 60,
          suggested_amount: null,
          reasons: [],
          missing: [m("取得高新技术企业认定后可申请")],
        },
      ],
      near_miss_total: 1,
    };
    const calls = renderPage(<Products />, {
      products: () => ({
        version: 3,
        published: "2026-06-01",
        products: [product("p1", "知识产权质押贷", "ip_pledge_loan", "知识产权质押贷"), product("p2", "专精特新贷", "srdi_loan", "专精特新贷")],
      }),
      product_fits: () => fits,
    });
    await screen.findByText("产品目录第 3 版（2026-06-01 发布），共 2 个产品");
    expect(screen.getAllByTestId("product-row")).toHaveLength(2);
    fireEvent.change(screen.getByTestId("product-search"), { target: { value: "专精" } });
    await waitFor(() => expect(screen.getAllByTestId("product-row")).toHaveLength(1));
    fireEvent.click(screen.getAllByTestId("product-row")[0]);
    await screen.findByTestId("fits-eligible");
    expect(calls.find((c) => c.cmd === "product_fits")?.args).toEqual({ productId: "p2" });
    expect(screen.getByTestId("fits-checked").textContent).toBe("已比对本机 300 家企业");
    expect(screen.getByTestId("fit").textContent).toContain("济南量子科技有限公司");
    expect(screen.getByTestId("fit").textContent).toContain("500 万元");
    expect(screen.getByTestId("near-miss").textContent).toContain("取得高新技术企业认定后可申请");
  });
});

describe("团队", () => {
  const member = (id: string, name: string, caseload: number, disbursed: number) => ({
    user_id: id,
    name,
    role: "coach",
    team: "历下一队",
    active: true,
    caseload,
    coached_firms: caseload - 1,
    visits: 7,
    need_satisfaction_pct: 50,
    requested: 10_000_000,
    disbursed,
    first_loan_pct: null,
    feedback_satisfaction_pct: 90,
  });

  it("shows KPIs by coach and exports them to the file chosen", async () => {
    const o: TeamOverview = {
      from: "2026-01-01",
      to: "2026-11-26",
      members: [member("u1", "张辅导", 12, 3_000_000), member("u2", "李辅导", 8, 0)],
      unassigned: 4,
      months: [{ month: "2026-01", coached_firms: 3, visits: 4, disbursed: 0, need_satisfaction_pct: null }],
      city: { ...member("c", "全市", 24, 3_000_000), user_id: null },
    };
    const calls = renderPage(<Team />, {
      team_overview: () => o,
      "plugin:dialog|save": () => "/tmp/team.xlsx",
      export_team_kpi: () => 6144,
    });
    const rows = await screen.findAllByTestId("member-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("张辅导");
    expect(rows[0].textContent).toContain("300 万元");
    expect(rows[0].textContent).toContain("辅导员");
    expect(screen.getByText("未分配辅导员的企业：4 家")).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-team"));
    });
    await waitFor(() => expect(calls.some((c) => c.cmd === "export_team_kpi")).toBe(true));
    const exp = calls.find((c) => c.cmd === "export_team_kpi")!.args;
    expect(exp.path).toBe("/tmp/team.xlsx");
    expect(exp.from).toBe(`${new Date().getFullYear()}-01-01`);
    expect(exp.to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await screen.findByText("已导出到 /tmp/team.xlsx（6 KB）");
  });

  it("charts the top coaches and pages the members table when a city has hundreds of coaches", async () => {
    const members = Array.from({ length: 45 }, (_, i) => member(`u${i}`, `辅导员${i}`, 5 + i, 0));
    const o: TeamOverview = {
      from: "2026-01-01",
      to: "2026-11-26",
      members,
      unassigned: 0,
      months: [],
      city: { ...member("c", "全市", 1000, 0), user_id: null },
    };
    renderPage(<Team />, { team_overview: () => o });
    expect(await screen.findAllByTestId("member-row")).toHaveLength(20);
    expect(screen.getByTestId("chart-top").textContent).toBe("辅导企业数前 20 名（共 45 名辅导员）");
    // The charts are drawn a frame after the figures.
    expect(await screen.findByTestId("chart-by-coach")).toBeTruthy();
    expect(await screen.findByTestId("chart-by-month")).toBeTruthy();
    // The table keeps the report's order and pages through everyone.
    expect(screen.getAllByTestId("member-row")[0].textContent).toContain("辅导员0");
    fireEvent.click(screen.getByTitle("3"));
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(5));
    expect(screen.getAllByTestId("member-row")[4].textContent).toContain("辅导员44");
  });
});

describe("导入 wizard", () => {
  it("previews with a dry run, shows unknown columns and row errors, then imports", async () => {
    const preview: ImportResult = {
      file: "/data/firms.xlsx",
      sheet: "企业名单",
      header_row: 2,
      columns: [{ letter: "A", header: "信用代码", field: "uscc", field_label: m("统一社会信用代码", "uscc"), unit: null, year: null, mapped: false }],
      unknown_columns: ["微信群"],
      notes: [],
      total_rows: 3,
      preview: [{ row: 3, uscc: "91370102MA3C4QXY4P", name: "济南量子科技有限公司", district: "370102", staff: 12, has_need: true }],
      problems: [{ row: 4, column: "信用代码", value: "9137", message: m("统一社会信用代码应为18位") }],
      created: 1,
      updated: 0,
      unchanged: 0,
      needs_created: 1,
      needs_updated: 0,
      committed: false,
      cancelled: false,
      mappable_fields: [],
    };
    const calls = renderPage(<Import />, {
      "plugin:dialog|open": () => "/data/firms.xlsx",
      import_preview: () => preview,
      import_commit: () => ({ ...preview, committed: true }),
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId("import-pick"));
    });
    await screen.findByTestId("import-check");
    expect(calls.find((c) => c.cmd === "import_preview")?.args).toEqual({ path: "/data/firms.xlsx", mapping: [] });
    expect(calls.some((c) => c.cmd === "import_commit")).toBe(false);
    expect(screen.getByTestId("import-unknown").textContent).toContain("微信群");
    expect(screen.getByTestId("import-problem").textContent).toContain("统一社会信用代码应为18位");
    expect(screen.getByTestId("import-counts").textContent).toContain("新增 1 家");
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-confirm"));
    });
    await screen.findByTestId("import-done");
    expect(calls.find((c) => c.cmd === "import_commit")?.args).toEqual({ path: "/data/firms.xlsx", mapping: [] });
    expect(screen.getByTestId("import-done").textContent).toContain("导入完成：新增 1 家，更新 0 家，跳过 1 行有问题的数据");
  });
});

describe("同步", () => {
  const loggedIn: SyncStatus = {
    logged_in: true,
    server: "https://fudao.example.cn",
    user_name: "张队长",
    username: "zhang",
    role: "lead",
    last_sync: "2026-11-25T08:00:00Z",
    outbox: 3,
    open_conflicts: 1,
    open_conflicts_more: false,
    demo: false,
  };
  const conflict: ConflictView = {
    id: "c1",
    conflict_type: "edit_edit",
    kind: "firm",
    kind_label: m("企业", "firm"),
    row_id: "r1",
    row_label: "济南量子科技有限公司",
    field: "staff",
    base: 10,
    mine: 12,
    theirs: 15,
    created_at: "2026-11-25T08:00:00Z",
    status: "open",
    resolution: null,
  };

  it("shows conflicts side by side and resolves one", async () => {
    const calls = renderPage(<Sync />, {
      sync_status: () => loggedIn,
      sync_conflicts: () => [conflict],
      sync_online: () => false,
      resolve_conflict: () => [],
    });
    const card = await screen.findByTestId("conflict");
    expect(within(card).getByTestId("conflict-base").textContent).toContain("10");
    expect(within(card).getByTestId("conflict-mine").textContent).toContain("12");
    expect(within(card).getByTestId("conflict-theirs").textContent).toContain("15");
    expect(screen.getByTestId("outbox").textContent).toBe("3");
    expect(screen.getByTestId("sync-user").textContent).toBe("已登录：张队长（zhang）");
    await screen.findByText("● 离线");
    await act(async () => {
      fireEvent.click(within(card).getByTestId("keep-mine"));
    });
    await waitFor(() => expect(screen.queryByTestId("conflict")).toBeNull());
    expect(calls.find((c) => c.cmd === "resolve_conflict")?.args).toEqual({ id: "c1", keep: "mine", value: null });
    // Only the oldest conflicts are kept: nothing says so while none are left out.
    expect(screen.queryByTestId("conflicts-more")).toBeNull();
  });

  it("says when the server has more open conflicts than are kept here", async () => {
    renderPage(<Sync />, {
      sync_status: () => ({ ...loggedIn, open_conflicts: 10000, open_conflicts_more: true }),
      sync_conflicts: () => [conflict],
      sync_online: () => false,
    });
    expect((await screen.findByTestId("conflicts-more")).textContent).toBe(
      "服务器上还有更多待解决的冲突：本机只保留最早的 10000 个。请先解决这些冲突，再同步即可看到其余的。",
    );
  });

  it("on a demo database offers no login and says why", async () => {
    const demo: SyncStatus = { ...loggedOutStatus, demo: true };
    renderPage(<Sync />, {
      sync_status: () => demo,
      sync_conflicts: () => [],
      sync_online: () => false,
    });
    expect((await screen.findByTestId("sync-demo")).textContent).toContain("演示数据库");
    expect(screen.getByTestId("sync-user").textContent).toBe("尚未登录同步服务器");
    expect(screen.queryByTestId("sync-login")).toBeNull();
    expect(screen.queryByTestId("sync-now")).toBeNull();
  });

  it("asks before logging in over http:// to another machine, and logs in only when confirmed", async () => {
    let status: SyncStatus = { ...loggedIn, logged_in: false, server: null, user_name: null, username: null, role: null, last_sync: null };
    const calls = renderPage(<Sync />, {
      sync_status: () => status,
      sync_conflicts: () => [],
      sync_online: () => false,
      sync_login: (a) => {
        if (!a.allowCleartext) throw { code: "cleartext_http", message: m("警告：与 10.0.0.5 的连接未加密（http://）。确认要继续吗？"), details: [] };
        status = loggedIn;
        return status;
      },
    });
    fireEvent.change(await screen.findByTestId("sync-server"), { target: { value: "http://10.0.0.5:8470" } });
    fireEvent.change(screen.getByTestId("sync-username"), { target: { value: "zhang" } });
    fireEvent.change(screen.getByTestId("sync-password"), { target: { value: "secret" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("sync-login"));
    });
    // The first attempt is refused and the user is asked; cancelling logs nothing in.
    expect((await screen.findAllByText("连接未加密")).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/10\.0\.0\.5 的连接未加密/).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.cmd === "sync_login").length).toBe(1);
    await act(async () => {
      fireEvent.click(screen.getByText("仍然连接"));
    });
    await screen.findByTestId("sync-now");
    const logins = calls.filter((c) => c.cmd === "sync_login").map((c) => c.args.allowCleartext);
    expect(logins).toEqual([false, true]);
  });

  it("logs in, then syncs, and shows a readable error when offline", async () => {
    let status: SyncStatus = { ...loggedIn, logged_in: false, server: null, user_name: null, username: null, role: null, last_sync: null };
    const calls = renderPage(<Sync />, {
      sync_status: () => status,
      sync_conflicts: () => [],
      sync_online: () => false,
      sync_login: () => {
        status = loggedIn;
        return status;
      },
      sync_now: () => {
        throw { code: "offline", message: m("无法连接同步服务器，本地数据未改动，请检查网络后再同步"), details: [] };
      },
    });
    fireEvent.change(await screen.findByTestId("sync-server"), { target: { value: "https://fudao.example.cn" } });
    fireEvent.change(screen.getByTestId("sync-username"), { target: { value: "zhang" } });
    fireEvent.change(screen.getByTestId("sync-password"), { target: { value: "secret" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("sync-login"));
    });
    await screen.findByTestId("sync-now");
    expect(calls.find((c) => c.cmd === "sync_login")?.args).toEqual({
      server: "https://fudao.example.cn",
      username: "zhang",
      password: "secret",
      allowCleartext: false,
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("sync-now"));
    });
    expect((await screen.findByTestId("sync-error")).textContent).toContain("无法连接同步服务器");
  });
});
