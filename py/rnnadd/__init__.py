"""A recurrent neural network that learns binary addition, in pure NumPy."""

from .encoding import bits_to_int, int_to_bits, probs_to_bits
from .evaluation import Accuracy, evaluate
from .session import Config, DivergenceError, Session

__all__ = [
    "Accuracy",
    "Config",
    "DivergenceError",
    "Session",
    "bits_to_int",
    "evaluate",
    "int_to_bits",
    "probs_to_bits",
]
