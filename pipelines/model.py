"""Build the core model (documents, tasks, protocols, meetings, materials, appeals) from staging."""

from __future__ import annotations

import tomllib

import duckdb
import pandas as pd

from pipelines import calendar, db, org, schema, settings
from pipelines.paths import DATA, SQL

LABELS = DATA / "labels.toml"

# raw text columns that name units, per raw table
NAME_COLUMNS = {
    "raw_edms": ("responsible", "co_executors", "department"),
    "raw_protocols": ("executors", "controller"),
    "raw_materials": ("body",),
    "raw_appeals": ("department",),
}


def distinct_names(con: duckdb.DuckDBPyConnection, load_id: int | None = None) -> pd.DataFrame:
    """Return (view, column, cell, rows) for every distinct name-bearing cell (of one load)."""
    parts = []
    for view, cols in NAME_COLUMNS.items():
        where = f"where load_id = {int(load_id)}" if load_id is not None else ""
        for c in cols:
            parts.append(
                f"select '{view}' as view, '{c}' as column_name, clean({c}) as cell, count(*) as rows "
                f"from {view} {where} group by all having clean({c}) is not null"
            )
    return con.execute(" union all ".join(parts)).df()


def name_map(cells: list[str], directory: org.Directory) -> pd.DataFrame:
    """Split and resolve every cell: one row per (cell, position) with the unit code or null."""
    rows = []
    for cell in cells:
        for pos, (name, marked, code) in enumerate(org.split_executors(cell, directory), 1):
            rows.append((cell, pos, name, code, marked))
    return pd.DataFrame(
        rows, columns=["cell", "pos", "name", "department_code", "is_marked"]
    ).astype({"cell": "string", "name": "string", "department_code": "string", "pos": "int32",
              "is_marked": "bool"})


def unresolved(con, directory: org.Directory, load_id: int | None = None) -> list[str]:
    """Names of units in the data (of one load) that match nothing in the directory."""
    cells = distinct_names(con, load_id)
    m = name_map(cells["cell"].tolist(), directory)
    return sorted(set(m.loc[m["department_code"].isna(), "name"]))


def write_reference(con: duckdb.DuckDBPyConnection, directory: org.Directory) -> None:
    """(Re)write the departments and calendar tables from the directory and the settings."""
    deps = directory.frame()
    con.register("deps_df", deps)
    con.execute("create or replace table departments as select * from deps_df")
    con.unregister("deps_df")
    cfg = settings.load()["calendar"]
    cal = calendar.build(cfg["first_year"], cfg["last_year"])
    con.register("cal_df", cal)
    con.execute("""
        create or replace table calendar as
        select cast(date as date) as date, year(cast(date as date)) as year,
               month(cast(date as date)) as month, isodow(cast(date as date)) as iso_dow,
               is_working_day, day_kind, name_en, name_ru, name_kk, act,
               cast(wd_index as integer) as wd_index,
               cast(wd_index_next as integer) as wd_index_next
        from cal_df order by date
    """)
    con.unregister("cal_df")
    with open(LABELS, "rb") as f:
        labels = tomllib.load(f)
    rows = [(kind, code, *names) for kind, entries in labels.items() for code, names in entries.items()]
    con.execute("create or replace table labels (kind varchar, code varchar, name_kk varchar, "
                "name_ru varchar, name_en varchar)")
    con.executemany("insert into labels values (?, ?, ?, ?, ?)", rows)
    con.execute("create or replace table directory_info as select ? as org_code, ? as name_kk, ? as name_ru, "
                "? as name_en", [directory.code, directory.name_kk, directory.name_ru, directory.name("en")])
    write_rule_catalogue(con)


def write_rule_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)write rule_catalogue: every rule's id, clause, kind, severity, groups and titles."""
    from pipelines.validate import catalogue

    rules = catalogue.load()
    con.execute("create or replace table rule_catalogue (rule_id varchar, clause varchar, kind varchar, "
                "severity varchar, groups varchar[], title_kk varchar, title_ru varchar, title_en varchar)")
    con.executemany("insert into rule_catalogue values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r.id, r.clause, r.kind, r.severity, list(r.groups), r.title_kk, r.title_ru, r.title_en)
                     for r in rules])


def build(con: duckdb.DuckDBPyConnection, directory: org.Directory) -> None:
    """Rebuild reference tables, the name map and every core table, in one transaction."""
    con.begin()
    try:
        write_reference(con, directory)
        cells = distinct_names(con)
        nm = name_map(cells["cell"].drop_duplicates().tolist(), directory)
        con.register("nm_df", nm)
        con.execute("create or replace table name_map as select * from nm_df")
        con.unregister("nm_df")
        con.register("cells_df", cells)
        con.execute("""
            create or replace table unresolved_names as
            select c.view as source_table, c.column_name, m.name, sum(c.rows)::bigint as rows
            from cells_df as c
            inner join name_map as m on m.cell = c.cell
            where m.department_code is null
            group by all
            order by rows desc
        """)
        con.unregister("cells_df")
        for path in sorted((SQL / "core").glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))
        params = settings.sql_params()
        for path in sorted((SQL / "marts").glob("*.sql")):
            con.execute(db.render(path.read_text(encoding="utf-8"), params))
        schema.apply_comments(con)
        con.commit()
    except BaseException:
        con.rollback()
        raise
