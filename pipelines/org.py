"""The organisation directory (data/org/*.toml) and resolution of free-written unit names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.paths import DEFAULT_ORG, while_unchanged

# legal-form prefixes and filler words that exports add around a unit's name
_NOISE = re.compile(
    r"\b(гу|кгу|ргу|ммм|мм|рмм|коммунальное государственное учреждение|государственное учреждение"
    r"|мемлекеттік мекемесі|мемлекеттік мекеме|коммуналдық мемлекеттік мекемесі)\b"
)
_PUNCT = re.compile(r"[«»\"'“”„().,;:№]+")
_SPACES = re.compile(r"\s+")
# cp1251 has no Kazakh letters: exports saved by Russian Excel carry their nearest Russian
# ones, so names are compared with the Kazakh-only letters folded the same way
_FOLD = str.maketrans("әғқңөұүһ", "агкноуух")
_PERSON = re.compile(r"\s[-–—]\s.*$|\s\([^)]*\)\s*$")
# a name that speaks of a rural district: «с/о», «сельский округ», «ауылдық округ», «а/о»
_RURAL = re.compile(r"с/о|а/о|сельск|ауылд|округ")


@dataclass(frozen=True)
class Unit:
    """One unit of the directory."""

    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str | None = None
    supervisor: str | None = None
    akimat_member: bool = False
    block_kk: str | None = None
    block_ru: str | None = None
    block_en: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Directory:
    """An organisation's units and an index of their normalised names."""

    code: str
    name_kk: str
    name_ru: str
    units: dict[str, Unit]
    district_words: tuple[str, ...]
    index: dict[str, str] = field(default_factory=dict)
    name_en: str | None = None
    rural: list[tuple[re.Pattern, str]] = field(default_factory=list)

    def name(self, lang: str) -> str:
        """The organisation's name in a language (English falls back to Russian when not given)."""
        return {"kk": self.name_kk, "en": self.name_en or self.name_ru}.get(lang, self.name_ru)

    def normalise(self, name: str, drop_person: bool = False) -> str:
        """Lower-case a name and drop quotes, legal forms, the district's name and punctuation.

        drop_person also drops a trailing person ("Отдел образования - Иванов А.").
        """
        s = name.lower().replace("ё", "е").replace("\n", " ").translate(_FOLD).strip()
        if drop_person:
            s = _PERSON.sub("", s)
        s = _PUNCT.sub(" ", s)
        for w in (w.translate(_FOLD) for w in self.district_words):
            s = s.replace(w, " ")
        s = _NOISE.sub(" ", s)
        return _SPACES.sub(" ", s).strip(" -")

    def resolve_exact(self, name: str) -> str | None:
        """Return the unit code when the normalised name is a known name or alias."""
        return self.index.get(self.normalise(name)) or self.index.get(self.normalise(name, drop_person=True))

    def resolve(self, name: str | None) -> str | None:
        """Return the unit code for a free-written name, or None when nothing matches.

        Exact match of the normalised name first; then the longest known name that the
        given one contains (so "Аппарат акима Шаульдерского сельского округа" finds its
        alias "шаульдерского сельского округа").
        """
        if name is None or not str(name).strip():
            return None
        exact = self.resolve_exact(str(name))
        if exact:
            return exact
        key = self.normalise(str(name), drop_person=True)
        if _RURAL.search(key):
            for pattern, code in self.rural:
                if pattern.search(key):
                    return code
        best = None
        for alias, code in self.index.items():
            # a whole-word match: «аким» is not in «акима» nor in «советник акима»
            if len(alias) >= 4 and re.search(rf"(^|\s){re.escape(alias)}(\s|$)", key) and (
                best is None or len(alias) > len(best[0])
            ):
                best = (alias, code)
        return best[1] if best else None

    def index_rural(self, unit: Unit) -> None:
        """Index a rural district by the stems of its name in any case and either language.

        From the aliases «Аккум с/о», «Ақкұм а/о» and «Аккумского сельского округа»: the name
        before «с/о» / «а/о» / «ауылдық» and the adjective stem «аккумск» (аккумский, -ого, -ом …).
        """
        stems = set()
        for a in (unit.name_kk, unit.name_ru, *unit.aliases):
            n = self.normalise(a)
            m = re.match(r"(?:аппарат акима |аким )?(\S+?)ого сельского округа$", n)
            if m:
                stems.add(re.escape(m.group(1)) + r"\w*")
            m = re.match(r"(\S+) (с/о|а/о|ауылдык)", n)
            if m:
                stems.add(re.escape(m.group(1)) + r"(?=\s)")
        if stems:
            self.rural.append((re.compile(rf"(^|\s)({'|'.join(sorted(stems))})"), unit.code))

    def frame(self) -> pd.DataFrame:
        """Return the directory as a table (one row per unit, with its block)."""
        rows = []
        for u in self.units.values():
            sup = self.units.get(u.supervisor) if u.supervisor else None
            block = u if u.kind == "deputy" else sup
            rows.append({
                "org_code": self.code,
                "department_code": u.code,
                "kind": u.kind,
                "name_kk": u.name_kk,
                "name_ru": u.name_ru,
                "name_en": u.name_en or u.name_ru,
                "supervisor_code": u.supervisor,
                "block_code": block.code if block else None,
                "block_name_kk": (block.block_kk or block.name_kk) if block else None,
                "block_name_ru": (block.block_ru or block.name_ru) if block else None,
                "block_name_en": (block.block_en or block.name_en or block.block_ru or block.name_ru)
                if block else None,
                "is_akimat_member": u.akimat_member,
                "aliases": list(u.aliases),
            })
        return pd.DataFrame(rows)


