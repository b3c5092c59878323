"""Shared pieces of the pages: safe queries, tables with downloads, localised charts."""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, data
from pipelines.i18n import VALUES, fmt_date, fmt_int, fmt_pct, missing, month_name, t
from pipelines.i18n import columns as i18n_columns
from pipelines.report import deck

log = logging.getLogger("tartip.dashboard")

PALETTE = ["#1f6feb", "#2da44e", "#d29922", "#cf222e", "#8250df", "#57606a"]
OUTCOME_COLOURS = {"on_time": "#2da44e", "late": "#d29922", "overdue": "#cf222e", "open": "#8c959f"}


def q(ctx, sql_params: tuple[str, list], restricted: bool = False) -> pd.DataFrame | None:
    """Run a query; on failure show a message (not a stack trace) and return None."""
    sql, params = sql_params
    try:
        return data.query(sql, params, restricted=restricted)
    except Exception as e:  # noqa: BLE001 - any failure becomes a message on the page
        st.error(f"{ctx.t('query_failed')}: {str(e).splitlines()[0]}")
        return None


def first(df: pd.DataFrame | None) -> dict:
    """The first row of a result as a dict ({} when there is none: an empty month)."""
    return {} if df is None or df.empty else df.iloc[0].to_dict()


IDS = {"row_no", "load_id", "item_no", "rank"}  # numbers that name a thing: no thousands separator


def readable(df: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """The frame as a person reads it: dates the language's way, codes as words, no None / NaN (—);
    counts stay numbers (sortable) unless they need a thousands separator or have gaps. Returns the
    frame and the column formats for st.dataframe."""
    out, config = df.copy(), {}
    for c in out.columns:
        col = out[c]
        values = col.dropna()
        first = values.iloc[0] if len(values) else None
        if c in VALUES:
            out[c] = [("—" if missing(v) else t(VALUES[c][v], lang) if v in VALUES[c] else str(v)) for v in col]
        elif pd.api.types.is_datetime64_any_dtype(col) or isinstance(first, dt.date):
            timed = any(getattr(v, "hour", 0) or getattr(v, "minute", 0) for v in values.head(50))
            out[c] = ["—" if missing(v) else (f"{fmt_date(v, lang)} {v:%H:%M}" if timed else fmt_date(v, lang))
                      for v in col]
        elif pd.api.types.is_bool_dtype(col):
            out[c] = ["—" if missing(v) else ("✓" if v else "") for v in col]
        elif pd.api.types.is_numeric_dtype(col):
            is_rate = "rate" in c or c == "change"
            whole = not is_rate and all(float(v).is_integer() for v in values)
            if is_rate:
                if col.isna().any():
                    out[c] = [fmt_pct(v, lang) for v in col]
                else:
                    config[c] = st.column_config.NumberColumn(format="percent")
            elif whole and c not in IDS and (col.isna().any() or values.abs().max() >= 1000):
                out[c] = [fmt_int(v, lang) for v in col]
            elif whole:
                out[c] = ["—" if missing(v) else str(int(v)) for v in col] if col.isna().any() else col.astype("int64")
            else:
                out[c] = ["—" if missing(v) else f"{v:.1f}" if lang == "en" else f"{v:.1f}".replace(".", ",")
                          for v in col]
        else:
            out[c] = ["—" if missing(v) else str(v) for v in col]
    return out, config


def guarded(render, lang: str, *args) -> None:
    """Run a page (or the app): a failure shows a short message with a code in the user's language, and
    the log keeps the traceback under that code. Streamlit's rerun and stop are not Exceptions: they pass."""
    try:
        render(*args)
    except Exception:
        code = uuid.uuid4().hex[:8]
        log.exception("page failed [%s]", code)
        st.error(t("page_failed", lang).format(code=code))


def table(ctx, df: pd.DataFrame | None, key: str, columns: dict[str, str] | None = None) -> None:
    """A sortable table with headers in the reader's language (i18n.COLUMNS, or columns given), readable
    cells (readable()) and CSV / XLSX downloads of what is shown."""
    if df is None:
        return
    if df.empty:
        st.info(ctx.t("nothing"))
        return
    labels = i18n_columns(list(df.columns), ctx.lang)
    labels.update({c: h for c, h in (columns or {}).items() if c in labels})
    seen: dict[str, int] = {}
    for c, h in labels.items():  # two columns under one header (file_name, source_file) stay apart
        seen[h] = seen.get(h, 0) + 1
        if seen[h] > 1:
            labels[c] = f"{h} ({seen[h]})"
    body, config = readable(df[list(labels)], ctx.lang)
    shown = body.rename(columns=labels)
    config = {labels[c]: v for c, v in config.items()}
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}_table", column_config=config)
    c1, c2, _ = st.columns([1, 1, 6])
    c1.download_button("CSV", shown.to_csv(index=False).encode("utf-8-sig"), f"{key}.csv", "text/csv",
                       key=f"{key}_csv", on_click=auth.download_logger(f"{key}.csv", len(shown)))
    buf = io.BytesIO()
    shown.to_excel(buf, index=False)
    c2.download_button("XLSX", buf.getvalue(), f"{key}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
                       on_click=auth.download_logger(f"{key}.xlsx", len(shown)))


