"""Publish the masked snapshot that the dashboard and analysts read, swapped in atomically.

Ingest writes data/tartip.duckdb (and its private file); readers open data/tartip.public.duckdb
(and, for roles that may see them, data/tartip.restricted.duckdb with citizens' data and ДСП
contents). Readers never hold the files ingest writes, so an open dashboard cannot block a load,
and a reader sees either the old snapshot or the new one, never half of one (rename is atomic).
The public snapshot is a copy of the main file (which holds nothing to mask), not a second write
of its tables: at 10M cards, writing them again took ~85 s of a first load.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb

from pipelines import db, schema, settings
from pipelines.paths import SQL


def public_path(db_path: Path | str) -> Path:
    """The masked snapshot beside a database: tartip.duckdb -> tartip.public.duckdb."""
    p = Path(db_path)
    return p.with_name(p.stem + ".public.duckdb")


def restricted_path(db_path: Path | str) -> Path:
    """The snapshot with personal data and ДСП contents, for roles allowed to see them."""
    p = Path(db_path)
    return p.with_name(p.stem + ".restricted.duckdb")


# a snapshot's snapshot_info: the load it reflects is the connection's variable `snapshot_load_id` (publish)
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
    (select count(*) from private.load_log where status = 'loaded' and load_id <= l.load_id) as loads,
    current_timestamp as published_at
from (select getvariable('snapshot_load_id') as load_id) as s
left join private.load_log as l using (load_id);
"""


# The main file's tables a public snapshot keeps from its copy (the others, the stages' bookkeeping,
# are dropped there, with every view, macro and sequence): the model's and the flags; public.sql
# adds the rest.
COPIED = ("mart_tasks", "execution_summary", "daily_execution", "violations", "validation_runs", "calendar",
          "departments", "labels", "organisations", "directory_info", "load_dates", "rule_catalogue",
          "unresolved_names", "status_history", "documents", "task_assignments", "protocols", "meetings",
          "material_submissions", "appeals")


def _write(con: duckdb.DuckDBPyConnection, sql: str, copied: bool) -> None:
    """Run a snapshot's statements and comment its tables in one transaction: DuckDB checkpoints
    the file once (at detach), not after each statement. copied: only the tables without a comment
    (those of the copied file keep theirs)."""
    con.begin()
    try:
        con.execute(sql)
        schema.apply_comments(con, "pub", missing_only=copied)
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


def _trim() -> str:
    """The statements that drop from the attached copy (`pub`) what a snapshot does not hold: every
    table not COPIED, every view but SNAPSHOT_VIEWS, every sequence, and every macro the marts' SQL
    no longer makes (a whole build made the others anew, as macros_sql would)."""
    return f"""
        select 'drop table pub.' || table_name from duckdb_tables()
            where database_name = 'pub' and table_name not in ({db.literal_list(COPIED)})
        union all select 'drop view pub.' || view_name from duckdb_views()
            where database_name = 'pub' and not internal and view_name not in ({db.literal_list(SNAPSHOT_VIEWS)})
        union all select distinct 'drop macro ' || if(function_type = 'table_macro', 'table ', '')
            || 'pub.' || function_name from duckdb_functions()
            where database_name = 'pub' and function_type in ('macro', 'table_macro')
                and function_name not in ({db.literal_list(marts_macros())})
        union all select 'drop sequence pub.' || sequence_name from duckdb_sequences() where database_name = 'pub'
    """


def _swap(con: duckdb.DuckDBPyConnection, target: Path, sql: str, copy_main: bool = False) -> Path:
    """Write a new snapshot file next to target with sql (schema `pub`), then rename it over target.

    copy_main: the file starts as a copy of the main file (checkpointed first), trimmed (_trim);
    otherwise it starts empty.
    """
    tmp = _tmp(target)
    main = db.file_path(con) if copy_main else None
    copied = bool(main)
    if copied:
        con.execute("checkpoint")
        shutil.copyfile(main, tmp)
    elif copy_main:  # a database in memory (tests): its tables and the marts' macros written instead
        have = db.relations(con)
        sql = "\n".join(f"create table pub.{t} as select * from main.{t};" for t in COPIED if have.get(t) == "table") \
            + "\n" + macros_sql() + "\n" + sql
    con.execute(f"attach {db.literal(str(tmp))} as pub")
    try:
        if copied:
            sql = ";\n".join(r[0] for r in con.execute(_trim()).fetchall()) + ";\n" + sql
        _write(con, sql, copied)
    finally:
        con.execute("detach pub")
    os.replace(tmp, target)
    return target


def public_sql() -> str:
    """The statements that make the public snapshot of a copy of the main file (sql/publish/public.sql)."""
    return (SQL / "publish" / "public.sql").read_text(encoding="utf-8")


def restricted_sql() -> str:
    """The restricted snapshot's tables (sql/publish/restricted.sql)."""
    return (SQL / "publish" / "restricted.sql").read_text(encoding="utf-8")


# views of the marts that the snapshot holds as views over its own tables (not copied rows)
SNAPSHOT_VIEWS = ("current_violations", "tasks")


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


def marts_macros() -> list[str]:
    """The names of the macros the marts' SQL makes (macros_sql)."""
    return re.findall(r"create or replace macro pub\.(\w+)", macros_sql())


def publish(con: duckdb.DuckDBPyConnection, db_path: Path | str, done=None) -> tuple[Path, Path]:
    """Write the public (masked) and restricted snapshots of the database open on con.

    Each holds `snapshot_info`: the load it reflects. done: the stages.State recorded once both
    files are in place (a crash before that publishes again on the next run).
    """
    from pipelines import stages

    load_id = done.load_id if done is not None else (
        (stages.state(con, "model") or stages.State(stages.ingested(con), "")).load_id)
    # the measure travels with the data: reports and analysts on the snapshot recompute any past date
    con.execute(f"set variable snapshot_load_id = {int(load_id)}")
    # the copy holds the marts' macros and views as the model made them (_trim)
    public = _swap(con, public_path(db_path), public_sql() + "\n" + SNAPSHOT_INFO, copy_main=True)
    stages.kill_point("publish")
    restricted = _swap(con, restricted_path(db_path), restricted_sql() + SNAPSHOT_INFO)
    stages.kill_point("published")
    if done is not None:
        stages.mark(con, "publish", done)
    return public, restricted
