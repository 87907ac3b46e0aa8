"""The Redis script catalog: every Lua script Graphgram runs in Redis is a `.lua` file here.

Scripts are loaded by name (`"timelines/fast_page"` is `redis_scripts/timelines/fast_page.lua`),
all of them on the first use (the callers take theirs at import, so at start-up); a name that
does not exist, a script without its header or an include that does not resolve fails at once.
Each script starts with a header of `--` lines:

    -- Title: one line saying what it does
    -- KEYS[1]: what the first key is
    -- ARGV[1]: what the first argument is
    -- ARGV[3..]: what the third argument and every one after it are
    -- Returns: what it answers (optional; more comment lines may follow)

A first line `#!lua flags=...` before it gives Redis the script's flags (`Script.flags`). The
`cluster/` scripts have them: `allow-cross-slot-keys` makes a script node-local, the only kind
allowed to take keys handed in ARGV (a node's keys of many slots, in one call on Redis Cluster:
`cluster/node_get` reads them, `no-writes` too; `cluster/node_add_if_exists` adds to them).

A line `--!include name` is replaced by `redis_scripts/includes/<name>.lua` (its own header of
`--` lines left out), so a piece several scripts share (the timeline `coverage` function) is
written once, as BullMQ's `src/commands/includes/` does. `Script.text` is what Redis runs and
`Script.sha` its SHA1, the name EVALSHA and SCRIPT LOAD use. docs/redis-scripts.md has the rest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

INCLUDES = "includes"
_INCLUDE = re.compile(r"^\s*--!include\s+(\S+)\s*$")
_FIELD = re.compile(r"^--\s*(Title|Returns|KEYS|ARGV)(?:\[(\d+)(\.\.)?\])?:\s*(.*)$")


class UnknownScript(KeyError):
    pass


class ScriptError(ValueError):
    """A script the catalog cannot hand out: no header, or an include that does not resolve."""


@dataclass(frozen=True)
class Slot:
    """One `KEYS[i]` or `ARGV[i]` header line; `rest`: index i and every one after it."""

    index: int
    what: str
    rest: bool = False


@dataclass(frozen=True)
class Script:
    name: str
    source: str  # the file as written
    text: str  # includes expanded: what Redis runs
    sha: str  # SHA1 of `text` (EVALSHA, SCRIPT LOAD)
    title: str
    keys: tuple[Slot, ...]
    args: tuple[Slot, ...]
    includes: tuple[str, ...]  # every include expanded into it, nested ones too
    origins: tuple[str, ...]  # where each line of `text` was written: "timelines/x.lua:12"
    flags: tuple[str, ...] = ()  # from a first line `#!lua flags=...` (Redis's script flags)


def _walk(node: Traversable, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for child in node.iterdir():
        if child.is_dir():
            found.update(_walk(child, f"{prefix}{child.name}/"))
        elif child.name.endswith(".lua"):
            found[f"{prefix}{child.name[: -len('.lua')]}"] = child.read_text(encoding="utf-8")
    return found


def shebang_flags(source: str) -> tuple[str, ...]:
    """The flags of a first line `#!lua flags=no-writes,allow-cross-slot-keys` (Redis 7's script
    flags), in the order written; () without one."""
    first = source.split("\n", 1)[0].strip()
    if not first.startswith("#!lua"):
        return ()
    for word in first.split()[1:]:
        if word.startswith("flags="):
            return tuple(f for f in word[len("flags=") :].split(",") if f)
    return ()


def header_lines(source: str) -> list[str]:
    """The leading `--` comment lines, after a `#!lua` line if there is one (an `--!include`
    line ends the header)."""
    lines = []
    body = source.splitlines()
    if body and body[0].startswith("#!"):
        body = body[1:]
    for line in body:
        stripped = line.strip()
        if not stripped.startswith("--") or _INCLUDE.match(stripped):
            break
        lines.append(stripped)
    return lines


def _expand(
    name: str, path: str, source: str, shared: dict[str, str], seen: tuple[str, ...]
) -> list[tuple[str, str]]:
    """The script's lines with every `--!include` replaced, each with where it was written
    (`path:line`, for messages about the expanded text); `seen`: the includes on the way here."""
    out: list[tuple[str, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = _INCLUDE.match(line)
        if match is None:
            out.append((line, f"{path}:{number}"))
            continue
        included = match.group(1)
        if included not in shared:
            raise ScriptError(
                f"{name}: --!include {included}: no file redis_scripts/{INCLUDES}/{included}.lua"
            )
        if included in seen:
            raise ScriptError(f"{name}: includes loop through {' -> '.join((*seen, included))}")
        text = shared[included]
        nested = _expand(name, f"{INCLUDES}/{included}.lua", text, shared, (*seen, included))
        out.extend(nested[len(header_lines(text)) :])  # its header is for readers of the file
    return out


def _slots(name: str, kind: str, lines: list[tuple[int, str, bool]]) -> tuple[Slot, ...]:
    slots = tuple(Slot(index, what, rest) for index, what, rest in lines)
    if [s.index for s in slots] != list(range(1, len(slots) + 1)):
        raise ScriptError(f"{name}: {kind}[i] header lines must be 1, 2, 3... in order")
    if any(s.rest for s in slots[:-1]):
        raise ScriptError(f"{name}: only the last {kind} header line may be `{kind}[n..]`")
    return slots


def parse(name: str, source: str, includes: dict[str, str]) -> Script:
    """The script `source` stored as `name`, with `includes` to expand (ScriptError when its
    header or an include is wrong)."""
    title = ""
    found: dict[str, list[tuple[int, str, bool]]] = {"KEYS": [], "ARGV": []}
    for line in header_lines(source):
        match = _FIELD.match(line)
        if match is None:
            continue
        field, index, rest, what = match.groups()
        if field == "Title":
            title = what
        elif field in found:
            if index is None:
                raise ScriptError(f"{name}: `{line}` names no index")
            found[field].append((int(index), what, rest is not None))
    if not title:
        raise ScriptError(f"{name}: no `-- Title:` header line")
    lines = _expand(name, f"{name}.lua", source, includes, ())
    text = "\n".join(line for line, _ in lines) + "\n"
    origins = tuple(origin for _, origin in lines)
    used = {
        o[len(INCLUDES) + 1 :].rsplit(".lua:", 1)[0]
        for o in origins
        if o.startswith(f"{INCLUDES}/")
    }
    return Script(
        name=name,
        source=source,
        text=text,
        origins=origins,
        sha=hashlib.sha1(text.encode()).hexdigest(),
        title=title,
        keys=_slots(name, "KEYS", found["KEYS"]),
        args=_slots(name, "ARGV", found["ARGV"]),
        includes=tuple(sorted(used)),
        flags=shebang_flags(source),
    )


@cache
def includes() -> dict[str, str]:
    """The include files by name, as written."""
    return _walk(files(__name__) / INCLUDES, "")


@cache
def catalog() -> dict[str, Script]:
    """Every script by name, headers read and includes expanded (ScriptError on the first bad
    one)."""
    shared = includes()
    return {
        name: parse(name, source, shared)
        for name, source in sorted(_walk(files(__name__), "").items())
        if not name.startswith(f"{INCLUDES}/")
    }


def script(name: str) -> Script:
    """The script stored under `name`."""
    try:
        return catalog()[name]
    except KeyError:
        raise UnknownScript(f"no Redis script redis_scripts/{name}.lua") from None


def names(prefix: str = "") -> list[str]:
    return sorted(n for n in catalog() if n.startswith(prefix))
