import numpy as np
import pytest
from rnnadd import encoding
from rnnadd.tasks import ADD


@pytest.mark.parametrize("bits", [2, 8, 33, 64])
def test_int_bits_round_trip_at_every_width(bits):
    rng = np.random.default_rng(bits)
    values = rng.integers(0, 2**bits - 1, size=100, dtype=np.uint64, endpoint=True)
    values[:2] = [0, 2**bits - 1]
    as_bits = encoding.int_to_bits(values, bits)
    assert as_bits.shape == (100, bits)
    assert set(np.unique(as_bits)) <= {0.0, 1.0}
    np.testing.assert_array_equal(encoding.bits_to_int(as_bits), values)


def test_bits_are_least_significant_first():
    np.testing.assert_array_equal(encoding.int_to_bits(6, 4), [0, 1, 1, 0])
    assert encoding.bits_to_int([1, 0, 1]) == 5
    np.testing.assert_array_equal(encoding.probs_to_bits([0.9, 0.2, 0.51]), [1, 0, 1])


@pytest.mark.parametrize("bits", [2, 8, 64])
def test_random_batches_hold_true_sums_that_fit(bits):
    rng = np.random.default_rng(0)
    inputs, targets = next(encoding.batches(rng, 50, bits))
    assert inputs.shape == (bits, 50, 2) and targets.shape == (bits, 50)
    a = encoding.bits_to_int(inputs[:, :, 0].T)
    b = encoding.bits_to_int(inputs[:, :, 1].T)
    assert (a < 2 ** (bits - 1)).all() and (b < 2 ** (bits - 1)).all()
    np.testing.assert_array_equal(encoding.bits_to_int(targets.T), a + b)


def test_random_operands_cover_the_range_evenly():
    a, b = encoding.random_pairs(np.random.default_rng(0), 40_000, 4)
    counts = np.bincount(np.concatenate([a, b]).astype(np.int64), minlength=8)
    assert counts.size == 8 and counts.min() > 9_000


def test_all_pairs_is_every_pair_once():
    a, b = encoding.all_pairs(4)
    assert len(set(zip(a.tolist(), b.tolist(), strict=False))) == 64 == a.size


@pytest.mark.parametrize("bits", [1, 65, 8.0, True, "8"])
def test_bad_width_is_refused(bits):
    with pytest.raises(ValueError, match="bits must be"):
        encoding.int_to_bits(3, bits)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [(-1, 2, "a must be 0 or more"), (1, 1.5, "b must be a whole number"), (200, 100, r"a \+ b must be below 2\^8")],
)
def test_bad_operands_are_refused(a, b, message):
    with pytest.raises(ValueError, match=message):
        ADD.check((a, b), 8)
