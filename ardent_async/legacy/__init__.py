"""The legacy jobs/configs API and the published ardent-sdk drop-in, together.

Everything that speaks the older API (HMAC-signed with a key pair, or a bearer ``sk-ard_`` key)
lives here, apart from the branching API of the rest of the package:

- ``ardent_async.legacy.configs``: the typed configurations and their checks (imported as
  :mod:`ardent_async.configs`);
- ``ardent_async.legacy.jobs_service`` and ``ardent_async.legacy.configs_service``: the
  ``client.jobs`` and ``client.configs`` services (also in :mod:`ardent_async.services`);
- ``ardent_async.legacy.compat``: the drop-in for the published ardent-sdk (imported as
  :mod:`ardent_async.compat`).

The import paths above in parentheses are the documented ones and keep working.
"""

__all__: list[str] = []
