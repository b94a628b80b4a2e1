import { Alert, Table, Tag } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type AuditEntry } from "../../bindings";
import { call, errorText } from "../../ipc";
import { useLang } from "../../hooks";
import { fieldLabel } from "../../vocabulary";

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

export default function History({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const h = useQuery({ queryKey: ["history", firmId], queryFn: () => call(commands.firmHistory(firmId)) });
  if (h.error) return <Alert type="error" showIcon message={errorText(h.error, lang)} />;
  return (
    <Table<AuditEntry>
      data-testid="history"
      size="small"
      rowKey={(e) => `${e.at}-${e.field}`}
      loading={h.isLoading}
      dataSource={h.data ?? []}
      pagination={{ pageSize: 20 }}
      columns={[
        { title: t("history.at"), dataIndex: "at", width: 200, render: (v: string) => v.replace("T", " ").slice(0, 19) },
        { title: t("history.field"), dataIndex: "field", width: 160, render: (f: string) => <span title={f}>{fieldLabel(t, "firm", f)}</span> },
        { title: t("history.old"), dataIndex: "old", ellipsis: true, render: show },
        { title: t("history.new"), dataIndex: "new", ellipsis: true, render: show },
        { title: t("history.source"), dataIndex: "source", width: 100, render: (s: string) => <Tag>{t(`history.src.${s}`, { defaultValue: s })}</Tag> },
      ]}
    />
  );
}
