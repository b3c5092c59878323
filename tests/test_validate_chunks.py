"""Form and data rules give the same flags whether GX gets the frame whole or in small chunks."""

from __future__ import annotations

import pytest

from pipelines.validate import expectations
from pipelines.validate import run as validation

FILES = ("edms_kk.xlsx", "edms_update.csv", "protocols_ru.xlsx", "appeals_kk.xlsx", "materials_ru.csv")


def flags(con, run_id: int) -> list[tuple]:
    """The form and data flags of a run, without the run number."""
    return con.execute(
        f"select * exclude (run_id, until_run_id, flag_id) from run_violations({int(run_id)}) "
        "where kind <> 'deadline' order by all").fetchall()


def test_chunked_suites_flag_the_same_records_duplicates_included(con, ingest, monkeypatch):
    ingest(*FILES)
    # a duplicated document: the uniqueness expectation must see both copies in one chunk
    con.execute("insert into documents select * from documents order by document_id limit 1")
    whole, _, _ = validation.run(con)
    monkeypatch.setenv("TARTIP_GX_CHUNK_ROWS", "2")
    chunked, results, _ = validation.run(con)
    assert flags(con, chunked) == flags(con, whole)
    unique = [r for r in results if r.rule.id == "DQ-KEY-UNIQUE"]
    assert unique and unique[0].violations >= 2
    checked = dict(con.execute("select rule_id, records_checked from validation_runs where run_id = ?",
                               [whole]).fetchall())
    assert checked == dict(con.execute("select rule_id, records_checked from validation_runs where run_id = ?",
                                       [chunked]).fetchall())


def test_chunks_are_not_fingerprinted(con, ingest, monkeypatch):
    # GX hashes every value of a pandas batch for a batch marker nothing reads (~0.75 s per 500k rows)
    from great_expectations.execution_engine import pandas_execution_engine

    ingest(*FILES)

    def hashed(df):
        raise AssertionError("a chunk was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", hashed)
    _, results, _ = validation.run(con)
    assert any(r.rule.kind != "deadline" and r.checked for r in results)  # GX did check records


def stored_results(docs_root) -> dict[str, dict]:
    """The validation results stored for the Data Docs, by suite (one file each expected)."""
    import json

    files = sorted((docs_root / "gx" / "uncommitted" / "validations").glob("*/*/*/*.json"))
    out = {}
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert doc["suite_name"] not in out, f"two results of one suite: {f}"
        out[doc["suite_name"]] = doc
    return out


def test_the_data_docs_show_one_result_per_suite_summed_over_its_chunks(con, ingest, monkeypatch, tmp_path):
    ingest(*FILES)
    con.execute("insert into documents select * from documents order by document_id limit 1")
    monkeypatch.setenv("TARTIP_GX_CHUNK_ROWS", "2")
    run_id, _, index = validation.run(con, docs_root=tmp_path / "docs")
    stored = stored_results(tmp_path / "docs")
    assert set(stored) == {p.stem for p in expectations.suite_files()}
    assert stored["tasks"]["meta"]["chunks"] > 1  # the tasks suite really ran in several chunks
    checked, failed = {}, {}
    for doc in stored.values():
        for r in doc["results"]:
            rule = r["expectation_config"]["meta"]["rule_id"]
            checked[rule] = checked.get(rule, 0) + r["result"]["element_count"]
            failed[rule] = failed.get(rule, 0) + r["result"]["unexpected_count"]
            assert len(r["result"]["partial_unexpected_list"]) == min(r["result"]["unexpected_count"], 20)
            assert r["success"] == (r["result"]["unexpected_count"] == 0)
            assert "unexpected_index_list" not in r["result"]  # chunk positions mean nothing here
    # the Data Docs' counts are the run's: records checked and flags of every form and data rule
    assert {(k, checked[k], failed[k]) for k in checked} == set(con.execute(
        "select rule_id, records_checked, violations from validation_runs where run_id = ? and rule_id in "
        "(select rule_id from rule_catalogue where kind <> 'deadline')", [run_id]).fetchall())
    assert failed["DQ-KEY-UNIQUE"] >= 2
    pages = list(index.parent.glob("validations/*/*/*/*.html"))
    assert sorted(p.parent.parent.parent.name for p in pages) == sorted(stored)


