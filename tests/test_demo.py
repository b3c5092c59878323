"""The demo exports: deterministic, in both languages and formats, loaded through the same readers."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.demo.write import write_demo
from tests.conftest import rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return write_demo(out, seed=7)


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.suffix != ".xlsx"}


def test_deterministic_for_a_seed(demo, tmp_path):
    assert _digest(write_demo(tmp_path, seed=7)) == _digest(demo)


def test_files_cover_formats_and_languages(demo):
    names = {p.name for p in demo}
    assert {"edms_2025_h1_ru.csv", "edms_2025_h2_kk.xlsx", "protocols_2025_ru.xlsx",
            "materials_2025_kk.tsv", "appeals_2025_kk.xlsx"} <= names
    h1 = next(p for p in demo if p.name == "edms_2025_h1_ru.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        h1.decode("utf-8")  # Windows-1251, as Russian Excel saves it
    h1.decode("cp1251")


def test_demo_year_loads_with_a_story(con, ingest, demo):
    summaries = ingest(*demo)
    assert all(s.status == "loaded" for s in summaries)
    by_kind = {}
    for s in summaries:
        by_kind[s.kind] = by_kind.get(s.kind, 0) + s.rows_loaded
    assert 7_500 <= rows(con, "select count(*) from documents")[0][0] <= 8_500
    assert 40 <= rows(con, "select count(*) from protocols")[0][0] <= 60
    assert rows(con, "select count(distinct task_id) from task_assignments where source = 'protocol'")[0][0] >= 500
    assert rows(con, "select count(*) from appeals")[0][0] == 1_500
    assert by_kind["materials"] > 200
    # a few broken rows are quarantined, one unknown unit is reported, nothing else is lost
    assert 3 <= rows(con, "select count(*) from quarantine where reason_code = 'invalid'")[0][0] <= 10
    assert [r[0] for r in rows(con, "select name from unresolved_names")] == ["Отдел цифровизации"]
    # the newer January export updated the December cards
    assert rows(con, "select count(*) from status_history where valid_to is not null")[0][0] > 100
    # departments differ: the weakest has clearly more cards executed late than the best
    late = dict(rows(con, """
        select department_code, avg((executed_at::date > coalesce(extended_due_date, due_date))::int)
        from task_assignments where source = 'edms' and executed_at is not null and due_date is not null
        group by 1"""))
    assert late["DEP-HOUSING"] > 3 * late["DEP-EDU"]
    # executed without an execution card exists
    assert rows(con, "select count(*) from task_assignments where status = 'executed' "
                     "and not has_execution_card")[0][0] > 20
