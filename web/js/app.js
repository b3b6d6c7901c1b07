// Wires the page: controls -> state -> trainer -> views. The trainer (trainer.js)
// owns the loop; this file turns clicks into its calls and its data into views.

import { PROVABLE, configFromHash, hashFromConfig, parseAt } from "./state.js";
import { buildForm, buildNotebookChoice, fillForm, fillNotebookChoice, readForm, readNotebookChoice } from "./form.js";
import { BoundedSeries } from "./history.js";
import { drawAccuracyChart, drawLossChart, markAt } from "./linechart.js";
import { chartMarks, drawMilestoneList, drawMilestoneTests, drawSliderMarks } from "./milestoneview.js";
import { Tour, tourPace } from "./tour.js";
import { hideTourStop, showTourStop } from "./tourview.js";
import { drawBitView, rightCount, rowAt } from "./bitview.js";
import { drawHeatmap } from "./heatmap.js";
import { drawStateSpace, problemAt } from "./statespace.js";
import { memoryValues, wordsOf } from "./taskwords.js";
import { drawMachine, explanationText } from "./machineview.js";
import { showAnswer } from "./answer.js";
import { PythonError, startPython } from "./python.js";
import { Trainer } from "./trainer.js";
import { Scrubber, keptIndex } from "./timeline.js";
import { forgetColors } from "./theme.js";
import { RunBook, RunLog, checkRecord } from "./runs.js";
import { drawRunsTable, linkOf } from "./runsview.js";
import { downloadCanvas, downloadText } from "./downloads.js";
import { percent, whenText } from "./format.js";
import { ADVICE, hideError, showError, showStage, statusText } from "./messages.js";

const FRAME_SAMPLES = 600;
const $ = (id) => document.getElementById(id);

// Everything the page knows, in one place; the trainer keeps the loop's own state.
const state = {
  described: null, // defaults and allowed values from Python
  config: null,
  notebook: null, // the fixes, when the session replays the notebook as written
  loss: NaN,
  exactMatch: 0,
  perBit: 0,
  exactAllPairs: false,
  provenAt: null, // the step training until proven found a proof at
  loadSeconds: null,
  losses: new BoundedSeries(4096),
  exactSeries: new BoundedSeries(1024),
  perBitSeries: new BoundedSeries(1024),
  panel: [],
  panelStep: 0, // the step whose weights wrote the panel
  selected: ["5", "5"], // the problem in the hidden-state view: its operands (Python picks one of the task's if they do not fit)
  formTask: "add", // the task the form shows, whose suggested settings it has
  hiddenView: null,
  carryUnits: null,
  generalisation: [],
  stateSpace: null,
  explanation: null, // the machine read off the weights, when training last stopped
  milestones: { reached: [], pending: false }, // the run's milestones found so far (milestones.py)
  testingMilestones: false, // a call testing more of them is on its way
  frameIntervals: new Float64Array(FRAME_SAMPLES),
  frameCount: 0,
  lastFrameTime: null,
  timings: { ready: null, firstLossDrawn: null },
  failure: null, // an error the page itself hit
  runs: new RunLog(new RunBook(storage())), // this run and the kept ones it is compared with
  linkAt: null, // a shared link's step, trained to and then shown
  drawnAt: null, // the step the charts' cursor was last drawn at
  offlineCache: null, // the cache that keeps the site for offline visits, once there
  view: null, // "embed": the compact view for a frame in another page
  addressAt: null, // the step the address bar's link shows
  stale: new Set(), // views whose data changed since they were drawn: only those are redrawn
};
const VIEWS = ["status", "loss", "accuracy", "bits", "hidden", "space", "machine", "timeline", "milestones"];
// The milestones' tests of new kept steps take at most this long a call: 20 ms with a chunk while
// training; once it stops, 250 ms a call, asked again until done, so that other calls (Ask, a look
// back) never wait long behind a wide network's tests.
const MILESTONE_BUDGET_MS = 20;
const MILESTONE_STOPPED_BUDGET_MS = 250;

// Every view of the weights shows the step the timeline points at (null: now).
const quickViews = (at) => [["hidden_view", state.selected, at], ["carry_units", at], ["state_space", state.selected, at]];

