// Keeps this site's files for visits without a network. build.py writes the build's
// content hash and the list of files below: a new build is a new cache, and the old
// ones go once it is in place. Cache first, then the network, for this origin only.
const BUILD = "__BUILD__";
const FILES = "__FILES__";
const CACHE = `rnnadd-${BUILD}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Revalidated with the server: unchanged files (just fetched by the page) cost a 304, not a second
      // download, and the browser's HTTP cache never hands over a file of the last build.
      .then((cache) => cache.addAll(FILES.map((url) => new Request(url, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("rnnadd-") && name !== CACHE;
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(old).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const head = request.method === "HEAD"; // the page looks for its runtime's files before loading them
  if ((request.method !== "GET" && !head) || new URL(request.url).origin !== self.location.origin) return;
  // A link's #hash never reaches here; a query string (?autotrain) does not change the file.
  const kept = caches.match(request, { cacheName: CACHE, ignoreSearch: true, ignoreMethod: head });
  event.respondWith(
    kept.then((hit) => (hit && head ? new Response(null, { status: hit.status, headers: hit.headers }) : (hit ?? fetch(request)))),
  );
});
