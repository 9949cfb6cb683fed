// The recipe panel: presets and controls built from the engine's catalogue (the `presets` operation),
// so defaults, choices and preset values live in Python (recipe.py) and nowhere else.
// The recipe it produces is the JSON `python -m imagestudio process --recipe` takes.
import { el, button, field, hintFor, uid } from "./dom.js";

const clone = (value) => JSON.parse(JSON.stringify(value));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Words for the engine's choice ids; an id without a word is shown as it is.
const WORDS = {
  keep: "Keep the original format", jpeg: "JPEG", png: "PNG", webp: "WebP", avif: "AVIF",
  off: "Off — use the quality below", visually_lossless: "Visually lossless", balanced: "Balanced", small: "Small",
  contain: "Fit inside", cover: "Fill and cut", stretch: "Stretch", free: "Free",
  center: "Centre",
  suffix: "Original name + what was done", sequence: "photo-001, photo-002 …", random: "Random letters",
  pattern: "My pattern",
};
export const word = (id) => WORDS[id] || id.replace(/[-_]/g, " ").replace(/^./, (c) => c.toUpperCase());

// Resize has one mode at a time (recipe.py refuses two): the page shows a mode menu and its fields.
const RESIZE_MODES = [
  ["keep", "Keep the size"], ["long_edge", "Longest edge"], ["percent", "Scale by percent"], ["box", "Width × height"],
];
const RESIZE_START = { long_edge: { long_edge: 2048 }, percent: { percent: 50 }, box: { width: 1600, height: 1200 } };

function resizeMode(resize) {
  if (resize.long_edge != null) return "long_edge";
  if (resize.percent != null) return "percent";
  if (resize.width != null || resize.height != null) return "box";
  return "keep";
}

export class RecipePanel extends EventTarget {
  constructor(form) {
    super();
    this.form = form;
    this.controls = [];     // {path, input, read, write, row, when}
    // Enter in a field must not "submit" the panel (there is nowhere to send it).
    form.addEventListener("submit", (event) => event.preventDefault());
  }

  // catalogue: recipe.catalogue() from Python.
  build(catalogue) {
    this.catalogue = catalogue;
    this.defaults = catalogue.defaults;
    this.recipe = clone(catalogue.presets[0]?.recipe || catalogue.defaults);
    this.buildPresets(catalogue.presets);
    const host = this.form.querySelector("#recipe-controls");
    host.replaceChildren(this.sizeSection(), this.outputSection(), this.cropSection(), this.privacySection());
    this.watermarkHost = this.form.querySelector("#watermark-controls");
    this.watermarkHost.replaceChildren(...this.watermarkControls());
    this.render();
  }

  // --- presets --------------------------------------------------------------------------------------

  buildPresets(presets) {
    const list = this.form.querySelector("#preset-list");
    list.replaceChildren();
    this.presetInputs = [];
    const add = (id, label, hint) => {
      const input = el("input");
      input.type = "radio";
      input.name = "preset";
      input.value = id;
      input.id = uid("preset");
      // The radio lies over its whole label (transparent), so a click anywhere on the card is a click on it.
      const labelEl = el("label", "preset");
      labelEl.htmlFor = input.id;
      const name = el("span", "preset-name", label);
      labelEl.append(input, name);
      if (hint) labelEl.append(hintFor(input, "span", "preset-hint", hint));
      input.addEventListener("change", () => { if (input.checked) this.choosePreset(id); });
      list.append(labelEl);
      this.presetInputs.push(input);
    };
    for (const p of presets) add(p.id, p.label, p.description);  // the engine says what its preset does
    add("custom", "Custom", "Your own settings below.");
  }

  choosePreset(id) {
    if (id !== "custom") {
      const preset = this.catalogue.presets.find((p) => p.id === id);
      // A preset sets every section except the watermark, which is the user's own work.
      const watermark = this.recipe.watermark;
      this.recipe = clone(preset.recipe);
      this.recipe.watermark = watermark;
    }
    this.render();
    this.changed();
  }

  matchingPreset() {
    const strip = (r) => ({ ...r, watermark: null });
    const hit = this.catalogue.presets.find((p) => same(strip(p.recipe), strip(this.recipe)));
    return hit ? hit.id : "custom";
  }

  // --- generic controls -------------------------------------------------------------------------------

  get(path) {
    return path.split(".").reduce((o, k) => o?.[k], this.recipe);
  }

  set(path, value) {
    const [section, key] = path.split(".");
    this.recipe[section] = { ...this.recipe[section], [key]: value };
  }

