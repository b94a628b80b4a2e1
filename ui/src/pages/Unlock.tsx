// The unlock screen: shown instead of the app when the encrypted database needs a passphrase
// (no OS keystore answers and no FUDAO_DB_KEY): to unlock it, or to protect a new key.
import { lazy, Suspense, type ReactNode } from "react";
import { Alert, Card, Progress, Skeleton, Spin, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands } from "../bindings";
import { call, errorText } from "../ipc";
import { useLang } from "../hooks";
import { markBootStep } from "../perf";

export const LOCK_QUERY = ["db-lock"];

/** The store's lock state (asked at boot by `main.tsx`, and by the gate). */
export const lockQueryFn = () => call(commands.dbLockState()).finally(() => markBootStep("lock"));

const UnlockForm = lazy(() => import("./UnlockForm"));

/** Renders `children` once the database is open; the unlock screen until then. */
export function UnlockGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  markBootStep("gate");
  const lock = useQuery({
    queryKey: LOCK_QUERY,
    queryFn: lockQueryFn,
    staleTime: Infinity,
    // The store opens on a thread of its own; while it does (a plaintext file being encrypted,
    // a schema upgrade), ask again until it is open.
    refetchInterval: (q) => (q.state.data?.state === "opening" ? 300 : false),
  });
  if (lock.isPending) return <Skeleton active />;
  if (lock.isError) return <Alert type="error" showIcon message={errorText(lock.error, lang)} />;
  const l = lock.data;
  if (l.state === "open") return <>{children}</>;
  if (l.state === "opening") {
    const mb = (kib: number) => (kib / 1024).toFixed(0);
    return (
      <div style={{ display: "flex", justifyContent: "center", paddingTop: 80 }} data-testid="page-opening">
        <Card title={t("unlock.opening")} style={{ width: 520 }}>
          {l.total_kib > 0 ? (
            <>
              <Progress percent={Math.min(100, Math.floor((l.done_kib * 100) / l.total_kib))} data-testid="opening-progress" />
              <Typography.Paragraph data-testid="opening-count">
                {t("unlock.encrypting", { done: mb(l.done_kib), total: mb(l.total_kib) })}
              </Typography.Paragraph>
            </>
          ) : (
            <div style={{ textAlign: "center", padding: "8px 0" }}>
              <Spin />
            </div>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
            {t("unlock.openingHint")}
          </Typography.Paragraph>
        </Card>
      </div>
    );
  }
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
          <Suspense fallback={<Skeleton active />}>
            <UnlockForm
              lock={l}
              onOpen={(opened) => {
                // Everything fetched while locked was an error: fetch again.
                void qc.invalidateQueries();
                qc.setQueryData(LOCK_QUERY, opened);
              }}
            />
          </Suspense>
        )}
      </Card>
    </div>
  );
}
