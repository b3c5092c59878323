"""An incremental run equals a full one: the validation (suites re-check only the documents of the new
loads), the tasks mart moved to the new data date, and the snapshot updated in place."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import db as database
from pipelines import ingest, paths, publish, settings
from pipelines.validate import catalogue, expectations
from pipelines.validate import run as validation
from tests.test_crash import _copy, tartip


def latest(db, without: tuple[str, ...] = ()) -> tuple[list[tuple], list[tuple]]:
    """The flags of the latest run (without its number, nor the columns `without`) and each rule's
    records checked and flags."""
    con = database.connect(db, read_only=True)
    try:
        flags = con.execute(f"select * exclude ({', '.join(('run_id', *without))}) from current_violations "
                            "order by all").fetchall()
        counts = con.execute("select rule_id, records_checked, violations from validation_runs "
                             "where run_id = (select max(run_id) from validation_runs) order by all").fetchall()
        return flags, counts
    finally:
        con.close()


def day_export(update: Path, out: Path, rows: int = 60) -> Path:
    """A day's export cut from the demo's update file: cards with a new status, some executed without
    a card (R-9.21), and incoming letters whose executor's phone was dropped or filled in (R-9.9)."""
    with open(update, encoding="utf-8-sig", newline="") as f:
        title = next(f)
        reader = csv.reader(f)
        header = next(reader)
        picked = [next(reader) for _ in range(rows)]
    status, phone, kind, note = (header.index(c) for c in (
        "Статус", "Телефон исполнителя", "Вид документа", "Отметка об исполнении"))
    for i, row in enumerate(picked):
        if i % 3 == 0:
            row[status] = "На исполнении" if row[status] != "На исполнении" else "Исполнен"
        if i % 6 == 3:  # executed without its execution card
            row[status], row[note] = "Исполнен", "-"
        if row[kind].lower().startswith("вход"):
            row[phone] = "-" if row[phone] not in ("", "-") else "8 (72544) 21-00"
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(title.replace("05.01.2026", "06.01.2026"))
        csv.writer(f, lineterminator="\n").writerows([header, *picked])
    return out


@pytest.fixture(scope="module")
def incremental(demo_db, tmp_path_factory):
    """The demo year, then a day's export loaded on top (the suites re-check its documents only)."""
    db = _copy(demo_db, tmp_path_factory.mktemp("incremental"))
    day = day_export(next((demo_db.parent / "demo").glob("edms_2025_update_*.csv")), db.parent / "day.csv")
    out = tartip("ingest", day, "--db", db)
    assert out.returncode == 0, out.stderr
    return db, out.stdout


def test_the_days_export_is_checked_incrementally(incremental):
    _, stdout = incremental
    assert "suites re-checked the documents of loads #7–#7" in stdout


def test_incremental_flags_and_counts_equal_a_full_run(incremental, tmp_path):
    db, _ = incremental
    full = _copy(db, tmp_path)
    out = tartip("refresh", "--full", "--db", full)
    assert out.returncode == 0 and "Data Docs:" in out.stdout and "re-checked" not in out.stdout
    got, want = latest(db), latest(full)
    assert got[0] == want[0]
    assert got[1] == want[1]
    # the day changed flags of both suites that are checked incrementally, not only kept them
    con = database.connect(db, read_only=True)
    try:
        last = con.execute("select max(run_id) from validation_runs").fetchone()[0]
        changed = con.execute(f"""
            select distinct record_table from (
                (select rule_id, record_table, record_id from run_violations({last})
                 except select rule_id, record_table, record_id from run_violations({last - 1}))
                union all
                (select rule_id, record_table, record_id from run_violations({last - 1})
                 except select rule_id, record_table, record_id from run_violations({last})))
            where rule_id in (select rule_id from rule_catalogue where kind <> 'deadline')
        """).fetchall()
    finally:
        con.close()
    assert {"documents", "task_assignments"} <= {r[0] for r in changed}


