// Page wiring: files in, one card per file, the recipe, results out. Every decision about bytes is Python's.
import { EngineBridge } from "./bridge.js";
import { onFiles, saveBytes } from "./files.js";
import { FileCard } from "./cards.js";
import { Batch } from "./batch.js";
import { RecipePanel } from "./recipe-panel.js";
import { CropEditor } from "./crop.js";
import { CompareDialog } from "./compare.js";
import { WatermarkPreview } from "./watermark-preview.js";
import { watchOffline } from "./offline.js";

const $ = (id) => document.getElementById(id);
const engine = new EngineBridge();
const batch = new Batch(engine);
const panel = new RecipePanel($("recipe"));
const crop = new CropEditor();
const compare = new CompareDialog();
const preview = new WatermarkPreview($("wm-preview"), $("wm-preview-caption"));
let selected = null;

// --- engine status ---------------------------------------------------------------------------------------

engine.addEventListener("boot", (e) => {
  // Also after a cancel: the engine is restarted and says so until it is ready again.
  $("engine").dataset.state = "booting";
  $("engine-progress").max = e.detail.total;
  $("engine-progress").value = e.detail.step - 1;
  $("engine-label").textContent = `${e.detail.label}…`;
});
engine.addEventListener("ready", (e) => {
  $("engine-progress").value = $("engine-progress").max;
  $("engine").dataset.state = "ready";
  $("engine-label").textContent = "Engine ready";
  const v = e.detail.versions;
  $("versions").textContent = `Engine ${v.imagestudio} · Pillow ${v.pillow} · Pyodide ${v.pyodide}.`;
});
engine.addEventListener("fatal", (e) => {
  $("engine").dataset.state = "error";
  $("engine-label").textContent = e.detail.message;
});
// Whether the engine starts or fails, the page is then kept for offline use.
watchOffline($("offline"), new Promise((settled) => {
  engine.addEventListener("ready", settled, { once: true });
  engine.addEventListener("fatal", settled, { once: true });
}));

// --- the recipe: defaults and presets come from Python -----------------------------------------------------

// Resolves with true when the engine has the `process` operation (and its catalogue), false otherwise.
async function loadCatalogue() {
  let result = await engine.call("presets", "", null, {});
  // A cancel or crash during start-up restarts the engine: ask again rather than give up on the presets.
  for (let tries = 0; !result.ok && ["cancelled", "worker_crashed"].includes(result.error.code) && tries < 3; tries += 1) {
    result = await engine.call("presets", "", null, {});
  }
  return result;
}
const catalogueReady = loadCatalogue().then((result) => {
  const catalogue = result.ok ? result.report : null;  // recipe.catalogue(): defaults, presets, choices
  if (!catalogue?.defaults) {
    // Files are then only cleaned (losslessly), which the engine can still do.
    $("preset-list").replaceChildren(Object.assign(document.createElement("p"), {
      className: "file-error", textContent: `The recipe could not be loaded: ${result.ok ? "no presets" : result.error.message}. Files are only cleaned.` }));
    $("watermark").hidden = true;
    return false;
  }
  panel.build(catalogue);
  crop.enableRotation();
  preview.setWatermark(panel.recipe.watermark);
  $("wm-preview-box").hidden = true;  // shown once a watermark is chosen
  return true;
});

panel.addEventListener("change", () => {
  preview.setWatermark(panel.recipe.watermark);
  $("wm-preview-box").hidden = panel.watermarkKind() === "none";
  refreshStale();
});

// --- files -------------------------------------------------------------------------------------------------

function addFiles(files) {
  for (const file of files) {
    const item = { file, box: null, rotate: 0 };
    item.card = new FileCard(file, {
      onRemove: () => removeItem(item),
      onCrop: () => editCrop(item),
      onCompare: () => compare.open(item.card, item.box, item.rotate),
      onSelect: () => select(item),
      onRetry: () => batch.enqueue(item, (stale) => run(item, stale)),
    });
    batch.add(item);
    $("files").append(item.card.root);
    if (!selected) select(item);
    batch.enqueue(item, (stale) => run(item, stale));
  }
}

function select(item) {
  selected?.card.setSelected(false);
  selected = item;
  item?.card.setSelected(true);
  preview.setPhoto(item?.card || null);
}

function removeItem(item) {
  batch.remove(item);
  item.card.dispose();
  if (selected === item) select(batch.items[0] || null);
}

function recipeFor(item) {
  return panel.recipeFor({ box: item.box, rotate: item.rotate });
}

// Errors where trying again can help; the engine's other codes describe the file itself.
const RETRYABLE = new Set(["cancelled", "worker_crashed", "worker", "timeout", "internal"]);

// One file through the engine: inspect (the report and badge), then process with the current recipe.
// `stale()` turns true when the batch was cancelled meanwhile: the answer is then dropped.
async function run(item, stale) {
  const card = item.card;
  card.setState("working", engine.ready ? "Reading…" : "Waiting for the engine…");
  if (!card.report) {
    const inspected = await engine.call("inspect", item.file.name, await item.file.arrayBuffer(), {});
    if (stale()) return;
    if (!inspected.ok) return card.showError(inspected.error.message, RETRYABLE.has(inspected.error.code));
    card.showReport(inspected.report);
  }
  const hasProcess = await catalogueReady;
  if (stale()) return;
  card.setState("working", "Working…");
  const recipe = hasProcess ? recipeFor(item) : null;
  // `process` takes the recipe itself as its options: the same JSON as the command line's --recipe.
  const options = hasProcess ? recipe : { policy: panel.recipe?.policy || {} };
  const result = await engine.call(hasProcess ? "process" : "clean", item.file.name, await item.file.arrayBuffer(), options);
  if (stale()) return;
  item.recipeKey = JSON.stringify(recipe);
  if (!result.ok) return card.showError(result.error.message, RETRYABLE.has(result.error.code));
  card.showResult(result);
  card.setStale(false);
}

