"""The analysts' SQL sandbox: read-only, no files, network or extensions, a row and a time limit."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
DEFAULT_LIMIT = 10_000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY = "1GB"


class SandboxError(Exception):
    """A query the sandbox refuses or could not finish; the message is in ru / kk / en."""


@dataclass
class Result:
    """Rows of a query, whether they were cut at the limit, and how long it took."""

    frame: pd.DataFrame
    truncated: bool
    seconds: float


def connect(path: Path | str, memory_limit: str = DEFAULT_MEMORY) -> duckdb.DuckDBPyConnection:
    """A connection that can read the database and nothing else, within `memory_limit` (e.g. "1GB")."""
    return duckdb.connect(str(path), read_only=True, config={
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        # one query cannot take the server's memory; set before the configuration is locked
        "memory_limit": memory_limit,
        "lock_configuration": True,
    })


def _refusal(e: Exception) -> str:
    """A clear message for what the sandbox refused."""
    text = str(e)
    if isinstance(e, duckdb.InterruptException):
        return ("запрос прерван по времени / сұраным уақыт бойынша тоқтатылды / "
                "query interrupted: time limit")
    if isinstance(e, duckdb.OutOfMemoryException):
        return ("запросу не хватило памяти песочницы / сұранымға құмсалғыш жады жетпеді / "
                "query stopped: the sandbox's memory limit")
    if isinstance(e, duckdb.PermissionException | duckdb.InvalidInputException) and (
        "external" in text.lower() or "disabled" in text.lower() or "lock" in text.lower()
    ):
        return ("запрещено в песочнице: доступ к файлам, сети, расширениям и настройкам закрыт / "
                "құмсалғышта тыйым салынған / not allowed in the sandbox: " + text.splitlines()[0])
    return text.splitlines()[0]


def check(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one read query (SELECT, WITH … SELECT, EXPLAIN)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise SandboxError(_refusal(e)) from e
    if len(statements) != 1:
        raise SandboxError("один запрос за раз / бір уақытта бір сұраным / one statement at a time")
    if statements[0].type not in ALLOWED:
        kind = statements[0].type.name
        raise SandboxError(f"только чтение (SELECT): {kind} запрещён / тек оқу (SELECT): {kind} тыйым салынған / "
                           f"read-only: {kind} is not allowed")


def run(path: Path | str, sql: str, limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT,
        memory_limit: str = DEFAULT_MEMORY) -> Result:
    """Run one read query in the sandbox; at most `limit` rows and `memory_limit`, stopped after `timeout` s."""
    con = connect(path, memory_limit)
    timer = threading.Timer(timeout, con.interrupt)
    started = time.perf_counter()
    try:
        check(con, sql)
        timer.start()
        rel = con.sql(sql.strip().rstrip(";"))
        frame = rel.limit(limit + 1).df() if rel is not None else pd.DataFrame()
    except SandboxError:
        raise
    except duckdb.Error as e:
        raise SandboxError(_refusal(e)) from e
    finally:
        timer.cancel()
        con.close()
    truncated = len(frame) > limit
    return Result(frame.head(limit), truncated, time.perf_counter() - started)


def schema(path: Path | str) -> pd.DataFrame:
    """Tables, columns, types and descriptions of the sandbox database (for a schema browser)."""
    con = connect(path)
    try:
        return con.execute("""
            select table_name, column_name, data_type, comment
            from duckdb_columns() where database_name = current_database() and schema_name = 'main'
            order by table_name, column_index
        """).df()
    finally:
        con.close()
