// Wires the page: controls -> state -> trainer -> views. The trainer (trainer.js) owns the
// loop, pagestate.js what the page knows, pageview.js how it is drawn; this file turns
// clicks into the trainer's calls and its replies into state.

import { PROVABLE, addressOf, hashFromConfig } from "./state.js";
import { buildForm, buildNotebookChoice, checkForm, showForm, suggestSettings } from "./form.js";
import { pageState, receive, startSession } from "./pagestate.js";
import { VIEWS, drawPage } from "./pageview.js";
import { markAt } from "./linechart.js";
import { Tour, tourPace } from "./tour.js";
import { hideTourStop, showTourStop } from "./tourview.js";
import { rowAt } from "./bitview.js";
import { problemAt } from "./statespace.js";
import { showAnswer } from "./answer.js";
import { PythonError, startPython } from "./python.js";
import { Trainer } from "./trainer.js";
import { Scrubber, keptIndex } from "./timeline.js";
import { forgetColors } from "./theme.js";
import { addRunsFrom, showRuns } from "./runsview.js";
import { downloadCanvas, downloadText } from "./downloads.js";
import { seriesCSV } from "./history.js";
import { ADVICE, hideError, showError, showStage } from "./messages.js";
import { exposeAutomation, pageStatus } from "./automation.js";
import { keepForOfflineWhenIdle } from "./offline.js";
import { wireControls, wireKeys } from "./controls.js";

const $ = (id) => document.getElementById(id);
const state = pageState(storage());
// The milestones' tests of new kept steps take at most this long a call: 20 ms with a chunk while
// training; once it stops, 250 ms a call, asked again until done, so that other calls (Ask, a look
// back) never wait long behind a wide network's tests.
const MILESTONE_BUDGET_MS = 20;
const MILESTONE_STOPPED_BUDGET_MS = 250;
const TOUR_OFFERED = "rnnadd-tour-offered";

// Every view of the weights shows the step the timeline points at (null: now); a session being
// made (Reset, Load) is shown as it is now.
const quickViews = (at) => [["hidden_view", state.selected, at], ["carry_units", at], ["state_space", state.selected, at]];
const restingViews = (at) => [["explain", at], ["generalisation", at], ["explain_wide", at]];
const viewedStep = () => (trainer.phase === "making" ? null : scrubber.at);
// The task of the session shown, as rnnadd.page describes it.
const taskOf = () => state.described.tasks[state.config ? state.config.task : "add"];

