"""A violation's message: the rule's template filled in SQL (validate/messages.py)."""

from __future__ import annotations

import dataclasses

import duckdb

from pipelines.validate import catalogue
from pipelines.validate.messages import message_sql


def _message(rule, lang: str, **row) -> str:
    cols = {"reg_no": None, "record_id": "edms/x", "expected_date": None, "actual_date": None,
            "expected_value": None, "actual_value": None, "working_days_late": None, "anchor_text": None, **row}
    types = {k: "date" if k.endswith("_date") else "integer" if k == "working_days_late" else "varchar"
             for k in cols}
    con = duckdb.connect()
    con.execute("create table r as select " + ", ".join(f"?::{types[k]} as {k}" for k in cols), list(cols.values()))
    return con.execute(f"select {message_sql(rule, lang)} from r").fetchall()[0][0]


def test_every_placeholder_is_filled_in_each_language():
    rule = catalogue.by_id(catalogue.load())["R-9.15-DUE"]
    row = {"reg_no": "01-12/7", "expected_date": "2025-03-20", "actual_date": "2025-03-27", "working_days_late": 2}
    assert _message(rule, "ru", **row) == "01-12/7: срок 20.03.2025, исполнение: 27.03.2025 (опоздание 2 раб. дн.)"
    assert _message(rule, "en", **row) == "01-12/7: due 20.03.2025, executed: 27.03.2025 (2 WD late)"
    # not executed: the rule's word for a missing act; no registration number: the record id
    assert _message(rule, "ru", expected_date="2025-03-20").startswith(
        "edms/x: срок 20.03.2025, исполнение: не исполнено")


def test_a_value_is_not_read_as_a_template_and_a_repeated_placeholder_is_filled_twice():
    rule = dataclasses.replace(catalogue.by_id(catalogue.load())["R-9.15-DUE"],
                               message_ru="{record} / {record}: {days}")
    assert _message(rule, "ru", reg_no="{days}", working_days_late=3) == "{days} / {days}: 3"
