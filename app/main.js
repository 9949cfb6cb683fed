// Page wiring: files in, one card per file, results out. Every decision about bytes is Python's.
import { EngineBridge } from "./bridge.js";
import { onFiles, downloadLink, formatBytes } from "./files.js";

const engine = new EngineBridge();
const list = document.getElementById("files");
const engineBox = document.getElementById("engine");
const engineLabel = document.getElementById("engine-label");
const engineProgress = document.getElementById("engine-progress");

engine.addEventListener("boot", (e) => {
  engineProgress.max = e.detail.total;
  engineProgress.value = e.detail.step - 1;
  engineLabel.textContent = `${e.detail.label}…`;
});
engine.addEventListener("ready", (e) => {
  engineProgress.value = engineProgress.max;
  engineBox.dataset.state = "ready";
  engineLabel.textContent = "Engine ready — works offline";
  const v = e.detail.versions;
  document.getElementById("versions").textContent =
    `Engine ${v.imagestudio} · Pillow ${v.pillow} · Pyodide ${v.pyodide}.`;
});
engine.addEventListener("fatal", (e) => {
  engineBox.dataset.state = "error";
  engineLabel.textContent = e.detail.message;
});

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function summaryChips(summary) {
  const chips = el("ul", "chips");
  const add = (text, tone) => chips.append(el("li", `chip ${tone}`, text));
  if (summary.location) add(`Location: ${summary.gps || "yes"}`, "danger");
  else add("No GPS position", "ok");
  if (summary.camera) add(`Camera: ${summary.camera}`, "warn");
  if (summary.captured) add(`Taken: ${summary.captured}`, "warn");
  return chips;
}

function findingsList(findings) {
  const details = el("details", "findings");
  details.append(el("summary", "", `What it revealed (${findings.length})`));
  const table = el("ul", "finding-list");
  for (const f of findings) {
    const item = el("li", `finding kind-${f.kind}`);
    item.append(el("span", "f-label", f.label), el("span", "f-value", f.value), el("span", "f-where", f.where));
    table.append(item);
  }
  details.append(table);
  return details;
}

async function processFile(file) {
  const card = el("li", "file");
  card.dataset.state = "queued";
  const head = el("div", "file-head");
  const title = el("span", "file-name", file.name);
  const size = el("span", "file-size", formatBytes(file.size));
  const status = el("span", "file-status", engine.ready ? "Cleaning…" : "Waiting for the engine…");
  head.append(title, size, status);
  card.append(head);
  list.prepend(card);

  const data = await file.arrayBuffer();
  card.dataset.state = "working";
  const result = await engine.call("clean", file.name, data, { policy: {} });
  if (!result.ok) {
    card.dataset.state = "error";
    status.textContent = "Failed";
    card.append(el("p", "file-error", result.error.message));
    return;
  }
  card.dataset.state = "done";
  const report = result.report;
  status.textContent = `Cleaned: ${report.removed.length} item(s) removed · ${formatBytes(report.bytes_out)}`;
  card.append(summaryChips(report.summary));
  if (report.findings.length) card.append(findingsList(report.findings));
  const link = downloadLink(result.data, result.mime, result.name);
  link.className = "button download";
  link.textContent = `Download ${result.name}`;
  card.append(link);
}

onFiles(document.getElementById("dropzone"), document.getElementById("picker"),
  (files) => files.forEach((file) => processFile(file)));

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("sw.js").catch(() => { /* the page still works online */ });
}
