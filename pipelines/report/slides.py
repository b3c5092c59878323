"""Slides for the apparatus meeting (python-pptx) by the regulation's own rule R-5.6: 16:9, no text
under 20 pt, at most 10 MB. The deck is laid out once in deck.py; this draws it as PPTX (the trend as a
native, editable chart)."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from pipelines.report import deck
from pipelines.report.data import ReportData

FONT = "Arial"  # measured as DejaVu Sans, which is wider: what fits there fits here
ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _fill_frame(tf, text: str, size: int, bold: bool, colour: str, align: str) -> None:
    """Write text into a text frame with the deck's margins, no autofit, the size given."""
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Inches(deck.PAD_X)
    tf.margin_top = tf.margin_bottom = Inches(deck.PAD_Y)
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for k, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        p.alignment = ALIGN[align]
        p.line_spacing = 1.0
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = _rgb(colour)


def _text(slide, b: deck.Text) -> None:
    box = slide.shapes.add_textbox(Inches(b.x), Inches(b.y), Inches(b.w), Inches(b.h))
    box.name = b.role or "text"
    if b.fill:
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(b.fill)
    _fill_frame(box.text_frame, b.text, b.size, b.bold, b.colour, b.align)


def _table(slide, b: deck.Table) -> None:
    shape = slide.shapes.add_table(len(b.rows) + 1, len(b.widths), Inches(b.x), Inches(b.y), Inches(b.w),
                                   Inches(b.h))
    table = shape.table
    table.first_row = True
    for j, w in enumerate(b.widths):
        table.columns[j].width = Inches(w)
    for i, h in enumerate(b.heights):
        table.rows[i].height = Inches(h)
    for i, row in enumerate([b.header, *b.rows]):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            fill = deck.HEAD_FILL if i == 0 else (b.fills[i - 1][j] or ("#FFFFFF" if i % 2 else "#F4F6F8"))
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(fill)
            cell.margin_left = cell.margin_right = Inches(deck.PAD_X)
            cell.margin_top = cell.margin_bottom = Inches(deck.PAD_Y)
            _fill_frame(cell.text_frame, text, b.size, i == 0, deck.INK, b.align[j])


def _chart(slide, b: deck.Chart) -> None:
    cd = CategoryChartData()
    cd.categories = b.categories
    cd.add_series(b.name, b.values, number_format="0%")
    ch = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(b.x), Inches(b.y), Inches(b.w), Inches(b.h),
                                cd).chart
    ch.font.size = Pt(b.size)
    ch.font.name = FONT
    ch.has_legend = False
    axis = ch.value_axis
    known = [v for v in b.values if v is not None]
    axis.minimum_scale = max(0.0, (int(min(known) * 10) - 1) / 10) if known else 0.0
    axis.maximum_scale = 1.0
    axis.tick_labels.number_format = "0%"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    series = ch.plots[0].series[0]
    series.format.line.color.rgb = _rgb(deck.INK)
    series.format.line.width = Pt(3.5)
    plot = ch.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0%"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.ABOVE
    plot.data_labels.font.size = Pt(b.size)


DRAW = {deck.Text: _text, deck.Table: _table, deck.Chart: _chart}


def write(r: ReportData, path: Path) -> Path:
    """The deck of deck.build(r) as a PPTX file."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(deck.W), Inches(deck.H)
    blank = prs.slide_layouts[6]
    for s in deck.build(r):
        slide = prs.slides.add_slide(blank)
        for b in s.boxes:
            DRAW[type(b)](slide, b)
    prs.core_properties.title = f"{r.org_name} — {r.month:%Y-%m}"
    prs.save(path)
    return path


def smallest_font(path: Path) -> float:
    """The smallest run size in the deck, in points (text without an explicit size counts as 18)."""
    sizes = []
    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for tf in frames:
                for p in tf.paragraphs:
                    for run in p.runs:
                        sizes.append(run.font.size.pt if run.font.size else 18.0)
            if shape.has_chart:
                ch = shape.chart
                sizes.append(ch.font.size.pt if ch.font.size else 10.0)
    return min(sizes) if sizes else 0.0


def overflows(path: Path) -> list[str]:
    """What does not fit, read back from a PPTX file: a shape outside its slide, a text longer than its
    box, a table row whose text needs more height than the row has (text measured as deck.py measures
    it, in the wider DejaVu Sans). Empty when everything fits."""
    prs = Presentation(path)
    sw, sh = prs.slide_width, prs.slide_height
    out = []

    def frame_fits(where, tf, w_emu, h_emu):
        lines = 0
        for p in tf.paragraphs:
            runs = p.runs
            size = max((r.font.size.pt for r in runs if r.font.size), default=18.0)
            bold = any(r.font.bold for r in runs)
            lines_here = len(deck.wrap("".join(r.text for r in runs), size, w_emu / 914400, bold))
            lines += lines_here * size * deck.LINE / 72
        need = lines + 2 * deck.PAD_Y
        if need > h_emu / 914400 + 0.01:
            out.append(f"{where}: text needs {need:.2f} in, has {h_emu / 914400:.2f} in: {tf.text[:50]!r}")

    for n, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            where = f"slide {n} {shape.name}"
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > sw or shape.top + shape.height > sh:
                out.append(f"{where}: outside the slide")
            if shape.has_text_frame:
                frame_fits(where, shape.text_frame, shape.width, shape.height)
            if shape.has_table:
                table = shape.table
                if sum(r.height for r in table.rows) > shape.height + 10 or \
                        shape.top + sum(r.height for r in table.rows) > sh:
                    out.append(f"{where}: table taller than its frame or the slide")
                for i, row in enumerate(table.rows):
                    for j, cell in enumerate(row.cells):
                        frame_fits(f"{where} r{i}c{j}", cell.text_frame, table.columns[j].width, row.height)
    return out
