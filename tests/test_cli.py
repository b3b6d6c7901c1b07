import json
import subprocess
import sys
from pathlib import Path

import pytest

PY_DIR = Path(__file__).resolve().parent.parent / "py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rnnadd", *args], cwd=PY_DIR, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "weights.json"
    result = run("train", "--seed", "2", "--steps", "1000", "--keep-going", "--save", str(path))
    assert result.returncode == 0, result.stderr
    assert "solved after 1000 steps" in result.stdout
    assert "same weights at 64 bits: exact-match 100.00%" in result.stdout
    assert "steps/s" in result.stdout
    return path


def test_train_stops_when_solved_and_reports_metrics(tmp_path):
    result = run("train", "--hidden", "12", "--activation", "tanh", "--seed", "4", "--steps", "2000")
    assert result.returncode == 0, result.stderr
    assert "12 tanh units" in result.stdout
    solved = [line for line in result.stdout.splitlines() if line.startswith("solved after")]
    assert solved and "exact-match 100.00%" in solved[0] and "every operand pair" in solved[0]
    assert int(solved[0].split()[2]) < 2000


@pytest.mark.parametrize(("a", "b"), [(5, 5), (10, 2), (50, 3), (4, 9), (2**62 + 12345, 2**62 - 1)])
def test_add_prints_the_networks_answer_beside_the_truth(weights, a, b):
    result = run("add", str(a), str(b), "--weights", str(weights))
    assert result.returncode == 0, result.stderr
    network = next(line for line in result.stdout.splitlines() if line.startswith("network:"))
    true = next(line for line in result.stdout.splitlines() if line.startswith("true:"))
    assert network.split("=")[1].strip() == str(a + b)
    assert true.split()[1] == network.split()[1]  # the same bits
    assert true.endswith("right")


def test_load_resumes_the_saved_session(weights, tmp_path):
    resumed = tmp_path / "resumed.json"
    result = run("train", "--load", str(weights), "--steps", "20", "--keep-going", "--save", str(resumed))
    assert result.returncode == 0, result.stderr
    assert json.loads(resumed.read_text())["step"] == json.loads(weights.read_text())["step"] + 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--bits", "70"], "bits must be a whole number from 2 to 64, got 70"),
        (["train", "--learning-rate", "nan"], "learning_rate must be a number in (0, 10], got nan"),
        (["train", "--activation", "softmax"], "activation must be one of sigmoid, tanh, relu"),
        (["train", "--batch-size", "x"], "argument --batch-size: invalid int value: 'x'"),
        (["train", "--steps", "0"], "--steps must be a whole number from 1 to 1000000, got 0"),
        (["train", "--eval-every", "2000000"], "--eval-every must be a whole number from 1 to 1000000, got 2000000"),
        (["train", "--learning-rate", "-inf"], "learning_rate must be a number in (0, 10], got -inf"),
        (["add", "1", "2", "--weights", "/nonexistent.json"], "cannot read /nonexistent.json"),
    ],
)
def test_bad_input_exits_non_zero_with_one_readable_line(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_bad_add_requests(weights, tmp_path):
    assert "a must be a whole number from 0 to 18446744073709551615 (2^64 - 1), got '-3'" in (
        run("add", "-3", "2", "--weights", str(weights)).stderr
    )
    assert "a + b must be below 2^64" in run("add", str(2**63), str(2**63), "--weights", str(weights)).stderr
    assert "a + b must be below 2^8" in run("add", "200", "100", "--bits", "8", "--weights", str(weights)).stderr
    broken = tmp_path / "broken.json"
    broken.write_text(weights.read_text()[:100])
    assert f"{broken}: not a saved session: not valid JSON" in run("add", "1", "2", "--weights", str(broken)).stderr
    changed = json.loads(weights.read_text())
    changed["params"] = changed["params"][:-1]
    broken.write_text(json.dumps(changed))
    assert "snapshot.params must be a list of 321 numbers" in run("add", "1", "2", "--weights", str(broken)).stderr


def test_loaded_session_refuses_new_hyperparameters(weights):
    result = run("train", "--load", str(weights), "--hidden", "8")
    assert result.returncode == 2
    assert "--hidden cannot change a loaded session" in result.stderr
