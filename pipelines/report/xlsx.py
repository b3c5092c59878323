"""The monthly report as an Excel workbook: real tables, typed cells, frozen headers, filters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from pipelines.i18n import missing, month_name, t
from pipelines.report.data import ReportData

PERCENT, DATE, INT, DEC = "0.0%", "DD.MM.YYYY", "#,##0", "0.0"


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, headers: dict[str, str], formats: dict[str, str],
           table_name: str) -> None:
    """One sheet holding one Excel table with localised headers and typed columns."""
    ws = wb.create_sheet(title[:31])
    cols = list(headers)
    ws.append([headers[c] for c in cols])
    for row in df[cols].itertuples(index=False):
        values = []
        for v in row:
            if missing(v):
                values.append(None)
            elif isinstance(v, pd.Timestamp):
                values.append(v.date())
            else:
                values.append(v.item() if hasattr(v, "item") else v)
        ws.append(values)
    for j, c in enumerate(cols, 1):
        fmt = formats.get(c)
        for i in range(2, len(df) + 2):
            if fmt:
                ws.cell(row=i, column=j).number_format = fmt
        width = max([len(str(headers[c]))] + [len(str(v)) for v in df[c].head(200)]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 60)
        ws.cell(row=1, column=j).font = Font(bold=True)
    ws.freeze_panes = "A2"
    if len(df):
        ref = f"A1:{get_column_letter(len(cols))}{len(df) + 1}"
        table = Table(displayName=table_name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)


def write(r: ReportData, path: Path) -> Path:
    """Write the report's tables, one sheet each, plus the raw overdue list."""
    lang = r.lang
    wb = Workbook()
    wb.remove(wb.active)
    counts = {"due_count": t("due", lang), "on_time_count": t("on_time", lang), "late_count": t("late", lang),
              "overdue_count": t("overdue", lang), "on_time_rate": t("rate", lang)}
    head = r.headline.assign(period=[month_name(d, lang) for d in pd.to_datetime(r.headline["period_start"]).dt.date])
    _sheet(wb, t("headline", lang), head, {"period": t("period", lang), **counts,
                                           "avg_working_days_late": t("avg_late", lang)},
           {"on_time_rate": PERCENT, "avg_working_days_late": DEC}, "headline")
    _sheet(wb, t("by_department", lang), r.departments,
           {"rank": t("rank", lang), "department": t("department", lang), **counts, "change": t("change", lang),
            "avg_working_days_late": t("avg_late", lang), "max_working_days_late": t("max_late", lang),
            "extension_count": t("extensions", lang)},
           {"on_time_rate": PERCENT, "change": "+0.0%;-0.0%;0.0%", "avg_working_days_late": DEC}, "departments")
    trend = r.trend.assign(period=[month_name(d, lang) for d in pd.to_datetime(r.trend["period_start"]).dt.date])
    _sheet(wb, t("trend", lang), trend, {"period": t("period", lang), **counts}, {"on_time_rate": PERCENT}, "trend")
    _sheet(wb, t("overdue_at_month_end", lang), r.overdue,
           {"reg_no": t("reg_no", lang), "department": t("department", lang), "executor_name": t("executor", lang),
            "due_date": t("due_date", lang), "working_days_late": t("wd_late", lang), "summary": t("summary", lang)},
           {"due_date": DATE}, "overdue")
    _sheet(wb, t("rules_title", lang), r.rules,
           {"rule_id": t("rule", lang), "clause": t("clause", lang), "severity": t("severity", lang),
            "title": t("message", lang), "violations": t("violations", lang)}, {}, "rules")
    _sheet(wb, t("service_notes", lang), r.service_notes,
           {"department": t("department", lang), "clauses": t("clause", lang), "cases": t("cases", lang),
            "worst_working_days_late": t("max_late", lang), "facts": t("facts", lang)}, {}, "service_notes")
    _sheet(wb, "overdue_raw", r.overdue, {c: c for c in r.overdue.columns}, {"due_date": DATE}, "overdue_raw")
    sources = r.sources.assign(kind=[t(f"kind_{k}", lang) for k in r.sources["kind"]])
    _sheet(wb, t("sources_line", lang), sources,
           {"kind": t("source", lang), "data_date": t("as_of_date", lang), "file_name": t("file", lang),
            "files": t("files", lang)}, {"data_date": DATE}, "sources")
    ws = wb[t("sources_line", lang)[:31]]
    ws.cell(row=len(sources) + 3, column=1, value=f"{r.org_name}. {r.basis}")
    wb.properties.title = f"{t('report_title', lang)} — {month_name(r.month, lang)}"
    wb.save(path)
    return path
