"""An independent, deliberately plain implementation of the same network.

One example and one time step at a time, with the textbook sigmoid, so that
the vectorised model can be checked against something written differently.
"""

import math


def forward_probs(params, bits_a, bits_b):
    """bits_a, bits_b: LSB-first lists of 0/1. Returns the list of output probabilities."""
    hidden, activation = params.hidden, params.activation
    h = [0.0] * hidden
    probs = []
    for x0, x1 in zip(bits_a, bits_b, strict=False):
        z = [
            x0 * params.w_ih[0, j]
            + x1 * params.w_ih[1, j]
            + sum(h[i] * params.w_hh[i, j] for i in range(hidden))
            + params.b_ih[j]
            for j in range(hidden)
        ]
        if activation == "sigmoid":
            h = [1.0 / (1.0 + math.exp(-v)) for v in z]
        elif activation == "tanh":
            h = [math.tanh(v) for v in z]
        else:
            h = [max(v, 0.0) for v in z]
        o = sum(h[i] * params.w_ho[i, 0] for i in range(hidden)) + params.b_ho[0]
        probs.append(1.0 / (1.0 + math.exp(-o)))
    return probs
