"""Everything the monthly report shows, read from the published snapshot through the measure's
macros (sql/marts/03_measure.sql): the same figures as the dashboard and execution_summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import i18n, settings
from pipelines.calendar import month_end, previous_month


@dataclass
class ReportData:
    """The figures of one month of one organisation, as of one date, in one language."""

    month: dt.date
    as_of: dt.date  # the date the figures are judged on
    data_date: dt.date  # the latest data date of the snapshot (= as_of unless frozen with --as-of)
    lang: str
    org_name: str  # as shown
    headline: pd.DataFrame  # the previous month and this one: due, on time, late, overdue, rate
    departments: pd.DataFrame  # per department: counts, rate, rank, change vs previous month
    trend: pd.DataFrame  # 12 months up to the month
    overdue: pd.DataFrame  # overdue at the report date with their term in or before the month
    rules: pd.DataFrame  # late and malformed submissions by rule and clause
    service_notes: pd.DataFrame  # bodies for service notes with their facts
    sources: pd.DataFrame  # per kind of export: its latest data date and file
    quality: dict  # files loaded, rows quarantined
    by_source: pd.DataFrame  # the month's rates per source (edms, protocol, appeal), from rates(dim := 'source')
    appeals: pd.DataFrame  # the month's appeals: received, forwarded, forwarded in time (appeal_outcomes)
    discuss: pd.DataFrame  # the units to discuss: the weakest N and the biggest drop, with `reason`

    @property
    def basis(self) -> str:
        """The line naming the date judged on and every source's export date."""
        rows = [(r.kind, r.data_date, r.date_basis) for r in self.sources.itertuples()]
        return i18n.data_basis(self.as_of, self.data_date, rows, self.lang)

    @property
    def current(self) -> pd.Series:
        """The month's headline row (zeros when nothing was due)."""
        return self.headline.iloc[-1]

    @property
    def previous(self) -> pd.Series:
        """The previous month's headline row."""
        return self.headline.iloc[0]

    def overdue_of(self, code: str) -> pd.DataFrame:
        """The overdue tasks of one unit (by department code), worst first."""
        return self.overdue[self.overdue["department_code"] == code]

    def source(self, kind: str) -> pd.Series | None:
        """The month's rates of one source ('protocol', 'appeal', 'edms'), None when nothing was due."""
        hit = self.by_source[self.by_source["dimension_code"] == kind]
        return None if hit.empty else hit.iloc[0]

    @property
    def frozen(self) -> bool:
        """True when the month is shown as known on an earlier date than the latest data."""
        return self.as_of != self.data_date


def organisation(con: duckdb.DuckDBPyConnection, org: str | None) -> tuple[str, dict[str, str]]:
    """The organisation of the report: its key in the data and its names (kk, ru, en)."""
    orgs = con.execute("select org_name, name_kk, name_ru, name_en from organisations").df()
    if orgs.empty:
        info = con.execute("select name_kk, name_ru, name_en from directory_info").df()
        return "", info.iloc[0].to_dict()
    if org is None:
        if len(orgs) > 1:
            raise ValueError("the data holds several organisations / в данных несколько организаций — "
                             "choose one with --org: " + "; ".join(orgs["org_name"]))
        row = orgs.iloc[0]
    else:
        hit = orgs[(orgs["org_name"] == org) | (orgs["name_kk"] == org) | (orgs["name_ru"] == org)]
        if hit.empty:
            raise ValueError(f"no organisation {org!r} in the data / нет организации в данных: "
                             + "; ".join(orgs["name_ru"]))
        row = hit.iloc[0]
    return row["org_name"], {k: row[f"name_{k}"] for k in ("kk", "ru", "en")}


def rates(con: duckdb.DuckDBPyConnection, src: str, org: str, date_from: dt.date, date_to: dt.date,
          period: str = "none", dim: str = "all") -> pd.DataFrame:
    """The measure's rates(...) of one organisation over a range."""
    return con.execute(
        "select * from rates(src := ?, date_from := ?, date_to := ?, period := ?, dim := ?, orgs := [?]) "
        "order by period_start, rank nulls last, name_ru",
        [src, date_from, date_to, period, dim, org]).df()


