#!/usr/bin/env python3
"""Render the benchmark plan (target/fudao-pdf-bench/plan.json, written by
`cargo bench -p fudao-pdf`) with Typst (PyPI `typst`) and LibreOffice headless, and compare
per-document times with fudao-pdf.

Usage: compare.py PLAN_JSON FONT_DIR [FUDAO_RESULT_LINE]
The optional result line is the `FUDAO_PDF_RESULT warm_ms=… cold_ms=… batch_s=… bytes=…`
line printed by the Rust benchmark.
"""

import base64
import html
import json
import math
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FONT_FAMILY = "WenQuanYi Micro Hei"  # family name inside assets/fonts/WenQuanYiMicroHei.ttf
ACCENT = "#12427f"
SERIES = ["#1c5499", "#ed8c2b", "#4d9e5c", "#8c61ad", "#8c9199"]


def fmt_num(v):
    t = round(abs(v) * 10)
    i, f = divmod(t, 10)
    s = f"{i:,}" + (f".{f}" if f else "")
    return ("-" + s) if v < 0 and t > 0 else s


def nice_step(raw):
    if raw <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(raw))
    f = raw / p
    for n in (1, 2, 2.5, 5, 10):
        if f <= n:
            return n * p
    return 10 * p


# ---------------------------------------------------------------- SVG charts (shared)

def svg_text(x, y, s, size=9, anchor="middle", weight="normal", fill="#222"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT_FAMILY}" font-size="{size}" '
            f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{html.escape(s)}</text>')


def svg_bars(c, w=480, h=220):
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    out.append(svg_text(w / 2, 14, c["title"], 10.5, weight="bold"))
    vals = [v for s in c["series"] for v in s["values"] if v is not None]
    lo, hi = min([0.0] + vals), max([0.0] + vals)
    if hi - lo <= 0:
        hi = lo + 1
    step = nice_step((hi - lo) / 5)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    px, pt, pb = 50, 48, h - 20
    pw = w - px - 4
    y_of = lambda v: pb - (v - lo) / (hi - lo) * (pb - pt)
    lx = w / 2 - 40 * len(c["series"])
    for i, s in enumerate(c["series"]):
        out.append(f'<rect x="{lx:.1f}" y="24" width="8" height="8" fill="{SERIES[i % 5]}"/>')
        out.append(svg_text(lx + 12, 31.5, s["name"], 8.5, anchor="start"))
        lx += 80
    out.append(svg_text(0, pt - 6, f'单位：{c["unit"]}', 8, anchor="start", fill="#666"))
    t = lo
    while t <= hi + 1e-9:
        y = y_of(t)
        out.append(f'<line x1="{px}" y1="{y:.1f}" x2="{px + pw}" y2="{y:.1f}" stroke="#d9dbe0" stroke-width="0.4"/>')
        out.append(svg_text(px - 5, y + 2.8, fmt_num(t), 8, anchor="end", fill="#666"))
        t += step
    out.append(f'<line x1="{px}" y1="{y_of(0):.1f}" x2="{px + pw}" y2="{y_of(0):.1f}" stroke="#222" stroke-width="0.8"/>')
    nc, ns = max(1, len(c["categories"])), max(1, len(c["series"]))
    gw = pw / nc
    bw = min(gw * 0.72 / ns, 34)
    for ci, cat in enumerate(c["categories"]):
        gx = px + ci * gw
        bx0 = gx + (gw - ns * bw) / 2
        for si, s in enumerate(c["series"]):
            v = s["values"][ci]
            bx = bx0 + si * bw
            if v is None:
                out.append(svg_text(bx + bw / 2, y_of(0) - 3, "—", 8, fill="#666"))
                continue
            y0, y1 = y_of(0), y_of(v)
            out.append(f'<rect x="{bx + 1:.1f}" y="{min(y0, y1):.1f}" width="{bw - 2:.1f}" '
                       f'height="{max(abs(y0 - y1), 0.3):.1f}" fill="{SERIES[si % 5]}"/>')
            out.append(svg_text(bx + bw / 2, y1 - 2.5 if v >= 0 else y1 + 8.5, fmt_num(v), 7.5))
        out.append(svg_text(gx + gw / 2, pb + 13, cat, 9))
    out.append("</svg>")
    return "".join(out)


