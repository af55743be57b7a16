"""Typed models of the Ardent API (attrs classes generated from ``openapi/ardent.yaml``)."""

from ardent_async.models._base import OpenEnum
from ardent_async.models._generated import *  # noqa: F403
from ardent_async.models._generated import __all__ as _generated_all

__all__ = ["OpenEnum", *_generated_all]
