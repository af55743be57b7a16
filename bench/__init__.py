"""Benchmarks (``nox -s bench``): the SDK against raw aiohttp and peers, as ratios in one run."""
