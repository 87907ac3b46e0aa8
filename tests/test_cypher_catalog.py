"""A lint for the Cypher catalog: plain file checks, no server.

- Every read statement carries the block check (an undirected `(a)-[:BLOCKS]-(b)` pattern) or
  says in a `// Blocks: <reason>` header line why it needs none (cypher/README.md).
- Every block check comes with the suspension check: each account the statement checks for a
  block (`(viewer)-[:BLOCKS]-(author)`) is also checked for `author.suspended_at`, or a
  `// Suspended: <reason>` header says why not (docs/moderation.md).
- Every read statement that matches a post or a story (`(p:Post)`, `(:Story)`) checks its
  audience (`p.audience IS NULL OR p.audience = ...`: the audience guard, cypher/README.md) for
  every content node it names, or says in an `// Audience: <reason>` header line why not.
- Every statement is used: some Python module outside the tests names it (`"posts/hydrate"`),
  or loads its whole folder by prefix (`"analytics/"`). A statement only the tests load is dead.
- Every catalog-looking name in the code exists (transaction labels of `in_read`/`in_write`
  aside), so a typo fails here rather than at run time.
- Every seek on a composite index's two keys (`WHERE r.followee = $x AND r.id < $y`) carries
  `USING INDEX SEEK`: the planner otherwise picks its access path from statistics, and a plan
  made while the graph was small (an index scan plus a filter) stays cached as it grows.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from cypher import catalog, header

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", ".stack", "tests", "build", "node_modules", "__pycache__"}

# Clauses that make a statement a write. `CALL db.*` procedures used here are all reads.
WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|FOREACH)\b", re.IGNORECASE)
# The block check: a BLOCKS relationship matched in either direction between two nodes.
BLOCK_CHECK = re.compile(r"\)\s*-\s*\[\s*\w*\s*:\s*BLOCKS\s*\]\s*-\s*\(")
CATALOG_NAME = re.compile(r"^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*$")
# `FOR ()-[r:FOLLOWS]-() ON (r.followee, r.id)` / `FOR (p:Post) ON (p.author, p.id)`.
COMPOSITE_INDEX = re.compile(r"FOR \S*?\w+:(\w+)\S*? ON \(\w+\.(\w+), \w+\.(\w+)\)")
# One MATCH clause and the WHERE that follows it, up to the first two conjuncts on one variable.
KEYED_MATCH = re.compile(
    r"MATCH (?P<pattern>[^\n]*?)\s+WHERE (?P<v>\w+)\.(?P<a>\w+) = \S+ AND (?P=v)\.(?P<b>\w+) [<>=]"
)


def body(text: str) -> str:
    """The statement without `//` lines and `/* ... */` blocks (headers and :params)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))


def is_read(name: str) -> bool:
    return WRITE_CLAUSE.search(body(catalog()[name])) is None


# `graph.in_read(label, work)` / `graph.in_write(label, work)` name a transaction, not a file;
# `script(name)` a Redis script (redis_scripts/, checked by tests/test_lua_catalog.py).
TRANSACTION_LABELLERS = {"in_read", "in_write"}
NOT_CYPHER = TRANSACTION_LABELLERS | {"script"}


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None


def _strings(tree: ast.AST) -> set[str]:
    labels = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called(node) in NOT_CYPHER and node.args
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in labels
    }


