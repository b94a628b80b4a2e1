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

/** Reports the screen's first content (see perf.ts) once `ready` (its data is shown). */
export function useFirstContent(screen: string, ready: boolean) {
  useEffect(() => {
    if (ready) reportFirstContent(screen);
  }, [screen, ready]);
}
