"""What the web page's training worker calls. Data in, data out: no scheduling, no timing.

The page runs this module in Pyodide. Every function and method takes plain
values and returns plain values (str, int, float, bool, None, lists and dicts
with the page's camelCase keys), so that crossing into JavaScript is one
conversion. When to train, how much, and when to stop is the page's trainer's
business (web/js/trainer.js).
"""

import math
import time
from dataclasses import replace

import numpy as np

from . import cells, encoding, evaluation, machine, milestones, model, notebook, saved, statespace, timeline
from .session import Config, DivergenceError, Session
from .tasks import ADD, TASKS, Task

PAGE_MAX_BITS = 32  # wider problems train slowly; the weights still add 64-bit numbers
NOTEBOOK_PROBLEMS = [(5, 5), (10, 2), (50, 3), (4, 9)]
RANDOM_PROBLEMS = 4
GENERALISATION_PAIRS = 1_000
MEMORY_MESSAGE = (
    "one training step of this network needs more memory than the browser gives a page (4 GB). "
    "Use fewer hidden units, a smaller batch or fewer bits"
)


def fields() -> dict:
    """Each hyperparameter's allowed values as the page's form checks them: {name: {...}}."""
    described = {}
    for name, allowed in Config.RANGES.items():
        if isinstance(allowed[0], str):
            described[name] = {"kind": "choice", "choices": list(allowed)}
        else:
            low, high = allowed
            described[name] = {
                "kind": "int" if isinstance(low, int) else "float",
                "low": low,
                "high": PAGE_MAX_BITS if name == "bits" else high,
                "lowOpen": name in Config.LOW_OPEN,
            }
    return described


def describe() -> dict:
    """The defaults and every field's allowed values, for the page's controls."""
    return {
        "defaults": Config().to_dict(),
        "fields": fields(),
        "largestSessionBytes": saved.largest_bytes(),
        "tasks": tasks(),
    }


def tasks() -> dict:
    """Each task as the page shows it: {name: {title, formula, letters, ...}}."""
    return {
        task.name: {
            "title": task.title,
            "formula": task.formula,
            "letters": list(task.letters),
            "memory": task.memory,
            "answers": task.answers,
            "answer": task.answer_word,
            "problem": task.problem_word,
            "bit0": task.bit0,
            "machineName": task.machine_name,
            "states": task.machine.size if task.machine else None,
            "milestones": milestones.definitions(task),
            "finite": task.machine is not None,
            "minBits": task.min_bits(),
            "suggested": task.suggested,
            "symbols": ["".join(str(int(bit)) for bit in row) for row in cells.symbols.symbol_bits(task.operands)],
        }
        for task in TASKS.values()
    }


def check_config(config: Config) -> Config:
    if config.bits > PAGE_MAX_BITS:
        raise ValueError(f"bits must be from {encoding.MIN_BITS} to {PAGE_MAX_BITS} in the page, got {config.bits}")
    return config


def problems_for(bits: int, seed: int, task: Task = ADD) -> list[tuple[int, ...]]:
    """The notebook's problems that fit the width (addition's), then a few seeded random ones."""
    fitting = [(a, b) for a, b in NOTEBOOK_PROBLEMS if a + b < 2 ** (bits - 1)] if task is ADD else []
    operands = task.random_operands(np.random.default_rng(seed), RANDOM_PROBLEMS, bits)
    return fitting + [tuple(column) for column in operands.T.tolist()]


def create(config: dict) -> "PageSession":
    return PageSession(Session(check_config(Config.from_dict(config))))


def load(text: str) -> "PageSession":
    """A page session for the text of a session saved by the page or by `rnnadd train --save`."""
    return _loaded(saved.from_text(text))


def load_file(path: str) -> "PageSession":
    """`load` for a file the page has put in Python's file system (saved.read checks it)."""
    return _loaded(saved.read(path))


def _loaded(session: Session) -> "PageSession":
    check_config(session.config)
    return PageSession(session)


