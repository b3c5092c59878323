"""The monthly report as a PDF for the head of the apparatus (fpdf2, DejaVu fonts for every Kazakh letter)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fpdf import FPDF

from pipelines.i18n import fmt_date, fmt_int, fmt_pct, month_name, t
from pipelines.report.data import ReportData

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
COLOURS = {"on_time": (45, 164, 78), "late": (210, 153, 34), "overdue": (207, 34, 46)}


class _Doc(FPDF):
    """A4 pages with the akimat's name on top and page numbers below."""

    def __init__(self, r: ReportData):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.r = r
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if not regular.exists():
            raise FileNotFoundError(f"{regular}: install Debian's fonts-dejavu-core (make system-deps)")
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()

    def header(self):
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        title = f"{self.r.org_name} · {t('report_title', self.r.lang)} · {month_name(self.r.month, self.r.lang)}"
        self.cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"{self.page_no()} / {{nb}} {t('page_of', self.r.lang)}", align="C")


def _h(doc: _Doc, text: str) -> None:
    doc.set_font("DejaVu", "B", 12)
    doc.ln(3)
    doc.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 9)


def _table(doc: _Doc, df: pd.DataFrame, cols: list[tuple[str, str, float, callable]]) -> None:
    """A simple table: (column, header, width in mm, formatter)."""
    doc.set_font("DejaVu", "B", 8)
    doc.set_fill_color(230, 236, 245)
    for _, head, w, _ in cols:
        doc.cell(w, 6, head, border=1, fill=True)
    doc.ln()
    doc.set_font("DejaVu", "", 8)
    for row in df.itertuples(index=False):
        rec = row._asdict()
        for col, _, w, fmt in cols:
            text = fmt(rec[col])
            while doc.get_string_width(text) > w - 1.5 and len(text) > 3:
                text = text[:-2] + "…"
            doc.cell(w, 5.5, text, border=1)
        doc.ln()


def _trend_chart(doc: _Doc, trend: pd.DataFrame) -> None:
    """Stacked bars of on time / late / overdue per month, drawn directly (no image engine)."""
    if trend.empty:
        return
    lang = doc.r.lang
    x0, y0, w, h = doc.l_margin + 8, doc.get_y() + 4, 170, 55
    top = max(1, int(trend["due_count"].max()))
    bw = w / len(trend)
    doc.set_draw_color(150, 150, 150)
    doc.line(x0, y0 + h, x0 + w, y0 + h)
    doc.set_font("DejaVu", "", 6)
    for i, r in enumerate(trend.itertuples()):
        y = y0 + h
        for key, col in (("on_time", "on_time_count"), ("late", "late_count"), ("overdue", "overdue_count")):
            v = getattr(r, col)
            bh = h * v / top
            doc.set_fill_color(*COLOURS[key])
            doc.rect(x0 + i * bw + 1, y - bh, bw - 2, bh, style="F")
            y -= bh
        doc.set_xy(x0 + i * bw, y0 + h + 1)
        doc.cell(bw, 3, month_name(pd.Timestamp(r.period_start).date(), lang)[:3] + pd.Timestamp(r.period_start)
                 .strftime(" %y"), align="C")
        doc.set_xy(x0 + i * bw, y - 4)
        doc.cell(bw, 3, fmt_pct(r.on_time_rate, lang, 0), align="C")
    doc.set_xy(doc.l_margin, y0 + h + 6)
    for key in ("on_time", "late", "overdue"):
        doc.set_fill_color(*COLOURS[key])
        doc.rect(doc.get_x(), doc.get_y() + 1, 3, 3, style="F")
        doc.set_x(doc.get_x() + 4)
        doc.cell(30, 5, t(key, lang))
    doc.ln(8)


def write(r: ReportData, path: Path) -> Path:
    """Write the PDF report."""
    lang = r.lang
    doc = _Doc(r)
    doc.add_page()
    doc.set_font("DejaVu", "B", 16)
    doc.multi_cell(0, 8, t("report_title", lang), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 10)
    doc.multi_cell(0, 6, f"{r.org_name}. {t('reporting_period', lang)}: {month_name(r.month, lang)}.",
                   new_x="LMARGIN", new_y="NEXT")
    doc.multi_cell(0, 6, r.basis, new_x="LMARGIN", new_y="NEXT")
    i, p = fmt_int, fmt_pct
    _h(doc, t("headline", lang))
    head = r.headline.assign(period=[month_name(d, lang) for d in pd.to_datetime(r.headline["period_start"]).dt.date])
    _table(doc, head, [("period", t("period", lang), 40, str), ("due_count", t("due", lang), 25, lambda v: i(v, lang)),
                       ("on_time_count", t("on_time", lang), 25, lambda v: i(v, lang)),
                       ("late_count", t("late", lang), 25, lambda v: i(v, lang)),
                       ("overdue_count", t("overdue", lang), 25, lambda v: i(v, lang)),
                       ("on_time_rate", t("rate", lang), 25, lambda v: p(v, lang))])
    _h(doc, t("by_department", lang))
    _table(doc, r.departments, [
        ("rank", t("rank", lang), 10, lambda v: i(v, lang)), ("department", t("department", lang), 70, str),
        ("due_count", t("due", lang), 17, lambda v: i(v, lang)),
        ("on_time_count", t("on_time", lang), 17, lambda v: i(v, lang)),
        ("late_count", t("late", lang), 17, lambda v: i(v, lang)),
        ("overdue_count", t("overdue", lang), 17, lambda v: i(v, lang)),
        ("on_time_rate", t("rate", lang), 17, lambda v: p(v, lang)),
        ("change", t("change", lang), 17, lambda v: "—" if v != v or v is None else f"{100 * v:+.1f}")])
    _h(doc, t("trend", lang))
    _trend_chart(doc, r.trend)
    _h(doc, f"{t('overdue_at_month_end', lang)} ({len(r.overdue)})")
    _table(doc, r.overdue.head(40), [
        ("reg_no", t("reg_no", lang), 28, str), ("department", t("department", lang), 60, str),
        ("executor_name", t("executor", lang), 50, lambda v: str(v or "—")),
        ("due_date", t("due_date", lang), 22, lambda v: fmt_date(v, lang)),
        ("working_days_late", t("wd_late", lang), 20, lambda v: i(v, lang))])
    _h(doc, t("rules_title", lang))
    _table(doc, r.rules, [("rule_id", t("rule", lang), 32, str), ("clause", t("clause", lang), 18, str),
                          ("title", t("message", lang), 115, str),
                          ("violations", t("violations", lang), 15, lambda v: i(v, lang))])
    _h(doc, t("service_notes", lang))
    for row in r.service_notes.itertuples():
        doc.set_font("DejaVu", "B", 9)
        doc.multi_cell(0, 5, f"{row.department} — {row.clauses}: {row.cases}", new_x="LMARGIN", new_y="NEXT")
        doc.set_font("DejaVu", "", 8)
        doc.multi_cell(0, 4.5, row.facts, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("DejaVu", "", 8)
    doc.multi_cell(0, 5, t("quality_note", lang).format(**r.quality), new_x="LMARGIN", new_y="NEXT")
    doc.output(str(path))
    return path
