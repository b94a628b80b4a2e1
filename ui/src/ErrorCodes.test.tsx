// The UI branches on the error's `code` (the `ErrorCode` union of the bindings): one test per
// branch — `unauthorized` → the 同步 login, `upgrade_required` → the update banner,
// `validation` → messages beside the fields, `conflict` → the conflicts view.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import type { AppError, SyncStatus } from "./bindings";
import { errorAction, fieldProblems, IpcError } from "./ipc";
import Sync from "./pages/Sync";
import { renderPage } from "./test-utils";

const m = (zh: string, en = zh) => ({ zh, en });
const err = (code: AppError["code"], details: AppError["details"] = []): AppError => ({ code, message: m(`错误 ${code}`, `error ${code}`), details });
const loggedIn: SyncStatus = {
  logged_in: true,
  server: "https://fudao.example.cn",
  user_name: "张队长",
  username: "zhang",
  role: "lead",
  last_sync: null,
  outbox: 2,
  open_conflicts: 0,
  open_conflicts_more: false,
  demo: false,
};

function renderSyncFailingWith(e: AppError) {
  return renderPage(<Sync />, {
    sync_status: () => loggedIn,
    sync_conflicts: () => [],
    sync_online: () => true,
    sync_now: () => {
      throw e;
    },
  });
}

async function clickSync() {
  const button = await screen.findByTestId("sync-now");
  await act(async () => {
    fireEvent.click(button);
  });
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("error codes", () => {
  it("maps each code to what the UI does", () => {
    expect(errorAction(new IpcError(err("unauthorized"))).kind).toBe("login");
    expect(errorAction(err("not_logged_in")).kind).toBe("login");
    expect(errorAction(err("upgrade_required")).kind).toBe("upgrade");
    expect(errorAction(err("conflict")).kind).toBe("conflicts");
    expect(errorAction(err("io")).kind).toBe("message");
    // A validation error without field details is shown as its message.
    expect(errorAction(err("validation")).kind).toBe("message");
    // A framework rejection (plain text) is a message too.
    expect(errorAction("command not found").kind).toBe("message");
  });

  it("unauthorized: a refused session shows the 同步 login form again", async () => {
    renderSyncFailingWith(err("unauthorized"));
    await clickSync();
    expect(await screen.findByTestId("sync-login")).toBeTruthy();
    expect(screen.getByTestId("sync-error").textContent).toContain("错误 unauthorized");
    expect(screen.queryByTestId("upgrade-banner")).toBeNull();
  });

  it("upgrade_required: a banner tells the coach to update", async () => {
    renderSyncFailingWith(err("upgrade_required"));
    await clickSync();
    const banner = await screen.findByTestId("upgrade-banner");
    expect(banner.textContent).toContain("请安装新版本后再同步");
    // Logged in, so the login form stays hidden.
    expect(screen.queryByTestId("sync-login")).toBeNull();
  });

  it("conflict: the conflicts view takes the focus", async () => {
    renderSyncFailingWith(err("conflict"));
    await clickSync();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("conflicts-title")));
    expect(screen.queryByTestId("sync-login")).toBeNull();
  });

  it("other codes: only the message, no login, no banner", async () => {
    renderSyncFailingWith(err("offline"));
    await clickSync();
    expect((await screen.findByTestId("sync-error")).textContent).toContain("错误 offline");
    expect(screen.queryByTestId("sync-login")).toBeNull();
    expect(screen.queryByTestId("upgrade-banner")).toBeNull();
    expect(document.activeElement).not.toBe(screen.getByTestId("conflicts-title"));
  });

  it("validation: the field messages go beside their fields; other codes carry none", () => {
    const details = [{ field: "amount", code: "negative", message: m("金额不能为负数") }];
    expect(fieldProblems(new IpcError(err("validation", details)))).toEqual(details);
    expect(fieldProblems(err("duplicate_uscc", details))).toEqual(details);
    // Details of an error that is not about fields are not shown as field messages.
    expect(fieldProblems(err("io", details))).toEqual([]);
  });
});