class PageSession:
    """One session as the page trains and shows it (the command line trains through it too):
    each method is a call of the page's worker, plain data in and out."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.task = session.task
        self.problems = problems_for(session.config.bits, session.config.seed, self.task)
        self.scratch: Session | None = None  # for warm_up only
        self.explained: tuple[int, machine.Machine] | None = None  # the step and the machine explain read
        c = session.config
        self.found = milestones.Milestones(c.hidden, c.cell, c.activation, c.bits, session.replay_between, c.task)

    def warm_up(self, steps: int, max_work: float = float("inf"), budget_ms: float = 0.0) -> dict:
        """Train a scratch session of the same configuration, never this one: `steps` steps, then
        on, one at a time, until `budget_ms` have passed; none when a step costs more than
        `max_work` multiply-adds. Says how many steps it trained and whether it diverged.

        WebAssembly engines compile hot code fully only after it has run a while;
        running the training code before the visitor presses Train means the real
        run starts at full speed. Stops at a divergence, which says nothing here
        (`diverged`).
        """
        if self.step_work() > max_work:
            return {"steps": 0, "diverged": False}
        if self.scratch is None:
            self.scratch = Session(replace(self.session.config, seed=self.session.config.seed ^ 1))
        started, trained = time.perf_counter(), 0
        try:
            trained += self.scratch.step(steps).size
            while 1000 * (time.perf_counter() - started) < budget_ms:
                trained += self.scratch.step(1).size
        except DivergenceError as diverged:
            return {"steps": trained + diverged.losses.size, "diverged": True}
        return {"steps": trained, "diverged": False}

    def config(self) -> dict:
        return self.session.config.to_dict()

    def step_work(self) -> int:
        """Multiply-adds in one training step: each step of each sequence multiplies by the cell's
        weights once forward and twice backward."""
        c = self.session.config
        shapes = model.param_shapes(c.hidden, c.cell, self.task.operands)
        return 3 * c.batch_size * c.bits * (math.prod(shapes["w_ih"]) + math.prod(shapes["w_hh"]))

    def summary(self) -> dict:
        """What the page needs of a session it has just made or loaded, with a step's multiply-adds."""
        return {
            "config": self.config(),
            "step": self.session.step_count,
            "stepWork": self.step_work(),
            "kept": self.session.timeline.steps,
        }

    def save(self) -> str:
        """The whole session as JSON: the format `rnnadd train --save` writes and --load reads."""
        return saved.to_text(self.session)

    def train(self, steps: int, until_solved: bool = False) -> dict:
        """Up to `steps` training steps; with until_solved, none from the first step whose
        weights reach the session's goal (Session.reached_goal: every pair right, or proven),
        and `solved` says whether they do; `provenAt`, the step a proof was found at.

        Accuracy comes from the steps' own batches (fresh draws, each scored before
        its update), so it costs next to nothing.
        """
        session = self.session
        error = None
        try:
            losses = session.step(steps, until_solved=until_solved)
        except DivergenceError as diverged:
            losses, error = diverged.losses, str(diverged)
        except (MemoryError, ValueError) as failure:
            # WebAssembly gives the page at most 4 GB, and 32-bit NumPy refuses arrays past 2 GB
            # ("array is too big"); the weights are updated only after a whole step.
            if isinstance(failure, ValueError) and "array is too big" not in str(failure):
                raise
            losses, error = np.empty(0), MEMORY_MESSAGE
        per_bit, exact = session.last_batch_accuracy if losses.size else (None, None)
        return {
            "step": session.step_count,
            "losses": losses.tolist(),
            "error": error,
            "batchPerBit": per_bit,
            "batchExact": exact,
            "solved": until_solved and losses.size < steps and error is None,
            "provenAt": session.proven_at,
            "kept": session.timeline.steps,
        }

    def milestones(self, budget_ms: float | None = None) -> dict:
        """The run's milestones so far (milestones.py), testing the kept steps not yet tested for
        up to `budget_ms` (None: all of them); `pending`, whether some are still to be tested."""
        kept = self.session.timeline
        self.found.update(kept.steps, kept.weights, math.inf if budget_ms is None else budget_ms)
        return {
            "reached": [reached.to_dict() for reached in self.found.reached()],
            "tested": self.found.tested,
            "pending": self.found.pending(kept.steps),
        }

    # Every view below shows the weights of step `at`, one the timeline kept (None: now), so that
    # the page can look back through training without touching the session.

    def panel(self, at: int | None = None) -> dict:
        """Target bits and output probabilities for the panel's problems, in one forward pass,
        with the step whose weights wrote them."""
        config = self.session.config
        operands = np.array(self.problems, dtype=np.uint64).T
        inputs, targets = self.task.encode(operands, config.bits)
        probs = model.forward(self.session.weights_at(at), inputs).probs
        rows = [
            {
                **self._named(problem),
                "truth": str(self.task.answer(problem, config.bits)),
                "target": targets[:, i].tolist(),
                "probs": probs[:, i].tolist(),
            }
            for i, problem in enumerate(self.problems)
        ]
        return {"step": self._step(at), "rows": rows}

    def _named(self, operands: tuple[int, ...]) -> dict:
        """The operands by letter and as a list, as decimal strings (JS numbers stop at 2^53), and written out."""
        texts = [str(v) for v in operands]
        return {**dict(zip(self.task.letters, texts, strict=True)), "operands": texts, "text": self.task.spell(texts)}

    def hidden_view(self, texts: list[str], at: int | None = None) -> dict:
        """Every hidden unit over the time steps of one problem (a + b), beside the carry it must
        keep (the task machine's memory; none where the task has no machine)."""
        config = self.session.config
        operands = self._selected(texts)
        bits = max(config.bits, self.task.needed_bits(operands))
        inputs, _ = self.task.encode(np.array(operands, dtype=np.uint64)[:, None], bits)
        low, high = cells.CELLS[config.cell].hidden_range(config.activation)
        return {
            **self._named(operands),
            "states": self.session.hidden_states(*operands, bits=bits, at=at).tolist(),
            "carry": evaluation.memory(inputs, self.task)[:, 0].tolist() if self.task.machine else None,
            "low": low,
            "high": high,
        }

    def carry_units(self, at: int | None = None) -> dict:
        """How closely each unit follows the carry over a seeded sample, and the units that follow it
        most; no correlations where the task has no finite machine, hence no memory to follow."""
        config = self.session.config
        pairs = evaluation.sample_size(evaluation.CORRELATION_PAIRS, config.hidden)
        weights = self.session.weights_at(at)
        if self.task.machine is None:
            return {"correlations": None, "carryUnits": []}
        correlations = evaluation.carry_correlations(
            weights, config.bits, pairs, evaluation.SAMPLE_SEED, task=self.task
        )
        strongest = np.abs(correlations).max()
        marked = [int(u) for u in np.argsort(-np.abs(correlations))[:3] if abs(correlations[u]) >= 0.9 * strongest]
        return {"correlations": correlations.tolist(), "carryUnits": marked if strongest > 0 else []}

    def generalisation(self, at: int | None = None) -> list[dict]:
        """The same weights on wider numbers: exact-match at 2N, 4N and 64 bits, on every problem where
        there are few enough (evaluation.exhaustive), else on seeded ones."""
        rows = []
        pairs = evaluation.sample_size(GENERALISATION_PAIRS, self.session.config.hidden)
        for bits in evaluation.wider_widths(self.session.config.bits):
            accuracy = self.session.evaluate(bits=bits, sample=pairs, seed=evaluation.SAMPLE_SEED, at=at)
            rows.append(
                {"bits": bits, "exact": accuracy.exact_match, "pairs": accuracy.pairs, "every": accuracy.exhaustive}
            )
        return rows

    def state_space(self, texts: list[str], at: int | None = None) -> dict:
        """Seeded problems' hidden states on their first two principal components, with the carry,
        and the path of one problem (a + b) through them."""
        c = self.session.config
        selected = self._selected(texts)
        weights = self.session.weights_at(at)
        return statespace.state_space(weights, c.bits, evaluation.SAMPLE_SEED, selected, self.task)

    def explain(self, at: int | None = None) -> dict:
        """The machine the weights became, whether it is binary addition, how faithful it is at
        the training width, and the longest carry chain they survive (rnnadd.machine;
        `rnnadd explain` prints the same, with the 64-bit agreement that `explain_wide` adds)."""
        c = self.session.config
        found = machine.explain(self.session.weights_at(at), c.bits, wide=False, task=self.task)
        self.explained = (self._step(at), found.extraction.machine)
        return {**found.to_dict(), "step": self._step(at)}

    def explain_wide(self, at: int | None = None) -> dict:
        """How often the network writes the bits of the machine `explain` read, on random 64-bit sums."""
        c = self.session.config
        weights = self.session.weights_at(at)
        step, read = self.explained or (None, None)
        if step != self._step(at):
            read = machine.extract(weights, c.bits, task=self.task).machine
        return machine.agreement(read, weights, encoding.MAX_BITS, task=self.task).to_dict()

    def _step(self, at: int | None) -> int:
        return self.session.step_count if at is None else at

    def _operands(self, texts: list[str]) -> tuple[int, ...]:
        """Operands typed by a person (decimal strings, one per letter of the task), checked."""
        texts = list(texts)
        if len(texts) != len(self.task.letters):
            raise ValueError(f"{self.task.formula} takes {len(self.task.letters)} number(s), got {len(texts)}")
        operands = tuple(encoding.parse_operand(x, text) for x, text in zip(self.task.letters, texts, strict=True))
        self.task.check(operands, encoding.MAX_BITS)
        return operands

    def _selected(self, texts: list[str]) -> tuple[int, ...]:
        """The problem the views follow: the one picked, or the panel's first where the picked one
        is not this task's (a session of another task was just made); the views say which."""
        if len(texts) != len(self.task.letters):
            return self.problems[0]
        return self._operands(texts)

    def ask(self, texts: list[str], at: int | None = None) -> dict:
        """The network's answer for its task on these operands (a + b). Operands come as decimal
        strings: JS numbers stop at 2^53."""
        answer = self.session.ask(*self._operands(texts), at=at)
        return {
            **self._named(answer.operands),
            "bits": answer.bits,
            "probs": answer.probs.tolist(),
            "answer": str(answer.answer),
            "truth": str(answer.truth),
            "right": answer.right,
        }


