"""Flags hold for a span of runs: settle writes the new or changed ones only, and a database made
before spans is brought to them without losing a run."""

from __future__ import annotations

import duckdb

from pipelines import db
from pipelines.validate import flags
from tests.conftest import rows

OLD_VIOLATIONS = """
create table violations (
    run_id integer not null, rule_id varchar not null, clause varchar not null, kind varchar not null,
    severity varchar not null, record_table varchar not null, record_id varchar not null, reg_no varchar,
    department_code varchar, expected_value varchar, actual_value varchar, expected_date date,
    actual_date date, working_days_late integer, message_kk varchar, message_ru varchar, message_en varchar,
    source_file varchar, sheet varchar, row_no integer, org_name varchar)
"""


def _flag(record_id: str, late: int = 1, rule_id: str = "R-1") -> dict:
    return {"rule_id": rule_id, "clause": "R-1", "kind": "deadline", "severity": "error",
            "record_table": "documents", "record_id": record_id, "working_days_late": late}


def _new(con: duckdb.DuckDBPyConnection, *found: dict) -> None:
    """temp.new_flags: the flags a rule found now (the columns not given are null)."""
    flags.gather(con)
    for f in found:
        con.execute(f"insert into new_flags ({', '.join(f)}) values ({', '.join('?' * len(f))})", list(f.values()))


def test_unchanged_flags_are_kept_changed_ones_closed_and_written_again(con):
    _new(con, _flag("a"), _flag("b"), _flag("c", late=2))
    flags.settle(con, "temp.new_flags", 1, "rule_id = 'R-1'")
    # run 2: a unchanged, b no longer flagged, c two days later, d new
    _new(con, _flag("a"), _flag("c", late=4), _flag("d"))
    flags.settle(con, "temp.new_flags", 2, "rule_id = 'R-1'")
    assert rows(con, "select record_id, working_days_late, run_id, until_run_id from violations order by all") == [
        ("a", 1, 1, None), ("b", 1, 1, 1), ("c", 2, 1, 1), ("c", 4, 2, None), ("d", 1, 2, None)]
    assert len({r[0] for r in rows(con, "select flag_id from violations")}) == 5


def test_flags_are_numbered_above_every_number_given_before(con):
    # a database numbered by the sequence (nextval per flag) gave 1..7, of which flags keep 1..3
    con.execute("select nextval('violation_ids') from range(7)").fetchall()
    _new(con, _flag("a"), _flag("b"), _flag("c"))
    con.execute("insert into violations by name select 1 as run_id, *, 3 as until_run_id, rowid + 1 as flag_id "
                "from new_flags")
    _new(con, _flag("a"), _flag("b"))
    flags.settle(con, "temp.new_flags", 4, "rule_id = 'R-1'")
    first = rows(con, "select flag_id from violations where run_id = 4 order by 1")
    assert first == [(8,), (9,)]
    # the next run's flags (and those GX writes, flags.number) follow, whatever the connection
    _new(con, _flag("a"), _flag("c"), _flag("d"))
    flags.settle(con, "temp.new_flags", 5, "rule_id = 'R-1'")
    # numbered by their place among the three found (10 went to `a`, found again and kept as 8)
    assert rows(con, "select record_id, flag_id from violations where run_id = 5 order by 1") == [("c", 11), ("d", 12)]
    assert flags.number(con, 10) == 13 and flags.number(con, 1) == 23
    ids = rows(con, "select flag_id from violations")
    assert len(ids) == len(set(ids)) == 7


def test_a_gap_in_the_new_flags_never_makes_two_flags_share_a_number(con):
    _new(con, _flag("a"), _flag("b"), _flag("c"), _flag("d"))
    con.execute("delete from new_flags where record_id = 'b'")  # rowids 0, 2, 3
    flags.settle(con, "temp.new_flags", 1, "rule_id = 'R-1'")
    ids = [i for (i,) in rows(con, "select flag_id from violations")]
    assert len(set(ids)) == 3 and flags.number(con, 1) > max(ids)


def test_equal_flags_pair_one_to_one(con):
    # the same record flagged twice (a duplicated row): both copies count, and one copy less closes one
    _new(con, _flag("a"), _flag("a"), _flag("b"))
    flags.settle(con, "temp.new_flags", 1, "rule_id = 'R-1'")
    _new(con, _flag("a"), _flag("b"), _flag("b"))
    flags.settle(con, "temp.new_flags", 2, "rule_id = 'R-1'")
    assert rows(con, "select record_id, count(*) from violations where until_run_id is null group by 1 order by 1") \
        == [("a", 1), ("b", 2)]
    assert rows(con, "select record_id, run_id, until_run_id from violations where run_id = 2 or until_run_id = 1") \
        == [("a", 1, 1), ("b", 2, None)]


def test_settle_touches_only_the_flags_of_its_scope(con):
    _new(con, _flag("a"), _flag("x", rule_id="R-2"))
    flags.settle(con, "temp.new_flags", 1, "true")
    _new(con)
    flags.settle(con, "temp.new_flags", 2, "rule_id = 'R-1'")
    assert rows(con, "select rule_id, until_run_id from violations order by 1") == [("R-1", 1), ("R-2", None)]
    assert flags.held(con, 3, "true") == [("R-2", 1)]
    flags.prune(con, 3, keep=2)
    assert rows(con, "select rule_id from violations") == [("R-2",)]


def test_a_database_made_before_spans_keeps_every_run():
    con = duckdb.connect()
    try:
        con.execute(OLD_VIOLATIONS)
        for run in (1, 2):  # each old run held all its flags
            con.execute("insert into violations (run_id, rule_id, clause, kind, severity, record_table, record_id, "
                        "working_days_late) select ?, 'R-1', 'R-1', 'deadline', 'error', 'documents', 'doc' || i, 1 "
                        "from range(3) r(i)", [run])
        db.init(con)
        assert rows(con, "select run_id, until_run_id, count(*), count(distinct flag_id) from violations "
                         "group by all order by 1") == [(1, 1, 3, 3), (2, None, 3, 3)]
        before = rows(con, "select * from violations order by flag_id")
        db.init(con)  # again: nothing changes
        assert rows(con, "select * from violations order by flag_id") == before
        _new(con, *(_flag(f"doc{i}") for i in range(3)))
        flags.settle(con, "temp.new_flags", 3, "rule_id = 'R-1'")  # run 3 finds run 2's flags again
        assert rows(con, "select count(*) from violations") == [(6,)]
    finally:
        con.close()
