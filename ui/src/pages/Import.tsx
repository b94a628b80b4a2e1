import { useState } from "react";
import { Alert, App, Button, Card, Result, Space, Spin, Steps, Table, Tag, Typography } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { open as openDialog } from "@tauri-apps/plugin-dialog";
import { commands, type ImportProblem, type ImportResult, type ImportRowView } from "../bindings";
import { call, errorText, msg } from "../ipc";
import { useLang } from "../hooks";
import { label, useVocabulary } from "../vocabulary";

/** Headers the importer recognises, shown next to unrecognised columns as examples. */
const STANDARD = ["统一社会信用代码", "企业名称", "所在区县", "所属行业", "成立日期", "注册资本", "职工总数", "科技人员数", "营业收入", "研发费用", "发明专利", "融资需求金额"];

export function ImportCheck({ r }: { r: ImportResult }) {
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
              {c.letter}: {c.header} → {lang === "en" ? c.field_label.en : c.field_label.zh}
              {c.unit ? `（${c.unit}）` : ""}
              {c.year ? ` ${c.year}` : ""}
            </Tag>
          ))}
        </Space>
      </Card>
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
              {t("import.unknownHint")} {t("import.standard")}: {STANDARD.join("、")}
            </>
          }
        />
      )}
      {r.notes.length > 0 && <Alert style={{ marginBottom: 12 }} type="info" showIcon message={t("import.notes")} description={r.notes.map((n) => msg(n, lang)).join("；")} />}
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
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pick = async () => {
    setError(null);
    try {
      const path = await openDialog({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ["xlsx", "xls", "ods", "csv", "html", "htm"] }] });
      if (!path || Array.isArray(path)) return;
      setBusy(true);
      setDone(null);
      setChecked(await call(commands.importPreview(path)));
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const commit = async () => {
    if (!checked) return;
    setBusy(true);
    try {
      const r = await call(commands.importCommit(checked.file));
      setDone(r);
      await qc.invalidateQueries();
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const step = done ? 2 : checked ? 1 : 0;
  return (
    <div data-testid="page-import">
      <Typography.Title level={3}>{t("import.title")}</Typography.Title>
      <Steps current={step} style={{ marginBottom: 16 }} items={[{ title: t("import.step1") }, { title: t("import.step2") }, { title: t("import.step3") }]} />
      {error && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={error} />}
      {busy && <Spin tip={t("import.reading")} style={{ display: "block", margin: 24 }} />}
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
            <Button type="primary" data-testid="import-confirm" disabled={checked.created + checked.updated === 0} onClick={() => void commit()}>
              {t("import.confirm")}
            </Button>
            <Button onClick={() => void pick()}>{t("import.again")}</Button>
          </Space>
          <ImportCheck r={checked} />
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
