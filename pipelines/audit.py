"""The audit log: an append-only, hash-chained table in its own small DuckDB file beside the database."""

# It lives apart from the database and the published snapshots, so that republishing never loses it and
# a dashboard writing to it never blocks `tartip ingest`; every write is one short connection.

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

EVENTS = ("login_ok", "login_failed", "login_locked", "logout", "timeout", "restricted_data", "sql_run",
          "download", "user_added", "user_removed", "password_changed", "unlock")
_LOCK = threading.Lock()  # one writer at a time in this process: the hash chain needs the previous row
COLUMNS = ("event_id", "event_at", "user_name", "role", "event", "detail", "rows", "prev_hash", "row_hash")

DDL = """
create sequence if not exists audit_seq;
create table if not exists audit_log (
    event_id bigint primary key,
    event_at timestamp not null,
    user_name varchar,
    role varchar,
    event varchar not null,
    detail varchar,
    rows bigint,
    prev_hash varchar not null,
    row_hash varchar not null
);
"""


def audit_path(db_path: Path | str) -> Path:
    """The audit file beside a database: tartip.duckdb -> tartip.audit.duckdb."""
    p = Path(db_path)
    return p.with_name(p.stem + ".audit.duckdb")


def now() -> dt.datetime:
    """The time stamps of the log: UTC, without time zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _connect(path: Path, attempts: int = 100) -> duckdb.DuckDBPyConnection:
    """Open the audit file; another process may hold it for a moment, so wait a little and retry."""
    for i in range(attempts):
        try:
            con = duckdb.connect(str(path))
            con.execute(DDL)
            return con
        except duckdb.IOException:
            if i == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _digest(prev: str, at: dt.datetime, user, role, event, detail, rows) -> str:
    """The row's hash over the previous row's hash and every field: an edit breaks the chain."""
    text = "\x1f".join(str(x) if x is not None else "" for x in (prev, at.isoformat(), user, role, event, detail,
                                                                   rows))
    return hashlib.sha256(text.encode()).hexdigest()


def record(db_path: Path | str, event: str, user: str | None = None, role: str | None = None,
           detail: str | None = None, rows: int | None = None, at: dt.datetime | None = None) -> int:
    """Append one event; returns its id. `at` defaults to now (UTC)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    at = at or now()
    rows = None if rows is None else int(rows)
    with _LOCK:
        con = _connect(audit_path(db_path))
        try:
            con.begin()
            last = con.execute("select row_hash from audit_log order by event_id desc limit 1").fetchone()
            prev = last[0] if last else ""
            (event_id,) = con.execute("select nextval('audit_seq')").fetchone()
            con.execute("insert into audit_log values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [event_id, at, user, role, event, detail, rows, prev,
                         _digest(prev, at, user, role, event, detail, rows)])
            con.commit()
        finally:
            con.close()
    return int(event_id)


def read(db_path: Path | str, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first (an empty frame when nothing was recorded yet)."""
    path = audit_path(db_path)
    if not path.exists():
        return pd.DataFrame(columns=list(COLUMNS))
    with _LOCK:
        con = _connect(path)
        try:
            return con.execute("select * from audit_log order by event_id desc"
                               + (f" limit {int(limit)}" if limit else "")).df()
        finally:
            con.close()


def broken_at(db_path: Path | str) -> int | None:
    """The first event whose hash does not follow from the rows before it (an edit or a deletion), or None."""
    prev = ""
    for r in read(db_path).sort_values("event_id").itertuples():
        rows = None if pd.isna(r.rows) else int(r.rows)
        fields = [None if (isinstance(v, float) and pd.isna(v)) or v is None else v
                  for v in (r.user_name, r.role, r.event, r.detail)]
        if r.prev_hash != prev or r.row_hash != _digest(prev, r.event_at.to_pydatetime(), *fields, rows):
            return int(r.event_id)
        prev = r.row_hash
    return None


def locked_until(db_path: Path | str, user: str, at: dt.datetime, max_failed: int,
                 minutes: float) -> dt.datetime | None:
    """When the user's lock ends, if `max_failed` wrong passwords within `minutes` (since the last
    success or unlock) lock the account at `at`; the lock lasts `minutes` from the last of them."""
    path = audit_path(db_path)
    if not path.exists():
        return None
    with _LOCK:
        con = _connect(path)
        try:
            fails = [r[0] for r in con.execute("""
                select event_at from audit_log
                where user_name = ? and event = 'login_failed' and event_id > coalesce((
                    select max(event_id) from audit_log
                    where user_name = ? and event in ('login_ok', 'unlock')), 0)
                order by event_id desc limit ?
            """, [user, user, max_failed]).fetchall()]
        finally:
            con.close()
    window = dt.timedelta(minutes=minutes)
    if len(fails) < max_failed or fails[0] - fails[-1] > window:
        return None
    until = fails[0] + window
    return until if until > at else None
