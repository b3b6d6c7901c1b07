// One request in flight at a time; what is asked meanwhile waits, and of each kind only the
// latest: dragging the timeline over fifty steps, or pressing One step ten times, costs two
// requests, not fifty, and answers to other calls do not queue behind stale ones.

export class LatestQueue {
  // perform(items): sends items ([kind, ...]) and handles the reply; onFailure(error): for the page.
  constructor(perform, onFailure) {
    this.perform = perform;
    this.onFailure = onFailure;
    this.busy = false;
    this.waiting = new Map(); // items asked for meanwhile, by kind
  }

  // Nothing that waits is sent (a new session's views would not be the old one's).
  clear() {
    this.waiting.clear();
  }

  // Resolves once these items, or later ones of their kinds, have been performed.
  async push(items) {
    if (this.busy) {
      for (const item of items) this.waiting.set(item[0], item);
      return;
    }
    this.busy = true;
    try {
      await this.perform(items);
    } catch (error) {
      this.onFailure(error);
    } finally {
      this.busy = false;
    }
    const next = [...this.waiting.values()];
    this.waiting.clear();
    if (next.length) await this.push(next);
  }
}