// The task of the session shown, as rnnadd.page describes it.
const taskOf = () => state.described.tasks[state.config ? state.config.task : "add"];
const restingViews = (at) => [["explain", at], ["generalisation", at], ["explain_wide", at]];

// The step the trainer's views show: a session being made (Reset, Load) is shown as it is now.
const viewedStep = () => (trainer.phase === "making" ? null : scrubber.at);

const trainer = new Trainer({
  connect: () => startPython(showStage),
  views: () => [["panel", viewedStep()]],
  slowViews: () => [...quickViews(viewedStep()), ["milestones", MILESTONE_BUDGET_MS]],
  stoppedViews: () => [...restingViews(viewedStep()), ["milestones", MILESTONE_STOPPED_BUDGET_MS]],
  onData: show,
  onFailure: (error) => fail(error),
});

const scrubber = new Scrubber({
  request: (calls) => trainer.request(calls),
  quickViews: (at) => [["panel", at], ...quickViews(at)],
  restingViews,
  onData: (values) => show(values, "scrub"),
  onFailure: (error) => fail(error),
});

// The guided tour pauses the run at each milestone and shows its step; Next trains on at its pace.
const tour = new Tour({
  pause: () => trainer.pause(),
  resume: () => {
    scrubber.live();
    if (trainer.solvedAt === null) trainer.play();
  },
  show: (step) => showMilestone(step),
  say: (stop) => showTourStop(stop, Object.fromEntries(taskOf().milestones.map((m) => [m.name, m.title]))),
  end: () => {
    trainer.setPace(null);
    hideTourStop();
  },
});
const TOUR_OFFERED = "rnnadd-tour-offered";

// A fresh run of the form's settings, trained at the tour's pace.
async function startTour() {
  $("tour-offer").hidden = true;
  remember(TOUR_OFFERED);
  tour.finish();
  if (trainer.step > 0 || trainer.phase !== "ready") await reset();
  trainer.setPace(tourPace);
  tour.start(taskOf());
}

