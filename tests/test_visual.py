"""The deck as people will see it, on the demo year's December, in kk and ru: drawn by LibreOffice
(PPTX → PDF → PNG, kept in test-artifacts/), every text inside its slide and its box, every unit of the
month on the ranking by its full name, R-5.6 kept, and the browser deck the same deck as the PPTX."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches, Pt
from pypdf import PdfReader

from pipelines.publish import public_path
from pipelines.report import build, data, slides
from tests.test_dashboard import run_page

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
MONTH = dt.date(2025, 12, 1)


@pytest.fixture(scope="module", params=["kk", "ru"])
def december(request, demo_db, tmp_path_factory):
    """December's deck in one language, and LibreOffice's PDF of it."""
    lang = request.param
    out = tmp_path_factory.mktemp(f"deck_{lang}")
    (pptx,) = build.build(public_path(demo_db), MONTH, lang, ["pptx"], out)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make system-deps` (run by .ci/run)"
    r = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{out}/lo",
                        "--convert-to", "pdf", "--outdir", str(out), str(pptx)],
                       capture_output=True, text=True, timeout=240)
    pdf = pptx.with_suffix(".pdf")
    assert r.returncode == 0 and pdf.exists(), r.stderr
    return lang, demo_db, pptx, pdf


def squeeze(text: str) -> str:
    """Text without any white space (a name wrapped over lines reads the same)."""
    return re.sub(r"\s+", "", text)


def test_r_5_6_and_nothing_overflows_its_box(december):
    _, _, pptx, _ = december
    prs = Presentation(pptx)
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    assert slides.smallest_font(pptx) >= 20
    assert pptx.stat().st_size < 10 * 1024 * 1024
    assert slides.overflows(pptx) == []


def test_every_text_lies_inside_its_slide_as_libreoffice_draws_it(december):
    lang, _, pptx, pdf = december
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(Presentation(pptx).slides)
    outside = []
    for n, page in enumerate(reader.pages, 1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, n=n, w=w, h=h):
            if not text.strip():
                return
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            if not (0 <= x <= w and 0 <= y <= h):
                outside.append((n, round(x), round(y), text[:30]))

        page.extract_text(visitor_text=visit)
    assert not outside, outside
    # the pictures people look at, kept for the record (CI artifacts)
    folder = ARTIFACTS / f"deck-{lang}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is installed by `make system-deps`"
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(folder / "slide")], check=True, timeout=240)
    assert len(list(folder.glob("slide-*.png"))) == len(reader.pages)


def test_every_unit_of_the_month_is_ranked_by_its_full_name(december):
    lang, db, pptx, pdf = december
    units = data.load(public_path(db), MONTH, lang).departments["department"].tolist()
    assert len(units) >= 30  # the demo district: apparatus units, departments, rural districts
    cells = [c.text_frame.text for slide in Presentation(pptx).slides for s in slide.shapes if s.has_table
             for row in s.table.rows for c in row.cells]
    missing_units = [u for u in units if u not in cells]
    assert not missing_units, missing_units
    drawn = squeeze("".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert [u for u in units if squeeze(u) not in drawn] == []


def test_long_lists_say_how_many_more_and_where(december):
    lang, db, pptx, _ = december
    r = data.load(public_path(db), MONTH, lang)
    assert len(r.overdue) > 100  # the demo's backlog: a list, not a slide
    texts = [s.text_frame.text for slide in Presentation(pptx).slides for s in slide.shapes if s.has_text_frame]
    more = [t for t in texts if "XLSX" in t]
    assert more, "the overdue tasks of a unit to discuss end with 'and N more — in the XLSX'"
    rows = sum(len(s.table.rows) - 1 for slide in Presentation(pptx).slides for s in slide.shapes if s.has_table)
    assert rows < len(r.overdue)  # the deck never lists the whole backlog


def test_the_browser_deck_is_the_pptx_deck(december):
    lang, db, pptx, _ = december
    at = run_page("slides", db, lang, {"month": f"{MONTH:%Y-%m}"})
    assert not at.exception
    body = at.get("html")[0].proto.body
    titles = [html.unescape(t) for t in re.findall(r'<section class="tartip-slide"[^>]*aria-label="([^"]*)"', body)]
    prs = Presentation(pptx)
    assert len(titles) == len(prs.slides)
    for title, slide in zip(titles[1:], list(prs.slides)[1:], strict=True):  # the title slide has no title box
        assert title in [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name == "title"]


def test_the_overflow_check_can_fail(tmp_path):
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(0.5))
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "Тұрғын үй-коммуналдық шаруашылығы, жолаушылар көлігі және автомобиль жолдары бөлімі"
    run.font.size = Pt(20)
    slide.shapes.add_textbox(Inches(12), Inches(7), Inches(3), Inches(1))
    path = tmp_path / "bad.pptx"
    prs.save(path)
    found = slides.overflows(path)
    assert any("text needs" in f for f in found) and any("outside the slide" in f for f in found), found
