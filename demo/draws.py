"""Vectorised seeded random helpers: named random streams hashed from row indices, and lookups."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from itertools import accumulate

import polars as pl


def _stream_seed(seed: int, salt: str) -> int:
    """Derive the hash seed of one named random stream."""
    digest = hashlib.blake2b(f"vantage:{seed}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _uniform(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Uniform numbers in (0, 1), one per row index, from a named stream."""
    bits = idx.hash(_stream_seed(seed, salt)) // 2**11
    # The half offset keeps values strictly inside (0, 1) so logarithms stay finite.
    return (bits.cast(pl.Float64) + 0.5) / 2.0**53


def _bits(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Raw 64-bit random integers, one per row index, from a named stream."""
    return idx.hash(_stream_seed(seed, salt))


def _normal(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Standard normal numbers per row index (Box-Muller)."""
    u1 = _uniform(idx, seed, salt + ".a")
    u2 = _uniform(idx, seed, salt + ".b")
    return (-2.0 * u1.log()).sqrt() * (2.0 * math.pi * u2).cos()


def _pick(u: pl.Series, weights: Sequence[float]) -> pl.Series:
    """Map uniforms to category indices drawn with the given weights."""
    total = float(sum(weights))
    edges = list(accumulate(w / total for w in weights))[:-1]
    if not edges:
        return pl.zeros(len(u), dtype=pl.UInt32, eager=True)
    return pl.Series(edges, dtype=pl.Float64).search_sorted(u, side="right")


def _pick_uniform(u: pl.Series, size: int) -> pl.Series:
    """Map uniforms to equally likely indices 0..size-1."""
    return (u * size).floor().cast(pl.UInt32).clip(0, size - 1)


def _take(
    values: Sequence[object],
    idx: pl.Series,
    dtype: pl.DataType | type[pl.DataType] | None = None,
) -> pl.Series:
    """Look values up by index."""
    return pl.Series(list(values), dtype=dtype).gather(idx)


def _label(column: str, values: Sequence[str]) -> pl.Expr:
    """Expression turning a 0-based index column into its text label."""
    return pl.col(column).replace_strict(
        list(range(len(values))), list(values), return_dtype=pl.String
    )


def _ramp(months: pl.Series, before: float, settled: float, tau: float) -> pl.Series:
    """Level before joining, then an exponential decay towards `settled` after joining."""
    after = settled + (before - settled) * (-months.clip(0.0, None) / tau).exp()
    return pl.select(pl.when(months < 0).then(pl.lit(before)).otherwise(after)).to_series()
