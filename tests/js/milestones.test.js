// The milestones' words and chart marks: numbered as stated, the last one named.

import assert from "node:assert/strict";
import { test } from "node:test";
import { chartMarks, lastMilestoneText } from "../../web/js/milestoneview.js";

const definitions = ["first_bit", "carry", "clouds", "machine", "solved", "limits"].map((name) => ({ name, title: name, test: "" }));

test("chart marks are numbered by the stated order, not by the order reached", () => {
  const reached = [
    { name: "first_bit", step: 12, title: "The first bit is right" },
    { name: "clouds", step: 30, title: "The clouds part" },
    { name: "carry", step: 30, title: "A unit follows the carry" },
  ];
  assert.deepEqual(chartMarks(reached, definitions), [
    { step: 12, number: 1 },
    { step: 30, number: 3 },
    { step: 30, number: 2 },
  ]);
});

test("the status line names the last milestone reached, and nothing before the first", () => {
  assert.equal(lastMilestoneText([]), "");
  const reached = [
    { name: "first_bit", step: 12, title: "The first bit is right" },
    { name: "solved", step: 51, title: "Every pair right" },
  ];
  assert.equal(lastMilestoneText(reached), "last milestone: every pair right (step 51)");
});
