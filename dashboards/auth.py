"""Who is using the dashboard: the login screen (users file or single sign-on), lockout, timeout, audit."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import streamlit as st

from dashboards import data
from pipelines import audit, users
from pipelines.i18n import LANGS, t
from pipelines.users import Role

log = logging.getLogger("tartip.auth")
KEY = "auth_session"
PAGES = ("overview", "departments", "protocols", "appeals", "quality", "sql", "slides", "audit")


@dataclass
class Session:
    """A logged-in user (or the anonymous visitor the roles file allows) and when it was last active."""

    user: str
    role: Role
    unit: str | None
    via: str  # "password", "sso" or "anonymous"
    last_seen: dt.datetime

    @property
    def scope(self) -> str | None:
        """The unit the session is limited to, or None for every unit."""
        return self.unit if self.role.units == "own" else None


def record(event: str, detail: str | None = None, rows: int | None = None, s: Session | None = None) -> None:
    """Append an event of the current session to the audit log."""
    s = s or st.session_state.get(KEY)
    audit.record(data.db_path(), event, s.user if s else None, s.role.name if s else None, detail, rows)


def _start(user: users.User, via: str) -> Session:
    """Open a session for a user and log it."""
    s = Session(user.name, users.role(user.role), user.unit, via, audit.now())
    st.session_state[KEY] = s
    for k in ("want_login", "sso_refused"):
        st.session_state.pop(k, None)
    record("login_ok", via, s=s)
    return s


def login(name: str, password: str) -> str:
    """Check a password: "ok" (the session is open), "locked" or "bad". Every attempt is logged."""
    cfg = users.access()
    until = audit.locked_until(data.db_path(), name, audit.now(), int(cfg.get("max_failed_logins", 5)),
                               float(cfg.get("lockout_minutes", 15)))
    if until:
        audit.record(data.db_path(), "login_locked", name, detail=f"until {until:%Y-%m-%d %H:%M} UTC")
        return "locked"
    user = users.read().users.get(name)
    if not users.verify_password(user.password_hash if user else None, password):
        audit.record(data.db_path(), "login_failed", name, user.role if user else None)
        return "bad"
    _start(user, "password")
    return "ok"


def sso_configured() -> bool:
    """True when secrets.toml has an [auth] section (Streamlit's OpenID Connect login)."""
    try:
        from streamlit.auth_util import get_secrets_auth_section

        return bool(get_secrets_auth_section())
    except Exception:  # noqa: BLE001 - no secrets file, or no Authlib: no single sign-on
        return False


def _sso_session() -> Session | None:
    """The session of a user the identity provider logged in (Streamlit's st.user), if any."""
    if not (sso_configured() and st.user.is_logged_in):
        return None
    return sso_login(st.user.get("email"))


def sso_login(email: str | None) -> Session | None:
    """Open the session of the users-file entry with this e-mail (its role and unit); an e-mail that is
    not there is refused and logged once per browser session."""
    user = users.by_email(email)
    if user is None:
        if not st.session_state.get("sso_refused"):
            audit.record(data.db_path(), "login_failed", email, detail="sso: e-mail not in the users file")
            st.session_state["sso_refused"] = True
        return None
    return _start(user, "sso")


def current() -> Session | None:
    """The session of this browser tab, after the idle timeout; the anonymous role only when allowed."""
    s: Session | None = st.session_state.get(KEY)
    now = audit.now()
    if s and s.via != "anonymous":
        idle = dt.timedelta(minutes=float(users.access().get("session_timeout_minutes", 30)))
        if now - s.last_seen > idle:
            record("timeout", s=s)
            st.session_state.pop(KEY)
            st.session_state["timed_out"] = True
            if s.via == "sso":  # else the identity cookie would log the session straight back in
                st.logout()
            s = None
    if s is None:
        s = _sso_session()
    if s is None and not st.session_state.get("want_login") and (anon := users.anonymous_role()):
        s = Session("anonymous", anon, None, "anonymous", now)
        st.session_state[KEY] = s
    if s:
        s.last_seen = now
    return s


def logout() -> None:
    """End the session (and the identity provider's cookie)."""
    s = st.session_state.pop(KEY, None)
    if s and s.via != "anonymous":
        record("logout", s=s)
    if s and s.via == "sso":
        st.logout()


def allowed_pages(role: Role) -> list[str]:
    """The pages a role may open: the SQL console needs `sql`, the audit log `audit`."""
    return [p for p in PAGES if (p != "sql" or role.sql) and (p != "audit" or role.audit)]


def login_form(lang: str) -> None:
    """The login screen: user and password, single sign-on when configured, and what the demo users are."""
    st.title(t("app_title", lang))
    st.subheader(t("login_title", lang))
    if st.session_state.pop("timed_out", False):
        st.warning(t("session_timed_out", lang))
    uf = users.read()
    if uf.demo_password:
        st.info(t("demo_users", lang).format(path=users.users_path(), names=", ".join(uf.users),
                                             password=uf.demo_password))
    elif not uf.users and not sso_configured():
        st.warning(t("no_users", lang).format(path=users.users_path()))
    with st.form("login_form"):
        name = st.text_input(t("user", lang), key="login_user")
        password = st.text_input(t("password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login", lang), type="primary")
    if submitted:
        result = login(name.strip(), password)
        if result == "ok":
            st.rerun()
        st.error(t("account_locked" if result == "locked" else "bad_login", lang))
    if sso_configured():
        if st.session_state.get("sso_refused"):
            st.error(t("sso_unknown", lang))
        if st.button(t("sso_login", lang), key="sso_login"):
            st.login()


def account_box(lang: str, s: Session) -> None:
    """Who is logged in, with which role, and the logout button, in the sidebar."""
    with st.sidebar.expander(f"{t('role', lang)}: {s.role.title[LANGS.index(lang)]}"):
        st.caption(f"{t('user', lang)}: **{s.user}**" + (f" · {s.unit}" if s.scope else ""))
        if s.via == "anonymous":
            if st.button(t("login", lang), key="anon_login"):
                st.session_state.pop(KEY, None)
                st.session_state["want_login"] = True
                st.rerun()
        elif st.button(t("logout", lang), key="logout"):
            logout()
            st.rerun()


def download_logger(name: str, rows: int):
    """A download button's on_click: logs which file left and how many rows it had."""
    def on_click() -> None:
        record("download", name, rows)
    return on_click
