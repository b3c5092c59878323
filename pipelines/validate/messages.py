"""Messages of a violation in kk / ru / en, filled in SQL from the rule's templates."""

from __future__ import annotations

import re

from pipelines.db import literal
from pipelines.validate.catalogue import Rule

NOT_DONE = {"kk": "орындалмаған", "ru": "не исполнено", "en": "not done"}
# what a missing act is called, by the records a rule checks (materials are submitted, not executed)
NOT_DONE_BY_RECORDS = {
    "material_submissions": {"kk": "ұсынылмаған", "ru": "не представлено", "en": "not submitted"},
    "protocols": {"kk": "рәсімделмеген", "ru": "не оформлен", "en": "not drawn up"},
}


_PLACEHOLDER = re.compile(r"\{(record|expected|actual|days|anchor)\}")


def message_sql(rule: Rule, lang: str) -> str:
    """SQL expression of a violation's message, over columns reg_no, expected_date, actual_date,
    working_days_late, anchor_text, actual_value of the checked relation.

    The template's text and its placeholders are concatenated (one pass per flag; chained
    `replace` calls scanned the message once per placeholder, and would fill a placeholder
    written inside a value).
    """
    subs = {
        "record": "coalesce(reg_no, record_id)",
        "expected": "coalesce(strftime(expected_date, '%d.%m.%Y'), expected_value, '')",
        "actual": f"coalesce(strftime(actual_date, '%d.%m.%Y'), actual_value, "
                  f"{literal(NOT_DONE_BY_RECORDS.get(rule.records, NOT_DONE)[lang])})",
        "days": "coalesce(cast(working_days_late as varchar), '')",
        "anchor": "coalesce(anchor_text, '')",
    }
    template, parts, pos = getattr(rule, f"message_{lang}"), [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts += [literal(template[pos:m.start()]), subs[m[1]]]
        pos = m.end()
    parts.append(literal(template[pos:]))
    return "(" + " || ".join(parts) + ")"
