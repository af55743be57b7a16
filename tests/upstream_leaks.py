"""Warnings that come from a dependency's own bug at the versions the project still supports.

pytest-asyncio before 1.4 leaves an event loop unclosed when a sync test calls
``asyncio.run()`` (or a sync client runs its own loop) after an async test: its issue 724, fixed
in 1.4. Under ``filterwarnings = error`` the loop's socket, collected during a later test, fails
that test. ``nox -s lowest`` runs 0.24, the declared floor; there, and only there, that one
warning is let by.
"""

from __future__ import annotations

from importlib.metadata import version

# An ini-style filter: its message is a regular expression ('.' stands for ':', the field
# separator), matched only against a loop's self-pipe socket (AF_UNIX), not the TCP sockets the
# SDK and asyncpg open. pytest takes a -W filter's message literally, hence ini lines (added
# by the suite's conftest, or -o for the sample project).
LEAKED_LOOP = (
    r"ignore:Exception ignored in. <socket\.socket fd=-1, family=AddressFamily\.AF_UNIX"
    ":pytest.PytestUnraisableExceptionWarning"
)


def leaked_loop_filters() -> list[str]:
    """The warnings filters the installed pytest-asyncio needs: none from 1.4 on."""
    major, minor = (int(part) for part in version("pytest-asyncio").split(".")[:2])
    return [] if (major, minor) >= (1, 4) else [LEAKED_LOOP]
