// The bar over the cards: overall progress, a privacy summary of the whole batch, skipped files, the view
// (cards or a table for many files), reports expanded or folded, and which buttons apply now.
// Drawn from the FileItems models, at most once per frame however many files change.

const $ = (id) => document.getElementById(id);
const TABLE_FROM = 12;  // files; from this many on the page starts in the table view

export class BatchBar {
  constructor(items, { keyFor }) {
    this.items = items;
    this.keyFor = keyFor;
    this.pending = 0;
    this.message = "";
    this.view = "auto";  // auto | cards | table
    items.addEventListener("change", () => this.schedule());
    $("view-table").addEventListener("click", () => this.setView(this.isTable() ? "cards" : "table"));
    $("expand-all").addEventListener("click", () => this.toggleAll());
  }

  schedule() {
    this.message = "";
    if (!this.pending) this.pending = requestAnimationFrame(() => { this.pending = 0; this.render(); });
  }

  say(text) {
    this.message = text;
    $("overall-label").textContent = text;
  }

  setSkipped(paths) {
    const line = $("skipped");
    line.hidden = !paths.length;
    const shown = paths.slice(0, 5).join(", ") + (paths.length > 5 ? ` and ${paths.length - 5} more` : "");
    line.textContent = paths.length ? `Skipped ${paths.length} file${paths.length === 1 ? "" : "s"} that ${paths.length === 1 ? "is not a picture" : "are not pictures"}: ${shown}.` : "";
  }

  isTable() {
    return this.view === "table" || (this.view === "auto" && this.items.items.length >= TABLE_FROM);
  }

  setView(view) {
    this.view = view;
    this.render();
  }

  toggleAll() {
    const open = $("expand-all").getAttribute("aria-pressed") !== "true";
    for (const item of this.items.items) item.card.toggleReport(open);
    $("expand-all").setAttribute("aria-pressed", String(open));
    $("expand-all").textContent = open ? "Collapse all reports" : "Expand all reports";
  }

  // Only what the page will not redo by itself: cancelled files (a stale result is re-made after a pause).
  needsWork(item) {
    if (item.busy || item.stale) return false;
    if (item.state === "cancelled") return true;
    return Boolean(item.report) && item.output !== null && item.recipeKey !== this.keyFor(item);
  }

  summary() {
    const all = this.items.items;
    const read = all.filter((i) => i.report);
    const located = read.filter((i) => i.report.summary?.location).length;
    const revealing = read.filter((i) => i.report.findings.length).length;
    const clean = all.filter((i) => i.output && !i.stale).length;
    const parts = [`${all.length} photo${all.length === 1 ? "" : "s"}`];
    if (located) parts.push(`${located} revealed a location`);
    else if (revealing) parts.push(`${revealing} had private data`);
    if (clean === all.length) parts.push("all clean now");
    else if (clean) parts.push(`${clean} clean so far`);
    return parts.join(" · ");
  }

  render() {
    const { total, done, failed, cancelled, waiting } = this.items.stats();
    const busy = waiting > 0;
    const overall = $("overall");
    overall.max = Math.max(1, total);
    overall.value = total - waiting;
    $("batch").dataset.state = busy ? "busy" : total ? "idle" : "empty";
    $("file-count").textContent = total ? `(${total})` : "";
    let label = "No files yet.";
    if (total) {
      label = busy ? `Working: ${total - waiting} of ${total} finished` : `${done} of ${total} ready`;
      if (failed) label += ` · ${failed} failed`;
      if (cancelled) label += ` · ${cancelled} cancelled`;
    }
    if (!this.message) $("overall-label").textContent = label;
    $("batch-summary").textContent = total ? this.summary() : "";
    $("cancel").disabled = !busy;
    $("zip").disabled = $("save-folder").disabled = done === 0 || busy;
    $("receipt").disabled = $("receipt-json").disabled = done === 0 || busy;
    $("clear").disabled = total === 0 || busy;
    const todo = this.items.items.filter((i) => this.needsWork(i)).length;
    $("process").disabled = todo === 0;
    $("process").hidden = todo === 0 && cancelled === 0;  // with auto re-run it is only for cancelled files
    $("process").textContent = todo ? `Process ${todo} again` : "Process all";
    const table = this.isTable();
    $("files").classList.toggle("table", table);
    $("view-table").setAttribute("aria-pressed", String(table));
    $("view-options").hidden = total < 2;
  }
}
