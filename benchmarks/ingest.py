"""Benchmark: load the national-scale EDMS CSV and compare with DuckDB's bare read_csv of the same file.

Prints rows/s and peak memory of each step, each measured in a fresh process:
  1. reference: DuckDB `read_csv` of the file into a table (all columns as text), and a bare count;
  2. `tartip ingest` of the file (load into raw_edms with quarantine and counts);
  3. the model rebuild over the loaded rows.

Usage: python benchmarks/ingest.py [--scale national|region] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
exec(sys.argv[1])
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "result": globals().get("result")}))
"""


def measure(code: str) -> dict:
    """Run code in a fresh Python process; return its wall time, peak RSS and result."""
    out = subprocess.run([sys.executable, "-c", CHILD, code], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    # DuckDB may draw a progress bar on the same stream: take the JSON report after it
    return json.loads(out.stdout[out.stdout.rindex('{"seconds"'):].strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="national", choices=["national", "region"])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "tartip-bench")
    ap.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    csv = args.dir / f"edms_{args.scale}_2025.csv"
    if not csv.exists():
        r = measure(f"from pathlib import Path; from pipelines.demo.write import write_demo; "
                    f"write_demo(Path({str(args.dir)!r}), 42, {args.scale!r})")
        print(f"generate   {csv.name}: {csv.stat().st_size / 1e9:.2f} GB in {r['seconds']:.1f} s "
              f"(peak {r['peak_mb']:.0f} MB)")
    ref_db, db = args.dir / "reference.duckdb", args.dir / "bench.duckdb"
    for f in (ref_db, db):
        f.unlink(missing_ok=True)

    from pipelines import readers
    f = readers.open_csv(csv)
    f.close()
    n = f.layout.width
    cols = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(n)) + "}"
    read = (f"read_csv({str(csv)!r}, delim=';', header=false, skip={f.layout.header_row}, "
            f"columns={cols}, auto_detect=false)")

    count = measure(f"import duckdb; "
                    f"result = duckdb.connect().execute(\"select count(*) from {read}\").fetchall()[0][0]")
    rows = count["result"]
    ref = measure(f"import duckdb; c = duckdb.connect({str(ref_db)!r}); "
                  f"c.execute(\"create table t as select * from {read}\"); c.close()")
    load = measure(
        f"from pathlib import Path; from pipelines import db, load; c = db.connect({str(db)!r}); db.init(c); "
        f"s = load.load_file(c, Path({str(csv)!r})); c.close(); "
        f"result = [s.rows_read, s.rows_loaded, s.rows_quarantined]")
    model = measure(
        f"from pipelines import db, model, org; c = db.connect({str(db)!r}); model.build(c, org.load()); "
        f"result = c.execute('select count(*) from task_assignments').fetchall()[0][0]; c.close()")
    pub = measure(f"from pipelines import db, publish; c = db.connect({str(db)!r}); "
                  f"publish.publish(c, {str(db)!r}); c.close()")

    print(f"file       {csv} ({csv.stat().st_size / 1e9:.2f} GB, {rows:,} rows)")
    print(f"{'step':40} {'seconds':>8} {'rows/s':>12} {'peak MB':>8}")
    for name, r in [("DuckDB bare read_csv: count(*)", count),
                    ("DuckDB bare read_csv -> table (reference)", ref),
                    ("tartip load -> raw_edms", load),
                    ("tartip model + marts rebuild", model),
                    ("publish masked snapshot", pub)]:
        print(f"{name:40} {r['seconds']:8.1f} {rows / r['seconds']:12,.0f} {r['peak_mb']:8.0f}")
    print(f"load: read {load['result'][0]:,}, loaded {load['result'][1]:,}, quarantined {load['result'][2]:,}; "
          f"model: {model['result']:,} task assignments")
    print(f"load speed vs reference (read_csv -> table): {ref['seconds'] / load['seconds']:.2f}x")
    if not args.keep:
        for f in (ref_db, db):
            f.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
