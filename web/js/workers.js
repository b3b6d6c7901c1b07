// The training workers' lives, behind a small face: send calls to the current worker,
// end a busy one when a new session cannot wait for it (a standby worker, started once
// calls run slow, then carries on), and warm a new worker up while its session waits.
// It knows no sessions and no DOM; the trainer decides when each of these happens.

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
// While a session waits for Train, a new worker trains a scratch copy of it for this
// long, so that the browser has compiled the training code fully before the real run
// (Train to solved, a second after ready: median 367 ms without, 116 ms with it, one run).
// Its first step, which runs the training code for the first time, comes with the session,
// before the page says ready; the rest go one step at a time, so a press waits for one step.
// Warming up longer before ready trades start-up for a press at once: 150 ms of it took a
// press at once from 1.62 to 1.38 times a press a second later (quiet) but the primed start
// from 0.89 to 1.15 times a bare boot with a core busy (docs/performance.md).
export const WARM_UP_MS = 900;
// Right behind a new worker's first session, a burst of warm-up this long; the page says ready
// once it is back, so that a press at once neither waits behind it nor finds the code as cold
// as it was (docs/performance.md).
export const WARM_UP_BURST_MS = 50;
// Only for sessions whose step is small (multiply-adds; the default's is about 0.4 million).
export const WARM_UP_MAX_WORK = 5e6;
// A warm-up step slower than this is not worth repeating.
const WARM_UP_STEP_MS = 20;
const WARM_UP_CALL = ["warm_up", 1, WARM_UP_MAX_WORK];
const BURST_CALL = [...WARM_UP_CALL, WARM_UP_BURST_MS];

export class Workers {
  // connect(): a new worker client {ready, send, terminate, memory} (python.js's startPython).
  constructor({ connect, now }) {
    this.connect = connect;
    this.now = now;
    this.python = connect();
    this.standby = null; // {client, booted}: a second worker, started while calls run slow
    this.outstanding = 0; // requests sent to the current worker and not back
    this.sentAt = []; // when each of those was sent
    this.stopping = false; // ending a busy worker for a new session
    this.warmedMs = 0; // spent warming up this worker
    this.warming = false; // its first warm-up step came with a session
  }

  get ready() {
    return this.python.ready;
  }

  get memory() {
    return this.python.memory;
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

  // Milliseconds the call in flight the longest has been running: a step slower than a frame shows.
  busyMs(now = this.now()) {
    return this.sentAt.length ? now - this.sentAt[0] : 0;
  }

  // Called every frame with the measured step time (or null): slow calls or steps start a standby.
  watch(now, stepMs) {
    if (!this.standby && (this.busyMs(now) > SLOW_CALL_MS || stepMs > SLOW_STEP_MS)) this.startStandby();
  }

  startStandby() {
    const standby = { client: this.connect(), booted: false };
    this.standby = standby;
    standby.client.ready.then(
      () => (standby.booted = true),
      () => {
        if (this.standby === standby) this.standby = null;
      },
    );
  }

  // null, "starting" or "ready": whether a new session can switch to a standby worker at once.
  standbyState() {
    if (!this.standby) return null;
    return this.standby.booted ? "ready" : "starting";
  }

  // Before a new session: resolves once nothing is in flight, or, when SWITCH_WAIT_MS have
  // passed and a booted standby can take over, once the busy worker is ended and replaced.
  async settle() {
    const started = this.now();
    const drained = await new Promise((resolve) => {
      const check = () => {
        const waited = this.now() - started >= SWITCH_WAIT_MS;
        this.stopping = waited && this.outstanding > 0; // the page says so past the wait
        if (this.outstanding === 0) resolve(true);
        else if (waited && this.standby?.booted) resolve(false);
        else setTimeout(check, 5);
      };
      check();
    });
    if (!drained) await this.replace();
  }

  // End the busy worker and carry on in the standby one (or a new one).
  async replace() {
    this.python.terminate();
    this.python = this.standby?.client ?? this.connect();
    this.standby = null;
    this.outstanding = 0;
    this.sentAt = [];
    this.warmedMs = 0;
    this.warming = false;
    this.stopping = true;
    try {
      await this.python.ready;
    } finally {
      this.stopping = false;
    }
  }

  // -- warming up -----------------------------------------------------------------

  // The first warm-up step, to ride with a new session's calls: once per worker.
  firstWarmUp() {
    return this.warming ? [] : [WARM_UP_CALL];
  }

  // That step ran: one-step warm-ups may follow.
  warmedOnce() {
    this.warming = true;
  }

  // Sent right behind a new worker's first session (firstWarmUp): resolves to the burst's
  // {ms, steps}, or null when it ended the warm-up or its worker was replaced meanwhile.
  async burst() {
    const python = this.python;
    const results = await this.send([BURST_CALL]).catch(() => null); // a failed worker fails the session too
    return results && python === this.python ? this.warmed(results[0]) : null;
  }

  // Called while a session waits for Train: warm-up steps one at a time, back to back while
  // idle() holds, so that a press waits for one step only. onStep(ms) hears each step's time.
  async warmUp(stepWork, idle, onStep) {
    const due = () => this.warming && this.warmedMs < WARM_UP_MS && stepWork <= WARM_UP_MAX_WORK;
    while (due() && idle() && this.outstanding === 0) {
      const python = this.python;
      const results = await this.send([WARM_UP_CALL]);
      if (!results || python !== this.python) return;
      const warmed = this.warmed(results[0]);
      if (warmed) onStep(warmed.ms);
    }
  }

  // A warm-up call's time counts towards WARM_UP_MS; a scratch that trained nothing or
  // diverged, or steps too slow to be worth it, end the warm-up (null).
  warmed({ value, ms }) {
    this.warmedMs += ms;
    if (value.steps >= 1 && !value.diverged && ms / value.steps <= WARM_UP_STEP_MS) return { ms, steps: value.steps };
    this.warmedMs = WARM_UP_MS;
    return null;
  }
}
