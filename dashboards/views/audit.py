"""Audit log: logins, restricted reads, SQL and downloads, newest first, for roles with `audit`."""

from __future__ import annotations

import streamlit as st

from dashboards import auth, data, ui
from pipelines import audit


def render(ctx) -> None:
    """The log with a filter by event and user; CSV / XLSX downloads; a warning if the chain is broken."""
    st.title(ctx.t("page_audit"))
    if not ctx.role.audit:  # the page is not registered for other roles; checked here as well
        raise data.AccessDenied(ctx.role.name)
    log = audit.read(data.db_path(), limit=20_000)
    broken = audit.broken_at(data.db_path())
    if broken is not None:
        st.error(ctx.t("audit_broken").format(n=broken))
    c1, c2 = st.columns(2)
    events = c1.multiselect(ctx.t("audit_event"), list(audit.EVENTS), key="audit_events", placeholder=ctx.t("all"))
    names = sorted(x for x in log["user_name"].dropna().unique())
    who = c2.multiselect(ctx.t("user"), names, key="audit_users", placeholder=ctx.t("all"))
    if events:
        log = log[log["event"].isin(events)]
    if who:
        log = log[log["user_name"].isin(who)]
    ui.table(ctx, log.drop(columns=["prev_hash", "row_hash"]), "audit_log")
    if not st.session_state.get("audit_seen"):  # reading the log is itself logged, once a session
        st.session_state["audit_seen"] = True
        auth.record("restricted_data", "audit log")
