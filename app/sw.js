// Offline cache: build.py fills in the list of every file of the site and a version that
// changes with any byte, so a new build installs a fresh cache and drops the old one.
const VERSION = "__SITE_VERSION__";
const CACHE = `image-studio-${VERSION}`;
const PRECACHE = __PRECACHE_URLS__;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      // Earlier site versions, and the Python snapshot older versions of the worker made for themselves.
      if ((key.startsWith("image-studio-") && key !== CACHE) || key.startsWith("pyodide-snapshot-")) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = request.mode === "navigate" ? "./" : request;
    const hit = await cache.match(key, { ignoreSearch: request.mode === "navigate" });
    return hit || fetch(request);
  })());
});