def test_a_scope_of_many_records_is_a_subquery_and_checks_the_same(incremental, demo_db, tmp_path, monkeypatch):
    # a day's few record ids go into the frame's query as a list; past $TARTIP_SCOPE_LIST_MAX they
    # go in as a subquery — the same records either way, the same flags and counts
    db = _copy(demo_db, tmp_path)
    day = day_export(next((demo_db.parent / "demo").glob("edms_2025_update_*.csv")), tmp_path / "day.csv")
    monkeypatch.setenv("TARTIP_SCOPE_LIST_MAX", "0")
    out = tartip("ingest", day, "--db", db)
    assert out.returncode == 0 and "suites re-checked" in out.stdout, out.stderr
    # (the same rows but for the folder of the day's file)
    assert latest(db, ("source_file",)) == latest(incremental[0], ("source_file",))


@pytest.mark.parametrize("flagged", [True, False], ids=["flagged", "unflagged"])
def test_an_executor_dropped_from_a_document_loses_its_flags(demo_db, tmp_path, flagged):
    # a document exported again without its co-executors: the suites' flags of their rows (kept
    # for the records outside the new loads) must go, and their rows no longer count as checked
    # (suite_checks), flagged or not, exactly as in a full run
    con = database.connect(demo_db, read_only=True)
    try:
        regs = {r[0] for r in con.execute(f"""
            with flags as (select distinct record_id from current_violations where kind <> 'deadline')
            select t.reg_no from task_assignments as t left join flags as f on f.record_id = t.assignment_id
            where t.source = 'edms' and t.executor_seq > 1
            group by t.reg_no having bool_or(f.record_id is not null) = {flagged}""").fetchall()}
    finally:
        con.close()
    src = next((demo_db.parent / "demo").glob("edms_2025_h1_*.csv"))
    lines = src.read_text(encoding="cp1251").splitlines()
    header = lines[2].split(";")
    reg, co = header.index("Рег. №"), header.index("Соисполнители")
    rows = [r for r in (line.split(";") for line in lines[3:]) if len(r) == len(header) and r[reg] in regs][:3]
    assert rows, "the demo has co-executors of both kinds in its first half-year"
    for r in rows:
        r[co] = "-"
    day = tmp_path / "dropped.csv"
    day.write_text("\n".join([lines[0], "Сформирован: 06.01.2026 18:00;;;", lines[2],
                              *(";".join(r) for r in rows)]) + "\n", encoding="cp1251")
    db = _copy(demo_db, tmp_path)
    out = tartip("ingest", day, "--db", db)
    assert out.returncode == 0 and "suites re-checked" in out.stdout, out.stderr
    full = tmp_path / "full"
    full.mkdir()
    full_db = _copy(db, full)
    assert tartip("refresh", "--full", "--db", full_db).returncode == 0
    assert latest(db) == latest(full_db)
    gone = [f"'{r[reg]}'" for r in rows]
    assert table(db, "select count(*) from current_violations as v inner join task_assignments as t "
                     f"on t.assignment_id = v.record_id where t.reg_no in ({', '.join(gone)}) "
                     "and t.executor_seq > 1") == [(0,)]


def test_the_scope_predicate_lists_few_ids_and_queries_many(monkeypatch):
    con = duckdb.connect()
    con.execute("create table ids as select 'doc/' || i as id from range(5) as t(i)")
    doc = {"meta": {"scope": "select id from ids"}}
    assert expectations.scope_sql(con, doc) == "record_id in (" + ", ".join(f"'doc/{i}'" for i in range(5)) + ")"
    monkeypatch.setenv("TARTIP_SCOPE_LIST_MAX", "4")
    assert expectations.scope_sql(con, doc) == "record_id in (select id from ids)"
    con.execute("delete from ids")
    monkeypatch.delenv("TARTIP_SCOPE_LIST_MAX")
    assert expectations.scope_sql(con, doc) == "false"


class Steps:
    """A progress stand-in that keeps what each step said."""

    def __init__(self):
        self.said: list[str] = []

    def stage(self, what: str) -> None:
        self.said.append(what)

    def echo(self, message: str = "", err: bool = False) -> None:
        self.said.append(message)


REGISTERS = ("appeals", "materials", "meetings", "protocols")


