// The tour's rules: a stop per milestone in the order reached, training paused at each and
// resumed by Next, an end that names what never came, and a run that never learns ended.

import assert from "node:assert/strict";
import { test } from "node:test";
import { PATIENCE_STEPS, STOPS, Tour, tourPace } from "../../web/js/tour.js";

const definitions = Object.keys(STOPS).map((name) => ({ name, title: `title of ${name}`, test: "" }));
// Tasks as rnnadd.page describes them: the words the stops speak in.
const words = { letters: ["a", "b"], problem: "pair", answers: "sums", answer: "sum", bit0: "a0 xor b0", finite: true, states: 2, milestones: definitions };
const ADD = { ...words, title: "binary addition", formula: "a + b", memory: "carry", machineName: "the adder" };
const SUB = { ...words, title: "binary subtraction", formula: "a - b", memory: "borrow", answers: "differences", machineName: "the subtractor" };
const MUL = { ...words, title: "binary multiplication", formula: "a \u00d7 b", memory: "partial products", answers: "products", bit0: "a0 and b0", finite: false, states: null, machineName: "no finite machine", milestones: definitions.filter((d) => ["first_bit", "solved", "limits"].includes(d.name)) };
const figures = { exact: 0.05, unit: 3, correlation: -0.93, split: 0.995, longest: 40, failing: { a: "1", b: "2", text: "1 + 2" } };
const milestone = (name, step) => ({ name, step, title: `title of ${name}`, ...figures });

function setUp(task = ADD) {
  const log = [];
  const tour = new Tour({
    pause: () => log.push("pause"),
    resume: () => log.push("resume"),
    show: (step) => log.push(`show ${step}`),
    say: (stop) => {
      log.push(`say ${stop.name} ${stop.view}${stop.last ? " last" : ""}`);
      said.push(stop.lines.join(" "));
    },
    end: () => log.push("end"),
  });
  const said = [];
  tour.start(task);
  return { tour, log, said };
}

test("each milestone stops the run with its view, and Next goes on", () => {
  const { tour, log } = setUp();
  const run = { reached: [], phase: "paused", step: 0, pending: false };
  tour.update(run);
  assert.deepEqual(log, ["say start loss"]);
  tour.next();
  assert.equal(log.at(-1), "resume");
  run.phase = "training";
  run.reached = [milestone("first_bit", 9)];
  tour.update(run);
  assert.deepEqual(log.slice(-3), ["pause", "show 9", "say first_bit bits"]);
  tour.update(run); // waiting for Next: nothing more
  assert.equal(log.length, 5);
  tour.next();
  assert.equal(log.at(-1), "resume");
});

test("milestones reached together are shown one after the other, without training between", () => {
  const { tour, log } = setUp();
  tour.next();
  const run = { reached: [milestone("first_bit", 9), milestone("carry", 30), milestone("clouds", 30)], phase: "training", step: 31, pending: false };
  tour.update(run);
  tour.next();
  assert.notEqual(log.at(-1), "resume", "the next stop is waiting");
  tour.update(run);
  assert.deepEqual(log.slice(-2), ["show 30", "say carry hidden"]);
  tour.next();
  tour.update(run);
  assert.equal(log.at(-1), "say clouds space");
  tour.next();
  assert.equal(log.at(-1), "resume");
});

test("once solved (paused or not) and every kept step tested, the tour ends at the machine, naming what never came", () => {
  const { tour, log } = setUp();
  tour.next();
  const run = { reached: Object.keys(STOPS).filter((n) => n !== "clouds").map((n, i) => milestone(n, 10 * i)), phase: "paused", solved: true, step: 51, pending: true }; // paused at a stop, solved meanwhile
  for (let i = 0; i < 5; i += 1) {
    tour.update(run);
    tour.next();
  }
  assert.ok(!log.some((entry) => entry.startsWith("say end")), "not while steps are untested");
  run.pending = false;
  tour.update(run);
  assert.equal(log.at(-1), "say end machine last");
  assert.match(tour.closing(run, false).join(" "), /never reached: title of clouds/);
  tour.next();
  assert.equal(log.at(-1), "end");
  assert.equal(tour.active, false);
});

test("a run with no new milestone for PATIENCE_STEPS steps is ended and said to not learn", () => {
  const { tour, log } = setUp();
  tour.next();
  const run = { reached: [milestone("first_bit", 40)], phase: "training", step: 41, pending: false };
  tour.update(run);
  tour.next();
  run.step = 40 + PATIENCE_STEPS;
  tour.update(run);
  assert.deepEqual(log.slice(-2), ["pause", "say end machine last"]);
  assert.match(tour.closing(run, true)[0], /will not learn a \+ b/);
});

test("Esc ends the tour at any stop", () => {
  const { tour, log } = setUp();
  tour.finish();
  assert.equal(log.at(-1), "end");
  tour.update({ reached: [milestone("first_bit", 1)], phase: "training", step: 2, pending: false });
  assert.equal(log.at(-1), "end", "an ended tour stops nothing");
});

test("the pace takes the early steps slowly and the later ones faster", () => {
  assert.equal(tourPace(0), 2);
  assert.equal(tourPace(20), 2);
  assert.equal(tourPace(100), 10);
  let seconds = 0;
  for (let step = 0; step < 51; step += 1) seconds += 1 / tourPace(step);
  assert.ok(seconds > 15 && seconds < 30, `${seconds} s for 51 steps`);
});

test("each stop speaks in the words of the run's task", () => {
  const { tour, said } = setUp(SUB);
  assert.match(said[0], /reads two numbers .* writes a - b/);
  tour.next();
  const run = { reached: [milestone("carry", 30), milestone("machine", 40), milestone("limits", 50)], phase: "training", step: 51, pending: false };
  for (let i = 0; i < 3; i += 1) {
    tour.update(run);
    tour.next();
  }
  assert.match(said[1], /Unit 3 now follows the borrow/);
  assert.match(said[2], /now the subtractor itself .* as binary subtraction/);
  assert.match(said[3], /64-bit differences: right through borrow chains of 40, then wrong on 1 \+ 2/);
});

test("multiplication's tour has no memory stops, and its limits fade with the width", () => {
  const { tour, said } = setUp(MUL);
  tour.next();
  const run = { reached: [milestone("first_bit", 5), { ...milestone("solved", 300) }, { name: "limits", step: 300, wider: [[12, 0.031], [24, 0]] }], phase: "paused", solved: true, step: 300, pending: false };
  for (let i = 0; i < 4; i += 1) {
    tour.update(run);
    tour.next();
  }
  assert.match(said[1], /lowest bit of a \u00d7 b is a and b/);
  assert.match(said[3], /3\.1% at 12 bits, 0\.0% at 24 bits of products right/);
  assert.match(said[4], /whole story of this run, from the first bit to its limits/);
  assert.doesNotMatch(said[4], /never reached/, "a run of mul reaches all three of its milestones");
});
