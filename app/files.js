// Getting files in (picker, drag and drop, paste) and out (Blob downloads).

export function onFiles(target, picker, handle) {
  picker.addEventListener("change", () => {
    handle([...picker.files]);
    picker.value = "";  // choosing the same file again still fires
  });
  const hover = (on) => (event) => {
    event.preventDefault();
    document.body.classList.toggle("dragging", on);
  };
  window.addEventListener("dragover", hover(true));
  window.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) document.body.classList.remove("dragging");
  });
  window.addEventListener("drop", (event) => {
    hover(false)(event);
    const files = [...(event.dataTransfer?.files || [])];
    if (files.length) handle(files);
  });
  window.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (files.length) handle(files.map((f, i) => (f.name && f.name !== "image.png" ? f : new File([f], `pasted-${Date.now()}-${i}.${(f.type.split("/")[1] || "bin")}`, { type: f.type }))));
  });
  target.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      picker.click();
    }
  });
}

export function downloadLink(bytes, mime, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  return link;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
