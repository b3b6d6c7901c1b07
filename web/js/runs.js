// The runs the page has trained, kept to compare: records in the format that
// `rnnadd train --log` writes, the last KEEP of them in the browser's storage.
// No DOM here; storage is passed in (window.localStorage, or null).

import { BoundedSeries } from "./history.js";

export const KEEP = 10;
export const CURVE_POINTS = 512;
const STORAGE_KEY = "rnnadd-runs";
// Okabe-Ito colours, told apart under the common colour-vision deficiencies.
export const RUN_COLORS = ["#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000", "#999999"];

// machine: the machine read off the run's last weights, {states, equivalent}, once it is read.
export function record({ id, config, steps, solvedAt, solveMs, divergedAt, finalLoss, loss, exact, milestones = [], machine = null }) {
  const curve = (series) => {
    const { xs, ys } = series.toJSON();
    return { steps: xs, values: ys };
  };
  return { format: "rnnadd-run", version: 1, id, config, steps, solvedAt, solveMs, divergedAt, finalLoss, loss: curve(loss), exact: curve(exact), milestones, machine };
}

// A record from a file: the fields the page shows, checked, or an Error naming what is wrong.
export function checkRecord(value) {
  const curveOk = (curve) => curve && Array.isArray(curve.steps) && Array.isArray(curve.values) && curve.steps.length === curve.values.length;
  if (!value || value.format !== "rnnadd-run" || value.version !== 1) throw new Error('format must be "rnnadd-run", version 1');
  if (!value.config || typeof value.config !== "object") throw new Error("config must be an object of hyperparameters");
  if (!curveOk(value.loss) || !curveOk(value.exact)) throw new Error("loss and exact must each hold steps and values of one length");
  if (value.loss.steps.length > CURVE_POINTS || value.exact.steps.length > CURVE_POINTS) throw new Error(`a curve holds at most ${CURVE_POINTS} points`);
  return { ...value, id: value.id ?? `file-${Date.now()}-${Math.random()}` };
}

// The hyperparameters whose values differ between runs: what the legend names ("notebook",
// which only the notebook's replays have, first).
export function differingKeys(configs) {
  if (configs.length < 2) return [];
  const keys = [...new Set(configs.flatMap((config) => Object.keys(config)))].sort((a, b) => (b === "notebook") - (a === "notebook"));
  return keys.filter((key) => configs.some((config) => config[key] !== configs[0][key]));
}

export function label(config, keys) {
  return keys.length ? keys.map((key) => `${key} ${config[key] ?? "off"}`).join(", ") : "same settings";
}

export class RunBook {
  constructor(storage) {
    this.storage = storage;
    this.runs = [];
    this.persistent = false;
    try {
      const saved = storage ? JSON.parse(storage.getItem(STORAGE_KEY) ?? "[]") : [];
      this.runs = saved.map(checkRecord).slice(-KEEP);
      storage.setItem(STORAGE_KEY, JSON.stringify(this.runs));
      this.persistent = true;
    } catch {
      this.persistent = false; // private mode, storage off or full: this visit only
    }
  }

  // Add or update a run (by id), keep the last KEEP, and store them.
  keep(run) {
    this.runs = [...this.runs.filter((kept) => kept.id !== run.id), run].slice(-KEEP);
    this.store();
  }

  clear() {
    this.runs = [];
    this.store();
  }

  store() {
    if (!this.persistent) return;
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(this.runs));
    } catch {
      this.persistent = false;
    }
  }

  toCSV() {
    const keys = this.runs.length ? Object.keys(this.runs[0].config) : [];
    const summary = ["solvedAt", "solveMs", "divergedAt", "finalLoss"];
    const rows = [["run", ...keys, ...summary, "machineStates", "series", "step", "value"].join(",")];
    this.runs.forEach((run, index) => {
      const fields = [index + 1, ...keys.map((key) => run.config[key]), ...summary.map((key) => run[key] ?? ""), run.machine?.states ?? ""];
      for (const series of ["loss", "exact"]) {
        run[series].steps.forEach((step, i) => rows.push([...fields, series, step, run[series].values[i]].join(",")));
      }
    });
    return rows.join("\n") + "\n";
  }
}

// The runs of a visit: the current one, recorded as it trains, and the book of kept ones it is
// compared with, each drawn in its colour unless hidden.
export class RunLog {
  constructor(book) {
    this.book = book;
    this.current = null;
    this.hidden = new Set(); // ids of kept runs not drawn in the charts
  }

  // A new session's run; `config` as the session was made (a notebook replay names its fixes).
  start(config) {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const curves = { loss: new BoundedSeries(CURVE_POINTS), exact: new BoundedSeries(CURVE_POINTS) };
    this.current = { id, config, steps: 0, solvedAt: null, solveMs: null, divergedAt: null, finalLoss: null, ...curves };
  }

  // A train reply (rnnadd.page PageSession.train); `trainMs`: the training time so far, for the first solved.
  record(trained, trainMs) {
    const run = this.current;
    trained.losses.forEach((loss, i) => run.loss.push(trained.step - trained.losses.length + i + 1, loss));
    if (trained.losses.length) {
      run.exact.push(trained.step, trained.batchExact);
      run.finalLoss = trained.losses[trained.losses.length - 1];
    }
    run.steps = trained.step;
    if (trained.solved && run.solvedAt === null) Object.assign(run, { solvedAt: trained.step, solveMs: trainMs });
    if (trained.error) run.divergedAt = trained.step + 1;
  }

  // The run's own machine is the one read off its last step, not a step looked back at.
  readOff(explanation) {
    if (this.current && explanation.step === this.current.steps) this.current.machine = { states: explanation.states, equivalent: explanation.equivalent };
  }

  // Keep (or update) the current run with its milestones [{name, step}], once it has trained.
  keep(milestones) {
    if (!this.current) return;
    this.current.milestones = milestones.map(({ name, step }) => ({ name, step }));
    if (this.current.loss.length) this.book.keep(record(this.current));
  }

  show(id, shown) {
    if (shown) this.hidden.delete(id);
    else this.hidden.add(id);
  }

  // Every kept run with its colour, a label naming what differs and whether it is drawn; the
  // current run's label; the indices of the drawn runs other than the current one.
  compared() {
    const runs = this.book.runs;
    const current = this.current && this.current.config;
    const keys = differingKeys([current, ...runs.map((run) => run.config)].filter(Boolean));
    const others = runs.filter((run) => (!this.current || run.id !== this.current.id) && !this.hidden.has(run.id));
    return {
      current: current ? `this run: ${label(current, keys)}` : "",
      kept: runs.map((run, i) => ({ run, color: RUN_COLORS[i % RUN_COLORS.length], label: label(run.config, keys), shown: !this.hidden.has(run.id) })),
      others: others.map((run) => runs.indexOf(run)),
    };
  }

  // The drawn other runs' curves of one series ("loss", "exact"), for the charts.
  overlays(series) {
    const { kept, others } = this.compared();
    return others.map((i) => ({ color: kept[i].color, label: kept[i].label, ...kept[i].run[series] }));
  }
}
