// The bit-prediction panel: for each problem, the true bits of the sum and the
// network's probability of a 1 for each bit, most significant bit on the left
// so the carry travels right to left as in written addition.

import { fitCanvas } from "./linechart.js";
import { colors, mix } from "./theme.js";

const ROW = 38;
const HEADER = 22;

// The panel's background at 0, the accent at 1.
function probabilityColor(p) {
  return mix(colors().panel, colors().accent, p);
}

function decimalOf(bits) {
  let value = 0n;
  for (let i = bits.length - 1; i >= 0; i -= 1) value = value * 2n + (bits[i] ? 1n : 0n);
  return value;
}

// How many of the panel's problems the network gets right (row.truth: the task's answer).
export function rightCount(panel) {
  return panel.filter((row) => decimalOf(row.probs.map((p) => p > 0.5)) === BigInt(row.truth)).length;
}

// Rows are shorter in the embedded view, so that it fits a small frame.
const COMPACT_ROW = 30;

// The panel row under a vertical position in CSS pixels, or -1.
export function rowAt(y, compact = false) {
  return y < HEADER ? -1 : Math.floor((y - HEADER) / (compact ? COMPACT_ROW : ROW));
}

export function bitViewHeight(rows, compact = false) {
  return HEADER + rows * (compact ? COMPACT_ROW : ROW) + 4;
}

// travels: the header over the bits' order, in the task's words (taskwords.js): "carry travels ←".
export function drawBitView(canvas, panel, compact, travels) {
  const row = compact ? COMPACT_ROW : ROW;
  // Within a row: the label's two lines, the true bits, then the network's, as fractions of its height.
  const [line1, line2, targetH] = [Math.round(0.24 * row), Math.round(0.66 * row), Math.round(0.34 * row)];
  const probY = targetH + 4;
  const probH = row - probY - 4;
  const wanted = `${bitViewHeight(panel.length, compact)}px`;
  if (canvas.style.height !== wanted) canvas.style.height = wanted;
  const { ctx, width } = fitCanvas(canvas);
  if (panel.length === 0) return;
  const bits = panel[0].probs.length;
  const labelWidth = Math.min(140, width * 0.34);
  const cell = Math.max(3, Math.min(30, (width - labelWidth - 8) / bits));
  const left = labelWidth;
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = colors().muted;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  ctx.fillText(travels, left, HEADER / 2);
  ctx.textAlign = "right";
  ctx.fillText("bit 0", left + bits * cell, HEADER / 2);

  panel.forEach((problem, index) => {
    const top = HEADER + index * row;
    const answer = decimalOf(problem.probs.map((p) => p > 0.5));
    const truth = BigInt(problem.truth);
    ctx.textAlign = "left";
    ctx.fillStyle = colors().ink;
    ctx.font = "12px system-ui, sans-serif";
    // A wide sum's text is narrowed to the label's column rather than run under the bits.
    ctx.fillText(`${problem.text} = ${truth}`, 0, top + line1, labelWidth - 6);
    ctx.fillStyle = answer === truth ? colors().good : colors().bad;
    ctx.fillText(`net: ${answer} ${answer === truth ? "\u2713" : "\u2717"}`, 0, top + line2, labelWidth - 6);
    for (let bit = 0; bit < bits; bit += 1) {
      const x = left + (bits - 1 - bit) * cell;
      const target = problem.target[bit];
      const p = problem.probs[bit];
      ctx.fillStyle = target ? colors().ink : colors().empty;
      ctx.fillRect(x + 1, top + 2, cell - 2, targetH);
      ctx.fillStyle = probabilityColor(p);
      ctx.fillRect(x + 1, top + probY, cell - 2, probH);
      if ((p > 0.5) !== (target > 0.5)) {
        ctx.strokeStyle = colors().bad;
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 2, top + probY + 1, cell - 4, probH - 2);
      }
    }
  });
}

// The panel's one-line summary, also what it says to screen readers.
export function bitSummary(panel, when) {
  return panel.length ? `${when}: ${rightCount(panel)} of ${panel.length} problems right` : "";
}
