"""Benchmark: the dashboard's queries on a published snapshot (national scale by default).

Each query of dashboards/queries.py runs N times through the dashboard's own path (open a
read-only connection, query, close; no cache) with the filters a user would set: one month,
then one department. Prints p50 and p95 per query in milliseconds.

Usage: python benchmarks/queries.py [--db FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import duckdb


def _largest_org(snap: Path) -> str | None:
    """The organisation the dashboard opens on (the one with the most task rows)."""
    c = duckdb.connect(str(snap), read_only=True)
    try:
        row = c.execute("select org_name from organisations order by task_rows desc limit 1").fetchone()
    finally:
        c.close()
    return row[0] if row else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "tartip-bench" / "bench.duckdb")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    from dashboards import queries
    from pipelines.publish import public_path

    snap = public_path(args.db)
    if not snap.exists():
        raise SystemExit(f"{snap} not found: run benchmarks/ingest.py --keep (it publishes) first")
    con = duckdb.connect(str(snap), read_only=True)
    as_of = con.execute("select as_of from data_as_of").fetchone()[0]
    n = con.execute("select count(*) from tasks").fetchone()[0]
    dep = con.execute("select department_code from daily_execution group by 1 order by sum(due_count) desc "
                      "limit 1").fetchone()[0]
    # the month with the most terms due: what a user looks at
    month = con.execute("select cast(date_trunc('month', due_date) as date) from daily_execution "
                        "where due_date <= ? group by 1 order by sum(due_count) desc limit 1", [as_of]).fetchone()[0]
    con.close()
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    # the organisation with the most tasks, as the sidebar picks it
    org = _largest_org(snap) or ""
    month_f = queries.Filters(month, end, orgs=(org,))
    scenarios = {"month": month_f, "month+department": dataclasses.replace(month_f, departments=(dep,))}
    print(f"snapshot   {snap} ({n:,} task rows), as of {as_of}, {args.runs} runs per query")
    print(f"{'query':24} {'filters':18} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8}")
    worst = 0.0
    for label, f in scenarios.items():
        for name, (sql, params) in queries.DASHBOARD_QUERIES(f, as_of).items():
            times, rows = [], 0
            for _ in range(args.runs):
                t = time.perf_counter()
                c = duckdb.connect(str(snap), read_only=True)
                rows = len(c.execute(sql, params).fetchall())
                c.close()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p50, p95 = statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]
            worst = max(worst, p95)
            print(f"{name:24} {label:18} {p50:8.1f} {p95:8.1f} {rows:8,}")
    print(f"worst p95: {worst:.0f} ms")


if __name__ == "__main__":
    main()
