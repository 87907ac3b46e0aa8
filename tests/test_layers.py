"""State changes go through the service layer (docs/architecture-services.md).

Routers parse, authorize, call a service (`services/`) and render. A route that wrote to the
graph itself would skip what the service does after the write (timeline hooks, cached views,
session tombstones, media release), which is how one API ends up with stale timelines while the
other does not. import-linter keeps `api` from importing the hook, media-release and upload
modules (pyproject.toml); these checks cover what it cannot see, single functions:

- no module under `api/` names a graph repository function that writes. Those are found by
  reading `graph/*.py`: functions whose body calls one of the driver's write methods (found by
  reading `graph/driver.py`: the `Graph` methods that open a write transaction, and those that
  call them), or another write function of their module;
- nor calls the driver's write methods itself, nor a cached-view invalidation;
- and `timeline_hooks` / `hooks.` appear nowhere under `api/`.

Plain file checks: no server.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Writes that are not graph repository functions but must follow one, in the service.
SIDE_EFFECTS = {"timelines.views": {"invalidate_posts", "invalidate_user"}}

# Sign-in and OAuth keep their writes in their routers for now (they are being reworked on their
# own): the session a login creates, and OAuth's apps, codes and tokens. (path, top-level
# function, or "*" for the whole module).
ALLOWED = {
    ("api/accounts/router.py", "login"),
    ("api/mastodon/oauth.py", "*"),
}


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _called_attributes(node: ast.AST) -> Iterator[tuple[ast.expr, str]]:
    """(receiver, name) of every `receiver.name(...)` call inside `node`."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            yield sub.func.value, sub.func.attr


def _functions(body: list[ast.stmt]) -> dict[str, ast.AST]:
    return {n.name: n for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _callees(function: ast.AST) -> Iterator[str]:
    """Names called inside `function`: `name(...)`, and `self.name(...)` for a method."""
    for sub in ast.walk(function):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            yield sub.func.id
    for receiver, attr in _called_attributes(function):
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            yield attr


def _writers(functions: dict[str, ast.AST], writes_itself: set[str]) -> frozenset[str]:
    """The functions that write: those in `writes_itself`, and those that call a function of
    `functions` that writes, until no more are found."""
    writes = set(writes_itself)
    while more := {
        name
        for name, function in functions.items()
        if name not in writes and any(callee in writes for callee in _callees(function))
    }:
        writes |= more
    return frozenset(writes)


@cache
def driver_write_methods() -> frozenset[str]:
    """The methods of `graph.driver.Graph` that write: those opening a write transaction
    (`session.execute_write`), and those calling such a method on `self`."""
    tree = _parse(ROOT / "graph" / "driver.py")
    [graph_class] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Graph"]
    methods = _functions(graph_class.body)
    opening = {
        name
        for name, method in methods.items()
        if any(attr == "execute_write" for _, attr in _called_attributes(method))
    }
    return _writers(methods, opening)


def _write_functions(tree: ast.Module) -> frozenset[str]:
    """Top-level functions of a repository module that write: they call a driver write method
    (nested transaction functions included), or another write function of the module."""
    methods = driver_write_methods()
    functions = _functions(tree.body)
    calling = {
        name
        for name, function in functions.items()
        if any(attr in methods for _, attr in _called_attributes(function))
    }
    return _writers(functions, calling)


@cache
def graph_write_functions() -> dict[str, frozenset[str]]:
    """{"graph.posts": {"create", "like", ...}, ...}"""
    found: dict[str, frozenset[str]] = {}
    for path in sorted((ROOT / "graph").glob("*.py")):
        if path.name in {"__init__.py", "driver.py"}:
            continue
        found[f"graph.{path.stem}"] = _write_functions(_parse(path))
    return found


def forbidden() -> dict[str, frozenset[str]]:
    """Module -> the functions of it a router may not name."""
    return {**graph_write_functions(), **{m: frozenset(f) for m, f in SIDE_EFFECTS.items()}}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    function: str  # the enclosing top-level function, or "<module>"
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.function}) uses {self.what}"