function remember(key) {
  try {
    storage()?.setItem(key, "1");
  } catch {
    // storage off or full: the offer comes again next visit
  }
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// -- data -> state ----------------------------------------------------------------

function show(values, why) {
  if (why === "session") newSession(values.session);
  const trained = values.train;
  if (trained) state.runs.record(trained, trainer.trainMs);
  if (trained) {
    scrubber.setKept(trained.kept);
    if (state.linkAt !== null && trained.step >= state.linkAt) showLinkStep();
    state.stale.add("timeline");
    trained.losses.forEach((loss, i) => state.losses.push(trained.step - trained.losses.length + i + 1, loss));
    if (trained.losses.length) {
      state.loss = trained.losses[trained.losses.length - 1];
      state.exactMatch = trained.batchExact;
      state.perBit = trained.batchPerBit;
      state.exactAllPairs = false;
      state.exactSeries.push(trained.step, trained.batchExact);
      state.perBitSeries.push(trained.step, trained.batchPerBit);
    }
    if (trained.solved) Object.assign(state, { exactMatch: 1, perBit: 1, exactAllPairs: true });
    state.provenAt = trained.provenAt;
    if (trained.error) showError("Training stopped", trained.error, ADVICE.diverged);
    state.stale.add("loss").add("accuracy");
  }
  if (values.panel) [state.panel, state.panelStep] = [values.panel.rows, values.panel.step];
  if (values.hidden_view) [state.hiddenView, state.selected] = [values.hidden_view, values.hidden_view.operands];
  if (values.carry_units) state.carryUnits = values.carry_units;
  if (values.generalisation) showGeneralisation(values.generalisation);
  if (values.state_space) state.stateSpace = values.state_space;
  // Only the views whose data came are redrawn: most chunks bring the panel alone.
  if (values.hidden_view || values.carry_units) state.stale.add("hidden");
  if (values.state_space) state.stale.add("space");
  if (values.explain) showExplanation(values.explain);
  if (values.milestones) {
    state.milestones = values.milestones;
    state.stale.add("milestones").add("loss").add("accuracy");
    if (values.milestones.pending && trainer.phase !== "training") testMoreMilestones();
  }
  if (values.explain_wide && state.explanation) showExplanation({ ...state.explanation, agreement: [state.explanation.agreement[0], values.explain_wide] });
  // Kept when a run stops, and again when its machine and its last milestones come (after the other views).
  if (why === "stopped" || trainer.phase === "error" || ((values.milestones || values.explain) && trainer.phase !== "training")) keepRun();
  for (const view of ["status", "bits", "timeline"]) state.stale.add(view);
}

// A shared link's step has been trained to: show it, as a look back at that step.
function showLinkStep() {
  const index = scrubber.kept.indexOf(state.linkAt);
  state.linkAt = null;
  if (index >= 0) scrubber.moveTo(index);
}

// One call at a time: each reply that is still pending asks for the next.
async function testMoreMilestones() {
  if (state.testingMilestones) return;
  state.testingMilestones = true;
  let values = null;
  try {
    values = await trainer.request([["milestones", MILESTONE_STOPPED_BUDGET_MS]]);
  } catch (error) {
    fail(error);
  }
  state.testingMilestones = false;
  if (values) show(values, "view");
}

// A milestone picked (its mark, its line on a chart, its entry in the list): every view shows its step.
function showMilestone(step) {
  scrubber.moveTo(keptIndex(scrubber.kept, step));
}

// -- runs kept to compare ---------------------------------------------------------------

function keepRun() {
  state.runs.keep(state.milestones.reached);
  drawRuns();
}

function drawRuns() {
  const { kept } = state.runs.compared();
  const pick = (run) => {
    const link = linkOf(run);
    $("run-link").replaceChildren(Object.assign(document.createElement("a"), { href: link, textContent: link }));
  };
  const show = (run, shown) => {
    state.runs.show(run.id, shown);
    drawRuns();
  };
  drawRunsTable($("runs-rows"), kept, pick, show, (run) => state.described.tasks[run.config.task ?? "add"].milestones);
  $("runs-notice").hidden = state.runs.book.persistent;
  state.stale.add("loss").add("accuracy");
}

function lossCSV() {
  const { stride, xs, ys } = state.losses.toJSON();
  const rows = xs.map((step, i) => `${step},${ys[i]}`);
  // Past 4,096 points neighbours merge: then each row is the mean of `stride` steps.
  return [stride === 1 ? "step,loss" : `step (mean of ${stride}),loss (mean of ${stride} steps)`, ...rows].join("\n") + "\n";
}

async function addRuns(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    const parsed = JSON.parse(await file.text());
    for (const run of (Array.isArray(parsed) ? parsed : [parsed]).map(checkRecord)) state.runs.book.keep(run);
    $("runs-error").textContent = "";
  } catch (error) {
    $("runs-error").textContent = `${file.name}: not a run record: ${error.message}.`;
  }
  drawRuns();
}

function newSession({ config, notebook = null, kept }) {
  keepRun();
  tour.finish(); // a Reset or Load ends the tour; the tour's own fresh run starts it after
  scrubber.reset();
  scrubber.setKept(kept);
  state.linkAt = null;
  state.notebook = notebook;
  state.runs.start(notebook ? { ...config, notebook: notebook.join("+") || "as written" } : config);
  $("save-button").disabled = Boolean(notebook); // a replay is shared by its link, not saved
  showTask(state.described.tasks[config.task]);
  state.formTask = config.task;
  Object.assign(state, { config, loss: NaN, exactMatch: 0, perBit: 0, exactAllPairs: false, carryUnits: null, provenAt: null });
  state.milestones = { reached: [], pending: false };
  state.losses = new BoundedSeries(4096);
  state.exactSeries = new BoundedSeries(1024);
  state.perBitSeries = new BoundedSeries(1024);
  showGeneralisation([]);
  showExplanation(null);
  hideError();
  for (const view of VIEWS) state.stale.add(view);
}

function showGeneralisation(rows) {
  state.generalisation = rows;
  const cells = (row) => [`${row.bits} bits`, percent(row.exact), `${row.pairs.toLocaleString("en")} ${row.every ? "(all)" : "random"}`];
  $("generalisation-rows").replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const text of cells(row)) tr.insertCell().textContent = text;
      return tr;
    }),
  );
}

