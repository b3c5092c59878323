"""End to end in a real headless Chromium (Debian's package, driven by Playwright): the login comes
first (no figure without a session, a lock after wrong passwords), every page in kk and ru with no
Streamlit error boxes, what each role sees in the page and in its downloads, screenshots kept in
test-artifacts/; and `tartip ingest` succeeding while the dashboard is open and reading."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import audit, users
from pipelines.cli import main
from pipelines.i18n import t
from tests.conftest import PASSWORD

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = ["overview", "departments", "protocols", "appeals", "quality", "sql", "slides", "audit"]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, users_file):
    """The demo-like fixture database served by `tartip serve` on a free port, with the test users
    (one per role) and one more, `lockme`, for the lockout test."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` (run by .ci/run) installs Debian's chromium")
    fixtures = ROOT / "tests" / "fixtures"
    db = tmp_path_factory.mktemp("browser") / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "marts"), str(fixtures / "materials_ru.csv"),
                                  str(fixtures / "protocols_ru.xlsx"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    accounts = db.parent / "users.toml"
    accounts.write_bytes(users_file.read_bytes())
    users.add("lockme", "analyst", PASSWORD, path=accounts)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db), "--port", str(port),
                             "--users", str(accounts)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the dashboard did not start: " + proc.stdout.read().decode()[-2000:])
    yield url, db
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _wait_for_app(page) -> None:
    """Until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')""", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # charts draw after the script has finished


LOGIN_FORM = '[data-testid="stForm"]'


@pytest.fixture
def tab(browser):
    """A new browser tab (a new Streamlit session), closed after the test."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def _submit_login(page, user: str, password: str) -> None:
    """Type into the login form and press its button (whatever the language)."""
    page.wait_for_selector(LOGIN_FORM, timeout=60_000)
    fields = page.locator(f"{LOGIN_FORM} input")
    fields.nth(0).fill(user)
    fields.nth(1).fill(password)
    page.locator(f'{LOGIN_FORM} [data-testid="stFormSubmitButton"] button').click()


def _open(page, url: str, user: str = "head") -> None:
    """Open an address (a new session, so the login screen), log in, wait for the page."""
    page.goto(url, timeout=60_000)
    _wait_for_app(page)
    _submit_login(page, user, PASSWORD)
    page.wait_for_selector(LOGIN_FORM, state="detached", timeout=60_000)
    _wait_for_app(page)


def _download(page, button) -> str:
    """Click a download button and return the file's text."""
    with page.expect_download(timeout=60_000) as d:
        button.click()
    return Path(d.value.path()).read_text(encoding="utf-8-sig")


def _nav(page) -> list[str]:
    """The pages in the sidebar's navigation, by their address."""
    return [a.get_attribute("href").rsplit("/", 1)[-1].split("?")[0]
            for a in page.locator('[data-testid="stSidebarNav"] a').all()]


@pytest.mark.parametrize("name", PAGES)
def test_without_a_session_no_page_shows_data_only_the_login_form(server, tab, name):
    url, _ = server
    page = tab
    page.goto(f"{url}/{'' if name == 'overview' else name}?lang=ru&month=2025-03", timeout=60_000)
    _wait_for_app(page)
    assert page.locator(f'{LOGIN_FORM} input[type="password"]').count() == 1
    for figure in (".js-plotly-plot", '[data-testid="stDataFrame"]', '[data-testid="stMetric"]',
                   '[data-testid="stDownloadButton"]', "textarea"):
        assert page.locator(figure).count() == 0, figure
    assert "Page not found" not in page.content()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page list either


def test_wrong_passwords_lock_the_account_in_the_browser(server, browser):
    url, db = server
    page = browser.new_page()
    try:
        page.goto(f"{url}/?lang=ru", timeout=60_000)
        _wait_for_app(page)
        for i in range(users.access()["max_failed_logins"]):
            _submit_login(page, "lockme", f"wrong password {i}")
            page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=60_000)
            _wait_for_app(page)
            assert "Неверный пользователь или пароль" in page.content()
        _submit_login(page, "lockme", PASSWORD)  # the right password, too late
        page.wait_for_function("document.body.innerText.includes('заблокирована')", timeout=60_000)
        _wait_for_app(page)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator(f'{LOGIN_FORM} input[type="password"]').count() == 1
    finally:
        page.close()
    log = audit.read(db)
    assert log[log["user_name"] == "lockme"].iloc[0]["event"] == "login_locked"


