"""The monthly report as a PDF for the head of the apparatus (fpdf2, DejaVu fonts for every Kazakh letter)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace

from pipelines import settings
from pipelines.i18n import MONTHS, fmt_date, fmt_int, fmt_pct, missing, month_name, t
from pipelines.report import deck
from pipelines.report.data import ReportData

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# light, middle (hatched) and dark: apart in colour and in grey
COLOURS = {"on_time": (168, 221, 181), "late": (240, 200, 90), "overdue": (150, 20, 30)}
OVERDUE_ROWS = 40  # the rest is in the XLSX


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
    """A table that wraps long names instead of cutting them and repeats its header on a new page:
    (column, header, width in mm, formatter)."""
    doc.set_font("DejaVu", "", 8)
    doc.set_fill_color(255, 255, 255)
    doc.set_draw_color(0, 0, 0)
    doc.set_text_color(0, 0, 0)
    heads = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))
    with doc.table(col_widths=[w for _, _, w, _ in cols], width=sum(w for _, _, w, _ in cols), align="LEFT",
                   line_height=4.2, headings_style=heads, padding=0.8, text_align="LEFT") as table:
        row = table.row()
        for _, head, _, _ in cols:
            row.cell(head)
        for rec in df.to_dict("records"):
            row = table.row()
            for col, _, _, fmt in cols:
                row.cell(fmt(rec[col]))
    doc.ln(1)


def _swatch(doc: _Doc, key: str, x: float, y: float, w: float, h: float) -> None:
    """One segment of a bar: a fill that stays apart in black and white — light for on time, hatched for
    late, dark for overdue — with a thin outline."""
    if h <= 0:
        return
    doc.set_fill_color(*COLOURS[key])
    doc.set_draw_color(60, 60, 60)
    doc.rect(x, y, w, h, style="DF")
    if key == "late":  # vertical hatching
        doc.set_draw_color(40, 40, 40)
        step = 0.9
        k = x + step / 2
        while k < x + w:
            doc.line(k, y, k, y + h)
            k += step


def _trend_chart(doc: _Doc, trend: pd.DataFrame) -> None:
    """Stacked bars of on time / late / overdue per month with the rate written above each: legible printed
    in black and white (light, hatched, dark; every rate written out), drawn directly (no image engine)."""
    if trend.empty:
        return
    lang = doc.r.lang
    x0, y0, w, h = doc.l_margin + 8, doc.get_y() + 6, 170, 55
    top = max(1, int(trend["due_count"].max()))
    bw = w / len(trend)
    doc.set_draw_color(150, 150, 150)
    doc.line(x0, y0 + h, x0 + w, y0 + h)
    doc.set_font("DejaVu", "", 7)
    for i, r in enumerate(trend.itertuples()):
        y = y0 + h
        for key, col in (("on_time", "on_time_count"), ("late", "late_count"), ("overdue", "overdue_count")):
            bh = h * getattr(r, col) / top
            _swatch(doc, key, x0 + i * bw + 1, y - bh, bw - 2, bh)
            y -= bh
        d = pd.Timestamp(r.period_start)
        doc.set_xy(x0 + i * bw, y0 + h + 1)
        doc.cell(bw, 3, MONTHS[lang][d.month - 1][:3] + d.strftime(" %y"), align="C")
        doc.set_xy(x0 + i * bw, y - 4)
        doc.cell(bw, 3, fmt_pct(r.on_time_rate, lang, 0), align="C")
    doc.set_xy(doc.l_margin, y0 + h + 6)
    doc.set_font("DejaVu", "", 8)
    for key in ("on_time", "late", "overdue"):
        _swatch(doc, key, doc.get_x(), doc.get_y() + 1, 4, 3)
        doc.set_x(doc.get_x() + 5)
        doc.cell(32, 5, t(key, lang))
    doc.ln(8)


def _marked(rate, lang: str) -> str:
    """The rate with its band written, not only coloured: ▼ below the lower threshold, ▽ below the upper."""
    mark = {"bad": " ▼", "warn": " ▽"}.get(deck.band(rate), "")
    return fmt_pct(rate, lang) + mark


def _summary(doc: _Doc, r: ReportData) -> None:
    """The first page: the figures of the month and the previous one, the change, three things to act on."""
    lang, i, p = r.lang, fmt_int, fmt_pct
    doc.set_font("DejaVu", "B", 16)
    doc.multi_cell(0, 8, t("report_title", lang), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 10)
    doc.multi_cell(0, 6, f"{r.org_name}. {t('reporting_period', lang)}: {month_name(r.month, lang)}. "
                   f"{t('report_for', lang)}.", new_x="LMARGIN", new_y="NEXT")
    doc.multi_cell(0, 6, r.basis, new_x="LMARGIN", new_y="NEXT")
    _h(doc, t("headline", lang))
    head = r.headline.assign(period=[month_name(d, lang) for d in pd.to_datetime(r.headline["period_start"]).dt.date])
    _table(doc, head, [("period", t("period", lang), 40, str), ("due_count", t("due", lang), 25, lambda v: i(v, lang)),
                       ("on_time_count", t("on_time", lang), 25, lambda v: i(v, lang)),
                       ("late_count", t("late", lang), 25, lambda v: i(v, lang)),
                       ("overdue_count", t("overdue", lang), 25, lambda v: i(v, lang)),
                       ("on_time_rate", t("rate", lang), 25, lambda v: p(v, lang))])
    cur, prev = r.current["on_time_rate"], r.previous["on_time_rate"]
    change = None if missing(cur) or missing(prev) else cur - prev
    doc.ln(2)
    doc.set_font("DejaVu", "B", 11)
    doc.multi_cell(0, 6, f"{t('change', lang)}: {deck.fmt_pp(change, lang)} {t('pp', lang)} "
                   f"({p(prev, lang)} → {p(cur, lang)})", new_x="LMARGIN", new_y="NEXT")
    if not r.current.get("is_complete", True):
        doc.set_font("DejaVu", "", 9)
        doc.multi_cell(0, 5, t("month_incomplete", lang).format(date=fmt_date(r.as_of, lang)),
                       new_x="LMARGIN", new_y="NEXT")
    todo = deck.actions(r)
    if todo:
        _h(doc, t("act_on", lang))
        doc.set_font("DejaVu", "", 10)
        for k, a in enumerate(todo, 1):
            doc.multi_cell(0, 6, f"{k}. {a}", new_x="LMARGIN", new_y="NEXT")
            doc.ln(1)
    if len(r.discuss):
        _h(doc, t("to_discuss", lang))
        _table(doc, r.discuss, [
            ("department", t("department", lang), 95, str), ("due_count", t("due", lang), 20, lambda v: i(v, lang)),
            ("overdue_count", t("overdue", lang), 22, lambda v: i(v, lang)),
            ("on_time_rate", t("rate", lang), 22, lambda v: _marked(v, lang)),
            ("change", t("change", lang), 20, lambda v: deck.fmt_pp(v, lang))])
    doc.ln(2)
    doc.set_font("DejaVu", "", 8)
    doc.multi_cell(0, 4.5, deck.bands_legend(lang) + ". ▼ / ▽ — " + t("rate", lang).lower() + " < "
                   + fmt_pct(settings.load()["display"]["rate_good"], lang, 0), new_x="LMARGIN", new_y="NEXT")


def write(r: ReportData, path: Path) -> Path:
    """Write the PDF report."""
    lang = r.lang
    doc = _Doc(r)
    doc.add_page()
    _summary(doc, r)
    doc.add_page()
    doc.set_font("DejaVu", "B", 14)
    doc.multi_cell(0, 8, t("detail", lang), new_x="LMARGIN", new_y="NEXT")
    i = fmt_int
    _h(doc, t("by_department", lang))
    _table(doc, r.departments, [
        ("rank", t("rank", lang), 12, lambda v: i(v, lang)), ("department", t("department", lang), 62, str),
        ("due_count", t("due", lang), 17, lambda v: i(v, lang)),
        ("on_time_count", t("on_time", lang), 16, lambda v: i(v, lang)),
        ("late_count", t("late", lang), 20, lambda v: i(v, lang)),
        ("overdue_count", t("overdue", lang), 20, lambda v: i(v, lang)),
        ("on_time_rate", t("rate", lang), 19, lambda v: _marked(v, lang)),
        ("change", t("change", lang), 20, lambda v: deck.fmt_pp(v, lang))])
    if doc.get_y() + 95 > doc.h - doc.b_margin:  # the chart is drawn in one piece, under its heading
        doc.add_page()
    _h(doc, t("trend", lang))
    _trend_chart(doc, r.trend)
    _h(doc, f"{t('overdue_at_month_end', lang)} ({fmt_int(len(r.overdue), lang)})")
    _table(doc, r.overdue.head(OVERDUE_ROWS), [
        ("reg_no", t("reg_no", lang), 28, str), ("department", t("department", lang), 60, str),
        ("executor_name", t("executor", lang), 50, lambda v: str(v or "—")),
        ("due_date", t("due_date", lang), 22, lambda v: fmt_date(v, lang)),
        ("working_days_late", t("wd_late", lang), 20, lambda v: i(v, lang))])
    if len(r.overdue) > OVERDUE_ROWS:
        doc.set_font("DejaVu", "", 8)
        doc.multi_cell(0, 5, t("and_more", lang).format(n=fmt_int(len(r.overdue) - OVERDUE_ROWS, lang),
                                                        sheet=t("overdue_at_month_end", lang)[:31]),
                       new_x="LMARGIN", new_y="NEXT")
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
