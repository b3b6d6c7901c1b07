"""The staged standard library and NumPy are trimmed to what the app imported when the site was built: a
module or a NumPy generator the package uses and the trimmed copy lacks would fail only in the page, so it
fails here first."""

import _imp
import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402


@pytest.fixture(scope="module")
def staged() -> Path:
    site = Path(os.environ.get("RNNADD_SITE") or ROOT / "dist")
    if not os.environ.get("RNNADD_SITE"):
        subprocess.run([sys.executable, ROOT / "build.py", "--out", site], check=True)
    return site / "pyodide"


@pytest.fixture(scope="module")
def staged_stdlib(staged) -> set[str]:
    return set(zipfile.ZipFile(staged / "python_stdlib.zip").namelist())


def stdlib_imports(folder: Path) -> set[str]:
    """Every standard-library module the page's modules of the package import, at any depth, by dotted name."""
    names = set()
    for path in (p for p in folder.rglob("*.py") if p.name not in build.COMMAND_LINE):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return {name for name in names if name.split(".")[0] in sys.stdlib_module_names}


def missing(imports: set[str], staged: set[str], full: set[str]) -> list[str]:
    """The imports whose file the full standard library has and the staged one lacks (the rest are built
    in, or frozen into the runtime, as this Python 3.12 freezes the same ones)."""

    def files(name: str, suffix: str) -> set[str]:
        path = name.replace(".", "/")
        return {f"{path}.{suffix}", f"{path}/__init__.{suffix}"}

    absent = [name for name in imports if files(name, "py") & full and not files(name, "pyc") & staged]
    return sorted(name for name in absent if not _imp.is_frozen(name))


def test_every_standard_module_the_package_imports_is_staged(staged_stdlib):
    full = set(zipfile.ZipFile(build.fetch_runtime("npm") / "python_stdlib.zip").namelist())
    imports = stdlib_imports(ROOT / "py" / "rnnadd")
    assert {"json", "dataclasses"} <= imports
    assert missing(imports, staged_stdlib, full) == []
    # The check itself: a module the app never imports is missing from the staged copy, and is named.
    assert missing(imports | {"fractions", "math"}, staged_stdlib, full) == ["fractions"]


def random_names_used(folder: Path) -> set[str]:
    """Every `np.random.<name>` the page's modules of the package use."""
    names = set()
    for path in (p for p in folder.rglob("*.py") if p.name not in build.COMMAND_LINE):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "np.random":
                names.add(node.attr)
    return names


def test_every_numpy_generator_name_the_package_uses_is_staged(staged):
    """The staged NumPy leaves the legacy generator (np.random.seed, rand, ...) out: the package may
    use only what the staged numpy.random still imports."""
    wheel = zipfile.ZipFile(staged / build.NUMPY_WHEEL)
    assert not any("mtrand" in name or "_mt19937" in name for name in wheel.namelist())
    tree = ast.parse(wheel.read("numpy/random/__init__.py"))
    staged_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    used = random_names_used(ROOT / "py" / "rnnadd")
    assert {"default_rng", "Generator"} <= used
    assert used <= staged_names, sorted(used - staged_names)
    assert "seed" not in staged_names and "rand" not in staged_names  # the check can fail


def code_lines(code) -> list[tuple[str, int]]:
    """Each code object's name and first line, depth first."""
    found = [(code.co_name, code.co_firstlineno)]
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            found += code_lines(const)
    return found


def test_the_pages_package_loses_its_docstrings_and_keeps_its_line_numbers():
    for path in build.package_files():
        source = path.read_text()
        slim = build.without_docstrings(source)
        assert code_lines(compile(slim, path.name, "exec")) == code_lines(compile(source, path.name, "exec"))
        assert len(slim) < len(source) or '"""' not in source
    namespace: dict = {}
    exec(
        compile(
            build.without_docstrings('def f():\n    """Says ünïcode\n    things."""\n    return 1 / 0\n'), "m", "exec"
        ),
        namespace,
    )
    assert namespace["f"].__doc__ == ""
    with pytest.raises(ZeroDivisionError) as raised:
        namespace["f"]()
    assert raised.traceback[-1].lineno + 1 == 4  # the line of `return 1 / 0`, as in the source


def test_bytecode_on_first_lines_only_still_runs_and_names_each_functions_first_line():
    source = "def outer():\n    x = 1\n    def inner():\n        return 1 / 0\n    return inner()\n"
    namespace: dict = {}
    exec(build.first_lines_only(compile(source, "m", "exec")), namespace)
    with pytest.raises(ZeroDivisionError) as raised:
        namespace["outer"]()
    assert [entry.lineno + 1 for entry in raised.traceback[-2:]] == [1, 3]  # the def lines of outer, inner
