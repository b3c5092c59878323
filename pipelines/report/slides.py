"""Slides for the apparatus meeting (python-pptx) by the regulation's own rule R-5.6:
16:9, no text under 20 pt, at most 10 MB, colour charts (native, editable)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from pipelines.i18n import fmt_date, fmt_int, fmt_pct, missing, month_name, t
from pipelines.report.data import ReportData

MIN_PT = 20
GREEN, AMBER, RED = RGBColor(0x2D, 0xA4, 0x4E), RGBColor(0xD2, 0x99, 0x22), RGBColor(0xCF, 0x22, 0x2E)


def _text(slide, text: str, left, top, width, height, size: int = 24, bold: bool = False) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for k, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(max(size, MIN_PT))
        run.font.bold = bold


def _title(prs, slide, text: str) -> None:
    _text(slide, text, Inches(0.5), Inches(0.3), prs.slide_width - Inches(1), Inches(1), size=32, bold=True)


def _style_chart(chart, legend: bool = True) -> None:
    chart.font.size = Pt(MIN_PT)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(MIN_PT)


def _table(prs, slide, df: pd.DataFrame, cols: list[tuple[str, str, callable]], rows: int = 7) -> None:
    d = df.head(rows)
    shape = slide.shapes.add_table(len(d) + 1, len(cols), Inches(0.4), Inches(1.4), prs.slide_width - Inches(0.8),
                                   Inches(0.6) * (len(d) + 1))
    table = shape.table
    for j, (_, head, _) in enumerate(cols):
        table.cell(0, j).text = head
    for i, rec in enumerate(d.to_dict("records"), 1):
        for j, (col, _, fmt) in enumerate(cols):
            table.cell(i, j).text = fmt(rec[col])
    for cell in (table.cell(i, j) for i in range(len(d) + 1) for j in range(len(cols))):
        for p in cell.text_frame.paragraphs:
            for run in p.runs:
                run.font.size = Pt(MIN_PT)


def write(r: ReportData, path: Path) -> Path:
    """Title, headline figures, ranking, trend, overdue, service-note candidates."""
    lang = r.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    s = prs.slides.add_slide(blank)
    _text(s, t("report_title", lang), Inches(0.8), Inches(2.0), Inches(11.7), Inches(1.5), size=40, bold=True)
    _text(s, f"{r.org_name}\n{month_name(r.month, lang)}", Inches(0.8), Inches(3.6), Inches(11.7), Inches(1.4),
          size=28)
    _text(s, r.basis, Inches(0.8), Inches(5.1), Inches(11.7), Inches(2.0), size=20)
    s = prs.slides.add_slide(blank)
    _title(prs, s, t("headline", lang))
    cur, prev = r.current, r.previous
    tiles = [(t("on_time_rate", lang), fmt_pct(cur["on_time_rate"], lang)),
             (t("due", lang), fmt_int(cur["due_count"], lang)),
             (t("on_time", lang), fmt_int(cur["on_time_count"], lang)),
             (t("late", lang), fmt_int(cur["late_count"], lang)),
             (t("overdue", lang), fmt_int(cur["overdue_count"], lang))]
    for k, (label, value) in enumerate(tiles):
        _text(s, value, Inches(0.4 + 2.5 * k), Inches(2.2), Inches(2.4), Inches(1.2), size=44, bold=True)
        _text(s, label, Inches(0.4 + 2.5 * k), Inches(3.5), Inches(2.4), Inches(1.2), size=22)
    if not missing(prev["on_time_rate"]):
        _text(s, f"{t('previous_month', lang)}: {fmt_pct(prev['on_time_rate'], lang)}", Inches(0.5), Inches(5.2),
              Inches(12), Inches(0.8), size=24)
    if len(r.departments):
        s = prs.slides.add_slide(blank)
        _title(prs, s, t("ranking", lang))
        d = r.departments.sort_values("on_time_rate").tail(12)
        cd = CategoryChartData()
        cd.categories = [n[:40] for n in d["department"]]
        cd.add_series(t("on_time_rate", lang), [float(v) if v == v else 0.0 for v in d["on_time_rate"]])
        ch = s.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.4), Inches(1.3), Inches(12.5), Inches(6),
                                cd).chart
        _style_chart(ch, legend=False)
        ch.value_axis.maximum_scale = 1.0
        ch.value_axis.tick_labels.number_format = "0%"
        ch.value_axis.tick_labels.number_format_is_linked = False
        ch.plots[0].series[0].format.fill.solid()
        ch.plots[0].series[0].format.fill.fore_color.rgb = GREEN
    if len(r.trend):
        s = prs.slides.add_slide(blank)
        _title(prs, s, t("trend", lang))
        cd = CategoryChartData()
        cd.categories = [month_name(d, lang) for d in pd.to_datetime(r.trend["period_start"]).dt.date]
        for key, col in (("on_time", "on_time_count"), ("late", "late_count"), ("overdue", "overdue_count")):
            cd.add_series(t(key, lang), [int(v) for v in r.trend[col]])
        ch = s.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, Inches(0.4), Inches(1.3), Inches(12.5), Inches(6),
                                cd).chart
        _style_chart(ch)
        for series, colour in zip(ch.plots[0].series, (GREEN, AMBER, RED), strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
    s = prs.slides.add_slide(blank)
    _title(prs, s, f"{t('overdue_at_month_end', lang)}: {fmt_int(len(r.overdue), lang)}")
    if len(r.overdue):
        _table(prs, s, r.overdue, [("reg_no", t("reg_no", lang), str), ("department", t("department", lang),
                                                                          lambda v: str(v)[:38]),
                                   ("due_date", t("due_date", lang), lambda v: fmt_date(v, lang)),
                                   ("working_days_late", t("wd_late", lang), lambda v: fmt_int(v, lang))])
    s = prs.slides.add_slide(blank)
    _title(prs, s, t("service_notes", lang))
    if len(r.service_notes):
        _table(prs, s, r.service_notes, [("department", t("department", lang), lambda v: str(v)[:45]),
                                         ("clauses", t("clause", lang), str),
                                         ("cases", t("cases", lang), lambda v: fmt_int(v, lang))])
    else:
        _text(s, t("nothing", lang), Inches(0.5), Inches(2), Inches(12), Inches(1), size=28)
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

