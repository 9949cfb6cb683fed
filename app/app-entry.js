// Photos that arrive from outside the page: "Open with Image Studio" on the desktop (the manifest's
// file_handlers, delivered through window.launchQueue once the site is installed).
export function watchAppEntry(addFiles) {
  if (!("launchQueue" in window)) return;
  window.launchQueue.setConsumer(async (params) => {
    const files = await Promise.all((params.files || []).map((handle) => handle.getFile()));
    if (files.length) addFiles(files.map((file) => ({ file, path: file.name })), []);
  });
}
