// Getting files in (picker, folder picker, drag and drop over the whole window, paste) and out (Blob downloads).

// Files found inside a dropped or picked folder: keep pictures, skip .DS_Store, Thumbs.db and the like.
const PICTURE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|bmp|heic|heif|avif)$/i;
const isPicture = (file) => file.type.startsWith("image/") || PICTURE_EXTENSIONS.test(file.name);

// handle(entries, skipped): entries are {file, path} (path: relative inside a folder, else the name);
// skipped: the paths of non-picture files left out of a folder.
function fromFolder(found, handle) {
  const entries = found.filter((e) => isPicture(e.file));
  handle(entries, found.filter((e) => !isPicture(e.file)).map((e) => e.path));
}

export function onFiles(target, picker, handle, { folderPicker, overlay } = {}) {
  picker.addEventListener("change", () => {
    handle([...picker.files].map((file) => ({ file, path: file.name })), []);
    picker.value = "";  // choosing the same file again still fires
  });
  folderPicker?.addEventListener("change", () => {
    fromFolder([...folderPicker.files].map((file) => ({ file, path: file.webkitRelativePath || file.name })), handle);
    folderPicker.value = "";
  });

  // The whole window is the drop zone; a counter survives dragenter/dragleave pairs from child elements.
  let depth = 0;
  const setDragging = (on) => {
    document.body.classList.toggle("dragging", on);
    overlay?.setAttribute("aria-hidden", String(!on));
  };
  const carriesFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  window.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    setDragging(true);
  });
  window.addEventListener("dragover", (event) => {
    if (carriesFiles(event)) event.preventDefault();  // allows the drop
  });
  window.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDragging(false);
  });
  window.addEventListener("drop", async (event) => {
    if (!carriesFiles(event)) return;  // text dragged into a field is the field's business
    event.preventDefault();
    depth = 0;
    setDragging(false);
    const found = await droppedFiles(event.dataTransfer);
    if (found.folder) fromFolder(found.entries, handle);
    else if (found.entries.length) handle(found.entries, []);
  });

  window.addEventListener("paste", (event) => {
    if (event.target.closest?.("input, textarea")) return;  // pasting text into a field is not adding photos
    const files = [...(event.clipboardData?.files || [])];
    if (!files.length) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
    // Clipboard images all arrive as "image.png": give each a name of its own.
    const named = files.map((f, i) => (f.name && f.name !== "image.png" ? f
      : new File([f], `pasted-${stamp}-${i + 1}.${(f.type.split("/")[1] || "bin")}`, { type: f.type })));
    handle(named.map((file) => ({ file, path: file.name })), []);
  });

  // The drop zone's own buttons open the pickers; a click elsewhere on the zone opens the file picker.
  target.addEventListener("click", (event) => {
    if (event.target.closest("#choose-folder")) folderPicker?.click();
    else if (!event.target.closest("input")) picker.click();
  });
}

// Folders are walked where the browser gives directory entries (Chromium, Firefox, Safari);
// otherwise the plain file list is used. Resolves with {folder, entries: [{file, path}]}.
async function droppedFiles(dataTransfer) {
  if (!dataTransfer) return { folder: false, entries: [] };
  const entries = [...(dataTransfer.items || [])]
    .map((item) => (item.kind === "file" && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
  if (!entries.some((entry) => entry?.isDirectory)) {
    return { folder: false, entries: [...dataTransfer.files].map((file) => ({ file, path: file.name })) };
  }
  const out = [];
  for (const entry of entries) if (entry) await walk(entry, out);
  return { folder: true, entries: out };
}

async function walk(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\/+/, "") || file.name });
    return;
  }
  const reader = entry.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;  // readEntries hands out at most 100 at a time
    for (const child of batch) await walk(child, out);
  }
}

// Never a same-origin blob: URL of an active type: an SVG or HTML file opened from one ("Open image in new
// tab") would run its scripts as this site. Only image types other than SVG, and the inert types the page saves.
const INERT_TYPES = new Set(["application/zip", "application/json", "application/octet-stream"]);
// Dropped bytes are shown before the engine has read them: with this fixed raster type, whatever they are.
// (Browsers pick the image decoder from the bytes themselves, so a PNG or WebP still shows.)
export const PREVIEW_TYPE = "image/jpeg";

export function inertType(mime) {
  const image = /^image\/[\w.+-]+$/.test(mime) && !/svg|xml|html/i.test(mime);
  return image || INERT_TYPES.has(mime) ? mime : "application/octet-stream";
}

export function blobUrl(bytes, mime) {
  return URL.createObjectURL(new Blob([bytes], { type: inertType(mime) }));
}

export function downloadLink(bytes, mime, name) {
  const link = document.createElement("a");
  link.href = blobUrl(bytes, mime);
  link.download = name;
  return link;
}

export function saveBytes(bytes, mime, name) {
  const link = downloadLink(bytes, mime, name);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// Binary units, named as such, like the recipe's "At most (KiB)": one unit everywhere on the page.
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
