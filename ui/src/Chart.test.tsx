import { describe, expect, it } from "vitest";
import { render } from "@testing-library/react";
import Chart, { ChartSvg, niceStep, scaleOf, textWidth, type ChartSpec } from "./Chart";

const draw = (spec: ChartSpec, width = 400, height = 240) => render(<ChartSvg spec={spec} width={width} height={height} />).container;
const rects = (c: HTMLElement, series: string) => [...c.querySelectorAll(`rect[data-series="${series}"]`)] as SVGRectElement[];
const num = (e: Element, a: string) => Number(e.getAttribute(a));

describe("chart scales", () => {
  it("picks round steps and a round top above the data", () => {
    expect(niceStep(37)).toBe(10);
    expect(niceStep(0.9)).toBe(0.2);
    expect(niceStep(12_000)).toBe(5000);
    expect(scaleOf([3, 37, 12], undefined)).toMatchObject({ min: 0, max: 40, ticks: [0, 10, 20, 30, 40] });
    // A fixed top (percentages), and negative data extends the scale below zero.
    expect(scaleOf([55], { max: 100, percent: true })).toMatchObject({ max: 100, ticks: [0, 20, 40, 60, 80, 100], percent: true });
    expect(scaleOf([-12, 30], undefined).min).toBe(-20);
    // No data at all still gives a usable axis.
    expect(scaleOf([], undefined)).toMatchObject({ min: 0, max: 1 });
  });

  it("measures Chinese characters wider than Latin ones", () => {
    expect(textWidth("科技", 12)).toBe(24);
    expect(textWidth("ab", 10)).toBe(12);
  });
});

