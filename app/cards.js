// One card per file, drawn from its FileItem (file-state.js): thumbnail, path, size, a badge that says what
// the file reveals (or, once cleaned, what was removed), one status line, the download, and the report folded
// into one line that opens into the full list.
import { el, button, uid } from "./dom.js";
import { formatBytes, blobUrl } from "./files.js";
import { reportLine, findingRows, placeText, localDate } from "./report-view.js";

// kept: {finding key: policy option} from the catalogue; policy: the recipe's policy. A finding the recipe keeps
// (orientation, colour profile...) does not make the badge alarming. words: the catalogue's badge_words.
export function privacyBadge(findings, kept = {}, policy = {}, words = {}) {
  const risky = findings.filter((f) => !(kept[f.key] && policy[kept[f.key]]));
  if (risky.some((f) => f.kind === "location")) return { tone: "danger", text: "Reveals location" };
  const named = badgeWords(risky, words);
  if (named.length) return { tone: "warn", text: `Reveals ${named.slice(0, 2).join(", ")}${named.length > 2 ? "…" : ""}` };
  if (risky.length) return { tone: "warn", text: "Has metadata" };
  return { tone: "ok", text: "Nothing to remove" };
}

// The engine's word per kind, and per key for hidden findings (a thumbnail is a picture, trailing data is not).
function badgeWords(findings, { kinds = {}, hidden = {} } = {}) {
  const word = (f) => (f.kind === "hidden" && hidden[f.key]) || kinds[f.kind];
  return [...new Set(findings.map(word).filter(Boolean))];
}

// After a result: what the download no longer holds, in a calm colour.
export function resultBadge(removed, words = {}) {
  const named = badgeWords(removed, words);
  if (!removed.length) return { tone: "ok", text: "Nothing to remove" };
  if (!named.length) return { tone: "calm", text: `Removed ${removed.length} item${removed.length === 1 ? "" : "s"}` };
  return { tone: "calm", text: `Removed ${named.slice(0, 2).join(", ")}${named.length > 2 ? "…" : ""}` };
}

// A thumbnail is asked for only when its card comes near the screen: even at 1/8 scale a 12 MP JPEG costs a
// full entropy decode (~0.5 s in wasm), which a folder of 500 photos should not pay 500 times before its results.
const nearScreen = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    nearScreen.unobserve(entry.target);
    entry.target.onNearScreen?.();
  }
}, { rootMargin: "400px" });

export class FileCard {
  constructor(item, { onRemove, onCrop, onCompare, onSelect, onRetry, onShare, onVisible, facts }) {
    this.item = item;
    this.facts = facts;  // () => {kept, policy, words}: from the catalogue and the current recipe
    const { file, path } = item;
    this.root = el("li", "file");

    // The thumbnail is a button: it makes this the photo the watermark preview is drawn on (keyboard too).
    const thumbBox = button("", "thumb", { "aria-label": `Thumbnail of ${path}: show the watermark preview on it` });
    thumbBox.addEventListener("click", () => onSelect());
    // The engine's small thumbnail (py/imagestudio/thumbnails.py), made from a reduced decode once the card is
    // near the screen: no blob: URL of the original per card, and HEIC gets one too.
    this.thumbUrl = null;
    this.thumbBox = thumbBox;
    this.thumb = el("img");
    this.thumb.alt = "";
    this.thumb.decoding = "async";
    this.thumb.addEventListener("error", () => thumbBox.classList.add("no-preview"));
    thumbBox.append(this.thumb, el("span", "thumb-fallback", "No preview"));

    const body = el("div", "file-body");
    const head = el("div", "file-head");
    this.name = el("span", "file-name");
    const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
    if (folder) this.name.append(el("span", "file-folder", folder));
    this.name.append(file.name);
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
    this.progress.setAttribute("aria-label", `Progress for ${path}`);
    this.status = el("span", "file-status", "Waiting for the engine…");
    this.summary = el("span", "file-summary");
    this.statusRow.append(this.progress, this.status, this.summary);
    this.reportLine = el("p", "report-line");
    this.reportLine.hidden = true;

    this.result = el("div", "file-result");
    this.actions = el("div", "file-actions");
    this.cropButton = button("Crop / rotate", "button quiet", { "aria-label": `Crop or rotate ${path}` });
    this.cropButton.hidden = true;
    this.cropButton.addEventListener("click", () => onCrop());
    this.removeButton = button("Remove", "button quiet", { "aria-label": `Remove ${path}` });
    this.removeButton.addEventListener("click", () => onRemove());
    this.compareButton = button("Compare", "button secondary", { "aria-label": `Compare before and after for ${path}` });
    this.compareButton.hidden = true;
    this.compareButton.addEventListener("click", () => onCompare());
    this.shareButton = button("Share…", "button secondary", { "aria-label": `Share the result of ${path}` });
    this.shareButton.hidden = true;
    this.shareButton.addEventListener("click", () => onShare());
    this.retryButton = button("Try again", "button secondary", { "aria-label": `Try ${path} again` });
    this.retryButton.hidden = true;
    this.retryButton.addEventListener("click", () => onRetry());
    this.downloadSlot = el("span", "download-slot");
    this.actions.append(this.downloadSlot, this.compareButton, this.shareButton, this.cropButton, this.retryButton,
      this.removeButton);

    body.append(head, this.statusRow, this.reportLine);
    // Result, actions and report are the card's own rows, so a phone can give them the full width.
    this.root.append(thumbBox, body, this.result, this.actions, this.details);
    // Clicking a card (not one of its controls) makes it the photo the watermark preview uses.
    this.root.addEventListener("click", (event) => {
      if (!event.target.closest("button, a, input, summary")) onSelect();
    });
    item.addEventListener("change", () => this.render());
    this.render();
    this.root.onNearScreen = () => onVisible?.();
    nearScreen.observe(this.root);
  }

