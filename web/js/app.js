// Wires the page: controls -> state -> training (one worker call per frame) -> views.

import { PROPERTIES, configFromHash, hashFromConfig, parseValue, rangeText } from "./state.js";
import { BoundedSeries } from "./history.js";
import { drawAccuracyChart, drawLossChart } from "./linechart.js";
import { drawBitView, rowAt } from "./bitview.js";
import { drawHeatmap } from "./heatmap.js";
import { PythonError, startPython } from "./python.js";

// Python trains in a worker. At full speed each animation frame asks it for a
// chunk of a little more than a frame's work, with at most two chunks queued:
// the worker never waits for the page, and the page's frames only draw.
const CHUNK_MS = 20;
const MAX_IN_FLIGHT = 2;
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
  // Training chunks sent to the worker and not yet answered.
  pending: 0,
};
let wasmBytes = null; // the worker's WebAssembly memory, as last reported

// Milliseconds since navigation start, for start-up measurements.
const timings = { ready: null, firstLossDrawn: null };

let python = null; // the training worker
let described = null; // defaults and ranges from Python
// Replies from before the last Reset or Load belong to a session that is gone.
let generation = 0;
let switching = false;
// Frames carry their training run, so the worker can stop a run that has solved.
let run = 0;
let losses;
let exactSeries;
let perBitSeries;
let panel = [];
let hiddenView = null;
let generalisation = [];
let lastDetail = -Infinity;
// Running estimates of Python's own timings.
let stepMs = 1;
let measureMs = 1;
let detailMs = 5;
let lastMeasured = -Infinity;
let rateWindow = [];
const frameIntervals = new Float64Array(FRAME_SAMPLES);
let frameCount = 0;
let lastFrameTime = null;
// Views whose data changed since they were last drawn: each canvas is redrawn
// only then, since every redrawn canvas costs the browser a repaint.
const VIEWS = ["status", "loss", "accuracy", "bits", "hidden"];
const stale = new Set(VIEWS);

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
    input.addEventListener("change", () => readForm().catch(fail));
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
// Resolves to the configuration, or null when any field is invalid.
async function readForm() {
  const values = {};
  const errors = {};
  for (const property of PROPERTIES) {
    const parsed = parseValue(property, $(`field-${property.name}`).value, described.ranges[property.name]);
    if (parsed.error) errors[property.name] = parsed.error;
    else values[property.name] = parsed.value;
  }
  Object.assign(errors, await python.call("validate", JSON.stringify(values)));
  for (const property of PROPERTIES) {
    const message = errors[property.name] || "";
    $(`field-${property.name}-error`).textContent = message;
    $(`field-${property.name}`).setAttribute("aria-invalid", message ? "true" : "false");
  }
  return Object.keys(errors).length ? null : values;
}

// -- sessions ----------------------------------------------------------------

// Creating or loading a session: nothing trains meanwhile, and replies for the old one are dropped.
async function switchSession(method, text) {
  generation += 1;
  const mine = generation;
  switching = true;
  try {
    const config = await python.call(method, text);
    if (mine === generation) await useSession(config);
  } finally {
    if (mine === generation) switching = false;
  }
}

async function useSession(config) {
  losses = new BoundedSeries(4096);
  exactSeries = new BoundedSeries(1024);
  perBitSeries = new BoundedSeries(1024);
  for (const view of VIEWS) stale.add(view);
  Object.assign(state, { step: 0, loss: NaN, exactAllPairs: false, solvedAt: null, stepsPerSecond: 0, error: null });
  rateWindow = [];
  lastMeasured = -Infinity;
  hiddenView = null;
  hideError();
  await requestFrame(0, true, false);
  // The new configuration shows together with the new session's step.
  state.config = config;
  showGeneralisation([]);
  setPhase("ready");
  const hash = hashFromConfig(config);
  if (location.hash !== hash) history.replaceState(null, "", hash);
  // The hidden-state view follows a moment later: ready means Train can be pressed.
  requestFrame(0, false, true).catch(fail);
}

async function reset() {
  const config = await readForm();
  if (config) await switchSession("create", JSON.stringify(config));
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
    stale.add("accuracy").add("bits");
  }
  if (result.losses.length) stale.add("loss");
  if (result.hidden_view) {
    hiddenView = result.hidden_view;
    stale.add("hidden");
  }
  wasmBytes = result.wasm_bytes;
  if (state.phase === "training" && result.losses.length) {
    const now = performance.now();
    rateWindow.push([now, state.step]);
    while (rateWindow.length > 2 && now - rateWindow[0][0] > 1000) rateWindow.shift();
    const [t0, s0] = rateWindow[0];
    if (now > t0) state.stepsPerSecond = ((state.step - s0) * 1000) / (now - t0);
  }
  const newlySolved = result.solved_at !== null && result.solved_at !== undefined && state.solvedAt === null;
  state.solvedAt = result.solved_at ?? null;
  stale.add("status");
  if (result.error) {
    state.error = result.error;
    setPhase("error");
    showError("Training diverged", result.error, "Press Reset to start again, with a lower learning rate or a gradient clip.");
  } else if (newlySolved && state.phase === "training") {
    setPhase("solved");
  }
}

// One chunk in the worker; its result is shown unless the session changed meanwhile.
async function requestFrame(steps, measure = true, detail = false, frameRun = -1) {
  const mine = generation;
  state.pending += 1;
  try {
    const result = await python.call("frame", steps, measure, detail, frameRun);
    if (mine === generation) applyFrame(result);
  } finally {
    state.pending -= 1;
  }
}

// -- the animation-frame loop ---------------------------------------------------

