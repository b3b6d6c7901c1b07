// What the page knows, and how the worker's replies change it.

import assert from "node:assert/strict";
import { test } from "node:test";
import { pageState, receive, startSession } from "../../web/js/pagestate.js";

const CONFIG = { task: "add", bits: 8, seed: 0 };
const chunk = (step, losses, extra = {}) => ({ step, losses, batchExact: 0.25, batchPerBit: 0.75, solved: false, error: null, provenAt: null, kept: [], ...extra });

function fresh() {
  const state = pageState(null);
  startSession(state, { config: CONFIG });
  state.stale.clear();
  return state;
}

test("a training chunk adds its losses at their steps and marks the charts, not the costly views", () => {
  const state = fresh();
  receive(state, { train: chunk(3, [0.9, 0.8, 0.7]) }, 10);
  assert.deepEqual(state.losses.toJSON().xs, [1, 2, 3]);
  assert.deepEqual([state.loss, state.exactMatch, state.perBit, state.exactAllPairs], [0.7, 0.25, 0.75, false]);
  assert.ok(state.stale.has("loss") && state.stale.has("accuracy") && state.stale.has("status"));
  assert.ok(!state.stale.has("hidden") && !state.stale.has("space") && !state.stale.has("machine"));
  receive(state, { train: chunk(4, [0.5], { solved: true }) }, 12);
  assert.deepEqual([state.exactMatch, state.perBit, state.exactAllPairs], [1, 1, true]);
  assert.equal(state.runs.current.solvedAt, 4);
});

test("each view's data marks only its own view", () => {
  const state = fresh();
  receive(state, { state_space: { a: [], b: [] } }, 0);
  assert.ok(state.stale.has("space") && !state.stale.has("hidden"));
  receive(state, { hidden_view: { operands: ["7", "9"] } }, 0);
  assert.deepEqual(state.selected, ["7", "9"]);
  assert.ok(state.stale.has("hidden"));
});

test("the wide agreement joins the machine already read; a new session starts with nothing of the last run", () => {
  const state = fresh();
  receive(state, { explain: { states: 2, equivalent: true, agreement: [{ sums: 1 }, null] } }, 0);
  receive(state, { explain_wide: { sums: 0.5 } }, 0);
  assert.deepEqual(state.explanation.agreement, [{ sums: 1 }, { sums: 0.5 }]);
  receive(state, { train: chunk(2, [0.4, 0.3]) }, 5);
  startSession(state, { config: { ...CONFIG, seed: 1 }, notebook: null });
  assert.equal(state.explanation, null);
  assert.equal(state.losses.length, 0);
  assert.deepEqual(state.config, { ...CONFIG, seed: 1 });
  assert.ok(state.stale.has("task") && state.stale.has("machine"));
});

test("the notebook's replay is recorded under its fixes", () => {
  const state = pageState(null);
  startSession(state, { config: CONFIG, notebook: [] });
  assert.equal(state.runs.current.config.notebook, "as written");
  startSession(state, { config: CONFIG, notebook: ["biases"] });
  assert.equal(state.runs.current.config.notebook, "biases");
});
