"""Citizens' appeals: volumes, answers on time, forwarding within 3 WD; personal data masked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import queries, ui
from pipelines.i18n import fmt_int, fmt_pct, month_name


def render(ctx) -> None:
    """Monthly volumes and on-time answers, forwarding, the list (masked unless the role allows)."""
    st.title(ctx.t("page_appeals"))
    m = ui.q(ctx, queries.appeals_monthly(ctx.filters))
    if m is None:
        return
    if m.empty:
        st.info(ctx.t("nothing"))
    else:
        answered = m["on_time_count"] + m["late_count"] + m["overdue_count"]
        fw = m["forwarded"].sum()
        ui.metric_row(ctx, [
            (ctx.t("appeals_volume"), fmt_int(m["received"].sum(), ctx.lang), None),
            (ctx.t("answered_on_time"), fmt_pct(m["on_time_count"].sum() / answered.sum() if answered.sum() else None,
                                               ctx.lang), None),
            (ctx.t("forwarded_3wd"), fmt_pct(m["forwarded_in_time"].sum() / fw if fw else None, ctx.lang), None),
        ])
        x = [month_name(d, ctx.lang) for d in pd.to_datetime(m["month"]).dt.date]
        fig = go.Figure()
        for col, key in (("on_time_count", "on_time"), ("late_count", "late"), ("overdue_count", "overdue")):
            fig.add_bar(x=x, y=m[col], name=ctx.t(key), marker_color=ui.OUTCOME_COLOURS[key])
        fig.add_scatter(x=x, y=m["received"], name=ctx.t("appeals_volume"), mode="lines+markers")
        fig.update_layout(barmode="stack", title=ctx.t("appeals_volume"), legend={"orientation": "h"})
        st.plotly_chart(fig, width="stretch", key="appeals_chart")
    personal = ctx.role.personal
    if not personal:
        st.caption(f"🔒 {ctx.t('personal_masked')}")
    ui.table(ctx, ui.q(ctx, queries.appeals_list(ctx.filters, restricted=personal), restricted=personal),
             "appeals_list")
