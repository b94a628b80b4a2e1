import { useState } from "react";
import { Alert, App, Button, Card, Progress, Result, Select, Space, Spin, Steps, Table, Tag, Typography } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { pickOpenFile } from "../dialogs";
import { commands, events, type ColumnMapping, type ImportProblem, type ImportResult, type ImportRowView } from "../bindings";
import { call, errorText, msg } from "../ipc";
import { useFirstContent, useLang } from "../hooks";
import { label, useVocabulary } from "../vocabulary";

/** Headers the importer recognises, shown next to unrecognised columns as examples. */
const STANDARD = [
  "统一社会信用代码",
  "企业名称",
  "所在区县",
  "所属行业",
  "成立日期",
  "注册资本",
  "职工总数",
  "科技人员数",
  "营业收入",
  "研发费用",
  "发明专利",
  "融资需求金额",
];

/** The value of a column Select that keeps the column ignored. */
export const IGNORE = "ignore";

/** header → field key; a header without an entry is ignored. */
export type Mapping = Record<string, string>;

export function toMappingList(m: Mapping): ColumnMapping[] {
  return Object.entries(m).map(([header, field]) => ({ header, field }));
}

/** Headers that get a field Select: unrecognised ones and those the user mapped, in the order
 * first seen (a column keeps its place when it moves between the two lists). */
export function mappableHeaders(previous: string[], r: ImportResult): string[] {
  const now = [...r.columns.filter((c) => c.mapped).map((c) => c.header), ...r.unknown_columns];
  return [...previous, ...now.filter((h) => !previous.includes(h))];
}

interface MapProps {
  headers: string[];
  mapping: Mapping;
  onMap: (header: string, field: string) => void;
}

/** One Select per unrecognised (or user-mapped) column: which field it fills, or ignored. */
function ColumnMapper({ r, headers, mapping, onMap }: MapProps & { r: ImportResult }) {
  const { t } = useTranslation();
  const lang = useLang();
  // Fields a recognised column already fills (qualification columns may repeat).
  const taken = new Set(r.columns.filter((c) => !c.mapped && !c.field.startsWith("q.")).map((c) => c.field));
  const options = [
    { value: IGNORE, label: t("import.ignoreColumn") },
    ...r.mappable_fields.map((f) => ({
      value: f.key,
      label: taken.has(f.key) ? t("import.fieldTaken", { label: msg(f.label, lang) }) : msg(f.label, lang),
    })),
  ];
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="import-mapper">
      {headers.map((h, i) => (
        <Space key={h} wrap>
          <Tag color={mapping[h] ? "blue" : "orange"} style={{ minWidth: 120 }}>
            {h}
          </Tag>
          →
          <Select
            data-testid={`import-map-${i}`}
            aria-label={t("import.mapTo", { header: h })}
            style={{ width: 260 }}
            showSearch
            optionFilterProp="label"
            value={mapping[h] ?? IGNORE}
            options={options}
            onChange={(v: string) => onMap(h, v)}
          />
        </Space>
      ))}
    </Space>
  );
}

