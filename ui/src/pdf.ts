// Renders PDF bytes into page images with pdf.js (loaded on first use: it is large).
//
// Memory: each page is drawn on a canvas, encoded to a PNG blob and shown as an <img>; the
// canvas is then shrunk to nothing (its backing store is freed at once, an image's decoded
// pixels WebKit may drop when the page is hidden). When every page is drawn the document is
// destroyed, which terminates pdf.js's worker and frees its heap: a preview left open costs
// the page images only, and closing it (`dispose`) frees those too.
export interface RenderedPdf {
  pages: number;
  /** Revokes the page images (call when the preview closes). */
  dispose: () => void;
}

export async function renderPdf(bytes: Uint8Array, container: HTMLElement, scale = 1.25): Promise<RenderedPdf> {
  const pdfjs = await import("pdfjs-dist");
  const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const task = pdfjs.getDocument({ data: bytes });
  const urls: string[] = [];
  const dispose = () => {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
  };
  try {
    const doc = await task.promise;
    container.replaceChildren();
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const viewport = page.getViewport({ scale });
      const canvas = document.createElement("canvas");
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      const ctx = canvas.getContext("2d");
      if (ctx) await page.render({ canvasContext: ctx, viewport }).promise;
      page.cleanup();
      const img = document.createElement("img");
      img.width = viewport.width;
      img.height = viewport.height;
      img.alt = `${i}`;
      img.style.display = "block";
      img.style.margin = "0 auto 12px";
      img.style.boxShadow = "0 1px 4px rgba(0,0,0,.25)";
      img.style.background = "#fff";
      img.dataset.testid = "pdf-page";
      const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, "image/png"));
      if (blob) {
        const url = URL.createObjectURL(blob);
        urls.push(url);
        img.src = url;
      }
      canvas.width = 0;
      canvas.height = 0;
      container.appendChild(img);
    }
    return { pages: doc.numPages, dispose };
  } catch (e) {
    dispose();
    throw e;
  } finally {
    // Terminates the worker this document started and frees its heap.
    void task.destroy();
  }
}
