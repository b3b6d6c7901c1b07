// The page's side of a training worker: start it, follow its start-up stages,
// and send it lists of calls. Each send is one message there and one reply
// back: a promise of each call's plain value and time.

export class PythonError extends Error {
  constructor(message, failed) {
    super(message);
    this.failed = failed; // the call that raised
  }
}

// Chromium keeps compiled WebAssembly for the next visit when a page compiles it, not
// when a worker does: compile the runtime here, once (seconds saved on a return visit
// and for every later worker), and hand it over. A missing file is named by the worker.
let compiledRuntime = null;
function compileRuntime() {
  compiledRuntime ??= WebAssembly.compileStreaming(fetch(new URL("../pyodide/pyodide.asm.wasm", import.meta.url))).catch(
    () => null,
  );
  return compiledRuntime;
}

export function startPython(onStage = () => {}) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  compileRuntime().then((wasmModule) => worker.postMessage({ wasmModule }));
  const pending = new Map();
  let nextId = 0;
  let onReady;
  let onFailed;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    onFailed = reject;
  });
  const memory = { wasmBytes: null };
  const failAll = (error) => {
    onFailed(error);
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    if (data.stage) onStage(data.stage.name, data.stage.status, data.stage.ms);
    else if (data.ready) onReady(data.ready);
    else if (data.failed && data.id === undefined) onFailed(Object.assign(new Error(data.failed.message), { stage: data.failed.stage }));
    else {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      if (data.wasmBytes) memory.wasmBytes = data.wasmBytes;
      if ("error" in data) reject(new PythonError(data.error, data.failed));
      else resolve(data.results);
    }
  };
  // A worker that cannot be loaded, or fails later: the page says so instead of waiting.
  worker.onerror = (event) => {
    event.preventDefault();
    failAll(Object.assign(new Error(event.message || "js/worker.js could not be loaded."), { stage: "worker" }));
  };
  const send = (calls) =>
    new Promise((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, calls });
    });
  // One call, its value only.
  const call = async (method, ...args) => (await send([[method, ...args]]))[0].value;
  const terminate = () => {
    worker.terminate();
    failAll(Object.assign(new Error("stopped"), { stopped: true }));
  };
  return { ready, send, call, terminate, memory };
}
