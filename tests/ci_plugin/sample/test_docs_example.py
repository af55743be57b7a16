# docs/ci.md shows this file as it is; the suite runs it with `pytest -n 4`.
import asyncio
import os

import asyncpg


async def test_async_code_gets_this_workers_branch(ardent_branch_url):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    conn = await asyncpg.connect(ardent_branch_url)  # a str: the real URL
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS notes (worker text)")
        await conn.execute("INSERT INTO notes VALUES ($1)", worker)
        assert await conn.fetchval("SELECT count(DISTINCT worker) FROM notes") == 1
    finally:
        await conn.close()


def test_sync_code_too(ardent_branch, ardent_branch_dsn):
    print(ardent_branch)  # CIBranch(name='ci-…-gw0', …, url=SecretURL('postgresql://u:***@…'))

    async def customers() -> int:
        conn = await asyncpg.connect(**ardent_branch_dsn.as_dict())
        try:
            return await conn.fetchval("SELECT count(*) FROM public.customers")
        finally:
            await conn.close()

    assert asyncio.run(customers()) == 25  # the source's rows, copied into the branch


def test_a_branch_of_its_own(ardent_fresh_branch, ardent_branch):
    assert ardent_fresh_branch.name != ardent_branch.name
