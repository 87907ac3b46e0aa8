"""The Redis script catalog (`redis_scripts`): every script loads, says what it takes, and touches
only the keys it is handed.

Without a server (`make lint` runs these): every script has its header, the `KEYS[i]`/`ARGV[i]`
lines it declares match the highest `KEYS[n]`/`ARGV[n]` its body uses (and `KEYS[n..]` is
declared exactly when the body walks the rest: `ipairs(KEYS)`, `ARGV[2 + i]`), every include is
used, every script is used by the code, and a missing name or include fails at once.

With the real Redis: every script loads (`SCRIPT LOAD` answers the catalog's SHA1), and every key
a script's Redis calls touch (their key positions from `COMMAND GETKEYS`) comes from `KEYS`: a
script that builds key names from strings inside Lua cannot run on Redis Cluster, and none may.
The checks' own cases are small scripts in `tests/fixtures/lua/`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import ResponseError

import redis_scripts
from redis_scripts import Script, ScriptError, UnknownScript, catalog, includes, parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "lua"  # scripts that test the checks themselves
SKIP_DIRS = {".venv", ".git", ".stack", "tests", "build", "node_modules", "__pycache__"}

# A small Lua tokenizer: enough to find calls, assignments and uses of KEYS and ARGV.


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "string", "number", "op"
    text: str  # for a string: its value
    line: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--\[(?P<ceq>=*)\[.*?\](?P=ceq)\]|--[^\n]*|\A\#![^\n]*)
  | (?P<long>\[(?P<leq>=*)\[.*?\](?P=leq)\])
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")
  | (?P<number>0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>\.\.\.|\.\.|==|~=|<=|>=|[-+*/%^\#<>=(){}\[\];:,.])
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None, f"cannot read Lua at {text[pos : pos + 40]!r}"
        line = text.count("\n", 0, pos) + 1
        kind = match.lastgroup
        value = match.group(0)
        if kind in ("string", "long"):
            body = value[1:-1] if kind == "string" else value[value.index("[", 1) + 1 :]
            tokens.append(Token("string", body, line))
        elif kind in ("number", "name", "op"):
            tokens.append(Token(kind, value, line))
        pos = match.end()
    return tokens


OPEN = {"(": ")", "[": "]", "{": "}"}
BINARY = {
    "..", "+", "-", "*", "/", "%", "^", "==", "~=", "<", "<=", ">", ">=", "and", "or",
}  # fmt: skip


def closing(tokens: list[Token], at: int) -> int:
    """The index of the bracket closing the one at `at`."""
    depth = 0
    for i in range(at, len(tokens)):
        if tokens[i].kind == "op" and tokens[i].text in OPEN:
            depth += 1
        elif tokens[i].kind == "op" and tokens[i].text in OPEN.values():
            depth -= 1
            if depth == 0:
                return i
    raise AssertionError(f"unbalanced bracket on line {tokens[at].line}")


def expression_end(tokens: list[Token], at: int) -> int:
    """The index just past the expression starting at `at` (operands, suffixes, operators)."""
    i = at
    while True:
        while i < len(tokens) and tokens[i].text in ("not", "-", "#"):
            i += 1
        if tokens[i].text in OPEN:
            i = closing(tokens, i) + 1
        else:
            i += 1  # a name, string, number, nil, true, false...
        while i < len(tokens):
            t = tokens[i]
            if t.text in ("[", "("):
                i = closing(tokens, i) + 1
            elif t.text in (".", ":"):
                i += 2
            elif t.kind == "string":
                i += 1
            else:
                break
        if i < len(tokens) and tokens[i].text in BINARY:
            i += 1
            continue
        return i


def split_args(tokens: list[Token], open_at: int) -> list[list[Token]]:
    """The comma-separated arguments of the call whose `(` is at `open_at`."""
    end = closing(tokens, open_at)
    args: list[list[Token]] = []
    current: list[Token] = []
    i = open_at + 1
    while i < end:
        t = tokens[i]
        if t.text in OPEN:
            close = closing(tokens, i)
            current.extend(tokens[i : close + 1])
            i = close + 1
            continue
        if t.text == ",":
            args.append(current)
            current = []
        else:
            current.append(t)
        i += 1
    if current:
        args.append(current)
    return args


def text_of(tokens: list[Token]) -> str:
    return " ".join(repr(t.text) if t.kind == "string" else t.text for t in tokens)


# What a script's body uses of KEYS and ARGV.


@dataclass
class Uses:
    highest: int = 0  # the highest literal index, KEYS[n]
    walks: bool = False  # any other use: ipairs(KEYS), #ARGV, ARGV[2 + i]


def uses(tokens: list[Token], table: str) -> Uses:
    found = Uses()
    for i, t in enumerate(tokens):
        if t.kind != "name" or t.text != table:
            continue
        if i + 1 < len(tokens) and tokens[i + 1].text == "[":
            close = closing(tokens, i + 1)
            inside = tokens[i + 2 : close]
            if len(inside) == 1 and inside[0].kind == "number":
                found.highest = max(found.highest, int(inside[0].text))
                continue
        found.walks = True
    return found


def header_mismatches(script: Script) -> list[str]:
    """Where the script's KEYS/ARGV header lines and its body disagree."""
    wrong: list[str] = []
    tokens = tokenize(script.text)
    for table, slots in (("KEYS", script.keys), ("ARGV", script.args)):
        used = uses(tokens, table)
        rest = bool(slots) and slots[-1].rest
        fixed = len(slots) - (1 if rest else 0)
        if used.highest != fixed:
            wrong.append(f"declares {fixed} {table} but uses up to {table}[{used.highest}]")
        if used.walks and not rest:
            wrong.append(
                f"walks {table} past [{fixed}] without a `-- {table}[{fixed + 1}..]:` line"
            )
        if rest and not used.walks:
            wrong.append(f"declares {table}[{fixed + 1}..] but never walks {table}")
        wrong += [f"{table}[{slot.index}] says nothing" for slot in slots if not slot.what]
    return wrong


