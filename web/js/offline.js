// After the first visit the site's files come from a cache (sw.js), so the page opens offline.
// Filling it (the runtime, about 13 MB written to the cache) waits for a moment without
// training, so that Train pressed the moment the page is ready has the machine to itself.

const OFFLINE_AFTER_MS = 2000;

// idleSince(): when the page last trained or became ready (performance.now()), or null while
// it trains; onKept(cache name, words): where the page says whether it is kept.
export function keepForOfflineWhenIdle(idleSince, onKept) {
  const since = idleSince();
  if (since !== null && performance.now() - since >= OFFLINE_AFTER_MS) keepForOffline(onKept);
  else setTimeout(() => keepForOfflineWhenIdle(idleSince, onKept), 250);
}

async function keepForOffline(onKept) {
  if (!("serviceWorker" in navigator)) {
    onKept(null, "This browser cannot keep the page for offline use.");
    return;
  }
  try {
    await navigator.serviceWorker.register("sw.js");
    await navigator.serviceWorker.ready;
    const cache = (await caches.keys()).find((name) => name.startsWith("rnnadd-")) ?? null;
    onKept(cache, "Kept in this browser: the page also opens without a network.");
  } catch (error) {
    onKept(null, `This page cannot be kept for offline use here: ${error.message}`);
  }
}
