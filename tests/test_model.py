"""The core model: one row per task and executor, coordinators (R-9.15), execution cards (R-9.21)."""

from __future__ import annotations

import re
import shutil

import pytest

from pipelines import db, load, model
from pipelines.paths import SQL
from tests.conftest import rows


def test_one_row_per_task_and_executor_with_roles(con, ingest):
    ingest("edms_kk_bom.csv")
    got = rows(con, "select executor_seq, department_code, executor_role, is_coordinator, coordinator_marked "
                    "from task_assignments where reg_no = 'ЖТ-1' order by executor_seq")
    # the co-executor marked "(жинақтау)" coordinates (R-9.15)
    assert got == [(1, "DEP-EDU", "responsible", False, True),
                   (2, "DEP-CULT", "co_executor", True, True),
                   (3, "DEP-HOUSING", "co_executor", False, True)]


def test_first_listed_coordinates_when_none_is_marked(con, ingest):
    ingest("edms_ru_cp1251.csv")
    got = rows(con, "select department_code, executor_role, is_coordinator from task_assignments "
                    "where reg_no = '01-12/2' order by executor_seq")
    assert got == [("DEP-CULT", "responsible", True), ("DEP-EDU", "co_executor", False),
                   ("DEP-HOUSING", "co_executor", False)]


def test_executed_status_without_execution_card_has_no_card(con, ingest):
    ingest("edms_ru_cp1251.csv")
    # 01-12/2 says "Исполнен" but its execution card is empty (R-9.21)
    assert rows(con, "select status, has_execution_card from task_assignments "
                     "where reg_no = '01-12/2' and executor_seq = 1") == [("executed", False)]
    assert rows(con, "select status, has_execution_card from task_assignments where reg_no = '01-12/1'") == [
        ("executed", True)]


def test_department_column_wins_over_a_person_in_the_executor_cell(con, ingest):
    ingest("edms_tab.tsv")
    assert rows(con, "select executor_name, department_code, extended_due_date::varchar, extension_count "
                     "from task_assignments") == [("Ахметов Н.", "DEP-EDU", "2025-03-20", 1)]


def test_several_rows_of_one_document_are_one_task(con, ingest, tmp_path):
    f = tmp_path / "rows.csv"
    f.write_text("Рег. №;Дата регистрации;Исполнитель\n7;01.03.2025;Отдел культуры\n"
                 "7;01.03.2025;Отдел образования\n7;01.03.2025;Отдел культуры\n", encoding="utf-8")
    ingest(f)
    assert rows(con, "select department_code, executor_role from task_assignments order by executor_seq") == [
        ("DEP-CULT", "responsible"), ("DEP-EDU", "co_executor")]
    assert rows(con, "select count(*) from documents") == [(1,)]


