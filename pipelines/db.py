"""Connections to the Tartip database and creation of its schema from the SQL files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import duckdb

from pipelines.paths import SQL
from pipelines.sources import Source, all_sources

LINEAGE = (
    ("load_id", "integer not null"),
    ("source_file", "varchar not null"),
    ("file_sha256", "varchar not null"),
    ("sheet", "varchar"),
    ("row_no", "integer"),
)


# The database is two files. The private file (tartip.private.duckdb, attached as `private`) holds
# what the load stage writes: the raw rows as read (ДСП texts, citizens' personal data), the load
# log and the quarantine, with the macros and staging views over them. The main file (tartip.duckdb)
# holds what the later stages make from them, with ДСП texts and citizens' data masked, so that the
# public snapshot is a copy of it (publish). A transaction writes one file only: each stage's state
# lives in the file it writes. Unqualified names find either file (search_path).
PRIVATE = "private"
# the raw SQL files whose tables live in the private file (the others, the later stages' state, in main)
PRIVATE_SQL = ("load_log.sql", "quarantine.sql")


def private_path(db_path: Path | str) -> Path:
    """The private file beside a database: tartip.duckdb -> tartip.private.duckdb."""
    p = Path(db_path)
    return p.with_name(p.stem + ".private.duckdb")


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database file with its private file (read-only connections never block each other)."""
    if read_only:
        con = duckdb.connect(str(path), read_only=True)
        if private_path(path).exists():
            _attach_private(con, path, read_only=True)
        return con
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # a cap under 4 GiB for a national-scale run (10M cards), GX's frames beside it (2 GB ran the
    # marts out of memory at that scale):
    # big loads, model builds and validation frames spill to disk instead
    limit = os.environ.get("TARTIP_MEMORY_LIMIT", "3GB")
    con = duckdb.connect(str(path), config={"memory_limit": limit})
    _remember_limit(con, limit)
    _attach_private(con, path)
    pace_vacuum(con)
    return con


def _attach_private(con: duckdb.DuckDBPyConnection, path: Path | str, read_only: bool = False) -> None:
    """Attach the private file as `private` and let unqualified names find its tables after main's."""
    con.execute(f"attach {literal(str(private_path(path)))} as {PRIVATE}" + (" (read_only)" if read_only else ""))
    search_path(con)


def search_path(con: duckdb.DuckDBPyConnection) -> None:
    """Unqualified names: the temporary schema, main, then the private file (a cursor sets it again)."""
    con.execute(f"set search_path = 'main,{PRIVATE}.main'")


# the memory cap last set on each connection, as written, with how DuckDB shows it: current_setting
# cuts it to one decimal ('3GB' reads '2.7 GiB', and setting that back gives 2.6 GiB), so a cap is
# restored from here (while the connection still shows the same: an id can serve a new connection)
_LIMITS: dict[int, tuple[str, str]] = {}


def _shown_limit(con: duckdb.DuckDBPyConnection) -> str:
    """The database's cap as DuckDB shows it, read through a cursor of its own (it can be read, and
    remembered, while `con`'s transaction is aborted)."""
    cursor = con.cursor()
    try:
        return one(cursor, "select current_setting('memory_limit')")[0]
    finally:
        cursor.close()


