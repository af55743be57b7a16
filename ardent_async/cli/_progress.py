"""Progress for waits: a rich progress bar on a terminal, plain lines otherwise (stderr)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

try:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
except ImportError:  # pragma: no cover - exercised only without the extra
    Progress = None  # type: ignore[assignment,misc]


class ProgressView:
    """``update(completed, total, label)``; prints only on change."""

    def __init__(self, stream: TextIO, *, percent: bool = False) -> None:
        self._stream = stream
        self._percent = percent
        self._last: tuple[float, str] | None = None

    def update(self, completed: float, total: float, label: str) -> None:
        key = (completed, label)
        if key == self._last:
            return
        self._last = key
        shown = f"{completed:g}%" if self._percent else f"{completed:g}/{total:g}"
        self._stream.write(f"{label} ({shown})\n")
        self._stream.flush()


class _RichView(ProgressView):
    def __init__(self, progress: Progress, description: str, total: float) -> None:
        self._progress = progress
        # The real total from the first frame on (a bar drawn before the first update would
        # otherwise show 0/100 for three branches).
        self._task = progress.add_task(description, total=total)

    def update(self, completed: float, total: float, label: str) -> None:
        self._progress.update(self._task, completed=completed, total=total, description=label)


@contextmanager
def progress(
    description: str,
    *,
    quiet: bool = False,
    percent: bool = False,
    total: float = 100,
    stream: TextIO | None = None,
) -> Iterator[ProgressView]:
    """A progress display for one wait, out of ``total`` (``percent``: completed is out of
    100); silent when ``quiet``."""
    out = stream or sys.stderr
    if quiet:
        yield _Silent(out)
        return
    if Progress is not None and out.isatty():
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:>3.0f}/{task.total:.0f}"),
            TimeElapsedColumn(),
            transient=False,
            console=Console(file=out),  # stderr: stdout is for results (--print-url)
        ) as bar:
            yield _RichView(bar, description, total)
        return
    yield ProgressView(out, percent=percent)


class _Silent(ProgressView):
    def update(self, completed: float, total: float, label: str) -> None:
        return None