def load(path: Path = DEFAULT_ORG) -> Directory:
    """Read a directory file and index every name and alias of its units (once while the file is
    unchanged: ~40 ms, at every load of the inbox watcher otherwise)."""
    return _load(path)


@while_unchanged
def _load(path: Path) -> Directory:
    """Read and index a directory file (load)."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    org = raw["organisation"]
    units = {}
    for u in raw["unit"]:
        units[u["code"]] = Unit(
            code=u["code"], kind=u["kind"], name_kk=u["name_kk"], name_ru=u["name_ru"],
            name_en=u.get("name_en"), supervisor=u.get("supervisor"), akimat_member=u.get("akimat_member", False),
            block_kk=u.get("block_kk"), block_ru=u.get("block_ru"), block_en=u.get("block_en"),
            aliases=tuple(u.get("aliases", [])),
        )
    d = Directory(org["code"], org["name_kk"], org["name_ru"], units,
                  tuple(w.lower() for w in org.get("district_words", [])), name_en=org.get("name_en"))
    for u in units.values():
        for name in (u.code, u.name_kk, u.name_ru, *u.aliases):
            key = d.normalise(name)
            other = d.index.get(key)
            if other and other != u.code:
                raise ValueError(f"{path}: name {name!r} is given to both {other} and {u.code}")
            d.index[key] = u.code
        if u.kind == "rural_district":
            d.index_rural(u)
    return d


_MARK = re.compile(r"\s*(\((свод|жинақтау|координатор|үйлестіруші|головной|жауапты)\)|\*)\s*", re.I)
_SPLIT = re.compile(r"[;\n\r]+")
_UNIT_WORDS = re.compile(r"отдел|бөлім|аппарат|управлен|басқарма|округ|акимат|әкімдік|служб|қызмет")


def split_executors(cell: str | None, directory: Directory) -> list[tuple[str, bool, str | None]]:
    """Split an executors cell into (name, marked as coordinator, unit code or None), in order.

    Items are separated by ";" or line breaks, or by commas when every comma-separated
    part is a known unit (names such as "Отдел строительства, архитектуры и
    градостроительства" contain commas themselves). A coordinator is marked "(свод)",
    "(жинақтау)", "(координатор)" or "*" (R-9.15).
    """
    out: list[tuple[str, bool, str | None]] = []
    if cell is None:
        return out
    for piece in _SPLIT.split(str(cell)):
        piece = piece.strip(" ,")
        if not piece or piece.lower() in ("-", "—", "нет", "жоқ"):
            continue
        parts = [piece]
        if "," in piece and directory.resolve_exact(_MARK.sub(" ", piece).strip()) is None:
            commas = [p.strip() for p in piece.split(",") if p.strip()]
            if all(directory.resolve(_MARK.sub(" ", p).strip()) for p in commas):
                parts = commas
        for p in parts:
            marked = bool(_MARK.search(p))
            name = _MARK.sub(" ", p).strip()
            code = directory.resolve(name)
            if code is None and out and out[-1][2] and not _UNIT_WORDS.search(name.lower()):
                # a person written on the line under their unit belongs to it
                continue
            out.append((name, marked, code))
    return out