def test_suites_over_every_record_run_under_the_validation_cap(con, ingest, monkeypatch):
    """A full run's suites see DuckDB under $TARTIP_VALIDATE_MEMORY_LIMIT (room for GX beside what the
    model left cached), a day's scoped suites the connection's own cap; either way it is given back."""
    ingest(*FILES)

    def limit() -> str:
        return con.execute("select current_setting('memory_limit')").fetchall()[0][0]

    seen: list[str] = []
    real = expectations.run_suite

    def spy(*args, **kwargs):
        seen.append(limit())
        yield from real(*args, **kwargs)

    monkeypatch.setattr(expectations, "run_suite", spy)
    monkeypatch.setenv("TARTIP_VALIDATE_MEMORY_LIMIT", "2GB")
    own = limit()
    validation.run(con)
    assert seen and set(seen) == {"1.8 GiB"} and limit() == own
    seen.clear()
    since = con.execute("select max(load_id) from load_log").fetchall()[0][0]
    validation.run(con, since=since)
    assert seen and set(seen) == {own} and limit() == own


def test_a_chunk_comes_through_arrow_as_duckdb_would_give_it(con):
    # GX must see the frame .df() would make: text, timestamps, booleans with and without missing
    # values, integers (through Arrow); dates, decimals, integers with missing values (by .df()),
    # and an empty chunk
    through_arrow = """
        select * from (values
            ('a', true, true, timestamp '2025-01-06 19:00', 1, 1.5::double),
            (null, null, false, null, 2, null),
            ('ДСП ә', false, true, timestamp '2025-03-21 09:00', 3, 2.0)
        ) as t(text, flag_with_nulls, flag, moment, n, x)"""
    by_df = """
        select * from (values
            ('a', date '2025-01-06', 1, 1.5),
            (null, null, null, null)
        ) as t(text, day, n, x)"""
    table = con.sql(through_arrow).to_arrow_table()
    assert all(expectations._as_df(c.type, c.null_count) for c in table.columns)
    table = con.sql(by_df).to_arrow_table()
    assert not any(expectations._as_df(c.type, c.null_count) for c in table.columns[1:])
    for sql in (through_arrow, by_df, through_arrow + " where false"):
        got, want = expectations.frame(con, sql), con.execute(sql).df()
        assert list(got.dtypes) == list(want.dtypes)
        assert got.equals(want)


def test_a_run_duckdb_fails_under_the_lowered_cap_is_checked_again_under_its_whole_cap(con, ingest, monkeypatch,
                                                                                      capsys):
    """DuckDB 2.0.1 can corrupt a run's uncommitted rows while it evicts them under the cap the suites
    lower ("Corrupted uncompressed string segment"): the run is rolled back and checked again with
    DuckDB under its whole cap, giving what an undisturbed run gives; our own SQL errors, and a
    failure under the whole cap, are not retried and leave the database as it was."""
    import duckdb

    ingest(*FILES)
    monkeypatch.setenv("TARTIP_VALIDATE_MEMORY_LIMIT", "2GB")

    def limit() -> str:
        return con.execute("select current_setting('memory_limit')").fetchall()[0][0]

    own = limit()
    reference, _, _ = validation.run(con)
    real = expectations.write
    caps: list[str] = []

    def corrupting(error):
        def write(c, *args):
            caps.append(limit())
            if error is not None and (limit() != own or error is not duckdb.Error):
                raise error("Corrupted uncompressed string segment: dictionary offset 1 exceeds dictionary size 0")
            return real(c, *args)
        return write

    monkeypatch.setattr(expectations, "write", corrupting(duckdb.Error))
    again, _, _ = validation.run(con)
    assert "lowered memory cap (Corrupted uncompressed string segment" in capsys.readouterr().err
    assert own in caps and caps[0] != own and limit() == own  # failed under the lowered cap, then the whole one
    assert again == reference + 1  # the failed attempt left no run behind
    assert flags(con, again) == flags(con, reference)
    runs = con.execute("select count(*) from validation_runs").fetchall()[0][0]
    for error in (duckdb.CatalogException, duckdb.InvalidInputException):  # ours; the whole cap's own failure
        caps.clear()
        monkeypatch.setattr(expectations, "write", corrupting(error))
        with pytest.raises(duckdb.Error):
            validation.run(con)
        assert len(caps) == (1 if error is duckdb.CatalogException else 2)
        assert con.execute("select count(*) from validation_runs").fetchall() == [(runs,)]
        assert limit() == own


