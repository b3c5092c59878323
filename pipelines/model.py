"""Build the core model (documents, tasks, protocols, meetings, materials, appeals) from staging."""

from __future__ import annotations

import hashlib
import re
import tomllib

import duckdb
import holidays
import pandas as pd

from pipelines import calendar, db, org, schema, settings
from pipelines.db import PRIVATE
from pipelines.paths import CALENDAR_OVERRIDES, DATA, EXPECTATIONS, HOLIDAY_NAMES, SQL

LABELS = DATA / "labels.toml"

# raw text columns that name units, per raw table
NAME_COLUMNS = {
    "raw_edms": ("responsible", "co_executors", "department"),
    "raw_protocols": ("executors", "controller"),
    "raw_materials": ("body",),
    "raw_appeals": ("department",),
}


def distinct_names(con: duckdb.DuckDBPyConnection, load_id: int | None = None,
                   after: int | None = None) -> pd.DataFrame:
    """Return (view, column, cell, rows) for every distinct name-bearing cell (of one load, or after one)."""
    parts = []
    for view, cols in NAME_COLUMNS.items():
        where = (f"where load_id = {int(load_id)}" if load_id is not None
                 else f"where load_id > {int(after)}" if after is not None else "")
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


def _write_names(con: duckdb.DuckDBPyConnection, directory: org.Directory, after: int | None) -> None:
    """Resolve the name-bearing cells (all, or only those first seen after load `after`) and count
    the unresolved names. Raw rows are never changed after their load, so the counts add up."""
    cells = distinct_names(con, after=after)
    known = set() if after is None else {r[0] for r in con.execute("select distinct cell from name_map").fetchall()}
    nm = name_map([c for c in cells["cell"].drop_duplicates().tolist() if c not in known], directory)
    con.register("nm_df", nm)
    con.register("cells_df", cells)
    try:
        if after is None:
            con.execute("create or replace table name_map as select * from nm_df")
        else:
            con.execute("insert into name_map select * from nm_df")
        earlier = ("select source_table, column_name, name, rows from unresolved_names union all"
                   if after is not None else "")
        counts = f"""
            select source_table::varchar as source_table, column_name::varchar as column_name,
                name::varchar as name, sum(rows)::bigint as rows
            from (
                {earlier}
                select c.view as source_table, c.column_name, m.name, c.rows
                from cells_df as c
                inner join name_map as m on m.cell = c.cell
                where m.department_code is null
            )
            group by all
            order by rows desc, source_table, column_name, name
        """
        if after is None:
            con.execute(f"create or replace table unresolved_names as {counts}")
        else:  # counted aside (the counts read the table), then refilled in place
            con.execute(f"create or replace temp table unresolved_now as {counts}")
            _refill(con, "unresolved_names", "select * from temp.unresolved_now")
            con.execute("drop table temp.unresolved_now")
    finally:
        con.unregister("nm_df")
        con.unregister("cells_df")


def code_fingerprint() -> str:
    """A digest of what the model and the snapshot are built with besides the directory (the SQL, the
    settings, the labels, the rule catalogue and the calendar): a change means a full rebuild."""
    h = hashlib.sha256()
    for folder in ("base", "staging", "core", "marts", "publish"):
        for path in sorted((SQL / folder).glob("*.sql")):
            h.update(path.read_bytes())
    for path in (DATA / "settings.toml", LABELS, schema.SCHEMA_FILE, EXPECTATIONS / "rules.toml",
                 CALENDAR_OVERRIDES, HOLIDAY_NAMES):
        h.update(path.read_bytes())
    h.update(holidays.__version__.encode())  # the working-day calendar comes from it
    return h.hexdigest()[:16]


_CREATE = re.compile(r"create\s+or\s+replace\s+table\s+(\w+)\s+as", re.IGNORECASE)

