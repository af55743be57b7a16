"""``python -m ardent_async.emulator`` / ``ardent-emulator``: run the emulator until Ctrl-C or
SIGTERM, then stop cleanly (an embedded Postgres and everything created on it is removed)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from .chaos import ChaosConfig
from .server import API_ONLY_NOTE, DEFAULT_OP_DURATION, Emulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ardent-emulator",
        description="Run a local Ardent API emulator (public API, legacy API, /_emulator admin).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    parser.add_argument("--token", help="owner token of the default org (default: random)")
    parser.add_argument("--admin-token", help="token for /_emulator (default: random)")
    parser.add_argument(
        "--postgres",
        default="none",
        metavar="embedded|none|URL",
        help="where branches live: an embedded server, none (API-only), or a superuser URL",
    )
    parser.add_argument(
        "--sample-source", action="store_true", help="create a sample source database"
    )
    parser.add_argument(
        "--chaos",
        type=ChaosConfig.parse,
        metavar="SPEC",
        help="faults: 'seed=1,error_503=0.2,error_429=0.1,drop=0.05,drop_after=0.05,"
        "latency_ms=5,fail_ops=0.02,retry_after=0'",
    )
    parser.add_argument(
        "--op-duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"duration of operations in API-only mode (default {DEFAULT_OP_DURATION}; 0: instant)",
    )
    parser.add_argument(
        "--no-long-poll",
        dest="long_poll",
        action="store_false",
        help="answer operation polls at once, ignoring ?wait= (exercise client backoff)",
    )
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser


def _banner(emulator: Emulator) -> str:
    lines = [
        f"Ardent emulator listening on {emulator.base_url}",
        f"  ARDENT_API_URL={emulator.base_url}",
        f"  ARDENT_TOKEN={emulator.token}",
        f"  org id:        {emulator.org_id}",
        f"  admin token:   {emulator.admin_token}  (for {emulator.base_url}/_emulator/...)",
    ]
    if emulator.legacy_key is not None:
        lines.append(f"  ARDENT_PUBLIC_KEY={emulator.legacy_key.public_key}")
        lines.append(f"  ARDENT_SECRET_KEY={emulator.legacy_key.secret_key}")
    if emulator.sample_source_url:
        lines.append(f"  sample source: {emulator.sample_source_url}")
    if emulator.backend.real:
        lines.append("  branches:      real Postgres databases")
    else:
        lines.append(f"  branches:      {API_ONLY_NOTE}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


async def serve(args: argparse.Namespace) -> None:
    emulator = Emulator(
        host=args.host,
        port=args.port,
        token=args.token,
        admin_token=args.admin_token,
        postgres=args.postgres,
        sample_source=args.sample_source,
        chaos=args.chaos,
        op_duration=args.op_duration,
        long_poll=args.long_poll,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    await emulator.start()
    try:
        print(_banner(emulator), flush=True)
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        print("Stopping the Ardent emulator...", flush=True)
        await emulator.stop()
        print("Stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # startup failures: say what, no traceback
        print(f"ardent-emulator: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
