"""Department resolution: free-written names in both languages map to one unit of the directory."""

from __future__ import annotations

import pytest

from pipelines import org
from tests.conftest import rows


@pytest.mark.parametrize(("name", "code"), [
    ("Отдел образования", "DEP-EDU"),
    ("Білім бөлімі", "DEP-EDU"),
    ("ГУ «Отдел образования Отырарского района»", "DEP-EDU"),
    ("Білім беру бөлімі", "DEP-EDU"),
    ("отдел  ОБРАЗОВАНИЯ", "DEP-EDU"),
    ("Отдел образования - Иванов А.А.", "DEP-EDU"),
    ("Отдел культуры (Сейтова)", "DEP-CULT"),
    ('КГУ "Отдел ЖКХ"', "DEP-HOUSING"),
    ("Отырар ауданының ветеринария бөлімі", "DEP-VET"),
    ("Аппарат акима Шаульдерского сельского округа", "RD-SHAULDER"),
    ("Шәуілдір ауылдық округі әкімінің аппараты", "RD-SHAULDER"),
    ("Шауілдір ауылдык округі", "RD-SHAULDER"),  # saved through cp1251
    ("Аппарат акима Отырарского сельского округа", "RD-OTYRAR"),
    ("Темир с/о", "RD-TEMIR"),
    ("Заместитель акима района (социальная сфера)", "DEP-2"),
    ("Общий отдел", "APP-GEN"),
    # issue 14: a name is a whole word, not a prefix — none of these is the akim
    ("Аким района", "AKIM"),
    ("Заместитель акима района", None),
    ("Советник акима", None),
    ("Аппарат акима Аккумского с/о", "RD-AKKUM"),
    # nominative and other cases of rural districts, both languages
    ("Аккумский сельский округ", "RD-AKKUM"),
    ("Каргалинский с/о", "RD-KARGALY"),
    ("Аким Талаптинского сельского округа", "RD-TALAPTY"),
    ("Актобинском сельском округе", "RD-AKTOBE"),
    ("Шілік ауылдық округінің әкімі", "RD-SHILIK"),
    ("Қоғам ауылдық округі әкімі аппараты", "RD-KOGAM"),
    ("Управление сельского хозяйства Туркестанской области", None),
    ("Отдел цифровизации", None),
    ("", None),
])
def test_resolve(directory, name, code):
    assert directory.resolve(name) == code


def test_split_executors_keeps_order_marks_and_commas_inside_names(directory):
    cell = "Отдел строительства, архитектуры и градостроительства;\nБілім бөлімі (свод)\nОтдел культуры, Отдел ЖКХ"
    got = org.split_executors(cell, directory)
    assert got == [
        ("Отдел строительства, архитектуры и градостроительства", False, "DEP-CONSTR"),
        ("Білім бөлімі", True, "DEP-EDU"),
        ("Отдел культуры", False, "DEP-CULT"),
        ("Отдел ЖКХ", False, "DEP-HOUSING"),
    ]


def test_person_on_the_line_under_the_unit_is_not_an_executor(directory):
    assert org.split_executors("Отдел образования\nСейітов Н.", directory) == [
        ("Отдел образования", False, "DEP-EDU")]


def test_directory_rejects_a_name_given_to_two_units(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('[organisation]\ncode="x"\nname_kk="x"\nname_ru="x"\n'
                 '[[unit]]\ncode="A"\nkind="department"\nname_kk="Бір"\nname_ru="Один"\n'
                 '[[unit]]\ncode="B"\nkind="department"\nname_kk="Екі"\nname_ru="Два"\naliases=["один"]\n',
                 encoding="utf-8")
    with pytest.raises(ValueError, match="один"):
        org.load(f)


def test_an_edited_directory_file_is_read_again_and_an_unchanged_one_is_not(tmp_path):
    """The directory is kept while its file is unchanged (the inbox watcher loads it at every
    file): an alias added to the file resolves at the next load."""
    f = tmp_path / "org.toml"
    unit = '[[unit]]\ncode="A"\nkind="department"\nname_kk="Бір бөлімі"\nname_ru="Отдел один"\n'
    f.write_text('[organisation]\ncode="x"\nname_kk="x"\nname_ru="x"\n' + unit, encoding="utf-8")
    first = org.load(f)
    assert org.load(f) is first
    assert org.split_executors("Первый отдел", first) == [("Первый отдел", False, None)]
    f.write_text(f.read_text(encoding="utf-8") + 'aliases=["Первый отдел"]\n', encoding="utf-8")
    edited = org.load(f)
    assert edited is not first
    assert org.split_executors("Первый отдел", edited) == [("Первый отдел", False, "A")]


def test_directory_frame_carries_blocks(directory):
    f = directory.frame().set_index("department_code")
    assert f.loc["DEP-EDU", "block_code"] == "DEP-2"
    assert f.loc["DEP-EDU", "block_name_ru"] == "Блок социальной сферы"
    assert f.loc["RD-KOGAM", "kind"] == "rural_district"
    assert len(f) == 37


def test_unresolved_names_are_reported_per_file_and_kept(con, ingest):
    (s,) = ingest("edms_ru_cp1251.csv")
    assert s.unresolved == ["Отдел цифровизации"]
    assert rows(con, "select department_code, executor_name from task_assignments where reg_no = '01-12/5'") == [
        (None, "Отдел цифровизации")]
    assert rows(con, "select name, rows from unresolved_names") == [("Отдел цифровизации", 1)]


def test_an_unresolved_unit_gets_no_rank(con, ingest, tmp_path):
    f = tmp_path / "edms.csv"
    f.write_text("Сформирован: 15.04.2025 10:00\nРег. №;Дата регистрации;Исполнитель;Срок исполнения\n"
                 "1;03.03.2025;Отдел культуры;12.03.2025\n2;03.03.2025;Отдел цифровизации;12.03.2025\n",
                 encoding="utf-8")
    ingest(f)
    assert rows(con, "select dimension_code, rank from execution_summary where dimension = 'department' "
                     "and period_kind = 'month' order by 1 nulls last") == [("DEP-CULT", 1), (None, None)]
