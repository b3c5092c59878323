"""The measures, on a hand-computed fixture: a dozen tasks across Nauryz and 1 May, with
extensions, a co-executor, an executed-without-card case (R-9.21), an urgent task, an appeal
and a monthly protocol task. Report date: 15.04.2025 (the exports' own date)."""

from __future__ import annotations

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