function showExplanation(explanation) {
  state.explanation = explanation;
  if (explanation) state.runs.readOff(explanation);
  state.stale.add("machine");
  const text = explanation && explanationText(explanation, taskOf());
  $("machine-verdict").textContent = text ? text.verdict : "";
  $("machine-verdict").className = explanation ? (explanation.equivalent ? "verdict right" : "verdict wrong") : "verdict";
  $("machine-faithful").textContent = text ? text.faithful : "";
  $("chain-limit").textContent = text ? text.carry : "";
  $("machine-proof").textContent = text ? text.proof : "";
  $("machine-proof").className = explanation && explanation.proof && explanation.proof.proven ? "proof right" : "proof";
  const counter = explanation && explanation.counterexample;
  $("counterexample-ask").hidden = !counter;
  if (counter) $("counterexample-ask").textContent = `Ask the network ${counter.text}`;
}

// The ask box and the milestones' tests for the session's task: one box per operand, the
// task's signs between them.
const ASK_BOXES = ["a", "b", "c"];
function showTask(task) {
  const signs = task.formula.split(/\b[abc]\b/); // "a + b + c" -> ["", " + ", " + ", ""]
  $("ask-prefix").textContent = signs[0].trim();
  ASK_BOXES.forEach((letter, i) => {
    $(`ask-${letter}-label`).hidden = !task.letters.includes(letter);
    if (i > 0) $(`ask-sign-${letter}`).textContent = task.letters.includes(letter) ? signs[i].trim() : "";
  });
  drawMilestoneTests($("milestone-tests"), task.milestones);
  const words = wordsOf(task);
  document.title = words.title;
  $("heading").textContent = words.heading;
  $("intro").textContent = words.intro;
  $("bit-caption").textContent = words.bits;
  $("hidden-caption").textContent = words.hidden;
  $("space-caption").textContent = words.space;
}

const askOperands = () => taskOf().letters.map((letter) => $(`ask-${letter}`).value);

// -- the frame loop ------------------------------------------------------------------

function tick(now) {
  if (trainer.phase === "training") {
    if (state.lastFrameTime !== null) {
      state.frameIntervals[state.frameCount % FRAME_SAMPLES] = now - state.lastFrameTime;
      state.frameCount += 1;
    }
    state.lastFrameTime = now;
  } else {
    state.lastFrameTime = null;
  }
  trainer.tick(now);
  scrubber.tick(now);
  const { reached, pending, tested } = state.milestones;
  const solved = trainer.solvedAt !== null;
  tour.update({ reached, phase: trainer.phase, solved, step: trainer.step, pending: pending || tested < trainer.step });
  if (scrubber.at !== state.drawnAt || scrubber.playing) {
    state.drawnAt = scrubber.at;
    state.stale.add("timeline").add("loss").add("accuracy");
  }
  if (trainer.phase === "training" || trainer.workers.busyMs() > 0) state.stale.add("status");
  draw();
  requestAnimationFrame(tick);
}

// Each canvas also says what it shows, in words, for screen readers.
function describe(id, text) {
  setAttribute($(id), "aria-label", text);
}

function describeCanvases() {
  const when = atText();
  describe("loss-chart", Number.isFinite(state.loss) ? `Loss chart: loss ${state.loss.toPrecision(3)} at step ${trainer.step}` : "Loss chart: no training yet");
  describe("accuracy-chart", `Accuracy chart: exact-match ${percent(state.exactMatch)} (${state.exactAllPairs ? "all pairs" : "recent batches"}), per bit ${percent(state.perBit)}, at step ${trainer.step}`);
  describe("bit-view", `Bit panel, ${$("bit-summary").textContent || "empty"}`);
  const view = state.hiddenView;
  const { memory } = taskOf();
  const units = state.carryUnits && state.carryUnits.carryUnits.length ? `; units following the ${memory} most: ${state.carryUnits.carryUnits.join(", ")}` : "";
  describe("hidden-view", view ? `Hidden units while the network works out ${view.text}, ${when}${units}` : "Hidden units: not drawn yet");
  const space = state.stateSpace;
  describe("state-space", space ? `State space ${when}: ${space.a.length} problems' hidden states on two components explaining ${percent(space.explained[0])} and ${percent(space.explained[1])} of their variance${taskOf().finite ? `, coloured by the ${memory}` : ""}` : "State space: not drawn yet");
  describe("machine-view", state.explanation ? `Machine read off the weights: ${state.explanation.states} states. ${$("machine-verdict").textContent}` : "Machine: read off the weights when training stops");
}

