// The colours the eye must tell apart stay apart for people with the common colour-vision
// deficiencies: each pair is simulated (Machado, Oliveira and Fernandes, 2009, full severity)
// and compared in CIELAB, for the light and the dark theme as style.css states them.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const CSS = readFileSync(new URL("../../web/style.css", import.meta.url), "utf8");

function theme(block) {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map(([, name, hex]) => [name, hex]));
}
const light = theme(CSS.slice(0, CSS.indexOf("@media (prefers-color-scheme: dark)")));
const dark = { ...light, ...theme(CSS.slice(CSS.indexOf("@media (prefers-color-scheme: dark)"))) };

const SIMULATIONS = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
  none: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};

const toLinear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

function lab(rgb) {
  const [r, g, b] = rgb.map(toLinear);
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ].map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29));
  return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
}

function seenAs(hex, matrix) {
  const value = parseInt(hex.slice(1), 16);
  const linear = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => toLinear(c / 255));
  return matrix.map((row) => fromLinear(Math.min(1, Math.max(0, row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]))));
}

function difference(a, b, matrix) {
  const [p, q] = [lab(seenAs(a, matrix)), lab(seenAs(b, matrix))];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

// Pairs shown side by side whose meaning is told by colour alone.
const PAIRS = [
  ["accent", "warm", "the carry's two colours in the state space and the heatmap"],
  ["exact", "per-bit", "the accuracy chart's two lines"],
  ["accent", "panel", "a confident 1 against a confident 0 in the bit panel"],
];
const ENOUGH = 20; // CIELAB units: clearly different at a glance (2.3 is a just-noticeable difference)

for (const [name, colors] of Object.entries({ light, dark })) {
  test(`${name} theme: the paired colours stay apart under every simulated deficiency`, () => {
    for (const [one, other, where] of PAIRS) {
      for (const [deficiency, matrix] of Object.entries(SIMULATIONS)) {
        const apart = difference(colors[one], colors[other], matrix);
        assert.ok(apart >= ENOUGH, `${where} (${one} ${colors[one]}, ${other} ${colors[other]}) under ${deficiency}: ${apart.toFixed(1)}`);
      }
    }
  });
}

test("pairs that colour-blind readers confuse are caught", () => {
  // The accuracy chart's earlier green and orange: far apart for most readers, close with protanopia.
  assert.ok(difference("#1f7a3a", "#c05621", SIMULATIONS.none) >= ENOUGH);
  assert.ok(difference("#1f7a3a", "#c05621", SIMULATIONS.protanopia) < ENOUGH);
  assert.ok(difference("#d62728", "#2ca02c", SIMULATIONS.deuteranopia) < ENOUGH); // red and green
});
