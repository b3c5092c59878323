"""Loading: idempotency, incremental updates with history, quarantine, all-or-nothing per file."""

from __future__ import annotations

import shutil

import pytest

from pipelines import load
from pipelines.readers import ReadError
from tests.conftest import rows

TABLES = ["raw_edms", "raw_protocols", "raw_materials", "raw_appeals", "load_log", "quarantine"]


def snapshot(con) -> dict:
    """Row counts and content hashes of every table a load writes."""
    return {t: rows(con, f"select count(*), sum(hash(t)) from {t} as t")[0] for t in TABLES}


def test_same_file_twice_changes_nothing(con, ingest):
    ingest("edms_ru_cp1251.csv", "protocols_ru.xlsx")
    before = snapshot(con)
    again = ingest("edms_ru_cp1251.csv", "protocols_ru.xlsx")
    assert [s.status for s in again] == ["unchanged", "unchanged"]
    assert snapshot(con) == before


def test_same_content_under_another_name_is_recognised(con, ingest, fixtures, tmp_path):
    ingest("edms_kk_bom.csv")
    copy = tmp_path / "copy.csv"
    shutil.copy(fixtures / "edms_kk_bom.csv", copy)
    (s,) = ingest(copy)
    assert s.status == "unchanged"


def test_newer_export_updates_documents_and_keeps_history(con, ingest):
    ingest("edms_ru_cp1251.csv")
    assert rows(con, "select status, executed_at from task_assignments "
                     "where reg_no = '01-12/2' and executor_role = 'responsible'") == [("executed", None)]
    (s,) = ingest("edms_update.csv")
    assert (s.rows_new, s.rows_updated, s.rows_unchanged) == (0, 2, 0)
    got = rows(con, "select executed_at::date::varchar, has_execution_card from task_assignments "
                    "where reg_no = '01-12/2' and executor_role = 'responsible'")
    assert got == [("2025-03-19", True)]
    # the extension arrived with the newer export
    assert rows(con, "select extended_due_date::varchar from documents where reg_no = '01-12/5'") == [
        ("2025-04-30",)]
    history = rows(con, "select valid_from::varchar, valid_to::varchar, has_execution_card from status_history "
                        "where task_id = 'edms/2025/01-12/2' and executor_pos = 1 order by valid_from")
    assert history == [("2025-04-01 10:15:00", "2025-04-15 12:00:00", False),
                       ("2025-04-15 12:00:00", None, True)]


def test_unchanged_rows_in_a_newer_export_are_counted_unchanged(con, ingest, fixtures, tmp_path):
    ingest("edms_kk_bom.csv")
    newer = tmp_path / "newer.csv"
    newer.write_bytes(fixtures.joinpath("edms_kk_bom.csv").read_bytes() + b"\n")
    (s,) = ingest(newer)
    assert (s.status, s.rows_new, s.rows_updated, s.rows_unchanged) == ("loaded", 0, 0, 2)
    assert rows(con, "select count(*) from documents") == [(2,)]


def test_quarantine_keeps_every_unloadable_row_with_reason(con, ingest):
    ingest("edms_ru_cp1251.csv")
    got = rows(con, "select row_no, reason_code, reason_ru, reason_kk, coalesce(raw_row->>'reg_no', raw_line) "
                    "from quarantine order by row_no")
    by_row = {r[0]: r for r in got}
    assert by_row[6][2] == "нет регистрационного номера" and by_row[6][3] == "тіркеу нөмірі жоқ"
    assert by_row[7][2] == "дата регистрации пуста или не распознана" and by_row[7][4] == "01-12/4"
    assert "строка CSV повреждена" in by_row[9][2] and by_row[9][4].startswith("01-12/6")
    assert by_row[10][1] == "skipped" and by_row[10][4].startswith("Итого")
    # nothing is lost: every data line of the file is either loaded or in quarantine
    assert rows(con, "select count(*) from raw_edms")[0][0] + len(got) == 7


def test_unreadable_file_leaves_database_unchanged(con, ingest, fixtures):
    ingest("edms_kk_bom.csv")
    before = snapshot(con)
    with pytest.raises(ReadError, match="broken.xlsx"):
        load.load_file(con, fixtures / "broken.xlsx")
    assert snapshot(con) == before


def test_failure_mid_load_rolls_back_everything(con, ingest, fixtures, monkeypatch):
    ingest("edms_kk_bom.csv")
    before = snapshot(con)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # raw rows of the file are already written when this step fails
    monkeypatch.setattr(load, "_changes", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        load.load_file(con, fixtures / "edms_ru_cp1251.csv")
    assert snapshot(con) == before
    monkeypatch.undo()
    (s,) = ingest("edms_ru_cp1251.csv")  # the connection is usable and the file loads afterwards
    assert s.status == "loaded"


def test_lineage_of_every_raw_row(con, ingest, fixtures):
    ingest("protocols_ru.xlsx")
    got = rows(con, "select distinct source_file, sheet, length(file_sha256) from raw_protocols order by sheet")
    assert got == [(str((fixtures / "protocols_ru.xlsx").resolve()), "Аппаратное совещание", 64),
                   (str((fixtures / "protocols_ru.xlsx").resolve()), "Заседание акимата", 64)]
    assert rows(con, "select row_no from raw_protocols where sheet = 'Аппаратное совещание' order by 1") == [
        (4,), (5,)]


def test_find_files_expands_folders(fixtures):
    files = load.find_files([fixtures])
    assert {f.suffix for f in files} == {".csv", ".tsv", ".xlsx"}
    assert all(f.name != "make_fixtures.py" for f in files)


def test_row_numbers_stay_file_lines_around_several_broken_lines(con, ingest, tmp_path):
    f = tmp_path / "broken.csv"
    f.write_text("Рег. №;Дата регистрации;Исполнитель\n1;05.03.2025;Отдел образования\n"
                 "2;05.03.2025;a;b\n3;05.03.2025;Отдел культуры\n4;x\n5;y\n6;05.03.2025;Отдел ЖКХ\n"
                 "7;05.03.2025;Отдел ЖКХ;z\n8;05.03.2025;Отдел ЖКХ\n", encoding="utf-8")
    ingest(f)
    assert rows(con, "select reg_no, row_no from raw_edms order by row_no") == [
        ("1", 2), ("3", 4), ("6", 7), ("8", 9)]
    assert rows(con, "select row_no, left(raw_line, 1) from quarantine order by row_no") == [
        (3, "2"), (5, "4"), (6, "5"), (8, "7")]


def test_a_line_longer_than_duckdbs_limit_is_quarantined_and_its_neighbours_load(con, ingest, tmp_path):
    # read_csv runs with DuckDB's own line limit (2 MB), which keeps its reading parallel: a longer
    # line (no real control card has one) is kept in quarantine with its line and reason, not lost
    f = tmp_path / "long.csv"
    f.write_text("Рег. №;Дата регистрации;Исполнитель\n1;05.03.2025;Отдел образования\n"
                 f"2;05.03.2025;{'я' * 1_100_000}\n3;05.03.2025;Отдел культуры\n", encoding="utf-8")
    (s,) = ingest(f)
    assert (s.rows_loaded, s.rows_quarantined) == (2, 1)
    assert rows(con, "select reg_no, row_no from raw_edms order by row_no") == [("1", 2), ("3", 4)]
    ((row_no, reason, line),) = rows(con, "select row_no, reason_ru, left(raw_line, 2) from quarantine")
    assert (row_no, line) == (3, "2;")
    assert reason.startswith("строка CSV повреждена: Maximum line size")
