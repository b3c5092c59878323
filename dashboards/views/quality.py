"""Data quality: loads, quarantine, violations by rule, Data Docs, bodies for service notes."""

from __future__ import annotations

import streamlit as st

from dashboards import data, queries, ui
from pipelines.validate.run import docs_root_for


def render(ctx) -> None:
    """What was loaded, what was not and why, which rules fail, and who gets a service note."""
    st.title(ctx.t("page_quality"))
    st.subheader(ctx.t("last_loads"))
    loads = ui.q(ctx, queries.last_loads())
    if loads is not None and not loads.empty:
        st.caption(f"{ctx.t('files_loaded')}: {len(loads)} · {ctx.t('quarantine')}: "
                   f"{int(loads['rows_quarantined'].sum())} · {', '.join(loads['file_name'].head(5))}")
    ui.table(ctx, loads, "loads")
    st.subheader(ctx.t("quarantine"))
    kind = st.selectbox(ctx.t("source"), ["", "edms", "protocols", "materials", "appeals"], key="q_kind",
                        format_func=lambda k: k or ctx.t("all"))
    ui.table(ctx, ui.q(ctx, queries.quarantine_rows(kind or None)), "quarantine")
    st.subheader(ctx.t("violations_by_rule"))
    rules = ui.q(ctx, queries.violations_by_rule())
    if rules is not None:
        ui.table(ctx, rules[["rule_id", "clause", "severity", f"title_{ctx.lang}", "records_checked", "violations"]],
                 "rules", {"rule_id": ctx.t("rule"), "clause": ctx.t("clause"), "severity": ctx.t("severity"),
                           f"title_{ctx.lang}": ctx.t("message"), "violations": ctx.t("violations")})
    docs = docs_root_for(data.db_path()) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    if docs.exists():
        st.markdown(f"📄 {ctx.t('data_docs')}: [`{docs}`](file://{docs})")
    st.subheader(ctx.t("service_notes"))
    notes = ui.q(ctx, queries.service_notes(ctx.filters))
    if notes is not None:
        name = f"name_{ctx.lang}"
        ui.table(ctx, notes[[name, "clauses", "cases", "not_submitted", "worst_working_days_late",
                             f"facts_{ctx.lang}"]], "service_notes",
                 {name: ctx.t("department"), "clauses": ctx.t("clause"), "cases": ctx.t("cases"),
                  f"facts_{ctx.lang}": ctx.t("facts")})