def svg_radar(c, w=480, h=220):
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    out.append(svg_text(w / 2, 14, c["title"], 10.5, weight="bold"))
    axes = c["axes"]
    n = len(axes)
    cx, cy = w / 2, 20 + (h - 20) / 2
    r = min((h - 20) / 2 - 24, w / 2 - 100)
    at = lambda i, k: (cx + math.sin(2 * math.pi * i / n) * r * k, cy - math.cos(2 * math.pi * i / n) * r * k)
    pts = lambda ps: " ".join(f"{x:.1f},{y:.1f}" for x, y in ps)
    data = [at(i, max(0, min(1, a["value"] / a["max"]))) for i, a in enumerate(axes)]
    out.append(f'<polygon points="{pts(data)}" fill="#ccdef2"/>')
    for ring in range(1, 6):
        out.append(f'<polygon points="{pts([at(i, ring / 5) for i in range(n)])}" fill="none" stroke="#d9dbe0" stroke-width="0.5"/>')
    for i in range(n):
        x, y = at(i, 1)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d9dbe0" stroke-width="0.5"/>')
    out.append(f'<polygon points="{pts(data)}" fill="none" stroke="{ACCENT}" stroke-width="1.3"/>')
    for i, a in enumerate(axes):
        x, y = at(i, 1.12)
        out.append(svg_text(x, y, a["label"], 9, weight="bold"))
        out.append(svg_text(x, y + 11, f'{fmt_num(a["value"])} / {fmt_num(a["max"])}', 8, fill="#666"))
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- Typst

def ts(s):
    """A Typst string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_typst(doc):
    m = doc["meta"]
    out = [f"""