export function ImportCheck({ r, map }: { r: ImportResult; map?: MapProps }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  return (
    <div data-testid="import-check">
      <Typography.Paragraph type="secondary">{t("import.sheet", { sheet: r.sheet, row: r.header_row, n: r.total_rows })}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }} data-testid="import-counts">
        <Tag color="blue" style={{ fontSize: 14, padding: "4px 10px" }}>
          {t("import.willCreate", { n: r.created })}
        </Tag>
        <Tag style={{ fontSize: 14, padding: "4px 10px" }}>{t("import.willUpdate", { n: r.updated })}</Tag>
        <Tag style={{ fontSize: 14, padding: "4px 10px" }}>{t("import.unchanged", { n: r.unchanged })}</Tag>
        {r.problems.length > 0 && (
          <Tag color="red" style={{ fontSize: 14, padding: "4px 10px" }}>
            {t("import.problems", { n: r.problems.length })}
          </Tag>
        )}
      </Space>
      <Typography.Paragraph>{t("import.needs", { c: r.needs_created, u: r.needs_updated })}</Typography.Paragraph>
      <Card size="small" title={t("import.columns")} style={{ marginBottom: 12 }}>
        <Space wrap data-testid="import-columns">
          {r.columns.map((c) => (
            <Tag key={c.letter} color="blue">
              {c.letter}: {c.header} → {c.mapped ? t("import.mappedMark", { label: msg(c.field_label, lang) }) : msg(c.field_label, lang)}
              {c.unit ? `（${c.unit}）` : ""}
              {c.year ? ` ${c.year}` : ""}
            </Tag>
          ))}
        </Space>
      </Card>
      {map && map.headers.length > 0 && (
        <Card size="small" title={t("import.mapTitle")} style={{ marginBottom: 12 }}>
          <Typography.Paragraph type="secondary">{t("import.mapHint")}</Typography.Paragraph>
          <ColumnMapper r={r} {...map} />
        </Card>
      )}
      {r.unknown_columns.length > 0 && (
        <Alert
          style={{ marginBottom: 12 }}
          type="warning"
          showIcon
          data-testid="import-unknown"
          message={
            <Space wrap>
              {t("import.unknown")}:
              {r.unknown_columns.map((c) => (
                <Tag key={c} color="orange">
                  {c}
                </Tag>
              ))}
            </Space>
          }
          description={
            <>
              {map ? t("import.unknownMapHint") : t("import.unknownHint")} {t("import.standard")}: {STANDARD.join("、")}
            </>
          }
        />
      )}
      {r.notes.length > 0 && (
        <Alert style={{ marginBottom: 12 }} type="info" showIcon message={t("import.notes")} description={r.notes.map((n) => msg(n, lang)).join("；")} />
      )}
      <Card size="small" title={r.problems.length ? t("import.problems", { n: r.problems.length }) : t("import.noProblems")} style={{ marginBottom: 12 }}>
        {r.problems.length > 0 && (
          <Table<ImportProblem>
            size="small"
            rowKey={(p) => `${p.row}-${p.column}-${p.value}-${msg(p.message, "zh")}`}
            dataSource={r.problems}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            onRow={() => ({ "data-testid": "import-problem" }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t("import.row"), dataIndex: "row", width: 70 },
              { title: t("import.column"), dataIndex: "column", width: 160 },
              { title: t("import.value"), dataIndex: "value", width: 180 },
              { title: t("import.problem"), render: (_, p) => msg(p.message, lang) },
            ]}
          />
        )}
      </Card>
      <Card size="small" title={t("import.preview", { n: r.preview.length })}>
        <Table<ImportRowView>
          size="small"
          rowKey="row"
          dataSource={r.preview}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: t("import.row"), dataIndex: "row", width: 70 },
            { title: t("firm.uscc"), dataIndex: "uscc" },
            { title: t("firm.name"), dataIndex: "name" },
            { title: t("firm.district"), render: (_, x) => label(vocab?.district, x.district, lang) },
            { title: t("firm.staff"), dataIndex: "staff", render: (v: number | null) => v ?? "—" },
            { title: t("import.hasNeed"), render: (_, x) => (x.has_need ? t("common.yes") : "") },
          ]}
        />
      </Card>
    </div>
  );
}

