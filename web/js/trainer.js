// The training loop, as one reads it top to bottom: which session and run this is,
// how much one animation frame asks for, and when a run stops. Its one phase value
// says where it is. It knows no DOM: chunks of steps go to a worker (workers.js), the
// views that ride along are schedule.js's, and the replies go to the page
// (onData), which draws them.

import { ViewSchedule } from "./schedule.js";
import { Workers } from "./workers.js";

// Each frame asks for a little more than a frame's work, with at most two chunks
// queued, so the worker never waits for the page and the page's frames only draw.
export const CHUNK_MS = 20;
// The views that ride along with a chunk take at most a quarter of the worker's time: on a
// busy machine, where they cost more, chunks grow and the steps keep their pace.
export const VIEWS_SHARE = 0.25;
// The step time is the last few chunks' milliseconds over their steps, so that a chunk of
// one step (whose call costs more than its step) weighs little once larger ones come. Few:
// a run pressed at once starts on code still being compiled, its steps twice as fast within
// a few chunks, and chunks sized by the slow ones leave the worker waiting for frames.
const STEP_WINDOW = 3;
export const MAX_IN_FLIGHT = 2;
const MAX_CHUNK = 10_000;
const RATE_WINDOW_MS = 1000;

// phase: "loading" (no worker yet), "making" (a session is being made), "ready", "training",
// "paused", "solved" or "error"; only this class changes it.
export class Trainer {
  // connect(): a new worker client; views(), slowViews(), stoppedViews(): the calls that redraw
  // the weights' views (schedule.js says when each kind is asked for); onData(values by method,
  // why): the replies, for the page; onFailure(error): a view that failed when no call of the
  // page's was waiting for it, so that the page can say so.
  constructor({ connect, views = () => [], slowViews = () => [], stoppedViews = () => [], onData = () => {}, onFailure, now }) {
    this.onData = onData;
    this.now = now ?? (() => performance.now());
    this.workers = new Workers({ connect, now: this.now });
    this.schedule = new ViewSchedule({
      views,
      slowViews,
      stoppedViews,
      request: (calls) => this.request(calls, { views: true }),
      step: () => this.step,
      onData,
      onFailure: onFailure ?? ((error) => console.error(error)),
    });
    this.phase = "loading";
    this.pressed = false; // Train pressed while a session is being made: it trains that session
    this.generation = 0; // sessions made so far: replies from an older one are dropped
    this.making = null; // settles when the session being made is made (or could not be)
    this.run = 0; // presses of Train: a run that solved trains no further
    this.stepsPerFrame = null; // null: as many as fit the frame
    this.pace = null; // steps per second (from the step reached) for watching a run, or null
    this.paceCredit = 0;
    this.pacedAt = 0;
    this.error = null;
    this.stepWork = 0; // multiply-adds in one step of this session
    this.resetCounters();
  }

  resetCounters() {
    this.step = 0;
    this.target = null; // a step to train to exactly and stop at (a shared link's), or null
    this.inFlight = 0; // this session's training chunks sent and not back
    this.queuedSteps = 0; // and their steps
    this.solvedAt = null;
    this.stepMs = null; // measured; the first step of a session runs alone to measure it
    this.recentChunks = []; // [ms, steps] of the last STEP_WINDOW chunks
    this.trainMs = 0; // Python's time spent training this session
    this.extraMs = 0; // the views' share of each chunk
    this.rateWindow = [];
    this.stepsPerSecond = 0;
    this.schedule.forget();
  }

  // -- sessions ------------------------------------------------------------------

  // Make a session ("create" with a config, "create_notebook" with {fixes, seed}, or
  // "load" with a saved file), resolving to its summary {config, step, ...}, and
  // draw its views, in one round trip. A worker busy with a long step is ended. A
  // loaded session has stopped training, so the views that follow a stop come next,
  // each on its own: the session shows without waiting for them.
  begin(method, argument) {
    const made = this.make(method, argument);
    this.making = made.catch(() => null);
    return made;
  }

