// Photos that arrive from outside the page: "Open with Image Studio" on the desktop (the manifest's
// file_handlers, delivered through window.launchQueue once the site is installed), and photos shared from a
// phone's gallery (the manifest's share_target: sw.js keeps them in a cache and opens the page at ./?shared).
const SHARED = "shared-photos";

export function watchAppEntry(addFiles) {
  if ("launchQueue" in window) {
    window.launchQueue.setConsumer(async (params) => {
      const files = await Promise.all((params.files || []).map((handle) => handle.getFile()));
      if (files.length) addFiles(files.map((file) => ({ file, path: file.name })), []);
    });
  }
  if (new URLSearchParams(location.search).has("shared")) takeShared(addFiles);
}

async function takeShared(addFiles) {
  history.replaceState(null, "", location.pathname);  // a reload must not add them twice
  if (!("caches" in window)) return;
  const cache = await caches.open(SHARED);
  const files = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const name = decodeURIComponent(response.headers.get("x-file-name") || "") || "shared-photo";
    files.push(new File([await response.blob()], name, { type: response.headers.get("content-type") || "" }));
    await cache.delete(request);
  }
  if (files.length) addFiles(files.map((file) => ({ file, path: file.name })), []);
}
