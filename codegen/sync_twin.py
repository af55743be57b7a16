"""``python -m codegen.sync_twin [--check]``: write the typed blocking twins of the services.

``ardent_async/_sync_twin.py`` holds, for every service the async client builds (found in
``ArdentClient._setup``), a class with the same public methods as plain calls: the same
parameters (annotations and defaults copied from the source), the same documentation, and the
return type of the awaited result (``AsyncIterator[X]`` becomes ``Iterator[X]``). It also holds
the blocking client's constructor, copied from the async client's, and the client's own async
methods. So mypy sees exactly the async client's types, and a method added to a service shows
up in the blocking client by running this again; ``--check`` (CI, and a test) fails while the
committed file is stale.

The source is read with :mod:`ast`, never imported, and the output formatted with ruff: the
same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import difflib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ardent_async"
CLIENT = PACKAGE / "_client.py"
TARGET = PACKAGE / "_sync_twin.py"

HEADER = '''\
"""Typed blocking twins of the async services, generated from their source.

DO NOT EDIT: run ``python -m codegen.sync_twin`` (``nox -s codegen``) after changing a service.
"""
'''

_ITERATORS = ("AsyncIterator", "AsyncGenerator", "AsyncIterable")


@dataclass
class Imports:
    """Names the generated code uses, and where each comes from (one source per name)."""

    modules: set[str] = field(default_factory=set)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, local: str, module: str, name: str) -> str:
        """Import ``module.name`` as ``local`` (or, if taken by another, an alias); the name."""
        seen = self.names.setdefault(local, (module, name))
        if seen == (module, name):
            return local
        alias = f"{module.rpartition('.')[2].lstrip('_')}_{name}"
        return self.add(alias, module, name)

    def render(self) -> str:
        lines = [f"import {module}" for module in sorted(self.modules)]
        by_module: dict[str, list[str]] = {}
        for local, (module, name) in self.names.items():
            by_module.setdefault(module, []).append(name if name == local else f"{name} as {local}")
        for module in sorted(by_module):
            lines.append(f"from {module} import {', '.join(sorted(set(by_module[module])))}")
        return "\n".join(lines)


class Module:
    """One source module: its text, tree, and where each top-level name comes from."""

    def __init__(self, dotted: str, root: Path = ROOT) -> None:
        self.dotted = dotted
        self.root = root
        self.path = root / (dotted.replace(".", "/") + ".py")
        if not self.path.exists():
            self.path = root / dotted.replace(".", "/") / "__init__.py"
        self.source = self.path.read_text()
        self.tree = ast.parse(self.source)
        self.origins: dict[str, tuple[str, str] | str] = {}
        package = dotted if self.path.name == "__init__.py" else dotted.rpartition(".")[0]
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                for alias in node.names:
                    self.origins[alias.asname or alias.name] = (base, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.origins[alias.asname or alias.name] = alias.name
            elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                self.origins[node.name] = (dotted, node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.origins[target.id] = (dotted, target.id)

    def segment(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.source, node)
        assert text is not None
        return text

    def cls(self, name: str) -> ast.ClassDef:
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return node
        raise SystemExit(f"sync_twin: no class {name} in {self.dotted}")

    def text(self, node: ast.AST, imports: Imports) -> str:
        """The source of an annotation or default, its free names imported (renamed if taken)."""
        lines = self.source.splitlines(True)
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        renames = []
        for child in ast.walk(node):
            if not isinstance(child, ast.Name):
                continue
            origin = self.origins.get(child.id)
            if origin is None:
                if hasattr(builtins, child.id):
                    continue
                raise SystemExit(f"sync_twin: cannot resolve {child.id!r} in {self.dotted}")
            if isinstance(origin, str):
                imports.modules.add(origin)
                continue
            local = imports.add(child.id, *origin)
            if local != child.id:
                renames.append((child.lineno, child.col_offset, child.end_col_offset, local))
        text = self.segment(node)
        # Rename from the end, so earlier offsets stay valid (offsets relative to the segment).
        for lineno, col, end, local in sorted(renames, reverse=True):
            offset = sum(len(line) for line in lines[start[0] - 1 : lineno - 1])
            offset += col - (start[1] if lineno == start[0] else 0)
            text = text[:offset] + local + text[offset + (end - col) :]
        return text


def _is_iterator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    returns = function.returns
    if isinstance(returns, ast.Subscript):
        returns = returns.value
    name = returns.attr if isinstance(returns, ast.Attribute) else getattr(returns, "id", "")
    return name in _ITERATORS


def _iterator_base(module: Module, function: ast.FunctionDef) -> ast.expr | None:
    """``AsyncIterator[X]`` when ``function`` returns a class of ``module`` based on it (a
    stream object such as ``BranchStream``), else None."""
    returns = function.returns
    if not isinstance(returns, ast.Name):
        return None
    for node in module.tree.body:
        if isinstance(node, ast.ClassDef) and node.name == returns.id:
            for base in node.bases:
                if isinstance(base, ast.Subscript) and getattr(base.value, "id", "") in _ITERATORS:
                    return base
    return None


def _parameters(
    module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef, imports: Imports
) -> tuple[str, str]:
    """The parameter list (source text) and the call that forwards every parameter."""
    args = function.args
    params: list[str] = []
    forward: list[str] = []

    def declare(arg: ast.arg, default: ast.expr | None, prefix: str = "") -> None:
        text = prefix + arg.arg
        if arg.annotation is not None:
            text += f": {module.text(arg.annotation, imports)}"
        if default is not None:
            sep = " = " if arg.annotation is not None else "="
            text += f"{sep}{module.text(default, imports)}"
        params.append(text)

    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        declare(arg, default)
        if arg.arg != "self":
            forward.append(arg.arg)
        if args.posonlyargs and index == len(args.posonlyargs) - 1:
            params.append("/")
    if args.vararg is not None:
        declare(args.vararg, None, "*")
        forward.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        params.append("*")
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        declare(arg, kw_default)
        forward.append(f"{arg.arg}={arg.arg}")
    if args.kwarg is not None:
        declare(args.kwarg, None, "**")
        forward.append(f"**{args.kwarg.arg}")
    return ",\n".join(params) + ",", ", ".join(forward)


def _docstring(module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    first = function.body[0] if function.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return "        " + module.segment(first.value) + "\n"
    return ""


def _methods(
    module: Module,
    cls: ast.ClassDef,
    imports: Imports,
    target: str,
    skip: frozenset[str] = frozenset(),
) -> list[str]:
    """Blocking twins of the class's public coroutine and async-iterator methods."""
    out = []
    for node in cls.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("_") or node.name in skip or node.decorator_list:
            continue
        stream = _iterator_base(module, node) if isinstance(node, ast.FunctionDef) else None
        iterator = _is_iterator(node) or stream is not None
        if isinstance(node, ast.FunctionDef) and not iterator:
            continue  # a plain helper, not a call to the API
        params, forward = _parameters(module, node, imports)
        assert node.returns is not None, f"{cls.name}.{node.name} has no return annotation"
        returns = module.text(stream or node.returns, imports)
        if iterator:
            inner = returns.partition("[")[2].rpartition("]")[0] or "Any"
            inner = inner.split(",")[0].strip()
            returns = f"BlockingIterator[{inner}]"
            runner = "_iterate"
        else:
            runner = "_call"
        call_args = f"{target}.{node.name}" + (f", {forward}" if forward else "")
        if target == "self._client":  # the client's own methods
            runner = "call_on" if runner == "_call" else "iterate_on"
            call = f"{runner}(self._runner, {call_args})"
        else:
            call = f"self.{runner}({call_args})"
        out.append(
            f"    def {node.name}(\n{params}\n) -> {returns}:\n"
            + _docstring(module, node)
            + f"        return {call}\n"
        )
    return out


