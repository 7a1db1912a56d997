"""Waits that double after each failure up to a ceiling: 1, 2, 4 ... 30 seconds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Backoff:
    """The wait before the next try. ``next_delay()`` gives it and doubles the following one;
    ``reset()`` after a success starts again from ``first``."""

    first: float = 1.0
    ceiling: float = 30.0
    _failures: int = field(default=0, init=False)

    def next_delay(self) -> float:
        delay = min(self.first * (2**self._failures), self.ceiling)
        if delay < self.ceiling:
            self._failures += 1
        return delay

    def reset(self) -> None:
        self._failures = 0

    @property
    def failures(self) -> int:
        return self._failures
