"""Benchmark: whole `tartip ingest` runs (issue 13's table), each beside DuckDB's bare read_csv of the same file.

Every figure is a whole command in a fresh process (wall seconds, peak RSS of the process tree's
largest process), measured in the same run as its read_csv reference. Under a first load's row,
`stages:` splits its seconds by the stage lines the command printed (model, rules, snapshot; the rest,
loading the file and start-up, as load):
  day     a day's export (40 EDMS rows) on top of the loaded demo year, and the fresh year load;
          then five day's exports dropped one by one into a running `tartip watch` (its inbox):
          the seconds from the file's arrival to its snapshot published, median and range;
  region  a day's export (40 rows) on top of the region demo (200k cards); the same via the inbox;
  1m      a 1M-row EDMS CSV (the first million cards of the national demo), whole ingest;
  national  the national demo (10M cards), first load, whole ingest, then a day's export on top;
  pressure  `tartip validate` of the 1M-row database (from `1m`), ten times on a fresh copy, with the
          suites' DuckDB caps lowered to 150 MB: how many runs DuckDB failed under the lowered
          cap and checked again under its whole one (the run's output says so), how many failed (a
          crash among them: then `tartip validate` once more, which runs under the whole cap).

  floor   each table of the 1M-row database (from `1m`) copied into a new file: what writing the
          tables alone costs, the floor under a 1M first load, beside read_csv of the same CSV.

Usage: python benchmarks/pipeline.py [day region 1m national pressure floor] [--dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# run a command as the only child of a small Python process: its wall time and peak RSS
WRAP = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
print(json.dumps({"seconds": time.perf_counter() - t, "rc": p.returncode, "stderr": p.stderr[-4000:],
                  "stdout": p.stdout[-20000:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

READ_CSV = r"""
import duckdb, sys
c = duckdb.connect(sys.argv[1])
c.execute("create table t as select * from read_csv(?, all_varchar=true, skip=?, header=true)",
          [sys.argv[2], int(sys.argv[3])])
c.close()
"""


def measure(*cmd: str | Path) -> dict:
    """Wall seconds and peak MB of one command."""
    out = subprocess.run([sys.executable, "-c", WRAP, *map(str, cmd)], capture_output=True, text=True, cwd=ROOT)
    r = json.loads(out.stdout)
    if r["rc"]:  # the command's own error (its last lines), then the wrapper's
        sys.exit(f"{cmd} failed (exit {r['rc']}): {r['stderr']}{out.stderr}")
    return r


def tartip(*args: str | Path) -> dict:
    """A whole `tartip` command."""
    return measure(sys.executable, "-m", "pipelines.cli", *args)


# the seconds `tartip ingest` prints for each stage after the load: (stage, the start of its line)
STAGE_LINES = (("model", "model: "), ("rules", "validation run #"), ("snapshot", "published load #"))


def stages(r: dict) -> str:
    """Where a whole ingest went, from the stage lines it printed: each stage's seconds, and the rest
    of the command (loading the file, start-up) as `load`. A snapshot whose tables of the model were
    written while the rules ran shows only its remainder."""
    found = {}
    for line in r.get("stdout", "").splitlines():
        for name, start in STAGE_LINES:
            if line.startswith(start) and line.rstrip().endswith(" s)"):
                found[name] = found.get(name, 0.0) + float(line.rstrip()[:-3].rsplit("(", 1)[1])
    if not found:
        return ""
    parts = [("load", r["seconds"] - sum(found.values()))] + [(n, found[n]) for n, _ in STAGE_LINES if n in found]
    return "  stages: " + ", ".join(f"{n} {s:.1f}" for n, s in parts) + " s"


def print_stages(r: dict) -> None:
    """The line of stages(r) under a row of the table, when the command printed its stages."""
    if line := stages(r):
        print(line, flush=True)


def read_csv(path: Path, work: Path, skip: int = 0) -> dict:
    """DuckDB's bare read_csv of a file into a table of a new database (the reference)."""
    db = work / "read_csv.duckdb"
    db.unlink(missing_ok=True)
    r = measure(sys.executable, "-c", READ_CSV, db, path, str(skip))
    db.unlink(missing_ok=True)
    return r


