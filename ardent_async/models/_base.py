"""Base classes the generated models build on."""

from __future__ import annotations

from enum import Enum


class OpenEnum(str, Enum):
    """A string enum that accepts values it does not know.

    The server may add operation types or statuses at any time; decoding one must not fail.
    An unknown value becomes a pseudo-member (cached per value) that compares equal to its
    string, so ``OperationType("new_kind") == "new_kind"`` and ``.is_known`` is False.

    A case variant of a known value is that member (``OperationStatus("Completed") is
    OperationStatus.COMPLETED``): ``is_known``, ``==`` and ``is`` always agree.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for known in cls.__members__.values():
            if known._value_.casefold() == folded:
                cls._value2member_map_[value] = known
                return known
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        # Cache so that repeated decodes of the same unknown value give the same object.
        cls._value2member_map_[value] = member
        return member

    @property
    def is_known(self) -> bool:
        """True when the value is one this version of the SDK was generated with."""
        return type(self).__members__.get(self._name_) is self

    def __str__(self) -> str:
        return str(self.value)
