// Wires the page: controls -> state -> training (one Python call per frame) -> views.

import { PROPERTIES, configFromHash, hashFromConfig, parseValue, rangeText } from "./state.js";
import { BoundedSeries } from "./history.js";
import { drawAccuracyChart, drawLossChart } from "./linechart.js";
import { drawBitView, rowAt } from "./bitview.js";
import { drawHeatmap } from "./heatmap.js";
import { bootPython } from "./runtime.js";

// Milliseconds of work per frame at full speed (training, measuring, converting,
// drawing); the rest of a 16.7 ms frame is left to the browser, so it stays at 60 fps.
const FRAME_WORK_MS = 12;
// Measuring (sample accuracy, bit panel) may take at most 1/MEASURE_SHARE of the time.
const MEASURE_SHARE = 8;
// The hidden-state view refreshes this often while training.
const DETAIL_MS = 300;
const FRAME_SAMPLES = 600;

const $ = (id) => document.getElementById(id);

const state = {
  phase: "loading",
  config: null,
  step: 0,
  loss: NaN,
  exactMatch: 0,
  perBit: 0,
  exactAllPairs: false,
  solvedAt: null,
  stepsPerSecond: 0,
  error: null,
  loadSeconds: null,
};

// Milliseconds since navigation start, for start-up measurements.
const timings = { ready: null, firstLossDrawn: null };

let python = null; // the rnnadd.page module
let described = null; // defaults and ranges from Python
let trainer = null;
let losses;
let exactSeries;
let perBitSeries;
let panel = [];
let hiddenView = null;
let generalisation = [];
let lastDetail = -Infinity;
// Running estimates: Python's own timings, and the rest of a frame's work.
let stepMs = 1;
let measureMs = 1;
let detailMs = 5;
let overheadMs = 3;
let lastMeasured = -Infinity;
let rateWindow = [];
const frameIntervals = new Float64Array(FRAME_SAMPLES);
let frameCount = 0;
let lastFrameTime = null;
let dirty = true;

// -- Python calls --------------------------------------------------------

