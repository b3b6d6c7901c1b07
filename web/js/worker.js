// The training worker: Python and the rnnadd session live here, off the page's
// main thread, so training can use whole frames while the page draws at 60 fps.
// Requests are handled one at a time, in the order they were sent; each gets
// one reply of plain values.

import { bootPython } from "./runtime.js";

let pyodide = null;
let page = null; // the rnnadd.page module
let trainer = null;
// Frames of a training run that reached "solved" or diverged train no further:
// the page may already have sent the next one or two.
let haltedRun = null;

function plain(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

function useTrainer(next) {
  if (trainer) trainer.destroy();
  trainer = next;
  haltedRun = null;
  return plain(trainer.config());
}

const isSet = (value) => value !== null && value !== undefined;

function frame(steps, measure, detail, run) {
  const solvedBefore = isSet(trainer.solved_at);
  const result = plain(trainer.frame(run === haltedRun ? 0 : steps, measure, detail));
  if (result.error || (!solvedBefore && isSet(result.solved_at))) haltedRun = run;
  result.wasm_bytes = pyodide._module.HEAPU8.buffer.byteLength;
  return result;
}

const METHODS = {
  validate: (valuesJson) => JSON.parse(page.validate(valuesJson)),
  create: (configJson) => useTrainer(page.create(configJson)),
  load: (text) => useTrainer(page.load(text)),
  frame,
  select: (a, b) => trainer.select(a, b),
  save: () => trainer.save(),
  generalisation: () => plain(trainer.generalisation()),
  ask: (a, b) => plain(trainer.ask(a, b)),
};

// A Python exception's last line, without the traceback: "bits must be ...".
function pythonMessage(error) {
  const lines = String(error.message || error).trim().split("\n");
  return lines[lines.length - 1].replace(/^\w+Error: /, "");
}

function handle({ data: { id, method, args } }) {
  try {
    self.postMessage({ id, value: METHODS[method](...args) });
  } catch (error) {
    self.postMessage({ id, error: pythonMessage(error) });
  }
}

async function start(compiled) {
  const onStage = (name, status, ms) => self.postMessage({ stage: { name, status, ms } });
  try {
    let seconds;
    ({ pyodide, page, seconds } = await bootPython(onStage, compiled));
    self.postMessage({ ready: { seconds, described: JSON.parse(page.describe()) } });
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
