"""``client.configs``'s service; it lives in ``ardent_async.legacy.configs_service`` with
the rest of the legacy API, and this import path keeps working."""

from __future__ import annotations

from ardent_async.legacy.configs_service import ConfigsService

__all__ = ["ConfigsService"]
