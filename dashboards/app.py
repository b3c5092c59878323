"""Tartip dashboard: `streamlit run dashboards/app.py` (or `tartip serve`)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` from anywhere

from dashboards import context, data  # noqa: E402
from dashboards.views import appeals, departments, overview, protocols, quality, slides, sql_console  # noqa: E402
from pipelines.i18n import t  # noqa: E402

PAGES = [("overview", overview), ("departments", departments), ("protocols", protocols), ("appeals", appeals),
         ("quality", quality), ("sql", sql_console), ("slides", slides)]


def page(module, ctx):
    """A page function bound to the context."""
    def run():
        module.render(ctx)
    run.__name__ = module.__name__.rsplit(".", 1)[-1]
    return run


def main() -> None:
    """Sidebar, then the page the URL names."""
    st.set_page_config(page_title="Tartip", page_icon="📋", layout="wide")
    lang = context.language()
    if data.is_empty():
        st.title(t("app_title", lang))
        st.info(f"**{t('empty_title', lang)}**\n\n{t('empty_body', lang)}")
        return
    ctx = context.sidebar(lang)
    context.login_box(lang)
    pages = [st.Page(page(m, ctx), title=t(f"page_{key}", lang), url_path=key if key != "overview" else "start",
                     default=key == "overview") for key, m in PAGES]
    # the Overview lives at the root; /overview (a natural bookmark) shows it too
    pages.append(st.Page(page(overview, ctx), title=t("page_overview", lang), url_path="overview",
                         visibility="hidden"))
    nav = st.navigation(pages)
    nav.run()


main()
