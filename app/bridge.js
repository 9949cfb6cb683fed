// One class owns the worker boundary and the page's one job queue: request ids -> promises, a queue that
// waits for the engine, a pool of engine workers (one per core, grown only when jobs wait). Each job may
// carry an AbortSignal: a queued job then just leaves the queue, a running one ends its own worker (a running
// wasm call cannot be interrupted) while the other workers keep their warm engine. `onStart` tells the caller
// when a worker really takes the job; the promise resolving is its end.
import { startWorker } from "./worker-start.js";

const MAX_WORKERS = 4;  // each worker holds its own Python heap; more than 4 costs memory for little gain

// Per-file time budget: a job still running after it (an endless loop, a pathological file) has its worker
// ended and replaced, and fails with a "timeout" naming the file, so the batch goes on. Larger files get
// more time. Tests shorten the base with globalThis.imageStudioJobTimeoutMs.
const JOB_BUDGET_MS = 60_000;
const JOB_BUDGET_PER_MB_MS = 5_000;

// A wasm heap only grows: a worker that has held a big picture keeps that memory for good. One whose heap
// passed GROWN_HEAP_BYTES is replaced after its job; when the pool has had nothing to do for IDLE_MS, the extra
// workers end and the last one is replaced by a fresh one if its heap grew. (Tests shorten IDLE_MS with
// globalThis.imageStudioIdleMs.)
const GROWN_HEAP_BYTES = 512 * 2 ** 20;
const IDLE_MS = 30_000;
const FRESH_HEAP_SLACK = 64 * 2 ** 20;  // what a fresh engine's heap may grow by before "grown" applies when idle

function jobBudgetMs(data) {
  const base = Number(globalThis.imageStudioJobTimeoutMs) || JOB_BUDGET_MS;
  return base + (data && data.byteLength ? (data.byteLength / 1e6) * JOB_BUDGET_PER_MB_MS : 0);
}

function defaultPoolSize() {
  return Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
}

// A job's answer from the worker: {id, meta: the engine's JSON text, data: the output bytes or null}.
function engineResult(msg, name) {
  let meta;
  try {
    meta = JSON.parse(msg.meta);
  } catch (err) {  // a job must still resolve, naming the file
    meta = { ok: false, error: { code: "worker", message: `${name}: the engine's answer could not be read (${err.message})` } };
  }
  return meta.ok ? { id: msg.id, ok: true, data: msg.data ?? null, mime: meta.mime, name: meta.name, report: meta.report }
    : { id: msg.id, ok: false, error: meta.error };
}

export class EngineBridge extends EventTarget {
  constructor(url = new URL("./worker.js", import.meta.url), { size = defaultPoolSize() } = {}) {
    super();
    this.url = url;
    this.size = Math.max(1, size);
    this.queue = [];         // jobs not yet sent, in call order
    this.workers = [];       // {worker, ready, job}: job is the one job it runs, or null
    this.nextId = 1;
    this.ready = false;
    this.versions = null;
    this.spawn();
  }

  spawn() {
    const slot = { worker: startWorker(this.url), ready: false, job: null };  // under the page's CSP
    slot.worker.onmessage = (event) => this.receive(slot, event.data);
    slot.worker.onerror = (event) => this.crash(slot, event.message || "the engine stopped");
    this.workers.push(slot);
    return slot;
  }

