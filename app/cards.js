// One card per file: thumbnail, name, size, dimensions, a privacy badge that opens the report,
// the GPS position with a copy button, progress, the result or the error.
import { el, button, uid } from "./dom.js";
import { formatBytes, blobUrl } from "./files.js";

// Findings that stay harmlessly in a cleaned file do not make the badge alarming.
const BENIGN = new Set(["icc_profile", "orientation"]);
const KIND_WORDS = { location: "location", device: "camera", time: "time taken", people: "names",
  hidden: "hidden pictures", text: "text" };

export function privacyBadge(findings) {
  const risky = findings.filter((f) => !BENIGN.has(f.key));
  if (risky.some((f) => f.kind === "location")) return { tone: "danger", text: "Reveals location" };
  const words = [...new Set(risky.map((f) => KIND_WORDS[f.kind]).filter(Boolean))];
  if (words.length) return { tone: "warn", text: `Reveals ${words.slice(0, 2).join(", ")}${words.length > 2 ? "…" : ""}` };
  if (risky.length) return { tone: "warn", text: "Has metadata" };
  return { tone: "ok", text: "Clean" };
}

export class FileCard {
  constructor(file, { onRemove, onCrop, onCompare, onSelect, onRetry }) {
    this.file = file;
    this.root = el("li", "file");
    this.root.dataset.state = "queued";

    // The thumbnail is a button: it makes this the photo the watermark preview is drawn on (keyboard too).
    const thumbBox = button("", "thumb", { "aria-label": `Preview the watermark on ${file.name}` });
    thumbBox.addEventListener("click", () => onSelect(this));
    this.thumbUrl = URL.createObjectURL(file);
    this.thumb = el("img");
    this.thumb.alt = "";
    this.thumb.decoding = "async";
    this.thumb.src = this.thumbUrl;
    this.thumb.addEventListener("load", () => {
      if (!this.dims.textContent) this.setDimensions(this.thumb.naturalWidth, this.thumb.naturalHeight);
    });
    this.thumb.addEventListener("error", () => thumbBox.classList.add("no-preview"));
    thumbBox.append(this.thumb, el("span", "thumb-fallback", "No preview"));

    const body = el("div", "file-body");
    const head = el("div", "file-head");
    this.name = el("span", "file-name", file.name);
    this.size = el("span", "file-size", formatBytes(file.size));
    this.dims = el("span", "file-dims");
    this.badge = button("Checking…", "badge pending", { "aria-expanded": "false" });
    this.badge.disabled = true;
    head.append(this.name, this.size, this.dims, this.badge);

    this.details = el("div", "file-report");
    this.details.id = uid("report");
    this.details.hidden = true;
    this.badge.setAttribute("aria-controls", this.details.id);
    this.badge.addEventListener("click", () => this.toggleReport());

    this.statusRow = el("div", "file-status-row");
    this.progress = el("progress", "file-progress");
    this.progress.setAttribute("aria-label", `Progress for ${file.name}`);
    this.status = el("span", "file-status", "Waiting for the engine…");
    this.statusRow.append(this.progress, this.status);

    this.result = el("div", "file-result");
    this.actions = el("div", "file-actions");
    this.cropButton = button("Crop / rotate", "button quiet", { "aria-label": `Crop or rotate ${file.name}` });
    this.cropButton.addEventListener("click", () => onCrop(this));
    this.removeButton = button("Remove", "button quiet", { "aria-label": `Remove ${file.name}` });
    this.removeButton.addEventListener("click", () => onRemove(this));
    this.compareButton = button("Compare", "button secondary", { "aria-label": `Compare before and after for ${file.name}` });
    this.compareButton.hidden = true;
    this.compareButton.addEventListener("click", () => onCompare(this));
    this.retryButton = button("Try again", "button secondary", { "aria-label": `Try ${file.name} again` });
    this.retryButton.hidden = true;
    this.retryButton.addEventListener("click", () => onRetry(this));
    this.actions.append(this.compareButton, this.cropButton, this.retryButton, this.removeButton);

    body.append(head, this.statusRow);
    // Result, actions and report are the card's own rows, so a phone can give them the full width.
    this.root.append(thumbBox, body, this.result, this.actions, this.details);
    // Clicking a card (not one of its controls) makes it the photo the watermark preview uses.
    this.root.addEventListener("click", (event) => {
      if (!event.target.closest("button, a, input, summary")) onSelect(this);
    });
  }

  setDimensions(width, height) {
    if (width && height) this.dims.textContent = `${width} × ${height}`;
  }

  setState(state, text) {
    this.root.dataset.state = state;
    if (text !== undefined) this.status.textContent = text;
    if (state === "working") this.progress.removeAttribute("value");  // indeterminate while Python works
    else this.progress.value = state === "done" ? 1 : 0;
  }

  setSelected(on) {
    this.root.classList.toggle("selected", on);
    this.root.setAttribute("aria-current", on ? "true" : "false");
  }

