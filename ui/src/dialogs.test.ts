import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { pickOpenFile, pickSavePath, resetDialogOverride } from "./dialogs";

function mock(override: { save_dir: string | null; open_file: string | null }) {
  const cmds: string[] = [];
  mockIPC((cmd) => {
    cmds.push(cmd);
    if (cmd === "dialog_override") return override;
    if (cmd === "plugin:dialog|save") return "/home/u/chosen.xlsx";
    if (cmd === "plugin:dialog|open") return "/home/u/picked.db";
    return null;
  });
  return cmds;
}

afterEach(() => {
  clearMocks();
  resetDialogOverride();
});

describe("file dialogs", () => {
  it("show the native dialogs in normal use", async () => {
    const cmds = mock({ save_dir: null, open_file: null });
    await expect(pickSavePath({ defaultPath: "团队指标.xlsx" })).resolves.toBe("/home/u/chosen.xlsx");
    await expect(pickOpenFile({})).resolves.toBe("/home/u/picked.db");
    expect(cmds).toContain("plugin:dialog|save");
    expect(cmds).toContain("plugin:dialog|open");
  });
  it("resolve to the e2e folder and file without a window when the app is started for WebDriver", async () => {
    const cmds = mock({ save_dir: "/tmp/e2e/", open_file: "/tmp/e2e/firms.xlsx" });
    await expect(pickSavePath({ defaultPath: "团队指标.xlsx" })).resolves.toBe("/tmp/e2e/团队指标.xlsx");
    await expect(pickOpenFile({})).resolves.toBe("/tmp/e2e/firms.xlsx");
    expect(cmds.filter((c) => c.startsWith("plugin:dialog"))).toEqual([]);
  });
});
