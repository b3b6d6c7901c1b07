"""The inputs a time step can bring (its symbols), and the step of the walk over them."""

from functools import cache

import numpy as np


@cache
def symbol_bits(inputs: int) -> np.ndarray:
    """Row x: the input bits symbol x stands for, the first operand's the highest (x = 2a + b for two)."""
    x = np.arange(2**inputs)
    bits = ((x[:, None] >> np.arange(inputs - 1, -1, -1)) & 1).astype(np.float64)
    bits.flags.writeable = False
    return bits


SYMBOL_BITS = symbol_bits(2)


def children_by_forward(forward, params, states: np.ndarray, branching: int):
    """`children` for any cell, through its own forward pass: each state repeated once per symbol."""
    symbols = np.tile(np.arange(branching), len(states))
    steps = symbol_bits(params.inputs)[symbols][None]
    hidden, _, states = forward(params, steps, np.repeat(states, branching, axis=0))
    return hidden[1], states
