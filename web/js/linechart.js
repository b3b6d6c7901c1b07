// Loss and accuracy charts on canvas, sharp on high-density screens.

import { percent } from "./format.js";
import { colors, withAlpha } from "./theme.js";

// Each canvas's CSS size as layout last left it, kept up to date by a ResizeObserver: read
// while drawing, clientWidth forces a layout whenever the frame changed some text before,
// once per canvas drawn (most of a training frame's own time on the page's thread).
const sizes = new WeakMap();
let onResized = () => {};
const observer =
  typeof ResizeObserver === "undefined"
    ? null
    : new ResizeObserver((entries) => {
        let changed = false;
        for (const { target } of entries) {
          const before = sizes.get(target);
          const size = { width: target.clientWidth, height: target.clientHeight };
          changed ||= before.width !== size.width || before.height !== size.height;
          sizes.set(target, size);
        }
        if (changed) onResized();
      });

// redraw(): every view drawn again, since a canvas changed size (a window resized, a panel shown).
export function whenCanvasesResize(redraw) {
  onResized = redraw;
}

function cssSize(canvas) {
  if (!sizes.has(canvas)) {
    sizes.set(canvas, { width: canvas.clientWidth, height: canvas.clientHeight });
    observer?.observe(canvas);
  }
  return sizes.get(canvas);
}

// Size the backing store to the element's CSS size times devicePixelRatio.
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = cssSize(canvas);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

const PAD = { left: 44, right: 10, top: 10, bottom: 22 };

