"""The inbox watcher: files dropped in are loaded once, filed away, and never lost."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from benchmarks.pipeline import day_export
from pipelines import db as tartip_db
from pipelines import ingest, paths, publish, watch
from pipelines.cli import main
from pipelines.db import private_path as db_private

TODAY = dt.date.today().isoformat()


def filed(inbox: Path, name: str) -> Path:
    """Where the watcher filed a loaded file: loaded/<the day it was filed>/name, today's or, for a run
    that crossed midnight, yesterday's folder (today's path when it is in neither)."""
    today = dt.date.today()
    for day in (today, today - dt.timedelta(days=1)):
        if (inbox / "loaded" / day.isoformat() / name).exists():
            return inbox / "loaded" / day.isoformat() / name
    return inbox / "loaded" / today.isoformat() / name


def snapshot_load(db: Path) -> int | None:
    """The load the published snapshot reflects (None: nothing published yet)."""
    pub = publish.public_path(db)
    if not pub.exists():
        return None
    with duckdb.connect(str(pub), read_only=True) as c:
        return c.execute("select load_id from snapshot_info").fetchall()[0][0]


def loaded_files(db: Path) -> list[str]:
    """The file names of the loads, in order."""
    with tartip_db.connect(db, read_only=True) as c:
        return [r[0] for r in c.execute("select file_name from load_log where status = 'loaded' order by load_id")
                .fetchall()]


@contextlib.contextmanager
def running(inbox: Path, db: Path, **kwargs):
    """A watcher serving inbox in a thread, seen started ('watching'), stopped on leaving; yields its
    lines as (wall clock, text) and wait_for(condition, what), which fails when the watcher died or
    the condition did not come true in 120 s."""
    lines: list[tuple[float, str]] = []
    done = threading.Event()
    t = threading.Thread(target=watch.serve, args=(inbox, db, paths.DEFAULT_ORG),
                         kwargs={"echo": lambda m="", err=False: lines.append((time.time(), m)), "stop": done.is_set,
                                 **kwargs}, daemon=True)

    def wait_for(cond, what: str) -> None:
        deadline = time.monotonic() + 120
        while not cond():
            assert t.is_alive(), "\n".join(m for _, m in lines)
            assert time.monotonic() < deadline, f"{what}:\n" + "\n".join(m for _, m in lines)
            time.sleep(0.05)

    t.start()
    try:
        wait_for(lambda: any(m.startswith("watching") for _, m in lines), "the watcher did not start")
        yield lines, wait_for
    finally:
        done.set()
        t.join(timeout=30)
    assert not t.is_alive()


def test_is_export_takes_only_exports_in_the_inbox_itself(tmp_path):
    inbox = tmp_path
    assert watch.is_export(inbox / "edms_2026-01-06.csv", inbox)
    assert watch.is_export(inbox / "Protocols.XLSX", inbox)
    for name in ("~$edms.xlsx", ".edms.csv", "edms.csv.part", "edms.crdownload", "notes.docx", "edms.tmp"):
        assert not watch.is_export(inbox / name, inbox), name
    assert not watch.is_export(inbox / "loaded" / TODAY / "edms.csv", inbox)
    assert not watch.is_export(inbox / "rejected" / "edms.csv", inbox)


def test_settled_waits_until_nothing_writes(tmp_path):
    f = tmp_path / "edms.csv"
    f.write_text("x", encoding="utf-8")
    written = f.stat().st_mtime
    assert not watch.settled(f, now=written + watch.SETTLE_SECONDS - 0.1)
    assert watch.settled(f, now=written + watch.SETTLE_SECONDS)


def test_file_away_never_overwrites_and_keeps_the_reason(tmp_path):
    inbox = tmp_path
    day = dt.date(2026, 1, 6)
    for n in range(3):
        (inbox / "edms.csv").write_text(str(n), encoding="utf-8")
        watch.file_away(inbox / "edms.csv", inbox, today=day)
    kept = sorted(p.name for p in (inbox / "loaded" / "2026-01-06").iterdir())
    assert kept == ["edms.1.csv", "edms.2.csv", "edms.csv"]
    assert (inbox / "loaded" / "2026-01-06" / "edms.2.csv").read_text(encoding="utf-8") == "2"
    (inbox / "bad.csv").write_text("?", encoding="utf-8")
    target = watch.file_away(inbox / "bad.csv", inbox, error="no header / тақырып жоқ")
    assert target == inbox / "rejected" / "bad.csv" and target.read_text(encoding="utf-8") == "?"
    reason = (inbox / "rejected" / "bad.csv.error.txt").read_text(encoding="utf-8")
    assert "Файл жүктелмеді" in reason and "Файл не загружен" in reason and "no header" in reason
    assert not (inbox / "bad.csv").exists()


@pytest.mark.slow
def test_once_loads_what_lies_there_and_rejects_what_cannot_be_read(tmp_path, fixtures):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    inbox.mkdir()
    shutil.copy(fixtures / "edms_kk_bom.csv", inbox)
    shutil.copy(fixtures / "unknown.csv", inbox)
    (inbox / "notes.docx").write_text("not an export", encoding="utf-8")
    r = CliRunner().invoke(main, ["watch", str(inbox), "--db", str(db), "--once"])
    assert r.exit_code == 0, r.output
    assert filed(inbox, "edms_kk_bom.csv").exists()
    assert (inbox / "rejected" / "unknown.csv").exists()
    reason = (inbox / "rejected" / "unknown.csv.error.txt").read_text(encoding="utf-8")
    assert "unknown.csv" in reason and "Файл не загружен" in reason
    assert (inbox / "notes.docx").exists()  # not an export: left alone
    assert sorted(p.name for p in inbox.iterdir()) == ["loaded", "notes.docx", "rejected"]
    assert loaded_files(db) == ["edms_kk_bom.csv"]
    assert snapshot_load(db) == 1  # the dashboard's snapshot shows it
    assert "edms_kk_bom.csv: loaded" in r.output and "unknown.csv: rejected" in r.output
    # the same file dropped again: filed away, nothing loaded twice
    shutil.copy(fixtures / "edms_kk_bom.csv", inbox)
    assert watch.serve(inbox, db, paths.DEFAULT_ORG, once=True, echo=lambda *a, **k: None) == 1
    assert filed(inbox, "edms_kk_bom.1.csv").exists()
    assert loaded_files(db) == ["edms_kk_bom.csv"]


@pytest.mark.slow
def test_a_running_watcher_loads_each_file_as_it_arrives(tmp_path, fixtures, monkeypatch):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    # a file is taken on its close or rename event, never by waiting for it to settle
    monkeypatch.setattr(watch, "SETTLE_SECONDS", 3600.0)
    with running(inbox, db) as (_, wait_for):
        # written in place (closed after writing) ...
        shutil.copy(fixtures / "edms_kk_bom.csv", inbox / "edms_kk_bom.csv")
        wait_for(lambda: filed(inbox, "edms_kk_bom.csv").exists(), "the first file was not taken")
        assert snapshot_load(db) == 1
        # ... or written in another folder and renamed in, as `mv` or a sync tool does (inotify
        # reports a creation, which waited for the file to settle, unless asked for full events)
        shutil.copy(fixtures / "edms_update.csv", tmp_path / "edms_update.csv.part")
        os.replace(tmp_path / "edms_update.csv.part", inbox / "edms_update.csv")
        wait_for(lambda: filed(inbox, "edms_update.csv").exists(), "the second file was not taken")
        assert snapshot_load(db) == 2
        assert loaded_files(db) == ["edms_kk_bom.csv", "edms_update.csv"]


@pytest.mark.slow
def test_a_busy_database_keeps_the_file_until_it_is_free(tmp_path, fixtures):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    inbox.mkdir()
    duckdb.connect(str(db)).close()
    # another process writes the database (a `tartip ingest`) for a few seconds
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(6)", str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    shutil.copy(fixtures / "edms_kk_bom.csv", inbox)
    lines: list[str] = []
    t = threading.Thread(target=lambda: lines.append(("taken", watch.serve(
        inbox, db, paths.DEFAULT_ORG, once=True, echo=lambda m="", err=False: lines.append(m)))))
    t.start()
    try:
        # while the lock is held the watcher cannot start its catch-up: the file stays in the inbox
        time.sleep(2)
        assert (inbox / "edms_kk_bom.csv").exists()
    finally:
        holder.wait(timeout=30)
        t.join(timeout=180)
    assert ("taken", 1) in lines, lines
    assert any(isinstance(m, str) and "the database is busy" in m for m in lines), lines
    assert filed(inbox, "edms_kk_bom.csv").exists()
    assert loaded_files(db) == ["edms_kk_bom.csv"]


@pytest.mark.slow
def test_polling_takes_a_file_only_once_it_has_settled(tmp_path, fixtures):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    with running(inbox, db, poll=True) as (lines, wait_for):
        # a share sends no event when a file is closed: the watcher waits until nothing wrote for a while
        shutil.copy(fixtures / "edms_kk_bom.csv", inbox / "edms_kk_bom.csv")
        written = (inbox / "edms_kk_bom.csv").stat().st_mtime
        wait_for(lambda: filed(inbox, "edms_kk_bom.csv").exists(), "the file was not taken")
    read_at = next(at for at, m in lines if "edms_kk_bom.csv: edms, read" in m)
    assert read_at - written >= watch.SETTLE_SECONDS - 0.05
    assert loaded_files(db) == ["edms_kk_bom.csv"]


def test_a_file_gone_before_it_is_read_is_not_rejected(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    inbox.mkdir()
    with pytest.raises(FileNotFoundError):
        watch.take(inbox / "gone.csv", inbox, db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    assert not (inbox / "rejected").exists() or not any((inbox / "rejected").iterdir())


def _copy_db(db: Path, to: Path) -> Path:
    """A copy of a database and its two snapshots."""
    to.mkdir()
    for f in (db, db_private(db), publish.public_path(db), publish.restricted_path(db)):
        shutil.copy(f, to / f.name)
    return to / db.name


def _contents(path: Path, tables: list[str]) -> dict[str, list[str]]:
    """Every row of these tables, sorted (two runs of one load may insert in another order and number
    the flags otherwise: flag_id left out)."""
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: sorted(map(repr, c.execute(f"select * {'exclude (flag_id)' if t == 'violations' else ''} "
                                              f"from {t}").fetchall())) for t in tables}


@pytest.mark.slow
def test_an_idle_watcher_rewrites_what_a_day_left_deleted_and_nothing_else(demo_db, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # the same day's file (by the same path) loaded without tidying and through the inbox, left idle
    day = day_export(demo_db.parent / "demo" / "edms_2025_update_2026-01-05_ru.csv", inbox / "edms_day.csv",
                     ",", 1, rows=400)
    plain = _copy_db(demo_db, tmp_path / "plain")
    ingest.run([day], plain, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    day = day.rename(tmp_path / day.name)
    with duckdb.connect(str(plain), read_only=True) as c:
        left = tartip_db.deleted_over(c, tartip_db.COMPACT_AT)
        assert ("main", "mart_tasks") in left  # the day left deleted rows in the tasks mart
    with duckdb.connect(str(publish.public_path(plain)), read_only=True) as c:
        assert ("main", "mart_tasks") in tartip_db.deleted_over(c, tartip_db.COMPACT_AT)  # the snapshot: its copy
    db = _copy_db(demo_db, tmp_path / "watched")
    with running(inbox, db, idle=0.5) as (lines, wait_for):
        def tidied() -> list[str]:
            return [m for _, m in lines if m.startswith("tidied")]

        wait_for(lambda: len(tidied()) == 1, "the watcher did not look at the database once idle after its start")
        shutil.copy(day, inbox / day.name)
        wait_for(lambda: len(tidied()) == 2, "the watcher did not tidy after the file")
    after_day = tidied()[1]
    assert all(t in after_day for _, t in left) and publish.public_path(db).name in after_day
    with duckdb.connect(str(db), read_only=True) as c:
        assert tartip_db.deleted_over(c, tartip_db.COMPACT_AT) == []
    with duckdb.connect(str(publish.public_path(db)), read_only=True) as c:
        assert tartip_db.deleted_over(c, tartip_db.COMPACT_AT) == []
    # the same rows, in the database and in the snapshot the dashboard reads (their order: test_db)
    tables = [t for _, t in left] + ["documents", "task_assignments", "violations"]
    assert _contents(db, tables) == _contents(plain, tables)
    shown = ["tasks", "daily_execution", "execution_summary", "documents", "violations"]
    assert _contents(publish.public_path(db), shown) == _contents(publish.public_path(plain), shown)
    assert snapshot_load(db) == snapshot_load(plain) == len(loaded_files(plain))


def test_a_failed_tidy_leaves_the_watcher_serving(tmp_path, fixtures, monkeypatch):
    inbox, db = tmp_path / "inbox", tmp_path / "t.duckdb"
    inbox.mkdir()
    shutil.copy(fixtures / "edms_kk_bom.csv", inbox)

    def full_disk(con, at=0.0):
        raise OSError("No space left on device")

    monkeypatch.setattr(tartip_db, "compact", full_disk)
    lines: list[str] = []
    assert watch.serve(inbox, db, paths.DEFAULT_ORG, once=True, echo=lambda m="", err=False: lines.append(m)) == 1
    assert any("tidy failed" in m and "No space left on device" in m for m in lines), lines
    assert loaded_files(db) == ["edms_kk_bom.csv"] and snapshot_load(db) == 1


def test_tartip_tidy_rewrites_what_loads_left_and_says_so(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    ingest.run([fixtures / "edms_kk_bom.csv"], db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    with duckdb.connect(str(db)) as c:  # a table that lost a tenth of its rows
        c.execute("create table big as select range as i from range(5000)")
        c.execute("checkpoint")
        c.execute("delete from big where i % 10 = 0")
    r = CliRunner().invoke(main, ["tidy", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "tidied" in r.output and "big" in r.output
    with duckdb.connect(str(db), read_only=True) as c:
        assert tartip_db.deleted_over(c, 0.0) == []
        kept = [i for i in range(5000) if i % 10]
        assert c.execute("select count(*), sum(i) from big").fetchall() == [(len(kept), sum(kept))]
    r = CliRunner().invoke(main, ["tidy", "--db", str(db)])
    assert r.exit_code == 0 and "tidied / ықшамдалды / уплотнено: - (" in r.output  # nothing left to do
    r = CliRunner().invoke(main, ["tidy", "--db", str(tmp_path / "typo.duckdb")])
    assert r.exit_code == 1 and "базы нет" in r.output and not (tmp_path / "typo.duckdb").exists()


def test_a_watchers_file_leaves_its_checkpoint_to_the_idle_tidy(demo_db, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = _copy_db(demo_db, tmp_path / "watched")
    wal = db.with_name(db.name + ".wal")
    day = day_export(demo_db.parent / "demo" / "edms_2025_update_2026-01-05_ru.csv", inbox / "edms_day.csv", ",", 1)
    watch.take(day, inbox, db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    # the day's commits stay in DuckDB's log, as durable: a new connection reads them
    assert wal.exists() and wal.stat().st_size > 0
    assert "edms_day.csv" in loaded_files(db) and snapshot_load(db) == len(loaded_files(db))
    watch.tidy(db, echo=lambda *a, **k: None)
    assert not wal.exists() or wal.stat().st_size == 0
    assert "edms_day.csv" in loaded_files(db)
    # `tartip ingest` (no watcher) checkpoints at its end as before
    again = day_export(demo_db.parent / "demo" / "edms_2025_update_2026-01-05_ru.csv", tmp_path / "edms_day2.csv",
                       ",", 1, skip=40)
    assert ingest.run([again], db, paths.DEFAULT_ORG, echo=lambda *a, **k: None)
    assert not wal.exists() or wal.stat().st_size == 0
