"""Tartip dashboard: what is loaded (the full pages come with the dashboard issue)."""

from __future__ import annotations

import streamlit as st

from dashboards import data

st.set_page_config(page_title="Tartip", layout="wide")
st.title("Tartip — атқарушылық тәртіп / исполнительская дисциплина")

if data.is_empty():
    st.info(
        "База пуста. Загрузите выгрузки: `tartip ingest ПАПКА` (или `make demo ingest`).\n\n"
        "Дерекқор бос. Выгрузкаларды жүктеңіз: `tartip ingest ҚАЛТА`."
    )
    st.stop()

counts = data.query("""
    select 'documents' as "table", count(*) as "rows" from documents
    union all select 'task_assignments', count(*) from task_assignments
    union all select 'protocols', count(*) from protocols
    union all select 'material_submissions', count(*) from material_submissions
    union all select 'appeals', count(*) from appeals
    union all select 'quarantine', count(*) from quarantine
""")
last = data.query("select max(loaded_at) as t from load_log")["t"].iloc[0]
st.caption(f"Деректер / данные на: {last:%d.%m.%Y %H:%M}")
cols = st.columns(len(counts))
for col, row in zip(cols, counts.itertuples(), strict=True):
    col.metric(row.table, f"{row.rows:,}".replace(",", " "))
st.subheader("Загрузки / жүктеулер")
st.dataframe(
    data.query("""
        select load_id, file_name, kind, loaded_at, rows_read, rows_loaded, rows_new,
               rows_updated, rows_quarantined, rows_skipped, unresolved_names
        from load_log order by load_id desc
    """),
    hide_index=True,
)
