"""End to end in a real headless Chromium (Debian's package, driven by Playwright): every page in
kk and ru, no Streamlit error boxes, screenshots kept in test-artifacts/; and `tartip ingest`
succeeding while the dashboard is open and reading."""

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

from pipelines.cli import main

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = ["overview", "departments", "protocols", "appeals", "quality", "sql", "slides"]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo-like fixture database served by `tartip serve` on a free port."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` (run by .ci/run) installs Debian's chromium")
    fixtures = ROOT / "tests" / "fixtures"
    db = tmp_path_factory.mktemp("browser") / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "marts"), str(fixtures / "materials_ru.csv"),
                                  str(fixtures / "protocols_ru.xlsx"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db), "--port", str(port)],
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


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", PAGES)
def test_page_in_a_real_browser(server, browser, name, lang):
    url, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        path = "" if name == "overview" else name  # the default page lives at the root
        page.goto(f"{url}/{path}?lang={lang}&month=2025-03", timeout=60_000)
        _wait_for_app(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
        assert "Page not found" not in page.content()
        errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        assert errors.count() == 0, errors.first.inner_text()
        heading = page.locator("h1").first.inner_text()
        assert heading.strip(), "the page has a title"
        if lang == "kk":
            assert any(ch in page.content() for ch in "әғқңөұүһі"), "Kazakh text on the page"
    finally:
        page.close()


def test_ingest_succeeds_while_the_dashboard_is_open_and_reading(server, browser, tmp_path):
    url, db = server
    page = browser.new_page()
    try:
        page.goto(f"{url}/?lang=ru&month=2025-03", timeout=60_000)
        _wait_for_app(page)
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
        page.goto(f"{url}/quality?lang=ru", timeout=60_000)
        _wait_for_app(page)
        assert "appeals_kk.xlsx" in page.content()  # the new load is on the page
    finally:
        page.close()