def test_every_script_has_its_header_and_declares_what_it_uses() -> None:
    assert catalog(), "no scripts found"
    wrong = {name: header_mismatches(script) for name, script in catalog().items()}
    assert all(script.title for script in catalog().values())
    assert not any(wrong.values()), {name: found for name, found in wrong.items() if found}


def test_the_header_check_sees_what_a_header_leaves_out() -> None:
    def check(header: str, body: str) -> list[str]:
        text = (SAMPLES / f"{body}.lua").read_text(encoding="utf-8")
        return header_mismatches(parse("x/y", f"-- Title: t\n{header}{text}", {}))

    rest = "-- KEYS[1]: a set\n-- ARGV[1]: a\n-- ARGV[2]: b\n-- ARGV[3..]: more\n"
    assert check(rest, "walks_argv") == []
    assert check("-- KEYS[1]: a set\n-- ARGV[1]: a\n-- ARGV[2]: b\n", "walks_argv") == [
        "walks ARGV past [2] without a `-- ARGV[3..]:` line"
    ]
    assert check("-- KEYS[1]: a set\n-- ARGV[1]: a\n-- ARGV[2..]: more\n", "walks_argv") == [
        "declares 1 ARGV but uses up to ARGV[2]"
    ]
    assert check("-- KEYS[1]: k\n-- KEYS[2..]: more\n", "reads_first_key") == [
        "declares KEYS[2..] but never walks KEYS"
    ]
    # Comments that mention KEYS[9] are no use of it.
    assert check("-- KEYS[1]: k\n", "reads_first_key") == []


def test_every_include_is_used_and_every_script_is_called() -> None:
    used = {i for script in catalog().values() for i in script.includes}
    assert set(includes()) == used, f"unused includes: {set(includes()) - used}"
    named = code_strings()
    unused = [name for name in catalog() if name not in named]
    assert not unused, f"scripts no code loads: {unused}"


