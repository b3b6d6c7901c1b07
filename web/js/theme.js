// The canvases' colours, read from the page's CSS custom properties (style.css), so that
// the light and the dark theme are each stated once and every view follows the one in use.

const NAMES = ["ink", "muted", "line", "accent", "bad", "good", "panel", "empty", "warm", "exact", "per-bit"];
let current = null;

export function colors() {
  if (current === null) {
    const style = getComputedStyle(document.documentElement);
    const camel = (name) => name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
    current = Object.fromEntries(NAMES.map((name) => [camel(name), style.getPropertyValue(`--${name}`).trim()]));
  }
  return current;
}

// The system's theme changed: read the colours again at the next draw.
export function forgetColors() {
  current = null;
}

function channels(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

// From colour `from` (t = 0) to colour `to` (t = 1).
export function mix(from, to, t) {
  const [a, b] = [channels(from), channels(to)];
  const [r, g, bl] = a.map((c, i) => Math.round(c + (b[i] - c) * t));
  return `rgb(${r}, ${g}, ${bl})`;
}

export function withAlpha(hex, alpha) {
  return `rgba(${channels(hex).join(", ")}, ${alpha})`;
}
