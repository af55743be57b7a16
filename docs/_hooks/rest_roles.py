"""griffe extension: the reST bits of the package's docstrings, as Markdown.

Docstrings are written to read well in ``help()``: Sphinx roles (``:class:`~pkg.Name```) and
literal blocks introduced by ``::``. For the site, a role with a dotted target becomes a
cross-reference (checked by mkdocs-autorefs: a target that does not exist fails the strict
build), a bare or private one becomes inline code, and ``::`` before an indented block
becomes ``:`` and a fenced block: ``python`` when the block is Python (so it is highlighted
like every other example), ``text`` otherwise.
"""

from __future__ import annotations

import ast
import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data|obj):`(~?)([\w.]+)(\(\))?`")
_LITERAL = re.compile(r"(\S)::$|^(\s*)::$", re.MULTILINE)


def markdown(text: str) -> str:
    """``text`` with Sphinx roles and ``::`` literal-block markers turned into Markdown."""

    def role(match: re.Match[str]) -> str:
        short, target, call = match.group(1) == "~", match.group(2), match.group(3) or ""
        shown = target.rsplit(".", 1)[-1] if short else target.lstrip(".")
        relative = target.startswith(".")
        if relative or "." not in target or any(p.startswith("_") for p in target.split(".")):
            # A bare or relative name, or a private one (not in the reference): code, not a link.
            return f"`{shown if relative else target}{call}`"
        return f"[`{shown}{call}`][{target}]"

    return _literal_blocks(_ROLE.sub(role, text))


def _literal_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    at = 0
    while at < len(lines):
        marker = _LITERAL.search(lines[at])
        if marker is None:
            out.append(lines[at])
            at += 1
            continue
        out.append(lines[at][:-1] if marker.group(1) else "")  # "Example::" -> "Example:"
        margin = len(lines[at]) - len(lines[at].lstrip())
        end = at + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > margin
        ):
            end += 1
        block = textwrap.dedent("\n".join(lines[at + 1 : end])).strip("\n")
        out += ["", f"```{_language(block)}", *block.split("\n"), "```", ""]
        at = end
    return "\n".join(out).rstrip("\n") + ("\n" if text.endswith("\n") else "")


def _language(code: str) -> str:
    try:  # examples may await at top level, as in the asyncio REPL
        compile(code, "<docstring>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return "text"
    return "python"


class RestRoles(griffe.Extension):
    """Rewrite each docstring of the package as it is loaded."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        """Convert ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
