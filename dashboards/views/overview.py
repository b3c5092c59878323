"""Overview: the week at a glance for the head of the apparatus."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboards import queries, ui
from dashboards.views import report_section
from pipelines.calendar import month_end, previous_month
from pipelines.i18n import fmt_date, fmt_int, fmt_pct, missing
from pipelines.report.deck import fmt_pp


def render(ctx) -> None:
    """Tiles (rate this month vs last, overdue now, due soon, late submissions), trend, weakest five."""
    st.title(ctx.t("page_overview"))
    f = ctx.filters
    prev_start = previous_month(f.date_from)
    prev = dataclasses.replace(f, date_from=prev_start, date_to=month_end(prev_start))
    now_r, prev_r = ui.q(ctx, queries.rates_total(f)), ui.q(ctx, queries.rates_total(prev))
    n_overdue = ui.q(ctx, queries.count(queries.overdue_tasks(f, limit=None)))
    n_soon = ui.q(ctx, queries.count(queries.due_soon(f, ctx.as_of)))
    n_late = ui.q(ctx, queries.count(queries.late_submissions(f)))
    if any(x is None for x in (now_r, prev_r, n_overdue, n_soon, n_late)):
        return
    now, before = ui.first(now_r), ui.first(prev_r)
    rate, prev_rate = now.get("on_time_rate"), before.get("on_time_rate")
    delta = None
    if not missing(rate) and not missing(prev_rate):
        # Streamlit reads the sign from an ASCII minus (arrow and colour of the delta)
        delta = f"{fmt_pp(rate - prev_rate, ctx.lang).replace('−', '-')} {ctx.t('pp')}"
    tiles = [("rate", ctx.t("on_time_rate"), fmt_pct(rate, ctx.lang), delta),
             ("overdue", ctx.t("overdue_now"), fmt_int(n_overdue["n"].iloc[0], ctx.lang), None),
             ("soon", ctx.t("due_next_5"), fmt_int(n_soon["n"].iloc[0], ctx.lang), None),
             ("late", ctx.t("late_submissions"), fmt_int(n_late["n"].iloc[0], ctx.lang), None)]
    for col, (key, label, value, d) in zip(st.columns(4), tiles, strict=True):
        col.metric(label, value, d, help=ctx.t("vs_last_month") if key == "rate" else None)
        if col.button(ctx.t("open_list"), key=f"tile_{key}"):
            st.session_state["overview_list"] = key
    ui.metric_row(ctx, [(ctx.t("due"), fmt_int(now.get("due_count", 0), ctx.lang), None),
                        (ctx.t("on_time"), fmt_int(now.get("on_time_count", 0), ctx.lang), None),
                        (ctx.t("late"), fmt_int(now.get("late_count", 0), ctx.lang), None),
                        (ctx.t("overdue"), fmt_int(now.get("overdue_count", 0), ctx.lang), None)])
    if not now.get("is_complete", True) and now.get("due_count") is not None:
        st.caption(ctx.t("month_incomplete").format(date=fmt_date(ctx.as_of, ctx.lang)))
    shown = st.session_state.get("overview_list")
    overdue = ui.q(ctx, queries.overdue_tasks(f)) if shown == "overdue" else None
    soon = ui.q(ctx, queries.due_soon(f, ctx.as_of)) if shown == "soon" else None
    late = ui.q(ctx, queries.late_submissions(f)) if shown == "late" else None
    name = f"department_name_{ctx.lang}"
    if shown == "overdue" and overdue is not None:
        st.subheader(ctx.t("overdue_now"))
        ui.table(ctx, ui.localise_dates(overdue[["reg_no", name, "executor_name", "summary", "due_date",
                                                 "working_days_late", "source_file", "row_no"]],
                                        ctx.lang, ["due_date"]), "overdue")
    elif shown == "soon" and soon is not None:
        st.subheader(ctx.t("due_next_5"))
        ui.table(ctx, ui.localise_dates(soon[["reg_no", name, "executor_name", "summary", "due_date"]],
                                        ctx.lang, ["due_date"]), "due_soon")
    elif shown == "late" and late is not None:
        st.subheader(ctx.t("late_submissions"))
        ui.table(ctx, late[["rule_id", "clause", "reg_no", "department_code", "working_days_late",
                            f"message_{ctx.lang}", "source_file", "row_no"]], "late_submissions")
    elif shown == "rate":
        st.subheader(ctx.t("ranking"))
        rank = ui.q(ctx, queries.ranking(f))
        if rank is not None:
            ui.table(ctx, rank[["rank", f"name_{ctx.lang}", "due_count", "on_time_count", "late_count",
                                "overdue_count", "on_time_rate", "avg_working_days_late"]], "ranking")
    year = dataclasses.replace(f, date_from=f.date_from.replace(month=1, day=1) if f.date_from.month > 1
                               else f.date_from.replace(year=f.date_from.year - 1, day=1))
    trend = ui.q(ctx, queries.trend(dataclasses.replace(year, date_to=f.date_to)))
    if trend is not None and not trend.empty:
        st.plotly_chart(ui.rate_trend(ctx, trend), width="stretch", key="overview_trend")
    rank = ui.q(ctx, queries.ranking(f))
    if rank is not None and not rank.empty:
        weakest = rank.sort_values("on_time_rate").head(5)
        st.plotly_chart(ui.ranking_bars(ctx, weakest, height=320, title=ctx.t("weakest")),
                        width="stretch", key="overview_weakest")
    report_section.render(ctx)
