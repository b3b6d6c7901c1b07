"""What the proof costs and how far it reaches, in the page's Pyodide and in CPython, side by side.

    .venv/bin/python bench/proof.py [--rounds 3] [--json bench/results/proof.json]

For seeds 0-4 of the default configuration just solved (no noise: not proven, a bounded
proof) and of hidden_noise 0.3 trained until proven (checked every 250 steps): the steps,
whether the proof holds, its certificate (boxes, rounds) or bounded length, the chain
test's first miss, and the milliseconds of `proof.prove` (median over rounds; the page's
aim is under a second at hidden 16). Each runtime trains its own networks; rounding in
noisy training parts them after about 100 steps, so their steps to proven differ.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "bench")]

import browser  # noqa: E402

MEASURE = """
import statistics, time
from rnnadd import evaluation, proof
from rnnadd.session import Config, Session

def proof_costs(seed, noise, rounds):
    session = Session(Config(seed=seed, hidden_noise=noise, until="proven" if noise else "solved"))
    session.step(20_000, until_solved=True)
    p, bits = session.params, session.config.bits
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        found = proof.prove(p, bits)
        times.append((time.perf_counter() - started) * 1000)
    chains = evaluation.carry_chains(p)
    return {
        "seed": seed, "noise": noise, "steps": session.step_count, "proven": found.proven,
        "boxes": found.boxes, "rounds": found.rounds, "bounded": found.bounded,
        "chain_miss": chains.failing_run, "ms": statistics.median(times),
    }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    calls = [f"proof_costs({seed}, {noise}, {args.rounds})" for noise in (0.0, 0.3) for seed in range(5)]
    results = browser.side_by_side(MEASURE, "proof_costs(0, 0.0, 2)", calls)
    for runtime, rows in results.items():
        print(f"{runtime}:")
        for row in rows:
            found = (
                f"proven: {row['boxes']} boxes, {row['rounds']} rounds"
                if row["proven"]
                else f"not proven; bounded to {row['bounded']} bits (chain test's first miss: {row['chain_miss']})"
            )
            print(f"  noise {row['noise']}, seed {row['seed']}: step {row['steps']}, {found}; {row['ms']:.0f} ms")
        for noise in (0.0, 0.3):
            times = sorted(row["ms"] for row in rows if row["noise"] == noise)
            print(f"  noise {noise}: proof time median {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
