// The one owner of the training loop: which session and run this is, what is in
// flight, how much one animation frame asks for, and when a run stops. It knows
// no DOM: it sends lists of calls to a Python worker and hands the replies to the
// page (onData), which draws them. Each rule below lives here and nowhere else.

// Each frame asks for a little more than a frame's work, with at most two chunks
// queued, so the worker never waits for the page and the page's frames only draw.
export const CHUNK_MS = 20;
// The views that ride along with a chunk take at most a quarter of the worker's time: on a
// busy machine, where they cost more, chunks grow and the steps keep their pace.
export const VIEWS_SHARE = 0.25;
// The step time is the recent chunks' milliseconds over their steps, so that a chunk of
// one step (whose call costs more than its step) weighs little once larger ones come.
const STEP_WINDOW = 8;
export const MAX_IN_FLIGHT = 2;
const MAX_CHUNK = 10_000;
// A step slower than this makes a standby worker worth having: a Reset or Load
// can then end the busy worker instead of waiting for its step.
export const SLOW_STEP_MS = 100;
// So does any call still running after this long: a session's first step runs alone
// and unmeasured, and a wide network's solved check and views take seconds to minutes
// (reading the machine off a hidden-1024 LSTM: about 3 minutes in the page). The
// default network's calls stay well below it (a chunk with its solved checks at most
// about 200 ms, its costliest view about 0.6 s).
export const SLOW_CALL_MS = 1000;
// How long a Reset or Load waits for the calls in flight before ending the worker,
// when a booted standby can carry on; otherwise it waits for them or for the standby.
export const SWITCH_WAIT_MS = 150;
// Views that cost more than a chunk refresh at most this often while training.
export const SLOW_VIEWS_MS = 300;
// While a session waits for Train, a new worker trains a scratch copy of it for this
// long, so that the browser has compiled the training code fully before the real run
// (Train to solved, a second after ready: median 367 ms without, 116 ms with it, one run).
// Its first step, which runs the training code for the first time, comes with the session,
// before the page says ready; the rest go one step at a time, so a press waits for one step.
// Warming up longer before ready trades start-up for a press at once: 150 ms of it took a
// press at once from 1.62 to 1.38 times a press a second later (quiet) but the primed start
// from 0.89 to 1.15 times a bare boot with a core busy (docs/performance.md).
export const WARM_UP_MS = 900;
// Only for sessions whose step is small (multiply-adds; the default's is about 0.4 million).
export const WARM_UP_MAX_WORK = 5e6;

const RATE_WINDOW_MS = 1000;

export class Trainer {
  // connect(): a new worker client {ready, send, terminate}; views(): the calls that
  // redraw the weights' views every chunk; slowViews(): those refreshed every
  // SLOW_VIEWS_MS and when training stops; stoppedViews(): those only when it stops,
  // each sent on its own, in order, so that each view shows as soon as it is ready;
  // onData(values by method, why): the replies, for the page; onFailure(error): a view that
  // failed when no call of the page's was waiting for it, so that the page can say so.
  constructor({ connect, views = () => [], slowViews = () => [], stoppedViews = () => [], onData = () => {}, onFailure, now }) {
    Object.assign(this, { connect, views, slowViews, stoppedViews, onData });
    this.onFailure = onFailure ?? ((error) => console.error(error));
    this.now = now ?? (() => performance.now());
    this.python = connect();
    this.standby = null;
    this.phase = "loading";
    this.generation = 0; // sessions made so far: replies from an older one are dropped
    this.run = 0; // presses of Train: a run that solved trains no further
    this.inFlight = 0; // training chunks sent and not back
    this.outstanding = 0; // every request sent and not back
    this.sentAt = []; // when each of those was sent
    this.switching = false;
    this.refreshing = false; // views being refreshed after a stop
    this.refreshAgain = false; // and another stop since they were asked for
    this.stopping = false; // ending a busy worker for a Reset or Load
    this.stepsPerFrame = null; // null: as many as fit the frame
    this.pace = null; // steps per second (from the step reached) for watching a run, or null
    this.paceCredit = 0;
    this.pacedAt = 0;
    this.error = null;
    this.warmUpMs = 0; // spent warming up this worker
    this.warmUpStarted = false; // its first step came with a session
    this.stepWork = 0; // multiply-adds in one step of this session
    this.resetCounters();
  }

