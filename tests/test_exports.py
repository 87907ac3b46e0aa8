"""`graphgram cypher run --format csv|json|jsonl|parquet --out FILE`: saved query rows, exported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.cypher import export
from graph.analytics import Result

ROWS = Result(
    columns=["username", "circle_size", "members", "density"],
    rows=[["bob", 2, ["alice", "carol"], 0.5], ["dave", 3, ["a", "b", "c"], None]],
    truncated=False,
)


def test_parquet_keeps_types_and_lists(tmp_path: Path) -> None:
    out = tmp_path / "rows.parquet"
    export(ROWS, "parquet", out)
    table = pq.read_table(out)
    assert table.column_names == ROWS.columns
    assert table.to_pylist() == [dict(zip(ROWS.columns, row, strict=True)) for row in ROWS.rows]
    assert str(table.schema.field("circle_size").type) == "int64"
    members = table.schema.field("members").type
    assert pa.types.is_list(members)
    assert pa.types.is_string(members.value_type)


def test_an_empty_result_is_still_a_parquet_file_with_its_columns(tmp_path: Path) -> None:
    out = tmp_path / "none.parquet"
    export(Result(columns=["username", "n"], rows=[], truncated=False), "parquet", out)
    assert pq.read_table(out).column_names == ["username", "n"]


def test_jsonl_is_one_object_per_row(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    export(ROWS, "jsonl", out)
    lines = out.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        dict(zip(ROWS.columns, row, strict=True)) for row in ROWS.rows
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_round_trip(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"rows.{fmt}"
    export(ROWS, fmt, out)  # type: ignore[arg-type]
    if fmt == "json":
        assert json.loads(out.read_text())[0]["members"] == ["alice", "carol"]
        return
    with out.open(newline="") as f:
        read = list(csv.reader(f))
    assert read[0] == ROWS.columns
    assert read[1] == ["bob", "2", '["alice", "carol"]', "0.5"]  # lists as JSON text
