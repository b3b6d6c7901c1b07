"""The speed baseline: a careful, plain vectorised NumPy Elman RNN training step.

The same task and configuration as rnnadd's default (tanh, 16 units, 8 bits,
batch 32, cross-entropy, Adam), written the way a careful NumPy programmer
would without this project: states stacked in one array, the input drive for
every time step in one product, each weight gradient as one product over all
steps, and Adam over a list of arrays. The benchmarks time it beside rnnadd in
the same process, in alternating rounds, so the ratio is fair on a busy machine.
"""

import numpy as np


class PlainRNN:
    def __init__(self, hidden=16, bits=8, batch=32, learning_rate=0.05, seed=0):
        rng = np.random.default_rng(seed)
        self.rng, self.bits, self.batch, self.lr = rng, bits, batch, learning_rate
        self.shifts = np.arange(bits)
        self.w_xh = rng.uniform(-1, 1, (2, hidden)) / np.sqrt(2)
        self.w_hh = rng.uniform(-1, 1, (hidden, hidden)) / np.sqrt(hidden)
        self.b_h = np.zeros(hidden)
        self.w_hy = rng.uniform(-1, 1, hidden) / np.sqrt(hidden)
        self.b_y = np.zeros(1)
        self.params = [self.w_xh, self.w_hh, self.b_h, self.w_hy, self.b_y]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def batch_data(self):
        a, b = self.rng.integers(0, 2 ** (self.bits - 1), (2, self.batch))
        x = ((np.stack([a, b], axis=-1)[None] >> self.shifts[:, None, None]) & 1).astype(float)  # (T, B, 2)
        y = (((a + b)[None] >> self.shifts[:, None]) & 1).astype(float)  # (T, B)
        return x, y

    def step(self):
        x, y = self.batch_data()
        steps, batch, hidden = self.bits, self.batch, self.w_hh.shape[0]
        drive = x @ self.w_xh + self.b_h
        h = np.zeros((steps + 1, batch, hidden))
        for t in range(steps):
            h[t + 1] = np.tanh(drive[t] + h[t] @ self.w_hh)
        logits = h[1:] @ self.w_hy + self.b_y
        p = 1.0 / (1.0 + np.exp(-logits))
        loss = np.sum(np.logaddexp(0.0, logits) - y * logits) / batch

        d_logits = (p - y) / batch
        states = h[1:].reshape(-1, hidden)
        g_w_hy = states.T @ d_logits.reshape(-1)
        g_b_y = np.array([d_logits.sum()])
        d_h = d_logits[..., None] * self.w_hy
        d_z = np.empty_like(d_h)
        back = np.zeros((batch, hidden))
        for t in range(steps - 1, -1, -1):
            d_z[t] = (d_h[t] + back) * (1.0 - h[t + 1] ** 2)
            back = d_z[t] @ self.w_hh.T
        flat = d_z.reshape(-1, hidden)
        grads = [x.reshape(-1, 2).T @ flat, h[:-1].reshape(-1, hidden).T @ flat, flat.sum(axis=0), g_w_hy, g_b_y]

        self.t += 1
        scale = self.lr * np.sqrt(1 - 0.999**self.t) / (1 - 0.9**self.t)
        for param, grad, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= scale * m / (np.sqrt(v) + 1e-8)
        return loss