  defaultOf(path) {
    return path.split(".").reduce((o, k) => o?.[k], this.defaults);
  }

  // A row: label, control, reset button. `read` turns the input into a recipe value; `write` the reverse.
  control({ path, label, input, hint, read, write, when, onInput, resetTo }) {
    const row = field(label, input, hint);
    const reset = button("↺", "reset", { "aria-label": `Reset ${label.toLowerCase()}`, title: "Back to the default" });
    reset.addEventListener("click", () => {
      if (resetTo) resetTo(); else this.set(path, clone(this.defaultOf(path)));
      this.render();
      this.changed();
    });
    row.append(reset);
    const entry = { path, input, read, write, row, when, reset };
    input.addEventListener(input.type === "checkbox" || input.tagName === "SELECT" ? "change" : "input", () => {
      if (onInput) onInput(input); else this.set(path, read(input));
      this.render(entry);
      this.changed();
    });
    this.controls.push(entry);
    return row;
  }

  number(path, label, { min, max, step = 1, optional = true, hint, scale = 1, when } = {}) {
    const input = el("input");
    input.type = "number";
    Object.assign(input, { min: String(min), max: String(max), step: String(step) });
    input.inputMode = step < 1 ? "decimal" : "numeric";
    // Out-of-range numbers are held to the range the engine accepts (shown once the field is left),
    // so a typo cannot fail every file of the batch.
    const read = (i) => {
      if (i.value === "" && optional) return null;
      const n = Math.min(max, Math.max(min, Number(i.value) || min)) / scale;
      return step >= 1 && scale === 1 ? Math.round(n) : n;
    };
    const write = (i, v) => { i.value = v == null ? "" : String(Math.round(v * scale * 1000) / 1000); };
    input.addEventListener("change", () => this.render());
    return this.control({ path, label, input, hint, read, write, when });
  }

  range(path, label, { min, max, step, scale = 1, unit = "", when } = {}) {
    const input = el("input");
    input.type = "range";
    Object.assign(input, { min: String(min), max: String(max), step: String(step) });
    const out = el("output", "range-value");
    const show = (v) => { out.textContent = `${Math.round(v * scale * 10) / 10}${unit}`; };
    const read = (i) => Number(i.value) / scale;
    const write = (i, v) => { i.value = String(v * scale); show(v); };
    const row = this.control({ path, label, input, read, write, when });
    input.addEventListener("input", () => show(read(input)));
    row.querySelector("label").after(out);
    return row;
  }

  select(path, label, options, { hint, when, read = (i) => i.value, write = (i, v) => { i.value = v; } } = {}) {
    const input = el("select");
    for (const [value, text] of options) {
      const o = el("option", "", text);
      o.value = value;
      input.append(o);
    }
    return this.control({ path, label, input, hint, read, write, when });
  }

  checkbox(path, label, { hint, when } = {}) {
    const input = el("input");
    input.type = "checkbox";
    const row = this.control({ path, label, input, hint, read: (i) => i.checked, write: (i, v) => { i.checked = Boolean(v); }, when });
    row.classList.add("check");
    return row;
  }

  color(path, label, { when } = {}) {
    const input = el("input");
    input.type = "color";
    return this.control({ path, label, input, read: (i) => i.value, write: (i, v) => { i.value = v; }, when });
  }

  section(title, ...rows) {
    const box = el("fieldset", "section");
    box.append(el("legend", "", title), ...rows);
    return box;
  }

  // --- sections ------------------------------------------------------------------------------------------

  sizeSection() {
    const modeInput = el("select");
    for (const [value, text] of RESIZE_MODES) {
      const o = el("option", "", text);
      o.value = value;
      modeInput.append(o);
    }
    const mode = this.control({
      path: "resize", label: "Resize", input: modeInput,
      read: () => null, write: (i) => { i.value = resizeMode(this.recipe.resize); },
      onInput: (i) => {
        const keep = { fit: this.recipe.resize.fit, upscale: this.recipe.resize.upscale };
        this.recipe.resize = { ...clone(this.defaults.resize), ...keep, ...(RESIZE_START[i.value] || {}) };
      },
      resetTo: () => { this.recipe.resize = clone(this.defaults.resize); },
    });
    const is = (m) => () => resizeMode(this.recipe.resize) === m;
    const fits = this.catalogue.choices.fits.map((f) => [f, word(f)]);
    const { max_edge: maxEdge, min_percent: minPercent, max_percent: maxPercent } = this.catalogue.limits;
    return this.section("Size", mode,
      this.number("resize.long_edge", "Longest edge (pixels)", { min: 1, max: maxEdge, when: is("long_edge") }),
      this.number("resize.percent", "Scale (percent)", { min: minPercent, max: maxPercent, step: 0.1, when: is("percent") }),
      this.number("resize.width", "Width (pixels)", { min: 1, max: maxEdge, when: is("box"), hint: "Leave one side empty to keep the proportions." }),
      this.number("resize.height", "Height (pixels)", { min: 1, max: maxEdge, when: is("box") }),
      this.select("resize.fit", "Fit", fits, { when: () => is("box")() && this.recipe.resize.width != null && this.recipe.resize.height != null }),
      this.checkbox("resize.upscale", "Enlarge small pictures", { when: () => !is("keep")() }));
  }

