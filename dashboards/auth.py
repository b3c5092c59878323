"""Roles and a simple login (data/roles.toml): who may see ДСП contents and citizens' data."""

from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.paths import DATA


@dataclass(frozen=True)
class Role:
    """What a role may see."""

    name: str
    title: tuple[str, str, str]
    restricted: bool
    personal: bool


@cache
def config(path: Path | None = None) -> dict:
    """The roles file ($TARTIP_ROLES or data/roles.toml)."""
    path = path or Path(os.environ.get("TARTIP_ROLES", DATA / "roles.toml"))
    with open(path, "rb") as f:
        return tomllib.load(f)


def role(name: str) -> Role:
    """A role by name."""
    r = config()["roles"][name]
    return Role(name, tuple(r["title"]), bool(r["restricted"]), bool(r["personal"]))


def default_role() -> Role:
    """The role of a visitor who has not logged in."""
    return role(config()["default_role"])


def login(user: str, password: str) -> Role | None:
    """The user's role when the password matches, else None."""
    entry = config().get("users", {}).get(user)
    if not entry:
        return None
    digest = hashlib.sha256(password.encode()).hexdigest()
    return role(entry["role"]) if hmac.compare_digest(digest, entry["password_sha256"]) else None
