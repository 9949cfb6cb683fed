// Page wiring: files in, one model and card per file, the recipe, results out. Every decision about bytes is
// Python's; the one job queue is the engine bridge's.
import { EngineBridge } from "./bridge.js";
import { onFiles, saveBytes, inertType } from "./files.js";
import { zipResults, canWriteFolder, writeFolder } from "./download-all.js";
import { keepResult } from "./result-store.js";
import { FileCard } from "./cards.js";
import { FileItem, FileItems } from "./file-state.js";
import { BatchBar } from "./batch-bar.js";
import { RecipePanel } from "./recipe-panel.js";
import { CropEditor } from "./crop.js";
import { CompareDialog } from "./compare.js";
import { WatermarkPreview } from "./watermark-preview.js";
import { watchOffline } from "./offline.js";
import { watchAppEntry } from "./app-entry.js";

const $ = (id) => document.getElementById(id);
const engine = new EngineBridge();
const items = new FileItems();
const panel = new RecipePanel($("recipe"));
const crop = new CropEditor();
const compare = new CompareDialog(engine, panel);
const preview = new WatermarkPreview($("wm-preview"), $("wm-preview-caption"));
let catalogue = null;
let selected = null;

// A recipe change re-runs finished files by itself once the user stops adjusting for this long
// (typing a number, dragging a slider); their older jobs are cancelled.
const RERUN_DELAY_MS = 400;

// --- engine status ---------------------------------------------------------------------------------------