def test_a_suite_whose_frame_did_not_change_keeps_its_results(incremental, tmp_path):
    db, _ = incremental
    con = database.connect(_copy(db, tmp_path))
    try:
        since = con.execute("select load_id from pipeline_state where stage = 'validate'").fetchone()[0]
        before = con.execute("select rule_id, records_checked, violations from validation_runs "
                             "where run_id = (select max(run_id) from validation_runs) order by all").fetchall()
        # nothing new: every register suite is unchanged, and the run says the same as the last one
        steps = Steps()
        run_id, results, _ = validation.run(con, progress=steps, since=since)
        kept = [f"validate: suite {s} unchanged since run #{run_id - 1}" for s in REGISTERS]
        assert set(kept) <= set(steps.said), steps.said
        assert sorted((r.rule.id, r.checked, r.violations) for r in results) == before
        # one material submission less: that suite runs again, the others are still kept
        con.execute("delete from material_submissions where submission_id = "
                    "(select min(submission_id) from material_submissions)")
        steps = Steps()
        validation.run(con, progress=steps, since=since)
        assert "validate: suite materials" in steps.said
        assert f"validate: suite appeals unchanged since run #{run_id}" in steps.said
    finally:
        con.close()


def test_only_the_latest_runs_keep_their_flags(incremental, tmp_path, monkeypatch):
    db, _ = incremental
    copy = _copy(db, tmp_path)
    read = settings.load
    monkeypatch.setattr(settings, "load", lambda *a: {**read(*a), "validation": {"keep_flag_runs": 2}})
    con = database.connect(copy)
    try:
        for _ in range(3):
            last, results, _ = validation.run(con)
        runs = con.execute("select distinct run_id from validation_runs order by 1").fetchall()
        assert len(runs) >= 4 and runs[-1] == (last,)  # every run keeps its counts
        # the flags of the latest two runs are whole (the same data: the same flags); older runs
        # lose theirs, but for the flags that still hold, which are not told as theirs
        flagged = sum(r.violations for r in results)
        for n in (last - 1, last):
            assert con.execute(f"select count(*) from run_violations({n})").fetchone()[0] == flagged > 0
        assert con.execute(f"select count(*) from run_violations({last - 2})").fetchone()[0] == 0
        assert con.execute(f"select count(*) from violations where until_run_id < {last - 1}").fetchone()[0] == 0
        assert con.execute("select count(*) from current_violations").fetchone()[0] == flagged
        # the suites' flags of a full run are written again, the deadline rules' unchanged ones are not
        assert con.execute(f"select count(distinct kind) from violations where run_id = {last} "
                           "and until_run_id is null").fetchone()[0] == 2
        assert con.execute(f"select count(*) from violations where run_id > {last - 3} "
                           "and kind = 'deadline'").fetchone()[0] == 0
        main = con.execute("select * from violations order by flag_id").fetchall()
        # the snapshot, updated in place from the previous one, drops the flags the database dropped
        # and holds every other one as the database does
        publish.publish(con, copy)
    finally:
        con.close()
    assert table(publish.public_path(copy), "select * from violations order by flag_id") == sorted(main, key=repr)


def test_a_snapshot_made_before_flags_held_spans_gets_them_whole(incremental, tmp_path):
    db, _ = incremental
    copy = _copy(db, tmp_path)
    pub = duckdb.connect(str(publish.public_path(copy)))
    try:  # the snapshot's flags as the earlier code wrote them: no span, no number, one run's copy lost
        pub.execute("drop view if exists current_violations")
        pub.execute("alter table violations drop column flag_id")
        pub.execute("alter table violations drop column until_run_id")
        pub.execute("delete from violations where rowid % 2 = 0")
    finally:
        pub.close()
    con = database.connect(copy)
    try:
        validation.run(con)
        main = con.execute("select * from violations").fetchall()
        publish.publish(con, copy)
    finally:
        con.close()
    assert table(publish.public_path(copy), "select * from violations") == sorted(main, key=repr)
    assert table(publish.public_path(copy), "select count(*) from current_violations") == \
        table(copy, "select count(*) from current_violations")


