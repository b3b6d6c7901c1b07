"""A plain vectorised NumPy Elman RNN training step: the speed baseline.

Written the straightforward way (lists of per-step arrays, a new array for
every operation, one Adam update per weight array), as most NumPy RNN code
is. The benchmark times it beside rnnadd in the same process, so the ratio
between the two says more than either figure on a shared machine.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class PlainRNN:
    def __init__(self, hidden=16, bits=8, batch=32, learning_rate=0.05, seed=0):
        rng = np.random.default_rng(seed)
        self.rng, self.bits, self.batch, self.lr = rng, bits, batch, learning_rate
        self.weights = {
            "w_ih": rng.uniform(-1, 1, (2, hidden)) / np.sqrt(2),
            "w_hh": rng.uniform(-1, 1, (hidden, hidden)) / np.sqrt(hidden),
            "b_h": np.zeros(hidden),
            "w_ho": rng.uniform(-1, 1, (hidden, 1)) / np.sqrt(hidden),
            "b_o": np.zeros(1),
        }
        self.m = {k: np.zeros_like(v) for k, v in self.weights.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.weights.items()}
        self.t = 0

    def batch_data(self):
        a = self.rng.integers(0, 2 ** (self.bits - 1), self.batch)
        b = self.rng.integers(0, 2 ** (self.bits - 1), self.batch)
        shifts = np.arange(self.bits)
        x = np.stack([(a[:, None] >> shifts) & 1, (b[:, None] >> shifts) & 1], axis=-1).astype(float)
        y = (((a + b)[:, None] >> shifts) & 1).astype(float)
        return x, y

    def step(self):
        w = self.weights
        x, y = self.batch_data()
        hs = [np.zeros((self.batch, w["w_hh"].shape[0]))]
        outs = []
        for t in range(self.bits):
            hs.append(sigmoid(x[:, t] @ w["w_ih"] + hs[-1] @ w["w_hh"] + w["b_h"]))
            outs.append(sigmoid(hs[-1] @ w["w_ho"] + w["b_o"]))
        grads = {k: np.zeros_like(v) for k, v in w.items()}
        loss = 0.0
        delta_next = np.zeros_like(hs[0])
        for t in reversed(range(self.bits)):
            p = outs[t][:, 0]
            loss -= np.sum(y[:, t] * np.log(p + 1e-12) + (1 - y[:, t]) * np.log(1 - p + 1e-12))
            d_out = (p - y[:, t])[:, None] / self.batch
            grads["w_ho"] += hs[t + 1].T @ d_out
            grads["b_o"] += d_out.sum(axis=0)
            d_h = (d_out @ w["w_ho"].T + delta_next @ w["w_hh"].T) * hs[t + 1] * (1 - hs[t + 1])
            grads["w_hh"] += hs[t].T @ d_h
            grads["w_ih"] += x[:, t].T @ d_h
            grads["b_h"] += d_h.sum(axis=0)
            delta_next = d_h
        self.t += 1
        for k in w:
            self.m[k] = 0.9 * self.m[k] + 0.1 * grads[k]
            self.v[k] = 0.999 * self.v[k] + 0.001 * grads[k] ** 2
            m_hat = self.m[k] / (1 - 0.9**self.t)
            v_hat = self.v[k] / (1 - 0.999**self.t)
            w[k] -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        return loss / self.batch
