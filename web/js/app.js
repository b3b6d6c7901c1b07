// Wires the page: controls -> state -> trainer -> views. The trainer (trainer.js) owns the
// loop, pagestate.js what the page knows, pageview.js how it is drawn, actions.js what the
// controls do; this file builds them and turns the trainer's replies into state.

import { hashFromConfig } from "./state.js";
import { buildForm, buildNotebookChoice, suggestSettings } from "./form.js";
import { pageState, receive, startSession } from "./pagestate.js";
import { drawPage, watchCanvases } from "./pageview.js";
import { TRAINING_DRAW_MS } from "./schedule.js";
import { Tour } from "./tour.js";
import { hideTourStop, showTourStop } from "./tourview.js";
import { startPython } from "./python.js";
import { Trainer } from "./trainer.js";
import { Scrubber, keptIndex } from "./timeline.js";
import { showRuns } from "./runsview.js";
import { ADVICE, hideError, showError, showStage } from "./messages.js";
import { exposeAutomation, pageStatus } from "./automation.js";
import { keepForOfflineWhenIdle } from "./offline.js";
import { pageActions, storage } from "./actions.js";

const $ = (id) => document.getElementById(id);
const state = pageState(storage());
// The milestones' tests of new kept steps take at most this long a call: 20 ms with a chunk while
// training; once it stops, 250 ms a call, asked again until done, so that other calls (Ask, a look
// back) never wait long behind a wide network's tests.
const MILESTONE_BUDGET_MS = 20;
const MILESTONE_STOPPED_BUDGET_MS = 250;
let drawnMs = -Infinity; // when the page was last drawn

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
  request: (calls) => trainer.request(calls, { views: true }),
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
const pageNow = () => ({ state, trainer, scrubber, task: taskOf(), status: () => pageStatus(state, trainer), pick: showMilestone });
const drawAll = () => drawPage(pageNow(), true); // on screen or not
const actions = pageActions({ state, trainer, scrubber, tour, taskOf, quickViews, show, showAddress, showLinkStep, showMilestone, drawRuns, drawAll, fail });

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
  if (trainer.phase !== "training" || now - drawnMs >= TRAINING_DRAW_MS) {
    drawnMs = now;
    drawPage(pageNow());
  }
  if (state.timings.firstLossDrawn === null && state.losses.length > 0) state.timings.firstLossDrawn = performance.now();
  requestAnimationFrame(tick);
}

// The address bar reproduces what is shown; the embedded view links to the full page of the same run.
function showAddress() {
  state.addressAt = scrubber.at;
  window.history.replaceState(null, "", hashFromConfig(state.config, state.notebook, scrubber.at, state.view));
  if (state.view === "embed") $("full-page").href = new URL(hashFromConfig(state.config, state.notebook, scrubber.at), location.href).href;
}

// -- start-up ------------------------------------------------------------------------

// Anything that is not a refused input: the page says so in words, not only in the console.
function fail(error) {
  state.failure = error.message;
  trainer.fail(error);
  showError("Something went wrong", error.message, "Reload the page to start again.");
}

async function main() {
  exposeAutomation(state, trainer, scrubber);
  watchCanvases();
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
  buildForm($("hyperparameters"), state.described.fields, typed, (name) => (name === "task" ? suggestSettings(state, state.form.texts.task) : actions.formConfig()));
  buildNotebookChoice($("notebook-choice"), (fixes) => (state.form.notebook = fixes));
  actions.wire();
  drawRuns();
  $("app").hidden = false;
  $("loading").hidden = true;
  const address = actions.readAddress();
  if (address.view === "embed") {
    state.view = "embed";
    document.body.classList.add("embed");
  }
  // An invalid shared link stays in the address bar until it is fixed or reset.
  await actions.reset(true);
  state.timings.ready = performance.now();
  keepForOfflineWhenIdle(
    () => (trainer.phase === "training" ? null : state.timings.ready),
    (cache, words) => ((state.offlineCache = cache), ($("offline-note").textContent = words)),
  );
  actions.followLink(address.link);
  actions.offerTour(address);
  requestAnimationFrame(tick);
}

main().catch(fail);
