// Everything the page knows, in one object, and how the worker's replies change it: the
// data half of data -> state -> views. No DOM: pageview.js draws what changed (state.stale).

import { BoundedSeries } from "./history.js";
import { RunBook, RunLog } from "./runs.js";
import { FrameLog } from "./automation.js";
import { VIEWS } from "./pageview.js";

export function pageState(storage) {
  return {
    described: null, // defaults, allowed values and tasks, from Python
    form: { texts: {}, notebook: null }, // what the form holds; the form is a view of it
    config: null, // the session's, as Python checked it
    notebook: null, // the fixes, when the session replays the notebook as written
    ...freshRun(),
    selected: ["5", "5"], // the problem in the hidden-state view: its operands (Python picks one of the task's if they do not fit)
    formTask: "add", // the task the form shows, whose suggested settings it has
    testingMilestones: false, // a call testing more of them is on its way
    frames: new FrameLog(),
    loadSeconds: null,
    timings: { ready: null, firstLossDrawn: null },
    failure: null, // an error the page itself hit
    runs: new RunLog(new RunBook(storage)), // this run and the kept ones it is compared with
    linkAt: null, // a shared link's step, trained to and then shown
    drawnAt: null, // the step the charts' cursor was last drawn at
    offlineCache: null, // the cache that keeps the site for offline visits, once there
    view: null, // "embed": the compact view for a frame in another page
    addressAt: null, // the step the address bar's link shows
    stale: new Set(VIEWS), // views whose data changed since they were drawn: only those are redrawn
  };
}

// What a new session starts without.
function freshRun() {
  return {
    loss: NaN,
    exactMatch: 0,
    perBit: 0,
    exactAllPairs: false,
    provenAt: null, // the step training until proven found a proof at
    losses: new BoundedSeries(4096),
    exactSeries: new BoundedSeries(1024),
    perBitSeries: new BoundedSeries(1024),
    panel: [],
    panelStep: 0, // the step whose weights wrote the panel
    hiddenView: null,
    carryUnits: null,
    generalisation: [],
    stateSpace: null,
    explanation: null, // the machine read off the weights, when training last stopped
    milestones: { reached: [], pending: false }, // the run's milestones found so far (milestones.py)
  };
}

// A new session (Reset, Load, a link): its config, and nothing of the last one's run.
export function startSession(state, { config, notebook = null }) {
  state.runs.start(notebook ? { ...config, notebook: notebook.join("+") || "as written" } : config);
  Object.assign(state, freshRun(), { config, notebook, linkAt: null, formTask: config.task });
  for (const view of VIEWS) state.stale.add(view);
}

// The worker's replies, by method: each changes its part of the state and marks its views stale.
// trainMs: Python's time spent training this session, for the run's record.
export function receive(state, values, trainMs) {
  const trained = values.train;
  if (trained) {
    state.runs.record(trained, trainMs);
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
    state.stale.add("loss").add("accuracy").add("timeline");
  }
  if (values.panel) [state.panel, state.panelStep] = [values.panel.rows, values.panel.step];
  if (values.hidden_view) [state.hiddenView, state.selected] = [values.hidden_view, values.hidden_view.operands];
  if (values.carry_units) state.carryUnits = values.carry_units;
  if (values.generalisation) state.generalisation = values.generalisation;
  if (values.state_space) state.stateSpace = values.state_space;
  // Only the views whose data came are redrawn: most chunks bring the panel alone.
  if (values.hidden_view || values.carry_units) state.stale.add("hidden");
  if (values.state_space) state.stale.add("space");
  if (values.generalisation) state.stale.add("generalisation");
  if (values.explain) explained(state, values.explain);
  if (values.milestones) {
    state.milestones = values.milestones;
    state.stale.add("milestones").add("loss").add("accuracy");
  }
  // The agreement on wide sums comes after the rest of the machine's reading.
  if (values.explain_wide && state.explanation) explained(state, { ...state.explanation, agreement: [state.explanation.agreement[0], values.explain_wide] });
  for (const view of ["status", "bits", "timeline"]) state.stale.add(view);
}

function explained(state, explanation) {
  state.explanation = explanation;
  state.runs.readOff(explanation);
  state.stale.add("machine");
}
