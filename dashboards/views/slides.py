"""Slides: presentation mode for the apparatus meeting. The same deck as the PPTX (pipelines/report/deck.py,
from the same ReportData): one 16:9 slide filling the browser, type scaled with the slide (never under
the 20 pt of R-5.6 at the slide's size), dark text on white, ← → and PageUp / PageDown to move, F or the
button for full screen."""

from __future__ import annotations

import html

import streamlit as st

from dashboards import data
from pipelines.report import deck
from pipelines.report.data import ReportData


@st.cache_data(show_spinner=False, max_entries=32)
def _report(snapshot: str, month, lang: str, org: str, stamp: float) -> ReportData:
    """The month's figures, as the report reads them (cached until a new snapshot is published)."""
    from pathlib import Path

    from pipelines.report import data as report_data

    return report_data.load(Path(snapshot), month, lang, org=org)


def _pct(v: float, whole: float) -> str:
    return f"{100 * v / whole:.3f}%"


def _cqw(points: float) -> str:
    """Type size as a share of the slide's width: 20 pt on a 13.333 in slide = 2.083 % of it."""
    return f"{100 * points / 72 / deck.W:.3f}cqw"


def _box(x, y, w, h, text, size, bold=False, colour=deck.INK, fill=None, align="left", role="") -> str:
    style = (f"left:{_pct(x, deck.W)};top:{_pct(y, deck.H)};width:{_pct(w, deck.W)};height:{_pct(h, deck.H)};"
             f"font-size:{_cqw(size)};font-weight:{700 if bold else 400};color:{colour};text-align:{align};"
             + (f"background:{fill};" if fill else ""))
    return f'<div class="box role-{role}" style="{style}">{html.escape(text)}</div>'


def _table(b: deck.Table) -> str:
    out, y = [], b.y
    for i, (row, h) in enumerate(zip([b.header, *b.rows], b.heights, strict=True)):
        x = b.x
        for j, (text, w) in enumerate(zip(row, b.widths, strict=True)):
            fill = deck.HEAD_FILL if i == 0 else (b.fills[i - 1][j] or ("#FFFFFF" if i % 2 else "#F4F6F8"))
            out.append(_box(x, y, w, h, text, b.size, i == 0, fill=fill, align=b.align[j],
                            role="th" if i == 0 else "td"))
            x += w
        y += h
    return "".join(out)


