// The state space: every hidden state of fixed problems, every step, on the two
// directions in which the states vary most (rnnadd.page state_space), coloured by
// the true memory after that step (the carry, the borrow). The selected problem's path is drawn through them.

import { fitCanvas } from "./linechart.js";
import { percent } from "./format.js";
import { colors, withAlpha } from "./theme.js";

// Blue, orange and bluish green (the accent, the warm and the exact-match colour): apart under the
// common colour-vision deficiencies.
const memoryColor = (value) => [colors().accent, colors().warm, colors().exact][value];
const PAD = { left: 10, right: 10, top: 26, bottom: 22 };
const HIT_PX = 8;

function scales(space, width, height) {
  const span = (values) => {
    let low = Infinity;
    let high = -Infinity;
    for (const v of values) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    return [low, high - low || 1];
  };
  const [xLow, xSpan] = span([...space.x, ...space.path.x]);
  const [yLow, ySpan] = span([...space.y, ...space.path.y]);
  return {
    toX: (v) => PAD.left + ((v - xLow) / xSpan) * (width - PAD.left - PAD.right),
    toY: (v) => height - PAD.bottom - ((v - yLow) / ySpan) * (height - PAD.top - PAD.bottom),
  };
}

// The index of the problem whose state is nearest (x, y) in CSS pixels, or -1.
export function problemAt(canvas, space, x, y) {
  if (!space) return -1;
  const { toX, toY } = scales(space, canvas.clientWidth, canvas.clientHeight);
  let best = -1;
  let bestDistance = HIT_PX * HIT_PX;
  for (let i = 0; i < space.x.length; i += 1) {
    const distance = (toX(space.x[i]) - x) ** 2 + (toY(space.y[i]) - y) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  }
  return best < 0 ? -1 : best % space.a.length;
}

// legend: [{value, label}] for each value of the memory (taskwords.memoryValues); none: one colour.
export function drawStateSpace(canvas, space, legend) {
  const { ctx, width, height } = fitCanvas(canvas);
  if (!space) return;
  const { toX, toY } = scales(space, width, height);
  // One path per colour: thousands of dots in two fills.
  for (const { value } of legend.length ? legend : [{ value: 0 }]) {
    ctx.beginPath();
    for (let i = 0; i < space.x.length; i += 1) {
      if (space.carry[i] === value) ctx.rect(toX(space.x[i]) - 1.5, toY(space.y[i]) - 1.5, 3, 3);
    }
    ctx.fillStyle = withAlpha(memoryColor(value), 0.55);
    ctx.fill();
  }
  // The selected problem's path, step by step, ringed at its last state.
  const path = space.path;
  ctx.strokeStyle = colors().ink;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  path.x.forEach((x, t) => (t === 0 ? ctx.moveTo(toX(x), toY(path.y[t])) : ctx.lineTo(toX(x), toY(path.y[t]))));
  ctx.stroke();
  const last = path.x.length - 1;
  ctx.beginPath();
  ctx.arc(toX(path.x[last]), toY(path.y[last]), 4, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.fillStyle = colors().muted;
  ctx.fillText(`\u2192 first component, ${percent(space.explained[0], 0)} of the variance`, PAD.left, height - PAD.bottom + 6);
  ctx.fillText(`\u2191 second, ${percent(space.explained[1], 0)}; path: ${path.text}`, PAD.left, 4);
  ctx.textAlign = "right";
  let right = width - PAD.right;
  for (const { value, label } of [...legend].reverse()) {
    const text = `\u25a0 ${label}`;
    ctx.fillStyle = memoryColor(value);
    ctx.fillText(text, right, 4);
    right -= ctx.measureText(text).width + 10;
  }
}

// The view in words, for screen readers; when: "now (step N)" or "at step N of M".
export function describeStateSpace(space, task, when) {
  if (!space) return "State space: not drawn yet";
  const explained = `${percent(space.explained[0])} and ${percent(space.explained[1])}`;
  return `State space ${when}: ${space.a.length} problems' hidden states on two components explaining ${explained} of their variance${task.finite ? `, coloured by the ${task.memory}` : ""}`;
}
