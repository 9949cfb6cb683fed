// Offline cache. build.py fills in every file of the site with its sha256, a version that changes with
// any byte, and the security headers the site's pages and files should carry.
//  - Install checks each file's sha256 and aborts on any mismatch (a CDN may still serve an old copy).
//  - A new version never takes over an open page: it waits until the page asks (its "reload" notice).
//  - Every response it serves carries the CSP and the other headers, which GitHub Pages cannot send.
const VERSION = "__SITE_VERSION__";
const CACHE = `image-studio-${VERSION}`;
const FILES = __SITE_FILES__;      // URL (relative to this script) -> sha256 hex
const HEADERS = __SITE_HEADERS__;  // header name -> value

// This script itself arrives without a CSP on a host that sends no headers: close its own network doors
// by hand. It only ever needs its own origin.
const siteFetch = self.fetch.bind(self);
self.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
  if (url.origin !== self.location.origin) return Promise.reject(new TypeError(`refused: ${url.origin} is not this site`));
  return siteFetch(input, init);
};
for (const name of ["XMLHttpRequest", "WebSocket", "EventSource", "WebTransport"]) delete self[name];
const noCode = () => { throw new EvalError("refused: code from strings is disabled on this site"); };
self.eval = noCode;
self.importScripts = () => { throw new TypeError("refused: this service worker imports no script"); };
for (const fn of [function () {}, async function () {}, function* () {}, async function* () {}]) {
  Object.defineProperty(Object.getPrototypeOf(fn), "constructor", { value: noCode });
}
self.Function = noCode;

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function withHeaders(body, type, status = 200) {
  const headers = new Headers(HEADERS);
  if (type) headers.set("Content-Type", type);
  return new Response(body, { status, headers });
}

// One file, checked. What the page has just downloaded is in the HTTP cache and is taken from there, even
// if stale ("force-cache": the hash decides, not its age); only a copy that fails the check is fetched
// again from the server, and checked again.
async function verified(url, expected) {
  for (const mode of ["force-cache", "reload"]) {
    const response = await siteFetch(new Request(url, { cache: mode }));
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    if (hex(await crypto.subtle.digest("SHA-256", bytes)) === expected) {
      return withHeaders(bytes, response.headers.get("Content-Type"));
    }
  }
  throw new Error(`${url} is not the file this version of the site shipped (its SHA-256 differs): not installed`);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const checked = await Promise.all(Object.entries(FILES).map(async ([url, hash]) => [url, await verified(url, hash)]));
    const cache = await caches.open(CACHE);
    await Promise.all(checked.map(([url, response]) => cache.put(url, response)));
  })().catch(async (err) => {
    await caches.delete(CACHE);  // nothing half-checked stays behind
    throw err;
  }));
});

// The page's "New version — reload" button: only then does a waiting version take over.
self.addEventListener("message", (event) => {
  if (event.data === "take-over") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      // Earlier site versions, and the Python snapshot older versions of the worker made for themselves.
      if ((key.startsWith("image-studio-") && key !== CACHE) || key.startsWith("pyodide-snapshot-")) await caches.delete(key);
    }
    // A first install also serves the page that installed it (same version). Later versions only
    // activate once no page runs the old one, or when the page asked for it.
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
    if (hit) return hit;
    const response = await siteFetch(request);
    return withHeaders(response.body, response.headers.get("Content-Type"), response.status);
  })());
});

// Web Share Target (the manifest's share_target): photos shared from a phone's gallery arrive as a POST to
// ./share-target. They wait in a cache of their own (kept across site versions) and the page, opened at
// ./?shared, takes them from there. Nothing here needs the network.
const SHARED = "shared-photos";
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "POST" || url.origin !== self.location.origin || !url.pathname.endsWith("/share-target")) return;
  event.respondWith((async () => {
    const form = await event.request.formData();
    const cache = await caches.open(SHARED);
    const batch = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let n = 0;
    for (const file of form.getAll("photos")) {
      if (!(file instanceof File)) continue;
      n += 1;
      await cache.put(new URL(`./shared/${batch}/${n}`, self.registration.scope).href, new Response(file, {
        headers: { "content-type": file.type || "application/octet-stream", "x-file-name": encodeURIComponent(file.name) } }));
    }
    return Response.redirect(new URL("./?shared", self.registration.scope).href, 303);
  })());
});
