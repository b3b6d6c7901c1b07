// The page drawn from its state: each view redrawn only when its data changed
// (state.stale holds their names) and, while training, only when on screen; each canvas
// described in words for screen readers.
// It reads the state and the loop, and changes nothing but state.stale, emptied of what it drew.

import { describeAccuracyChart, describeLossChart, drawAccuracyChart, drawLossChart } from "./linechart.js";
import { bitSummary, drawBitView } from "./bitview.js";
import { describeHeatmap, drawHeatmap } from "./heatmap.js";
import { describeStateSpace, drawStateSpace } from "./statespace.js";
import { describeMachine, drawMachine, explanationText } from "./machineview.js";
import { chartMarks, drawMilestoneList, drawMilestoneTests, drawSliderMarks } from "./milestoneview.js";
import { memoryValues, wordsOf } from "./taskwords.js";
import { percent, whenText } from "./format.js";
import { statusText } from "./messages.js";

const $ = (id) => document.getElementById(id);

export const VIEWS = ["task", "status", "loss", "accuracy", "bits", "hidden", "space", "machine", "generalisation", "timeline", "milestones"];
// Lines read out as they change (aria-live) that follow a run or a replay step by step: while one
// moves, they change up to 20 times a second, and a screen reader would never finish. Then they
// are not read out; once it stops, their last words are.
const FOLLOWING_THE_RUN = ["status", "timeline-label", "bit-summary"];
const CANVAS_OF = { loss: "loss-chart", accuracy: "accuracy-chart", bits: "bit-view", hidden: "hidden-view", space: "state-space", machine: "machine-view" };

// While training, a canvas off screen is not redrawn: the browser would paint and commit it for
// nothing, on the core the training needs. Its view stays stale until it scrolls into view or the
// run stops. The ids of the canvases on screen, kept by watchCanvases:
const onScreen = new Set();

export function watchCanvases() {
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) entry.isIntersecting ? onScreen.add(entry.target.id) : onScreen.delete(entry.target.id);
  });
  for (const id of Object.values(CANVAS_OF)) observer.observe($(id));
}

// Writes that change nothing still cost the browser a layout: every frame of training comes here.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

// page: {state, trainer, scrubber, task, status, pick(step)}: a milestone picked shows its step;
// everything: on screen or not (a chart saved as a file, say).
export function drawPage(page, everything = false) {
  const { state, trainer, scrubber, task } = page;
  const { stale } = state;
  const deferred = new Set(trainer.phase === "training" && !everything ? [...stale].filter((view) => CANVAS_OF[view] && !onScreen.has(CANVAS_OF[view])) : []);
  const paint = (view) => stale.has(view) && !deferred.has(view);
  const when = whenText(scrubber.at, trainer.step);
  const moving = trainer.phase === "training" || scrubber.playing;
  for (const id of FOLLOWING_THE_RUN) setAttribute($(id), "aria-live", moving ? "off" : "polite");
  if (stale.has("task")) drawTask(task);
  if (stale.has("status")) setText($("status"), statusText(page.status(), trainer));
  if (stale.has("timeline")) drawTimeline(scrubber, trainer.step, when);
  const marks = chartMarks(state.milestones.reached, task.milestones);
  if (paint("loss")) {
    drawLossChart($("loss-chart"), state.losses, state.runs.overlays("loss"), state.runs.compared().current, scrubber.at, marks);
  }
  if (paint("accuracy")) {
    drawAccuracyChart($("accuracy-chart"), state.exactSeries, state.perBitSeries, state.runs.overlays("exact"), scrubber.at, marks);
  }
  if (stale.has("milestones") || stale.has("timeline")) drawMilestones(page);
  if (paint("bits")) drawBitView($("bit-view"), state.panel, state.view === "embed", wordsOf(task).travels);
  if (stale.has("bits")) {
    setText($("bit-summary"), bitSummary(state.panel, whenText(state.panelStep === trainer.step && scrubber.at === null ? null : state.panelStep, trainer.step)));
  }
  if (paint("hidden")) drawHeatmap($("hidden-view"), state.hiddenView, state.carryUnits, task);
  if (paint("space")) drawStateSpace($("state-space"), state.stateSpace, memoryValues(task));
  if (stale.has("machine")) drawExplanation(state.explanation, task, paint("machine"));
  if (stale.has("generalisation")) drawGeneralisation(state.generalisation);
  if (stale.size > deferred.size) describeCanvases(page, when);
  stale.clear();
  for (const view of deferred) stale.add(view);
  const phase = trainer.phase;
  setText($("train-toggle"), phase === "training" ? "Pause" : "Train");
  $("train-toggle").disabled = $("step-button").disabled = phase === "loading" || phase === "error";
}

