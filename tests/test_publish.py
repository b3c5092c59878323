"""The two files and the snapshots: nothing private in the main file or the public snapshot (a copy
of it), the restricted snapshot's unmasked rows, and a one-file database moved to two."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import db, publish
from tests.test_crash import VOLATILE, assert_same, contents, state_of, tartip

PUBLIC_TABLES = {"mart_tasks", "overdue_tasks", "execution_rates", "execution_summary", "daily_execution", "violations",
                 "validation_runs", "calendar", "departments", "labels", "data_as_of", "organisations",
                 "directory_info", "load_dates", "source_exports", "rule_catalogue", "service_note_cases",
                 "protocol_violations", "load_log", "unresolved_names", "status_history", "quarantine",
                 "documents", "task_assignments", "protocols", "meetings", "material_submissions", "appeals",
                 "snapshot_info"}


def _private_texts(path: Path) -> list[str]:
    """Texts the main file must never hold, as read: the ДСП documents' summaries and resolutions that
    no other document carries, and the applicants' ИИН, phones and addresses (longer than 6 characters)."""
    con = db.connect(path, read_only=True)
    try:
        return [t for t, in con.execute("""
            select distinct t from (
                (select unnest([summary, resolution]) as t from stg_edms where is_restricted
                 except select unnest([summary, resolution]) from stg_edms where not is_restricted)
                union all select unnest([applicant_iin, applicant_phone, applicant_address]) from stg_appeals)
            where length(t) > 6""").fetchall()]
    finally:
        con.close()


