"""One measure everywhere: on the demo year, every month of 2025 has the same headline figures in
execution_summary, the report's PDF, XLSX and PPTX, the dashboard's Overview and the Slides page;
the data date is stated from each source; counts are counts; empty months render."""

from __future__ import annotations

import datetime as dt
import html
import re

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from pipelines.cli import main
from pipelines.i18n import fmt_int, fmt_pct, month_name, t
from pipelines.publish import public_path
from tests.test_dashboard import run_page

MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]
LANG = "ru"


@pytest.fixture(scope="module")
def demo_year(demo_db, tmp_path_factory):
    """The demo year written, loaded, validated and published (conftest); the twelve reports written in ru."""
    db, runner = demo_db, CliRunner()
    out = tmp_path_factory.mktemp("year") / "out"
    for m in MONTHS:
        r = runner.invoke(main, ["report", "--month", f"{m:%Y-%m}", "--lang", LANG, "--db", str(db),
                                 "--out", str(out)])
        assert r.exit_code == 0, r.output
    return db, out


def summary(db) -> dict[dt.date, tuple]:
    """(rate, due, on time, late, overdue) per month from execution_summary."""
    con = duckdb.connect(str(public_path(db)), read_only=True)
    try:
        got = con.execute("""
            select period_start, on_time_rate, due_count, on_time_count, late_count, overdue_count
            from execution_summary where period_kind = 'month' and dimension = 'all'
        """).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in got}


def slide_tiles(page_html: str, key: str) -> list[str]:
    """'label: value' of every figure tile of one slide of the browser deck (as the screen shows it)."""
    body = re.search(rf'<section class="tartip-slide" data-key="{key}".*?</section>', page_html, re.S).group(0)
    cell = r'<div class="box role-{}"[^>]*>(.*?)</div>'
    values = [html.unescape(v) for v in re.findall(cell.format("tile_value"), body, re.S)]
    labels = [html.unescape(v) for v in re.findall(cell.format("tile_label"), body, re.S)]
    return [f"{label}: {value}" for label, value in zip(labels, values, strict=True)]


def shown(figures: tuple) -> list[str]:
    """The five figures as every surface writes them."""
    rate, *counts = figures
    return [fmt_pct(rate, LANG)] + [fmt_int(n, LANG) for n in counts]


def test_every_surface_says_the_same_for_every_month(demo_year):
    db, out = demo_year
    marts = summary(db)
    for m in MONTHS:
        want = shown(marts[m])
        stem = out / f"report-{m:%Y-%m}-{LANG}"
        # XLSX: the headline table's row of the month (typed numbers)
        ws = load_workbook(stem.with_suffix(".xlsx"))[t("headline", LANG)]
        row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == month_name(m, LANG))
        assert [fmt_pct(row[5], LANG)] + [fmt_int(v, LANG) for v in row[1:5]] == want, m
        # PDF: the headline row on the first page
        text = PdfReader(stem.with_suffix(".pdf")).pages[0].extract_text()
        line = next(ln for ln in text.splitlines() if ln.startswith(month_name(m, LANG)))
        assert " ".join([*want[1:], want[0]]).replace("\u00a0", " ") in line.replace("\u00a0", " "), (m, line)
        # PPTX: the headline slide's tiles
        slide = Presentation(stem.with_suffix(".pptx")).slides[1]
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        for value in want:
            assert value in texts, (m, value, texts)
        # dashboard: the Overview's tiles
        at = run_page("overview", db, LANG, {"month": f"{m:%Y-%m}"})
        assert not at.exception, at.exception
        tiles = {x.label: x.value for x in at.metric}
        assert [tiles[t(k, LANG)] for k in ("on_time_rate", "due", "on_time", "late", "overdue")] == want, m
        # dashboard: the Slides page's headline slide (the same deck as the PPTX): "label: value" per tile
        at = run_page("slides", db, LANG, {"month": f"{m:%Y-%m}"})
        assert not at.exception, at.exception
        shown_tiles = slide_tiles(at.get("html")[0].proto.body, "headline")
        for key, value in zip(("on_time_rate", "due", "on_time", "late", "overdue"), want, strict=True):
            assert f"{t(key, LANG)}: {value}" in shown_tiles, (m, key, shown_tiles)