  outputSection() {
    const c = this.catalogue.choices;
    const formats = c.formats.map((f) => [f, word(f)]);
    const autos = Object.entries(c.auto_quality).map(([id, level]) => [id, level ? `${word(id)} (SSIM ≥ ${level})` : word(id)]);
    const lossy = () => this.qualityApplies();
    return this.section("Output",
      this.select("encode.format", "Format", formats),
      this.select("encode.auto_quality", "Automatic quality", autos, { when: lossy,
        hint: "Finds the smallest file that still looks like the original (measured with SSIM)." }),
      this.number("encode.quality", "Quality (1–100)", { min: 1, max: 100, when: () => lossy() && this.recipe.encode.auto_quality === "off",
        hint: `Empty means ${this.catalogue.default_quality} when the picture is re-encoded.` }),
      this.number("encode.target_kb", "At most (KiB)", { min: 1, max: this.catalogue.limits.max_target_kb,
        hint: `1 KiB = ${this.catalogue.units.kib} bytes. Empty means no size limit.` }),
      this.checkbox("encode.shrink_lossless", "Shrink losslessly", { hint: "Cleaned JPEGs are recoded with optimised "
        + "tables and progressive scans: often 5–9% smaller, pixels proven identical. Slower. Only when the picture is "
        + "not re-encoded." }),
      this.advancedOutput());
  }


  advancedOutput() {
    const box = el("details", "advanced");
    box.append(el("summary", "", "More output settings"));
    const fmt = (f) => () => this.recipe.encode.format === f;
    const sub = this.catalogue.choices.subsampling.map((s) => [s, s]);
    box.append(
      this.checkbox("encode.progressive", "Progressive JPEG", { when: fmt("jpeg") }),
      this.select("encode.subsampling", "Colour detail (chroma subsampling)", sub, { when: fmt("jpeg") }),
      this.checkbox("encode.optimize", "Optimise JPEG tables", { when: fmt("jpeg") }),
      this.checkbox("encode.lossless", "Lossless WebP", { when: () => this.catalogue.formats[this.recipe.encode.format].lossless_option }),
      this.number("encode.colors", "PNG palette colours (2–256)", { min: 2, max: 256, when: fmt("png"), hint: "Empty keeps full colour." }),
      this.checkbox("encode.dither", "Dither the palette", { when: () => fmt("png")() && this.recipe.encode.colors != null }),
      this.checkbox("encode.oxipng", "OxiPNG (smaller PNG, slower)", { when: fmt("png"),
        hint: "Lossless: the pixels stay the same, proven after each file." }),
      this.color("encode.background", "Background for transparent areas"));
    return box;
  }

  cropSection() {
    const aspects = this.catalogue.choices.aspects.map((a) => [a, word(a)]);
    const anchors = this.catalogue.choices.anchors.map((a) => [a, word(a)]);
    return this.section("Crop every photo",
      this.select("crop.aspect", "Aspect ratio", aspects, { hint: "Each photo also has its own Crop button. "
        + `Cropping or turning changes pixels, so the picture is saved again: a JPEG at quality ${this.catalogue.default_quality} unless you set one.` }),
      this.select("crop.anchor", "Keep which part", anchors, { when: () => this.recipe.crop.aspect !== "free" }));
  }