function draw() {
  const { stale } = state;
  if (stale.size) describeCanvases();
  if (stale.has("status")) setText($("status"), statusText(status(), trainer));
  if (stale.has("timeline")) drawTimeline();
  const marks = chartMarks(state.milestones.reached, taskOf().milestones);
  if (stale.has("loss")) drawLossChart($("loss-chart"), state.losses, state.runs.overlays("loss"), state.runs.compared().current, scrubber.at, marks);
  if (state.timings.firstLossDrawn === null && state.losses.length > 0) state.timings.firstLossDrawn = performance.now();
  if (stale.has("accuracy")) drawAccuracyChart($("accuracy-chart"), state.exactSeries, state.perBitSeries, state.runs.overlays("exact"), scrubber.at, marks);
  if (stale.has("milestones") || stale.has("timeline")) drawMilestones();
  if (stale.has("bits")) {
    drawBitView($("bit-view"), state.panel, state.view === "embed", wordsOf(taskOf()).travels);
    const right = rightCount(state.panel);
    const when = whenText(state.panelStep === trainer.step && scrubber.at === null ? null : state.panelStep, trainer.step);
    setText($("bit-summary"), state.panel.length ? `${when}: ${right} of ${state.panel.length} problems right` : "");
  }
  if (stale.has("hidden")) drawHeatmap($("hidden-view"), state.hiddenView, state.carryUnits, taskOf());
  if (stale.has("space")) drawStateSpace($("state-space"), state.stateSpace, memoryValues(taskOf()));
  if (stale.has("machine")) drawMachine($("machine-view"), state.explanation, taskOf());
  stale.clear();
  const phase = trainer.phase;
  setText($("train-toggle"), phase === "training" ? "Pause" : "Train");
  $("train-toggle").disabled = $("step-button").disabled = phase === "loading" || phase === "error";
}

// The address bar reproduces what is shown; the embedded view links to the full page of the same run.
function showAddress() {
  state.addressAt = scrubber.at;
  window.history.replaceState(null, "", hashFromConfig(state.config, state.notebook, scrubber.at, state.view));
  if (state.view === "embed") $("full-page").href = new URL(hashFromConfig(state.config, state.notebook, scrubber.at), location.href).href;
}

// "at step N of M" while looking back, "now (step M)" otherwise.
function atText() {
  return whenText(scrubber.at, trainer.step);
}

// Writes that change nothing still cost the browser a layout: every frame of training comes here.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function drawMilestones() {
  const { reached, pending, tested } = state.milestones;
  const settled = !pending && tested === scrubber.kept.at(-1) && trainer.phase !== "training";
  const outlook = !settled ? "not yet" : trainer.solvedAt !== null ? "not reached in this run" : `not reached by step ${trainer.step}`;
  drawMilestoneList($("milestone-list"), taskOf().milestones, reached, outlook, showMilestone);
  drawSliderMarks($("milestone-marks"), taskOf().milestones, reached, scrubber.kept, showMilestone);
}

function drawTimeline() {
  const slider = $("timeline-slider");
  setAttribute(slider, "max", String(scrubber.kept.length));
  if (slider.value !== String(scrubber.index())) slider.value = String(scrubber.index());
  setAttribute(slider, "aria-valuetext", atText());
  const kept = scrubber.kept.length;
  setText($("timeline-label"), scrubber.at === null ? `Now: step ${trainer.step}. Drag to look back at any of ${kept} kept steps.` : `Showing the network ${atText()}.`);
  for (const label of document.querySelectorAll("[data-at]")) setText(label, scrubber.at === null ? "" : atText());
  setText($("play-button"), scrubber.playing ? "Stop" : "Play");
  $("live-button").disabled = scrubber.at === null && !scrubber.playing;
  // The address follows the step looked at; an invalid link stays as given until it changes.
  if (state.config && state.linkAt === null && scrubber.at !== state.addressAt) showAddress();
}

// -- controls -> trainer ------------------------------------------------------------

