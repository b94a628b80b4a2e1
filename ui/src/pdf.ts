// Renders PDF bytes into canvases with pdf.js (loaded on first use: it is large).
export async function renderPdf(bytes: Uint8Array, container: HTMLElement, scale = 1.25): Promise<number> {
  const pdfjs = await import("pdfjs-dist");
  const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const doc = await pdfjs.getDocument({ data: bytes }).promise;
  container.replaceChildren();
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const viewport = page.getViewport({ scale });
    const canvas = document.createElement("canvas");
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.style.display = "block";
    canvas.style.margin = "0 auto 12px";
    canvas.style.boxShadow = "0 1px 4px rgba(0,0,0,.25)";
    canvas.dataset.testid = "pdf-page";
    container.appendChild(canvas);
    const ctx = canvas.getContext("2d");
    if (ctx) await page.render({ canvasContext: ctx, viewport }).promise;
  }
  return doc.numPages;
}