const trainer = new Trainer({
  connect: () => startPython(showStage),
  views: () => [["panel", viewedStep()]],
  slowViews: () => [...quickViews(viewedStep()), ["milestones", MILESTONE_BUDGET_MS]],
  stoppedViews: () => [...restingViews(viewedStep()), ["milestones", MILESTONE_STOPPED_BUDGET_MS]],
  onData: show,
  onFailure: fail,
});
const scrubber = new Scrubber({
  request: (calls) => trainer.request(calls),
  quickViews: (at) => [["panel", at], ...quickViews(at)],
  restingViews,
  onData: (values) => show(values, "scrub"),
  onFailure: fail,
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

// -- replies -> state ------------------------------------------------------------------

function show(values, why) {
  if (why === "session") newSession(values.session);
  receive(state, values, trainer.trainMs);
  const trained = values.train;
  if (trained) scrubber.setKept(trained.kept);
  if (trained && state.linkAt !== null && trained.step >= state.linkAt) showLinkStep();
  if (trained?.error) showError("Training stopped", trained.error, ADVICE.diverged);
  if (values.milestones?.pending && trainer.phase !== "training") testMoreMilestones();
  // Kept when a run stops, and again when its machine and its last milestones come (after the other views).
  if (why === "stopped" || trainer.phase === "error" || ((values.milestones || values.explain) && trainer.phase !== "training")) keepRun();
}

function newSession(session) {
  keepRun();
  tour.finish(); // a Reset or Load ends the tour; the tour's own fresh run starts it after
  scrubber.reset();
  scrubber.setKept(session.kept);
  startSession(state, session);
  $("save-button").disabled = Boolean(session.notebook); // a replay is shared by its link, not saved
  hideError();
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
  const values = await trainer.request([["milestones", MILESTONE_STOPPED_BUDGET_MS]]).catch(fail);
  state.testingMilestones = false;
  if (values) show(values, "view");
}

// A milestone picked (its mark, its line on a chart, its entry in the list): every view shows its step.
function showMilestone(step) {
  scrubber.moveTo(keptIndex(scrubber.kept, step));
}

function keepRun() {
  state.runs.keep(state.milestones.reached);
  drawRuns();
}

function drawRuns() {
  showRuns(state.runs, (run) => state.described.tasks[run.config.task ?? "add"].milestones, () => state.stale.add("loss").add("accuracy"));
}

// -- the frame loop ------------------------------------------------------------------

function tick(now) {
  state.frames.frame(now, trainer.phase === "training");
  trainer.tick(now);
  scrubber.tick(now);
  const { reached, pending, tested } = state.milestones;
  tour.update({ reached, phase: trainer.phase, solved: trainer.solvedAt !== null, step: trainer.step, pending: pending || tested < trainer.step });
  if (scrubber.at !== state.drawnAt || scrubber.playing) {
    state.drawnAt = scrubber.at;
    state.stale.add("timeline").add("loss").add("accuracy");
  }
  if (trainer.phase === "training" || trainer.workers.busyMs() > 0) state.stale.add("status");
  // The address follows the step looked at; an invalid link stays as given until it changes.
  if (state.config && state.linkAt === null && scrubber.at !== state.addressAt) showAddress();
  drawPage({ state, trainer, scrubber, task: taskOf(), status: () => pageStatus(state, trainer), pick: showMilestone });
  if (state.timings.firstLossDrawn === null && state.losses.length > 0) state.timings.firstLossDrawn = performance.now();
  requestAnimationFrame(tick);
}

// The address bar reproduces what is shown; the embedded view links to the full page of the same run.
function showAddress() {
  state.addressAt = scrubber.at;
  window.history.replaceState(null, "", hashFromConfig(state.config, state.notebook, scrubber.at, state.view));
  if (state.view === "embed") $("full-page").href = new URL(hashFromConfig(state.config, state.notebook, scrubber.at), location.href).href;
}

// -- controls -> state -> trainer ------------------------------------------------------

const setForm = (texts, notebook = null) => showForm(state, texts, notebook);
const formConfig = () => checkForm(state);

// The address bar, read once for a visit or a new link (it is rewritten once the run is made): the
// form takes its settings; it may name a step to show, the tour, a view.
function readAddress() {
  const address = addressOf(location.hash);
  setForm(address.texts, address.fixes);
  return address;
}

// A link's &at: train to that step, then show it; a bad value is named and ignored.
function followLink(link) {
  $("timeline-error").textContent = link.error ? `${link.error}; showing the network now instead.` : "";
  if (link.error || link.value === null) return;
  state.linkAt = link.value;
  if (link.value <= trainer.step) showLinkStep();
  else trainer.playTo(link.value);
}

async function begin(method, argument) {
  const made = await trainer.begin(method, argument);
  if (!made) return;
  showAddress();
  // The notebook's own settings show in the form: untick it and Reset, and the correct code trains them.
  if (made.notebook) setForm(made.config, made.notebook);
}

async function reset() {
  const config = formConfig();
  if (config && state.form.notebook) await begin("create_notebook", { fixes: state.form.notebook, seed: config.seed });
  else if (config) await begin("create", config);
}

// The preset: the form's settings with noise on and training until proven, trained at once.
async function trainToBeProvable() {
  setForm({ ...(formConfig() ?? state.described.defaults), ...PROVABLE });
  await reset();
  trainer.play();
}

// A fresh run of the form's settings, trained at the tour's pace.
async function startTour() {
  $("tour-offer").hidden = true;
  remember(TOUR_OFFERED);
  tour.finish();
  if (trainer.step > 0 || trainer.phase !== "ready") await reset();
  trainer.setPace(tourPace);
  tour.start(taskOf());
}

async function select(operands) {
  state.selected = operands.map(String);
  const values = await trainer.request(quickViews(scrubber.at).filter(([method]) => method !== "carry_units"));
  if (values) show(values, "select");
}

async function load(file) {
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
  setForm(state.config);
  formConfig();
}

async function ask() {
  $("ask-result").replaceChildren();
  const operands = taskOf().letters.map((letter) => $(`ask-${letter}`).value);
  let values;
  try {
    values = await trainer.request([["ask", operands, scrubber.at]]);
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

// A file input's file, once, so that choosing the same file again is a change too.
const chosen = (handle) => (event) => {
  const [file] = event.target.files;
  event.target.value = "";
  return file && handle(file);
};
const restyle = () => VIEWS.forEach((view) => state.stale.add(view));
const downloadName = (what, ext) => `rnnadd-${what}-step${trainer.step}.${ext}`;

const CONTROLS = {
  "train-toggle": { click: () => (trainer.phase === "training" ? trainer.pause() : trainer.play()) },
  "step-button": { click: () => trainer.stepOnce() },
  "reset-button": { click: reset },
  "provable-button": { click: trainToBeProvable },
  "save-button": { click: async () => downloadText(downloadName(`${state.config.cell}-${state.config.bits}bit`, "json"), "application/json", (await trainer.request([["save"]])).save) },
  "load-file": { change: chosen(load) },
  speed: { change: () => (trainer.stepsPerFrame = $("speed").value === "max" ? null : Number($("speed").value)) },
  "tour-button": { click: startTour },
  "tour-offer-start": { click: startTour },
  "tour-offer-dismiss": {
    click: () => {
      $("tour-offer").hidden = true;
      remember(TOUR_OFFERED);
    },
  },
  "tour-next": { click: () => tour.next() },
  "tour-end": { click: () => tour.finish() },
  "timeline-slider": { input: () => look(() => (scrubber.pause(), scrubber.moveTo(Number($("timeline-slider").value)))) },
  "play-button": { click: () => look(() => (scrubber.playing ? scrubber.pause() : scrubber.play(trainer.solvedAt))) },
  "live-button": { click: () => look(() => scrubber.live()) },
  "loss-chart": { click: (event) => pickMark("loss-chart", event) },
  "accuracy-chart": { click: (event) => pickMark("accuracy-chart", event) },
  "bit-view": { click: (event) => pickRow(state.panel[rowAt(event.offsetY, state.view === "embed")]) },
  "state-space": { click: (event) => pickPair(problemAt($("state-space"), state.stateSpace, event.offsetX, event.offsetY)) },
  "counterexample-ask": {
    click: () => {
      for (const letter of taskOf().letters) $(`ask-${letter}`).value = state.explanation.counterexample[letter];
      return ask();
    },
  },
  ask: {
    submit: (event) => {
      event.preventDefault();
      return ask();
    },
  },
  "loss-csv": { click: () => downloadText(downloadName("loss", "csv"), "text/csv", seriesCSV(state.losses, "step", "loss")) },
  "runs-json": { click: () => downloadText("rnnadd-runs.json", "application/json", JSON.stringify(state.runs.book.runs)) },
  "runs-csv": { click: () => downloadText("rnnadd-runs.csv", "text/csv", state.runs.book.toCSV()) },
  "runs-load": { change: chosen((file) => addRunsFrom(file, state.runs.book).then(drawRuns)) },
  "runs-clear": {
    click: () => {
      state.runs.book.clear();
      drawRuns();
    },
  },
};

// The timeline's own controls: the charts' cursor moves with them.
function look(move) {
  move();
  state.stale.add("timeline").add("loss").add("accuracy");
}

function pickMark(chart, event) {
  const step = markAt($(chart), event.offsetX);
  if (step !== null) showMilestone(step);
}

const pickRow = (row) => row && select(row.operands);
const pickPair = (pair) => pair >= 0 && select(taskOf().letters.map((letter) => state.stateSpace[letter][pair]));

function wire() {
  wireControls(CONTROLS, fail);
  // Space trains or pauses, "." takes one step, "r" resets; not while typing in a field or on a button.
  wireKeys({ " ": "train-toggle", ".": "step-button", r: "reset-button" });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && tour.active) tour.finish();
    if (event.key === "Enter" && tour.active && !event.target.closest("input, select, textarea, button, a")) tour.next();
  });
  for (const button of document.querySelectorAll("[data-png]")) {
    button.addEventListener("click", () => downloadCanvas($(button.dataset.png), downloadName(button.dataset.png, "png")));
  }
  window.addEventListener("hashchange", () => {
    const address = readAddress();
    reset()
      .then(() => (followLink(address.link), address.tour && startTour()))
      .catch(fail);
  });
  window.addEventListener("resize", restyle);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => (forgetColors(), restyle()));
}