  async make(method, argument) {
    const before = this.phase;
    this.phase = "making";
    this.pressed = false;
    this.generation += 1;
    const mine = this.generation;
    try {
      if (this.workers.outstanding > 0) await this.workers.settle(); // no wait when idle: the calls go now
      const warmUp = this.workers.firstWarmUp();
      const views = this.schedule.views();
      const slow = this.schedule.slowViews();
      const calls = [[method, argument], ...warmUp, ...views, ...slow];
      const sent = this.send(calls);
      const burst = warmUp.length ? this.workers.burst() : null;
      const results = await sent;
      if (mine !== this.generation) return null;
      this.resetCounters();
      if (warmUp.length) this.workers.warmedOnce();
      const [made, ...shown] = [results[0], ...results.slice(1 + warmUp.length)];
      this.step = made.value.step;
      this.schedule.showing(this.step, slow); // they came with the session
      this.stepWork = made.value.stepWork;
      this.error = null;
      this.onData(byMethod([["session"], ...views, ...slow], [made, ...shown]), "session");
      const warmed = await burst;
      if (mine !== this.generation) return null;
      if (warmed) this.measureStep(warmed.ms, warmed.steps);
      this.phase = "ready";
      if (method === "load") this.schedule.refresh();
      if (this.pressed) this.play();
      return made.value;
    } catch (error) {
      // A session that could not be made (a file that is not a saved session) changes nothing.
      if (mine === this.generation && this.phase === "making") {
        this.phase = before;
        if (this.pressed) this.play();
      }
      throw error;
    }
  }

  // -- the loop ------------------------------------------------------------------

  play() {
    if (this.phase === "making") this.pressed = true;
    if (!["ready", "paused", "solved"].includes(this.phase)) return;
    this.run += 1;
    this.phase = "training";
    this.pacedAt = this.now(); // a pause is not owed steps
    this.tick(this.now()); // the first chunk now, not at the next frame
  }

  // Train exactly to `step` and stop there, not at solved: a link's run, the same curve as any other.
  playTo(step) {
    if (this.step >= step) return;
    this.target = step;
    this.play();
  }

  pause() {
    this.target = null;
    this.pressed = false;
    if (this.phase === "training") this.stopTraining("paused");
  }

  stepOnce() {
    if (!["ready", "training", "paused", "solved"].includes(this.phase)) return;
    if (this.phase === "training") this.stopTraining("paused");
    else this.phase = "paused";
    this.run += 1;
    this.sendChunk(1).then(() => this.schedule.refresh());
  }

  // A failure outside the loop (the worker could not start, a view failed): nothing trains after it.
  fail(error) {
    this.target = null;
    this.error = error.message;
    this.phase = "error";
  }

  stopTraining(phase) {
    this.phase = phase;
    this.schedule.refresh();
  }

  // Called every animation frame. At full speed it refills every free place in flight, so that
  // the worker never waits a frame when both replies land in one (a busy page's frames come
  // late); the views ride with the first chunk at most.
  tick(now) {
    this.workers.watch(now, this.stepMs);
    if (this.phase === "ready") this.workers.warmUp(this.stepWork, () => this.phase === "ready", (ms) => this.measureStep(ms, 1));
    for (let sent = 0; this.phase === "training" && this.inFlight < MAX_IN_FLIGHT; sent += 1) {
      if (sent > 0 && (this.pace || this.stepsPerFrame || this.stepMs === null)) return; // one a frame, or unmeasured
      const steps = this.target === null ? this.chunkSize() : Math.min(this.chunkSize(), this.target - this.step - this.queuedSteps);
      if (steps < 1) return;
      this.sendChunk(steps, this.schedule.withChunk(now));
    }
  }

  // Train at a pace one can follow: pace(step) steps per second, or null for full speed.
  setPace(pace) {
    this.pace = pace;
    this.paceCredit = 0;
    this.pacedAt = this.now();
  }

  // The steps owed by the pace since the last chunk; a stall (a slow view) is not made up in a burst.
  pacedSteps() {
    const now = this.now();
    const rate = this.pace(this.step);
    this.paceCredit = Math.min(this.paceCredit + ((now - this.pacedAt) * rate) / 1000, Math.max(1, rate / 10));
    this.pacedAt = now;
    const steps = Math.floor(this.paceCredit);
    this.paceCredit -= steps;
    return steps;
  }

