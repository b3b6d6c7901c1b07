"""Products and sums over time and batch that the cells' passes share."""

import sys
from functools import lru_cache

import numpy as np

# CPython's np.dot reaches BLAS with less overhead than matmul (1.4 vs 1.9 us for 32x16 by 16x16);
# Pyodide's NumPy has no BLAS, and there matmul's own loop is the faster (88 vs 97 us for a step's sums).
IN_PYODIDE = sys.platform == "emscripten"
product = np.matmul if IN_PYODIDE else np.dot
# That loop reads x @ w down w's columns; from this many weights on, a w in row order misses the
# cache at every one (a 1024-unit step's products 9x slower than in column order).
WIDE = 128 * 128


def by_columns(w: np.ndarray) -> np.ndarray:
    """`w` for the right of many products: in Pyodide, once it is wide, laid out column by column.
    The same sums in the same order, so the same results; CPython's BLAS takes either layout."""
    return np.asfortranarray(w) if IN_PYODIDE and w.size >= WIDE else w


def over_steps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum over all time steps and examples of the outer products a[t, n] x b[t, n]."""
    return product(a.reshape(-1, a.shape[-1]).T, b.reshape(-1, b.shape[-1]))


@lru_cache(maxsize=16)
def ones(n: int) -> np.ndarray:
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def columns(a: np.ndarray) -> np.ndarray:
    """Sum over all time steps and examples; a product with ones beats ndarray.sum on small arrays."""
    rows = a.reshape(-1, a.shape[-1])
    return product(ones(rows.shape[0]), rows)
