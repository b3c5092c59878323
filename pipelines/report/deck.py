"""The deck for the apparatus meeting, laid out once and drawn twice: as PPTX (slides.py) and in the
browser (dashboards/views/slides.py), from the same ReportData.

Geometry is in inches on a 16:9 slide (13.333 × 7.5), type in points, never under 20 (R-5.6). Every
box is sized by measuring its text in DejaVu Sans (wider than Arial, so a box that fits here fits in
PowerPoint too), which is how a table is split over as many slides as it needs and how nothing runs
off a slide or out of its box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from PIL import ImageFont

from pipelines import settings
from pipelines.i18n import MONTHS, fmt_date, fmt_int, fmt_pct, missing, month_name, t
from pipelines.report.data import ReportData

W, H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.45
MIN_PT = 20
LINE = 1.2  # line height as a multiple of the type size
PAD_X, PAD_Y = 0.1, 0.05  # inner margins of every box and cell
SAFETY = 0.96  # a line is filled to 96 % of its room: renderers differ in kerning and hinting
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
INK, MUTED, RULE = "#111111", "#333333", "#8C959F"
HEAD_FILL = "#DDE4EE"
# The rate bands' colours (thresholds: data/settings.toml [display]); light fills keep dark text readable.
BAND_FILL = {"good": "#CDEFD6", "warn": "#FFE9A8", "bad": "#FFC9C5", "none": "#EEEEEE"}
BAND_LINE = {"good": "#1A7F37", "warn": "#9A6700", "bad": "#CF222E", "none": "#57606A"}


@dataclass
class Text:
    """A text box: position and size in inches, type in points."""

    x: float
    y: float
    w: float
    h: float
    text: str
    size: int = MIN_PT
    bold: bool = False
    colour: str = INK
    fill: str | None = None
    align: str = "left"
    role: str = ""  # what the box is (title, basis, tile_value, tile_label, …): for tests and styling


@dataclass
class Table:
    """A table whose rows are as tall as their wrapped text."""

    x: float
    y: float
    widths: list[float]
    header: list[str]
    rows: list[list[str]]
    heights: list[float]  # the header's first
    fills: list[list[str | None]]
    align: list[str]
    size: int = MIN_PT

    @property
    def w(self) -> float:
        return sum(self.widths)

    @property
    def h(self) -> float:
        return sum(self.heights)


@dataclass
class Chart:
    """A line chart of rates (the trend), with every point labelled."""

    x: float
    y: float
    w: float
    h: float
    categories: list[str]
    values: list[float | None]
    labels: list[str]
    name: str
    size: int = MIN_PT


@dataclass
class Slide:
    """One slide: a key (what it shows), its title and its boxes."""

    key: str
    title: str
    boxes: list = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every text on the slide (tables cell by cell)."""
        out = []
        for b in self.boxes:
            if isinstance(b, Text):
                out.append(b.text)
            elif isinstance(b, Table):
                out += b.header + [c for row in b.rows for c in row]
            elif isinstance(b, Chart):
                out += b.categories + b.labels
        return out


# --- measuring text --------------------------------------------------------------------------------

