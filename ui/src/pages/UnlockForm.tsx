// The passphrase form of the unlock screen, loaded only when the database is locked (an open
// database, the usual start, never loads antd's Form).
import { useState } from "react";
import { Alert, Button, Form, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { commands, type DbLock } from "../bindings";
import { call, errorText } from "../ipc";
import { useLang } from "../hooks";

export default function UnlockForm({ lock, onOpen }: { lock: DbLock; onOpen: (l: DbLock) => void }) {
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