// -- start-up ------------------------------------------------------------------------

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function remember(key) {
  try {
    storage()?.setItem(key, "1");
  } catch {
    // storage off or full: the offer comes again next visit
  }
}

// Anything that is not a refused input: the page says so in words, not only in the console.
function fail(error) {
  state.failure = error.message;
  trainer.fail(error);
  showError("Something went wrong", error.message, "Reload the page to start again.");
}

async function main() {
  exposeAutomation(state, trainer, scrubber);
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
  const typed = (name, text) => (state.form.texts[name] = text);
  buildForm($("hyperparameters"), state.described.fields, typed, (name) => (name === "task" ? suggestSettings(state, state.form.texts.task) : formConfig()));
  buildNotebookChoice($("notebook-choice"), (fixes) => (state.form.notebook = fixes));
  wire();
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
  if (formConfig()) await reset();
  else await trainer.begin("create", state.described.defaults);
  state.timings.ready = performance.now();
  keepForOfflineWhenIdle(
    () => (trainer.phase === "training" ? null : state.timings.ready),
    (cache, words) => ((state.offlineCache = cache), ($("offline-note").textContent = words)),
  );
  followLink(address.link);
  // A link with #tour starts it; a first visit to the full page offers it, once.
  if (address.tour) startTour().catch(fail);
  else if (state.view !== "embed" && address.link.value === null && !address.link.error && !storage()?.getItem(TOUR_OFFERED)) $("tour-offer").hidden = false;
  requestAnimationFrame(tick);
}

main().catch(fail);
