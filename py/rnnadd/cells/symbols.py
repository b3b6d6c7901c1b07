"""The four inputs a time step can bring, and the step of the walk over them."""

import numpy as np

# Symbol x is 2 * (bit of a) + (bit of b).
SYMBOL_BITS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def children_by_forward(forward, params, states: np.ndarray, activation: str, branching: int):
    """`children` for any cell, through its own forward pass: each state repeated once per symbol."""
    symbols = np.tile(np.arange(branching), len(states))
    hidden, _, states = forward(params, SYMBOL_BITS[symbols][None], activation, np.repeat(states, branching, axis=0))
    return hidden[1], states
