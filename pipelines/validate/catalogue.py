"""The catalogue of rules (expectations/rules.toml), with terms resolved from data/settings.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings
from pipelines.paths import EXPECTATIONS, while_unchanged

RULES_FILE = EXPECTATIONS / "rules.toml"
KINDS = ("deadline", "form", "data")
GROUPS = ("service_note", "protocol", "forwarding")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """One check of the regulation."""

    id: str
    clause: str
    kind: str
    records: str
    severity: str
    responsible: str
    title_kk: str
    title_ru: str
    title_en: str
    message_kk: str
    message_ru: str
    message_en: str
    sql: str | None = None
    term: str | None = None
    relation: str | None = None
    filter: str = "true"
    suite: str | None = None
    expected: str | None = None
    groups: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        """The rule's title in kk, ru or en."""
        return getattr(self, f"title_{lang}")

    def term_setting(self) -> settings.Term | None:
        """The term of the rule from the settings file (None for form and data rules)."""
        return settings.term(self.term) if self.term else None


def load(path: Path = RULES_FILE) -> list[Rule]:
    """Read and check the catalogue: unique ids, known kinds and severities, terms that exist (once
    while the file is unchanged: ~30 ms, at every load of the inbox watcher otherwise)."""
    return list(_load(path))


@while_unchanged
def _load(path: Path) -> tuple[Rule, ...]:
    """Read and check a catalogue file (load)."""
    with open(path, "rb") as f:
        entries = tomllib.load(f)["rule"]
    rules, seen = [], set()
    fields = set(Rule.__dataclass_fields__)
    for e in entries:
        unknown = set(e) - fields
        if unknown:
            raise ValueError(f"{path}: rule {e.get('id')}: unknown keys {sorted(unknown)}")
        r = Rule(**{**e, "groups": tuple(e.get("groups", ()))})
        if r.id in seen:
            raise ValueError(f"{path}: rule id {r.id} twice")
        if r.kind not in KINDS or r.severity not in SEVERITIES:
            raise ValueError(f"{path}: rule {r.id}: kind must be one of {KINDS}, severity one of {SEVERITIES}")
        if set(r.groups) - set(GROUPS):
            raise ValueError(f"{path}: rule {r.id}: groups must be among {GROUPS}")
        if r.kind == "deadline" and not (r.sql and r.term):
            raise ValueError(f"{path}: deadline rule {r.id} needs sql and term")
        if r.term:
            r.term_setting()  # KeyError names a term missing from the settings
        seen.add(r.id)
        rules.append(r)
    return tuple(rules)


def by_id(rules: list[Rule]) -> dict[str, Rule]:
    """Index rules by id."""
    return {r.id: r for r in rules}
