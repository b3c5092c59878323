"""The working-day calendar: package data, moved days off, overrides, and arithmetic as a SQL join."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import calendar, model, org
from tests.conftest import rows

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return calendar.build(2024, 2026)


@pytest.mark.parametrize(("year", "working_days"), [(2024, 249), (2025, 246), (2026, 247)])
def test_working_days_per_year_match_the_official_calendar(cal, year, working_days):
    assert cal[[d.year == year for d in cal["date"]]]["is_working_day"].sum() == working_days


@pytest.mark.parametrize(("day", "working", "kind"), [
    (D(2025, 1, 3), False, "day_off_moved"),     # bridge day off for the working Sunday
    (D(2025, 1, 5), True, "working_weekend"),    # the working Sunday 5 January 2025
    (D(2025, 1, 7), False, "holiday"),           # Orthodox Christmas, not moved
    (D(2025, 3, 21), False, "holiday"),          # Nauryz
    (D(2025, 3, 24), False, "day_off_moved"),    # Nauryz days on the weekend moved to Monday...
    (D(2025, 3, 25), False, "day_off_moved"),    # ...and Tuesday
    (D(2025, 3, 26), True, "working"),
    (D(2025, 3, 10), False, "day_off_moved"),    # 8 March on Saturday
    (D(2025, 6, 6), False, "holiday"),           # Kurban ait 2025
    (D(2024, 6, 17), True, "working"),           # override: no day off for Kurban ait on Sunday 16.06.2024
    (D(2026, 8, 31), True, "working"),           # override: Constitution Day 2026 dropped
    (D(2025, 3, 22), False, "holiday"),          # a holiday on a Saturday stays a day off
])
def test_special_days(cal, day, working, kind):
    row = cal.loc[cal["date"] == day].iloc[0]
    assert (bool(row["is_working_day"]), row["day_kind"]) == (working, kind)


def test_every_override_names_its_act():
    for o in calendar.load_overrides():
        assert o["act"] and o["name_ru"] and o["name_kk"]


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2025, 3, 20), 1, D(2025, 3, 26)),   # Thursday before Nauryz + 1 WD -> Wednesday after
    (D(2025, 3, 19), 1, D(2025, 3, 20)),   # the day before: no holiday in between
    (D(2025, 3, 21), 1, D(2025, 3, 26)),   # from a holiday: the first working day after
    (D(2025, 1, 2), 1, D(2025, 1, 5)),     # across 3 Jan (off) to the working Sunday
    (D(2025, 1, 5), 1, D(2025, 1, 6)),
    (D(2025, 1, 4), 1, D(2025, 1, 5)),     # Saturday 4 Jan + 1 WD = Sunday 5 Jan (working)
    (D(2025, 3, 26), -1, D(2025, 3, 20)),  # one WD before the Wednesday after Nauryz
    (D(2025, 3, 27), -2, D(2025, 3, 20)),
    (D(2025, 3, 22), -1, D(2025, 3, 20)),  # one WD before a Saturday holiday: the Thursday
    (D(2025, 1, 6), -1, D(2025, 1, 5)),
    (D(2025, 1, 6), -2, D(2024, 12, 31)),  # across 1-3 Jan
    (D(2025, 3, 5), 15, D(2025, 4, 1)),    # 15 WD from 5 March: skips 10 March and Nauryz
])
def test_add_working_days(cal, start, n, expected):
    assert calendar.add_working_days(cal, start, n) == expected


def test_sql_join_matches_reference(con, cal):
    model.write_reference(con, org.load())
    cases = [(D(2025, 3, 20), 1), (D(2025, 1, 2), 1), (D(2025, 3, 22), -1), (D(2025, 3, 5), 15),
             (D(2025, 1, 4), 1), (D(2025, 1, 6), -2)]
    for start, n in cases:
        got = rows(con, """
            select t.date from calendar as s
            inner join calendar as t
                on t.wd_index = case when ? >= 0 then s.wd_index + ? else s.wd_index_next + ? end
                and t.is_working_day
            where s.date = ?
        """, [n, n, n, start])
        assert got == [(calendar.add_working_days(cal, start, n),)]


def test_calendar_table_is_complete(con):
    model.write_reference(con, org.load())
    (n, first, last) = rows(con, "select count(*), min(date), max(date) from calendar")[0]
    assert (first, last) == (D(2020, 1, 1), D(2030, 12, 31)) and n == (last - first).days + 1
