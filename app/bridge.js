// One class owns the worker boundary: request ids -> promises, a queue that waits for the
// engine, and cancel = terminate and respawn (a running wasm job cannot be interrupted).

export class EngineBridge extends EventTarget {
  constructor(url = new URL("./worker.js", import.meta.url)) {
    super();
    this.url = url;
    this.pending = new Map();
    this.nextId = 1;
    this.ready = false;
    this.versions = null;
    this.spawn();
  }

  spawn() {
    this.ready = false;
    this.worker = new Worker(this.url, { type: "module" });
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => this.crash(event.message || "the engine stopped");
  }

  receive(msg) {
    if (msg.type === "boot") {
      this.dispatchEvent(new CustomEvent("boot", { detail: msg }));
    } else if (msg.type === "ready") {
      this.ready = true;
      this.versions = msg.versions;
      this.dispatchEvent(new CustomEvent("ready", { detail: msg }));
    } else if (msg.type === "fatal") {
      this.dispatchEvent(new CustomEvent("fatal", { detail: msg }));
    } else if (this.pending.has(msg.id)) {
      const { resolve } = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      resolve(msg);
    }
  }

  // A dead worker fails its jobs with a clear reason and is replaced, so the batch goes on.
  crash(reason) {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    this.worker.terminate();
    this.spawn();
    for (const job of jobs) {
      job.resolve({ id: job.id, ok: false, error: { code: "worker_crashed", message: `${job.name}: ${reason}` } });
    }
  }

  // Resolves with {ok, data, mime, name, report} or {ok: false, error}; never rejects.
  call(op, name, data, options = {}) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { id, name, resolve });
      const transfer = data instanceof ArrayBuffer ? [data] : [];
      this.worker.postMessage({ id, op, name, data, options }, transfer);
    });
  }

  cancelAll() {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    this.worker.terminate();
    this.spawn();
    for (const job of jobs) {
      job.resolve({ id: job.id, ok: false, error: { code: "cancelled", message: `${job.name}: cancelled` } });
    }
  }
}