  resetCounters() {
    this.step = 0;
    this.target = null; // a step to train to exactly and stop at (a shared link's), or null
    this.queuedSteps = 0; // training steps in flight
    this.solvedAt = null;
    this.stepMs = null; // measured; the first step of a session runs alone to measure it
    this.recentChunks = []; // [ms, steps] of the last STEP_WINDOW chunks
    this.trainMs = 0; // Python's time spent training this session
    this.extraMs = 0; // the views' share of each chunk
    this.lastSlowViews = -Infinity;
    this.slowShown = null; // the slow views last asked for outside the loop, and at which step
    this.rateWindow = [];
    this.stepsPerSecond = 0;
  }

  // -- sessions ------------------------------------------------------------------

  // Make a session ("create" with a config, "create_notebook" with {fixes, seed}, or
  // "load" with a saved file), resolving to its summary {config, step, ...}, and
  // draw its views, in one round trip. A worker busy with a long step is ended. A
  // loaded session has stopped training, so the views that follow a stop come next,
  // each on its own: the session shows without waiting for them.
  // Train pressed while it is being made trains the new session once it is there.
  async begin(method, argument) {
    this.switching = true;
    this.generation += 1;
    const mine = this.generation;
    const runBefore = this.run;
    try {
      if (this.outstanding > 0 && !(await this.drainedOrStandby())) await this.replaceWorker();
      const slow = this.slowViews();
      const warmUp = this.warmUpStarted ? [] : [["warm_up", 1, WARM_UP_MAX_WORK]];
      const calls = [[method, argument], ...warmUp, ...this.views(), ...slow];
      const results = await this.send(calls);
      if (mine !== this.generation) return null;
      this.resetCounters();
      if (warmUp.length) this.warmUpStarted = true;
      this.step = results[0].value.step;
      this.slowShown = slowKey(this.step, slow); // they came with the session
      this.stepWork = results[0].value.stepWork;
      this.error = null;
      const pressed = this.phase === "training" && this.run !== runBefore;
      this.phase = "ready";
      this.onData(byMethod([["session"], ...calls.slice(1 + warmUp.length)], [results[0], ...results.slice(1 + warmUp.length)]), "session");
      if (method === "load") this.refreshSlowViews();
      this.switching = false;
      if (pressed) this.play();
      return results[0].value;
    } finally {
      if (mine === this.generation) this.switching = false;
    }
  }

  // True once nothing is in flight; false when SWITCH_WAIT_MS have passed and a
  // booted standby worker (started meanwhile, if a step is slow) can take over.
  drainedOrStandby() {
    return new Promise((resolve) => {
      const started = this.now();
      const check = () => {
        const waited = this.now() - started >= SWITCH_WAIT_MS;
        this.stopping = waited && this.outstanding > 0; // the page says so past the wait
        if (this.outstanding === 0) resolve(true);
        else if (waited && this.standby?.booted) resolve(false);
        else setTimeout(check, 5);
      };
      check();
    });
  }

  // End the busy worker and carry on in the standby one (or a new one).
  async replaceWorker() {
    this.python.terminate();
    this.python = this.standby ?? this.connect();
    this.standby = null;
    this.inFlight = this.outstanding = 0;
    this.sentAt = [];
    this.warmUpMs = 0;
    this.warmUpStarted = false;
    this.stopping = true;
    try {
      await this.python.ready;
    } finally {
      this.stopping = false;
    }
  }

  // -- the loop ------------------------------------------------------------------

  play() {
    if (this.phase === "loading" || this.phase === "error" || this.phase === "training") return;
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
    if (this.phase === "training") this.stopTraining("paused");
  }

  stepOnce() {
    if (this.phase === "loading" || this.phase === "error") return;
    if (this.phase === "training") this.stopTraining("paused");
    else this.phase = "paused";
    this.run += 1;
    this.sendChunk(1).then(() => this.refreshSlowViews());
  }

  // A failure outside the loop (the worker could not start, a view failed): nothing trains after it.
  fail(error) {
    this.target = null;
    this.error = error.message;
    this.phase = "error";
  }

  stopTraining(phase) {
    this.phase = phase;
    this.refreshSlowViews();
  }

  // Called every animation frame.
  tick(now) {
    if (!this.standby && this.busyMs(now) > SLOW_CALL_MS) this.prepareStandby();
    this.warmUpWhileIdle();
    if (this.phase !== "training" || this.switching || this.inFlight >= MAX_IN_FLIGHT) return;
    const steps = this.target === null ? this.chunkSize() : Math.min(this.chunkSize(), this.target - this.step - this.queuedSteps);
    if (steps < 1) return;
    this.sendChunk(steps, this.slowViewsDue(now));
  }