def test_a_validation_that_died_unfinished_makes_the_next_one_run_under_the_whole_cap(con, ingest, monkeypatch,
                                                                                        capsys, tmp_path):
    """A crash (DuckDB's corruption can end in one) leaves <db>.validating behind: the next validation
    runs under DuckDB's whole cap from the start and clears it; a finished one leaves none (a real
    kill of a file database: tests/test_crash.py)."""
    ingest(*FILES)
    monkeypatch.setenv("TARTIP_VALIDATE_MEMORY_LIMIT", "2GB")
    assert validation.unfinished_marker(con) is None  # a database in memory has no file beside it
    marker = tmp_path / "tartip.duckdb.validating"
    monkeypatch.setattr(validation, "unfinished_marker", lambda c: marker)
    own = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    caps: list[str] = []
    real = expectations.write

    def spy(c, *args):
        caps.append(c.execute("select current_setting('memory_limit')").fetchall()[0][0])
        return real(c, *args)

    monkeypatch.setattr(expectations, "write", spy)
    validation.run(con)
    assert caps and own not in caps and not marker.exists()  # lowered caps; the marker cleared
    marker.touch()  # what a validation killed midway leaves
    caps.clear()
    validation.run(con)
    assert caps and set(caps) == {own} and not marker.exists()
    assert "stopped unfinished" in capsys.readouterr().err


@pytest.mark.parametrize("in_transaction", [False, True])
def test_chunks_cover_every_row_once_with_every_copy_of_an_id_together(con, in_transaction):
    # 10 ids, two of them copied far apart; a validation run writes its frame in an open transaction,
    # where DuckDB numbers new rows from 2^62
    if in_transaction:
        con.begin()
    con.execute("create or replace temp table gx_frame as select * from (values "
                "('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g'), ('h'), ('i'), ('j'), ('c'), ('j'), ('j'), (null)"
                ") as t(record_id)")
    chunks = expectations.chunk_queries(con, 14, 3)
    seen = [con.execute(f"select rowid, record_id from gx_frame where {c.where}").fetchall() for c in chunks]
    assert sorted(r for rows in seen for r in rows) == sorted(con.execute("select rowid, record_id from gx_frame")
                                                             .fetchall())
    # ranges of at most 3 rows (9 single ids and the null: 4), then the 5 copies split by hash (2)
    ranges = [rows for c, rows in zip(chunks, seen, strict=True) if c.where.startswith("rowid")]
    assert len(ranges) == 5 and all(len(rows) <= 3 for rows in ranges) and len(chunks) == 7
    # the ranges' ids are distinct (and said to be); the chunks of copies are not
    assert [c.distinct_ids for c in chunks] == [True] * 5 + [False] * 2
    assert all(len({rid for _, rid in rows}) == len(rows) for rows in ranges)
    homes = {}
    for k, rows in enumerate(seen):
        for _, rid in rows:
            homes.setdefault(rid, set()).add(k)
    assert all(len(h) == 1 for h in homes.values())  # each id (its copies) in one chunk
    if in_transaction:
        con.rollback()


def test_an_empty_frame_is_one_empty_chunk(con):
    con.execute("create or replace temp table gx_frame as select 'x' as record_id where false")
    assert [con.execute(f"select count(*) from gx_frame where {c.where}").fetchall() for c in
            expectations.chunk_queries(con, 0, 3)] == [[(0,)]]


def test_the_record_id_goes_to_gx_as_its_hash_only_where_that_changes_nothing(con, ingest, monkeypatch):
    suites = {p.stem: expectations.load_suite(p) for p in expectations.suite_files()}
    assert expectations.key_only(suites["documents"]) and expectations.key_only(suites["tasks"])
    # a suite that reads the id's value, not only its uniqueness, gets the text in every chunk
    reads = {"expectations": [*suites["documents"]["expectations"],
                              {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "record_id"}}]}
    assert not expectations.key_only(reads)
    ranged, copies = expectations.Chunk("true", True), expectations.Chunk("true", False)
    assert "hash(record_id)" in expectations.chunk_columns({"record_id", "x"}, ranged, True)
    assert "hash" not in expectations.chunk_columns({"record_id", "x"}, copies, True)
    assert "hash" not in expectations.chunk_columns({"record_id", "x"}, ranged, False)
    # the flags and counts are those GX finds over the ids' texts, duplicates included
    ingest(*FILES)
    con.execute("insert into documents select * from documents order by document_id limit 1")
    monkeypatch.setenv("TARTIP_GX_CHUNK_ROWS", "3")
    given, real = [], expectations.chunk_columns
    monkeypatch.setattr(expectations, "chunk_columns", lambda *a: given.append(real(*a)) or given[-1])
    hashed, results, _ = validation.run(con)
    assert any("hash(record_id)" in g for g in given) and any("hash" not in g for g in given)
    monkeypatch.setattr(expectations, "key_only", lambda doc: False)
    texts, _, _ = validation.run(con)
    assert flags(con, hashed) == flags(con, texts)
    assert [r for r in results if r.rule.id == "DQ-KEY-UNIQUE"][0].violations >= 2
    counts = "select rule_id, records_checked, violations from validation_runs where run_id = ? order by 1"
    assert con.execute(counts, [hashed]).fetchall() == con.execute(counts, [texts]).fetchall()


