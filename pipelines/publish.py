"""Publish the masked snapshot that the dashboard and analysts read, swapped in atomically.

Ingest writes data/tartip.duckdb; readers open data/tartip.public.duckdb (and, for roles that
may see them, data/tartip.restricted.duckdb with citizens' data and ДСП contents). Readers
never hold the file ingest writes, so an open dashboard cannot block a load, and a reader sees
either the old snapshot or the new one, never half of one (rename is atomic).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import threading
from pathlib import Path

import duckdb

from pipelines import db, schema, settings
from pipelines.model import CHANGED_BY, SAME_KEYS, SAME_PERIOD, fresh_kinds, task_sources_sql
from pipelines.paths import SQL


def public_path(db_path: Path | str) -> Path:
    """The masked snapshot beside a database: tartip.duckdb -> tartip.public.duckdb."""
    p = Path(db_path)
    return p.with_name(p.stem + ".public.duckdb")


def restricted_path(db_path: Path | str) -> Path:
    """The snapshot with personal data and ДСП contents, for roles allowed to see them."""
    p = Path(db_path)
    return p.with_name(p.stem + ".restricted.duckdb")


SNAPSHOT_INFO = """
create table pub.snapshot_info as
select
    l.load_id,
    l.file_name,
    l.exported_at,
    l.loaded_at,
    (select load_id from main.pipeline_state where stage = 'model') as model_load_id,
    (select inputs from main.pipeline_state where stage = 'model') as model_inputs,
    (select load_id from main.pipeline_state where stage = 'validate') as validated_load_id,
    (select max(run_id) from main.validation_runs) as validation_run_id,
    (select count(*) from main.load_log where status = 'loaded' and load_id <= l.load_id) as loads,
    current_timestamp as published_at,
    '{definitions}' as definitions
