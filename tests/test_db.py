"""Connections: setting up the schema once (db.init), the pace of DuckDB's compaction of deleted rows
(db.pace_vacuum), and compacting when there is time (db.compact)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import db


def _row_groups(con: duckdb.DuckDBPyConnection, table: str = "t") -> int:
    return con.execute(f"select count(distinct row_group_id) from pragma_storage_info('{table}')").fetchall()[0][0]


def _vacuum_setting(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select current_setting('max_vacuum_tasks')").fetchall()[0][0])


@pytest.fixture
def con(tmp_path):
    c = db.connect(tmp_path / "t.duckdb")
    c.execute("create table t as select i, md5(i::varchar) as s from range(600000) r(i)")
    c.execute("checkpoint")
    yield c
    c.close()


def test_a_few_deleted_rows_stay_until_the_share_is_due(con):
    """Under the threshold a checkpoint keeps the row groups (and their deleted rows) as they are."""
    assert not db.pace_vacuum(con, at=0.2) and _vacuum_setting(con) == 0
    groups = _row_groups(con)
    con.execute("delete from t where i % 10 = 0")  # 10 % of every row group
    con.execute("checkpoint")
    assert _row_groups(con) == groups
    assert con.execute("select estimated_size from duckdb_tables() where table_name = 't'").fetchall()[0][0] \
        == 600000  # the deleted rows are still in the file


def test_past_the_share_the_next_checkpoint_compacts(con):
    """Once a table holds more than `at` deleted rows, the next checkpoint that touches it merges them away."""
    db.pace_vacuum(con, at=0.2)
    groups = _row_groups(con)
    con.execute("delete from t where i % 4 = 0")  # 25 %
    con.execute("checkpoint")
    assert _row_groups(con) == groups  # not yet: the share was 0 when the setting was chosen
    assert db.pace_vacuum(con, at=0.2) and _vacuum_setting(con) == 100
    con.execute("delete from t where i = 1")
    con.execute("checkpoint")
    assert _row_groups(con) < groups
    assert con.execute("select count(*) from t").fetchall()[0][0] == 449999
    assert not db.pace_vacuum(con, at=0.2)  # compacted: nothing due any more


def test_the_share_is_per_table_and_per_database(con, tmp_path):
    """A small table is ignored; an attached database (the publish stage's `pub`) is judged on its own."""
    con.execute("create table small as select * from range(10)")
    con.execute("delete from small where range < 9")
    assert not db.pace_vacuum(con, at=0.2)
    con.execute(f"attach '{tmp_path / 'p.duckdb'}' as pub")
    con.execute("create table pub.u as select * from range(5000) r(i)")
    con.execute("delete from pub.u where i < 2000")
    assert db.pace_vacuum(con, "pub", at=0.2)
    assert not db.pace_vacuum(con, at=0.2)


def test_a_writing_connection_starts_with_the_pace_set(tmp_path):
    """db.connect chooses the setting from the file it opens."""
    path = tmp_path / "w.duckdb"
    c = db.connect(path)
    assert _vacuum_setting(c) == 0  # nothing due in a new file (DuckDB's own default is 100)
    c.execute("create table t as select * from range(10000) r(i)")
    c.execute("delete from t where i < 5000")
    c.close()
    c = db.connect(path)
    try:
        assert _vacuum_setting(c) == 100
    finally:
        c.close()


def _stored(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute("select estimated_size from duckdb_tables() where table_name = ?", [table]).fetchall()[0][0]


def test_compact_rewrites_only_the_tables_past_the_share_keeping_rows_order_and_definition(con):
    con.execute("create table u (i integer default 7, s varchar)")
    con.execute("insert into u select i, s from t")
    con.execute("comment on table t is 'kk: / ru: таблица'")
    con.execute("checkpoint")
    con.execute("delete from t where i % 20 = 3")  # 5 % of t
    con.execute("delete from u where i % 100 = 3")  # 1 % of u
    con.execute("checkpoint")
    rows = con.execute("select * from t").fetchall()  # in the table's own order
    assert _stored(con, "t") == 600000 and _stored(con, "u") == 600000  # the deleted rows stay in the file
    assert db.deleted_over(con, 0.02) == [("main", "t")]
    assert db.compact(con, at=0.02) == ["t"]
    assert _stored(con, "t") == 570000 == len(rows)  # gone from the file ...
    assert con.execute("select * from t").fetchall() == rows  # ... the rows and their order kept
    assert _stored(con, "u") == 600000  # under the share: left as it was
    assert con.execute("select comment from duckdb_tables() where table_name = 't'").fetchall() == \
        [("kk: / ru: таблица",)]
    assert db.compact(con, at=0.02) == []  # nothing left to do
    assert db.compact(con, at=0.005) == ["u"]
    con.execute("insert into u (s) values ('x')")
    assert con.execute("select i from u where s = 'x'").fetchall() == [(7,)]  # its default kept


def _views(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}


def test_init_runs_again_only_when_its_sql_changed(tmp_path, monkeypatch):
    """A database set up from the same SQL is not set up again; a change of that SQL, or a database
    without the digest (older code), is."""
    path = tmp_path / "s.duckdb"
    with duckdb.connect(str(path)) as con:
        db.init(con)
        assert "stg_edms" in _views(con)
        con.execute("drop view stg_edms")  # a sign that a second init did not run
        db.init(con)
        assert "stg_edms" not in _views(con)
        private, main = db.schema_sql()
        monkeypatch.setattr(db, "schema_sql", lambda: (private[:-1] + [private[-1] + "\n-- changed"], main))
        db.init(con)  # the SQL changed: every statement runs again
        assert "stg_edms" in _views(con)
        con.execute("drop view stg_edms")
        monkeypatch.undo()
        con.execute("delete from pipeline_state where stage = 'schema'")  # set up by older code
        db.init(con)
        assert "stg_edms" in _views(con)
        assert con.execute("select count(*) from pipeline_state where stage = 'schema'").fetchall() == [(1,)]


def test_a_memory_cap_lowers_and_gives_back_the_cap_exactly(tmp_path, monkeypatch):
    """memory_cap lowers DuckDB's cap inside the block and restores the one set before, not its rounded
    display (setting back '2.7 GiB' gave 2.6, and every suite lowered the pipeline's cap again), and
    never raises a smaller cap."""
    def shown(c: duckdb.DuckDBPyConnection) -> str:
        return c.execute("select current_setting('memory_limit')").fetchall()[0][0]

    monkeypatch.setenv("TARTIP_MEMORY_LIMIT", "3GB")
    con = db.connect(tmp_path / "m.duckdb")
    start = shown(con)
    for _ in range(3):
        with db.memory_cap(con, "2.5GB"):
            assert shown(con) == "2.3 GiB"
            with db.memory_cap(con, "1GB"):
                assert shown(con) == "953.6 MiB"
            assert shown(con) == "2.3 GiB"
    assert shown(con) == start == "2.7 GiB"
    con.close()
    monkeypatch.setenv("TARTIP_MEMORY_LIMIT", "300MB")
    con = db.connect(tmp_path / "m.duckdb")
    with db.memory_cap(con, "2.5GB"):
        assert shown(con) == "286.1 MiB"
    con.close()
    plain = duckdb.connect(config={"memory_limit": "3GB"})  # not opened by db.connect: no drift either
    for _ in range(3):
        with db.memory_cap(plain, "1GB"):
            assert shown(plain) == "953.6 MiB"
        assert shown(plain) == "2.7 GiB"
    plain.close()
    assert db.size_bytes("2.5GB") == 2.5e9 and db.size_bytes("2.7 GiB") == 2.7 * 2**30
    with pytest.raises(ValueError):
        db.size_bytes("lots")


def test_a_cap_duckdb_refuses_neither_fails_the_run_nor_its_transaction(tmp_path, monkeypatch):
    """Memory DuckDB cannot give back (here an index; in a national first load, what the snapshot
    writer's thread held) refused the lowered cap with an OutOfMemoryException that aborted the
    caller's transaction and failed the load: the lowest cap it accepts holds instead, the
    transaction goes on, the cap before comes back — and an error inside the block stays the error."""
    def shown(c: duckdb.DuckDBPyConnection) -> float:
        return db.size_bytes(c.execute("select current_setting('memory_limit')").fetchall()[0][0])

    monkeypatch.setenv("TARTIP_MEMORY_LIMIT", "3GB")
    con = db.connect(tmp_path / "m.duckdb")
    con.execute("create temp table held as select range::varchar || 'abcdefghij' as s from range(2000000)")
    con.execute("create index held_s on held (s)")  # ~80 MB DuckDB cannot spill
    held = con.execute("select sum(memory_usage_bytes) from duckdb_memory() where tag = 'ART_INDEX'").fetchall()[0][0]
    assert held > 40e6
    con.begin()
    con.execute("create table t as select 1 as x")
    with pytest.raises(duckdb.OutOfMemoryException):  # what the cap met on its own
        con.cursor().execute("set memory_limit = '20MB'")
    with db.memory_cap(con, "20MB"):
        assert held < shown(con) < db.size_bytes("2 GiB")  # lowered as far as DuckDB let it
        con.execute("insert into t values (2)")  # the transaction goes on
    con.commit()
    assert con.execute("select count(*) from t").fetchall() == [(2,)]
    assert shown(con) == db.size_bytes("2.7 GiB")
    con.begin()
    with pytest.raises(duckdb.CatalogException), db.memory_cap(con, "1GB"):
        con.execute("select * from no_such_table")  # aborts the transaction: the cap still comes back
    con.rollback()
    assert shown(con) == db.size_bytes("2.7 GiB")
    con.close()