async function begin(method, argument) {
  const made = await trainer.begin(method, argument);
  if (!made) return;
  showAddress();
  // The notebook's own settings show in the form: untick it and Reset, and the correct code trains them.
  if (made.notebook) fillForm(made.config, state.described.defaults);
}

// A link's &at: train to that step, then show it; a bad value is named and ignored.
// The address bar, read once for a visit or a new link (it is rewritten once the run is made): the
// form and the notebook's fixes take its settings; it may name a step to show, the tour, a view.
function readAddress() {
  const given = configFromHash(location.hash);
  fillForm(given, state.described.defaults);
  fillNotebookChoice(given);
  return { link: parseAt(given.at), tour: "tour" in given, view: given.view ?? null };
}

function followLink(link) {
  $("timeline-error").textContent = link.error ? `${link.error}; showing the network now instead.` : "";
  if (link.error || link.value === null) return;
  state.linkAt = link.value;
  if (link.value <= trainer.step) showLinkStep();
  else trainer.playTo(link.value);
}

async function reset() {
  const config = readForm(state.described.fields);
  const fixes = readNotebookChoice();
  if (config && fixes) await begin("create_notebook", { fixes, seed: config.seed });
  else if (config) await begin("create", config);
}

// The preset: the form's settings with noise on and training until proven, trained at once.
async function trainToBeProvable() {
  fillForm({ ...(readForm(state.described.fields) ?? state.described.defaults), ...PROVABLE }, state.described.defaults);
  fillNotebookChoice({});
  await reset();
  trainer.play();
}

async function select(operands) {
  state.selected = operands.map(String);
  const values = await trainer.request(quickViews(scrubber.at).filter(([method]) => method !== "carry_units"));
  if (values) show(values, "select");
}

async function save() {
  const { save: text } = await trainer.request([["save"]]);
  downloadText(`rnnadd-${state.config.cell}-${state.config.bits}bit-step${trainer.step}.json`, "application/json", text);
}

async function load(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const largest = state.described.largestSessionBytes;
  if (file.size > largest) {
    const sizes = `${file.size.toLocaleString("en")} bytes, more than any saved session (${largest.toLocaleString("en")} bytes)`;
    $("load-error").textContent = `${file.name}: not a saved session: ${sizes}. The current session is unchanged.`;
    return;
  }
  try {
    await begin("load", file);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    $("load-error").textContent = `${file.name}: ${error.message}. The current session is unchanged.`;
    return;
  }
  $("load-error").textContent = "";
  fillForm(state.config, state.described.defaults);
  fillNotebookChoice({});
  readForm(state.described.fields);
}

async function ask() {
  $("ask-result").replaceChildren();
  let values;
  try {
    values = await trainer.request([["ask", askOperands(), scrubber.at]]);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    $("ask-error").textContent = error.message;
    return;
  }
  $("ask-error").textContent = "";
  if (!values) return;
  showAnswer($("ask-result"), values.ask);
  await select(values.ask.operands);
}

// Choosing a task in the form brings its suggested settings (Task.suggested), and puts back the
// defaults the last one's had changed.
function suggestSettings() {
  const [before, after] = [state.described.tasks[state.formTask], state.described.tasks[$("field-task").value]];
  if (!before || !after) return;
  for (const name of new Set([...Object.keys(before.suggested), ...Object.keys(after.suggested)])) {
    $(`field-${name}`).value = String(after.suggested[name] ?? state.described.defaults[name]);
  }
  state.formTask = $("field-task").value;
}

