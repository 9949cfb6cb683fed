// The Python start-up snapshot is a copy of the wasm memory, and ~4.6 MB of that memory is the data segment
// of pyodide.asm.wasm, which every visitor downloads anyway, mostly unchanged. The snapshot is therefore
// shipped with that region XORed with the data segment: unchanged bytes become zeros and gzip all but drops
// them (6.2 -> 4.7 MB). XOR undoes itself: tools/make_snapshot.mjs applies it, app/worker.js applies it again.

const SNAPSHOT_MAGIC = 1886286592;  // the first word of every Pyodide 0.27 memory snapshot
// Where emscripten places the main module's data in memory (GLOBAL_BASE; pyodide.asm.wasm imports it as
// __memory_base): make_snapshot.mjs refuses to build if the segment is not found there.
export const DATA_BASE = 1024;

function leb128(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

// The one active data segment of pyodide.asm.wasm (a view into `wasm`): section 11, one segment, flags 0,
// offset `global.get` (the memory base). Anything else is not the module this was made for: null.
export function dataSegment(wasm) {
  const bytes = new Uint8Array(wasm);
  let at = 8;  // magic and version
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb128(bytes, at + 1);
    if (id === 11) {
      const [count, first] = leb128(bytes, body);
      if (count !== 1 || bytes[first] !== 0 || bytes[first + 1] !== 0x23) return null;
      const [, end] = leb128(bytes, first + 2);  // the global's index
      if (bytes[end] !== 0x0b) return null;
      const [length, data] = leb128(bytes, end + 1);
      return bytes.subarray(data, data + length);
    }
    at = body + size;
  }
  return null;
}

// XOR the snapshot's copy of the data region with the segment, in place.
export function xorDataRegion(snapshot, segment) {
  const header = new DataView(snapshot.buffer, snapshot.byteOffset, 8);
  if (header.getUint32(0, true) !== SNAPSHOT_MAGIC) throw new Error("not a Pyodide snapshot");
  const start = header.getUint32(4, true) + DATA_BASE;
  if (start + segment.length > snapshot.length) throw new Error("the snapshot is shorter than the data region");
  for (let i = 0; i < segment.length; i += 1) snapshot[start + i] ^= segment[i];
  return snapshot;
}
