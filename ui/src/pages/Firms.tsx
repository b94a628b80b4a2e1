import { memo, useCallback, useEffect, useMemo, useRef, useState, useTransition } from "react";
import { Alert, App, Button, Empty, Input, Modal, Select, Skeleton, Space, Tag, Typography, type ButtonProps } from "antd";
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { commands, type FirmFilter, type FirmPage, type FirmRow, type Member } from "../bindings";
import { call, errorText } from "../ipc";
import { useFirstContent, useLang } from "../hooks";
import { useMembers, useVocabulary, label, selectOptions } from "../vocabulary";
import { markSearchKey, markSearchRendered } from "../perf";

const ROW = 40;
/** Rows fetched per IPC call; only the pages in view are fetched. */
export const PAGE = 100;
const COLS = "2.1fr 1.7fr 0.8fr 1.2fr 0.8fr 1.5fr 0.7fr 1.2fr";

export const emptyFilter: FirmFilter = {
  query: "",
  district: null,
  industry: null,
  qualification: null,
  first_loan_list: null,
  need_status: null,
  tag: null,
  coach_id: null,
};

function fetchPage(filter: FirmFilter, page: number): Promise<FirmPage> {
  return call(commands.listFirms(filter, page * PAGE, PAGE));
}

/** A virtualised table over every matching firm: only the rows in view are fetched and drawn. */
function FirmTable({ filter, total, first }: { filter: FirmFilter; total: number; first: FirmPage }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const navigate = useNavigate();
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: total,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW,
    overscan: 10,
    initialRect: { width: 1200, height: 800 },
  });
  const items = v.getVirtualItems();
  const pages = useMemo(() => {
    if (items.length === 0) return [];
    const a = Math.floor(items[0].index / PAGE);
    const b = Math.floor(items[items.length - 1].index / PAGE);
    const out: number[] = [];
    for (let p = Math.max(a, 1); p <= b; p++) out.push(p);
    return out;
  }, [items]);
  const results = useQueries({
    queries: pages.map((p) => ({
      queryKey: ["firms", filter, p],
      queryFn: () => fetchPage(filter, p),
      staleTime: 30_000,
    })),
  });
  const byPage = new Map<number, FirmRow[]>([[0, first.rows]]);
  pages.forEach((p, i) => {
    const d = results[i]?.data;
    if (d) byPage.set(p, d.rows);
  });
  const qualLabel = (k: string) => label(vocab?.qualification_kind, k, lang);
  const qualShort = (k: string) => label(vocab?.qualification_short ?? vocab?.qualification_kind, k, lang);
  return (
    <div style={{ border: "1px solid #f0f0f0", borderRadius: 8, background: "#fff" }}>
      <div style={{ display: "grid", gridTemplateColumns: COLS, gap: 8, padding: "10px 12px", background: "#fafafa", fontWeight: 600 }}>
        <span>{t("firm.name")}</span>
        <span>{t("firm.uscc")}</span>
        <span>{t("firm.district")}</span>
        <span>{t("firms.industry")}</span>
        <span>{t("firms.coach")}</span>
        <span>{t("firms.qualifications")}</span>
        <span>{t("firms.firstLoan")}</span>
        <span>{t("firm.tags")}</span>
      </div>
      <div ref={parent} style={{ height: "calc(100vh - 330px)", minHeight: 240, overflow: "auto" }} data-testid="firm-rows">
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {items.map((it) => {
            const r = byPage.get(Math.floor(it.index / PAGE))?.[it.index % PAGE];
            const style = {
              position: "absolute" as const,
              top: 0,
              left: 0,
              right: 0,
              height: ROW,
              transform: `translateY(${it.start}px)`,
              display: "grid",
              gridTemplateColumns: COLS,
              gap: 8,
              alignItems: "center",
              padding: "0 12px",
              borderTop: "1px solid #f5f5f5",
              whiteSpace: "nowrap" as const,
              overflow: "hidden",
            };
            if (!r) {
              return (
                <div key={`loading-${it.index}`} style={style}>
                  <Skeleton.Input active size="small" style={{ width: 240 }} />
                </div>
              );
            }
            return (
              <div key={r.id} data-testid="firm-row" data-index={it.index} onClick={() => navigate(`/firms/${r.id}`)} style={{ ...style, cursor: "pointer" }}>
                <span data-testid="firm-row-name" title={r.name} style={{ overflow: "hidden", textOverflow: "ellipsis" }}>
                  {r.name}
                </span>
                <Typography.Text type="secondary">{r.uscc}</Typography.Text>
                <span>{r.district ? label(vocab?.district, r.district, lang) : "—"}</span>
                <span style={{ overflow: "hidden", textOverflow: "ellipsis" }}>{r.industry ? label(vocab?.industry, r.industry.slice(0, 1), lang) : "—"}</span>
                <span>{r.coach_name ?? "—"}</span>
                <span style={{ overflow: "hidden", textOverflow: "ellipsis" }} title={r.qualifications.map(qualLabel).join("、")} data-testid="firm-row-quals">
                  {r.qualifications.map((q) => (
                    <Tag key={q} color="blue" style={{ marginInlineEnd: 4 }}>
                      {qualShort(q)}
                    </Tag>
                  ))}
                </span>
                <span>{r.first_loan_list ? <Tag color="gold">{t("common.yes")}</Tag> : ""}</span>
                <span style={{ overflow: "hidden" }}>
                  {r.tags.map((g) => (
                    <Tag key={g}>{g}</Tag>
                  ))}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Assigns every firm the list shows (query and filters) to one coach, after confirmation. */
function AssignMatching({ filter, total, members }: { filter: FirmFilter; total: number; members: Member[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [coach, setCoach] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const NOBODY = "__nobody__";
  const assign = async () => {
    if (!coach) return;
    setBusy(true);
    try {
      const n = await call(commands.assignMatching(filter, coach === NOBODY ? null : coach));
      message.success(t("firms.assigned", { count: n }));
      setOpen(false);
      setCoach(null);
      await qc.invalidateQueries();
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button data-testid="assign-matching" onClick={() => setOpen(true)}>
        {t("firms.assign")}
      </Button>
      <Modal
        open={open}
        title={t("firms.assignTitle", { count: total })}
        okText={t("firms.assignOk")}
        okButtonProps={{ disabled: !coach, loading: busy, "data-testid": "assign-ok" } as ButtonProps}
        onOk={() => void assign()}
        onCancel={() => setOpen(false)}
        destroyOnClose
      >
        <Space direction="vertical" style={{ width: "100%" }}>
          <Select
            data-testid="assign-coach"
            showSearch
            optionFilterProp="label"
            style={{ width: "100%" }}
            placeholder={t("firms.coach")}
            value={coach}
            options={[...members.map((m) => ({ value: m.id, label: `${m.name}（${m.team}）` })), { value: NOBODY, label: t("firms.unassign") }]}
            onChange={(v: string) => setCoach(v)}
          />
          <Typography.Text type="secondary">{t("firms.assignHint")}</Typography.Text>
        </Space>
      </Modal>
    </>
  );
}

/** The 企业 search box: reports the trimmed text at every keystroke (once an input method has
 * composed its characters), as a transition: the store answers a search in 1–10 ms even at
 * 100,000 firms, so nothing waits for typing to pause, and the box stays responsive while the
 * list renders. */
function SearchBox({ onQuery }: { onQuery: (q: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [, startTransition] = useTransition();
  const report = (value: string) => {
    const q = value.trim();
    markSearchKey(q);
    startTransition(() => onQuery(q));
  };
  return (
    <Input
      data-testid="firm-search"
      size="large"
      allowClear
      autoFocus
      placeholder={t("firms.searchPlaceholder")}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        // While a Chinese input method composes (the pinyin "keji" on its way to 科技) the list
        // waits for the characters chosen: it does not search each letter typed.
        if (!(e.nativeEvent as InputEvent).isComposing) report(e.target.value);
      }}
      onCompositionEnd={(e) => report(e.currentTarget.value)}
      style={{ marginBottom: 12 }}
    />
  );
}

type Option = { value: string; label: string };

/** One of the list's column filters. Memoised, with options and handlers that keep their
 * identity, so that a new search text re-renders the page but none of its seven selects. */
const FilterSelect = memo(function FilterSelect({
  testId,
  width,
  placeholder,
  value,
  options,
  onPick,
  search,
}: {
  testId: string;
  width: number;
  placeholder: string;
  value: string | null;
  options: Option[];
  onPick: (v: string | null) => void;
  /** Type to filter the options, by their label or their value. */
  search?: "label" | "value";
}) {
  return (
    <Select
      data-testid={testId}
      allowClear
      showSearch={search !== undefined}
      optionFilterProp={search === "label" ? "label" : undefined}
      style={{ width }}
      placeholder={placeholder}
      value={value}
      options={options}
      onChange={(v?: string | null) => onPick(v ?? null)}
    />
  );
});

export default function Firms() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const vocab = useVocabulary();
  // The search box keeps what is typed and hands this page each new text as a transition, so a
  // keystroke re-renders the box at once and the list (not its filters) when React gets to it.
  // A new `searchBox` key empties it.
  const [q, setQ] = useState("");
  const [searchBox, setSearchBox] = useState(0);
  const [params] = useSearchParams();
  const members = useMembers();
  const [filter, setFilter] = useState<FirmFilter>(() => ({ ...emptyFilter, coach_id: params.get("coach") }));
  const full: FirmFilter = useMemo(() => ({ ...filter, query: q }), [filter, q]);
  // The first page carries the filter it answers: while the next text's page is asked for, the
  // list keeps showing (and paging) the last answer, and is rebuilt once, when the new one comes.
  const first = useQuery({
    queryKey: ["firms", full, 0],
    queryFn: () => fetchPage(full, 0).then((p) => ({ ...p, filter: full, key: JSON.stringify(full) })),
    placeholderData: (prev) => prev,
    staleTime: 30_000,
  });
  const tags = useQuery({ queryKey: ["firm-tags"], queryFn: () => call(commands.firmTags()), staleTime: 60_000 });
  const set = useCallback((patch: Partial<FirmFilter>) => setFilter((f) => ({ ...f, ...patch })), []);
  // The filters' options and handlers, rebuilt only when what they show changes.
  const options = useMemo(
    () => ({
      district: selectOptions(vocab?.district, lang),
      industry: selectOptions(vocab?.industry, lang),
      qualification: selectOptions(vocab?.qualification_kind, lang),
      firstLoan: [
        { value: "yes", label: t("firms.onList") },
        { value: "no", label: t("firms.notOnList") },
      ],
      needStatus: selectOptions(vocab?.need_status, lang),
      coach: (members ?? []).map((m) => ({ value: m.id, label: m.name })),
      tag: (tags.data ?? []).map((g) => ({ value: g.tag, label: `${g.tag} (${g.firms})` })),
    }),
    [vocab, lang, t, members, tags.data],
  );
  const pick = useMemo(
    () => ({
      district: (v: string | null) => set({ district: v }),
      industry: (v: string | null) => set({ industry: v }),
      qualification: (v: string | null) => set({ qualification: v }),
      firstLoan: (v: string | null) => set({ first_loan_list: v === null ? null : v === "yes" }),
      needStatus: (v: string | null) => set({ need_status: v }),
      coach: (v: string | null) => set({ coach_id: v }),
      tag: (v: string | null) => set({ tag: v }),
    }),
    [set],
  );
  const total = first.data?.total ?? 0;
  const shown = first.data && !first.isPlaceholderData;
  useEffect(() => {
    if (shown) markSearchRendered(q, total);
  }, [shown, q, total]);
  useFirstContent("firms", !!shown);
  const anyFilter = q.length > 0 || Object.entries(filter).some(([k, v]) => k !== "query" && v !== null);
  return (
    <div data-testid="page-firms">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("firms.title")}
        </Typography.Title>
        <Button type="primary" data-testid="new-firm" onClick={() => navigate("/firms/new")}>
          {t("firms.new")}
        </Button>
      </Space>
      <SearchBox key={searchBox} onQuery={setQ} />
      <Space wrap style={{ marginBottom: 12 }} data-testid="firm-filters">
        <FilterSelect
          testId="filter-district"
          width={130}
          placeholder={t("firm.district")}
          value={filter.district}
          options={options.district}
          onPick={pick.district}
        />
        <FilterSelect
          testId="filter-industry"
          width={200}
          placeholder={t("firms.industry")}
          value={filter.industry}
          options={options.industry}
          onPick={pick.industry}
          search="label"
        />
        <FilterSelect
          testId="filter-qualification"
          width={170}
          placeholder={t("firms.qualifications")}
          value={filter.qualification}
          options={options.qualification}
          onPick={pick.qualification}
        />
        <FilterSelect
          testId="filter-first-loan"
          width={150}
          placeholder={t("firm.firstLoanList")}
          value={filter.first_loan_list === null ? null : filter.first_loan_list ? "yes" : "no"}
          options={options.firstLoan}
          onPick={pick.firstLoan}
        />
        <FilterSelect
          testId="filter-need-status"
          width={150}
          placeholder={t("firms.needStatus")}
          value={filter.need_status}
          options={options.needStatus}
          onPick={pick.needStatus}
        />
        <FilterSelect
          testId="filter-coach"
          width={150}
          placeholder={t("firms.coach")}
          value={filter.coach_id}
          options={options.coach}
          onPick={pick.coach}
          search="label"
        />
        <FilterSelect testId="filter-tag" width={170} placeholder={t("firm.tags")} value={filter.tag} options={options.tag} onPick={pick.tag} search="value" />
        {anyFilter && total > 0 && members && members.length > 0 && <AssignMatching filter={full} total={total} members={members} />}
        {anyFilter && (
          <Button
            onClick={() => {
              setQ("");
              setSearchBox((k) => k + 1);
              setFilter(emptyFilter);
            }}
          >
            {t("firms.clear")}
          </Button>
        )}
      </Space>
      {first.error && <Alert type="error" showIcon message={errorText(first.error, lang)} />}
      <Typography.Paragraph type="secondary" data-testid="firm-count" data-query={first.data && !first.isPlaceholderData ? q : undefined}>
        {first.data ? (anyFilter ? t("firms.count", { count: total }) : t("firms.all", { count: total })) : t("firms.loading")}
      </Typography.Paragraph>
      {!first.data && !first.error && (
        <div data-testid="firms-skeleton">
          <Skeleton active paragraph={{ rows: 8 }} />
        </div>
      )}
      {first.data && total > 0 && <FirmTable key={first.data.key} filter={first.data.filter} total={total} first={first.data} />}
      {first.data && total === 0 && <Empty description={t("firms.none")} />}
    </div>
  );
}
