import { useEffect, useRef, useState } from "react";
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Progress, Row, Skeleton, Space, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import dayjs from "dayjs";
import { commands, events, type ConflictView, type SyncProgress } from "../bindings";
import { call, errorAction, errorText, msg, toAppError } from "../ipc";
import { useFirstContent, useLang } from "../hooks";
import { fieldLabel } from "../vocabulary";
import { OnlineTag } from "../OnlineTag";

function show(v: unknown, deleted: string): string {
  if (v === null || v === undefined) return deleted;
  if (typeof v === "string") return v;
  return JSON.stringify(v, null, 1);
}

export function ConflictCard({ c, onResolve }: { c: ConflictView; onResolve: (keep: "mine" | "theirs") => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const cell = (title: string, v: unknown, color: string, testId: string) => (
    <Col span={8}>
      <Card size="small" title={title} headStyle={{ background: color }} data-testid={testId}>
        <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{show(v, t("sync.deleted"))}</Typography.Paragraph>
      </Card>
    </Col>
  );
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="conflict"
      title={
        <Space>
          <Tag>{msg(c.kind_label, lang)}</Tag>
          {c.row_label || c.row_id}
          {c.field && (
            <Typography.Text type="secondary">
              {t("sync.field")}:{" "}
              <span title={c.field} data-testid="conflict-field">
                {fieldLabel(t, c.kind, c.field)}
              </span>
            </Typography.Text>
          )}
        </Space>
      }
      extra={<Typography.Text type="secondary">{dayjs(c.created_at).format("YYYY-MM-DD HH:mm")}</Typography.Text>}
    >
      <Row gutter={12}>
        {cell(t("sync.base"), c.base, "#fafafa", "conflict-base")}
        {cell(t("sync.mine"), c.mine, "#e6f4ff", "conflict-mine")}
        {cell(t("sync.theirs"), c.theirs, "#f6ffed", "conflict-theirs")}
      </Row>
      <Space style={{ marginTop: 12 }}>
        <Button data-testid="keep-mine" onClick={() => onResolve("mine")}>
          {t("sync.keepMine")}
        </Button>
        <Button data-testid="keep-theirs" onClick={() => onResolve("theirs")}>
          {t("sync.keepTheirs")}
        </Button>
      </Space>
    </Card>
  );
}