def both_months(headline: pd.DataFrame, prev: dt.date, month: dt.date) -> pd.DataFrame:
    """The headline with one row for the previous month and one for the month, zeros where none."""
    counts = [c for c in headline.columns if c.endswith("_count")]
    out = pd.DataFrame({"period_start": [prev, month]})
    headline = headline.assign(period_start=pd.to_datetime(headline["period_start"]).dt.date)
    out = out.merge(headline, on="period_start", how="left")
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def to_discuss(departments: pd.DataFrame, n: int) -> pd.DataFrame:
    """The units to put on the table: the n with the lowest on-time rate (more due first among equals),
    then the one whose rate fell most since the previous month, if it fell and is not among them."""
    if departments.empty:
        return departments.assign(reason=pd.Series(dtype="object"))
    worst = departments.sort_values(["on_time_rate", "due_count"], ascending=[True, False]).head(n)
    rest = departments[~departments["dimension_code"].isin(worst["dimension_code"]) & (departments["change"] < 0)]
    drop = rest.sort_values("change").head(1)
    return pd.concat([worst.assign(reason="worst"), drop.assign(reason="drop")], ignore_index=True)


def load(snapshot: Path, month: dt.date, lang: str = "ru", as_of: dt.date | None = None,
         org: str | None = None) -> ReportData:
    """Read the month's figures from a published snapshot, as of the data date or a given date."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        data_date = con.execute("select as_of from data_as_of").fetchone()[0]
        as_of = as_of or data_date
        key, names = organisation(con, org)
        src = "daily_execution"
        if as_of != data_date:  # frozen: the month as known on as_of, by the same measure
            con.execute("create temp table report_tasks as select * from task_measure(?::date)", [as_of])
            con.execute("create temp table report_daily as select * from daily_counts('report_tasks')")
            src = "report_daily"
        tasks = "report_tasks" if src == "report_daily" else "tasks"
        prev, end = previous_month(month), month_end(month)
        headline = both_months(rates(con, src, key, prev, end, period="month"), prev, month)
        cur = rates(con, src, key, month, end, dim="department")
        before = rates(con, src, key, prev, month_end(prev), dim="department")
        name = f"name_{lang}"
        departments = cur.assign(department=cur[name].fillna(cur["dimension_code"]).fillna("?")).merge(
            before[["dimension_code", "on_time_rate"]].rename(columns={"on_time_rate": "prev_rate"}),
            on="dimension_code", how="left")
        departments["change"] = departments["on_time_rate"] - departments["prev_rate"]
        departments = departments[departments["due_count"] > 0].reset_index(drop=True)
        start = (month.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
        trend = rates(con, src, key, start, end, period="month")
        dep = f"department_name_{lang}"
        overdue = con.execute(f"""
            select display_no as reg_no, source, department_code,
                   coalesce({dep}, department_code, '?') as department,
                   executor_name, executor_role, due_date, working_days_late, summary
            from {tasks}
            where outcome = 'overdue' and is_due and due_date <= ? and coalesce(org_name, '') = ?
            order by working_days_late desc, reg_no
        """, [end, key]).df()
        rules = con.execute(f"""
            select r.rule_id, r.clause, r.kind, r.severity, r.title_{lang} as title, count(v.rule_id) as violations
            from (select * from validation_runs where run_id = (select max(run_id) from validation_runs)) as r
            left join current_violations as v on v.rule_id = r.rule_id and v.org_name = ?
                and (v.expected_date between ? and ? or v.expected_date is null)
            group by all having count(v.rule_id) > 0 order by r.severity, violations desc
        """, [key, month, end]).df()
        service_notes = con.execute(f"""
            select name_{lang} as department, cases, not_submitted, worst_working_days_late, clauses,
                   facts_{lang} as facts
            from service_notes(?, ?, orgs := [?])
        """, [month, end, key]).df()
        by_source = rates(con, src, key, month, end, dim="source")
        appeals = con.execute("select * from appeal_outcomes(?, ?, orgs := [?])", [month, end, key]).df()
        sources = con.execute("select kind, data_date, file_name, date_basis, files from source_exports "
                              "order by kind").df()
        files, quarantined = con.execute(
            "select count(*), coalesce(sum(rows_quarantined), 0) from load_log").fetchone()
    finally:
        con.close()
    return ReportData(month, as_of, data_date, lang, names[lang], headline, departments, trend, overdue, rules,
                      service_notes, sources, {"files": int(files), "quarantined": int(quarantined)}, by_source,
                      appeals, to_discuss(departments, int(settings.load()["display"]["discuss_worst"])))