function toPlain(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

// A Python exception's last line, without the traceback: "bits must be ...".
function pythonMessage(error) {
  const lines = String(error.message || error).trim().split("\n");
  return lines[lines.length - 1].replace(/^\w+Error: /, "");
}

// -- the form --------------------------------------------------------------

function buildForm() {
  const form = $("hyperparameters");
  for (const property of PROPERTIES) {
    const range = described.ranges[property.name];
    const field = document.createElement("div");
    field.className = "field";
    const id = `field-${property.name}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = property.label;
    let input;
    if (property.kind === "choice") {
      input = document.createElement("select");
      for (const choice of range) input.add(new Option(choice, choice));
    } else {
      input = document.createElement("input");
      input.inputMode = property.kind === "int" ? "numeric" : "decimal";
      input.title = `${rangeText(range)}`;
    }
    input.id = id;
    input.name = property.name;
    input.dataset.testid = `field-${property.name}`;
    const message = document.createElement("p");
    message.className = "field-error";
    message.id = `${id}-error`;
    message.dataset.testid = `error-${property.name}`;
    input.setAttribute("aria-describedby", message.id);
    input.addEventListener("change", () => readForm());
    field.append(label, input, message);
    form.append(field);
  }
  form.addEventListener("submit", (event) => event.preventDefault());
}

function fillForm(texts) {
  for (const property of PROPERTIES) {
    const value = texts[property.name] ?? described.defaults[property.name];
    $(`field-${property.name}`).value = String(value);
  }
}

// Parse and validate every field; show each problem beside its field.
// Returns the configuration, or null when any field is invalid.
function readForm() {
  const values = {};
  const errors = {};
  for (const property of PROPERTIES) {
    const parsed = parseValue(property, $(`field-${property.name}`).value, described.ranges[property.name]);
    if (parsed.error) errors[property.name] = parsed.error;
    else values[property.name] = parsed.value;
  }
  Object.assign(errors, JSON.parse(python.validate(JSON.stringify(values))));
  for (const property of PROPERTIES) {
    const message = errors[property.name] || "";
    $(`field-${property.name}-error`).textContent = message;
    $(`field-${property.name}`).setAttribute("aria-invalid", message ? "true" : "false");
  }
  return Object.keys(errors).length ? null : values;
}

// -- sessions ----------------------------------------------------------------

function startSession(config) {
  useTrainer(python.create(JSON.stringify(config)));
}

function useTrainer(next) {
  if (trainer) trainer.destroy();
  trainer = next;
  const config = toPlain(trainer.config());
  state.config = config;
  losses = new BoundedSeries(4096);
  exactSeries = new BoundedSeries(1024);
  perBitSeries = new BoundedSeries(1024);
  Object.assign(state, { step: 0, loss: NaN, exactAllPairs: false, solvedAt: null, stepsPerSecond: 0, error: null });
  rateWindow = [];
  lastMeasured = -Infinity;
  hideError();
  applyFrame(toPlain(trainer.frame(0, true, true)));
  showGeneralisation([]);
  setPhase("ready");
  const hash = hashFromConfig(config);
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function reset() {
  const config = readForm();
  if (config) startSession(config);
}

function applyFrame(result) {
  if (result.losses.length) stepMs = 0.7 * stepMs + (0.3 * result.train_ms) / result.losses.length;
  if (result.measured) measureMs = 0.7 * measureMs + 0.3 * result.measure_ms;
  if (result.hidden_view) detailMs = 0.7 * detailMs + 0.3 * result.detail_ms;
  for (let i = 0; i < result.losses.length; i += 1) losses.push(result.step - result.losses.length + i + 1, result.losses[i]);
  state.step = result.step;
  if (result.losses.length) state.loss = result.losses[result.losses.length - 1];
  if (result.measured) {
    state.exactMatch = result.exact ?? result.sample_exact;
    state.exactAllPairs = result.exact !== null && result.exact !== undefined;
    state.perBit = result.sample_per_bit;
    exactSeries.push(result.step, result.sample_exact);
    perBitSeries.push(result.step, result.sample_per_bit);
    panel = result.panel;
  }
  if (result.hidden_view) hiddenView = result.hidden_view;
  const newlySolved = result.solved_at !== null && result.solved_at !== undefined && state.solvedAt === null;
  state.solvedAt = result.solved_at ?? null;
  dirty = true;
  if (result.error) {
    state.error = result.error;
    setPhase("error");
    showError("Training diverged", result.error, "Press Reset to start again, with a lower learning rate or a gradient clip.");
  } else if (newlySolved && state.phase === "training") {
    setPhase("solved");
  }
}

function trainFrame(steps, measure = true, detail = false) {
  const result = toPlain(trainer.frame(steps, measure, detail));
  applyFrame(result);
  return result;
}

// -- the animation-frame loop ---------------------------------------------------

function speed() {
  const value = $("speed").value;
  return value === "max" ? null : Number(value);
}

function tick(now) {
  const started = performance.now();
  let result = null;
  if (state.phase === "training") {
    if (lastFrameTime !== null) {
      frameIntervals[frameCount % FRAME_SAMPLES] = now - lastFrameTime;
      frameCount += 1;
    }
    lastFrameTime = now;
    const measure = now - lastMeasured >= MEASURE_SHARE * measureMs;
    if (measure) lastMeasured = now;
    const detail = measure && now - lastDetail >= DETAIL_MS;
    if (detail) lastDetail = now;
    // At full speed the chunk fills what the frame leaves after measuring and drawing.
    const room = FRAME_WORK_MS - overheadMs - (measure ? measureMs : 0) - (detail ? detailMs : 0);
    const steps = speed() ?? Math.max(1, Math.floor(room / stepMs));
    result = trainFrame(steps, measure, detail);
    rateWindow.push([now, state.step]);
    while (rateWindow.length > 2 && now - rateWindow[0][0] > 1000) rateWindow.shift();
    const [t0, s0] = rateWindow[0];
    if (now > t0) state.stepsPerSecond = ((state.step - s0) * 1000) / (now - t0);
  } else {
    lastFrameTime = null;
  }
  if (dirty) draw();
  if (result) {
    const python = result.train_ms + result.measure_ms + result.detail_ms;
    overheadMs = 0.8 * overheadMs + 0.2 * (performance.now() - started - python);
  }
  requestAnimationFrame(tick);
}

// -- views -----------------------------------------------------------------------

function setPhase(phase) {
  const stopped = state.phase === "training" && phase !== "training";
  state.phase = phase;
  if (stopped) refreshAfterTraining();
  const busy = phase === "loading" || phase === "error";
  $("train-toggle").textContent = phase === "training" ? "Pause" : "Train";
  $("train-toggle").disabled = busy;
  $("step-button").disabled = busy;
  dirty = true;
}

function percent(value) {
  return `${(value * 100).toFixed(1)}%`;
}

function statusText() {
  const parts = [state.phase, `step ${state.step.toLocaleString("en")}`];
  if (Number.isFinite(state.loss)) parts.push(`loss ${state.loss.toPrecision(3)}`);
  const scope = state.exactAllPairs ? "all pairs" : "recent batches";
  parts.push(`exact-match ${percent(state.exactMatch)} (${scope})`);
  if (state.phase === "training") parts.push(`${Math.round(state.stepsPerSecond).toLocaleString("en")} steps/s`);
  if (state.solvedAt !== null) parts.push(`solved at step ${state.solvedAt}`);
  return parts.join(" \u00b7 ");
}

function draw() {
  dirty = false;
  $("status").textContent = statusText();
  drawLossChart($("loss-chart"), losses);
  if (timings.firstLossDrawn === null && losses.length > 0) timings.firstLossDrawn = performance.now();
  drawAccuracyChart($("accuracy-chart"), exactSeries, perBitSeries);
  drawBitView($("bit-view"), panel);
  drawHeatmap($("hidden-view"), hiddenView);
}

// What is too slow to redo every frame: the last frame's detail and the wider-number test.
function refreshAfterTraining() {
  applyFrame(toPlain(trainer.frame(0, true, true)));
  showGeneralisation(toPlain(trainer.generalisation()));
}

function showGeneralisation(rowsData) {
  generalisation = rowsData;
  const rows = generalisation.map((row) => {
    const tr = document.createElement("tr");
    for (const text of [`${row.bits} bits`, percent(row.exact), row.pairs.toLocaleString("en")]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $("generalisation-rows").replaceChildren(...rows);
}

function select(a, b) {
  trainer.select(String(a), String(b));
  lastDetail = -Infinity;
  if (state.phase !== "training") applyFrame(toPlain(trainer.frame(0, false, true)));
}

function save() {
  const blob = new Blob([trainer.save()], { type: "application/json" });
  const link = document.createElement("a");
  const { cell, bits } = state.config;
  link.href = URL.createObjectURL(blob);
  link.download = `rnnadd-${cell}-${bits}bit-step${state.step}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

async function load(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  let next;
  try {
    next = python.load(await file.text());
  } catch (error) {
    $("load-error").textContent = `${file.name}: ${pythonMessage(error)}. The current session is unchanged.`;
    return;
  }
  $("load-error").textContent = "";
  useTrainer(next);
  fillForm(state.config);
  readForm();
  showGeneralisation(toPlain(trainer.generalisation()));
}

function showError(title, message, advice) {
  $("error-title").textContent = title;
  $("error-message").textContent = message;
  $("error-advice").textContent = advice;
  $("error-view").hidden = false;
}

function hideError() {
  $("error-view").hidden = true;
}

function ask(event) {
  event.preventDefault();
  const result = $("ask-result");
  try {
    const answer = toPlain(trainer.ask($("ask-a").value, $("ask-b").value));
    $("ask-error").textContent = "";
    select(answer.a, answer.b);
    const networkBits = answer.probs.map((p) => (p > 0.5 ? "1" : "0")).reverse().join("");
    const trueBits = BigInt(answer.truth).toString(2).padStart(answer.bits, "0");
    result.replaceChildren();
    const lines = [
      [`${answer.a} + ${answer.b}`, ""],
      [`network: ${networkBits} = ${answer.answer}`, answer.right ? "right" : "wrong"],
      [`true:    ${trueBits} = ${answer.truth}`, ""],
    ];
    for (const [text, verdict] of lines) {
      const line = document.createElement("div");
      line.textContent = text;
      if (verdict) {
        const mark = document.createElement("strong");
        mark.className = verdict;
        mark.dataset.testid = "ask-verdict";
        mark.textContent = ` ${verdict}`;
        line.append(mark);
      }
      result.append(line);
    }
  } catch (error) {
    $("ask-error").textContent = pythonMessage(error);
  }
}

// -- start-up ---------------------------------------------------------------------

function wireControls() {
  $("train-toggle").addEventListener("click", () => {
    setPhase(state.phase === "training" ? "paused" : "training");
  });
  $("step-button").addEventListener("click", () => {
    if (state.phase === "training") setPhase("paused");
    trainFrame(1);
    if (state.phase === "ready") setPhase("paused");
  });
  $("reset-button").addEventListener("click", reset);
  $("save-button").addEventListener("click", save);
  $("load-file").addEventListener("change", load);
  $("bit-view").addEventListener("click", (event) => {
    const row = panel[rowAt(event.offsetY)];
    if (row) select(row.a, row.b);
  });
  $("ask").addEventListener("submit", ask);
  window.addEventListener("hashchange", () => {
    fillForm(configFromHash(location.hash));
    reset();
  });
  window.addEventListener("resize", () => {
    dirty = true;
  });
}

function showStage(name, status, ms) {
  $("loading-time").textContent = `${(ms / 1000).toFixed(1)} s`;
  const labels = { loading: "loading\u2026", done: `done at ${(ms / 1000).toFixed(1)} s`, failed: "failed" };
  $(`loading`).querySelector(`[data-testid="stage-${name}"]`).textContent = labels[status];
  if (status === "done") $("loading").querySelector("progress").value += 1;
}

const ADVICE = {
  runtime: "The Python runtime files in this site's pyodide/ folder could not be loaded. If you host this page, copy the whole built folder, pyodide/ included, and serve it over http(s).",
  numpy: "NumPy for the in-browser Python could not be loaded from this site's pyodide/ folder. Rebuild the site with build.py and copy all of it.",
  model: "The RNN package could not be loaded from this site's pyodide/ folder. Rebuild the site with build.py and copy all of it.",
};

async function main() {
  window.rnnDemo = Object.freeze({
    status: () => ({ ...state, config: state.config && { ...state.config } }),
    lossHistory: () => losses.toJSON(),
    frameIntervals: () => Array.from(frameIntervals.subarray(0, Math.min(frameCount, FRAME_SAMPLES))),
    timings: () => ({ ...timings }),
    hiddenView: () => hiddenView && { carryUnits: hiddenView.carry_units, correlations: hiddenView.correlations, a: hiddenView.a, b: hiddenView.b },
    generalisation: () => generalisation.map((row) => ({ ...row })),
    memory: () => ({
      jsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
      wasmBytes: pyodide ? pyodide._module.HEAPU8.buffer.byteLength : null,
    }),
  });
  let pyodide;
  try {
    ({ pyodide, seconds: state.loadSeconds } = await bootPython(showStage));
  } catch (error) {
    state.phase = "error";
    state.error = error.message;
    showError("The page could not start", error.message, ADVICE[error.stage] || ADVICE.runtime);
    return;
  }
  python = pyodide.pyimport("rnnadd.page");
  described = JSON.parse(python.describe());
  $("load-time").textContent = `Python, NumPy and the RNN started in ${state.loadSeconds.toFixed(1)} s, all from this site.`;
  $("load-time").hidden = false;
  buildForm();
  wireControls();
  $("app").hidden = false;
  $("loading").hidden = true;
  fillForm(configFromHash(location.hash));
  // An invalid shared link shows its problems beside the fields and starts from the defaults.
  startSession(readForm() || { ...described.defaults });
  timings.ready = performance.now();
  requestAnimationFrame(tick);
}

main();