describe("ChartSvg", () => {
  it("draws grouped bars in proportion to their values, each naming its value", () => {
    const c = draw({
      horizontal: true,
      categories: ["研发投入", "科技人员占比"],
      series: [
        { name: "得分", kind: "bar", data: [10, 20], color: "#1677ff", labels: true },
        { name: "满分", kind: "bar", data: [20, 20], color: "#d9d9d9" },
      ],
    });
    const got = rects(c, "得分");
    const max = rects(c, "满分");
    expect(got).toHaveLength(2);
    expect(num(got[1], "width")).toBeCloseTo(2 * num(got[0], "width"), 5);
    expect(num(max[0], "width")).toBeCloseTo(num(got[1], "width"), 5);
    // Side by side in one category's band, not on top of each other.
    expect(num(max[0], "y")).toBeGreaterThan(num(got[0], "y"));
    expect(got[0].querySelector("title")?.textContent).toBe("研发投入 · 得分: 10");
    expect([...c.querySelectorAll("text")].map((t) => t.textContent)).toEqual(expect.arrayContaining(["10", "20", "研发投入", "得分", "满分"]));
  });

  it("stacks stacked series end to end in one bar", () => {
    const c = draw({
      horizontal: true,
      legend: false,
      categories: ["经营", "财务"],
      series: [
        { name: "得分", kind: "bar", stack: true, data: [15, 5], color: "#52c41a" },
        { name: "差距", kind: "bar", stack: true, data: [5, 15], color: "#f0f0f0" },
      ],
    });
    const [a, b] = [rects(c, "得分"), rects(c, "差距")];
    for (const i of [0, 1]) {
      expect(num(b[i], "x")).toBeCloseTo(num(a[i], "x") + num(a[i], "width"), 5);
      expect(num(b[i], "y")).toBe(num(a[i], "y"));
      // Both categories sum to 20: bars of equal length.
      expect(num(a[i], "width") + num(b[i], "width")).toBeCloseTo(num(a[0], "width") + num(b[0], "width"), 5);
    }
    expect(c.querySelector("[data-legend]")).toBeNull();
  });

  it("scales a series on the second axis by its own values", () => {
    const c = draw({
      categories: ["张三", "李四"],
      axes: [{ name: "辅导企业" }, { name: "万元" }],
      series: [
        { name: "辅导企业", kind: "bar", data: [40, 20], color: "#1677ff" },
        { name: "放款", kind: "bar", axis: 1, data: [4000, 2000], color: "#52c41a" },
      ],
    });
    const [a, b] = [rects(c, "辅导企业"), rects(c, "放款")];
    // 40 of 40 and 4,000 of 4,000: the same height, though the values differ 100-fold.
    expect(num(b[0], "height")).toBeCloseTo(num(a[0], "height"), 5);
    expect(num(b[1], "height")).toBeCloseTo(num(a[1], "height"), 5);
    const texts = [...c.querySelectorAll("text")].map((t) => t.textContent);
    // The second axis has as many steps as the first (its ticks meet the grid lines).
    expect(texts).toEqual(expect.arrayContaining(["0", "10", "40", "1,000", "4,000", "万元", "辅导企业"]));
    expect(texts).not.toContain("5,000");
  });

  it("breaks a line where a value is missing instead of drawing it at zero", () => {
    const c = draw({
      categories: ["2026-01", "2026-02", "2026-03", "2026-04"],
      axes: [{}, { max: 100, percent: true }],
      series: [{ name: "满足率", kind: "line", axis: 1, data: [80, NaN, 90, 100], color: "#fa8c16" }],
    });
    const dots = c.querySelectorAll('circle[data-series="满足率"]');
    expect(dots).toHaveLength(3);
    expect(dots[0].querySelector("title")?.textContent).toBe("2026-01 · 满足率: 80%");
    // One segment (03–04); 01 stands alone.
    expect(c.querySelectorAll('polyline[data-series="满足率"]')).toHaveLength(1);
    expect([...c.querySelectorAll("text")].map((t) => t.textContent)).toContain("100%");
  });

  it("aligns a fixed-top second axis with the first only in round steps", () => {
    const spec = (top: number): ChartSpec => ({
      categories: ["1月", "2月"],
      axes: [{}, { max: 100, percent: true }],
      series: [
        { name: "企业", kind: "line", data: [top, 10], color: "#000" },
        { name: "满足率", kind: "line", axis: 1, data: [50, 60], color: "#f00" },
      ],
    });
    const texts = (c: HTMLElement) => [...c.querySelectorAll("text")].map((t) => t.textContent);
    // 0..1,500 in 3 steps: 100% is not cut into thirds, it keeps its own 20% steps.
    expect(texts(draw(spec(1400)))).toEqual(expect.arrayContaining(["1,500", "20%", "100%"]));
    expect(texts(draw(spec(1400))).some((t) => t?.includes("33.3"))).toBe(false);
    // 0..40 in 4 steps: 25% steps meet the grid lines.
    expect(texts(draw(spec(37)))).toEqual(expect.arrayContaining(["40", "25%", "75%", "100%"]));
  });

  it("writes every other month when the labels do not fit, or turns them when asked", () => {
    const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`);
    const spec: ChartSpec = { categories: months, series: [{ name: "走访", kind: "line", data: months.map((_, i) => i), color: "#000" }] };
    const written = (c: HTMLElement) => [...c.querySelectorAll("g[data-category] text")].map((t) => t.textContent);
    const narrow = written(draw(spec, 360));
    expect(narrow.length).toBeLessThan(12);
    expect(narrow[0]).toBe("2026-01");
    expect(written(draw(spec, 1200))).toHaveLength(12);
    const turned = draw({ ...spec, rotateLabels: true }, 360);
    expect(written(turned)).toHaveLength(12);
    expect(turned.querySelector("g[data-category] text")?.getAttribute("transform")).toContain("rotate(-45");
  });

  it("clips a long category label and keeps the whole name in its tooltip", () => {
    const long = "这是一个非常非常非常非常非常长的指标名称";
    const c = draw({ horizontal: true, categories: [long], series: [{ name: "得分", kind: "bar", data: [3], color: "#1677ff" }] }, 300);
    const label = c.querySelector(`g[data-category="${long}"]`);
    expect(label?.querySelector("title")?.textContent).toBe(long);
    const shown = label?.querySelector("text")?.textContent ?? "";
    expect(shown.endsWith("…")).toBe(true);
    expect(shown.length).toBeLessThan(long.length);
    expect(textWidth(shown)).toBeLessThanOrEqual(300 * 0.4);
  });

  it("draws an empty chart without failing", () => {
    const c = draw({ categories: [], series: [{ name: "x", kind: "bar", data: [], color: "#000" }] });
    expect(c.querySelector("svg")).not.toBeNull();
    expect(c.querySelectorAll("rect")).toHaveLength(0);
  });
});

describe("Chart", () => {
  it("shows the empty state instead of bare axes when there is nothing to draw", () => {
    const { getByTestId } = render(<Chart testId="empty" spec={{ categories: [], series: [{ name: "s", kind: "bar", data: [], color: "#000" }] }} />);
    expect(getByTestId("empty").querySelector(".ant-empty")).not.toBeNull();
    expect(getByTestId("empty").querySelector("svg rect")).toBeNull();
  });

  it("renders its SVG inside the box named by testId", () => {
    const { getByTestId } = render(<Chart testId="c" spec={{ categories: ["a"], series: [{ name: "s", kind: "bar", data: [1], color: "#000" }] }} />);
    expect(getByTestId("c").querySelector("svg rect")).not.toBeNull();
  });
});
