"""The main job: fan out many Postgres branches at once and hand each a working connection.

``python -m ardent_async.demo [--branches 20] [--keep] [--json]`` (also ``nox -s demo``). It
runs on the embedded emulator (real Postgres, no account needed) unless ``ARDENT_TOKEN`` or
``ARDENT_API_URL`` point at a real Ardent, in which case ``ARDENT_SOURCE_URL`` names the source.
"""
