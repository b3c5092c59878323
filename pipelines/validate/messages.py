"""Messages of a violation in kk / ru / en, filled in SQL from the rule's templates."""

from __future__ import annotations

from pipelines.db import literal
from pipelines.validate.catalogue import Rule

NOT_DONE = {"kk": "орындалмаған", "ru": "не исполнено", "en": "not done"}
# what a missing act is called, by the records a rule checks (materials are submitted, not executed)
NOT_DONE_BY_RECORDS = {
    "material_submissions": {"kk": "ұсынылмаған", "ru": "не представлено", "en": "not submitted"},
    "protocols": {"kk": "рәсімделмеген", "ru": "не оформлен", "en": "not drawn up"},
}


def message_sql(rule: Rule, lang: str) -> str:
    """SQL expression of a violation's message, over columns reg_no, expected_date, actual_date,
    working_days_late, anchor_text, actual_value of the checked relation."""
    expr = literal(getattr(rule, f"message_{lang}"))
    subs = {
        "{record}": "coalesce(reg_no, record_id)",
        "{expected}": "coalesce(strftime(expected_date, '%d.%m.%Y'), expected_value, '')",
        "{actual}": f"coalesce(strftime(actual_date, '%d.%m.%Y'), actual_value, "
                    f"{literal(NOT_DONE_BY_RECORDS.get(rule.records, NOT_DONE)[lang])})",
        "{days}": "coalesce(cast(working_days_late as varchar), '')",
        "{anchor}": "coalesce(anchor_text, '')",
    }
    for key, col in subs.items():
        expr = f"replace({expr}, {literal(key)}, {col})"
    return expr
