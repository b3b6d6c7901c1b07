// Starting Python: the Pyodide runtime, NumPy and the rnnadd package, all from
// this site's own pyodide/ folder. Reports each stage and how long it took.

export class LoadError extends Error {
  constructor(stage, detail) {
    super(detail);
    this.stage = stage;
  }
}

export async function bootPython(onStage) {
  const started = performance.now();
  const base = new URL("pyodide/", document.baseURI).href;
  const problems = [];
  const stage = async (name, work) => {
    onStage(name, "loading", performance.now() - started);
    try {
      const result = await work();
      onStage(name, "done", performance.now() - started);
      return result;
    } catch (error) {
      onStage(name, "failed", performance.now() - started);
      const detail = [error && error.message ? error.message : String(error), ...problems].join(" ");
      throw new LoadError(name, detail);
    }
  };

  const pyodide = await stage("runtime", async () => {
    const { loadPyodide } = await import(`${base}pyodide.mjs`);
    return loadPyodide({ indexURL: base, stdout: () => {}, stderr: (line) => problems.push(line) });
  });
  // loadPackage reports a failed download through errorCallback and resolves anyway;
  // the import afterwards is what proves the package is there.
  const load = (name, module) => async () => {
    await pyodide.loadPackage(name, { messageCallback: () => {}, errorCallback: (m) => problems.push(m) });
    pyodide.pyimport(module);
  };
  await stage("numpy", load("numpy", "numpy"));
  await stage("model", load("rnnadd", "rnnadd.page"));
  return { pyodide, seconds: (performance.now() - started) / 1000 };
}
