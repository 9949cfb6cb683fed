// Tiny DOM helpers shared by the UI modules (no framework: the page is small).

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(text, className = "button secondary", attrs = {}) {
  const node = el("button", className, text);
  node.type = "button";
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

// A labelled form control: the label wraps nothing, it points at the control by id,
// so tests and screen readers get the same accessible name.
export function field(labelText, control, hint) {
  const wrap = el("div", "field");
  control.id ||= uid("f");
  const label = el("label", "", labelText);
  label.htmlFor = control.id;
  wrap.append(label, control);
  if (hint) wrap.append(hintFor(control, "p", "hint", hint));
  return wrap;
}

// A hint element that screen readers read with `control` (which must have its id).
export function hintFor(control, tag, className, text) {
  const help = el(tag, className, text);
  help.id = `${control.id}-hint`;
  control.setAttribute("aria-describedby", help.id);
  return help;
}
