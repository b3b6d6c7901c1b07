// The trainer's rules, with a stand-in worker whose replies the test controls.

import assert from "node:assert/strict";
import { test } from "node:test";
import { fakePython } from "./fakeworker.js";
import { CHUNK_MS, Trainer } from "../../web/js/trainer.js";
import { SLOW_CALL_MS, SWITCH_WAIT_MS, WARM_UP_BURST_MS, WARM_UP_MAX_WORK } from "../../web/js/workers.js";
import { TRAINING_DRAW_MS } from "../../web/js/schedule.js";

const trained = (step, steps, extra = {}) => ({
  value: { step, losses: Array(steps).fill(0.5), error: null, batchExact: 0.5, batchPerBit: 0.9, solved: false, ...extra },
  ms: 0,
});

// views: the page's view calls of each kind ({slowViews, stoppedViews}), onFailure, and
// booting: a standby worker that never finishes starting.
function setUp({ booting = false, ...views } = {}) {
  const workers = [];
  const seen = [];
  let clock = 0;
  const trainer = new Trainer({
    connect: () => {
      workers.push(fakePython());
      if (booting && workers.length > 1) workers.at(-1).ready = new Promise(() => {});
      return workers.at(-1);
    },
    views: () => [["panel"]],
    onData: (values, why) => seen.push([why, values]),
    now: () => clock,
    ...views,
  });
  const advance = (ms) => (clock += ms);
  return { trainer, workers, seen, advance };
}

