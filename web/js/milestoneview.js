// The run's milestones (py/rnnadd/milestones.py) as the page shows them: a numbered list of
// each one's step and what happened, numbered marks over the timeline's slider, and a few
// words for the status line. Picking one (pick(step)) shows the network at that step.

import { keptIndex } from "./timeline.js";

// Marks for the charts: [{step, number}], numbered as the milestones are stated.
export function chartMarks(reached, definitions) {
  return reached.map((milestone) => ({ step: milestone.step, number: numberOf(milestone.name, definitions) }));
}

const numberOf = (name, definitions) => 1 + definitions.findIndex((definition) => definition.name === name);

// "last milestone: the clouds part (step 30)", or "" before the first.
export function lastMilestoneText(reached) {
  const last = reached[reached.length - 1];
  return last ? `last milestone: ${last.title.toLowerCase()} (step ${last.step})` : "";
}

// One item per stated milestone (the list numbers them): reached ones as buttons that show their
// step; the others "not yet", "not reached by step N" (the run paused, every kept step tested), or,
// once it is solved, "not reached in this run".
export function drawMilestoneList(list, definitions, reached, outlook, pick) {
  if (!changed(list, [definitions, reached, outlook])) return;
  const byName = new Map(reached.map((milestone) => [milestone.name, milestone]));
  const items = definitions.map((definition) => {
    const item = document.createElement("li");
    item.dataset.milestone = definition.name;
    const milestone = byName.get(definition.name);
    if (milestone) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${definition.title}: step ${milestone.step}`;
      button.addEventListener("click", () => pick(milestone.step));
      const text = document.createElement("span");
      text.className = "muted";
      text.textContent = ` ${milestone.text}.`;
      item.append(button, text);
    } else {
      item.className = "muted";
      item.textContent = `${definition.title}: ${outlook}.`;
    }
    return item;
  });
  list.replaceChildren(...items);
}

// Numbered marks above the slider, each where its step sits among the kept steps.
export function drawSliderMarks(container, definitions, reached, kept, pick) {
  const span = Math.max(1, kept.length);
  const lefts = reached.map((milestone) => `${(100 * keptIndex(kept, milestone.step)) / span}%`);
  if (!changed(container, [definitions, reached, lefts])) return;
  const marks = reached.map((milestone, i) => {
    const mark = document.createElement("button");
    mark.type = "button";
    mark.className = "milestone-mark";
    const number = numberOf(milestone.name, definitions);
    mark.textContent = String(number);
    mark.setAttribute("aria-label", `Milestone ${number}, ${milestone.title}: show step ${milestone.step}`);
    mark.style.left = lefts[i];
    mark.addEventListener("click", () => pick(milestone.step));
    return mark;
  });
  container.replaceChildren(...marks);
}

// Whether what an element shows would change: rebuilt on every draw of a run, the list and
// the marks cost the page a layout each time.
function changed(element, shown) {
  const key = JSON.stringify(shown);
  if (element.dataset.shown === key) return false;
  element.dataset.shown = key;
  return true;
}

// Each milestone's test, in words, as py/rnnadd/milestones.py states it.
export function drawMilestoneTests(list, definitions) {
  list.replaceChildren(...definitions.map((definition) => Object.assign(document.createElement("li"), { textContent: `${definition.title}: ${definition.test}` })));
}
