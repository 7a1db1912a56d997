"""Writing in batches: the same batch size and slicing for every part of the plan."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

BATCH_SIZE = 1000


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
