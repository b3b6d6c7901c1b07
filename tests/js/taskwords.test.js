// The views' captions and legends in the task's words: addition's are the page's own text, a
// carry of 0-2 has three colours, and multiplication, with no finite memory, none.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { memoryValues, wordsOf } from "../../web/js/taskwords.js";

// Tasks as rnnadd.page describes them: the fields the captions speak of.
const ADD = { title: "binary addition", formula: "a + b", problem: "pair", answer: "sum", memory: "carry", finite: true, states: 2 };
const SUB = { title: "binary subtraction", formula: "a - b", problem: "pair", answer: "difference", memory: "borrow", finite: true, states: 2 };
const ADD3 = { title: "adding three numbers", formula: "a + b + c", problem: "triple", answer: "sum", memory: "carry", finite: true, states: 3 };
const TIMES3 = { title: "multiplying by three", formula: "3 \u00d7 a", problem: "number", answer: "product", memory: "carry", finite: true, states: 3 };
const MUL = { title: "binary multiplication", formula: "a \u00d7 b", problem: "pair", answer: "product", memory: "partial products", finite: false, states: null };

const html = readFileSync(new URL("../../web/index.html", import.meta.url), "utf8");
const captionOf = (id) => html.match(new RegExp(`id="${id}"[^>]*>([^<]*)</`))[1].replace(/\s+/g, " ").trim();

test("addition's captions are the page's text before any task is described", () => {
  const words = wordsOf(ADD);
  assert.equal(words.bits, captionOf("bit-caption"));
  assert.equal(words.hidden, captionOf("hidden-caption"));
  assert.equal(words.space, captionOf("space-caption"));
  assert.equal(words.travels, "carry travels \u2190");
  assert.equal(words.heading, captionOf("heading"));
  assert.equal(words.title, html.match(/<title>([^<]*)<\/title>/)[1]);
  assert.equal(words.intro, captionOf("intro"));
});

test("each finite task's views name its memory and colour each of its values", () => {
  const sub = wordsOf(SUB);
  assert.match(sub.bits, /true bits of the difference/);
  assert.match(sub.hidden, /Above them, the true borrow\. Marked: the units whose activity follows the borrow/);
  assert.match(sub.space, /Colour: the true borrow after that step\. While the network learns, the two clouds/);
  assert.deepEqual(memoryValues(SUB).map(({ label }) => label), ["borrow 0", "borrow 1"]);
  assert.match(wordsOf(ADD3).space, /the three clouds pull apart/);
  assert.equal(wordsOf(SUB).heading, "Watch an RNN learn binary subtraction");
  assert.match(wordsOf(ADD3).intro, /reads three numbers one bit at a time, .* writes the bits of their sum\. It has to discover the carry by itself\./);
  assert.match(wordsOf(TIMES3).intro, /reads a number one bit at a time, .* writes the bits of its product\./);
  assert.deepEqual(memoryValues(ADD3).map(({ value }) => value), [0, 1, 2]);
});

test("multiplication's views say there is no finite memory, and colour nothing by one", () => {
  const mul = wordsOf(MUL);
  assert.deepEqual(memoryValues(MUL), []);
  assert.match(mul.hidden, /No finite machine computes a \u00d7 b/);
  assert.doesNotMatch(mul.space, /Colour:/);
  assert.match(mul.bits, /true bits of the product/);
  assert.match(mul.intro, /No finite machine does that for every width/);
});
