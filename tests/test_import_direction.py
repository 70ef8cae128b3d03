"""Imports run one way (DESIGN "Layout"), read from the source of every module with `ast`.

Each module is put in a layer: its app, except that `liaison/` is two layers - the shared
helpers (`HELPERS`), which every app may use and which import no app, and the project shell
(settings, urls, home page, commands), which may import anything. Every import counts, at the
top of a module or inside a function (a function-local import is still a dependency, only a
later one). Allowed, per layer:

* `organisation` - the helpers only;
* `issues` - organisation, the helpers, printing (it hands printing a template and a context);
* `meetings` - issues too; never reports or notifications (they send signals instead);
* `reports`, `notifications` - issues and meetings too;
* `printing` - only `liaison.formats` (the Chinese dates and labels a printed page shows); it
  knows no app;
* the helpers - no app at all.

And no cycle between layers, whatever the table allows.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("liaison", "organisation", "issues", "meetings", "reports", "notifications", "printing")
HELPERS = (
    "liaison.history",
    "liaison.formats",
    "liaison.forms",
    "liaison.access",
    "liaison.api.errors",
    "liaison.api.pagination",
    "liaison.pagination",
    "liaison.text",
    "liaison.storage",
    "liaison.downloads",
    "liaison.middleware",
    "liaison.database",
    "liaison.cache",
)
SHELL = "liaison (shell)"
BASE = {"organisation", "liaison.helpers"}
ALLOWED = {
    "liaison.helpers": set(),
    "organisation": {"liaison.helpers"},
    "printing": {"liaison.formats"},
    "issues": BASE | {"printing"},
    "meetings": BASE | {"issues", "printing"},
    "reports": BASE | {"issues", "meetings", "printing"},
    "notifications": BASE | {"issues", "meetings", "printing"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` imports, top-level or function-local, relative ones resolved."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                package = package if is_package else package[:-1]
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from printing import render` may name a module as well as a name in one
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def layer_of(module: str) -> str | None:
    if any(module == helper or module.startswith(helper + ".") for helper in HELPERS):
        return "liaison.helpers"
    top = module.split(".")[0]
    if top == "liaison":
        return SHELL
    return top if top in APPS else None


def first_party_imports() -> dict[str, set[str]]:
    """Module -> the first-party modules of other layers it imports."""
    graph = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = module_name(path)
            names = imported_modules(
                path.read_text(encoding="utf-8"), module, path.name == "__init__.py"
            )
            here = layer_of(module)
            graph[module] = {
                name for name in names if layer_of(name) not in (None, here) and _is_module(name)
            }
    return graph


def _is_module(name: str) -> bool:
    """`from issues.models import Issue` yields `issues.models.Issue` too: keep real modules."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_each_layer_imports_only_what_it_may():
    wrong = []
    for module, names in first_party_imports().items():
        layer = layer_of(module)
        if layer == SHELL:
            continue  # the project shell wires everything together
        for name in sorted(names):
            target = layer_of(name)
            allowed = ALLOWED[layer]
            if target in allowed or (target == "liaison.helpers" and name in allowed):
                continue
            wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_no_cycle_between_layers():
    edges: dict[str, set[str]] = defaultdict(set)
    for module, names in first_party_imports().items():
        for name in names:
            edges[layer_of(module)].add(layer_of(name))
    assert find_cycle(edges) is None


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the layer graph as a list of layers, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for following in sorted(edges.get(node, ())):
            cycle = visit(following, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(edges):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


# The checks themselves: they see what they must, so a passing run means something.


def test_function_local_and_relative_imports_are_seen():
    source = (
        "from . import signals\n"
        "from .models import Issue\n"
        "def f():\n"
        "    from reports.figures import Period\n"
        "    import notifications.notify\n"
    )
    found = imported_modules(source, "issues.views")
    assert {"issues.signals", "issues.models", "reports.figures", "notifications.notify"} <= found
    assert "issues.signals" in imported_modules("from . import signals\n", "issues", True)


def test_layers():
    assert layer_of("liaison.api.errors") == "liaison.helpers"
    assert layer_of("liaison.formats") == "liaison.helpers"
    assert layer_of("liaison.urls") == SHELL
    assert layer_of("issues.models") == "issues"
    assert layer_of("django.db") is None


def test_a_cycle_is_found():
    assert find_cycle({"issues": {"meetings"}, "meetings": {"issues"}}) == [
        "issues",
        "meetings",
        "issues",
    ]
    assert find_cycle({"reports": {"issues"}, "issues": {"organisation"}}) is None
