"""Decoding: the SDK's cattrs converter vs pydantic v2 models of the same shape."""

from __future__ import annotations

import gc
import time
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from ardent_async._core._converter import converter
from ardent_async.models import AsyncOperationResponse, BranchRow
from bench._stats import Figure, ratio


class PydBranchRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    connector_id: str
    service_type: str
    status: str
    created_at: datetime
    branch_url: str | None = None
    last_branch_activity: datetime | None = None
    masked_ready_at: datetime | None = None
    pooled_branch_prisma_url: str | None = None
    pooled_branch_url: str | None = None
    read_ready_at: datetime | None = None
    write_ready_at: datetime | None = None


class PydOperation(BaseModel):
    id: str
    org_id: str
    type: str
    resource_id: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    error: str | None = None
    progress: int | None = None
    result: dict[str, Any] | None = None
    setup_status: dict[str, Any] | None = None
    stage: str | None = None
    stage_label: str | None = None
    started_at: datetime | None = None


def _rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"br_{i}",
            "name": f"pr-{i}",
            "connector_id": "conn_1",
            "service_type": "postgres",
            "status": "ready",
            "created_at": "2026-11-25T10:00:00Z",
            "read_ready_at": "2026-11-25T10:00:01+00:00",
            "branch_url": f"postgresql://u{i}:pw@127.0.0.1:5432/b{i}",
            "tags": ["ci"],
        }
        for i in range(n)
    ]


def _operations(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"op_{i}",
            "org_id": "org_1",
            "type": "branch_create",
            "resource_id": f"br_{i}",
            "status": "completed",
            "progress": 100,
            "stage_label": "Ready",
            "created_at": "2026-11-25T10:00:00Z",
            "updated_at": "2026-11-25T10:00:02Z",
            "completed_at": "2026-11-25T10:00:02Z",
            "result": {"branch_id": f"br_{i}", "branch_url": "postgresql://u:pw@h/db"},
        }
        for i in range(n)
    ]


def _best_of(fn: Any, payload: Any, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        # As timeit does: a collection landing inside one side's run would be noise, not cost.
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            fn(payload)
            samples.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return samples


def run(n: int = 10_000, rounds: int = 7) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    cases = [
        ("branch rows", _rows(n), list[BranchRow], TypeAdapter(list[PydBranchRow])),
        (
            "operations",
            _operations(n),
            list[AsyncOperationResponse],
            TypeAdapter(list[PydOperation]),
        ),
    ]
    for label, payload, sdk_type, adapter in cases:
        converter.structure(payload[:10], sdk_type)  # build hooks before timing
        adapter.validate_python(payload[:10])
        sdk: list[float] = []
        pyd: list[float] = []
        for _ in range(rounds):
            sdk += _best_of(lambda p, t=sdk_type: converter.structure(p, t), payload, 1)
            pyd += _best_of(adapter.validate_python, payload, 1)
        sdk_fig, pyd_fig = Figure(tuple(sdk)), Figure(tuple(pyd))
        results[f"decode {n:,} {label}: SDK (cattrs)"] = sdk_fig
        results[f"decode {n:,} {label}: pydantic v2"] = pyd_fig
        results[f"decode {n:,} {label}: ratio SDK/pydantic"] = ratio(sdk_fig, pyd_fig)
    return results
