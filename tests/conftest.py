"""Shared fixtures: a fresh in-memory database per test, the committed export files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import db, load, model, org

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Folder of the committed export fixtures."""
    return FIXTURES


@pytest.fixture(scope="session")
def directory() -> org.Directory:
    """The default organisation directory (Otyrar)."""
    return org.load()


@pytest.fixture
def con():
    """A fresh initialised in-memory database, closed after the test."""
    c = duckdb.connect(":memory:")
    db.init(c)
    yield c
    c.close()


@pytest.fixture
def ingest(con, directory):
    """Load files into the test database and rebuild the model; returns the summaries."""

    def run(*names: str | Path) -> list[load.Summary]:
        out = []
        for n in names:
            path = n if isinstance(n, Path) else FIXTURES / n
            out.append(load.load_file(con, path, resolve=lambda s, i: model.unresolved(con, directory, i)))
        model.build(con, directory)
        return out

    return run


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    """All rows of a query."""
    return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo year (Otyrar, 2025) written, loaded, validated and published once per test session."""
    from click.testing import CliRunner

    from pipelines.cli import main

    tmp = tmp_path_factory.mktemp("demo_year")
    runner = CliRunner()
    r = runner.invoke(main, ["demo", "--out", str(tmp / "demo")])
    assert r.exit_code == 0, r.output
    db = tmp / "t.duckdb"
    r = runner.invoke(main, ["ingest", str(tmp / "demo"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    return db


PASSWORD = "correct horse 42"
# one user per role; the department head's unit is the education department of the fixtures
ROLE_USERS = {"head": ("head", None), "org": ("org_inspection", None), "edu": ("department_head", "DEP-EDU"),
              "analyst": ("analyst", None), "viewer": ("viewer", None)}


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    """A users file with one user per role (password PASSWORD), outside the code tree."""
    from pipelines import users

    path = tmp_path_factory.mktemp("users") / "users.toml"
    hashed = users.hash_password(PASSWORD)
    users.write(users.UsersFile({name: users.User(name, role, unit, f"{name}@otyrar.example", hashed)
                                 for name, (role, unit) in ROLE_USERS.items()}), path)
    return path


@pytest.fixture(autouse=True)
def _test_users(users_file, monkeypatch):
    """Every test that renders a page logs in against the test users file (never a real one)."""
    monkeypatch.setenv("TARTIP_USERS", str(users_file))
