"""Command line: `python -m rnnadd train ...`, `add A B --weights FILE` and `explain --weights FILE`."""

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import fields
from pathlib import Path
from typing import TextIO

import numpy as np

from . import encoding, evaluation, machine, milestones, model, notebook, runs, saved
from .cells.symbols import symbol_bits
from .page import PageSession
from .session import MAX_STEPS_PER_CALL, Config, Session
from .tasks import TASKS

FIELD_TYPES = {"int": int, "float": float, "str": str}
# The longest a training chunk should take, so that progress and Ctrl-C are seen promptly.
CHUNK_SECONDS = 0.25
PROGRESS_SECONDS = 1.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # One readable line instead of argparse's usage block.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _value_flags(parser: argparse.ArgumentParser) -> set[str]:
    return {
        flag
        for action in parser._actions
        for flag in action.option_strings
        if action.nargs is None and not isinstance(action, argparse._StoreConstAction)
    }


def _attach_negative_values(argv: list[str], flags: set[str]) -> list[str]:
    """`--learning-rate -inf` as `--learning-rate=-inf`: argparse takes "-inf" for an option."""
    joined, i = [], 0
    while i < len(argv):
        if argv[i] in flags and i + 1 < len(argv) and argv[i + 1].startswith("-") and argv[i + 1] not in flags:
            joined.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            joined.append(argv[i])
            i += 1
    return joined


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rnnadd", description="An RNN in NumPy that learns binary addition.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a network, showing progress")
    defaults = Config()
    for field in fields(Config):
        train.add_argument(
            "--" + field.name.replace("_", "-"),
            type=FIELD_TYPES[field.type if isinstance(field.type, str) else field.type.__name__],
            default=None,
            help=f"{Config.allowed(field.name)} (default {getattr(defaults, field.name)})",
        )
    train.add_argument("--steps", type=int, default=5000, help=f"most steps to run, 1 to {MAX_STEPS_PER_CALL}")
    train.add_argument("--keep-going", action="store_true", help="run all --steps even once solved")
    train.add_argument(
        "--notebook", action="store_true", help="replay the notebook this project started from, defects and all"
    )
    train.add_argument(
        "--fix",
        action="append",
        choices=[name.replace("_", "-") for name in notebook.FIXES],
        default=[],
        help="with --notebook: fix one of its defects (repeat for more)",
    )
    train.add_argument("--save", type=Path, help="write the trained session to this JSON file")
    train.add_argument("--load", type=Path, help="resume the session saved in this JSON file")
    train.add_argument("--log", type=Path, help="write the run's record (curves, steps to solve) to this JSON file")

    add = commands.add_parser("add", help="ask a trained network for a + b (or a - b, ..., for the task it learnt)")
    add.add_argument("a", help=f"0 to {encoding.MAX_OPERAND}")
    add.add_argument("b", help=f"0 to {encoding.MAX_OPERAND}")
    add.add_argument("--weights", type=Path, required=True, help="a JSON file written by train --save")
    add.add_argument("--bits", type=int, help="width to add at (default: the trained width, wider if needed)")
    add.add_argument("--at-step", type=int, help="answer as the network did at this step, one the file's timeline kept")

    explain = commands.add_parser("explain", help="read the machine a trained network became, and check it")
    explain.add_argument("--weights", type=Path, required=True, help="a JSON file written by train --save")
    explain.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def load_session(path: Path) -> Session:
    """A saved session from a file; every failure is a ValueError naming the file."""
    try:
        return saved.read(path)
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def _check_count(flag: str, value: int) -> None:
    if not 1 <= value <= MAX_STEPS_PER_CALL:
        raise ValueError(f"{flag} must be a whole number from 1 to {MAX_STEPS_PER_CALL}, got {value}")


