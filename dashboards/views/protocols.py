"""Protocol tasks: by meeting type and protocol; protocols drawn up late or without a controller."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboards import data, queries, ui


def render(ctx) -> None:
    """Items, executors, due and status by protocol; late and controller-less protocols."""
    st.title(ctx.t("page_protocols"))
    by_protocol = ui.q(ctx, queries.protocol_tasks(ctx.filters))
    if by_protocol is None:
        return
    labels = data.query("select code, name_kk, name_ru, name_en from labels where kind = 'meeting_type'")
    label = dict(zip(labels["code"], labels[f"name_{ctx.lang}"], strict=True))
    if by_protocol.empty:
        st.info(ctx.t("nothing"))
    else:
        outcomes = {f"{k}_count": k for k in ("on_time", "late", "overdue", "open")}
        by_type = by_protocol.groupby("meeting_type", as_index=False)[list(outcomes)].sum()
        by_type["meeting_type"] = by_type["meeting_type"].map(lambda c: label.get(c, c))
        long = by_type.melt("meeting_type", var_name="outcome", value_name="n")
        long["outcome"] = long["outcome"].map(lambda c: ctx.t(outcomes[c]))
        fig = px.bar(long, x="meeting_type", y="n", color="outcome", title=ctx.t("protocols_by_type"),
                     color_discrete_sequence=[ui.OUTCOME_COLOURS[k] for k in ("on_time", "late", "overdue", "open")])
        fig.update_layout(xaxis_title="", yaxis_title=ctx.t("count"), legend_title="")
        st.plotly_chart(fig, width="stretch", key="protocols_chart")
        shown = by_protocol.assign(meeting_type=by_protocol["meeting_type"].map(lambda c: label.get(c, c)))
        cols = {"meeting_type": ctx.t("meeting_type"), "protocol_no": ctx.t("protocol"),
                "meeting_date": ctx.t("assigned"), "items": ctx.t("items"), "first_due": ctx.t("due_date"),
                "due_count": ctx.t("due"), "on_time_count": ctx.t("on_time"), "late_count": ctx.t("late"),
                "overdue_count": ctx.t("overdue"), "open_count": ctx.t("open")}
        ui.table(ctx, ui.localise_dates(shown[list(cols)], ctx.lang, ["meeting_date", "first_due"]), "protocols",
                 cols)
        with st.expander(ctx.t("items")):
            ui.table(ctx, ui.q(ctx, queries.protocol_items(ctx.filters)), "protocol_items")
    st.subheader(ctx.t("protocols_late"))
    viol = ui.q(ctx, queries.protocol_violations(ctx.filters))
    if viol is not None:
        late = viol[viol["rule_id"] != "R-8.5-CONTROLLER"]
        ui.table(ctx, late[["rule_id", "protocol_no", "meeting_type", f"message_{ctx.lang}", "working_days_late",
                            "source_file", "row_no"]], "protocols_late")
        st.subheader(ctx.t("no_controller"))
        ui.table(ctx, viol[viol["rule_id"] == "R-8.5-CONTROLLER"][["protocol_no", "meeting_type",
                                                                  f"message_{ctx.lang}", "source_file", "row_no"]],
                 "protocols_no_controller")
