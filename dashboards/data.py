"""Short-lived read-only access to the database for the dashboard (never blocks ingest)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import paths


def db_path() -> Path:
    """The database the dashboard reads ($TARTIP_DB or data/tartip.duckdb)."""
    return Path(os.environ.get("TARTIP_DB", paths.default_db()))


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Open a read-only connection, run one query, close it: no lock outlives the call."""
    con = duckdb.connect(str(db_path()), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def is_empty() -> bool:
    """True when there is no database yet or nothing was loaded into it."""
    if not db_path().exists():
        return True
    try:
        return query("select count(*) as n from load_log")["n"].iloc[0] == 0
    except duckdb.Error:
        return True
