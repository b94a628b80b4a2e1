// Shows the 一企一策 preview: the plan's PDF pages, drawn as PNG images by the app
// (`plan_preview`, hayro in Rust), so the web view loads no PDF engine (pdf.js and its worker
// cost the web process 25–35 MB; issue 15).
//
// Each page becomes an <img> of a blob URL (the base64 text is dropped once decoded); the
// images are sized in CSS pixels from the page's points, so a page drawn at the screen's
// pixel ratio stays sharp. `dispose` revokes the URLs when the preview closes.
import type { PreviewPage } from "./bindings";

/** CSS pixels a PDF point is shown at (A4 → 744 px wide). */
export const PREVIEW_SCALE = 1.25;

/** Pixels a point the app is asked to draw: sharp on this screen, bounded for a 4K one. */
export function previewScale(ratio = typeof window !== "undefined" ? window.devicePixelRatio : 1): number {
  return PREVIEW_SCALE * Math.min(Math.max(ratio || 1, 1), 3);
}

export interface ShownPages {
  pages: number;
  /** Revokes the page images (call when the preview closes). */
  dispose: () => void;
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function showPages(pages: PreviewPage[], container: HTMLElement): ShownPages {
  const urls: string[] = [];
  container.replaceChildren();
  pages.forEach((p, i) => {
    const url = URL.createObjectURL(new Blob([bytesOf(p.png)], { type: "image/png" }));
    urls.push(url);
    const img = document.createElement("img");
    img.width = Math.round((p.width_pt ?? 595.28) * PREVIEW_SCALE);
    img.height = Math.round((p.height_pt ?? 841.89) * PREVIEW_SCALE);
    img.alt = `${i + 1}`;
    img.decoding = "async";
    // Only the pages scrolled into view are decoded (3 MB of pixels each at 1×).
    img.setAttribute("loading", "lazy");
    img.style.display = "block";
    img.style.margin = "0 auto 12px";
    img.style.boxShadow = "0 1px 4px rgba(0,0,0,.25)";
    img.style.background = "#fff";
    img.dataset.testid = "pdf-page";
    img.src = url;
    container.appendChild(img);
  });
  return {
    pages: pages.length,
    dispose: () => {
      for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    },
  };
}