def check_writable(path: Path) -> None:
    """Refuses, before any training, a save path that cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"--save {path}: is a folder; give a file name")
    if not folder.is_dir():
        raise ValueError(f"--save {path}: the folder {folder} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".rnnadd-check-"):
            pass
    except OSError as error:
        raise ValueError(f"--save {path}: cannot write in {folder}: {error.strerror}") from None


def write_atomically(path: Path, text: str) -> None:
    """The whole file or nothing: a temporary file in the same folder, then a rename."""
    handle, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def save(session: Session, path: Path, out: TextIO) -> bool:
    """Writes the session to `path`, or, when that fails, to a fallback file that it names."""
    text = saved.to_text(session)
    try:
        write_atomically(path, text)
        out.write(f"saved to {path}\n")
        return True
    except OSError as error:
        print(f"rnnadd: cannot save to {path}: {error.strerror}", file=sys.stderr)
    name = f"rnnadd-session-step{session.step_count}-{int(time.time())}.json"
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        try:
            write_atomically(folder / name, text)
            print(f"rnnadd: the session was saved to {folder / name} instead", file=sys.stderr)
            return False
        except OSError:
            continue
    print("rnnadd: the session could not be saved anywhere", file=sys.stderr)
    return False


class _Progress:
    """The status line: rewritten in place on a terminal, printed every second otherwise.

    A thread shows it while a step runs, so that even a step that takes minutes
    shows signs of life.
    """

    def __init__(self, out: TextIO, session: Session) -> None:
        self.out = out
        self.live = out.isatty()
        self.session = session
        self.started = time.perf_counter()
        self.first_step = session.step_count
        self.loss: float | None = None
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "_Progress":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.done.wait(PROGRESS_SECONDS):
            self.show()

    def line(self) -> str:
        session = self.session
        steps = session.step_count - self.first_step
        seconds = time.perf_counter() - self.started
        parts = [f"step {session.step_count:>6}"]
        if self.loss is not None:
            parts.append(f"loss {self.loss:.4f}")
        if session.last_batch_accuracy is not None:
            per_bit, exact = session.last_batch_accuracy
            parts.append(f"exact {exact:7.2%}  bits {per_bit:7.2%} (recent batches)")
        if steps:
            parts.append(f"{steps / seconds:,.1f} steps/s  {1000 * seconds / steps:,.1f} ms/step")
        else:
            parts.append(f"first step running for {seconds:.0f} s")
        return "  ".join(parts)

    def note(self, text: str) -> None:
        """A line of its own above the status line (a milestone reached)."""
        with self.lock:
            self.out.write(("\r" + text.ljust(78) if self.live else text) + "\n")
            self.out.flush()

    def show(self, final: bool = False) -> None:
        with self.lock:
            text = self.line()
            if self.live:
                self.out.write("\r" + text.ljust(78) + ("\n" if final else ""))
            else:
                self.out.write(text + "\n")
            self.out.flush()


class _StopRequest:
    """Ctrl-C ends training at the end of the current step; a second one interrupts at once."""

    def __init__(self) -> None:
        self.requested = False

    def __enter__(self) -> "_StopRequest":
        self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, self.previous)

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGINT, self.previous)


def replay_notebook(args: argparse.Namespace, out: TextIO) -> int:
    """`train --notebook`: the notebook's own training, printed as it printed it."""
    _check_count("--steps", args.steps)
    for flag in ("save", "load", *(f.name for f in fields(Config) if f.name != "seed")):
        if getattr(args, flag) not in (None, False):
            raise ValueError(f"--{flag.replace('_', '-')} does not apply to --notebook, which keeps the notebook's own")
    fixes = notebook.Fixes(**{name.replace("-", "_"): True for name in args.fix})
    fixed = ", ".join(args.fix) or "none"
    out.write(f"the notebook as written, {args.steps} epochs of one example, seed {args.seed or 0}; fixed: {fixed}\n")
    rnn = notebook.NotebookRnn(fixes, args.seed or 0)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in rnn.train(args.steps):
            for line in notebook.printout(epoch):
                out.write(line + "\n")
    # Judged by the real model's evaluation of the same weights: every pair of operands below 2^7.
    params = model.Network(notebook.HIDDEN, activation="sigmoid")
    rnn.copy_into(params)
    accuracy = evaluation.evaluate(params, notebook.DIGITS)
    verdict = "solved" if accuracy.exact_match == 1.0 else "not solved"
    out.write(f"{verdict} after {args.steps} epochs: exact-match {accuracy.exact_match:.2%} on every operand pair\n")
    return 0


