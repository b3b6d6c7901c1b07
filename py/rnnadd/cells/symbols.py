"""The inputs a time step can bring (its symbols), and the step of the walk over them."""

from functools import cache

import numpy as np

from .sums import product


@cache
def symbol_bits(inputs: int) -> np.ndarray:
    """Row x: the input bits symbol x stands for, the first operand's the highest (x = 2a + b for two)."""
    x = np.arange(2**inputs)
    bits = ((x[:, None] >> np.arange(inputs - 1, -1, -1)) & 1).astype(np.float64)
    bits.flags.writeable = False
    return bits


SYMBOL_BITS = symbol_bits(2)


def symbol_drive(params, branching: int) -> np.ndarray:
    """x W_ih + b for each of the first `branching` symbols, (branching, GATES * H): what a step
    adds to a state's product with W_hh. A cell's children compute that product once per state
    and add each symbol's drive, as forward adds them (the walk over every pair: 4 times fewer
    products than stepping each state once per symbol)."""
    drive = product(symbol_bits(params.inputs)[:branching], params.w_ih)
    drive += params.b_ih
    return drive