function refreshStale() {
  for (const item of batch.items) {
    const stale = item.recipeKey !== undefined && item.recipeKey !== JSON.stringify(recipeFor(item));
    item.card.setStale(stale);
  }
  renderBatch();
}

async function editCrop(item) {
  const choice = await crop.open(item.card, {
    crop: item.box && { x: item.box[0], y: item.box[1], width: item.box[2] - item.box[0], height: item.box[3] - item.box[1] },
    rotate: item.rotate,
  });
  if (!choice) return;
  item.box = choice.crop && [choice.crop.x, choice.crop.y, choice.crop.x + choice.crop.width, choice.crop.y + choice.crop.height];
  item.rotate = choice.rotate;
  item.card.root.classList.toggle("cropped", Boolean(item.box));
  batch.enqueue(item, (stale) => run(item, stale));
}

// --- the batch bar -----------------------------------------------------------------------------------------

function renderBatch() {
  const { total, done, failed, cancelled, waiting } = batch.stats();
  const staleCount = batch.items.filter((i) => i.card.root.classList.contains("stale")).length;
  const overall = $("overall");
  overall.max = Math.max(1, total);
  overall.value = total - waiting;
  $("batch").dataset.state = batch.busy ? "busy" : total ? "idle" : "empty";
  $("file-count").textContent = total ? `(${total})` : "";
  let label = "No files yet.";
  if (total) {
    label = batch.busy ? `Working: ${total - waiting} of ${total} finished` : `${done} of ${total} ready`;
    if (failed) label += ` · ${failed} failed`;
    if (cancelled) label += ` · ${cancelled} cancelled`;
    if (staleCount && !batch.busy) label += ` · ${staleCount} need the new recipe`;
  }
  $("overall-label").textContent = label;
  $("cancel").disabled = !batch.busy;
  $("zip").disabled = done === 0 || batch.busy;
  $("clear").disabled = total === 0 || batch.busy;
  const todo = batch.items.filter(needsWork).length;
  $("process").disabled = todo === 0 || batch.busy;
  $("process").textContent = staleCount ? `Process ${staleCount} with the new recipe` : todo ? `Process ${todo}` : "Process all";
}
batch.addEventListener("change", renderBatch);

// Only what is not already done with the current recipe.
// Cancelled files, and results made with another recipe (a file the engine cannot read stays as it is).
function needsWork(item) {
  if (item.pending) return false;
  const state = item.card.root.dataset.state;
  if (state === "cancelled") return true;
  return Boolean(item.card.report) && item.recipeKey !== undefined && item.recipeKey !== JSON.stringify(recipeFor(item));
}
$("process").addEventListener("click", () => {
  for (const item of batch.items.filter(needsWork)) batch.enqueue(item, (stale) => run(item, stale));
});
$("cancel").addEventListener("click", () => {
  for (const item of batch.cancel()) {
    item.card.setState("cancelled", "Cancelled");
    item.card.retryButton.hidden = false;
  }
  renderBatch();
  $("process").focus();
});
$("clear").addEventListener("click", () => {
  for (const item of [...batch.items]) removeItem(item);
  $("dropzone").focus();
});
$("zip").addEventListener("click", () => downloadZip());

async function downloadZip() {
  const done = batch.items.filter((i) => i.card.output && i.card.root.dataset.state === "done");
  if (!done.length) return;
  $("zip").disabled = true;
  $("overall-label").textContent = `Packing ${done.length} file(s) into a ZIP…`;
  // The engine's `zip` operation takes the files one after another in one buffer, with their names and sizes.
  const outputs = done.map((i) => new Uint8Array(i.card.output.data));
  const total = outputs.reduce((n, b) => n + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const bytes of outputs) { joined.set(bytes, at); at += bytes.byteLength; }
  const files = done.map((i, k) => ({ name: i.card.output.name, size: outputs[k].byteLength }));
  const result = await engine.call("zip", "image-studio.zip", joined.buffer, { files });
  renderBatch();
  if (!result.ok) {
    $("overall-label").textContent = `The ZIP could not be made: ${result.error.message}`;
    return;
  }
  saveBytes(result.data, result.mime || "application/zip", result.name || "image-studio.zip");
  $("overall-label").textContent = `Saved ${result.name || "image-studio.zip"} (${done.length} file(s)).`;
}

// --- recipe export / import ----------------------------------------------------------------------------------

$("recipe-export").addEventListener("click", () => {
  if (!panel.recipe) return;
  const json = `${JSON.stringify(panel.exportable(), null, 2)}\n`;
  saveBytes(new TextEncoder().encode(json), "application/json", "image-studio-recipe.json");
  $("recipe-message").textContent = "Recipe saved. Use it on the command line: python -m imagestudio process --recipe image-studio-recipe.json";
});
$("recipe-import-button").addEventListener("click", () => $("recipe-import").click());
$("recipe-import").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file || !panel.recipe) return;
  try {
    panel.import(JSON.parse(await file.text()));
    $("recipe-message").textContent = `Recipe ${file.name} loaded.`;
  } catch (err) {
    $("recipe-message").textContent = `${file.name} is not a recipe: ${err.message}`;
  }
});

// Folder picking where the browser has it (all current desktop browsers; most phones do not).
const folderPicker = $("folder-picker");
if (!("webkitdirectory" in folderPicker) || /Android|iPhone|iPad/.test(navigator.userAgent)) $("folder-choice").hidden = true;
onFiles($("dropzone"), $("picker"), addFiles, { overlay: $("drop-overlay"), folderPicker });
renderBatch();
