"""Benchmark: how long each dashboard page takes to render (Streamlit AppTest, no browser).

Runs every page on a database (default: the demo, data/tartip.duckdb) in one process, as the
server would: cold (empty query cache) and warm (same filters again), in milliseconds.

Usage: python benchmarks/pages.py [--db FILE] [--month YYYY-MM]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = ["overview", "departments", "protocols", "appeals", "quality", "sql_console", "slides"]


def script(page, db, month):
    import importlib
    import os

    import streamlit as st

    os.environ["TARTIP_DB"] = db
    st.query_params.from_dict({"lang": "ru", "month": month})
    from dashboards import auth, context
    from pipelines import audit, users

    # pages render behind the login: time them as the head of the apparatus (no password to check here)
    st.session_state.setdefault(auth.KEY, auth.Session("benchmark", users.role("head"), None, "benchmark",
                                                       audit.now()))

    lang = context.language()
    importlib.import_module(f"dashboards.views.{page}").render(context.sidebar(lang))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path("data/tartip.duckdb"))
    ap.add_argument("--month", default="2025-10")
    args = ap.parse_args()
    # the server is a long-lived process: pay the imports once, then start from an empty cache
    AppTest.from_function(script, args=("overview", str(args.db.resolve()), args.month), default_timeout=120).run()
    import streamlit as st

    st.cache_data.clear()
    print(f"{'page':14} {'cold ms':>9} {'warm ms':>9}   (cold: empty query cache; warm: same filters again)")
    for page in PAGES:
        at = AppTest.from_function(script, args=(page, str(args.db.resolve()), args.month), default_timeout=120)
        t = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        at.run()
        warm = (time.perf_counter() - t) * 1000
        status = "" if not at.exception else f"  EXCEPTION {at.exception[0].value}"
        print(f"{page:14} {cold:9.0f} {warm:9.0f}{status}")


if __name__ == "__main__":
    main()
