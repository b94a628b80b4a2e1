import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "./i18n";
import { renderPage } from "./test-utils";
import { UnlockGate } from "./pages/Unlock";
import type { DbLock } from "./bindings";

const lock = (state: string, extra: Partial<DbLock> = {}): DbLock => ({
  state,
  path: "/home/coach/.local/share/fudao/fudao.db",
  encrypted: state !== "new_passphrase",
  key_origin: state === "open" ? "passphrase" : null,
  error: null,
  done_kib: 0,
  total_kib: 0,
  ...extra,
});

const gate = (
  <UnlockGate>
    <div data-testid="inside">app</div>
  </UnlockGate>
);

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("unlock screen", () => {
  it("shows the app at once when the database is open", async () => {
    renderPage(gate, { db_lock_state: () => lock("open") });
    expect(await screen.findByTestId("inside")).toBeTruthy();
    expect(screen.queryByTestId("page-unlock")).toBeNull();
  });

  it("asks for the passphrase, reports a wrong one, and opens with the right one", async () => {
    const tried: string[] = [];
    const calls = renderPage(gate, {
      db_lock_state: () => lock(tried.includes("辅导队口令-2026") ? "open" : "locked"),
      unlock_db: (a) => {
        tried.push(a.passphrase as string);
        if (a.passphrase !== "辅导队口令-2026") {
          throw { code: "wrong_passphrase", message: { zh: "口令错误，请重新输入", en: "wrong passphrase; type it again" }, details: [] };
        }
        return lock("open");
      },
    });
    await screen.findByTestId("page-unlock");
    expect(screen.queryByTestId("inside")).toBeNull();
    expect(screen.queryByTestId("unlock-repeat")).toBeNull();
    // The form loads on demand (a lazy chunk): wait for it.
    const input = await screen.findByTestId("unlock-passphrase");
    fireEvent.change(input, { target: { value: "short" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("unlock-error")).textContent).toContain("8");
    expect(tried).toEqual([]);
    fireEvent.change(input, { target: { value: "wrong-passphrase" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => expect(screen.getByTestId("unlock-error").textContent).toContain("口令错误"));
    fireEvent.change(input, { target: { value: "辅导队口令-2026" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    expect(await screen.findByTestId("inside")).toBeTruthy();
    expect(tried).toEqual(["wrong-passphrase", "辅导队口令-2026"]);
    expect(calls.filter((c) => c.cmd === "unlock_db")).toHaveLength(2);
  });

  it("asks twice for a new passphrase where no keystore answers", async () => {
    const tried: string[] = [];
    renderPage(gate, {
      db_lock_state: () => lock(tried.length ? "open" : "new_passphrase"),
      unlock_db: (a) => {
        tried.push(a.passphrase as string);
        return lock("open");
      },
    });
    await screen.findByTestId("unlock-repeat");
    fireEvent.change(screen.getByTestId("unlock-passphrase"), { target: { value: "a-long-passphrase" } });
    fireEvent.change(screen.getByTestId("unlock-repeat"), { target: { value: "another-passphrase" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("unlock-error")).textContent).toContain("不一致");
    expect(tried).toEqual([]);
    fireEvent.change(screen.getByTestId("unlock-repeat"), { target: { value: "a-long-passphrase" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    expect(await screen.findByTestId("inside")).toBeTruthy();
    expect(tried).toEqual(["a-long-passphrase"]);
  });

  it("shows the encryption's progress while the database opens, then the app", async () => {
    let asked = 0;
    renderPage(gate, {
      db_lock_state: () => {
        asked += 1;
        if (asked === 1) return lock("opening");
        if (asked === 2) return lock("opening", { done_kib: 256 * 1024, total_kib: 1024 * 1024 });
        return lock("open");
      },
    });
    expect(await screen.findByTestId("page-opening")).toBeTruthy();
    expect(screen.queryByTestId("inside")).toBeNull();
    const count = await screen.findByTestId("opening-count", {}, { timeout: 2000 });
    expect(count.textContent).toContain("256");
    expect(count.textContent).toContain("1024");
    expect(await screen.findByTestId("inside", {}, { timeout: 2000 })).toBeTruthy();
    expect(screen.queryByTestId("page-opening")).toBeNull();
    expect(asked).toBe(3);
  });

  it("names the ways to give a key when the database cannot be opened", async () => {
    renderPage(gate, {
      db_lock_state: () =>
        lock("error", {
          error: { code: "key_needed", message: { zh: "找不到数据库的密钥。FUDAO_DB_KEY", en: "no key" }, details: [] },
        }),
    });
    expect((await screen.findByTestId("unlock-error")).textContent).toContain("FUDAO_DB_KEY");
    expect(screen.queryByTestId("unlock-passphrase")).toBeNull();
  });
});
