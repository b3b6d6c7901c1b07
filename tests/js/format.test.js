// How the page writes shares and steps: the words the status line, the views and the tour share.

import assert from "node:assert/strict";
import { test } from "node:test";
import { percent, whenText } from "../../web/js/format.js";

test("a share is a percentage with one digit, or as many as asked", () => {
  assert.equal(percent(0.5), "50.0%");
  assert.equal(percent(0.9961, 2), "99.61%");
  assert.equal(percent(1, 0), "100%");
});

test("a view says now, or which step of how many it shows while looking back", () => {
  assert.equal(whenText(null, 51), "now (step 51)");
  assert.equal(whenText(20, 51), "at step 20 of 51");
});
