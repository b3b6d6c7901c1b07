// Kept runs: the record format, what the legend names, export, and storage that fails.

import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedSeries } from "../../web/js/history.js";
import { KEEP, RunBook, checkRecord, differingKeys, label, record } from "../../web/js/runs.js";

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
