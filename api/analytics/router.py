"""Saved analyst queries over HTTP: listed and run read-only, for accounts with the analyst role."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth.scopes import AnalystUser
from api.deps import Backend
from api.errors import ERROR_RESPONSES, FORBIDDEN
from api.schemas import StrictBody
from graph import analytics
from graphgram.errors import FieldError, Forbidden, NotFound, Unprocessable

router = APIRouter(
    prefix="/analytics", tags=["analytics"], responses={**ERROR_RESPONSES, **FORBIDDEN}
)


class QueryInfo(BaseModel):
    name: str
    title: str
    description: str | None
    params: dict[str, Any] = Field(description="Parameter names with example values (and types)")


class RunQuery(StrictBody):
    params: dict[str, Any] = {}
    graph: Literal["copy", "serving"] | None = Field(
        default=None,
        description="Where the query runs: the analytics copy (the default when the deployment "
        "has one, `analytics_neo4j_uri`) or, explicitly, the serving graph (the default "
        "without a copy)",
    )


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description=f"True when more than {analytics.ROW_CAP} rows matched")


@router.get("/queries", response_model=list[QueryInfo])
async def list_queries(_: AnalystUser) -> list[QueryInfo]:
    return [QueryInfo(**vars(q)) for q in analytics.saved_queries()]


@router.post("/queries/{name}", response_model=QueryResult)
async def run_query(name: str, body: RunQuery, _: AnalystUser, backends: Backend) -> QueryResult:
    if body.graph == "copy" and backends.analytics is None:
        message = "this deployment has no analytics copy (analytics_neo4j_uri)"
        raise Unprocessable(message, fields=[FieldError(field="graph", message=message)])
    serving = body.graph == "serving" or backends.analytics is None
    graph = backends.graph if serving else backends.analytics
    assert graph is not None
    try:
        result = await analytics.run_saved(graph, name, body.params)
    except analytics.UnknownQuery:
        raise NotFound(f"no saved query {name!r}: GET /analytics/queries lists them") from None
    except analytics.BadParameters as exc:
        raise Unprocessable(
            str(exc), fields=[FieldError(field="params", message=str(exc))]
        ) from None
    except analytics.NotReadOnly as exc:
        raise Forbidden(str(exc)) from None
    return QueryResult(columns=result.columns, rows=result.rows, truncated=result.truncated)