def train(args: argparse.Namespace, out: TextIO) -> int:
    if args.notebook:
        return replay_notebook(args, out)
    if args.fix:
        raise ValueError("--fix goes with --notebook")
    _check_count("--steps", args.steps)
    given = {f.name: getattr(args, f.name) for f in fields(Config) if getattr(args, f.name) is not None}
    if args.load:
        if given:
            raise ValueError(
                f"--{next(iter(given)).replace('_', '-')} cannot change a loaded session; drop it or --load"
            )
        session = load_session(args.load)
    else:
        # A task's suggested settings (tasks.py) where the command line gives none.
        session = Session(Config(**{**TASKS[given.get("task", "add")].suggested, **given}))
    for path in (args.save, args.log):
        if path:
            check_writable(path)
    c = session.config
    out.write(
        f"training {c.bits}-bit {session.task.title} ({session.task.formula}): {c.units()}, "
        f"{c.optimizer} lr {c.learning_rate:g}, "
        f"{c.loss} loss, batch {c.batch_size}, seed {c.seed}\n"
    )
    # The page's own training call: the same chunks of steps, the same "solved" (the first step
    # whose weights reach the goal) and the same reply; only the chunks' size is the terminal's.
    run = PageSession(session)
    started = time.perf_counter()
    trained, step_seconds, train_seconds = 0, None, 0.0
    first_step, losses_seen, exact_seen = session.step_count + 1, [], ([], [])
    solved_at = solve_ms = None
    found = run.found
    found.update(session.timeline.steps, session.timeline.weights)  # a loaded session's run so far: not news
    with _Progress(out, session) as progress, _StopRequest() as stop:
        while trained < args.steps and not stop.requested:
            # Chunks of about CHUNK_SECONDS, one step alone first to measure.
            chunk = 1 if step_seconds is None else max(1, int(CHUNK_SECONDS / step_seconds))
            chunk_started = time.perf_counter()
            # --keep-going trains on once solved, as Train pressed again does in the page.
            reply = run.train(min(chunk, args.steps - trained), until_solved=solved_at is None)
            seconds = time.perf_counter() - chunk_started
            train_seconds += seconds
            steps = len(reply["losses"])
            trained += steps
            losses_seen.extend(reply["losses"])
            if steps:
                if not reply["solved"]:  # a chunk that ends solved also checked every pair
                    step_seconds = seconds / steps
                exact_seen[0].append(reply["step"])
                exact_seen[1].append(reply["batchExact"])
                progress.loss = reply["losses"][-1]
            for reached in found.update(session.timeline.steps, session.timeline.weights):
                progress.note(milestone_line(reached))
            if reply["error"]:
                progress.show(final=True)
                out.write(f"{reply['error']}\n")
                if args.log:
                    diverged_at = reply["step"] + 1
                    log_run(args.log, session, losses_seen, exact_seen, None, None, diverged_at, first_step, found, out)
                if args.save:
                    save(session, args.save, out)
                return 1
            if reply["solved"]:
                solved_at, solve_ms = reply["step"], 1000 * train_seconds
                if not args.keep_going:
                    break
        progress.show(final=True)
    if stop.requested:
        out.write(f"stopped at step {session.step_count} (Ctrl-C)\n")
        if args.save:
            save(session, args.save, out)
        return 130
    seconds = time.perf_counter() - started
    accuracy = session.evaluate()
    scope = "every operand pair" if accuracy.exhaustive else f"{accuracy.pairs:,} sampled pairs"
    out.write(
        f"{'solved' if accuracy.exact_match == 1.0 else 'not solved'} after {session.step_count} steps "
        f"({trained} this run, {seconds:.2f} s): exact-match {accuracy.exact_match:.2%}, "
        f"per-bit {accuracy.per_bit:.2%} on {scope}\n"
    )
    for bits in evaluation.wider_widths(c.bits):
        wide = session.evaluate(bits=bits)
        out.write(f"  same weights at {bits} bits: exact-match {wide.exact_match:.2%} on {wide.pairs:,} pairs\n")
    if c.until == "proven":
        out.write(proof_line(session.proof().to_dict()) + "\n")
    if args.log:
        log_run(args.log, session, losses_seen, exact_seen, solved_at, solve_ms, None, first_step, found, out)
    if args.save and not save(session, args.save, out):
        return 1
    return 0


def milestone_line(reached: milestones.Reached) -> str:
    return f"milestone at step {reached.step}: {reached.title.lower()}: {reached.text()}"


def log_run(
    path: Path, session: Session, losses, exact, solved_at, solve_ms, diverged_at, first_step, found, out
) -> None:
    reached = [{"name": r.name, "step": r.step} for r in found.reached()]
    c, read = session.config, None
    if diverged_at is None:  # diverged weights hold no machine
        extracted = machine.extract(session.params, c.bits, task=session.task).machine
        reference = session.task.machine
        equivalent = reference is not None and machine.shortest_difference(extracted, reference) is None
        read = {"states": extracted.size, "equivalent": equivalent}
    entry = runs.record(c.to_dict(), losses, exact, solved_at, solve_ms, diverged_at, first_step, reached, read)
    write_atomically(path, json.dumps(entry))
    out.write(f"run logged to {path}\n")


def add(args: argparse.Namespace, out: TextIO) -> int:
    a, b = encoding.parse_operand("a", args.a), encoding.parse_operand("b", args.b)
    session = load_session(args.weights)
    at = None if args.at_step is None else _kept_step(session, args.at_step)
    answer = session.ask(a, b, bits=None if args.bits is None else encoding.check_bits(args.bits), at=at)
    truth = answer.truth
    bit_text = "".join(str(int(p > 0.5)) for p in answer.probs[::-1])
    when = "" if at is None else f", as the network was at step {at} of {session.step_count}"
    out.write(f"{session.task.spell(answer.operands)}{when}\n")
    out.write(f"network: {bit_text} = {answer.answer}\n")
    out.write(f"true:    {truth:0{answer.bits}b} = {truth}  {'right' if answer.right else 'WRONG'}\n")
    out.write(f"probabilities, most significant bit first: {' '.join(f'{p:.2f}' for p in answer.probs[::-1])}\n")
    return 0


