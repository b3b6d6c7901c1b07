// The machine the network became (rnnadd.page explain): its states as circles, each
// transition an arrow labelled "a b / bit written", all inputs that share an arrow on it.
// task: the task as rnnadd.page describes it (its symbols, title, memory, machine's name).

import { percent } from "./format.js";
import { fitCanvas } from "./linechart.js";
import { colors, withAlpha } from "./theme.js";

const RADIUS = 24;
// Beyond this many states, arrows and labels would cover each other: the states are drawn
// small and unlabelled, with a line that says so.
const MAX_LABELLED = 6;
const BEND = 36;

// A state is named after the carry (the borrow) only when the check has shown that the machine is the task's.
function stateNames(explanation, task) {
  const names = [];
  for (let s = 0; s < explanation.states; s += 1) names.push(explanation.equivalent ? `${task.memory} ${s}` : `s${s}`);
  return names;
}

function arrows(explanation, task) {
  const byEnds = new Map();
  explanation.next.forEach((row, from) =>
    row.forEach((to, symbol) => {
      const key = `${from}>${to}`;
      if (!byEnds.has(key)) byEnds.set(key, { from, to, labels: [] });
      byEnds.get(key).labels.push(`${task.symbols[symbol]}/${explanation.out[from][symbol]}`);
    }),
  );
  return [...byEnds.values()];
}

// An arrow's labels, LABELS_PER_LINE to a line: three operands' eight symbols would run over the drawing.
const LABELS_PER_LINE = 4;
const LINE_PX = 14;
const lines = (labels) =>
  Array.from({ length: Math.ceil(labels.length / LABELS_PER_LINE) }, (_, i) => labels.slice(i * LABELS_PER_LINE, (i + 1) * LABELS_PER_LINE).join("  "));

// Lines of text around (x, y) as one label, aligned as the context says, kept inside the canvas.
function fillLines(ctx, texts, x, y) {
  const shift = ctx.textBaseline === "bottom" ? texts.length - 1 : ctx.textBaseline === "middle" ? (texts.length - 1) / 2 : 0;
  const width = ctx.canvas.clientWidth;
  texts.forEach((text, i) => {
    const size = ctx.measureText(text).width;
    const [low, high] = ctx.textAlign === "right" ? [size, width] : ctx.textAlign === "left" ? [0, width - size] : [size / 2, width - size / 2];
    ctx.fillText(text, Math.min(Math.max(x, low + 2), high - 2), y + (i - shift) * LINE_PX);
  });
}

function arrowHead(ctx, x, y, dx, dy) {
  const length = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / length, dy / length];
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x - 9 * ux + 4 * uy, y - 9 * uy - 4 * ux);
  ctx.lineTo(x - 9 * ux - 4 * uy, y - 9 * uy + 4 * ux);
  ctx.closePath();
  ctx.fill();
}

function selfLoop(ctx, centre, node, label) {
  // A loop on the side of the node away from the drawing's centre.
  let [dx, dy] = [node.x - centre.x, node.y - centre.y];
  const length = Math.hypot(dx, dy);
  [dx, dy] = length ? [dx / length, dy / length] : [0, -1];
  const loop = { x: node.x + dx * (RADIUS + 12), y: node.y + dy * (RADIUS + 12) };
  ctx.beginPath();
  ctx.arc(loop.x, loop.y, 14, 0, 2 * Math.PI);
  ctx.stroke();
  const end = { x: loop.x - dy * 14, y: loop.y + dx * 14 };
  arrowHead(ctx, end.x, end.y, -dx, -dy);
  ctx.textAlign = dx > 0.3 ? "left" : dx < -0.3 ? "right" : "center";
  ctx.textBaseline = dy > 0.3 ? "top" : dy < -0.3 ? "bottom" : "middle";
  fillLines(ctx, label, loop.x + dx * 18, loop.y + dy * 18);
}

