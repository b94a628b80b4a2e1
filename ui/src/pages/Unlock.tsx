// The unlock screen: shown instead of the app when the encrypted database needs a passphrase
// (no OS keystore answers and no FUDAO_DB_KEY): to unlock it, or to protect a new key.
import { useState, type ReactNode } from "react";
import { Alert, Button, Card, Form, Input, Skeleton, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type DbLock } from "../bindings";
import { call, errorText } from "../ipc";
import { useLang } from "../hooks";

export const LOCK_QUERY = ["db-lock"];

function UnlockForm({ lock, onOpen }: { lock: DbLock; onOpen: (l: DbLock) => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const [pass, setPass] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isNew = lock.state === "new_passphrase";
  const submit = async () => {
    if (pass.length < 8) {
      setError(t("unlock.tooShort"));
      return;
    }
    if (isNew && pass !== repeat) {
      setError(t("unlock.mismatch"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const l = await call(commands.unlockDb(pass));
      setPass("");
      setRepeat("");
      onOpen(l);
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form layout="vertical" onFinish={() => void submit()}>
      <Typography.Paragraph data-testid="unlock-hint">{isNew ? t("unlock.newHint") : t("unlock.lockedHint")}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" copyable={{ text: lock.path }}>
        {lock.path}
      </Typography.Paragraph>
      <Form.Item label={t("unlock.passphrase")}>
        <Input.Password data-testid="unlock-passphrase" autoFocus value={pass} onChange={(e) => setPass(e.target.value)} />
      </Form.Item>
      {isNew && (
        <Form.Item label={t("unlock.repeat")}>
          <Input.Password data-testid="unlock-repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </Form.Item>
      )}
      {error && <Alert type="error" showIcon data-testid="unlock-error" message={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={busy} data-testid="unlock-submit">
        {isNew ? t("unlock.create") : t("unlock.submit")}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t("unlock.headless")}
      </Typography.Paragraph>
    </Form>
  );
}

/** Renders `children` once the database is open; the unlock screen until then. */
export function UnlockGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const lock = useQuery({ queryKey: LOCK_QUERY, queryFn: () => call(commands.dbLockState()), staleTime: Infinity });
  if (lock.isPending) return <Skeleton active />;
  if (lock.isError) return <Alert type="error" showIcon message={errorText(lock.error, lang)} />;
  const l = lock.data;
  if (l.state === "open") return <>{children}</>;
  return (
    <div style={{ display: "flex", justifyContent: "center", paddingTop: 80 }} data-testid="page-unlock">
      <Card title={l.state === "error" ? t("unlock.errorTitle") : t("unlock.title")} style={{ width: 520 }}>
        {l.state === "error" ? (
          <>
            <Alert type="error" showIcon data-testid="unlock-error" message={l.error ? errorText(l.error, lang) : ""} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
              {t("unlock.headless")}
            </Typography.Paragraph>
          </>
        ) : (
          <UnlockForm
            lock={l}
            onOpen={(opened) => {
              // Everything fetched while locked was an error: fetch again.
              void qc.invalidateQueries();
              qc.setQueryData(LOCK_QUERY, opened);
            }}
          />
        )}
      </Card>
    </div>
  );
}
