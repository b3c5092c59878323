"""Deadline rules: SQL over the working-day calendar, vectorised over all records at once."""

from __future__ import annotations

import datetime as dt
import functools

import duckdb

from pipelines import db, settings
from pipelines.paths import EXPECTATIONS
from pipelines.validate.catalogue import Rule
from pipelines.validate.messages import message_sql

FAMILIES = EXPECTATIONS / "deadlines"


def family_sql(rule: Rule, as_of: dt.date, tasks: str | None = None) -> str:
    """The rule's SQL family with its parameters filled in from the catalogue and the settings.

    tasks: the relation of the tasks as of `as_of` (default: computed, `tasks_as_of(as_of)`).
    """
    params = {
        "tasks": tasks or f"tasks_as_of(date '{as_of.isoformat()}')",
        **settings.sql_params(),
        "filter": rule.filter,
        "relation": rule.relation or "",
        "responsible": rule.responsible,
        "days": rule.term_setting().days,
        "calendar_days": "true" if rule.term_setting().unit == "cd" else "false",
        "as_of": as_of.isoformat(),
    }
    return db.render((FAMILIES / f"{rule.sql}.sql").read_text(encoding="utf-8"), params)


def judged_sql(rule: Rule, as_of: dt.date, tasks: str | None = None) -> str:
    """Every checked record with its deadline, what happened by as_of, and working days late.

    An act after as_of has not happened yet as of that date. Late = the act after the
    deadline, or no act and the deadline passed before as_of; without an act, working days
    late run to as_of, or to the family's until_date when earlier (materials: the meeting).
    """
    return f"""
        with checked as ({family_sql(rule, as_of, tasks)}),
        as_seen as (
            select * replace (case when actual_date <= date '{as_of}' then actual_date end as actual_date)
            from checked
        )
        select
            c.*,
            case when c.actual_date is not null then c.actual_date > c.expected_date
                 else c.expected_date < date '{as_of}' end as is_violation,
            greatest(1, case when c.actual_date is not null then ca.wd_index_next - ce.wd_index
                             else coalesce(cu.wd_index, cas.wd_index) - ce.wd_index end) as working_days_late
        from as_seen as c
        left join calendar as ce on ce.date = c.expected_date
        left join calendar as ca on ca.date = c.actual_date
        left join calendar as cu on cu.date = c.until_date and c.until_date < date '{as_of}'
        cross join (select wd_index from calendar where date = date '{as_of}') as cas
    """


def tasks_relation(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The relation the rules read the tasks as of `as_of` from: the `tasks` view over the tasks mart
    when the mart is tasks_as_of(the data date) and that is the date, else None (computed: tasks_as_of)."""
    mart = db.one(con, "select count(*) from duckdb_tables() where table_name = 'mart_tasks' "
                       "and schema_name = 'main' and database_name = current_database()")[0] and \
        db.one(con, "select as_of from data_as_of")[0] == as_of
    return "tasks" if mart else None


def standing(con: duckdb.DuckDBPyConnection, rules: list[Rule], as_of: dt.date, tasks: str | None,
             since: int | None, prev_run: int | None) -> dict[str, tuple[int, int]]:
    """The deadline rules whose judgments stand as run prev_run made them, with its (records checked,
    violations): that run judged every rule on the same report date, and no load after `since` (the
    load it covered) is of an export that can change a table the rule reads (model.CHANGED_BY,
    TASKS_CHANGED_BY). A rule is judged on its records and the date alone, so its flags are those
    that hold from that run.

    None stand when the tasks are computed (tasks_as_of: another date than the data's) or the rules,
    the settings or the model's inputs changed since (`since` is then None).
    """
    from pipelines import model

    if since is None or prev_run is None or tasks != "tasks" or \
            db.one(con, "select max(as_of) from validation_runs where run_id = ?", [prev_run])[0] != as_of:
        return {}
    fresh = model.fresh_kinds(con, since)
    changed_by = {**model.CHANGED_BY, "tasks": model.TASKS_CHANGED_BY}  # the date is the same
    before = {r[0]: (r[1], r[2]) for r in con.execute(
        "select rule_id, records_checked, violations from validation_runs where run_id = ?", [prev_run]).fetchall()}
    out = {}
    for rule in rules:
        reads = reads_tables(judged_sql(rule, _ANY_DATE, tasks))
        if rule.id in before and all(t in changed_by and not changed_by[t] & fresh for t in reads):
            out[rule.id] = before[rule.id]
    return out


# the tables a rule reads do not depend on the date (a literal of its SQL): its SQL rendered for
# one date serves every date, and a long-lived process (the inbox watcher) parses it once
_ANY_DATE = dt.date(2000, 1, 1)


@functools.lru_cache(maxsize=256)
def reads_tables(sql: str) -> frozenset[str]:
    """The tables a SQL text reads, as DuckDB's parser finds them (~3-6 ms a rule: kept per text)."""
    return frozenset(duckdb.get_table_names(sql))


def run(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: dt.date, tasks: str | None = None) -> tuple[int, int]:
    """Check one deadline rule and add its flags to temp.new_flags (flags.gather); return (records
    checked, violations). tasks: tasks_relation(con, as_of), worked out once per run.

    The judged records are not stored: they are counted, and only the violations are formatted
    into flags (storing every record with its texts cost more than judging them).
    """
    judged = judged_sql(rule, as_of, tasks)
    checked = db.one(con, f"select count(*) from ({judged})")[0]
    responsible = "department_code" if rule.responsible == "record" else f"'{rule.responsible}'"
    # the rule's flags as judged now, gathered for flags.settle (run.run): unchanged ones are kept
    bad = db.one(con, f"""
        insert into temp.new_flags by name
        select
            '{rule.id}' as rule_id, '{rule.clause}' as clause, '{rule.kind}' as kind, '{rule.severity}' as severity,
            record_table, record_id, reg_no, {responsible} as department_code,
            strftime(expected_date, '%d.%m.%Y') as expected_value, strftime(actual_date, '%d.%m.%Y') as actual_value,
            expected_date, actual_date, working_days_late,
            {message_sql(rule, 'kk')} as message_kk, {message_sql(rule, 'ru')} as message_ru,
            {message_sql(rule, 'en')} as message_en,
            source_file, sheet, row_no, coalesce(org_name, '') as org_name
        from (select *, null::varchar as expected_value, null::varchar as actual_value from ({judged}))
        where is_violation
    """)[0]
    return checked, bad
