// Global keyboard shortcuts: Ctrl+K focuses the firm search, Ctrl+S saves the current form.
import { useEffect, useRef } from "react";

type Handler = () => void;
const saveHandlers: Handler[] = [];

/** Registers the current form's save action for Ctrl+S while the component is mounted. */
export function useSaveShortcut(handler: Handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const h = () => ref.current();
    saveHandlers.push(h);
    return () => {
      const i = saveHandlers.lastIndexOf(h);
      if (i >= 0) saveHandlers.splice(i, 1);
    };
  }, []);
}

export const SEARCH_INPUT_ID = "global-search";

/** Installs the key listener; returns the uninstaller. */
export function installShortcuts(doc: Document = document): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const k = e.key.toLowerCase();
    if (k === "k") {
      e.preventDefault();
      const el = doc.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
      el?.focus();
      el?.select();
    } else if (k === "s") {
      e.preventDefault();
      saveHandlers[saveHandlers.length - 1]?.();
    }
  };
  doc.addEventListener("keydown", onKey);
  return () => doc.removeEventListener("keydown", onKey);
}