function wireControls() {
  const act = (work) => () => work().catch(fail);
  $("field-task").addEventListener("change", suggestSettings);
  $("train-toggle").addEventListener("click", () => (trainer.phase === "training" ? trainer.pause() : trainer.play()));
  $("step-button").addEventListener("click", () => trainer.stepOnce());
  $("reset-button").addEventListener("click", act(reset));
  $("provable-button").addEventListener("click", act(trainToBeProvable));
  $("save-button").addEventListener("click", act(save));
  $("load-file").addEventListener("change", (event) => load(event).catch(fail));
  $("speed").addEventListener("change", () => {
    trainer.stepsPerFrame = $("speed").value === "max" ? null : Number($("speed").value);
  });
  // Space trains or pauses, "." takes one step, "r" resets; not while typing in a field or on a button.
  $("tour-button").addEventListener("click", act(startTour));
  $("tour-offer-start").addEventListener("click", act(startTour));
  $("tour-offer-dismiss").addEventListener("click", () => {
    $("tour-offer").hidden = true;
    remember(TOUR_OFFERED);
  });
  $("tour-next").addEventListener("click", () => tour.next());
  $("tour-end").addEventListener("click", () => tour.finish());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && tour.active) tour.finish();
    if (event.key === "Enter" && tour.active && !event.target.closest("input, select, textarea, button, a")) tour.next();
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, select, textarea, button, a")) return;
    const action = { " ": () => $("train-toggle").click(), ".": () => $("step-button").click(), r: () => $("reset-button").click() }[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  $("timeline-slider").addEventListener("input", () => {
    scrubber.pause();
    scrubber.moveTo(Number($("timeline-slider").value));
    state.stale.add("timeline").add("loss").add("accuracy");
  });
  $("play-button").addEventListener("click", () => {
    if (scrubber.playing) scrubber.pause();
    else scrubber.play(trainer.solvedAt);
    state.stale.add("timeline");
  });
  $("live-button").addEventListener("click", () => {
    scrubber.live();
    state.stale.add("timeline").add("loss").add("accuracy");
  });
  for (const chart of ["loss-chart", "accuracy-chart"]) {
    $(chart).addEventListener("click", (event) => {
      const step = markAt($(chart), event.offsetX);
      if (step !== null) showMilestone(step);
    });
  }
  $("bit-view").addEventListener("click", (event) => {
    const row = state.panel[rowAt(event.offsetY, state.view === "embed")];
    if (row) select(row.operands).catch(fail);
  });
  $("state-space").addEventListener("click", (event) => {
    const pair = problemAt($("state-space"), state.stateSpace, event.offsetX, event.offsetY);
    if (pair >= 0) select(taskOf().letters.map((letter) => state.stateSpace[letter][pair])).catch(fail);
  });
  $("counterexample-ask").addEventListener("click", () => {
    const counter = state.explanation.counterexample;
    for (const letter of taskOf().letters) $(`ask-${letter}`).value = counter[letter];
    ask().catch(fail);
  });
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    ask().catch(fail);
  });
  window.addEventListener("hashchange", () => {
    const address = readAddress();
    reset()
      .then(() => {
        followLink(address.link);
        if (address.tour) return startTour();
      })
      .catch(fail);
  });
  window.addEventListener("resize", () => VIEWS.forEach((view) => state.stale.add(view)));
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    forgetColors();
    VIEWS.forEach((view) => state.stale.add(view));
  });
  for (const button of document.querySelectorAll("[data-png]")) {
    button.addEventListener("click", () => downloadCanvas($(button.dataset.png), `rnnadd-${button.dataset.png}-step${trainer.step}.png`));
  }
  $("loss-csv").addEventListener("click", () => downloadText(`rnnadd-loss-step${trainer.step}.csv`, "text/csv", lossCSV()));
  $("runs-json").addEventListener("click", () => downloadText("rnnadd-runs.json", "application/json", JSON.stringify(state.runs.book.runs)));
  $("runs-csv").addEventListener("click", () => downloadText("rnnadd-runs.csv", "text/csv", state.runs.book.toCSV()));
  $("runs-load").addEventListener("change", (event) => addRuns(event).catch(fail));
  $("runs-clear").addEventListener("click", () => {
    state.runs.book.clear();
    drawRuns();
  });
}

// -- start-up and the automation surface ---------------------------------------------------

// After the first visit the site's files come from a cache (sw.js), so the page opens offline.
// Filling it (the runtime, about 13 MB written to the cache) waits for a moment without
// training, so that Train pressed the moment the page is ready has the machine to itself.
const OFFLINE_AFTER_MS = 2000;
function keepForOfflineWhenIdle() {
  const idle = trainer.phase !== "training" && performance.now() - state.timings.ready >= OFFLINE_AFTER_MS;
  if (idle) keepForOffline();
  else setTimeout(keepForOfflineWhenIdle, 250);
}