  privacySection() {
    return this.section("What to keep",
      this.checkbox("policy.keep_orientation", "Keep orientation (portraits stay upright)"),
      this.checkbox("policy.keep_icc", "Keep the colour profile"),
      this.checkbox("policy.keep_copyright", "Keep the copyright notice"),
      this.checkbox("policy.keep_capture_date", "Keep the date taken (never the time zone or place)"),
      this.checkbox("policy.capture_date_only", "Only the day, not the time",
        { when: () => this.recipe.policy.keep_capture_date }),
      this.checkbox("output.keep_file_dates", "Keep the originals' file dates in the ZIP"),
      this.select("output.naming", "Name the results", this.catalogue.choices.namings.map((n) => [n, word(n)])),
      this.textField("output.pattern", "Name pattern",
        { hint: "{n} number, {name} original name, {what} what was done", when: () => this.recipe.output.naming === "pattern" }));
  }

  textField(path, label, { hint, when } = {}) {
    const input = el("input");
    input.type = "text";
    return this.control({ path, label, input, hint, read: (i) => i.value, write: (i, v) => { i.value = v ?? ""; }, when });
  }

  watermarkControls() {
    const kind = el("select");
    for (const [value, text] of [["none", "None"], ["text", "Text"], ["logo", "Logo (PNG)"]]) {
      const o = el("option", "", text);
      o.value = value;
      kind.append(o);
    }
    this.logoName = "";
    const kindRow = this.control({
      path: "watermark", label: "Add a watermark", input: kind, read: () => null,
      write: (i) => { i.value = this.watermarkKind(); },
      onInput: (i) => {
        const w = this.recipe.watermark;
        if (i.value === "none") this.recipe.watermark = { ...w, text: "", logo: "" };
        if (i.value === "text") this.recipe.watermark = { ...w, logo: "", text: w.text || "© " };
        if (i.value === "logo") { this.recipe.watermark = { ...w, text: "" }; this.wantLogo = true; }
      },
      resetTo: () => { this.recipe.watermark = clone(this.defaults.watermark); this.wantLogo = false; },
    });
    const isText = () => this.watermarkKind() === "text";
    const isLogo = () => this.watermarkKind() === "logo";
    const active = () => this.watermarkKind() !== "none";

    const textInput = el("input");
    textInput.type = "text";
    textInput.maxLength = 200;
    textInput.autocomplete = "off";
    const textRow = this.control({ path: "watermark.text", label: "Watermark text", input: textInput,
      read: (i) => i.value, write: (i, v) => { if (i.value !== v) i.value = v; }, when: isText,
      resetTo: () => { this.set("watermark.text", "© "); } });

    const logoInput = el("input");
    logoInput.type = "file";
    logoInput.accept = "image/png";
    const logoRow = this.control({ path: "watermark.logo", label: "Logo file (PNG)", input: logoInput,
      read: () => this.recipe.watermark.logo, write: () => {}, when: isLogo,
      onInput: () => {}, resetTo: () => { this.set("watermark.logo", ""); this.logoName = ""; } });
    logoInput.addEventListener("change", async () => {
      const file = logoInput.files[0];
      if (!file) return;
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      this.logoName = file.name;
      this.set("watermark.logo", btoa(binary));  // recipe.py takes the PNG as base64 text
      this.set("watermark.text", "");
      this.render();
      this.changed();
    });

    // Position: a 3×3 grid of radio buttons, plus "tiled".
    const grid = el("fieldset", "position-grid");
    grid.append(el("legend", "", "Position"));
    this.positionInputs = [];
    const group = uid("pos");
    for (const pos of this.catalogue.choices.positions) {
      const input = el("input");
      input.type = "radio";
      input.name = group;
      input.value = pos;
      input.id = uid("pos");
      input.setAttribute("aria-label", pos === "tiled" ? "Tiled over the whole photo" : word(pos));
      const label = el("label", pos === "tiled" ? "pos tiled" : "pos", pos === "tiled" ? "Tiled" : "");
      label.htmlFor = input.id;
      label.title = word(pos);
      label.prepend(input);
      input.addEventListener("change", () => {
        if (!input.checked) return;
        this.set("watermark.position", pos);
        this.render();
        this.changed();
      });
      grid.append(label);
      this.positionInputs.push(input);
    }
    this.positionGrid = grid;

    return [kindRow, textRow, logoRow, grid,
      this.range("watermark.opacity", "Opacity", { min: 0, max: 100, step: 1, scale: 100, unit: "%", when: active }),
      this.range("watermark.font_size", "Text size", { min: 1, max: 30, step: 0.5, scale: 100, unit: "% of the short side", when: isText }),
      this.range("watermark.logo_scale", "Logo size", { min: 1, max: 100, step: 1, scale: 100, unit: "% of the short side", when: isLogo }),
      this.color("watermark.color", "Text colour", { when: isText }),
      this.number("watermark.rotation", "Turn the watermark (degrees)", { min: -360, max: 360, step: 1, when: active,
        hint: "Counter-clockwise. Empty: level, or 30° when tiled." }),
      this.range("watermark.margin", "Distance from the edge", { min: 0, max: 45, step: 0.5, scale: 100, unit: "%", when: () => active() && this.recipe.watermark.position !== "tiled" })];
  }

