"""GX in a process of its own (pipelines/validate/gx_worker.py): a day's small frames checked there find
what GX's thread finds; a worker that dies leaves the checks to the thread; it never outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pipelines import ingest, paths
from pipelines.validate import gx_worker
from tests.test_crash import _copy
from tests.test_validate_incremental import day_export, latest


@pytest.fixture
def worker():
    """A worker for the test, ended afterwards whatever happened."""
    yield gx_worker.start()
    gx_worker.stop()


def _day(demo_db, folder):
    """A copy of the demo year in a folder of its own, and a day's export beside it (the same file for
    every copy: its path is in the flags)."""
    (folder / "db").mkdir(exist_ok=True)
    (folder / "db2").mkdir(exist_ok=True)
    day = folder / "day.csv"
    if not day.exists():
        day_export(next((demo_db.parent / "demo").glob("edms_2025_update_*.csv")), day)
    db = folder / "db" / demo_db.name
    return _copy(demo_db, (folder / "db2") if db.exists() else (folder / "db")), day


def _checks(monkeypatch) -> list[str]:
    """The names of the suites each check the worker is asked for is of, as they are asked."""
    asked: list[str] = []
    submit = gx_worker.Worker.submit
    monkeypatch.setattr(gx_worker.Worker, "submit", lambda self, doc, df: asked.append(doc["name"]) or
                        submit(self, doc, df))
    return asked


def test_a_days_suites_checked_in_the_worker_find_what_gx_s_thread_finds(demo_db, tmp_path, worker, monkeypatch):
    db, day = _day(demo_db, tmp_path)
    asked = _checks(monkeypatch)
    assert ingest.run([day], db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    assert asked == ["documents", "tasks"]  # the day's two scoped suites; the registers are unchanged
    gx_worker.stop()
    thread_db, day = _day(demo_db, tmp_path)
    assert ingest.run([day], thread_db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    assert asked == ["documents", "tasks"]  # no worker: nothing more asked of one
    flags, counts = latest(db)
    assert flags and (flags, counts) == latest(thread_db)


def test_the_watcher_checks_a_days_suites_in_its_worker_and_ends_it(demo_db, tmp_path, monkeypatch):
    from pipelines import watch

    db, day = _day(demo_db, tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    day.rename(inbox / day.name)
    asked = _checks(monkeypatch)
    started = []
    start = gx_worker.start
    monkeypatch.setattr(gx_worker, "start", lambda: started.append(start()) or started[-1])
    assert watch.serve(inbox, db, paths.DEFAULT_ORG, once=True, echo=lambda *a, **k: None) == 1
    assert asked == ["documents", "tasks"]
    assert gx_worker.running() is None and started[0].process.poll() is not None  # ended with the watcher


def test_a_worker_that_died_leaves_the_checks_to_gx_s_thread(demo_db, tmp_path, worker, monkeypatch):
    asked = _checks(monkeypatch)
    worker.process.kill()
    worker.process.wait()
    db, day = _day(demo_db, tmp_path)
    assert ingest.run([day], db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    # both suites were handed to it before its death showed; each chunk went back to GX's thread
    assert asked == ["documents", "tasks"]
    assert gx_worker.running() is None  # and the run's later suites, and the next runs, use the thread
    thread_db, day = _day(demo_db, tmp_path)
    assert ingest.run([day], thread_db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    assert latest(db) == latest(thread_db)


def test_the_worker_answers_each_check_and_raises_its_errors_in_the_run(worker):
    import pandas as pd

    doc = {"name": "probe", "meta": {}, "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"},
         "meta": {"rule_id": "X", "actual_column": "a"}}]}
    found, _ = worker.submit(doc, pd.DataFrame({"a": [1, None, 3, None]})).result(timeout=120)
    assert [(f.rule_id, f.actual_column, f.checked, list(f.failed)) for f in found] == [("X", "a", 4, [1, 3])]
    # a suite without its rule's id fails in the worker: the run gets the error itself
    unnamed = {**doc, "expectations": [{**doc["expectations"][0], "meta": {"actual_column": "a"}}]}
    with pytest.raises(KeyError, match="rule_id"):
        worker.submit(unnamed, pd.DataFrame({"a": [1]})).result(timeout=120)
    assert worker.process.poll() is None  # and goes on serving
    found, _ = worker.submit(doc, pd.DataFrame({"a": [None]})).result(timeout=120)
    assert [(f.checked, list(f.failed)) for f in found] == [(1, [0])]


def test_every_check_asked_of_a_worker_that_ends_fails_as_its_death(worker):
    import pandas as pd

    doc = {"name": "probe", "meta": {}, "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"},
         "meta": {"rule_id": "X", "actual_column": "a"}}]}
    worker.submit(doc, pd.DataFrame({"a": [1]})).result(timeout=120)  # ready
    # one check under way, one waiting behind it, when the worker is ended: both tell its death, which
    # _chunks answers by checking in GX's thread (ending it mid-write once raised BrokenPipeError instead)
    frame = pd.DataFrame({"a": [1.0, None] * 400_000})
    running, waiting = worker.submit(doc, frame), worker.submit(doc, frame)
    gx_worker.stop()
    for future in (running, waiting):
        with pytest.raises(gx_worker.WorkerDied):
            future.result(timeout=120)
    # and the next start replaces a worker that died by itself
    again = gx_worker.start()
    again.process.kill()
    again.process.wait()
    assert gx_worker.start() is not again and gx_worker.running().alive()


PARENT = """
from pipelines.validate import gx_worker
print(gx_worker.start().process.pid, flush=True)
import time
time.sleep(600)
"""


def test_the_worker_ends_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    # its stdin closed with the parent: it ends once it has imported GX (a liveness bound, not a timing)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.2)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie left to init counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
