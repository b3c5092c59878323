"""The monthly report and the slides: numbers equal the marts, the files open in reader libraries
and in LibreOffice, the slides keep R-5.6 (16:9, no text under 20 pt, at most 10 MB)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from pipelines.cli import main
from pipelines.publish import public_path
from pipelines.report import data, slides

MONTH = "2025-03"
KAZAKH = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The marts fixture loaded and validated; the March report written in kk and ru."""
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "marts"), str(fixtures / "materials_ru.csv"),
                                  "--db", str(db)])
    assert r.exit_code == 0, r.output
    out = tmp / "out"
    for lang in ("kk", "ru"):
        r = CliRunner().invoke(main, ["report", "--month", MONTH, "--lang", lang, "--db", str(db), "--out", str(out)])
        assert r.exit_code == 0, r.output
    return db, out


def marts_rates(db) -> dict:
    con = duckdb.connect(str(public_path(db)), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select department_code, due_count, on_time_count, late_count, overdue_count, on_time_rate "
            "from execution_rates where period_start = '2025-03-01'").fetchall()}
    finally:
        con.close()


def test_xlsx_numbers_equal_the_marts_and_cells_are_typed(reports):
    db, out = reports
    wb = load_workbook(out / "report-2025-03-ru.xlsx")
    ws = wb["По подразделениям"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in ws.iter_rows(min_row=2)]
    by_name = {r["Подразделение"]: r for r in rows}
    marts = marts_rates(db)
    culture, education = by_name["Отдел культуры и развития языков"], by_name["Отдел образования"]
    assert (culture["Наступил срок"], culture["В срок"], culture["С опозданием"], culture["Просрочено"]) == \
        marts["DEP-CULT"][:4]
    assert education["Доля"] == pytest.approx(marts["DEP-EDU"][4])
    assert isinstance(education["Наступил срок"], int) and isinstance(education["Доля"], float)
    rate_cell = ws.cell(row=2, column=header.index("Доля") + 1)
    assert rate_cell.number_format == "0.0%"
    assert ws.freeze_panes == "A2" and ws.tables  # a real Excel table, with filters
    overdue = wb["overdue_raw"]
    due = overdue.cell(row=2, column=[c.value for c in overdue[1]].index("due_date") + 1)
    assert isinstance(due.value, dt.datetime | dt.date)


def test_pptx_keeps_r_5_6(reports):
    db, out = reports
    path = out / "report-2025-03-kk.pptx"
    prs = Presentation(path)
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    assert slides.smallest_font(path) >= 20
    assert path.stat().st_size < 10 * 1024 * 1024
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 1  # the trend, a native chart; the ranking is a table of full names
    assert slides.overflows(path) == []
    cells = [c.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_table
             for row in s.table.rows for c in row.cells]
    units = data.load(public_path(db), dt.date(2025, 3, 1), "kk").departments["department"]
    assert {"Мәдениет және тілдерді дамыту бөлімі", "Білім бөлімі"} <= set(units) <= set(cells)
    assert len(prs.slides) >= 6


def test_pdf_text_is_kazakh_and_carries_the_numbers(reports):
    db, out = reports
    text = "".join(p.extract_text() for p in PdfReader(out / "report-2025-03-kk.pdf").pages)
    assert KAZAKH - {"һ"} <= set(text), KAZAKH - set(text)  # һ is rare: none of the report's words has it
    # the embedded font draws every Kazakh letter, һ included
    from fontTools.ttLib import TTFont

    from pipelines.report.pdf import FONT_DIR
    cmap = TTFont(FONT_DIR / "DejaVuSans.ttf").getBestCmap()
    assert all(ord(ch) in cmap and ord(ch.upper()) in cmap for ch in KAZAKH)
    assert "Отырар ауданы әкімінің аппараты" in text
    assert "1 / " in text  # page numbers
    ru = "".join(p.extract_text() for p in PdfReader(out / "report-2025-03-ru.pdf").pages)
    assert "Отдел образования" in ru and "75,0" in ru  # education: 3 of 4 on time in March


def test_the_as_of_date_reads_the_past(reports, tmp_path):
    db, _ = reports
    r = CliRunner().invoke(main, ["report", "--month", MONTH, "--lang", "ru", "--format", "xlsx",
                                  "--as-of", "2025-03-13", "--db", str(db), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(tmp_path / "report-2025-03-ru.xlsx")["overdue_raw"]
    regs = {row[0].value for row in ws.iter_rows(min_row=2)}
    assert "T2" in regs  # executed on 14.03: still overdue as of 13.03


@pytest.mark.parametrize("name", ["report-2025-03-kk.pptx", "report-2025-03-ru.xlsx"])
def test_libreoffice_opens_and_converts(reports, tmp_path, name):
    _, out = reports
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make system-deps` (run by .ci/run)"
    r = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / name)],
                       capture_output=True, text=True, timeout=180)
    pdf = tmp_path / name.rsplit(".", 1)[0].__add__(".pdf")
    assert r.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, r.stderr
    assert len(PdfReader(pdf).pages) >= 1


def test_unknown_format_is_refused(reports, tmp_path):
    db, _ = reports
    r = CliRunner().invoke(main, ["report", "--month", MONTH, "--format", "docx", "--db", str(db),
                                  "--out", str(tmp_path)])
    assert r.exit_code != 0 and "docx" in r.output
