"""Every query the dashboard runs, from the marts only (no measure is computed here).

Each function takes the filters and returns (sql, params); the benchmark times the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects; lives in the URL so that a view can be shared."""

    date_from: dt.date
    date_to: dt.date
    departments: tuple[str, ...] = field(default_factory=tuple)
    blocks: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    meeting_types: tuple[str, ...] = field(default_factory=tuple)


def _where(f: Filters, date_col: str = "due_date", dims: bool = True) -> tuple[str, list]:
    """WHERE clause of the filters over a table with due_date, department_code, block_code, source, meeting_type."""
    parts, params = [f"{date_col} between ? and ?"], [f.date_from, f.date_to]
    if dims:
        for col, values in (("department_code", f.departments), ("block_code", f.blocks),
                            ("source", f.sources), ("meeting_type", f.meeting_types)):
            if values:
                parts.append(f"{col} in ({', '.join('?' * len(values))})")
                params += list(values)
    return " and ".join(parts), params


RATE_COLUMNS = """
    sum(due_count)::bigint as due_count, sum(on_time_count)::bigint as on_time_count,
    sum(late_count)::bigint as late_count, sum(overdue_count)::bigint as overdue_count,
    sum(open_count)::bigint as open_count,
    sum(on_time_count) / nullif(sum(due_count), 0) as on_time_rate,
    sum(sum_working_days_late) / nullif(sum(late_count) + sum(overdue_count), 0) as avg_working_days_late,
    max(max_working_days_late) as max_working_days_late, sum(extension_count)::bigint as extension_count
"""


def rates_total(f: Filters) -> tuple[str, list]:
    """Due, on time, late, overdue and the on-time rate over the filtered period."""
    where, params = _where(f)
    return f"select {RATE_COLUMNS} from daily_execution where {where}", params


def trend(f: Filters, grain: str = "month") -> tuple[str, list]:
    """The rates per month (or week, quarter, year) of the filtered period."""
    where, params = _where(f)
    return (f"select cast(date_trunc('{grain}', due_date) as date) as period_start, {RATE_COLUMNS} "
            f"from daily_execution where {where} group by 1 order by 1"), params


def ranking(f: Filters, by: str = "department") -> tuple[str, list]:
    """Rates per department (or deputy's block) with names and rank, best first."""
    where, params = _where(f)
    if by == "block":
        return (f"""
            with r as (select block_code as code, {RATE_COLUMNS} from daily_execution where {where} group by 1)
            select r.*, b.block_name_kk as name_kk, b.block_name_ru as name_ru,
                   dense_rank() over (order by on_time_rate desc nulls last) as rank
            from r left join (select distinct block_code, block_name_kk, block_name_ru from departments) as b
                on b.block_code = r.code
            where due_count > 0 order by rank
        """, params)
    return (f"""
        with r as (select department_code as code, {RATE_COLUMNS} from daily_execution where {where} group by 1)
        select r.*, coalesce(d.name_kk, r.code, '?') as name_kk, coalesce(d.name_ru, r.code, '?') as name_ru,
               d.block_code, dense_rank() over (order by on_time_rate desc nulls last) as rank
        from r left join departments as d on d.department_code = r.code
        where due_count > 0 order by rank
    """, params)


def overdue_tasks(f: Filters, limit: int = 500) -> tuple[str, list]:
    """Tasks overdue as of the data date, worst first (the term may lie before the period)."""
    where, params = _where(f, date_col="due_date")
    params[0], params[1] = dt.date(1900, 1, 1), dt.date(9999, 12, 31)  # overdue now, whatever the period
    return (f"""
        select task_id, occurrence_id, source, coalesce(reg_no, protocol_no || ' п.' || item_no) as reg_no,
               department_code, department_name_kk, department_name_ru, executor_name, executor_role,
               summary, assigned_date, due_date, executed_date, outcome, working_days_late, extension_count,
               source_file, sheet, row_no
        from overdue_tasks where {where}
        order by working_days_late desc limit {int(limit)}
    """, params)


def due_soon(f: Filters, as_of: dt.date, days: int = 5) -> tuple[str, list]:
    """Open tasks due within the next N working days after the data date."""
    where, params = _where(f)
    params[0], params[1] = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
    return (f"""
        with horizon as (
            select max(t.date) as until from calendar as s
            join calendar as t on t.wd_index = s.wd_index + {int(days)} and t.is_working_day
            where s.date = ?
        )
        select task_id, occurrence_id, source, coalesce(reg_no, protocol_no || ' п.' || item_no) as reg_no,
               department_code, department_name_kk, department_name_ru, executor_name, summary, due_date
        from tasks, horizon
        where outcome = 'open' and due_date <= horizon.until and {where}
        order by due_date
    """, [as_of, *params])


def late_submissions(f: Filters) -> tuple[str, list]:
    """Deadline violations of the latest validation run whose deadline falls in the period."""
    where, params = _where(f, date_col="v.expected_date", dims=False)
    dep = ""
    if f.departments:
        dep = f" and v.department_code in ({', '.join('?' * len(f.departments))})"
        params += list(f.departments)
    return (f"""
        select v.rule_id, v.clause, v.severity, v.reg_no, v.department_code, v.expected_date, v.actual_date,
               v.working_days_late, v.message_kk, v.message_ru, v.message_en, v.source_file, v.sheet, v.row_no
        from current_violations as v
        where v.kind = 'deadline' and {where}{dep}
        order by v.working_days_late desc nulls last
    """, params)


def violations_by_rule() -> tuple[str, list]:
    """The summary of the latest validation run, one row per rule."""
    return ("""
        select rule_id, clause, kind, severity, title_kk, title_ru, title_en, records_checked, violations
        from validation_runs where run_id = (select max(run_id) from validation_runs)
        order by severity, violations desc
    """, [])


