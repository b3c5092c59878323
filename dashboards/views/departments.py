"""Departments: the ranking, and one department down to the document card."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboards import queries, ui


def render(ctx) -> None:
    """Ranking table and bars by department or block; trend, overdue tasks, violations, card of one."""
    st.title(ctx.t("page_departments"))
    options = ["department", "block"] + (["org"] if len(ctx.org_names) > 1 else [])
    by = st.radio(ctx.t("by"), options, horizontal=True, key="dep_by",
                  format_func=lambda v: ctx.t("organisation" if v == "org" else v))
    rank = ui.q(ctx, queries.ranking(ctx.filters, by))
    if rank is None:
        return
    if rank.empty:
        st.info(ctx.t("nothing"))
        return
    st.plotly_chart(ui.ranking_bars(ctx, rank, height=max(300, 26 * len(rank))), width="stretch",
                    key="dep_ranking_chart")
    name = f"name_{ctx.lang}"
    cols = {"rank": ctx.t("rank"), name: ctx.t(by), "due_count": ctx.t("due"), "on_time_count": ctx.t("on_time"),
            "late_count": ctx.t("late"), "overdue_count": ctx.t("overdue"), "on_time_rate": ctx.t("rate"),
            "avg_working_days_late": ctx.t("avg_late"), "max_working_days_late": ctx.t("max_late"),
            "extension_count": ctx.t("extensions")}
    ui.table(ctx, rank[list(cols)], "ranking", cols)
    if by != "department":
        return
    names = dict(zip(rank["code"], rank[name], strict=True))
    code = st.selectbox(ctx.t("pick_department"), list(names), key="dep_pick", format_func=names.get)
    if not code:
        return
    one = dataclasses.replace(ctx.filters, departments=(code,))
    year = dataclasses.replace(one, date_from=one.date_from.replace(month=1, day=1))
    trend = ui.q(ctx, queries.trend(year))
    if trend is not None and not trend.empty:
        st.plotly_chart(ui.rate_trend(ctx, trend), width="stretch", key="dep_trend")
    st.subheader(ctx.t("overdue_tasks"))
    overdue = ui.q(ctx, queries.overdue_tasks(one))
    if overdue is not None:
        ui.table(ctx, ui.localise_dates(overdue[["reg_no", "executor_name", "summary", "assigned_date", "due_date",
                                                 "working_days_late", "source_file", "row_no"]],
                                        ctx.lang, ["assigned_date", "due_date"]), "dep_overdue")
    st.subheader(ctx.t("violations"))
    ui.table(ctx, ui.q(ctx, queries.department_violations(code, ctx.org)), "dep_violations")
    if overdue is not None and not overdue.empty:
        st.subheader(ctx.t("document_card"))
        reg_nos = dict(zip(overdue["task_id"], overdue["reg_no"], strict=True))
        task = st.selectbox(ctx.t("reg_no"), list(reg_nos), key="dep_card",
                            format_func=lambda tid: reg_nos.get(tid, tid))
        card = ui.q(ctx, queries.document_card(task))
        if card is not None:
            ui.table(ctx, ui.localise_dates(card, ctx.lang, ["assigned_date", "due_date", "executed_date"]),
                     "dep_card_table")
