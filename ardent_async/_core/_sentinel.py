"""``KEEP``: the typed default of ``with_options(timeout=...)`` meaning "leave it as it is".

``None`` cannot say that: ``timeout=None`` means "no limit". A class of its own (not a bare
``object()``) lets a signature say ``float | None | Keep`` and ``isinstance`` narrow it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["KEEP", "Keep"]


class Keep:
    """The type of :data:`KEEP` (one instance)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()
