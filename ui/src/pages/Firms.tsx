import { useRef, useState } from "react";
import { Alert, Button, Empty, Input, Space, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { commands, type FirmHit } from "../bindings";
import { call, errorText } from "../ipc";
import { useDebounced, useLang } from "../hooks";
import { useVocabulary, label } from "../vocabulary";

const ROW = 40;

/** A virtualised list of firms: only the visible rows are in the DOM. */
function FirmRows({ rows }: { rows: FirmHit[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const navigate = useNavigate();
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 12 });
  const cols = "2.2fr 1.4fr 1fr 0.8fr";
  return (
    <div style={{ border: "1px solid #f0f0f0", borderRadius: 8 }}>
      <div style={{ display: "grid", gridTemplateColumns: cols, padding: "10px 12px", background: "#fafafa", fontWeight: 600 }}>
        <span>{t("firm.name")}</span>
        <span>{t("firm.uscc")}</span>
        <span>{t("firm.district")}</span>
        <span>{t("firms.matched")}</span>
      </div>
      <div ref={parent} style={{ height: "calc(100vh - 260px)", overflow: "auto" }} data-testid="firm-rows">
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {v.getVirtualItems().map((it) => {
            const r = rows[it.index];
            return (
              <div
                key={r.id}
                data-testid="firm-row"
                onClick={() => navigate(`/firms/${r.id}`)}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${it.start}px)`,
                  display: "grid",
                  gridTemplateColumns: cols,
                  alignItems: "center",
                  padding: "0 12px",
                  borderTop: "1px solid #f5f5f5",
                  cursor: "pointer",
                }}
              >
                <span>{r.name}</span>
                <Typography.Text type="secondary">{r.uscc}</Typography.Text>
                <span>{r.district ? label(vocab?.district, r.district, lang) : "—"}</span>
                <span>
                  <Tag>{t(`firms.by.${r.matched}`)}</Tag>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export default function Firms() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const q = useDebounced(text.trim(), 100);
  const hits = useQuery({
    queryKey: ["search", q, 5000],
    queryFn: () => call(commands.searchFirms(q, 5000)),
    enabled: q.length > 0,
    placeholderData: (prev) => prev,
  });
  const rows = q.length > 0 ? (hits.data ?? []) : [];
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
      <Input
        data-testid="firm-search"
        size="large"
        allowClear
        autoFocus
        placeholder={t("firms.searchPlaceholder")}
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={{ marginBottom: 12 }}
      />
      {hits.error && <Alert type="error" showIcon message={errorText(hits.error, lang)} />}
      {q.length > 0 && (
        <Typography.Paragraph type="secondary" data-testid="firm-count">
          {t("firms.count", { count: rows.length })}
        </Typography.Paragraph>
      )}
      {rows.length > 0 ? <FirmRows rows={rows} /> : <Empty description={q ? t("firms.none") : t("firms.typeToSearch")} />}
    </div>
  );
}
