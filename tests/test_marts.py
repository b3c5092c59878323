"""The measures, on a hand-computed fixture: a dozen tasks across Nauryz and 1 May, with
extensions, a co-executor, an executed-without-card case (R-9.21), an urgent task, an appeal
and a monthly protocol task. Report date: 15.04.2025 (the exports' own date)."""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import rows

FILES = ("marts/edms.csv", "marts/protocols.csv", "marts/appeals.csv")


@pytest.fixture
def loaded(con, ingest):
    ingest(*FILES)
    return con


# task (reg no or protocol occurrence), department, role, original due, due, executed, outcome, WD late, ext
EXPECTED_TASKS = [
    ("T1", "DEP-CULT", "responsible", "2025-03-12", "2025-03-12", "2025-03-12", "on_time", 0, 0),
    ("T2", "DEP-CULT", "responsible", "2025-03-12", "2025-03-12", "2025-03-14", "late", 2, 0),
    ("T3", "DEP-CULT", "responsible", "2025-03-21", "2025-03-26", "2025-03-26", "on_time", 0, 0),  # Nauryz
    ("T4", "DEP-EDU", "responsible", "2025-03-21", "2025-03-26", "2025-03-27", "late", 1, 0),
    ("T5", "DEP-EDU", "responsible", "2025-03-20", "2025-03-31", "2025-03-31", "on_time", 0, 1),  # extended
    ("T6", "DEP-CULT", "responsible", "2025-03-12", "2025-03-12", None, "overdue", 21, 0),  # no card
    ("T7", "DEP-CULT", "responsible", "2025-03-12", "2025-03-12", "2025-03-12", "on_time", 0, 0),
    ("T7", "DEP-EDU", "co_executor", "2025-03-12", "2025-03-12", "2025-03-12", "on_time", 0, 0),
    ("T8", "DEP-EDU", "responsible", "2025-04-30", "2025-04-30", None, "open", 0, 0),
    ("T9", "DEP-EDU", "responsible", "2025-05-01", "2025-05-02", None, "open", 0, 0),  # 30 cd, 1 May off
    ("T11", "DEP-EDU", "responsible", "2025-04-30", "2025-04-30", "2025-04-10", "on_time", 0, 0),  # early
    ("T10", "DEP-CULT", "responsible", "2025-03-28", "2025-03-28", None, "overdue", 12, 0),  # urgent: 3 WD
    ("A1", "DEP-EDU", "responsible", "2025-04-01", "2025-04-01", "2025-04-02", "late", 1, 0),  # 15 WD
    ("5 п.1 #1", "DEP-EDU", "responsible", None, "2025-02-05", None, "overdue", 45, 0),
    ("5 п.1 #2", "DEP-EDU", "responsible", None, "2025-03-05", "2025-03-05", "on_time", 0, 0),
    ("5 п.1 #3", "DEP-EDU", "responsible", None, "2025-04-07", None, "overdue", 6, 0),  # 5 Apr is Saturday
]


def test_tasks_outcomes_match_the_hand_computed_ones(loaded):
    got = rows(loaded, """
        select coalesce(reg_no, protocol_no || ' п.' || item_no || ' #' || occurrence_no), department_code,
               executor_role, original_due_date::varchar, due_date::varchar, executed_date::varchar,
               outcome, working_days_late, extension_count
        from tasks
    """)
    assert sorted(got) == sorted(EXPECTED_TASKS)


def test_tasks_contract_columns(loaded):
    cols = {r[0] for r in rows(loaded, "select column_name from information_schema.columns "
                                        "where table_name = 'tasks'")}
    assert {"task_id", "source", "reg_no", "protocol_no", "item_no", "meeting_type", "department_code",
            "department_name_kk", "department_name_ru", "executor_role", "is_coordinator", "assigned_date",
            "original_due_date", "due_date", "extension_count", "executed_date", "has_execution_card",
            "outcome", "working_days_late"} <= cols


