"""Short-lived read-only reads of the published snapshot (never block `tartip ingest`), cached, as the role allows."""

# The one place where a role is enforced on what is read: no session, no data; a unit-scoped role reads
# its unit's records; the restricted snapshot and the SQL sandbox only for the roles that may.

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboards import auth
from pipelines import db, paths, sandbox, users
from pipelines.publish import public_path, restricted_path

# what a unit-scoped role reads whole: the aggregates of the ranking (every unit's rates and ranks) and the
# directory of units (their names)
WHOLE = {"daily_execution", "execution_rates", "execution_summary", "departments"}
# record-level tables without a department column, limited through the tasks of the unit
THROUGH_TASKS = {"documents": "reg_no in (select reg_no from {db}.main.tasks where source = 'edms' and {own})",
                 "status_history": "task_id in (select task_id from {db}.main.tasks where {own})",
                 "quarantine": "false"}  # rows as read, of any unit


class AccessDenied(PermissionError):
    """A read the session's role does not allow (or no session at all)."""


def db_path() -> Path:
    """The database the dashboard belongs to ($TARTIP_DB or data/tartip.duckdb)."""
    return Path(os.environ.get("TARTIP_DB", paths.default_db()))


def snapshot(restricted: bool = False) -> Path:
    """The file the dashboard reads: the masked snapshot, or the restricted one for allowed roles."""
    return (restricted_path if restricted else public_path)(db_path())


def version() -> float:
    """Changes whenever ingest publishes a new snapshot: the cache key that invalidates queries."""
    try:
        return snapshot().stat().st_mtime
    except FileNotFoundError:
        return 0.0


def scope_to_unit(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    """Shadow every record-level table with a temporary view of one unit's rows (aggregates stay whole)."""
    database = db.quote(db.one(con, "select current_database()")[0])
    own = "department_code = " + db.literal(unit)
    tables = con.execute("""
        select table_name, bool_or(column_name = 'department_code') from duckdb_columns()
        where database_name = current_database() and schema_name = 'main' group by 1
    """).fetchall()
    for name, has_unit in tables:
        if name in WHOLE:
            continue
        cond = own if has_unit else THROUGH_TASKS.get(name, "").format(db=database, own=own)
        if cond:
            con.execute(f'create temp view "{name}" as select * from {database}.main."{name}" where {cond}')


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, sql: str, params: tuple, stamp: float, unit: str | None = None) -> pd.DataFrame:
    """Open, query, close: no connection outlives a call (stamp keys the cache to the snapshot)."""
    con = duckdb.connect(path, read_only=True)
    try:
        if unit:
            scope_to_unit(con, unit)
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def session() -> auth.Session:
    """The session the read is for; no session, no data."""
    s = auth.current()
    if s is None:
        raise AccessDenied("login required / вход обязателен / кіру қажет")
    return s


def query(sql: str, params: tuple | list = (), restricted: bool = False) -> pd.DataFrame:
    """Run a query on the current snapshot as the session's role allows, cached by (query, parameters,
    snapshot version, unit): the restricted snapshot only for roles with personal or restricted data (logged
    once per session and query), a unit-scoped role only its unit's records."""
    s = session()
    if restricted:
        if not (s.role.personal or s.role.restricted):
            raise AccessDenied(f"{s.role.name}: no restricted data / нет доступа / рұқсат жоқ")
        seen = st.session_state.setdefault("audited_reads", set())
        if (sql, tuple(params)) not in seen:
            seen.add((sql, tuple(params)))
            auth.record("restricted_data", " ".join(sql.split())[:500])
    path = snapshot(restricted)
    return _query(str(path), sql, tuple(params), path.stat().st_mtime if path.exists() else 0.0, s.scope)


def run_sql(sql: str, limit: int, timeout: float) -> sandbox.Result:
    """The analysts' SQL on the masked snapshot, for roles with `sql` only, logged with its row count."""
    s = session()
    if not s.role.sql:
        raise AccessDenied(f"{s.role.name}: no SQL / SQL жоқ")
    try:
        r = sandbox.run(snapshot(), sql, limit=limit, timeout=timeout,
                        memory_limit=users.access().get("sql_memory_limit", sandbox.DEFAULT_MEMORY))
    except sandbox.SandboxError as e:
        auth.record("sql_run", f"refused: {str(e).splitlines()[0][:200]}\n{sql}")
        raise
    auth.record("sql_run", sql, len(r.frame))
    return r


def is_empty() -> bool:
    """True when nothing has been published yet (or nothing was loaded)."""
    path = snapshot()
    if not path.exists():
        return True
    try:
        return query("select count(*) as n from load_log")["n"].iloc[0] == 0
    except duckdb.Error:
        return True