  canCrop() {
    return Boolean(this.item.upright) && this.item.state !== "error";
  }

  // The thumbnail arrives with the engine's report; without one (pixels it cannot read) the card says so.
  showThumbnail(thumbnail) {
    this.shownThumbnail = thumbnail;
    if (this.thumbUrl) URL.revokeObjectURL(this.thumbUrl);
    this.thumbUrl = thumbnail ? blobUrl(thumbnail, "image/jpeg") : null;
    this.thumbBox.classList.toggle("no-preview", !thumbnail);
    if (this.thumbUrl) this.thumb.src = this.thumbUrl;
    else this.thumb.removeAttribute("src");
    if (this.item.upright) this.setDimensions(...this.item.upright);
    this.cropButton.hidden = !this.canCrop();
  }

  setDimensions(width, height) {
    if (width && height) this.dims.textContent = `${width} × ${height}`;
  }

  // Draws what changed in the item since the last render.
  render() {
    const item = this.item;
    this.root.dataset.state = item.state;
    this.status.textContent = item.status;
    if (item.state === "working" && item.progress === null) this.progress.removeAttribute("value");  // not started
    else if (item.state === "working") this.progress.value = item.progress;  // the engine's stage (progress.py)
    else this.progress.value = item.state === "done" ? 1 : 0;
    this.root.classList.toggle("stale", item.stale);
    this.root.classList.toggle("cropped", Boolean(item.box));
    if (item.report !== this.shownReport) this.showReport(item.report);
    if (item.thumbnail !== undefined && item.thumbnail !== this.shownThumbnail) this.showThumbnail(item.thumbnail);
    if (item.output !== this.shownOutput) this.showResult(item.output);
    if (item.error !== this.shownError) this.showError(item.error);
    this.retryButton.hidden = !(item.state === "cancelled" || (item.state === "error" && item.error?.retryable));
    this.updateBadge();
  }

  updateBadge() {
    const { report, output } = this.item;
    if (!report) {
      if (this.item.state === "error") {
        this.badge.textContent = "Not read";
        this.badge.className = "badge pending";
      }
      return;
    }
    const { kept, policy, words } = this.facts();
    // Red only while the download would still reveal something: a result's badge says what it removed.
    const badge = output ? resultBadge(output.report?.removed || [], words)
      : privacyBadge(report.findings, kept, policy, words);
    this.badge.className = `badge ${badge.tone}`;
    this.badge.textContent = badge.text;
    this.badge.disabled = false;
    this.badge.setAttribute("aria-label", `${badge.text}: show what ${this.item.path} ${output ? "held" : "reveals"}`);
  }

  setSelected(on) {
    this.root.classList.toggle("selected", on);
    this.root.setAttribute("aria-current", on ? "true" : "false");
  }

  // The metadata report from `inspect`: one folded line, and the full list behind the badge or "Details".
  showReport(report) {
    this.shownReport = report;
    this.details.replaceChildren();
    if (!report) return;
    if (report.width && report.height) this.setDimensions(report.width, report.height);
    const summary = report.summary || {};
    this.reportLine.hidden = false;
    const more = button("Details", "button quiet details-toggle", { "aria-controls": this.details.id,
      "aria-expanded": "false", "aria-label": `Details of what ${this.item.path} reveals` });
    more.addEventListener("click", () => this.toggleReport());
    this.detailsButton = more;
    this.reportLine.replaceChildren(el("span", "report-text", reportLine(report)), more);

    const chips = el("ul", "chips");
    const chip = (text, tone) => chips.append(el("li", `chip ${tone}`, text));
    const place = placeText(report.findings);
    if (summary.gps) chip(`Location: ${summary.gps}`, "danger");
    else if (place) chip(`Place: ${place}`, "danger");
    else if (summary.location) chip("Location: yes", "danger");
    else chip("No GPS position", "ok");
    if (summary.camera) chip(`Camera: ${summary.camera}`, "warn");
    if (summary.captured) chip(`Taken: ${localDate(summary.captured)}`, "warn");
    this.details.append(chips);
    if (summary.gps) this.details.append(this.gpsRow(summary.gps));
    if (!report.findings.length) {
      this.details.append(el("p", "muted", "Nothing hidden was found in this file."));
      return;
    }
    const rows = findingRows(report.findings);
    const list = el("ul", "finding-list");
    list.id = uid("findings");
    for (const row of rows) {
      const entry = el("li", `finding kind-${row.kind}`);
      entry.append(el("span", "f-label", row.label), el("span", "f-value", row.value),
        el("span", "f-where", `Found in ${row.places.join("; ")}`));
      if (row.preview) {
        const img = el("img", "f-preview");
        img.src = row.preview;  // a data: URL of a hidden thumbnail, made by Python
        img.alt = `Hidden picture found in ${row.places.join("; ")}`;
        entry.append(img);
      }
      list.append(entry);
    }
    // Where each fact sits in the file (EXIF, XMP, chunk names) is for experts: behind a toggle.
    const where = button("Show where each was found", "button quiet where-toggle", { "aria-controls": list.id,
      "aria-pressed": "false" });
    where.addEventListener("click", () => {
      const on = list.classList.toggle("show-where");
      where.setAttribute("aria-pressed", String(on));
    });
    const title = el("h3", "report-title", `What ${this.item.path} reveals (${rows.length})`);
    this.details.append(title, where, list);
  }

