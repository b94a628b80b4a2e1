// The header's online/offline tag, apart from the 同步 screen so that screen loads on first use.
import { useEffect, useState } from "react";
import { Tag } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands } from "./bindings";
import { call } from "./ipc";

/** How long after start the header first asks whether the user is logged in to a server. */
export const START_DELAY_MS = 1500;

/** Whether the sync server answers; polled every minute (offline indicator). */
export function useOnline(enabled = true): boolean | undefined {
  return useQuery({ queryKey: ["online"], queryFn: () => call(commands.syncOnline()), refetchInterval: 60_000, staleTime: 30_000, enabled }).data;
}

/** Online/offline state of the sync server; nothing when not logged in (local-only use). */
export function OnlineTag() {
  const { t } = useTranslation();
  // Not on the way to the first screen's data: the store answers one command at a time, so
  // the header asks a moment after start.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const h = setTimeout(() => setReady(true), START_DELAY_MS);
    return () => clearTimeout(h);
  }, []);
  const status = useQuery({ queryKey: ["sync-status"], queryFn: () => call(commands.syncStatus()), enabled: ready });
  // Only a logged-in user has a server to ask (a local-only start makes no health check).
  const online = useOnline(status.data?.logged_in === true);
  if (online === undefined || !status.data?.logged_in) return null;
  return (
    <Tag color={online ? "green" : "default"} data-testid="online-state" title={online ? undefined : t("sync.offlineHint")}>
      ● {online ? t("sync.online") : t("sync.offline")}
    </Tag>
  );
}