def day_export(src: Path, out: Path, delimiter: str, title_lines: int, rows: int = 40, skip: int = 0) -> Path:
    """A day's export: the header and `rows` cards of an export (after the first `skip`), every
    other one with a new status."""
    with open(src, encoding="utf-8-sig", newline="") as f:
        title = [next(f) for _ in range(title_lines)]
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        status = header.index("Статус")
        picked = [next(reader) for _ in range(skip + rows)][skip:]
    for i, row in enumerate(picked):
        if i % 2:
            row[status] = "На исполнении" if row[status] != "На исполнении" else "Исполнен"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(picked)
    out.write_text(("Сформирован: 06.01.2026 18:30\n" if title else "") + buf.getvalue(), encoding="utf-8")
    return out


def fresh(work: Path, name: str) -> Path:
    """A database path with no files behind it yet."""
    db = work / f"{name}.duckdb"
    for f in work.glob(f"{name}.*duckdb*"):  # both files, their logs, both snapshots
        f.unlink()
    shutil.rmtree(work / f"{name}_docs", ignore_errors=True)
    return db


def copy_base(work: Path, base: str, name: str) -> Path:
    """A copy of a loaded base (its database and both snapshots) under another name."""
    copy = fresh(work, name)
    for f in work.glob(f"{base}.*duckdb"):
        shutil.copy(f, copy.with_name(f.name.replace(base, name, 1)))
    return copy


def row(name: str, r: dict, ref: dict | None = None) -> None:
    """One line of the table."""
    vs = f"{ref['seconds'] / r['seconds']:9.2f}x" if ref else " " * 10
    print(f"{name:58} {r['seconds']:8.2f} {r['peak_mb']:9.0f} {vs}", flush=True)


def _next_line(proc: subprocess.Popen, starts: str) -> str:
    """The next line of the watcher's output that starts with `starts`."""
    for line in proc.stdout:
        if line.startswith(starts):
            return line
    sys.exit(f"tartip watch stopped (exit {proc.wait()})")


def watched(work: Path, db: Path, days: list[Path]) -> dict:
    """Each day's file renamed into the inbox of a running `tartip watch` on db, one after the other:
    the seconds until it is filed as loaded (its snapshot is then published), and the watcher's peak.
    Between two days the watcher is left idle until it has tidied the database (`--idle 1`), as it is
    between two real days; the seconds it tidied are listed apart ("tidied")."""
    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "watch", inbox, "--db", db, "--idle", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _next_line(proc, "watching")
        _next_line(proc, "tidied")  # idle once started: what earlier loads left
        seconds, tidied = [], []
        for day in days:
            done = inbox / "loaded" / dt.date.today().isoformat() / day.name
            t = time.perf_counter()
            os.replace(day, inbox / day.name)
            while not done.exists():
                if proc.poll() is not None:
                    sys.exit(f"tartip watch stopped (exit {proc.returncode})")
                time.sleep(0.01)
            seconds.append(time.perf_counter() - t)
            tidied.append(float(_next_line(proc, "tidied").rsplit("(", 1)[1].split()[0]))
        peak = _peak_mb(proc.pid)
        # its GX worker (gx_worker), a child process of its own
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        worker = max((_peak_mb(int(c)) for c in children), default=0.0)
    finally:
        proc.terminate()
        proc.wait()
    return {"seconds": statistics.median(seconds), "peak_mb": peak, "all": seconds, "tidied": tidied,
            "worker_mb": worker}


def _peak_mb(pid: int) -> float:
    """A running process's peak resident memory (VmHWM), MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024


def bench_watch(work: Path, base: str, src: Path, delimiter: str, title_lines: int, ref: dict, what: str) -> None:
    """Five day's exports through the inbox of a watcher on a copy of a loaded base."""
    copy = copy_base(work, base, f"{base}_watch")
    days = [day_export(src, work / f"{base}_watch_day{k}.csv", delimiter, title_lines, skip=40 * k)
            for k in range(1, 6)]
    r = watched(work, copy, days)
    row(f"{what} + a day's export, via tartip watch (median of 5)", r, ref)
    print(f"  each: {', '.join(f'{s:.2f}' for s in r['all'])} s; "
          f"tidied while idle after each: {', '.join(f'{s:.1f}' for s in r['tidied'])} s; "
          f"its GX worker's peak {r['worker_mb']:.0f} MB")


