"""Roles (data/roles.toml) and the users file outside the code tree, with argon2id password hashes."""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipelines.paths import DATA

# argon2id with argon2-cffi's defaults (RFC 9106's second recommendation: t=3, 64 MiB, p=4), salted
HASHER = PasswordHasher()
# verified when a user does not exist, so that a wrong name costs as long as a wrong password
_DUMMY = HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Role:
    """What a role may see (data/roles.toml)."""

    name: str
    title: tuple[str, str, str]
    units: str  # "all" or "own"
    restricted: bool
    personal: bool
    sql: bool
    audit: bool


@dataclass(frozen=True)
class User:
    """One user of the users file: role, own unit (for units = "own"), e-mail (single sign-on), hash."""

    name: str
    role: str
    unit: str | None = None
    email: str | None = None
    password_hash: str | None = None


@dataclass
class UsersFile:
    """The users by name; `demo_password` is set only in the file `tartip demo` writes."""

    users: dict[str, User]
    demo_password: str | None = None


class UsersError(ValueError):
    """A users-file change that is refused; the message is in ru / kk / en."""


@cache
def config(path: Path | None = None) -> dict:
    """The roles file ($TARTIP_ROLES or data/roles.toml)."""
    path = path or Path(os.environ.get("TARTIP_ROLES", DATA / "roles.toml"))
    with open(path, "rb") as f:
        return tomllib.load(f)


def access() -> dict:
    """The [access] settings: lockout, session timeout, anonymous role, sandbox memory."""
    return config().get("access", {})


def role(name: str) -> Role:
    """A role by name (KeyError for an unknown one)."""
    r = config()["roles"][name]
    return Role(name, tuple(r["title"]), r.get("units", "all"), bool(r["restricted"]), bool(r["personal"]),
                bool(r.get("sql", False)), bool(r.get("audit", False)))


def role_names() -> list[str]:
    """Every role of the roles file."""
    return list(config()["roles"])


def anonymous_role() -> Role | None:
    """The role of visitors without a login, only when the roles file explicitly names one."""
    name = access().get("anonymous_role") or ""
    return role(name) if name else None


def users_path() -> Path:
    """The users file: $TARTIP_USERS, else [access] users_file, else ~/.config/tartip/users.toml."""
    configured = os.environ.get("TARTIP_USERS") or access().get("users_file")
    if configured:
        return Path(configured).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "tartip" / "users.toml"


def hash_password(password: str) -> str:
    """A salted argon2id hash in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash)."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches the hash (a missing hash never matches, and costs the same)."""
    try:
        return HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def read(path: Path | None = None) -> UsersFile:
    """The users file (empty when it does not exist yet)."""
    path = path or users_path()
    if not path.exists():
        return UsersFile({})
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    users = {name: User(name, u["role"], u.get("unit"), u.get("email"), u.get("password_hash"))
             for name, u in raw.get("users", {}).items()}
    return UsersFile(users, raw.get("demo", {}).get("password"))


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def write(uf: UsersFile, path: Path | None = None) -> Path:
    """Write the users file readable by its owner only, atomically (temporary file, then rename)."""
    path = path or users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Tartip users: written by `tartip users …`; passwords are argon2id hashes.", ""]
    if uf.demo_password:
        lines += ["# DEMO users for the demo data only, written by `tartip demo`.", "[demo]",
                  f"password = {_toml(uf.demo_password)}", ""]
    for u in uf.users.values():
        lines.append(f"[users.{_toml(u.name)}]")
        lines += [f"{k} = {_toml(v)}" for k, v in (("role", u.role), ("unit", u.unit), ("email", u.email),
                                                    ("password_hash", u.password_hash)) if v]
        lines.append("")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, path)
    return path


def check_password(password: str) -> None:
    """Refuse a password shorter than [access] min_password_length."""
    n = int(access().get("min_password_length", 10))
    if len(password) < n:
        raise UsersError(f"пароль короче {n} символов / құпиясөз {n} таңбадан қысқа / "
                         f"the password is shorter than {n} characters")


def add(name: str, role_name: str, password: str | None, unit: str | None = None, email: str | None = None,
        path: Path | None = None) -> User:
    """Add a user (a password, or only an e-mail for single sign-on); refuses a taken name or unknown role."""
    uf = read(path)
    if name in uf.users:
        raise UsersError(f"{name}: пользователь уже есть / пайдаланушы бар / the user exists")
    if role_name not in role_names():
        raise UsersError(f"{role_name}: нет такой роли / мұндай рөл жоқ / no such role "
                         f"({', '.join(role_names())})")
    if role(role_name).units == "own" and not unit:
        raise UsersError(f"роли {role_name} нужно --unit / {role_name} рөліне --unit керек / "
                         f"role {role_name} needs --unit (the department code)")
    if password is None and not email:
        raise UsersError("нужен пароль или e-mail / құпиясөз немесе e-mail керек / a password or an e-mail is needed")
    if password is not None:
        check_password(password)
    user = User(name, role_name, unit, email, hash_password(password) if password is not None else None)
    uf.users[name] = user
    write(uf, path)
    return user


def set_password(name: str, password: str, path: Path | None = None) -> None:
    """Change a user's password."""
    uf = read(path)
    if name not in uf.users:
        raise UsersError(f"{name}: нет такого пользователя / мұндай пайдаланушы жоқ / no such user")
    check_password(password)
    u = uf.users[name]
    uf.users[name] = User(u.name, u.role, u.unit, u.email, hash_password(password))
    write(uf, path)


def remove(name: str, path: Path | None = None) -> None:
    """Remove a user."""
    uf = read(path)
    if uf.users.pop(name, None) is None:
        raise UsersError(f"{name}: нет такого пользователя / мұндай пайдаланушы жоқ / no such user")
    write(uf, path)


def by_email(email: str | None, path: Path | None = None) -> User | None:
    """The user a single-sign-on e-mail maps to (case-insensitive), or None."""
    if not email:
        return None
    return next((u for u in read(path).users.values() if u.email and u.email.lower() == email.lower()), None)


DEMO_USERS = [("head", "head", None), ("org", "org_inspection", None), ("analyst", "analyst", None),
              ("edu", "department_head", "DEP-EDU")]


def write_demo(folder: Path) -> tuple[Path, str]:
    """Demo users for the demo data only (folder/users.toml) with a fresh random password; returns both."""
    password = secrets.token_urlsafe(9)
    hashed = hash_password(password)  # one hash for all: these users exist to show the roles
    uf = UsersFile({n: User(n, r, unit, None, hashed) for n, r, unit in DEMO_USERS}, demo_password=password)
    return write(uf, folder / "users.toml"), password