def test_a_snapshot_of_another_shape_is_written_whole(incremental, tmp_path):
    db, _ = incremental
    copy = _copy(db, tmp_path)
    pub = duckdb.connect(str(publish.public_path(copy)))
    try:  # as other code wrote it: a table with a column fewer, a macro missing
        pub.execute("alter table load_log drop column file_name")
        pub.execute("drop macro table tasks_as_of")
    finally:
        pub.close()
    con = database.connect(copy)
    try:
        publish.publish(con, copy)
        main = con.execute("select * from load_log").fetchall()
    finally:
        con.close()
    assert table(publish.public_path(copy), "select * from load_log") == sorted(main, key=repr)
    assert table(publish.public_path(copy), "select count(*) from duckdb_functions() "
                 "where function_name = 'tasks_as_of'") == [(1,)]


def test_a_public_snapshot_holds_the_marts_macros_and_none_the_main_file_kept(incremental, tmp_path):
    """The snapshot is a copy of the main file: the marts' macros come with it as the last whole build
    made them; a macro the marts' SQL no longer makes (left in the file by older code) does not."""
    db, _ = incremental
    copy = _copy(db, tmp_path)
    con = database.connect(copy)
    try:
        con.execute("create macro gone_measure(x) as x + 1")
        publish.publish(con, copy)
    finally:
        con.close()
    public = publish.public_path(copy)
    made = table(public, "select distinct function_name from duckdb_functions() "
                         "where database_name = current_database() and function_type in ('macro', 'table_macro')")
    assert sorted(made) == sorted((m,) for m in set(publish.marts_macros()))
    assert table(public, "select count(*) from tasks_as_of((select as_of from data_as_of))") == \
        table(copy, "select count(*) from tasks_as_of((select as_of from data_as_of))")


def test_a_suites_digest_counts_its_checks_in_the_same_pass(incremental):
    db, _ = incremental
    con = database.connect(db, read_only=True)
    try:
        for path in expectations.suite_files():
            doc = expectations.load_suite(path)
            digest, counts = expectations.frame_digest(con, doc)
            # the digest as every earlier run stored it (suite_digests), and the counts of checked_counts
            assert digest == con.execute(f"select count(*) || ':' || coalesce(bit_xor(hash(f)), 0) "
                                         f"from ({expectations.frame_sql(doc)}) as f").fetchone()[0]
            if not expectations.stores_checks(doc):
                assert counts == expectations.checked_counts(con, doc)
            assert sum(n for _, n in counts) > 0
    finally:
        con.close()