// A new worker's first session, made; its warm-up burst (which follows it, and which the page
// waits for to be ready) ends the warm-up unmeasured, as a heavy session's does, unless the
// test answers it (burst: its reply).
async function started(setup, burst = { value: { steps: 0 }, ms: 0 }) {
  const made = setup.trainer.begin("create", { seed: 0 });
  const [request, warmUp] = setup.workers[0].requests.splice(0, 2);
  request.resolve([{ value: { config: { seed: 0 }, step: 0, stepWork: 1 }, ms: 1 }, { value: [], ms: 1 }]);
  warmUp.resolve([burst]);
  await made;
  await flush();
  return setup;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const FRAME_MS = 16;

// Every request in flight answered: chunks as trained, views with nothing.
function answerAll(worker) {
  for (const request of worker.requests.splice(0)) {
    request.resolve(request.calls.map(([method, steps]) => (method === "train" ? trained(steps, steps) : { value: [], ms: 0 })));
  }
}

// A run whose first chunk (one step, run alone) came back: the loop sizes chunks from its time.
async function measuredRun(stepMs, viewsMs) {
  const setup = await started(setUp());
  setup.trainer.play();
  setup.workers[0].requests.shift().resolve([{ ...trained(1, 1), ms: stepMs }, { value: [], ms: viewsMs }]);
  await flush();
  return setup;
}

// A call that has run past SLOW_CALL_MS boots a standby; a Reset then ends the busy worker and uses it.
async function resetsIntoTheStandby({ trainer, workers, advance }, seed) {
  advance(SLOW_CALL_MS + 1);
  trainer.tick(SLOW_CALL_MS + 1);
  assert.equal(workers.length, 2);
  await flush();
  assert.equal(trainer.workers.standbyState(), "ready");
  const reset = trainer.begin("create", { seed });
  advance(SWITCH_WAIT_MS + 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(workers[0].terminated, true);
  const create = workers[1].requests.shift();
  assert.deepEqual(create.calls[0], ["create", { seed }]);
  create.resolve([{ value: { config: { seed }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  workers[1].requests.shift().resolve([{ value: { steps: 0 }, ms: 0 }]); // the new worker's warm-up burst
  assert.deepEqual((await reset).config, { seed });
  await flush();
}

test("the first step of a session runs alone, then chunks fill the frame from measured step time", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play(); // sends the first chunk at once
  const first = workers[0].requests.shift();
  assert.deepEqual(first.calls[0], ["train", 1, true]);
  first.resolve([{ ...trained(1, 1), ms: 2 }, { value: [], ms: 0 }]);
  await flush();
  trainer.tick(16);
  const second = workers[0].requests.shift();
  assert.equal(second.calls[0][1], Math.floor(CHUNK_MS / 2)); // 2 ms per step
  // Steps get slower: the chunk shrinks to fit the frame again.
  second.resolve([{ ...trained(11, 10), ms: 80 }, { value: [], ms: 0 }]);
  await flush();
  trainer.tick(32);
  const third = workers[0].requests.at(-1); // behind the chunk sent with the second
  assert.ok(third.calls[0][1] < 10 && third.calls[0][1] >= 1, third.calls[0][1]);
});

test("at most two chunks are in flight", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play();
  for (let frame = 0; frame < 5; frame += 1) trainer.tick(frame * 16);
  assert.equal(workers[0].requests.length, 2);
});

test("when both chunks come back within one frame, the next frame sends two again, the views with the first", async () => {
  const { trainer, workers } = await measuredRun(2, 0);
  trainer.tick(FRAME_MS);
  for (const chunk of workers[0].requests.splice(0)) chunk.resolve([{ ...trained(11, 10), ms: 20 }]);
  await flush();
  trainer.tick(TRAINING_DRAW_MS);
  const sent = workers[0].requests.map((request) => request.calls.map(([method]) => method));
  assert.deepEqual(sent, [["train", "panel"], ["train"]]);
});

test("at a chosen number of steps a frame, one chunk goes each frame", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.stepsPerFrame = 5;
  trainer.play();
  workers[0].requests.shift().resolve([{ ...trained(5, 5), ms: 2 }, { value: [], ms: 0 }]);
  await flush();
  trainer.tick(16);
  assert.equal(workers[0].requests.length, 1);
});

test("a call asked for while a session is being made goes to the new session, after it", async () => {
  const { trainer, workers } = await started(setUp());
  const made = trainer.begin("load", "saved.json");
  const asked = trainer.request([["ask", ["3", "4"]]]);
  await flush();
  assert.deepEqual(
    workers[0].requests.map((request) => request.calls[0][0]),
    ["load"], // not sent to the session being replaced, nor to a worker a Reset may end
  );
  workers[0].requests.shift().resolve([{ value: { config: {}, step: 80, stepWork: 1 }, ms: 1 }, { value: [], ms: 1 }]);
  await made;
  await flush();
  const ask = workers[0].requests.find((request) => request.calls[0][0] === "ask");
  ask.resolve([{ value: { right: true }, ms: 1 }]);
  assert.deepEqual(await asked, { ask: { right: true } });
});

test("a reply from before a Reset is dropped", async () => {
  const setup = await started(setUp());
  const { trainer, workers, seen } = setup;
  trainer.play(); // sends the first chunk at once
  const stale = workers[0].requests.shift();
  const reset = trainer.begin("create", { seed: 1 });
  stale.resolve([trained(1, 1), { value: [], ms: 0 }]);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the Reset waits for it, then sends
  const create = workers[0].requests.shift();
  create.resolve([{ value: { config: { seed: 1 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  assert.deepEqual((await reset).config, { seed: 1 });
  assert.equal(trainer.step, 0);
  assert.deepEqual(
    seen.map(([why]) => why),
    ["session", "session"],
  );
});

test("Train pressed while a Reset makes the session trains the new one, not the old", async () => {
  const { trainer, workers } = await started(setUp());
  const reset = trainer.begin("create", { seed: 1 });
  trainer.play();
  trainer.tick(16);
  const create = workers[0].requests.shift();
  assert.deepEqual(create.calls[0], ["create", { seed: 1 }]);
  assert.equal(workers[0].requests.length, 0); // nothing trains the old session meanwhile
  create.resolve([{ value: { config: { seed: 1 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  await reset;
  assert.equal(trainer.phase, "training");
  assert.deepEqual(workers[0].requests.shift().calls[0], ["train", 1, true]);
});

test("after a Reset while two chunks were in flight, the new session's run again keeps two in flight", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play();
  trainer.tick(16);
  assert.equal(workers[0].requests.length, 2);
  const reset = trainer.begin("create", { seed: 2 });
  for (const chunk of workers[0].requests.splice(0)) chunk.resolve([trained(1, 1), { value: [], ms: 0 }]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  workers[0].requests.shift().resolve([{ value: { config: { seed: 2 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  await reset;
  trainer.play();
  trainer.tick(32);
  trainer.tick(48);
  assert.deepEqual(
    workers[0].requests.map((r) => r.calls[0][0]),
    ["train", "train"],
  );
});

test("a Reset while training leaves the new session ready", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play();
  workers[0].requests.shift().resolve([trained(1, 1), { value: [], ms: 0 }]);
  await flush();
  const reset = trainer.begin("create", { seed: 2 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  workers[0].requests.shift().resolve([{ value: { config: { seed: 2 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  await reset;
  assert.equal(trainer.phase, "ready");
  assert.equal(workers[0].requests.length, 0);
});

test("a solved run trains no further, and Train after it trains on without stopping", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play(); // sends the first chunk at once
  trainer.tick(16);
  const [solving, queued] = workers[0].requests.splice(0, 2);
  assert.equal(queued.calls[0][2], true); // asks Python to train nothing once solved
  solving.resolve([trained(1, 1, { solved: true }), { value: [], ms: 0 }]);
  await flush();
  assert.equal(trainer.phase, "solved");
  assert.equal(trainer.solvedAt, 1);
  queued.resolve([trained(1, 0, { solved: true }), { value: [], ms: 0 }]);
  await flush();
  trainer.tick(32);
  assert.equal(workers[0].requests.filter((r) => r.calls[0][0] === "train").length, 0);
  assert.equal(trainer.step, 1);

  trainer.play();
  trainer.tick(48);
  const more = workers[0].requests.find((r) => r.calls[0][0] === "train");
  assert.equal(more.calls[0][2], false);
});

test("a Reset that finds a long step in flight ends that worker and uses the standby", async () => {
  const setup = await started(setUp());
  const { trainer } = setup;
  trainer.play(); // sends the first chunk at once
  await resetsIntoTheStandby(setup, 2); // the step has run for longer than any call should
  assert.equal(trainer.phase, "ready");
  assert.equal(trainer.workers.outstanding, 0);
});

test("a run's first chunk does not ask again for slow views that show the current weights", async () => {
  let selected = "5";
  const setup = setUp({ slowViews: () => [["hidden_view", selected, "5"]] });
  const { trainer, workers, advance } = await started(setup);
  advance(1000);
  trainer.play();
  const chunk = workers[0].requests.shift();
  assert.deepEqual(chunk.calls, [["train", 1, true], ["panel"]]);
  trainer.pause(); // then the views of the weights it stops at
  const views = workers[0].requests.shift();
  assert.deepEqual(views.calls, [["hidden_view", "5", "5"]]);
  chunk.resolve([{ ...trained(1, 1), ms: 1 }, { value: [], ms: 0 }]);
  views.resolve([{ value: [], ms: 0 }]);
  await flush();
  advance(1000);
  trainer.play();
  assert.deepEqual(workers[0].requests.shift().calls, [["train", 20, true], ["panel"]]);
  trainer.pause();
  answerAll(workers[0]);
  await flush();
  selected = "7"; // another problem picked: the slow views no longer show what is asked
  advance(1000);
  trainer.play();
  assert.deepEqual(workers[0].requests.shift().calls.slice(2), [["hidden_view", "7", "5"]]);
});

test("a diverged run stops with its message", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play(); // sends the first chunk at once
  workers[0].requests.shift().resolve([trained(3, 3, { error: "training diverged at step 4" }), { value: [], ms: 0 }]);
  await flush();
  assert.equal(trainer.phase, "error");
  assert.equal(trainer.error, "training diverged at step 4");
  trainer.tick(16);
  assert.equal(workers[0].requests.length, 0);
});

test("a new worker's first session brings its first warm-up step, a burst follows right behind it, the page is ready once it is back, then one-step warm-ups while it waits; the first chunk fills the frame", async () => {
  const setup = setUp();
  const made = setup.trainer.begin("create", { seed: 0 });
  const [request, burst] = setup.workers[0].requests.splice(0, 2);
  assert.deepEqual(request.calls.slice(0, 2), [["create", { seed: 0 }], ["warm_up", 1, WARM_UP_MAX_WORK]]);
  // Sent before the session's reply, so that the worker runs it while the page draws the session.
  assert.deepEqual(burst.calls, [["warm_up", 1, WARM_UP_MAX_WORK, WARM_UP_BURST_MS]]);
  // The first step also compiles: slower than a frame, and neither a measurement nor a reason to stop.
  request.resolve([{ value: { config: {}, step: 0, stepWork: 1 }, ms: 1 }, { value: { steps: 1 }, ms: 3 * CHUNK_MS }, { value: [], ms: 1 }]);
  await flush();
  const { trainer, workers, seen } = setup;
  assert.deepEqual(seen.map(([why]) => why), ["session"]); // drawn while the burst runs
  assert.equal(trainer.phase, "making");
  trainer.tick(0);
  assert.equal(workers[0].requests.length, 0); // nothing more while the burst runs
  burst.resolve([{ value: { steps: 10 }, ms: 20 }]);
  await made;
  assert.equal(trainer.phase, "ready");
  for (let warmUp = 0; warmUp < 3; warmUp += 1) {
    trainer.tick(16 * (warmUp + 1));
    const warm = workers[0].requests.shift();
    assert.deepEqual(warm.calls, [["warm_up", 1, WARM_UP_MAX_WORK]]); // a press waits for one step at most
    warm.resolve([{ value: { steps: 1 }, ms: 2 }]);
    await flush();
  }
  trainer.play();
  // The burst's steps and the single ones alike: 2 ms a step.
  assert.deepEqual(workers[0].requests.at(-1).calls[0], ["train", Math.floor(CHUNK_MS / 2), true]);
});

test("Train pressed while the burst runs trains once it is back, both chunks sized by the burst's time", async () => {
  const setup = setUp();
  const made = setup.trainer.begin("create", { seed: 0 });
  const [request, burst] = setup.workers[0].requests.splice(0, 2);
  request.resolve([{ value: { config: {}, step: 0, stepWork: 1 }, ms: 1 }, { value: { steps: 1 }, ms: 5 }, { value: [], ms: 1 }]);
  await flush();
  const { trainer, workers } = setup;
  trainer.play();
  assert.equal(workers[0].requests.length, 0); // it would only queue behind the burst in the worker
  burst.resolve([{ value: { steps: 25 }, ms: 25 }]);
  await made;
  assert.equal(trainer.phase, "training");
  assert.deepEqual(
    workers[0].requests.map((r) => r.calls[0]),
    [
      ["train", CHUNK_MS, true],
      ["train", CHUNK_MS, true],
    ],
  );
});

test("views that cost more than their share of a chunk make the chunk longer, so the steps keep their pace", async () => {
  const { trainer, workers } = await measuredRun(1, 1);
  trainer.tick(TRAINING_DRAW_MS);
  const second = workers[0].requests.shift();
  assert.equal(second.calls[0][1], Math.floor(CHUNK_MS - 0.3)); // cheap views: the chunk fills the frame
  // A busy machine: the views now take 40 ms a chunk, the steps 1 ms each.
  second.resolve([{ ...trained(20, 19), ms: 19 }, { value: [], ms: 40 }]);
  await flush();
  for (let frame = 2; frame < 8; frame += 1) {
    trainer.tick(frame * TRAINING_DRAW_MS);
    for (const next of workers[0].requests.splice(0)) {
      const steps = next.calls[0][1];
      next.resolve([{ ...trained(20 + steps, steps), ms: steps }, ...next.calls.slice(1).map(() => ({ value: [], ms: 40 }))]);
    }
    await flush();
  }
  trainer.tick(8 * TRAINING_DRAW_MS);
  const steps = workers[0].requests.shift().calls[0][1];
  assert.ok(steps >= 3 * 40 * 0.9, steps); // views at most a quarter of the worker's time
});

test("a session with a heavy step does not warm up", async () => {
  const setup = setUp();
  const made = setup.trainer.begin("create", { hidden: 1024 });
  const [request, burst] = setup.workers[0].requests.splice(0, 2);
  request.resolve([{ value: { config: {}, step: 0, stepWork: 1e11 }, ms: 1 }, { value: [], ms: 1 }]);
  burst.resolve([{ value: { steps: 0 }, ms: 0 }]); // Python trains no scratch step that heavy
  await made;
  await flush();
  setup.trainer.tick(0);
  assert.equal(setup.workers[0].requests.length, 0);
});

test("a worker warms up once: the next session starts with its first step alone", async () => {
  const { trainer, workers } = await started(setUp(), { value: { steps: 5 }, ms: 30 });
  for (let frame = 0; trainer.workers.warmedMs < 900; frame += 1) {
    trainer.tick(frame * 16);
    workers[0].requests.shift().resolve([{ value: { steps: 5 }, ms: 300 }]);
    await flush();
  }
  const made = trainer.begin("create", { seed: 5 });
  workers[0].requests.shift().resolve([{ value: { config: { seed: 5 }, step: 0, stepWork: 1 }, ms: 1 }, { value: [], ms: 1 }]);
  await made;
  trainer.tick(1000);
  assert.equal(workers[0].requests.length, 0);
  trainer.play();
  trainer.tick(1016);
  assert.deepEqual(workers[0].requests.shift().calls[0], ["train", 1, true]);
});

test("a view that fails when training stops is reported, not lost", async () => {
  const failures = [];
  const setup = setUp({ stoppedViews: () => [["explain"]], onFailure: (error) => failures.push(error.message) });
  const { trainer, workers } = await started(setup);
  trainer.play();
  workers[0].requests.shift().resolve([trained(1, 1, { solved: true }), { value: [], ms: 0 }]);
  await flush();
  const stopped = workers[0].requests.shift();
  assert.deepEqual(stopped.calls.at(-1), ["explain"]);
  stopped.reject(new Error("explain failed"));
  await flush();
  assert.deepEqual(failures, ["explain failed"]);
});

test("when a run stops, the slow views come in one request, then each stopped view in its own, in order", async () => {
  const setup = setUp({ slowViews: () => [["hidden_view", "5", "5"], ["state_space"]], stoppedViews: () => [["explain"], ["explain_wide"]] });
  const { trainer, workers, seen } = await started(setup);
  trainer.play();
  workers[0].requests.shift().resolve([trained(1, 1, { solved: true }), { value: [], ms: 0 }]);
  await flush();
  const slow = workers[0].requests.shift();
  assert.deepEqual(slow.calls, [["hidden_view", "5", "5"], ["state_space"]]);
  slow.resolve([{ value: 1, ms: 5 }, { value: 2, ms: 5 }]);
  await flush();
  const explain = workers[0].requests.shift();
  assert.deepEqual(explain.calls, [["explain"]]);
  explain.resolve([{ value: { states: 2 }, ms: 80 }]); // each shows as soon as it is back
  await flush();
  assert.deepEqual(seen.at(-1), ["view", { explain: { states: 2 } }]);
  assert.deepEqual(workers[0].requests.shift().calls, [["explain_wide"]]);
});

test("a chunk slowed by its solved checks brings up no standby; a Reset waits for it, not for a standby's start", async () => {
  const { trainer, workers, advance } = await started(setUp({ booting: true })); // a standby still starting
  trainer.play();
  workers[0].requests.shift().resolve([{ ...trained(1, 1), ms: 1 }, { value: [], ms: 0 }]);
  await flush();
  trainer.tick(16); // a chunk of 1 ms steps that meets a few solved checks: 300 ms
  advance(300);
  trainer.tick(316);
  assert.equal(workers.length, 1);
  advance(SLOW_CALL_MS);
  trainer.tick(316 + SLOW_CALL_MS); // past any call of this session: a standby starts
  assert.equal(workers.length, 2);
  const reset = trainer.begin("create", { seed: 3 });
  advance(SWITCH_WAIT_MS + 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(workers[0].terminated, false);
  assert.equal(trainer.workers.stopping, true); // the page says the step is being stopped
  for (const chunk of workers[0].requests.splice(0)) chunk.resolve([trained(21, 20), { value: [], ms: 0 }]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const create = workers[0].requests.shift();
  assert.deepEqual(create.calls[0], ["create", { seed: 3 }]);
  create.resolve([{ value: { config: { seed: 3 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  assert.deepEqual((await reset).config, { seed: 3 });
  assert.equal(trainer.workers.stopping, false);
});

test("a view that runs for minutes brings up a standby, and a Reset then switches to it", async () => {
  const setup = setUp({ stoppedViews: () => [["explain"]] });
  const { trainer, workers } = await started(setup);
  trainer.stepOnce();
  workers[0].requests.shift().resolve([trained(1, 1), { value: [], ms: 0 }]);
  await flush();
  assert.deepEqual(workers[0].requests.shift().calls, [["explain"]]); // a wide network's: minutes
  await resetsIntoTheStandby(setup, 3);
});

test("a loaded session shows at once; the views that follow a stop come after it, one at a time, and Ask goes before the next", async () => {
  const setup = setUp({ slowViews: () => [["state_space"]], stoppedViews: () => [["explain"], ["explain_wide"]] });
  const { trainer, workers, seen } = await started(setup);
  const loaded = trainer.begin("load", "file");
  const load = workers[0].requests.shift();
  assert.deepEqual(load.calls, [["load", "file"], ["panel"], ["state_space"]]);
  load.resolve([{ value: { config: {}, step: 300 }, ms: 1 }, { value: [], ms: 1 }, { value: [], ms: 1 }]);
  assert.equal((await loaded).step, 300);
  assert.equal(seen.at(-1)[0], "session");
  await flush();
  const explain = workers[0].requests.shift();
  assert.deepEqual(explain.calls, [["explain"]]);
  assert.equal(workers[0].requests.length, 0);
  const asked = trainer.request([["ask", ["5", "5"], null]]); // pressed while the machine is read
  await flush();
  assert.deepEqual(workers[0].requests.at(-1).calls, [["ask", ["5", "5"], null]]);
  explain.resolve([{ value: { states: 2 }, ms: 1 }]);
  await flush();
  const [ask, wide] = workers[0].requests.splice(0, 2);
  assert.deepEqual(wide.calls, [["explain_wide"]]); // after the Ask, not before it
  ask.resolve([{ value: { sum: "10" }, ms: 1 }]);
  assert.deepEqual(await asked, { ask: { sum: "10" } });
});

test("a Reset while short views compute waits for them, and no standby worker starts for them", async () => {
  const setup = setUp({ stoppedViews: () => [["explain_wide"]] });
  const { trainer, workers, advance } = await started(setup);
  trainer.stepOnce();
  workers[0].requests.shift().resolve([trained(1, 1), { value: [], ms: 0 }]);
  await flush();
  const view = workers[0].requests.shift();
  assert.deepEqual(view.calls, [["explain_wide"]]);
  advance(SLOW_CALL_MS / 2);
  trainer.tick(SLOW_CALL_MS / 2); // the default network's costliest view: not a reason to boot another worker
  assert.equal(workers.length, 1);
  const reset = trainer.begin("create", { seed: 3 });
  advance(SWITCH_WAIT_MS + 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(workers[0].terminated, false);
  assert.equal(workers[0].requests.length, 0); // the Reset waits for the view
  view.resolve([{ value: {}, ms: SLOW_CALL_MS / 2 }]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const create = workers[0].requests.shift();
  assert.deepEqual(create.calls[0], ["create", { seed: 3 }]);
  create.resolve([{ value: { config: { seed: 3 }, step: 0 }, ms: 1 }, { value: [], ms: 1 }]);
  assert.deepEqual((await reset).config, { seed: 3 });
});

// Answers the oldest unanswered request that starts with `method`; false when there is none.
function answer(worker, method, results) {
  const request = worker.requests.find((r) => r.calls[0][0] === method && !r.answered);
  if (!request) return false;
  request.answered = true;
  request.resolve(results);
  return true;
}

test("stops in quick succession refresh the views at most twice", async () => {
  const setup = setUp({ stoppedViews: () => [["explain"]] });
  const { trainer, workers } = await started(setup);
  const asked = () => workers[0].requests.filter((r) => r.calls[0][0] === "explain").length;
  for (let press = 0; press < 5; press += 1) {
    trainer.stepOnce();
    answer(workers[0], "train", [trained(press + 1, 1), { value: [], ms: 0 }]);
    await flush();
  }
  assert.equal(asked(), 1); // the first stop's, in flight; the other four wait as one
  assert.ok(answer(workers[0], "explain", [{ value: { states: 9 }, ms: 500 }]));
  await flush();
  assert.equal(asked(), 2);
  assert.ok(answer(workers[0], "explain", [{ value: { states: 2 }, ms: 500 }]));
  await flush();
  assert.equal(asked(), 2); // nothing more: the views now show the last step
});

test("a link's step is trained to exactly, past solved, and the run stops there", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.playTo(25);
  const first = workers[0].requests.shift();
  assert.deepEqual(first.calls[0], ["train", 1, false]); // not stopping at solved
  first.resolve([{ ...trained(1, 1), ms: 1 }, { value: [], ms: 0 }]);
  await flush();
  let step = 1;
  for (let frame = 1; frame < 50 && trainer.phase === "training"; frame += 1) {
    trainer.tick(frame * 16);
    const chunk = workers[0].requests.find((r) => r.calls[0][0] === "train" && !r.answered);
    if (!chunk) continue;
    chunk.answered = true;
    assert.ok(step + chunk.calls[0][1] <= 25, `${step} + ${chunk.calls[0][1]}`);
    step += chunk.calls[0][1];
    chunk.resolve([{ ...trained(step, chunk.calls[0][1]), ms: chunk.calls[0][1] }, { value: [], ms: 0 }]);
    await flush();
  }
  assert.equal(trainer.step, 25);
  assert.equal(trainer.phase, "paused");
});

test("a failure outside the loop stops it: no chunk is sent after it, and it says why", async () => {
  const { trainer, workers } = await started(setUp());
  trainer.play();
  workers[0].requests.shift().resolve([{ ...trained(1, 1), ms: 1 }, { value: [], ms: 0 }]);
  await flush();
  trainer.fail(new Error("a view failed"));
  trainer.tick(16);
  assert.equal(workers[0].requests.length, 0);
  assert.equal(trainer.phase, "error");
  assert.equal(trainer.error, "a view failed");
  trainer.play();
  assert.equal(workers[0].requests.length, 0);
});

test("a pace trains the steps it owes, one chunk at a time, and a stall is not made up in a burst", async () => {
  const setup = await started(setUp());
  const { trainer, workers, advance } = setup;
  workers[0].requests.length = 0; // the warm-up's, if any
  trainer.setPace((step) => (step < 10 ? 2 : 40));
  trainer.play();
  assert.equal(workers[0].requests.length, 0, "nothing is owed at the press");
  advance(499);
  trainer.tick(0);
  assert.equal(workers[0].requests.length, 0);
  advance(1);
  trainer.tick(0);
  assert.deepEqual(workers[0].requests[0].calls[0], ["train", 1, true]);
  workers[0].requests.shift().resolve([trained(1, 1), { value: [], ms: 0 }]);
  await flush();
  advance(10_000); // a long view
  trainer.tick(0);
  assert.deepEqual(workers[0].requests[0].calls[0], ["train", 1, true], "one step, not twenty");
  workers[0].requests.shift().resolve([trained(12, 1), { value: [], ms: 0 }]);
  await flush();
  advance(250); // 40 steps/s from step 10 on: ten owed, capped at a tenth of a second's worth
  trainer.tick(0);
  assert.deepEqual(workers[0].requests[0].calls[0], ["train", 4, true]);
  trainer.setPace(null);
  assert.equal(trainer.pace, null);
});

test("views of the session shown, asked for while another is made, are not sent to it", async () => {
  const { trainer, workers } = await started(setUp());
  const made = trainer.begin("create", { seed: 1 });
  const view = trainer.request([["explain", 43]], { views: true }); // a look back at step 43
  trainer.request(() => [["ask", ["3", "4"], trainer.step]]); // listed once made
  await flush();
  workers[0].requests.shift().resolve([{ value: { config: { seed: 1 }, step: 0, stepWork: 1 }, ms: 1 }, { value: [], ms: 1 }]);
  await made;
  assert.equal(await view, null);
  await flush();
  assert.deepEqual(
    workers[0].requests.map((request) => request.calls),
    [[["ask", ["3", "4"], 0]]], // the new session's step, not a step of the old one
  );
});
