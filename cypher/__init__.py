"""The Cypher catalog: every statement Graphgram runs is a `.cypher` file in this package.

Files are loaded once by name (`"social/create_post"` is `cypher/social/create_post.cypher`);
asking for a name that does not exist fails at once. Statements are handed out as
`LiteralString` so the driver's typing keeps user input in parameters, never in query text.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import LiteralString, cast


class UnknownQuery(KeyError):
    pass


def _walk(node: Traversable, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for child in node.iterdir():
        if child.is_dir():
            found.update(_walk(child, f"{prefix}{child.name}/"))
        elif child.name.endswith(".cypher"):
            found[f"{prefix}{child.name[: -len('.cypher')]}"] = child.read_text(encoding="utf-8")
    return found


@cache
def catalog() -> dict[str, str]:
    return _walk(files(__name__), "")


def query(name: str) -> LiteralString:
    """The statement stored under `name`, as a literal the driver accepts."""
    try:
        text = catalog()[name]
    except KeyError:
        raise UnknownQuery(f"no Cypher file cypher/{name}.cypher") from None
    return cast(LiteralString, text)


def names(prefix: str = "") -> list[str]:
    return sorted(n for n in catalog() if n.startswith(prefix))


def header(name: str, key: str) -> str | None:
    """A `// Key: value` header line of a catalog file (Title, Description, ...)."""
    for line in catalog()[name].splitlines():
        stripped = line.strip()
        if stripped.lower().startswith(f"// {key.lower()}:"):
            return stripped.split(":", 1)[1].strip()
    return None


def statements(name: str) -> list[LiteralString]:
    """A multi-statement file (schema) split on `;`, comments dropped."""
    body = "\n".join(
        line for line in catalog()[name].splitlines() if not line.strip().startswith("//")
    )
    return [cast(LiteralString, part.strip()) for part in body.split(";") if part.strip()]