  // Whether quality applies: the catalogue says per format, and whether its lossless switch turns it off.
  qualityApplies() {
    const facts = this.catalogue.formats[this.recipe.encode.format];
    return facts.lossy && !(facts.lossless_option && this.recipe.encode.lossless);
  }

  // Format or quality set from elsewhere (the compare view). A quality turns automatic quality off: the
  // recipe takes one or the other.
  setEncode(changes) {
    const encode = { ...this.recipe.encode, ...changes };
    if (changes.quality != null) encode.auto_quality = "off";
    this.recipe.encode = encode;
    this.render();
    this.changed();
  }

  watermarkKind() {
    const w = this.recipe.watermark;
    if (w.logo || this.wantLogo) return "logo";
    if (w.text) return "text";
    return "none";
  }

  // --- state --------------------------------------------------------------------------------------------

  render(skip) {
    for (const entry of this.controls) {
      const visible = !entry.when || entry.when();
      entry.row.hidden = !visible;
      if (entry !== skip && entry.write) entry.write(entry.input, this.get(entry.path));
      const atDefault = entry.path.includes(".") ? same(this.get(entry.path), this.defaultOf(entry.path))
        : same(this.recipe[entry.path], this.defaults[entry.path]);
      entry.reset.disabled = atDefault;
    }
    if (this.positionGrid) {
      this.positionGrid.hidden = this.watermarkKind() === "none";
      for (const input of this.positionInputs) input.checked = input.value === this.recipe.watermark.position;
    }
    const logoRow = this.controls.find((c) => c.path === "watermark.logo");
    if (logoRow) {
      const hint = logoRow.row.querySelector(".hint") || logoRow.row.appendChild(el("p", "hint"));
      hint.textContent = this.recipe.watermark.logo ? `Using ${this.logoName || "the imported logo"}.` : "Choose a PNG, transparent if you like.";
    }
    const preset = this.matchingPreset();
    for (const input of this.presetInputs) input.checked = input.value === preset;
  }

  changed() {
    if (this.recipe.watermark.logo || this.recipe.watermark.text) this.wantLogo = false;
    this.dispatchEvent(new Event("change"));
  }

  // The recipe as the command line takes it: only what differs from the defaults.
  exportable() {
    const out = {};
    for (const [section, values] of Object.entries(this.recipe)) {
      const diff = {};
      for (const [key, value] of Object.entries(values || {})) {
        if (!same(value, this.defaults[section]?.[key])) diff[key] = value;
      }
      if (Object.keys(diff).length) out[section] = diff;
    }
    return out;
  }

  // Accepts the command line's JSON (any subset of sections and keys); the engine checks values.
  import(data) {
    if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("a recipe is a JSON object");
    const unknown = Object.keys(data).filter((k) => !(k in this.defaults));
    if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(", ")}`);
    const next = clone(this.defaults);
    for (const [section, values] of Object.entries(data)) {
      if (values == null) continue;
      const extra = Object.keys(values).filter((k) => !(k in this.defaults[section]));
      if (extra.length) throw new Error(`unknown option(s): ${extra.map((k) => `${section}.${k}`).join(", ")}`);
      Object.assign(next[section], values);
    }
    this.recipe = next;
    this.logoName = "";
    this.render();
    this.changed();
  }

  // The recipe for one photo: the panel's, plus that photo's own crop box from the crop editor.
  recipeFor(extra = {}) {
    if (!this.recipe) return null;
    const recipe = clone(this.recipe);
    if (extra.box) recipe.crop = { ...recipe.crop, aspect: "free", box: extra.box };
    if (extra.rotate) recipe.crop = { ...recipe.crop, rotate: extra.rotate };  // quarter turns from the crop editor
    // The file's number in the batch matters only to names that count (photo-001.jpg).
    if (extra.index && recipe.output?.naming !== "suffix") recipe.output = { ...recipe.output, index: extra.index };
    // The compare view shows SSIM for every lossy result, not only when auto quality measured it.
    recipe.report = { ...recipe.report, ssim: true };
    return recipe;
  }
}
