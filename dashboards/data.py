"""Short-lived read-only access to the published snapshot (never blocks `tartip ingest`), cached."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import paths
from pipelines.publish import public_path, restricted_path


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


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, sql: str, params: tuple, stamp: float) -> pd.DataFrame:
    """Open, query, close: no connection outlives a call (stamp keys the cache to the snapshot)."""
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def query(sql: str, params: tuple | list = (), restricted: bool = False) -> pd.DataFrame:
    """Run a query on the current snapshot, cached by (query, parameters, snapshot version)."""
    path = snapshot(restricted)
    return _query(str(path), sql, tuple(params), path.stat().st_mtime if path.exists() else 0.0)


def is_empty() -> bool:
    """True when nothing has been published yet (or nothing was loaded)."""
    path = snapshot()
    if not path.exists():
        return True
    try:
        return query("select count(*) as n from load_log")["n"].iloc[0] == 0
    except duckdb.Error:
        return True