def _services(client: Module) -> list[tuple[str, str, str]]:
    """(attribute, class, module) of each service, in the order ``_setup`` builds them."""
    setup = next(
        node
        for node in ast.walk(client.cls("ArdentClient"))
        if isinstance(node, ast.FunctionDef) and node.name == "_setup"
    )
    found = []
    for node in ast.walk(setup):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        target = node.targets[0]
        func = node.value.func
        if not (isinstance(target, ast.Attribute) and isinstance(func, ast.Name)):
            continue
        if target.attr.startswith("_") or not func.id.endswith("Service"):
            continue
        origin = client.origins[func.id]
        assert isinstance(origin, tuple)
        module = Module(origin[0], client.root)
        # Follow a re-export (ardent_async.services -> ardent_async.services.branches).
        while func.id not in {n.name for n in module.tree.body if isinstance(n, ast.ClassDef)}:
            again = module.origins[func.id]
            assert isinstance(again, tuple)
            module = Module(again[0], client.root)
        found.append((target.attr, func.id, module.dotted))
    return sorted(found, key=lambda item: setup_order(setup, item[0]))


def setup_order(setup: ast.FunctionDef, attribute: str) -> int:
    for index, node in enumerate(setup.body):
        if attribute in ast.dump(node):
            return index
    return len(setup.body)


