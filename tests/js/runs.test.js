// Kept runs: the record format, what the legend names, export, and storage that fails.

import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedSeries } from "../../web/js/history.js";
import { KEEP, RUN_COLORS, RunBook, RunLog, checkRecord, differingKeys, label, record } from "../../web/js/runs.js";

const config = (overrides = {}) => ({ bits: 8, cell: "elman", activation: "tanh", seed: 0, ...overrides });

function run(id, overrides = {}, steps = 600) {
  const loss = new BoundedSeries(512);
  const exact = new BoundedSeries(512);
  for (let step = 1; step <= steps; step += 1) {
    loss.push(step, 1 / step);
    exact.push(step, Math.min(1, step / 100));
  }
  return record({ id, config: config(overrides), steps, solvedAt: 100, solveMs: 80.5, divergedAt: null, finalLoss: 1 / steps, loss, exact });
}

function memoryStorage() {
  const items = new Map();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => items.set(key, String(value)) };
}

test("a record holds the config, how the run ended, and curves of at most 512 points", () => {
  const kept = run("a");
  assert.equal(kept.format, "rnnadd-run");
  assert.equal(kept.solvedAt, 100);
  assert.ok(kept.loss.steps.length <= 512 && kept.loss.steps.length === kept.loss.values.length);
  assert.deepEqual(checkRecord(JSON.parse(JSON.stringify(kept))), kept);
  assert.throws(() => checkRecord({ format: "other" }), /format must be "rnnadd-run"/);
  assert.throws(() => checkRecord({ ...kept, loss: { steps: [1, 2], values: [1] } }), /one length/);
});

test("the legend names only the hyperparameters that differ", () => {
  const configs = [config(), config({ activation: "sigmoid" }), config({ activation: "relu" })];
  const keys = differingKeys(configs);
  assert.deepEqual(keys, ["activation"]);
  assert.equal(label(configs[1], keys), "activation sigmoid");
  assert.deepEqual(differingKeys([config(), config()]), []);
  assert.equal(label(config(), []), "same settings");
  assert.deepEqual(differingKeys([config(), config({ seed: 2, cell: "gru" })]), ["cell", "seed"]);
});

test("the last ten runs are kept across reloads, and clear empties them", () => {
  const storage = memoryStorage();
  const book = new RunBook(storage);
  for (let i = 0; i < KEEP + 3; i += 1) book.keep(run(`r${i}`, { seed: i }));
  book.keep(run("r12", { seed: 99 })); // the same run again replaces its record
  const reloaded = new RunBook(storage);
  assert.equal(reloaded.persistent, true);
  assert.deepEqual(
    reloaded.runs.map((kept) => kept.id),
    ["r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12"],
  );
  assert.equal(reloaded.runs.at(-1).config.seed, 99);
  reloaded.clear();
  assert.deepEqual(new RunBook(storage).runs, []);
});

test("storage that is missing or full keeps runs for the visit, without an error", () => {
  const none = new RunBook(null);
  none.keep(run("a"));
  assert.equal(none.persistent, false);
  assert.equal(none.runs.length, 1);
  const full = memoryStorage();
  full.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  const book = new RunBook(full);
  book.keep(run("b"));
  assert.equal(book.persistent, false);
  assert.equal(book.runs.length, 1);
});

test("CSV export: one row per curve point, with the run's settings and outcome", () => {
  const book = new RunBook(null);
  book.keep(run("a", {}, 20));
  book.keep({ ...run("b", { activation: "sigmoid" }, 20), machine: { states: 2, equivalent: true } });
  const lines = book.toCSV().trim().split("\n");
  assert.equal(lines[0], "run,bits,cell,activation,seed,solvedAt,solveMs,divergedAt,finalLoss,machineStates,series,step,value");
  assert.equal(lines.length, 1 + 2 * (20 + 20));
  assert.equal(lines[1], "1,8,elman,tanh,0,100,80.5,,0.05,,loss,1,1");
  assert.ok(lines.some((line) => line.startsWith("2,8,elman,sigmoid,0,100,80.5,,0.05,2,exact,20,0.2")));
});

test("a notebook replay's label leads with it, and runs without it read as off", () => {
  const keys = differingKeys([config({ notebook: "as written" }), config()]);
  assert.deepEqual(keys, ["notebook"]);
  assert.equal(label(config(), keys), "notebook off");
});

// A train reply as rnnadd.page gives it: the losses of the steps up to `step`.
const trained = (step, losses, extra = {}) => ({ step, losses, batchExact: 0.5, solved: false, error: null, ...extra });

test("the current run records its curves, its first solved step and where it diverged", () => {
  const log = new RunLog(new RunBook(memoryStorage()));
  log.start(config());
  log.record(trained(3, [0.9, 0.8, 0.7]), 10);
  log.record(trained(5, [0.6, 0.5], { solved: true, batchExact: 1 }), 25);
  log.record(trained(6, [0.4], { solved: true }), 30);
  const run = log.current;
  assert.deepEqual(run.loss.toJSON().xs, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(run.exact.toJSON().ys, [0.5, 1, 0.5]);
  assert.deepEqual([run.steps, run.solvedAt, run.solveMs, run.finalLoss, run.divergedAt], [6, 5, 25, 0.4, null]);
  log.record(trained(7, [], { error: "NaN" }), 31);
  assert.equal(run.divergedAt, 8);
});

test("a run is kept once it has trained, with its milestones and the machine of its last step", () => {
  const book = new RunBook(memoryStorage());
  const log = new RunLog(book);
  log.start(config());
  log.keep([]);
  assert.equal(book.runs.length, 0); // nothing trained: nothing to compare
  log.record(trained(2, [0.9, 0.8]), 5);
  log.readOff({ step: 1, states: 5, equivalent: false }); // a step looked back at
  assert.equal(log.current.machine, undefined);
  log.readOff({ step: 2, states: 2, equivalent: true });
  log.keep([{ name: "first_bit", step: 1, title: "The first bit is right", text: "" }]);
  log.keep([{ name: "first_bit", step: 1 }]); // kept again: updated, not added
  assert.equal(book.runs.length, 1);
  assert.deepEqual(book.runs[0].milestones, [{ name: "first_bit", step: 1 }]);
  assert.deepEqual(book.runs[0].machine, { states: 2, equivalent: true });
});

test("compared runs: labels name what differs, the current run and hidden ones are not overlaid", () => {
  const log = new RunLog(new RunBook(memoryStorage()));
  for (const task of ["add", "sub", "mul"]) {
    log.start(config({ task }));
    log.record(trained(1, [0.5]), 1);
    log.keep([]);
  }
  const { current, kept, others } = log.compared();
  assert.equal(current, "this run: task mul");
  assert.deepEqual(kept.map((row) => row.label), ["task add", "task sub", "task mul"]);
  assert.deepEqual(kept.map((row) => row.color), RUN_COLORS.slice(0, 3));
  assert.deepEqual(others, [0, 1]);
  log.show(kept[0].run.id, false);
  assert.deepEqual(log.compared().others, [1]);
  assert.deepEqual(log.compared().kept.map((row) => row.shown), [false, true, true]);
  assert.deepEqual(log.overlays("loss").map((overlay) => [overlay.label, overlay.steps]), [["task sub", [1]]]);
});
