// Helpers around the generated bindings: unwrap `Result`s into exceptions carrying the one
// error shape `{ code, message, details }`, and render errors in the user's language.
import { useState } from "react";
import { App } from "antd";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { AppError, ErrorCode, FieldError, Msg } from "./bindings";
import { useLang } from "./hooks";

export type Lang = "zh" | "en";

/** An `AppError` thrown by `call`. */
export class IpcError extends Error {
  readonly app: AppError;
  constructor(app: AppError) {
    super(app.message.en);
    this.app = app;
  }
}

type R<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && typeof (e as AppError).code === "string" && typeof (e as AppError).message === "object";
}

/** Turns anything a command can reject with into an `AppError`. */
export function toAppError(e: unknown): AppError {
  if (e instanceof IpcError) return e.app;
  if (isAppError(e)) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return {
    code: "ipc",
    message: {
      zh: `与程序后台通信失败，请重试或重启程序（${detail}）`,
      en: `Could not reach the app's backend; try again or restart the app (${detail})`,
    },
    details: [],
  };
}

/** Awaits a generated command and returns its data, throwing `IpcError` on failure. */
export async function call<T>(p: Promise<R<T>>): Promise<T> {
  let r: R<T>;
  try {
    r = await p;
  } catch (e) {
    throw new IpcError(toAppError(e));
  }
  if (r.status === "error") throw new IpcError(toAppError(r.error));
  return r.data;
}

export function msg(m: Msg, lang: Lang): string {
  return lang === "en" ? m.en : m.zh;
}

/** The readable message of any error, in the user's language. */
export function errorText(e: unknown, lang: Lang): string {
  return msg(toAppError(e).message, lang);
}

/** What the UI does with an error, by its `code` (the `ErrorCode` union of the bindings). */
export type ErrorAction =
  /** `unauthorized`, `not_logged_in`: show the 同步 login. */
  | { kind: "login" }
  /** `upgrade_required`: a banner telling the coach to update Fudao. */
  | { kind: "upgrade" }
  /** `validation`, `duplicate_uscc`: each message beside its field. */
  | { kind: "fields"; details: FieldError[] }
  /** `conflict`: open the conflicts view of 同步. */
  | { kind: "conflicts" }
  /** Anything else: the message. */
  | { kind: "message" };

const ACTIONS: Partial<Record<ErrorCode, ErrorAction["kind"]>> = {
  unauthorized: "login",
  not_logged_in: "login",
  upgrade_required: "upgrade",
  validation: "fields",
  duplicate_uscc: "fields",
  conflict: "conflicts",
};

export function errorAction(e: unknown): ErrorAction {
  const a = toAppError(e);
  const kind = ACTIONS[a.code] ?? "message";
  if (kind === "fields") return a.details.length > 0 ? { kind, details: a.details } : { kind: "message" };
  return { kind } as ErrorAction;
}

/** The field-level problems of an error (none unless it is a `validation`-like error). */
export function fieldProblems(e: unknown): FieldError[] {
  const a = errorAction(e);
  return a.kind === "fields" ? a.details : [];
}

/** Saving a form: `save()` runs `run`; on success it shows `saved`, refreshes the `refresh`
 * queries and calls `onDone`; on failure it keeps the error's field problems (`errors`, keyed by
 * field, for inline messages) and shows the error's text. `busy` while it runs. */
export function useSaveForm(run: () => Promise<unknown>, opts: { saved: string; refresh: QueryKey[]; onDone: () => void }) {
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [errs, setErrs] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await run();
      message.success(opts.saved);
      for (const queryKey of opts.refresh) await qc.invalidateQueries({ queryKey });
      opts.onDone();
    } catch (e) {
      setErrs(fieldProblems(e));
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return { save, busy, errors: fieldErrors(errs, lang) };
}

/** Field errors of an error, keyed by field name (several messages per field are joined). */
export function fieldErrors(details: FieldError[], lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const text = msg(d.message, lang);
    out[d.field] = out[d.field] ? `${out[d.field]}；${text}` : text;
  }
  return out;
}

/** 元 → 万元 for display and entry (no rounding rules beyond two decimals). */
export function yuanToWan(y: number | null | undefined): number | null {
  return y === null || y === undefined ? null : y / 10000;
}
export function wanToYuan(w: number | null | undefined): number | null {
  return w === null || w === undefined ? null : Math.round(w * 10000);
}
export function fmtWan(y: number | null | undefined, lang: Lang): string {
  if (y === null || y === undefined) return "—";
  const v = (y / 10000).toLocaleString(lang === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: 2 });
  return lang === "en" ? `${v} ×10k CNY` : `${v} 万元`;
}