@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = FONT_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: install Debian's fonts-dejavu-core (make system-deps)")
    return ImageFont.truetype(str(path), 100, layout_engine=ImageFont.Layout.BASIC)


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of text in inches."""
    return _font(bold).getlength(text) * size / 100 / 72


def wrap(text: str, size: float, w: float, bold: bool = False) -> list[str]:
    """The lines text breaks into in a box w inches wide (words moved whole; a word wider than the
    box is broken by letters)."""
    room = (w - 2 * PAD_X) * SAFETY
    lines = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            cand = f"{line} {word}" if line else word
            if width(cand, size, bold) <= room:
                line = cand
                continue
            if line:
                lines.append(line)
            line = word
            while width(line, size, bold) > room and len(line) > 1:
                k = len(line)
                while k > 1 and width(line[:k], size, bold) > room:
                    k -= 1
                lines.append(line[:k])
                line = line[k:]
        lines.append(line)
    return lines


def height(lines: int, size: float) -> float:
    """The height in inches of a box holding n lines."""
    return lines * size * LINE / 72 + 2 * PAD_Y


def fit(text: str, size: float, w: float, bold: bool = False) -> float:
    """The height of a box w inches wide that holds text."""
    return height(len(wrap(text, size, w, bold)), size)


def one_line(text: str, size: float, w: float, bold: bool = False) -> str:
    """Text cut to one line of a box w wide, with an ellipsis when cut (the full text is in the XLSX)."""
    if width(text, size, bold) <= (w - 2 * PAD_X) * SAFETY:
        return text
    while text and width(text + "…", size, bold) > (w - 2 * PAD_X) * SAFETY:
        text = text[:-1]
    return text.rstrip() + "…"


# --- formats ----------------------------------------------------------------------------------------

def fmt_pp(change, lang: str) -> str:
    """A change of rate in percentage points: +12,9 / −3,1 (— when unknown)."""
    if missing(change):
        return "—"
    s = f"{100 * change:+.1f}".replace("-", "−")
    return s if lang == "en" else s.replace(".", ",")


def band(rate) -> str:
    """The rate's band by the one set of thresholds."""
    return settings.rate_band(rate)


def bands_legend(lang: str) -> str:
    """'Colours: green ≥ 90 %, amber ≥ 80 %, red < 80 %'."""
    d = settings.load()["display"]
    return t("bands_legend", lang).format(good=fmt_pct(d["rate_good"], lang, 0), warn=fmt_pct(d["rate_warn"], lang, 0))


# --- layout pieces ----------------------------------------------------------------------------------

def _frame(title: str, r: ReportData, size: int = 32) -> tuple[list, float, float]:
    """Title on top and the data basis at the foot: (boxes, top and bottom of the room between)."""
    tw = W - 2 * MARGIN
    th = fit(title, size, tw, True)
    basis_h = fit(r.basis, MIN_PT, tw)
    boxes = [Text(MARGIN, 0.25, tw, th, title, size, True, role="title"),
             Text(MARGIN, H - 0.15 - basis_h, tw, basis_h, r.basis, MIN_PT, colour=MUTED, role="basis")]
    return boxes, 0.25 + th + 0.15, H - 0.15 - basis_h - 0.1


def _tiles(items: list[tuple[str, str, str, str | None]], y: float, value_size: int = 40) -> tuple[list, float]:
    """A row of figures: (label, value, note, fill) each; returns the boxes and the row's bottom."""
    gap = 0.2
    tw = (W - 2 * MARGIN - gap * (len(items) - 1)) / len(items)
    vh = max(fit(v, value_size, tw, True) for _, v, _, _ in items)
    lh = max(fit(label, 22, tw) for label, _, _, _ in items)
    nh = max((fit(n, MIN_PT, tw) for _, _, n, _ in items if n), default=0)
    boxes = []
    for k, (label, value, note, fill) in enumerate(items):
        x = MARGIN + k * (tw + gap)
        boxes.append(Text(x, y, tw, vh, value, value_size, True, fill=fill, align="center", role="tile_value"))
        boxes.append(Text(x, y + vh, tw, lh, label, 22, align="center", role="tile_label"))
        if note:
            boxes.append(Text(x, y + vh + lh, tw, nh, note, MIN_PT, colour=MUTED, align="center", role="tile_note"))
    return boxes, y + vh + lh + nh


def _rows_height(rows: list[list[str]], widths: list[float], size: int, bold: bool = False) -> list[float]:
    return [max(fit(c, size, w, bold) for c, w in zip(row, widths, strict=True)) for row in rows]


