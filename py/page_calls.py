"""Every call the page's worker makes into rnnadd.page, once each, on small sessions.

The build runs this in Pyodide with the full standard library to learn which modules
the app imports, and stages a standard library and a NumPy wheel with only those;
the tests run it again in the staged, trimmed runtime. A path of the page that is
missing here could import a module the trimmed runtime lacks: add its call here.
"""

import os
import tempfile

from rnnadd import page

SMALL = {"bits": 6, "hidden": 8, "batch_size": 16}


def views(trainer: page.PageSession, at: int | None = None, wide: bool = False) -> None:
    trainer.panel(at)
    operands = ["12345678901", "5", "7"][: len(trainer.task.letters)]
    trainer.hidden_view(operands, at)
    trainer.carry_units(at)
    trainer.state_space(operands, at)
    trainer.explain(at)
    trainer.ask(operands, at)
    if wide:  # the costly ones, once
        trainer.generalisation(at)
        trainer.explain_wide(at)


def expect_failure(call, *args) -> str:
    try:
        call(*args)
    except ValueError as error:
        return str(error)
    raise AssertionError(f"{call.__name__}{args} did not fail")


def run() -> None:
    page.describe()
    trainer = page.create({"seed": 0})
    trainer.summary()
    trainer.warm_up(3)
    trainer.milestones(20.0)
    while not trainer.train(25, True)["solved"]:
        pass
    views(trainer, wide=True)
    trainer.milestones()
    views(trainer, at=0)
    for cell in ("gru", "lstm"):
        other = page.create({**SMALL, "cell": cell, "activation": "relu"})
        other.train(3)
        views(other)
    for task in ("sub", "add3", "times3", "mul"):
        other = page.create({**SMALL, "task": task})
        other.train(3)
        views(other, wide=True)
        other.milestones()
    proving = page.create({"hidden_noise": 0.3, "until": "proven", "seed": 0})
    for _ in range(6):
        proving.train(50, True)
    saved = trainer.save()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "session.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write(saved)
        page.load_file(path).train(2)
        with open(path, "wb") as file:
            file.write(b"\xff\xfe")
        expect_failure(page.load_file, path)
    expect_failure(page.load, "{")
    expect_failure(page.create, {"bits": 99})
    expect_failure(trainer.ask, ["x", "1"])
    diverging = {"hidden": 64, "activation": "relu", "optimizer": "sgd", "learning_rate": 10, "init": "uniform"}
    assert page.create(diverging).train(20)["error"]
    for fixes in ([], ["output_gradient", "derivatives", "biases"]):
        replay = page.create_notebook(fixes, 0)
        replay.train(3, True)
        views(replay)
        replay.milestones()
        expect_failure(replay.save)
    expect_failure(page.create_notebook, ["no_such_fix"], 0)


if __name__ == "__main__":
    run()
    print("every page call ran")
