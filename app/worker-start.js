// Starts the engine worker from a blob: module that imports app/worker.js. A worker created from a
// blob: URL inherits the page's Content Security Policy, so the meta tag confines the worker too on a
// host that sends no headers (GitHub Pages); a worker created from its own URL would run with no policy.
// The bootstrap also hands the worker this page's list of file hashes: the worker checks every file it
// loads against it, so every worker of a page runs that page's version of the site, or refuses to start.
import { SITE_FILES } from "./site-files.js";

const bootstraps = new Map();  // worker URL -> its bootstrap's blob: URL, made once per page

export function startWorker(url) {
  const href = new URL(url, location.href).href;
  if (!bootstraps.has(href)) {
    const site = { files: SITE_FILES, root: new URL("../", href).href };
    const code = `self.imageStudioSite = ${JSON.stringify(site)};\nawait import(${JSON.stringify(href)});\n`;
    bootstraps.set(href, URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
  }
  return new Worker(bootstraps.get(href), { type: "module" });
}