def test_the_head_sees_personal_data_and_the_audit_log(server, tab):
    url, _ = server
    page = tab
    _open(page, f"{url}/appeals?lang=ru&month=2025-03", "head")
    assert {"sql", "audit"} <= set(_nav(page))
    csv = _download(page, page.locator('[data-testid="stDownloadButton"] button', has_text="CSV").first)
    assert t("applicant_iin", "ru") in csv.splitlines()[0] and "Иванов" in csv
    _open(page, f"{url}/audit?lang=ru", "head")
    assert page.locator("h1").first.inner_text().strip() == "Журнал аудита"
    assert "login_ok" in page.content() and "restricted_data" in page.content()


def test_an_analyst_sees_masked_data_and_sql_but_no_audit(server, tab):
    url, _ = server
    page = tab
    _open(page, f"{url}/appeals?lang=ru&month=2025-03", "analyst")
    nav = _nav(page)
    assert "sql" in nav and "audit" not in nav
    assert "Иванов" not in page.content()
    csv = _download(page, page.locator('[data-testid="stDownloadButton"] button', has_text="CSV").first)
    header = csv.splitlines()[0]
    assert t("applicant", "ru") in header and t("applicant_iin", "ru") not in header
    assert "И. И." in csv and "Иванов" not in csv
    _open(page, f"{url}/audit?lang=ru", "analyst")
    assert "Журнал аудита" not in page.content() and "login_ok" not in page.content()


def test_a_department_head_sees_the_own_unit_only(server, tab):
    url, db = server
    page = tab
    _open(page, f"{url}/?lang=ru&month=2025-03&dept=DEP-CULT,DEP-EDU", "edu")  # asks for two units
    assert "sql" not in _nav(page) and "audit" not in _nav(page)
    page.get_by_role("button", name="Открыть список").nth(1).click()  # the overdue tasks
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    _wait_for_app(page)
    csv = _download(page, page.locator('[data-testid="stDownloadButton"] button', has_text="CSV").first)
    lines = csv.splitlines()
    assert len(lines) > 1 and all("Отдел образования" in line for line in lines[1:])
    _open(page, f"{url}/sql?lang=ru", "edu")
    assert page.locator("textarea").count() == 0
    log = audit.read(db)
    downloads = log[(log["user_name"] == "edu") & (log["event"] == "download")]
    assert downloads.iloc[0]["detail"] == "overdue.csv" and downloads.iloc[0]["rows"] == len(lines) - 1


SIZES = [(1280, 720), (1920, 1080)]