def _paginate(header: list[str], rows: list[list[str]], widths: list[float], room: float,
              size: int = MIN_PT) -> list[tuple[int, int]]:
    """Split rows into pages that fit room inches under the header: [(first, end), …]."""
    head = _rows_height([header], widths, size, True)[0]
    heights = _rows_height(rows, widths, size)
    pages, start, used = [], 0, head
    for i, h in enumerate(heights):
        if used + h > room and i > start:
            pages.append((start, i))
            start, used = i, head
        used += h
    pages.append((start, len(rows)))
    if len(pages) > 1:  # as many slides as needed, the rows spread evenly over them
        per = -(-len(rows) // len(pages))
        even = [(a, min(a + per, len(rows))) for a in range(0, len(rows), per)]
        if len(even) == len(pages) and all(head + sum(heights[a:b]) <= room for a, b in even):
            return even
    return pages


def _table(x: float, y: float, widths: list[float], header: list[str], rows: list[list[str]],
           fills: list[list[str | None]] | None = None, align: list[str] | None = None) -> Table:
    heights = _rows_height([header], widths, MIN_PT, True) + _rows_height(rows, widths, MIN_PT)
    return Table(x, y, widths, header, rows, heights, fills or [[None] * len(widths) for _ in rows],
                 align or ["left"] * len(widths))


def _more(r: ReportData, n: int, sheet_key: str, y: float) -> Text:
    text = t("and_more", r.lang).format(n=fmt_int(n, r.lang), sheet=t(sheet_key, r.lang)[:31])
    tw = W - 2 * MARGIN
    return Text(MARGIN, y, tw, fit(text, MIN_PT, tw), text, MIN_PT, colour=MUTED, role="more")


def actions(r: ReportData) -> list[str]:
    """The three things to act on: the weakest unit, the biggest drop (else the next weakest), and the
    service notes to write (else the overdue tasks at month end)."""
    lang, out = r.lang, []
    worst = r.discuss[r.discuss["reason"] == "worst"]
    drop = r.discuss[r.discuss["reason"] == "drop"]
    if len(worst):
        u = worst.iloc[0]
        out.append(t("act_worst", lang).format(name=u["department"], rate=fmt_pct(u["on_time_rate"], lang),
                                               n=fmt_int(u["overdue_count"], lang)))
    if len(drop):
        u = drop.iloc[0]
        out.append(t("act_drop", lang).format(name=u["department"],
                                              change=f"{fmt_pp(abs(u['change']), lang).lstrip('+')} {t('pp', lang)}"))
    elif len(worst) > 1:
        u = worst.iloc[1]
        out.append(t("act_worst", lang).format(name=u["department"], rate=fmt_pct(u["on_time_rate"], lang),
                                               n=fmt_int(u["overdue_count"], lang)))
    if len(r.service_notes):
        out.append(t("act_notes", lang).format(n=fmt_int(len(r.service_notes), lang)))
    elif len(r.overdue):
        out.append(t("act_overdue", lang).format(n=fmt_int(len(r.overdue), lang),
                                                 days=fmt_int(r.overdue["working_days_late"].max(), lang)))
    return out


# --- the slides ---------------------------------------------------------------------------------------

def title_slide(r: ReportData) -> Slide:
    lang, tw = r.lang, W - 2 * 0.8
    s = Slide("title", t("report_title", lang))
    y = 1.4
    for text, size, bold, role in ((t("report_title", lang), 40, True, "title"),
                                   (f"{r.org_name}\n{month_name(r.month, lang)}", 28, False, "subtitle"),
                                   (t("report_for", lang), 24, False, "subtitle")):
        h = fit(text, size, tw, bold)
        s.boxes.append(Text(0.8, y, tw, h, text, size, bold, role=role))
        y += h + 0.25
    h = fit(r.basis, MIN_PT, tw)
    s.boxes.append(Text(0.8, max(y, H - 0.4 - h), tw, h, r.basis, MIN_PT, colour=MUTED, role="basis"))
    return s


def headline_slide(r: ReportData) -> Slide:
    lang = r.lang
    title = f"{t('headline', lang)}: {month_name(r.month, lang)}"
    s = Slide("headline", title)
    boxes, top, _ = _frame(title, r)
    cur, prev = r.current, r.previous
    prev_label = f"{t('previous_month', lang)}: "
    rate, prev_rate = cur["on_time_rate"], prev["on_time_rate"]
    change = None if missing(rate) or missing(prev_rate) else rate - prev_rate
    items = [(t("on_time_rate", lang), fmt_pct(rate, lang),
              f"{prev_label}{fmt_pct(prev_rate, lang)} ({fmt_pp(change, lang)} {t('pp', lang)})",
              BAND_FILL[band(rate)])]
    for key in ("due", "on_time", "late", "overdue"):
        items.append((t(key, lang), fmt_int(cur[f"{key}_count"], lang),
                      prev_label + fmt_int(prev[f"{key}_count"], lang), None))
    tiles, bottom = _tiles(items, top + 0.4)
    boxes += tiles
    y = bottom + 0.2
    if not cur.get("is_complete", True) or missing(cur.get("is_complete")):
        note = t("month_incomplete", lang).format(date=fmt_date(r.as_of, lang))
        h = fit(note, MIN_PT, W - 2 * MARGIN)
        boxes.append(Text(MARGIN, y, W - 2 * MARGIN, h, note, MIN_PT, colour=MUTED, role="note"))
        y += h
    s.boxes = boxes
    return s


def actions_slide(r: ReportData) -> Slide | None:
    """The three things to act on, one paragraph each (the same as the PDF's first page)."""
    todo = actions(r)
    if not todo:
        return None
    title = t("act_on", r.lang)
    s = Slide("actions", title)
    boxes, y, _ = _frame(title, r)
    for k, a in enumerate(todo, 1):
        text = f"{k}. {a}"
        h = fit(text, 26, W - 2 * MARGIN)
        boxes.append(Text(MARGIN, y, W - 2 * MARGIN, h, text, 26, role="action"))
        y += h + 0.25
    s.boxes = boxes
    return s


RANK_W = [0.75, 7.58, 1.55, 1.35, 1.2]


def ranking_slides(r: ReportData) -> list[Slide]:
    """Every unit with a term in the month, by rank, over as many slides as the names need."""
    lang, d = r.lang, r.departments
    if d.empty:
        return []
    header = ["№", t("department", lang), t("due", lang), t("rate", lang), f"±, {t('pp', lang)}"]
    rows = [[fmt_int(x.rank, lang), x.department, fmt_int(x.due_count, lang), fmt_pct(x.on_time_rate, lang),
             fmt_pp(x.change, lang)] for x in d.itertuples()]
    fills = [[None, None, None, BAND_FILL[band(x.on_time_rate)], None] for x in d.itertuples()]
    legend = bands_legend(lang)
    _, top, bottom = _frame(t("ranking_part", lang).format(a=88, b=88, n=len(rows)), r, size=28)
    room = bottom - top - fit(legend, MIN_PT, W - 2 * MARGIN)
    out = []
    for a, b in _paginate(header, rows, RANK_W, room):
        title = t("ranking_part", lang).format(a=a + 1, b=b, n=len(rows))
        s = Slide("ranking", title)
        boxes, top, _ = _frame(title, r, size=28)
        tb = _table(MARGIN, top, RANK_W, header, rows[a:b], fills[a:b],
                    ["right", "left", "right", "right", "right"])
        h = fit(legend, MIN_PT, W - 2 * MARGIN)
        s.boxes = boxes + [tb, Text(MARGIN, tb.y + tb.h + 0.05, W - 2 * MARGIN, h, legend, MIN_PT, colour=MUTED,
                                    role="note")]
        out.append(s)
    return out


def trend_slide(r: ReportData) -> Slide | None:
    lang, tr = r.lang, r.trend
    if tr.empty:
        return None
    months = list(pd.to_datetime(tr["period_start"]).dt.date)
    title = f"{t('trend', lang)}: {month_name(months[0], lang)} — {month_name(months[-1], lang)}"
    s = Slide("trend", title)
    boxes, top, bottom = _frame(title, r)
    values = [None if missing(v) else float(v) for v in tr["on_time_rate"]]
    boxes.append(Chart(MARGIN, top, W - 2 * MARGIN, bottom - top, [MONTHS[lang][m.month - 1][:3] for m in months],
                       values, [fmt_pct(v, lang, 0) for v in values], t("on_time_rate", lang)))
    s.boxes = boxes
    return s


ITEM_W = [2.4, 1.9, 1.7, 6.43]


def discuss_slides(r: ReportData) -> list[Slide]:
    """One slide per unit to discuss: why, its figures, its overdue tasks (the rest in the XLSX)."""
    lang, out = r.lang, []
    src = {"edms": t("kind_edms", lang), "protocol": t("protocol", lang), "appeal": t("page_appeals", lang)}
    for u in r.discuss.itertuples():
        title = f"{t('to_discuss', lang)}: {u.department}"
        s = Slide("discuss", title)
        boxes, top, bottom = _frame(title, r, size=28)
        reason = (t("reason_worst", lang).format(rank=fmt_int(u.rank, lang)) if u.reason == "worst"
                  else t("reason_drop", lang).format(change=f"{fmt_pp(u.change, lang)} {t('pp', lang)}"))
        h = fit(reason, 24, W - 2 * MARGIN)
        boxes.append(Text(MARGIN, top, W - 2 * MARGIN, h, reason, 24, colour=BAND_LINE["bad"], role="reason"))
        y = top + h + 0.05
        figures = [(t("rate", lang), fmt_pct(u.on_time_rate, lang), BAND_FILL[band(u.on_time_rate)]),
                   (t("due", lang), fmt_int(u.due_count, lang), None),
                   (t("overdue", lang), fmt_int(u.overdue_count, lang), None),
                   (f"{t('change', lang)}, {t('pp', lang)}", fmt_pp(u.change, lang), None)]
        fw = (W - 2 * MARGIN) / len(figures)
        fh = max(fit(f"{label}: {value}", 24, fw, True) for label, value, _ in figures)
        for k, (label, value, fill) in enumerate(figures):
            boxes.append(Text(MARGIN + k * fw, y, fw, fh, f"{label}: {value}", 24, True, fill=fill, role="figure"))
        y += fh
        items = r.overdue_of(u.dimension_code)
        head = f"{t('units_overdue', lang)}: {fmt_int(len(items), lang)}"
        hh = fit(head, 24, W - 2 * MARGIN, True)
        boxes.append(Text(MARGIN, y + 0.1, W - 2 * MARGIN, hh, head, 24, True, role="subtitle"))
        y += 0.1 + hh
        if len(items):
            header = [t("reg_no", lang), t("due_date", lang), t("wd_late", lang), t("summary", lang)]
            rows = [[str(x.reg_no), fmt_date(x.due_date, lang), fmt_int(x.working_days_late, lang),
                     one_line(f"{src.get(x.source, x.source)}: {'—' if missing(x.summary) else x.summary}",
                              MIN_PT, ITEM_W[3])]
                    for x in items.itertuples()]
            more_h = fit(t("and_more", lang).format(n="0000", sheet=t("overdue_at_month_end", lang)[:31]), MIN_PT,
                         W - 2 * MARGIN)
            a, b = _paginate(header, rows, ITEM_W, bottom - y - more_h)[0]
            tb = _table(MARGIN, y, ITEM_W, header, rows[a:b], align=["left", "left", "right", "left"])
            boxes.append(tb)
            if b < len(rows):
                boxes.append(_more(r, len(rows) - b, "overdue_at_month_end", tb.y + tb.h + 0.05))
        s.boxes = boxes
        out.append(s)
    return out


def protocols_appeals_slide(r: ReportData) -> Slide:
    lang = r.lang
    title = t("protocols_appeals", lang)
    s = Slide("protocols_appeals", title)
    boxes, y, _ = _frame(title, r)
    p = r.source("protocol")
    a = r.source("appeal")
    ap = r.appeals.iloc[0] if len(r.appeals) else None
    for head, items in (
        (t("page_protocols", lang), [
            (t("on_time_rate", lang), fmt_pct(None if p is None else p["on_time_rate"], lang), None,
             BAND_FILL[band(None if p is None else p["on_time_rate"])]),
            (t("due", lang), fmt_int(0 if p is None else p["due_count"], lang), None, None),
            (t("late", lang), fmt_int(0 if p is None else p["late_count"], lang), None, None),
            (t("overdue", lang), fmt_int(0 if p is None else p["overdue_count"], lang), None, None)]),
        (t("page_appeals", lang), [
            (t("appeals_volume", lang), fmt_int(0 if ap is None else ap["received"], lang), None, None),
            (t("answered_on_time", lang), fmt_pct(None if a is None else a["on_time_rate"], lang), None,
             BAND_FILL[band(None if a is None else a["on_time_rate"])]),
            (t("overdue", lang), fmt_int(0 if a is None else a["overdue_count"], lang), None, None),
            (t("forwarded_in_time", lang), "—" if ap is None else
             f"{fmt_int(ap['forwarded_in_time'], lang)} / {fmt_int(ap['forwarded'], lang)}", None, None)]),
    ):
        hh = fit(head, 26, W - 2 * MARGIN, True)
        boxes.append(Text(MARGIN, y, W - 2 * MARGIN, hh, head, 26, True, role="subtitle"))
        tiles, y = _tiles(items, y + hh + 0.05, value_size=36)
        boxes += tiles
        y += 0.3
    s.boxes = boxes
    return s


NOTE_W = [5.9, 2.5, 2.0, 2.03]
MAX_NOTE_SLIDES = 3


def service_note_slides(r: ReportData) -> list[Slide]:
    lang, d = r.lang, r.service_notes
    title = t("service_notes", lang)
    if d.empty:
        s = Slide("service_notes", title)
        boxes, top, _ = _frame(title, r)
        s.boxes = boxes + [Text(MARGIN, top + 0.3, W - 2 * MARGIN, fit(t("nothing", lang), 28, W), t("nothing", lang),
                                28, role="note")]
        return [s]
    header = [t("department", lang), t("clause", lang), t("cases", lang), t("max_late", lang)]
    rows = [[x.department, str(x.clauses), fmt_int(x.cases, lang), fmt_int(x.worst_working_days_late, lang)]
            for x in d.itertuples()]
    _, top, bottom = _frame(title + " (0/0)", r, size=28)
    pages = _paginate(header, rows, NOTE_W, bottom - top)
    if len(pages) > MAX_NOTE_SLIDES:  # the list goes on in the XLSX: keep room for the line that says so
        more = t("and_more", lang).format(n="0000", sheet=t("service_notes", lang)[:31])
        pages = _paginate(header, rows, NOTE_W, bottom - top - fit(more, MIN_PT, W - 2 * MARGIN))
    shown = pages[:MAX_NOTE_SLIDES]
    out = []
    for k, (a, b) in enumerate(shown, 1):
        tt = title if len(shown) == 1 else f"{title} ({k}/{len(shown)})"
        s = Slide("service_notes", tt)
        boxes, top, _ = _frame(tt, r, size=28)
        tb = _table(MARGIN, top, NOTE_W, header, rows[a:b], align=["left", "left", "right", "right"])
        boxes.append(tb)
        if k == len(shown) and b < len(rows):
            boxes.append(_more(r, len(rows) - b, "service_notes", tb.y + tb.h + 0.05))
        s.boxes = boxes
        out.append(s)
    return out


def build(r: ReportData) -> list[Slide]:
    """The whole deck: title; headline vs the previous month; three things to act on; the ranking of
    every unit; the trend; the units to discuss with their overdue tasks; protocol tasks and appeals;
    service-note candidates."""
    deck = [title_slide(r), headline_slide(r), actions_slide(r), *ranking_slides(r), trend_slide(r), *discuss_slides(r),
            protocols_appeals_slide(r), *service_note_slides(r)]
    return [s for s in deck if s is not None]
