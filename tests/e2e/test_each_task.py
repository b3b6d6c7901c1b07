"""Every task in the page: chosen in the form or by a link, trained to solved, the verdict on the
machine read off its weights, and an ask, with the numbers on the screen checked."""

import re

import pytest
from conftest import open_app, settle, status
from playwright.sync_api import expect
from rnnadd import milestones
from rnnadd.session import Config, Session
from rnnadd.tasks import TASKS
from test_compare import base_url_of
from test_marks import in_cpython
from test_page import by_id, pixels, train_until

EXPLAINED_WIDE = "window.rnnDemo.explanation() && window.rnnDemo.explanation().agreement.length === 2"
VERDICTS = {
    "sub": "This machine is binary subtraction, exactly: checked against the subtractor",
    "add3": "This machine is adding three numbers, exactly: checked against the three-number adder",
    "times3": "This machine is multiplying by three, exactly: checked against the times-three machine",
}
ASKED = {"sub": ("5", "9"), "add3": ("13", "7", "9"), "times3": ("21",)}
SAME_RUN = {"sub", "times3"}
HUES_JS = """id => {
  const canvas = document.querySelector(`[data-testid="${id}"]`);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const hues = { blue: 0, orange: 0, green: 0 };
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (b > g + 20 && b > r + 40) hues.blue += 1;
    else if (r > g + 40 && r > b + 60) hues.orange += 1;
    else if (g > b && g > r + 50) hues.green += 1;
  }
  return hues;
}"""  # solved in tens of steps, where WebAssembly's rounding has not yet parted from CPython's


@pytest.mark.parametrize("name", list(VERDICTS))
def test_a_task_chosen_in_the_form_trains_to_solved_reads_as_its_machine_and_answers(app, name):
    task = TASKS[name]
    before = pixels(app, "bit-view")
    by_id(app, "field-task").select_option(name)
    for field, value in task.suggested.items():  # the task's settings come with it
        expect(by_id(app, f"field-{field}")).to_have_value(str(value))
    by_id(app, "reset-button").click()
    app.wait_for_function(f"window.rnnDemo.status().config.task === '{name}' && !window.rnnDemo.status().making")
    assert f"task={name}" in app.evaluate("location.hash")
    expect(by_id(app, "heading")).to_have_text(f"Watch an RNN learn {task.title}")
    whose = "its" if task.operands == 1 else "their"
    expect(by_id(app, "intro")).to_contain_text(f"the bits of {whose} {task.answer_word}.")
    assert app.title() == f"Watch an RNN learn {task.title}"
    state = train_until(app, "window.rnnDemo.status().phase === 'solved'", timeout=120_000)
    assert state["exactMatch"] == 1 and state["exactAllPairs"]
    settle(app)
    assert pixels(app, "bit-view")["checksum"] != before["checksum"]
    expect(by_id(app, "bit-summary")).to_contain_text(re.compile(r": (\d+) of \1 problems right"))
    app.wait_for_function(EXPLAINED_WIDE)
    found = app.evaluate("window.rnnDemo.explanation()")
    assert found["task"] == name and found["equivalent"] and found["states"] == task.machine.size
    expect(by_id(app, "machine-verdict")).to_contain_text(VERDICTS[name])
    # The views speak of the task's memory; the state space colours each of its values (a third,
    # green, for a carry of 2).
    expect(by_id(app, "hidden-caption")).to_contain_text(f"Above them, the true {task.memory}.")
    clouds = {2: "two", 3: "three"}[task.machine.size]
    expect(by_id(app, "space-caption")).to_contain_text(f"the true {task.memory} after that step")
    expect(by_id(app, "space-caption")).to_contain_text(f"the {clouds} clouds pull apart")
    hues = app.evaluate(HUES_JS, "state-space")
    assert hues["blue"] > 50 and hues["orange"] > 50, hues
    assert (hues["green"] > 50) == (task.machine.size == 3), hues
    # The ask box has one box per operand, and the truth is the task's.
    for letter in "abc":
        expect(by_id(app, f"ask-{letter}")).to_be_visible(visible=letter in task.letters)
    operands = ASKED[name]
    for letter, value in zip(task.letters, operands, strict=True):
        by_id(app, f"ask-{letter}").fill(value)
    by_id(app, "ask-button").click()
    truth = task.answer([int(v) for v in operands], 8)
    expect(by_id(app, "ask-result")).to_contain_text(f"{task.spell(operands)}")
    expect(by_id(app, "ask-result")).to_contain_text(f"= {truth}")
    expect(by_id(app, "ask-verdict")).to_have_text(" right")
    # The run's milestones, in the task's words; where the page and CPython train alike (runs of
    # tens of steps), at CPython's steps.
    definitions = milestones.definitions(task)
    expected = in_cpython(task=name, seed=0)
    app.wait_for_function(f"window.rnnDemo.status().milestones.length === {len(expected)}", timeout=60_000)
    reached = [(m["name"], m["step"]) for m in status(app)["milestones"]]
    assert [n for n, _ in reached] == [n for n, _ in expected] and dict(reached)["solved"] == state["step"]
    if name in SAME_RUN:
        assert reached == expected
    entries = by_id(app, "milestones").locator("li")
    expect(entries).to_have_count(len(definitions))
    for entry, definition in zip(entries.all(), definitions, strict=True):
        step = dict(reached).get(definition["name"])
        outcome = f"step {step}" if step is not None else "not reached"
        expect(entry).to_contain_text(f"{definition['title']}: {outcome}")
    expect(by_id(app, "milestones")).to_contain_text(f"follows the {task.memory} (correlation")
    expect(by_id(app, "tour-button")).to_be_enabled()


