"""One OS process of the cross-process fan-out test: ``create_many`` over its names.

``python -m tests.reliability.fanout_process BASE_URL CONNECTOR_ID NAME...`` (the token in
``ARDENT_TOKEN``) waits for a line on stdin, then prints one JSON object: for each name, its
branch id, or the error.
"""

from __future__ import annotations

import asyncio
import json
import sys

from ardent_async import ArdentClient, RetryPolicy

# As in test_chaos: enough retries that a request failing every time is not expected.
RETRIES = RetryPolicy(max_retries=15, base_delay=0.001, max_delay=0.01)


async def main(base_url: str, connector_id: str, names: list[str]) -> None:
    # Start together with the others (the test writes a line to every process at once).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    async with ArdentClient(base_url=base_url, retry_policy=RETRIES, timeout=15) as client:
        outcomes = await client.branches.create_many(connector_id, names, concurrency=16)
    report = {
        o.name: (
            {"branch_id": o.branch.branch_id}
            if o.branch is not None
            else {"error": f"{type(o.error).__name__}: {o.error}"}
        )
        for o in outcomes
    }
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
