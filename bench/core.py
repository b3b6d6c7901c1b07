"""CPython benchmark of the NumPy core: training speed and time to solve.

    .venv/bin/python bench/core.py [--json bench/results/core.json]

1. Steps/s at batch 32, hidden 16, 8 bits: rnnadd beside a careful plain
   vectorised NumPy RNN of the same configuration (bench/plain_rnn.py), in
   alternating rounds in one process, so the ratio holds on a busy machine.
2. Steps and milliseconds of training to 100% exact-match on every 8-bit pair
   with the default configuration, for 5 seeds (checking accuracy is not timed).
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "bench")]

from measure import plain_steps_per_second, steps_per_second, time_to_solve  # noqa: E402
from rnnadd import Config  # noqa: E402

ROUNDS = 5
SECONDS_PER_ROUND = 1.0


def throughput() -> dict:
    contenders = {
        "rnnadd (default: tanh, Adam)": steps_per_second,
        "plain NumPy, same config": plain_steps_per_second,
    }
    rates = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, measure in contenders.items():
            rates[name].append(measure(SECONDS_PER_ROUND))
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "core.json")
    args = parser.parse_args()

    rates = throughput()
    plain = rates["plain NumPy, same config"]
    print("Training steps/s, batch 32, hidden 16, 8 bits (median of 5 alternating rounds)")
    for name, rate in rates.items():
        print(f"  {name:<30} {rate:8,.0f} steps/s   {rate / plain:5.2f} x plain")

    solves = [time_to_solve(seed) for seed in range(5)]
    print(f"\nDefault configuration ({Config().optimizer}, lr {Config().learning_rate}, {Config().activation}) to 100%")
    print("exact-match on all 16,384 8-bit pairs:")
    for row in solves:
        print(f"  seed {row['seed']}: {row['steps']} steps, {row['ms']:.0f} ms of training")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"steps_per_second": rates, "solve": solves}, indent=2))
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
