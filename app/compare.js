// Before/after: the same box holds both pictures; the "after" one is clipped at the split.
// Zoom scales the box inside a scrolling view, so both sides stay aligned while panning.
import { formatBytes, blobUrl, PREVIEW_TYPE } from "./files.js";

const $ = (id) => document.getElementById(id);

export class CompareDialog {
  constructor() {
    this.dialog = $("compare-dialog");
    this.view = $("compare-view");
    this.inner = $("compare-inner");
    this.before = $("compare-before");
    this.after = $("compare-after");
    this.clip = $("compare-clip");
    this.divider = $("compare-divider");
    this.split = $("compare-split");
    this.zoom = $("compare-zoom");
    this.split.addEventListener("input", () => this.setSplit(Number(this.split.value)));
    this.zoom.addEventListener("input", () => this.setZoom(Number(this.zoom.value)));
    // Dragging anywhere on the picture moves the split (touch and mouse alike).
    let dragging = false;
    const fromPointer = (event) => {
      const box = this.inner.getBoundingClientRect();
      this.setSplit(((event.clientX - box.left) / box.width) * 100);
    };
    this.view.addEventListener("pointerdown", (event) => {
      dragging = true;
      this.view.setPointerCapture(event.pointerId);
      fromPointer(event);
    });
    this.view.addEventListener("pointermove", (event) => { if (dragging) fromPointer(event); });
    this.view.addEventListener("pointerup", () => { dragging = false; });
    // Pinch-zoom on touchpads arrives as ctrl+wheel. A wheel listener that may cancel costs the page's
    // start-up 5-10 ms (measured), so it is there only while the dialog is open.
    this.onWheel = (event) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      this.setZoom(Math.min(8, Math.max(1, this.currentZoom * (event.deltaY < 0 ? 1.25 : 0.8))));
    };
    this.dialog.addEventListener("close", () => {
      this.view.removeEventListener("wheel", this.onWheel);
      for (const url of this.urls || []) URL.revokeObjectURL(url);
      this.urls = [];
      this.opener?.focus();
    });
  }

  // item.box: the photo's own crop [left, top, right, bottom], so "before" shows the same area as "after";
  // item.rotate: its clockwise quarter turn, which "before" does not show.
  open(item, card) {
    const { box, rotate } = item;
    const result = item.output;
    const report = result.report || {};
    this.opener = card.compareButton;
    const beforeUrl = blobUrl(item.file, PREVIEW_TYPE);
    const afterUrl = blobUrl(result.data, result.mime);
    this.urls = [beforeUrl, afterUrl];
    this.before.src = beforeUrl;
    this.after.src = afterUrl;
    this.before.alt = `Before: ${item.path}`;
    this.after.alt = `After: ${result.name}`;
    const bytesIn = report.bytes_in ?? item.file.size;
    const bytesOut = report.bytes_out ?? result.data.byteLength;
    const saved = bytesIn ? (1 - bytesOut / bytesIn) * 100 : 0;
    const parts = [`Before ${formatBytes(bytesIn)}`, `after ${formatBytes(bytesOut)}`,
      saved >= 0 ? `${saved.toFixed(1)}% saved` : `${(-saved).toFixed(1)}% larger`];
    parts.push(typeof report.ssim === "number" ? `SSIM ${report.ssim.toFixed(4)}`
      : report.lossless ? "SSIM 1 (pixels untouched)" : "SSIM not measured (lossless format or animation)");
    $("compare-stats").textContent = parts.join(" · ");
    $("compare-title").textContent = `Compare: ${item.path}`;
    const w = card.thumb.naturalWidth, h = card.thumb.naturalHeight;
    this.before.style.objectViewBox = box && w ? `inset(${box[1]}px ${w - box[2]}px ${h - box[3]}px ${box[0]}px)` : "";
    // An aspect crop of the whole batch is not drawn on "before": say so rather than mislead.
    const shape = (a, b) => (a && b ? a / b : 0);
    const before = box ? shape(box[2] - box[0], box[3] - box[1]) : shape(w, h);
    const after = rotate % 180 ? shape(report.height, report.width) : shape(report.width, report.height);
    if (rotate) $("compare-stats").textContent += ` · the result is turned ${rotate}° clockwise: “before” shows the photo unturned`;
    if (!box && Math.abs(before - after) > 0.01) {
      $("compare-stats").textContent += " · the result is cropped: “before” shows the whole photo";
    }
    this.setSplit(50);
    this.setZoom(1);
    this.view.addEventListener("wheel", this.onWheel, { passive: false });
    this.dialog.showModal();
  }

  setSplit(percent) {
    const p = Math.min(100, Math.max(0, percent));
    this.split.value = String(Math.round(p));
    this.clip.style.clipPath = `inset(0 0 0 ${p}%)`;
    this.divider.style.left = `${p}%`;
  }

  setZoom(zoom) {
    this.currentZoom = zoom;
    this.zoom.value = String(zoom);
    this.inner.style.width = `${zoom * 100}%`;
    $("compare-zoom-label").textContent = `${zoom}×`;
  }
}
