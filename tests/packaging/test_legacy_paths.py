"""The legacy API lives in ``ardent_async.legacy``; its former import paths give the same
objects (a re-export that drifted would hand out a second, different class)."""

from __future__ import annotations

import importlib

import pytest

MOVED = [
    ("ardent_async.configs", "ardent_async.legacy.configs"),
    ("ardent_async.compat", "ardent_async.legacy.compat"),
    ("ardent_async.services.jobs", "ardent_async.legacy.jobs_service"),
    ("ardent_async.services.configs", "ardent_async.legacy.configs_service"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_the_former_path_exports_the_same_objects(old: str, new: str) -> None:
    before, after = importlib.import_module(old), importlib.import_module(new)
    assert before.__all__
    assert set(before.__all__) <= set(dir(after))
    for name in before.__all__:
        assert getattr(before, name) is getattr(after, name), name


def test_every_public_name_of_the_legacy_configs_is_still_at_the_documented_path() -> None:
    documented = importlib.import_module("ardent_async.configs")
    moved = importlib.import_module("ardent_async.legacy.configs")
    assert sorted(documented.__all__) == sorted(moved.__all__)


def test_the_services_package_hands_out_the_legacy_services() -> None:
    from ardent_async import services
    from ardent_async.legacy.configs_service import ConfigsService
    from ardent_async.legacy.jobs_service import JobsService

    assert (services.JobsService, services.ConfigsService) == (JobsService, ConfigsService)
