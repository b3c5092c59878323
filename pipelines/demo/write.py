"""Write the demo exports as files, in both languages and formats, with real-world messiness."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from pipelines import calendar, org
from pipelines.demo import edms, profiles, registers

SCALES = {  # scale -> (organisations, control cards)
    "district": (1, 8_000),
    "region": (20, 200_000),
    "national": (200, 10_000_000),
}
YEAR = 2025
SNAPSHOT = dt.date(2025, 12, 15)  # the H2 workbook was exported mid-December
FINAL = dt.date(2026, 1, 5)  # the update export after the year's end
_KK_TO_RU = str.maketrans("әғқңөұүһӘҒҚҢӨҰҮҺ", "агкноуухАГКНОУУХ")


def write_demo(out: Path, seed: int = 42, scale: str = "district") -> list[Path]:
    """Write the demo exports of a scale into a folder; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    orgs, n = SCALES[scale]
    directory = org.load()
    units = profiles.units(directory, seed)
    con = duckdb.connect()
    try:
        if scale != "district":
            return [_national_csv(con, units, out, n, orgs, seed, scale)]
        files = _district_edms(con, units, out, n, seed)
    finally:
        con.close()
    cal = calendar.build(YEAR - 1, YEAR + 1)
    wd = registers.WorkingDays(cal)
    files.append(_protocols_xlsx(registers.protocols(units, wd, seed, YEAR, FINAL), out))
    files.append(_materials_tsv(registers.materials(units, wd, seed, YEAR), out))
    files.append(_appeals_xlsx(registers.appeals(units, wd, seed, YEAR, 1500, FINAL), out))
    return files


def _national_csv(con, units, out: Path, n: int, orgs: int, seed: int, scale: str) -> Path:
    """Stream the cards of many organisations to one UTF-8 CSV via DuckDB's COPY."""
    path = out / f"edms_{scale}_{YEAR}.csv"
    cards = edms.generate(con, units, n, seed, YEAR, orgs, FINAL.isoformat())
    # streamed, unsorted, with a memory cap: DuckDB spills to disk rather than grow
    sql = edms.export_sql(cards, "ru", orgs, FINAL.isoformat(), ordered=False)
    con.execute("set preserve_insertion_order = false")
    con.execute("set memory_limit = '3GB'")
    con.execute(f"copy ({sql}) to '{path}' (header, delimiter ';', quote '\"')")
    return path


def _cards(con, units, n: int, seed: int, lang: str, export: dt.date) -> pd.DataFrame:
    """The district's cards as an export in one language, as seen on an export date."""
    cards = edms.generate(con, units, n, seed, YEAR, 1, export.isoformat())
    return con.execute(edms.export_sql(cards, lang, 1, export.isoformat())).df()


def _reg_dates(df: pd.DataFrame, col: str) -> pd.Series:
    """Registration dates of an export frame."""
    return pd.to_datetime(df[col].str[:10], format="%d.%m.%Y").dt.date


def _district_edms(con, units, out: Path, n: int, seed: int) -> list[Path]:
    """H1 as cp1251 CSV (ru), H2 as an XLSX snapshot (kk), and a January update (UTF-8 BOM)."""
    ru = _cards(con, units, n, seed, "ru", FINAL)
    days = _reg_dates(ru, "Дата регистрации")
    h1 = ru[days < dt.date(YEAR, 7, 1)].copy()
    # broken rows, as real exports have them
    h1.iloc[3, h1.columns.get_loc("Рег. №")] = "-"
    h1.iloc[40, h1.columns.get_loc("Дата регистрации")] = "31.02.2025"
    h1.iloc[41, h1.columns.get_loc("Рег. №")] = ""
    # a unit the directory does not know yet: reported by ingest, kept in the data
    h1.iloc[60, h1.columns.get_loc("Ответственный исполнитель")] = "Отдел цифровизации"
    p1 = out / "edms_2025_h1_ru.csv"
    with open(p1, "w", encoding="cp1251", errors="replace", newline="") as f:
        f.write("Выгрузка контрольных карточек СЭД «Documentolog»;;;\n")
        f.write("Сформирован: 05.01.2026 09:00;;;\n")
        w = csv.writer(f, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(h1.columns)
        for i, row in enumerate(h1.itertuples(index=False)):
            w.writerow([str(v).translate(_KK_TO_RU) for v in row])
            if i == 100:
                f.write("01-99/0;12.03.2025;Отдел культуры;лишнее;поле;\"незакрытая кавычка\n")

    kk = _cards(con, units, n, seed, "kk", SNAPSHOT)
    h2 = kk[_reg_dates(kk, "Тіркелген күні") >= dt.date(YEAR, 7, 1)]
    p2 = out / "edms_2025_h2_kk.xlsx"
    _edms_xlsx(h2, p2)

    upd = _late_changes(ru[days >= dt.date(YEAR, 11, 1)].copy())
    p3 = out / "edms_2025_update_2026-01-05_ru.csv"
    with open(p3, "w", encoding="utf-8-sig", newline="") as f:
        f.write("Сформирован: 05.01.2026 18:30\n")
        upd.to_csv(f, index=False, sep=",", lineterminator="\n")
    return [p1, p2, p3]


def _late_changes(upd: pd.DataFrame) -> pd.DataFrame:
    """What the January export changes after the mid-December one, as control staff do:
    extensions entered after the term had expired (they do not count, R-11.6(4)), overdue cards
    removed from control without an execution card, executed ones «Исполнен, снят с контроля»."""
    due = pd.to_datetime(upd["Срок исполнения"], format="%d.%m.%Y", errors="coerce").dt.date
    done = pd.to_datetime(upd["Дата исполнения"], format="%d.%m.%Y", errors="coerce").dt.date
    expired = due.notna() & (due < SNAPSHOT) & (upd["Продленный срок"] == "-")
    pick = pd.Series(range(len(upd)), index=upd.index)
    # still under control after its term in the December export, removed without a card in January
    removed = expired & (done.isna() | (done > SNAPSHOT)) & (pick % 2 == 0)
    upd.loc[removed, "Статус"] = "Снят с контроля"
    upd.loc[removed, ["Дата исполнения", "Отметка об исполнении"]] = "-"
    late_ext = expired & ~removed & (done.isna() | (done > due)) & (pick % 4 == 1)
    upd.loc[late_ext, "Продленный срок"] = [
        (d + dt.timedelta(days=21)).strftime("%d.%m.%Y") for d in due[late_ext]]
    upd.loc[late_ext, "Количество продлений"] = "1"
    closed = done.notna() & (upd["Отметка об исполнении"] != "-") & (pick % 7 == 0)
    upd.loc[closed, "Статус"] = "Исполнен, снят с контроля"
    return upd


def _title(ws, lines: list[str], width: int) -> None:
    """Write a merged title block of a report above the header."""
    for i, text in enumerate(lines, 1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=i == 1)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=max(2, width))


