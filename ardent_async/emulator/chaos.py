"""Seeded fault injection: 503s, 429s, dropped connections, latency and failing operations.

Every ``/v1`` request consumes exactly two draws from one seeded generator (one before the
handler, one after), whatever the fractions are, so the same seed and the same request sequence
give the same faults. Faults before the handler (``error_503``, ``error_429``, ``drop``) mean the
request was not handled at all; ``drop_after`` loses the reply of a request that *was* handled
(what idempotency keys are for). Operation failures draw from a second generator.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from typing import Any

FAULT_503 = "error_503"
FAULT_429 = "error_429"
FAULT_DROP = "drop"
FAULT_DROP_AFTER = "drop_after"
_FRACTIONS = ("error_503", "error_429", "drop", "drop_after", "fail_ops")


@dataclasses.dataclass(frozen=True)
class ChaosConfig:
    """Fault fractions (0-1 each), added latency and the Retry-After sent with 503/429."""

    seed: int = 0
    error_503: float = 0.0
    error_429: float = 0.0
    drop: float = 0.0
    drop_after: float = 0.0
    latency_ms: float = 0.0
    fail_ops: float = 0.0
    retry_after: float = 0.0

    def __post_init__(self) -> None:
        for name in _FRACTIONS:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"chaos {name} must be a fraction between 0 and 1, got {value}")
        if self.error_503 + self.error_429 + self.drop > 1.0:
            raise ValueError("chaos error_503 + error_429 + drop must not exceed 1")
        if self.latency_ms < 0 or self.retry_after < 0:
            raise ValueError("chaos latency_ms and retry_after must be >= 0")

    @property
    def enabled(self) -> bool:
        """True when any fault or latency is configured."""
        return any(getattr(self, name) for name in (*_FRACTIONS, "latency_ms"))

    @classmethod
    def parse(cls, text: str) -> ChaosConfig:
        """``"seed=1,error_503=0.2,error_429=0.1,drop=0.05,latency_ms=5,fail_ops=0.02"``."""
        values: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, raw = item.partition("=")
            if not sep:
                raise ValueError(f"chaos option {item!r} is not name=value")
            values[name.strip()] = raw.strip()
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChaosConfig:
        """Build from a mapping of field names (as served by ``/_emulator/chaos``)."""
        known = {field.name: field for field in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown chaos option(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, raw in data.items():
            if isinstance(raw, bool):
                raise ValueError(f"chaos {name} must be a number")
            try:
                values[name] = int(raw) if name == "seed" else float(raw)
            except (TypeError, ValueError):
                raise ValueError(f"chaos {name} must be a number, got {raw!r}") from None
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict."""
        return dataclasses.asdict(self)


class Chaos:
    """The live fault injector; :meth:`configure` replaces the settings and reseeds."""

    def __init__(self, config: ChaosConfig | None = None) -> None:
        self.configure(config or ChaosConfig())

    @property
    def config(self) -> ChaosConfig:
        return self._config

    def configure(self, config: ChaosConfig) -> None:
        self._config = config
        self._requests = random.Random(config.seed)
        self._operations = random.Random(f"operations:{config.seed}")

    def before(self) -> str | None:
        """The fault to inject before handling a request, if any."""
        draw = self._requests.random()
        config = self._config
        if draw < config.error_503:
            return FAULT_503
        if draw < config.error_503 + config.error_429:
            return FAULT_429
        if draw < config.error_503 + config.error_429 + config.drop:
            return FAULT_DROP
        return None

    def drop_after(self) -> bool:
        """Whether to lose the reply of a handled request."""
        return self._requests.random() < self._config.drop_after

    def fail_operation(self) -> bool:
        return self._config.fail_ops > 0 and self._operations.random() < self._config.fail_ops

    @property
    def latency(self) -> float:
        return self._config.latency_ms / 1000.0
