"""SQL: the analysts' sandboxed console over the published (masked) data."""

from __future__ import annotations

import io

import streamlit as st

from dashboards import auth, data
from pipelines import sandbox

EXAMPLE = ("select department_name_ru, due_count, on_time_count, on_time_rate, rank\n"
           "from execution_rates\nwhere period_start = (select max(period_start) from execution_rates)\norder by rank")


def render(ctx) -> None:
    """Editor, schema browser, results, downloads as CSV / XLSX / Parquet."""
    st.title(ctx.t("page_sql"))
    path = data.snapshot()
    left, right = st.columns([3, 1])
    with right:
        st.subheader(ctx.t("schema_browser"))
        try:
            schema = sandbox.schema(path)
            for table, cols in schema.groupby("table_name"):
                with st.expander(table):
                    st.dataframe(cols[["column_name", "data_type", "comment"]], hide_index=True)
        except Exception as e:  # noqa: BLE001
            st.error(str(e).splitlines()[0])
    with left:
        sql = st.text_area(ctx.t("sql_editor"), EXAMPLE, height=180, key="sql_text")
        if st.button(ctx.t("run"), key="sql_run", type="primary"):
            try:
                st.session_state["sql_result"] = data.run_sql(sql, limit=10_000, timeout=20)
                st.session_state.pop("sql_error", None)
            except sandbox.SandboxError as e:
                st.session_state["sql_error"] = str(e)
                st.session_state.pop("sql_result", None)
        if "sql_error" in st.session_state:
            st.error(st.session_state["sql_error"])
        r = st.session_state.get("sql_result")
        if r is not None:
            st.caption(f"{len(r.frame)} {ctx.t('rows')}, {r.seconds:.2f} s"
                       + (f" — {ctx.t('truncated')}" if r.truncated else ""))
            st.dataframe(r.frame, hide_index=True, width="stretch", key="sql_table")
            c1, c2, c3, _ = st.columns([1, 1, 1, 5])
            c1.download_button("CSV", r.frame.to_csv(index=False).encode("utf-8-sig"), "query.csv", key="sql_csv",
                              on_click=auth.download_logger("query.csv", len(r.frame)))
            xlsx, pq = io.BytesIO(), io.BytesIO()
            r.frame.to_excel(xlsx, index=False)
            r.frame.to_parquet(pq, index=False)
            c2.download_button("XLSX", xlsx.getvalue(), "query.xlsx", key="sql_xlsx",
                              on_click=auth.download_logger("query.xlsx", len(r.frame)))
            c3.download_button("Parquet", pq.getvalue(), "query.parquet", key="sql_parquet",
                              on_click=auth.download_logger("query.parquet", len(r.frame)))
