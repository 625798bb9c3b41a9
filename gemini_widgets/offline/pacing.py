"""How fast the offline server streams: like Gemini by default, instantly in tests; each model
at its own pace (``catalogue.ModelPace``)."""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass

from .catalogue import FLASH_PACE, ModelPace

__all__ = ["Pacing"]

PACING_ENV = "GEMINI_OFFLINE_PACING"


@dataclass(frozen=True)
class Pacing:
    """Seconds before the first chunk, and a (low, high) range between chunks."""

    first_chunk: float = 0.35
    between: tuple[float, float] = (0.02, 0.06)

    @classmethod
    def instant(cls) -> Pacing:
        return cls(first_chunk=0.0, between=(0.0, 0.0))

    @classmethod
    def from_env(cls) -> Pacing:
        """``GEMINI_OFFLINE_PACING=0`` streams instantly (CI); a number scales the delays."""
        value = os.environ.get(PACING_ENV, "").strip()
        if not value:
            return cls()
        try:
            scale = float(value)
        except ValueError:
            scale = math.nan
        if not scale >= 0:  # not a number, or negative
            raise ValueError(f"{PACING_ENV} must be a number >= 0 (0: instant), got {value!r}")
        return cls.scaled(scale)

    @classmethod
    def scaled(cls, scale: float) -> Pacing:
        """Gemini-like pacing times ``scale`` (0: instant)."""
        base = cls()
        return cls(base.first_chunk * scale, (base.between[0] * scale, base.between[1] * scale))

    def delay(self, sent: int, rng: random.Random, pace: ModelPace = FLASH_PACE) -> float:
        """Seconds before chunk number ``sent`` of a model that answers at ``pace``."""
        if sent == 0:
            return self.first_chunk * pace.first_chunk
        return self.gap(rng) * pace.between

    def gap(self, rng: random.Random) -> float:
        low, high = self.between
        return low if low == high else rng.uniform(low, high)