  receive(slot, msg) {
    if (msg.type === "boot") {
      if (!this.ready) this.dispatchEvent(new CustomEvent("boot", { detail: msg }));
    } else if (msg.type === "ready") {
      slot.ready = true;
      slot.heapBytes = slot.freshHeapBytes = msg.heapBytes;
      if (!this.ready) {
        this.ready = true;
        this.versions = msg.versions;
        if (!performance.getEntriesByName("engine-ready").length) performance.mark("engine-ready");
        this.dispatchEvent(new CustomEvent("ready", { detail: msg }));
      }
      this.pump();
      this.whenIdle();  // a worker that started for jobs others have finished meanwhile
    } else if (msg.type === "fatal") {
      this.retire(slot);
      this.bootFailed(msg.message);
    } else if (msg.type === "crashed") {
      this.crash(slot, msg.message);  // Python died inside the worker (out of memory, a wasm trap)
    } else if (msg.type === "progress") {
      if (slot.job && slot.job.id === msg.id) slot.job.onProgress?.(msg);  // {stage, label, fraction}
    } else if (slot.job && slot.job.id === msg.id) {
      const job = slot.job;
      clearTimeout(slot.timer);
      slot.job = null;
      slot.heapBytes = msg.heapBytes ?? slot.heapBytes;
      if (slot.heapBytes > GROWN_HEAP_BYTES) this.renew(slot);
      this.pump();  // the worker starts its next job while this one's report is read
      this.finish(job, engineResult(msg, job.name));
      this.whenIdle();
    }
  }

  // Send waiting jobs, oldest first, to idle ready workers; add a worker while jobs still wait.
  pump() {
    if (this.queue.length) clearTimeout(this.idleTimer);
    for (const slot of this.workers) {
      if (!this.queue.length) break;
      if (slot.ready && !slot.job) this.send(slot, this.queue.shift());
    }
    const booting = this.workers.some((s) => !s.ready);
    // A small job (a thumbnail, the catalogue) never starts a worker, nor does one file's job alone: the busy
    // worker takes it soon, and a worker's start (about a second of CPU) would only slow it on a small machine.
    const growing = this.queue.filter((job) => job.grow).length > 1;
    if (!this.workers.length && this.queue.length) this.spawn();  // new work retries a failed start
    else if (growing && this.ready && !booting && this.workers.length < this.size) this.spawn();
  }

