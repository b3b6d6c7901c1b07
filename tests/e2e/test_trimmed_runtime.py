"""The staged runtime holds only what the app imports (build.py trims it): every page call still runs on it."""

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN_PAGE_CALLS_JS = """async (source) => {
  const { loadPyodide } = await import(new URL("pyodide.mjs", location.href).href);
  const pyodide = await loadPyodide({ indexURL: new URL("./", location.href).href, stdout: () => {} });
  await pyodide.loadPackage(["numpy", "rnnadd"], { messageCallback: () => {} });
  pyodide.runPython(source);
  return pyodide.runPython("import sys; sorted(sys.modules)").toJs();
}"""


def test_every_page_call_runs_in_the_trimmed_runtime_in_chromium(page, base_url, site_dir):
    staged = zipfile.ZipFile(site_dir / "pyodide" / "python_stdlib.zip").namelist()
    assert "json/decoder.pyc" in staged and "unittest/__init__.pyc" not in staged  # trimmed, and compiled
    wheel = next((site_dir / "pyodide").glob("numpy-*.whl"))
    assert not any(name.startswith(("numpy/f2py/", "numpy/fft/")) for name in zipfile.ZipFile(wheel).namelist())
    page.goto(base_url + "pyodide/pyodide-lock.json")  # a document in the runtime's folder, without the app
    modules = page.evaluate(RUN_PAGE_CALLS_JS, (ROOT / "py" / "page_calls.py").read_text())
    assert "rnnadd.machine" in modules and "numpy.linalg" in modules and "rnnadd.notebook" in modules
    assert "numpy.random.mtrand" not in modules and "numpy._core._add_newdocs" not in modules