from (select getvariable('snapshot_load_id') as load_id) as s
left join main.load_log as l using (load_id);
"""


def definitions(sql: str) -> str:
    """A digest of the macros and views a snapshot's SQL creates in `pub` (snapshot_info.definitions):
    a snapshot that holds the same keeps them when it is updated (_delta_sql)."""
    heads = ("create or replace macro pub.", "create or replace view pub.")
    made = ";".join(st for st in db.statements(sql) if st.lower().startswith(heads))
    return hashlib.sha256(made.encode()).hexdigest()[:16]


def snapshot_info(sql: str) -> str:
    """The statement writing a snapshot's snapshot_info, for the snapshot written by `sql`. The load
    it reflects is the connection's variable `snapshot_load_id` (publish): a text without it is
    the same at every load, so that its statements are split once in a long-lived process."""
    return SNAPSHOT_INFO.format(definitions=definitions(sql))


# Tables of the public snapshot updated in a copy of the previous one instead of written anew:
# the flags (`violations`) get those written or closed by the runs after the snapshot's and lose
# those the database no longer keeps (FLAGS); the EDMS document tables the rows of the documents
# that the model rebuilt since the previous snapshot (`pub_changed`: their key_hash), and the tasks of
# the registers with a load since ({registers}: their task sources, `''` when none; the model rebuilds
# those whole and leaves the other registers' tasks as they were).
FLAGS = ("violations",)
BY_DOCUMENT = {
    "documents": "key_hash in (select key_hash from pub_changed)",
    "task_assignments": "source in ({registers}) or task_id in (select document_id from pub_changed_ids)",
    "status_history": "split_part(task_id, '/', 1) in ({registers}) "
                      "or task_id in (select document_id from pub_changed_ids)",
}
# the tasks mart and its overdue tasks: the tasks the model measured again (mart_tasks_delta, when it
# covers the loads after the previous snapshot's; every overdue task is among them when the date moves)
# are replaced; the others only move to the new report date. The
# same for the daily counts: the groups the model counted again (daily_execution_delta).
BY_TASK = {table: "task_id in (select task_id from main.mart_tasks_delta where task_id is not null)"
           for table in ("tasks", "overdue_tasks")}
BY_GROUP = {"daily_execution": "daily_execution_delta"}
# and the periods of execution_summary it rolled up again (execution_summary_delta: only on a build
# that kept the report date; otherwise the table is written whole)
BY_PERIOD = {"execution_summary": "execution_summary_delta"}
_CREATE = re.compile(r"^create\s+table\s+pub\.(\w+)\s+as\s+(.*)$", re.IGNORECASE | re.DOTALL)


def _covers(con: duckdb.DuckDBPyConnection, delta: str, load_id: int) -> bool:
    """Whether the model's delta table (mart_tasks_delta, daily_execution_delta) lists what its
    build changed after load `load_id` (the previous snapshot's): then the snapshot can follow it."""
    return db.table_exists(con, delta) and bool(
        db.one(con, f"select count(*) from main.{delta} where after_load_id = ?", [load_id])[0])


def _move_date(table: str, source: str) -> str:
    """The statement that gives the rows of pub.<table> kept as they were the report date of main.<source>."""
    new = f"(select max(report_date) from main.{source})"
    return f"update pub.{table} set report_date = {new} where report_date is distinct from {new}"


def _delta_sql(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """The statements that bring the attached copy of the previous snapshot (`pub`) up to date,
    or None when it cannot be updated (built from another model, or not by this code)."""
    columns = {c for c, in con.execute("select column_name from duckdb_columns() where database_name = 'pub' "
                                       "and table_name = 'snapshot_info'").fetchall()}
    prev = db.one(con, "select model_load_id, model_inputs, "
                       f"{'definitions' if 'definitions' in columns else 'null'} from pub.snapshot_info") \
        if "model_inputs" in columns else None
    model = db.one(con, "select load_id, inputs from main.pipeline_state where stage = 'model'")
    if not prev or not model or prev[1] != model[1] or prev[0] is None or prev[0] > model[0]:
        return None
    out = [f"create or replace temp table pub_changed as select distinct key_hash from main.raw_edms "
           f"where load_id > {int(prev[0])}",
           "create or replace temp table pub_changed_ids as "
           "select document_id from pub.documents where key_hash in (select key_hash from pub_changed) union "
           "select document_id from main.documents where key_hash in (select key_hash from pub_changed)"]
    # the validation run the snapshot's flags are of (a snapshot with flags made before they held
    # spans is written whole once)
    run = None
    if any((m := _CREATE.match(st)) and m[1] in FLAGS for st in db.statements(sql)):
        if not db.one(con, "select count(*) from duckdb_columns() where database_name = 'pub' "
                           "and table_name = 'violations' and column_name = 'flag_id'")[0]:
            return None
        run = db.one(con, "select validation_run_id from pub.snapshot_info")[0]  # None: published unchecked
    # its macros and views: kept when it was written with the same (the catalogs of functions and
    # views list every one of DuckDB's too: 40-70 ms a query)
    kept = prev[2] == definitions(sql)
    # the tables no load since the previous snapshot's can have changed stand as they are in it
    fresh = fresh_kinds(con, "main", prev[0])
    registers = task_sources_sql(fresh)
    stand = {t for t, kinds in CHANGED_BY.items() if not kinds & fresh}
    by_task = _covers(con, "mart_tasks_delta", prev[0])
    by_group = {t for t, delta in BY_GROUP.items() if _covers(con, delta, prev[0])}
    by_period = {t for t, delta in BY_PERIOD.items() if _covers(con, delta, prev[0])}
    for st in db.statements(sql):
        m = _CREATE.match(st)
        if not m:
            if not (kept and st.lower().startswith(("create or replace macro pub.", "create or replace view pub."))):
                out.append(st)
        elif m[1] in FLAGS and run is not None:
            # those that held at run `run` and no longer do (closed since, or dropped): replaced or
            # dropped; those closed before and now dropped (held for no run still kept): dropped
            out += [f"delete from pub.{m[1]} where until_run_id is null and flag_id not in "
                    f"(select flag_id from main.{m[1]} where until_run_id is null)",
                    f"delete from pub.{m[1]} where until_run_id not in "
                    f"(select distinct until_run_id from main.{m[1]} where until_run_id is not null)",
                    f"insert into pub.{m[1]} select * from ({m[2]}) where run_id > {run} or until_run_id >= {run}"]
        elif m[1] in BY_DOCUMENT:
            rows = BY_DOCUMENT[m[1]].format(registers=registers)
            out += [f"delete from pub.{m[1]} where {rows}",
                    f"insert into pub.{m[1]} select * from ({m[2]}) where {rows}"]
        elif m[1] in BY_TASK and by_task:
            out += [f"delete from pub.{m[1]} where {BY_TASK[m[1]]}", _move_date(m[1], "mart_tasks"),
                    f"insert into pub.{m[1]} select * from ({m[2]}) where {BY_TASK[m[1]]}"]
        elif m[1] in by_group:
            delta = f"main.{BY_GROUP[m[1]]}"
            out += [f"delete from pub.{m[1]} as d using {delta} as k where {SAME_KEYS}", _move_date(m[1], m[1]),
                    f"insert into pub.{m[1]} select * from ({m[2]}) as d semi join {delta} as k on {SAME_KEYS}"]
        elif m[1] in by_period:
            delta = f"main.{BY_PERIOD[m[1]]}"
            out += [f"delete from pub.{m[1]} as d using {delta} as k where {SAME_PERIOD}",
                    f"insert into pub.{m[1]} select * from ({m[2]}) as d semi join {delta} as k on {SAME_PERIOD}"]
        elif m[1] in stand:
            continue
        else:  # emptied and filled again: the table and its comments stay (no catalog change)
            out += [f"delete from pub.{m[1]}", f"insert into pub.{m[1]} {m[2]}"]
    out += ["drop table temp.pub_changed", "drop table temp.pub_changed_ids"]
    return ";\n".join(out) + ";"


def _write(con: duckdb.DuckDBPyConnection, sql: str, update: bool) -> None:
    """Run a snapshot's statements and comment its tables in one transaction: DuckDB checkpoints
    the file once (at detach), not after each statement. update: only tables without a comment."""
    con.begin()
    try:
        con.execute(sql)
        schema.apply_comments(con, "pub", missing_only=update)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _tmp(target: Path) -> Path:
    """The file a new snapshot is written to before it is renamed over target (none left by a crash:
    a crashed run's file, or its log replayed on a copy, must not be taken for this run's)."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return tmp


def _swap(con: duckdb.DuckDBPyConnection, target: Path, sql: str, delta: bool = False,
          early: Early | None = None) -> Path:
    """Write a new snapshot file next to target with sql (schema `pub`), then rename it over target.

    delta: start from a copy of the current snapshot and update only what changed (see _delta_sql);
    a full write when that is not possible. early: the snapshot's tables of the model already
    written (Early); sql writes the others on the same file.
    """
    if early is not None and early.written(target):
        tmp = early.tmp
        sql = early.rest(sql)
    else:
        tmp = _tmp(target)
    if delta and target.exists():
        shutil.copyfile(target, tmp)
    con.execute(f"attach '{tmp}' as pub")
    try:
        update = _delta_sql(con, sql) if tmp.exists() and delta else None
        if update is not None:
            db.pace_vacuum(con, "pub")
            try:
                _write(con, update, update=True)
            except duckdb.Error:  # the copy does not take the update (a snapshot of another shape)
                update = None
        if update is None:
            if delta and target.exists():  # the copy goes: written whole on an empty file
                con.execute("detach pub")
                tmp.unlink()
                con.execute(f"attach '{tmp}' as pub")
            _write(con, sql, update=False)
    finally:
        con.execute("detach pub")
    os.replace(tmp, target)
    return target


def public_sql() -> str:
    """The public snapshot's masking macros and tables (sql/publish/public.sql)."""
    return (SQL / "publish" / "public.sql").read_text(encoding="utf-8")


# the public snapshot's tables that only the model makes (no flag, run or load in them): the largest,
# written by Early while the rules are checked
EARLY = ("tasks", "overdue_tasks", "execution_summary", "daily_execution", "status_history",
         "documents", "task_assignments")


class Early:
    """A new public snapshot's tables of the model, written on its file in a background thread (its
    own connection to the database) while the rules are checked: GX's Python holds one core, DuckDB's
    copy takes the other. For a snapshot written whole (a first load); publish() completes the file.

    A crash leaves only the unrenamed file, which the next run removes (_tmp).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, db_path: Path | str):
        self.target = public_path(db_path)
        self.tmp = _tmp(self.target)
        self.error: BaseException | None = None
        # split here, not in the thread: db.statements shares one parsing connection
        self._sql = ";\n".join(self._split(public_sql())[0]) + ";"
        self._cur = con.cursor()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @classmethod
    def start(cls, con: duckdb.DuckDBPyConnection, db_path: Path | str) -> Early:
        """Begin writing; the caller hands the result to publish() or calls cancel()."""
        early = cls(con, db_path)
        early._thread.start()
        return early

    def _run(self) -> None:
        try:
            self._cur.execute(f"attach {db.literal(str(self.tmp))} as pub")
            try:
                self._cur.begin()
                try:
                    self._cur.execute(self._sql)
                    self._cur.commit()
                except BaseException:
                    self._cur.rollback()
                    raise
            finally:
                self._cur.execute("detach pub")
        except BaseException as e:  # noqa: BLE001 — publish() writes the whole file instead
            self.error = e

    @staticmethod
    def _split(sql: str) -> tuple[list[str], list[str]]:
        """A snapshot's statements: (the early part: masking macros and EARLY tables, the rest)."""
        early, rest = [], []
        for st in db.statements(sql):
            m = _CREATE.match(st)
            if not m:
                early.append(st)
                rest.append(st)
            else:
                (early if m[1] in EARLY else rest).append(st)
        return early, rest

    def written(self, target: Path) -> bool:
        """Wait for the writer; whether it wrote target's early tables (if not, _swap starts the file
        anew)."""
        self._thread.join()
        self._cur.close()
        return self.error is None and target == self.target

    def rest(self, sql: str) -> str:
        """The statements of sql that the early part did not run."""
        return ";\n".join(self._split(sql)[1]) + ";"

    def cancel(self) -> None:
        """Stop the writer (the rules failed) and remove its file."""
        with contextlib.suppress(duckdb.Error, RuntimeError):
            self._cur.interrupt()
        self.written(self.target)
        _tmp(self.target)


# views of the marts that the snapshot holds as views over its own tables (not copied rows)
SNAPSHOT_VIEWS = ("current_violations",)


def macros_sql() -> str:
    """Every macro of the marts (tasks_as_of, the measure, the screens' macros) and the views of
    SNAPSHOT_VIEWS, created in `pub` (their names resolve in the snapshot's own tables)."""
    params = settings.sql_params()
    views = tuple(f"create or replace view {v} as" for v in SNAPSHOT_VIEWS)
    out = []
    for path in sorted((SQL / "marts").glob("*.sql")):
        for body in db.statements(db.render(path.read_text(encoding="utf-8"), params)):
            head = body.lstrip().lower()
            if head.startswith("create or replace macro "):
                out.append(body.replace("create or replace macro ", "create or replace macro pub.", 1) + ";")
            elif head.startswith(views):
                out.append(body.replace("create or replace view ", "create or replace view pub.", 1) + ";")
    return "\n".join(out)


def publish(con: duckdb.DuckDBPyConnection, db_path: Path | str, done=None,
            fresh: bool = False, early: Early | None = None) -> tuple[Path, Path]:
    """Write the public (masked) and restricted snapshots of the database open on con.

    Each holds `snapshot_info`: the load it reflects. done: the stages.State recorded once both
    files are in place (a crash before that publishes again on the next run). fresh: write the
    public snapshot whole rather than update the current one (a compact file: see held_back).
    early: its tables of the model written while the rules were checked (Early.start): the
    public snapshot is completed on that file.
    """
    from pipelines import stages

    load_id = done.load_id if done is not None else (
        (stages.state(con, "model") or stages.State(stages.ingested(con), "")).load_id)
    # the measure travels with the data: reports and analysts on the snapshot recompute any past date
    con.execute(f"set variable snapshot_load_id = {int(load_id)}")
    sql = public_sql() + "\n" + macros_sql()
    public = _swap(con, public_path(db_path), sql + snapshot_info(sql),
                   delta=not fresh and early is None, early=early)
    stages.kill_point("publish")
    sql = """
        create table pub.appeals as select * from main.appeals;
        create table pub.documents as select * from main.documents where is_restricted;
    """
    restricted = _swap(con, restricted_path(db_path), sql + snapshot_info(sql), delta=not fresh)
    stages.kill_point("published")
    if done is not None:
        stages.mark(con, "publish", done)
    return public, restricted


def held_back(con: duckdb.DuckDBPyConnection, db_path: Path | str, at: float = db.COMPACT_AT) -> bool:
    """Whether some table of the public snapshot holds more than `at` deleted rows: each update of
    it (publish) deletes the rows it replaces, and they stay in the file until it is written fresh."""
    path = public_path(db_path)
    if not path.exists():
        return False
    con.execute(f"attach {db.literal(str(path))} as snapshot_now (read_only)")
    try:
        return bool(db.deleted_over(con, at, "snapshot_now"))
    finally:
        con.execute("detach snapshot_now")