@cache
def code_strings() -> frozenset[str]:
    """Every string literal passed to `script(...)` in the code outside the tests."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if SKIP_DIRS & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
                == "script"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return frozenset(found)


def test_every_name_the_code_loads_exists() -> None:
    missing = sorted(code_strings() - set(catalog()))
    assert not missing, f"script(...) names with no file: {missing}"


def test_a_missing_name_or_include_fails_at_once() -> None:
    with pytest.raises(UnknownScript):
        redis_scripts.script("timelines/no_such_script")
    with pytest.raises(ScriptError, match="no file redis_scripts/includes/nowhere.lua"):
        parse("x/y", "-- Title: t\n--!include nowhere\nreturn 1\n", {})
    with pytest.raises(ScriptError, match="loop"):
        parse("x/y", "-- Title: t\n--!include a\n", {"a": "--!include b\n", "b": "--!include a\n"})
    with pytest.raises(ScriptError, match="Title"):
        parse("x/y", "-- KEYS[1]: k\nreturn KEYS[1]\n", {})
    with pytest.raises(ScriptError, match="in order"):
        parse("x/y", "-- Title: t\n-- KEYS[2]: k\nreturn 1\n", {})
    nested = parse(
        "x/y",
        "-- Title: t\n--!include a\nreturn f()\n",
        {
            "a": "-- Include: a\n--!include b\nlocal function f() return g() end\n",
            "b": "local function g() return 1 end\n",
        },
    )
    assert nested.text.splitlines() == [
        "-- Title: t",
        "local function g() return 1 end",
        "local function f() return g() end",
        "return f()",
    ]
    assert nested.includes == ("a", "b")
    assert nested.origins == ("x/y.lua:1", "includes/b.lua:1", "includes/a.lua:3", "x/y.lua:3")


# The keys a script touches (needs Redis: COMMAND GETKEYS says which arguments are keys).


def table_depths(tokens: list[Token]) -> list[int]:
    """How many table constructors (`{...}`) each token is inside."""
    depths, depth = [], 0
    for t in tokens:
        if t.kind == "op" and t.text == "}":
            depth -= 1
        depths.append(depth)
        if t.kind == "op" and t.text == "{":
            depth += 1
    return depths


def derived_names(tokens: list[Token], tables: tuple[str, ...] = ("KEYS",)) -> set[str]:
    """Names that only ever hold keys from KEYS (or `tables`): loop variables over ipairs(KEYS),
    locals and tables assigned only from KEYS, function parameters every call passes such a
    key."""
    bindings: dict[str, list[list[Token] | None]] = {}  # None: bound to something unknown

    def bind(name: str, value: list[Token] | None) -> None:
        bindings.setdefault(name, []).append(value)

    in_table = table_depths(tokens)
    for i, t in enumerate(tokens):
        if t.text == "for" and i + 4 < len(tokens) and tokens[i + 2].text == ",":
            # for _, name in ipairs(<table>) do
            if tokens[i + 4].text == "in" and tokens[i + 5].text == "ipairs":
                end = closing(tokens, i + 6)
                bind(tokens[i + 3].text, [*tokens[i + 5 : end + 1], Token("op", "ELEMENT", 0)])
            else:
                bind(tokens[i + 3].text, None)
            bind(tokens[i + 1].text, None)
        elif t.text == "for":
            bind(tokens[i + 1].text, None)
        elif t.text == "function" and i + 2 < len(tokens) and tokens[i + 2].text == "(":
            function, params = tokens[i + 1].text, split_args(tokens, i + 2)
            calls = [
                split_args(tokens, j + 1)
                for j in range(len(tokens) - 1)
                if tokens[j].text == function and tokens[j + 1].text == "(" and j != i + 1
            ]
            for n, param in enumerate(params):
                if not calls:
                    bind(param[0].text, None)
                for args in calls:
                    bind(param[0].text, args[n] if n < len(args) else None)
        elif t.text == "=" and not in_table[i]:  # not a field of a table constructor
            targets: list[tuple[str, bool]] = []  # (name, indexed: name[...] = value)
            j = i - 1
            while j >= 0:
                indexed = tokens[j].text == "]"
                if indexed:
                    depth = 0
                    while True:
                        depth += {"]": 1, "[": -1}.get(tokens[j].text, 0)
                        if depth == 0:
                            break
                        j -= 1
                    j -= 1
                targets.append((tokens[j].text, indexed))
                if j > 0 and tokens[j - 1].text == ",":
                    j -= 2
                    continue
                break
            targets.reverse()
            values: list[list[Token]] = []
            k = i + 1
            while True:
                end = expression_end(tokens, k)
                values.append(tokens[k:end])
                if end < len(tokens) and tokens[end].text == ",":
                    k = end + 1
                    continue
                break
            for n, (name, indexed) in enumerate(targets):
                value = values[n] if n < len(values) else None
                if value is not None and [v.text for v in value] == ["{", "}"]:
                    continue  # an empty table, filled below
                bind(name, [*value, Token("op", "ELEMENT", 0)] if indexed and value else value)
    aliases: set[str] = set()
    while True:
        more = {
            name
            for name, values in bindings.items()
            if all(v is not None and from_keys(v, aliases, tables) for v in values)
        }
        if more == aliases:
            return aliases
        aliases = more


def from_keys(
    expression: list[Token], aliases: set[str], tables: tuple[str, ...] = ("KEYS",)
) -> bool:
    """Whether the expression is a key from KEYS (or all of them, unpacked), or from one of
    `tables`."""
    texts = [t.text for t in expression]
    if texts and texts[-1] == "ELEMENT":  # an element of: ipairs(<table>), or <table>[i] = value
        texts = texts[:-1]
        if texts[:2] == ["ipairs", "("] and texts[-1] == ")":
            return len(texts) == 4 and (texts[2] in tables or texts[2] in aliases)
        return from_keys(expression[:-1], aliases, tables)
    if texts[:2] == ["unpack", "("] and texts[-1] == ")":
        inner = texts[2:-1]
        return len(inner) == 1 and (inner[0] in tables or inner[0] in aliases)
    if len(texts) >= 4 and texts[1] == "[" and closing(expression, 1) == len(texts) - 1:
        return texts[0] in tables or texts[0] in aliases
    # A name: an alias, or KEYS itself handed on whole (a function that walks it).
    return (
        len(texts) == 1
        and expression[0].kind == "name"
        and (texts[0] in aliases or texts[0] in tables)
    )


def key_arguments(redis: Redis, command: str, args: list[list[Token]]) -> list[list[Token]]:
    """The arguments of a Redis call in Lua (`command`, *args) that Redis reads as keys."""
    sent = []
    for n, arg in enumerate(args):
        if len(arg) == 1 and arg[0].kind in ("string", "number"):
            sent.append(arg[0].text)
        else:
            sent.append(f"@arg{n}")
    try:
        keys = [
            k.decode() if isinstance(k, bytes) else str(k)
            for k in redis.command_getkeys(command, *sent)
        ]
    except ResponseError:  # no key arguments (TIME...)
        return []
    return [
        arg
        for n, arg in enumerate(args)
        if f"@arg{n}" in keys or (sent[n] in keys and arg[0].kind == "string")
    ]


# A script Redis runs with this flag may touch keys of several slots of its node (and Redis still
# refuses any key its node does not hold): it may take keys handed in ARGV (`cluster/node_get`, a
# node's part of backends.batching's MultiGet; `cluster/node_add_if_exists`, a node's part of a
# fan-out). Its keys still come from the caller, never from Lua.
NODE_LOCAL = {"allow-cross-slot-keys"}


def touched_outside_keys(redis: Redis, script: Script) -> list[str]:
    """The Redis calls whose key comes from somewhere other than KEYS (or ARGV, in a node-local
    script), and writes to KEYS."""
    tokens = tokenize(script.text)
    tables = ("KEYS", "ARGV") if set(script.flags) >= NODE_LOCAL else ("KEYS",)
    aliases = derived_names(tokens, tables)
    found: list[str] = []
    for i, t in enumerate(tokens):
        if t.text == "KEYS" and i + 1 < len(tokens) and tokens[i + 1].text == "[":
            after = closing(tokens, i + 1) + 1
            if after < len(tokens) and tokens[after].text == "=":
                found.append(f"{script.origins[t.line - 1]}: rewrites KEYS")
        if not (
            t.text == "redis"
            and tokens[i + 1].text == "."
            and tokens[i + 2].text in ("call", "pcall")
            and tokens[i + 3].text == "("
        ):
            continue
        args = split_args(tokens, i + 3)
        if len(args[0]) != 1 or args[0][0].kind != "string":
            found.append(f"{script.origins[t.line - 1]}: a command named by `{text_of(args[0])}`")
            continue
        command = args[0][0].text
        for key in key_arguments(redis, command, args[1:]):
            if not from_keys(key, aliases, tables):
                where = script.origins[t.line - 1]
                found.append(f"{where}: {command} on `{text_of(key)}`, not a key from KEYS")
    return found


def test_with_redis_every_script_loads_and_touches_only_its_keys(redis_client: Redis) -> None:
    outside: dict[str, list[str]] = {}
    for name, script in catalog().items():
        assert redis_client.script_load(script.text) == script.sha, name
        found = touched_outside_keys(redis_client, script)
        if found:
            outside[name] = found
    assert not outside, (
        "scripts that name keys inside Lua (Redis Cluster cannot run them):\n"
        + "\n".join(f"{n}:\n  " + "\n  ".join(f) for n, f in outside.items())
    )
    assert redis_client.script_exists(*(s.sha for s in catalog().values())) == [True] * len(
        catalog()
    )


def sample(name: str) -> Script:
    return parse(f"samples/{name}", (SAMPLES / f"{name}.lua").read_text(encoding="utf-8"), {})


def test_with_redis_the_key_check_sees_keys_built_in_lua(redis_client: Redis) -> None:
    """The check itself: a key from KEYS (directly, through a loop, a local, a table, a
    function's parameter, or KEYS handed whole to a function that walks it) passes; ARGV handed
    on the same way, a key built from strings, or KEYS rewritten do not."""
    good = sample("keys_from_keys")
    assert touched_outside_keys(redis_client, good) == []
    bad = sample("keys_built_in_lua")
    found = touched_outside_keys(redis_client, bad)
    assert [f.split(": ", 1)[1] for f in found] == [
        "GET on `key`, not a key from KEYS",
        "EXISTS on `key`, not a key from KEYS",
        "rewrites KEYS",
        "MGET on `unpack ( ids )`, not a key from KEYS",
        "SET on `'ns:' .. ARGV [ 1 ]`, not a key from KEYS",
    ], found


def test_with_redis_only_a_node_local_script_may_take_keys_from_argv(
    redis_client: Redis,
) -> None:
    """A script flagged `allow-cross-slot-keys` may touch keys the caller hands in ARGV (a key
    built in Lua still fails); the same body without the flag, or with `no-writes` alone, may
    not."""
    flagged = sample("node_local_reads")
    assert flagged.flags == ("no-writes", "allow-cross-slot-keys")
    found = touched_outside_keys(redis_client, flagged)
    assert [f.split(": ", 1)[1] for f in found] == [
        "GET on `'ns:' .. ARGV [ 1 ]`, not a key from KEYS"
    ], found
    source = (SAMPLES / "node_local_reads.lua").read_text(encoding="utf-8")
    body = source.split("\n", 1)[1]
    plain = parse("samples/plain", body, {})
    read_only = parse("samples/read_only", f"#!lua flags=no-writes\n{body}", {})
    assert (plain.flags, read_only.flags) == ((), ("no-writes",))
    for without in (plain, read_only):
        found = touched_outside_keys(redis_client, without)
        assert [f.split(": ", 1)[1] for f in found] == [
            "GET on `ARGV [ i ]`, not a key from KEYS",
            "EXISTS on `key`, not a key from KEYS",
            "GET on `'ns:' .. ARGV [ 1 ]`, not a key from KEYS",
        ], found
