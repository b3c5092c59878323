"""Descriptions of the analyst-facing schema (sql/schema.toml): COMMENT ON and a Markdown page."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import duckdb

from pipelines import db
from pipelines.paths import SQL
from pipelines.sources import all_sources

SCHEMA_FILE = SQL / "schema.toml"
LANGS = ("kk", "ru", "en")


@cache
def _load() -> dict:
    """The parsed schema descriptions."""
    with open(SCHEMA_FILE, "rb") as f:
        return tomllib.load(f)


def _raw_tables() -> dict[str, dict]:
    """Descriptions of the raw tables, made from the readers' field definitions."""
    out = {}
    for src in all_sources():
        cols = {f.name: [f"Бастапқы мәтін, баған: {' | '.join(f.aliases)}",
                         f"Исходный текст, столбец: {' | '.join(f.aliases)}",
                         f"Raw text of the column headed: {' | '.join(f.aliases)}"] for f in src.fields}
        out[src.table] = {
            "description": [f"{src.title_kk}: оқылған әр жол", f"{src.title_ru}: каждая прочитанная строка",
                            f"{src.kind} export: every row as read"],
            "columns": {**_load()["_raw"], **cols},
        }
    return out


@cache
def tables() -> dict[str, dict]:
    """Every documented table: name -> {description: [kk, ru, en], columns: {col: [kk, ru, en]}}."""
    return {**{k: v for k, v in _load().items() if not k.startswith("_")}, **_raw_tables()}


# views that only mirror a table take its column descriptions
MIRRORS = {"mart_tasks": "tasks", "overdue_tasks": "tasks", "current_violations": "violations"}
INTERNAL_PREFIXES = ("stg_",)  # typed staging views: internal, documented by their SQL files


def describe(table: str, column: str) -> list[str] | None:
    """The [kk, ru, en] description of a column, or None when it has none."""
    t = tables().get(table, {})
    own = t.get("columns", {}).get(column)
    if own is None and table in MIRRORS:
        return describe(MIRRORS[table], column)
    return own or _load()["_common"].get(column)


def undescribed_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views of the database that schema.toml does not describe."""
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database()").fetchall()]
    return sorted(n for n in names if n not in tables() and not n.startswith(INTERNAL_PREFIXES))


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """table.column of every column of the documented tables that has no description."""
    missing = []
    for table in tables():
        for (col,) in con.execute(
            "select column_name from information_schema.columns where table_name = ?", [table]
        ).fetchall():
            d = describe(table, col)
            if not d or len(d) != 3 or not all(d):
                missing.append(f"{table}.{col}")
    return missing


def _comment(d: list[str]) -> str:
    """One COMMENT string of the three languages, SQL-quoted."""
    text = " / ".join(f"{lang}: {t}" for lang, t in zip(LANGS, d, strict=True))
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection, catalog: str | None = None,
                   missing_only: bool = False) -> None:
    """COMMENT ON every documented table and column that exists in the database (one batch).

    catalog: an attached database instead of the current one. missing_only: only the tables and
    views without a comment (those created anew since the last time: an incremental build keeps
    the others, and a comment is a catalog change the next checkpoint writes).
    """
    database = f"'{catalog}'" if catalog else "current_database()"
    prefix = f"{catalog}.main." if catalog else ""
    present = {t: kind for t, kind in db.relations(con, catalog, uncommented=missing_only).items()
               if t in tables()}
    if not present:  # all commented already (a day's update of the snapshot: most days)
        return
    columns: dict[str, list[str]] = {}
    for table, col in con.execute(
            f"select table_name, column_name from duckdb_columns() where database_name = {database} "
            f"order by table_name, column_index").fetchall():
        columns.setdefault(table, []).append(col)
    statements = []
    for table, spec in tables().items():
        if table not in present:
            continue
        statements.append(f"comment on {present[table]} {prefix}{table} is {_comment(spec['description'])}")
        statements += [f"comment on column {prefix}{table}.{col} is {_comment(d)}"
                       for col in columns.get(table, []) if (d := describe(table, col))]
    if statements:
        con.execute(";\n".join(statements))


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The schema page: every documented table with its columns, types and kk/ru/en descriptions."""
    lines = ["# Tartip database schema", "",
             "Generated by `tartip schema` from `sql/schema.toml` and the database. "
             "Columns: name, type, description in Kazakh / Russian / English.", ""]
    present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    for table, spec in tables().items():
        if table not in present:
            continue
        kk, ru, en = spec["description"]
        lines += [f"## `{table}`", "", f"- kk: {kk}", f"- ru: {ru}", f"- en: {en}", "",
                  "| column | type | kk | ru | en |", "|---|---|---|---|---|"]
        for col, typ in con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ? "
            "order by ordinal_position", [table]
        ).fetchall():
            d = describe(table, col) or ["", "", ""]
            cells = [c.replace("|", "\\|") for c in d]
            lines.append(f"| `{col}` | {typ} | {cells[0]} | {cells[1]} | {cells[2]} |")
        lines.append("")
    return "\n".join(lines)


def write_markdown(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the schema page to a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(con), encoding="utf-8")
    return path
