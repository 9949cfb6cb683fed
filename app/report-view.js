// The inspect report in words for people: dates in the reader's locale, one line per fact (with every place
// it was found), the place named. Display only: the findings themselves come from the engine.

// The engine gives dates as ISO 8601 in `parsed`; the written form is read when there is none.
const EXIF_DATE = /^(\d{4})[:-](\d\d)[:-](\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?/;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// "2012:09:29 10:20:30" -> "29 Sep 2012, 10:20" (in the reader's locale); anything else stays as it is.
export function localDate(text) {
  const m = EXIF_DATE.exec(String(text || ""));
  if (!m) return text;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  if (!year || !month || !day || month > 12 || day > 31) return text;
  const date = new Date(year, month - 1, day, hour || 0, minute || 0, second || 0);
  return Number.isNaN(date.getTime()) ? text : (hour === undefined ? dateFormat : dateTimeFormat).format(date);
}

function shownValue(f) {
  return f.kind === "time" ? localDate(f.parsed ?? f.value) : f.value;
}

// Findings of the same fact (same words and value, as shown) become one row listing every place they were found.
export function findingRows(findings) {
  const rows = new Map();
  for (const f of findings) {
    const value = shownValue(f);
    const id = `${f.label}\u0000${value}`;
    const row = rows.get(id);
    if (row) {
      if (!row.places.includes(f.where)) row.places.push(f.where);
      row.preview ||= f.preview;
    } else {
      rows.set(id, { kind: f.kind, label: f.label, value, places: [f.where], preview: f.preview });
    }
  }
  return [...rows.values()];
}

// The place a file names (IPTC/XMP city, region, country), most precise first.
export function placeText(findings) {
  const names = findings.filter((f) => f.key === "place" && f.value).map((f) => f.value);
  return [...new Set(names)].join(", ");
}

// The folded report: the headline facts in one line.
export function reportLine(report) {
  const summary = report.summary || {};
  const rows = findingRows(report.findings);
  if (!rows.length) return "Nothing hidden was found.";
  const parts = [];
  const place = placeText(report.findings);
  if (summary.gps) parts.push(`Location ${summary.gps}`);
  else if (place) parts.push(`Place ${place}`);
  else if (summary.location) parts.push("Location");
  if (summary.camera) parts.push(`camera ${summary.camera}`);
  if (summary.captured) parts.push(`taken ${localDate(summary.captured)}`);
  parts.push(`${rows.length} item${rows.length === 1 ? "" : "s"}`);
  return parts.join(" · ");
}
