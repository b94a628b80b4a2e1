// The header's search (Ctrl+K): searches the text typed, but not an input method's pinyin letters.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { renderPage } from "./test-utils";
import { GlobalSearch } from "./App";

afterEach(() => {
  cleanup();
  clearMocks();
});

const pause = (ms: number) => act(async () => void (await new Promise((r) => setTimeout(r, ms))));

describe("global search", () => {
  it("searches once an input method has composed its characters", async () => {
    const calls = renderPage(<GlobalSearch />, { search_firms: () => [] });
    const box = screen.getByTestId("global-search").querySelector("input") ?? screen.getByTestId("global-search");
    const asked = () => calls.filter((c) => c.cmd === "search_firms").map((c) => c.args.query);
    fireEvent.compositionStart(box);
    for (const typed of ["k", "ke", "keji", "科技"]) fireEvent.change(box, { target: { value: typed }, isComposing: true });
    await pause(250);
    expect(asked()).toEqual([]);
    fireEvent.compositionEnd(box);
    await waitFor(() => expect(asked()).toEqual(["科技"]));
    // Typing without an input method searches as before (after the 120 ms pause).
    fireEvent.change(box, { target: { value: "9137" } });
    await waitFor(() => expect(asked()).toEqual(["科技", "9137"]));
  });
});