def _edms_xlsx(df: pd.DataFrame, path: Path) -> None:
    """The H2 snapshot: one row per executor (co-executors on rows of their own), title, totals."""
    rows = []
    for rec in df.to_dict("records"):
        co = rec.pop("Бірлесіп орындаушылар")
        rec["Ескерту"] = "-"
        rows.append(rec)
        if co and co != "-":
            for name in co.split("; "):
                rows.append({**rec, "Жауапты орындаушы": name, "Ескерту": "бірлесіп орындаушы"})
    wb = Workbook()
    ws = wb.active
    ws.title = "Бақылау"
    header = list(rows[0].keys())
    _title(ws, ["ЭҚАЖ «Documentolog» бақылау карточкалары", "Кезең: 01.07.2025 - 31.12.2025",
                "Ұйым: Отырар ауданы әкімінің аппараты", "Қалыптастырылған: 15.12.2025 10:00"],
           len(header))
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append([r[h] for h in header])
    ws.append(["Барлығы:", len(rows)])
    ws.append([])
    ws.append(["Жалпы бөлім басшысы ____________ Ержанова С."])
    info = wb.create_sheet("Ақпарат")
    info.append(["Бұл парақта деректер жоқ"])
    wb.save(path)


def _protocols_xlsx(df: pd.DataFrame, out: Path) -> Path:
    """One sheet per meeting type (ru headers); the akimat sheet carries real Excel dates."""
    path = out / "protocols_2025_ru.xlsx"
    wb = Workbook()
    wb.remove(wb.active)
    names = {code: ru for code, ru, *_ in [*registers.MEETINGS, registers.TRIPS]}
    for code, part in df.groupby("_type", sort=False):
        ws = wb.create_sheet(names[code][:31])
        part = part.drop(columns="_type")
        _title(ws, [f"Реестр поручений: {names[code]}", "Сформирован: 05.01.2026 11:00"],
               part.shape[1])
        ws.append(list(part.columns))
        for rec in part.itertuples(index=False):
            vals = list(rec)
            if code == "akimat_session":  # real date cells, as a hand-kept workbook has
                vals = [_as_date(v) if i in (2, 3, 11) else v for i, v in enumerate(vals)]
            ws.append(vals)
        ws.append(["Итого", len(part)])
    wb.save(path)
    return path


def _as_date(v: str) -> object:
    """dd.mm.yyyy text -> a datetime for an Excel date cell (other text unchanged)."""
    try:
        return dt.datetime.strptime(v, "%d.%m.%Y")
    except (TypeError, ValueError):
        return v


def _materials_tsv(df: pd.DataFrame, out: Path) -> Path:
    """The materials register as tab-separated UTF-8 with BOM, kk headers."""
    path = out / "materials_2025_kk.tsv"
    df.to_csv(path, sep="\t", index=False, encoding="utf-8-sig")
    return path


def _appeals_xlsx(df: pd.DataFrame, out: Path) -> Path:
    """The E-Otinish export as XLSX with a title block, kk headers."""
    path = out / "appeals_2025_kk.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "E-Otinish"
    _title(ws, ["E-Otinish: өтініштер тізімі", "Қалыптастырылған: 05.01.2026 12:00"], df.shape[1])
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False):
        ws.append(list(rec))
    wb.save(path)
    return path