def table(db: Path, sql: str) -> list[tuple]:
    """The rows of a query on a database file, sorted."""
    con = database.connect(db, read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def test_the_tasks_mart_moved_forward_equals_a_full_build(incremental, tmp_path):
    db, _ = incremental
    full = _copy(db, tmp_path)
    assert tartip("refresh", "--full", "--db", full).returncode == 0
    # the day's export is a day later: every row moved to the new date, most of them without being measured
    assert table(db, "select distinct report_date from mart_tasks") == [(dt.date(2026, 1, 6),)]
    redone, total = table(db, "select (select count(task_id) from mart_tasks_delta), count(distinct task_id) "
                              "from mart_tasks")[0]
    assert 0 < redone < total / 2
    assert table(full, "select count(*) from mart_tasks_delta") == [(0,)]
    # the daily counts: only the groups of the tasks measured again were counted again
    groups, total = table(db, "select (select count(*) from daily_execution_delta), count(*) from daily_execution")[0]
    assert 0 < groups < total
    assert table(full, "select count(*) from daily_execution_delta") == [(0,)]
    for sql in ("select * from mart_tasks", "select * from daily_execution", "select * from execution_summary",
                "select * from load_dates"):
        assert table(db, sql) == table(full, sql), sql
    # the snapshot's tasks and daily counts, updated in place, equal those written anew
    for sql in ("select * from tasks", "select * from overdue_tasks", "select * from daily_execution",
                "select * from execution_summary"):
        assert table(publish.public_path(db), sql) == table(publish.public_path(full), sql), sql


def test_a_second_export_on_the_same_date_updates_the_rolled_up_periods_in_place(demo_db, incremental, tmp_path):
    # another export the same day (the date stays): only the periods of execution_summary whose counts
    # changed are rolled up again, in the database and the snapshot, equal to a full build's
    db = _copy(incremental[0], tmp_path)
    second = day_export(next((demo_db.parent / "demo").glob("edms_2025_update_*.csv")), tmp_path / "day2.csv",
                        rows=120)
    out = tartip("ingest", second, "--db", db)
    assert out.returncode == 0, out.stderr
    assert table(db, "select distinct report_date from mart_tasks") == [(dt.date(2026, 1, 6),)]
    marker, periods = table(db, "select count(*) filter (where period_kind is null), count(period_kind) "
                                "from execution_summary_delta")[0]
    assert marker == 1 and periods > 0
    full = refreshed_whole(db, tmp_path)
    for sql in ("select * from execution_summary", "select * from daily_execution"):
        assert table(db, sql) == table(full, sql), sql
        assert table(publish.public_path(db), sql) == table(publish.public_path(full), sql), sql
    # the deadline rules of the registers stand as the run before judged them; the flags equal a full run's
    assert judged_again(db) == {"documents", "task_assignments"}
    assert latest(db) == latest(full)
    assert_snapshots_equal(db, full)


def refreshed_whole(db: Path, tmp_path: Path) -> Path:
    """A copy of db (in tmp_path/full) whose model, rules and snapshots `tartip refresh --full` made
    anew: the snapshots written whole, not updated in place."""
    (tmp_path / "full").mkdir()
    full = _copy(db, tmp_path / "full")
    for path in (publish.public_path, publish.restricted_path):
        path(full).unlink()
    assert tartip("refresh", "--full", "--db", full).returncode == 0
    return full


def assert_snapshots_equal(db: Path, full: Path) -> None:
    """Every table of the snapshots of db (updated in place, some tables left as they stood) equals
    that of the snapshots written whole (full), but for the run they name and the flags' run numbers."""
    for path in (publish.public_path, publish.restricted_path):
        names = [t for (t,) in table(path(full), "select table_name from duckdb_tables()")
                 if t not in ("snapshot_info", "validation_runs", "violations")]
        assert names == [t for (t,) in table(path(db), "select table_name from duckdb_tables()")
                         if t not in ("snapshot_info", "validation_runs", "violations")]
        for name in names:
            assert table(path(db), f"from {name}") == table(path(full), f"from {name}"), name


def judged_again(db: Path) -> set[str]:
    """The records (catalogue `records`) of the deadline rules the latest run judged again: those
    that stood as the run before judged them took no time."""
    records = {r.id: r.records for r in catalogue.load() if r.kind == "deadline"}
    return {records[rule] for rule, seconds in table(
        db, "select rule_id, seconds from validation_runs where run_id = (select max(run_id) from validation_runs)")
        if rule in records and seconds > 0}


def test_on_the_same_date_only_the_deadline_rules_of_a_changed_export_are_judged_again(demo_db, incremental,
                                                                                      tmp_path):
    """A materials register loaded on the same date: only the rules over material submissions are judged
    again (the others read nothing it changes), and every flag and count equals a full run's."""
    db = _copy(incremental[0], tmp_path)
    materials = next((demo_db.parent / "demo").glob("materials_*.tsv"))
    text = materials.read_text(encoding="utf-8")
    assert "29.05.2025 14:22" in text
    later = tmp_path / ("later_" + materials.name)  # a submission seen later: a new late one
    later.write_text(text.replace("29.05.2025 14:22", "11.06.2025 09:00", 1), encoding="utf-8")
    out = tartip("ingest", later, "--db", db)
    assert out.returncode == 0, out.stderr
    assert table(db, "select distinct report_date from mart_tasks") == [(dt.date(2026, 1, 6),)]
    assert judged_again(db) == {"material_submissions"}
    full = refreshed_whole(db, tmp_path)
    assert latest(db) == latest(full)
    assert latest(db) != latest(incremental[0])  # the register's change moved some flag
    assert_snapshots_equal(db, full)


def test_a_changed_rule_set_checks_everything_again(incremental, tmp_path, monkeypatch):
    db, _ = incremental
    copy = _copy(db, tmp_path)
    # the fingerprint follows every file of the rules
    rules = tmp_path / "expectations"
    shutil.copytree(paths.EXPECTATIONS, rules)
    monkeypatch.setattr(paths, "EXPECTATIONS", rules)
    before = validation.fingerprint()
    (rules / "frames" / "tasks.sql").write_text((rules / "frames" / "tasks.sql").read_text(encoding="utf-8")
                                                + "\n-- edited\n", encoding="utf-8")
    assert validation.fingerprint() != before
    # a run with other rules than the last one checks every record and builds the Data Docs
    monkeypatch.setattr(paths, "EXPECTATIONS", paths.ROOT / "expectations")
    monkeypatch.setattr(validation, "fingerprint", lambda: "edited")
    said = []
    assert ingest.run([], copy, paths.DEFAULT_ORG, echo=lambda m="", err=False: said.append(m))
    assert any("Data Docs:" in m for m in said) and not any("re-checked" in m for m in said)
    assert latest(copy) == latest(db)


@pytest.mark.parametrize(("condition", "row", "selected"), [
    ('doc_kind=="incoming"', {"doc_kind": "incoming"}, True),
    ('doc_kind=="incoming"', {"doc_kind": "outgoing"}, False),
    ('doc_kind=="incoming"', {"doc_kind": None}, False),
    ('meeting_type!="akimat_session"', {"meeting_type": "apparatus"}, True),
    ('meeting_type!="akimat_session"', {"meeting_type": "akimat_session"}, False),
    # pandas: a missing value differs from everything
    ('meeting_type!="akimat_session"', {"meeting_type": None}, True),
    ("is_reference==True", {"is_reference": True}, True),
    ("is_reference==True", {"is_reference": None}, False),
    ('source=="protocol" and has_execution_info==True', {"source": "protocol", "has_execution_info": True}, True),
    ('source=="protocol" and has_execution_info==True', {"source": "protocol", "has_execution_info": False},
     False),
    (None, {"x": 1}, True),
])
def test_a_row_condition_selects_in_sql_what_it_selects_in_pandas(condition, row, selected):
    frame = pd.DataFrame([row]).astype("object")
    in_pandas = len(frame.query(condition, engine="python")) == 1 if condition else True
    con = duckdb.connect()
    con.register("f", frame)
    in_sql = con.execute(f"select count(*) from f where {expectations.condition_sql(condition)}").fetchone()[0] == 1
    assert in_pandas == in_sql == selected


def test_a_suite_without_stored_checks_counts_its_whole_frame_once(demo_db, tmp_path):
    # suite_checks empty for the suites (a database made before it): the day's run must count every
    # record of the frame, not only those of its scope
    db = _copy(demo_db, tmp_path)
    con = database.connect(db)
    con.execute("delete from suite_checks")
    con.close()
    day = day_export(next((demo_db.parent / "demo").glob("edms_2025_update_*.csv")), tmp_path / "day.csv")
    out = tartip("ingest", day, "--db", db)
    assert out.returncode == 0 and "suites re-checked" in out.stdout, out.stderr
    assert table(db, "select count(*) from suite_checks where suite = 'documents'") == \
        table(db, "select count(*) from documents")
    full = tmp_path / "full"
    full.mkdir()
    full_db = _copy(db, full)
    assert tartip("refresh", "--full", "--db", full_db).returncode == 0
    assert latest(db) == latest(full_db)


def test_stored_checks_replace_the_scope_and_drop_records_gone():
    con = duckdb.connect()
    from pipelines import db as dbm

    dbm.init(con)
    doc = expectations.load_suite(expectations.SUITES / "documents.json")
    assert expectations.stores_checks(doc)
    con.execute("create table documents (document_id varchar)")
    con.execute("insert into documents values ('a'), ('b'), ('c')")  # 'd' is gone from the records
    every = (1 << len(doc["expectations"])) - 1
    con.execute(f"insert into suite_checks values ('documents', 'a', {every}), ('documents', 'b', {every}), "
                f"('documents', 'd', {every}), ('tasks', 'x', 1)")
    con.execute("create temp table gx_frame as select 'b' as record_id, 'incoming' as doc_kind, "
                "false as needs_acting_order, false as is_report_to_region, false as is_answer")
    expectations.store_checks(con, doc, "gx_frame", "record_id in ('b')")
    rows = dict(con.execute("select record_id, selects from suite_checks where suite = 'documents'").fetchall())
    # 'a' kept, 'b' replaced by its new row (incoming: the two incoming-only expectations count it
    # too), 'd' dropped; another suite's rows untouched
    incoming = [i for i, e in enumerate(doc["expectations"]) if e["kwargs"].get("row_condition") in
                (None, 'doc_kind=="incoming"')]
    assert rows == {"a": every, "b": sum(1 << i for i in incoming)}
    assert con.execute("select count(*) from suite_checks where suite = 'tasks'").fetchall() == [(1,)]
    assert dict(expectations.checked_counts(con, doc))["DQ-KEY-UNIQUE"] == 2  # a and b, not d


def test_the_tables_a_deadline_rule_reads_do_not_depend_on_the_date():
    """deadlines.standing parses each rule's SQL for one date (cached): the tables must be the same
    on any date, and name what the rule really reads (standing parses them when the rules read the
    tasks mart)."""
    from pipelines.validate import deadlines

    rules = [r for r in catalogue.load() if r.kind == "deadline"]
    assert rules
    for rule in rules:
        seen = {deadlines.reads_tables(deadlines.judged_sql(rule, day, "mart_tasks"))
                for day in (dt.date(2025, 3, 21), dt.date(2026, 1, 6), deadlines._ANY_DATE)}
        assert len(seen) == 1, rule.id
        (tables,) = seen
        assert "calendar" in tables, rule.id
    reads = {r.id: deadlines.reads_tables(deadlines.judged_sql(r, deadlines._ANY_DATE, "mart_tasks")) for r in rules}
    assert "documents" in reads["R-9.9-REG"] and "mart_tasks" in reads["R-8.5-TASK"]


def _scoped_task_ids(db: Path, since: int) -> list[str]:
    """The task assignments the tasks suite re-checks in an incremental run after load `since`."""
    con = database.connect(db)
    try:
        validation._scope(con, since)
        doc = expectations.load_suite(expectations.SUITES / "tasks.json")
        return [r[0] for r in con.execute(f"select distinct * from ({doc['meta']['scope']})").fetchall()]
    finally:
        con.close()


def test_an_edms_day_rechecks_no_register_task_and_a_register_load_all_of_its_own(demo_db, incremental, tmp_path):
    """The tasks suite re-checks the tasks of the day's EDMS documents, not the protocols' and appeals'
    (the model left those as they were); a protocols register re-checks its every task, and a
    protocol item whose term cannot be read (R-8.3) is flagged, as a full run flags it. The snapshot
    updated in place (the register's tasks replaced in it) equals one written whole."""
    db = _copy(incremental[0], tmp_path)
    day = table(db, "select max(load_id) from load_log")[0][0]
    ids = _scoped_task_ids(db, day - 1)
    assert ids and all(i.startswith("edms/") for i in ids)
    import openpyxl

    book = openpyxl.load_workbook(next((demo_db.parent / "demo").glob("protocols_*.xlsx")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[3]]
    protocol, item = (sheet.cell(4, header.index(c) + 1).value for c in ("№ протокола", "Пункт"))
    sheet.cell(4, header.index("Срок") + 1).value = "в ближайшее время"  # no date, no periodicity
    later = tmp_path / "protocols_later.xlsx"
    book.save(later)
    out = tartip("ingest", later, "--db", db)
    assert out.returncode == 0 and "re-checked" in out.stdout, out.stderr
    ids = _scoped_task_ids(db, day)
    assert {i.split("/", 1)[0] for i in ids} == {"protocol"}
    assert {r[0] for r in table(db, "select assignment_id from task_assignments where source = 'protocol'")} <= set(ids)
    flagged = table(db, "select record_id from current_violations where rule_id = 'R-8.3-TERM'")
    assert any(f"/{protocol}/{item}" in r[0] for r in flagged)
    full = refreshed_whole(db, tmp_path)
    assert latest(db) == latest(full)
    # the snapshot replaced the register's tasks (and only the day's EDMS documents' the day before)
    assert_snapshots_equal(db, full)
