"""What reading the machine off a network costs, in the page's Pyodide and in CPython.

    .venv/bin/python bench/explain.py [--rounds 5] [--json bench/results/explain.json]

For the default configuration trained until solved, seeds 0-4, in one run: the
milliseconds of extraction, the exact verdict and the carry-chain stress test
(the page's target is 150 ms for the three together), of the faithfulness
figures and of the state-space projection; and each seed's carry-chain limit.
Medians over rounds; the same source runs in both runtimes.
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
from rnnadd import encoding, evaluation, machine, statespace
from rnnadd.session import Config, Session

def timed(work, rounds):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result

def explain_costs(seed, rounds):
    session = Session(Config(seed=seed))
    while not session.solved():
        session.step(200, until_solved=True)
    p, bits = session.params, session.config.bits
    extract_ms, found = timed(lambda: machine.extract(p, bits), rounds)
    verdict_ms, difference = timed(lambda: machine.shortest_difference(found.machine), rounds)
    chains_ms, chains = timed(lambda: evaluation.carry_chains(p), rounds)
    agree_ms, _ = timed(lambda: machine.agreement(found.machine, p, bits), rounds)
    wide_ms, _ = timed(lambda: machine.agreement(found.machine, p, encoding.MAX_BITS), rounds)
    space_ms, _ = timed(lambda: statespace.state_space(p, bits, 12345, (5, 5)), rounds)
    return {
        "seed": seed, "steps": session.step_count, "states": found.machine.size, "equivalent": difference is None,
        "extract_ms": extract_ms, "verdict_ms": verdict_ms, "chains_ms": chains_ms,
        "core_ms": extract_ms + verdict_ms + chains_ms, "agreement_ms": agree_ms, "wide_agreement_ms": wide_ms,
        "state_space_ms": space_ms,
        "chain_limit": chains.longest,
    }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    calls = [f"explain_costs({seed}, {args.rounds})" for seed in range(5)]
    results = browser.side_by_side(MEASURE, "explain_costs(0, 3)", calls)
    for runtime, rows in results.items():
        print(f"{runtime}:")
        for row in rows:
            print(
                f"  seed {row['seed']}: solved at {row['steps']}, {row['states']} states, "
                f"equivalent {row['equivalent']}; "
                f"extract {row['extract_ms']:.0f} + verdict {row['verdict_ms']:.1f} + chains {row['chains_ms']:.0f} "
                f"= {row['core_ms']:.0f} ms; agreement {row['agreement_ms']:.0f} ms at the training width, "
                f"{row['wide_agreement_ms']:.0f} ms at 64 bits; state space "
                f"{row['state_space_ms']:.0f} ms; carries chains up to {row['chain_limit']}"
            )
        cores = sorted(row["core_ms"] for row in rows)
        print(f"  extraction + verdict + stress test, median over seeds: {cores[len(cores) // 2]:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
