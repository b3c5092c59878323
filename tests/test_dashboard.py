"""The dashboard's pages with Streamlit's AppTest: no exception, widgets work, numbers match the marts."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import auth
from pipelines import audit, publish, users
from pipelines.i18n import t
from tests.conftest import PASSWORD

PAGES = ["overview", "departments", "protocols", "appeals", "quality", "sql_console", "slides", "audit"]


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


def run_page(page: str, db, lang: str = "ru", query: dict | None = None, user: str = "head") -> AppTest:
    """Log in as `user`, then render one page the way the app does, with the URL query given."""

    def script(page, db, lang, query, user, password):
        import importlib
        import os

        import streamlit as st

        os.environ["TARTIP_DB"] = str(db)
        st.query_params.from_dict({"lang": lang, **(query or {})})
        from dashboards import auth, context

        if auth.current() is None:
            assert auth.login(user, password) == "ok"
        lang = context.language()
        ctx = context.sidebar(lang)
        importlib.import_module(f"dashboards.views.{page}").render(ctx)

    at = AppTest.from_function(script, args=(page, str(db), lang, query, user, PASSWORD), default_timeout=60)
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


def test_appeals_are_masked_for_an_analyst(dashboard_db):
    at = run_page("appeals", dashboard_db, "ru", {"month": "2025-03"}, user="analyst")
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
    at.text_input(key="login_user").input("head")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
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


APP = str(Path(__file__).parent.parent / "dashboards" / "app.py")


def _app(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("TARTIP_DB", str(db))
    return AppTest.from_file(APP, default_timeout=60).run()


def _log_in(at: AppTest, user: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_without_a_session_there_is_only_the_login_form(dashboard_db, monkeypatch):
    at = _app(dashboard_db, monkeypatch)
    assert not at.exception
    assert [w.key for w in at.text_input] == ["login_user", "login_password"]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric


def test_login_opens_the_overview_and_logout_closes_it(dashboard_db, monkeypatch):
    at = _log_in(_app(dashboard_db, monkeypatch), "head")
    assert not at.exception and at.metric and at.get("plotly_chart")
    at.button(key="logout").click().run()
    assert not at.metric and [w.key for w in at.text_input] == ["login_user", "login_password"]
    events = audit.read(dashboard_db)
    assert {"login_ok", "logout"} <= set(events[events["user_name"] == "head"]["event"])


def test_wrong_passwords_lock_the_account(dashboard_db, monkeypatch, users_file, tmp_path):
    # a user of its own, so that the lock does not touch the other tests
    path = tmp_path / "users.toml"
    path.write_bytes(users_file.read_bytes())
    users.add("lockme", "analyst", "the right password", path=path)
    monkeypatch.setenv("TARTIP_USERS", str(path))
    at = _app(dashboard_db, monkeypatch)
    for _ in range(users.access()["max_failed_logins"]):
        _log_in(at, "lockme", "a wrong password")
        assert "Неверный" in at.error[0].value
    _log_in(at, "lockme", "the right password")
    assert "заблокирована" in at.error[0].value and not at.metric
    log = audit.read(dashboard_db)
    mine = log[log["user_name"] == "lockme"]
    assert (mine["event"] == "login_failed").sum() == 5 and mine.iloc[0]["event"] == "login_locked"


def test_an_idle_session_times_out(dashboard_db, monkeypatch):
    at = _log_in(_app(dashboard_db, monkeypatch), "analyst")
    assert at.metric
    at.session_state["auth_session"].last_seen -= dt.timedelta(minutes=users.access()["session_timeout_minutes"] + 1)
    at.run()
    assert not at.metric and at.warning and "бездействия" in at.warning[0].value


def test_pages_per_role(dashboard_db, monkeypatch):
    for user, sql, audit_page in (("head", True, True), ("analyst", True, False), ("edu", False, False)):
        at = _log_in(_app(dashboard_db, monkeypatch), user)
        s = at.session_state["auth_session"]
        pages = auth.allowed_pages(s.role)
        assert ("sql" in pages, "audit" in pages) == (sql, audit_page), user


def test_a_department_head_reads_only_the_own_unit(dashboard_db):
    # both ask for two units in the URL: the server gives the department head its own only
    two = {"month": "2025-03", "dept": "DEP-CULT,DEP-EDU"}
    head = run_page("overview", dashboard_db, "ru", two, user="head")
    head.button(key="tile_overdue").click().run()
    edu = run_page("overview", dashboard_db, "ru", two, user="edu")
    edu.button(key="tile_overdue").click().run()
    everyone = head.dataframe[0].value
    own = edu.dataframe[0].value
    dep, reg = t("department", "ru"), t("reg_no", "ru")
    assert set(everyone[dep]) == {"Отдел образования", "Отдел культуры и развития языков"}
    assert set(own[dep]) == {"Отдел образования"}
    assert set(own[reg]) < set(everyone[reg])
    # the filter starts on the own unit; cleared, the ranking shows every unit's rate and rank
    dep = run_page("departments", dashboard_db, "ru", {"month": "2025-03"}, user="edu")
    assert dep.session_state["deps"] == ["DEP-EDU"] and len(dep.dataframe[0].value) == 1
    dep.multiselect(key="deps").set_value([]).run()
    ranking = dep.dataframe[0].value
    assert len(ranking) == 3 and "Отдел культуры и развития языков" in set(ranking.iloc[:, 1])
    # no monthly report (it lists every unit) and no quarantine rows of other units
    assert not any("due_count" in d.value.columns for d in edu.dataframe)
    quality = run_page("quality", dashboard_db, "ru", {}, user="edu")
    assert not any("row_as_read" in d.value.columns for d in quality.dataframe)


def _read_as(db, user: str, what: str):
    """Log in as a user and try one read the data layer may refuse; the outcome lands in session state."""

    def script(db, user, password, what):
        import os

        import streamlit as st

        os.environ["TARTIP_DB"] = str(db)
        from dashboards import auth, data

        assert auth.login(user, password) == "ok"
        try:
            if what == "restricted":
                st.session_state["rows"] = len(data.query("select * from appeals", restricted=True))
            else:
                st.session_state["rows"] = len(data.run_sql("select * from tasks", limit=100, timeout=10).frame)
        except data.AccessDenied as e:
            st.session_state["denied"] = str(e)

    return AppTest.from_function(script, args=(str(db), user, PASSWORD, what), default_timeout=60).run()


@pytest.mark.parametrize(("user", "what", "allowed"), [
    ("head", "restricted", True), ("analyst", "restricted", False), ("edu", "restricted", False),
    ("analyst", "sql", True), ("edu", "sql", False), ("viewer", "sql", False),
])
def test_the_data_layer_enforces_the_role(dashboard_db, user, what, allowed):
    at = _read_as(dashboard_db, user, what)
    assert not at.exception
    assert ("rows" in at.session_state) == allowed and ("denied" in at.session_state) != allowed
    log = audit.read(dashboard_db)
    mine = log[log["user_name"] == user]
    if allowed:
        assert mine.iloc[0]["event"] == ("restricted_data" if what == "restricted" else "sql_run")


def test_a_download_is_logged_with_its_rows(dashboard_db):
    at = run_page("appeals", dashboard_db, "ru", {"month": "2025-03"}, user="analyst")
    next(b for b in at.get("download_button") if b.key == "appeals_list_csv").click().run()
    log = audit.read(dashboard_db)
    row = log[log["event"] == "download"].iloc[0]
    assert row["user_name"] == "analyst" and row["detail"] == "appeals_list.csv" and row["rows"] == 1


def test_a_page_that_fails_shows_a_short_message_and_no_traceback():
    def script():
        from dashboards import ui

        def broken():
            raise RuntimeError("/srv/secret/path.py exploded")

        ui.guarded(broken, "kk")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    text = at.error[0].value
    assert text.startswith("Бетті көрсету мүмкін болмады") and re.search(r"\(код [0-9a-f]{8}\)", text)
    shown = " ".join(str(getattr(e, "value", "")) for e in at.main)
    assert len(at.error) == 1
    assert "Traceback" not in shown and "/srv/secret" not in shown and "RuntimeError" not in shown


@pytest.fixture
def anonymous_viewer(tmp_path, monkeypatch):
    """A roles file that lets visitors in as `viewer` without a login (never the shipped default)."""
    from pipelines.paths import DATA

    roles = tmp_path / "roles.toml"
    roles.write_text((DATA / "roles.toml").read_text(encoding="utf-8").replace(
        'anonymous_role = ""', 'anonymous_role = "viewer"'), encoding="utf-8")
    monkeypatch.setenv("TARTIP_ROLES", str(roles))
    users.config.cache_clear()
    yield
    users.config.cache_clear()


def test_an_anonymous_role_only_when_the_config_allows_it(dashboard_db, monkeypatch, anonymous_viewer):
    at = _app(dashboard_db, monkeypatch)
    assert not at.exception and at.metric  # no login asked
    s = at.session_state["auth_session"]
    assert s.via == "anonymous" and s.role.name == "viewer"
    assert "sql" not in auth.allowed_pages(s.role) and "audit" not in auth.allowed_pages(s.role)
    monkeypatch.delenv("TARTIP_ROLES")
    users.config.cache_clear()
    assert users.anonymous_role() is None  # the shipped roles file asks for a login


def test_single_sign_on_maps_the_e_mail_to_a_role(dashboard_db):
    def script(db):
        import os

        import streamlit as st

        os.environ["TARTIP_DB"] = str(db)
        from dashboards import auth

        known = auth.sso_login("EDU@otyrar.example")  # the provider's spelling of the users file's e-mail
        st.session_state["known"] = (known.user, known.role.name, known.scope, known.via)
        st.session_state.pop(auth.KEY)
        st.session_state["unknown"] = auth.sso_login("stranger@otyrar.example")

    at = AppTest.from_function(script, args=(str(dashboard_db),), default_timeout=30).run()
    assert not at.exception
    assert at.session_state["known"] == ("edu", "department_head", "DEP-EDU", "sso")
    assert at.session_state["unknown"] is None
    log = audit.read(dashboard_db)
    refused = log[log["user_name"] == "stranger@otyrar.example"].iloc[0]
    assert refused["event"] == "login_failed" and "sso" in refused["detail"]