  // Slow views ride along every SLOW_VIEWS_MS, but not when they already show these
  // weights: a run's first chunk then costs only its training.
  slowViewsDue(now) {
    if (now - this.lastSlowViews < SLOW_VIEWS_MS) return false;
    this.lastSlowViews = now;
    const current = slowKey(this.step, this.slowViews()) === this.slowShown;
    this.slowShown = null;
    return !current;
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

  // Warm-up calls of one step back to back, so that Train pressed meanwhile waits for one step only.
  warmUpWhileIdle() {
    const warming = this.warmUpStarted && this.warmUpMs < WARM_UP_MS && this.stepWork <= WARM_UP_MAX_WORK;
    if (warming && this.phase === "ready" && !this.switching && this.outstanding === 0) this.warmUp();
  }

  async warmUp() {
    const mine = this.generation;
    const results = await this.send([["warm_up", 1, WARM_UP_MAX_WORK]]);
    if (!results || mine !== this.generation) return;
    const [{ value, ms }] = results;
    this.warmUpMs += ms;
    // A scratch that diverged, or a step too slow to be worth it, end the warm-up.
    if (value.steps < 1 || ms > CHUNK_MS) this.warmUpMs = WARM_UP_MS;
    else this.measureStep(ms, 1);
    this.warmUpWhileIdle();
  }

  measureStep(ms, steps) {
    this.recentChunks.push([ms, steps]);
    if (this.recentChunks.length > STEP_WINDOW) this.recentChunks.shift();
    const [totalMs, totalSteps] = this.recentChunks.reduce(([a, b], [m, n]) => [a + m, b + n], [0, 0]);
    this.stepMs = totalMs / totalSteps;
    if (this.stepMs > SLOW_STEP_MS && !this.standby) this.prepareStandby();
  }

  prepareStandby() {
    const standby = this.connect();
    this.standby = standby;
    standby.ready.then(
      () => (standby.booted = true),
      () => {
        if (this.standby === standby) this.standby = null;
      },
    );
  }

  // null, "starting" or "ready": whether a Reset can switch to a standby worker at once.
  standbyState() {
    if (!this.standby) return null;
    return this.standby.booted ? "ready" : "starting";
  }

  async sendChunk(steps, slow = false) {
    const untilSolved = this.solvedAt === null && this.target === null;
    const calls = [["train", steps, untilSolved], ...this.views(), ...(slow ? this.slowViews() : [])];
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

  // Every request goes through here, so that what is in flight is known. Resolves to
  // null when its worker was ended on purpose meanwhile.
  async send(calls) {
    const python = this.python;
    this.outstanding += 1;
    this.sentAt.push(this.now());
    try {
      return await python.send(calls);
    } catch (error) {
      if (python !== this.python || error.stopped) return null;
      throw error;
    } finally {
      if (python === this.python) {
        this.outstanding -= 1;
        this.sentAt.shift();
      }
    }
  }

  apply(results, calls, run) {
    const trained = results[0].value;
    const steps = trained.losses.length;
    this.trainMs += results[0].ms;
    // A chunk that ends solved also checked every pair: its time is not the steps'.
    if (steps && !trained.solved) {
      this.measureStep(results[0].ms, steps);
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

  // At most one refresh waits behind the one in flight: pressing One step ten times
  // costs two refreshes, not ten, and answers to other calls do not queue behind them.
  async refreshSlowViews() {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  // The slow views in one request ("stopped"), then each stopped view in its own ("view").
  async refreshOnce() {
    const slow = this.slowViews();
    const current = slowKey(this.step, slow) === this.slowShown; // they came with a loaded session
    const requests = [[current ? [] : slow, "stopped"], ...this.stoppedViews().map((call) => [[call], "view"])];
    const replies = requests.filter(([calls]) => calls.length).map(async ([calls, why]) => {
      const values = await this.request(calls);
      // Every chunk sent before them is back by now: they show this.step's weights.
      if (values && why === "stopped") this.slowShown = slowKey(this.step, calls);
      if (values) this.onData(values, why);
    });
    try {
      await Promise.all(replies);
    } catch (error) {
      this.onFailure(error);
    }
  }

  // Calls outside the loop (ask, save, ...): their values by method name, or null
  // when the session changed before they came back.
  async request(calls) {
    const mine = this.generation;
    const results = await this.send(calls);
    return results && mine === this.generation ? byMethod(calls, results) : null;
  }

  // Milliseconds the call in flight the longest has been running: a step slower than a frame shows.
  busyMs(now = this.now()) {
    return this.sentAt.length ? now - this.sentAt[0] : 0;
  }
}

const slowKey = (step, calls) => JSON.stringify([step, calls]);

// Replies keyed by the method that made them ("session" for the call that made a session).
function byMethod(calls, results) {
  const values = {};
  calls.forEach(([method], i) => {
    if (results[i]) values[method] = results[i].value; // calls after a failed one have no reply
  });
  return values;
}
