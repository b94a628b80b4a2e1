import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { en, zh } from "./locales";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f: string): string[] => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !f.endsWith(".test.ts") && !f.endsWith(".test.tsx") ? [p] : [];
  });
}

describe("translations", () => {
  it("English has exactly the Chinese keys", () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });
  it('every literal t("…") key used in the UI exists', () => {
    const all = new Set(keys(zh));
    const used = new Set<string>();
    for (const f of sources(join(process.cwd(), "src"))) {
      for (const m of readFileSync(f, "utf8").matchAll(/\bt\("([a-zA-Z0-9_.]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !all.has(k));
    expect(missing).toEqual([]);
  });
  it("no English string is left in Chinese (and vice versa) for navigation", () => {
    expect(zh.nav.firms).toBe("企业");
    expect(en.nav.firms).toBe("Firms");
    expect(zh.app.title).toContain("金融辅导工作台");
  });
});
