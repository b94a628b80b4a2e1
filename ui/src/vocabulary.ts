import { useQuery } from "@tanstack/react-query";
import { commands, type EnumOption, type Member, type Vocabulary } from "./bindings";
import { call } from "./ipc";
import type { Lang } from "./ipc";

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
