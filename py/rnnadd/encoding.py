"""Numbers as bits, and the batches the network learns from.

Bits are least significant first, so time step t of a sequence holds bit t of
each operand and of the sum: the order in which a carry travels.

The notebook's helpers map here as follows:
    int2binary      -> int_to_bits
    binary2int      -> bits_to_int
    logit2binary    -> probs_to_bits
    generate_row    -> encode_pairs
    data_generator  -> random_pairs
    input_feed      -> batches
"""

from collections.abc import Iterator

import numpy as np

MIN_BITS = 2
MAX_BITS = 64


def check_bits(bits: int, field: str = "bits") -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)):
        raise ValueError(f"{field} must be a whole number from {MIN_BITS} to {MAX_BITS}")
    if not MIN_BITS <= bits <= MAX_BITS:
        raise ValueError(f"{field} must be from {MIN_BITS} to {MAX_BITS}, got {bits}")
    return int(bits)


def int_to_bits(values: np.ndarray | int, bits: int) -> np.ndarray:
    """Unsigned integers -> float bits, shape values.shape + (bits,), LSB first."""
    check_bits(bits)
    values = np.asarray(values, dtype="<u8", order="C")
    # Little-endian bytes unpacked little-bit-first are exactly the LSB-first bits.
    as_bytes = values.reshape(-1).view(np.uint8).reshape((*values.shape, 8))
    all_bits = np.unpackbits(as_bytes, axis=-1, bitorder="little")
    return all_bits[..., :bits].astype(np.float64)


def bits_to_int(bits: np.ndarray) -> np.ndarray | int:
    """LSB-first bits (last axis) -> unsigned integers; a 1-D input gives a Python int."""
    bits = np.asarray(bits)
    weights = np.uint64(1) << np.arange(bits.shape[-1], dtype=np.uint64)
    values = (bits.astype(np.uint64) * weights).sum(axis=-1, dtype=np.uint64)
    return int(values) if values.ndim == 0 else values


def probs_to_bits(probs: np.ndarray) -> np.ndarray:
    """Output probabilities -> hard bits: the network's answer."""
    return (np.asarray(probs) > 0.5).astype(np.float64)


def encode_pairs(a: np.ndarray, b: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Operand arrays -> (inputs (T, B, 2), targets (T, B)), time-major for the recurrence."""
    a = np.asarray(a, dtype=np.uint64).reshape(-1)
    b = np.asarray(b, dtype=np.uint64).reshape(-1)
    all_bits = int_to_bits(np.stack([a, b, a + b]), bits)  # (3, B, T)
    return np.ascontiguousarray(all_bits[:2].transpose(2, 1, 0)), np.ascontiguousarray(all_bits[2].T)


def random_pairs(rng: np.random.Generator, count: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Operands below 2^(bits-1), as in the notebook, so the sum always fits.

    Masking raw 64-bit draws is exactly uniform for a power-of-two range and
    much cheaper than Generator.integers for small batches.
    """
    raw = rng.bit_generator.random_raw(2 * count)
    raw &= np.uint64(2 ** (bits - 1) - 1)
    return raw[:count], raw[count:]


def random_batches(rng: np.random.Generator, steps: int, count: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """`steps` batches at once: inputs (steps, T, B, 2) and targets (steps, T, B).

    Draws the same random stream, in the same order, as `steps` calls of
    random_pairs(rng, count, bits), in a handful of array operations.
    """
    raw = rng.bit_generator.random_raw(2 * count * steps).reshape(steps, 2, count)
    raw &= np.uint64(2 ** (bits - 1) - 1)
    values = np.empty((steps, 3, count), dtype="<u8")
    values[:, :2] = raw
    np.add(raw[:, 0], raw[:, 1], out=values[:, 2])
    all_bits = int_to_bits(values, bits)  # (steps, 3, B, T)
    inputs = np.ascontiguousarray(all_bits[:, :2].transpose(0, 3, 2, 1))
    return inputs, np.ascontiguousarray(all_bits[:, 2].transpose(0, 2, 1))


def all_pairs(bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Every operand pair below 2^(bits-1), for exhaustive evaluation."""
    values = np.arange(2 ** (bits - 1), dtype=np.uint64)
    a, b = np.meshgrid(values, values, indexing="ij")
    return a.reshape(-1), b.reshape(-1)


def batches(rng: np.random.Generator, batch_size: int, bits: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """An endless stream of fresh (inputs, targets) batches."""
    while True:
        inputs, targets = random_batches(rng, 1, batch_size, bits)
        yield inputs[0], targets[0]


MAX_OPERAND = 2**MAX_BITS - 1


def parse_operand(name: str, text: str) -> int:
    """An operand typed by a person: decimal digits 0-9 only, from 0 to 2^64 - 1."""
    text = str(text).strip()
    # ASCII digits only: int() would also take "²"-like or Arabic-Indic digits, and 5,000 digits would be slow.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_OPERAND)) or int(text) > MAX_OPERAND:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise ValueError(f"{name} must be a whole number from 0 to {MAX_OPERAND} (2^64 - 1), got {shown!r}")
    return int(text)
