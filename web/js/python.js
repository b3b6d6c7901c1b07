// The page's side of the training worker: start it, follow its start-up
// stages, and call its methods. Each call is one message there and one reply
// back, a promise of plain values.

export class PythonError extends Error {}

export function startPython(onStage) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  // Chromium keeps compiled WebAssembly for the next visit when a page compiles it, not
  // when a worker does: compile the runtime here (seconds saved on a return visit) and
  // hand it over. A missing file is found and named by the worker itself.
  WebAssembly.compileStreaming(fetch(new URL("../pyodide/pyodide.asm.wasm", import.meta.url)))
    .catch(() => null)
    .then((wasmModule) => worker.postMessage({ wasmModule }));
  const pending = new Map();
  let nextId = 0;
  let onReady;
  let onFailed;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    onFailed = reject;
  });
  worker.onmessage = ({ data }) => {
    if (data.stage) onStage(data.stage.name, data.stage.status, data.stage.ms);
    else if (data.ready) onReady(data.ready);
    else if (data.failed) onFailed(Object.assign(new Error(data.failed.message), { stage: data.failed.stage }));
    else {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      if ("error" in data) reject(new PythonError(data.error));
      else resolve(data.value);
    }
  };
  // A worker that cannot be loaded, or fails later: the page says so instead of waiting.
  worker.onerror = (event) => {
    event.preventDefault();
    const error = new Error(event.message || "js/worker.js could not be loaded.");
    onFailed(Object.assign(error, { stage: "worker" }));
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const call = (method, ...args) =>
    new Promise((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  return { ready, call };
}