# period, department, due, on time, late, overdue, rate
EXPECTED_RATES = [
    ("2025-02-01", "DEP-EDU", 1, 0, 0, 1, 0.0),
    ("2025-03-01", "DEP-CULT", 6, 3, 1, 2, 0.5),
    ("2025-03-01", "DEP-EDU", 4, 3, 1, 0, 0.75),
    ("2025-04-01", "DEP-EDU", 2, 0, 1, 1, 0.0),  # T11, executed early with its term ahead, is not due
    ("2025-05-01", "DEP-EDU", 0, 0, 0, 0, None),
]


def test_execution_rates_per_department_and_month(loaded):
    got = rows(loaded, """
        select period_start::varchar, department_code, due_count, on_time_count, late_count, overdue_count,
               on_time_rate
        from execution_rates order by 1, 2
    """)
    assert got == EXPECTED_RATES
    assert rows(loaded, "select department_code, rank from execution_rates "
                        "where period_start = '2025-03-01' order by rank") == [("DEP-EDU", 1), ("DEP-CULT", 2)]


def test_summary_rolls_up_by_block_source_and_period(loaded):
    by_source = dict(rows(loaded, "select dimension_code, due_count from execution_summary "
                                  "where period_kind = 'quarter' and period_start = '2025-01-01' "
                                  "and dimension = 'source'"))
    # totals count each task once: T7 has two executors (one row each in the units' figures)
    assert by_source == {"edms": 8, "protocol": 2}  # the appeal falls due in April
    (blk,) = rows(loaded, "select due_count, on_time_count from execution_summary where period_kind = 'month' "
                          "and period_start = '2025-03-01' and dimension = 'block' and dimension_code = 'DEP-2'")
    assert blk == (9, 5)  # culture and education are both in the social block; T7 once
    units = rows(loaded, "select sum(due_count) from execution_summary where period_kind = 'month' "
                         "and period_start = '2025-03-01' and dimension = 'department'")[0][0]
    assert units == 10  # ... but each executor answers for its own part


def test_the_current_month_is_not_flattered_by_early_work(loaded):
    # as of 15.04, T11 (term 30.04) is executed but not yet due; T8 is open
    (t11,) = rows(loaded, "select outcome, is_due from tasks where reg_no = 'T11'")
    assert t11 == ("on_time", False)
    (april,) = rows(loaded, "select due_count, early_count, open_count, is_complete from execution_summary "
                            "where period_kind = 'month' and period_start = '2025-04-01' and dimension = 'all'")
    assert april == (2, 1, 1, False)
    # on its own term day the executed task counts: as of 30.04 T11 is due and on time
    (due,) = rows(loaded, "select is_due from task_measure(date '2025-04-30') where reg_no = 'T11'")
    assert due == (True,)


def test_rates_macro_equals_the_summary_for_any_range(loaded):
    got = rows(loaded, "select due_count, on_time_count, late_count, overdue_count from rates("
                       "date_from := date '2025-03-01', date_to := date '2025-03-31')")
    assert got == rows(loaded, "select due_count, on_time_count, late_count, overdue_count from execution_summary "
                               "where period_kind = 'month' and period_start = '2025-03-01' and dimension = 'all'")
    one = rows(loaded, "select dimension_code, due_count from rates(date_from := date '2025-03-01', "
                       "date_to := date '2025-03-31', departments := ['DEP-EDU'])")
    assert one == [("all", 4)]  # a unit's filter counts its executor rows, T7's co-executor included


def test_the_summary_is_every_single_period_and_dimension_call(loaded):
    """execution_summary (one rates call over every kind of period and dimension) holds exactly the
    rows of the twenty single calls, ranks included (a rank never mixes periods or dimensions)."""
    singles = "select * from (" + " union all ".join(
        f"select * from rates(period := '{p}', dim := '{d}')"
        for p in ("week", "month", "quarter", "year")
        for d in ("all", "department", "block", "source", "meeting_type")) + ")"
    both = rows(loaded, f"select count(*) from ({singles}) as s")[0][0]
    assert both == rows(loaded, "select count(*) from execution_summary")[0][0] > 20
    for a, b in ((singles, "select * from execution_summary"), ("select * from execution_summary", singles)):
        assert rows(loaded, f"select count(*) from ({a} except all {b})") == [(0,)]
    assert rows(loaded, "select count(*) from execution_summary where rank > 1") != [(0,)]


