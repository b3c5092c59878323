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


def test_demo_year_produces_each_case_of_issue_14(con, ingest, demo):
    """The demo carries every case the measure must judge honestly (issue 14), so the dashboard shows them."""
    ingest(*demo)
    # 1. terms written around a date are read; unreadable and permanent ones are listed, with the reason
    texts = [r[0] for r in rows(con, "select due_date_text from task_assignments where source = 'protocol' "
                                     "and due_date is not null and not regexp_full_match(due_date_text, "
                                     "'\\d\\d\\.\\d\\d\\.\\d{4}')")]
    assert any(t.startswith("до ") for t in texts) and any("дейін" in t for t in texts)
    assert any(t.endswith("г.") for t in texts) and any("конца года" in t or "соңына" in t for t in texts)
    reasons = {r[0] for r in rows(con, "select distinct not_judged_reason from tasks where outcome = 'not_judged'")}
    assert {"permanent", "unreadable_term", "removed_without_card", "forwarded"} <= reasons
    # every periodicity occurs, and each recognised one is judged or listed
    periodicities = {r[0] for r in rows(con, "select distinct periodicity from task_assignments")}
    assert {"weekly", "monthly", "quarterly", "half_year", "yearly", "permanent", "unknown"} <= periodicities
    assert rows(con, "select count(*) from task_assignments as a where assigned_date <= (select as_of from "
                     "data_as_of) and not exists (select 1 from tasks as t where t.assignment_id = a.assignment_id)"
                ) == [(0,)]
    # 2. executed work removed from control is judged by its card; removed after going overdue stays overdue
    assert rows(con, "select count(*) from tasks as t join task_assignments as a using (assignment_id) "
                     "where a.status_raw = 'Исполнен, снят с контроля' and t.outcome in ('on_time', 'late')")[0][0] > 10
    assert rows(con, "select count(*) from tasks where status = 'removed' and outcome = 'overdue'")[0][0] >= 1
    # 4. extensions entered after the term expired do not count
    assert rows(con, "select count(*) from tasks where not is_extension_applied")[0][0] > 10
    # 5. rural districts written in the nominative resolve
    assert rows(con, "select count(*) from task_assignments where executor_name like '%ий сельский округ' "
                     "and department_code like 'RD-%'")[0][0] > 0
    # 7. commissions at the akimat, working trips; 8. commissions' working bodies
    assert rows(con, "select count(*) from protocols where meeting_type_raw like 'Комиссия при акимате%' "
                     "and meeting_type = 'commission'")[0][0] > 0
    assert rows(con, "select count(*) from protocols where meeting_type = 'working_trip'")[0][0] > 0
    assert rows(con, "select count(*) from protocols where meeting_type = 'commission' "
                     "and controller_code like 'DEP-%'")[0][0] > 0
    # 9. materials never submitted; 11. trip materials, answers after 18:00, answers without a reference,
    # protocols without a chair
    assert rows(con, "select count(*) from material_submissions where submitted_at is null")[0][0] > 0
    assert rows(con, "select count(*) from material_submissions where meeting_type = 'working_trip'")[0][0] > 0
    assert rows(con, "select count(*) from appeals where cast(answered_at as time) > time '18:00'")[0][0] > 0
    assert rows(con, "select count(*) from documents where doc_kind = 'outgoing' and request_ref is null "
                     "and summary like 'Ответ на%'")[0][0] > 0
    assert rows(con, "select count(*) from protocols where chair is null")[0][0] > 0
