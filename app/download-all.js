// "Download all": the results the page already holds, as one ZIP made piece by piece, or written into a folder.
// Every byte of the ZIP's own (names, headers, dates, directory) is the engine's (py/imagestudio/zip_parts.py);
// this only chains those pieces with the results into one Blob, so no buffer of the whole batch is ever made
// (the browser keeps a Blob of parts as references, and may keep large ones on disk).

// Each result's folder inside the batch, when the user keeps folders.
function entryName(item, folders) {
  const folder = folders && item.path.includes("/") ? item.path.slice(0, item.path.lastIndexOf("/") + 1) : "";
  return folder + item.output.name;
}

// The engine's safe, unique names (and the dates to write) for these results, before any bytes move.
async function plan(engine, done, { folders, keepDates }) {
  const files = done.map((i) => ({ name: entryName(i, folders), modified: i.file.lastModified }));
  return engine.call("zip_names", "image-studio.zip", null, { files, folders, keep_file_dates: keepDates });
}

// Resolves with {ok, blob, name, count} or {ok: false, error}. onEntry(finished, total) after each entry.
export async function zipResults(engine, done, options, onEntry = () => {}) {
  const names = await plan(engine, done, options);
  if (!names.ok) return names;
  const { entries } = names.report;
  let finished = 0;
  // Queued on the pool together; each result's bytes are read only when a worker takes its job. A stored
  // entry's header needs only the CRC the result came with: its bytes stay where they are.
  const pieces = await Promise.all(done.map(async (item, i) => {
    const { name, date, stored } = entries[i];
    const crc = item.output.report?.crc32;
    const made = stored && Number.isInteger(crc)
      ? await engine.call("zip_entry", name, null, { name, date, crc, size: item.output.data.size })
      : await engine.call("zip_entry", name, item.output.data, { name, date });
    onEntry(++finished, done.length);
    return made;
  }));
  const failed = pieces.find((p) => !p.ok);
  if (failed) return failed;
  const end = await engine.call("zip_end", names.name, null, { records: pieces.map((p) => p.report.record) });
  if (!end.ok) return end;
  const parts = pieces.flatMap((p, i) => (p.report.append_original ? [p.data, done[i].output.data] : [p.data]));
  parts.push(end.data);
  return { ok: true, blob: new Blob(parts, { type: "application/zip" }), name: names.name, count: done.length };
}

// Where the browser lets a page write into a folder the user picks (File System Access API).
export const canWriteFolder = () => typeof window.showDirectoryPicker === "function";

// Writes each result into `folder` (a FileSystemDirectoryHandle) under the engine's safe, unique names,
// in sub-folders when the user keeps them. Resolves with {ok, count} or {ok: false, error}.
export async function writeFolder(engine, done, folder, options, onEntry = () => {}) {
  const names = await plan(engine, done, options);
  if (!names.ok) return names;
  const { entries } = names.report;
  for (let i = 0; i < done.length; i += 1) {
    const parts = entries[i].name.split("/");
    let dir = folder;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
    const file = await dir.getFileHandle(parts[parts.length - 1], { create: true });
    const writable = await file.createWritable();
    await writable.write(done[i].output.data);
    await writable.close();
    onEntry(i + 1, done.length);
  }
  return { ok: true, count: done.length };
}
