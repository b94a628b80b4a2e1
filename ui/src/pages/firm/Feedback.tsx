// 满意度评价 of a firm: the list (comments shown as plain text, never as HTML) and the coach's
// form for a rating given on paper, by phone or in person (`record_feedback`, the same store
// function as `fudao feedback add`; works offline and syncs like any other edit).
import { useState } from "react";
import { Alert, App, Button, DatePicker, Empty, Form, Input, List, Modal, Radio, Select, Space, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Feedback, type FeedbackInput, type FieldError } from "../../bindings";
import { call, errorText, fieldErrors, fieldProblems } from "../../ipc";
import { useLang } from "../../hooks";
import { label, selectOptions, useVocabulary } from "../../vocabulary";
import { Field } from "./Field";

/** The sources a coach records by hand (QR ratings come from the firm-facing page). */
export const HAND_SOURCES = ["paper", "phone", "visit"];

const RATING_COLOR: Record<string, string> = { satisfied: "green", basic: "blue", unsatisfied: "red" };

export function useFeedback(firmId: string) {
  return useQuery({ queryKey: ["feedback", firmId], queryFn: () => call(commands.feedbackOfFirm(firmId)) });
}

/** "Met" / "not met" / "no answer" for a need-met answer. */
export function needMetText(v: boolean | null, t: (k: string) => string): string {
  return v === null ? t("feedback.needMetUnknown") : v ? t("feedback.needMetYes") : t("feedback.needMetNo");
}

function FeedbackForm({ firmId, onClose }: { firmId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [f, setF] = useState<FeedbackInput>({
    firm_id: firmId,
    date: dayjs().format("YYYY-MM-DD"),
    rating: "satisfied",
    need_met: null,
    comment: "",
    source: "paper",
  });
  const [errs, setErrs] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(errs, lang);
  const up = (p: Partial<FeedbackInput>) => setF((x) => ({ ...x, ...p }));
  const save = async () => {
    setBusy(true);
    try {
      const r = await call(commands.recordFeedback(f));
      message.success(t("feedback.saved"));
      for (const task of r.follow_up?.tasks ?? []) message.info(t("feedback.followUpCreated", { title: task.title, due: task.due }));
      await qc.invalidateQueries({ queryKey: ["feedback", firmId] });
      await qc.invalidateQueries({ queryKey: ["visits", firmId] });
      await qc.invalidateQueries({ queryKey: ["app-info"] });
      await qc.invalidateQueries({ queryKey: ["home"] });
      onClose();
    } catch (e) {
      setErrs(fieldProblems(e));
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const sources = selectOptions(vocab?.feedback_source, lang).filter((o) => HAND_SOURCES.includes(String(o.value)));
  return (
    <Modal
      open
      width={640}
      title={t("feedback.formTitle")}
      onCancel={onClose}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("common.cancel")}
        </Button>,
        <Button key="save" type="primary" data-testid="save-feedback" loading={busy} onClick={() => void save()}>
          {t("common.save")}
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="feedback-form">
        <Space wrap>
          <Field name="date" label={t("feedback.date")} errors={errors}>
            <DatePicker allowClear={false} value={dayjs(f.date)} onChange={(d) => d && up({ date: d.format("YYYY-MM-DD") })} />
          </Field>
          <Field name="source" label={t("feedback.source")} errors={errors}>
            <Select data-testid="fb-source" style={{ width: 160 }} options={sources} value={f.source} onChange={(v) => up({ source: v })} />
          </Field>
        </Space>
        <Field name="rating" label={t("feedback.rating")} errors={errors}>
          <Radio.Group data-testid="fb-rating" value={f.rating} onChange={(e) => up({ rating: e.target.value })}>
            {(vocab?.satisfaction ?? []).map((o) => (
              <Radio key={o.key} value={o.key} data-testid={`fb-rating-${o.key}`}>
                {lang === "en" ? o.en : o.zh}
              </Radio>
            ))}
          </Radio.Group>
        </Field>
        <Field name="need_met" label={t("feedback.needMet")} errors={errors}>
          <Radio.Group
            data-testid="fb-need-met"
            value={f.need_met === null ? "unknown" : f.need_met ? "yes" : "no"}
            onChange={(e) => up({ need_met: e.target.value === "unknown" ? null : e.target.value === "yes" })}
          >
            <Radio value="yes" data-testid="fb-need-met-yes">
              {t("feedback.needMetYes")}
            </Radio>
            <Radio value="no" data-testid="fb-need-met-no">
              {t("feedback.needMetNo")}
            </Radio>
            <Radio value="unknown" data-testid="fb-need-met-unknown">
              {t("feedback.needMetUnknown")}
            </Radio>
          </Radio.Group>
        </Field>
        <Field name="comment" label={t("feedback.comment")} errors={errors}>
          <Input.TextArea data-testid="fb-comment" rows={3} maxLength={500} showCount value={f.comment} onChange={(e) => up({ comment: e.target.value })} />
        </Field>
      </Form>
    </Modal>
  );
}

export default function FeedbackSection({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const feedback = useFeedback(firmId);
  const [adding, setAdding] = useState(false);
  const rows: Feedback[] = feedback.data ?? [];
  return (
    <div data-testid="feedback">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t("feedback.title")}
        </Typography.Title>
        <Button data-testid="add-feedback" onClick={() => setAdding(true)}>
          {t("feedback.add")}
        </Button>
      </Space>
      {feedback.error && <Alert type="error" showIcon message={errorText(feedback.error, lang)} />}
      {rows.length === 0 ? (
        <Empty description={t("feedback.none")} />
      ) : (
        <List
          size="small"
          dataSource={rows}
          renderItem={(f) => (
            <List.Item data-testid="feedback-item">
              <Space direction="vertical" size={2} style={{ width: "100%" }}>
                <Space wrap>
                  <Typography.Text strong>{f.date}</Typography.Text>
                  <Tag color={RATING_COLOR[f.rating]} data-testid="fb-item-rating">
                    {label(vocab?.satisfaction, f.rating, lang)}
                  </Tag>
                  <Tag data-testid="fb-item-source">{label(vocab?.feedback_source, f.source, lang)}</Tag>
                  <Typography.Text type="secondary" data-testid="fb-item-need-met">
                    {t("feedback.needMet")}：{needMetText(f.need_met, t)}
                  </Typography.Text>
                </Space>
                {f.comment && (
                  // Plain text: React escapes it; never dangerouslySetInnerHTML.
                  <Typography.Paragraph data-testid="fb-item-comment" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                    {f.comment}
                  </Typography.Paragraph>
                )}
              </Space>
            </List.Item>
          )}
        />
      )}
      {adding && <FeedbackForm firmId={firmId} onClose={() => setAdding(false)} />}
    </div>
  );
}
