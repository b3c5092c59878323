"""The dashboard's pages with Streamlit's AppTest: no exception, widgets work, numbers match the marts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import publish
from pipelines.i18n import t

PAGES = ["overview", "departments", "protocols", "appeals", "quality", "sql_console", "slides"]


@pytest.fixture(scope="module")
def dashboard_db(tmp_path_factory):
    """The marts fixture loaded, validated and published, as the dashboard would find it."""
    from click.testing import CliRunner

    from pipelines.cli import main

    fixtures = os.path.join(os.path.dirname(__file__), "fixtures")
    db = tmp_path_factory.mktemp("dash") / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", os.path.join(fixtures, "marts"),
                                  os.path.join(fixtures, "materials_ru.csv"), os.path.join(fixtures, "edms_kk.xlsx"),
                                  "--db", str(db)])
    assert r.exit_code == 0, r.output
    return db


def run_page(page: str, db, lang: str = "ru", query: dict | None = None) -> AppTest:
    """Render one page the way the app does, with the URL query given."""

    def script(page, db, lang, query):
        import importlib
        import os

        import streamlit as st

        os.environ["TARTIP_DB"] = str(db)
        st.query_params.from_dict({"lang": lang, **(query or {})})
        from dashboards import context

        lang = context.language()
        ctx = context.sidebar(lang)
        importlib.import_module(f"dashboards.views.{page}").render(ctx)

    at = AppTest.from_function(script, args=(page, str(db), lang, query), default_timeout=60)
    return at.run()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(dashboard_db, page, lang):
    at = run_page(page, dashboard_db, lang, {"month": "2025-03"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_overview_numbers_match_the_marts(dashboard_db):
    at = run_page("overview", dashboard_db, "ru", {"month": "2025-03"})
    tiles = {m.label: m.value for m in at.metric}
    con = duckdb.connect(str(publish.public_path(dashboard_db)), read_only=True)
    (rate,) = con.execute("select on_time_rate from execution_summary where period_kind = 'month' "
                          "and period_start = '2025-03-01' and dimension = 'all'").fetchone()
    (overdue,) = con.execute("select count(*) from tasks where outcome = 'overdue'").fetchone()
    con.close()
    assert tiles["Исполнено в срок"] == f"{100 * rate:.1f}".replace(".", ",") + "\u00a0%"
    assert tiles["Просрочено сейчас"] == str(overdue)


def test_tile_opens_its_list(dashboard_db):
    at = run_page("overview", dashboard_db, "ru", {"month": "2025-03"})
    at.button(key="tile_overdue").click().run()
    df = at.dataframe[0].value
    assert set(df[t("reg_no", "ru")]) >= {"T6", "T10"}


def test_filters_come_from_and_go_to_the_url(dashboard_db):
    at = run_page("departments", dashboard_db, "kk", {"month": "2025-03", "dept": "DEP-EDU"})
    assert at.session_state["deps"] == ["DEP-EDU"]
    assert at.query_params["dept"] in ("DEP-EDU", ["DEP-EDU"])
    ranking = at.dataframe[0].value
    assert len(ranking) == 1  # only the department picked
    at.multiselect(key="deps").set_value([]).run()
    assert "dept" not in at.query_params


def test_department_ranking_counts_match(dashboard_db):
    at = run_page("departments", dashboard_db, "ru", {"month": "2025-03"})
    ranking = at.dataframe[0].value.set_index("Место")
    # veterinary 1 of 1, education 3 of 4, culture 3 of 6 (tests/test_marts.py and edms_kk.xlsx)
    assert list(ranking["Наступил срок"]) == [1, 4, 6]
    at.radio(key="dep_by").set_value("block").run()
    assert not at.exception


def test_sql_page_runs_and_refuses(dashboard_db):
    at = run_page("sql_console", dashboard_db)
    at.text_area(key="sql_text").set_value("select count(*) as n from tasks").run()
    at.button(key="sql_run").click().run()
    result = next(d.value for d in at.dataframe if "n" in d.value.columns)
    assert result["n"][0] == 16 + 2  # the marts fixture and the two cards of edms_kk.xlsx
    at.text_area(key="sql_text").set_value("copy tasks to '/tmp/x.csv'").run()
    at.button(key="sql_run").click().run()
    assert at.error and "COPY" in at.error[0].value


def test_appeals_are_masked_for_a_viewer(dashboard_db):
    at = run_page("appeals", dashboard_db, "ru", {"month": "2025-03"})
    df = next(d.value for d in at.dataframe if t("reg_no", "ru") in d.value.columns)
    # the masked snapshot has initials only: no full name, no ИИН, no phone
    assert t("applicant_iin", "ru") not in df.columns and list(df[t("applicant", "ru")]) == ["И. И."]


def test_slides_step_through(dashboard_db):
    at = run_page("slides", dashboard_db)
    at.button(key="slide_next").click().run()
    assert not at.exception
    assert at.session_state["slide"] == 1


def test_empty_database_is_a_friendly_page(tmp_path, monkeypatch):
    monkeypatch.setenv("TARTIP_DB", str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(str(Path(__file__).parent.parent / "dashboards" / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert "tartip ingest" in at.info[0].value


def test_monthly_report_section_previews_and_builds(dashboard_db):
    at = run_page("overview", dashboard_db, "kk", {"month": "2025-03"})
    due = t("due", "kk")
    preview = next(d.value for d in at.dataframe if due in d.value.columns)
    assert int(preview[due].sum()) > 0
    at.button(key="report_build").click().run()
    assert not at.exception
    assert {"pdf", "xlsx", "pptx"} <= set(at.session_state["report_files"])


RAW = re.compile(r"^[a-z0-9_]+$")


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("page", [p for p in PAGES if p != "sql_console"])  # SQL results keep the analyst's names
def test_every_table_a_person_reads_is_in_their_language(dashboard_db, page, lang):
    runs = [run_page(page, dashboard_db, lang, {"month": "2025-03"})]
    if page == "overview":  # the lists behind the tiles too
        for tile in ("overdue", "soon", "late", "rate"):
            at = run_page(page, dashboard_db, lang, {"month": "2025-03"})
            runs.append(at.button(key=f"tile_{tile}").click().run())
    frames = [d.value for at in runs for d in at.dataframe]
    if page in ("overview", "departments", "appeals", "quality"):  # the fixture has no protocols
        assert frames, "the page shows tables"
    for df in frames:
        raw = [c for c in df.columns if RAW.match(str(c))]
        assert not raw, f"headers not localised: {raw}"
        cells = df.astype(str).to_numpy().ravel().tolist()
        assert not {"None", "nan", "NaN", "NaT", "<NA>"} & set(cells), df.head()
        assert not df.isna().any().any(), df.head()


@pytest.mark.parametrize(("lang", "words"), [("kk", "Көрсетілген жүктеме"), ("ru", "Показана загрузка"),
                                             ("en", "Showing load")])
def test_sidebar_says_which_load_the_snapshot_shows(dashboard_db, lang, words):
    con = duckdb.connect(str(publish.public_path(dashboard_db)), read_only=True)
    load_id, name = con.execute("select load_id, file_name from snapshot_info").fetchone()
    con.close()
    at = run_page("overview", dashboard_db, lang, {"month": "2025-03"})
    assert any(f"{words} #{load_id} · {name}" in c.value for c in at.sidebar.caption)