def explain(args: argparse.Namespace, out: TextIO) -> int:
    session = load_session(args.weights)
    c = session.config
    found = machine.explain(session.params, c.bits, task=session.task).to_dict()
    found["step"] = session.step_count  # as the page gives it: the weights of which step
    if args.json:
        out.write(json.dumps(found, indent=2) + "\n")
        return 0
    for line in explanation_lines(found):
        out.write(line + "\n")
    return 0


def explanation_lines(found: dict) -> list[str]:
    """`explain`'s findings for people: the machine's table, the verdict, how far to trust it."""
    task = TASKS[found["task"]]
    symbols = ["".join(str(int(bit)) for bit in row) for row in symbol_bits(task.operands)]
    lines = [
        f"machine read off the weights: {found['states']} states, from {found['groups']} kinds of hidden "
        f"states ({found['determinism']:.1%} of the network's steps follow their transitions)",
        "state  "
        + "  ".join(f"on {s}" for s in symbols)
        + f"   (input bits {' '.join(task.letters)} -> next state / bit written)",
    ]
    for state, (nexts, outs) in enumerate(zip(found["next"], found["out"], strict=True)):
        lines.append(f"{state:>5}  " + "  ".join(f"{n:>3}/{o}" for n, o in zip(nexts, outs, strict=True)))
    counter = found["counterexample"]
    if not found["finite"]:
        lines.append(
            f"verdict: no finite machine computes {task.formula}; the one read off at this width has "
            f"{found['states']} states, and a wider width needs more"
        )
    elif counter is None:
        lines.append(f"verdict: the machine is {task.title}, on every input of every length")
    else:
        last = counter["steps"] - 1
        lines.append(
            f"verdict: the machine is not {task.title}; the shortest input where they differ is "
            f"{task.spell(counter[x] for x in task.letters)}, at bit {last}"
        )
    for row in found["agreement"]:
        which = "every pair" if row["exhaustive"] else "random pairs"
        lines.append(
            f"the network writes the machine's bits on {row['sums']:.2%} of {row['bits']}-bit {task.answers} "
            f"({row['bitShare']:.3%} of bits; {which}, {row['pairs']:,})"
        )
    if "chains" not in found:
        return lines
    chains = found["chains"]
    failing = chains["failing"]
    limit = (
        f"{task.memory} kept through chains of up to {chains['longest']} bits in 64-bit {task.answers} "
        f"({chains['sums']} tested)"
    )
    if task.name == "add":  # addition's words, as they have always been
        limit = (
            f"carries through chains of up to {chains['longest']} bits in 64-bit sums ({chains['sums']} sums tested)"
        )
    if failing:
        limit += f"; first miss: {task.spell(failing[x] for x in task.letters)} (a chain of {failing['run']})"
    lines.append(limit)
    if "proof" in found:
        lines.append(proof_line(found["proof"]))
    return lines


def proof_line(found: dict) -> str:
    """Whether the network itself adds on every input of every length (rnnadd/proof.py), in words."""
    if found["reason"]:
        return f"proof: {found['reason']}"
    if found["proven"]:
        return (
            f"proof: proven for every sum of every length (an invariant of {found['boxes']} boxes of hidden "
            f"states, found in {found['rounds']} rounds)"
        )
    bounded = found["bounded"]
    reach = f"at least {bounded}" if bounded == found["boundedLimit"] else f"up to {bounded}"
    return (
        f"proof: not proven for every length, the boxes do not close ({found['failure']['text']}); "
        f"proven for every sum of {reach} bits (all 4^{bounded} inputs of {bounded} steps)"
    )


def _kept_step(session: Session, step: int) -> int:
    if step != session.step_count and step not in session.timeline.steps:
        kept = session.timeline.describe()
        if session.step_count not in session.timeline.steps:
            kept += f"; or {session.step_count}, where it stopped"
        raise ValueError(f"--at-step must be a step the session's timeline kept ({kept}), got {step}")
    return step


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    flags = set().union(*(_value_flags(p) for p in parser._subparsers._group_actions[0].choices.values()))
    args = parser.parse_args(_attach_negative_values(argv, flags))
    try:
        return {"train": train, "add": add, "explain": explain}[args.command](args, out)
    except ValueError as error:
        print(f"rnnadd: error: {error}", file=sys.stderr)
        return 2
