"""Crash safety: `tartip ingest` killed (SIGKILL) inside each stage is repaired by running it again."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import publish, stages
from pipelines.db import private_path as db_private

FIXTURES = Path(__file__).parent / "fixtures"
FIRST = [FIXTURES / "edms_kk.xlsx", FIXTURES / "protocols_ru.xlsx", FIXTURES / "appeals_kk.xlsx"]
SECOND = [FIXTURES / "edms_update.csv", FIXTURES / "materials_ru.csv"]
# columns that say when something ran, not what it holds (observed_at is the load time for an
# export without a «Сформирован» line)
VOLATILE = {"loaded_at", "run_at", "seconds", "last_loaded_at", "published_at", "done_at", "observed_at"}


def tartip(*args: str | Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh process (optionally killing itself at a named point)."""
    env = {k: v for k, v in os.environ.items() if k != "TARTIP_KILL_AT"}
    if kill_at:
        env["TARTIP_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)],
                          capture_output=True, text=True, env=env)


def contents(path: Path, volatile: set[str] = VOLATILE) -> dict[str, list[tuple]]:
    """Every table of a database file, rows sorted, without the columns that record a time."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' order by 1").fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute(f'describe "{t}"').fetchall() if r[0] not in volatile]
            out[t] = sorted(con.execute(f"select {', '.join(cols)} from \"{t}\"").fetchall(), key=repr)
        return out
    finally:
        con.close()


def state_of(db: Path, volatile: set[str] = VOLATILE) -> dict[str, dict]:
    """The database (its two files) and both published snapshots."""
    return {"db": contents(db, volatile), "private": contents(db_private(db), volatile),
            "public": contents(publish.public_path(db), volatile),
            "restricted": contents(publish.restricted_path(db), volatile)}


@pytest.fixture(scope="module")
def after_first(tmp_path_factory) -> Path:
    """A database that has loaded the first batch of exports, uninterrupted."""
    db = tmp_path_factory.mktemp("first") / "tartip.duckdb"
    assert tartip("ingest", *FIRST, "--db", db).returncode == 0
    return db


@pytest.fixture(scope="module")
def reference(after_first, tmp_path_factory) -> dict[str, dict]:
    """What the second batch leaves when nothing goes wrong."""
    db = _copy(after_first, tmp_path_factory.mktemp("reference"))
    out = tartip("ingest", *SECOND, "--db", db)
    assert out.returncode == 0, out.stderr
    return state_of(db)


def _copy(db: Path, folder: Path) -> Path:
    """Copy a database and its snapshots into another folder."""
    for f in (db, db_private(db), publish.public_path(db), publish.restricted_path(db)):
        shutil.copy(f, folder / f.name)
    return folder / db.name


@pytest.mark.parametrize(("point", "repair"), [*((p, "ingest") for p in stages.KILL_POINTS),
                                                ("ingested", "refresh"), ("validate", "refresh")])
def test_a_kill_anywhere_is_repaired_by_running_again(point, repair, after_first, reference, tmp_path):
    db = _copy(after_first, tmp_path)
    killed = tartip("ingest", *SECOND, "--db", db, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point != "ingest":
        # the interrupted state is really behind: the snapshot does not yet show the new loads
        assert state_of(db) != reference
    if repair == "ingest":
        again = tartip("ingest", *SECOND, "--db", db)
    else:
        # the first file of the batch is committed before the kill; refresh finishes what was loaded,
        # and the batch loaded again afterwards adds the rest
        again = tartip("refresh", "--db", db)
        assert again.returncode == 0, again.stderr
        again = tartip("ingest", *SECOND, "--db", db)
    assert again.returncode == 0, again.stderr
    assert_same(state_of(db), reference)


def assert_same(got: dict, want: dict) -> None:
    """Equal databases and snapshots, table by table (a failure names the table)."""
    for part in want:
        assert sorted(got[part]) == sorted(want[part]), part
        for table in want[part]:
            assert got[part][table] == want[part][table], f"{part}: {table}"


def test_an_unchanged_file_after_a_kill_before_the_model_says_what_it_repairs(after_first, tmp_path):
    db = _copy(after_first, tmp_path)
    assert tartip("ingest", SECOND[0], "--db", db, kill_at="ingested").returncode == -signal.SIGKILL
    again = tartip("ingest", SECOND[0], "--db", db)
    assert "unchanged" in again.stdout
    assert "model:" in again.stdout and "validation run" in again.stdout and "published load #" in again.stdout
    # a run with nothing behind does nothing
    idle = tartip("refresh", "--db", db)
    assert idle.returncode == 0 and "model:" not in idle.stdout and "published" not in idle.stdout


def test_the_snapshot_says_which_load_it_reflects(after_first):
    con = duckdb.connect(str(publish.public_path(after_first)), read_only=True)
    try:
        load_id, name, model_load, validated = con.execute(
            "select load_id, file_name, model_load_id, validated_load_id from snapshot_info").fetchone()
        last = con.execute("select max(load_id) from load_log").fetchone()[0]
    finally:
        con.close()
    assert (load_id, model_load, validated) == (last, last, last)
    assert name == FIRST[-1].name


def test_a_snapshot_updated_in_place_equals_one_written_anew(after_first, reference, tmp_path):
    # the reference's snapshot was updated from the first one; written anew it must hold the same
    db = _copy(after_first, tmp_path)
    assert tartip("ingest", *SECOND, "--db", db).returncode == 0
    publish.public_path(db).unlink()
    again = tartip("refresh", "--db", db)
    assert "published" in again.stdout
    assert_same(state_of(db), reference)


def test_a_crashed_publish_leaves_no_log_that_breaks_the_next(demo_db, tmp_path):
    # a run killed while writing the snapshot's temporary file can leave its write-ahead log; the
    # next publish starts the file anew and must not replay that log onto it (DuckDB refuses it)
    db = _copy(demo_db, tmp_path)
    other = tmp_path / "other.duckdb"
    writer = ("import duckdb, os, signal; c = duckdb.connect(r'%s'); c.execute(\"set checkpoint_threshold='1GB'\"); "
              "c.execute('create table t as select range as x from range(1000)'); os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", writer % other])
    stale = publish.public_path(db).with_name(publish.public_path(db).name + ".tmp.wal")
    shutil.copy(other.with_name(other.name + ".wal"), stale)
    out = tartip("refresh", "--full", "--db", db)
    assert out.returncode == 0, out.stderr
    assert not stale.exists()
    con = duckdb.connect(str(publish.public_path(db)), read_only=True)
    try:
        assert con.execute("select count(*) from tasks").fetchall()[0][0] > 1000
    finally:
        con.close()


def test_a_first_load_killed_while_the_rules_run_is_repaired(after_first, tmp_path):
    # a kill while the rules run leaves no snapshot; the next run checks the rules again and publishes
    db = tmp_path / "tartip.duckdb"
    assert tartip("ingest", *FIRST, "--db", db, kill_at="validate").returncode == -signal.SIGKILL
    assert not publish.public_path(db).exists()
    # the rules died unfinished: the next run checks them under DuckDB's whole memory cap (a crash
    # can be DuckDB's, corrupting what it evicts under a lowered cap)
    assert Path(f"{db}.validating").exists()
    again = tartip("ingest", *FIRST, "--db", db)
    assert again.returncode == 0, again.stderr
    assert "stopped unfinished" in again.stderr and not Path(f"{db}.validating").exists()
    # loaded at another time than after_first: an export without its «Сформирован» line is
    # observed when it is loaded (status_history's valid_from and valid_to)
    volatile = VOLATILE | {"valid_from", "valid_to"}
    assert_same(state_of(db, volatile), state_of(after_first, volatile))
    assert not list(tmp_path.glob("*.tmp*"))