def test_multiplication_is_learnt_only_as_far_as_its_width_and_the_page_says_no_finite_machine_does_it(app, base_url):
    open_app(app, base_url, "#task=mul&bits=6&hidden=32&learning_rate=0.01&batch_size=64&at=400")
    app.wait_for_function("window.rnnDemo.status().phase === 'paused' && window.rnnDemo.status().step === 400")
    app.wait_for_function(EXPLAINED_WIDE, timeout=60_000)
    found = app.evaluate("window.rnnDemo.explanation()")
    assert found["task"] == "mul" and not found["finite"] and not found["equivalent"]
    expect(by_id(app, "machine-verdict")).to_contain_text(
        f"No finite machine computes a \u00d7 b: the one read off these weights has {found['states']} states"
    )
    assert "chains" not in found and status(app)["config"]["task"] == "mul"
    # No finite memory to show: no row above the units, no colours in the state space.
    expect(by_id(app, "hidden-caption")).to_contain_text("there is no memory of a fixed size to show")
    expect(by_id(app, "space-caption")).to_contain_text("No finite memory colours them")
    expect(by_id(app, "heading")).to_have_text("Watch an RNN learn binary multiplication")
    expect(by_id(app, "intro")).to_contain_text("No finite machine does that for every width")
    hues = app.evaluate(HUES_JS, "state-space")
    assert hues["blue"] > 50 and hues["orange"] == hues["green"] == 0, hues
    assert app.evaluate("window.rnnDemo.hiddenView().correlations") is None
    # Wider numbers: the 12-bit products of 6-bit operands are few enough to check every one.
    app.wait_for_function("window.rnnDemo.generalisation().length === 3")
    rows = app.evaluate("window.rnnDemo.generalisation()")
    assert [(row["bits"], row["pairs"], row["every"]) for row in rows] == [
        (12, 4096, True),
        (24, 1000, False),
        (64, 1000, False),
    ]
    assert f"12 bits\t{rows[0]['exact'] * 100:.1f}%\t4,096 (all)" in by_id(app, "generalisation").inner_text()


MUL = "task=mul&hidden=32&learning_rate=0.01&batch_size=64"


def solved_and_read(page, link: str) -> dict:
    """A run opened by `link`, trained to solved, its milestones found and its machine read."""
    open_app(page, base_url_of(page) + link)
    state = train_until(page, "window.rnnDemo.status().phase === 'solved'", timeout=120_000)
    page.wait_for_function("window.rnnDemo.status().milestones.some((m) => m.name === 'limits')", timeout=60_000)
    page.wait_for_function(
        f"window.rnnDemo.explanation() && window.rnnDemo.explanation().step === {state['step']}", timeout=60_000
    )
    return state


