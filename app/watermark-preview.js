// Live watermark preview on the selected photo, drawn on a canvas for responsiveness. It draws with the
// geometry the engine's catalogue gives (py/imagestudio/ops/watermark.py: smallest font, tile gap, default
// turns, where each of the nine places sits); the output pixels are still drawn by Python.

const FONT = "DejaVu Sans Bold";   // the @font-face name of the engine's font file (static/fonts)
const MAX_SIDE = 640;  // preview canvas size in device pixels (longest side)

export class WatermarkPreview {
  constructor(canvas, caption) {
    this.canvas = canvas;
    this.caption = caption;
    this.photo = null;
    this.logo = null;
    this.logoSource = "";
    this.fontRequested = false;
    this.geometry = null;  // catalogue.watermark
  }

  setGeometry(geometry) {
    this.geometry = geometry;
    this.draw();
  }

  // The font (700 KB) is fetched once a text watermark is set, not at start-up, where it
  // competed with the first paint; the preview redraws once it has arrived.
  requestFont() {
    if (this.fontRequested) return;
    this.fontRequested = true;
    document.fonts?.load(`32px "${FONT}"`).then(() => this.draw()).catch(() => {});
  }

  setPhoto(card) {
    this.card = card;
    const photo = card?.thumb || null;
    this.photo = photo;
    // The engine's thumbnail may arrive (or change) after the photo is chosen: draw it when it does.
    photo?.addEventListener("load", () => { if (this.photo === photo) this.draw(); });
    this.draw();
  }

  setWatermark(wm) {
    this.wm = wm;
    if (wm.logo && wm.logo !== this.logoSource) {
      this.logoSource = wm.logo;
      const img = new Image();
      img.onload = () => { this.logo = img; this.draw(); };
      img.src = wm.logo.startsWith("data:") ? wm.logo : `data:image/png;base64,${wm.logo}`;
    }
    if (!wm.logo) { this.logo = null; this.logoSource = ""; }
    if (wm.text.trim()) this.requestFont();
    this.draw();
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    const photo = this.photo;
    if (!photo || !photo.complete || !photo.naturalWidth) {
      this.canvas.hidden = true;
      const waiting = this.card && this.card.item.thumbnail === undefined;  // the engine's thumbnail is on its way
      this.caption.textContent = waiting ? "Preparing the preview…" : this.card ? "This photo cannot be shown here; the watermark will still be drawn." : "Add a photo to see the watermark on it.";
      return;
    }
    this.canvas.hidden = false;
    const scale = Math.min(1, MAX_SIDE / Math.max(photo.naturalWidth, photo.naturalHeight));
    const w = Math.max(1, Math.round(photo.naturalWidth * scale));
    const h = Math.max(1, Math.round(photo.naturalHeight * scale));
    this.canvas.width = w;
    this.canvas.height = h;
    ctx.drawImage(photo, 0, 0, w, h);
    const wm = this.wm;
    const active = wm && this.geometry && (wm.text.trim() || (wm.logo && this.logo));
    this.caption.textContent = active ? `Preview on ${this.card.item.path}` : `${this.card.item.path} — no watermark set`;
    if (!active) return;
    const stamp = wm.logo ? this.logoStamp(w, h) : this.textStamp(w, h);
    const tiled = wm.position === "tiled";
    const g = this.geometry;
    const rotation = wm.rotation ?? g.default_rotation[tiled ? "tiled" : "single"];
    const rotated = rotatedSize(stamp.width, stamp.height, rotation);
    ctx.save();
    ctx.globalAlpha = wm.opacity;
    const spots = tiled ? tileSpots(w, h, rotated, g.tile_gap) : [spot(w, h, rotated, wm, g.anchors)];
    for (const [x, y] of spots) {
      ctx.save();
      ctx.translate(x + rotated[0] / 2, y + rotated[1] / 2);
      ctx.rotate((-rotation * Math.PI) / 180);  // Pillow rotates counter-clockwise
      ctx.drawImage(stamp, -stamp.width / 2, -stamp.height / 2);
      ctx.restore();
    }
    ctx.restore();
  }

  textStamp(w, h) {
    const wm = this.wm;
    const short = Math.min(w, h);
    const minPx = this.geometry.min_font_px;
    let px = Math.max(minPx, Math.round(wm.font_size * short));
    const room = Math.max(1, w - 2 * Math.round(wm.margin * short));
    const c = document.createElement("canvas");
    const ctx = c.getContext("2d");
    const lines = wm.text.split("\n");
    const measure = () => {
      ctx.font = `${px}px "${FONT}", sans-serif`;
      return Math.max(...lines.map((l) => ctx.measureText(l).width));
    };
    let width = measure();
    if (width > room && px > minPx) {
      px = Math.max(minPx, Math.floor((px * room) / width));
      width = measure();
    }
    const lineHeight = Math.round(px * 1.16);
    c.width = Math.max(1, Math.ceil(width));
    c.height = Math.max(1, lineHeight * lines.length);
    ctx.font = `${px}px "${FONT}", sans-serif`;
    ctx.fillStyle = wm.color;
    ctx.textBaseline = "top";
    lines.forEach((line, i) => ctx.fillText(line, 0, i * lineHeight));
    return c;
  }

  logoStamp(w, h) {
    const longest = Math.max(1, Math.round(this.wm.logo_scale * Math.min(w, h)));
    const s = longest / Math.max(this.logo.naturalWidth, this.logo.naturalHeight);
    const c = document.createElement("canvas");
    c.width = Math.max(1, Math.round(this.logo.naturalWidth * s));
    c.height = Math.max(1, Math.round(this.logo.naturalHeight * s));
    c.getContext("2d").drawImage(this.logo, 0, 0, c.width, c.height);
    return c;
  }
}

function rotatedSize(w, h, degrees) {
  const r = (degrees * Math.PI) / 180;
  return [Math.abs(w * Math.cos(r)) + Math.abs(h * Math.sin(r)), Math.abs(w * Math.sin(r)) + Math.abs(h * Math.cos(r))];
}

function spot(w, h, [sw, sh], wm, anchors) {
  const margin = Math.round(wm.margin * Math.min(w, h));
  const [fx, fy] = anchors[wm.position];
  return [margin + (w - 2 * margin - sw) * fx, margin + (h - 2 * margin - sh) * fy];
}

function tileSpots(w, h, [sw, sh], gap) {
  const stepX = Math.max(1, Math.round(sw * (1 + gap)));
  const stepY = Math.max(1, Math.round(sh * (1 + gap)));
  const spots = [];
  let row = 0;
  for (let y = -Math.floor(sh / 2); y < h; y += stepY, row += 1) {
    const offset = Math.floor(stepX / 2) * (row % 2);
    for (let x = -sw + offset; x < w; x += stepX) spots.push([x, y]);
  }
  return spots;
}
