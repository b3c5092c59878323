"""Every query the dashboard runs, from the marts and the measure's macros only.

No outcome is counted here: rates come from `rates(...)` (sql/marts/03_measure.sql), protocol and
appeal figures from `protocol_outcomes(...)` / `appeal_outcomes(...)`, service notes from
`service_notes(...)`. Each function takes the filters and returns (sql, params); the benchmark
times the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects; lives in the URL so that a view can be shared."""

    date_from: dt.date
    date_to: dt.date
    departments: tuple[str, ...] = field(default_factory=tuple)
    blocks: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    meeting_types: tuple[str, ...] = field(default_factory=tuple)
    orgs: tuple[str, ...] = field(default_factory=tuple)


DIMS = (("orgs", "org_name"), ("departments", "department_code"), ("blocks", "block_code"),
        ("sources", "source"), ("meeting_types", "meeting_type"))


ALL_DIMS = tuple(a for a, _ in DIMS)


def _where(f: Filters, date_col: str | None = "due_date", dims: tuple[str, ...] = ALL_DIMS) -> tuple[str, list]:
    """WHERE clause of the filters (those named in dims) over a table with their columns."""
    parts, params = ["true"], []
    if date_col:
        parts, params = [f"{date_col} between ? and ?"], [f.date_from, f.date_to]
    for attr, col in DIMS:
        values = getattr(f, attr) if attr in dims else ()
        if values:
            column = "coalesce(org_name, '')" if col == "org_name" else col
            parts.append(f"{column} in ({', '.join('?' * len(values))})")
            params += list(values)
    return " and ".join(parts), params


def _macro_args(f: Filters, names: tuple[str, ...] = ALL_DIMS) -> tuple[str, list]:
    """The filters as named arguments of a measure macro: `date_from := ?, ..., orgs := ?::varchar[]`."""
    args = ["date_from := ?", "date_to := ?"] + [f"{n} := ?::varchar[]" for n in names]
    return ", ".join(args), [f.date_from, f.date_to, *[list(getattr(f, n)) for n in names]]


def count(sql_params: tuple[str, list]) -> tuple[str, list]:
    """The number of rows a list query returns, counted by the database (never len() of a cut list)."""
    sql, params = sql_params
    return f"select count(*) as n from ({sql})", params


def rates(f: Filters, period: str = "none", dim: str = "all") -> tuple[str, list]:
    """The measure's rates(...) over the filters: one row per organisation (and period, and unit)."""
    args, params = _macro_args(f)
    return (f"select *, dimension_code as code from rates({args}, period := ?, dim := ?) "
            f"order by org_name, period_start, rank nulls last, name_ru", [*params, period, dim])


def rates_total(f: Filters) -> tuple[str, list]:
    """Due, on time, late, overdue and the on-time rate over the filtered period."""
    return rates(f)


def trend(f: Filters, grain: str = "month") -> tuple[str, list]:
    """The rates per month (or week, quarter, year) of the filtered period."""
    return rates(f, period=grain)


def ranking(f: Filters, by: str = "department") -> tuple[str, list]:
    """Rates per department, deputy's block or organisation (all of them) with names and rank, best first."""
    if by == "org":
        sql, params = rates(replace(f, orgs=()))
        return (f"""
            select r.* exclude (name_kk, name_ru, name_en, code, rank), o.name_kk, o.name_ru, o.name_en,
                   r.org_name as code, dense_rank() over (order by r.on_time_rate desc) as rank
            from ({sql}) as r join organisations as o using (org_name)
            where r.due_count > 0 order by rank, o.name_ru
        """, params)
    sql, params = rates(f, dim=by)
    return f"select * from ({sql}) where due_count > 0 order by org_name, rank nulls last, name_ru", params