def _constructor(client: Module, imports: Imports) -> str:
    init = next(
        node
        for node in client.cls("ArdentClient").body
        if isinstance(node, ast.FunctionDef) and node.name == "__init__"
    )
    params, forward = _parameters(client, init, imports)
    return (
        f"    def __init__(\n{params}\n) -> None:\n"
        "        # Building the async client opens nothing (its session is made on first use, on\n"
        "        # the private loop), so argument errors surface here, before any thread starts.\n"
        f"        self._attach(AsyncArdentClient({forward}), None)\n"
    )


def generate(root: Path = ROOT) -> str:
    """The twin's source for the package under ``root`` (default: this repository)."""
    client = Module("ardent_async._client", root)
    imports = Imports()
    for name in ("BlockingIterator", "BlockingService", "LoopThread", "call_on", "iterate_on"):
        imports.add(name, "ardent_async._blocking", name)
    imports.add("AsyncArdentClient", "ardent_async._client", "ArdentClient")
    imports.add("abstractmethod", "abc", "abstractmethod")
    classes = []
    attributes = []
    for attribute, class_name, dotted in _services(client):
        module = Module(dotted, root)
        imports.add(class_name, dotted, class_name)
        twin = f"Sync{class_name}"
        methods = _methods(module, module.cls(class_name), imports, "self._service")
        classes.append(
            f"class {twin}(BlockingService[{class_name}]):\n"
            f'    """Blocking ``{class_name}``: its methods as plain calls."""\n\n'
            + "\n".join(methods)
        )
        attributes.append((attribute, twin, class_name))
    shortcuts = _methods(
        client, client.cls("ArdentClient"), imports, "self._client", frozenset({"close"})
    )
    attach = "\n".join(
        f"        self.{attribute} = {twin}(client.{attribute}, runner)"
        for attribute, twin, _ in attributes
    )
    base = (
        "class SyncClientBase:\n"
        '    """The blocking client\'s generated part: constructor, services, shortcuts."""\n\n'
        "    _client: AsyncArdentClient\n"
        "    _runner: LoopThread\n\n" + _constructor(client, imports) + "\n    @abstractmethod\n"
        "    def _bind(self, client: AsyncArdentClient, runner: LoopThread | None) -> LoopThread:\n"
        '        """Take over ``client`` (start a runner if None); return the runner in use."""\n\n'
        "    def _attach(self, client: AsyncArdentClient, runner: LoopThread | None) -> None:\n"
        "        runner = self._bind(client, runner)\n" + attach + "\n\n" + "\n".join(shortcuts)
    )
    source = (
        HEADER
        + "\nfrom __future__ import annotations\n\n"
        + imports.render()
        + "\n\n\n"
        + "\n\n".join(classes)
        + "\n\n"
        + base
    )
    return _format(source, root / TARGET.relative_to(ROOT))


def _format(source: str, target: Path = TARGET) -> str:
    ruff = [sys.executable, "-m", "ruff"]
    fixed = subprocess.run(
        [*ruff, "check", "--fix", "--quiet", "--exit-zero", "--stdin-filename", str(target), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return subprocess.run(
        [*ruff, "format", "--stdin-filename", str(target), "-"],
        input=fixed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.sync_twin")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the tree holding ardent_async (default: this one)"
    )
    options = parser.parse_args(argv)
    root = options.root.resolve()
    target = root / TARGET.relative_to(ROOT)
    fresh = generate(root)
    if options.check:
        current = target.read_text() if target.exists() else ""
        if current != fresh:
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(True), fresh.splitlines(True), str(target), "generated"
                )
            )
            print("sync twin is stale: run python -m codegen.sync_twin", file=sys.stderr)
            return 1
        return 0
    target.write_text(fresh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