def bench_day(work: Path) -> None:
    """A day's export on top of the demo year, and the year loaded fresh."""
    demo = work / "demo"
    if not demo.exists():
        tartip("demo", "--out", demo)
    db = fresh(work, "year")
    year = tartip("ingest", demo, "--db", db)
    day = day_export(next(demo.glob("edms_2025_update_*.csv")), work / "day_2026-01-06.csv", ",", 1)
    ref = read_csv(day, work, skip=1)
    copy = copy_base(work, "year", "year_day")
    r = tartip("ingest", day, "--db", copy)
    row("demo year: whole first load (6 files)", year)
    print_stages(year)
    row("demo year + a day's export (40 rows): tartip ingest", r, ref)
    print_stages(r)
    row("  bare read_csv of the day's file (reference)", ref)
    print(f"  day's export / fresh year load: {100 * r['seconds'] / year['seconds']:.0f} %")
    bench_watch(work, "year", next(demo.glob("edms_2025_update_*.csv")), ",", 1, ref, "demo year")


def bench_region(work: Path) -> None:
    """A day's export on top of the region demo."""
    region = work / "region"
    if not region.exists():
        tartip("demo", "--scale", "region", "--out", region)
    src = next(region.glob("*.csv"))
    db = fresh(work, "region")
    first = tartip("ingest", src, "--db", db)
    day = day_export(src, work / "region_day.csv", ";", 0)
    ref = read_csv(day, work)
    r = tartip("ingest", day, "--db", db)
    row("region (200k cards): whole first load", first, read_csv(src, work))
    print_stages(first)
    row("region + a day's export (40 rows): tartip ingest", r, ref)
    print_stages(r)
    row("  bare read_csv of the day's file (reference)", ref)
    bench_watch(work, "region", src, ";", 0, ref, "region")


def national_csv(work: Path) -> Path:
    """The national demo CSV (written once, ~5 GB)."""
    folder = work / "national"
    if not folder.exists():
        tartip("demo", "--scale", "national", "--out", folder)
    return next(folder.glob("*.csv"))


def bench_1m(work: Path) -> None:
    """A 1M-row CSV: the header and the first million cards of the national demo."""
    src, out = national_csv(work), work / "edms_1m.csv"
    if not out.exists():
        with open(src, encoding="utf-8", newline="") as f, open(out, "w", encoding="utf-8", newline="") as o:
            reader, writer = csv.reader(f, delimiter=";"), csv.writer(o, delimiter=";", lineterminator="\n")
            for i, r in enumerate(reader):
                if i > 1_000_000:
                    break
                writer.writerow(r)
    ref = read_csv(out, work)
    r = tartip("ingest", out, "--db", fresh(work, "m1"))
    row("1M-row CSV: whole tartip ingest", r, ref)
    print_stages(r)
    row("  bare read_csv (reference)", ref)


PRESSURE = {"TARTIP_VALIDATE_MEMORY_LIMIT": "150MB", "TARTIP_GX_MEMORY_LIMIT": "150MB"}


