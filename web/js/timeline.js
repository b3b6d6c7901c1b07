// Looking back through training: which kept step the views show (null: now), playing
// through the kept steps, and asking for each position's views without queueing stale
// ones. It knows no DOM; the training session is never touched.

import { LatestQueue } from "./queue.js";

// A replay from the first kept step to the last takes about this long, one frame at least per step.
export const PLAY_MS = 3000;
// The costly views (the machine, wider numbers) wait until the position has rested this long.
export const SETTLE_MS = 250;

// The position of `step` among the kept steps (increasing): the first kept at or after it, else
// the position after the last (now).
export function keptIndex(kept, step) {
  const i = kept.findIndex((keptStep) => keptStep >= step);
  return i < 0 ? kept.length : i;
}

export class Scrubber {
  // request(calls): values by method, or null (trainer.request); quickViews(at) and
  // restingViews(at): the calls that show a position; onData(values) and onFailure(error): for the page.
  constructor({ request, quickViews, restingViews, onData, onFailure, now }) {
    Object.assign(this, { quickViews, restingViews });
    // A position's views, one request at a time, only the latest of each waiting.
    this.views = new LatestQueue(async (calls) => {
      const values = await request(calls);
      if (values) onData(values);
    }, onFailure ?? ((error) => console.error(error)));
    this.now = now ?? (() => performance.now());
    this.reset();
  }

  reset() {
    this.kept = []; // steps the session's timeline holds, increasing
    this.at = null;
    this.playing = false;
    this.nextPlayAt = 0;
    this.playMs = 0;
    this.movedAt = -Infinity;
    this.views.clear(); // the last session's positions are not asked for
    this.rested = true; // the costly views show the current position
  }

  setKept(steps) {
    this.kept = steps;
  }

  // The position of `at` among the kept steps; the live weights come after the last.
  index() {
    return this.at === null ? this.kept.length : keptIndex(this.kept, this.at);
  }

  // Show the kept step at `index` (the last index and past it: now).
  moveTo(index) {
    const at = index >= this.kept.length ? null : this.kept[Math.max(0, index)];
    if (at === this.at && this.rested) return;
    this.at = at;
    this.movedAt = this.now();
    this.rested = false;
    this.views.push(this.quickViews(at));
  }

  live() {
    this.playing = false;
    this.moveTo(this.kept.length);
  }

  // Through the kept steps up to `lastStep` (the solved step, say) at a watchable pace.
  play(lastStep = null) {
    const end = lastStep === null ? this.kept.length - 1 : this.kept.filter((step) => step <= lastStep).length - 1;
    if (end < 1) return;
    this.playEnd = end;
    this.playMs = Math.max(16, PLAY_MS / end);
    this.playing = true;
    this.moveTo(this.index() >= end ? 0 : this.index());
    this.nextPlayAt = this.now() + this.playMs;
  }

  pause() {
    this.playing = false;
  }

  // Called every animation frame.
  tick(now) {
    if (this.playing && now >= this.nextPlayAt) {
      const next = this.index() + 1;
      this.nextPlayAt += this.playMs; // from the schedule, not from this frame: no drift
      if (next >= this.playEnd) this.playing = false;
      this.moveTo(Math.min(next, this.playEnd));
    }
    if (!this.rested && !this.playing && now - this.movedAt >= SETTLE_MS) {
      this.rested = true;
      this.views.push(this.restingViews(this.at));
    }
  }
}
