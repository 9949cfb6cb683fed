// Where finished results wait for their download. A few hundred results are gigabytes: held as Blobs they stay in
// the browser's memory (Chrome keeps up to ~2 GB of Blobs in RAM before it pages any to disk), which is what
// made a 500-photo batch pass 2 GB. So once the results held pass IN_MEMORY_BYTES, each new one is written into
// the origin's private file system (OPFS) as it arrives and the page keeps only the File read back from disk:
// the ZIP and every download read it from there. Small sessions never write anything to disk.
//
// The files are this tab's own (a folder with a random name, held by a Web Lock while the tab lives). They are
// removed when their result is replaced or its file removed from the batch, and the folder when the tab closes;
// folders a closed or crashed tab left behind are removed at the next start. Where OPFS or its writable files
// are missing (some private windows, older browsers), results stay in memory as before.

const IN_MEMORY_BYTES = globalThis.imageStudioResultsInMemory ?? 128 * 1024 * 1024;  // tests set it lower
const ROOT = "image-studio-results";
// A result replaced by a newer one is removed this long after, so a download of it already started can finish.
const REPLACED_GRACE_MS = 60_000;

let held = 0;           // bytes of results kept in memory
let folder;             // Promise<FileSystemDirectoryHandle | null>, made on first use
let count = 0;

async function openFolder() {
  try {
    const root = await navigator.storage.getDirectory();
    const results = await root.getDirectoryHandle(ROOT, { create: true });
    const name = crypto.randomUUID();
    await new Promise((locked) => {
      navigator.locks.request(`${ROOT}/${name}`, () => { locked(); return new Promise(() => {}); });
    });
    await removeLeftovers(results);
    const mine = await results.getDirectoryHandle(name, { create: true });
    // Probe: some browsers have OPFS but no writable files on the page's own thread.
    const probe = await mine.getFileHandle("probe", { create: true });
    if (typeof probe.createWritable !== "function") throw new Error("no writable files here");
    await mine.removeEntry("probe");
    addEventListener("pagehide", (event) => {
      if (!event.persisted) results.removeEntry(name, { recursive: true }).catch(() => {});  // not when only cached
    });
    return mine;
  } catch {
    return null;  // results stay in memory
  }
}

// Folders whose tab is gone: no tab holds their lock any more.
async function removeLeftovers(results) {
  const live = new Set((await navigator.locks.query()).held.map((lock) => lock.name));
  for await (const name of results.keys()) {
    if (!live.has(`${ROOT}/${name}`)) await results.removeEntry(name, { recursive: true }).catch(() => {});
  }
}

// -> {data: a Blob of these bytes (in memory or read from disk), onDisk, release({now}): call when the result is
// replaced (its file goes after a grace period) or its file removed from the batch (at once)}.
export async function keepResult(bytes, type) {
  const size = bytes.byteLength;
  if (held + size > IN_MEMORY_BYTES && typeof navigator.storage?.getDirectory === "function" && navigator.locks) {
    folder ??= openFolder();
    const dir = await folder;
    if (dir) {
      try {
        const name = `result-${++count}`;
        const handle = await dir.getFileHandle(name, { create: true });
        const writable = await handle.createWritable();
        await writable.write(bytes);
        await writable.close();
        const file = await handle.getFile();
        return {
          data: new Blob([file], { type }),  // still read from disk; the type is the download's
          onDisk: true,
          release: ({ now = false } = {}) => {
            setTimeout(() => dir.removeEntry(name).catch(() => {}), now ? 0 : REPLACED_GRACE_MS);
          },
        };
      } catch { /* disk full or quota: kept in memory */ }
    }
  }
  held += size;
  return { data: new Blob([bytes], { type }), onDisk: false, release: () => { held -= size; } };
}