def test_report_default_is_the_dashboards_data_and_as_of_freezes(demo_year):
    db, out = demo_year
    text = PdfReader(out / f"report-2025-12-{LANG}.pdf").pages[0].extract_text().replace("\n", " ")
    text = re.sub(r"\s+", " ", text)
    assert "Данные на 05.01.2026" in text  # the latest data, as on the dashboard
    assert "СЭД 05.01.2026" in text and "материалы 25.12.2025 (по содержимому)" in text
    frozen = out / "frozen"
    r = CliRunner().invoke(main, ["report", "--month", "2025-12", "--as-of", "2026-01-01", "--db", str(db),
                                  "--out", str(frozen), "--format", "pdf,xlsx"])
    assert r.exit_code == 0, r.output
    text = re.sub(r"\s+", " ", PdfReader(frozen / f"report-2025-12-{LANG}.pdf").pages[0].extract_text())
    assert "По состоянию на 01.01.2026; последние данные 05.01.2026" in text
    ws = load_workbook(frozen / f"report-2025-12-{LANG}.xlsx")[t("headline", LANG)]
    dec = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == month_name(MONTHS[-1], LANG))
    # as known on 01.01 the EDMS export of 15.12 was the latest: executions after it were not yet known
    assert dec[4] > summary(db)[MONTHS[-1]][4]


def test_report_takes_the_organisation_from_the_data(demo_year):
    db, out = demo_year
    text = PdfReader(out / f"report-2025-03-{LANG}.pdf").pages[0].extract_text()
    assert "Аппарат акима Отырарского района" in text
    r = CliRunner().invoke(main, ["report", "--month", "2025-03", "--org", "Нет такого", "--db", str(db),
                                  "--out", str(out / "x")])
    assert r.exit_code != 0 and "Нет такого" in r.output


@pytest.mark.parametrize("page", ["overview", "departments", "protocols", "appeals", "quality", "sql_console",
                                  "slides"])
def test_a_month_without_data_renders_on_every_page(demo_year, page):
    db, _ = demo_year
    at = run_page(page, db, LANG, {"from": "2024-06-01", "to": "2024-06-30"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


HEADER = ("Рег. №;Дата регистрации;Ответственный исполнитель;Соисполнители;Срочность;Срок исполнения;"
          "Продленный срок;Количество продлений;Дата исполнения;Отметка об исполнении;Статус")


def write_edms(path, n: int, title: str | None, last_reg: dt.date = dt.date(2025, 3, 31)) -> None:
    """An EDMS export of n cards of the education department, none executed, terms in January."""
    lines = [title] if title else []
    lines.append(HEADER)
    for i in range(n):
        reg = last_reg - dt.timedelta(days=i % 60)
        lines.append(f"N{i};{reg:%d.%m.%Y};Отдел образования;-;-;10.01.2025;-;0;-;-;На исполнении")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_overdue_count_is_a_count_not_a_cut_list(tmp_path):
    write_edms(tmp_path / "many.csv", 10_050, "Сформирован: 15.04.2025 10:00")
    db = tmp_path / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(tmp_path / "many.csv"), "--db", str(db), "--no-validate"])
    assert r.exit_code == 0, r.output
    at = run_page("overview", db, LANG, {"month": "2025-01"})
    assert not at.exception
    tiles = {x.label: x.value for x in at.metric}
    assert tiles[t("overdue_now", LANG)] == fmt_int(10_050, LANG)


def test_a_csv_without_title_line_dates_itself_by_its_content(tmp_path):
    write_edms(tmp_path / "plain.csv", 30, None, last_reg=dt.date(2025, 3, 28))
    db = tmp_path / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(tmp_path / "plain.csv"), "--db", str(db), "--no-validate"])
    assert r.exit_code == 0, r.output
    con = duckdb.connect(str(public_path(db)), read_only=True)
    try:
        assert con.execute("select as_of from data_as_of").fetchone()[0] == dt.date(2025, 3, 28)
        assert con.execute("select data_date, date_basis from source_exports").fetchall() == [
            (dt.date(2025, 3, 28), "content")]
    finally:
        con.close()
    at = run_page("overview", db, LANG)  # opens on the data's own month, not on the load day's
    assert at.session_state["month"] == dt.date(2025, 3, 1)
    assert not at.exception
    at = run_page("slides", db, LANG)
    assert not at.exception
