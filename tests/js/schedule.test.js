// When each kind of view is asked for.

import assert from "node:assert/strict";
import { test } from "node:test";
import { SLOW_VIEWS_MS, TRAINING_DRAW_MS, ViewSchedule } from "../../web/js/schedule.js";

function setUp({ slow = [["hidden_view", "5"], ["state_space"]], stopped = [["explain"], ["explain_wide"]] } = {}) {
  const requests = [];
  const seen = [];
  const failures = [];
  let step = 0;
  const schedule = new ViewSchedule({
    views: () => [["panel"]],
    slowViews: () => slow,
    stoppedViews: () => stopped,
    request: (calls) => new Promise((resolve, reject) => requests.push({ calls, resolve, reject })),
    step: () => step,
    onData: (values, why) => seen.push([why, values]),
    onFailure: (error) => failures.push(error.message),
  });
  return { schedule, requests, seen, failures, setStep: (s) => (step = s) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

test("views ride with a chunk as often as the page draws a run, the slow ones every SLOW_VIEWS_MS", () => {
  const { schedule, setStep } = setUp();
  assert.deepEqual(schedule.withChunk(0), [["panel"], ["hidden_view", "5"], ["state_space"]]);
  setStep(10);
  assert.deepEqual(schedule.withChunk(TRAINING_DRAW_MS - 1), []); // the page has not drawn since
  assert.deepEqual(schedule.withChunk(TRAINING_DRAW_MS), [["panel"]]);
  assert.deepEqual(schedule.withChunk(SLOW_VIEWS_MS - TRAINING_DRAW_MS), [["panel"]]);
  assert.deepEqual(schedule.withChunk(SLOW_VIEWS_MS), [["panel"], ["hidden_view", "5"], ["state_space"]]);
});

test("slow views that already show these weights are not asked for again, once", () => {
  const { schedule, setStep } = setUp();
  setStep(40);
  schedule.showing(40, [["hidden_view", "5"], ["state_space"]]);
  assert.deepEqual(schedule.withChunk(1000), [["panel"]]);
  assert.deepEqual(schedule.withChunk(2000), [["panel"], ["hidden_view", "5"], ["state_space"]]);
  schedule.showing(40, [["hidden_view", "7"], ["state_space"]]); // another problem was shown
  assert.equal(schedule.withChunk(3000).length, 3);
});

test("a refresh asks for the slow views in one request, then each stopped view in its own, one at a time, and shows each as it comes", async () => {
  const { schedule, requests, seen } = setUp();
  schedule.refresh();
  assert.deepEqual(
    requests.map((r) => r.calls),
    [[["hidden_view", "5"], ["state_space"]]],
  );
  requests[0].resolve({ hidden_view: 1, state_space: 2 });
  await flush();
  assert.deepEqual(seen, [["stopped", { hidden_view: 1, state_space: 2 }]]);
  assert.deepEqual(schedule.withChunk(1000), [["panel"]]); // they show these weights now
  // The next view is asked for only now: a call of the page's made meanwhile went first.
  assert.deepEqual(requests[1].calls, [["explain"]]);
  assert.equal(requests.length, 2);
  requests[1].resolve({ explain: { states: 2 } });
  await flush();
  assert.deepEqual(seen.at(-1), ["view", { explain: { states: 2 } }]);
  assert.deepEqual(requests[2].calls, [["explain_wide"]]);
});

test("a refresh asks no further once the weights have trained on, and the next refresh asks for all again", async () => {
  const { schedule, requests, seen, setStep } = setUp();
  setStep(60);
  schedule.refresh();
  requests[0].resolve({ hidden_view: 1, state_space: 2 });
  await flush();
  setStep(61); // Train pressed while the machine was being read
  requests[1].resolve({ explain: { states: 2 } });
  await flush();
  assert.equal(requests.length, 2); // explain_wide would show step 61's weights as step 60's
  assert.equal(seen.length, 2);
  schedule.refresh();
  await flush();
  assert.deepEqual(requests[2].calls, [["hidden_view", "5"], ["state_space"]]);
});

test("a stop asks again for the chunks' views when the run's last chunk went without them", async () => {
  const { schedule, requests, setStep } = setUp({ stopped: [] });
  schedule.withChunk(0);
  setStep(55);
  assert.deepEqual(schedule.withChunk(TRAINING_DRAW_MS - 1), []); // the last chunk: solved at step 55
  schedule.refresh();
  const stop = requests.shift();
  assert.deepEqual(stop.calls, [["panel"], ["hidden_view", "5"], ["state_space"]]);
  stop.resolve({ panel: 55, hidden_view: 1, state_space: 2 });
  await flush();
  setStep(80);
  schedule.withChunk(SLOW_VIEWS_MS); // the next run's last chunk carried them all
  schedule.refresh();
  await flush();
  assert.deepEqual(requests.shift().calls, [["hidden_view", "5"], ["state_space"]]);
});

test("refreshes asked for meanwhile wait as one; a failed view is reported", async () => {
  const { schedule, requests, failures } = setUp({ slow: [], stopped: [["explain"]] });
  for (let press = 0; press < 5; press += 1) schedule.refresh();
  assert.equal(requests.length, 1);
  requests[0].reject(new Error("explain failed"));
  await flush();
  assert.deepEqual(failures, ["explain failed"]);
  assert.equal(requests.length, 2);
  requests[1].resolve({ explain: {} });
  await flush();
  assert.equal(requests.length, 2);
});

test("a session's views that came with it are not asked for again by the refresh after a load", () => {
  const { schedule, requests, setStep } = setUp();
  setStep(300);
  schedule.showing(300, [["hidden_view", "5"], ["state_space"]]);
  schedule.refresh();
  assert.deepEqual(
    requests.map((r) => r.calls),
    [[["explain"]]],
  );
});