def test_a_document_is_its_first_row_by_row_then_sheet_in_its_latest_export(con, ingest, tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    # the same document (its number spelt three ways) on row 2 of both sheets and row 3 of sheet Б
    for title, rows_ in (("Б", [("ab-7", "Отдел культуры"), ("AB-7", "Отдел образования")]),
                         ("А", [("Ab-7", "Отдел образования")])):
        ws = wb.create_sheet(title)
        ws.append(["Рег. №", "Дата регистрации", "Исполнитель"])
        for reg_no, executor in rows_:
            ws.append([reg_no, "01.03.2025", executor])
    del wb["Sheet"]
    wb.save(tmp_path / "sheets.xlsx")
    ingest(tmp_path / "sheets.xlsx")
    assert rows(con, "select document_id, sheet, row_no from documents") == [("edms/2025/Ab-7", "А", 2)]
    assert rows(con, "select distinct task_id from task_assignments") == [("edms/2025/Ab-7",)]
    # its other rows (sheet Б) name executors too, once each, ordered by row then sheet: education
    # (А, row 2) is responsible, culture (Б, row 2) co-executes; education again (Б, row 3) counts once
    assert rows(con, "select department_code, executor_role, assignment_id from task_assignments "
                     "order by executor_seq") == [("DEP-EDU", "responsible", "edms/2025/Ab-7#1"),
                                                  ("DEP-CULT", "co_executor", "edms/2025/Ab-7#2")]
    # a later export of it: its first row there is the document
    f = tmp_path / "later.csv"
    f.write_text("Рег. №;Дата регистрации;Исполнитель\nAB-7;01.03.2025;Отдел культуры\n"
                 "ab-7;01.03.2025;Отдел образования\n", encoding="utf-8")
    ingest(f)
    assert rows(con, "select document_id, row_no from documents") == [("edms/2025/AB-7", 2)]


def test_protocol_items_periodic_terms_and_extensions(con, ingest):
    ingest("protocols_ru.xlsx", "protocols_kk.csv")
    got = rows(con, "select meeting_type, protocol_no, item_no, department_code, executor_role, is_coordinator, "
                    "periodicity, period_day, due_date::varchar, extended_due_date::varchar, extension_count "
                    "from task_assignments order by meeting_type, item_no, executor_seq")
    assert got == [
        # «до 15.04.2025 (письмо №3); до 30.04.2025»: the first date is the term set (issue 14, item 1)
        ("akimat_session", "2", "1", "DEP-HOUSING", "responsible", True, "once", None, "2025-04-15",
         "2025-04-30", 1),
        ("apparatus", "3", "1", "DEP-EDU", "responsible", True, "once", None, "2025-03-31", None, 0),
        ("apparatus", "3", "1", "DEP-CULT", "co_executor", False, "once", None, "2025-03-31", None, 0),
        ("apparatus", "3", "1.2", "DEP-EMPL", "responsible", True, "monthly", 5, None, None, 0),
        ("operational", "7", "2", "DEP-HOUSING", "responsible", True, "quarterly", None, None, None, 0),
    ]
    assert rows(con, "select meeting_type, controller from protocols order by 1") == [
        ("akimat_session", None), ("apparatus", "Орг. отдел"), ("operational", "Ұйымдастыру бөлімі")]


def test_appeals_and_materials(con, ingest):
    ingest("appeals_kk.xlsx", "materials_ru.csv")
    assert rows(con, "select reg_no, department_code, appeal_kind, has_receipt_time from appeals order by 1") == [
        ("ЖТ-О-1", "DEP-EDU", "complaint", True), ("ЖТ-О-2", "DEP-AGRI", "request", True)]
    assert rows(con, "select department_code, material, pages, size_mb, languages, is_signed_first_head, "
                     "is_agreed_deputy from material_submissions order by 1") == [
        ("DEP-CULT", "Презентация", None, 12.5, "ru", True, False),
        ("DEP-EDU", "Справка", 4.0, None, "both", True, True)]
    assert rows(con, "select meeting_type, meeting_date::varchar from meetings") == [
        ("akimat_session", "2025-03-28")]


MODEL_TABLES = ("documents", "task_assignments", "status_history", "protocols", "meetings",
                "material_submissions", "appeals", "name_map", "unresolved_names", "mart_tasks",
                "daily_execution", "execution_summary")


REGISTER_TABLES = ("protocols", "material_submissions", "meetings", "appeals")


@pytest.mark.parametrize("later", [
    ("edms_update.csv", "edms_kk_bom.csv"),
    ("edms_update.csv", "edms_kk_bom.csv", "materials_ru.csv"),
    ("protocols_kk.csv",),
    ("edms_update.csv", "protocols_kk.csv"),
], ids=["edms", "edms+materials", "protocols", "edms+protocols"])
def test_rebuilding_only_the_new_loads_documents_equals_a_full_rebuild(con, directory, fixtures, later):
    for name in ("edms_kk.xlsx", "protocols_ru.xlsx", "appeals_kk.xlsx"):
        load.load_file(con, fixtures / name)
    model.build(con, directory)
    covered = con.execute("select max(load_id) from load_log").fetchone()[0]
    oids = dict(con.execute("select table_name, table_oid from duckdb_tables()").fetchall())
    views = "select view_name, view_oid from duckdb_views() where not internal order by all"
    defined = con.execute(views).fetchall()
    for name in later:
        load.load_file(con, fixtures / name)
    model.build(con, directory, since=covered)
    # the same SQL: its views are not defined again, the delta tables and the names refilled in place
    assert con.execute(views).fetchall() == defined
    for t in ("mart_tasks_delta", "daily_execution_delta", "unresolved_names"):
        assert con.execute("select table_oid from duckdb_tables() where table_name = ?", [t]).fetchone()[0] == oids[t]
    # a register without a new load keeps its tables as they were (not rebuilt)
    kinds = {"protocols": {"protocols"}, "material_submissions": {"materials"},
             "meetings": {"protocols", "materials"}, "appeals": {"appeals"}}
    loaded = {k for k in ("protocols", "materials", "appeals") if any(k in n for n in later)}
    for t in REGISTER_TABLES:
        kept = con.execute("select table_oid from duckdb_tables() where table_name = ?", [t]).fetchone()[0] == oids[t]
        assert kept == (not kinds[t] & loaded), t
    scoped = {t: sorted(con.execute(f"from {t}").fetchall(), key=repr) for t in MODEL_TABLES}
    model.build(con, directory)
    for t in MODEL_TABLES:
        assert scoped[t] == sorted(con.execute(f"from {t}").fetchall(), key=repr), t
    # and nothing of the scoped build is left behind in the temporary schema
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0


@pytest.mark.parametrize("title", ["15.04.2025 12:00", "05.05.2025 12:00", "12.01.2026 09:00"],
                         ids=["a-week-ends", "a-month-ends", "the-year-ends"])
def test_a_later_export_moves_the_rolled_up_marts_as_a_full_build_does(con, directory, fixtures, tmp_path, title):
    """A day's build counts again only the daily groups its re-measured tasks count in; with the data
    date passing the end of a week, month or year, its daily_execution and the execution_summary rolled
    up from it (rates, ranks, complete periods) equal a full build's."""
    for name in ("edms_kk.xlsx", "protocols_ru.xlsx", "appeals_kk.xlsx"):
        load.load_file(con, fixtures / name)
    model.build(con, directory)
    covered = con.execute("select max(load_id) from load_log").fetchone()[0]
    lines = (fixtures / "edms_update.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    update = tmp_path / "edms_update.csv"
    update.write_text(f"Сформирован: {title}\n" + "".join(lines[1:]), encoding="utf-8")
    complete = "select count(*) from execution_summary where is_complete"
    before = con.execute(complete).fetchone()[0]
    load.load_file(con, update)
    model.build(con, directory, since=covered)
    redone, tasks = con.execute("select (select count(task_id) from mart_tasks_delta), count(distinct task_id) "
                                "from mart_tasks").fetchone()
    assert 0 < redone < tasks  # the mart moved forward in place, not built anew
    assert con.execute(complete).fetchone()[0] > before  # the new date completed some periods
    scoped = {t: sorted(con.execute(f"from {t}").fetchall(), key=repr) for t in ROLLED_UP}
    model.build(con, directory)
    for t in ROLLED_UP:
        assert scoped[t] == sorted(con.execute(f"from {t}").fetchall(), key=repr), t
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0


ROLLED_UP = ("mart_tasks", "daily_execution", "execution_summary")


def _rows_by_task(con) -> dict[str, list]:
    """The tasks mart's rows of each task, sorted."""
    rows: dict[str, list] = {}
    for row in con.execute("select task_id, * from mart_tasks").fetchall():
        rows.setdefault(row[0], []).append(row)
    return {t: sorted(r, key=repr) for t, r in rows.items()}


def test_a_later_export_on_the_same_date_rolls_up_again_only_the_periods_it_changed(con, directory, fixtures, tmp_path):
    """A build that keeps the report date measures again only the tasks of the documents it rebuilt
    (mart_tasks_delta lists them, with a marker row) and computes again only the periods of execution_summary whose
    daily counts changed (execution_summary_delta lists them, with a marker row); the table equals a
    full build's, ranks included. The update's new statuses and executions move some outcomes, so
    some groups' counts change."""
    for name in ("edms_kk.xlsx", "protocols_ru.xlsx", "appeals_kk.xlsx"):
        load.load_file(con, fixtures / name)
    model.build(con, directory)
    covered = con.execute("select max(load_id) from load_log").fetchone()[0]
    as_of = con.execute("select as_of from data_as_of").fetchone()[0]
    lines = (fixtures / "edms_update.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    update = tmp_path / "edms_update.csv"
    update.write_text(f"Сформирован: {as_of:%d.%m.%Y} 08:00\n" + "".join(lines[1:]), encoding="utf-8")
    load.load_file(con, update)
    before = _rows_by_task(con)
    unsettled = con.execute("select count(distinct task_id) from tasks "
                            "where not is_settled(source, is_periodic, outcome, is_due)").fetchone()[0]
    model.build(con, directory, since=covered)
    assert con.execute("select as_of from data_as_of").fetchone()[0] == as_of
    # the tasks mart measured again the tasks of the update's documents, not every unsettled task (as a
    # build that moves the date does); every task whose rows changed is among them
    after = _rows_by_task(con)
    changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
    delta = con.execute("select task_id from mart_tasks_delta where after_load_id = ?", [covered]).fetchall()
    redone = {t for (t,) in delta if t is not None}
    documents = {f"edms/{line.split(';')[1][-4:]}/{line.split(';')[0]}" for line in lines[2:] if line.strip()}
    assert changed and changed <= redone <= documents and (None,) in delta
    assert len(redone) < unsettled
    marker, periods, kinds = con.execute(
        "select count(*) filter (where period_kind is null), count(period_kind), count(distinct period_kind) "
        "from execution_summary_delta where after_load_id = ?", [covered]).fetchone()
    total = con.execute("select count(distinct (period_kind, org_name, period_start)) "
                        "from execution_summary").fetchone()[0]
    assert marker == 1 and 0 < periods < total and kinds == 4
    scoped = {t: sorted(con.execute(f"from {t}").fetchall(), key=repr) for t in ROLLED_UP}
    model.build(con, directory)
    for t in ROLLED_UP:
        assert scoped[t] == sorted(con.execute(f"from {t}").fetchall(), key=repr), t
    assert con.execute("select count(*) from execution_summary_delta").fetchone()[0] == 0
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0


EDMS_HEADER = ("Рег. №;Дата регистрации;Ответственный исполнитель;Соисполнители;Срок исполнения;"
               "Продленный срок;Дата исполнения;Отметка об исполнении;Статус\n")


def test_open_tasks_kept_by_a_day_build_are_those_still_open_on_the_new_date(con, directory, tmp_path):
    """A day's build keeps the rows of open EDMS tasks whose term is on the new data date or later
    (still open then) and measures again those whose term passed in between, with the same marts as
    a full build. Across the Nauryz days off (21-25 Mar 2025): a term on 21 or 25 March moves to
    26 March, the new date itself — still open then."""
    first, later = tmp_path / "edms_0319.csv", tmp_path / "edms_0326.csv"
    first.write_text("Сформирован: 19.03.2025 10:00\n" + EDMS_HEADER + "".join(
        f"01-20/{n};03.03.2025;Отдел образования;-;{term};-;-;-;На исполнении\n"
        for n, term in ((100, "19.03.2025"), (101, "20.03.2025"), (102, "21.03.2025"), (103, "25.03.2025"),
                        (104, "26.03.2025"), (105, "01.04.2025"))), encoding="utf-8")
    later.write_text("Сформирован: 26.03.2025 10:00\n" + EDMS_HEADER
                     + "01-20/106;26.03.2025;Отдел культуры;-;09.04.2025;-;-;-;На исполнении\n", encoding="utf-8")
    load.load_file(con, first)
    model.build(con, directory)
    covered = con.execute("select max(load_id) from load_log").fetchone()[0]
    load.load_file(con, later)
    model.build(con, directory, since=covered)
    redone = {r[0].split("/")[-1] for r in con.execute("select task_id from mart_tasks_delta "
                                                             "where task_id is not null").fetchall()}
    assert redone == {"100", "101", "106"}  # terms before 26 March, and the new document
    outcomes = dict(con.execute("select split_part(task_id, '/', -1), outcome || ' ' || due_date "
                                "from mart_tasks").fetchall())
    assert outcomes == {"100": "overdue 2025-03-19", "101": "overdue 2025-03-20", "102": "open 2025-03-26",
                        "103": "open 2025-03-26", "104": "open 2025-03-26", "105": "open 2025-04-01",
                        "106": "open 2025-04-09"}
    scoped = {t: sorted(con.execute(f"from {t}").fetchall(), key=repr) for t in ROLLED_UP}
    model.build(con, directory)
    for t in ROLLED_UP:
        assert scoped[t] == sorted(con.execute(f"from {t}").fetchall(), key=repr), t


def test_the_tasks_measured_again_after_an_incremental_build():
    """_REDO_TASKS lists every task whose measure may have moved between the two dates, and no other."""
    import duckdb

    con = duckdb.connect()
    con.execute("""
        create macro is_settled(source, is_periodic, outcome, is_due) as (
            coalesce(source = 'edms' and not is_periodic and outcome in ('on_time', 'late') and is_due, false));
        create table mart_tasks as select * from (values
            ('settled', 'edms', false, 'on_time', true, date '2026-01-02'),
            ('settled', 'edms', false, 'late', true, date '2026-01-02'),
            ('open', 'edms', false, 'in_progress', false, date '2026-01-02'),
            ('half', 'edms', false, 'on_time', true, date '2026-01-02'),
            ('half', 'edms', false, 'overdue', true, date '2026-01-02'),
            ('protocol', 'protocol', false, 'on_time', true, date '2026-01-02'),
            ('rebuilt', 'edms', false, 'on_time', true, date '2026-01-02'),
            ('executed_between', 'edms', false, 'late', true, date '2026-01-02'),
            ('seen_between', 'edms', false, 'late', true, date '2026-01-02'),
            -- open with the term on the new date or later: still open then (kept) ...
            ('open_term_on_the_new_date', 'edms', false, 'open', false, date '2026-01-06'),
            ('open_term_ahead', 'edms', false, 'open', false, date '2026-02-01'),
            -- ... but overdue when the term is before it, measured again
            ('open_term_passed', 'edms', false, 'open', false, date '2026-01-05'),
            ('open_without_term', 'edms', false, 'open', false, null),
            ('open_protocol_ahead', 'protocol', false, 'open', false, date '2026-02-01'),
            ('open_periodic_ahead', 'edms', true, 'open', false, date '2026-02-01'),
            ('open_ahead_rebuilt', 'edms', false, 'open', false, date '2026-02-01'),
            ('open_ahead_seen_between', 'edms', false, 'open', false, date '2026-02-01'))
            as t(task_id, source, is_periodic, outcome, is_due, due_date);
        create view tasks as select * from mart_tasks;  -- the view adds is_due to the stored rows
        create temp table old_ids as select * from (values ('rebuilt'), ('open_ahead_rebuilt')) as t(document_id);
        create table status_history as select * from (values
            ('settled', timestamp '2026-01-02 10:00', timestamp '2026-01-03 10:00'),
            ('seen_between', timestamp '2026-01-06 09:00', null),
            ('open_ahead_seen_between', timestamp '2026-01-06 09:00', null),
            ('executed_between', timestamp '2026-01-02 09:00', timestamp '2026-01-06 17:00'))
            as t(task_id, valid_from, executed_at);
        create table task_assignments as select * from (values
            ('settled', date '2026-01-02', null::timestamp), ('open', date '2026-01-02', null),
            ('assigned_between', date '2026-01-06', null), ('not_in_the_mart', date '2025-12-01', null))
            as t(task_id, assigned_date, executed_at);
    """)
    con.execute(model._REDO_TASKS.format(main="memory.main", d1="date '2026-01-05'", d2="date '2026-01-06'"))
    got = {r[0] for r in con.execute("select task_id from redo_tasks").fetchall()}
    assert got == {"open", "half", "protocol", "rebuilt", "executed_between", "seen_between",
                   "assigned_between", "not_in_the_mart", "open_term_passed", "open_without_term",
                   "open_protocol_ahead", "open_periodic_ahead", "open_ahead_rebuilt", "open_ahead_seen_between"}


# the steps that carry every wide row: a statement that stores one of them (DuckDB stores a CTE read
# more than once unless it is `not materialized`) spilled 6.2–6.5 GB to disk at national scale
WIDE_STEPS = {
    "task_assignments": {"edms_rows", "edms_cells", "edms_executors", "edms", "protocols", "appeals",
                         "all_executors"},
    "tasks_as_of": {"versioned", "extensions", "facts", "classified", "term_kinds"},
}


def test_the_wide_steps_of_the_task_assignments_and_the_tasks_mart_are_never_stored(demo_db, tmp_path):
    copy = tmp_path / "plan.duckdb"
    shutil.copy(demo_db, copy)
    shutil.copy(db.private_path(demo_db), db.private_path(copy))
    con = db.connect(copy)
    try:
        con.begin()
        con.execute((SQL / "core" / "00_edms_latest.sql").read_text(encoding="utf-8"))
        assignments = (SQL / "core" / "02_task_assignments.sql").read_text(encoding="utf-8")
        plans = {
            "task_assignments": db.statements(assignments)[-1],
            "tasks_as_of": "select * from task_measure((select as_of from data_as_of))",
        }
        for name, sql in plans.items():
            stored = set(re.findall(r"CTE Name:\s*(\w+)", con.execute(f"explain {sql}").fetchall()[0][1]))
            assert stored, f"{name}: no stored step found in the plan (has EXPLAIN's format changed?)"
            assert not stored & WIDE_STEPS[name], name
        con.rollback()
    finally:
        con.close()
