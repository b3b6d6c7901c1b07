// window.rnnDemo: what tests and tools read of the page (docs/automation.md), plain copies
// of the page's state and the loop's, never the live objects.

const FRAME_SAMPLES = 600;

// The frame loop's intervals while training, the last FRAME_SAMPLES of them.
export class FrameLog {
  constructor() {
    this.intervals = new Float64Array(FRAME_SAMPLES);
    this.count = 0;
    this.last = null;
  }

  frame(now, training) {
    if (training && this.last !== null) {
      this.intervals[this.count % FRAME_SAMPLES] = now - this.last;
      this.count += 1;
    }
    this.last = training ? now : null;
  }

  toArray() {
    return Array.from(this.intervals.subarray(0, Math.min(this.count, FRAME_SAMPLES)));
  }
}

export function pageStatus(state, trainer) {
  return {
    phase: trainer.phase,
    step: trainer.step,
    loss: state.loss,
    exactMatch: state.exactMatch,
    perBit: state.perBit,
    exactAllPairs: state.exactAllPairs,
    solvedAt: trainer.solvedAt,
    provenAt: state.provenAt,
    milestones: state.milestones.reached.map((milestone) => ({ ...milestone })),
    stepsPerSecond: trainer.phase === "training" ? trainer.stepsPerSecond : 0,
    config: state.config && { ...state.config },
    error: trainer.error ?? state.failure,
    loadSeconds: state.loadSeconds,
    pending: trainer.workers.outstanding,
    busyMs: Math.round(trainer.workers.busyMs()), // how long the call in flight the longest has run
    making: trainer.phase === "making", // a session being made (Reset, Load, a new link)
    standby: trainer.workers.standbyState(),
  };
}

export function exposeAutomation(state, trainer, scrubber) {
  window.rnnDemo = Object.freeze({
    status: () => pageStatus(state, trainer),
    lossHistory: () => state.losses.toJSON(),
    frameIntervals: () => state.frames.toArray(),
    timings: () => ({ ...state.timings }),
    hiddenView: () => state.hiddenView && { ...state.carryUnits, a: state.hiddenView.a, b: state.hiddenView.b },
    generalisation: () => state.generalisation.map((row) => ({ ...row })),
    stateSpace: () => state.stateSpace && { ...state.stateSpace },
    offline: () => ({ cache: state.offlineCache, controlled: Boolean(navigator.serviceWorker && navigator.serviceWorker.controller) }),
    timeline: () => ({ at: scrubber.at, kept: [...scrubber.kept], playing: scrubber.playing }),
    panel: () => state.panel.map((row) => ({ ...row })),
    explanation: () => state.explanation && structuredClone(state.explanation),
    memory: () => ({
      jsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
      wasmBytes: trainer.workers.memory.wasmBytes,
    }),
  });
}