function link(ctx, from, to, label, bent) {
  const [dx, dy] = [to.x - from.x, to.y - from.y];
  const length = Math.hypot(dx, dy);
  const [nx, ny] = [-dy / length, dx / length];
  const bend = bent ? BEND : 0;
  const control = { x: (from.x + to.x) / 2 + nx * bend, y: (from.y + to.y) / 2 + ny * bend };
  const towards = (point, target) => {
    const [ex, ey] = [target.x - point.x, target.y - point.y];
    const size = Math.hypot(ex, ey) || 1;
    return { x: point.x + (ex / size) * RADIUS, y: point.y + (ey / size) * RADIUS };
  };
  const start = towards(from, control);
  const end = towards(to, control);
  ctx.beginPath();
  ctx.moveTo(start.x, start.y);
  ctx.quadraticCurveTo(control.x, control.y, end.x, end.y);
  ctx.stroke();
  arrowHead(ctx, end.x, end.y, end.x - control.x, end.y - control.y);
  const middle = { x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x, y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y };
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  fillLines(ctx, label, middle.x + nx * (12 + (label.length - 1) * 7), middle.y + ny * (12 + (label.length - 1) * 7));
}

export function drawMachine(canvas, explanation, task) {
  const { ctx, width, height } = fitCanvas(canvas);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = colors().muted;
  if (!explanation) {
    ctx.textAlign = "center";
    ctx.fillText("Read off the weights when training stops", width / 2, height / 2);
    return;
  }
  const count = explanation.states;
  if (count > MAX_LABELLED) {
    drawTangle(ctx, explanation, width, height);
    return;
  }
  const centre = { x: width / 2, y: height / 2 + 6 };
  const ring = count === 1 ? 0 : Math.min(width / 2 - 110, height / 2 - 60);
  const nodes = Array.from({ length: count }, (_, s) => {
    const angle = Math.PI + (2 * Math.PI * s) / count;
    return { x: centre.x + ring * Math.cos(angle), y: centre.y + ring * Math.sin(angle) };
  });
  const all = arrows(explanation, task);
  const ends = new Set(all.map(({ from, to }) => `${from}>${to}`));
  ctx.strokeStyle = colors().ink;
  ctx.fillStyle = colors().ink;
  ctx.lineWidth = 1.3;
  for (const { from, to, labels } of all) {
    const label = lines(labels);
    if (from === to) selfLoop(ctx, centre, nodes[from], label);
    else link(ctx, nodes[from], nodes[to], label, ends.has(`${to}>${from}`));
  }
  // The start: an arrow into state 0 from below.
  const first = nodes[0];
  ctx.beginPath();
  ctx.moveTo(first.x, first.y + RADIUS + 26);
  ctx.lineTo(first.x, first.y + RADIUS + 2);
  ctx.stroke();
  arrowHead(ctx, first.x, first.y + RADIUS, 0, -1);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText("start", first.x, first.y + RADIUS + 28);
  const names = stateNames(explanation, task);
  nodes.forEach((node, s) => {
    ctx.beginPath();
    ctx.arc(node.x, node.y, RADIUS, 0, 2 * Math.PI);
    ctx.fillStyle = colors().panel;
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = colors().ink;
    ctx.textBaseline = "middle";
    ctx.fillText(names[s], node.x, node.y);
  });
}

const share = (value) => percent(value, value === 1 || value === 0 ? 0 : 2); // 100%, 0%, 99.61%

function verdictText(explanation, task) {
  const counter = explanation.counterexample;
  if (!task.finite) {
    return `No finite machine computes ${task.formula}: the one read off these weights has ${explanation.states} states, and a wider width needs more, so no network of fixed size does it for every width.`;
  }
  return counter
    ? `Not ${task.title}: the shortest input on which this machine differs from ${task.machineName} is ${counter.text} (bit ${counter.steps - 1}).`
    : `This machine is ${task.title}, exactly: checked against ${task.machineName} on every input of every length.`;
}

