import React from "react";
import ReactDOM from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { HashRouter } from "react-router";
import { markBoot } from "./perf";
import "./i18n";
import App from "./App";
import { LOCK_QUERY, lockQueryFn } from "./pages/Unlock";
import { APP_INFO_QUERY, appInfoQueryFn } from "./pages/Home";
import type { DbLock } from "./bindings";

markBoot();

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

// The first data on the way before React renders: the lock state, and once the store is open
// 工作台's counts. The gate and 工作台 find the answers in the cache (the counts arrived 70–140
// ms later when 工作台 asked for them itself, after its chunk and first render).
void queryClient.prefetchQuery({ queryKey: LOCK_QUERY, queryFn: lockQueryFn, staleTime: Infinity }).then(() => {
  if (queryClient.getQueryData<DbLock>(LOCK_QUERY)?.state === "open") void queryClient.prefetchQuery({ queryKey: APP_INFO_QUERY, queryFn: appInfoQueryFn });
});

ReactDOM.createRoot(document.getElementById("root") as HTMLElement).render(
  <React.StrictMode>
    <QueryClientProvider client={queryClient}>
      <HashRouter>
        <App />
      </HashRouter>
    </QueryClientProvider>
  </React.StrictMode>,
);
