// The hidden-state heatmap: one row per hidden unit, one column per time step
// (bit 0 on the right, as in the bit panel), with the true carry drawn above
// and the units that follow the carry most closely marked.

import { fitCanvas } from "./linechart.js";
import { colors, mix } from "./theme.js";

const ROW = 12;
const TOP = 44;
const LEFT = 64;

// Diverging colours around the middle of the range (0 for tanh-like units): the accent below,
// the warm colour above, the panel's background at the middle.
function unitColor(value, low, high) {
  const t = Math.max(0, Math.min(1, (value - low) / (high - low || 1)));
  return mix(colors().panel, t < 0.5 ? colors().accent : colors().warm, Math.abs(2 * t - 1));
}

export function heatmapHeight(units) {
  return TOP + units * ROW + 8;
}

// view: the states of one problem (rnnadd.page hidden_view); carry: {correlations, carryUnits} or null;
// task: as rnnadd.page describes it; its memory ("carry", "borrow") is drawn above the units where it
// has one, darker for a larger value (a carry of 0, 1 or 2).
export function drawHeatmap(canvas, view, carry, task) {
  if (!view) return;
  const units = view.states[0].length;
  const correlations = carry ? carry.correlations : null;
  const wanted = `${heatmapHeight(units)}px`;
  if (canvas.style.height !== wanted) canvas.style.height = wanted;
  const { ctx, width } = fitCanvas(canvas);
  const steps = view.states.length;
  const cell = Math.max(2, Math.min(28, (width - LEFT - 8) / steps));
  // Unbounded units (relu) are scaled to the largest value shown.
  const low = view.low;
  const high = view.high ?? view.states.reduce((largest, row) => Math.max(largest, ...row), 1);
  const x = (t) => LEFT + (steps - 1 - t) * cell;
  const marked = new Set(carry ? carry.carryUnits : []);

  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  ctx.fillStyle = colors().ink;
  ctx.fillText(view.text, 0, 8);
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  if (view.carry) {
    ctx.fillText(task.memory, LEFT - 6, TOP - 12);
    for (let t = 0; t < steps; t += 1) {
      ctx.fillStyle = mix(colors().empty, colors().ink, view.carry[t] / (task.states - 1));
      ctx.fillRect(x(t) + 1, TOP - 18, cell - 2, 12);
    }
  }
  for (let unit = 0; unit < units; unit += 1) {
    const y = TOP + unit * ROW;
    for (let t = 0; t < steps; t += 1) {
      ctx.fillStyle = unitColor(view.states[t][unit], low, high);
      ctx.fillRect(x(t), y, cell, ROW - 1);
    }
    ctx.fillStyle = marked.has(unit) ? colors().bad : colors().muted;
    if (correlations) {
      const r = correlations[unit];
      ctx.fillText(`${marked.has(unit) ? "\u25b6 " : ""}r ${r >= 0 ? "+" : "\u2212"}${Math.abs(r).toFixed(2)}`, LEFT - 6, y + ROW / 2);
    }
    if (marked.has(unit)) {
      ctx.strokeStyle = colors().bad;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(LEFT - 0.5, y - 0.5, steps * cell + 1, ROW);
    }
  }
}

// The view in words, for screen readers; when: "now (step N)" or "at step N of M".
export function describeHeatmap(view, carry, task, when) {
  if (!view) return "Hidden units: not drawn yet";
  const units = carry && carry.carryUnits.length ? `; units following the ${task.memory} most: ${carry.carryUnits.join(", ")}` : "";
  return `Hidden units while the network works out ${view.text}, ${when}${units}`;
}