def department_violations(code: str) -> tuple[str, list]:
    """Violations of the latest run for one department."""
    return ("""
        select rule_id, clause, severity, reg_no, expected_value, actual_value, working_days_late,
               message_kk, message_ru, message_en, source_file, sheet, row_no
        from current_violations where department_code = ? order by rule_id, working_days_late desc nulls last
    """, [code])


def document_card(task_id: str) -> tuple[str, list]:
    """Every executor of one task with dates, outcome and where it came from."""
    return ("""
        select t.reg_no, t.summary, t.executor_name, t.executor_role, t.assigned_date, t.due_date,
               t.executed_date, t.outcome, t.working_days_late, t.source_file, t.sheet, t.row_no
        from tasks as t where t.task_id = ? order by t.executor_role desc, t.occurrence_no
    """, [task_id])


def protocol_tasks(f: Filters) -> tuple[str, list]:
    """Protocol task items by meeting type and protocol: items, executors, due, status."""
    where, params = _where(f)
    return (f"""
        select meeting_type, protocol_no, meeting_date, count(distinct task_id) as items,
               count(*) as executors, min(due_date) as first_due,
               count(*) filter (where outcome = 'on_time') as on_time,
               count(*) filter (where outcome = 'late') as late,
               count(*) filter (where outcome = 'overdue') as overdue,
               count(*) filter (where outcome = 'open') as open
        from tasks where source = 'protocol' and {where}
        group by all order by meeting_date desc, protocol_no
    """, params)


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
    """Protocols drawn up late or without a controller (latest validation run)."""
    return ("""
        select v.rule_id, v.clause, v.reg_no as protocol_no, p.meeting_type, p.meeting_date,
               v.expected_date, v.actual_date, v.working_days_late, v.message_kk, v.message_ru, v.message_en,
               v.source_file, v.sheet, v.row_no
        from current_violations as v join protocols as p on p.protocol_id = v.record_id
        where v.rule_id in ('R-8.5-DRAWN', 'R-8.7-DRAWN', 'R-5.34-DRAWN', 'R-5.46-DRAWN', 'R-5.54-DRAWN',
                            'R-8.5-CONTROLLER')
            and p.meeting_date between ? and ?
        order by p.meeting_date desc
    """, [f.date_from, f.date_to])


def appeals_monthly(f: Filters) -> tuple[str, list]:
    """Appeals per month of receipt: received, answered on time, late, overdue, forwarded in 3 WD."""
    return ("""
        with a as (
            select a.appeal_id, cast(date_trunc('month', a.received_at) as date) as month, a.appeal_kind,
                   a.forwarded_to is not null as forwarded
            from appeals as a where cast(a.received_at as date) between ? and ?
        ),
        t as (select task_id, outcome from tasks where source = 'appeal'),
        fw as (select record_id from current_violations where rule_id = 'R-12.9-FORWARD')
        select a.month, count(*) as received,
               count(*) filter (where t.outcome = 'on_time') as on_time,
               count(*) filter (where t.outcome = 'late') as late,
               count(*) filter (where t.outcome = 'overdue') as overdue,
               count(*) filter (where a.forwarded) as forwarded,
               count(*) filter (where a.forwarded and fw.record_id is null) as forwarded_in_time
        from a left join t on t.task_id = a.appeal_id left join fw on fw.record_id = a.appeal_id
        group by 1 order by 1
    """, [f.date_from, f.date_to])


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
    where, params = _where(f, date_col="v.expected_date", dims=False)
    return (f"""
        select v.department_code, d.name_kk, d.name_ru,
               count(*) as cases,
               count(*) filter (where v.actual_date is null) as not_submitted,
               max(v.working_days_late) as worst_working_days_late,
               string_agg(distinct v.clause, ', ') as clauses,
               string_agg(v.message_ru, '; ' order by v.expected_date) as facts_ru,
               string_agg(v.message_kk, '; ' order by v.expected_date) as facts_kk,
               string_agg(v.message_en, '; ' order by v.expected_date) as facts_en
        from current_violations as v
        left join departments as d on d.department_code = v.department_code
        where (v.rule_id in ('R-5.6-MATERIALS', 'R-5.28-MATERIALS', 'R-5.14-MATERIALS')
               or (v.rule_id = 'R-8.5-TASK' and v.record_id in (
                   select occurrence_id from tasks where meeting_type = 'operational')))
            and {where}
        group by all order by cases desc
    """, params)


def data_as_of() -> tuple[str, list]:
    """The data date and the last load time."""
    return "select as_of, last_loaded_at from data_as_of", []


def choices() -> tuple[str, list]:
    """Departments and blocks for the filters."""
    return ("""
        select department_code, name_kk, name_ru, kind, block_code, block_name_kk, block_name_ru
        from departments order by kind, name_ru
    """, [])


def DASHBOARD_QUERIES(f: Filters, as_of: dt.date) -> dict[str, tuple[str, list]]:  # noqa: N802
    """The queries a full round of the pages runs (for the benchmark)."""
    return {
        "rates_total": rates_total(f), "trend": trend(f), "ranking_department": ranking(f),
        "ranking_block": ranking(f, "block"), "overdue_tasks": overdue_tasks(f), "due_soon": due_soon(f, as_of),
        "late_submissions": late_submissions(f), "violations_by_rule": violations_by_rule(),
        "protocol_tasks": protocol_tasks(f), "protocol_violations": protocol_violations(f),
        "appeals_monthly": appeals_monthly(f), "last_loads": last_loads(), "quarantine": quarantine_rows(),
        "service_notes": service_notes(f), "data_as_of": data_as_of(),
    }
