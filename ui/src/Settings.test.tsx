// 设置: the backup shows its progress with a cancel button, and says how it ended.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import i18n from "./i18n";
import type { AppInfo, BackupDone } from "./bindings";
import { renderPage } from "./test-utils";
import Settings from "./pages/Settings";

afterEach(async () => {
  cleanup();
  clearMocks();
  await i18n.changeLanguage("zh");
});

const info: AppInfo = { version: "0.1.0", db_path: "/data/fudao.db", firms: 3, needs: 1, visits: 2, outbox: 0 };

function start(result: Promise<BackupDone>) {
  return renderPage(<Settings />, {
    app_info: () => info,
    dialog_override: () => ({ save_dir: "/backups/", open_file: null }),
    backup_db: () => result,
    cancel_job: () => true,
  });
}

describe("backup", () => {
  it("shows that it runs with a cancel button; a cancelled backup says no file was left", async () => {
    let finish!: (r: BackupDone) => void;
    const calls = start(new Promise<BackupDone>((r) => (finish = r)));
    await act(async () => {
      fireEvent.click(await screen.findByTestId("backup"));
    });
    expect((await screen.findByTestId("backup-progress-count")).textContent).toBe("正在备份…");
    const asked = calls.find((c) => c.cmd === "backup_db")?.args as { path: string };
    expect(asked.path).toMatch(/^\/backups\/fudao-backup-\d{8}-\d{4}\.db$/);
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-cancel"));
    });
    await waitFor(() => expect(calls.find((c) => c.cmd === "cancel_job")?.args).toEqual({ job: "backup" }));
    await act(async () => {
      finish({ bytes: 0, cancelled: true });
    });
    expect(await screen.findByText("已取消备份，未留下备份文件")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("backup-progress")).toBeNull());
  });

  it("says where the finished backup is and its size", async () => {
    start(Promise.resolve({ bytes: 3 * 1048576, cancelled: false }));
    await act(async () => {
      fireEvent.click(await screen.findByTestId("backup"));
    });
    expect(await screen.findByText(/^已备份到 \/backups\/fudao-backup-.*（3\.0 MB）$/)).toBeTruthy();
    expect(screen.queryByTestId("backup-progress")).toBeNull();
  });
});
