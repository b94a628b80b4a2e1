import { useState } from "react";
import { Alert, App, Button, Checkbox, DatePicker, Divider, Empty, Form, Input, Modal, Select, Space, Tag, Timeline, Typography } from "antd";
import dayjs from "dayjs";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type FollowUpTask, type Visit } from "../../bindings";
import { call, errorText, useSaveForm } from "../../ipc";
import { useLang } from "../../hooks";
import { useSaveShortcut } from "../../shortcuts";
import { label, selectOptions, useVocabulary } from "../../vocabulary";
import { Field } from "./Field";
import FeedbackSection from "./Feedback";

function VisitEditor({ initial, onClose }: { initial: Visit; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const [v, setV] = useState<Visit>(initial);
  const { save, busy, errors } = useSaveForm(() => call(commands.saveVisit(v)), {
    saved: t("visit.saved"),
    refresh: [["visits", v.firm_id], ["app-info"], ["home"]],
    onDone: onClose,
  });
  const up = (p: Partial<Visit>) => setV((x) => ({ ...x, ...p }));
  const setTask = (i: number, p: Partial<FollowUpTask>) => up({ tasks: v.tasks.map((x, j) => (j === i ? { ...x, ...p } : x)) });
  useSaveShortcut(() => void save());
  return (
    <Modal
      open
      width={760}
      title={t("visit.editTitle")}
      onCancel={onClose}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("common.cancel")}
        </Button>,
        <Button key="save" type="primary" data-testid="save-visit" loading={busy} onClick={() => void save()}>
          {t("common.save")} (Ctrl+S)
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="visit-form">
        <Space>
          <Field name="date" label={t("visit.date")} errors={errors}>
            <DatePicker allowClear={false} value={dayjs(v.date)} onChange={(d) => d && up({ date: d.format("YYYY-MM-DD") })} />
          </Field>
          <Field name="mode" label={t("visit.mode")} errors={errors}>
            <Select style={{ width: 160 }} options={selectOptions(vocab?.visit_mode, lang)} value={v.mode} onChange={(m) => up({ mode: m })} />
          </Field>
        </Space>
        <Field name="notes" label={t("visit.notes")} errors={errors}>
          <Input.TextArea data-testid="v-notes" rows={3} value={v.notes} onChange={(e) => up({ notes: e.target.value })} />
        </Field>
        <Field name="findings" label={t("visit.findings")} errors={errors}>
          <Input.TextArea data-testid="v-findings" rows={3} value={v.findings} onChange={(e) => up({ findings: e.target.value })} />
        </Field>
        <Typography.Text strong>{t("visit.tasks")}</Typography.Text>
        {errors.tasks && <Alert type="error" showIcon message={<span data-testid="err-tasks">{errors.tasks}</span>} style={{ margin: "6px 0" }} />}
        {v.tasks.map((task, i) => (
          <Space key={i} style={{ display: "flex", margin: "6px 0" }}>
            <Checkbox checked={task.done} onChange={(e) => setTask(i, { done: e.target.checked })} />
            <Input
              data-testid="v-task-title"
              style={{ width: 280 }}
              placeholder={t("visit.taskTitle")}
              value={task.title}
              onChange={(e) => setTask(i, { title: e.target.value })}
            />
            <Input style={{ width: 120 }} placeholder={t("visit.taskOwner")} value={task.owner} onChange={(e) => setTask(i, { owner: e.target.value })} />
            <DatePicker allowClear={false} value={dayjs(task.due)} onChange={(d) => d && setTask(i, { due: d.format("YYYY-MM-DD") })} />
            <Button type="link" danger onClick={() => up({ tasks: v.tasks.filter((_x, j) => j !== i) })}>
              {t("common.remove")}
            </Button>
          </Space>
        ))}
        <div>
          <Button
            data-testid="add-task"
            onClick={() => up({ tasks: [...v.tasks, { title: "", owner: "", due: dayjs(v.date).add(14, "day").format("YYYY-MM-DD"), done: false }] })}
          >
            {t("visit.addTask")}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

export default function Visits({ firmId }: { firmId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const { message } = App.useApp();
  const visits = useQuery({ queryKey: ["visits", firmId], queryFn: () => call(commands.visitsOfFirm(firmId)) });
  const [editing, setEditing] = useState<Visit | null>(null);
  const add = async () => {
    try {
      setEditing(await call(commands.newVisit(firmId)));
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const today = dayjs().format("YYYY-MM-DD");
  const rows = [...(visits.data ?? [])].sort((a, b) => b.date.localeCompare(a.date));
  return (
    <div data-testid="visits">
      <FeedbackSection firmId={firmId} />
      <Divider />
      <Button type="primary" data-testid="add-visit" style={{ marginBottom: 16 }} onClick={() => void add()}>
        {t("visit.add")}
      </Button>
      {visits.error && <Alert type="error" showIcon message={errorText(visits.error, lang)} />}
      {rows.length === 0 && <Empty description={t("visit.none")} />}
      <Timeline
        items={rows.map((v) => ({
          children: (
            <div data-testid="visit-item">
              <Space>
                <Typography.Text strong>{v.date}</Typography.Text>
                <Tag>{label(vocab?.visit_mode, v.mode, lang)}</Tag>
                <Button size="small" type="link" onClick={() => setEditing(v)}>
                  {t("common.edit")}
                </Button>
              </Space>
              {v.notes && <Typography.Paragraph style={{ margin: "4px 0" }}>{v.notes}</Typography.Paragraph>}
              {v.findings && (
                <Typography.Paragraph type="secondary" style={{ margin: "4px 0" }}>
                  {v.findings}
                </Typography.Paragraph>
              )}
              {v.tasks.map((task, i) => (
                <div key={i}>
                  <Tag color={task.done ? "green" : task.due < today ? "red" : "blue"}>
                    {task.done ? t("visit.done") : task.due < today ? t("visit.overdue") : t("visit.due")} {task.due}
                  </Tag>
                  {task.title} {task.owner && <Typography.Text type="secondary">（{task.owner}）</Typography.Text>}
                </div>
              ))}
            </div>
          ),
        }))}
      />
      {editing && <VisitEditor initial={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
