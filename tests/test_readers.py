"""Every reader variant: encodings, delimiters, title blocks, sheets, header aliases, kind detection."""

from __future__ import annotations

import pytest

from pipelines import readers
from pipelines.readers import ReadError
from pipelines.sources import normalise_header
from tests.conftest import rows

# file, kind, rows read, loaded, quarantined, skipped
CASES = [
    ("edms_ru_cp1251.csv", "edms", 7, 3, 3, 1),
    ("edms_kk_bom.csv", "edms", 2, 2, 0, 0),
    ("edms_tab.tsv", "edms", 1, 1, 0, 0),
    ("edms_kk.xlsx", "edms", 4, 2, 0, 2),
    ("protocols_ru.xlsx", "protocols", 4, 3, 0, 1),
    ("protocols_kk.csv", "protocols", 1, 1, 0, 0),
    ("materials_ru.csv", "materials", 2, 2, 0, 0),
    ("appeals_kk.xlsx", "appeals", 2, 2, 0, 0),
]


@pytest.mark.parametrize(("name", "kind", "read", "loaded", "quarantined", "skipped"), CASES)
def test_every_variant_loads(ingest, name, kind, read, loaded, quarantined, skipped):
    (s,) = ingest(name)
    assert (s.kind, s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_skipped) == (
        kind, read, loaded, quarantined, skipped)


@pytest.mark.parametrize(("name", "encoding", "delimiter"), [
    ("edms_ru_cp1251.csv", "cp1251", ";"),
    ("edms_kk_bom.csv", "utf-8-sig", ","),
    ("edms_tab.tsv", "utf-8", "\t"),
])
def test_csv_encoding_and_delimiter_detected(fixtures, name, encoding, delimiter):
    f = readers.open_csv(fixtures / name)
    try:
        assert (f.encoding, f.delimiter) == (encoding, delimiter)
    finally:
        f.close()


def test_cp1251_text_arrives_as_utf8(con, ingest):
    ingest("edms_ru_cp1251.csv")
    assert rows(con, "select summary from stg_edms where reg_no = '01-12/1'") == [("О подготовке\nк паводкам",)]


def test_title_block_gives_export_time_and_is_not_data(fixtures):
    f = readers.open_csv(fixtures / "edms_ru_cp1251.csv")
    f.close()
    assert f.layout.header_row == 3
    assert f.layout.exported_at.isoformat() == "2025-04-01T10:15:00"


def test_unknown_columns_are_kept(con, ingest):
    ingest("edms_ru_cp1251.csv")
    assert rows(con, "select extra->>'Примечание' from raw_edms where reg_no = '01-12/1'") == [("x",)]


def test_sheet_is_recorded_and_empty_sheets_named(ingest):
    (s,) = ingest("protocols_ru.xlsx")
    assert s.sheets == ["Аппаратное совещание", "Заседание акимата"]
    (s,) = ingest("edms_kk.xlsx")
    assert "Бос" in s.message


def test_meeting_type_from_sheet_name(con, ingest):
    ingest("protocols_ru.xlsx")
    assert rows(con, "select distinct meeting_type from stg_protocols order by 1") == [
        ("akimat_session",), ("apparatus",)]


def test_excel_date_cells_and_serials(con, ingest):
    ingest("edms_kk.xlsx", "edms_tab.tsv")
    got = dict(rows(con, "select reg_no, registered_at::varchar from stg_edms"))
    assert got["01-20/1"] == "2025-03-21 10:00:00"
    assert got["01-15/7"] == "2025-03-05 00:00:00"  # Excel serial 45721


@pytest.mark.parametrize(("text", "expected"), [
    ("05.03.2025", "2025-03-05 00:00:00"),
    ("05.03.2025 18:59", "2025-03-05 18:59:00"),
    ("05.03.2025 19:01:30", "2025-03-05 19:01:30"),
    ("05.03.25", "2025-03-05 00:00:00"),
    ("2025-03-05", "2025-03-05 00:00:00"),
    ("2025-03-05 19:01:00", "2025-03-05 19:01:00"),
    ("2025-03-05T10:00", "2025-03-05 10:00:00"),
    ("05/03/2025", "2025-03-05 00:00:00"),  # day first, never US order
    ("12/03/2025", "2025-03-12 00:00:00"),
    ("45721", "2025-03-05 00:00:00"),
    ("45721.75", "2025-03-05 18:00:00"),
    ("31.02.2025", None),
    ("13.13.2025", None),
    ("-", None),
    ("—", None),
    ("нет", None),
    ("жоқ", None),
    ("", None),
])
def test_parse_ts_every_date_form(con, text, expected):
    got = rows(con, "select parse_ts(?)::varchar", [text])[0][0]
    assert got == expected


@pytest.mark.parametrize(("header", "normalised"), [
    ("Рег. №", "рег"),
    ("Рег.\nномер", "рег номер"),
    ("  ДАТА   регистрации ", "дата регистрации"),
    ("№ протокола", "протокола"),
    ("No протокола", "протокола"),
    ("Размер (МБ)", "размер мб"),
])
def test_header_normalisation(header, normalised):
    assert normalise_header(header) == normalised


def test_file_of_no_kind_names_closest_kind_and_missing_columns(fixtures):
    with pytest.raises(ReadError) as e:
        readers.open_csv(fixtures / "unknown.csv")
    msg = str(e.value)
    assert "unknown.csv" in msg and "edms" in msg and "reg_date" in msg and "Дата регистрации" in msg


def test_broken_workbook_is_a_clear_error(fixtures):
    with pytest.raises(ReadError, match="broken.xlsx"):
        readers.open_excel(fixtures / "broken.xlsx")
