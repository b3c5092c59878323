"""The four kinds of export: what each one's columns are called and how its records are keyed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_HEADER_NOISE = re.compile(r"[.:*(),]|№|\bno\b|\bn\b|\bnr\b")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # every field's aliases are normalised again for each header cell it is matched to
def normalise_header(text: object) -> str:
    """Lower-case a header cell and drop dots, "№"/"N"/"No", line breaks and extra spaces."""
    s = str(text or "").lower().replace("ё", "е").replace("\u00a0", " ")
    s = _HEADER_NOISE.sub(" ", s)
    return _SPACES.sub(" ", s).strip(" -")


@dataclass(frozen=True)
class Field:
    """One canonical column of a source and the header spellings that name it."""

    name: str
    aliases: tuple[str, ...]
    required: bool = False
    description: str = ""

    def matches(self, header: str) -> bool:
        """True when a normalised header is one of this field's aliases."""
        return header in {normalise_header(a) for a in self.aliases}


@dataclass(frozen=True)
class Source:
    """A kind of export: its raw table, its fields, the fields that key a record, its title."""

    kind: str
    title_ru: str
    title_kk: str
    fields: tuple[Field, ...]
    # the date field of the record's key, parsed once per row as `key_date`
    key_date: str
    # SQL expressions over the raw text columns (and key_date) that identify a record across
    # exports (language- and format-independent: a later export of the same card has the same key)
    key: tuple[str, ...]
    # (SQL condition over the raw text columns, reason ru, reason kk): a row that meets
    # the condition cannot be loaded into the model and goes to quarantine
    quarantine: tuple[tuple[str, str, str], ...] = ()

    @property
    def table(self) -> str:
        """Name of the raw table."""
        return f"raw_{self.kind}"

    @property
    def field_names(self) -> list[str]:
        """Canonical column names in declaration order."""
        return [f.name for f in self.fields]

    def match(self, header: str) -> str | None:
        """Return the field a normalised header names, or None."""
        for f in self.fields:
            if f.matches(header):
                return f.name
        return None


def F(name: str, *aliases: str, required: bool = False, description: str = "") -> Field:  # noqa: N802
    """Shorthand for a Field."""
    return Field(name, aliases, required, description)


def all_sources() -> list[Source]:
    """Every kind of export the pipeline reads."""
    from pipelines.sources import appeals, edms, materials, protocols

    return [edms.SOURCE, protocols.SOURCE, materials.SOURCE, appeals.SOURCE]


def by_kind(kind: str) -> Source:
    """Return the source of a kind ('edms', 'protocols', 'materials', 'appeals')."""
    for s in all_sources():
        if s.kind == kind:
            return s
    raise KeyError(kind)
