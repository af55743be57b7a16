"""pytest fixtures for testing code that talks to Ardent, against the local emulator.

Registered as a ``pytest11`` entry point, so installing ``ardent-async`` makes them available
(``-p no:ardent_emulator`` turns them off):

``ardent_emulator``
    An API-only :class:`~ardent_async.emulator.Emulator` on a free port, fresh per test.
    Override ``ardent_emulator_options`` (a dict of ``Emulator`` keyword arguments) to change
    it, e.g. ``{"validate_responses": True, "op_duration": 0}``.
``ardent_client``
    An :class:`~ardent_async.ArdentClient` for it (the default org's owner), closed after.
``ardent_emulator_pg``
    A session-wide emulator with real branches on an embedded Postgres and the sample source
    (``.sample_source_url``); needs the ``emulator`` extra. Tests using it must run in the
    session event loop: ``@pytest.mark.asyncio(loop_scope="session")``. Override the
    session-scoped ``ardent_emulator_pg_options`` to change it.

Branches for tests (real Ardent, or ``--ardent-emulator``), sync and async tests alike, no
event-loop marker needed; every branch is handed out only once ``SELECT 1`` ran on it:

``ardent_branch``
    This xdist worker's branch for the session (a ``ci_values.CIBranch``), named
    ``{prefix}-{run}-{worker}`` and created under a key derived from that name, so a re-run
    of the same CI run reuses it. All workers build theirs at the same time.
``ardent_branch_url`` / ``ardent_branch_dsn``
    Its URL and libpq DSN: ``str`` subclasses that print masked (pytest prints a failing
    test's arguments) yet work wherever a connection string is expected.
``ardent_fresh_branch``
    A branch of the test's own (function scope).

Options (each also an ini key and an environment variable): ``--ardent-connector``
(``ARDENT_CONNECTOR_ID``), ``--ardent-branch-prefix``, ``--ardent-run-id`` (default: from the
CI's environment, else random), ``--ardent-emulator`` (one emulator with real Postgres for the
whole run, xdist workers included), ``--ardent-emulator-seed FILE`` (its source from your SQL),
``--ardent-manifest PATH`` (the branches the run used, as JSON, for a cleanup job). A failed
test's report names its branch and how to connect. See docs/ci.md.

The emulator fixtures need pytest-asyncio (``pip install 'ardent-async[pytest]'``); a test
that asks for one without it fails saying so. With ``validate_responses`` on, a reply that
does not match the spec fails the test.

This module is what every pytest run of every project that installs the SDK imports, so it
imports nothing: pytest loads the fixtures from ``_fixtures`` and ``_ci_fixtures`` (named
below), which import the SDK and the emulator only inside a fixture that is used.
"""

pytest_plugins = ["ardent_async.emulator._fixtures", "ardent_async.emulator._ci_fixtures"]
