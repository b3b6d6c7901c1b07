"""Finite machines that read a symbol and write a bit each step (Mealy machines), compared exactly.

A task's own machine (tasks.py) and the one read off a network (machine.py) are both
of this kind; two of them are the same task when no input sequence tells them apart.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Machine:
    """From state s on symbol x, move to next[s][x] and write out[s][x]. State 0 starts."""

    next: tuple[tuple[int, ...], ...]
    out: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return len(self.next)

    @property
    def symbols(self) -> int:
        return len(self.next[0])

    def run(self, symbols: np.ndarray) -> np.ndarray:
        """The bits it writes (T, B) for symbol sequences (T, B)."""
        return self.trace(symbols)[1]

    def trace(self, symbols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The state after each step and the bit written at it, both (T, B)."""
        next_state, out = np.array(self.next), np.array(self.out)
        state = np.zeros(symbols.shape[1], dtype=np.intp)
        states = np.empty(symbols.shape, dtype=np.intp)
        written = np.empty(symbols.shape, dtype=np.intp)
        for t, symbol in enumerate(symbols):
            written[t] = out[state, symbol]
            state = states[t] = next_state[state, symbol]
        return states, written


def from_rule(states: int, symbols: int, rule) -> Machine:
    """The machine whose step from `state` on `symbol` is rule(state, symbol) = (next state, bit)."""
    steps = [[rule(s, x) for x in range(symbols)] for s in range(states)]
    return Machine(
        next=tuple(tuple(step[0] for step in row) for row in steps),
        out=tuple(tuple(step[1] for step in row) for row in steps),
    )


def minimise(machine: Machine) -> Machine:
    """The smallest machine that writes the same bits on every input, states numbered
    in the order a breadth-first walk from the start meets them (so equal machines are equal)."""
    symbols = range(machine.symbols)
    reachable = _walk_order(machine)
    group = _numbered({s: machine.out[s] for s in reachable}, reachable)
    while True:
        signature = {s: (group[s], tuple(group[machine.next[s][x]] for x in symbols)) for s in reachable}
        refined = _numbered(signature, reachable)
        if len(set(refined.values())) == len(set(group.values())):
            break
        group = refined
    first = {}
    for s in reachable:
        first.setdefault(group[s], s)
    merged = Machine(
        next=tuple(tuple(group[machine.next[s][x]] for x in symbols) for s in first.values()),
        out=tuple(machine.out[s] for s in first.values()),
    )
    order = {s: i for i, s in enumerate(_walk_order(merged))}
    by_order = sorted(order, key=order.get)
    return Machine(
        next=tuple(tuple(order[t] for t in merged.next[s]) for s in by_order),
        out=tuple(merged.out[s] for s in by_order),
    )


def _walk_order(machine: Machine) -> list[int]:
    order, seen = [0], {0}
    for s in order:
        for t in machine.next[s]:
            if t not in seen:
                seen.add(t)
                order.append(t)
    return order


def _numbered(keys: dict, order: list[int]) -> dict[int, int]:
    numbers: dict = {}
    return {s: numbers.setdefault(keys[s], len(numbers)) for s in order}


def shortest_difference(machine: Machine, reference: Machine) -> tuple[int, ...] | None:
    """The shortest symbol sequence on whose last step the two machines write different
    bits, or None when they write the same bits on every sequence of every length.

    A breadth-first search over pairs of states: both machines are finite, so every
    pair of states they can be in together is met, and the first difference met is
    a shortest one.
    """
    paths = {(0, 0): ()}
    queue = deque(paths)
    while queue:
        s, r = pair = queue.popleft()
        for x in range(reference.symbols):
            path = (*paths[pair], x)
            if machine.out[s][x] != reference.out[r][x]:
                return path
            after = (machine.next[s][x], reference.next[r][x])
            if after not in paths:
                paths[after] = path
                queue.append(after)
    return None
