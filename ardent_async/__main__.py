"""``python -m ardent_async``: the ardent-async command line."""

from ardent_async.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
