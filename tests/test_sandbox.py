"""The analysts' sandbox: every refused operation, the row limit and the time limit."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from pipelines import publish, sandbox
from pipelines.cli import main


@pytest.fixture
def public(tmp_path, con, ingest):
    """A published snapshot of the marts fixture."""
    ingest("marts/edms.csv", "marts/appeals.csv")
    db = tmp_path / "t.duckdb"
    public, _ = publish.publish(con, db)
    return public


REFUSED = [
    ("read_csv", "select * from read_csv('/etc/passwd')"),
    ("read_parquet", "select * from read_parquet('/tmp/x.parquet')"),
    ("glob", "select * from glob('/*')"),
    ("copy_to", "copy tasks to '/tmp/tartip-leak.csv'"),
    ("attach", "attach '/tmp/other.duckdb' as other"),
    ("install", "install httpfs"),
    ("load", "load httpfs"),
    ("set", "set threads = 1"),
    ("create", "create table x (a integer)"),
    ("insert", "insert into tasks select * from tasks"),
    ("pragma", "pragma enable_profiling"),
    ("two statements", "select 1; select 2"),
]


@pytest.mark.parametrize(("name", "query"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_clear_message(public, name, query):
    with pytest.raises(sandbox.SandboxError) as e:
        sandbox.run(public, query)
    assert str(e.value)  # a message, not a stack trace
    assert "/" in str(e.value) or "Error" in str(e.value)


@pytest.mark.parametrize("query", [
    "select * from read_csv('/etc/passwd')",
    "copy (select 1) to '/tmp/tartip-leak.csv'",
    "attach '/tmp/other.duckdb' as other",
    "install httpfs",
    "set enable_external_access = true",
])
def test_the_connection_itself_refuses_even_past_the_statement_check(public, query):
    con = sandbox.connect(public)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(query)
    finally:
        con.close()


def test_plain_queries_work_and_rows_are_limited(public):
    r = sandbox.run(public, "select reg_no from tasks order by reg_no", limit=3)
    assert r.truncated and list(r.frame["reg_no"]) == ["A1", "T1", "T10"]
    r = sandbox.run(public, "with t as (select count(*) as n from tasks) select n from t")
    assert not r.truncated and r.frame["n"][0] == 13


def test_a_runaway_query_is_interrupted_within_its_limit(public):
    with pytest.raises(sandbox.SandboxError, match="time limit"):
        sandbox.run(public, "select sum(hash(a.range, b.range)) from range(1000000) a, range(1000000) b",
                    timeout=0.5)
    # and the sandbox stays usable
    assert sandbox.run(public, "select 1 as x").frame["x"][0] == 1


def test_schema_browser_lists_tables_with_descriptions(public):
    s = sandbox.schema(public)
    row = s[(s.table_name == "tasks") & (s.column_name == "outcome")].iloc[0]
    assert "on_time" in row["comment"]


def test_published_data_holds_no_personal_data(public):
    con = duckdb.connect(str(public), read_only=True)
    try:
        cols = {r[0] for r in con.execute("select column_name from duckdb_columns() "
                                          "where table_name = 'appeals'").fetchall()}
        assert not cols & {"applicant", "applicant_iin", "applicant_phone", "applicant_address"}
        assert con.execute("select applicant_initials from appeals").fetchall() == [("И. И.",)]
        text = con.execute("select string_agg(coalesce(raw_row::varchar, '') || coalesce(raw_line, '')) "
                           "from quarantine").fetchall()[0][0] or ""
        assert "Иванов" not in text
    finally:
        con.close()


def test_cli_sql_formats_and_refusals(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    CliRunner().invoke(main, ["ingest", str(fixtures / "marts"), "--db", str(db), "--no-validate"])
    r = CliRunner().invoke(main, ["sql", "select reg_no from tasks where reg_no = 'T1'", "--db", str(db),
                                  "--format", "csv"])
    assert r.exit_code == 0 and r.output.splitlines()[:2] == ["reg_no", "T1"]
    r = CliRunner().invoke(main, ["sql", "select count(*) as n from tasks", "--db", str(db), "--format", "json"])
    assert '"n":16' in r.output.replace(" ", "")  # 13 tasks and executors, 3 monthly occurrences
    out = tmp_path / "t.parquet"
    r = CliRunner().invoke(main, ["sql", "select * from execution_rates", "--db", str(db), "--format", "parquet",
                                  "--out", str(out)])
    assert r.exit_code == 0 and out.exists()
    r = CliRunner().invoke(main, ["sql", "copy tasks to '/tmp/x.csv'", "--db", str(db)])
    assert r.exit_code == 1 and "COPY" in r.output


def test_export_parquet_is_hive_partitioned(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    CliRunner().invoke(main, ["ingest", str(fixtures / "marts"), "--db", str(db), "--no-validate"])
    out = tmp_path / "pq"
    r = CliRunner().invoke(main, ["export", "--parquet", str(out), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert (out / "tasks" / "year=2025" / "org=otyrar").is_dir()
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{out}/tasks/**/*.parquet', hive_partitioning = true) "
                    "where year = 2025 and org = 'otyrar'").fetchall()[0][0]
    assert n == 16


def test_memory_limit_is_set_locked_and_stops_a_greedy_query(public):
    con = sandbox.connect(public, memory_limit="64MB")
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "61.0 MiB"  # 64 MB
        with pytest.raises(duckdb.Error):
            con.execute("set memory_limit = '100GB'")  # the configuration is locked
    finally:
        con.close()
    with pytest.raises(sandbox.SandboxError, match="memory limit"):
        sandbox.run(public, "select list(range) as l from range(100000000)", memory_limit="64MB")
    # a modest query runs under the default limit
    assert sandbox.run(public, "select count(*) as n from range(1000)").frame["n"][0] == 1000
