import { useQuery } from "@tanstack/react-query";
import { commands, type EnumOption, type Member, type Vocabulary } from "./bindings";
import { call } from "./ipc";
import type { Lang } from "./ipc";
import type { TFunction } from "i18next";

/** The labelled values of every select, from the domain library (loaded once). */
export function useVocabulary(): Vocabulary | undefined {
  return useQuery({ queryKey: ["vocabulary"], queryFn: () => commands.vocabulary(), staleTime: Infinity }).data;
}

export function label(opts: EnumOption[] | undefined, key: string | null | undefined, lang: Lang): string {
  if (key === null || key === undefined) return "—";
  const o = opts?.find((x) => x.key === key);
  return o ? (lang === "en" ? o.en : o.zh) : key;
}

export function selectOptions(opts: EnumOption[] | undefined, lang: Lang) {
  return (opts ?? []).map((o) => ({ value: o.key, label: lang === "en" ? o.en : o.zh }));
}

/** Everyone who can be assigned firms (coaches, leads), from the local database. */
export function useMembers(): Member[] | undefined {
  return useQuery({ queryKey: ["members"], queryFn: () => call(commands.members()), staleTime: 60_000 }).data;
}

/** Locale sections that name the fields of each record kind (the first that has the key wins). */
const FIELD_SECTIONS: Record<string, string[]> = {
  firm: ["firm", "fin", "ip"],
  need: ["need"],
  visit: ["visit"],
  plan: ["plan"],
};

/**
 * The label of a record field (`tech_staff` → 科技人员数) for the change history and sync
 * conflicts; markers `_created`/`_deleted` read as such; unknown fields show their key.
 */
export function fieldLabel(t: TFunction, kind: string, field: string): string {
  if (field === "_created" || field === "_deleted") return t(`history.${field.slice(1)}`);
  const camel = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const section of FIELD_SECTIONS[kind] ?? []) {
    for (const key of [camel, field]) {
      const v = t(`${section}.${key}`, { defaultValue: "", returnObjects: true }) as unknown;
      if (typeof v === "string" && v !== "") return v;
    }
  }
  return field;
}
