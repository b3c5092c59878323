"""The stages after a load (model → validate → publish): their durable state, catch-up and progress."""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import click
import duckdb

from pipelines import db

# the test hook: TARTIP_KILL_AT=<point> makes the process SIGKILL itself there (tests/test_crash.py)
KILL_POINTS = ("ingest", "ingested", "model", "validate", "publish", "published")


def kill_point(name: str) -> None:
    """Die at once (SIGKILL, no clean-up) when $TARTIP_KILL_AT names this point."""
    if os.environ.get("TARTIP_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class State:
    """What a stage last finished: the last load its output covers and what it was built from."""

    load_id: int
    inputs: str


def ingested(con: duckdb.DuckDBPyConnection) -> int:
    """The last load committed to the raw tables (0 when none)."""
    return db.one(con, "select coalesce(max(load_id), 0) from load_log where status = 'loaded'")[0]


def state(con: duckdb.DuckDBPyConnection, stage: str) -> State | None:
    """The recorded state of a stage, or None when it never finished."""
    row = db.one(con, "select load_id, inputs from pipeline_state where stage = ?", [stage])
    return State(*row) if row else None


def mark(con: duckdb.DuckDBPyConnection, stage: str, done: State, rows: int | None = None) -> None:
    """Record that a stage finished; call it inside the transaction of the stage's work."""
    con.execute("insert or replace into pipeline_state values (?, ?, ?, ?, current_timestamp)",
                [stage, done.load_id, done.inputs, rows])


def fingerprint(path: Path) -> str:
    """A short digest of a file the model depends on (the organisation directory)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


class Progress:
    """Stage, elapsed time and the running query's progress on a terminal; silent in CI or a pipe."""

    def __init__(self, con: duckdb.DuckDBPyConnection, enabled: bool | None = None):
        self.con = con
        self.enabled = (sys.stderr.isatty() and not os.environ.get("CI")) if enabled is None else enabled
        self.what, self.started, self._stop = "", time.perf_counter(), threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            # DuckDB counts the running query's progress only with its bar on; it prints nothing
            self.con.execute("set enable_progress_bar = true; set enable_progress_bar_print = false")
            self._lock = threading.Lock()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
            click.echo("\r\033[K", nl=False, err=True)

    def echo(self, message: str = "", err: bool = False) -> None:
        """Print a line of the summary, clearing the progress line first."""
        if self._thread:
            with self._lock:
                click.echo("\r\033[K", nl=False, err=True)
                click.echo(message, err=err)
        else:
            click.echo(message, err=err)

    def stage(self, what: str) -> None:
        """Say what is being done now (the clock restarts)."""
        self.what, self.started = what, time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the current step began."""
        return time.perf_counter() - self.started

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                pct = self.con.query_progress()
            except (duckdb.Error, RuntimeError):
                pct = -1
            done = f" — query {pct:.0f}%" if pct is not None and pct >= 0 else ""
            with self._lock:
                click.echo(f"\r\033[K{self.what}{done} — {self.elapsed():.1f} s", nl=False, err=True)


def catch_up(con: duckdb.DuckDBPyConnection, db_path: Path, org_file: Path, directory, echo=click.echo,
             validate: bool = True, full: bool = False, progress: Progress | None = None) -> list[str]:
    """Finish every stage that is behind the raw tables; return the stages that ran.

    The model is rebuilt for the documents of the loads it has not seen (all of them when the
    organisation directory changed or `full`); the rules are checked when the model moved; the
    snapshot is published when either moved or its files are missing.
    """
    from pipelines import model, publish

    progress = progress or Progress(con, enabled=False)
    ran: list[str] = []
    target = ingested(con)
    want = State(target, f"org:{fingerprint(org_file)} sql:{model.code_fingerprint()}")
    have = state(con, "model")
    if full or have != want or not db.table_exists(con, "task_assignments"):
        since = have.load_id if have and have.inputs == want.inputs and not full \
            and db.table_exists(con, "task_assignments") else None
        started = time.perf_counter()
        progress.stage("model: " + ("all documents" if since is None else f"documents of loads after #{since}"))
        rows = model.build(con, directory, since=since, done=want, progress=progress)
        echo(f"model: {rows:,} task assignments in {db_path}"
             + (f" (rebuilt for loads #{since + 1}–#{target})" if since is not None else "")
             + f" ({time.perf_counter() - started:.1f} s)")
        ran.append("model")
    m = state(con, "model")
    from pipelines.validate import run as validation

    v_want = State(m.load_id, f"model:{m.load_id}/{m.inputs} rules:{validation.fingerprint()}")
    v_have = state(con, "validate")
    if validate and (full or v_have != v_want):
        # the suites re-check only the documents loaded since the last run when nothing else
        # changed (model code, directory, rules, settings); Data Docs come with full runs
        since = v_have.load_id if v_have and not full and \
            v_have.inputs.split("/", 1)[-1] == v_want.inputs.split("/", 1)[-1] else None
        started = time.perf_counter()
        progress.stage("validate: rules of the regulation")
        run_id, results, docs = validation.run(
            con, docs_root=validation.docs_root_for(db_path) if since is None else None, done=v_want,
            progress=progress, since=since)
        echo(f"validation run #{run_id}: "
             f"{sum(r.violations for r in results if r.rule.severity == 'error'):,} errors, "
             f"{sum(r.violations for r in results if r.rule.severity == 'warning'):,} warnings"
             + (f"; Data Docs: {docs}" if docs else f"; suites re-checked the documents of loads #{since + 1}–"
                f"#{m.load_id} (Data Docs: `tartip validate`)" if since is not None else "")
             + f" ({time.perf_counter() - started:.1f} s)")
        ran.append("validate")
    v = state(con, "validate")
    p_want = State(m.load_id, f"{v_want.inputs};validate:{v.load_id if v else '-'}")
    missing = not (publish.public_path(db_path).exists() and publish.restricted_path(db_path).exists())
    if full or missing or state(con, "publish") != p_want:
        started = time.perf_counter()
        progress.stage("publish: snapshot for the dashboard")
        public, _ = publish.publish(con, db_path, done=p_want)
        echo(f"published load #{m.load_id} for the dashboard and analysts: {public} "
             f"({time.perf_counter() - started:.1f} s)")
        ran.append("publish")
    return ran
