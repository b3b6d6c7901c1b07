// The training worker: Python and one rnnadd session live here, off the page's
// main thread, so training can use whole frames while the page draws at 60 fps.
// It only passes calls through: each message is a list of [method, ...args]
// calls, answered by one reply with each call's plain value and its time.

import { bootPython } from "./runtime.js";

let pyodide = null;
let page = null; // the rnnadd.page module
let current = null; // the current session: an rnnadd.page.PageSession

function plain(value) {
  if (!value || typeof value.toJs !== "function") return value;
  const converted = value.toJs({ dict_converter: Object.fromEntries });
  value.destroy();
  return converted;
}

function useTrainer(next) {
  if (current) current.destroy();
  current = next;
  return plain(current.summary());
}

const UPLOAD = "/tmp/session.json";

// Calls that make a session; every other name is a method of the current session.
const SESSION_MAKERS = {
  create: (config) => {
    const values = pyodide.toPy(config);
    try {
      return useTrainer(page.create(values));
    } finally {
      values.destroy();
    }
  },
  create_notebook: ({ fixes, seed }) => {
    const names = pyodide.toPy(fixes);
    try {
      return useTrainer(page.create_notebook(names, seed));
    } finally {
      names.destroy();
    }
  },
  // A saved session comes as the File itself, read here as bytes into Python's file system:
  // a large one is never a JS string (too long for one) nor copied between threads.
  load: (file) => {
    pyodide.FS.writeFile(UPLOAD, new Uint8Array(new FileReaderSync().readAsArrayBuffer(file)));
    try {
      return useTrainer(page.load_file(UPLOAD));
    } finally {
      pyodide.FS.unlink(UPLOAD);
    }
  },
};

function perform([method, ...args]) {
  const started = performance.now();
  const value = SESSION_MAKERS[method] ? SESSION_MAKERS[method](...args) : plain(current[method](...args));
  return { value, ms: performance.now() - started };
}

// A Python exception's last line, without the traceback: "bits must be ...".
function pythonMessage(error) {
  const lines = String(error.message || error).trim().split("\n");
  return lines[lines.length - 1].replace(/^\w+Error: /, "");
}

function handle({ data: { id, calls } }) {
  const results = [];
  try {
    for (const call of calls) results.push(perform(call));
    self.postMessage({ id, results, wasmBytes: pyodide._module.HEAPU8.buffer.byteLength });
  } catch (error) {
    // The calls before the failing one took effect; the caller learns which one failed.
    self.postMessage({ id, results, error: pythonMessage(error), failed: calls[results.length][0] });
  }
}

async function start(compiled) {
  const onStage = (name, status, ms) => self.postMessage({ stage: { name, status, ms } });
  try {
    let seconds;
    ({ pyodide, page, seconds } = await bootPython(onStage, compiled));
    self.postMessage({ ready: { seconds, described: plain(page.describe()) } });
  } catch (error) {
    self.postMessage({ failed: { stage: error.stage || "runtime", message: error.message } });
  }
}

// The page's first message is the runtime's compiled WebAssembly module (or null);
// requests follow once Python is ready. Loading starts before the module arrives.
start(
  new Promise((resolve) => {
    self.onmessage = ({ data: { wasmModule } }) => {
      self.onmessage = handle;
      resolve(wasmModule);
    };
  }),
);
