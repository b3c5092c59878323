"""Slides: presentation mode for the apparatus meeting — one large chart a slide, 16:9, big fonts."""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go
import streamlit as st

from dashboards import queries, ui
from pipelines.i18n import fmt_int, fmt_pct, month_name

WIDTH, HEIGHT = 1280, 720


def _title_slide(ctx) -> go.Figure:
    """The title slide with the headline figures."""
    r = ui.q(ctx, queries.rates_total(ctx.filters))
    fig = go.Figure()
    fig.add_annotation(text=f"<b>{ctx.t('app_title')}</b>", x=0.5, y=0.75, showarrow=False, font={"size": 44})
    fig.add_annotation(text=month_name(ctx.filters.date_from, ctx.lang), x=0.5, y=0.58, showarrow=False,
                       font={"size": 32})
    if r is not None:
        row = ui.first(r)
        line = (f"{ctx.t('on_time_rate')}: {fmt_pct(row.get('on_time_rate'), ctx.lang)}<br>"
                f"{ctx.t('due')}: {fmt_int(row.get('due_count', 0), ctx.lang)}   ·   "
                f"{ctx.t('on_time')}: {fmt_int(row.get('on_time_count', 0), ctx.lang)}   ·   "
                f"{ctx.t('late')}: {fmt_int(row.get('late_count', 0), ctx.lang)}   ·   "
                f"{ctx.t('overdue')}: {fmt_int(row.get('overdue_count', 0), ctx.lang)}")
        fig.add_annotation(text=line, x=0.5, y=0.35, showarrow=False, font={"size": 28})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def slides(ctx) -> list[go.Figure]:
    """Every slide of the deck."""
    f = ctx.filters
    year = dataclasses.replace(f, date_from=f.date_from.replace(month=1, day=1))
    out = [_title_slide(ctx)]
    rank = ui.q(ctx, queries.ranking(f))
    if rank is not None and not rank.empty:
        out.append(ui.ranking_bars(ctx, rank.head(15), height=HEIGHT, font=22))
        out.append(ui.ranking_bars(ctx, rank.sort_values("on_time_rate").head(5), height=HEIGHT, font=24,
                                   title=ctx.t("weakest")))
    trend = ui.q(ctx, queries.trend(year))
    if trend is not None and not trend.empty:
        out.append(ui.rate_trend(ctx, trend, height=HEIGHT, font=22))
    blocks = ui.q(ctx, queries.ranking(f, "block"))
    if blocks is not None and not blocks.empty:
        out.append(ui.ranking_bars(ctx, blocks, height=HEIGHT, font=24, title=ctx.t("block")))
    return out


def render(ctx) -> None:
    """Next / previous through the deck; each slide a 16:9 figure with fonts of 22 pt and more."""
    st.title(ctx.t("page_slides"))
    deck = slides(ctx)
    i = st.session_state.get("slide", 0) % len(deck)
    c1, c2, c3 = st.columns([1, 6, 1])
    if c1.button(f"◀ {ctx.t('previous')}", key="slide_prev"):
        i = (i - 1) % len(deck)
    if c3.button(f"{ctx.t('next')} ▶", key="slide_next"):
        i = (i + 1) % len(deck)
    st.session_state["slide"] = i
    c2.markdown(f"<div style='text-align:center;font-size:22px'>{ctx.t('slide')} {i + 1} / {len(deck)}</div>",
                unsafe_allow_html=True)
    fig = deck[i]
    fig.update_layout(width=WIDTH, height=HEIGHT, margin={"t": 80, "l": 40, "r": 40, "b": 60})
    st.plotly_chart(fig, width="content", key=f"slide_{i}")
