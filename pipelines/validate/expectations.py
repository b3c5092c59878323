"""Form and data rules: Great Expectations suites (expectations/suites/*.json), row by row."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines import db, settings
from pipelines.paths import EXPECTATIONS
from pipelines.validate import deferred, docs_results, flags, gx_worker
from pipelines.validate.catalogue import Rule

SUITES = EXPECTATIONS / "suites"
_IDENT = re.compile(r"([a-z_][a-z0-9_]*)\s*(?:==|!=|<|>)")


@dataclass
class Outcome:
    """What one expectation found: the rule, how many records it checked, which failed."""

    rule_id: str
    suite: str
    checked: int
    failed: np.ndarray  # the failing rows: their rowids in the frame's table
    actual_column: str  # the frame's column that shows the failing value
    frame: str  # the temp table of the frame checked (frame_table)


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
    """Silence GX's progress bars and chatter on the CLI and in tests; defer what it imports unused."""
    deferred.defer()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


# the in-memory context (runs without Data Docs) and the validation definitions made in it (by suite
# name: the suite's version and its definition), kept for the process: a long-lived watcher checks
# every day's export with them (making them cost ~0.25 s a run)
_EPHEMERAL: dict = {}
_DEFINED: dict[str, tuple[str, object]] = {}


def context(docs_root: Path | None):
    """A file-backed GX context under docs_root (Data Docs are written there), or the process's in-memory one."""
    _quiet()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if docs_root is None and "context" in _EPHEMERAL:
        return _EPHEMERAL["context"]
    if docs_root is None:
        ctx = _EPHEMERAL["context"] = gx.get_context(mode="ephemeral")
    else:
        docs_root.mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(mode="file", project_root_dir=str(docs_root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def _definition(ctx, doc: dict):
    """The suite and its validation definition in the GX context, over a pandas dataframe asset (in the
    in-memory context, made once for each version of the suite)."""
    kept = ctx is _EPHEMERAL.get("context")
    version = json.dumps(doc, sort_keys=True, default=str)
    if kept and _DEFINED.get(doc["name"], ("",))[0] == version:
        return _DEFINED[doc["name"]][1]
    vd = _define(ctx, doc)
    if kept:
        _DEFINED[doc["name"]] = (version, vd)
    return vd


def definition(docs_root: Path | None, doc: dict):
    """The suite's validation definition in the context of docs_root (None: the in-memory one)."""
    return _definition(context(docs_root), doc)


def _define(ctx, doc: dict):
    """Make the suite and its validation definition in the GX context (replacing those of its name)."""
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
    return int(os.environ.get("TARTIP_GX_CHUNK_ROWS", "500000"))


def duckdb_yields_memory(con: duckdb.DuckDBPyConnection, rows: int) -> contextlib.AbstractContextManager[None]:
    """While GX's pandas frames of a suite of `rows` rows live, DuckDB works under a smaller cap
    ($TARTIP_GX_MEMORY_LIMIT, 1 GB), spilling the rest, so that the two together stay within the
    process's budget. A frame of at most SMALL_FRAME rows (a day's records) is a few MB: DuckDB keeps
    its cap, and its cache (lowering the cap gives back every block above it, which the statements
    after the suite then read again from the file; each change of the cap took ~0.03 s on a demo day)."""
    if rows <= SMALL_FRAME:
        return contextlib.nullcontext()
    return db.memory_cap(con, os.environ.get("TARTIP_GX_MEMORY_LIMIT", "1GB"))


# a frame of at most this many rows leaves DuckDB its memory cap while GX holds it (duckdb_yields_memory)
SMALL_FRAME = 50_000


def frame_table(doc: dict) -> str:
    """The temp table a suite's frame is materialised in while GX checks it: one per suite, so that
    the suites of a day can be with GX at once (run_suite's pause)."""
    return f"gx_frame_{re.sub(r'[^a-z0-9_]', '_', doc['name'].lower())}"


def frame_sql(doc: dict, where: str | None = None) -> str:
    """The SQL of a suite's frame: every record, or those a predicate (scope_sql) selects."""
    sql = (EXPECTATIONS / doc["meta"]["frame"]).read_text(encoding="utf-8")
    return f"select * from ({sql}) where {where}" if where else sql


def scope_list_max() -> int:
    """At most this many record ids of a scope are written into the frame's query as a list
    ($TARTIP_SCOPE_LIST_MAX, 10,000)."""
    return int(os.environ.get("TARTIP_SCOPE_LIST_MAX", "10000"))


def scope_sql(con: duckdb.DuckDBPyConnection, doc: dict) -> str:
    """The predicate selecting the records of a suite's meta.scope (a query of their record ids).

    A day's few ids are listed literally: DuckDB then filters the frame's base table at the scan,
    before the frame's joins and text matching (national scale: 8.6 s -> 1.1 s for 40 documents);
    more ids go in as a subquery.
    """
    query = doc["meta"]["scope"]
    most = scope_list_max()
    ids = con.execute(f"select distinct * from ({query}) limit {most + 1}").fetchall()
    if len(ids) > most:
        return f"record_id in ({query})"
    return f"record_id in ({', '.join(db.literal(str(r[0])) for r in ids)})" if ids else "false"


def scopable(doc: dict) -> bool:
    """True when an incremental run may re-check only part of the suite's records (meta.scope)."""
    return bool(doc["meta"].get("scope") and doc["meta"].get("record_table"))


def stores_checks(doc: dict) -> bool:
    """True when a suite with a scope keeps suite_checks (meta.record_key: its records' id column), so
    that an incremental run counts the records checked without computing its whole frame: worth it
    for a frame costly to compute (the documents' text matching: 15 s at national scale)."""
    return scopable(doc) and bool(doc["meta"].get("record_key"))


def condition_sql(condition: str | None) -> str:
    """A suite's pandas row_condition (`a=="x" and b==True`, `c!="y"`) as SQL, with pandas' handling
    of missing values (a missing value equals nothing and differs from everything)."""
    if not condition:
        return "true"
    sql = re.sub(r'"([^"]*)"', lambda m: "'" + m[1].replace("'", "''") + "'", condition)
    sql = re.sub(r"\s*==\s*", " is not distinct from ", sql)
    sql = re.sub(r"\s*!=\s*", " is distinct from ", sql)
    return re.sub(r"\b(True|False)\b", lambda m: m[1].lower(), sql)


def frame_digest(con: duckdb.DuckDBPyConnection, doc: dict) -> tuple[str, list[tuple[str, int]]]:
    """A digest of a suite's whole frame (rows and every value: equal digests, equal results), and
    the records each of its expectations checks there (as checked_counts), in one pass over the frame:
    a suite found unchanged counts them without computing its frame again."""
    row = con.execute(f"select count(*) || ':' || coalesce(bit_xor(hash(f)), 0), {_counts(doc)} "
                      f"from (select f, {selects_sql(doc)} as selects from ({frame_sql(doc)}) as f)").fetchall()[0]
    return row[0], _by_rule(doc, row[1:])


def checked_counts(con: duckdb.DuckDBPyConnection, doc: dict) -> list[tuple[str, int]]:
    """(rule id, records checked) of each expectation of a suite over its whole frame, in SQL:
    the records its row_condition selects (what GX reports as element_count), counted on the
    selects_sql bitmask — read from suite_checks (kept by run_suite) when the suite stores_checks,
    computed over the frame otherwise."""
    rows = (f"suite_checks where suite = {db.literal(doc['name'])}" if stores_checks(doc)
            else f"(select {selects_sql(doc)} as selects from ({frame_sql(doc)}))")
    return _by_rule(doc, con.execute(f"select {_counts(doc)} from {rows}").fetchall()[0])


def _counts(doc: dict) -> str:
    """The aggregates counting the rows each expectation of a suite selects (on selects_sql's bitmask)."""
    return ", ".join(f"count(*) filter (where selects & {1 << i} <> 0)" for i in range(len(doc["expectations"])))


def _by_rule(doc: dict, counts) -> list[tuple[str, int]]:
    """(rule id, count) of each expectation of a suite, from the row of _counts."""
    return [(e["meta"]["rule_id"], int(n)) for e, n in zip(doc["expectations"], counts, strict=True)]


def selects_sql(doc: dict) -> str:
    """A frame row's bitmask of the expectations whose row_condition selects it (bit i: the i-th)."""
    exps = doc["expectations"]
    if len(exps) > 64:
        raise ValueError(f"suite {doc['name']}: more than 64 expectations do not fit suite_checks.selects")
    return " | ".join(f"(case when {condition_sql(e['kwargs'].get('row_condition'))} then {1 << i} else 0 end)"
                      f"::ubigint" for i, e in enumerate(exps))


def store_checks(con: duckdb.DuckDBPyConnection, doc: dict, frame: str, where: str | None) -> None:
    """Bring suite_checks up to date for a suite that stores_checks from its frame just computed (`frame`:
    the whole frame, or the rows of the scope `where`).

    An incremental run replaces the rows of its scope and drops those of records gone from the
    record table; the others are unchanged since the previous run (the same assumption that keeps
    their flags). A database made before suite_checks gets the whole frame once.
    """
    name, selects = db.literal(doc["name"]), selects_sql(doc)
    if where is None:
        con.execute(f"delete from suite_checks where suite = {name}")
    else:
        if not db.one(con, f"select count(*) from suite_checks where suite = {name}")[0]:
            con.execute(f"insert into suite_checks select {name}, record_id, {selects} from ({frame_sql(doc)})")
        table, key = doc["meta"]["record_table"], doc["meta"]["record_key"]
        con.execute(f"delete from suite_checks where suite = {name} and ({where} "
                    f"or record_id not in (select {key} from {table}))")
    con.execute(f"insert into suite_checks select {name}, record_id, {selects} from {frame}")


def preload() -> threading.Thread:
    """Import Great Expectations in a background thread (1.5 s of Python) while DuckDB works."""
    _quiet()
    t = threading.Thread(target=importlib.import_module, args=("great_expectations",), daemon=True)
    t.start()
    return t


# how often a thread holding the interpreter hands it over while GX's thread works beside DuckDB's
# statements (brisk_switching); Python's own interval is 5 ms
SWITCH_SECONDS = 0.0005


@contextlib.contextmanager
def brisk_switching() -> Iterator[None]:
    """Let the interpreter change threads every SWITCH_SECONDS while a thread of GX's runs beside this
    one: its checks (run._suites), or its import (preload; ingest.run).

    A DuckDB statement gives up the interpreter while it works, then waits to take it back until GX's
    thread (pure Python) gives it up, which Python asks of it every 5 ms: a day's validation runs
    ~100 statements beside GX, each waiting up to that long. A demo day's rules in-process (medians
    of 12 rounds): 0.94 s at 0.5 ms, 1.14 s at 5 ms (run._suites: the suites with GX at once), 1.22 s
    at 5 ms with the suites one by one."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def warm_up() -> None:
    """Import Great Expectations and the validator its first run needs (a long-lived process: the
    inbox watcher pays this once, before the first file)."""
    _quiet()
    importlib.import_module("great_expectations")
    importlib.import_module("great_expectations.validator.v1_validator")


def run_suite(ctx: Callable[[], object], con: duckdb.DuckDBPyConnection, path: Path, where: str | None = None,
              docs: bool = False, pause: bool = False,
              gx: concurrent.futures.Executor | None = None) -> Iterator[bool | list[Outcome]]:
    """Run one suite over its frame (a SQL query), chunk by chunk; yield an Outcome per expectation
    and chunk. where: only the records of this predicate (an incremental run: scope_sql).
    docs: store the suite's result, summed over its chunks, for the Data Docs (docs_results).

    pause: first yield a bool, once the frame is ready and before any Outcome: True when GX already
    checks it (a frame of at most SMALL_FRAME rows: its first chunk is with GX), False when it has not
    begun (a larger frame: its chunks and the lowered memory cap come when the caller goes on). The
    caller meanwhile does other DuckDB work (a day's deadline rules, the next suites' frames). Nothing
    is yielded when an incremental run's frame is empty.
    gx: the executor GX checks in, one thread shared by a run's suites so that their checks queue
    (a thread of the suite's own otherwise). Every GX call is made there, the context (ctx: made at
    its first call) and the suite's definition in it too: nothing of GX runs on this thread while
    another suite's check is under way. A frame of at most SMALL_FRAME rows goes to the process's GX
    worker instead, when one runs (gx_worker) and the Data Docs are not asked for.

    The frame is materialised once in DuckDB (which spills to disk) in a temp table of the suite's
    own (frame_table) and handed to GX in chunks of at most chunk_rows() rows (_chunks): ranges of
    its rows, and the rows of duplicated record ids apart, so that the uniqueness expectations still
    see every copy of an id in one chunk.
    """
    doc = load_suite(path)
    name, table = doc["name"], frame_table(doc)
    frame = frame_sql(doc, where)
    # GX sees only the columns its expectations read; the details of the failing rows are
    # fetched from the materialised frame afterwards
    needed = {"record_id"}
    for e in doc["expectations"]:
        needed.add(e["kwargs"]["column"])
        needed |= set(_IDENT.findall(e["kwargs"].get("row_condition", "")))
    definition = functools.cache(lambda: _definition(ctx(), doc))
    # the frame is computed once, in the order the query gives it (sorting it cost more than the
    # rest of the frame: 1.1 of 3.0 s for the documents at 1M rows)
    con.execute(f"create or replace temp table {table} as {frame}")
    if stores_checks(doc):
        store_checks(con, doc, table, where)
    try:
        total = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        if where and not total:
            return
        summary = docs_results.SuiteSummary() if docs else None
        if pause and total > SMALL_FRAME:  # not begun: the caller's work goes before the lowered cap
            yield False
            pause = False
        worker = gx_worker.running() if summary is None and total <= SMALL_FRAME else None
        with duckdb_yields_memory(con, total), \
                contextlib.nullcontext(gx) if gx else concurrent.futures.ThreadPoolExecutor(1, "gx") as pool:
            yield from _chunks(con, pool, definition, name, needed, chunk_queries(con, total, chunk_rows(), table),
                               summary, key_only(doc), table, pause, worker=worker and (worker, doc))
            if summary is not None:
                pool.submit(lambda: docs_results.store(ctx(), definition(), summary)).result()
    finally:
        con.execute(f"drop table if exists temp.{table}; drop table if exists temp.{table}_dups")


# the hash that sorts a frame's rows into chunks (chunk_queries) is the one GX gets for a range
# chunk's ids (chunk_columns): distinct there because it is the same function
ID_HASH = "hash(record_id)"


@dataclass
class Chunk:
    """One chunk of a frame's table: its predicate, and whether its record ids are known to be
    distinct (a range of rows whose ids' hashes occur once in the frame: distinct hashes, distinct ids)."""

    where: str
    distinct_ids: bool


def chunk_queries(con: duckdb.DuckDBPyConnection, total: int, most: int, table: str = "gx_frame") -> list[Chunk]:
    """The chunks of a frame's table (`total` rows; a temp table) of at most `most` rows each (but for
    one id copied more often): ranges of rowids, less the rows whose record id's hash occurs more
    than once (<table>_dups: duplicated ids, rarely a collision), which go into chunks of their own by
    hash, so that every copy of an id is in one chunk. An empty frame is one empty chunk.

    The ranges run from the frame's first rowid: rows written in an open transaction (a validation
    run) are numbered from 2^62 up, not from 0."""
    dups = f"{table}_dups"
    con.execute(f"create or replace temp table {dups} as select {ID_HASH} as h, count(*) as n "
                f"from {table} group by h having count(*) > 1")
    copies, first, last = con.execute(f"select (select coalesce(sum(n), 0) from {dups}), min(rowid), max(rowid) "
                                      f"from {table}").fetchall()[0]
    plain = f" and {ID_HASH} not in (select h from {dups})" if copies else ""
    ranges = -(-(last - first + 1) // most) if total > copies else 0
    parts = -(-int(copies) // most)
    return ([Chunk(f"rowid >= {first + k * most} and rowid < {first + (k + 1) * most}{plain}", True)
             for k in range(ranges)]
            + [Chunk(f"{ID_HASH} in (select h from {dups} where h % {parts} = {k})", False)
               for k in range(parts)]
            or [Chunk("true", False)])


def key_only(doc: dict) -> bool:
    """Whether a suite reads the record id only for its uniqueness: then a chunk of distinct ids can
    hand GX the ids' 64-bit hashes instead of their texts (equal exactly when the ids are, there),
    which GX filters and compares several times faster."""
    reads = [e for e in doc["expectations"] if e["kwargs"]["column"] == "record_id"
             or "record_id" in _IDENT.findall(e["kwargs"].get("row_condition", ""))]
    return all(e["type"] == "expect_column_values_to_be_unique" and "row_condition" not in e["kwargs"]
               for e in reads)


def chunk_columns(needed: set[str], chunk: Chunk, hashed_ids: bool) -> str:
    """The columns of a frame GX gets for a chunk: the record id as its hash where key_only allows."""
    return ", ".join(f"case when record_id is not null then {ID_HASH} end as record_id"
                     if c == "record_id" and hashed_ids and chunk.distinct_ids else c for c in sorted(needed))


# failing rows come back as positions in the chunk (GX's default index): cheap to return; they
# are mapped to the frame's rowids and their details joined from the frame's table in SQL
RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


def _chunks(con: duckdb.DuckDBPyConnection, gx: concurrent.futures.Executor, definition: Callable[[], object],
            name: str, needed: set[str], chunks: list[Chunk], summary: docs_results.SuiteSummary | None,
            hashed_ids: bool, table: str, pause: bool = False,
            worker: tuple[gx_worker.Worker, dict] | None = None) -> Iterator[bool | list[Outcome]]:
    """GX over each chunk of the frame's table: the Outcomes of each. definition: the suite's
    validation definition (made at the first check, in GX's thread). hashed_ids: the suite reads the
    record id only for its uniqueness (key_only), so a range chunk's ids go to GX as their hashes
    (chunk_columns). pause: yield True once the first chunk is with GX (run_suite's pause).
    worker: (gx_worker's worker, the suite) to check in GX's process instead; should it die, the
    chunk is checked in GX's thread.

    A chunk is read straight from the frame with each row's rowid, which GX does not see: a
    failing row's position in the chunk maps to its rowid (no numbered copy of the chunk is made;
    at national scale those copies cost ~1 s each, 46 of them).

    GX checks a chunk in the executor's thread while this one reads the next chunk from DuckDB and
    the caller writes the flags of the one before: GX is Python on one core, DuckDB releases the
    interpreter while it works, so the two overlap. Every DuckDB call stays on this thread (the
    connection is not shared); one chunk is read ahead, no more.
    """
    keep = summary is not None
    checking = None  # (GX's future for the chunk it checks now, its rowids, its frame for GX's thread)
    for chunk in [*chunks, None]:
        ahead = None
        if chunk is not None:
            df = frame(con, f"select rowid as gx_row, {chunk_columns(needed, chunk, hashed_ids)} "
                            f"from {table} where {chunk.where}")
            rows = df.pop("gx_row").to_numpy()
            if worker is not None:
                ahead = (worker[0].submit(worker[1], df), rows, df)
            else:
                ahead = (gx.submit(check, definition, df, keep), rows, None)
            del df
            if pause:
                yield True
                pause = False
        if checking is not None:
            try:
                found, result = checking[0].result()
            except gx_worker.WorkerDied:  # GX's thread checks the chunk, and the run's others
                gx_worker.stop()
                worker = None
                found, result = gx.submit(check, definition, checking[2], keep).result()
            if summary is not None:
                summary.add(result)
            yield [Outcome(f.rule_id, name, f.checked, checking[1][f.failed], f.actual_column, table) for f in found]
        checking = ahead


@dataclass
class Found:
    """What GX found for one expectation over one chunk: the chunk's failing rows by position."""

    rule_id: str
    actual_column: str
    checked: int
    failed: np.ndarray


def check(definition: Callable[[], object], df: pd.DataFrame, keep: bool = False):
    """GX over one chunk, in GX's thread or in gx_worker's process: what it found of each expectation,
    and with keep GX's whole result too (the Data Docs sum the chunks').

    Each chunk goes through GX's Validator, not ValidationDefinition.run, which would also store
    the chunk's complete result (half of GX's time)."""
    # the package first: its import may still be under way in preload's thread, and that import waits
    # for it to end, where a submodule imported beside it met the package half made (a circular import)
    import great_expectations  # noqa: F401
    from great_expectations.validator.v1_validator import Validator

    _no_fingerprints()
    _share_row_filters()
    vd = definition()
    _FILTERED.memo = {}
    try:
        result = Validator(batch_definition=vd.batch_definition, batch_parameters={"dataframe": df},
                           result_format=RESULT_FORMAT).validate_expectation_suite(vd.suite)
    finally:
        _FILTERED.memo = None
    found = []
    for r in result.results:
        meta = r.expectation_config.meta or {}
        found.append(Found(meta["rule_id"], meta["actual_column"], int(r.result.get("element_count") or 0),
                           np.asarray(r.result.get("unexpected_index_list") or [], dtype=np.int64)))
    return found, (result if keep else None)


def _as_df(kind: pa.DataType, nulls: int) -> bool:
    """Whether Arrow's pandas conversion of a column gives what .df() gives: text, floats, timestamps
    without a zone, integers and booleans without missing values (a boolean with missing values
    once made pandas' nullable "boolean", as .df() makes it)."""
    t = pa.types
    return (t.is_string(kind) or t.is_large_string(kind) or t.is_floating(kind) or t.is_boolean(kind)
            or (t.is_timestamp(kind) and kind.tz is None) or (t.is_integer(kind) and not nulls))


def frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query's rows as the pandas frame DuckDB's .df() makes, through Arrow when every column
    converts alike (_as_df): 5-10x faster for text (.df() builds a Python string per value, 0.7 s of
    a 500,000-row chunk); by .df() itself otherwise (dates, decimals, integers with missing values)
    and for an empty result (whose text columns .df() makes objects).

    The columns are made contiguous first: pandas filters a text column of many Arrow chunks chunk by
    chunk (GX's row conditions: 2.7 s of `take` at 1M rows), one chunk ~3x faster."""
    table = con.sql(sql).to_arrow_table().combine_chunks()
    columns = list(zip(table.column_names, table.schema.types, (c.null_count for c in table.columns),
                       strict=True))
    if not table.num_rows or not all(_as_df(kind, nulls) for _, kind, nulls in columns):
        return con.execute(sql).df()
    df = table.to_pandas()
    for name, kind, nulls in columns:
        if pa.types.is_boolean(kind) and nulls:
            df[name] = df[name].astype("boolean")
    return df


def _no_fingerprints() -> None:
    """Let GX skip the fingerprint of each chunk: an MD5 of pandas' hash of every value (its record ids
    most of it), kept only as a batch marker — ~0.75 s of each 500,000-row chunk, for metadata that
    nothing reads (the Data Docs show one result per suite, not per chunk). GX already skips it for
    frames over HASH_THRESHOLD bytes; the threshold is set to 0 bytes."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


# the frames GX filtered by a row condition during the current check of this thread (_share_row_filters)
_FILTERED = threading.local()


def _share_row_filters() -> None:
    """Let GX filter a chunk by each row condition once per check, not once per metric.

    GX filters the frame again for every metric of every expectation with a row condition (pandas'
    `query`: 24-26 times per suite and chunk; ~3 ms of parsing each on a day's few rows, ~40 ms at
    500,000 rows): measured on the documents and tasks suites, a third of GX's time on a day's frame
    and three fifths on a 400,000-row chunk, with the same results. Within one check (_chunks sets
    _FILTERED.memo) a frame filtered by a condition is kept and each metric gets a shallow copy of it
    (pandas' copy-on-write: a metric cannot change what the next one gets). Outside our checks, or
    should GX no longer have the method, GX filters as before."""
    from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine

    apply = getattr(PandasExecutionEngine, "_apply_row_condition_filter", None)
    if apply is None or getattr(apply, "tartip_shared", False):
        return

    def shared(self, data, row_condition, domain_kwargs):
        memo = getattr(_FILTERED, "memo", None)
        if memo is None:
            return apply(self, data, row_condition, domain_kwargs)
        key = (id(data), repr(row_condition), domain_kwargs.get("condition_parser"))
        hit = memo.get(key)
        if hit is None or hit[0] is not data:  # the frame itself is kept too: its id stays its own
            hit = memo[key] = (data, apply(self, data, row_condition, domain_kwargs))
        return hit[1].copy(deep=False)

    shared.tartip_shared, shared.gx_filter = True, apply
    PandasExecutionEngine._apply_row_condition_filter = shared


def write(con: duckdb.DuckDBPyConnection, rule: Rule, run_id: int, outcome: Outcome) -> None:
    """Write the failed records of a form or data rule to the violations table (flags that hold
    from this run on), their details taken from the frame GX checked (its table) in SQL."""
    from pipelines.validate.messages import message_sql

    if not len(outcome.failed):
        return
    first = flags.number(con, len(outcome.failed))
    con.register("failed_rows", pd.DataFrame({"gx_row": outcome.failed,
                                              "flag_id": np.arange(first, first + len(outcome.failed))}))
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
                source_file, sheet, cast(row_no as integer), coalesce(org_name, ''),
                null, flag_id
            from (select f.*, i.flag_id, '{expected}' as expected_value, cast(f."{outcome.actual_column}" as varchar)
                         as actual_value, null::date as expected_date, null::date as actual_date,
                         null::integer as working_days_late, null::varchar as anchor_text
                  from failed_rows as i
                  inner join {outcome.frame} as f on f.rowid = i.gx_row
                  -- the rows of one chunk: the scan skips the frame's other row groups
                  where f.rowid between {int(outcome.failed.min())} and {int(outcome.failed.max())})
        """)
    finally:
        con.unregister("failed_rows")
