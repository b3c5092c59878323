"""Everything the monthly report shows, read from the published marts (the dashboard's numbers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import org
from pipelines.calendar import month_end, previous_month


@dataclass
class ReportData:
    """The figures of one month, as of one date, in one language."""

    month: dt.date
    as_of: dt.date
    lang: str
    org_name: str
    headline: pd.DataFrame  # this month and the previous one: due, on time, late, overdue, rate
    departments: pd.DataFrame  # per department: counts, rate, rank, change vs previous month
    trend: pd.DataFrame  # 12 months up to the month
    overdue: pd.DataFrame  # overdue at month end, worst first
    rules: pd.DataFrame  # late and malformed submissions by rule and clause
    service_notes: pd.DataFrame  # bodies for service notes with their facts
    quality: dict  # files loaded, rows quarantined


def default_as_of(con: duckdb.DuckDBPyConnection, month: dt.date) -> dt.date:
    """The day after the month ended, or the data's own date if that is earlier."""
    data_date = con.execute("select as_of from data_as_of").fetchone()[0]
    return min(month_end(month) + dt.timedelta(days=1), data_date)


RATES = """
    count(*) filter (where outcome <> 'open') as due_count,
    count(*) filter (where outcome = 'on_time') as on_time_count,
    count(*) filter (where outcome = 'late') as late_count,
    count(*) filter (where outcome = 'overdue') as overdue_count,
    count(*) filter (where outcome = 'on_time') / nullif(count(*) filter (where outcome <> 'open'), 0)
        as on_time_rate,
    coalesce(avg(working_days_late) filter (where outcome in ('late', 'overdue')), 0) as avg_working_days_late,
    coalesce(max(working_days_late), 0) as max_working_days_late,
    coalesce(sum(extension_count), 0) as extension_count
"""


def load(snapshot: Path, month: dt.date, lang: str = "ru", as_of: dt.date | None = None,
         org_file: Path | None = None) -> ReportData:
    """Read the month's figures from a published snapshot; as of a date (default: the month's end)."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        as_of = as_of or default_as_of(con, month)
        prev = previous_month(month)
        name = "name_kk" if lang == "kk" else "name_ru"
        con.execute(f"create temp table t as select * from tasks_as_of(date '{as_of}')")
        headline = con.execute(f"""
            select cast(date_trunc('month', due_date) as date) as period_start, {RATES}
            from t where due_date between ? and ? group by 1 order by 1
        """, [prev, month_end(month)]).df()
        departments = con.execute(f"""
            with cur as (select department_code, {RATES} from t where due_date between ? and ? group by 1),
            prv as (select department_code, count(*) filter (where outcome = 'on_time')
                           / nullif(count(*) filter (where outcome <> 'open'), 0) as prev_rate
                    from t where due_date between ? and ? group by 1)
            select coalesce(d.{name}, cur.department_code, '?') as department, cur.*,
                   dense_rank() over (order by cur.on_time_rate desc nulls last) as rank,
                   cur.on_time_rate - prv.prev_rate as change
            from cur left join prv using (department_code)
            left join departments as d using (department_code)
            where cur.due_count > 0 order by rank, department
        """, [month, month_end(month), prev, month_end(prev)]).df()
        start = (month.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
        trend = con.execute(f"""
            select cast(date_trunc('month', due_date) as date) as period_start, {RATES}
            from t where due_date between ? and ? group by 1 order by 1
        """, [start, month_end(month)]).df()
        overdue = con.execute(f"""
            select coalesce(reg_no, protocol_no || ' п.' || item_no) as reg_no, source,
                   coalesce(department_{name}, department_code, '?') as department, executor_name,
                   executor_role, due_date, working_days_late, summary
            from t where outcome = 'overdue' and due_date <= ?
            order by working_days_late desc, reg_no
        """, [month_end(month)]).df()
        rules = con.execute(f"""
            select r.rule_id, r.clause, r.kind, r.severity, r.title_{lang} as title, count(v.rule_id) as violations
            from (select * from validation_runs where run_id = (select max(run_id) from validation_runs)) as r
            left join current_violations as v on v.rule_id = r.rule_id
                and (v.expected_date between ? and ? or v.expected_date is null)
            group by all having count(v.rule_id) > 0 order by r.severity, violations desc
        """, [month, month_end(month)]).df()
        service_notes = con.execute(f"""
            select coalesce(d.{name}, v.department_code, '?') as department, count(*) as cases,
                   count(*) filter (where v.actual_date is null) as not_submitted,
                   max(v.working_days_late) as worst_working_days_late,
                   string_agg(distinct v.clause, ', ') as clauses,
                   string_agg(v.message_{lang}, '; ' order by v.expected_date) as facts
            from current_violations as v left join departments as d using (department_code)
            where (v.rule_id in ('R-5.6-MATERIALS', 'R-5.28-MATERIALS', 'R-5.14-MATERIALS')
                   or (v.rule_id = 'R-8.5-TASK' and v.record_id in
                       (select occurrence_id from t where meeting_type = 'operational')))
                and v.expected_date between ? and ?
            group by all order by cases desc
        """, [month, month_end(month)]).df()
        files, quarantined = con.execute(
            "select count(*), coalesce(sum(rows_quarantined), 0) from load_log").fetchone()
    finally:
        con.close()
    directory = org.load(org_file) if org_file else org.load()
    return ReportData(month, as_of, lang, directory.name_kk if lang == "kk" else directory.name_ru, headline,
                      departments, trend, overdue, rules, service_notes,
                      {"files": int(files), "quarantined": int(quarantined)})
