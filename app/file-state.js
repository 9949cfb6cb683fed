// The state of each file in the session, one small model object per file, and the list of them.
// Cards and the batch bar render from these; nothing reads state back out of the DOM.
// (The job queue is the engine bridge's; this only remembers what each file's jobs answered.)

export class FileItem extends EventTarget {
  constructor(file, path = file.name) {
    super();
    this.file = file;
    this.path = path;        // relative path inside a picked or dropped folder ("day1/IMG_0001.jpg"), else the name
    this.state = "queued";   // queued | working | done | error | cancelled
    this.status = "";        // the line shown under the name
    this.progress = null;    // 0..1 within the job in flight, as the engine reports its stages (null: not yet)
    this.report = null;      // the engine's `inspect` report
    this.thumbnail = undefined;  // a small JPEG Blob from the engine (null: pixels it cannot show; undefined: not yet)
    this.upright = null;     // [width, height] of the picture, upright, from the engine with the thumbnail
    this.output = null;      // the engine's last result {data, mime, name, report, release} (result-store.js)
    this.error = null;       // {message, retryable}
    this.index = 0;          // its number in the batch, set by FileItems
    this.box = null;         // this photo's own crop [left, top, right, bottom] from the crop editor
    this.rotate = 0;         // and its clockwise quarter turn
    this.recipeKey = undefined;  // the recipe `output` was made with (JSON)
    this.runningKey = undefined; // the recipe of the process job in flight
    this.stale = false;      // output was made with an older recipe (a new one is on its way)
    this.job = null;         // AbortController of the jobs in flight
    this.downloaded = false; // saved at least once since its last result
  }

  get busy() {
    return this.job !== null;
  }

  update(changes) {
    Object.assign(this, changes);
    this.dispatchEvent(new Event("change"));
  }
}

export class FileItems extends EventTarget {
  constructor() {
    super();
    this.items = [];
    this.onItemChange = () => this.changed();
  }

  add(item) {
    this.items.push(item);
    item.index = this.items.length;  // its number in the batch (1-based), kept without searching the list
    item.addEventListener("change", this.onItemChange);
    this.changed();
  }

  remove(item) {
    item.job?.abort();  // its jobs leave the engine's queue, or end their worker
    item.removeEventListener("change", this.onItemChange);
    this.items = this.items.filter((i) => i !== item);
    this.items.forEach((i, n) => { i.index = n + 1; });
    this.changed();
  }

  get busy() {
    return this.items.some((i) => i.busy);
  }

  count(state) {
    return this.items.filter((i) => i.state === state).length;
  }

  stats() {
    const total = this.items.length;
    return { total, done: this.count("done"), failed: this.count("error"), cancelled: this.count("cancelled"),
      waiting: this.items.filter((i) => i.busy).length };
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }
}
