// File dialogs. The native GTK file chooser cannot be driven by the WebDriver e2e suite, so
// the app may be started with FUDAO_E2E_SAVE_DIR / FUDAO_E2E_OPEN_FILE (see the Rust command
// `dialog_override`): then save dialogs resolve to the suggested name inside that folder and
// open dialogs to that file, without showing a window. In normal use both are unset.
import { open, save, type OpenDialogOptions, type SaveDialogOptions } from "@tauri-apps/plugin-dialog";
import { commands, type DialogOverride } from "./bindings";
import { call } from "./ipc";

let override: Promise<DialogOverride> | null = null;

function dialogOverride(): Promise<DialogOverride> {
  override ??= call(commands.dialogOverride()).catch(() => ({ save_dir: null, open_file: null }));
  return override;
}

/** Asks where to save a file; `null` when the user cancels. */
export async function pickSavePath(opts: SaveDialogOptions & { defaultPath: string }): Promise<string | null> {
  const o = await dialogOverride();
  if (o.save_dir) return `${o.save_dir.replace(/\/$/, "")}/${opts.defaultPath}`;
  return save(opts);
}

/** Asks for one existing file; `null` when the user cancels. */
export async function pickOpenFile(opts: Omit<OpenDialogOptions, "multiple" | "directory">): Promise<string | null> {
  const o = await dialogOverride();
  if (o.open_file) return o.open_file;
  const picked = await open({ ...opts, multiple: false, directory: false });
  return typeof picked === "string" ? picked : null;
}

/** For tests: forget the cached override. */
export function resetDialogOverride() {
  override = null;
}
