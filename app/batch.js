// The batch: which files are queued, running, done; overall progress; cancel.
// Jobs go to the engine a few at a time (as many as it has workers), so a card says "working"
// only while Python really works on it, and cancel stops what is running and drops the rest.

export class Batch extends EventTarget {
  constructor(engine) {
    super();
    this.engine = engine;
    this.items = [];
    this.queue = [];
    this.running = new Set();
    this.generation = 0;  // bumped by cancel: answers from an older generation are ignored
  }

  get concurrency() {
    return Math.max(1, this.engine.size || this.engine.workers?.length || 1);
  }

  add(item) {
    this.items.push(item);
  }

  remove(item) {
    this.items = this.items.filter((i) => i !== item);
    this.queue = this.queue.filter((job) => job.item !== item);
    this.changed();
  }

  // job: {item, run: async () => void}; run() does the engine calls and updates the card.
  enqueue(item, run) {
    this.queue = this.queue.filter((job) => job.item !== item);
    this.queue.push({ item, run });
    item.pending = true;
    this.changed();
    this.pump();
  }

  pump() {
    while (this.running.size < this.concurrency && this.queue.length) {
      const job = this.queue.shift();
      const generation = this.generation;
      this.running.add(job);
      job.item.started = true;
      this.changed();
      job.run(() => generation !== this.generation).finally(() => {
        this.running.delete(job);
        job.item.pending = false;
        this.changed();
        this.pump();
      });
    }
  }

  // Terminates the engine's running job(s) (wasm cannot be interrupted) and forgets the queue.
  cancel() {
    const dropped = [...this.queue.map((job) => job.item), ...[...this.running].map((job) => job.item)];
    this.generation += 1;
    this.queue = [];
    this.running.clear();
    this.engine.cancelAll();
    for (const item of dropped) item.pending = false;
    this.changed();
    return dropped;
  }

  get busy() {
    return this.queue.length > 0 || this.running.size > 0;
  }

  stats() {
    const total = this.items.length;
    const done = this.items.filter((i) => i.card.root.dataset.state === "done").length;
    const failed = this.items.filter((i) => i.card.root.dataset.state === "error").length;
    const cancelled = this.items.filter((i) => i.card.root.dataset.state === "cancelled").length;
    const waiting = this.items.filter((i) => i.pending).length;
    return { total, done, failed, cancelled, waiting };
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }
}