export default function Import() {
  const { t } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  /** Rows written so far while the import commits (the `job-progress` events). */
  const [writing, setWriting] = useState<{ done: number; total: number } | null>(null);
  // The wizard's first step needs no data: its content is there at once.
  useFirstContent("import", true);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [mapHeaders, setMapHeaders] = useState<string[]>([]);
  /** The last mapping could not be applied: the preview shown is of the one before. */
  const [mapError, setMapError] = useState<string | null>(null);
  const [remapping, setRemapping] = useState(false);
  const pick = async () => {
    setError(null);
    setMapError(null);
    try {
      const path = await pickOpenFile({ filters: [{ name: "Excel / CSV", extensions: ["xlsx", "xls", "ods", "csv", "html", "htm"] }] });
      if (!path) return;
      setBusy(true);
      setDone(null);
      const r = await call(commands.importPreview(path, []));
      setMapping({});
      setMapHeaders(mappableHeaders([], r));
      setChecked(r);
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  /** Sets a column's field (or ignores it) and checks the file again with the new mapping. */
  const remap = async (header: string, field: string) => {
    if (!checked) return;
    const next: Mapping = { ...mapping };
    if (field === IGNORE) delete next[header];
    else next[header] = field;
    setMapping(next);
    setRemapping(true);
    try {
      const r = await call(commands.importPreview(checked.file, toMappingList(next)));
      setMapHeaders((prev) => mappableHeaders(prev, r));
      setChecked(r);
      setMapError(null);
    } catch (e) {
      setMapError(errorText(e, lang));
    } finally {
      setRemapping(false);
    }
  };
  const commit = async () => {
    if (!checked) return;
    setBusy(true);
    setWriting({ done: 0, total: checked.created + checked.updated + checked.unchanged });
    let off: (() => void) | null = null;
    try {
      off = await events.jobProgress
        .listen((e) => {
          if (e.payload.job === "import") setWriting({ done: e.payload.done, total: e.payload.total });
        })
        .catch(() => null);
      const r = await call(commands.importCommit(checked.file, toMappingList(mapping)));
      if (r.cancelled) message.info(t("import.cancelled"));
      else {
        setDone(r);
        await qc.invalidateQueries();
      }
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      off?.();
      setWriting(null);
      setBusy(false);
    }
  };
  const step = done ? 2 : checked ? 1 : 0;
  return (
    <div data-testid="page-import">
      <Typography.Title level={3}>{t("import.title")}</Typography.Title>
      <Steps current={step} style={{ marginBottom: 16 }} items={[{ title: t("import.step1") }, { title: t("import.step2") }, { title: t("import.step3") }]} />
      {error && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={error} />}
      {busy && !writing && <Spin tip={t("import.reading")} style={{ display: "block", margin: 24 }} />}
      {writing && (
        <Card data-testid="import-progress">
          <Space direction="vertical" style={{ width: "100%" }}>
            <Typography.Text data-testid="import-progress-count">{t("import.writing", { done: writing.done, total: writing.total })}</Typography.Text>
            <Progress percent={writing.total ? Math.floor((writing.done * 100) / writing.total) : 0} />
            <Button data-testid="import-cancel" onClick={() => void call(commands.cancelJob("import")).catch(() => {})}>
              {t("import.cancel")}
            </Button>
          </Space>
        </Card>
      )}
      {step === 0 && !busy && (
        <Card>
          <Space direction="vertical">
            <Button type="primary" size="large" data-testid="import-pick" onClick={() => void pick()}>
              {t("import.pick")}
            </Button>
            <Typography.Text type="secondary">{t("import.pickHint")}</Typography.Text>
          </Space>
        </Card>
      )}
      {step === 1 && checked && !busy && (
        <>
          <Space style={{ marginBottom: 12 }}>
            <Button
              type="primary"
              data-testid="import-confirm"
              disabled={checked.created + checked.updated === 0 || mapError !== null || remapping}
              onClick={() => void commit()}
            >
              {t("import.confirm")}
            </Button>
            <Button onClick={() => void pick()}>{t("import.again")}</Button>
          </Space>
          {mapError && <Alert style={{ marginBottom: 12 }} type="error" showIcon data-testid="import-map-error" message={mapError} />}
          <Spin spinning={remapping}>
            <ImportCheck r={checked} map={{ headers: mapHeaders, mapping, onMap: (h, f) => void remap(h, f) }} />
          </Spin>
        </>
      )}
      {step === 2 && done && (
        <div data-testid="import-done">
          <Result
            status="success"
            title={t("import.done", { c: done.created, u: done.updated, p: done.problems.length })}
            extra={
              <Button
                onClick={() => {
                  setChecked(null);
                  setDone(null);
                  setMapping({});
                  setMapHeaders([]);
                }}
              >
                {t("import.again")}
              </Button>
            }
          />
        </div>
      )}
    </div>
  );
}
