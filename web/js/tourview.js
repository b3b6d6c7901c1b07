// The tour's card and highlight: each stop's words in a card that screen readers announce,
// the view it is about scrolled into sight and outlined, and focus on Next.

const $ = (id) => document.getElementById(id);

// The element each stop points at (tour.js names views; the page's elements are here).
const ELEMENTS = { loss: "loss-chart", accuracy: "accuracy-chart", bits: "bit-view", hidden: "hidden-view", space: "state-space", machine: "machine-view", limits: "chain-limit" };
const TITLES = { start: "A guided run", end: "The end of the tour" };

export function showTourStop(stop, titles) {
  for (const element of document.querySelectorAll(".tour-focus")) element.classList.remove("tour-focus");
  const card = $("tour-card");
  card.hidden = false;
  $("tour-title").textContent = TITLES[stop.name] ?? titles[stop.name] ?? stop.name;
  $("tour-text").replaceChildren(...stop.lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
  $("tour-next").textContent = stop.last ? "Close" : "Next";
  card.dataset.stop = stop.name;
  const target = $(ELEMENTS[stop.view]);
  // The compact embedded view has only some of the views: a stop about another shows its words alone.
  if (target && target.offsetParent !== null) {
    target.classList.add("tour-focus");
    target.scrollIntoView({ block: "center", behavior: "instant" });
  }
  $("tour-next").focus({ preventScroll: true });
}

export function hideTourStop() {
  for (const element of document.querySelectorAll(".tour-focus")) element.classList.remove("tour-focus");
  $("tour-card").hidden = true;
  delete $("tour-card").dataset.stop;
}
