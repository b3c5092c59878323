"""Open an export file (CSV in any encoding and delimiter, or XLSX), find its header and its kind."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pipelines.sources import Source, all_sources, normalise_header

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SCAN_ROWS = 15
_EXPORTED = re.compile(
    r"(сформирован\w*|дата формирования|қалыптастырылған\w*|жасалған күні|құрылған)"
    r"\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)",
    re.IGNORECASE,
)


class ReadError(Exception):
    """A file that cannot be read at all; the message names the file and the problem (ru / kk)."""


@dataclass
class Layout:
    """Where the data of one sheet starts and what its columns mean."""

    source: Source
    sheet: str | None
    header_row: int  # 1-based line/row of the header within the file or sheet
    headers: list[str]
    mapping: dict[int, str]  # column index -> canonical field
    extras: dict[int, str] = field(default_factory=dict)  # column index -> header as written
    exported_at: dt.datetime | None = None

    @property
    def width(self) -> int:
        """Number of columns in the header."""
        return len(self.headers)


@dataclass
class Detection:
    """The best kind for a header row and what it lacks."""

    source: Source
    matched: dict[int, str]
    missing: list[str]

    @property
    def ok(self) -> bool:
        """True when every required field was found."""
        return not self.missing


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def detect(cells: list[object]) -> Detection:
    """Return the kind whose fields best match a row of header cells."""
    best = None
    for src in all_sources():
        matched: dict[int, str] = {}
        for i, c in enumerate(cells):
            name = src.match(normalise_header(c))
            if name and name not in matched.values():
                matched[i] = name
        missing = [f.name for f in src.fields if f.required and f.name not in matched.values()]
        score = (not missing, len(matched) - 2 * len(missing))
        if best is None or score > best[0]:
            best = (score, Detection(src, matched, missing))
    return best[1]


def _layout(rows: list[list[object]], sheet: str | None) -> Layout | Detection:
    """Find the header among the first rows; return a Layout, or the closest Detection."""
    closest = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        d = detect(row)
        if d.ok and len(d.matched) >= 3:
            headers = [str(c or "").strip() for c in row]
            extras = {j: h or f"column_{j + 1}" for j, h in enumerate(headers) if j not in d.matched}
            exported = None
            for r in rows[:i]:
                m = _EXPORTED.search(" ".join(str(c) for c in r if c is not None))
                if m:
                    exported = _parse_dt(m.group(2))
            return Layout(d.source, sheet, i + 1, headers, d.matched, extras, exported)
        if closest is None or len(d.matched) > len(closest.matched):
            closest = d
    return closest


def _parse_dt(text: str) -> dt.datetime | None:
    """Parse a day-first date-time of a title block."""
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def no_kind_error(path: Path, closest: Detection | None) -> ReadError:
    """The error for a file whose headers match no kind: names the closest kind and what it lacks."""
    if closest is None:
        return ReadError(f"{path}: пустой файл / бос файл")
    src = closest.source
    lacks = "; ".join(
        f"{f.name} ({' | '.join(f.aliases)})" for f in src.fields if f.name in closest.missing
    )
    return ReadError(
        f"{path}: не удалось определить вид выгрузки / выгрузу түрі анықталмады. "
        f"Ближе всего / ең жақыны: {src.kind} ({src.title_ru} / {src.title_kk}); "
        f"нет столбцов / бағандар жоқ: {lacks}"
    )


# ---------------------------------------------------------------------------- CSV

@dataclass
class CsvFile:
    """A CSV export ready for DuckDB's read_csv: a UTF-8 path, its delimiter and layout."""

    path: Path  # UTF-8 file to read (a transcoded temporary copy for cp1251)
    encoding: str
    delimiter: str
    layout: Layout
    temp: Path | None = None

    def close(self) -> None:
        """Remove the transcoded copy, if one was made."""
        if self.temp and self.temp.exists():
            self.temp.unlink()


def _encoding(path: Path) -> str:
    """Guess the encoding: a BOM says UTF-8; otherwise UTF-8 if the head decodes, else cp1251."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of the sample is not an error
        if e.start >= len(head) - 3:
            return "utf-8"
        return "cp1251"


def open_csv(path: Path) -> CsvFile:
    """Detect encoding, delimiter, header row and kind of a CSV file (raises ReadError)."""
    encoding = _encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        sample = f.read(1 << 16)
    best: tuple[int, str, Layout | Detection | None] | None = None
    for delim in (";", ",", "\t", "|"):
        rows = list(csv.reader(io.StringIO(sample), delimiter=delim))[:HEADER_SCAN_ROWS]
        found = _layout(rows, None) if rows else None
        score = len(found.headers) if isinstance(found, Layout) else -1
        if best is None or score > best[0]:
            best = (score, delim, found)
    _, delim, found = best
    if not isinstance(found, Layout):
        raise no_kind_error(path, found)
    temp = None
    target = path
    if encoding == "cp1251":
        # DuckDB reads UTF-8 only without extensions: transcode in blocks to a temp file
        fd = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115 - closed below
        temp = target = Path(fd.name)
        with fd, open(path, encoding="cp1251", newline="") as src:
            for block in iter(lambda: src.read(1 << 20), ""):
                fd.write(block.encode("utf-8"))
    return CsvFile(target, encoding, delim, found, temp)


# ---------------------------------------------------------------------------- Excel

def _cell(v: object) -> str | None:
    """Render one Excel cell as the text a CSV export would carry (dates ISO, 3.0 -> 3)."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else (
            v.strftime("%Y-%m-%d"))
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


@dataclass
class ExcelSheet:
    """One sheet of a workbook with data, as an Arrow table of text columns c0..cN and ord."""

    layout: Layout
    table: pa.Table


def open_excel(path: Path) -> tuple[list[ExcelSheet], list[str]]:
    """Read every sheet of a workbook; return the sheets with data and notes on those skipped."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken files
        raise ReadError(f"{path}: файл Excel не читается / Excel файлы оқылмайды: {e}") from e
    sheets, skipped, closest = [], [], None
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:
            raise ReadError(f"{path} [{name}]: лист не читается / парақ оқылмайды: {e}") from e
        if not any(any(c not in (None, "") for c in r) for r in rows[:HEADER_SCAN_ROWS]):
            skipped.append(name)
            continue
        found = _layout(rows, name)
        if not isinstance(found, Layout):
            skipped.append(name)
            if found and (closest is None or len(found.matched) > len(closest.matched)):
                closest = found
            continue
        data = rows[found.header_row:]
        width = max(found.width, max((len(r) for r in data), default=0))
        cols = {f"c{j}": [_cell(r[j]) if j < len(r) else None for r in data] for j in range(width)}
        cols["ord"] = list(range(1, len(data) + 1))
        sheets.append(ExcelSheet(found, pa.table(cols)))
    if not sheets:
        raise no_kind_error(path, closest)
    return sheets, skipped
