"""Form and data rules give the same flags whether GX gets the frame whole or in small chunks."""

from __future__ import annotations

from pipelines.validate import run as validation

FILES = ("edms_kk.xlsx", "edms_update.csv", "protocols_ru.xlsx", "appeals_kk.xlsx", "materials_ru.csv")


def flags(con, run_id: int) -> list[tuple]:
    """The form and data flags of a run, without the run number."""
    return con.execute(
        "select * exclude (run_id) from violations where run_id = ? and kind <> 'deadline' order by all",
        [run_id]).fetchall()


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
