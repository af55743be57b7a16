"""``python -m ardent_async.demo``: see :mod:`ardent_async.demo`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ardent_async._redact import redact_text
from ardent_async.demo._flow import DemoError, run, target
from ardent_async.demo._view import ConsoleView, JsonView
from ardent_async.errors import ArdentError


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ardent_async.demo",
        description="Create many Postgres branches in parallel and query each one.",
    )
    parser.add_argument("--branches", type=int, default=20, help="how many branches (default 20)")
    parser.add_argument("--concurrency", type=int, default=16, help="creates in flight at once")
    parser.add_argument("--keep", action="store_true", help="keep the connector and branches")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per wait")
    args = parser.parse_args(argv)
    if not 1 <= args.branches <= 500:
        parser.error("--branches must be between 1 and 500")
    if not 1 <= args.concurrency <= 256:
        parser.error("--concurrency must be between 1 and 256")
    return args


async def _main(args: argparse.Namespace) -> int:
    view = JsonView() if args.json else ConsoleView()
    with view:
        async with target() as spot:
            view.stage(f"Target: {spot.description}")
            result = await run(
                spot,
                view,
                branches=args.branches,
                keep=args.keep,
                timeout=args.timeout,
                concurrency=args.concurrency,
            )
        view.summary(result)
    failed = sum(1 for b in result.branches if b.error is not None)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    try:
        return asyncio.run(_main(args))
    except (DemoError, ArdentError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"demo failed: {redact_text(first)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("demo interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
