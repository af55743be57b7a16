"""How the demo shows itself: rich tables and live bars on a terminal, plain lines elsewhere,
or one JSON document (``--json``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ardent_async._core._converter import converter
from ardent_async._core._redact import mask_url, redact_value
from ardent_async.cli._output import Output
from ardent_async.demo._flow import DemoResult
from ardent_async.fanout import FanOutProgress
from ardent_async.models import AsyncOperationResponse, PreflightReport
from ardent_async.preflight import check_results

try:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
except ImportError:  # pragma: no cover - only without the extra
    Console = None  # type: ignore[assignment,misc]
    Progress = None  # type: ignore[assignment,misc]


class ConsoleView:
    """For people: stages, the preflight table, progress bars, the summary table."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.output = Output("table", show_secrets=False, stream=self.stream)
        live = Progress is not None and self.stream.isatty()
        self._progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
            )
            if live
            else None
        )
        self._tasks: dict[str, Any] = {}
        self._printed: dict[str, tuple[Any, ...]] = {}

    def __enter__(self) -> ConsoleView:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def stage(self, text: str) -> None:
        self._print(f"→ {text}")

    def preflight(self, report: PreflightReport) -> None:
        rows = [(c.name, c.status, c.hint or c.message or "") for c in check_results(report)]
        verdict = "PASS" if report.preflight_pass else "FAIL"
        self._table(["check", "result", "hint"], rows, f"Preflight: {verdict}")

    def operation(self, label: str, operation: AsyncOperationResponse) -> None:
        done = operation.progress if operation.progress is not None else 0
        if operation.status == "completed":
            done = 100
        stage = operation.stage_label or str(operation.status)
        self._bar(label, done, 100, f"{label}: {stage}")

    def fanout(self, progress: FanOutProgress) -> None:
        label = f"branches ({progress.failed} failed)" if progress.failed else "branches"
        self._bar("fan-out", progress.done, progress.total, label)

    def summary(self, result: DemoResult) -> None:
        rows = [
            (
                b.name,
                "" if b.ready_after is None else f"{b.ready_after:.2f} s",
                "" if b.rows is None else f"{b.rows} in {b.tables} tables",
                b.error or mask_url(b.url or ""),
            )
            for b in result.branches
        ]
        self._table(["branch", "ready after", "rows", "URL (password masked)"], rows, "Branches")
        ready = sum(1 for b in result.branches if b.error is None)
        self._print(
            f"Fan-out: {ready}/{len(result.branches)} branches ready and connectable in "
            f"{result.fanout_seconds:.2f} s ({result.branches_per_second:.1f} branches/s)"
            f" on {result.target}"
        )
        self._print(
            "Kept (--keep): the connector and branches are still there."
            if result.kept
            else "Cleaned up."
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _print(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, highlight=False, markup=False)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def _table(self, columns: list[str], rows: Sequence[Sequence[str]], title: str) -> None:
        if self._progress is not None:
            from rich.table import Table

            table = Table(title=title)
            for column in columns:
                table.add_column(column)
            for row in rows:
                table.add_row(*row)
            self._progress.console.print(table)
        else:
            self.output.table(None, columns, rows, title=title)

    def _bar(self, key: str, completed: float, total: float, label: str) -> None:
        if self._progress is not None:
            task = self._tasks.get(key)
            if task is None:
                task = self._tasks[key] = self._progress.add_task(label, total=total)
            self._progress.update(task, completed=completed, total=total, description=label)
            return
        # Plain lines (no terminal): one per tenth of the way, not one per step.
        state = (int(completed * 10 // total) if total else 0, label)
        if self._printed.get(key) == state:
            return
        self._printed[key] = state
        self.stream.write(f"  {label}: {completed:g}/{total:g}\n")
        self.stream.flush()


class JsonView:
    """For scripts: nothing while running, one JSON document at the end."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def __enter__(self) -> JsonView:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def stage(self, text: str) -> None:
        return None

    def preflight(self, report: PreflightReport) -> None:
        return None

    def operation(self, label: str, operation: AsyncOperationResponse) -> None:
        return None

    def fanout(self, progress: FanOutProgress) -> None:
        return None

    def summary(self, result: DemoResult) -> None:
        document = {
            "target": result.target,
            "preflight": redact_value(converter.unstructure(result.preflight)),
            "branches": [
                {
                    "name": b.name,
                    "ready_after_seconds": b.ready_after,
                    "rows": b.rows,
                    "tables": b.tables,
                    "url": mask_url(b.url) if b.url else None,
                    "error": b.error,
                }
                for b in result.branches
            ],
            "fanout_seconds": result.fanout_seconds,
            "branches_per_second": result.branches_per_second,
            "kept": result.kept,
            "connector_id": result.connector_id,
        }
        self.stream.write(json.dumps(document, indent=2, default=str) + "\n")
        self.stream.flush()  # --keep holds the process open after this