# how the rows of each core table that a scoped build replaces are found: those of the rebuilt
# EDMS documents (`affected` holds their key_hash) and those of the registers with new loads
# ({registers}: the task sources of those registers, `''` when none)
_SCOPED_ROWS = {
    "documents": "key_hash in (select key_hash from affected)",
    "task_assignments": "source in ({registers}) or task_id in (select document_id from old_ids)",
    "status_history": "split_part(task_id, '/', 1) in ({registers}) "
                      "or task_id in (select document_id from old_ids)",
}

# the registers (kind of load -> source of its tasks) and the core tables made from them alone:
# a scoped build leaves those tables as they are when none of their registers has a new load
_REGISTERS = {"protocols": "protocol", "materials": None, "appeals": "appeal"}
_RAW = ("raw_edms", *(f"raw_{kind}" for kind in _REGISTERS))
# the temporary tables of the core SQL (sql/core/00_edms_latest.sql), dropped after it
_CORE_TEMP = ("edms_latest", "edms_others")
_REGISTER_TABLES = {"protocols": {"protocols"}, "material_submissions": {"materials"},
                    "meetings": {"protocols", "materials"}, "appeals": {"appeals"}}
# the tables made from the model's inputs alone (the directory, the settings, the labels, the rule
# catalogue): a build of the same inputs makes them as they were (other inputs rebuild everything)
REFERENCE = ("calendar", "departments", "labels", "directory_info", "rule_catalogue")
# the kinds of export whose loads can change each table, outside a rebuild of everything: the
# documents' EDMS, each register table its own, the reference tables none. A table not named here
# may change with any load (or with the report date).
CHANGED_BY = {"documents": {"edms"}, **_REGISTER_TABLES, **dict.fromkeys(REFERENCE, frozenset())}
# and those of the tasks mart, on a build that keeps the report date: the sources of its tasks
TASKS_CHANGED_BY = {"edms", *(kind for kind, src in _REGISTERS.items() if src)}


def _main_schema(con: duckdb.DuckDBPyConnection) -> str:
    """The database's main schema, fully qualified (past the temporary tables that shadow it)."""
    return db.quote(db.one(con, "select current_database()")[0]) + ".main"


