// The "works offline" state, shown rather than promised: ready once the service worker that
// precached the whole site controls this page; the network state is shown beside it.

// `after` (a promise) holds the registration back: the service worker's install downloads the whole
// site again, which on a first visit would compete with the engine's own start-up.
export function watchOffline(node, after = Promise.resolve()) {
  const render = (ready) => {
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
  render(false);
  if (!("serviceWorker" in navigator)) {
    node.dataset.state = "unsupported";
    node.textContent = "This browser cannot keep the page for offline use";
    return;
  }
  after.finally(() => navigator.serviceWorker.register("sw.js")).catch(() => {
    node.dataset.state = "unsupported";
    node.textContent = "Offline use is not available here";
  });
  const check = () => {
    ready = Boolean(navigator.serviceWorker.controller);
    render(ready);
  };
  navigator.serviceWorker.ready.then(check);
  navigator.serviceWorker.addEventListener("controllerchange", check);
  window.addEventListener("online", () => render(ready));
  window.addEventListener("offline", () => render(ready));
  check();
}
