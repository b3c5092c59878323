"""Tartip dashboard: `streamlit run dashboards/app.py` (or `tartip serve`)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` from anywhere

from dashboards import auth, context, data, ui  # noqa: E402
from dashboards.views import (  # noqa: E402
    appeals,
    audit,
    departments,
    overview,
    protocols,
    quality,
    slides,
    sql_console,
)
from pipelines.i18n import t  # noqa: E402

PAGES = {"overview": overview, "departments": departments, "protocols": protocols, "appeals": appeals,
         "quality": quality, "sql": sql_console, "slides": slides, "audit": audit}

# every file that leaves goes through a logged download button: the tables' own CSV export is hidden
NO_TABLE_EXPORT = '<style>[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]{display:none}</style>'

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def page(key: str, fn):
    """A page function under the page's name (its URL path)."""
    fn.__name__ = key
    return fn


def routes(keys, make, title) -> list:
    """The pages of `keys` (make(key) renders one); the Overview lives at the root, and /overview (a natural
    bookmark) shows it too."""
    out = [st.Page(page(key, make(key)), title=title(key), url_path="start" if key == "overview" else key,
                   default=key == "overview") for key in keys]
    out.append(st.Page(page("overview", make("overview")), title=title("overview"), url_path="overview",
                       visibility="hidden"))
    return out


def login_pages(lang: str) -> None:
    """Before a login every address shows the login screen (and nothing else)."""
    st.navigation(routes(PAGES, lambda key: lambda: auth.login_form(lang), lambda key: t("login", lang)),
                  position="hidden").run()


def main() -> None:
    """Login first; then the sidebar and the pages the role may open."""
    st.set_page_config(page_title="Tartip", page_icon="📋", layout="wide")
    lang = context.language()
    session = auth.current()
    if session is None:
        login_pages(lang)
        return
    if data.is_empty():
        st.title(t("app_title", lang))
        st.info(f"**{t('empty_title', lang)}**\n\n{t('empty_body', lang)}")
        auth.account_box(lang, session)
        return
    st.html(NO_TABLE_EXPORT)
    ctx = context.sidebar(lang)
    auth.account_box(lang, session)
    nav = st.navigation(routes(auth.allowed_pages(session.role),
                               lambda key: lambda m=PAGES[key]: ui.guarded(m.render, lang, ctx),
                               lambda key: t(f"page_{key}", lang)))
    nav.run()


ui.guarded(main, st.session_state.get("lang", "ru"))
