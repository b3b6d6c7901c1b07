import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rnnadd import Session, cli, saved

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


def test_an_unwritable_save_path_is_refused_before_any_training(tmp_path):
    for path, message in [
        (tmp_path / "missing" / "out.json", f"the folder {tmp_path / 'missing'} does not exist"),
        (tmp_path, "is a folder; give a file name"),
    ]:
        result = run("train", "--steps", "50", "--save", str(path))
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert message in result.stderr and "training" not in result.stdout


def test_a_save_that_fails_after_training_goes_to_a_fallback_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    session = Session(seed=1)
    session.step(3)
    assert not cli.save(session, tmp_path / "gone" / "out.json", io.StringIO())
    fallback = next(tmp_path.glob("rnnadd-session-step3-*.json"))
    assert saved.from_text(fallback.read_text()).step_count == 3
    error = capsys.readouterr().err
    assert "cannot save to" in error and f"saved to {fallback} instead" in error


def test_a_failed_write_leaves_no_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("the previous session")

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "replace", refuse)
    with pytest.raises(OSError):
        cli.write_atomically(target, "x" * 1000)
    assert target.read_text() == "the previous session"
    assert list(tmp_path.iterdir()) == [target]


def test_ctrl_c_stops_after_the_current_step_saves_and_exits_130(tmp_path):
    path = tmp_path / "stopped.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "rnnadd", "train", "--steps", "1000000", "--keep-going", "--save", str(path)],
        cwd=PY_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().startswith("training")
    assert process.stdout.readline().startswith(("step", "milestone"))  # progress: training is under way
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    stopped = [line for line in out.splitlines() if line.startswith("stopped at step")]
    assert stopped and stopped[0].endswith("(Ctrl-C)")
    step = int(stopped[0].split()[3])
    assert json.loads(path.read_text())["step"] == step > 0


def test_progress_shows_every_second_even_while_one_step_takes_longer():
    process = subprocess.Popen(
        [sys.executable, "-m", "rnnadd", "train", "--hidden", "1024", "--bits", "64", "--batch-size", "2048"],
        cwd=PY_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().startswith("training")
        lines = [process.stdout.readline() for _ in range(3)]
    finally:
        process.kill()
        process.communicate()
    # Three lines while the first step still runs: they come by the clock, not once a step is done
    # (how far apart, about a second, is bench/pacing.py's figure).
    assert all(line.startswith("step      0") for line in lines), lines
    assert "first step running" in lines[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000, "not a saved session: its JSON is nested too deeply"),
        (bytes(range(256)) * 4, "not a saved session: not UTF-8 text"),
    ],
)
def test_files_that_are_not_sessions_are_named_in_the_message(tmp_path, content, message):
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    result = run("add", "1", "2", "--weights", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{path}: {message}" in result.stderr


@pytest.mark.parametrize(
    ("operand", "shown"), [("\u00b2", "'\u00b2'"), ("\u0661\u0662", "'\u0661\u0662'"), ("9" * 5000, "'999")]
)
def test_odd_operands_name_the_field_and_range(weights, operand, shown):
    result = run("add", operand, "2", "--weights", str(weights))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"a must be a whole number from 0 to 18446744073709551615 (2^64 - 1), got {shown}" in result.stderr


def test_help_states_ranges_as_they_are_checked():
    text = " ".join(run("train", "--help").stdout.split())
    assert "a whole number from 0 to 4294967295" in text
    assert "a number in (0, 10]" in text
    assert "e+09" not in text


def test_a_file_larger_than_any_session_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(400_000_000)  # sparse: costs no disk
    result = run("add", "1", "2", "--weights", str(huge))
    assert result.returncode == 2
    largest = saved.largest_bytes()
    assert f"{huge}: not a saved session: 400,000,000 bytes, more than any session ({largest:,} bytes)" in result.stderr


def test_the_notebook_replays_as_it_printed_and_each_fix_is_a_flag():
    result = run("train", "--notebook", "--steps", "101")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:4] == [
        "Epoch: 0 Train Error: 0.38625409931722154",
        "---------------------------------------",
        "60 + 33 = [1 0 1 1 1 0 1 0] (93), Prediction: [[0.24 0.21 0.11 0.13 0.12 0.13 0.11 0.07]]",
    ]
    assert lines[-1].startswith("not solved after 101 epochs")
    fixed = run("train", "--notebook", "--steps", "101", "--fix", "biases", "--fix", "derivatives")
    assert "fixed: biases, derivatives" in fixed.stdout and fixed.stdout.splitlines()[5] != lines[5]
    for args, message in [
        (["--fix", "biases"], "--fix goes with --notebook"),
        (["--notebook", "--hidden", "3"], "--hidden does not apply to --notebook"),
        (["--notebook", "--fix", "everything"], "argument --fix: invalid choice: 'everything'"),
    ]:
        refused = run("train", *args)
        assert refused.returncode == 2 and message in refused.stderr


