"""The Cypher catalog: every statement Graphgram runs is a `.cypher` file in this package.

Files are loaded once by name (`"social/create_post"` is `cypher/social/create_post.cypher`);
asking for a name that does not exist fails at once. Statements are handed out as
`LiteralString` so the driver's typing keeps user input in parameters, never in query text.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, LiteralString, cast

_PARAMS = re.compile(r"/\*\s*:params\s*(\{.*?\})\s*\*/", re.S)
# A key of a Cypher map literal (`{viewer_id: "...", limit: 21}`): after `{` or `,`, unquoted.
_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
_DATETIME = re.compile(r'datetime\("([^"]+)"\)')
_MARK = "$datetime"


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


def has_example(name: str) -> bool:
    """Whether the catalog file carries a `/* :params {...} */` example."""
    return _PARAMS.search(catalog()[name]) is not None


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_MARK}:
            return datetime.fromisoformat(str(value[_MARK]))
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def example_params(name: str) -> dict[str, Any] | None:
    """The statement's example parameters from its `/* :params {...} */` header, with the types
    the API sends (strings, numbers, lists, booleans, null, `datetime("...")` as a datetime);
    None without one."""
    found = _PARAMS.search(catalog()[name])
    if found is None:
        return None
    text = _DATETIME.sub(lambda m: json.dumps({_MARK: m.group(1)}), found.group(1))
    parsed = json.loads(_KEY.sub(r'\1"\2":', text))
    if not isinstance(parsed, dict):
        raise ValueError(f"cypher/{name}.cypher: its :params header is not a map")
    revived: dict[str, Any] = _revive(parsed)
    return revived


def statements(name: str) -> list[LiteralString]:
    """A multi-statement file (schema) split on `;`, comments dropped."""
    body = "\n".join(
        line for line in catalog()[name].splitlines() if not line.strip().startswith("//")
    )
    return [cast(LiteralString, part.strip()) for part in body.split(";") if part.strip()]
