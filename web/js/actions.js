// What the controls do: the table of each control's events, and the actions behind them
// (Reset, Load, Ask, a pick on a chart, the tour), each turning the form or a click into the
// trainer's calls. app.js hands in the page's parts; replies come back through page.show.

import { PROVABLE, addressOf } from "./state.js";
import { checkForm, showForm } from "./form.js";
import { markAt, whenCanvasesResize } from "./linechart.js";
import { tourPace } from "./tour.js";
import { rowAt } from "./bitview.js";
import { problemAt } from "./statespace.js";
import { showAnswer } from "./answer.js";
import { PythonError } from "./python.js";
import { forgetColors } from "./theme.js";
import { addRunsFrom } from "./runsview.js";
import { downloadCanvas, downloadText } from "./downloads.js";
import { seriesCSV } from "./history.js";
import { VIEWS } from "./pageview.js";
import { wireControls, wireKeys } from "./controls.js";

const $ = (id) => document.getElementById(id);
const TOUR_OFFERED = "rnnadd-tour-offered";

export function storage() {
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

// page: {state, trainer, scrubber, tour, taskOf, quickViews, show, showAddress, showLinkStep, showMilestone, drawRuns, drawAll, fail}
export function pageActions(page) {
  const { state, trainer, scrubber, tour, taskOf } = page;
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
    if (link.value <= trainer.step) page.showLinkStep();
    else trainer.playTo(link.value);
  }

  async function begin(method, argument) {
    const made = await trainer.begin(method, argument);
    if (!made) return;
    page.showAddress();
    // The notebook's own settings show in the form: untick it and Reset, and the correct code trains them.
    if (made.notebook) setForm(made.config, made.notebook);
  }

  // An invalid form (say, a shared link's bad setting) names its problems beside the fields and,
  // at start-up (`orDefaults`), trains the defaults meanwhile.
  async function reset(orDefaults = false) {
    const config = formConfig();
    if (config && state.form.notebook) await begin("create_notebook", { fixes: state.form.notebook, seed: config.seed });
    else if (config) await begin("create", config);
    else if (orDefaults) await trainer.begin("create", state.described.defaults);
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

  // A link with #tour starts it; a first visit to the full page offers it, once.
  function offerTour(address) {
    if (address.tour) startTour().catch(page.fail);
    else if (state.view !== "embed" && address.link.value === null && !address.link.error && !storage()?.getItem(TOUR_OFFERED)) $("tour-offer").hidden = false;
  }

  async function select(operands) {
    state.selected = operands.map(String);
    const values = await trainer.request(() => page.quickViews(scrubber.at).filter(([method]) => method !== "carry_units"));
    if (values) page.show(values, "select");
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
      values = await trainer.request(() => [["ask", operands, scrubber.at]]);
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

  // The timeline's own controls: the charts' cursor moves with them.
  function look(move) {
    move();
    state.stale.add("timeline").add("loss").add("accuracy");
  }

  function pickMark(chart, event) {
    const step = markAt($(chart), event.offsetX);
    if (step !== null) page.showMilestone(step);
  }

  const pickRow = (row) => row && select(row.operands);
  const pickPair = (pair) => pair >= 0 && select(taskOf().letters.map((letter) => state.stateSpace[letter][pair]));
  // A file input's file, once, so that choosing the same file again is a change too.
  const chosen = (handle) => (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    return file && handle(file);
  };
  const restyle = () => VIEWS.forEach((view) => state.stale.add(view));
  const downloadName = (what, ext) => `rnnadd-${what}-step${trainer.step}.${ext}`;
  const dismissTour = () => {
    $("tour-offer").hidden = true;
    remember(TOUR_OFFERED);
  };
  const askCounterexample = () => {
    for (const letter of taskOf().letters) $(`ask-${letter}`).value = state.explanation.counterexample[letter];
    return ask();
  };
  const clearRuns = () => {
    state.runs.book.clear();
    page.drawRuns();
  };

  const CONTROLS = {
    "train-toggle": { click: () => (trainer.phase === "training" ? trainer.pause() : trainer.play()) },
    "step-button": { click: () => trainer.stepOnce() },
    "reset-button": { click: () => reset() },
    "provable-button": { click: trainToBeProvable },
    "save-button": { click: async () => downloadText(downloadName(`${state.config.cell}-${state.config.bits}bit`, "json"), "application/json", (await trainer.request([["save"]])).save) },
    "load-file": { change: chosen(load) },
    speed: { change: () => (trainer.stepsPerFrame = $("speed").value === "max" ? null : Number($("speed").value)) },
    "tour-button": { click: startTour },
    "tour-offer-start": { click: startTour },
    "tour-offer-dismiss": { click: dismissTour },
    "tour-next": { click: () => tour.next() },
    "tour-end": { click: () => tour.finish() },
    "timeline-slider": { input: () => look(() => (scrubber.pause(), scrubber.moveTo(Number($("timeline-slider").value)))) },
    "play-button": { click: () => look(() => (scrubber.playing ? scrubber.pause() : scrubber.play(trainer.solvedAt))) },
    "live-button": { click: () => look(() => scrubber.live()) },
    "loss-chart": { click: (event) => pickMark("loss-chart", event) },
    "accuracy-chart": { click: (event) => pickMark("accuracy-chart", event) },
    "bit-view": { click: (event) => pickRow(state.panel[rowAt(event.offsetY, state.view === "embed")]) },
    "state-space": { click: (event) => pickPair(problemAt($("state-space"), state.stateSpace, event.offsetX, event.offsetY)) },
    "counterexample-ask": { click: askCounterexample },
    ask: { submit: (event) => (event.preventDefault(), ask()) },
    "loss-csv": { click: () => downloadText(downloadName("loss", "csv"), "text/csv", seriesCSV(state.losses, "step", "loss")) },
    "runs-json": { click: () => downloadText("rnnadd-runs.json", "application/json", JSON.stringify(state.runs.book.runs)) },
    "runs-csv": { click: () => downloadText("rnnadd-runs.csv", "text/csv", state.runs.book.toCSV()) },
    "runs-load": { change: chosen((file) => addRunsFrom(file, state.runs.book).then(page.drawRuns)) },
    "runs-clear": { click: clearRuns },
  };

  function wire() {
    wireControls(CONTROLS, page.fail);
    // Space trains or pauses, "." takes one step, "r" resets; not while typing in a field or on a button.
    wireKeys({ " ": "train-toggle", ".": "step-button", r: "reset-button" });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && tour.active) tour.finish();
      if (event.key === "Enter" && tour.active && !event.target.closest("input, select, textarea, button, a")) tour.next();
    });
    for (const button of document.querySelectorAll("[data-png]")) {
      // While training, a chart off screen waits to be drawn: the file shows the run as it is now.
      button.addEventListener("click", () => {
        page.drawAll();
        downloadCanvas($(button.dataset.png), downloadName(button.dataset.png, "png"));
      });
    }
    window.addEventListener("hashchange", () => {
      const address = readAddress();
      reset()
        .then(() => (followLink(address.link), address.tour && startTour()))
        .catch(page.fail);
    });
    whenCanvasesResize(restyle);
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => (forgetColors(), restyle()));
  }

  return { wire, readAddress, followLink, reset, formConfig, offerTour };
}
