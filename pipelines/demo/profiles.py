"""Discipline profiles of the demo's units: who is late, who lets tasks run overdue."""

from __future__ import annotations

import random

import pandas as pd

from pipelines import org

# the demo's story: housing and two rural districts are the weak spots, education is
# exemplary, construction lives on extensions, agriculture closes tasks without a card
STORY = {
    "DEP-HOUSING": dict(p_late=0.22, p_overdue=0.10, p_nocard=0.05, p_extension=0.15),
    "RD-KOGAM": dict(p_late=0.18, p_overdue=0.08, p_nocard=0.04),
    "RD-TEMIR": dict(p_late=0.15, p_overdue=0.07),
    "DEP-EDU": dict(p_late=0.02, p_overdue=0.005, p_nocard=0.005),
    "DEP-CONSTR": dict(p_late=0.10, p_overdue=0.04, p_extension=0.25),
    "DEP-AGRI": dict(p_late=0.08, p_overdue=0.03, p_nocard=0.12),
    "APP-GEN": dict(late_registration=0.08),
}
WEIGHT = {"department": 3.0, "rural_district": 1.0, "apparatus": 1.5}


def units(directory: org.Directory, seed: int) -> pd.DataFrame:
    """Return the executing units with names as exports write them and their profile."""
    rnd = random.Random(seed)
    rows = []
    for u in directory.units.values():
        if u.kind not in WEIGHT:
            continue
        alt = u.aliases[0] if u.aliases else u.name_ru
        if u.kind == "department":
            alt = f"ГУ «{u.name_ru} Отырарского района»"
        elif u.kind == "rural_district":  # the Russian short form, "Темир с/о"
            alt = next(a for a in u.aliases if "с/о" in a)
        p = dict(
            p_late=round(rnd.uniform(0.03, 0.10), 3),
            p_overdue=round(rnd.uniform(0.005, 0.03), 3),
            p_nocard=round(rnd.uniform(0.0, 0.02), 3),
            p_extension=round(rnd.uniform(0.04, 0.10), 3),
            late_registration=0.02,
        )
        p.update(STORY.get(u.code, {}))
        rows.append(dict(code=u.code, kind=u.kind, name_ru=u.name_ru, name_kk=u.name_kk,
                         name_alt=alt, weight=WEIGHT[u.kind], **p))
    df = pd.DataFrame(rows)
    df.insert(0, "idx", range(len(df)))
    return df
