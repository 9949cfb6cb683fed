// Crop editor: a box with corner handles over the photo, aspect presets, numeric fields, 90° turns.
// Coordinates are in the photo's own pixels (as the browser shows it, EXIF orientation applied —
// the engine applies it too before cropping). The output pixels are cut by Python.
import { button } from "./dom.js";
import { blobUrl, PREVIEW_TYPE } from "./files.js";

const $ = (id) => document.getElementById(id);
const ORIGINAL = -1;  // the photo's own shape
const MIN = 8;  // smallest box side, in photo pixels

export class CropEditor {
  constructor() {
    this.dialog = $("crop-dialog");
    this.stage = $("crop-stage");
    this.image = $("crop-image");
    this.box = $("crop-box");
    this.inputs = { x: $("crop-x"), y: $("crop-y"), w: $("crop-w"), h: $("crop-h") };
    this.aspect = 0;
    this.setAspects(["free"]);
    for (const [key, input] of Object.entries(this.inputs)) {
      input.addEventListener("change", () => {
        const next = { ...this.rect, [key]: Math.round(Number(input.value) || 0) };
        this.setRect(next, key === "h" ? "h" : "w");
      });
    }
    $("rotate-left").addEventListener("click", () => this.turn(-90));
    $("rotate-right").addEventListener("click", () => this.turn(90));
    $("crop-reset").addEventListener("click", () => {
      this.rotate = 0;
      this.setAspect(0);
      this.setRect({ x: 0, y: 0, w: this.width, h: this.height });
      this.turn(0);
    });
    this.box.addEventListener("keydown", (event) => this.key(event));
    // Enter in a number field applies that number; it must not submit the dialog (its default button is Cancel).
    for (const input of Object.values(this.inputs)) {
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        input.dispatchEvent(new Event("change"));
      });
    }
    this.stage.addEventListener("pointerdown", (event) => this.pointerDown(event));
    this.stage.addEventListener("pointermove", (event) => this.pointerMove(event));
    this.stage.addEventListener("pointerup", () => { this.drag = null; });
    this.frame = $("crop-frame");
    this.image.addEventListener("load", () => this.fit());
    window.addEventListener("resize", () => { if (this.dialog.open) this.fit(); });
  }

  // Turning needs the recipe (Python cuts and turns the pixels): shown once the engine's catalogue is loaded.
  // aspects: the catalogue's aspect ids ("free", "4:3"...), shown with the photo's own shape after "free".
  enable(aspects) {
    this.dialog.querySelector(".rotate").hidden = false;
    this.setAspects(aspects);
  }

  setAspects(ids) {
    const ratio = (id) => { const [w, h] = id.split(":").map(Number); return w && h ? w / h : 0; };
    const choices = ids.map((id) => [id === "free" ? "Free" : id, ratio(id)]);
    choices.splice(1, 0, ["Original", ORIGINAL]);
    $("crop-aspects").replaceChildren();
    this.aspectButtons = choices.map(([label, value]) => {
      const b = button(label, "seg-button", { "aria-pressed": "false" });
      b.addEventListener("click", () => this.setAspect(value));
      $("crop-aspects").append(b);
      return [value, b];
    });
  }

  // Resolves with {crop: {x, y, width, height} | null, rotate} or null when cancelled.
  open(card, current) {
    this.card = card;
    // Coordinates are the picture's own (upright, from the engine); what is shown is the original where the
    // browser can show it, else the engine's thumbnail (HEIC). Its blob: URL lives while the editor is open.
    [this.width, this.height] = card.item.upright || [0, 0];
    if (!this.width || !this.height) return Promise.resolve(null);  // the engine could not read its pixels
    this.originalUrl = blobUrl(card.item.file, PREVIEW_TYPE);  // never the file's own type (an SVG would be active)
    this.image.onerror = () => {
      this.image.onerror = null;
      if (card.thumbUrl) this.image.src = card.thumbUrl;
    };
    this.image.src = this.originalUrl;
    this.rotate = current?.rotate || 0;
    const c = current?.crop;
    this.setAspect(0);
    this.setRect(c ? { x: c.x, y: c.y, w: c.width, h: c.height } : { x: 0, y: 0, w: this.width, h: this.height });
    this.turn(0);
    $("crop-title").textContent = `Crop and rotate: ${card.item.path}`;
    this.dialog.returnValue = "";
    this.dialog.showModal();
    this.fit();
    return new Promise((resolve) => {
      this.dialog.addEventListener("close", () => {
        URL.revokeObjectURL(this.originalUrl);
        card.cropButton.focus();
        if (this.dialog.returnValue !== "apply") return resolve(null);
        const whole = this.rect.x === 0 && this.rect.y === 0 && this.rect.w === this.width && this.rect.h === this.height;
        resolve({ crop: whole ? null : { x: this.rect.x, y: this.rect.y, width: this.rect.w, height: this.rect.h },
          rotate: this.rotate });
      }, { once: true });
    });
  }

  setAspect(ratio) {
    this.aspect = ratio === ORIGINAL ? this.width / this.height : ratio;
    for (const [r, b] of this.aspectButtons) b.setAttribute("aria-pressed", String(r === ratio));
    if (this.aspect && this.rect) this.setRect(this.rect, "w");
  }

  // Clamp to the photo, keep the aspect (driven by the side the user changed), round to pixels.
  setRect(r, driver = "w") {
    let { x, y, w, h } = r;
    w = Math.max(MIN, Math.min(w, this.width));
    h = Math.max(MIN, Math.min(h, this.height));
    if (this.aspect) {
      if (driver === "h") w = h * this.aspect; else h = w / this.aspect;
      if (w > this.width) { w = this.width; h = w / this.aspect; }
      if (h > this.height) { h = this.height; w = h * this.aspect; }
    }
    w = Math.round(w); h = Math.round(h);
    x = Math.round(Math.min(Math.max(0, x), this.width - w));
    y = Math.round(Math.min(Math.max(0, y), this.height - h));
    this.rect = { x, y, w, h };
    this.inputs.x.value = x; this.inputs.y.value = y; this.inputs.w.value = w; this.inputs.h.value = h;
    this.inputs.x.max = this.width; this.inputs.w.max = this.width;
    this.inputs.y.max = this.height; this.inputs.h.max = this.height;
    this.draw();
  }

  turn(degrees) {
    this.rotate = (((this.rotate + degrees) % 360) + 360) % 360;
    $("rotate-label").textContent = this.rotate ? `Turned ${this.rotate}° clockwise after cropping` : "Not turned";
    this.fit();
  }

  // The photo as large as the frame allows, turned as the result will be (the crop box turns with it).
  fit() {
    if (!this.width || !this.dialog.open) return;
    const room = this.frame.getBoundingClientRect();
    const turned = this.rotate % 180 !== 0;
    const [w, h] = turned ? [room.height, room.width] : [room.width, room.height];
    const s = Math.min(w / this.width, h / this.height);
    Object.assign(this.stage.style, { width: `${this.width * s}px`, height: `${this.height * s}px`,
      transform: `translate(-50%, -50%) rotate(${this.rotate}deg)` });
    this.draw();
  }

  scale() {
    return this.stage.offsetWidth / this.width || 1;
  }

  // A screen vector in photo pixels: undo the stage's turn.
  unturn(dx, dy) {
    const t = (-this.rotate * Math.PI) / 180;
    return [dx * Math.cos(t) - dy * Math.sin(t), dx * Math.sin(t) + dy * Math.cos(t)];
  }

  draw() {
    if (!this.rect) return;
    const s = this.scale();
    Object.assign(this.box.style, { left: `${this.rect.x * s}px`, top: `${this.rect.y * s}px`,
      width: `${this.rect.w * s}px`, height: `${this.rect.h * s}px` });
    this.box.setAttribute("aria-valuetext", `${this.rect.w} × ${this.rect.h} at ${this.rect.x}, ${this.rect.y}`);
  }

  point(event) {
    const box = this.stage.getBoundingClientRect();  // the turned stage's outline: its centre is the photo's
    const s = this.scale();
    const [x, y] = this.unturn(event.clientX - (box.left + box.width / 2), event.clientY - (box.top + box.height / 2));
    return { x: (x + this.stage.offsetWidth / 2) / s, y: (y + this.stage.offsetHeight / 2) / s };
  }

  pointerDown(event) {
    if (event.button !== 0) return;
    event.preventDefault();
    this.stage.setPointerCapture(event.pointerId);
    const p = this.point(event);
    const handle = event.target.dataset?.handle;
    if (handle) this.drag = { mode: handle, start: p, rect: { ...this.rect } };
    else if (event.target === this.box) this.drag = { mode: "move", start: p, rect: { ...this.rect } };
    else this.drag = { mode: "new", start: p, rect: { x: p.x, y: p.y, w: MIN, h: MIN } };
  }

  pointerMove(event) {
    if (!this.drag) return;
    const p = this.point(event);
    const { mode, start, rect } = this.drag;
    const dx = p.x - start.x, dy = p.y - start.y;
    if (mode === "move") return this.setRect({ ...rect, x: rect.x + dx, y: rect.y + dy });
    if (mode === "new") {
      return this.setRect({ x: Math.min(start.x, p.x), y: Math.min(start.y, p.y),
        w: Math.abs(dx), h: Math.abs(dy) }, Math.abs(dx) >= Math.abs(dy) ? "w" : "h");
    }
    // A corner handle: the opposite corner stays put.
    const left = mode.includes("w"), top = mode.includes("n");
    const right = rect.x + rect.w, bottom = rect.y + rect.h;
    const x = left ? Math.min(rect.x + dx, right - MIN) : rect.x;
    const y = top ? Math.min(rect.y + dy, bottom - MIN) : rect.y;
    let w = left ? right - x : rect.w + dx;
    let h = top ? bottom - y : rect.h + dy;
    if (this.aspect) h = w / this.aspect;
    w = Math.max(MIN, w); h = Math.max(MIN, h);
    this.setRect({ x: left ? right - w : x, y: top ? bottom - h : y, w, h });
  }

  key(event) {
    const step = Math.max(1, Math.round(Math.min(this.width, this.height) / 100));
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const screen = moves[event.key];
    if (!screen) return;
    const delta = this.unturn(...screen).map(Math.round);  // arrows move the box as it is seen
    event.preventDefault();
    const r = this.rect;
    // Shift+arrows resize what is seen: when turned a quarter, the screen's width is the photo's height.
    const [dw, dh] = this.rotate % 180 ? [screen[1], screen[0]] : screen;
    if (event.shiftKey) this.setRect({ ...r, w: r.w + dw, h: r.h + dh }, dh ? "h" : "w");
    else this.setRect({ ...r, x: r.x + delta[0], y: r.y + delta[1] });
  }
}