def _holding(path: Path, texts: list[str]) -> list[str]:
    """table.column of every text column of a database file that holds one of texts."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("create temp table needles as select unnest(?) as t", [texts])
        found = []
        for table, column in con.execute(
                "select table_name, column_name from duckdb_columns() where database_name = current_database() "
                "and data_type = 'VARCHAR' and table_name in (select table_name from duckdb_tables() "
                "where database_name = current_database())").fetchall():
            if con.execute(f'select count(*) from "{table}" semi join temp.needles on "{column}" = t').fetchone()[0]:
                found.append(f"{table}.{column}")
        return found
    finally:
        con.close()


def test_neither_the_main_file_nor_the_public_snapshot_holds_a_private_text(demo_db):
    texts = _private_texts(demo_db)
    assert len(texts) > 100  # the demo's applicants
    assert _holding(demo_db, texts) == []
    assert _holding(publish.public_path(demo_db), texts) == []
    # the private file and the restricted snapshot hold them (so the search finds what is there)
    assert "raw_appeals.applicant_iin" in _holding(db.private_path(demo_db), texts)
    assert "appeals.applicant_iin" in _holding(publish.restricted_path(demo_db), texts)


SECRET = "Секретный план эвакуации 7731"


def test_a_dsp_documents_text_reaches_only_the_private_file_and_the_restricted_snapshot(tmp_path):
    export = tmp_path / "edms_dsp.csv"
    export.write_text(
        "Рег. №;Дата регистрации;Ответственный исполнитель;Срок исполнения;Краткое содержание;Резолюция;Гриф\n"
        f"01-12/7;05.03.2025;Отдел культуры;20.03.2025;{SECRET};{SECRET} — исполнить;ДСП\n"
        "01-12/8;06.03.2025;Отдел культуры;21.03.2025;О ходе работ;Исполнить;\n", encoding="utf-8")
    path = tmp_path / "t.duckdb"
    out = tartip("ingest", export, "--db", path)
    assert out.returncode == 0, out.stderr
    texts = [SECRET, f"{SECRET} — исполнить"]
    assert _holding(path, texts) == []
    assert _holding(publish.public_path(path), texts) == []
    assert {"raw_edms.summary", "raw_edms.resolution"} <= set(_holding(db.private_path(path), texts))
    assert set(_holding(publish.restricted_path(path), texts)) == {"documents.summary", "documents.resolution"}
    # the rules read the unmasked text: the frame's text test sees the words of the resolution
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("select summary, resolution from document_texts").fetchall() == [tuple(texts)]
        assert con.execute("select summary from documents where reg_no = '01-12/7'").fetchall() == [("*** ДСП ***",)]
    finally:
        con.close()


def test_the_public_snapshot_holds_the_analysts_tables_and_nothing_of_the_stages(demo_db):
    con = duckdb.connect(str(publish.public_path(demo_db)), read_only=True)
    try:
        tables = {t for t, in con.execute("select table_name from duckdb_tables()").fetchall()}
        views = {v for v, in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        sequences = con.execute("select count(*) from duckdb_sequences()").fetchone()[0]
        masked = con.execute("select count(*), count(*) filter (where summary = '*** ДСП ***' "
                             "and resolution is not distinct from '*** ДСП ***' or resolution is null) "
                             "from documents where is_restricted").fetchone()
        overdue = con.execute("select count(*) from tasks where outcome = 'overdue'").fetchone()[0]
        listed = con.execute("select count(*) from overdue_tasks").fetchone()[0]
        # `tasks` is a view over the stored rows there, as in the database: the same rows
        con.execute(f"attach '{demo_db}' as model (read_only)")
        differ = con.execute("select count(*) from (select * from tasks except all select * from model.tasks "
                             "union all (select * from model.tasks except all select * from tasks))").fetchone()[0]
        n = con.execute("select count(*) from tasks").fetchone()[0]
    finally:
        con.close()
    assert differ == 0 and n > 1000
    assert tables == PUBLIC_TABLES
    assert views == set(publish.SNAPSHOT_VIEWS) and sequences == 0
    assert masked[0] > 0 and masked[0] == masked[1]
    assert listed == overdue > 0


def test_the_restricted_snapshot_holds_the_unmasked_rows(demo_db):
    con = db.connect(demo_db, read_only=True)
    try:
        con.execute(f"attach '{publish.restricted_path(demo_db)}' as r (read_only)")
        documents = con.execute("select count(*), count(*) filter (where r.summary is not distinct from "
                                "clean(w.summary)) from r.documents as r inner join raw_edms as w "
                                "using (key_hash, load_id, row_no)").fetchone()
        restricted = con.execute("select count(*) from documents where is_restricted").fetchone()[0]
        appeals = con.execute("select count(*), count(*) filter (where r.applicant_iin is not distinct from "
                              "clean(w.applicant_iin)) from r.appeals as r inner join raw_appeals as w "
                              "using (load_id, sheet, row_no)").fetchone()
        total = con.execute("select count(*) from appeals").fetchone()[0]
    finally:
        con.close()
    assert documents == (restricted, restricted) and restricted > 0
    assert appeals == (total, total) and total > 0


@pytest.mark.slow
def test_a_database_of_one_file_moves_to_two_and_keeps_everything(demo_db, tmp_path):
    """A database made before the private file (the raw rows, load log and quarantine in the main
    file) is moved at the next run: nothing is lost, and the rebuilt model equals one built anew."""
    old = tmp_path / "t.duckdb"
    shutil.copy(demo_db, old)
    moved = db.private_tables()
    with duckdb.connect(str(old)) as con:
        con.execute(f"attach '{db.private_path(demo_db)}' as p (read_only)")
        for t in moved:
            con.execute(f"create table main.{t} as select * from p.{t}")
    before = {t: rows for t, rows in contents(old).items() if t in moved}
    out = tartip("refresh", "--db", old)
    assert out.returncode == 0, out.stderr
    assert "model:" in out.stdout and "published" in out.stdout
    assert not any(t in contents(old) for t in moved)
    assert {t: rows for t, rows in contents(db.private_path(old)).items() if t in moved} == before
    # the model rebuilt; the validation history kept (no run added: the model is the same)
    volatile = VOLATILE | {"flag_id"}
    want = state_of(demo_db, volatile)
    got = state_of(old, volatile)
    assert_same({k: got[k] for k in ("public", "restricted")}, {k: want[k] for k in ("public", "restricted")})
    assert not list(tmp_path.glob("*.migrating*"))