// The words that name the task: heading, captions, the ask box's operands, how each milestone is found.
function drawTask(task) {
  const signs = task.formula.split(/\b[abc]\b/); // "a + b + c" -> ["", " + ", " + ", ""]
  $("ask-prefix").textContent = signs[0].trim();
  ["a", "b", "c"].forEach((letter, i) => {
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

function drawExplanation(explanation, task, onCanvas) {
  if (onCanvas) drawMachine($("machine-view"), explanation, task);
  const text = explanation && explanationText(explanation, task);
  setText($("machine-verdict"), text ? text.verdict : "");
  setAttribute($("machine-verdict"), "class", explanation ? (explanation.equivalent ? "verdict right" : "verdict wrong") : "verdict");
  setText($("machine-faithful"), text ? text.faithful : "");
  setText($("chain-limit"), text ? text.carry : "");
  setText($("machine-proof"), text ? text.proof : "");
  setAttribute($("machine-proof"), "class", explanation && explanation.proof && explanation.proof.proven ? "proof right" : "proof");
  const counter = explanation && explanation.counterexample;
  if ($("counterexample-ask").hidden !== !counter) $("counterexample-ask").hidden = !counter;
  if (counter) setText($("counterexample-ask"), `Ask the network ${counter.text}`);
}

// Each canvas says what it shows, in words, for screen readers: the view modules' words.
function describeCanvases({ state, trainer, task }, when) {
  const label = (id, text) => setAttribute($(id), "aria-label", text);
  label("loss-chart", describeLossChart(state.loss, trainer.step));
  label("accuracy-chart", describeAccuracyChart(state, trainer.step));
  label("bit-view", `Bit panel, ${$("bit-summary").textContent || "empty"}`);
  label("hidden-view", describeHeatmap(state.hiddenView, state.carryUnits, task, when));
  label("state-space", describeStateSpace(state.stateSpace, task, when));
  const explanation = state.explanation;
  label("machine-view", describeMachine(explanation, explanation && explanationText(explanation, task)));
}

function drawGeneralisation(rows) {
  const cells = (row) => [`${row.bits} bits`, percent(row.exact), `${row.pairs.toLocaleString("en")} ${row.every ? "(all)" : "random"}`];
  $("generalisation-rows").replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const text of cells(row)) tr.insertCell().textContent = text;
      return tr;
    }),
  );
}

function drawTimeline(scrubber, step, when) {
  const slider = $("timeline-slider");
  setAttribute(slider, "max", String(scrubber.kept.length));
  if (slider.value !== String(scrubber.index())) slider.value = String(scrubber.index());
  setAttribute(slider, "aria-valuetext", when);
  const kept = scrubber.kept.length;
  setText($("timeline-label"), scrubber.at === null ? `Now: step ${step}. Drag to look back at any of ${kept} kept steps.` : `Showing the network ${when}.`);
  for (const label of document.querySelectorAll("[data-at]")) setText(label, scrubber.at === null ? "" : when);
  setText($("play-button"), scrubber.playing ? "Stop" : "Play");
  $("live-button").disabled = scrubber.at === null && !scrubber.playing;
}

function drawMilestones({ state, trainer, scrubber, task, pick }) {
  const { reached, pending, tested } = state.milestones;
  const settled = !pending && tested === scrubber.kept.at(-1) && trainer.phase !== "training";
  const outlook = !settled ? "not yet" : trainer.solvedAt !== null ? "not reached in this run" : `not reached by step ${trainer.step}`;
  drawMilestoneList($("milestone-list"), task.milestones, reached, outlook, pick);
  drawSliderMarks($("milestone-marks"), task.milestones, reached, scrubber.kept, pick);
}
