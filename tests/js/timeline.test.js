// The scrubber's rules, with a stand-in for the worker's requests.

import assert from "node:assert/strict";
import { test } from "node:test";
import { PLAY_MS, SETTLE_MS, Scrubber } from "../../web/js/timeline.js";

function setUp({ answerAtOnce = true } = {}) {
  let clock = 0;
  const sent = [];
  const shown = [];
  const scrubber = new Scrubber({
    request: (calls) =>
      new Promise((resolve) => {
        sent.push({ calls, resolve });
        if (answerAtOnce) resolve(Object.fromEntries(calls.map(([method, ...args]) => [method, args.at(-1)])));
      }),
    quickViews: (at) => [["panel", at]],
    restingViews: (at) => [["explain", at]],
    onData: (values) => shown.push(values),
    now: () => clock,
  });
  scrubber.setKept([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  return { scrubber, sent, shown, advance: (ms) => (clock += ms), clock: () => clock };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a position shows at once; the costly views follow once it has rested", async () => {
  const { scrubber, sent, advance, clock } = setUp();
  scrubber.moveTo(5);
  assert.equal(scrubber.at, 5);
  assert.deepEqual(sent.at(-1).calls, [["panel", 5]]);
  await flush();
  advance(SETTLE_MS - 1);
  scrubber.tick(clock());
  assert.equal(sent.length, 1);
  advance(1);
  scrubber.tick(clock());
  assert.deepEqual(sent.at(-1).calls, [["explain", 5]]);
  await flush();
  scrubber.live();
  assert.equal(scrubber.at, null);
  assert.deepEqual(sent.at(-1).calls, [["panel", null]]);
});

test("positions asked for while one is on its way collapse into the latest", async () => {
  const { scrubber, sent } = setUp({ answerAtOnce: false });
  scrubber.moveTo(1);
  scrubber.moveTo(2);
  scrubber.moveTo(3);
  assert.equal(sent.length, 1);
  sent[0].resolve({ panel: 1 });
  await flush();
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].calls, [["panel", 3]]);
});

test("play walks every kept step up to the given one in about PLAY_MS, then stops there", async () => {
  const { scrubber, sent, advance, clock } = setUp();
  scrubber.play(8);
  const seen = [scrubber.at];
  while (scrubber.playing && clock() < 2 * PLAY_MS) {
    advance(16);
    scrubber.tick(clock());
    await flush();
    if (scrubber.at !== seen.at(-1)) seen.push(scrubber.at);
  }
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(Math.abs(clock() - PLAY_MS) <= 50, clock());
  assert.ok(sent.every(({ calls }) => calls[0][0] === "panel")); // the costly views wait for the end
  advance(SETTLE_MS);
  scrubber.tick(clock());
  assert.deepEqual(sent.at(-1).calls, [["explain", 8]]);
});
