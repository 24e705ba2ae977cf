"""The embedding interface every backend implements."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Returns L2-normalised float32 vectors, one row per text.

    Backends subclass it to inherit the optional capabilities' defaults."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> Vector: ...

    def remember(self, texts: list[str], vectors: Vector) -> None:
        """Optional: take vectors computed earlier (read from disk) into the embedder's
        own cache, so ``embed`` returns them without computing them again. Embedders
        without a cache keep this default, which does nothing."""
        return None