function frame(ctx, width, height, xMax, yTicks) {
  ctx.strokeStyle = colors().line;
  ctx.fillStyle = colors().muted;
  ctx.font = "11px system-ui, sans-serif";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const { y, label } of yTicks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(width - PAD.right, y);
    ctx.stroke();
    ctx.fillText(label, PAD.left - 4, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText("0", PAD.left, height - PAD.bottom + 4);
  ctx.fillText(`step ${Math.round(xMax)}`, width - PAD.right - 30, height - PAD.bottom + 4);
}

function polyline(ctx, xs, ys, length, toX, toY, color, width) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  for (let i = 0; i < length; i += 1) {
    const x = toX(xs[i]);
    const y = toY(ys[i]);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

function emptyNote(ctx, width, height, text) {
  ctx.fillStyle = colors().muted;
  ctx.font = "13px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, width / 2, height / 2);
}

// Loss per step on a log scale, with an exponentially smoothed line over it.
// Kept runs drawn under the current one: [{color, label, steps, values}], and a legend
// naming each (the current run first, in the chart's own colour).
function drawOverlays(ctx, overlays, toX, toY) {
  for (const run of overlays) polyline(ctx, run.steps, run.values, run.steps.length, toX, toY, run.color, 1.5);
}

// Labels longer than most of the chart's width are cut with an ellipsis; the runs table has them whole.
function fitted(ctx, text, room) {
  let shown = text;
  while (shown.length > 1 && ctx.measureText(shown).width > room) shown = shown.slice(0, -2) + "\u2026";
  return shown;
}

function legend(ctx, width, entries) {
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "top";
  entries.forEach(({ color, label }, i) => {
    ctx.fillStyle = color;
    ctx.fillText(fitted(ctx, label, 0.7 * (width - PAD.left - PAD.right)), width - PAD.right - 4, PAD.top + 2 + i * 13);
  });
}

// A vertical line at the step the views look back at (null: none).
function drawCursor(ctx, cursor, toX, height) {
  if (cursor === null) return;
  ctx.strokeStyle = colors().bad;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(toX(cursor), PAD.top);
  ctx.lineTo(toX(cursor), height - PAD.bottom);
  ctx.stroke();
}

// The run's milestones: a dotted line and its number at each one's step.
// Each chart remembers where it drew them, so that a click on one can pick it (markAt).
const drawnMarks = new WeakMap();

function drawMarks(canvas, ctx, marks, toX, height) {
  ctx.strokeStyle = colors().muted;
  ctx.fillStyle = colors().muted;
  ctx.lineWidth = 1;
  ctx.font = "10px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.setLineDash([2, 3]);
  // Milestones of one step share a line and a label ("5,6").
  const byStep = new Map();
  for (const { step, number } of marks) byStep.set(step, [...(byStep.get(step) ?? []), number]);
  for (const [step, numbers] of byStep) {
    ctx.beginPath();
    ctx.moveTo(toX(step), PAD.top + 10);
    ctx.lineTo(toX(step), height - PAD.bottom);
    ctx.stroke();
    ctx.fillText(numbers.join(","), toX(step), PAD.top + 10);
  }
  ctx.setLineDash([]);
  drawnMarks.set(canvas, marks.map(({ step }) => ({ step, x: toX(step) })));
}

// The step of the milestone drawn within a few pixels of offsetX (CSS pixels), or null.
export function markAt(canvas, offsetX) {
  const near = (drawnMarks.get(canvas) ?? []).filter(({ x }) => Math.abs(x - offsetX) <= 6);
  near.sort((a, b) => Math.abs(a.x - offsetX) - Math.abs(b.x - offsetX));
  return near.length ? near[0].step : null;
}

const lastStep = (overlays) => Math.max(1, ...overlays.map((run) => run.steps[run.steps.length - 1] ?? 0));

export function drawLossChart(canvas, series, overlays = [], current = "", cursor = null, marks = []) {
  const { ctx, width, height } = fitCanvas(canvas);
  drawnMarks.delete(canvas);
  if (series.length === 0 && overlays.length === 0) {
    emptyNote(ctx, width, height, "Press Train to start");
    return;
  }
  const { xs, ys, length } = series;
  let low = Infinity;
  let high = -Infinity;
  const widen = (y) => {
    const v = Math.log10(Math.max(y, 1e-12));
    low = Math.min(low, v);
    high = Math.max(high, v);
  };
  for (let i = 0; i < length; i += 1) widen(ys[i]);
  for (const run of overlays) run.values.forEach(widen);
  low = Math.floor(low);
  high = Math.max(Math.ceil(high), low + 1);
  const xMax = Math.max(length ? xs[length - 1] : 1, lastStep(overlays));
  const toX = (x) => PAD.left + (x / xMax) * (width - PAD.left - PAD.right);
  const toY = (y) => PAD.top + ((high - Math.log10(Math.max(y, 1e-12))) / (high - low)) * (height - PAD.top - PAD.bottom);
  const ticks = [];
  for (let e = low; e <= high; e += 1) ticks.push({ y: toY(10 ** e), label: `1e${e}` });
  frame(ctx, width, height, xMax, ticks);
  drawOverlays(ctx, overlays, toX, toY);
  if (overlays.length) legend(ctx, width, [{ color: colors().accent, label: current }, ...overlays]);
  if (length === 0) return;
  polyline(ctx, xs, ys, length, toX, toY, withAlpha(colors().accent, 0.25), 1);
  const smooth = new Float64Array(length);
  let level = Math.log(ys[0]);
  const alpha = Math.min(1, 20 / length + 0.02);
  for (let i = 0; i < length; i += 1) {
    level += alpha * (Math.log(Math.max(ys[i], 1e-12)) - level);
    smooth[i] = Math.exp(level);
  }
  polyline(ctx, xs, smooth, length, toX, toY, colors().accent, 2);
  drawMarks(canvas, ctx, marks, toX, height);
  drawCursor(ctx, cursor, toX, height);
}

// Exact-match and per-bit accuracy (0..1) over steps.
export function drawAccuracyChart(canvas, exact, perBit, overlays = [], cursor = null, marks = []) {
  const { ctx, width, height } = fitCanvas(canvas);
  drawnMarks.delete(canvas);
  if (exact.length === 0 && overlays.length === 0) {
    emptyNote(ctx, width, height, "Accuracy appears while training");
    return;
  }
  const xMax = Math.max(exact.length ? exact.xs[exact.length - 1] : 1, lastStep(overlays));
  const toX = (x) => PAD.left + (x / xMax) * (width - PAD.left - PAD.right);
  const toY = (y) => PAD.top + (1 - y) * (height - PAD.top - PAD.bottom);
  frame(ctx, width, height, xMax, [0, 0.5, 1].map((v) => ({ y: toY(v), label: `${v * 100}%` })));
  drawOverlays(ctx, overlays, toX, toY);
  polyline(ctx, perBit.xs, perBit.ys, perBit.length, toX, toY, colors().perBit, 1.5);
  polyline(ctx, exact.xs, exact.ys, exact.length, toX, toY, colors().exact, 2);
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillStyle = colors().exact;
  ctx.fillText("exact-match", PAD.left + 6, PAD.top + 4);
  ctx.fillStyle = colors().perBit;
  ctx.fillText("per bit", PAD.left + 90, PAD.top + 4);
  drawMarks(canvas, ctx, marks, toX, height);
  drawCursor(ctx, cursor, toX, height);
}

// The charts in words, for screen readers.
export function describeLossChart(loss, step) {
  return Number.isFinite(loss) ? `Loss chart: loss ${loss.toPrecision(3)} at step ${step}` : "Loss chart: no training yet";
}

export function describeAccuracyChart({ exactMatch, exactAllPairs, perBit }, step) {
  return `Accuracy chart: exact-match ${percent(exactMatch)} (${exactAllPairs ? "all pairs" : "recent batches"}), per bit ${percent(perBit)}, at step ${step}`;
}
