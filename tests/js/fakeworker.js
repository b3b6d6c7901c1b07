// A worker stand-in for the trainer's and the workers' tests: records every request and
// answers when the test says so; terminate() fails what is in flight as a stopped worker does.

export function fakePython() {
  const requests = [];
  return {
    requests,
    terminated: false,
    ready: Promise.resolve({}),
    memory: { wasmBytes: 1 },
    send(calls) {
      return new Promise((resolve, reject) => requests.push({ calls, resolve, reject }));
    },
    terminate() {
      this.terminated = true;
      for (const request of requests) request.reject(Object.assign(new Error("stopped"), { stopped: true }));
    },
  };
}
