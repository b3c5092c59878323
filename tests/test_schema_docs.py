"""The analyst-facing schema is documented: every table and column, in kk, ru and en."""

from __future__ import annotations

from pipelines import schema
from tests.conftest import rows


def test_every_table_and_column_has_a_description(con, ingest):
    from pipelines.validate import run

    ingest("edms_ru_cp1251.csv", "protocols_ru.xlsx", "materials_ru.csv", "appeals_kk.xlsx")
    run.run(con, ["R-9.21"])
    assert schema.undescribed_tables(con) == []
    assert schema.undocumented(con) == []


def test_a_column_without_description_is_caught(con, ingest):
    ingest("edms_kk_bom.csv")
    con.execute("alter table documents add column mystery integer")
    assert schema.undocumented(con) == ["documents.mystery"]


def test_comments_are_in_the_database(con, ingest):
    ingest("edms_kk_bom.csv")
    (comment,) = rows(con, "select comment from duckdb_columns() where table_name = 'task_assignments' "
                           "and column_name = 'has_execution_card'")[0]
    assert comment.startswith("kk: ") and "ru: " in comment and "R-9.21" in comment


def test_markdown_page_lists_every_table(con, ingest):
    ingest("edms_kk_bom.csv")
    page = schema.markdown(con)
    for table in ("documents", "task_assignments", "calendar", "load_log", "quarantine", "raw_edms"):
        assert f"## `{table}`" in page
