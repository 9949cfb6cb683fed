// Before/after, like Squoosh: both pictures on one pixel grid (the engine makes "before" cropped, turned and
// resized like the result), fitted at 1×, zoom with panning, a divider that stays in view, and a live size and
// SSIM readout: changing quality or format here changes the recipe, the engine re-makes this photo (debounced,
// it goes first) and the readout shows the worker's own numbers.
import { formatBytes, blobUrl, PREVIEW_TYPE } from "./files.js";
import { word } from "./recipe-panel.js";

const $ = (id) => document.getElementById(id);
const MAX_ZOOM = 8;

export class CompareDialog {
  // engine: the bridge (for "before"); panel: the recipe panel (quality and format live there).
  constructor(engine, panel) {
    this.engine = engine;
    this.panel = panel;
    this.dialog = $("compare-dialog");
    this.view = $("compare-view");
    this.stage = $("compare-inner");
    this.before = $("compare-before");
    this.after = $("compare-after");
    this.clip = $("compare-clip");
    this.divider = $("compare-divider");
    this.split = $("compare-split");
    this.zoom = $("compare-zoom");
    this.format = $("compare-format");
    this.quality = $("compare-quality");
    this.urls = [];
    this.split.addEventListener("input", () => this.setSplit(Number(this.split.value)));
    this.zoom.addEventListener("input", () => this.setZoom(Number(this.zoom.value)));
    this.format.addEventListener("change", () => this.panel.setEncode({ format: this.format.value }));
    this.quality.addEventListener("input", () => {
      $("compare-quality-value").textContent = this.quality.value;
      this.panel.setEncode({ quality: Number(this.quality.value) });
    });
    this.pointers();
    // Pinch-zoom on touchpads arrives as ctrl+wheel. A wheel listener that may cancel costs the page's
    // start-up 5-10 ms (measured), so it is there only while the dialog is open.
    this.onWheel = (event) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      const box = this.view.getBoundingClientRect();
      this.setZoom(this.currentZoom * (event.deltaY < 0 ? 1.25 : 0.8), event.clientX - box.left, event.clientY - box.top);
    };
    this.onResize = () => this.layout();
    this.onItemChange = () => this.refresh();
    this.dialog.addEventListener("close", () => {
      this.view.removeEventListener("wheel", this.onWheel);
      window.removeEventListener("resize", this.onResize);
      this.item?.removeEventListener("change", this.onItemChange);
      this.beforeJob?.abort();
      this.item = null;
      this.revoke();
      this.opener?.focus();
    });
  }

  // The output formats the engine offers (its catalogue).
  setFormats(formats) {
    this.format.replaceChildren(...formats.map((f) => Object.assign(document.createElement("option"), { value: f, textContent: word(f) })));
  }

  // A drag on the divider moves it; elsewhere it pans a zoomed picture, or moves the divider at 1×.
  pointers() {
    let drag = null;
    this.view.addEventListener("pointerdown", (event) => {
      const onDivider = event.target.closest("#compare-divider");
      event.preventDefault();  // no native image drag (it would cancel the pointer)
      drag = onDivider || this.currentZoom <= 1 ? { mode: "split" } : { mode: "pan", x: event.clientX, y: event.clientY, pan: { ...this.pan } };
      this.view.setPointerCapture(event.pointerId);
      if (drag.mode === "split") this.splitAt(event);
    });
    this.view.addEventListener("pointermove", (event) => {
      if (!drag) return;
      if (drag.mode === "split") return this.splitAt(event);
      this.pan = { x: drag.pan.x + event.clientX - drag.x, y: drag.pan.y + event.clientY - drag.y };
      this.place();
    });
    this.view.addEventListener("pointerup", () => { drag = null; });
  }

  splitAt(event) {
    const box = this.view.getBoundingClientRect();
    this.setSplit(((event.clientX - box.left) / box.width) * 100);
  }

  open(item, card) {
    this.item = item;
    this.thumb = card.thumb;
    this.opener = card.compareButton;
    this.pan = { x: 0, y: 0 };
    this.currentZoom = 1;
    $("compare-title").textContent = `Compare: ${item.path}`;
    this.syncControls();
    item.addEventListener("change", this.onItemChange);
    this.view.addEventListener("wheel", this.onWheel, { passive: false });
    window.addEventListener("resize", this.onResize);
    this.shownOutput = null;
    this.dialog.showModal();
    this.refresh();
    this.setSplit(50);
    this.setZoom(1);
  }

  syncControls() {
    const encode = this.panel.recipe?.encode;
    if (!encode) return;
    this.format.value = encode.format;
    // Under automatic quality the slider shows what the engine chose for this photo; moving it turns that off.
    const automatic = encode.auto_quality && encode.auto_quality !== "off";
    const chosen = automatic ? this.item?.output?.report?.quality : null;
    this.quality.value = String(chosen ?? encode.quality ?? this.panel.catalogue.default_quality);
    $("compare-quality-value").textContent = automatic ? `${this.quality.value} (automatic)` : this.quality.value;
    $("compare-quality-row").hidden = !this.panel.qualityApplies();
  }

  // Draws the item's current result; a new one (made after a recipe change) replaces it as it arrives.
  refresh() {
    const item = this.item;
    if (!item) return;
    this.syncControls();
    const result = item.output;
    const updating = item.stale || item.state === "working";
    $("compare-updating").hidden = !updating;
    if (!result || result === this.shownOutput) return;
    this.shownOutput = result;
    const report = result.report || {};
    this.revoke();
    const afterUrl = this.url(result.data, result.mime);
    this.after.src = afterUrl;
    this.after.alt = `After: ${result.name}`;
    // A lossless clean's report has no size of its own: the picture is the original's.
    const width = report.width || item.report?.width || this.thumb?.naturalWidth || 1;
    const height = report.height || item.report?.height || this.thumb?.naturalHeight || 1;
    this.size = { width, height };
    const bytesIn = report.bytes_in ?? item.file.size;
    const bytesOut = report.bytes_out ?? (result.data.size ?? result.data.byteLength);
    const saved = bytesIn ? (1 - bytesOut / bytesIn) * 100 : 0;
    const parts = [`Before ${formatBytes(bytesIn)}`, `after ${formatBytes(bytesOut)}`,
      saved >= 0 ? `${saved.toFixed(1)}% saved` : `${(-saved).toFixed(1)}% larger`];
    parts.push(typeof report.ssim === "number" ? `SSIM ${report.ssim.toFixed(4)}`
      : report.lossless ? "SSIM 1 (pixels untouched)" : "SSIM not measured (lossless format or animation)");
    $("compare-stats").textContent = parts.join(" · ");
    this.showBefore(item, result);
    this.layout();
  }

  // "Before" on the result's pixel grid. Untouched geometry: the original file. Otherwise the engine cuts, turns
  // and resizes the original as the recipe does, without watermark and saved losslessly (PNG).
  async showBefore(item, result) {
    const report = result.report || {};
    const sameGrid = report.width === report.source_width && report.height === report.source_height && !item.rotate;
    this.beforeJob?.abort();
    $("compare-lining").hidden = sameGrid;
    if (sameGrid) {
      this.before.src = this.url(item.file, PREVIEW_TYPE);  // never the file's own type (an SVG would be active)
      this.before.alt = `Before: ${item.path}`;
      return;
    }
    this.before.removeAttribute("src");
    const job = new AbortController();
    this.beforeJob = job;
    const recipe = this.panel.recipeFor({ box: item.box, rotate: item.rotate });
    const options = { crop: recipe.crop, resize: recipe.resize, encode: { format: "png" } };
    const made = await this.engine.call("process", item.path, item.file, options, { signal: job.signal, first: true });
    if (job.signal.aborted || this.shownOutput !== result) return;
    $("compare-lining").hidden = true;
    if (!made.ok) {
      $("compare-stats").textContent += ` · “before” could not be lined up: ${made.error.message}`;
      this.before.src = this.url(item.file, PREVIEW_TYPE);
      return;
    }
    this.before.src = this.url(made.data, made.mime);
    this.before.alt = `Before, cut and turned like the result: ${item.path}`;
  }

  url(bytes, mime) {
    const url = blobUrl(bytes, mime);  // an inert type whatever the bytes claim
    this.urls.push(url);
    return url;
  }

  revoke() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }

  // The stage's size at 1×: the whole picture inside the view.
  layout() {
    if (!this.size) return;
    const box = this.view.getBoundingClientRect();
    const fit = Math.min(box.width / this.size.width, box.height / this.size.height);
    this.fit = { width: this.size.width * fit, height: this.size.height * fit };
    this.place();
  }

  // Position the stage: centred when it is smaller than the view, else panned but never off its edges.
  place() {
    if (!this.fit) return;
    const box = this.view.getBoundingClientRect();
    const w = this.fit.width * this.currentZoom, h = this.fit.height * this.currentZoom;
    const clamp = (pan, size, room) => (size <= room ? (room - size) / 2 : Math.min(0, Math.max(room - size, pan)));
    this.pan = { x: clamp(this.pan.x, w, box.width), y: clamp(this.pan.y, h, box.height) };
    Object.assign(this.stage.style, { width: `${w}px`, height: `${h}px`, left: `${this.pan.x}px`, top: `${this.pan.y}px` });
    this.setSplit(Number(this.split.value));
  }

  // percent: where the divider sits across the view (it stays in view however far the picture is zoomed).
  setSplit(percent) {
    const p = Math.min(100, Math.max(0, percent));
    this.split.value = String(Math.round(p));
    this.divider.style.left = `${p}%`;
    const view = this.view.getBoundingClientRect().width;
    const w = this.stage.getBoundingClientRect().width || 1;
    const inside = Math.min(100, Math.max(0, ((p / 100) * view - (this.pan?.x || 0)) / w * 100));
    this.clip.style.clipPath = `inset(0 0 0 ${Math.round(inside * 100) / 100}%)`;
  }

  // Zoom around a point of the view (its centre by default), so what is under the pointer stays there.
  setZoom(zoom, x, y) {
    const next = Math.min(MAX_ZOOM, Math.max(1, zoom));
    const box = this.view.getBoundingClientRect();
    const cx = x ?? box.width / 2, cy = y ?? box.height / 2;
    const before = this.currentZoom || 1;
    if (this.pan) this.pan = { x: cx - ((cx - this.pan.x) * next) / before, y: cy - ((cy - this.pan.y) * next) / before };
    this.currentZoom = next;
    this.zoom.value = String(next);
    $("compare-zoom-label").textContent = `${Math.round(next * 100) / 100}×`;
    this.place();
  }
}