engine.addEventListener("boot", (e) => {
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
// Once the engine has started, the page is kept for offline use; an engine that cannot start is not.
watchOffline($("offline"), new Promise((settled) => {
  engine.addEventListener("ready", () => settled(true), { once: true });
  engine.addEventListener("fatal", () => settled(false), { once: true });
}));

// --- the catalogue: defaults, presets, limits and page facts come from Python ------------------------------

// A small job: waiting for it never starts a second worker (whose start would compete with the first file's work).
const askCatalogue = () => engine.call("presets", "", null, {}, { grow: false });

async function loadCatalogue() {
  let result = await askCatalogue();
  // A crash during start-up restarts the engine: ask again rather than give up on the presets.
  for (let tries = 0; !result.ok && ["cancelled", "worker_crashed"].includes(result.error.code) && tries < 3; tries += 1) {
    result = await askCatalogue();
  }
  return result;
}
// Resolves with true when the engine has the `process` operation (and its catalogue), false otherwise.
const catalogueReady = loadCatalogue().then((result) => {
  catalogue = result.ok && result.report?.defaults ? result.report : null;
  if (!catalogue) {
    // Files are then only cleaned (losslessly), which the engine can still do.
    $("preset-list").replaceChildren(Object.assign(document.createElement("p"), {
      className: "file-error", textContent: `The recipe could not be loaded: ${result.ok ? "no presets" : result.error.message}. Files are only cleaned.` }));
    $("watermark").hidden = true;
    return false;
  }
  panel.build(catalogue);
  crop.enable(catalogue.choices.aspects);
  compare.setFormats(catalogue.choices.formats);
  preview.setGeometry(catalogue.watermark);
  preview.setWatermark(panel.recipe.watermark);
  $("wm-preview-box").hidden = true;  // shown once a watermark is chosen
  for (const item of items.items) item.update({});  // badges now know what the recipe keeps
  return true;
});

// What a badge needs: which findings a clean keeps and the words for them (catalogue), and whether this recipe
// keeps them.
const badgeFacts = () => ({ kept: catalogue?.kept_by_policy || {}, policy: panel.recipe?.policy || {},
  words: catalogue?.badge_words || {} });

let rerunTimer = 0;
panel.addEventListener("change", () => {
  preview.setWatermark(panel.recipe.watermark);
  $("wm-preview-box").hidden = panel.watermarkKind() === "none";
  // Results made with the old recipe say so at once; they are made again once the user pauses.
  for (const item of items.items) {
    if (item.output && item.recipeKey !== keyFor(item)) item.update({ stale: true, status: "Recipe changed — updating…" });
  }
  clearTimeout(rerunTimer);
  rerunTimer = setTimeout(rerunStale, RERUN_DELAY_MS);
});

// Files whose result (done, or on its way) was made with another recipe run again; their old jobs end.
// The photo open in the compare view goes first.
function rerunStale() {
  const order = [...items.items].sort((a, b) => Number(b === compare.item) - Number(a === compare.item));
  for (const item of order) {
    const key = keyFor(item);
    const outdated = item.output ? item.recipeKey !== key : item.busy && item.runningKey !== undefined && item.runningKey !== key;
    if (outdated && item.state !== "error" && item.state !== "cancelled") run(item);
  }
}

// --- files -------------------------------------------------------------------------------------------------

// Cards are made a slice at a time: a folder of hundreds of files never holds the page for long.
const ADD_SLICE_MS = 25;
const nextTask = () => new Promise((resolve) => setTimeout(resolve));

async function addFiles(entries, skipped = []) {
  bar.setSkipped(skipped);
  let sliceStart = performance.now();
  for (const { file, path } of entries) {
    if (performance.now() - sliceStart > ADD_SLICE_MS) {
      await nextTask();
      sliceStart = performance.now();
    }
    const item = new FileItem(file, path);
    const card = new FileCard(item, {
      facts: badgeFacts,
      onRemove: () => removeByHand(item),
      onCrop: () => editCrop(item, card),
      onCompare: () => compare.open(item, card),
      onSelect: () => select(item),
      onRetry: () => run(item),
      onShare: () => share(item),
      onVisible: () => showThumbnail(item),
    });
    item.card = card;
    items.add(item);
    $("files").append(card.root);
    if (!selected) select(item);
    run(item);
  }
}

// A card near the screen asks the engine for its thumbnail once, ahead of the queue (only visible cards ask).
// Removing the card drops the request.
async function showThumbnail(item) {
  item.thumbnailJob = new AbortController();
  const made = await engine.call("inspect", item.path, item.file, { thumbnail: true },
    { first: true, grow: false, signal: item.thumbnailJob.signal });
  if (item.thumbnailJob.signal.aborted) return;
  const thumbnail = made.ok && made.data ? new Blob([made.data], { type: "image/jpeg" }) : null;
  item.update({ thumbnail, upright: made.ok ? made.report.upright || null : null });
}

function select(item) {
  selected?.card.setSelected(false);
  selected = item;
  item?.card.setSelected(true);
  preview.setPhoto(item?.card || null);
}

function removeItem(item) {
  item.thumbnailJob?.abort();
  item.output?.release({ now: true });
  items.remove(item);  // its jobs stop: queued ones leave the queue, a running one ends only its own worker
  item.card.dispose();
  if (selected === item) select(items.items[0] || null);
}

// The card's own Remove button: the focus moves to the same button on the next card (or the one before, or
// "Choose files" once none is left), so a keyboard user keeps their place in the list.
function removeByHand(item) {
  const hadFocus = item.card.root.contains(document.activeElement);
  const at = items.items.indexOf(item);
  removeItem(item);
  if (!hadFocus) return;
  const neighbour = items.items[at] || items.items[at - 1];
  (neighbour ? neighbour.card.removeButton : $("choose-files")).focus();
}

function recipeFor(item) {
  return panel.recipeFor({ box: item.box, rotate: item.rotate, index: item.index });
}

// The recipe as text, read once per task however many files ask (the batch bar asks for every file each frame).
let recipeText = null;
function currentRecipeText() {
  if (recipeText === null) {
    recipeText = JSON.stringify(panel.recipe);
    queueMicrotask(() => { recipeText = null; });
  }
  return recipeText;
}

// A file's recipe as text (what its result was made with is compared with it): made again only when the
// recipe, the file's crop or turn, or its number in the batch changed.
function keyFor(item) {
  const base = currentRecipeText();
  const memo = item.keyMemo;
  if (!memo || memo.base !== base || memo.index !== item.index || memo.box !== item.box || memo.rotate !== item.rotate) {
    item.keyMemo = { base, index: item.index, box: item.box, rotate: item.rotate, key: JSON.stringify(recipeFor(item)) };
  }
  return item.keyMemo.key;
}

// Errors where trying again can help; the engine's other codes describe the file itself.
const RETRYABLE = new Set(["cancelled", "worker_crashed", "worker", "timeout", "internal"]);

function fail(item, error) {
  item.update({ state: "error", status: "Failed", error: { message: error.message, retryable: RETRYABLE.has(error.code) } });
}

// One file through the engine: inspect (the report and badge), then process with the current recipe.
// A newer run of the same file, a cancel or a removal aborts this one: its answers are then dropped.
async function run(item) {
  item.job?.abort();
  const job = new AbortController();
  const { signal } = job;
  item.update({ job, state: item.output ? "done" : "queued", error: null,
    status: item.stale ? "Recipe changed — updating…" : engine.ready ? "Waiting…" : "Waiting for the engine…" });
  const started = (status) => () => item.update({ state: "working", status, progress: null });
  const onProgress = ({ label, fraction }) => item.update({ status: label, progress: fraction });
  try {
    if (!item.report) {
      const inspected = await engine.call("inspect", item.path, item.file, {},
        { signal, onStart: started("Reading…"), onProgress });
      if (signal.aborted) return;
      if (!inspected.ok) return fail(item, inspected.error);
      item.update({ report: inspected.report, state: "queued", status: "Waiting…" });  // the process job waits its turn
    }
    const hasProcess = await catalogueReady;
    if (signal.aborted) return;
    const recipe = hasProcess ? recipeFor(item) : null;
    const key = JSON.stringify(recipe);
    item.runningKey = key;
    // `process` takes the recipe itself as its options: the same JSON as the command line's --recipe.
    const options = hasProcess ? recipe : { policy: panel.recipe?.policy || {} };
    const result = await engine.call(hasProcess ? "process" : "clean", item.path, item.file, options,
      { signal, onStart: started(item.stale ? "Updating…" : "Working…"), onProgress });
    if (signal.aborted) return;
    if (!result.ok) return fail(item, result.error);
    // A Blob in memory, or past a few hundred MB of results a File on disk (result-store.js); "Download all"
    // chains it into the ZIP without a copy.
    const kept = await keepResult(result.data, inertType(result.mime));
    if (signal.aborted) return kept.release();
    item.output?.release();
    const output = { ...result, data: kept.data, release: kept.release };
    // Still stale if the recipe changed while this job ran (its re-run is on its way).
    item.update({ output, recipeKey: key, stale: key !== keyFor(item), state: "done", downloaded: false,
      status: result.report?.lossless ? "Done — pixels untouched" : "Done" });
  } finally {
    if (item.job === job) item.update({ job: null, runningKey: undefined });
  }
}

async function editCrop(item, card) {
  const choice = await crop.open(card, {
    crop: item.box && { x: item.box[0], y: item.box[1], width: item.box[2] - item.box[0], height: item.box[3] - item.box[1] },
    rotate: item.rotate,
  });
  if (!choice) return;
  item.update({
    box: choice.crop && [choice.crop.x, choice.crop.y, choice.crop.x + choice.crop.width, choice.crop.y + choice.crop.height],
    rotate: choice.rotate, stale: Boolean(item.output),
  });
  run(item);
}

async function share(item) {
  const { data, mime, name } = item.output;
  const file = new File([data], name, { type: mime });
  if (!navigator.canShare?.({ files: [file] })) return;
  try {
    await navigator.share({ files: [file] });
    item.update({ downloaded: true });
  } catch { /* the user closed the share sheet */ }
}

// --- the batch bar -----------------------------------------------------------------------------------------

const bar = new BatchBar(items, { keyFor });
$("process").addEventListener("click", () => {
  for (const item of items.items.filter((i) => bar.needsWork(i))) run(item);
});
$("cancel").addEventListener("click", () => {
  for (const item of items.items.filter((i) => i.busy)) {
    item.job.abort();  // queued jobs leave the queue; only workers busy with these jobs end
    item.update({ state: "cancelled", status: "Cancelled", stale: false });
  }
  $("process").focus();
});
$("clear").addEventListener("click", () => {
  for (const item of [...items.items]) removeItem(item);
  bar.setSkipped([]);
  $("choose-files").focus();  // the next step: add files (the drop zone itself takes no focus)
});
$("zip").addEventListener("click", () => downloadAll(false));
$("save-folder").hidden = !canWriteFolder();  // shown in the page as served: no layout shift where it stays
$("save-folder").addEventListener("click", () => downloadAll(true));
$("receipt").addEventListener("click", () => downloadReceipt(true));
$("receipt-json").addEventListener("click", () => downloadReceipt(false));

// The privacy receipt of every finished file, made by the engine from their reports (a page or JSON).
async function downloadReceipt(page) {
  const done = items.items.filter((i) => i.output && i.state === "done");
  if (!done.length) return;
  const name = page ? "privacy-receipt.html" : "privacy-receipt.json";
  const result = await engine.call("receipt", name, null,
    { reports: done.map((i) => i.output.report), page });
  if (!result.ok) return bar.say(`The receipt could not be made: ${result.error.message}`);
  saveBytes(result.data, result.mime, result.name);
}

// The ZIP is made piece by piece (download-all.js): the engine writes its headers, the page chains them with
// the results it holds. Or, where the browser allows it, the results go into a folder the user picks.
async function downloadAll(toFolder) {
  const done = items.items.filter((i) => i.output && i.state === "done");
  if (!done.length) return;
  const options = { folders: $("zip-folders").checked,
    keepDates: Boolean(panel.recipe?.output?.keep_file_dates) };  // else the engine dates every entry 1980-01-01
  let folder = null;
  if (toFolder) {
    try {
      folder = await window.showDirectoryPicker({ mode: "readwrite", id: "image-studio-results" });
    } catch {
      return;  // the user closed the folder picker
    }
  }
  $("zip").disabled = $("save-folder").disabled = true;
  const step = (finished, total) => bar.say(`${toFolder ? "Saving" : "Packing"} ${finished} of ${total}…`);
  step(0, done.length);
  const result = toFolder
    ? await writeFolder(engine, done, folder, options, step)
      .catch((err) => ({ ok: false, error: { message: `${folder.name}: ${err.message}` } }))
    : await zipResults(engine, done, options, step);
  bar.render();
  if (!result.ok) return bar.say(`The files could not be saved: ${result.error.message}`);
  if (!toFolder) saveBytes(result.blob, "application/zip", result.name);
  for (const item of done) item.downloaded = true;
  const where = toFolder ? `${done.length} file(s) into ${folder.name}` : `${result.name} (${done.length} file(s))`;
  bar.say(`Saved ${where}.`);
}

// Closing the tab with results not yet saved loses them: the browser asks first.
window.addEventListener("beforeunload", (event) => {
  if (items.items.some((i) => i.output && !i.downloaded)) {
    event.preventDefault();
    event.returnValue = "";
  }
});

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
  // Python reads and checks the file against its own schema (unknown keys refused); the panel only ever
  // takes the recipe the engine returns, never the file's own objects.
  const checked = await engine.call("import_recipe", file.name, await file.arrayBuffer(), {});
  if (!checked.ok) {
    $("recipe-message").textContent = checked.error.message;
    return;
  }
  try {
    panel.import(checked.report.recipe);
    $("recipe-message").textContent = `Recipe ${file.name} loaded.`;
  } catch (err) {
    $("recipe-message").textContent = `${file.name} is not a recipe: ${err.message}`;
  }
});

// Folder picking where the browser has it (all current desktop browsers; most phones do not).
const folderPicker = $("folder-picker");
if (!("webkitdirectory" in folderPicker) || /Android|iPhone|iPad/.test(navigator.userAgent)) $("folder-choice").hidden = true;
onFiles($("dropzone"), $("picker"), addFiles, { overlay: $("drop-overlay"), folderPicker });
watchAppEntry(addFiles);  // "Open with" on the desktop, photos shared from a phone's gallery
bar.render();
