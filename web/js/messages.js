// What the page says in words: the status line, start-up stages, and errors.

import { SLOW_CALL_MS } from "./workers.js";
import { lastMilestoneText } from "./milestoneview.js";
import { percent } from "./format.js";

const $ = (id) => document.getElementById(id);
const FRAME_MS = 1000 / 60;

export const ADVICE = {
  runtime:
    "The Python runtime files in this site's pyodide/ folder could not be loaded. If you host this page, copy the whole built folder, pyodide/ included, and serve it over http(s).",
  numpy: "NumPy for the in-browser Python could not be loaded from this site's pyodide/ folder. Rebuild the site with build.py and copy all of it.",
  worker: "The page's training script (js/worker.js) could not be loaded. If you host this page, copy the whole built folder.",
  model: "The RNN package could not be loaded from this site's pyodide/ folder. Rebuild the site with build.py and copy all of it.",
  diverged: "Press Reset to start again, with a lower learning rate or a gradient clip.",
};


function duration(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

// status: window.rnnDemo.status(); trainer: for what is running now.
export function statusText(status, trainer) {
  const { workers } = trainer;
  if (workers.stopping) return "stopping the current step\u2026";
  if (status.phase === "making") return "making a new session\u2026";
  const parts = [status.phase, `step ${status.step.toLocaleString("en")}`];
  if (Number.isFinite(status.loss)) parts.push(`loss ${status.loss.toPrecision(3)}`);
  // A session just loaded or made has trained no batch here yet: no figure rather than a false 0%.
  if (status.exactAllPairs || Number.isFinite(status.loss)) {
    parts.push(`exact-match ${percent(status.exactMatch)} (${status.exactAllPairs ? "all pairs" : "recent batches"})`);
  }
  if (status.phase === "training") parts.push(`${Math.round(status.stepsPerSecond).toLocaleString("en")} steps/s`);
  // Steps slower than a frame say how slow, and a long one shows it is still running.
  if (trainer.stepMs !== null && trainer.stepMs > FRAME_MS) parts.push(`${duration(trainer.stepMs)} per step`);
  if (workers.busyMs() > SLOW_CALL_MS) parts.push(`${trainer.inFlight ? "current step" : "views"} running ${duration(workers.busyMs())}`);
  if (status.solvedAt !== null) parts.push(goalText(status));
  if (status.milestones.length) parts.push(lastMilestoneText(status.milestones));
  return parts.join(" \u00b7 ");
}

// Where training until the goal stopped: solved, or (training until proven) proven or the step limit.
function goalText({ config, solvedAt, provenAt }) {
  if (!config || config.until !== "proven") return `solved at step ${solvedAt}`;
  return provenAt === null ? `no proof by step ${solvedAt}` : `proven at step ${provenAt}`;
}

export function showStage(name, status, ms) {
  $("loading-time").textContent = `${(ms / 1000).toFixed(1)} s`;
  const labels = { loading: "loading\u2026", done: `done at ${(ms / 1000).toFixed(1)} s`, failed: "failed" };
  const stage = $("loading").querySelector(`[data-testid="stage-${name}"]`);
  // A standby worker boots later, while the page is in use: only the first start-up is shown.
  if (!stage || !$("app").hidden) return;
  stage.textContent = labels[status];
  if (status === "done") $("loading").querySelector("progress").value += 1;
}

export function showError(title, message, advice) {
  $("error-title").textContent = title;
  $("error-message").textContent = message;
  $("error-advice").textContent = advice;
  $("error-view").hidden = false;
}

export function hideError() {
  $("error-view").hidden = true;
}
