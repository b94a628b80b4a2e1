import { App, Button, Card, Descriptions, Progress, Segmented, Space, Typography } from "antd";
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { pickOpenFile, pickSavePath } from "../dialogs";
import dayjs from "dayjs";
import { commands, events } from "../bindings";
import { call, errorText } from "../ipc";
import { useFirstContent, useLang } from "../hooks";

export default function Settings() {
  const { t, i18n } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const info = useQuery({ queryKey: ["app-info"], queryFn: () => call(commands.appInfo()) });
  useFirstContent("settings", info.data !== undefined);
  // KiB written and expected while a backup runs (its `job-progress` events).
  const [backingUp, setBackingUp] = useState<{ done: number; total: number } | null>(null);
  const backup = async () => {
    let off: (() => void) | null = null;
    try {
      const path = await pickSavePath({ defaultPath: `fudao-backup-${dayjs().format("YYYYMMDD-HHmm")}.db`, filters: [{ name: "Fudao", extensions: ["db"] }] });
      if (!path) return;
      setBackingUp({ done: 0, total: 0 });
      off = await events.jobProgress
        .listen((e) => {
          if (e.payload.job === "backup") setBackingUp({ done: e.payload.done, total: e.payload.total });
        })
        .catch(() => null);
      const r = await call(commands.backupDb(path));
      if (r.cancelled) message.info(t("settings.backupCancelled"));
      else message.success(t("settings.backedUp", { path, mb: (r.bytes / 1048576).toFixed(1) }));
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      off?.();
      setBackingUp(null);
    }
  };
  const mb = (kib: number) => (kib / 1024).toFixed(1);
  const restore = async () => {
    try {
      const path = await pickOpenFile({ filters: [{ name: "Fudao", extensions: ["db"] }] });
      if (!path) return;
      modal.confirm({
        title: t("settings.restoreConfirmTitle"),
        content: t("settings.restoreConfirm", { path }),
        okText: t("settings.restore"),
        okButtonProps: { danger: true },
        cancelText: t("common.cancel"),
        onOk: async () => {
          try {
            await call(commands.restoreDb(path));
            await qc.invalidateQueries();
            message.success(t("settings.restored"));
          } catch (e) {
            message.error(errorText(e, lang));
          }
        },
      });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <div data-testid="page-settings">
      <Typography.Title level={3}>{t("settings.title")}</Typography.Title>
      <Card>
        <Descriptions column={1} bordered>
          <Descriptions.Item label={t("settings.language")}>
            <Segmented
              value={lang}
              options={[
                { label: "中文", value: "zh" },
                { label: "English", value: "en" },
              ]}
              onChange={(v) => {
                void i18n.changeLanguage(v as string);
                localStorage.setItem("fudao.lang", v as string);
              }}
            />
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.dataFile")}>
            <Typography.Text copyable data-testid="db-path">
              {info.data?.db_path ?? "—"}
            </Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t("settings.dataFileHint")}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.backup")}>
            <Space>
              <Button data-testid="backup" loading={backingUp !== null} onClick={() => void backup()}>
                {t("settings.backupNow")}
              </Button>
              <Button danger data-testid="restore" disabled={backingUp !== null} onClick={() => void restore()}>
                {t("settings.restore")}
              </Button>
            </Space>
            {backingUp && (
              <Space direction="vertical" style={{ width: "100%", marginTop: 12 }} data-testid="backup-progress">
                <Typography.Text data-testid="backup-progress-count">
                  {backingUp.total ? t("settings.backingUp", { done: mb(backingUp.done), total: mb(backingUp.total) }) : t("settings.backingUpStart")}
                </Typography.Text>
                <Progress percent={backingUp.total ? Math.floor((backingUp.done * 100) / backingUp.total) : 0} />
                <Button data-testid="backup-cancel" onClick={() => void call(commands.cancelJob("backup")).catch(() => {})}>
                  {t("settings.backupCancel")}
                </Button>
              </Space>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.version")}>{info.data?.version ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
    </div>
  );
}