def test_runs_without_data_docs_reuse_the_suites_defined_in_the_process(con, ingest, monkeypatch):
    """A process (the inbox watcher) makes the in-memory GX context and each suite's definition once and
    checks every later run with them, giving the same flags; a suite changed since is defined again."""
    ingest(*FILES)
    made = []
    define = expectations._define
    monkeypatch.setattr(expectations, "_define", lambda ctx, doc: made.append(doc["name"]) or define(ctx, doc))
    monkeypatch.setattr(expectations, "_EPHEMERAL", {})
    monkeypatch.setattr(expectations, "_DEFINED", {})
    first, _, _ = validation.run(con)
    suites = sorted(made)
    assert suites and len(set(suites)) == len(suites)
    second, _, _ = validation.run(con)
    assert sorted(made) == suites  # nothing defined again
    assert flags(con, second) == flags(con, first)
    load = expectations.load_suite
    monkeypatch.setattr(expectations, "load_suite", lambda path: _one_less(load(path)))
    third, _, _ = validation.run(con)
    assert sorted(made) == sorted(suites * 2)  # every suite changed: each defined again
    dropped = [load(p)["expectations"][0]["meta"]["rule_id"] for p in expectations.suite_files()]
    checked = "select sum(records_checked) from validation_runs where run_id = ? and rule_id in ({})".format(
        ", ".join("?" * len(dropped)))
    assert con.execute(checked, [third, *dropped]).fetchone()[0] < con.execute(checked, [first, *dropped]).fetchone()[0]


def _one_less(doc: dict) -> dict:
    """A suite without its first expectation."""
    return {**doc, "expectations": doc["expectations"][1:]}