def test_runs_of_other_tasks_and_widths_are_kept_side_by_side_with_the_machine_each_became(app):
    """Multiplication at 4 and 6 bits, then subtraction: the table names what differs, the steps
    each took, and the machine read off each run's last weights: multiplication's grows with the
    width, subtraction's is the subtractor; multiplication's limits say how it fails wider."""
    app.evaluate("localStorage.clear()")
    found = []
    for link in (f"#{MUL}&bits=4", f"#{MUL}&bits=6", "#task=sub"):
        state = solved_and_read(app, link)
        found.append((state["step"], app.evaluate("window.rnnDemo.explanation()")))
        if link.startswith(f"#{MUL}"):
            limits = {m["name"]: m for m in status(app)["milestones"]}["limits"]
            widths, shares = zip(*limits["wider"], strict=True)
            bits = state["config"]["bits"]
            assert widths == (2 * bits, 4 * bits, 64) and shares[0] < 1 and list(shares) == sorted(shares, reverse=True)
            expect(by_id(app, "milestones")).to_contain_text(
                f"products right beyond the training width: {shares[0]:.1%} at {2 * bits} bits"
            )
    (mul4, read4), (mul6, read6), (sub, read_sub) = found
    assert not read4["equivalent"] and read4["states"] < read6["states"] and read_sub["equivalent"]
    settle(app)
    table = [row.inner_text().split("\t") for row in app.get_by_test_id("run-row").all()]
    assert [row[0].strip().split(", ")[:2] for row in table] == [
        ["task mul", "bits 4"],
        ["task mul", "bits 6"],
        ["task sub", "bits 8"],
    ]
    assert [row[1] for row in table] == [str(mul4), str(mul6), str(sub)]
    assert [row[4] for row in table] == [
        f"{read4['states']} states",
        f"{read6['states']} states",
        "2 states, the task's",
    ]


def test_an_early_machine_of_each_task_differs_from_its_own_and_its_counterexample_goes_to_ask(app, base_url):
    for name, verdict in VERDICTS.items():
        task = TASKS[name]
        open_app(app, base_url, f"#task={name}")
        by_id(app, "step-button").click()
        app.wait_for_function("window.rnnDemo.explanation() && window.rnnDemo.explanation().step === 1")
        found = app.evaluate("window.rnnDemo.explanation()")
        counter = found["counterexample"]
        assert found["task"] == name and not found["equivalent"] and counter
        differs = f"the shortest input on which this machine differs from {verdict.split('checked against ')[1]}"
        expect(by_id(app, "machine-verdict")).to_contain_text(f"Not {task.title}: {differs} is {counter['text']}")
        by_id(app, "counterexample-ask").click()
        for letter in task.letters:
            expect(by_id(app, f"ask-{letter}")).to_have_value(counter[letter])
        expect(by_id(app, "ask-result")).to_contain_text(counter["text"])
        expect(by_id(app, "ask-verdict")).to_have_text(" wrong")  # the network itself gets it wrong


def solved_in_cpython(name: str, seed: int) -> int:
    session = Session(Config(task=name, seed=seed, **TASKS[name].suggested))
    while not session.solved():
        session.step(1000, until_solved=True)
    return session.step_count


def test_seeds_1_to_4_of_each_finite_task_solve_in_the_page_as_their_machine(app, base_url):
    """Seed 0 is above; the rest at the task's suggested settings, by link. Runs of tens of steps
    solve at CPython's step; add3's runs of hundreds part with WebAssembly's rounding."""
    for name in VERDICTS:
        task = TASKS[name]
        for seed in range(1, 5):
            settings = "".join(f"&{key}={value}" for key, value in task.suggested.items())
            open_app(app, base_url, f"#task={name}&seed={seed}{settings}")
            state = train_until(app, "window.rnnDemo.status().phase === 'solved'", timeout=120_000)
            assert state["exactAllPairs"], (name, seed)
            if name in SAME_RUN:
                assert state["step"] == solved_in_cpython(name, seed), (name, seed)
            app.wait_for_function(
                f"window.rnnDemo.explanation() && window.rnnDemo.explanation().step === {state['step']}",
                timeout=60_000,
            )
            found = app.evaluate("window.rnnDemo.explanation()")
            assert found["equivalent"] and found["states"] == task.machine.size, (name, seed)