  // The metadata report from `inspect`: badge, headline chips, GPS with a copy button, the full list.
  showReport(report) {
    this.report = report;
    if (report.width && report.height) this.setDimensions(report.width, report.height);
    const badge = privacyBadge(report.findings);
    this.badge.className = `badge ${badge.tone}`;
    this.badge.textContent = badge.text;
    this.badge.disabled = false;
    this.badge.setAttribute("aria-label", `${badge.text}: show what ${this.file.name} reveals`);
    this.details.replaceChildren();
    const summary = report.summary || {};
    const chips = el("ul", "chips");
    const chip = (text, tone) => chips.append(el("li", `chip ${tone}`, text));
    if (summary.location) chip(`Location: ${summary.gps || "yes"}`, "danger");
    else chip("No GPS position", "ok");
    if (summary.camera) chip(`Camera: ${summary.camera}`, "warn");
    if (summary.captured) chip(`Taken: ${summary.captured}`, "warn");
    this.details.append(chips);
    if (summary.gps) this.details.append(this.gpsRow(summary.gps));
    if (!report.findings.length) {
      this.details.append(el("p", "muted", "Nothing hidden was found in this file."));
    } else {
      const list = el("ul", "finding-list");
      for (const f of report.findings) {
        const item = el("li", `finding kind-${f.kind}`);
        item.append(el("span", "f-label", f.label), el("span", "f-value", f.value), el("span", "f-where", f.where));
        if (f.preview) {
          const img = el("img", "f-preview");
          img.src = f.preview;  // a data: URL of a hidden thumbnail, made by Python
          img.alt = `Hidden picture found in ${f.where}`;
          item.append(img);
        }
        list.append(item);
      }
      this.details.append(el("h3", "report-title", `What ${this.file.name} reveals (${report.findings.length})`), list);
    }
    // A file that reveals its location opens its report straight away: that is the news.
    if (summary.location) this.toggleReport(true);
  }

  gpsRow(coordinates) {
    const row = el("p", "gps");
    row.append(el("span", "", "GPS position: "), el("code", "gps-coords", coordinates));
    const copy = button("Copy coordinates", "button quiet", { "aria-label": `Copy the GPS coordinates of ${this.file.name}` });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(coordinates);
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Copy failed: select the text";
      }
      setTimeout(() => { copy.textContent = "Copy coordinates"; }, 2500);
    });
    row.append(copy);
    return row;
  }

  toggleReport(force) {
    const open = force ?? this.details.hidden;
    this.details.hidden = !open;
    this.badge.setAttribute("aria-expanded", String(open));
  }

  // `retry`: offer "Try again" only where another go can help (a cancel, a crash, a time-out),
  // not for a file the engine has said it cannot read.
  showError(message, retry = true) {
    this.setState("error", "Failed");
    this.cropButton.hidden = true;  // nothing to crop in a file the engine cannot read
    this.clearResult();
    const error = el("p", "file-error", message);
    error.setAttribute("role", "alert");
    this.result.append(error);
    this.retryButton.hidden = !retry;
    if (this.badge.disabled) {
      this.badge.textContent = "Not read";
      this.badge.className = "badge pending";
    }
  }

  clearResult() {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = null;
    this.output = null;
    this.result.replaceChildren();
    this.compareButton.hidden = true;
    this.retryButton.hidden = true;
  }

  // A finished result: sizes, saving, and a download link whose name says what was done.
  showResult(result) {
    this.clearResult();
    this.output = result;
    const report = result.report || {};
    const before = report.bytes_in ?? this.file.size;
    const after = report.bytes_out ?? result.data.byteLength;
    const saved = before ? Math.round((1 - after / before) * 100) : 0;
    // A format the browser cannot show (TIFF, HEIC…) still gets its size, from the engine.
    if (!this.dims.textContent) this.setDimensions(report.source_width, report.source_height);
    const removed = report.removed ? report.removed.length : 0;
    const parts = [];
    parts.push(removed ? `${removed} private item${removed === 1 ? "" : "s"} removed` : "Nothing private to remove");
    if (report.width && report.height) parts.push(`${report.width} × ${report.height}`);
    parts.push(`${formatBytes(before)} → ${formatBytes(after)}`
      + (saved > 0 ? ` (${saved}% smaller)` : saved < 0 ? ` (${-saved}% larger)` : ""));
    if (typeof report.ssim === "number") parts.push(`SSIM ${report.ssim.toFixed(3)}`);
    this.setState("done", report.lossless ? "Done — pixels untouched" : "Done");
    this.result.append(el("p", "file-summary", parts.join(" · ")));
    // What was done, step by step, in the engine's own words.
    const steps = (report.operations || []).map((o) => o.detail ? `${o.step}: ${o.detail}` : o.step);
    if (steps.length) this.result.append(el("p", "file-steps", steps.join(" → ")));
    for (const note of report.notes || []) this.result.append(el("p", "file-note", note));
    this.downloadUrl = blobUrl(result.data, result.mime);
    const link = el("a", "button download", `Download ${result.name}`);
    link.href = this.downloadUrl;
    link.download = result.name;
    this.result.append(link);
    this.compareButton.hidden = false;
    this.cropButton.hidden = !this.thumb.naturalWidth;  // the editor needs the browser to show the photo
  }

  setStale(on) {
    this.root.classList.toggle("stale", on);
    if (on && this.root.dataset.state === "done") this.status.textContent = "Recipe changed — process again to apply it";
  }

  dispose() {
    URL.revokeObjectURL(this.thumbUrl);
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.root.remove();
  }
}
