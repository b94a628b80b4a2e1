import { describe, expect, it, vi } from "vitest";
import { renderHook } from "@testing-library/react";
import { installShortcuts, SEARCH_INPUT_ID, useSaveShortcut } from "./shortcuts";

describe("shortcuts", () => {
  it("Ctrl+K focuses the search box", () => {
    document.body.innerHTML = `<input id="${SEARCH_INPUT_ID}" /><input id="other" />`;
    (document.getElementById("other") as HTMLInputElement).focus();
    const off = installShortcuts(document);
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "k", ctrlKey: true }));
    expect(document.activeElement?.id).toBe(SEARCH_INPUT_ID);
    off();
  });
  it("Ctrl+S runs the most recently mounted save handler only", () => {
    const outer = vi.fn();
    const inner = vi.fn();
    const off = installShortcuts(document);
    renderHook(() => useSaveShortcut(outer));
    const modal = renderHook(() => useSaveShortcut(inner));
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true }));
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
    modal.unmount();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true }));
    expect(outer).toHaveBeenCalledTimes(1);
    off();
  });
});