  // Steps that fill a chunk, with the views' share at most VIEWS_SHARE of it.
  chunkSize() {
    if (this.pace) return this.pacedSteps();
    if (this.stepsPerFrame) return this.stepsPerFrame;
    if (this.stepMs === null) return 1;
    const trainingMs = Math.max(CHUNK_MS - this.extraMs, (this.extraMs * (1 - VIEWS_SHARE)) / VIEWS_SHARE);
    return Math.max(1, Math.min(MAX_CHUNK, Math.floor(trainingMs / this.stepMs)));
  }

  measureStep(ms, steps) {
    this.recentChunks.push([ms, steps]);
    if (this.recentChunks.length > STEP_WINDOW) this.recentChunks.shift();
    const [totalMs, totalSteps] = this.recentChunks.reduce(([a, b], [m, n]) => [a + m, b + n], [0, 0]);
    this.stepMs = totalMs / totalSteps;
  }

  async sendChunk(steps, views = this.schedule.views()) {
    const untilSolved = this.solvedAt === null && this.target === null;
    const calls = [["train", steps, untilSolved], ...views];
    const mine = this.generation;
    const run = this.run;
    this.inFlight += 1;
    this.queuedSteps += steps;
    let results;
    try {
      results = await this.send(calls);
    } catch (error) {
      // A chunk that fails stops the run with its message; it is never retried frame after frame.
      if (mine !== this.generation) return;
      results = [{ value: { step: this.step, losses: [], error: error.message, solved: false }, ms: 0 }];
    } finally {
      if (mine === this.generation) {
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.queuedSteps = Math.max(0, this.queuedSteps - steps);
      }
    }
    if (results && mine === this.generation) this.apply(results, calls, run);
  }

  send(calls) {
    return this.workers.send(calls);
  }

  apply(results, calls, run) {
    const trained = results[0].value;
    const steps = trained.losses.length;
    this.trainMs += results[0].ms;
    // A chunk that ends solved also checked every pair: its time is not the steps'.
    if (steps && !trained.solved) this.measureStep(results[0].ms, steps);
    if (steps && !trained.solved && calls.length > 1) {
      const extra = results.slice(1).reduce((sum, result) => sum + result.ms, 0);
      this.extraMs = 0.7 * this.extraMs + 0.3 * extra;
    }
    this.step = trained.step;
    this.measureRate();
    if (trained.error) {
      this.error = trained.error;
      this.phase = "error";
    } else if (trained.solved && this.solvedAt === null) {
      this.solvedAt = trained.step;
      if (this.phase === "training" && run === this.run) this.stopTraining("solved");
    } else if (this.target !== null && this.step >= this.target && this.phase === "training") {
      this.target = null;
      this.stopTraining("paused");
    }
    this.onData(byMethod(calls, results), "chunk");
  }

  measureRate() {
    if (this.phase !== "training") return;
    const now = this.now();
    this.rateWindow.push([now, this.step]);
    while (this.rateWindow.length > 2 && now - this.rateWindow[0][0] > RATE_WINDOW_MS) this.rateWindow.shift();
    const [t0, s0] = this.rateWindow[0];
    if (now > t0) this.stepsPerSecond = ((this.step - s0) * 1000) / (now - t0);
  }

  // Calls outside the loop (ask, save, ...): their values by method name, or null
  // when the session changed before they came back. Asked for while a session is being
  // made, they are the new session's: sent now, they could go to a worker a Reset ends.
  // `calls` may be a function that lists them once that session is made (an Ask names the
  // step shown, which a new session resets). Views of the session shown (`views`), asked for
  // while another is being made, are not sent: their steps are the old session's.
  async request(calls, { views = false } = {}) {
    if (views && this.phase === "making") return null;
    while (this.phase === "making") await this.making;
    const listed = typeof calls === "function" ? calls() : calls;
    const mine = this.generation;
    const results = await this.send(listed);
    return results && mine === this.generation ? byMethod(listed, results) : null;
  }
}

// Replies keyed by the method that made them ("session" for the call that made a session).
function byMethod(calls, results) {
  const values = {};
  calls.forEach(([method], i) => {
    if (results[i]) values[method] = results[i].value; // calls after a failed one have no reply
  });
  return values;
}