#set document(title: {ts(m["title"])}, author: {ts(m["author"])})
#set page(paper: "a4", margin: (x: 20mm, top: 24mm, bottom: 22mm),
  header: [#set text(8.5pt, fill: rgb("#6b6e75")); #{ts(m["header_left"])} #h(1fr) #{ts(m["header_right"])}
    #v(-6pt) #line(length: 100%, stroke: 0.8pt + rgb("{ACCENT}"))],
  footer: context [#line(length: 100%, stroke: 0.4pt + rgb("#9ea3ad")) #v(-4pt)
    #set text(8pt, fill: rgb("#6b6e75")); #("方案编号：" + {ts(m["plan_number"])}) #h(1fr)
    #text(9pt, fill: black)[第 #counter(page).display() 页 / 共 #counter(page).final().first() 页] #h(1fr)
    #{ts(m["confidentiality"])}])
#set text(font: "{FONT_FAMILY}", size: 10.5pt, lang: "zh", region: "cn")
#set par(justify: true, leading: 0.72em, first-line-indent: (amount: 2em, all: true))
#show heading.where(level: 1): it => block(above: 14pt, below: 8pt, text(14pt, fill: rgb("{ACCENT}"), it.body))
#show heading.where(level: 2): it => block(above: 9pt, below: 5pt, text(12pt, it.body))
#set table(stroke: 0.5pt + rgb("#9ea3ad"), inset: (x: 4.5pt, y: 3.5pt))
"""]
    for b in doc["blocks"]:
        k = b["kind"]
        if k == "title":
            out.append(f'#align(center, text(21pt, weight: "bold", fill: rgb("{ACCENT}"), {ts(b["title"])}))')
            if b.get("subtitle"):
                out.append(f'#align(center, text(13pt, fill: rgb("#6b6e75"), {ts(b["subtitle"])}))')
            cells = ", ".join(f'text(weight: "bold", fill: rgb("#6b6e75"), {ts(kv["key"])}), {ts(kv["value"])}'
                              for kv in b["lines"])
            out.append(f"#align(center, grid(columns: (auto, 250pt), column-gutter: 14pt, row-gutter: 10pt, align: (right, left), {cells}))")
            out.append(f'#line(length: 100%, stroke: 1.6pt + rgb("{ACCENT}"))')
        elif k == "heading":
            out.append(f'#heading(level: {b["level"]}, {ts(b["text"])})')
        elif k == "paragraph":
            for part in b["text"].split("\n"):
                if part.strip():
                    out.append(f"#{ts(part)}\n")
        elif k == "bullets":
            out.append("#list(" + ", ".join(f"par(first-line-indent: 0pt, {ts(i)})" for i in b["items"]) + ")")
        elif k == "key_value_grid":
            c = max(1, min(3, b["columns"]))
            cells = []
            for kv in b["pairs"]:
                cells += [f'table.cell(fill: rgb("#f2f4f7"), text(9pt, {ts(kv["key"])}))', f'text(9pt, {ts(kv["value"])})']
            out.append(f"#table(columns: ({'auto, 1fr, ' * c}), {', '.join(cells)})")
        elif k == "table":
            cols = b["columns"]
            widths = ", ".join(f'{c["weight"]}fr' for c in cols)
            aligns = ", ".join({"left": "left", "center": "center", "right": "right"}[c["align"]] for c in cols)
            head = ", ".join(f'table.cell(fill: rgb("#e0ebf7"), align: center, text(9pt, weight: "bold", {ts(c["header"])}))' for c in cols)
            cells = ", ".join(f"text(9pt, {ts(x)})" for r in b["rows"] for x in r)
            out.append(f"#table(columns: ({widths},), align: ({aligns},), table.header({head}), {cells})")
            if b.get("note"):
                out.append(f'#text(8.5pt, fill: rgb("#6b6e75"), {ts(b["note"])})')
        elif k == "chart":
            svg = svg_bars(b) if b["chart"] == "bars" else svg_radar(b)
            out.append(f"#align(center, image(bytes({ts(svg)}), format: \"svg\", width: 100%))")
        elif k == "sign_off":
            cells = ", ".join(f'[#text(11pt, weight: "bold", fill: rgb("{ACCENT}"), {ts(p["role"])}) \\ #{ts(p["name"])} \\ #v(14pt) 签字：#box(width: 1fr, line(length: 100%)) \\ #v(10pt) 日期：　　　　年　　　月　　　日]'
                              for p in b["parties"])
            out.append(f"#grid(columns: {len(b['parties'])}, column-gutter: 16pt, {cells})")
        elif k == "page_break":
            out.append("#pagebreak(weak: true)")
        elif k == "spacer":
            out.append(f'#v({b["mm"]}mm)')
    return "\n".join(out)


_compiler = None


def _typst_worker_init(font_dir):
    global _compiler
    import typst
    _compiler = typst.Compiler(font_paths=[font_dir], ignore_system_fonts=True)


def _typst_one(src):
    return len(_compiler.compile(input=src.encode()))


def typst_bench(doc, font_dir, outdir):
    import typst
    variants = []
    for i in range(1000):
        d = json.loads(json.dumps(doc))
        d["meta"]["plan_number"] = f'{doc["meta"]["plan_number"]}-{i}'
        variants.append(to_typst(d))
    # Cold: a fresh process that imports typst, loads fonts and compiles one document.
    cold_script = (
        "import time,sys;t=time.perf_counter();import typst;"
        f"c=typst.Compiler(font_paths=[{font_dir!r}],ignore_system_fonts=True);"
        "c.compile(input=sys.stdin.buffer.read());print(time.perf_counter()-t)"
    )
    cold = float(subprocess.run([sys.executable, "-c", cold_script], input=variants[0].encode(),
                                capture_output=True, check=True).stdout)
    comp = typst.Compiler(font_paths=[font_dir], ignore_system_fonts=True)
    pdf = comp.compile(input=variants[0].encode())
    with open(os.path.join(outdir, "plan-typst.pdf"), "wb") as f:
        f.write(pdf)
    times = []
    for i in range(60):
        t = time.perf_counter()
        comp.compile(input=variants[i + 1].encode())
        times.append(time.perf_counter() - t)
    warm = statistics.median(times)
    n = os.cpu_count() or 1
    t = time.perf_counter()
    # "spawn", not fork: the parent already runs typst's worker threads, and a forked child
    # inherits their locks and deadlocks.
    with mp.get_context("spawn").Pool(n, initializer=_typst_worker_init, initargs=(font_dir,)) as pool:
        sizes = pool.map(_typst_one, variants, chunksize=25)
    batch = time.perf_counter() - t
    return {"warm_ms": warm * 1000, "cold_ms": cold * 1000, "batch_s": batch, "bytes": len(pdf),
            "note": f"batch includes {n} worker start-ups", "ok": len(sizes) == 1000}


# ---------------------------------------------------------------- LibreOffice

def to_html(doc):
    m = doc["meta"]
    e = html.escape
    out = [f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(m["title"])}</title>'
           f'<style>body{{font-family:"{FONT_FAMILY}";font-size:10.5pt}}'
           f'p{{text-align:justify;text-indent:2em}} table{{border-collapse:collapse;width:100%}}'
           f'td,th{{border:0.5pt solid #9ea3ad;font-size:9pt;padding:3pt}} th{{background:#e0ebf7}}</style></head><body>']
    for b in doc["blocks"]:
        k = b["kind"]
        if k == "title":
            out.append(f'<h1 align="center">{e(b["title"])}</h1>')
            if b.get("subtitle"):
                out.append(f'<p align="center">{e(b["subtitle"])}</p>')
            out.append("<table>" + "".join(f"<tr><td><b>{e(kv['key'])}</b></td><td>{e(kv['value'])}</td></tr>" for kv in b["lines"]) + "</table>")
        elif k == "heading":
            out.append(f'<h{b["level"] + 1}>{e(b["text"])}</h{b["level"] + 1}>')
        elif k == "paragraph":
            out += [f"<p>{e(p)}</p>" for p in b["text"].split("\n") if p.strip()]
        elif k == "bullets":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b["items"]) + "</ul>")
        elif k == "key_value_grid":
            c = max(1, min(3, b["columns"]))
            pairs = b["pairs"]
            rows = [pairs[i:i + c] for i in range(0, len(pairs), c)]
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{e(kv['key'])}</td><td>{e(kv['value'])}</td>" for kv in r) + "</tr>" for r in rows) + "</table>")
        elif k == "table":
            out.append("<table><thead><tr>" + "".join(f"<th>{e(c['header'])}</th>" for c in b["columns"]) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f'<td align="{c["align"]}">{e(x)}</td>' for x, c in zip(r, b["columns"])) + "</tr>" for r in b["rows"])
                       + "</tbody></table>")
            if b.get("note"):
                out.append(f"<p><small>{e(b['note'])}</small></p>")
        elif k == "chart":
            svg = svg_bars(b) if b["chart"] == "bars" else svg_radar(b)
            out.append(f'<p align="center"><img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" width="600"></p>')
        elif k == "sign_off":
            out.append("<table><tr>" + "".join(f"<td><b>{e(p['role'])}</b><br>{e(p['name'])}<br><br>签字：<br><br>日期：　　年　　月　　日</td>" for p in b["parties"]) + "</tr></table>")
        elif k == "page_break":
            out.append('<p style="page-break-before: always"></p>')
    out.append("</body></html>")
    return "".join(out)


def libreoffice_bench(doc, outdir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        profile = f"file://{tmp}/profile"
        src = os.path.join(tmp, "plan.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(to_html(doc))

        def run(files, out):
            os.makedirs(out, exist_ok=True)
            t = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                            "--convert-to", "pdf:writer_pdf_Export", "--outdir", out] + files,
                           capture_output=True, check=True, timeout=600)
            return time.perf_counter() - t

        run([src], os.path.join(tmp, "warmup"))  # first start creates the profile
        one = run([src], os.path.join(tmp, "one"))
        copies = []
        for i in range(20):
            p = os.path.join(tmp, f"plan{i}.html")
            shutil.copy(src, p)
            copies.append(p)
        many = run(copies, os.path.join(tmp, "many"))
        pdf = os.path.join(tmp, "one", "plan.pdf")
        size = os.path.getsize(pdf)
        shutil.copy(pdf, os.path.join(outdir, "plan-libreoffice.pdf"))
    marginal = (many - one) / 19
    return {"warm_ms": marginal * 1000, "cold_ms": one * 1000, "batch_s": one + marginal * 999,
            "bytes": size, "note": "warm = marginal per document in one 20-document process; batch extrapolated"}


def main():
    plan_json, font_dir = sys.argv[1], sys.argv[2]
    fudao = None
    if len(sys.argv) > 3 and "FUDAO_PDF_RESULT" in sys.argv[3]:
        fudao = {k: float(v) for k, v in (kv.split("=") for kv in sys.argv[3].split()[1:])}
    with open(plan_json, encoding="utf-8") as f:
        doc = json.load(f)
    outdir = os.path.dirname(os.path.abspath(plan_json))
    rows = []
    if fudao:
        rows.append(("fudao-pdf (pdf-writer)", fudao))
    try:
        rows.append(("Typst (PyPI typst)", typst_bench(doc, font_dir, outdir)))
    except ImportError:
        print("Typst: SKIPPED (pip install typst)")
    lo = libreoffice_bench(doc, outdir)
    if lo:
        rows.append(("LibreOffice headless", lo))
    else:
        print("LibreOffice: SKIPPED (soffice not installed; apt-get install libreoffice-writer-nogui)")

    print()
    print(f"{'renderer':24} {'warm/doc':>10} {'cold':>10} {'1,000 docs':>11} {'size':>9} {'warm vs fudao':>14}")
    base = fudao["warm_ms"] if fudao else None
    for name, r in rows:
        ratio = f"{r['warm_ms'] / base:13.1f}x" if base else "-"
        print(f"{name:24} {r['warm_ms']:8.1f}ms {r['cold_ms']:8.0f}ms {r['batch_s']:10.2f}s {r['bytes'] / 1024:7.1f}KB {ratio:>14}")
    for name, r in rows:
        if r.get("note"):
            print(f"  {name}: {r['note']}")
    print(f"PDFs for visual comparison in {outdir}")


if __name__ == "__main__":
    main()