def _core_scoped(con: duckdb.DuckDBPyConnection, after: int) -> None:
    """Rebuild the core tables for what the loads after `after` carry only.

    The core SQL runs unchanged, with its outputs as temporary tables: DuckDB resolves an
    unqualified name to the temporary schema first, so `raw_edms` is shadowed by a temporary
    table of the new loads' documents (every version), and the raw table of a register without a
    new load by an empty one. Those rows are then replaced in the model tables; a register with a
    new load (thousands of rows) is rebuilt whole, the tables of the others are not touched.
    """
    main = _main_schema(con)
    fresh = fresh_kinds(con, after)
    registers = task_sources_sql(fresh)
    con.execute(f"create or replace temp table affected as "
                f"select distinct key_hash from {PRIVATE}.raw_edms where load_id > {int(after)}")
    con.execute(f"create or replace temp table old_ids as select document_id from {main}.documents "
                f"where key_hash in (select key_hash from affected)")
    shadows = ["raw_edms", *(f"raw_{kind}" for kind in _REGISTERS if kind not in fresh)]
    con.execute(f"create temp table raw_edms as select * from {PRIVATE}.raw_edms "
                f"where key_hash in (select key_hash from affected)")
    for raw in shadows[1:]:
        con.execute(f"create temp table {raw} as select * from {PRIVATE}.{raw} limit 0")
    # each shadowed raw table typed once, shadowing its staging view in turn: binding a staging
    # view (every column through its parsing macros) cost more than the few rows it gives, and the
    # core tables and the data date read them several times; build() drops them after the marts
    con.execute(f"create temp table stg_edms as select * from {PRIVATE}.stg_edms")
    for raw in shadows[1:]:  # empty: made from the view's columns, not by binding it
        con.execute(f"create temp table {_staged(raw)} ({_columns_ddl(con, _staged(raw))})")
    built = []
    try:
        for path in sorted((SQL / "core").glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            tables = _CREATE.findall(sql)
            if tables and all(t in _REGISTER_TABLES and not _REGISTER_TABLES[t] & fresh for t in tables):
                continue  # its registers have no new load: the model's table stands (and is read)
            built += tables
            con.execute(_CREATE.sub(r"create or replace temp table \1 as", sql))
        con.execute("insert into old_ids select document_id from temp.documents")
        for table in built:
            if table in _SCOPED_ROWS:
                con.execute(f"delete from {main}.{table} where "
                            + _SCOPED_ROWS[table].format(registers=registers))
                con.execute(f"insert into {main}.{table} select * from temp.{table}")
            else:
                con.execute(f"create or replace table {main}.{table} as select * from temp.{table}")
    finally:  # temp.old_ids and the typed shadows stay for the marts (build drops them)
        for table in [*built, *shadows, "affected", *_CORE_TEMP]:
            con.execute(f"drop table if exists temp.{table}")


def fresh_kinds(con: duckdb.DuckDBPyConnection, after: int) -> set[str]:
    """The kinds of export (edms, protocols, …) loaded after load `after`."""
    return {r[0] for r in con.execute(f"select distinct kind from {PRIVATE}.load_log "
                                      f"where status = 'loaded' and load_id > {int(after)}").fetchall()}


def task_sources(kinds: set[str]) -> list[str]:
    """The task sources of the registers among kinds (protocols -> protocol): their tasks' rows are
    the ones a scoped core build replaces whole (with those of the rebuilt documents)."""
    return [src for kind, src in _REGISTERS.items() if kind in kinds and src]


def task_sources_sql(kinds: set[str]) -> str:
    """task_sources as the items of an SQL `in (...)` list (`''` when none)."""
    return db.literal_list(task_sources(kinds))


def _columns_ddl(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The column definitions of a table or view of the private file, for CREATE TABLE."""
    return ", ".join(f"{db.quote(name)} {kind}" for name, kind in con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = 'main' and table_name = ? order by column_index", [db.PRIVATE, relation]).fetchall())


def _refill(con: duckdb.DuckDBPyConnection, name: str, select: str) -> None:
    """Make a table of the main schema hold the rows of select: in place when it exists, so that it
    keeps its comment (a table made anew is commented again, a catalog change the commit writes);
    made anew when absent or untyped (a column of type NULL: made from an empty frame)."""
    table = f"{_main_schema(con)}.{name}"
    columns, untyped = db.one(con, "select count(*), count(*) filter (where data_type = '\"NULL\"') "
                                   "from duckdb_columns() where database_name = current_database() "
                                   "and schema_name = 'main' and table_name = ?", [name])
    if columns and not untyped:
        con.execute(f"delete from {table}")
        con.execute(f"insert into {table} by name {select}")
    else:
        con.execute(f"create or replace table {table} as {select}")


def _staged(raw: str) -> str:
    """The staging view of a raw table: raw_edms -> stg_edms."""
    return "stg_" + raw.removeprefix("raw_")


# The tasks mart after an incremental core build: a task keeps its rows (only report_date moves)
# when nothing the measure reads about it can have changed — every row settled by the old date
# (is_settled, sql/marts/04_tasks.sql: EDMS, not periodic, due, executed on time or late) or an
# EDMS row, not periodic, still open with its term on the new date or later (open then too: a term
# is overdue once it is before the report date), its document not rebuilt, and no fact of it
# (export, execution, assignment) dated after the old date up to the new one. Every other task
# (overdue, open past its term, periodic, registers, rebuilt documents, and any task the mart does
# not hold yet) is measured again: `redo_tasks` lists them (a few per cent of the tasks; listing
# them, not the ones kept, makes every step below a join against a small table).
_REDO_TASKS = """
create or replace temp table redo_tasks as
select task_id from {main}.tasks where not is_settled(source, is_periodic, outcome, is_due)
    and not coalesce(source = 'edms' and not is_periodic and outcome = 'open' and due_date >= {d2}, false)
union select document_id from temp.old_ids
union select task_id from {main}.status_history
    where cast(valid_from as date) > {d1} and cast(valid_from as date) <= {d2}
        or cast(executed_at as date) > {d1} and cast(executed_at as date) <= {d2}
union select task_id from {main}.task_assignments
    where assigned_date > {d1} and assigned_date <= {d2}
        or cast(executed_at as date) > {d1} and cast(executed_at as date) <= {d2}
union (select task_id from {main}.task_assignments anti join {main}.mart_tasks using (task_id))
"""
# On a build that keeps the report date only the tasks whose rows the scoped core build replaced can
# measure otherwise (the measure of a task reads its own rows and the date): the rebuilt documents'
# and the tasks of the registers with a new load. A task the mart does not hold is one of those (or
# one the measure gives no row, as before).
_REDO_SAME_DATE = """
create or replace temp table redo_tasks as
select document_id as task_id from temp.old_ids
union select task_id from {main}.task_assignments where source in ({registers})
"""


def _mart_tasks_scoped(con: duckdb.DuckDBPyConnection, since: int, old_date) -> None:
    """Bring mart_tasks from old_date to the new data date, measuring again only the tasks that
    may have changed (see _REDO_TASKS; _REDO_SAME_DATE when the date stays); record them in
    mart_tasks_delta (the build's scope, which the tests check; the snapshot is a copy of the file).

    The measure's macro runs unchanged on temporary `task_assignments` / `status_history` that
    hold only those tasks (the temporary schema shadows main, as in _core_scoped).
    """
    main = _main_schema(con)
    new_date = db.one(con, f"select as_of from {main}.data_as_of")[0]
    d1, d2 = f"date '{old_date}'", f"date '{new_date}'"
    if old_date == new_date:
        con.execute(_REDO_SAME_DATE.format(main=main, registers=task_sources_sql(fresh_kinds(con, since))))
    else:
        con.execute(_REDO_TASKS.format(main=main, d1=d1, d2=d2))
    redo = "task_id in (select task_id from temp.redo_tasks)"
    try:
        for table in ("task_assignments", "status_history"):
            con.execute(f"create or replace temp table {table} as select * from {main}.{table} where {redo}")
        con.execute(f"create or replace temp table mart_new as select * from task_rows({d2})")
        # a marker row (no task) says the delta covers this build even when no task changed
        _refill(con, "mart_tasks_delta",
                f"select cast({int(since)} as bigint) as after_load_id, task_id "
                f"from {main}.mart_tasks where {redo} union select {int(since)}, task_id from temp.mart_new "
                f"union select {int(since)}, null")
        # the groups of daily_execution the re-measured rows counted in, before and after (their
        # counts stay for execution_summary: _summary_scoped)
        con.execute(f"create or replace temp view measure_old as select * from {main}.tasks where {redo}")
        con.execute("create or replace temp view measure_new as select * from tasks_view('mart_new')")
        con.execute("create or replace temp table counts_old as select * from daily_counts('measure_old')")
        con.execute("create or replace temp table counts_new as select * from daily_counts('measure_new')")
        keys = ", ".join(DAILY_KEYS)
        con.execute(f"create or replace temp table daily_keys as select distinct {keys} from ("
                    f"select {keys} from counts_old union all select {keys} from counts_new)")
        con.execute(f"delete from {main}.mart_tasks where {redo}")
        if old_date != new_date:
            con.execute(f"update {main}.mart_tasks set report_date = {d2}")
        con.execute(f"insert into {main}.mart_tasks select * from temp.mart_new")
    finally:
        con.execute("drop view if exists temp.measure_old; drop view if exists temp.measure_new")
        for table in ("task_assignments", "status_history", "mart_new", "redo_tasks"):
            con.execute(f"drop table if exists temp.{table}")


# the columns daily_counts (sql/marts/03_measure.sql) groups by, and how it makes them from a row of
# the tasks mart (the same expressions: a group's rows are those that make its key)
DAILY_KEYS = ("due_date", "org_name", "department_code", "block_code", "source", "meeting_type", "counts_in_total")
_FROM_MART = {"org_name": "coalesce(d.org_name, '')", "meeting_type": "coalesce(d.meeting_type, '')"}
SAME_KEYS = " and ".join(f"k.{c} is not distinct from d.{c}" for c in DAILY_KEYS)
_SAME_MART_KEYS = " and ".join(f"k.{c} is not distinct from {_FROM_MART.get(c, 'd.' + c)}" for c in DAILY_KEYS)


def _daily_scoped(con: duckdb.DuckDBPyConnection, since: int, new_date) -> None:
    """Count again the groups of daily_execution that the scoped tasks mart changed (temp.daily_keys);
    the others only move to the new report date. daily_execution_delta lists those groups (the
    build's scope)."""
    d2 = f"date '{new_date}'"
    _refill(con, "daily_execution_delta",
            f"select cast({int(since)} as bigint) as after_load_id, * from temp.daily_keys")
    try:
        con.execute(f"create temp view daily_src as select * from tasks as d "
                    f"semi join daily_keys as k on {_SAME_MART_KEYS}")
        con.execute(f"delete from daily_execution as d using daily_keys as k where {SAME_KEYS}")
        con.execute(f"update daily_execution set report_date = {d2} where report_date is distinct from {d2}")
        con.execute("insert into daily_execution by name select * from daily_counts('daily_src')")
    finally:
        con.execute("drop view if exists temp.daily_src")


# the kinds of period execution_summary rolls up (sql/marts/06_execution_summary.sql), as its SQL names them
_SUMMARY_KINDS = re.compile(r"summary_rates\('daily_execution',\s*'(\w+)'\)")
SAME_PERIOD = "k.period_kind = d.period_kind and k.org_name = d.org_name and k.period_start = d.period_start"


def _summary_scoped(con: duckdb.DuckDBPyConnection, since: int, sql: str) -> None:
    """Compute again only the periods of execution_summary whose daily counts the scoped tasks mart
    changed, on a build that kept the report date (the other periods are as they were; a day that
    moves it changes every period's report date and completeness, and rebuilds the table whole).

    The changed groups are those whose counts over the re-measured tasks differ before and after
    (temp.counts_old, temp.counts_new): a group's other rows did not change. Each changed period is
    rolled up again whole by the marts' summary_rates (sql: the table's SQL, which names the kinds
    of period), so its ranks are too. execution_summary_delta lists those periods (the
    build's scope), with a marker row (no period kind) that says it covers this build even when none changed.
    """
    kinds = _SUMMARY_KINDS.findall(sql)
    changed = "(from counts_old except all from counts_new) union all (from counts_new except all from counts_old)"
    con.execute(
        "create or replace temp table summary_keys as select distinct k.kind as period_kind, c.org_name, "
        f"cast(date_trunc(k.kind, c.due_date) as date) as period_start from ({changed}) as c "
        f"cross join (select unnest([{db.literal_list(kinds)}]) as kind) as k where c.due_date is not null")
    _refill(con, "execution_summary_delta",
            f"select cast({int(since)} as bigint) as after_load_id, period_kind, org_name, period_start "
            f"from temp.summary_keys union all select {int(since)}, null, null, null")
    try:
        con.execute(f"delete from execution_summary as d using summary_keys as k where {SAME_PERIOD}")
        touched = {r[0] for r in con.execute("select distinct period_kind from summary_keys").fetchall()}
        for kind in (k for k in kinds if k in touched):
            con.execute(f"create or replace temp view summary_src as select d.* from daily_execution as d "
                        f"semi join summary_keys as k on k.period_kind = '{kind}' and k.org_name = d.org_name "
                        f"and k.period_start = cast(date_trunc('{kind}', d.due_date) as date)")
            con.execute(f"insert into execution_summary by name select * from summary_rates('summary_src', '{kind}')")
    finally:
        con.execute("drop view if exists temp.summary_src")
        con.execute("drop table if exists temp.summary_keys")


# what a scoped build does not run again: views and macros are defined by the SQL alone, and a
# scoped build runs the same SQL as the build before it (stages.catch_up); made again, each view
# would be bound again and lose its comment
DEFINITIONS = ("create or replace view ", "create or replace macro ")


def build(con: duckdb.DuckDBPyConnection, directory: org.Directory, since: int | None = None,
          done=None, progress=None) -> int:
    """Build the reference tables, the name map, the core tables and the marts in one transaction.

    since: the last load the model already covers — only the documents of later loads are rebuilt
    (None: everything). done: the stages.State to record with it. Returns the task assignments.
    """
    from pipelines import stages

    step = progress.stage if progress else (lambda what: None)
    con.begin()
    try:
        if since is None:  # the reference tables change only with the inputs of a full build
            step("model: reference tables")
            write_reference(con, directory)
        step("model: unit names")
        _write_names(con, directory, since)
        if since is None:
            con.execute("drop table if exists load_dates")  # dated again by the current SQL
            for path in sorted((SQL / "core").glob("*.sql")):
                step(f"model: {path.stem}")
                con.execute(path.read_text(encoding="utf-8"))
            for table in _CORE_TEMP:
                con.execute(f"drop table if exists temp.{table}")
        else:
            step(f"model: documents of the loads after #{since}")
            _core_scoped(con, since)
        # the tasks mart moves forward in place when it was built for an earlier (or the same) date
        old_date = db.one(con, "select max(report_date) from mart_tasks")[0] \
            if since is not None and db.table_exists(con, "mart_tasks") else None
        params = settings.sql_params()
        scoped = False  # the tasks mart moved forward in place: daily_execution follows it
        for path in sorted((SQL / "marts").glob("*.sql")):
            step(f"model: {path.stem}")
            if path.stem == "04_tasks" and old_date is not None \
                    and old_date <= (db.one(con, "select as_of from data_as_of")[0] or old_date.min):
                _mart_tasks_scoped(con, since, old_date)
                scoped = True
                continue
            if scoped and path.stem == "05_daily_execution":
                _daily_scoped(con, since, db.one(con, "select as_of from data_as_of")[0])
                continue
            sql = db.render(path.read_text(encoding="utf-8"), params)
            if scoped and path.stem == "06_execution_summary" \
                    and old_date == db.one(con, "select as_of from data_as_of")[0]:
                _summary_scoped(con, since, sql)
                continue
            if since is not None:  # the views and macros stand as the last build made them, same SQL
                sql = ";\n".join(st for st in db.statements(sql) if not st.lower().startswith(DEFINITIONS))
            if sql:
                con.execute(sql)
            # a whole build: its scope is everything, so the scope tables are left empty
            if path.stem == "04_tasks":
                con.execute("create or replace table mart_tasks_delta (after_load_id bigint, task_id varchar)")
            if path.stem == "05_daily_execution":
                con.execute("create or replace table daily_execution_delta as select null::bigint as after_load_id, "
                            f"{', '.join(DAILY_KEYS)} from daily_execution limit 0")
            if path.stem == "06_execution_summary":  # rolled up whole (a full build, or the date moved)
                con.execute("create or replace table execution_summary_delta as select null::bigint as after_load_id, "
                            "period_kind, org_name, period_start from execution_summary limit 0")
        for table in ("old_ids", "daily_keys", "counts_old", "counts_new", *map(_staged, _RAW)):
            con.execute(f"drop table if exists temp.{table}")
        schema.apply_comments(con, missing_only=since is not None)
        rows = db.one(con, "select count(*) from task_assignments")[0]
        if done is not None:
            stages.mark(con, "model", done, rows)
        stages.kill_point("model")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return rows
