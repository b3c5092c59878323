"""The Monthly report section: preview the month's report, then download PDF / XLSX / PPTX."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboards import auth, data, ui
from pipelines.i18n import month_name


@st.cache_data(show_spinner=False, max_entries=32)
def _preview(snapshot: str, month, lang: str, org: str, stamp: float):
    """The report's figures for a month, cached until a new snapshot is published."""
    from pipelines.report import data as report_data

    return report_data.load(Path(snapshot), month, lang, org=org)


def render(ctx) -> None:
    """Preview of the report's tables for the month picked in the sidebar, and the three files."""
    from pipelines.report import build

    if ctx.role.units != "all":  # the report lists every unit's overdue tasks
        return
    month = ctx.month_start
    with st.expander(f"📄 {ctx.t('monthly_report')} — {month_name(month, ctx.lang)}"):
        try:
            r = _preview(str(data.snapshot()), month, ctx.lang, ctx.org, data.version())
        except Exception as e:  # noqa: BLE001 - a message, not a stack trace
            st.error(f"{ctx.t('query_failed')}: {str(e).splitlines()[0]}")
            return
        st.caption(r.basis)
        ui.table(ctx, r.departments[["rank", "department", "due_count", "on_time_count", "late_count",
                                     "overdue_count", "on_time_rate", "change"]], "report_preview")
        if st.button(ctx.t("monthly_report"), key="report_build"):
            out = Path(tempfile.mkdtemp(prefix="tartip-report-"))
            st.session_state["report_files"] = {
                p.suffix[1:]: (p.name, p.read_bytes())
                for p in build.build(data.snapshot(), month, ctx.lang, ["pdf", "xlsx", "pptx"], out, org=ctx.org)}
        files = st.session_state.get("report_files", {})
        for col, fmt in zip(st.columns(3), ("pdf", "xlsx", "pptx"), strict=True):
            if fmt in files:
                name, content = files[fmt]
                col.download_button(f"{ctx.t('download')} {fmt.upper()}", content, name, key=f"report_{fmt}",
                                   on_click=auth.download_logger(name, 0))
