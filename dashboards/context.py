"""The sidebar: language, period and filters, kept in the URL so a view can be shared as a link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import streamlit as st

from dashboards import auth, data, queries
from pipelines.calendar import month_end, previous_month
from pipelines.i18n import LANG_NAMES, LANGS, data_basis, month_name, t


@dataclass
class Context:
    """What every page needs: language, filters, role and the data date."""

    lang: str
    filters: queries.Filters
    role: auth.Role
    as_of: dt.date
    last_loaded_at: dt.datetime
    month_start: dt.date
    org_names: dict[str, str] = field(default_factory=dict)  # organisation key -> name in the language
    basis: str = ""  # the data date and every source's export date, as one line

    @property
    def org(self) -> str:
        """The organisation the figures are of (its key in the data)."""
        return self.filters.orgs[0] if self.filters.orgs else ""

    def t(self, key: str) -> str:
        """Text in the chosen language."""
        return t(key, self.lang)


def _param(name: str, default=None):
    """One value of the URL query."""
    return st.query_params.get(name, default)


def _list_param(name: str) -> list[str]:
    """A comma-separated value of the URL query."""
    v = _param(name, "")
    return [x for x in v.split(",") if x]


def _init(key: str, value) -> None:
    """Set a widget's first value (from the URL) once per session."""
    if key not in st.session_state:
        st.session_state[key] = value


def months_back(as_of: dt.date, n: int = 24) -> list[dt.date]:
    """The first days of the last n months up to the data date, newest first."""
    out, d = [], as_of.replace(day=1)
    for _ in range(n):
        out.append(d)
        d = previous_month(d)
    return out


def language() -> str:
    """The language switch (first thing in the sidebar)."""
    lang = _param("lang", "ru")
    _init("lang", lang if lang in LANGS else "ru")
    st.sidebar.radio("Тіл / Язык / Language", LANGS, key="lang", format_func=LANG_NAMES.get, horizontal=True)
    return st.session_state["lang"]


def sidebar(lang: str) -> Context:
    """Render the filters, sync them with the URL and return the context."""
    info = data.query(*queries.data_as_of())
    as_of = info["as_of"].iloc[0].date() if hasattr(info["as_of"].iloc[0], "date") else info["as_of"].iloc[0]
    last = info["last_loaded_at"].iloc[0]
    session = data.session()
    role = session.role
    months = months_back(as_of)
    st.sidebar.header(t("filters", lang))
    orgs = data.query(*queries.organisations())
    org_names = dict(zip(orgs["org_name"], orgs[f"name_{lang}"], strict=True)) or {"": ""}
    _init("org", _param("org") if _param("org") in org_names else next(iter(org_names)))
    if len(org_names) > 1:  # several organisations in one export (a region): figures are per organisation
        st.sidebar.selectbox(t("organisation", lang), list(org_names), key="org", format_func=org_names.get)
    org = st.session_state["org"]
    wanted = _param("month")
    # early in a month the month just ended is the one to look at
    default = months[1] if as_of.day <= 10 else months[0]
    _init("month", next((m for m in months if m.strftime("%Y-%m") == wanted), default))
    _init("custom", bool(_param("from")))
    custom = st.sidebar.toggle(t("custom_range", lang), key="custom")
    if custom:
        _init("date_from", dt.date.fromisoformat(_param("from", months[2].isoformat())))
        _init("date_to", dt.date.fromisoformat(_param("to", as_of.isoformat())))
        c1, c2 = st.sidebar.columns(2)
        date_from = c1.date_input(t("date_from", lang), key="date_from", format="DD.MM.YYYY")
        date_to = c2.date_input(t("date_to", lang), key="date_to", format="DD.MM.YYYY")
        month = months[0]
    else:
        month = st.sidebar.selectbox(t("month", lang), months, key="month",
                                     format_func=lambda d: month_name(d, lang))
        date_from, date_to = month, month_end(month)
    ch = data.query(*queries.choices())
    names = dict(zip(ch["department_code"], ch[f"name_{lang}"], strict=True))
    executing = ch[ch["kind"].isin(["apparatus", "department", "rural_district"])]
    blocks = ch.dropna(subset=["block_code"]).drop_duplicates("block_code")
    block_names = dict(zip(blocks["block_code"], blocks[f"block_name_{lang}"],
                           strict=True))
    labels = data.query("select kind, code, name_kk, name_ru, name_en from labels")
    label = {(r.kind, r.code): getattr(r, f"name_{lang}") for r in labels.itertuples()}
    if session.scope and not _param("dept"):  # a department head starts on the own unit (may widen to ranks)
        _init("deps", [session.scope])
    for key, param in (("deps", "dept"), ("blocks", "block"), ("sources", "source"), ("mtypes", "mtype")):
        _init(key, _list_param(param))
    deps = st.sidebar.multiselect(t("department", lang), list(executing["department_code"]), key="deps",
                                  format_func=lambda c: names.get(c, c), placeholder=t("all", lang))
    blks = st.sidebar.multiselect(t("block", lang), list(block_names), key="blocks",
                                  format_func=lambda c: block_names.get(c, c), placeholder=t("all", lang))
    srcs = st.sidebar.multiselect(t("source", lang), ["edms", "protocol", "appeal"], key="sources",
                                  format_func=lambda c: label.get(("source", c), c), placeholder=t("all", lang))
    mts = st.sidebar.multiselect(t("meeting_type", lang), ["akimat_session", "apparatus", "operational",
                                                           "commission", "regional"], key="mtypes",
                                 format_func=lambda c: label.get(("meeting_type", c), c),
                                 placeholder=t("all", lang))
    # the state goes back into the URL
    q = {"lang": lang}
    if len(org_names) > 1:
        q["org"] = org
    if custom:
        q |= {"from": date_from.isoformat(), "to": date_to.isoformat()}
    else:
        q["month"] = month.strftime("%Y-%m")
    for param, values in (("dept", deps), ("block", blks), ("source", srcs), ("mtype", mts)):
        if values:
            q[param] = ",".join(values)
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)
    src = data.query(*queries.source_exports())
    basis = data_basis(as_of, as_of, [(r.kind, r.data_date, r.date_basis) for r in src.itertuples()], lang)
    st.sidebar.caption(f"{basis} {t('last_load', lang)} {last:%d.%m.%Y %H:%M}")
    snapshot_line(lang)
    f = queries.Filters(date_from, date_to, tuple(deps), tuple(blks), tuple(srcs), tuple(mts), (org,))
    return Context(lang, f, role, as_of, last, month if not custom else date_from.replace(day=1), org_names, basis)


def snapshot_line(lang: str) -> None:
    """Which load the published snapshot reflects (absent from snapshots published before it was kept)."""
    try:
        info = data.query("select load_id, file_name, published_at from snapshot_info")
    except duckdb.Error:
        return
    if not info.empty and info["load_id"].iloc[0]:
        r = info.iloc[0]
        st.sidebar.caption(f"{t('snapshot_load', lang)} #{r['load_id']} · {r['file_name']} · "
                           f"{r['published_at']:%d.%m.%Y %H:%M}")

