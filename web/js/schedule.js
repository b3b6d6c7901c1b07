// Which views of the weights are asked for, and when: some ride with a training chunk as
// often as the page draws a run, the slow ones every SLOW_VIEWS_MS while training, and when
// training stops the slow ones come in one request, then each stopped view in its own, one
// at a time, so that each shows once ready and a call of the page's waits for one at most.
// It knows no DOM and no worker: it hands lists of calls to the trainer's request.

import { LatestQueue } from "./queue.js";

// While training, the page is drawn this far apart at most (20 times a second): drawing each
// frame's chunk took half a core (canvases, text, layout) from the worker on a busy machine.
// The views that ride with chunks come as often: with every chunk (50 a second), most were
// never drawn, and they took 7-17% of the worker's time.
export const TRAINING_DRAW_MS = 50;
// Views that cost more than a chunk refresh at most this often while training.
export const SLOW_VIEWS_MS = 300;

const shownKey = (step, calls) => JSON.stringify([step, calls]);

export class ViewSchedule {
  // views(), slowViews(), stoppedViews(): the calls of each kind (they change with what the page
  // shows); request(calls): values by method, or null; step(): the step the weights are at now;
  // onData(values, why) and onFailure(error): for the page.
  constructor({ views, slowViews, stoppedViews, request, step, onData, onFailure }) {
    Object.assign(this, { views, slowViews, stoppedViews, request, step, onData });
    // At most one refresh waits behind the one in flight: stops in quick succession cost two.
    this.refreshes = new LatestQueue(() => this.refreshOnce(), onFailure);
    this.forget();
  }

  // A new session: its views show nothing yet.
  forget() {
    this.lastViews = -Infinity;
    this.viewsBehind = false; // the last chunk went without the views that ride with chunks
    this.lastSlow = -Infinity;
    this.shown = null; // the slow views last asked for outside the loop, and at which step
  }

  // These slow views came back for the weights of `step` (with a session, say).
  showing(step, slowCalls) {
    this.shown = shownKey(step, slowCalls);
  }

  // The views that ride with a chunk: none until the page draws again, the slow ones every
  // SLOW_VIEWS_MS, but not when they already show these weights, so that a run's first chunk
  // costs only its training.
  withChunk(now) {
    this.viewsBehind = now - this.lastViews < TRAINING_DRAW_MS; // a stop then asks for them
    if (this.viewsBehind) return [];
    this.lastViews = now;
    if (now - this.lastSlow < SLOW_VIEWS_MS) return this.views();
    this.lastSlow = now;
    const slow = this.slowViews();
    const current = shownKey(this.step(), slow) === this.shown;
    this.shown = null;
    return current ? this.views() : [...this.views(), ...slow];
  }

  // Training stopped (or one step was taken): every view of the weights it stopped at.
  refresh() {
    return this.refreshes.push([["refresh"]]);
  }

  // The slow views in one request ("stopped"), with the chunks' views when the last chunk
  // went without them, then each stopped view in its own ("view"), one at a time: a call of
  // the page's (Ask, Train) then waits for one view at most, not for all of them.
  async refreshOnce() {
    const slow = this.slowViews();
    const current = shownKey(this.step(), slow) === this.shown; // they came with a loaded session
    const behind = this.viewsBehind ? this.views() : [];
    this.viewsBehind = false;
    const requests = [[[...behind, ...(current ? [] : slow)], "stopped"], ...this.stoppedViews().map((call) => [[call], "view"])];
    let step = null; // the step of the weights the views show, known once the first reply is in
    for (const [calls, why] of requests.filter(([calls]) => calls.length)) {
      if (step !== null && this.step() !== step) return; // trained on meanwhile: the next stop asks again
      const values = await this.request(calls);
      if (!values) return; // another session's
      // Every chunk sent before them is back by now: they show the current step's weights.
      step ??= this.step();
      if (why === "stopped" && !current) this.showing(step, slow);
      this.onData(values, why);
    }
  }
}
