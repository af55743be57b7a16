"""``python -m ardent_async.demo``: see :mod:`ardent_async.demo`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from ardent_async._core._redact import redact_text
from ardent_async.demo._flow import DemoError, DemoResult, Target, run, target
from ardent_async.demo._view import ConsoleView, JsonView
from ardent_async.errors import ArdentError


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ardent_async.demo",
        description="Create many Postgres branches in parallel and query each one.",
    )
    parser.add_argument("--branches", type=int, default=20, help="how many branches (default 20)")
    parser.add_argument("--concurrency", type=int, default=16, help="creates in flight at once")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the connector and branches (on the embedded emulator: keep it running "
        "until Ctrl-C, which then removes everything)",
    )
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
            if args.keep and spot.embedded:
                await _hold(spot, result)
    failed = sum(1 for b in result.branches if b.error is not None)
    return 1 if failed else 0


async def _hold(spot: Target, result: DemoResult) -> None:
    """Keep the embedded emulator serving until Ctrl-C/SIGTERM: its branches live only as
    long as this process, so --keep would otherwise be a promise the exit breaks."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    api_url = spot.client.base_url
    lines = [
        "The embedded emulator keeps running with the connector and branches (--keep).",
        "Use them from another shell:",
        f"  export ARDENT_API_URL={api_url} ARDENT_TOKEN={spot.token} ARDENT_ORG_ID={spot.org_id}"
        f" ARDENT_CONNECTOR_ID={result.connector_id}",
        '  ardent-async branches list --connector-id "$ARDENT_CONNECTOR_ID" --show-secrets',
        "Press Ctrl-C to stop it: the emulator, its Postgres and every branch are then removed.",
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)
    try:
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        print("Stopping the embedded emulator (its branches go with it)...", file=sys.stderr)


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
