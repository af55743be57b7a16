"""CI: the README's two set-up commands, copied from README.md (so they cannot drift), run on a
fresh clone as a newcomer would run them.

    python3 .ci/readme_setup.py debian   # Debian's /usr/bin/python3 first on PATH: the two
                                         # commands in full (CI's demo and test run)
    python3 .ci/readme_setup.py pyenv    # pyenv's python3 first on PATH: the two commands with
                                         # nox's --list appended (set-up and the Pythons found)
    python3 .ci/readme_setup.py debian --list   # Debian's, listing only (a quick local check)

Fails when a command fails, when the venv was not made from the intended python3, when nox
would not run the tests on every Python 3.10-3.13 pyenv has, or when the output carries a
warning a newcomer cannot act on. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Set-up (fresh machine)"
# Output that means the set-up is noisy again (issue 26).
NOISE = (
    "uv binary not found",
    "[pbs]",
    "Missing interpreters",
    "externally-managed-environment",
)


def readme_commands() -> list[str]:
    """The two command lines of the README's set-up block, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block is not None, f"README.md: no bash block under {SECTION!r}"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    commands = [line for line in lines if not line.lstrip().startswith("#")]
    assert len(commands) == 2, f"README.md: expected two set-up commands, got {commands}"
    return commands


def pyenv_pythons() -> list[str]:
    """The minor versions 3.10-3.13 pyenv has installed (what nox must find by itself)."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return []
    listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True)
    found = {m.group(1) for m in re.finditer(r"^(3\.1[0-3])\.\d+$", listed.stdout, flags=re.M)}
    return sorted(found)


def environment(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARDENT_", "NOX_"))}
    venv = env.pop("VIRTUAL_ENV", None)
    for name in ("PYENV_VERSION", "PYTHONPATH"):
        env.pop(name, None)  # the noxfile finds the Pythons itself
    # A newcomer's PATH: no virtual environment of ours (CI's .ci-venv, an activated one).
    ours = {str(Path(venv) / "bin")} if venv else set()
    path = [p for p in env["PATH"].split(os.pathsep) if p and p not in ours]
    path = [p for p in path if not p.endswith("/.ci-venv/bin")]
    if mode == "debian":
        path = ["/usr/bin", *path]
    env["PATH"] = os.pathsep.join(path)
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> str:
    """Run one line with bash, echoing its output as it comes; return the output."""
    print(f"+ {command}", flush=True)
    proc = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        sys.stdout.write(line)
        seen.append(line)
    if proc.wait() != 0:
        raise SystemExit(f"readme_setup: {command!r} exited with status {proc.returncode}")
    return "".join(seen)


def check_venv_python(clone: Path, mode: str) -> None:
    config = (clone / ".venv" / "pyvenv.cfg").read_text(encoding="utf-8")
    home = re.search(r"^home\s*=\s*(.*)$", config, flags=re.M)
    assert home is not None, config
    made_from = home.group(1).strip()
    ok = made_from == "/usr/bin" if mode == "debian" else "/.pyenv/" in made_from
    if not ok:
        raise SystemExit(f"readme_setup: .venv was made from {made_from}, not {mode}'s python3")


def main(mode: str, listing: bool) -> int:
    if mode not in ("debian", "pyenv"):
        raise SystemExit("usage: readme_setup.py debian|pyenv [--list]")
    if mode == "debian" and not Path("/usr/bin/python3").exists():
        raise SystemExit("readme_setup: no /usr/bin/python3 here")
    commands = readme_commands()
    if listing or mode == "pyenv":
        commands = [f"{command} --list" for command in commands]  # cheap: set-up, then list
    work = Path(tempfile.mkdtemp(prefix="readme-setup-"))
    clone = work / "ardent-async"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = environment(mode)
    output = "".join(run(command, clone, env) for command in commands)
    check_venv_python(clone, mode)
    noisy = [marker for marker in NOISE if marker in output]
    if noisy:
        raise SystemExit(f"readme_setup: the set-up printed {noisy}")
    missed = [v for v in pyenv_pythons() if f"tests-{v}" not in output]
    if missed:
        raise SystemExit(f"readme_setup: nox -s tests did not pick up pyenv's {missed}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"readme_setup ({mode}): the README's set-up commands ran as written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "", "--list" in sys.argv[2:]))