def overdue_tasks(f: Filters, limit: int | None = 500) -> tuple[str, list]:
    """Tasks overdue as of the data date, worst first (the term may lie before the period)."""
    where, params = _where(f, date_col=None)
    cut = f" limit {int(limit)}" if limit else ""
    return (f"""
        select task_id, occurrence_id, source, display_no as reg_no, org_name,
               department_code, department_name_kk, department_name_ru, department_name_en, executor_name,
               executor_role, summary, assigned_date, due_date, executed_date, outcome, working_days_late,
               extension_count, source_file, sheet, row_no
        from overdue_tasks where {where}
        order by working_days_late desc, reg_no{cut}
    """, params)


def due_soon(f: Filters, as_of: dt.date, days: int = 5) -> tuple[str, list]:
    """Open tasks due within the next N working days after the data date."""
    where, params = _where(f, date_col=None)
    return (f"""
        with horizon as (
            select max(t.date) as until from calendar as s
            join calendar as t on t.wd_index = s.wd_index + {int(days)} and t.is_working_day
            where s.date = ?
        )
        select task_id, occurrence_id, source, display_no as reg_no, department_code, department_name_kk,
               department_name_ru, department_name_en, executor_name, summary, due_date
        from tasks, horizon
        where outcome = 'open' and due_date <= horizon.until and {where}
        order by due_date
    """, [as_of, *params])


def late_submissions(f: Filters) -> tuple[str, list]:
    """Deadline violations of the latest validation run whose deadline falls in the period."""
    where, params = _where(f, date_col="v.expected_date", dims=("orgs", "departments"))
    return (f"""
        select v.rule_id, v.clause, v.severity, v.reg_no, v.department_code, v.expected_date, v.actual_date,
               v.working_days_late, v.message_kk, v.message_ru, v.message_en, v.source_file, v.sheet, v.row_no
        from current_violations as v
        where v.kind = 'deadline' and {where}
        order by v.working_days_late desc nulls last
    """, params)


def violations_by_rule() -> tuple[str, list]:
    """The summary of the latest validation run, one row per rule."""
    return ("""
        select rule_id, clause, kind, severity, title_kk, title_ru, title_en, records_checked, violations
        from validation_runs where run_id = (select max(run_id) from validation_runs)
        order by severity, violations desc
    """, [])


def department_violations(code: str, org: str = "") -> tuple[str, list]:
    """Violations of the latest run for one department of one organisation."""
    return ("""
        select rule_id, clause, severity, reg_no, expected_value, actual_value, working_days_late,
               message_kk, message_ru, message_en, source_file, sheet, row_no
        from current_violations where department_code = ? and org_name = ?
        order by rule_id, working_days_late desc nulls last
    """, [code, org])


def document_card(task_id: str) -> tuple[str, list]:
    """Every executor of one task with dates, outcome and where it came from."""
    return ("""
        select t.reg_no, t.summary, t.executor_name, t.executor_role, t.assigned_date, t.due_date,
               t.executed_date, t.outcome, t.working_days_late, t.source_file, t.sheet, t.row_no
        from tasks as t where t.task_id = ? order by t.executor_role desc, t.occurrence_no
    """, [task_id])


def protocol_tasks(f: Filters) -> tuple[str, list]:
    """Protocols of meetings in the period: items, executors and outcomes (protocol_outcomes(...))."""
    args, params = _macro_args(f, ("orgs", "departments", "blocks", "meeting_types"))
    return f"select * from protocol_outcomes({args})", params


def protocol_items(f: Filters) -> tuple[str, list]:
    """Every protocol task item and executor of the period."""
    where, params = _where(f)
    return (f"""
        select meeting_type, protocol_no, item_no, summary, executor_name, department_name_kk,
               department_name_ru, executor_role, due_date, executed_date, outcome, working_days_late
        from tasks where source = 'protocol' and {where}
        order by meeting_date desc, protocol_no, item_no
    """, params)


