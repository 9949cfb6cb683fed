// The "works offline" state, shown rather than promised: ready once the service worker that
// precached (and checked) the whole site controls this page and the engine started; the network
// state is shown beside it. A new version of the site waits until this page asks for it.

// `engineStarted` (a promise of true/false) holds the registration back: the service worker's install
// reads the whole site, which on a first visit would compete with the engine's own start-up. An engine
// that cannot start never gets "Works offline": the page offers to clear the offline copy instead.
export function watchOffline(node, engineStarted = Promise.resolve(true)) {
  const render = (ready) => {
    if (["broken", "update"].includes(node.dataset.state)) return;  // a notice with a button stays
    const online = navigator.onLine;
    if (ready) {
      node.dataset.state = online ? "ready" : "offline";
      node.textContent = online ? "Works offline: saved on this device" : "Offline — everything still works";
    } else {
      node.dataset.state = online ? "pending" : "offline";
      node.textContent = online ? "Saving for offline use…" : "Offline";
    }
  };
  let ready = false;
  let started = false;  // "Works offline" only once the engine has started from this copy
  render(false);
  if (!("serviceWorker" in navigator)) {
    node.dataset.state = "unsupported";
    node.textContent = "This browser cannot keep the page for offline use";
    return;
  }
  const check = () => {
    ready = started && Boolean(navigator.serviceWorker.controller);
    render(ready);
  };
  engineStarted.then((ok) => {
    if (!ok) {
      showBroken(node);
      return;
    }
    started = true;
    check();
    navigator.serviceWorker.register("sw.js").then((registration) => offerUpdates(node, registration)).catch(() => {
      node.dataset.state = "unsupported";
      node.textContent = "Offline use is not available here";
    });
  });
  navigator.serviceWorker.ready.then(check);
  navigator.serviceWorker.addEventListener("controllerchange", check);
  window.addEventListener("online", () => render(ready));
  window.addEventListener("offline", () => render(ready));
  check();
}

function notice(node, state, text, action, onClick) {
  node.dataset.state = state;
  const button = Object.assign(document.createElement("button"), { type: "button", className: "button quiet", textContent: action });
  button.addEventListener("click", onClick);
  node.replaceChildren(`${text} `, button);
}

// The engine could not start: a damaged or stale offline copy is the usual cause, and removing it is
// the way out (the next load then comes from the server, checked again).
function showBroken(node) {
  notice(node, "broken", "Not usable offline: the engine could not start.", "Clear the offline copy", async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    for (const key of await caches.keys()) if (key.startsWith("image-studio-")) await caches.delete(key);
    location.reload();
  });
}

// A new version installed (and checked) while this page was open waits; the page says so, and takes
// it only when asked, reloading at once so that the page and all its workers are of one version.
function offerUpdates(node, registration) {
  const offer = () => {
    const waiting = registration.waiting;
    if (!waiting || !navigator.serviceWorker.controller) return;
    notice(node, "update", "New version available.", "New version — reload", () => {
      navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
      waiting.postMessage("take-over");
    });
  };
  offer();
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => { if (installing.state === "installed") offer(); });
  });
}
