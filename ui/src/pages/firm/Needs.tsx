import { useState } from "react";
import { Alert, App, Button, Card, Col, DatePicker, Empty, Form, Input, InputNumber, Modal, Row, Select, Space, Steps, Switch, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Need, type NeedStatus, type Outcome } from "../../bindings";
import { call, errorText, fmtWan, useSaveForm, wanToYuan, yuanToWan } from "../../ipc";
import { useLang } from "../../hooks";
import { useSaveShortcut } from "../../shortcuts";
import { label, selectOptions, useVocabulary } from "../../vocabulary";
import { Field } from "./Field";
import { needMetText, useFeedback } from "./Feedback";

/** The "was the financing need met?" answer of the firm's latest feedback that answered it
 * (shown beside the needs; it moves no need's status). */
function LatestNeedMet({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const feedback = useFeedback(firmId);
  // Newest first from the store.
  const latest = (feedback.data ?? []).find((f) => f.need_met !== null);
  return (
    <Alert
      data-testid="need-met-latest"
      style={{ marginBottom: 12 }}
      type={latest ? (latest.need_met ? "success" : "warning") : "info"}
      showIcon
      message={
        latest
          ? t("feedback.latestNeedMet", {
              date: latest.date,
              source: label(vocab?.feedback_source, latest.source, lang),
              answer: needMetText(latest.need_met, t),
            })
          : t("feedback.noNeedMet")
      }
    />
  );
}

/** The open pipeline in order; closed statuses end it. */
const PIPELINE: NeedStatus[] = ["raised", "matching", "applied", "approved", "disbursed"];

function NeedEditor({ initial, onClose }: { initial: Need; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const [n, setN] = useState<Need>(initial);
  const { save, busy, errors } = useSaveForm(() => call(commands.saveNeed(n)), {
    saved: t("need.saved"),
    refresh: [["needs", n.firm_id], ["firms"], ["app-info"], ["home"]],
    onDone: onClose,
  });
  const up = (p: Partial<Need>) => setN((x) => ({ ...x, ...p }));
  const setOutcome = (i: number, p: Partial<Outcome>) => up({ outcomes: n.outcomes.map((o, j) => (j === i ? { ...o, ...p } : o)) });
  useSaveShortcut(() => void save());
  return (
    <Modal
      open
      width={880}
      title={t("need.editTitle")}
      onCancel={onClose}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("common.cancel")}
        </Button>,
        <Button key="save" type="primary" data-testid="save-need" loading={busy} onClick={() => void save()}>
          {t("common.save")} (Ctrl+S)
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="need-form">
        <Row gutter={12}>
          <Col span={8}>
            <Field name="amount" label={t("need.amount")} errors={errors}>
              <InputNumber
                data-testid="n-amount"
                style={{ width: "100%" }}
                addonAfter={t("unit.wan")}
                value={yuanToWan(n.amount)}
                onChange={(v) => up({ amount: wanToYuan(v) ?? 0 })}
              />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="kind" label={t("need.kind")} errors={errors}>
              <Select options={selectOptions(vocab?.financing_kind, lang)} value={n.kind} onChange={(v) => up({ kind: v })} />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="term_months" label={t("need.term")} errors={errors}>
              <InputNumber style={{ width: "100%" }} min={1} value={n.term_months} onChange={(v) => up({ term_months: v ?? null })} />
            </Field>
          </Col>
          <Col span={16}>
            <Field name="purpose" label={t("need.purpose")} errors={errors}>
              <Input data-testid="n-purpose" value={n.purpose} onChange={(e) => up({ purpose: e.target.value })} />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="raised_on" label={t("need.raisedOn")} errors={errors}>
              <DatePicker
                style={{ width: "100%" }}
                allowClear={false}
                value={dayjs(n.raised_on)}
                onChange={(d) => d && up({ raised_on: d.format("YYYY-MM-DD") })}
              />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="status" label={t("need.status")} errors={errors}>
              <Select data-testid="n-status" options={selectOptions(vocab?.need_status, lang)} value={n.status} onChange={(v) => up({ status: v })} />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="closed_on" label={t("need.closedOn")} errors={errors}>
              <DatePicker
                style={{ width: "100%" }}
                value={n.closed_on ? dayjs(n.closed_on) : null}
                onChange={(d) => up({ closed_on: d ? d.format("YYYY-MM-DD") : null })}
              />
            </Field>
          </Col>
          <Col span={8}>
            <Field name="unmet_reason" label={t("need.unmetReason")} errors={errors}>
              <Select
                allowClear
                options={selectOptions(vocab?.reason_code, lang)}
                value={n.unmet_reason ?? undefined}
                onChange={(v) => up({ unmet_reason: v ?? null })}
              />
            </Field>
          </Col>
          <Col span={24}>
            <Field name="collateral" label={t("need.collateral")} errors={errors}>
              <Select mode="tags" value={n.collateral} onChange={(v) => up({ collateral: v })} />
            </Field>
          </Col>
          <Col span={24}>
            <Card size="small" title={t("need.ruling")}>
              <Field name="ruling" label="" errors={errors}>
                <Space wrap>
                  <Select
                    style={{ width: 180 }}
                    allowClear
                    placeholder={t("need.rulingNone")}
                    value={n.ruling === null ? undefined : n.ruling.reasonable ? "yes" : "no"}
                    options={[
                      { value: "yes", label: t("need.reasonable") },
                      { value: "no", label: t("need.unreasonable") },
                    ]}
                    onChange={(v) =>
                      up({ ruling: v === undefined ? null : { reasonable: v === "yes", reason: n.ruling?.reason ?? null, note: n.ruling?.note ?? "" } })
                    }
                  />
                  {n.ruling && (
                    <Select
                      style={{ width: 220 }}
                      allowClear
                      placeholder={t("need.reason")}
                      options={selectOptions(vocab?.reason_code, lang)}
                      value={n.ruling.reason ?? undefined}
                      onChange={(v) => n.ruling && up({ ruling: { ...n.ruling, reason: v ?? null } })}
                    />
                  )}
                  {n.ruling && (
                    <Input
                      style={{ width: 300 }}
                      placeholder={t("need.note")}
                      value={n.ruling.note}
                      onChange={(e) => n.ruling && up({ ruling: { ...n.ruling, note: e.target.value } })}
                    />
                  )}
                </Space>
              </Field>
            </Card>
          </Col>
          <Col span={24} style={{ marginTop: 12 }}>
            <Card size="small" title={t("need.outcomes")}>
              {errors.outcomes && (
                <Alert type="error" showIcon message={<span data-testid="err-outcomes">{errors.outcomes}</span>} style={{ marginBottom: 8 }} />
              )}
              {n.outcomes.map((o, i) => (
                <Space key={i} wrap style={{ marginBottom: 6 }}>
                  <Input placeholder={t("need.institution")} value={o.institution} onChange={(e) => setOutcome(i, { institution: e.target.value })} />
                  <Input placeholder={t("need.product")} value={o.product} onChange={(e) => setOutcome(i, { product: e.target.value })} />
                  <InputNumber addonAfter={t("unit.wan")} value={yuanToWan(o.amount)} onChange={(v) => setOutcome(i, { amount: wanToYuan(v) ?? 0 })} />
                  <DatePicker allowClear={false} value={dayjs(o.date)} onChange={(d) => d && setOutcome(i, { date: d.format("YYYY-MM-DD") })} />
                  <Switch
                    checkedChildren={t("need.credit")}
                    unCheckedChildren={t("need.secured")}
                    checked={o.credit}
                    onChange={(v) => setOutcome(i, { credit: v })}
                  />
                  <Button type="link" danger onClick={() => up({ outcomes: n.outcomes.filter((_x, j) => j !== i) })}>
                    {t("common.remove")}
                  </Button>
                </Space>
              ))}
              <Button
                onClick={() =>
                  up({
                    outcomes: [
                      ...n.outcomes,
                      { institution: "", product: "", amount: 0, rate_bp: null, date: dayjs().format("YYYY-MM-DD"), credit: false, product_kind: "" },
                    ],
                  })
                }
              >
                {t("need.addOutcome")}
              </Button>
            </Card>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

export default function Needs({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const { message } = App.useApp();
  const needs = useQuery({ queryKey: ["needs", firmId], queryFn: () => call(commands.needsOfFirm(firmId)) });
  const [editing, setEditing] = useState<Need | null>(null);
  const add = async () => {
    try {
      setEditing(await call(commands.newNeed(firmId)));
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const rows = [...(needs.data ?? [])].sort((a, b) => b.raised_on.localeCompare(a.raised_on));
  return (
    <div data-testid="needs">
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" data-testid="add-need" onClick={() => void add()}>
          {t("need.add")}
        </Button>
      </Space>
      {needs.error && <Alert type="error" showIcon message={errorText(needs.error, lang)} />}
      <LatestNeedMet firmId={firmId} />
      {rows.length === 0 && <Empty description={t("need.none")} />}
      <Space direction="vertical" style={{ width: "100%" }}>
        {rows.map((n) => {
          const closedOff = !PIPELINE.includes(n.status);
          const step = closedOff ? PIPELINE.length - 1 : PIPELINE.indexOf(n.status);
          return (
            <Card
              key={n.id}
              size="small"
              data-testid="need-card"
              title={
                <Space>
                  <Typography.Text strong>{fmtWan(n.amount, lang)}</Typography.Text>
                  <Tag color="blue">{label(vocab?.financing_kind, n.kind, lang)}</Tag>
                  <span>{n.purpose}</span>
                  <Typography.Text type="secondary">{n.raised_on}</Typography.Text>
                </Space>
              }
              extra={
                <Button type="link" onClick={() => setEditing(n)}>
                  {t("common.edit")}
                </Button>
              }
            >
              <Steps
                size="small"
                current={step}
                status={closedOff ? (n.status === "partly_met" ? "finish" : "error") : "process"}
                items={PIPELINE.map((s, i) => ({
                  title: closedOff && i === PIPELINE.length - 1 ? label(vocab?.need_status, n.status, lang) : label(vocab?.need_status, s, lang),
                }))}
              />
              <Space style={{ marginTop: 8 }} wrap>
                {n.ruling && (
                  <Tag color={n.ruling.reasonable ? "green" : "red"}>
                    {n.ruling.reasonable ? t("need.reasonable") : t("need.unreasonable")}
                    {n.ruling.reason ? `：${label(vocab?.reason_code, n.ruling.reason, lang)}` : ""}
                  </Tag>
                )}
                {n.outcomes.map((o, i) => (
                  <Tag key={i} color="gold">
                    {o.institution} {fmtWan(o.amount, lang)} {o.date}
                  </Tag>
                ))}
              </Space>
            </Card>
          );
        })}
      </Space>
      {editing && <NeedEditor initial={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
