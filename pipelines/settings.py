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


def terms(path: Path = SETTINGS) -> dict[str, Term]:
    """Return every term of the settings file by its key."""
    return {
        key: Term(key, int(t["days"]), t["unit"], t["rule"], bool(t.get("before", False)))
        for key, t in load(path)["terms"].items()
    }


def term(key: str) -> Term:
    """Return one term by key (KeyError names a missing setting)."""
    return terms()[key]
