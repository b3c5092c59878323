"""The one settings file of terms and limits (data/settings.toml), read once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.paths import SETTINGS


@dataclass(frozen=True)
class Term:
    """A term of the regulation: N working (wd) or calendar (cd) days, after or before."""

    key: str
    days: int
    unit: str
    rule: str
    before: bool = False


@cache
def load(path: Path = SETTINGS) -> dict:
    """Return the parsed settings file."""
    with open(path, "rb") as f:
        return tomllib.load(f)


@cache
def terms(path: Path = SETTINGS) -> dict[str, Term]:
    """Return every term of the settings file by its key (made once, like `load`: 274 calls a day's run)."""
    return {
        key: Term(key, int(t["days"]), t["unit"], t["rule"], bool(t.get("before", False)))
        for key, t in load(path)["terms"].items()
    }


def term(key: str) -> Term:
    """Return one term by key (KeyError names a missing setting)."""
    return terms()[key]


def sql_params() -> dict:
    """The settings the SQL of the marts and rules is written with, by placeholder name.

    tasks_as_of counts the default document term in calendar days and the urgent and appeal
    terms in working days: a unit changed in the settings file is refused here, by name, rather
    than silently counted the other way.
    """
    cal = load()["calendar"]
    units = {"document_default": "cd", "document_urgent": "wd", "appeal_answer": "wd", "appeal_extension_max": "cd"}
    for key, unit in units.items():
        if term(key).unit != unit:
            raise ValueError(f"data/settings.toml: terms.{key} must be counted in {unit}, not {term(key).unit}")
    return {
        "default_cd": term("document_default").days,
        "urgent_wd": term("document_urgent").days,
        "appeal_wd": term("appeal_answer").days,
        "appeal_extension_cd": term("appeal_extension_max").days,
        "move_day_off": "true" if cal["deadline_on_day_off_moves"] else "false",
        "workday_end": cal["workday_end"],
    }


def rate_band(rate) -> str:
    """'good' / 'warn' / 'bad' by the thresholds of data/settings.toml [display]; 'none' without a rate."""
    from pipelines.i18n import missing

    if missing(rate):
        return "none"
    d = load()["display"]
    return "good" if rate >= d["rate_good"] else "warn" if rate >= d["rate_warn"] else "bad"