// What the checks established, in words: the verdict, how far the network follows the
// machine, and the longest carry chain it survives.
export function explanationText(explanation, task) {
  const [trained, wide] = explanation.agreement;
  const verdict = verdictText(explanation, task);
  const answers = task.answers;
  const sample = trained.exhaustive ? `all ${trained.pairs.toLocaleString("en")} ${trained.bits}-bit ${answers}` : `${trained.pairs.toLocaleString("en")} random ${trained.bits}-bit ${answers}`;
  const read = `Read from ${explanation.groups} kinds of hidden state (states from which the network writes the same bits over the next two steps, whatever the inputs); ${share(explanation.determinism)} of the network's steps follow the kinds' transitions.`;
  const onTrained = `The network writes this machine's bits on ${share(trained.sums)} of ${sample}`;
  const onWide = wide ? ` and on ${share(wide.sums)} of ${wide.pairs.toLocaleString("en")} random ${wide.bits}-bit ${answers}` : `; checking random 64-bit ${answers}\u2026`;
  const faithful = `${read} ${onTrained}${onWide}${!wide ? "" : trained.sums === 1 && wide.sums === 1 ? "." : ": the machine describes the network only that far."}`;
  const chains = explanation.chains;
  if (!chains) return { verdict, faithful, carry: "", proof: "" };
  let carry = `${task.memory === "borrow" ? "Borrows" : "Carries"} through chains of up to ${chains.longest} bits in 64-bit ${answers} (${chains.sums} tested)`;
  carry += chains.failing ? `; first miss: ${chains.failing.text}, a chain of ${chains.failing.run}.` : ", the longest there are.";
  const proof = explanation.proof ? proofText(explanation.proof, chains) : `The proof for every length (rnnadd/proof.py) is written for addition: none is sought for ${task.formula}.`;
  return { verdict, faithful, carry, proof };
}

// Whether the network itself adds on every input (rnnadd/proof.py), beside the chain test's first miss.
function proofText(proof, chains) {
  if (proof.reason) return `No proof: ${proof.reason}.`;
  if (proof.proven) {
    return `Proven: the network itself writes every bit right on every input of every length. The certificate: ${proof.boxes} boxes of hidden states that no input can leave, found in ${proof.rounds} rounds, every bound widened for the float64 rounding the network runs with.`;
  }
  const n = proof.bounded;
  const inputs = n <= 12 ? `all ${(4 ** n).toLocaleString("en")} inputs of ${n} steps` : `all 4^${n} inputs of ${n} steps`;
  const reach = n === proof.boundedLimit ? `at least ${n}` : `up to ${n}`;
  const miss = chains.failing ? ` The chain test's first wrong sum has a chain of ${chains.failing.run} carries.` : "";
  return `Not proven for every length: the boxes do not close (${proof.failure.text}). Proven for every sum of ${reach} bits: ${inputs}.${miss} Train to be provable adds noise while training, which lets the proof close.`;
}

// Many states: small dots on a ring, a faint line for each transition, no labels.
function drawTangle(ctx, explanation, width, height) {
  const count = explanation.states;
  const centre = { x: width / 2, y: height / 2 + 10 };
  const ring = Math.min(width, height) / 2 - 30;
  const at = (s) => ({
    x: centre.x + ring * Math.cos(Math.PI + (2 * Math.PI * s) / count),
    y: centre.y + ring * Math.sin(Math.PI + (2 * Math.PI * s) / count),
  });
  ctx.strokeStyle = withAlpha(colors().ink, 0.18);
  ctx.lineWidth = 1;
  explanation.next.forEach((row, from) =>
    row.forEach((to) => {
      const [a, b] = [at(from), at(to)];
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.quadraticCurveTo(centre.x, centre.y, b.x, b.y);
      ctx.stroke();
    }),
  );
  for (let s = 0; s < count; s += 1) {
    const { x, y } = at(s);
    ctx.beginPath();
    ctx.arc(x, y, s === 0 ? 6 : 4, 0, 2 * Math.PI);
    ctx.fillStyle = s === 0 ? colors().ink : colors().panel;
    ctx.fill();
    ctx.strokeStyle = colors().ink;
    ctx.stroke();
  }
  ctx.fillStyle = colors().muted;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(`${count} states, too many to label (filled: the start). As the network learns, they merge.`, width / 2, 4);
}

// The machine in words, for screen readers; text: explanationText's.
export function describeMachine(explanation, text) {
  return explanation ? `Machine read off the weights: ${explanation.states} states. ${text.verdict}` : "Machine: read off the weights when training stops";
}
