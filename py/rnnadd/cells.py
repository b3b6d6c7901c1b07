"""Gated recurrent cells, GRU and LSTM: forward pass and backpropagation through time.

Beside the notebook's Elman cell (in model.py), these keep their state through
gates, which is how most recurrent networks are built today. Their weights use
the same names with the gates side by side: w_ih (2, G*H), w_hh (H, G*H),
b_ih (G*H), G = 3 for the GRU (update z, reset r, candidate n) and 4 for the
LSTM (input i, forget f, cell g, output o).

    GRU:  z, r = sigmoid(x w_ih + h w_hh + b)        n = tanh(x w_ihn + b_n + r * (h w_hhn))
          h' = (1 - z) n + z h
    LSTM: i, f, o = sigmoid(.), g = tanh(.)          c' = f c + i g        h' = o tanh(c')
"""

import numpy as np

GATES = {"gru": 3, "lstm": 4}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * np.tanh(0.5 * z) + 0.5


def _sum_over_steps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum over time and batch of the outer products a[t, n] x b[t, n]."""
    return a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])


def forward(params, inputs: np.ndarray, cell: str) -> tuple[np.ndarray, dict]:
    """Hidden states (T + 1, B, H), hidden[0] = 0, and what backward needs."""
    steps, batch, _ = inputs.shape
    size = params.hidden
    drive = (inputs.reshape(-1, inputs.shape[-1]) @ params.w_ih + params.b_ih).reshape(steps, batch, -1)
    hidden = np.zeros((steps + 1, batch, size))
    gates = np.empty_like(drive)
    if cell == "gru":
        recurrent_n = np.empty((steps, batch, size))
        for t in range(steps):
            from_h = hidden[t] @ params.w_hh
            gates[t, :, : 2 * size] = _sigmoid(drive[t, :, : 2 * size] + from_h[:, : 2 * size])
            recurrent_n[t] = from_h[:, 2 * size :]
            z, r = gates[t, :, :size], gates[t, :, size : 2 * size]
            n = gates[t, :, 2 * size :] = np.tanh(drive[t, :, 2 * size :] + r * recurrent_n[t])
            hidden[t + 1] = n + z * (hidden[t] - n)
        return hidden, {"gates": gates, "recurrent_n": recurrent_n}
    cell_state = np.zeros((steps + 1, batch, size))
    squashed = np.empty((steps, batch, size))
    for t in range(steps):
        a = drive[t] + hidden[t] @ params.w_hh
        gates[t] = _sigmoid(a)
        gates[t, :, 2 * size : 3 * size] = np.tanh(a[:, 2 * size : 3 * size])
        i, f, g, o = (gates[t, :, k * size : (k + 1) * size] for k in range(4))
        cell_state[t + 1] = f * cell_state[t] + i * g
        squashed[t] = np.tanh(cell_state[t + 1])
        hidden[t + 1] = o * squashed[t]
    return hidden, {"gates": gates, "cell_state": cell_state, "squashed": squashed}


def backward(params, inputs: np.ndarray, hidden: np.ndarray, cache: dict, d_states: np.ndarray, cell: str, grads):
    """Given d loss / d h_t from the output layer, write the recurrent weights' gradients."""
    steps, batch, size = d_states.shape
    gates = cache["gates"]
    d_drive = np.empty_like(gates)  # d loss / d (x w_ih + b_ih)
    d_from_h = np.empty_like(gates)  # d loss / d (h w_hh)
    d_h = np.zeros((batch, size))
    d_c = np.zeros((batch, size))
    for t in range(steps - 1, -1, -1):
        d_h = d_h + d_states[t]
        if cell == "gru":
            z, r, n = (gates[t, :, k * size : (k + 1) * size] for k in range(3))
            d_n = d_h * (1.0 - z) * (1.0 - n * n)
            d_z = d_h * (hidden[t] - n) * z * (1.0 - z)
            d_r = d_n * cache["recurrent_n"][t] * r * (1.0 - r)
            d_drive[t] = np.concatenate([d_z, d_r, d_n], axis=1)
            d_from_h[t] = np.concatenate([d_z, d_r, d_n * r], axis=1)
            d_h = d_h * z + d_from_h[t] @ params.w_hh.T
        else:
            i, f, g, o = (gates[t, :, k * size : (k + 1) * size] for k in range(4))
            tanh_c = cache["squashed"][t]
            d_c = d_c + d_h * o * (1.0 - tanh_c * tanh_c)
            d_a = np.concatenate(
                [
                    d_c * g * i * (1.0 - i),
                    d_c * cache["cell_state"][t] * f * (1.0 - f),
                    d_c * i * (1.0 - g * g),
                    d_h * tanh_c * o * (1.0 - o),
                ],
                axis=1,
            )
            d_drive[t] = d_from_h[t] = d_a
            d_c = d_c * f
            d_h = d_a @ params.w_hh.T
    grads.w_hh[...] = _sum_over_steps(hidden[:-1], d_from_h)
    grads.w_ih[...] = _sum_over_steps(inputs, d_drive)
    grads.b_ih[...] = d_drive.sum(axis=(0, 1))
