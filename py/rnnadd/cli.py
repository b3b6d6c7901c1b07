"""Command line: `python -m rnnadd train ...` and `python -m rnnadd add A B --weights FILE`."""

import argparse
import json
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import TextIO

from . import encoding
from .session import Config, DivergenceError, Session

FIELD_TYPES = {"int": int, "float": float, "str": str}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # One readable line instead of argparse's usage block.
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rnnadd", description="An RNN in NumPy that learns binary addition.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a network, showing progress")
    defaults = Config()
    for field in fields(Config):
        allowed = Config.RANGES[field.name]
        hint = f"one of {', '.join(allowed)}" if isinstance(allowed[0], str) else f"{allowed[0]:g} to {allowed[1]:g}"
        train.add_argument(
            "--" + field.name.replace("_", "-"),
            type=FIELD_TYPES[field.type if isinstance(field.type, str) else field.type.__name__],
            default=None,
            help=f"{hint} (default {getattr(defaults, field.name)})",
        )
    train.add_argument("--steps", type=int, default=5000, help="most steps to run (default 5000)")
    train.add_argument("--eval-every", type=int, default=10, help="steps between accuracy checks (default 10)")
    train.add_argument("--keep-going", action="store_true", help="run all --steps even once solved")
    train.add_argument("--save", type=Path, help="write the trained session to this JSON file")
    train.add_argument("--load", type=Path, help="resume the session saved in this JSON file")

    add = commands.add_parser("add", help="ask a trained network for a + b")
    add.add_argument("a", type=int)
    add.add_argument("b", type=int)
    add.add_argument("--weights", type=Path, required=True, help="a JSON file written by train --save")
    add.add_argument("--bits", type=int, help="width to add at (default: the trained width, wider if needed)")
    return parser


def load_session(path: Path) -> Session:
    try:
        text = path.read_text()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    try:
        snapshot = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error.msg} at line {error.lineno})") from None
    return Session.from_snapshot(snapshot)


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, got {value}")


class _Progress:
    """One status line, rewritten in place on a terminal and printed now and then otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.live = out.isatty()
        self.last_print = 0.0

    def show(self, text: str, final: bool = False) -> None:
        now = time.perf_counter()
        if self.live:
            self.out.write("\r" + text.ljust(78) + ("\n" if final else ""))
            self.out.flush()
        elif final or now - self.last_print >= 1.0:
            self.out.write(text + "\n")
            self.last_print = now


def train(args: argparse.Namespace, out: TextIO) -> int:
    _check_positive("--steps", args.steps)
    _check_positive("--eval-every", args.eval_every)
    given = {f.name: getattr(args, f.name) for f in fields(Config) if getattr(args, f.name) is not None}
    if args.load:
        if given:
            raise ValueError(
                f"--{next(iter(given)).replace('_', '-')} cannot change a loaded session; drop it or --load"
            )
        session = load_session(args.load)
    else:
        session = Session(Config(**given))
    c = session.config
    out.write(
        f"training {c.bits}-bit addition: {c.hidden} {c.activation if c.cell == 'elman' else c.cell} units, "
        f"{c.optimizer} lr {c.learning_rate:g}, "
        f"{c.loss} loss, batch {c.batch_size}, seed {c.seed}\n"
    )
    progress = _Progress(out)
    started = time.perf_counter()
    trained = 0
    accuracy = session.evaluate()
    try:
        while trained < args.steps:
            losses = session.step(min(args.eval_every, args.steps - trained))
            trained += losses.size
            accuracy = session.evaluate()
            rate = trained / max(time.perf_counter() - started, 1e-9)
            progress.show(
                f"step {session.step_count:>6}  loss {losses[-1]:.4f}  exact {accuracy.exact_match:7.2%}  "
                f"bits {accuracy.per_bit:7.2%}  {rate:,.0f} steps/s"
            )
            if accuracy.exact_match == 1.0 and not args.keep_going:
                break
    except DivergenceError as error:
        progress.show(f"step {session.step_count:>6}  diverged", final=True)
        out.write(f"{error}\n")
        _save(session, args.save, out)
        return 1
    seconds = time.perf_counter() - started
    progress.show(f"step {session.step_count:>6}  exact {accuracy.exact_match:.2%}", final=True)
    scope = "every operand pair" if accuracy.exhaustive else f"{accuracy.pairs:,} sampled pairs"
    out.write(
        f"{'solved' if accuracy.exact_match == 1.0 else 'not solved'} after {session.step_count} steps "
        f"({trained} this run, {seconds:.2f} s): exact-match {accuracy.exact_match:.2%}, "
        f"per-bit {accuracy.per_bit:.2%} on {scope}\n"
    )
    for bits in sorted({min(2 * c.bits, 64), min(4 * c.bits, 64), 64} - {c.bits}):
        wide = session.evaluate(bits=bits)
        out.write(f"  same weights at {bits} bits: exact-match {wide.exact_match:.2%} on {wide.pairs:,} pairs\n")
    _save(session, args.save, out)
    return 0


def _save(session: Session, path: Path | None, out: TextIO) -> None:
    if path:
        path.write_text(json.dumps(session.snapshot()))
        out.write(f"saved to {path}\n")


def add(args: argparse.Namespace, out: TextIO) -> int:
    session = load_session(args.weights)
    for name in ("a", "b"):
        if getattr(args, name) < 0:
            raise ValueError(f"{name} must be 0 or more, got {getattr(args, name)}")
    needed = max(session.config.bits, (args.a + args.b).bit_length())
    bits = encoding.check_bits(args.bits if args.bits is not None else min(needed, encoding.MAX_BITS))
    probs = session.probabilities(args.a, args.b, bits)
    answer = encoding.bits_to_int(encoding.probs_to_bits(probs))
    truth = args.a + args.b
    bit_text = "".join(str(int(p > 0.5)) for p in probs[::-1])
    out.write(f"{args.a} + {args.b}\n")
    out.write(f"network: {bit_text} = {answer}\n")
    out.write(f"true:    {truth:0{bits}b} = {truth}  {'right' if answer == truth else 'WRONG'}\n")
    out.write(f"probabilities, most significant bit first: {' '.join(f'{p:.2f}' for p in probs[::-1])}\n")
    return 0


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    try:
        return train(args, out) if args.command == "train" else add(args, out)
    except ValueError as error:
        print(f"rnnadd: error: {error}", file=sys.stderr)
        return 2