  // A File or Blob is read only now, so a long queue holds no file's bytes.
  async send(slot, job) {
    slot.job = job;
    job.onStart?.();
    let { data } = job;
    job.data = null;  // transferred: the worker owns it now
    if (data instanceof Blob) {
      try {
        data = await data.arrayBuffer();
      } catch (err) {
        data = null;
        if (slot.job === job) {
          slot.job = null;
          this.finish(job, { id: job.id, ok: false, error: { code: "unreadable", message: `${job.name}: the file could not be read (${err.message})` } });
          this.pump();
        }
        return;
      }
      if (slot.job !== job) return;  // aborted while the file was read
    }
    const { id, type, op, name, options } = job;
    const transfer = data instanceof ArrayBuffer ? [data] : [];
    const budget = jobBudgetMs(data);
    job.posted = true;
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      if (slot.job === job) {
        this.crash(slot, `stopped after ${Math.round(budget / 1000)} s, the time allowed for one file; the engine was restarted`, "timeout");
      }
    }, budget);
    slot.worker.postMessage({ id, type, op, name, data, options }, transfer);
  }

  // A worker whose heap grew gives its memory back: it ends and a fresh one starts in its place.
  renew(slot) {
    this.retire(slot);
    this.spawn();
  }

  // Once nothing has been asked for IDLE_MS: one worker stays (a fresh one if this one's heap grew).
  whenIdle() {
    clearTimeout(this.idleTimer);
    if (this.queue.length || this.workers.some((s) => s.job || !s.ready)) return;
    this.idleTimer = setTimeout(() => {
      if (this.queue.length || this.workers.some((s) => s.job || !s.ready)) return;
      const [keep, ...extra] = this.workers;
      for (const slot of extra) this.retire(slot);
      if (keep && keep.heapBytes > (keep.freshHeapBytes ?? 0) + FRESH_HEAP_SLACK) this.renew(keep);
    }, Number(globalThis.imageStudioIdleMs) || IDLE_MS);
  }

  retire(slot) {
    clearTimeout(slot.timer);
    slot.worker.terminate();
    this.workers = this.workers.filter((s) => s !== slot);
  }

  // A dead worker fails its one job with a clear reason and is replaced, so the batch goes on.
  // (A per-job timeout can end a stuck worker the same way: crash(slot, "took too long", "timeout").)
  crash(slot, reason, code = "worker_crashed") {
    if (!this.workers.includes(slot)) return;
    const job = slot.job;
    this.retire(slot);
    if (job) this.finish(job, { id: job.id, ok: false, error: { code, message: `${job.name}: ${reason}` } });
    if (!slot.ready) {
      this.bootFailed(`The engine could not start: ${reason}`);  // no respawn loop on a broken start
    } else if (!this.workers.length) {
      this.ready = false;
      this.spawn();
    } else {
      this.pump();
    }
  }

  // A worker that cannot start stops the pool from growing; with no engine left, waiting jobs fail.
  bootFailed(message) {
    this.size = Math.max(1, this.workers.length);
    if (this.workers.some((s) => s.ready)) return;
    this.ready = false;
    this.dispatchEvent(new CustomEvent("fatal", { detail: { type: "fatal", message } }));
    this.failAll("engine_failed", message);
  }

  failAll(code, message) {
    const jobs = this.queue;
    this.queue = [];
    for (const job of jobs) this.finish(job, { id: job.id, ok: false, error: { code, message: `${job.name}: ${message}` } });
  }

  finish(job, result) {
    job.signal?.removeEventListener("abort", job.onAbort);
    job.resolve(result);
  }

  // Resolves with {ok, data, mime, name, report} or {ok: false, error}; never rejects.
  // data: an ArrayBuffer (transferred), a File/Blob (read when a worker takes the job) or null.
  // signal: aborting it ends this job only (code "cancelled"); onStart(): called when a worker takes it;
  // onProgress({stage, label, fraction}): each stage the engine reports;
  // first: it goes to the front of the queue (what the user is looking at); grow: false for small jobs that
  // wait for a worker rather than start one.
  call(op, name, data, options = {}, { signal, onStart, onProgress, first = false, grow = true } = {}) {
    return new Promise((resolve) => {
      const job = { op, name, data, options, id: this.nextId++, resolve, signal, onStart, onProgress, grow };
      if (signal?.aborted) return resolve(cancelled(job));
      job.onAbort = () => this.abort(job);
      signal?.addEventListener("abort", job.onAbort, { once: true });
      if (first) this.queue.unshift(job); else this.queue.push(job);
      this.pump();
    });
  }

  // A queued job leaves the queue; a running one ends its worker, which is replaced only when work waits
  // (or when it was the last one, so the engine stays ready). Idle workers are not touched.
  abort(job) {
    if (this.queue.includes(job)) {
      this.queue = this.queue.filter((j) => j !== job);
    } else {
      const slot = this.workers.find((s) => s.job === job);
      if (!slot) return;
      slot.job = null;
      if (job.posted) this.retire(slot);  // not yet posted (its file was being read): the worker stays
      if (!this.workers.length) {
        this.ready = false;
        this.spawn();
      } else {
        this.pump();
      }
    }
    this.finish(job, cancelled(job));
  }

  // {heapBytes, usedBytes} of each ready worker's wasm heap (for measurements).
  async heapStats() {
    const running = this.workers.filter((s) => s.ready);
    return Promise.all(running.map((slot) => new Promise((resolve) => {
      const id = this.nextId++;
      const listener = (event) => {
        if (event.data.id === id) {
          slot.worker.removeEventListener("message", listener);
          resolve({ heapBytes: event.data.heapBytes, usedBytes: event.data.usedBytes });
        }
      };
      slot.worker.addEventListener("message", listener);
      slot.worker.postMessage({ id, type: "stats" });
    })));
  }

  // Every job leaves: queued ones at once, running ones with their workers; idle workers stay warm.
  cancelAll() {
    for (const job of [...this.queue, ...this.workers.map((s) => s.job).filter(Boolean)]) this.abort(job);
  }
}

function cancelled(job) {
  return { id: job.id, ok: false, error: { code: "cancelled", message: `${job.name}: cancelled` } };
}
