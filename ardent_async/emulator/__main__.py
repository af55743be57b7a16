"""``python -m ardent_async.emulator`` / ``ardent-emulator``: run the emulator until Ctrl-C or
SIGTERM, then stop cleanly (an embedded Postgres and everything created on it is removed).

Its first line is one pasteable ``export ARDENT_API_URL=... ARDENT_TOKEN=... ARDENT_ORG_ID=...
ARDENT_SOURCE_URL=...``; every other line of the banner is a shell comment (or a second
``export``), so the whole banner can be pasted into another terminal. ``--port`` and
``--token`` make those values the same on every start (the org id is derived from the token).
``--detach`` runs it in the background (pid file, log beside it); ``ardent-emulator stop``
stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import logging
import shlex
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from . import _detached
from .chaos import ChaosConfig
from .server import API_ONLY_NOTE, DEFAULT_OP_DURATION, Emulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ardent-emulator",
        description="Run a local Ardent API emulator (public API, legacy API, /_emulator "
        "admin) in its own terminal, or in the background with --detach. Its first line is an "
        "`export ...` line to paste into the terminal you work in. `ardent-emulator stop` stops "
        "a detached one.",
        epilog="example: ardent-emulator --postgres embedded --sample-source --port 8700 "
        "--token sk-ard_test_local --detach",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=0, help="port (0: a free one; fixed: a stable ARDENT_API_URL)"
    )
    parser.add_argument(
        "--token",
        help="owner token of the default org (default: random; fixed, it also fixes the org id)",
    )
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
    parser.add_argument(
        "--detach",
        action="store_true",
        help="run in the background: print the banner once it serves, then return",
    )
    parser.add_argument(
        "--pid-file",
        type=Path,
        default=None,
        help=f"where --detach and `stop` keep the pid (default: {_detached.default_pid_file()})",
    )
    return parser


def _stop_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ardent-emulator stop", description="Stop the emulator --detach started."
    )
    parser.add_argument("--pid-file", type=Path, default=None, help="as given to --detach")
    return parser


def org_id_for(token: str) -> str:
    """The default org's id for a fixed ``--token``: the same on every start."""
    return "org_" + hashlib.sha256(token.encode()).hexdigest()[:16]


def export_line(emulator: Emulator) -> str:
    """``export ARDENT_API_URL=... ARDENT_TOKEN=... ARDENT_ORG_ID=... [ARDENT_SOURCE_URL=...]``,
    quoted for a POSIX shell."""
    values = {
        "ARDENT_API_URL": emulator.base_url,
        "ARDENT_TOKEN": emulator.token,
        "ARDENT_ORG_ID": emulator.org_id,
    }
    if emulator.sample_source_url:
        values["ARDENT_SOURCE_URL"] = emulator.sample_source_url
    return "export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in values.items())


def _banner(emulator: Emulator) -> str:
    lines = [export_line(emulator)]
    if emulator.legacy_key is not None:
        key = emulator.legacy_key
        lines.append(
            f"export ARDENT_PUBLIC_KEY={shlex.quote(key.public_key)} "
            f"ARDENT_SECRET_KEY={shlex.quote(key.secret_key)}  # the legacy jobs API"
        )
    lines.append(
        f"# Ardent emulator on {emulator.base_url}: paste the lines above into the shell you "
        "work in"
    )
    lines.append(f"# admin token: {emulator.admin_token} (for {emulator.base_url}/_emulator/...)")
    if emulator.backend.real:
        lines.append("# branches: real Postgres databases")
        if not emulator.sample_source_url:
            lines.append("# no ARDENT_SOURCE_URL: --sample-source creates a sample source database")
    else:
        lines.append(f"# branches: {API_ONLY_NOTE}")
    lines.append(_detached.READY_LINE)
    return "\n".join(lines)


async def serve(args: argparse.Namespace) -> None:
    emulator = Emulator(
        host=args.host,
        port=args.port,
        token=args.token,
        org_id=org_id_for(args.token) if args.token else None,
        admin_token=args.admin_token,
        postgres=args.postgres,
        # API-only, the sample source is a fixed URL that costs nothing: always offer one.
        sample_source=args.sample_source or args.postgres in ("none", ""),
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
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["stop"]:
        stopping = _stop_parser().parse_args(words[1:])
        return _detached.stop(stopping.pid_file or _detached.default_pid_file())
    args = _parser().parse_args(words)
    if args.detach:
        served = [word for word in words if word != "--detach"]
        return _detached.start(served, args.pid_file or _detached.default_pid_file())
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
