"""The timeline of kept weights (rnnadd.timeline): its schedule, its memory bound, and that
looking back at a kept step is exactly looking at the session as it was then."""

import io
import json
import math

import numpy as np
import pytest
from rnnadd import cli, model, saved, timeline
from rnnadd.cells import CELLS
from rnnadd.session import Config, Session
from rnnadd.timeline import Timeline


def test_every_early_step_is_kept_then_sixteen_per_doubling():
    kept = [step for step in range(100_001) if timeline.wanted(step)]
    assert kept[:65] == list(range(65))
    later = np.array(kept[64:])
    ratios = later[1:] / later[:-1]
    assert np.allclose(ratios, 2 ** (1 / 16), atol=0.02)  # log-spaced
    assert len(kept) == 65 + math.floor(16 * math.log2(100_000 / 64))


@pytest.mark.parametrize("cell", list(CELLS))
def test_the_budget_holds_for_the_widest_networks_and_kept_steps_stay_spread(cell):
    size = sum(math.prod(shape) for shape in model.param_shapes(1024, cell).values())
    kept = Timeline(size)
    weights = np.zeros(size)
    offered = [s for s in range(100_001) if timeline.wanted(s)]
    for step in offered:
        kept.offer(step, weights)
        assert len(kept.weights) * size * 8 <= timeline.BUDGET_BYTES
    assert kept.steps[-1] == offered[-1] and len(kept.steps) == timeline.BUDGET_BYTES // (8 * size)
    if len(kept.steps) >= 3:
        assert kept.steps[0] == 0 and kept.steps[1] < 10_000  # not only the end of the run


def test_a_small_network_keeps_every_scheduled_step():
    session = Session(Config())
    session.step(300)
    assert session.timeline.steps == [s for s in range(301) if timeline.wanted(s)]


def test_a_kept_step_is_the_session_as_it_was_then():
    session = Session(Config(seed=3))
    session.step(100)
    for step in (0, 5, 64, 67, 99):
        then = Session(Config(seed=3))
        if step:
            then.step(step)
        np.testing.assert_array_equal(session.weights_at(step).flat, then.params.flat)
        for a, b, bits in ((50, 3, 8), (2**40 + 7, 99, 64)):
            np.testing.assert_array_equal(
                session.probabilities(a, b, bits=bits, at=step), then.probabilities(a, b, bits=bits)
            )
        # The losses it had from there: the same next step from the kept weights as from the real ones.
        restored = Session(Config(seed=3))
        if step:
            restored.step(step)
        restored.params.flat[:] = session.weights_at(step).flat
        assert restored.step(3).tolist() == then.step(3).tolist()
    with pytest.raises(ValueError, match=r"step must be one of the 75 kept steps \(0 to 64, then 67, 70, ..., 99\)"):
        session.weights_at(65)


def test_the_timeline_is_saved_with_the_session_and_checked_when_loaded():
    session = Session(Config(seed=1))
    session.step(80)
    written = saved.to_dict(session)
    assert written["timeline"]["steps"] == session.timeline.steps
    loaded = saved.from_dict(json.loads(json.dumps(written)))
    assert loaded.timeline.steps == session.timeline.steps
    np.testing.assert_array_equal(loaded.weights_at(40).flat, session.weights_at(40).flat)
    older = {key: value for key, value in written.items() if key != "timeline"}
    assert saved.from_dict(older).timeline.steps == [0]  # files from before: the seeded start

    def refused(change, message):
        broken = json.loads(json.dumps(written))
        change(broken["timeline"])
        with pytest.raises(ValueError, match=message):
            saved.from_dict(broken)

    refused(lambda t: t.update(steps=t["steps"][::-1]), r"steps\[1\] must be a whole number from 80 to 80, got 76")
    refused(lambda t: t["steps"].__setitem__(-1, 81), r"steps\[69\] must be a whole number from 77 to 80, got 81")
    refused(lambda t: t["params"][3].pop(), r"snapshot.timeline.params\[3\] must be a list of 321 numbers, got 320")
    refused(lambda t: t.pop("params"), "snapshot.timeline must be an object with steps and params")


def test_add_answers_as_the_network_was_at_a_kept_step(tmp_path):
    path = tmp_path / "session.json"
    assert cli.main(["train", "--seed", "2", "--save", str(path)], out=io.StringIO()) == 0
    printed = io.StringIO()
    assert cli.main(["add", "50", "3", "--weights", str(path), "--at-step", "4"], out=printed) == 0
    then = Session(Config(seed=2))
    then.step(4)
    answer = then.ask(50, 3)
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("50 + 3, as the network was at step 4 of ")
    assert lines[1] == f"network: {answer.answer:08b} = {answer.answer}"
    assert cli.main(["add", "50", "3", "--weights", str(path), "--at-step", "99999"], out=io.StringIO()) == 2
