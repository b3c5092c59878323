"""Benchmark: every rule of the catalogue on a loaded database (national scale by default).

Run benchmarks/ingest.py --keep first; it leaves the national database in its folder.
Prints seconds and records checked per rule, total wall time and peak memory.

Usage: python benchmarks/validate.py [--db FILE]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "tartip-bench" / "bench.duckdb")
    args = ap.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} not found: run `python benchmarks/ingest.py --keep` first")
    from pipelines import db
    from pipelines.validate import run

    con = db.connect(args.db)
    db.init(con)
    tasks = db.one(con, "select count(*) from task_assignments")[0]
    t = time.perf_counter()
    run_id, results, docs = run.run(con, docs_root=args.db.parent / "docs")
    total = time.perf_counter() - t
    con.close()
    print(f"database   {args.db} ({tasks:,} task assignments), validation run #{run_id}")
    print(f"{'rule':18} {'kind':9} {'checked':>12} {'violations':>11} {'seconds':>8}")
    for r in results:
        print(f"{r.rule.id:18} {r.rule.kind:9} {r.checked:>12,} {r.violations:>11,} {r.seconds:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {total:.1f} s (GX suites include building the Data Docs), peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
