"""Where the project's data, SQL and expectations live, and the default database."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SQL = ROOT / "sql"
EXPECTATIONS = ROOT / "expectations"
DEFAULT_ORG = DATA / "org" / "otyrar.toml"
SETTINGS = DATA / "settings.toml"
CALENDAR_OVERRIDES = DATA / "calendar_overrides.toml"
HOLIDAY_NAMES = DATA / "holiday_names.toml"


def default_db() -> Path:
    """The database file: $TARTIP_DB if set, else data/tartip.duckdb."""
    return Path(os.environ.get("TARTIP_DB", DATA / "tartip.duckdb"))
