import { useEffect, useRef, useState } from "react";
import { Alert, App, Button, Card, Empty, Input, Modal, Space, Spin, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { pickSavePath } from "../../dialogs";
import { commands, type PlanView } from "../../bindings";
import { call, errorText, msg } from "../../ipc";
import { useLang } from "../../hooks";
import { label, useVocabulary } from "../../vocabulary";
import { previewScale, showPages } from "../../preview";
import { reportPlanPreview } from "../../perf";

function Preview({ plan, onClose }: { plan: PlanView; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const box = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let dispose: (() => void) | null = null;
    const opened = performance.now();
    (async () => {
      try {
        const drawn = await call(commands.planPreview(plan.id, previewScale()));
        if (!live || !box.current) return;
        const r = showPages(drawn.pages, box.current);
        dispose = r.dispose;
        if (!live) r.dispose();
        else {
          setPages(r.pages);
          requestAnimationFrame(() => reportPlanPreview(performance.now() - opened, r.pages));
        }
      } catch (e) {
        if (live) setError(errorText(e, lang));
      }
    })();
    return () => {
      live = false;
      dispose?.();
    };
  }, [plan.id, lang]);
  return (
    <Modal
      open
      width={940}
      title={`${t("plan.preview")} — ${plan.number}`}
      onCancel={onClose}
      footer={null}
      styles={{ body: { background: "#f0f2f5", maxHeight: "75vh", overflow: "auto" } }}
    >
      {error && <Alert type="error" showIcon message={error} />}
      {pages === null && !error && <Spin tip={t("plan.rendering")} style={{ display: "block", margin: 40 }} />}
      {pages !== null && (
        <Typography.Paragraph data-testid="pdf-pages" data-pages={pages}>
          {t("plan.pages", { count: pages })}
        </Typography.Paragraph>
      )}
      <div ref={box} data-testid="pdf-preview" />
    </Modal>
  );
}

/** What the printed plan carries for the firm's feedback: the short link its QR code encodes,
 * or (when this device does not know the server's public address) the bilingual note. */
function FeedbackCode({ plan }: { plan: PlanView }) {
  const { t } = useTranslation();
  const code = useQuery({ queryKey: ["plan-feedback-code", plan.id, plan.version], queryFn: () => call(commands.planFeedbackCode(plan.id)) });
  const c = code.data;
  if (c?.url)
    return (
      <Alert
        style={{ marginBottom: 12 }}
        type="info"
        showIcon
        message={
          <span>
            {t("plan.feedbackLink")}
            <Typography.Text copyable data-testid="plan-feedback-link">
              {c.url}
            </Typography.Text>
          </span>
        }
      />
    );
  if (c?.note) return <Alert style={{ marginBottom: 12 }} type="warning" showIcon data-testid="plan-no-code-note" message={`${c.note.zh} / ${c.note.en}`} />;
  return null;
}

export default function PlanTab({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const plan = useQuery({ queryKey: ["plan", firmId], queryFn: () => call(commands.latestPlan(firmId)) });
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState(false);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const run = async (f: () => Promise<PlanView>, ok: string) => {
    setBusy(true);
    try {
      const p = await f();
      qc.setQueryData(["plan", firmId], p);
      void qc.invalidateQueries({ queryKey: ["home"] });
      setEdits({});
      message.success(ok);
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const savePdf = async (p: PlanView) => {
    try {
      const path = await pickSavePath({ defaultPath: `${p.number}.pdf`, filters: [{ name: "PDF", extensions: ["pdf"] }] });
      if (!path) return;
      const size = await call(commands.savePlanPdf(p.id, path));
      message.success(t("plan.savedPdf", { path, kb: Math.ceil(size / 1024) }));
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  if (plan.error) return <Alert type="error" showIcon message={errorText(plan.error, lang)} />;
  const p = plan.data;
  const draft = p?.status === "draft";
  return (
    <div data-testid="plan">
      <Space style={{ marginBottom: 12 }} wrap>
        <Button type="primary" data-testid="draft-plan" loading={busy} onClick={() => void run(() => call(commands.draftPlan(firmId)), t("plan.drafted"))}>
          {p ? (draft ? t("plan.refresh") : t("plan.newVersion")) : t("plan.generate")}
        </Button>
        {p && (
          <Button data-testid="preview-plan" onClick={() => setPreview(true)}>
            {t("plan.preview")}
          </Button>
        )}
        {p && (
          <Button data-testid="save-plan-pdf" onClick={() => void savePdf(p)}>
            {t("plan.savePdf")}
          </Button>
        )}
        {p && draft && (
          <Button data-testid="confirm-plan" loading={busy} onClick={() => void run(() => call(commands.confirmPlan(p.id)), t("plan.confirmed"))}>
            {t("plan.confirm")}
          </Button>
        )}
      </Space>
      {p && <FeedbackCode plan={p} />}
      {!p && !plan.isLoading && <Empty description={t("plan.none")} />}
      {p && (
        <Card
          size="small"
          title={
            <Space data-testid="plan-header">
              <span data-testid="plan-number">{p.number}</span>
              <Tag>{t("plan.version", { v: p.version })}</Tag>
              <Tag color={draft ? "orange" : "green"}>{label(vocab?.plan_status, p.status, lang)}</Tag>
            </Space>
          }
        >
          <Typography.Paragraph type="secondary">{msg(p.summary, lang)}</Typography.Paragraph>
          {p.sections
            .filter((s) => s.text || draft)
            .map((s) => (
              <div key={s.key} style={{ marginBottom: 16 }}>
                <Typography.Title level={5}>
                  {s.heading} {s.edited && <Tag color="blue">{t("plan.edited")}</Tag>}
                </Typography.Title>
                {draft ? (
                  <Space direction="vertical" style={{ width: "100%" }}>
                    <Input.TextArea
                      autoSize={{ minRows: 2, maxRows: 10 }}
                      value={edits[s.key] ?? s.text}
                      onChange={(e) => setEdits({ ...edits, [s.key]: e.target.value })}
                    />
                    {edits[s.key] !== undefined && edits[s.key] !== s.text && (
                      <Button size="small" onClick={() => void run(() => call(commands.editPlanSection(p.id, s.key, edits[s.key])), t("plan.sectionSaved"))}>
                        {t("plan.saveSection")}
                      </Button>
                    )}
                  </Space>
                ) : (
                  <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{s.text}</Typography.Paragraph>
                )}
              </div>
            ))}
        </Card>
      )}
      {p && preview && <Preview plan={p} onClose={() => setPreview(false)} />}
    </div>
  );
}
