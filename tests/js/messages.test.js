// The status line's words.

import assert from "node:assert/strict";
import { test } from "node:test";
import { statusText } from "../../web/js/messages.js";

const trainer = { workers: { stopping: false, busyMs: () => 0 }, stepMs: null, inFlight: false };
const status = (extra) => ({ phase: "ready", step: 51, loss: NaN, exactMatch: 0, exactAllPairs: false, stepsPerSecond: 0, solvedAt: null, milestones: [], config: null, ...extra });

test("a session that has trained no batch in the page gives no exact-match figure, not a false 0%", () => {
  assert.equal(statusText(status(), trainer), "ready \u00b7 step 51");
});

test("the exact-match figure says whether it is of recent batches or of every pair", () => {
  assert.equal(statusText(status({ phase: "paused", loss: 0.5, exactMatch: 0.25 }), trainer), "paused \u00b7 step 51 \u00b7 loss 0.500 \u00b7 exact-match 25.0% (recent batches)");
  const solved = statusText(status({ phase: "solved", loss: 0.01, exactMatch: 1, exactAllPairs: true, solvedAt: 51 }), trainer);
  assert.equal(solved, "solved \u00b7 step 51 \u00b7 loss 0.0100 \u00b7 exact-match 100.0% (all pairs) \u00b7 solved at step 51");
});
