"""Form and data rules: Great Expectations suites (expectations/suites/*.json), row by row."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.paths import EXPECTATIONS
from pipelines.validate.catalogue import Rule

SUITES = EXPECTATIONS / "suites"
_IDENT = re.compile(r"([a-z_][a-z0-9_]*)\s*(?:==|!=|<|>)")


@dataclass
class Outcome:
    """What one expectation found: the rule, how many records it checked, which failed."""

    rule_id: str
    suite: str
    checked: int
    failed: pd.DataFrame  # the frame's rows that failed, with actual_value


def suite_files() -> list[Path]:
    """Every suite file."""
    return sorted(SUITES.glob("*.json"))


def load_suite(path: Path) -> dict:
    """A suite as stored, with $limits.* values taken from the settings file."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    limits = settings.load()["limits"]
    for e in doc["expectations"]:
        for k, v in e["kwargs"].items():
            if isinstance(v, str) and v.startswith("$limits."):
                e["kwargs"][k] = limits[v.removeprefix("$limits.")]["value"]
    return doc


def _quiet() -> None:
    """Silence GX's progress bars and chatter on the CLI and in tests."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def context(docs_root: Path | None):
    """A file-backed GX context under docs_root (Data Docs are written there), or an in-memory one."""
    _quiet()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if docs_root is None:
        ctx = gx.get_context(mode="ephemeral")
    else:
        docs_root.mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(mode="file", project_root_dir=str(docs_root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def _definition(ctx, doc: dict):
    """The suite and its validation definition in the GX context, over a pandas dataframe asset."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    name = doc["name"]
    for store in (ctx.validation_definitions, ctx.suites):
        with contextlib.suppress(Exception):  # absent on the first run
            store.delete(name)
    try:
        ds = ctx.data_sources.get(name)
    except (KeyError, ValueError):
        ds = ctx.data_sources.add_pandas(name)
    try:
        asset = ds.get_asset(name)
    except LookupError:
        asset = ds.add_dataframe_asset(name)
    try:
        batch = asset.get_batch_definition(name)
    except (KeyError, ValueError):
        batch = asset.add_batch_definition_whole_dataframe(name)
    suite = gx.ExpectationSuite(name=name)
    for e in doc["expectations"]:
        suite.add_expectation_configuration(
            ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e["meta"]))
    suite = ctx.suites.add(suite)
    return ctx.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=name))


def chunk_rows() -> int:
    """Rows GX gets in one pandas frame: bounds the memory of a suite whatever the data's size."""
    return int(os.environ.get("TARTIP_GX_CHUNK_ROWS", "1000000"))


def run_suite(ctx, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[list[Outcome]]:
    """Run one suite over its frame (a SQL query), chunk by chunk; yield an Outcome per expectation
    and chunk.

    The frame is materialised once in DuckDB (which spills to disk) and handed to GX in chunks of
    at most chunk_rows() rows, split by a hash of the record id so that a duplicated id lands in
    one chunk and the uniqueness expectations still see every copy of it.
    """
    doc = load_suite(path)
    name = doc["name"]
    frame_sql = (EXPECTATIONS / doc["meta"]["frame"]).read_text(encoding="utf-8")
    # GX sees only the columns its expectations read; the details of the failing rows are
    # fetched from the materialised frame afterwards
    needed = {"record_id"}
    for e in doc["expectations"]:
        needed.add(e["kwargs"]["column"])
        needed |= set(_IDENT.findall(e["kwargs"].get("row_condition", "")))
    vd = _definition(ctx, doc)
    total = con.execute(f"select count(*) from ({frame_sql})").fetchall()[0][0]
    parts = max(1, -(-total // chunk_rows()))
    con.execute(f"create or replace temp table gx_frame as "
                f"select *, coalesce(hash(record_id) % {parts}, 0) as gx_part from ({frame_sql})")
    try:
        for part in range(parts):
            frame = con.execute(f"select {', '.join(sorted(needed))} from gx_frame "
                                f"where gx_part = {part}").df()
            result = vd.run(
                batch_parameters={"dataframe": frame},
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["record_id"],
                               "return_unexpected_index_query": False},
            )
            del frame
            yield _outcomes(con, name, result)
    finally:
        con.execute("drop table if exists temp.gx_frame")


def _outcomes(con: duckdb.DuckDBPyConnection, name: str, result) -> list[Outcome]:
    """The Outcome of each expectation of a GX result, with the failing rows' details."""
    failures = [([u["record_id"] for u in (r.result.get("unexpected_index_list") or [])], r)
                for r in result.results]
    ids = sorted({i for failed, _ in failures for i in failed})
    details = con.execute("select * exclude (gx_part) from gx_frame where record_id in (select unnest(?))",
                          [ids]).df() if ids else \
        con.execute("select * exclude (gx_part) from gx_frame limit 0").df()
    indexed = details.drop_duplicates("record_id").set_index("record_id", drop=False)
    outcomes = []
    for failed_ids, r in failures:
        meta = r.expectation_config.meta or {}
        failed = indexed.loc[failed_ids].reset_index(drop=True) if failed_ids else details.iloc[0:0]
        failed = failed.assign(actual_value=failed[meta["actual_column"]].astype("string"))
        outcomes.append(Outcome(meta["rule_id"], name, int(r.result.get("element_count") or 0), failed))
    return outcomes


def write(con: duckdb.DuckDBPyConnection, rule: Rule, run_id: int, failed: pd.DataFrame) -> None:
    """Write the failed records of a form or data rule to the violations table."""
    from pipelines.validate.messages import message_sql

    if failed.empty:
        return
    cols = ["record_table", "record_id", "reg_no", "department_code", "source_file", "sheet", "row_no",
            "actual_value"]
    df = failed[cols].copy()
    con.register("failed_df", df)
    responsible = "department_code" if rule.responsible == "record" else f"'{rule.responsible}'"
    expected = (rule.expected or "").replace("'", "''")
    try:
        con.execute(f"""
            insert into violations
            select
                {run_id}, '{rule.id}', '{rule.clause}', '{rule.kind}', '{rule.severity}',
                record_table, record_id, reg_no, {responsible},
                expected_value, actual_value, null, null, null,
                {message_sql(rule, 'kk')}, {message_sql(rule, 'ru')}, {message_sql(rule, 'en')},
                source_file, sheet, cast(row_no as integer)
            from (select *, '{expected}' as expected_value, null::date as expected_date,
                         null::date as actual_date, null::integer as working_days_late,
                         null::varchar as anchor_text
                  from failed_df)
        """)
    finally:
        con.unregister("failed_df")