def bench_pressure(work: Path, runs: int = 10) -> None:
    """`tartip validate` of the 1M-row database under lowered suite caps, `runs` times on a fresh copy."""
    if not (work / "m1.duckdb").exists():
        bench_1m(work)
    def validate(db: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, **PRESSURE})

    retried = failed = 0
    for i in range(1, runs + 1):
        db = copy_base(work, "m1", "m1_pressure")
        t = time.perf_counter()
        out = validate(db)
        again = "lowered memory cap" in out.stderr
        retried += again
        failed += bool(out.returncode)
        last = (out.stderr.strip().splitlines() or [f"killed by signal {-out.returncode}"])[-1][:120]
        what = (f"FAILED: {last}" if out.returncode else "checked again under the whole cap" if again
                else "passed")
        print(f"  validate under {PRESSURE}, run {i}: {time.perf_counter() - t:6.1f} s  {what}", flush=True)
        if out.returncode < 0:  # a crash: the next validation of that database runs under the whole cap
            again = validate(db)
            print(f"    then tartip validate again: {'passed' if not again.returncode else 'FAILED'}"
                  f"{' (under the whole cap)' if 'unfinished' in again.stderr else ''}", flush=True)
    print(f"pressure: {runs} runs, {retried} checked again under the whole cap, {failed} failed", flush=True)


# copy each table of the database on argv[1] (both its files) with at least argv[3] rows into a new
# file (argv[2]), one by one: DuckDB's own cost of writing it; prints `table rows columns seconds`
COPY_TABLES = r"""
import duckdb, os, sys, time
from pipelines import db
con = db.connect(sys.argv[1], read_only=True)
con.execute("set enable_progress_bar = false")
for d, t, n, c in con.execute("select database_name, table_name, estimated_size, column_count from duckdb_tables() "
                              "where database_name in (current_database(), 'private') and estimated_size >= ? "
                              "order by estimated_size desc", [int(sys.argv[3])]).fetchall():
    if os.path.exists(sys.argv[2]):
        os.unlink(sys.argv[2])
    con.execute("attach ? as copy (read_only false)", [sys.argv[2]])
    s = time.perf_counter()
    con.execute(f'create table copy.t as select * from "{d}".main."{t}"')
    con.execute("detach copy")
    print(t, n, c, time.perf_counter() - s, flush=True)
os.unlink(sys.argv[2])
"""


def bench_floor(work: Path, rows: int = 100_000) -> None:
    """What only writing a 1M first load's tables costs: each table of the 1M-row database (from `1m`)
    with at least `rows` rows copied into a new file, one by one, beside read_csv of the same CSV. The
    sum is a floor under the whole ingest (no typing, measuring, rules or snapshot: the public
    snapshot is a copy of the main file)."""
    if not (work / "m1.duckdb").exists():
        bench_1m(work)
    ref = read_csv(work / "edms_1m.csv", work)
    out = subprocess.run([sys.executable, "-c", COPY_TABLES, work / "m1.duckdb", work / "floor.duckdb", str(rows)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"copying the tables of {work / 'm1.duckdb'} failed: {out.stderr[-2000:]}")
    total = 0.0
    for line in out.stdout.splitlines():
        table, n, columns, seconds = line.split()
        total += float(seconds)
        print(f"  {table:30} {int(n):>10,} rows x {columns:>2}: written in {float(seconds):6.2f} s", flush=True)
    print(f"{'writing the 1M database tables (sum)':58} {total:8.2f} {'':>9} {ref['seconds'] / total:9.2f}x")
    row("  bare read_csv (reference)", ref)


def bench_national(work: Path) -> None:
    """The national demo, first load."""
    src = national_csv(work)
    ref = read_csv(src, work)
    db = fresh(work, "national")
    r = tartip("ingest", src, "--db", db)
    row("national (10M cards): whole first tartip ingest", r, ref)
    print_stages(r)
    row("  bare read_csv (reference)", ref)
    day = day_export(src, work / "national_day.csv", ";", 0)
    ref = read_csv(day, work)
    r = tartip("ingest", day, "--db", db)
    row("national + a day's export (40 rows): tartip ingest", r, ref)
    print_stages(r)
    row("  bare read_csv of the day's file (reference)", ref)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("which", nargs="*", default=["day", "region", "1m"],
                    choices=["day", "region", "1m", "national", "pressure", "floor"])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "tartip-bench")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{'measure':58} {'seconds':>8} {'peak MB':>9} {'read_csv/x':>10}")
    for name in args.which:
        {"day": bench_day, "region": bench_region, "1m": bench_1m, "national": bench_national,
         "pressure": bench_pressure, "floor": bench_floor}[name](args.dir)


if __name__ == "__main__":
    main()