@cache
def python_strings() -> frozenset[str]:
    """Every string constant in the project's Python code outside tests/, but transaction
    labels and Redis script names."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if SKIP_DIRS & set(path.relative_to(ROOT).parts):
            continue
        found |= _strings(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return frozenset(found)


def test_catalog_is_not_empty() -> None:
    # Guards the checks below against passing vacuously on a catalog that failed to load.
    assert len(catalog()) > 50
    assert any(is_read(name) for name in catalog())
    assert "posts/views" in python_strings()


# Each account on the far side of a block check: `(v)-[:BLOCKS]-(author)` names `author`.
BLOCKED_NODE = re.compile(r"\)\s*-\s*\[\s*\w*\s*:\s*BLOCKS\s*\]\s*-\s*\(\s*(\w+)")


@pytest.mark.parametrize("name", sorted(catalog()))
def test_block_checks_come_with_the_suspension_check(name: str) -> None:
    text = body(catalog()[name])
    unchecked = sorted(
        {node for node in BLOCKED_NODE.findall(text) if f"{node}.suspended_at" not in text}
    )
    reason = header(name, "Suspended")
    if reason is not None:
        assert reason, f"cypher/{name}.cypher: the `// Suspended:` header needs a reason"
        assert unchecked, f"cypher/{name}.cypher checks suspensions: drop `// Suspended:`"
    else:
        assert not unchecked, (
            f"cypher/{name}.cypher checks blocks with {', '.join(unchecked)} but not whether "
            f"they are suspended: add `AND {unchecked[0]}.suspended_at IS NULL` beside the "
            "block check, or a `// Suspended: <why not>` header"
        )


# Each content node a statement matches: `(p:Post ...)` names `p`, `(:Story ...)` names nothing.
CONTENT_NODE = re.compile(r"\(\s*(\w*)\s*:\s*(?:Post|Story)\b")


@pytest.mark.parametrize("name", sorted(catalog()))
def test_read_of_content_checks_its_audience_or_says_why_not(name: str) -> None:
    text = body(catalog()[name])
    nodes = CONTENT_NODE.findall(text)
    unchecked = sorted(
        {
            node or "(anonymous)"
            for node in nodes
            if not node or not re.search(rf"\b{node}\.audience\s*(IS\b|=|<>)", text)
        }
    )
    reason = header(name, "Audience")
    if reason is not None:
        assert reason, f"cypher/{name}.cypher: the `// Audience:` header needs a reason"
        assert unchecked, f"cypher/{name}.cypher checks every audience: drop `// Audience:`"
    elif is_read(name):
        assert not unchecked, (
            f"cypher/{name}.cypher reads posts or stories ({', '.join(unchecked)}) without the "
            "audience guard (cypher/README.md): add it beside the block check, or an "
            "`// Audience: <why not>` header"
        )


def test_audience_lint_sees_content_nodes() -> None:
    # Guards the lint above against a pattern that matches nothing.
    assert CONTENT_NODE.findall("MATCH (a)-[:POSTED]->(p:Post {id: 1}), (:Story)") == ["p", ""]
    assert header("feed/home", "Audience") is None
    assert "p.audience" in body(catalog()["feed/home"])


@pytest.mark.parametrize("name", sorted(catalog()))
def test_read_statement_checks_blocks_or_says_why_not(name: str) -> None:
    reason = header(name, "Blocks")
    has_check = BLOCK_CHECK.search(body(catalog()[name])) is not None
    if reason is not None:
        assert reason, f"cypher/{name}.cypher: the `// Blocks:` header needs a reason"
        assert not has_check, (
            f"cypher/{name}.cypher has the block check and a `// Blocks:` exemption; "
            "drop the header"
        )
    elif is_read(name):
        assert has_check, (
            f"cypher/{name}.cypher reads without the block check: add "
            "`NOT EXISTS { (viewer)-[:BLOCKS]-(author) }`, or a `// Blocks: <why not>` header"
        )


@pytest.mark.parametrize("name", sorted(catalog()))
def test_statement_is_used_by_the_code(name: str) -> None:
    folder = name.split("/", 1)[0] + "/"
    used = bool({name, folder} & python_strings())
    assert used, (
        f"cypher/{name}.cypher is not used: no module outside tests/ names "
        f'"{name}" or loads "{folder}"; delete the file'
    )


def test_names_in_the_code_exist() -> None:
    folders = {name.split("/", 1)[0] for name in catalog()}
    missing = sorted(
        s
        for s in python_strings()
        if CATALOG_NAME.match(s) and s.split("/", 1)[0] in folders and s not in catalog()
    )
    assert not missing, f"the code names Cypher files that do not exist: {missing}"


def composite_indexes() -> set[tuple[str, str, str]]:
    schema = (ROOT / "cypher" / "schema" / "indexes.cypher").read_text(encoding="utf-8")
    return {(m[1], m[2], m[3]) for m in COMPOSITE_INDEX.finditer(schema)}


def test_schema_has_composite_indexes() -> None:
    assert ("FOLLOWS", "followee", "id") in composite_indexes()
    assert ("Post", "author", "id") in composite_indexes()


@pytest.mark.parametrize("name", sorted(catalog()))
def test_composite_index_seeks_are_pinned(name: str) -> None:
    indexes = composite_indexes()
    for m in KEYED_MATCH.finditer(body(catalog()[name])):
        label = re.search(r"[\[(]" + m["v"] + r":(\w+)", m["pattern"])
        if label is None or (label[1], m["a"], m["b"]) not in indexes or name.startswith("admin/"):
            continue
        hint = f"USING INDEX SEEK {m['v']}:{label[1]}({m['a']}, {m['b']})"
        assert hint in m["pattern"], f"cypher/{name}.cypher: add `{hint}` to `{m[0]}`"