def test_log_writes_the_runs_record_the_page_compares(tmp_path):
    path = tmp_path / "run.json"
    result = run("train", "--seed", "3", "--steps", "2000", "--log", str(path))
    assert result.returncode == 0, result.stderr
    logged = json.loads(path.read_text())
    solved = next(line for line in result.stdout.splitlines() if line.startswith("solved after"))
    assert logged["format"] == "rnnadd-run" and logged["config"]["seed"] == 3
    assert logged["solvedAt"] == logged["steps"] == int(solved.split()[2])
    assert logged["solveMs"] > 0 and logged["divergedAt"] is None
    assert len(logged["loss"]["steps"]) == logged["steps"] <= 512 and logged["loss"]["steps"][0] == 1
    assert logged["finalLoss"] == logged["loss"]["values"][-1]


def test_a_long_runs_curves_merge_to_at_most_512_points():
    from rnnadd import runs

    merged = runs.merged(range(1, 1301), [float(v) for v in range(1, 1301)])
    assert len(merged["steps"]) <= 512 and merged["steps"][0] == 2.5 and merged["values"][0] == 2.5


def test_explain_prints_the_machine_its_verdict_and_how_far_it_holds(weights, tmp_path):
    result = run("explain", "--weights", str(weights))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("machine read off the weights: 2 states")
    assert [line.split() for line in lines[2:4]] == [
        ["0", "0/0", "0/1", "0/1", "1/0"],
        ["1", "0/1", "1/0", "1/0", "1/1"],
    ]
    assert "verdict: the machine is binary addition, on every input of every length" in lines
    assert "on 100.00% of 8-bit sums (100.000% of bits; every pair, 16,384)" in result.stdout
    assert "carries through chains of up to" in lines[-2]
    assert lines[-1].startswith("proof: not proven for every length, the boxes do not close (a box of carry-")
    assert "proven for every sum of up to" in lines[-1]
    as_json = json.loads(run("explain", "--weights", str(weights), "--json").stdout)
    assert as_json["equivalent"] and as_json["next"] == [[0, 0, 0, 1], [0, 1, 1, 1]]
    assert [row["bits"] for row in as_json["agreement"]] == [8, 64]
    assert not as_json["proof"]["proven"] and as_json["proof"]["bounded"] >= 1

    early = tmp_path / "early.json"
    assert run("train", "--seed", "2", "--steps", "3", "--save", str(early)).returncode == 0
    verdict = next(line for line in run("explain", "--weights", str(early)).stdout.splitlines() if "verdict" in line)
    a, b = verdict.split("differ is ")[1].split(", at bit")[0].split(" + ")
    answer = run("add", a, b, "--weights", str(early)).stdout
    assert answer.rstrip().splitlines()[2].split()[-1] == "WRONG"  # the network really gets it wrong


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain"], "the following arguments are required: --weights"),
        (["explain", "--weights", "missing.json"], "cannot read missing.json: No such file or directory"),
    ],
)
def test_explain_refuses_bad_input_in_one_line(args, message):
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rnnadd") and line.endswith(f"error: {message}")


def test_train_until_proven_trains_past_solved_and_explain_repeats_the_proof(tmp_path):
    path = tmp_path / "provable.json"
    result = run("train", "--hidden-noise", "0.3", "--until", "proven", "--seed", "3", "--save", str(path))
    assert result.returncode == 0, result.stderr
    solved = next(line for line in result.stdout.splitlines() if line.startswith("solved after"))
    steps = int(solved.split()[2])
    assert steps % 250 == 0 and steps > 250  # past solved (under 150 steps), at a proof check
    proof_line = "proof: proven for every sum of every length (an invariant of "
    assert proof_line in result.stdout
    explained = run("explain", "--weights", str(path)).stdout.splitlines()
    assert explained[-1].startswith(proof_line)
    assert json.loads(path.read_text())["config"]["hidden_noise"] == 0.3
