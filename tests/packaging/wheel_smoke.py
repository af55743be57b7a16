"""``nox -s package``: try an installed wheel from outside the source tree.

Run by the fresh environment's Python (``python wheel_smoke.py SOURCE_ROOT``): the SDK must come
from that environment, both console scripts must run, and the API-only emulator they install
must answer the SDK and the CLI.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def _check_installed(source_root: Path) -> None:
    import ardent_async

    where = Path(ardent_async.__file__).resolve()
    assert Path(sys.prefix).resolve() in where.parents, f"not from this environment: {where}"
    assert (source_root / "ardent_async") not in where.parents, f"from the source tree: {where}"
    print(f"import ardent_async {ardent_async.__version__} from {where.parent}")


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{args} exited {done.returncode}: {done.stderr}"
    return done.stdout


async def _against_emulator() -> None:
    from ardent_async import ArdentClient

    emulator = await asyncio.create_subprocess_exec(
        str(BIN / "ardent-emulator"), "--token", "smoke-token", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert emulator.stdout is not None
        # Its first line: export ARDENT_API_URL=... ARDENT_TOKEN=... ARDENT_ORG_ID=... ...
        line = (await asyncio.wait_for(emulator.stdout.readline(), 30)).decode()
        assert line.startswith("export "), f"the emulator's first line: {line!r}"
        exported = dict(word.split("=", 1) for word in shlex.split(line)[1:])
        banner = {"url": exported["ARDENT_API_URL"], "org": exported["ARDENT_ORG_ID"]}
        async with ArdentClient("smoke-token", base_url=banner["url"]) as client:
            project = await client.projects.create("wheel-smoke", org_id=banner["org"])
        listed = await asyncio.to_thread(
            _run,
            str(BIN / "ardent-async"),
            "--api-url",
            banner["url"],
            "--token",
            "smoke-token",
            "--format",
            "json",
            "projects",
            "list",
            "--org-id",
            banner["org"],
        )
        reply = json.loads(listed)
        assert reply["json_schema_version"] == 1, reply
        names = [row["name"] for row in reply["data"]]
        assert project.name in names, names
        print(f"API-only emulator on {banner['url']}: created and listed {project.name!r}")
    finally:
        emulator.terminate()
        await emulator.wait()


def main() -> None:
    _check_installed(Path(sys.argv[1]).resolve())
    assert "usage: ardent-async" in _run(str(BIN / "ardent-async"), "--help")
    assert "usage: ardent-emulator" in _run(str(BIN / "ardent-emulator"), "--help")
    print("ardent-async --help and ardent-emulator --help: ok")
    os.environ.pop("ARDENT_TOKEN", None)
    asyncio.run(_against_emulator())


if __name__ == "__main__":
    main()