def _chart(b: deck.Chart) -> str:
    """The trend as an SVG line chart in the slide's own units (1 = 0.01 in)."""
    u = 100
    fs = b.size / 72 * u
    left, bottom, top = 1.0 * u, b.h * u - 1.6 * fs, 1.4 * fs
    right = b.w * u - 0.2 * u
    known = [v for v in b.values if v is not None]
    lo = max(0.0, (int(min(known) * 10) - 1) / 10) if known else 0.0

    def yy(v):
        return bottom - (v - lo) / (1 - lo) * (bottom - top)

    n = max(1, len(b.categories))
    step = (right - left) / n
    parts = []
    tick = lo
    while tick <= 1.0001:
        parts.append(f'<line x1="{left}" x2="{right}" y1="{yy(tick):.1f}" y2="{yy(tick):.1f}" stroke="#C8CDD3"/>'
                     f'<text x="{left - 10}" y="{yy(tick) + fs / 3:.1f}" text-anchor="end">{round(tick * 100)}%</text>')
        tick += 0.1
    pts = []
    for k, (cat, v, label) in enumerate(zip(b.categories, b.values, b.labels, strict=True)):
        x = left + step * (k + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{b.h * u - 0.3 * fs:.1f}" text-anchor="middle">{html.escape(cat)}</text>')
        if v is not None:
            pts.append(f"{x:.1f},{yy(v):.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{yy(v):.1f}" r="9" fill="{deck.INK}"/>'
                         f'<text x="{x:.1f}" y="{yy(v) - 18:.1f}" text-anchor="middle" font-weight="700">'
                         f'{html.escape(label)}</text>')
    parts.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{deck.INK}" stroke-width="7"/>')
    style = f"left:{_pct(b.x, deck.W)};top:{_pct(b.y, deck.H)};width:{_pct(b.w, deck.W)};height:{_pct(b.h, deck.H)}"
    return (f'<svg class="box role-chart" style="{style}" viewBox="0 0 {b.w * u:.0f} {b.h * u:.0f}" '
            f'font-size="{fs:.1f}" fill="{deck.INK}" aria-label="{html.escape(b.name)}">{"".join(parts)}</svg>')


def slide_html(s: deck.Slide) -> str:
    """One slide as absolutely placed boxes, at the deck's geometry."""
    out = []
    for b in s.boxes:
        if isinstance(b, deck.Text):
            out.append(_box(b.x, b.y, b.w, b.h, b.text, b.size, b.bold, b.colour, b.fill, b.align, b.role))
        elif isinstance(b, deck.Table):
            out.append(_table(b))
        else:
            out.append(_chart(b))
    return "".join(out)


CSS = """
<style>
[data-testid="stMainBlockContainer"]{padding-top:2.5rem}
.tartip-deck{position:relative;background:#fff;margin:0 auto;width:min(100%, calc((100vh - 14rem) * 16 / 9))}
.tartip-deck:fullscreen{background:#000;display:flex;align-items:center;justify-content:center;width:100vw}
.tartip-slide{position:relative;width:100%;aspect-ratio:16/9;container-type:inline-size;background:#fff;
  border:1px solid #8C959F;overflow:hidden;font-family:"DejaVu Sans",Arial,sans-serif;color:#111}
.tartip-deck:fullscreen .tartip-slide{width:min(100vw, calc(100vh * 16 / 9));border:0}
.tartip-slide[hidden]{display:none}
.tartip-slide .box{position:absolute;box-sizing:border-box;overflow:hidden;line-height:1.2;white-space:pre-wrap;
  overflow-wrap:anywhere;padding:PADY% PADX%;margin:0}
.tartip-slide .role-th,.tartip-slide .role-td{border:1px solid #fff}
.tartip-slide svg.box{padding:0}
.tartip-bar{display:flex;gap:1rem;align-items:center;justify-content:space-between;margin:.25rem 0;font-size:1.1rem}
.tartip-bar button{font-size:1.1rem;padding:.25rem .9rem;border:1px solid #333;background:#fff;color:#111;
  border-radius:.3rem;cursor:pointer}
</style>
"""

JS = """
<script>
(function () {
  if (window.__tartipDeckKeys) return;  // one listener, however often the page reruns
  window.__tartipDeckKeys = true;
  function deckEl() { return document.querySelector('.tartip-deck'); }
  function show(d, i) {
    const slides = d.querySelectorAll('.tartip-slide');
    i = (i + slides.length) % slides.length;
    slides.forEach((s, k) => { s.hidden = k !== i; });
    d.dataset.index = i;
    const n = document.querySelector('.tartip-counter');
    if (n) n.textContent = (i + 1) + ' / ' + slides.length;
  }
  function size() {  // the slide as large as the window allows below the controls, 16:9
    const d = deckEl();
    if (!d || document.fullscreenElement) return;
    const top = d.getBoundingClientRect().top + window.scrollY;
    const byHeight = (window.innerHeight - top - 8) * 16 / 9;
    d.style.width = Math.max(320, Math.min(d.parentElement.clientWidth, byHeight)) + 'px';
  }
  window.addEventListener('resize', size);
  document.addEventListener('fullscreenchange', function () {
    const d = deckEl();
    if (d && document.fullscreenElement) d.style.width = ''; else size();
  });
  new MutationObserver(size).observe(document.body, {childList: true, subtree: true});
  function full(d) {
    if (document.fullscreenElement) document.exitFullscreen(); else d.requestFullscreen();
  }
  document.addEventListener('keydown', function (e) {
    const d = deckEl();
    if (!d || ['INPUT', 'TEXTAREA', 'SELECT'].includes((e.target.tagName || ''))) return;
    const i = parseInt(d.dataset.index || '0', 10);
    if (['ArrowRight', 'PageDown', ' '].includes(e.key)) { show(d, i + 1); e.preventDefault(); }
    else if (['ArrowLeft', 'PageUp'].includes(e.key)) { show(d, i - 1); e.preventDefault(); }
    else if (e.key === 'f' || e.key === 'F') { full(d); e.preventDefault(); }
  });
  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('.tartip-fullscreen')) full(deckEl());
  });
})();
</script>
"""


def deck_html(slides: list[deck.Slide], index: int, ctx) -> str:
    """The whole deck, one slide shown, with the counter, the keys and the full-screen button."""
    parts = [CSS, '<div class="tartip-bar">',
             f'<span class="tartip-counter">{index + 1} / {len(slides)}</span>',
             f'<span>{html.escape(ctx.t("keys_hint"))}</span>',
             f'<button class="tartip-fullscreen" type="button">{html.escape(ctx.t("fullscreen"))} (F)</button></div>',
             f'<div class="tartip-deck" data-index="{index}" data-count="{len(slides)}">']
    for k, s in enumerate(slides):
        hidden = "" if k == index else " hidden"
        parts.append(f'<section class="tartip-slide" data-key="{s.key}" data-n="{k + 1}"{hidden} '
                     f'aria-label="{html.escape(s.title)}">{slide_html(s)}</section>')
    parts.append("</div>")
    return "".join(parts) + JS


def render(ctx) -> None:
    """The deck of the month picked in the sidebar; next / previous here, or with the keys."""
    st.title(ctx.t("page_slides"))
    try:
        r = _report(str(data.snapshot()), ctx.month_start, ctx.lang, ctx.org, data.version())
    except Exception as e:  # noqa: BLE001 - a message, not a stack trace
        st.error(f"{ctx.t('query_failed')}: {str(e).splitlines()[0]}")
        return
    slides = deck.build(r)
    i = st.session_state.get("slide", 0) % len(slides)
    c1, _, c3 = st.columns([2, 5, 2])
    if c1.button(f"◀ {ctx.t('previous')}", key="slide_prev"):
        i = (i - 1) % len(slides)
    if c3.button(f"{ctx.t('next')} ▶", key="slide_next"):
        i = (i + 1) % len(slides)
    st.session_state["slide"] = i
    st.html(deck_html(slides, i, ctx), unsafe_allow_javascript=True)
