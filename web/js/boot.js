// Says so in the page when one of the page's own modules cannot be loaded: a module
// that fails to load never runs, so it cannot report its own failure. A classic
// script with no imports, run before the modules, so that it runs whatever is missing.
"use strict";

(() => {
  const ENTRY = "js/app.js";
  const $ = (id) => document.getElementById(id);

  function showFailure(message) {
    if (!$("error-view").hidden) return;
    $("error-title").textContent = "The page could not start";
    $("error-message").textContent = message;
    $("error-advice").textContent =
      "A file of the page itself could not be loaded. If you host this page, copy the whole built folder and serve it over http(s).";
    $("error-view").hidden = false;
    $("loading").hidden = true;
  }

  // Which module of the page failed: follow the imports from the entry until one does not load.
  async function findMissing(path, seen = new Set()) {
    if (seen.has(path)) return null;
    seen.add(path);
    let response;
    try {
      response = await fetch(path, { cache: "no-store" });
    } catch {
      return `${path} (no response)`;
    }
    if (!response.ok) return `${path} (HTTP ${response.status})`;
    const source = await response.text();
    const folder = path.slice(0, path.lastIndexOf("/") + 1);
    for (const [, name] of source.matchAll(/^import\s[^"']*["']\.\/([\w.-]+\.js)["']/gm)) {
      const missing = await findMissing(folder + name, seen);
      if (missing) return missing;
    }
    return null;
  }

  // An error thrown while the modules load (a syntax error, say) names its file.
  window.addEventListener("error", (event) => {
    if (!window.rnnDemo && event.filename) {
      const file = event.filename.slice(event.filename.indexOf("/js/") + 1);
      showFailure(`${file}: ${event.message}`);
    }
  });

  // By "load", every module has run or failed; the page's entry defines window.rnnDemo at once.
  window.addEventListener("load", async () => {
    if (window.rnnDemo) return;
    const missing = await findMissing(ENTRY);
    showFailure(`The page's own module ${missing ?? ENTRY} could not be loaded.`);
  });
})();