def test_average_lateness_is_null_without_late_tasks(loaded):
    (row,) = rows(loaded, "select late_count + overdue_count, avg_working_days_late from rates("
                          "date_from := date '2025-03-12', date_to := date '2025-03-12', "
                          "departments := ['DEP-EDU'])")
    assert row == (0, None)


def test_organisations_never_add_up(con, ingest):
    ingest(*FILES)
    # a second organisation with the same unit codes: its rows stay apart in every figure
    con.execute("create table other as select * replace ('Другой район' as org_name) from daily_execution")
    con.execute("create table both_orgs as select * from daily_execution union all select * from other")
    got = rows(con, "select org_name, dimension_code, due_count from rates(src := 'both_orgs', "
                    "date_from := date '2025-03-01', date_to := date '2025-03-31', dim := 'department') "
                    "order by 1, 2")
    assert got == [("", "DEP-CULT", 6), ("", "DEP-EDU", 4), ("Другой район", "DEP-CULT", 6),
                   ("Другой район", "DEP-EDU", 4)]
    ranks = rows(con, "select org_name, rank from rates(src := 'both_orgs', date_from := date '2025-03-01', "
                      "date_to := date '2025-03-31', dim := 'department') where dimension_code = 'DEP-EDU'")
    assert sorted(ranks) == [("", 1), ("Другой район", 1)]  # ranked within each organisation


def test_as_of_a_past_date(loaded):
    got = dict(rows(loaded, "select reg_no, outcome from tasks_as_of(date '2025-03-13') where source = 'edms' "
                            "and executor_role = 'responsible'"))
    assert got["T2"] == "overdue"  # executed on 14.03: not yet on 13.03
    assert got["T1"] == "on_time"
    assert "T8" not in got  # registered after the report date
    (late,) = rows(loaded, "select working_days_late from tasks_as_of(date '2025-03-13') where reg_no = 'T2'")
    assert late == (1,)


def test_validation_reads_the_same_measure(loaded):
    from pipelines.validate import run

    run.run(loaded, ["R-9.15-DUE", "R-8.5-TASK", "APPC-76-ANSWER"])
    flagged = rows(loaded, "select count(*) from violations")[0][0]
    in_tasks = rows(loaded, "select count(*) from tasks where outcome in ('late', 'overdue')")[0][0]
    assert flagged == in_tasks == 7


