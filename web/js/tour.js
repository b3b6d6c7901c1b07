// The guided tour: a run trained at a pace one can follow, stopped at each of its milestones as
// it happens, with the view that shows it and a few plain words. It knows no DOM: the page
// passes in what it does (pause, resume, show a step, say a stop, end) and calls update()
// every frame with what the run has reached.

// Steps per second from the step reached: two a second early on, where the milestones come,
// then faster (a tenth of the step a second), so that a run of about 50 steps takes about
// 20 s and one of 110 about 30 s, besides the stops.
export const tourPace = (step) => Math.max(2, step / 10);
// A run that reaches no new milestone for this many steps is not going to: the tour says so.
export const PATIENCE_STEPS = 1000;

// The view each milestone is seen in, and what it means for adding.
export const STOPS = {
  first_bit: {
    view: "bits",
    say: (m) => [
      `Bit 0 is now right on every pair (step ${m.step}), while ${Math.round(100 * m.exact)}% of whole sums are.`,
      "The lowest bit of a sum is a xor b: no carry comes into it, so the network can get it right without remembering anything.",
      "Every other bit needs the carry from the bit before.",
    ],
  },
  carry: {
    view: "hidden",
    say: (m) => [
      `Unit ${m.unit} now follows the carry (correlation ${m.correlation.toFixed(2)}), at step ${m.step}.`,
      "To add, the network has to remember one thing from bit to bit: whether there is a carry. In the hidden units, that unit changes with the carry row below them.",
    ],
  },
  clouds: {
    view: "space",
    say: (m) => [
      `The clouds part (step ${m.step}): one straight line now splits the hidden states after a carry from the others (${(100 * m.split).toFixed(1)}%).`,
      "The network's memory has two clearly different conditions now: carry and no carry.",
    ],
  },
  machine: {
    view: "machine",
    say: (m) => [
      `Read off its hidden states, the network is now the adding machine itself (step ${m.step}).`,
      "Two states, carry 0 and carry 1, and from each the same moves and bits as binary addition: this is exactly what it has to compute.",
    ],
  },
  solved: {
    view: "accuracy",
    say: (m) => [`Every pair is right at the training width, at step ${m.step}: solved.`, "Training stops here."],
  },
  limits: {
    view: "limits",
    say: (m) => [
      m.failing
        ? `The same weights on 64-bit sums: right through carry chains of ${m.longest}, then wrong on ${m.failing.a} + ${m.failing.b}.`
        : `The same weights on 64-bit sums: right on every tested sum, carry chains of up to ${m.longest} included.`,
      "A carry kept in real numbers can fade over a long chain of carries; the machine above says what the network would do if it never faded.",
    ],
  },
};

export class Tour {
  // act: {pause(), resume(), show(step), say(stop), end()}; stop: {name, view, lines, last}.
  constructor(act) {
    this.act = act;
    this.active = false;
  }

  start(definitions) {
    Object.assign(this, { active: true, definitions, shown: new Set(), queue: [], waiting: false, lastNewStep: 0, ended: false });
    this.waiting = true;
    this.act.say({
      name: "start",
      view: "loss",
      lines: [
        "This network reads two numbers bit by bit, lowest bit first, and writes their sum.",
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
      this.say({ name: milestone.name, view: stop.view, lines: stop.say(milestone), last: false });
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
    if (stuck) lines.push(`In ${run.step.toLocaleString("en")} steps, nothing more happened: the loss is not falling, and this run will not learn to add.`);
    if (missing.length) lines.push(`This run never reached: ${missing.join("; ")}.`);
    else lines.push("That is the whole story of this run, from the first bit to the machine and its limits.");
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