def _remember_limit(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    _LIMITS[id(con)] = (limit, _shown_limit(con))


# Share of a table's rows that may be deleted-but-kept before a checkpoint compacts it (see
# pace_vacuum): a day's model re-measures the open tasks (~7 % of the marts) and replaces them.
VACUUM_AT = 0.2


def pace_vacuum(con: duckdb.DuckDBPyConnection, database: str | None = None, at: float = VACUUM_AT) -> bool:
    """Let the next checkpoints compact deleted rows only when some table of `database` (default:
    the connection's own) holds more than `at` of them; return whether they will.

    DuckDB's checkpoint "vacuums" a table that lost rows: it merges the run of consecutive row
    groups with deletions into as few as fit, and as a day's changed documents have rows in every
    row group, that rewrites the whole table (the tasks mart at the region demo: a 2–3 s commit
    instead of 0.4 s). Deleted rows otherwise stay in the file, skipped by scans. Compacting every
    few days instead of every second one keeps each table within 1/(1 - at) of its live rows. The
    setting is the process's: call it before the transaction whose commit it should govern.
    """
    due = bool(deleted_over(con, at, database))
    con.execute(f"set max_vacuum_tasks = {100 if due else 0}")
    return due


def deleted_over(con: duckdb.DuckDBPyConnection, at: float, database: str | None = None) -> list[tuple[str, str]]:
    """(schema, table) of every table of `database` (default: the connection's own) with 1,000 rows
    or more stored of which more than `at` are deleted (kept in the file, skipped by scans)."""
    database = database or one(con, "select current_database()")[0]
    tables = con.execute(
        "select schema_name, table_name, estimated_size from duckdb_tables() "
        "where database_name = ? and not temporary and estimated_size >= 1000", [database]).fetchall()
    if not tables:
        return []
    live = dict(con.execute(" union all ".join(
        f"select {i} as i, count(*) as n from {quote(database)}.{quote(s)}.{quote(t)}"
        for i, (s, t, _) in enumerate(tables))).fetchall())
    return [(s, t) for i, (s, t, size) in enumerate(tables) if live[i] < (1 - at) * size]


# Share of deleted rows above which a table is rewritten when there is time for it (compact): a
# day's load leaves ~7–11 % in the marts at the region demo
COMPACT_AT = 0.02


def compact(con: duckdb.DuckDBPyConnection, at: float = COMPACT_AT) -> list[str]:
    """Rewrite, in one transaction, every table of the connection's database holding more than `at`
    deleted rows, so that no later commit has to (pace_vacuum); return the tables rewritten.

    The rows are copied aside, all deleted and inserted again: the checkpoint that follows drops the
    row groups left empty and writes the rows anew, the table's definition (defaults, comments)
    untouched. Rows and their order are kept. For an idle moment (the inbox watcher between files):
    it costs about what DuckDB's own compaction would at a commit (1–2 s per 250,000 rows).

    A write-ahead log left by earlier commits (the watcher's files: ingest.run(checkpoint=False))
    is checkpointed first: the rows it replays are not yet in the stored sizes deleted_over compares
    with, and a table rewritten over them kept its deleted rows in the file.
    """
    con.execute("checkpoint")
    due = deleted_over(con, at)
    if not due:
        return []
    con.begin()
    try:
        for s, t in due:
            name = f"{quote(s)}.{quote(t)}"
            con.execute(f"create or replace temp table compact_rows as select * from {name}")
            con.execute(f"delete from {name}")
            con.execute(f"insert into {name} select * from temp.compact_rows")
            con.execute("drop table temp.compact_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    con.execute("checkpoint")  # a commit checkpoints only past a WAL size; this one always must
    return [t for _, t in due]


# set inside full_cap(): memory_cap lowers nothing
_FULL_CAP: ContextVar[bool] = ContextVar("full_cap", default=False)


@contextlib.contextmanager
def full_cap() -> Iterator[None]:
    """Inside the block memory_cap lowers nothing: DuckDB keeps its whole cap (a stage done again
    after DuckDB failed under a lowered one: see validate.run.run)."""
    token = _FULL_CAP.set(True)
    try:
        yield
    finally:
        _FULL_CAP.reset(token)


@contextlib.contextmanager
def memory_cap(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB works under `limit` (e.g. '2.5GB') inside the block, and under its cap before after it
    (inside full_cap(): under its cap throughout).

    Lowering the cap makes DuckDB give back the cached blocks above it at once (written to the file
    or spilled), so that Python's own memory can grow beside it without the process outgrowing
    its budget. Memory DuckDB cannot give back (what another thread's statement holds, indexes)
    can refuse the cap: the lowest one it accepts on the way up holds instead.
    """
    if _FULL_CAP.get():
        yield
        return
    shown = _shown_limit(con)
    known, known_shown = _LIMITS.get(id(con), ("", ""))
    # a cap set elsewhere: as shown, half a last digit up (never lower)
    before = known if known_shown == shown else re.sub(
        r"[\d.]+", lambda m: f"{float(m[0]) + 0.05:.2f}", shown, count=1)
    limit = _lower(con, limit, shown)
    if limit is None:  # never raised (a smaller $TARTIP_MEMORY_LIMIT holds), or every lower cap refused
        yield
        return
    try:
        yield
    finally:
        _set_limit(con, before)


def _set_limit(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Set the database's memory cap through a cursor of its own: a refused cap (OutOfMemoryException)
    or a failed block's aborted transaction on `con` then do not meet (on `con`, a refused cap
    aborted its transaction: a national first load died so)."""
    cursor = con.cursor()
    try:
        cursor.execute(f"set memory_limit = {literal(limit)}")
    finally:
        cursor.close()
    _remember_limit(con, limit)


def _lower(con: duckdb.DuckDBPyConnection, limit: str, shown: str) -> str | None:
    """Set the cap to `limit`, or to the lowest of 1.25x, 1.5x, ... of it that DuckDB accepts below
    the cap `shown` (memory held by another thread's statement can refuse it for a while); the cap
    set, None for none."""
    step = 1.0
    while size_bytes(limit) * step < size_bytes(shown):
        tried = limit if step == 1.0 else f"{size_bytes(limit) * step / 1e6:.0f}MB"
        try:
            _set_limit(con, tried)
            return tried
        except duckdb.OutOfMemoryException:
            step += 0.25
    return None


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def size_bytes(text: str) -> float:
    """Bytes of a DuckDB memory size: '2.5GB' (as set) or '2.7 GiB' (as current_setting shows it)."""
    m = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text)
    if not m or m[2].upper() not in _UNITS:
        raise ValueError(f"not a memory size / не размер памяти: {text!r}")
    return float(m[1]) * _UNITS[m[2].upper()]


def quote(name: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def raw_ddl(src: Source) -> str:
    """The CREATE TABLE of a source's raw table: lineage, every field as text, extras, hashes."""
    cols = [f"{n} {t}" for n, t in LINEAGE]
    cols += [f"{f} varchar" for f in src.field_names]
    # quarantine_reason: set while a file loads (0 = totals/footer, n = the source's n-th
    # quarantine rule); such rows move to `quarantine` in the same transaction
    cols += ["extra json", "key_hash ubigint", "row_hash ubigint", "quarantine_reason utinyint"]
    return f"create table if not exists {src.table} (\n    " + ",\n    ".join(cols) + "\n)"


def schema_sql() -> tuple[list[str], list[str]]:
    """The statements init runs, in order: (the private file's: macros, raw tables, load log,
    quarantine, staging views; main's: the later stages' bookkeeping and validation tables)."""
    def read(path: Path) -> str:
        return path.read_text(encoding="utf-8")

    raw = sorted((SQL / "raw").glob("*.sql"))
    return ([read(SQL / "base" / "macros.sql")] + [raw_ddl(src) for src in all_sources()]
            + [read(p) for p in raw if p.name in PRIVATE_SQL]
            + [read(p) for p in sorted((SQL / "staging").glob("*.sql"))],
            [read(p) for p in raw if p.name not in PRIVATE_SQL])


def init(con: duckdb.DuckDBPyConnection) -> None:
    """Create macros, raw and bookkeeping tables and staging views (idempotent).

    Skipped when the database was last set up from the same SQL by the same DuckDB (its digest is
    pipeline_state's 'schema' row, written last): binding the views and macros again costs ~0.3 s
    of every command. A change of any of those files, or a database set up by older code, runs it.
    """
    from pipelines import stages  # the digest is a row of pipeline_state, read and written as a stage's

    if not one(con, "select count(*) from duckdb_databases() where database_name = ?", [PRIVATE])[0]:
        # a connection not opened by connect(): its file's private file (in memory: one in memory)
        path = file_path(con)
        con.execute(f"attach {literal(str(private_path(path)) if path else ':memory:')} as {PRIVATE}")
        search_path(con)
    private, main = schema_sql()
    digest = hashlib.sha256("\0".join([duckdb.__version__, *private, *main]).encode()).hexdigest()[:16]
    if table_exists(con, "pipeline_state") and stages.state(con, "schema") == stages.State(0, digest) \
            and in_private(con, "load_log"):
        return
    if any(raw_in_main(con)):
        migrate(con)
    run_in(con, PRIVATE, private)  # the private file's statements create their objects there
    for sql in main:
        con.execute(sql)
    stages.mark(con, "schema", stages.State(0, digest))


def file_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the connection's database (None: in memory)."""
    return one(con, "select path from duckdb_databases() where database_name = current_database()")[0]


def run_in(con: duckdb.DuckDBPyConnection, catalog: str, statements: list[str]) -> None:
    """Run statements with `catalog` as the default database (unqualified objects are created there),
    then make the connection's own database the default again, with its search path."""
    home = one(con, "select current_database()")[0]
    con.execute(f"use {quote(catalog)}")
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.execute(f"use {quote(home)}")
        search_path(con)


def in_private(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the private file holds a table of that name."""
    return bool(one(con, "select count(*) from duckdb_tables() where database_name = ? and table_name = ?",
                    [PRIVATE, name])[0])


# what the load stage writes: the tables of the private file
def private_tables() -> tuple[str, ...]:
    """The private file's tables: every source's raw table, the load log and the quarantine."""
    return (*(src.table for src in all_sources()), "load_log", "quarantine")


def raw_in_main(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The private file's tables still in the main file (a database made before the private file)."""
    names = private_tables()
    return [t for t, in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'main' "
        f"and table_name in ({literal_list(names)})").fetchall()]


# the main file's tables that a migration keeps (the validation history and the stages' state); the
# rest the model makes again
KEPT_BY_MIGRATION = ("validation_runs", "violations", "suite_digests", "suite_checks", "pipeline_state")
# the stages a migration sets back: the schema (both files), the model (its tables were not kept) and
# the snapshots (copies of the new main file); the rules stand (the model is made from the same rows)
REDONE_BY_MIGRATION = ("schema", "model", "publish")


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Move a database made before the private file to the two files: the raw rows, load log and
    quarantine into the private file; the main file written anew with the validation history only
    (its old blocks held unmasked texts, and the public snapshot is a copy of it). The model is
    built again at the next catch-up (its state goes with the rest)."""
    path = Path(file_path(con))
    moved = raw_in_main(con)
    con.begin()
    try:
        for t in moved:
            con.execute(f"create or replace table {PRIVATE}.main.{t} as select * from main.{t}")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    fresh = path.with_name(path.name + ".migrating")
    fresh.unlink(missing_ok=True)
    con.execute(f"attach {literal(str(fresh))} as migrating")
    try:
        run_in(con, "migrating", schema_sql()[1])  # the main file's tables as its SQL makes them (keys, defaults)
        con.execute("begin")
        for t in KEPT_BY_MIGRATION:
            if one(con, "select count(*) from duckdb_tables() where database_name = current_database() "
                        "and table_name = ?", [t])[0]:
                con.execute(f"insert into migrating.main.{t} by name select * from main.{t}")
        con.execute("delete from migrating.main.pipeline_state "
                    f"where stage in ({literal_list(REDONE_BY_MIGRATION)})")
        con.execute("commit")
    finally:
        con.execute("detach migrating")
    home = one(con, "select current_database()")[0]
    con.execute(f"attach ':memory:' as migration_hold; use migration_hold; detach {quote(home)}")
    os.replace(fresh, path)
    Path(str(path) + ".wal").unlink(missing_ok=True)
    con.execute(f"attach {literal(str(path))} as {quote(home)}; use {quote(home)}; detach migration_hold")
    search_path(con)


# A database's tables and views from DuckDB's own catalog functions: information_schema's views over
# them took 5-8 ms a query on the demo year against 2-3 ms, and a day's load asks ~20 times.
_RELATIONS = """
    select database_name, table_name, 'table' as kind, comment from duckdb_tables()
    union all select database_name, view_name, 'view', comment from duckdb_views() where not internal
"""


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when a table or view of that name exists (in any schema or attached database)."""
    return bool(one(con, f"select count(*) from ({_RELATIONS}) where table_name = ?", [name])[0])


def relations(con: duckdb.DuckDBPyConnection, database: str | None = None,
              uncommented: bool = False) -> dict[str, str]:
    """The tables and views of a database (default: the connection's own): name -> 'table' or 'view'.
    uncommented: only those without a comment."""
    where = "database_name = " + (literal(database) if database else "current_database()")
    if uncommented:
        where += " and comment is null"
    return dict(con.execute(f"select table_name, kind from ({_RELATIONS}) where {where}").fetchall())


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """Run a query and return its first row (or None), consuming the whole result.

    DuckDB 2 keeps a half-read result open on the connection (fetchone), which blocks
    register() and other work in the same transaction; this never leaves one behind.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def render(sql: str, params: dict) -> str:
    """Fill the {name} placeholders of a SQL file (other braces are left alone)."""
    for key, value in params.items():
        sql = sql.replace("{" + key + "}", str(value))
    return sql


def literal(text: str) -> str:
    """A text as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def literal_list(texts) -> str:
    """Texts as the items of an SQL `in (...)` list ('' when there are none, so that it matches nothing)."""
    return ", ".join(literal(t) for t in texts) or "''"


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory connection that only splits SQL texts into statements (opening one costs
    30–60 ms: a publish splits nine texts)."""
    return duckdb.connect()


@cache
def statements(sql: str) -> tuple[str, ...]:
    """The statements of a SQL text, without comment lines."""
    return tuple("\n".join(line for line in st.query.strip().splitlines()
                         if not line.lstrip().startswith("--")).strip().rstrip(";")
                 for st in _parser().extract_statements(sql))