def rate_trend(ctx, df: pd.DataFrame, height: int = 380, font: int = 14) -> go.Figure:
    """Bars of on time / late / overdue per month with the on-time rate as a line."""
    x = [month_name(d, ctx.lang) for d in pd.to_datetime(df["period_start"]).dt.date]
    fig = go.Figure()
    for col, key in (("on_time_count", "on_time"), ("late_count", "late"), ("overdue_count", "overdue")):
        fig.add_bar(x=x, y=df[col], name=ctx.t(key), marker_color=OUTCOME_COLOURS[key],
                    hovertemplate="%{x}: %{y}<extra>" + ctx.t(key) + "</extra>")
    fig.add_scatter(x=x, y=df["on_time_rate"], name=ctx.t("on_time_rate"), yaxis="y2", mode="lines+markers",
                    line={"color": "#1f2328", "width": 3},
                    text=[fmt_pct(v, ctx.lang) for v in df["on_time_rate"]],
                    hovertemplate="%{x}: %{text}<extra></extra>")
    fig.update_layout(barmode="stack", height=height, title=ctx.t("trend"), font={"size": font},
                      yaxis={"title": ctx.t("due")},
                      yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "tickformat": ".0%", "dtick": 0.2,
                              "title": ctx.t("on_time_rate")},
                      legend={"orientation": "h", "y": -0.2}, margin={"t": 60, "b": 40})
    return fig


def ranking_bars(ctx, df: pd.DataFrame, height: int = 600, font: int = 13, title: str | None = None) -> go.Figure:
    """Horizontal bars of the on-time rate per unit, with the counts behind it in the hover."""
    name = f"name_{ctx.lang}"
    d = df.sort_values("on_time_rate")
    hover = [f"{ctx.t('due')}: {fmt_int(r.due_count, ctx.lang)}<br>{ctx.t('on_time')}: "
             f"{fmt_int(r.on_time_count, ctx.lang)}<br>{ctx.t('late')}: {fmt_int(r.late_count, ctx.lang)}<br>"
             f"{ctx.t('overdue')}: {fmt_int(r.overdue_count, ctx.lang)}" for r in d.itertuples()]
    colours = [deck.BAND_LINE[deck.band(v)] for v in d["on_time_rate"]]  # the deck's bands, the same thresholds
    fig = px.bar(d, x="on_time_rate", y=name, orientation="h", range_x=[0, 1])
    fig.update_traces(marker_color=colours, customdata=hover, hovertemplate="%{y}<br>%{customdata}<extra></extra>",
                      text=[fmt_pct(v, ctx.lang) for v in d["on_time_rate"]], textposition="outside")
    fig.update_layout(height=height, title=title or ctx.t("ranking"), font={"size": font}, coloraxis_showscale=False,
                      xaxis={"tickformat": ".0%", "title": ctx.t("on_time_rate")}, yaxis={"title": ""},
                      margin={"l": 10, "t": 60})
    return fig


def metric_row(ctx, values: list[tuple[str, str, str | None]]) -> None:
    """A row of metric tiles: (label, value, delta)."""
    for col, (label, value, delta) in zip(st.columns(len(values)), values, strict=True):
        col.metric(label, value, delta)


def localise_dates(df: pd.DataFrame, lang: str, cols: list[str]) -> pd.DataFrame:
    """Dates written the language's way (dd.mm.yyyy or ISO)."""
    out = df.copy()
    for c in cols:
        if c in out:
            out[c] = [fmt_date(v, lang) if v is not None and v == v else "—" for v in pd.to_datetime(out[c])]
    return out


def fmt_counts(df: pd.DataFrame, lang: str, cols: list[str]) -> pd.DataFrame:
    """Integers with the language's thousands separator."""
    out = df.copy()
    for c in cols:
        if c in out:
            out[c] = [fmt_int(v, lang) for v in out[c]]
    return out