  gpsRow(coordinates) {
    const row = el("p", "gps");
    row.append(el("span", "", "GPS position: "), el("code", "gps-coords", coordinates));
    const copy = button("Copy coordinates", "button quiet", { "aria-label": `Copy the GPS coordinates of ${this.item.path}` });
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
    if (!this.shownReport) return;
    const open = force ?? this.details.hidden;
    this.details.hidden = !open;
    this.badge.setAttribute("aria-expanded", String(open));
    this.detailsButton?.setAttribute("aria-expanded", String(open));
    if (this.detailsButton) this.detailsButton.textContent = open ? "Hide details" : "Details";
  }

  // error: {message, retryable} or null.
  showError(error) {
    this.shownError = error;
    this.result.querySelector(".file-error")?.remove();
    if (!error) return;
    this.cropButton.hidden = true;  // nothing to crop in a file the engine cannot read
    const line = el("p", "file-error", error.message);
    line.setAttribute("role", "alert");
    this.result.prepend(line);
  }

  // A finished result: one summary line, what was done, and a download link whose name says what was done.
  showResult(result) {
    this.shownOutput = result;
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = null;
    this.result.replaceChildren();
    this.summary.textContent = "";
    this.downloadSlot.replaceChildren();
    this.compareButton.hidden = !result;
    this.shareButton.hidden = !result || !navigator.canShare;
    if (!result) return;
    const report = result.report || {};
    const before = report.bytes_in ?? this.item.file.size;
    const after = report.bytes_out ?? result.data.size;
    const saved = before ? Math.round((1 - after / before) * 100) : 0;
    // A format the browser cannot show (TIFF, HEIC…) still gets its size, from the engine.
    if (!this.dims.textContent) this.setDimensions(report.source_width, report.source_height);
    const parts = [];
    if (report.width && report.height) parts.push(`${report.width} × ${report.height}`);
    parts.push(`${formatBytes(before)} → ${formatBytes(after)}`
      + (saved > 0 ? ` (${saved}% smaller)` : saved < 0 ? ` (${-saved}% larger)` : ""));
    if (typeof report.ssim === "number") parts.push(`SSIM ${report.ssim.toFixed(3)}`);
    this.summary.textContent = parts.join(" · ");
    // What was done, step by step, in the engine's own words; notes say what the recipe implied.
    const steps = (report.operations || []).map((o) => o.detail ? `${o.step}: ${o.detail}` : o.step);
    // A lossless clean says so in its status line already.
    if (steps.length && !report.lossless) this.result.append(el("p", "file-steps", steps.join(" → ")));
    const encode = (report.operations || []).find((o) => o.step === "encode");
    if ((this.item.box || this.item.rotate) && report.lossless === false && encode) {
      // A crop or turn cannot keep the original encoding, even under "Remove private data only": say so.
      this.result.append(el("p", "file-note", `Cropping or turning saved the picture again (${encode.detail}).`));
    }
    for (const note of report.notes || []) this.result.append(el("p", "file-note", note));
    if (report.name_kept) {
      // The engine found that the original's name gives something away, and the result's name still holds it.
      this.result.append(el("p", "name-leak", `The name still gives away ${report.name_leaks.join(", ")}.`
        + " Choose another way to name the results in the recipe."));
    }
    this.downloadUrl = blobUrl(result.data, result.mime);
    const link = el("a", "button download", "Download ");
    link.append(el("span", "download-name", result.name));  // the table view shows "Download" alone
    link.setAttribute("aria-label", `Download ${result.name}`);
    link.href = this.downloadUrl;
    link.download = result.name;
    link.addEventListener("click", () => { this.item.downloaded = true; });
    this.downloadSlot.append(link);
    this.cropButton.hidden = !this.canCrop();
  }

  dispose() {
    if (this.thumbUrl) URL.revokeObjectURL(this.thumbUrl);
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.root.remove();
  }
}
