"""Access control without a browser: hash format, the users CLI, the audit log and its chain, lockout."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import duckdb
import pytest
from click.testing import CliRunner

from pipelines import audit, users
from pipelines.cli import login_warnings, main

T0 = dt.datetime(2025, 3, 3, 9, 0)


def test_hash_is_salted_argon2id_in_the_phc_format():
    a, b = users.hash_password("correct horse 42"), users.hash_password("correct horse 42")
    assert re.fullmatch(r"\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", a)
    assert a != b  # a fresh salt each time
    assert users.verify_password(a, "correct horse 42") and users.verify_password(b, "correct horse 42")
    assert not users.verify_password(a, "correct horse 43")
    assert not users.verify_password(None, "correct horse 42")
    assert not users.verify_password("ab3e76d4aed32da4c5675cd4814e7ee8", "tartip")  # an old SHA-256: refused


def _cli(args, tmp_path, stdin=None):
    return CliRunner().invoke(main, ["users", *args, "--users", str(tmp_path / "u.toml")]
                              + ([] if args[0] == "list" else ["--db", str(tmp_path / "t.duckdb")]), input=stdin)


def test_users_cli_add_list_passwd_remove(tmp_path):
    r = _cli(["add", "aigerim", "--role", "head", "--password-stdin"], tmp_path, "first password 1\n")
    assert r.exit_code == 0, r.output
    r = _cli(["add", "marat", "--role", "department_head", "--unit", "DEP-EDU", "--password-stdin"], tmp_path,
             "second password 2\n")
    assert r.exit_code == 0, r.output
    r = _cli(["add", "dana", "--role", "analyst", "--email", "Dana@otyrar.example", "--sso-only"], tmp_path)
    assert r.exit_code == 0, r.output
    path = tmp_path / "u.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    uf = users.read(path)
    assert set(uf.users) == {"aigerim", "marat", "dana"} and uf.demo_password is None
    assert uf.users["marat"].unit == "DEP-EDU" and uf.users["dana"].password_hash is None
    assert users.verify_password(uf.users["aigerim"].password_hash, "first password 1")
    assert users.by_email("dana@OTYRAR.example", path).name == "dana"
    listing = _cli(["list"], tmp_path).output
    assert "marat" in listing and "DEP-EDU" in listing and "$argon2" not in listing
    r = _cli(["passwd", "aigerim", "--password-stdin"], tmp_path, "a new password 3\n")
    assert r.exit_code == 0, r.output
    assert users.verify_password(users.read(path).users["aigerim"].password_hash, "a new password 3")
    assert _cli(["remove", "marat"], tmp_path).exit_code == 0
    assert "marat" not in users.read(path).users
    events = audit.read(tmp_path / "t.duckdb").sort_values("event_id")
    assert list(events["event"]) == ["user_added", "user_added", "user_added", "password_changed", "user_removed"]
    assert list(events["user_name"]) == ["aigerim", "marat", "dana", "aigerim", "marat"]


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["add", "x", "--role", "head", "--password-stdin"], "short\n", "shorter than 10"),
    (["add", "x", "--role", "boss", "--password-stdin"], "long enough pw\n", "no such role"),
    (["add", "x", "--role", "department_head", "--password-stdin"], "long enough pw\n", "needs --unit"),
    (["add", "x", "--role", "analyst", "--sso-only"], None, "a password or an e-mail"),
    (["passwd", "nobody", "--password-stdin"], "long enough pw\n", "no such user"),
    (["remove", "nobody"], None, "no such user"),
])
def test_users_cli_refuses(tmp_path, args, stdin, message):
    r = _cli(args, tmp_path, stdin)
    assert r.exit_code == 1 and message in r.output
    assert not (tmp_path / "u.toml").exists() or not users.read(tmp_path / "u.toml").users


def test_users_cli_refuses_a_taken_name(tmp_path):
    assert _cli(["add", "x", "--role", "head", "--password-stdin"], tmp_path, "long enough pw\n").exit_code == 0
    r = _cli(["add", "x", "--role", "analyst", "--password-stdin"], tmp_path, "long enough pw\n")
    assert r.exit_code == 1 and "exists" in r.output
    assert users.read(tmp_path / "u.toml").users["x"].role == "head"


def test_users_file_defaults_outside_the_code_tree(monkeypatch, tmp_path):
    from pipelines.paths import ROOT

    monkeypatch.delenv("TARTIP_USERS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert users.users_path() == tmp_path / "tartip" / "users.toml"
    monkeypatch.setenv("TARTIP_USERS", str(tmp_path / "elsewhere.toml"))
    assert users.users_path() == tmp_path / "elsewhere.toml"
    shipped = (ROOT / "data" / "roles.toml").read_text(encoding="utf-8")
    assert "[users" not in shipped and "password_" not in shipped.replace("min_password_length", "")


def test_demo_writes_its_own_users_beside_the_demo_data(tmp_path):
    path, password = users.write_demo(tmp_path)
    uf = users.read(path)
    assert path.parent == tmp_path and uf.demo_password == password
    assert {u.role for u in uf.users.values()} == {"head", "org_inspection", "analyst", "department_head"}
    assert all(users.verify_password(u.password_hash, password) for u in uf.users.values())
    _, other = users.write_demo(tmp_path)
    assert other != password  # not a password anyone could know from the repository


def test_audit_rows_are_appended_with_a_hash_chain(tmp_path):
    db = tmp_path / "t.duckdb"
    audit.record(db, "login_ok", "head", "head", "password", at=T0)
    audit.record(db, "sql_run", "analyst", "analyst", "select 1", rows=1, at=T0 + dt.timedelta(minutes=1))
    audit.record(db, "download", "analyst", "analyst", "overdue.csv", rows=7, at=T0 + dt.timedelta(minutes=2))
    log = audit.read(db)
    assert audit.audit_path(db) == tmp_path / "t.audit.duckdb"
    assert list(log["event"]) == ["download", "sql_run", "login_ok"]  # newest first
    assert log.iloc[0]["rows"] == 7 and log.iloc[0]["detail"] == "overdue.csv"
    assert audit.broken_at(db) is None
    con = duckdb.connect(str(audit.audit_path(db)))
    con.execute("update audit_log set rows = 0 where event = 'download'")  # someone hides a download …
    con.close()
    assert audit.broken_at(db) == 3  # … and the chain says where
    with pytest.raises(ValueError):
        audit.record(db, "anything")


@pytest.mark.parametrize(("fails", "at", "locked"), [
    ([0, 1, 2, 3], 4, None),                     # four wrong passwords: not yet
    ([0, 1, 2, 3, 4], 5, 4 + 15),                # the fifth locks for 15 minutes after it
    ([0, 1, 2, 3, 4], 4 + 15, None),             # and the lock ends then
    ([0, 1, 2, 3, 20], 21, None),                # five, but not within 15 minutes
])
def test_lockout_after_repeated_failures(tmp_path, fails, at, locked):
    db = tmp_path / "t.duckdb"
    for m in fails:
        audit.record(db, "login_failed", "marat", at=T0 + dt.timedelta(minutes=m))
    audit.record(db, "login_failed", "someone_else", at=T0)
    until = audit.locked_until(db, "marat", T0 + dt.timedelta(minutes=at), 5, 15)
    assert until == (T0 + dt.timedelta(minutes=locked) if locked is not None else None)


def test_a_success_or_an_unlock_resets_the_count(tmp_path):
    db = tmp_path / "t.duckdb"
    for m in range(3):
        audit.record(db, "login_failed", "marat", at=T0 + dt.timedelta(minutes=m))
    audit.record(db, "login_ok", "marat", at=T0 + dt.timedelta(minutes=3))
    for m in range(4, 8):
        audit.record(db, "login_failed", "marat", at=T0 + dt.timedelta(minutes=m))
    assert audit.locked_until(db, "marat", T0 + dt.timedelta(minutes=8), 5, 15) is None
    audit.record(db, "login_failed", "marat", at=T0 + dt.timedelta(minutes=8))
    assert audit.locked_until(db, "marat", T0 + dt.timedelta(minutes=9), 5, 15) is not None
    r = CliRunner().invoke(main, ["users", "unlock", "marat", "--db", str(db)])
    assert r.exit_code == 0
    assert audit.locked_until(db, "marat", T0 + dt.timedelta(minutes=9), 5, 15) is None


def test_serve_warns_when_no_login_is_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("TARTIP_USERS", str(tmp_path / "none.toml"))
    monkeypatch.chdir(tmp_path)
    assert any("no login is configured" in w for w in login_warnings("0.0.0.0"))
    users.add("aigerim", "head", "long enough pw", path=tmp_path / "none.toml")
    assert login_warnings("0.0.0.0") == []
