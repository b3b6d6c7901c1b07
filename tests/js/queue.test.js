// One request in flight; of what waits, only the latest of each kind.

import assert from "node:assert/strict";
import { test } from "node:test";
import { LatestQueue } from "../../web/js/queue.js";

function setUp() {
  const sent = [];
  const failures = [];
  const queue = new LatestQueue(
    (items) =>
      new Promise((resolve, reject) => {
        sent.push({ items, resolve, reject });
      }),
    (error) => failures.push(error.message),
  );
  return { queue, sent, failures };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

test("what is asked while a request is in flight waits, merged by kind, the latest of each kept", async () => {
  const { queue, sent } = setUp();
  queue.push([["hidden_view", 1], ["state_space", 1]]);
  queue.push([["hidden_view", 2]]);
  queue.push([["hidden_view", 3], ["explain", 3]]);
  assert.equal(sent.length, 1);
  sent[0].resolve();
  await flush();
  assert.deepEqual(sent[1].items, [["hidden_view", 3], ["explain", 3]]);
  sent[1].resolve();
  await flush();
  assert.equal(sent.length, 2);
});

test("a failure is reported and the queue goes on", async () => {
  const { queue, sent, failures } = setUp();
  queue.push([["explain"]]);
  queue.push([["explain"]]);
  sent[0].reject(new Error("explain failed"));
  await flush();
  assert.deepEqual(failures, ["explain failed"]);
  assert.equal(sent.length, 2);
});

test("clear drops what waits, not what is in flight", async () => {
  const { queue, sent } = setUp();
  queue.push([["panel", 5]]);
  queue.push([["panel", 6]]);
  queue.clear();
  sent[0].resolve();
  await flush();
  assert.equal(sent.length, 1);
  queue.push([["panel", 0]]);
  assert.equal(sent.length, 2);
});
