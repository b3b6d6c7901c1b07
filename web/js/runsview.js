// The table of kept runs: what differs between them, how fast each solved, its link.

import { checkRecord } from "./runs.js";
import { hashFromConfig } from "./state.js";

const $ = (id) => document.getElementById(id);

function outcome(run) {
  if (run.solvedAt !== null) return [`${run.solvedAt}`, run.solveMs === null ? "" : `${Math.round(run.solveMs)}`];
  if (run.divergedAt !== null) return [`diverged at ${run.divergedAt}`, ""];
  return [`not solved (${run.steps} steps)`, ""];
}

// A notebook replay's record names its fixes "a+b" (or "as written"); its link replays it.
export function linkOf(run) {
  const { notebook } = run.config;
  const fixes = notebook === undefined ? null : notebook === "as written" ? [] : notebook.split("+");
  return new URL(hashFromConfig(run.config, fixes), location.href).href;
}

// The steps of its milestones, numbered as stated ("-": not reached); records from before them: "".
function milestoneSteps(run, definitions) {
  if (!run.milestones) return "";
  const steps = new Map(run.milestones.map(({ name, step }) => [name, step]));
  return definitions.map((definition) => steps.get(definition.name) ?? "\u2013").join(" \u00b7 ");
}

// The machine read off its last weights: "2 states, the task's" or "445 states"; "" before it is read.
function machineText(run) {
  if (!run.machine) return "";
  return `${run.machine.states} states${run.machine.equivalent ? ", the task's" : ""}`;
}

// rows: [{run, color, label, shown}]; onPick(run) when a row is clicked, onShow(run, shown) for its
// checkbox; definitionsOf(run): the milestones of its task, as stated (page.describe).
export function drawRunsTable(body, rows, onPick, onShow, definitionsOf) {
  body.replaceChildren(
    ...rows.map(({ run, color, label, shown }) => {
      const tr = document.createElement("tr");
      tr.tabIndex = 0;
      tr.dataset.testid = "run-row";
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = color;
      const show = Object.assign(document.createElement("input"), { type: "checkbox", checked: shown, title: "draw in the charts" });
      show.dataset.testid = "run-show";
      show.setAttribute("aria-label", `draw ${label} in the charts`);
      show.addEventListener("click", (event) => event.stopPropagation());
      show.addEventListener("change", () => onShow(run, show.checked));
      const name = tr.insertCell();
      name.append(show, " ", swatch, ` ${label}`);
      const finalLoss = run.finalLoss === null ? "" : run.finalLoss.toPrecision(3);
      for (const text of [...outcome(run), finalLoss, machineText(run), milestoneSteps(run, definitionsOf(run))]) tr.insertCell().textContent = text;
      const pick = () => onPick(run);
      tr.addEventListener("click", pick);
      tr.addEventListener("keydown", (event) => event.key === "Enter" && pick());
      return tr;
    }),
  );
}

// The kept runs of a RunLog, with what happens when a row is picked (its link shows) or a run is
// shown or hidden in the charts; definitionsOf(run): its task's milestones; onChange() after.
export function showRuns(log, definitionsOf, onChange) {
  const pick = (run) => {
    const link = linkOf(run);
    $("run-link").replaceChildren(Object.assign(document.createElement("a"), { href: link, textContent: link }));
  };
  const show = (run, shown) => {
    log.show(run.id, shown);
    showRuns(log, definitionsOf, onChange);
  };
  drawRunsTable($("runs-rows"), log.compared().kept, pick, show, definitionsOf);
  $("runs-notice").hidden = log.book.persistent;
  onChange();
}

// Runs from a file (one record or a list, as the page and `rnnadd train --log` write them) into the book.
export async function addRunsFrom(file, book) {
  try {
    const parsed = JSON.parse(await file.text());
    for (const run of (Array.isArray(parsed) ? parsed : [parsed]).map(checkRecord)) book.keep(run);
    $("runs-error").textContent = "";
  } catch (error) {
    $("runs-error").textContent = `${file.name}: not a run record: ${error.message}.`;
  }
}