async function keepForOffline() {
  const note = $("offline-note");
  if (!("serviceWorker" in navigator)) {
    note.textContent = "This browser cannot keep the page for offline use.";
    return;
  }
  try {
    await navigator.serviceWorker.register("sw.js");
    await navigator.serviceWorker.ready;
    state.offlineCache = (await caches.keys()).find((name) => name.startsWith("rnnadd-")) ?? null;
    note.textContent = "Kept in this browser: the page also opens without a network.";
  } catch (error) {
    note.textContent = `This page cannot be kept for offline use here: ${error.message}`;
  }
}

// A link with #tour starts it; a first visit to the full page offers it, once.
function offerTour(address) {
  if (address.tour) startTour().catch(fail);
  else if (state.view !== "embed" && address.link.value === null && !address.link.error && !storage()?.getItem(TOUR_OFFERED)) $("tour-offer").hidden = false;
}

// Anything that is not a refused input: the page says so in words, not only in the console.
function fail(error) {
  state.failure = error.message;
  trainer.fail(error);
  showError("Something went wrong", error.message, "Reload the page to start again.");
}

function status() {
  return {
    phase: trainer.phase,
    step: trainer.step,
    loss: state.loss,
    exactMatch: state.exactMatch,
    perBit: state.perBit,
    exactAllPairs: state.exactAllPairs,
    solvedAt: trainer.solvedAt,
    provenAt: state.provenAt,
    milestones: state.milestones.reached.map((milestone) => ({ ...milestone })),
    stepsPerSecond: trainer.phase === "training" ? trainer.stepsPerSecond : 0,
    config: state.config && { ...state.config },
    error: trainer.error ?? state.failure,
    loadSeconds: state.loadSeconds,
    pending: trainer.workers.outstanding,
    making: trainer.phase === "making", // a session being made (Reset, Load, a new link)
    standby: trainer.workers.standbyState(),
  };
}

window.rnnDemo = Object.freeze({
  status,
  lossHistory: () => state.losses.toJSON(),
  frameIntervals: () => Array.from(state.frameIntervals.subarray(0, Math.min(state.frameCount, FRAME_SAMPLES))),
  timings: () => ({ ...state.timings }),
  hiddenView: () => state.hiddenView && { ...state.carryUnits, a: state.hiddenView.a, b: state.hiddenView.b },
  generalisation: () => state.generalisation.map((row) => ({ ...row })),
  stateSpace: () => state.stateSpace && { ...state.stateSpace },
  offline: () => ({ cache: state.offlineCache, controlled: Boolean(navigator.serviceWorker && navigator.serviceWorker.controller) }),
  timeline: () => ({ at: scrubber.at, kept: [...scrubber.kept], playing: scrubber.playing }),
  panel: () => state.panel.map((row) => ({ ...row })),
  explanation: () => state.explanation && structuredClone(state.explanation),
  memory: () => ({
    jsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
    wasmBytes: trainer.workers.memory.wasmBytes,
  }),
});

async function main() {
  try {
    ({ seconds: state.loadSeconds, described: state.described } = await trainer.workers.ready);
  } catch (error) {
    trainer.fail(error);
    state.failure = error.message;
    showError("The page could not start", error.message, ADVICE[error.stage] || ADVICE.runtime);
    return;
  }
  $("load-time").textContent = `Python, NumPy and the RNN started in ${state.loadSeconds.toFixed(1)} s, all from this site.`;
  $("load-time").hidden = false;
  buildForm($("hyperparameters"), state.described.fields, () => readForm(state.described.fields));
  buildNotebookChoice($("notebook-choice"));
  wireControls();
  drawRuns();
  $("app").hidden = false;
  $("loading").hidden = true;
  const address = readAddress();
  if (address.view === "embed") {
    state.view = "embed";
    document.body.classList.add("embed");
  }
  // An invalid shared link shows its problems beside the fields, starts from the
  // defaults, and stays in the address bar until it is fixed or reset.
  if (readForm(state.described.fields)) await reset();
  else await trainer.begin("create", state.described.defaults);
  state.timings.ready = performance.now();
  keepForOfflineWhenIdle();
  followLink(address.link);
  offerTour(address);
  requestAnimationFrame(tick);
}

main().catch(fail);
