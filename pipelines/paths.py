"""Where the project's data, SQL and expectations live, and the default database."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

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


def while_unchanged(read: Callable[[Path], T]) -> Callable[[Path], T]:
    """Keep what read(path) made for as long as the file keeps its size and modification time: a
    long-lived process (the inbox watcher) reads it once, not at every load, and sees an edit."""
    @functools.lru_cache(maxsize=16)
    def cached(path: Path, mtime_ns: int, size: int) -> T:
        return read(path)

    @functools.wraps(read)
    def wrapper(path: Path) -> T:
        path = Path(path)
        st = path.stat()
        return cached(path, st.st_mtime_ns, st.st_size)

    return wrapper