function speed() {
  const value = $("speed").value;
  return value === "max" ? null : Number(value);
}

function tick(now) {
  if (state.phase === "training") {
    if (lastFrameTime !== null) {
      frameIntervals[frameCount % FRAME_SAMPLES] = now - lastFrameTime;
      frameCount += 1;
    }
    lastFrameTime = now;
    if (state.pending < MAX_IN_FLIGHT && !switching) {
      const measure = now - lastMeasured >= MEASURE_SHARE * measureMs;
      if (measure) lastMeasured = now;
      const detail = measure && now - lastDetail >= DETAIL_MS;
      if (detail) lastDetail = now;
      const room = CHUNK_MS - (measure ? measureMs : 0) - (detail ? detailMs : 0);
      const steps = speed() ?? Math.max(1, Math.floor(room / stepMs));
      requestFrame(steps, measure, detail, run).catch(fail);
    }
  } else {
    lastFrameTime = null;
  }
  if (stale.size) draw();
  requestAnimationFrame(tick);
}

// -- views -----------------------------------------------------------------------

function setPhase(phase) {
  const stopped = state.phase === "training" && phase !== "training";
  if (phase === "training" && state.phase !== "training") run += 1;
  state.phase = phase;
  if (stopped) refreshAfterTraining().catch(fail);
  const busy = phase === "loading" || phase === "error";
  $("train-toggle").textContent = phase === "training" ? "Pause" : "Train";
  $("train-toggle").disabled = busy;
  $("step-button").disabled = busy;
  stale.add("status");
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
  if (stale.has("status")) $("status").textContent = statusText();
  if (stale.has("loss")) drawLossChart($("loss-chart"), losses);
  if (timings.firstLossDrawn === null && losses.length > 0) timings.firstLossDrawn = performance.now();
  if (stale.has("accuracy")) drawAccuracyChart($("accuracy-chart"), exactSeries, perBitSeries);
  if (stale.has("bits")) drawBitView($("bit-view"), panel);
  if (stale.has("hidden")) drawHeatmap($("hidden-view"), hiddenView);
  stale.clear();
}

// What is too slow to redo every frame: the last frame's detail and the wider-number test.
async function refreshAfterTraining() {
  const mine = generation;
  await requestFrame(0, true, true);
  const rows = await python.call("generalisation");
  if (mine === generation) showGeneralisation(rows);
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

async function select(a, b) {
  await python.call("select", String(a), String(b));
  lastDetail = -Infinity;
  if (state.phase !== "training") await requestFrame(0, false, true);
}

async function save() {
  const blob = new Blob([await python.call("save")], { type: "application/json" });
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
  const text = await file.text();
  try {
    await switchSession("load", text);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    $("load-error").textContent = `${file.name}: ${error.message}. The current session is unchanged.`;
    return;
  }
  $("load-error").textContent = "";
  fillForm(state.config);
  await readForm();
  showGeneralisation(await python.call("generalisation"));
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

async function ask() {
  const result = $("ask-result");
  let answer;
  try {
    answer = await python.call("ask", $("ask-a").value, $("ask-b").value);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    $("ask-error").textContent = error.message;
    return;
  }
  $("ask-error").textContent = "";
  await select(answer.a, answer.b);
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
}

// -- start-up ---------------------------------------------------------------------

function wireControls() {
  $("train-toggle").addEventListener("click", () => {
    setPhase(state.phase === "training" ? "paused" : "training");
  });
  $("step-button").addEventListener("click", () => {
    if (state.phase === "training" || state.phase === "ready") setPhase("paused");
    run += 1;
    requestFrame(1, true, false, run).catch(fail);
  });
  $("reset-button").addEventListener("click", () => reset().catch(fail));
  $("save-button").addEventListener("click", () => save().catch(fail));
  $("load-file").addEventListener("change", (event) => load(event).catch(fail));
  $("bit-view").addEventListener("click", (event) => {
    const row = panel[rowAt(event.offsetY)];
    if (row) select(row.a, row.b).catch(fail);
  });
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    ask().catch(fail);
  });
  window.addEventListener("hashchange", () => {
    fillForm(configFromHash(location.hash));
    reset().catch(fail);
  });
  window.addEventListener("resize", () => {
    for (const view of VIEWS) stale.add(view);
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
  worker: "The page's training script (js/worker.js) could not be loaded. If you host this page, copy the whole built folder.",
  model: "The RNN package could not be loaded from this site's pyodide/ folder. Rebuild the site with build.py and copy all of it.",
};

// Anything that is not a refused input: the page says so in words, not only in the console.
function fail(error) {
  state.error = error.message;
  setPhase("error");
  showError("Something went wrong", error.message, "Reload the page to start again.");
}

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
      wasmBytes,
    }),
  });
  python = startPython(showStage);
  try {
    ({ seconds: state.loadSeconds, described } = await python.ready);
  } catch (error) {
    state.phase = "error";
    state.error = error.message;
    showError("The page could not start", error.message, ADVICE[error.stage] || ADVICE.runtime);
    return;
  }
  $("load-time").textContent = `Python, NumPy and the RNN started in ${state.loadSeconds.toFixed(1)} s, all from this site.`;
  $("load-time").hidden = false;
  buildForm();
  wireControls();
  $("app").hidden = false;
  $("loading").hidden = true;
  fillForm(configFromHash(location.hash));
  // An invalid shared link shows its problems beside the fields and starts from the defaults.
  const config = (await readForm()) || { ...described.defaults };
  await switchSession("create", JSON.stringify(config));
  timings.ready = performance.now();
  requestAnimationFrame(tick);
}

main().catch(fail);
