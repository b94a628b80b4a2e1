import { describe, expect, it } from "vitest";
import { call, errorText, fieldErrors, IpcError, toAppError, wanToYuan, yuanToWan, fmtWan } from "./ipc";
import type { AppError } from "./bindings";

const err: AppError = {
  code: "validation",
  message: { zh: "有字段未通过校验", en: "Some fields are invalid" },
  details: [
    { field: "uscc", code: "uscc.length", message: { zh: "长度应为18位", en: "must be 18 characters" } },
    { field: "uscc", code: "x", message: { zh: "第二条", en: "second" } },
    { field: "name", code: "required", message: { zh: "企业名称不能为空", en: "name is required" } },
  ],
};

describe("call", () => {
  it("returns data of an ok result", async () => {
    await expect(call(Promise.resolve({ status: "ok" as const, data: 42 }))).resolves.toBe(42);
  });
  it("throws the AppError of an error result", async () => {
    const p = call(Promise.resolve({ status: "error" as const, error: err }));
    await expect(p).rejects.toBeInstanceOf(IpcError);
    await expect(p).rejects.toMatchObject({ app: { code: "validation" } });
  });
  it("wraps framework rejections (plain strings) in the one error shape", async () => {
    const p = call(Promise.reject("command save_firm not found"));
    await expect(p).rejects.toMatchObject({ app: { code: "ipc" } });
    const e = toAppError("command save_firm not found");
    expect(e.message.zh).toContain("command save_firm not found");
    expect(e.message.zh).toContain("请重试");
  });
});

describe("messages", () => {
  it("speaks the user's language", () => {
    expect(errorText(new IpcError(err), "zh")).toBe("有字段未通过校验");
    expect(errorText(new IpcError(err), "en")).toBe("Some fields are invalid");
  });
  it("groups field errors by field", () => {
    expect(fieldErrors(err.details, "zh")).toEqual({ uscc: "长度应为18位；第二条", name: "企业名称不能为空" });
    expect(fieldErrors(err.details, "en").name).toBe("name is required");
  });
});

describe("amount units", () => {
  it("converts between 元 and 万元 exactly", () => {
    expect(wanToYuan(123.45)).toBe(1234500);
    expect(yuanToWan(1234500)).toBe(123.45);
    expect(wanToYuan(null)).toBeNull();
    expect(fmtWan(null, "zh")).toBe("—");
    expect(fmtWan(12345600, "zh")).toBe("1,234.56 万元");
  });
});
