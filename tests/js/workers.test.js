// The workers' lives: what is in flight, the standby, ending a busy worker, warming up.

import assert from "node:assert/strict";
import { test } from "node:test";
import { fakePython } from "./fakeworker.js";
import { SLOW_CALL_MS, SLOW_STEP_MS, SWITCH_WAIT_MS, WARM_UP_BURST_MS, WARM_UP_MS, Workers } from "../../web/js/workers.js";

function setUp() {
  const clients = [];
  let clock = 0;
  const workers = new Workers({
    connect: () => {
      clients.push(fakePython());
      return clients.at(-1);
    },
    now: () => clock,
  });
  return { workers, clients, advance: (ms) => (clock += ms), at: () => clock };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("what is in flight is counted, and how long the oldest call has run", async () => {
  const { workers, clients, advance } = setUp();
  const first = workers.send([["train", 1]]);
  advance(30);
  workers.send([["panel"]]);
  advance(20);
  assert.equal(workers.outstanding, 2);
  assert.equal(workers.busyMs(), 50);
  clients[0].requests.shift().resolve([{ value: 1, ms: 50 }]);
  assert.deepEqual(await first, [{ value: 1, ms: 50 }]);
  assert.equal(workers.outstanding, 1);
  assert.equal(workers.busyMs(), 20);
});

test("a standby starts for a call past SLOW_CALL_MS or a step past SLOW_STEP_MS, not before, and only one", async () => {
  const { workers, clients, advance, at } = setUp();
  workers.send([["explain"]]);
  advance(SLOW_CALL_MS - 1);
  workers.watch(at(), SLOW_STEP_MS);
  assert.equal(clients.length, 1);
  assert.equal(workers.standbyState(), null);
  advance(2);
  workers.watch(at(), null);
  assert.equal(clients.length, 2);
  assert.equal(workers.standbyState(), "starting");
  await flush();
  assert.equal(workers.standbyState(), "ready");
  workers.watch(at(), 5 * SLOW_STEP_MS);
  assert.equal(clients.length, 2);

  const slowSteps = setUp();
  slowSteps.workers.watch(0, SLOW_STEP_MS + 1);
  assert.equal(slowSteps.clients.length, 2);
});

test("settle waits for a short call; past SWITCH_WAIT_MS with a booted standby it ends the busy worker and carries on there", async () => {
  const short = setUp();
  short.workers.send([["explain_wide"]]);
  const drained = short.workers.settle();
  short.advance(SWITCH_WAIT_MS + 1);
  await wait(20);
  assert.equal(short.clients[0].terminated, false); // no standby to switch to: it waits
  assert.equal(short.workers.stopping, true); // and the page says why
  short.clients[0].requests.shift().resolve([{ value: {}, ms: 400 }]);
  await drained;
  assert.equal(short.workers.stopping, false);
  assert.equal(short.workers.python, short.clients[0]);

  const long = setUp();
  const step = long.workers.send([["train", 1]]);
  long.advance(SLOW_CALL_MS + 1);
  long.workers.watch(long.at(), null);
  await flush();
  const switched = long.workers.settle();
  long.advance(SWITCH_WAIT_MS + 1);
  await switched;
  assert.equal(await step, null); // a worker ended on purpose answers nothing, and throws nothing
  assert.equal(long.clients[0].terminated, true);
  assert.equal(long.workers.python, long.clients[1]);
  assert.deepEqual([long.workers.outstanding, long.workers.standbyState(), long.workers.stopping], [0, null, false]);
});

test("a call that fails in its worker is the caller's error", async () => {
  const { workers, clients } = setUp();
  const sent = workers.send([["ask", ["x"]]]);
  clients[0].requests.shift().reject(new Error("operand a must be a whole number"));
  await assert.rejects(sent, /operand a/);
  assert.equal(workers.outstanding, 0);
});

test("warming up: the first step rides with a session once per worker; then one step a call while idle, until WARM_UP_MS", async () => {
  const { workers, clients } = setUp();
  assert.deepEqual(workers.firstWarmUp(), [["warm_up", 1, 5e6]]);
  workers.warmUp(1, () => true, () => {}); // before the first step has run: nothing
  assert.equal(clients[0].requests.length, 0);
  workers.warmedOnce();
  assert.deepEqual(workers.firstWarmUp(), []);
  const heard = [];
  const warming = workers.warmUp(1, () => true, (ms) => heard.push(ms));
  workers.warmUp(1, () => true, () => {}); // a second caller while one is in flight sends nothing
  for (let step = 0; step < WARM_UP_MS / 10; step += 1) {
    assert.equal(clients[0].requests.length, 1);
    clients[0].requests.shift().resolve([{ value: { steps: 1 }, ms: 10 }]);
    await flush();
  }
  await warming;
  assert.equal(clients[0].requests.length, 0);
  assert.equal(heard.length, WARM_UP_MS / 10);
});

test("a warm-up stops when the page stops being idle, for a heavy step, a slow step or a diverged scratch", async () => {
  let idle = true;
  const { workers, clients } = setUp();
  workers.warmedOnce();
  const warming = workers.warmUp(1, () => idle, () => {});
  idle = false; // Train pressed
  clients[0].requests.shift().resolve([{ value: { steps: 1 }, ms: 5 }]);
  await warming;
  assert.equal(clients[0].requests.length, 0);

  workers.warmUp(1e9, () => true, () => {});
  assert.equal(clients[0].requests.length, 0);

  const slow = workers.warmUp(1, () => true, () => {});
  clients[0].requests.shift().resolve([{ value: { steps: 1 }, ms: 25 }]);
  await slow;
  assert.equal(workers.warmedMs, WARM_UP_MS);

  const diverged = setUp();
  diverged.workers.warmedOnce();
  const ended = diverged.workers.warmUp(1, () => true, () => {});
  diverged.clients[0].requests.shift().resolve([{ value: { steps: 0 }, ms: 1 }]);
  await ended;
  assert.equal(diverged.workers.warmedMs, WARM_UP_MS);
});

test("a burst of warm-up counts towards WARM_UP_MS and gives its time a step; a diverged, slow or replaced one gives none", async () => {
  const { workers, clients } = setUp();
  const burst = workers.burst();
  assert.deepEqual(clients[0].requests[0].calls, [["warm_up", 1, 5e6, WARM_UP_BURST_MS]]);
  clients[0].requests.shift().resolve([{ value: { steps: 40 }, ms: 50 }]);
  assert.deepEqual(await burst, { ms: 50, steps: 40 });
  assert.equal(workers.warmedMs, 50);

  for (const value of [{ steps: 3, diverged: true }, { steps: 2 }]) {
    const ended = setUp();
    const burst = ended.workers.burst();
    ended.clients[0].requests.shift().resolve([{ value, ms: 50 }]); // diverged; 25 ms a step
    assert.equal(await burst, null);
    assert.equal(ended.workers.warmedMs, WARM_UP_MS);
  }

  const replaced = setUp();
  const dropped = replaced.workers.burst();
  await replaced.workers.replace();
  assert.equal(await dropped, null);
});

test("a replaced worker warms up again, from its first step", async () => {
  const { workers, clients } = setUp();
  workers.warmedOnce();
  workers.send([["train", 1]]);
  await workers.replace();
  assert.equal(clients.length, 2);
  assert.deepEqual(workers.firstWarmUp(), [["warm_up", 1, 5e6]]);
});
