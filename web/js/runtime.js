// Starting Python in the training worker: the Pyodide runtime, NumPy and the
// rnnadd package, all from this site's own pyodide/ folder. Reports each stage
// and how long it took.

export class LoadError extends Error {
  constructor(stage, detail) {
    super(detail);
    this.stage = stage;
  }
}

// Pyodide waits forever when its .wasm fails to download, so look first:
// a missing file then gets a message naming it instead of an endless spinner.
const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"];

async function checkRuntimeFiles(base) {
  const missing = [];
  await Promise.all(
    RUNTIME_FILES.map(async (name) => {
      try {
        const response = await fetch(base + name, { method: "HEAD", cache: "no-store" });
        if (!response.ok) missing.push(`${name} (HTTP ${response.status})`);
      } catch {
        missing.push(`${name} (no response)`);
      }
    }),
  );
  if (missing.length) throw new Error(`Missing from pyodide/: ${missing.sort().join(", ")}.`);
}

const hex = (buffer) => Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");

// A wheel that fails to load is missing, or is not the file the lock names; Pyodide's own
// message for both is "Failed to fetch". Say which, by name.
async function diagnoseWheels(base) {
  const lock = await (await fetch(`${base}pyodide-lock.json`, { cache: "no-store" })).json();
  for (const { file_name: name, sha256 } of Object.values(lock.packages)) {
    const response = await fetch(base + name, { cache: "no-store" });
    if (!response.ok) return `pyodide/${name} is missing (HTTP ${response.status}).`;
    if (!crypto.subtle) continue; // only on https or localhost
    const digest = hex(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
    if (digest !== sha256) {
      return `pyodide/${name} is corrupted or replaced: its sha256 is ${digest}, pyodide-lock.json expects ${sha256}.`;
    }
  }
  return null;
}

// Pyodide fetches and instantiates its runtime itself; this hands it the module the
// page compiled instead (a promise, so that loading starts meanwhile), without a
// second download. Without one, Pyodide fetches and compiles the file as usual.
function instantiateWith(compiled) {
  const { fetch } = globalThis;
  const { instantiateStreaming } = WebAssembly;
  const isRuntime = (url) => String(url).endsWith("/pyodide.asm.wasm");
  globalThis.fetch = (url, options) =>
    isRuntime(url) ? compiled.then((wasmModule) => (wasmModule ? new Response() : fetch(url, options))) : fetch(url, options);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    const wasmModule = await compiled;
    if (!wasmModule || !isRuntime(response.url || "/pyodide.asm.wasm")) return instantiateStreaming(response, imports);
    return { module: wasmModule, instance: await WebAssembly.instantiate(wasmModule, imports) };
  };
  return () => {
    globalThis.fetch = fetch;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  };
}

export async function bootPython(onStage, compiled) {
  const started = performance.now();
  const base = new URL("../pyodide/", import.meta.url).href;
  const problems = [];
  const stage = async (name, work) => {
    onStage(name, "loading", performance.now() - started);
    try {
      const result = await work();
      onStage(name, "done", performance.now() - started);
      return result;
    } catch (error) {
      onStage(name, "failed", performance.now() - started);
      const diagnosis = name === "runtime" ? null : await diagnoseWheels(base).catch(() => null);
      // Pyodide's own report of a failed download reads better than a Python traceback.
      const lines = String(error && error.message ? error.message : error).trim().split("\n");
      throw new LoadError(name, diagnosis ?? (problems.length ? problems.join(" ") : lines[lines.length - 1]));
    }
  };

  const pyodide = await stage("runtime", async () => {
    // The check and the loader's import run together; a missing file is reported by name.
    const [checked, imported] = await Promise.allSettled([checkRuntimeFiles(base), import(`${base}pyodide.mjs`)]);
    if (checked.status === "rejected") throw checked.reason;
    if (imported.status === "rejected") throw imported.reason;
    const { loadPyodide } = imported.value;
    const restore = instantiateWith(compiled);
    try {
      return await loadPyodide({ indexURL: base, stdout: () => {}, stderr: (line) => problems.push(line) });
    } finally {
      restore();
    }
  });
  // Both wheels download together. loadPackage reports a failed download through
  // errorCallback and resolves anyway: the imports afterwards prove each package is there.
  const packages = pyodide.loadPackage(["numpy", "rnnadd"], {
    messageCallback: () => {},
    errorCallback: (m) => problems.push(m),
  });
  await stage("numpy", async () => {
    await packages;
    pyodide.pyimport("numpy");
  });
  const page = await stage("model", async () => pyodide.pyimport("rnnadd.page"));
  return { pyodide, page, seconds: (performance.now() - started) / 1000 };
}
