"""The staged runtime holds only what the app imports (build.py trims it): every page call still runs on it."""

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The staged runtime with the package, as window.runtime, in a document of the runtime's folder
# (without the app).
LOAD_JS = """async () => {
  const { loadPyodide } = await import(new URL("pyodide.mjs", location.href).href);
  window.runtime = await loadPyodide({ indexURL: new URL("./", location.href).href, stdout: () => {} });
  await window.runtime.loadPackage(["numpy", "rnnadd"], { messageCallback: () => {} });
}"""
RUN_JS = "(source) => { const r = window.runtime.runPython(source); return r && r.toJs ? r.toJs() : r; }"


@pytest.fixture(scope="module")
def runtime(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "pyodide/pyodide-lock.json")
    page.evaluate(LOAD_JS)
    yield lambda source: page.evaluate(RUN_JS, source)
    page.close()


def test_every_page_call_runs_in_the_trimmed_runtime_in_chromium(runtime, site_dir):
    staged = zipfile.ZipFile(site_dir / "pyodide" / "python_stdlib.zip").namelist()
    assert "json/decoder.pyc" in staged and "unittest/__init__.pyc" not in staged  # trimmed, and compiled
    wheel = next((site_dir / "pyodide").glob("numpy-*.whl"))
    assert not any(name.startswith(("numpy/f2py/", "numpy/fft/")) for name in zipfile.ZipFile(wheel).namelist())
    runtime((ROOT / "py" / "page_calls.py").read_text())
    modules = runtime("import sys; sorted(sys.modules)")
    assert "rnnadd.machine" in modules and "numpy.linalg" in modules and "rnnadd.notebook" in modules
    assert "numpy.random.mtrand" not in modules and "numpy._core._add_newdocs" not in modules


# A wide network's passes with its recurrent weights laid out by columns (sums.by_columns), and
# again in row order: the same bits, and the product's operand is in column order only when wide.
SAME_BY_COLUMNS_PY = """
import numpy as np
from rnnadd import model
from rnnadd.cells import sums

def passes(params, inputs, targets):
    trace = model.forward(params, inputs)
    grads = model.Network(params.hidden, cell=params.cell)
    model.backward(params, trace, targets, "bce", grads)
    return np.concatenate([trace.hidden.ravel(), grads.flat])

rng = np.random.default_rng(0)
inputs = rng.integers(0, 2, (8, 16, 2)).astype(float)
targets = rng.integers(0, 2, (8, 16)).astype(float)
found = []
for cell, hidden in [("elman", 128), ("gru", 80), ("lstm", 64), ("elman", 16)]:
    params = model.init_params(rng, hidden, "scaled", cell)
    by_columns = sums.by_columns(params.w_hh).flags.f_contiguous
    wide = passes(params, inputs, targets)
    sums.IN_PYODIDE = False
    rows = passes(params, inputs, targets)
    sums.IN_PYODIDE = True
    found.append([cell, hidden, by_columns, bool((wide == rows).all())])
found
"""


def test_wide_weights_laid_out_by_columns_give_the_same_bits_in_pyodide(runtime):
    assert runtime(SAME_BY_COLUMNS_PY) == [
        ["elman", 128, True, True],
        ["gru", 80, True, True],
        ["lstm", 64, True, True],
        ["elman", 16, False, True],
    ]
