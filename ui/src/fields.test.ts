import { afterAll, describe, expect, it } from "vitest";
import i18n from "./i18n";
import { fieldLabel } from "./vocabulary";

afterAll(() => i18n.changeLanguage("zh"));

describe("field labels in the history and conflicts", () => {
  it("name record fields in the user's language", async () => {
    await i18n.changeLanguage("zh");
    const t = i18n.t.bind(i18n);
    expect(fieldLabel(t, "firm", "tech_staff")).toBe("科技人员数");
    expect(fieldLabel(t, "firm", "staff")).toBe("职工总数");
    expect(fieldLabel(t, "firm", "registered_capital")).toBe("注册资本");
    expect(fieldLabel(t, "need", "amount")).toBe("需求金额");
    expect(fieldLabel(t, "firm", "_created")).toBe("新建记录");
    await i18n.changeLanguage("en");
    expect(fieldLabel(i18n.t.bind(i18n), "firm", "tech_staff")).toBe("Tech staff");
  });
  it("show the key of a field they do not know, never a section object", () => {
    const t = i18n.t.bind(i18n);
    expect(fieldLabel(t, "firm", "tab")).toBe("tab");
    expect(fieldLabel(t, "firm", "some_new_field")).toBe("some_new_field");
    expect(fieldLabel(t, "bank_account", "iban")).toBe("iban");
  });
});