# The notebook's own settings, in this package's names: what its weights are to the views.
NOTEBOOK_CONFIG = {
    "bits": notebook.DIGITS,
    "hidden": notebook.HIDDEN,
    "activation": "sigmoid",
    "init": "uniform",
    "loss": "mse",
    "optimizer": "sgd",
    "learning_rate": notebook.LEARNING_RATE,
    "batch_size": 1,
}


def create_notebook(fixes: list[str], seed: int) -> "NotebookSession":
    """The notebook as written (notebook.py), with the named defects fixed, in the page's loop."""
    unknown = sorted(set(fixes) - set(notebook.FIXES))
    if unknown:
        raise ValueError(f"fix must name some of {', '.join(notebook.FIXES)}, got {unknown[0]!r}")
    return NotebookSession(notebook.Fixes(**dict.fromkeys(fixes, True)), Config(**NOTEBOOK_CONFIG, seed=seed))


class NotebookSession(PageSession):
    """The replay's epochs are the steps and its printed error the loss. Its weights are
    copied into an ordinary session after every epoch, so every view reads them."""

    def __init__(self, fixes: notebook.Fixes, config: Config) -> None:
        super().__init__(Session(config))
        self.session.timeline = timeline.Timeline(self.session.params.flat.size)  # from the replay's own start
        self.fixes = fixes
        self.replay = notebook.NotebookRnn(fixes, config.seed)
        self._copy_weights()

    def _copy_weights(self) -> None:
        self.replay.copy_into(self.session.params)
        self.session.step_count = self.replay.epoch
        self.session.timeline.offer(self.replay.epoch, self.session.params.flat)

    def summary(self) -> dict:
        fixed = [name for name in notebook.FIXES if getattr(self.fixes, name)]
        return {**super().summary(), "notebook": fixed}

    def save(self) -> str:
        raise ValueError("the notebook's replay cannot be saved as a session; its link replays it")

    def train(self, steps: int, until_solved: bool = False) -> dict:
        losses, bits_right, sums_right, error = [], 0, 0, None
        # Like Session.step: a solved replay trains no further (the check is memoised per epoch).
        solved_already = until_solved and self.session.solved()
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(0 if solved_already else steps):
                epoch = self.replay.train_epoch()
                self._copy_weights()
                if not np.isfinite(epoch.error):
                    error = f"the notebook's run reached NaN at epoch {epoch.epoch}"
                    break
                losses.append(epoch.error)
                right = (epoch.prediction[0] > 0.5) == (epoch.target[::-1] == 1)
                bits_right += int(right.sum())
                sums_right += int(right.all())
                if until_solved and right.all() and self.session.solved():
                    break
        trained = len(losses)
        return {
            "step": self.session.step_count,
            "losses": losses,
            "error": error,
            "batchPerBit": bits_right / (trained * notebook.DIGITS) if trained else None,
            "batchExact": sums_right / trained if trained else None,
            "solved": bool(until_solved and error is None and (solved_already or (trained and self.session.solved()))),
            "provenAt": None,
            "kept": self.session.timeline.steps,
        }
