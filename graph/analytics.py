"""The analysts' saved queries (`cypher/analytics/*.cypher`), run read-only.

Every saved query documents its parameters in a `/* :params {...} */` block; callers may pass
only those names, with values of the example's type. A statement must plan as read-only
(`EXPLAIN` reports query type `r`) before it runs, in a READ-mode session and read transaction,
with a timeout and a row cap. Arbitrary Cypher is never accepted from outside.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

import neo4j
from neo4j import AsyncManagedTransaction, unit_of_work

from cypher import catalog, example_params, header, query
from graph.driver import Graph

PREFIX = "analytics/"
ROW_CAP = 1_000
TIMEOUT_S = 15.0


class UnknownQuery(LookupError):
    pass


class BadParameters(ValueError):
    pass


class NotReadOnly(PermissionError):
    pass


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str | None
    params: dict[str, Any]  # the example values, which also give each parameter's type


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


def saved_queries() -> list[SavedQuery]:
    result = []
    for full in sorted(n for n in catalog() if n.startswith(PREFIX)):
        result.append(
            SavedQuery(
                name=full[len(PREFIX) :],
                title=header(full, "Title") or full,
                description=header(full, "Description"),
                params=example_params(full) or {},
            )
        )
    return result


def get_saved(name: str) -> SavedQuery:
    for saved in saved_queries():
        if saved.name == name:
            return saved
    raise UnknownQuery(name)


# Integer parameters of the saved queries are counts and limits.
INT_MIN, INT_MAX = 0, 1_000_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _coerce(name: str, example: Any, value: Any) -> Any:
    """Check (and, for text from a command line, convert) one value against the example's type,
    and against the range the statement can run with: integers are counts and limits
    (0..1,000,000, so `LIMIT -1` or a 1e30 never reach Neo4j), a parameter whose example is a
    date must be a real calendar date."""
    kind = type(example)
    if isinstance(value, str) and kind is not str:
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise BadParameters(f"{name}: expected {kind.__name__}, got {value!r}") from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is int and isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if type(value) is not kind:
        raise BadParameters(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    if kind is int and not INT_MIN <= value <= INT_MAX:
        raise BadParameters(f"{name}: must be between {INT_MIN} and {INT_MAX}, got {value}")
    if kind is float and not math.isfinite(value):
        raise BadParameters(f"{name}: must be a finite number")
    if kind is str and _ISO_DATE.match(example):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise BadParameters(f"{name}: expected a date like {example}, got {value!r}") from None
    return value


def bind(saved: SavedQuery, given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(saved.params))
    if unknown:
        raise BadParameters(
            f"unknown parameter(s) {', '.join(unknown)}; {saved.name} takes "
            f"{', '.join(saved.params) or 'none'}"
        )
    return {
        key: _coerce(key, example, given[key]) if key in given else example
        for key, example in saved.params.items()
    }


async def run_statement(
    graph: Graph,
    statement: LiteralString,
    params: dict[str, Any],
    *,
    row_cap: int = ROW_CAP,
    timeout_s: float = TIMEOUT_S,
) -> Result:
    """Plan, refuse anything but a read, then run in a READ session; at most `row_cap` rows."""

    @unit_of_work(metadata={"app": "graphgram", "query": "analytics"}, timeout=timeout_s)
    async def work(tx: AsyncManagedTransaction) -> Result:
        plan = await tx.run("EXPLAIN " + statement, params)
        summary = await plan.consume()
        if summary.query_type != "r":
            raise NotReadOnly(
                f"only read queries run here (this one plans as {summary.query_type!r})"
            )
        result = await tx.run(statement, params)
        columns = list(result.keys())
        rows: list[list[Any]] = []
        truncated = False
        async for record in result:
            if len(rows) == row_cap:
                truncated = True
                break
            rows.append([_plain(v) for v in record.values()])
        return Result(columns, rows, truncated)

    async with graph.driver.session(
        database=graph.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        try:
            return await session.execute_read(work)
        except neo4j.exceptions.ClientError as exc:
            # A value Neo4j cannot use where the statement puts it (a bad date, a negative
            # LIMIT that slipped past the checks above): the caller's input, not a failure here.
            if str(exc.code or "").startswith(
                ("Neo.ClientError.Statement.", "Neo.ClientError.Request.")
            ):
                raise BadParameters(exc.message or str(exc)) from None
            raise


async def run_saved(graph: Graph, name: str, given: dict[str, Any], **limits: Any) -> Result:
    saved = get_saved(name)
    return await run_statement(graph, query(PREFIX + name), bind(saved, given), **limits)


def _plain(value: Any) -> Any:
    """Neo4j temporal values and the like as JSON-friendly text."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)