# Text that sticks out of the window sideways (cut off on the left or the right); grids scroll inside.
OUTSIDE = """() => {
  const w = window.innerWidth, bad = [];
  for (const el of document.querySelectorAll('h1, h2, h3, p, span, label, button, li, div.box')) {
    if (!el.innerText || !el.innerText.trim() || el.closest('[data-testid="stDataFrame"]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -1 || r.right > w + 1) bad.push(el.innerText.trim().slice(0, 40) + ' @' + Math.round(r.left)
                                               + '..' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width: w, bad: bad};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", PAGES)
def test_page_in_a_real_browser(server, browser, name, lang, size):
    url, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        _open(page, f"{url}/{name}?lang={lang}&month=2025-03")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{size[0]}x{size[1]}.png"), full_page=True)
        assert "Page not found" not in page.content()
        errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        assert errors.count() == 0, errors.first.inner_text()
        heading = page.locator("h1").first.inner_text()
        assert heading.strip(), "the page has a title"
        if lang == "kk":
            assert any(ch in page.content() for ch in "әғқңөұүһі"), "Kazakh text on the page"
        fit = page.evaluate(OUTSIDE)
        assert fit["scroll"] <= fit["width"] and not fit["bad"], fit
    finally:
        page.close()


def test_overview_is_a_url_of_its_own(server, browser):
    url, _ = server
    page = browser.new_page()
    try:
        _open(page, f"{url}/overview?lang=kk&month=2025-03")
        assert "Page not found" not in page.content()
        assert page.locator("h1").first.inner_text().strip() == t("page_overview", "kk")
    finally:
        page.close()


SLIDE_STATE = """() => {
  const s = document.querySelector('.tartip-slide:not([hidden])'), r = s.getBoundingClientRect();
  const over = [...s.querySelectorAll('.box')].filter(b => b.scrollHeight > b.clientHeight + 1
                                                     || b.scrollWidth > b.clientWidth + 1)
                                            .map(b => b.textContent.slice(0, 40));
  const small = [...s.querySelectorAll('.box')].filter(b => b.tagName !== 'svg')
      .map(b => parseFloat(getComputedStyle(b).fontSize) / r.width * 13.333 * 72).filter(pt => pt < 19.9);
  return {n: s.dataset.n, key: s.dataset.key, top: r.top, left: r.left, right: r.right, bottom: r.bottom,
          width: r.width, height: r.height, vw: window.innerWidth, vh: window.innerHeight, over: over,
          small: small.length, counter: document.querySelector('.tartip-counter').textContent,
          full: document.fullscreenElement ? document.fullscreenElement.className : null};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_presentation_mode(server, browser, lang, size):
    url, _ = server
    folder = ARTIFACTS / f"browser-deck-{lang}-{size[0]}x{size[1]}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        _open(page, f"{url}/slides?lang={lang}&month=2025-03")
        count = int(page.locator(".tartip-deck").get_attribute("data-count"))
        assert count >= 6
        for k in range(1, count + 1):
            st = page.evaluate(SLIDE_STATE)
            assert st["n"] == str(k) and st["counter"].startswith(f"{k} /"), st
            assert abs(st["width"] / st["height"] - 16 / 9) < 0.02, st  # 16:9
            assert st["left"] >= 0 and st["right"] <= st["vw"] + 1 and st["bottom"] <= st["vh"] + 1, st  # on screen
            assert st["width"] >= 0.5 * st["vw"], st  # large, not a thumbnail
            assert not st["over"], st  # no text outside its box
            assert st["small"] == 0, st  # nothing under 20 pt at the slide's size
            page.locator(".tartip-slide:not([hidden])").screenshot(path=str(folder / f"slide-{k:02d}.png"))
            page.keyboard.press("ArrowRight")
        assert page.evaluate(SLIDE_STATE)["n"] == "1"  # round again to the title
        page.keyboard.press("ArrowLeft")
        assert page.evaluate(SLIDE_STATE)["n"] == str(count)
        page.keyboard.press("f")
        page.wait_for_function("() => document.fullscreenElement !== null", timeout=10_000)
        st = page.evaluate(SLIDE_STATE)
        assert "tartip-deck" in st["full"], st
        assert st["width"] >= 0.98 * min(st["vw"], st["vh"] * 16 / 9), st  # the slide fills the screen
        page.screenshot(path=str(folder / "fullscreen.png"))
    finally:
        page.close()


def test_ingest_succeeds_while_the_dashboard_is_open_and_reading(server, browser, tmp_path):
    url, db = server
    page = browser.new_page()
    try:
        _open(page, f"{url}/?lang=ru&month=2025-03")
        # a reader holding the published snapshot open, as a long dashboard query would
        import duckdb

        from pipelines.publish import public_path

        reader = duckdb.connect(str(public_path(db)), read_only=True)
        try:
            r = CliRunner().invoke(main, ["ingest", str(ROOT / "tests" / "fixtures" / "appeals_kk.xlsx"),
                                          "--db", str(db), "--no-validate"])
            assert r.exit_code == 0, r.output
            assert reader.execute("select count(*) from load_log").fetchone()[0] >= 1  # still reads its snapshot
        finally:
            reader.close()
        _open(page, f"{url}/quality?lang=ru")
        assert "appeals_kk.xlsx" in page.content()  # the new load is on the page
    finally:
        page.close()