def _aliases(
    tree: ast.Module, rules: dict[str, frozenset[str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """(local name -> module) for modules imported whole, (local name -> module.function) for
    functions imported by name, limited to the modules in `rules`."""
    modules: dict[str, str] = {}
    functions: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in rules:
                    modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                local = alias.asname or alias.name
                whole = f"{node.module}.{alias.name}"
                if whole in rules:
                    modules[local] = whole
                elif alias.name in rules.get(node.module, ()):
                    functions[local] = whole
    return modules, functions


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def violations_in(source: str, path: str) -> list[Violation]:
    tree = ast.parse(source, filename=path)
    rules = forbidden()
    modules, functions = _aliases(tree, rules)
    methods = driver_write_methods()
    found = []
    for top in tree.body:
        name = top.name if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef) else "<module>"
        if (path, "*") in ALLOWED or (path, name) in ALLOWED:
            continue
        for node in ast.walk(top):
            if not isinstance(node, ast.Attribute | ast.Name):
                continue
            what = None
            if isinstance(node, ast.Attribute):
                dotted = _dotted(node.value)
                module = modules.get(dotted or "")
                if module is not None and node.attr in rules[module]:
                    what = f"{module}.{node.attr}"
                # The driver's own write methods, on anything called or ending in `graph`.
                elif node.attr in methods and dotted is not None and dotted.endswith("graph"):
                    what = f"the driver's {node.attr}"
            elif node.id in functions:
                what = functions[node.id]
            if what is not None:
                found.append(Violation(path, node.lineno, name, what))
    return sorted(set(found), key=lambda v: (v.path, v.line, v.what))


def api_violations() -> list[Violation]:
    found = []
    for path in sorted((ROOT / "api").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        found += violations_in(path.read_text(), relative)
    return found


def test_the_driver_write_methods_are_found() -> None:
    assert driver_write_methods() >= {"write", "write_one", "in_write"}
    assert not driver_write_methods() & {"read", "read_one", "in_read"}


def test_the_repository_write_functions_are_found() -> None:
    writes = graph_write_functions()
    assert {"create", "delete", "like", "unlike", "create_comment", "delete_comment"} <= writes[
        "graph.posts"
    ]
    assert {"follow", "unfollow", "accept_request", "reject_request", "block", "unblock"} <= (
        writes["graph.users"]
    )
    assert {"update_me", "delete_account", "change_password"} <= writes["graph.accounts"]
    assert "mark_read" in writes["graph.notifications"]
    assert "describe_media" in writes["graph.mastodon"]
    assert not writes["graph.posts"] & {"hydrate", "access", "comments", "likers"}
    assert not writes["graph.users"] & {"access", "profile", "followers", "blocks"}


def test_no_route_changes_state_without_a_service() -> None:
    found = api_violations()
    assert not found, "write through a service (services/), not in the router:\n" + "\n".join(
        map(str, found)
    )


def test_a_route_that_bypasses_the_service_is_caught() -> None:
    source = """
from graph import posts
from graph import users as u
from graph.notifications import mark_read
from timelines import views

async def like(backends, viewer, post_id):
    await posts.like(backends.graph, viewer.id, post_id, "r")
    await u.follow(backends.graph, viewer.id, "bob", "r")
    await mark_read(backends.graph, viewer.id)
    await views.invalidate_posts(backends, [post_id])
    await backends.graph.write("posts/like", {})

async def read(backends, viewer, post_id):
    return await posts.hydrate(backends.graph, viewer.id, [post_id])
"""
    found = violations_in(source, "api/example/router.py")
    assert [(v.function, v.what) for v in found] == [
        ("like", "graph.posts.like"),
        ("like", "graph.users.follow"),
        ("like", "graph.notifications.mark_read"),
        ("like", "timelines.views.invalidate_posts"),
        ("like", "the driver's write"),
    ]


def test_the_api_calls_no_timeline_hook() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "api").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "timeline_hooks" in line or "hooks." in line
    ]
    assert not found, found