def _limit(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchall()[0][0]


def test_a_days_suites_are_with_gx_while_the_deadline_rules_are_judged(con, ingest, monkeypatch):
    """An incremental run hands GX every suite's frame (one thread, in turn), judges the deadline rules
    on DuckDB meanwhile, then writes the suites' flags in their order; with frames too large for that,
    each suite is checked and written before the next, the rules before the first under DuckDB's own
    cap. The flags are the same either way."""
    import threading

    from great_expectations.validator.v1_validator import Validator

    ingest(*FILES)
    validation.run(con)
    since = con.execute("select min(load_id) from load_log").fetchone()[0]  # the update's documents: a scope
    tasks_checked = threading.Event()
    checks: list[str] = []
    check = Validator.validate_expectation_suite

    def validate(self, suite, *args, **kwargs):
        checks.append(suite.name)
        if suite.name == "tasks":
            tasks_checked.set()
        return check(self, suite, *args, **kwargs)

    judge = validation._deadline_rules
    seen: list[tuple[bool, str]] = []

    def deadline_rules(*args, **kwargs):
        # the rules wait (at most 20 s) for GX to start on the last suite's frame: they run once every
        # suite is with GX
        seen.append((tasks_checked.wait(20 if not seen else 0), _limit(con)))
        return judge(*args, **kwargs)

    written: list[str] = []
    write = expectations.write

    def writing(c, rule, run_id, outcome):
        written.append(outcome.suite)
        return write(c, rule, run_id, outcome)

    monkeypatch.setattr(Validator, "validate_expectation_suite", validate)
    monkeypatch.setattr(validation, "_deadline_rules", deadline_rules)
    monkeypatch.setattr(expectations, "write", writing)
    own = _limit(con)
    overlapped, results, _ = validation.run(con, since=since)
    assert seen == [(True, own)]
    assert checks == ["documents", "tasks"]  # the suites with a scope; the registers' unchanged
    assert written[:1] == ["documents"] and written == sorted(written)  # in the suites' order
    assert any(r.rule.kind == "deadline" and r.checked for r in results)
    tasks_checked.clear()
    monkeypatch.setattr(expectations, "SMALL_FRAME", -1)  # every frame "large": GX after the rules
    after, _, _ = validation.run(con, since=since)
    assert seen[1] == (False, own)  # judged before GX began, under DuckDB's own cap
    assert flags(con, after) == flags(con, overlapped)
    numbered = "select rule_id, flag_id from run_violations(?) where run_id = ? order by flag_id"
    firsts = [[rule for rule, _ in con.execute(numbered, [r, r]).fetchall()] for r in (overlapped, after)]
    assert firsts[0] == firsts[1]  # numbered in the same order: the deadline rules', then each suite's
    deadline = "select * exclude (run_id, until_run_id, flag_id) from run_violations(?) where kind = 'deadline' " \
               "order by all"
    assert con.execute(deadline, [after]).fetchall() == con.execute(deadline, [overlapped]).fetchall()


def test_gx_holding_a_small_frame_leaves_duckdb_its_cap(con, ingest, monkeypatch):
    """Only a frame of more than SMALL_FRAME rows makes DuckDB give back memory while GX holds it
    (lowering the cap empties DuckDB's cache above it); a day's few records leave the cap as it is.
    A suite paused (run_suite's pause) has GX on a small frame already; a large one begins after."""
    ingest(*FILES)
    own = _limit(con)
    suite = next(p for p in expectations.suite_files() if p.stem == "documents")
    ctx = expectations.context(None)

    def caps() -> list[tuple[object, str]]:
        # the generator stands inside its cap at each yield
        return [(item if isinstance(item, bool) else "chunk", _limit(con))
                for item in expectations.run_suite(lambda: ctx, con, suite, pause=True)]

    small = caps()
    assert small[0] == (True, own) and len(small) > 1 and {cap for _, cap in small} == {own}
    monkeypatch.setattr(expectations, "SMALL_FRAME", 0)
    large = caps()
    assert large[0] == (False, own) and len(large) > 1
    assert all(cap != own for _, cap in large[1:]) and _limit(con) == own


def test_gx_filters_a_chunk_once_per_row_condition_with_the_same_flags(con, ingest, monkeypatch):
    """GX filters the frame again for each metric of an expectation with a row condition (pandas'
    query); within a check each condition is applied once (expectations._share_row_filters), with the
    same flags."""
    import pandas as pd
    from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine

    ingest(*FILES)
    expectations._share_row_filters()
    shared = PandasExecutionEngine._apply_row_condition_filter
    assert shared.tartip_shared
    queries: list[str] = []
    query = pd.DataFrame.query

    def counting(self, expr, **kwargs):
        queries.append(expr)
        return query(self, expr, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "query", counting)
    once, _, _ = validation.run(con)
    filtered_once = list(queries)
    queries.clear()
    monkeypatch.setattr(expectations, "_share_row_filters", lambda: None)
    monkeypatch.setattr(PandasExecutionEngine, "_apply_row_condition_filter", shared.gx_filter)
    every, _, _ = validation.run(con)
    assert flags(con, once) == flags(con, every)
    # each chunk (one a suite here) filtered once by each of its conditions; GX alone, several times
    per_suite = [c for p in expectations.suite_files() for c in {
        e["kwargs"]["row_condition"] for e in expectations.load_suite(p)["expectations"]
        if "row_condition" in e["kwargs"]}]
    assert sorted(filtered_once) == sorted(per_suite)
    assert len(queries) >= 3 * len(filtered_once)


def test_threads_switch_briskly_while_gx_works_beside_duckdb(con, ingest, monkeypatch):
    """While GX's thread checks, the interpreter hands itself over every SWITCH_SECONDS (not Python's
    5 ms, which each DuckDB statement beside GX could wait), and the interval is restored after."""
    import sys

    from great_expectations.validator.v1_validator import Validator

    ingest(*FILES)
    before = sys.getswitchinterval()
    seen: list[float] = []
    check = Validator.validate_expectation_suite

    def validate(self, *args, **kwargs):
        seen.append(sys.getswitchinterval())
        return check(self, *args, **kwargs)

    monkeypatch.setattr(Validator, "validate_expectation_suite", validate)
    validation.run(con)
    assert seen and set(seen) == {expectations.SWITCH_SECONDS} and before > expectations.SWITCH_SECONDS
    assert sys.getswitchinterval() == before
