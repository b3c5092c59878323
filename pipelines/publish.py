"""Publish the masked snapshot that the dashboard and analysts read, swapped in atomically.

Ingest writes data/tartip.duckdb; readers open data/tartip.public.duckdb (and, for roles that
may see them, data/tartip.restricted.duckdb with citizens' data and ДСП contents). Readers
never hold the file ingest writes, so an open dashboard cannot block a load, and a reader sees
either the old snapshot or the new one, never half of one (rename is atomic).
"""

from __future__ import annotations

import os
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


SNAPSHOT_INFO = """
create table pub.snapshot_info as
select
    l.load_id,
    l.file_name,
    l.exported_at,
    l.loaded_at,
    (select load_id from main.pipeline_state where stage = 'model') as model_load_id,
    (select load_id from main.pipeline_state where stage = 'validate') as validated_load_id,
    (select max(run_id) from main.validation_runs) as validation_run_id,
    (select count(*) from main.load_log where status = 'loaded' and load_id <= l.load_id) as loads,
    current_timestamp as published_at
from (select {load_id} as load_id) as s
left join main.load_log as l using (load_id);
"""


def _swap(con: duckdb.DuckDBPyConnection, target: Path, sql: str) -> Path:
    """Write a new snapshot file next to target with sql (schema `pub`), then rename it over target."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con.execute(f"attach '{tmp}' as pub")
    try:
        con.execute(sql)
    finally:
        con.execute("detach pub")
    comment = duckdb.connect(str(tmp))
    try:
        schema.apply_comments(comment)
        comment.execute("checkpoint")
    finally:
        comment.close()
    os.replace(tmp, target)
    return target


def macros_sql() -> str:
    """Every macro of the marts (tasks_as_of, the measure, the screens' macros), created in `pub`."""
    params = settings.sql_params()
    out = []
    for path in sorted((SQL / "marts").glob("*.sql")):
        con = duckdb.connect()
        try:
            statements = con.extract_statements(db.render(path.read_text(encoding="utf-8"), params))
        finally:
            con.close()
        for st in statements:
            text = st.query.strip()
            body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
            if body.lstrip().lower().startswith("create or replace macro "):
                out.append(body.replace("create or replace macro ", "create or replace macro pub.", 1) + ";")
    return "\n".join(out)


def publish(con: duckdb.DuckDBPyConnection, db_path: Path | str, done=None) -> tuple[Path, Path]:
    """Write the public (masked) and restricted snapshots of the database open on con.

    Each holds `snapshot_info`: the load it reflects. done: the stages.State recorded once both
    files are in place (a crash before that publishes again on the next run).
    """
    from pipelines import stages

    load_id = done.load_id if done is not None else (
        (stages.state(con, "model") or stages.State(stages.ingested(con), "")).load_id)
    info = SNAPSHOT_INFO.format(load_id=int(load_id))
    # the measure travels with the data: reports and analysts on the snapshot recompute any past date
    public = _swap(con, public_path(db_path),
                   (SQL / "publish" / "public.sql").read_text(encoding="utf-8") + "\n" + macros_sql() + info)
    stages.kill_point("publish")
    restricted = _swap(con, restricted_path(db_path), """
        create table pub.appeals as select * from main.appeals;
        create table pub.documents as select * from main.documents where is_restricted;
    """ + info)
    stages.kill_point("published")
    if done is not None:
        stages.mark(con, "publish", done)
    return public, restricted
