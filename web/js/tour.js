// The guided tour: a run trained at a pace one can follow, stopped at each of its milestones as
// it happens, with the view that shows it and a few plain words. It knows no DOM: the page
// passes in what it does (pause, resume, show a step, say a stop, end) and calls update()
// every frame with what the run has reached.

import { percent } from "./format.js";

// Steps per second from the step reached: two a second early on, where the milestones come,
// then faster (a tenth of the step a second), so that a run of about 50 steps takes about
// 20 s and one of 110 about 30 s, besides the stops.
export const tourPace = (step) => Math.max(2, step / 10);
// A run that reaches no new milestone for this many steps is not going to: the tour says so.
export const PATIENCE_STEPS = 1000;

// The view each milestone is seen in, and what it means, in the words of the run's task (as
// rnnadd.page describes it: its answers, its memory, its machine).
const STATE_WORDS = { 2: "Two states", 3: "Three states" };
export const STOPS = {
  first_bit: {
    view: "bits",
    say: (m, task) => [
      `Bit 0 is now right on every ${task.problem} (step ${m.step}), while ${Math.round(100 * m.exact)}% of whole ${task.answers} are.`,
      `The lowest bit of ${task.formula} is ${task.bit0.replace(/0\b/g, "")}: nothing comes into it from a lower bit, so the network can get it right without remembering anything.`,
      task.finite ? `Every other bit needs the ${task.memory} from the bit before.` : "Every other bit needs what all the bits below it leave.",
    ],
  },
  carry: {
    view: "hidden",
    say: (m, task) => [
      `Unit ${m.unit} now follows the ${task.memory} (correlation ${m.correlation.toFixed(2)}), at step ${m.step}.`,
      `To compute ${task.formula}, the network has to remember one thing from bit to bit: the ${task.memory}. In the hidden units, that unit changes with the ${task.memory} row below them.`,
    ],
  },
  clouds: {
    view: "space",
    say: (m, task) => [
      task.states === 2
        ? `The clouds part (step ${m.step}): one straight line now splits the hidden states after a ${task.memory} from the others (${percent(m.split)}).`
        : `The clouds part (step ${m.step}): straight lines now split the hidden states after each ${task.memory} from the others (${percent(m.split)}).`,
      `The network's memory has ${task.states} clearly different conditions now, one for each ${task.memory} it must tell apart.`,
    ],
  },
  machine: {
    view: "machine",
    say: (m, task) => [
      `Read off its hidden states, the network is now ${task.machineName} itself (step ${m.step}).`,
      `${STATE_WORDS[task.states] ?? `${task.states} states`}, one per ${task.memory}, and from each the same moves and bits as ${task.title}: this is exactly what it has to compute.`,
    ],
  },
  solved: {
    view: "accuracy",
    say: (m, task) => [`Every ${task.problem} is right at the training width, at step ${m.step}: solved.`, "Training stops here."],
  },
  limits: {
    view: "limits",
    say: (m, task) => {
      if (m.wider) {
        const shares = m.wider.map(([bits, share]) => `${percent(share)} at ${bits} bits`).join(", ");
        return [
          `The same weights on wider numbers: ${shares} of ${task.answers} right.`,
          `No finite machine computes ${task.formula}: each wider width needs more memory than a network of fixed size has, so what it learnt fades as the numbers grow.`,
        ];
      }
      return [
        m.failing
          ? `The same weights on 64-bit ${task.answers}: right through ${task.memory} chains of ${m.longest}, then wrong on ${m.failing.text}.`
          : `The same weights on 64-bit ${task.answers}: right on every tested one, ${task.memory} chains of up to ${m.longest} included.`,
        `A ${task.memory} kept in real numbers can fade over a long chain; the machine above says what the network would do if it never faded.`,
      ];
    },
  },
};

// What the network does, in a sentence for the tour's first stop.
const READS = { 1: "a number", 2: "two numbers", 3: "three numbers" };

export class Tour {
  // act: {pause(), resume(), show(step), say(stop), end()}; stop: {name, view, lines, last}.
  constructor(act) {
    this.act = act;
    this.active = false;
  }

  // task: the run's task as rnnadd.page describes it, with its milestones.
  start(task) {
    Object.assign(this, { active: true, task, definitions: task.milestones, shown: new Set(), queue: [], waiting: false, lastNewStep: 0, ended: false });
    this.waiting = true;
    this.act.say({
      name: "start",
      view: "loss",
      lines: [
        `This network reads ${READS[task.letters.length]} bit by bit, lowest bit first, and writes ${task.formula}.`,
        "It will train slowly now, and stop at each moment worth seeing. Press Next to start.",
      ],
      last: false,
    });
  }

  // Every frame: run {reached, phase, solved, step, pending}, pending while kept steps are untested. Queues each new milestone, in the order
  // reached, and stops at the next one when no stop is waiting for Next.
  update(run) {
    if (!this.active) return;
    for (const milestone of run.reached) {
      if (this.shown.has(milestone.name)) continue;
      this.shown.add(milestone.name);
      this.queue.push(milestone);
      this.lastNewStep = milestone.step;
    }
    if (this.waiting) return;
    if (this.queue.length) {
      this.act.pause();
      const milestone = this.queue.shift();
      const stop = STOPS[milestone.name];
      this.act.show(milestone.step);
      this.say({ name: milestone.name, view: stop.view, lines: stop.say(milestone, this.task), last: false });
      return;
    }
    // Solved, whatever the phase: a run paused at a stop may have solved in the chunk then in flight.
    const done = (run.solved || run.phase === "error") && !run.pending;
    const stuck = run.phase === "training" && run.step - this.lastNewStep >= PATIENCE_STEPS;
    if ((done || stuck) && !this.ended) {
      this.ended = true;
      this.act.pause();
      this.say({ name: "end", view: "machine", lines: this.closing(run, stuck), last: true });
    }
  }

  closing(run, stuck) {
    const missing = this.definitions.filter((definition) => !this.shown.has(definition.name)).map((definition) => definition.title.toLowerCase());
    const lines = [];
    if (stuck) lines.push(`In ${run.step.toLocaleString("en")} steps, nothing more happened: the loss is not falling, and this run will not learn ${this.task.formula}.`);
    if (missing.length) lines.push(`This run never reached: ${missing.join("; ")}.`);
    else lines.push(this.task.finite ? "That is the whole story of this run, from the first bit to the machine and its limits." : "That is the whole story of this run, from the first bit to its limits.");
    lines.push("Try your own settings (fewer hidden units, another cell, another seed), press Reset, and take the tour again.");
    return lines;
  }

  say(stop) {
    this.waiting = true;
    this.act.say(stop);
  }

  // Next: on from the stop shown (training resumes unless another stop is waiting).
  next() {
    if (!this.active) return;
    if (this.ended) return this.finish();
    this.waiting = false;
    if (!this.queue.length) this.act.resume();
  }

  finish() {
    if (!this.active) return;
    this.active = false;
    this.act.end();
  }
}