# ------------------------------------------------------------------ every task judged or listed (issue 14)
def export(path, title: str, kind: str, records: list[dict]) -> None:
    """A CSV export headed by «Сформирован: title» (the export's own date)."""
    from tests.test_rules import write_export

    write_export(path, kind, records)
    path.write_text(f"Сформирован: {title}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def protocol_item(item: str, due: str, executed: str = "", extension: str = "", status: str = "") -> dict:
    return {"meeting_type": "Аппаратное совещание", "protocol_no": "9", "meeting_date": "03.02.2025",
            "protocol_date": "03.02.2025", "controller": "Орг. отдел", "item_no": item, "task_text": "x",
            "executors": "Отдел культуры", "due_text": due, "executed_at": executed,
            "execution_info": "Исх. №1" if executed else "", "extension": extension,
            "status": status or ("Исполнен" if executed else "На исполнении")}


# item, term as written, executed, extension cell -> [(due date, outcome, WD late, not judged reason)]
TERMS = [
    ("1", "до 14.03.2025", "14.03.2025", "", [("2025-03-14", "on_time", 0, None)]),
    ("2", "14.03.2025 ж. дейін", "17.03.2025", "", [("2025-03-14", "late", 1, None)]),
    ("3", "14.03.2025г.", "", "", [("2025-03-14", "overdue", 79, None)]),
    ("4", "до конца года", "", "", [("2025-12-31", "open", 0, None)]),
    ("5", "жыл соңына дейін", "", "", [("2025-12-31", "open", 0, None)]),
    ("6", "постоянно", "", "", [(None, "not_judged", None, "permanent")]),
    ("7", "по мере необходимости", "", "", [(None, "not_judged", None, "unreadable_term")]),
    ("8", "", "", "", [(None, "not_judged", None, "no_term")]),
    # half-yearly: the half-year's last day; yearly: not due before 31.12 -> listed, not dropped
    ("9", "жарты жыл сайын", "", "", [("2025-06-30", "overdue", 10, None)]),  # 7 July (Capital Day moved) is off
    ("10", "ежегодно", "", "", [(None, "not_judged", None, "first_term_after_report_date")]),
    ("11", "ежеквартально до 10 числа", "", "", [("2025-04-10", "overdue", 63, None),
                                                 ("2025-07-10", "overdue", 3, None)]),
    # extensions: count only when decided on or before the term then in force (R-11.6(4));
    # 08.03.2025 is a Saturday and a holiday whose day off moved to Monday 10.03: the term is met on 11.03
    ("12", "07.03.2025", "28.03.2025", "до 31.03.2025 (письмо №5 от 07.03.2025)",
     [("2025-03-31", "on_time", 0, None)]),
    ("13", "07.03.2025", "28.03.2025", "до 31.03.2025 (письмо №6 от 11.03.2025)",
     [("2025-03-07", "late", 11, None)]),
    ("14", "08.03.2025", "28.03.2025", "до 31.03.2025 (письмо №7 от 11.03.2025)",
     [("2025-03-31", "on_time", 0, None)]),
    ("15", "08.03.2025", "28.03.2025", "до 31.03.2025 (письмо №8 от 12.03.2025)",
     [("2025-03-11", "late", 10, None)]),
    ("16", "08.03.2025", "28.03.2025", "31.03.2025 дейін (11.03.2025 ж. хат)",
     [("2025-03-31", "on_time", 0, None)]),
]


def test_every_protocol_term_is_judged_or_listed_with_the_reason(con, directory, tmp_path):
    from pipelines import load, model

    path = tmp_path / "protocols.csv"
    export(path, "15.07.2025 10:00", "protocols", [protocol_item(i, d, e, x) for i, d, e, x, _ in TERMS])
    load.load_file(con, path)
    model.build(con, directory)
    for item, due, *_, expected in TERMS:
        got = rows(con, "select due_date::varchar, outcome, working_days_late, not_judged_reason "
                        "from tasks_as_of(date '2025-07-15') where item_no = ? order by occurrence_no", [item])
        assert got == expected, (item, due)


@pytest.mark.parametrize(("periodicity", "due", "count", "first", "last"), [
    # weekly on Friday: Friday 21.03.2025 (Nauryz) is met on Wednesday 26.03, Friday 09.05 on Monday 12.05
    # (the week of the report date is open, its Friday 18.07 still ahead)
    ("weekly", "еженедельно", 24, "2025-02-07", "2025-07-18"),
    # Saturday 05.07.2025 -> Monday 07.07 is the moved day off of Capital Day -> Tuesday 08.07
    ("monthly", "ежемесячно до 5 числа", 6, "2025-02-05", "2025-07-08"),
    ("quarterly", "тоқсан сайын", 2, "2025-03-31", "2025-06-30"),
    ("half_year", "полугодие", 1, "2025-06-30", "2025-06-30"),
    ("yearly", "жыл сайын", 0, None, None),
])
def test_each_periodicity_gets_its_occurrences(con, directory, tmp_path, periodicity, due, count, first, last):
    from pipelines import load, model

    path = tmp_path / "protocols.csv"
    export(path, "15.07.2025 10:00", "protocols", [protocol_item("1", due)])
    load.load_file(con, path)
    model.build(con, directory)
    (got,) = rows(con, "select count(*) filter (where outcome <> 'not_judged'), min(due_date)::varchar, "
                       "max(due_date)::varchar, any_value(periodicity) from tasks_as_of(date '2025-07-15')")
    assert got == (count, first, last, periodicity)
    if periodicity == "weekly":
        dues = {r[0] for r in rows(con, "select due_date::varchar from tasks_as_of(date '2025-07-15')")}
        assert {"2025-03-26", "2025-05-12"} <= dues and "2025-03-21" not in dues



# a weekly task's Friday 21.03.2025 (Nauryz) is met on Wednesday 26.03; the card's date -> the
# occurrences due 10.03–05.04 (due, outcome, executed)
CARD_SERVES = [
    # a card of 25.03 serves that occurrence only, and the next one (28.03) looks for a card after
    # 26.03, not after 21.03
    ("25.03.2025", [("2025-03-14", "overdue", None), ("2025-03-26", "on_time", "2025-03-25"),
                    ("2025-03-28", "overdue", None), ("2025-04-04", "overdue", None)]),
    # both sides of the boundary between two occurrences: a card on the moved term day 26.03 serves
    # that occurrence (on time, on its last day); the next one needs a card after 26.03
    ("26.03.2025", [("2025-03-14", "overdue", None), ("2025-03-26", "on_time", "2025-03-26"),
                    ("2025-03-28", "overdue", None), ("2025-04-04", "overdue", None)]),
]


@pytest.mark.parametrize("executed, expected", CARD_SERVES)
def test_a_card_serves_the_occurrence_whose_moved_term_it_precedes(con, directory, tmp_path, executed, expected):
    """Each occurrence of a periodic task takes the first card after the previous term, up to its own."""
    from pipelines import load, model

    path = tmp_path / "protocols.csv"
    export(path, "15.07.2025 10:00", "protocols", [protocol_item("1", "еженедельно", executed=executed)])
    load.load_file(con, path)
    model.build(con, directory)
    assert rows(con, "select due_date::varchar, outcome, executed_date::varchar from tasks_as_of(date '2025-07-15') "
                     "where due_date between '2025-03-10' and '2025-04-05' order by due_date") == expected


# reg no, first export (10.03.2025), second export (10.04.2025) -> outcome, due, WD late, reason
REMOVED = [
    # «Исполнен, снят с контроля» with a card is executed work: judged by the card (R-11.6(1))
    ("R1", {"due_date": "20.03.2025", "status": "На исполнении"},
     {"due_date": "20.03.2025", "status": "Исполнен, снят с контроля", "executed_at": "19.03.2025",
      "execution_note": "исполнено"}, ("on_time", "2025-03-20", 0, None)),
    # under control after its term in the first export, removed in the second: stays overdue,
    # late until the export that first shows it removed
    ("R2", {"due_date": "05.03.2025", "status": "На исполнении"},
     {"due_date": "05.03.2025", "status": "Снят с контроля"}, ("overdue", "2025-03-05", 22, None)),
    ("R3", {"due_date": "09.04.2025", "status": "На исполнении"},
     {"due_date": "09.04.2025", "status": "Снят с контроля"}, ("overdue", "2025-04-09", 1, None)),
    ("R4", {"due_date": "10.04.2025", "status": "На исполнении"},
     {"due_date": "10.04.2025", "status": "Снят с контроля"}, ("not_judged", "2025-04-10", 0, "removed_without_card")),
    # seen only removed: nothing shows it was ever under control past its term
    ("R5", None, {"due_date": "05.03.2025", "status": "Снят с контроля"},
     ("not_judged", None, None, "removed_without_card")),
    # extensions first seen in the export of 10.04: the term 14.03 had expired -> the old term stands
    ("E1", {"due_date": "14.03.2025", "status": "На исполнении"},
     {"due_date": "14.03.2025", "extended_due_date": "31.03.2025", "executed_at": "28.03.2025",
      "execution_note": "исполнено", "status": "Исполнен"}, ("late", "2025-03-14", 7, None)),
    # the same extension already in the export of 10.03, before the term: it counts
    ("E2", {"due_date": "14.03.2025", "extended_due_date": "31.03.2025", "status": "На исполнении"},
     {"due_date": "14.03.2025", "extended_due_date": "31.03.2025", "executed_at": "28.03.2025",
      "execution_note": "исполнено", "status": "Исполнен"}, ("on_time", "2025-03-31", 0, None)),
    # first seen with its extension: no export shows when it was granted -> it counts
    ("E3", None, {"due_date": "14.03.2025", "extended_due_date": "31.03.2025", "executed_at": "28.03.2025",
                  "execution_note": "исполнено", "status": "Исполнен"}, ("on_time", "2025-03-31", 0, None)),
    # term 10.03.2025 (a day off, moved to 11.03): the export of 10.03 shows the extension in time
    ("E4", {"due_date": "10.03.2025", "extended_due_date": "31.03.2025", "status": "На исполнении"},
     {"due_date": "10.03.2025", "extended_due_date": "31.03.2025", "executed_at": "28.03.2025",
      "execution_note": "исполнено", "status": "Исполнен"}, ("on_time", "2025-03-31", 0, None)),
]


def test_removed_tasks_and_late_extensions(con, directory, tmp_path):
    from pipelines import load, model

    base = {"reg_date": "03.03.2025", "responsible": "Отдел культуры"}
    first = [{"reg_no": n, **base, **a} for n, a, _, _ in REMOVED if a]
    second = [{"reg_no": n, **base, **b} for n, _, b, _ in REMOVED]
    export(tmp_path / "edms1.csv", "10.03.2025 10:00", "edms", first)
    export(tmp_path / "edms2.csv", "10.04.2025 10:00", "edms", second)
    load.load_file(con, tmp_path / "edms1.csv")
    load.load_file(con, tmp_path / "edms2.csv")
    model.build(con, directory)
    got = {r[0]: r[1:] for r in rows(con, "select reg_no, outcome, due_date::varchar, working_days_late, "
                                          "not_judged_reason from tasks_as_of(date '2025-04-15')")}
    for name, *_, expected in REMOVED:
        assert got[name] == expected, name
    # as of 14.03, before the late extension was seen, E1 was overdue, R2 too
    past = dict(rows(con, "select reg_no, outcome from tasks_as_of(date '2025-03-17')"))
    assert past["E1"] == "overdue" and past["R2"] == "overdue"


def test_a_forwarded_appeal_is_not_the_units(con, directory, tmp_path):
    from pipelines import load, model

    recs = [{"reg_no": "fw", "received_at": "05.03.2025 10:00", "registered_at": "05.03.2025",
             "appeal_kind": "Жалоба", "department": "Отдел образования", "forwarded_to": "Облыстық басқарма",
             "forwarded_at": "06.03.2025"},
            {"reg_no": "own", "received_at": "05.03.2025 10:00", "registered_at": "05.03.2025",
             "appeal_kind": "Жалоба", "department": "Отдел образования"}]
    export(tmp_path / "appeals.csv", "15.04.2025 10:00", "appeals", recs)
    load.load_file(con, tmp_path / "appeals.csv")
    model.build(con, directory)
    assert rows(con, "select reg_no, outcome, not_judged_reason from tasks_as_of(date '2025-04-15') order by 1") == [
        ("fw", "not_judged", "forwarded"), ("own", "overdue", None)]
    (due,) = rows(con, "select sum(due_count) from daily_execution")
    assert due == (1,)


def test_the_tasks_mart_is_the_measure_and_settled_rows_never_move(demo_db):
    # the mart, read through the tasks view, is task_measure as of the data date; a row is settled (kept
    # by an incremental build) only when it is an EDMS task, not periodic, due and executed: never open,
    # overdue or a register's
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        mart = rows(con, "select * from tasks order by all")
        measured = rows(con, "select * from task_measure((select as_of from data_as_of)) order by all")
        assert mart == measured and len(mart) > 1000
        # the view makes the ids the model made: each row's assignment is a row of task_assignments, and
        # its occurrence that assignment's id, with «~N» for a periodic task's numbered occurrence
        assert rows(con, "select count(*) from tasks anti join task_assignments using (assignment_id)") == [(0,)]
        kinds = rows(con, """
            select occurrence_id = assignment_id, occurrence_id = assignment_id || '~' || occurrence_no, count(*)
            from tasks group by all order by all""")
        assert kinds == [(False, True, kinds[0][2]), (True, False, kinds[1][2])] and kinds[0][2] > 10
        settled, unsettled = rows(con, """
            select count(*) filter (where is_settled(source, is_periodic, outcome, is_due)),
                   count(*) filter (where not is_settled(source, is_periodic, outcome, is_due))
            from tasks""")[0]
        assert settled > 0 and unsettled > 0 and settled + unsettled == len(mart)
        assert rows(con, """
            select count(*) from tasks where is_settled(source, is_periodic, outcome, is_due)
                and (source <> 'edms' or is_periodic or outcome in ('open', 'overdue') or not is_due)""")[0][0] == 0
    finally:
        con.close()
