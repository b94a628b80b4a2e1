import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Lang } from "./ipc";
import { reportFirstContent } from "./perf";

/** The value after it stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language.startsWith("en") ? "en" : "zh";
}

/**
 * True from the frame after `ready` turned true: a screen paints its figures first and draws
 * what is slow to draw (charts) a frame later, instead of holding every figure back for it.
 */
export function useNextFrame(ready: boolean): boolean {
  const [next, setNext] = useState(false);
  useEffect(() => {
    if (!ready || next) return;
    if (typeof requestAnimationFrame !== "function") {
      setNext(true);
      return;
    }
    const id = requestAnimationFrame(() => setNext(true));
    return () => cancelAnimationFrame(id);
  }, [ready, next]);
  return next;
}

/** Reports the screen's first content (see perf.ts) once `ready` (its data is shown). */
export function useFirstContent(screen: string, ready: boolean) {
  useEffect(() => {
    if (ready) reportFirstContent(screen);
  }, [screen, ready]);
}