def protocol_violations(f: Filters) -> tuple[str, list]:
    """Protocols drawn up late or without a controller (the mart protocol_violations)."""
    where, params = _where(f, date_col="meeting_date", dims=("orgs", "meeting_types"))
    return f"select * from protocol_violations where {where} order by meeting_date desc", params


def appeals_monthly(f: Filters) -> tuple[str, list]:
    """Appeals per month of receipt: received, answered on time, late, overdue, forwarded (appeal_outcomes)."""
    args, params = _macro_args(f, ("orgs",))
    return f"select * from appeal_outcomes({args})", params


def appeals_list(f: Filters, restricted: bool = False) -> tuple[str, list]:
    """Appeals of the period; personal data only in the restricted snapshot."""
    who = "applicant, applicant_iin, applicant_phone" if restricted else "applicant_initials"
    return (f"""
        select reg_no, received_at, registered_at, appeal_kind, {who}, department_code, forwarded_to,
               forwarded_at, answered_at, result
        from appeals where cast(received_at as date) between ? and ? order by received_at desc
    """, [f.date_from, f.date_to])


def last_loads() -> tuple[str, list]:
    """The load log, newest first."""
    return ("""
        select load_id, file_name, kind, loaded_at, exported_at, rows_read, rows_loaded, rows_new, rows_updated,
               rows_quarantined, rows_skipped, unresolved_names
        from load_log order by load_id desc limit 50
    """, [])


def quarantine_rows(kind: str | None = None) -> tuple[str, list]:
    """Rows in quarantine with their reasons (citizens' data already masked in the snapshot)."""
    cond, params = ("where kind = ?", [kind]) if kind else ("", [])
    return (f"""
        select q.load_id, l.file_name, q.kind, q.sheet, q.row_no, q.reason_code, q.reason_ru, q.reason_kk,
               coalesce(q.raw_line, q.raw_row::varchar) as row_as_read
        from quarantine as q left join load_log as l using (load_id) {cond}
        order by q.load_id desc, q.row_no limit 1000
    """, params)


def service_notes(f: Filters) -> tuple[str, list]:
    """Bodies late with meeting materials or with operational-meeting tasks: the facts for a note."""
    args, params = _macro_args(f, ("orgs",))
    return f"select * from service_notes({args})", params


def data_as_of() -> tuple[str, list]:
    """The data date and the last load time."""
    return "select as_of, last_loaded_at from data_as_of", []


def source_exports() -> tuple[str, list]:
    """Per kind of export: its latest data date, file and how the date was found."""
    return "select kind, data_date, file_name, date_basis, files from source_exports order by kind", []


def organisations() -> tuple[str, list]:
    """The organisations in the data with their names, largest first."""
    return "select org_name, name_kk, name_ru, name_en, task_rows from organisations", []


def choices() -> tuple[str, list]:
    """Departments and blocks for the filters."""
    return ("""
        select department_code, name_kk, name_ru, name_en, kind, block_code, block_name_kk, block_name_ru, block_name_en
        from departments order by kind, name_ru
    """, [])


def DASHBOARD_QUERIES(f: Filters, as_of: dt.date) -> dict[str, tuple[str, list]]:  # noqa: N802
    """The queries a full round of the pages runs (for the benchmark)."""
    return {
        "rates_total": rates_total(f), "trend": trend(f), "ranking_department": ranking(f),
        "ranking_block": ranking(f, "block"), "overdue_tasks": overdue_tasks(f),
        "overdue_count": count(overdue_tasks(f, limit=None)), "due_soon": due_soon(f, as_of),
        "late_submissions": late_submissions(f), "violations_by_rule": violations_by_rule(),
        "protocol_tasks": protocol_tasks(f), "protocol_violations": protocol_violations(f),
        "appeals_monthly": appeals_monthly(f), "last_loads": last_loads(), "quarantine": quarantine_rows(),
        "service_notes": service_notes(f), "data_as_of": data_as_of(), "source_exports": source_exports(),
    }
