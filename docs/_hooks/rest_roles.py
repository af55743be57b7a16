"""griffe extension: the reST bits of the package's docstrings, as Markdown.

Docstrings are written to read well in ``help()``: Sphinx roles (``:class:`~pkg.Name```) and
literal blocks introduced by ``::``. For the site, a role with a dotted target becomes a
cross-reference (checked by mkdocs-autorefs: a target that does not exist fails the strict
build), a bare or private one becomes inline code, and ``::`` before an indented block
becomes ``:``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data|obj):`(~?)([\w.]+)(\(\))?`")
_LITERAL = re.compile(r"(\S)::$|^(\s*)::$", re.MULTILINE)


def markdown(text: str) -> str:
    """``text`` with Sphinx roles and ``::`` literal-block markers turned into Markdown."""

    def role(match: re.Match[str]) -> str:
        short, target, call = match.group(1) == "~", match.group(2), match.group(3) or ""
        if "." not in target or any(part.startswith("_") for part in target.split(".")):
            # A bare name, or a private one (not in the reference): code, not a link.
            return f"`{target}{call}`"
        shown = target.rsplit(".", 1)[-1] if short else target
        return f"[`{shown}{call}`][{target}]"

    text = _ROLE.sub(role, text)
    return _LITERAL.sub(lambda m: (m.group(1) + ":") if m.group(1) else m.group(2), text)


class RestRoles(griffe.Extension):
    """Rewrite each docstring of the package as it is loaded."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        """Convert ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
