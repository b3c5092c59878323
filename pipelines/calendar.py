"""The Kazakhstan working-day calendar: `holidays` (KZ) plus the override file, with a running index."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import holidays
import pandas as pd

from pipelines.paths import CALENDAR_OVERRIDES, HOLIDAY_NAMES

_SUBSTITUTED = re.compile(r"Day off \(substituted from (\d\d)/(\d\d)/(\d{4})\)")


def load_overrides(path: Path = CALENDAR_OVERRIDES) -> list[dict]:
    """Return the override entries (date, kind, names, act) of the calendar override file."""
    with open(path, "rb") as f:
        entries = tomllib.load(f).get("override", [])
    for e in entries:
        if e["kind"] not in ("day_off", "working_day"):
            raise ValueError(f"{path}: {e['date']}: kind must be day_off or working_day")
    return entries


def _names_ru_kk(en: str, names: dict) -> tuple[str, str]:
    """Translate one of the package's English holiday names into (ru, kk)."""
    base = re.sub(r"\s*\((observed|estimated)\)", "", en)
    m = _SUBSTITUTED.match(en)
    if m:
        d = f"{m.group(2)}.{m.group(1)}.{m.group(3)}"  # the package writes mm/dd/yyyy
        return (f"Перенесённый выходной (за {d})", f"Ауыстырылған демалыс ({d} орнына)")
    entry = names.get(base, {"ru": base, "kk": base})
    ru, kk = entry["ru"], entry["kk"]
    if "(observed)" in en:
        ru, kk = f"{ru} (перенос)", f"{kk} (ауыстыру)"
    return ru, kk


def build(first_year: int, last_year: int, overrides: list[dict] | None = None) -> pd.DataFrame:
    """Return one row per day of the years: kind, names, is_working_day and working-day indexes.

    wd_index is the number of working days on or before the date (a day off carries
    the index of the working day before it); wd_index_next is the index of the first
    working day on or after the date. "N WD after d" is the working day with index
    wd_index(d) + N; "N WD before e" is the one with wd_index_next(e) - N.
    """
    years = range(first_year, last_year + 1)
    en = holidays.country_holidays("KZ", years=years, language="en_US")
    kk = holidays.country_holidays("KZ", years=years, language="kk")
    with open(HOLIDAY_NAMES, "rb") as f:
        names = tomllib.load(f)["names"]
    overrides = load_overrides() if overrides is None else overrides
    by_date = {e["date"]: e for e in overrides}
    weekend_workdays = set(getattr(en, "weekend_workdays", set()))
    rows = []
    day = dt.date(first_year, 1, 1)
    while day.year <= last_year:
        weekend = day.weekday() >= 5
        name_en = en.get(day)
        kind = "weekend" if weekend else "working"
        name_ru = name_kk = None
        if name_en:
            name_ru, _ = _names_ru_kk(name_en, names)
            name_kk = kk.get(day)
            kind = "day_off_moved" if ("observed" in name_en or "Day off" in name_en) else "holiday"
        if day in weekend_workdays:
            kind, name_en = "working_weekend", "Working day (transferred)"
            name_ru, name_kk = "Рабочий день (перенос)", "Жұмыс күні (ауыстыру)"
        working = kind in ("working", "working_weekend")
        act = None
        if day in by_date:
            o = by_date[day]
            working = o["kind"] == "working_day"
            kind = ("working_weekend" if weekend else "working") if working else "day_off_moved"
            name_en, name_ru, name_kk, act = o.get("name_en"), o["name_ru"], o["name_kk"], o["act"]
        rows.append((day, working, kind, name_en, name_ru, name_kk, act))
        day += dt.timedelta(days=1)
    df = pd.DataFrame(
        rows,
        columns=["date", "is_working_day", "day_kind", "name_en", "name_ru", "name_kk", "act"],
    )
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["wd_index"] = df["is_working_day"].astype("int64").cumsum()
    df["wd_index_next"] = df["wd_index"] + (~df["is_working_day"]).astype("int64")
    return df


def add_working_days(cal: pd.DataFrame, start: dt.date, n: int) -> dt.date:
    """Return the date N working days after (n > 0) or before (n < 0) start, on a built calendar.

    The reference implementation of the SQL join, for tests and small scripts.
    """
    row = cal.loc[cal["date"] == start].iloc[0]
    idx = row["wd_index"] + n if n >= 0 else row["wd_index_next"] + n
    hit = cal.loc[(cal["wd_index"] == idx) & cal["is_working_day"], "date"]
    return hit.iloc[0]


def year_summary(cal: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (special days of the year, working days per month) for printing."""
    y = cal[pd.to_datetime(cal["date"]).dt.year == year]
    special = y[y["day_kind"].isin(["holiday", "day_off_moved", "working_weekend"])
                | y["act"].notna()]
    months = (
        y.assign(month=pd.to_datetime(y["date"]).dt.month)
        .groupby("month")
        .agg(days=("date", "size"), working_days=("is_working_day", "sum"))
        .reset_index()
    )
    return special, months


def previous_month(d: dt.date) -> dt.date:
    """The first day of the month before d's month."""
    return (d.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_end(d: dt.date) -> dt.date:
    """The last day of d's month."""
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
