"""Staging views (sql/staging): the typed rows of the raw tables."""

from __future__ import annotations

from tests.conftest import rows


def test_stg_edms_codes_every_spelling_as_its_macro_does_a_missing_one_included(con, ingest, tmp_path):
    # stg_edms codes each distinct spelling of status, kind and signer once and joins the code back:
    # every row, an empty cell among them, must get what the macro gives it, and no row may be doubled
    f = tmp_path / "spellings.csv"
    f.write_text(
        "Рег. №;Дата регистрации;Вид документа;Подписант;Статус;Исполнитель\n"
        "1;05.03.2025;Входящий;и.о. Сапаров А.;Исполнен;Отдел образования\n"
        "2;05.03.2025;Исходящий;Сапаров А.;На исполнении;Отдел образования\n"
        "3;05.03.2025;;;;Отдел культуры\n"
        "4;05.03.2025;Входящий;м.а. Әлиев Б.;Исполнен, снят с контроля;Отдел культуры\n"
        "5;05.03.2025;Кіріс хат;Сапаров А.;-;Отдел ЖКХ\n"
        "6;05.03.2025;Входящий;и.о. Сапаров А.;Исполнен;Отдел ЖКХ\n",
        encoding="utf-8")
    ingest(f)
    assert rows(con, "select reg_no, status, doc_kind, is_acting_signer from stg_edms order by reg_no") == [
        ("1", "executed", "incoming", True), ("2", "in_progress", "outgoing", False), ("3", None, None, False),
        ("4", "executed", "incoming", True), ("5", None, "incoming", False), ("6", "executed", "incoming", True)]
    assert rows(con, """
        select count(*) from stg_edms as s join raw_edms as r using (load_id, row_no)
        where s.status is distinct from status_code(r.status)
            or s.doc_kind is distinct from doc_kind_code(r.doc_kind)
            or s.is_acting_signer is distinct from is_acting(r.signed_by)
    """) == [(0,)]
    assert rows(con, "select count(*) from stg_edms") == rows(con, "select count(*) from raw_edms") == [(6,)]