export default function Sync() {
  const { t } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const status = useQuery({ queryKey: ["sync-status"], queryFn: () => call(commands.syncStatus()) });
  const conflicts = useQuery({ queryKey: ["conflicts"], queryFn: () => call(commands.syncConflicts(true)) });
  useFirstContent("sync", status.data !== undefined);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Set by the error's code: the server refused the session (log in again), or wants a newer app.
  const [relogin, setRelogin] = useState(false);
  const [upgrade, setUpgrade] = useState(false);
  const conflictsRef = useRef<HTMLHeadingElement>(null);
  const onError = (e: unknown) => {
    const a = errorAction(e);
    if (a.kind === "login") setRelogin(true);
    if (a.kind === "upgrade") setUpgrade(true);
    if (a.kind === "conflicts") conflictsRef.current?.focus();
    setError(errorText(e, lang));
  };
  const [form] = Form.useForm<{ server: string; username: string; password: string }>();
  useEffect(() => {
    let off: (() => void) | undefined;
    let live = true;
    events.syncProgress
      .listen((e) => setProgress(e.payload))
      .then((u) => {
        if (live) off = u;
        else u();
      })
      .catch(() => {});
    return () => {
      live = false;
      off?.();
    };
  }, []);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ["sync-status"] });
    await qc.invalidateQueries({ queryKey: ["conflicts"] });
    await qc.invalidateQueries({ queryKey: ["online"] });
    await qc.invalidateQueries({ queryKey: ["app-info"] });
  };
  const login = async (v: { server: string; username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      try {
        await call(commands.syncLogin(v.server, v.username, v.password, false));
      } catch (e) {
        // http:// to another machine: the password would travel in clear text, so the user
        // confirms it (or cancels and enters an https:// address).
        if (toAppError(e).code !== "cleartext_http") throw e;
        const go = await modal.confirm({
          title: t("sync.cleartextTitle"),
          content: errorText(e, lang),
          okText: t("sync.cleartextGo"),
          okButtonProps: { danger: true },
        });
        if (!go) return;
        await call(commands.syncLogin(v.server, v.username, v.password, true));
      }
      form.setFieldValue("password", "");
      setRelogin(false);
      await refresh();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  const syncNow = async () => {
    setBusy(true);
    setError(null);
    setProgress(null);
    try {
      const r = await call(commands.syncNow());
      message.success(t("sync.done", { p: r.pushed, l: r.pulled, c: r.new_conflicts }));
      await qc.invalidateQueries();
    } catch (e) {
      onError(e);
      await refresh();
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  const resolve = async (c: ConflictView, keep: "mine" | "theirs") => {
    try {
      const left = await call(commands.resolveConflict(c.id, keep, null));
      qc.setQueryData(["conflicts"], left);
      message.success(t("sync.resolved"));
      await qc.invalidateQueries({ queryKey: ["sync-status"] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const s = status.data;
  return (
    <div data-testid="page-sync">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("sync.title")}
        </Typography.Title>
        <OnlineTag />
      </Space>
      {upgrade && <Alert style={{ marginBottom: 12 }} type="warning" showIcon message={t("sync.upgrade")} data-testid="upgrade-banner" />}
      {error && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={error} data-testid="sync-error" />}
      {status.error && <Alert type="error" showIcon message={errorText(status.error, lang)} />}
      {status.isPending && !status.error && (
        <div data-testid="sync-skeleton">
          <Skeleton active paragraph={{ rows: 4 }} />
        </div>
      )}
      {status.data?.demo && <Alert style={{ marginBottom: 12 }} type="warning" showIcon message={t("sync.demo")} data-testid="sync-demo" />}
      {s && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Descriptions column={2} size="small">
            <Descriptions.Item label={t("sync.server")}>{s.server ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("sync.username")}>
              <span data-testid="sync-user">{s.logged_in ? t("sync.loggedIn", { name: s.user_name, user: s.username }) : t("sync.notLoggedIn")}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("sync.lastSync")}>
              <span data-testid="last-sync">{s.last_sync ? dayjs(s.last_sync).format("YYYY-MM-DD HH:mm") : t("sync.never")}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("sync.outbox")}>
              <span data-testid="outbox">{s.outbox}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("sync.openConflicts")}>{s.open_conflicts}</Descriptions.Item>
          </Descriptions>
          {s.open_conflicts_more && (
            <Alert style={{ marginTop: 12 }} type="warning" showIcon message={t("sync.conflictsMore", { n: s.open_conflicts })} data-testid="conflicts-more" />
          )}
          {s.logged_in && !s.demo && (
            <Space style={{ marginTop: 12 }}>
              <Button type="primary" data-testid="sync-now" loading={busy} onClick={() => void syncNow()}>
                {t("sync.now")}
              </Button>
              <Button
                data-testid="sync-logout"
                onClick={async () => {
                  await call(commands.syncLogout());
                  await refresh();
                }}
              >
                {t("sync.logout")}
              </Button>
              {busy && progress && (
                <Space>
                  <Progress type="circle" size={22} percent={progress.more ? 50 : 99} showInfo={false} />
                  <span data-testid="sync-progress">
                    {progress.phase === "push" ? t("sync.pushing", { n: progress.done }) : t("sync.pulling", { n: progress.done })}
                  </span>
                </Space>
              )}
              {busy && (
                <Button data-testid="sync-cancel" onClick={() => void call(commands.cancelJob("sync")).catch(() => {})}>
                  {t("sync.cancel")}
                </Button>
              )}
            </Space>
          )}
        </Card>
      )}
      {s && (!s.logged_in || relogin) && !s.demo && (
        <Card size="small" title={t("sync.login")} style={{ marginBottom: 16, maxWidth: 560 }}>
          <Form form={form} layout="vertical" onFinish={(v) => void login(v)} initialValues={{ server: s.server ?? "https://" }}>
            <Form.Item name="server" label={t("sync.server")} rules={[{ required: true }]}>
              <Input data-testid="sync-server" />
            </Form.Item>
            <Form.Item name="username" label={t("sync.username")} rules={[{ required: true }]}>
              <Input data-testid="sync-username" autoComplete="username" />
            </Form.Item>
            <Form.Item name="password" label={t("sync.password")} rules={[{ required: true }]}>
              <Input.Password data-testid="sync-password" autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="sync-login">
              {t("sync.login")}
            </Button>
          </Form>
        </Card>
      )}
      <Typography.Title level={4} ref={conflictsRef} tabIndex={-1} data-testid="conflicts-title">
        {t("sync.conflicts")}
      </Typography.Title>
      {conflicts.error && <Alert type="error" showIcon message={errorText(conflicts.error, lang)} />}
      {conflicts.data && conflicts.data.length === 0 && <Empty description={t("sync.noConflicts")} />}
      {(conflicts.data ?? []).map((c) => (
        <ConflictCard key={c.id} c={c} onResolve={(k) => void resolve(c, k)} />
      ))}
    </div>
  );
}
